//! The topic-shift probe: how a head trained on the rows about one target scores the rows about
//! the other, with each lexicon prior (see [`Shift`]).

use super::cv::Corpora;
use super::datasets::{decision_classes, Corpus, Decision, DatasetSpec, Shift, DATASETS};
use super::metrics::{decide, fold_scores, score, stratified_folds};
use super::sgd::{add_prior, predict, prune, two_at_a_time, TrainOptions};

/// One lexicon prior tried on a shifted data set: its k-fold score, and its score across targets
/// (trained on the rows about one target, scored on the rows about the other, with the threshold
/// cross-validation chose for that prior), each way.
#[derive(Debug, Clone)]
pub struct ShiftProbe {
    pub prior: f32,
    pub cv: f64,
    pub across: [f64; 2],
    /// Each way, the share of the scored rows predicted positive, and the share that are.
    pub predicted: [f64; 2],
    pub actual: [f64; 2],
    /// Rows about each target.
    pub rows: [usize; 2],
}

/// Tries each lexicon prior on data set `d` (which has a [`Shift`] and a binary decision), with
/// its heads trained the way cross-validation chose (`stacked` or plain).
pub fn shift_probe(c: &Corpora, d: usize, stacked: bool, k: usize, o: &TrainOptions, priors: &[f32]) -> Option<Vec<ShiftProbe>> {
    let spec = &DATASETS[d];
    let shift = spec.shift?;
    let Decision::Binary { head, .. } = spec.decision else { return None };
    let corpus = if stacked { &c.stacked } else { &c.plain };
    let set = &corpus.sets[d];
    if set.is_empty() {
        return None;
    }
    let labels: Vec<&str> = set.iter().map(|e| e.label.as_str()).collect();
    let fold = stratified_folds(&labels, k, o.seed);
    // With each prior, the weights as shipped and their predictions.
    let folds: Vec<usize> = (0..k).collect();
    let per_fold: Vec<Vec<Vec<(usize, f32)>>> = two_at_a_time(&folds, |&f| {
        let (w, b) = corpus.train_head_raw(head, o, &|ds, i| ds == d && fold[i] == f);
        priors
            .iter()
            .map(|&a| {
                let w = with_prior(&w, shift, a, o);
                set.iter().enumerate().filter(|(i, _)| fold[*i] == f).map(|(i, e)| (i, predict(&w, b, e))).collect()
            })
            .collect()
    });
    let across = across_targets(corpus, d, head, shift, o, priors);
    let rows = [1u8, 2].map(|t| set.iter().filter(|e| e.topic == t).count());
    let out = priors
        .iter()
        .enumerate()
        .map(|(j, &prior)| {
            let mut probs = vec![[1.0f32; 2]; set.len()];
            for (i, p) in per_fold.iter().flat_map(|f| &f[j]) {
                probs[*i][0] = *p;
            }
            let (cv, _, t) = fold_scores(spec, &probs, &labels, &fold, k);
            let (mut scores, mut predicted, mut actual) = ([0.0; 2], [0.0; 2], [0.0; 2]);
            for w in 0..2 {
                (scores[w], predicted[w], actual[w]) = score_across(spec, &labels, &across[w][j], t);
            }
            ShiftProbe { prior, cv, across: scores, predicted, actual, rows }
        })
        .collect();
    Some(out)
}

/// Each way (trained on the rows about one target, predicting the rows about the other), the
/// head's predictions with each prior, as `(row, probability)`: indexed `[way][prior]`.
pub(super) fn across_targets(corpus: &Corpus, d: usize, head: &str, shift: &Shift, o: &TrainOptions, priors: &[f32]) -> Vec<Vec<Vec<(usize, f32)>>> {
    let set = &corpus.sets[d];
    let ways = [(1u8, 2u8), (2, 1)];
    two_at_a_time(&ways, |&(from, to)| {
        let (w, b) = corpus.train_head_raw(head, o, &|ds, i| ds == d && set[i].topic != from);
        priors
            .iter()
            .map(|&a| {
                let w = with_prior(&w, shift, a, o);
                set.iter().enumerate().filter(|(_, e)| e.topic == to).map(|(i, e)| (i, predict(&w, b, e))).collect()
            })
            .collect()
    })
}

/// One way's predictions scored with thresholds `t`: the score, the share predicted positive and
/// the share that is.
pub(super) fn score_across(spec: &DatasetSpec, labels: &[&str], preds: &[(usize, f32)], t: [f32; 2]) -> (f64, f64, f64) {
    let classes = decision_classes(&spec.decision);
    let (gold, pred): (Vec<&str>, Vec<&str>) = preds.iter().map(|(i, p)| (labels[*i], decide(&spec.decision, [*p, 1.0], t))).unzip();
    let share = |x: &[&str]| x.iter().filter(|l| **l == classes[0]).count() as f64 / x.len().max(1) as f64;
    (score(spec.metric, &classes, &gold, &pred), share(&pred), share(&gold))
}

/// Weights as shipped with lexicon prior `a`: the prior added, then pruned.
fn with_prior(w: &[f32], shift: &Shift, a: f32, o: &TrainOptions) -> Vec<f32> {
    let mut w = w.to_vec();
    add_prior(&mut w, shift, a, o.bits);
    prune(&mut w, o);
    w
}
