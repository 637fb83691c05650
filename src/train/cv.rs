//! Cross-validation of every data set, plain and stacked (the other heads' logits as features),
//! and the training of the shipped model with the way and thresholds cross-validation chose.

use super::datasets::{decision_heads, spec, teacher, Corpus, Decision, DATASETS, HEADS};
use super::metrics::{fold_scores, stratified_folds};
use super::sgd::{add_head_prior, logit, predict, prune, quantise, two_at_a_time, TrainOptions};
use super::shift::{across_targets, score_across};
use crate::model::{Head, Model};

/// The cross-validated result on one data set.
#[derive(Debug, Clone)]
pub struct CvResult {
    pub stem: &'static str,
    pub rows: usize,
    pub mean: f64,
    pub std: f64,
    /// Thresholds chosen on all out-of-fold predictions: what the shipped model uses for this set.
    pub thresholds: [f32; 2],
    /// Whether this set's heads are stacked (see [`Corpus::stacked`]), and the mean score the
    /// other way.
    pub stacked: bool,
    pub other_mean: Option<f64>,
}

/// How a stacked head's logit input is scaled (logits span about ±8; features about ±1).
pub const AUX_SCALE: f32 = 0.5;

/// The bucket of head `h`'s logit as a stacked feature.
pub fn aux_index(h: usize, bits: u8) -> u32 {
    (crate::hash::fnv_hash(&[b'a', b'u', b'x', h as u8]) & ((1u64 << bits) - 1)) as u32
}

/// Stratified k-fold cross-validation on data set `d`.
pub fn cross_validate(c: &Corpus, d: usize, k: usize, o: &TrainOptions) -> Option<CvResult> {
    let spec = &DATASETS[d];
    let set = &c.sets[d];
    if set.is_empty() {
        return None;
    }
    let labels: Vec<&str> = set.iter().map(|e| e.label.as_str()).collect();
    let fold = stratified_folds(&labels, k, o.seed);
    let heads = decision_heads(&spec.decision);
    let mut probs = vec![[1.0f32; 2]; set.len()];
    // Folds are independent.
    let folds: Vec<usize> = (0..k).collect();
    let per_fold: Vec<Vec<(usize, [f32; 2])>> = two_at_a_time(&folds, |&f| {
        let skip = |ds: usize, i: usize| ds == d && fold[i] == f;
        let models: Vec<(Vec<f32>, f32)> = heads
            .iter()
            .map(|h| {
                let (mut w, b) = c.train_head(h, o, &skip);
                prune(&mut w, o);
                (w, b)
            })
            .collect();
        set.iter()
            .enumerate()
            .filter(|(i, _)| fold[*i] == f)
            .map(|(i, e)| {
                let mut p = [1.0f32; 2];
                for (j, (w, b)) in models.iter().enumerate() {
                    p[j] = predict(w, *b, e);
                }
                (i, p)
            })
            .collect()
    });
    for f in per_fold {
        for (i, p) in f {
            probs[i] = p;
        }
    }
    let (mean, std, thresholds) = fold_scores(spec, &probs, &labels, &fold, k);
    Some(CvResult { stem: spec.stem, rows: set.len(), mean, std, thresholds, stacked: false, other_mean: None })
}

/// Both ways of training: on the plain features, and stacked. `full` holds every head trained
/// on all rows with plain features, the heads whose logits are stacked.
pub struct Corpora {
    pub plain: Corpus,
    pub stacked: Corpus,
    pub full: Vec<(Vec<f32>, f32)>,
}

impl Corpora {
    pub fn new(plain: Corpus, o: &TrainOptions) -> Corpora {
        let full = plain.full_heads(o);
        let stacked = plain.stacked(&full, o.bits);
        Corpora { plain, stacked, full }
    }
}

/// By how much a stacked head must score better to be kept over the plain one (half a point): a
/// folded stacked head has two to three times the nonzero weights, which the model's 2 MB
/// gzipped budget pays for (four sets choosing stacked by 0.2–0.6 point took it to 2.11 MB).
pub const STACK_MARGIN: f64 = 0.005;

/// Cross-validates every known data set (or those named in `only`), plain and stacked, and keeps
/// the better way for each (stacked only by [`STACK_MARGIN`]; a set with a [`Shift`](super::Shift) is judged on the mean of
/// its k-fold score and its score across targets). A set that teaches no head follows the choice of
/// the set that teaches its head, when that one was cross-validated first.
pub fn cross_validate_all(c: &Corpora, k: usize, o: &TrainOptions, only: Option<&[&str]>, log: &mut dyn FnMut(&CvResult, f64)) -> Vec<CvResult> {
    let mut out: Vec<CvResult> = Vec::new();
    for (d, spec) in DATASETS.iter().enumerate() {
        if only.is_some_and(|o| !o.contains(&spec.stem)) {
            continue;
        }
        let t = std::time::Instant::now();
        let forced = (teacher(d) != d).then(|| out.iter().find(|r| r.stem == DATASETS[teacher(d)].stem).map(|r| r.stacked)).flatten();
        let plain = if forced != Some(true) { cross_validate(&c.plain, d, k, o) } else { None };
        let stacked = if forced != Some(false) { cross_validate(&c.stacked, d, k, o) } else { None };
        // A shifted set weighs its score across targets as much as its k-fold score, each way
        // scored with the thresholds its cross-validation chose (those the head ships with).
        let across = |r: &CvResult| -> Option<f64> {
            let (Some(shift), Decision::Binary { head, .. }) = (spec.shift, spec.decision) else { return None };
            let corpus = if r.stacked { &c.stacked } else { &c.plain };
            let labels: Vec<&str> = corpus.sets[d].iter().map(|e| e.label.as_str()).collect();
            let preds = across_targets(corpus, d, head, shift, o, &[shift.prior]);
            Some(preds.iter().map(|way| score_across(spec, &labels, &way[0], r.thresholds).0).sum::<f64>() / 2.0)
        };
        let merit = |r: &CvResult| across(r).map_or(r.mean, |a| (r.mean + a) / 2.0);
        let stacked = stacked.map(|s| CvResult { stacked: true, ..s });
        let r = match (plain, stacked) {
            (Some(p), Some(s)) if merit(&s) > merit(&p) + STACK_MARGIN => CvResult { other_mean: Some(p.mean), ..s },
            (Some(p), Some(s)) => CvResult { other_mean: Some(s.mean), ..p },
            (Some(p), None) => p,
            (None, Some(s)) => s,
            (None, None) => continue,
        };
        log(&r, t.elapsed().as_secs_f64());
        out.push(r);
    }
    out
}

/// Trains every head on all the data, plain or stacked as cross-validation chose for the data set
/// teaching it, and sets each head's threshold from the cross-validation results (the mean of its
/// data sets' thresholds, weighted by rows).
///
/// A stacked head is folded into a plain one: the stacked heads' logits are linear in the same
/// features, so `w + Σ aⱼ·s·wⱼ` (with `aⱼ` the weight learnt for head `j`'s logit and `s` the
/// [`AUX_SCALE`]) gives the same scores from the plain features alone — no second pass at
/// triage time.
pub fn train_model(c: &Corpora, o: &TrainOptions, cv: &[CvResult]) -> Model {
    let stacked_head = |h: &str| -> Option<usize> {
        let d = DATASETS.iter().position(|x| x.teaches.iter().any(|t| t.head == h))?;
        cv.iter().find(|r| r.stem == DATASETS[d].stem && r.stacked).map(|_| d)
    };
    let train = |h: &'static str| -> (Vec<f32>, f32) {
        let Some(d) = stacked_head(h) else {
            // A plain head trained on all rows is one of the heads whose logits are stacked
            // (those have no prior: it is added here).
            let i = HEADS.iter().position(|x| *x == h).expect("a known head");
            let (mut w, b) = c.full[i].clone();
            add_head_prior(&mut w, h, o.bits);
            return (w, b);
        };
        let (mut w, mut b) = c.stacked.train_head(h, o, &|_, _| false);
        let b0 = b;
        let aux: Vec<usize> = Corpus::aux_heads(d).iter().filter_map(|x| HEADS.iter().position(|y| y == x)).collect();
        let base = w.clone();
        for j in aux {
            let a = base[aux_index(j, o.bits) as usize] * AUX_SCALE;
            let (wj, bj) = &c.full[j];
            for (x, y) in w.iter_mut().zip(wj) {
                *x += a * y;
            }
            b += a * bj;
        }
        // The fold must give the stacked head's scores from plain features: checked on the
        // teaching set's rows before the weights ship.
        for (plain, stacked) in c.plain.sets[d].iter().zip(&c.stacked.sets[d]).take(200) {
            let (x, y) = (logit(&w, b, plain), logit(&base, b0, stacked));
            assert!((x - y).abs() <= 1e-3 * (1.0 + y.abs()), "{h}: folded logit {x} differs from stacked {y}");
        }
        (w, b)
    };
    let heads: Vec<(Head, Vec<i8>)> = two_at_a_time(HEADS, |h| (*h, train(h)))
        .into_iter()
        .map(|(h, (w, b))| {
            let (mut sum, mut n) = (0.0f64, 0usize);
            for r in cv {
                let Some(spec) = spec(r.stem) else { continue };
                if let Some(pos) = decision_heads(&spec.decision).iter().position(|x| *x == h) {
                    sum += r.thresholds[pos] as f64 * r.rows as f64;
                    n += r.rows;
                }
            }
            let t = if n > 0 { (sum / n as f64) as f32 } else { 0.5 };
            quantise(h, &w, b, t, o)
        })
        .collect();
    Model::from_heads(o.bits, heads)
}

impl Corpus {
    /// The heads stacked onto data set `d`'s heads: those that never see its rows (those it does
    /// not teach). A set that teaches none (`mlma_hate_en`) is scored by another set's head, so it
    /// gets that set's.
    pub fn aux_heads(d: usize) -> Vec<&'static str> {
        let owner = &DATASETS[teacher(d)];
        HEADS.iter().copied().filter(|h| !owner.teaches.iter().any(|t| t.head == *h)).collect()
    }

    /// Every head trained on all rows, in [`HEADS`] order, without lexicon priors: these are the
    /// heads whose logits other data sets' heads read when stacked, and in-domain they learn best
    /// how far to trust them as fitted.
    pub fn full_heads(&self, o: &TrainOptions) -> Vec<(Vec<f32>, f32)> {
        two_at_a_time(HEADS, |h| self.train_head_raw(h, o, &|_, _| false))
    }

    /// A copy where each row also carries, as features, the logits of the heads its data set does
    /// not teach (trained on the other data sets only, so no row ever sees a head trained on it).
    pub fn stacked(&self, full: &[(Vec<f32>, f32)], bits: u8) -> Corpus {
        let sets = self
            .sets
            .iter()
            .enumerate()
            .map(|(d, set)| {
                let aux: Vec<usize> = Corpus::aux_heads(d).iter().filter_map(|h| HEADS.iter().position(|x| x == h)).collect();
                set.iter()
                    .map(|e| {
                        // Every logit from the plain features (not from the ones appended here).
                        let z: Vec<f32> = aux.iter().map(|&h| logit(&full[h].0, full[h].1, e)).collect();
                        let mut e = e.clone();
                        e.feats.extend(aux.iter().zip(z).map(|(&h, z)| (aux_index(h, bits), z * AUX_SCALE)));
                        e
                    })
                    .collect()
            })
            .collect();
        Corpus { sets }
    }
}
