//! Fitting one head: logistic regression by AdaGrad on the rows of every data set teaching it,
//! its lexicon prior, and the pruning and quantising of the weights the model ships.

use super::datasets::{head_target, Corpus, Example, HeadSpec, Shift, DATASETS};
use crate::model::{sigmoid, Head};

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub bits: u8,
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub seed: u64,
    /// Weights under this share of a head's largest are dropped (set to 0), in cross-validation,
    /// the topic-shift probe and the shipped model alike: a folded stacked head otherwise has a
    /// small weight in nearly every bucket, which deflate cannot squeeze.
    pub prune: f32,
    /// The largest weight's magnitude as stored (`i8`): 127 uses every level; fewer levels
    /// deflate smaller. Cross-validation scores the weights rounded to these levels.
    pub levels: u8,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { bits: 18, epochs: 20, learning_rate: 0.05, l2: 1e-4, seed: 0x5e471e11e, prune: PRUNE, levels: LEVELS }
    }
}

pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `f` on every item, two at a time (one per core), the results in the items' order.
pub(super) fn two_at_a_time<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let f = &f;
    std::thread::scope(|s| {
        let mut out = Vec::with_capacity(items.len());
        for pair in items.chunks(2) {
            let running: Vec<_> = pair.iter().map(|x| s.spawn(move || f(x))).collect();
            out.extend(running.into_iter().map(|r| r.join().expect("a training thread panicked")));
        }
        out
    })
}

/// Logistic regression by AdaGrad with class-balanced weights. Returns dense weights and bias.
pub fn train_dense(rows: &[&Example], y: &[bool], o: &TrainOptions) -> (Vec<f32>, f32) {
    let n = 1usize << o.bits;
    let mut w = vec![0.0f32; n];
    let mut g2 = vec![1e-8f32; n];
    let (mut b, mut gb) = (0.0f32, 1e-8f32);
    let pos = y.iter().filter(|x| **x).count().max(1) as f32;
    let neg = (y.len() as f32 - pos).max(1.0);
    let total = y.len() as f32;
    let (wp, wn) = (total / (2.0 * pos), total / (2.0 * neg));
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = Rng(o.seed | 1);
    // The answer is the average of the end-of-epoch weights over the second half of training:
    // averaging smooths the last steps' noise, which is most of what separates SGD from the optimum.
    let mut avg = vec![0.0f32; n];
    let (mut avg_b, mut snapshots) = (0.0f32, 0u32);
    for epoch in 0..o.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            let r = rows[k];
            let p = predict(&w, b, r);
            let g = (p - if y[k] { 1.0 } else { 0.0 }) * if y[k] { wp } else { wn };
            for (i, v) in &r.feats {
                let i = *i as usize;
                let gi = g * v + o.l2 * w[i];
                g2[i] += gi * gi;
                w[i] -= o.learning_rate * gi / g2[i].sqrt();
            }
            gb += g * g;
            b -= o.learning_rate * g / gb.sqrt();
        }
        if epoch >= o.epochs / 2 {
            for (a, x) in avg.iter_mut().zip(&w) {
                *a += x;
            }
            avg_b += b;
            snapshots += 1;
        }
    }
    let k = snapshots.max(1) as f32;
    (avg.into_iter().map(|x| x / k).collect(), avg_b / k)
}

/// The default [`TrainOptions::prune`]: 12/127 (3.5/127 until the extension's 1.5 MB budget),
/// chosen with [`LEVELS`] among 2^16–2^18 buckets, pruning and levels on the development set, the
/// golden cases and the topic-shift checks (data/MODEL_CARD.md, "Size and speed"). About 18 % of
/// the weights are left, and the model deflates to 0.72 MB instead of 1.74 MB.
pub const PRUNE: f32 = 12.0 / 127.0;

/// The default [`TrainOptions::levels`]: the largest weight is stored as 31, the others rounded to
/// its 31sts (63 values; 127 before the 1.5 MB budget).
pub const LEVELS: u8 = 31;

/// Drops the weights under `o.prune` times the largest and rounds the others to the `o.levels`
/// levels they ship with, so that cross-validation scores the weights the model stores.
pub fn prune(w: &mut [f32], o: &TrainOptions) {
    let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let step = max / o.levels.max(1) as f32;
    for x in w.iter_mut() {
        if x.abs() < o.prune * max {
            *x = 0.0;
        } else if o.levels < 127 && step > 0.0 {
            *x = (*x / step).round() * step;
        }
    }
}

/// Quantises dense weights to `i8` with one scale (after [`prune`]).
pub fn quantise(name: &str, w: &[f32], bias: f32, threshold: f32, o: &TrainOptions) -> (Head, Vec<i8>) {
    let mut w = w.to_vec();
    prune(&mut w, o);
    let w = &w[..];
    let levels = o.levels.clamp(1, 127) as f32;
    let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12);
    let scale = max / levels;
    let (category, lang) = head_target(name);
    (Head { name: name.to_string(), category, lang, scale, bias, threshold }, w.iter().map(|x| (x / scale).round().clamp(-levels, levels) as i8).collect())
}

pub(super) fn logit(w: &[f32], b: f32, e: &Example) -> f32 {
    b + e.feats.iter().map(|(i, v)| w[*i as usize] * v).sum::<f32>()
}

pub(super) fn predict(w: &[f32], b: f32, e: &Example) -> f32 {
    sigmoid(logit(w, b, e))
}

/// Adds `head`'s lexicon prior to its fitted weights, when the data set teaching it has a
/// [`Shift`]; other heads are left as fitted.
pub(super) fn add_head_prior(w: &mut [f32], head: &str, bits: u8) {
    if let Some(shift) = DATASETS.iter().find(|x| x.teaches.iter().any(|t| t.head == head)).and_then(|d| d.shift) {
        add_prior(w, shift, shift.prior, bits);
    }
}

/// Adds `prior` to the weight of the shift's lexicon feature (its score in the plan's word lists,
/// a feature of every row: see [`crate::model::features_with_lexicon`]).
pub(super) fn add_prior(w: &mut [f32], shift: &Shift, prior: f32, bits: u8) {
    w[crate::model::lexicon_index(shift.category.index(), bits) as usize] += prior;
}

impl Corpus {
    /// Rows and targets teaching `head`, leaving out the rows of data set `except` in `held_out`.
    pub(super) fn head_rows<'a>(&'a self, head: &str, skip: &dyn Fn(usize, usize) -> bool) -> (Vec<&'a Example>, Vec<bool>) {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for (d, set) in self.sets.iter().enumerate() {
            let Some(HeadSpec { positive: pos, .. }) = DATASETS[d].teaches.iter().find(|t| t.head == head) else { continue };
            for (i, e) in set.iter().enumerate() {
                if !skip(d, i) {
                    rows.push(e);
                    y.push(pos.contains(&e.label.as_str()));
                }
            }
        }
        (rows, y)
    }

    /// Trains one head on every data set that teaches it, except the skipped rows, and adds its
    /// lexicon prior (see [`Shift`]): after fitting, so that the fit cannot undo it.
    pub fn train_head(&self, head: &str, o: &TrainOptions, skip: &dyn Fn(usize, usize) -> bool) -> (Vec<f32>, f32) {
        let (mut w, b) = self.train_head_raw(head, o, skip);
        add_head_prior(&mut w, head, o.bits);
        (w, b)
    }

    /// The same without the prior.
    pub(super) fn train_head_raw(&self, head: &str, o: &TrainOptions, skip: &dyn Fn(usize, usize) -> bool) -> (Vec<f32>, f32) {
        let (rows, y) = self.head_rows(head, skip);
        train_dense(&rows, &y, o)
    }
}

#[cfg(test)]
mod tests {
    use super::super::datasets::HATEVAL_SHIFT;
    use super::*;
    use crate::model::features_with_lexicon;
    use crate::normalise::normalise;
    use crate::triage::Engine;
    use crate::Category;

    #[test]
    fn the_prior_is_added_to_the_lexicon_weight_after_fitting() {
        let d = DATASETS.iter().position(|x| x.stem == "tweeteval_hate_en").unwrap();
        let lexicon = Engine::with_model(crate::Plan::default_plan(), None);
        let mk = |t: &str, l: &str| {
            let f = features_with_lexicon(&normalise(t), 12, &lexicon.lexicon_scores(t));
            Example { dataset: d, label: l.into(), feats: f.items.iter().map(|x| (x.index, x.value)).collect(), group_ends: f.group_ends, topic: 0 }
        };
        let mut sets = vec![Vec::new(); DATASETS.len()];
        sets[d] = (0..20).map(|i| if i % 2 == 0 { mk("go back to your country", "hate") } else { mk("lovely day at the beach", "not-hate") }).collect();
        let c = Corpus { sets };
        let o = TrainOptions { bits: 12, epochs: 3, ..TrainOptions::default() };
        let (raw, b0) = c.train_head_raw("hate_en", &o, &|_, _| false);
        let (with, b1) = c.train_head("hate_en", &o, &|_, _| false);
        assert_eq!(b0, b1);
        let at = crate::model::lexicon_index(Category::IdentityAttack.index(), 12) as usize;
        let changed: Vec<usize> = (0..raw.len()).filter(|&i| raw[i] != with[i]).collect();
        assert_eq!(changed, vec![at]);
        assert!((with[at] - raw[at] - HATEVAL_SHIFT.prior).abs() < 1e-6);
        // Heads of sets without a shift are left as fitted.
        assert_eq!(c.train_head("offensive_en", &o, &|_, _| false), c.train_head_raw("offensive_en", &o, &|_, _| false));
    }

    #[test]
    fn logistic_regression_learns_a_separable_toy_problem() {
        let mk = |t: &str, l: &str| {
            let f = crate::model::features(&normalise(t), 12);
            Example { dataset: 0, label: l.into(), feats: f.items.iter().map(|x| (x.index, x.value)).collect(), group_ends: f.group_ends, topic: 0 }
        };
        let rows: Vec<Example> = (0..40).map(|i| if i % 2 == 0 { mk("great lovely service", "pos") } else { mk("awful broken late", "neg") }).collect();
        let refs: Vec<&Example> = rows.iter().collect();
        let y: Vec<bool> = rows.iter().map(|e| e.label == "pos").collect();
        let o = TrainOptions { bits: 12, ..TrainOptions::default() };
        let (w, b) = train_dense(&refs, &y, &o);
        assert!(predict(&w, b, &mk("lovely", "?")) > 0.5);
        assert!(predict(&w, b, &mk("broken", "?")) < 0.5);
        assert_eq!(train_dense(&refs, &y, &o), (w, b), "deterministic");
    }
}
