//! Scoring predictions the way each data set's paper does, choosing thresholds, and dealing rows
//! into stratified folds.

use super::datasets::{decision_classes, Decision, DatasetSpec};
use super::sgd::Rng;
use std::collections::BTreeMap;

/// How a data set's paper scores a classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    MacroF1,
    WeightedF1,
    MacroRecall,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::MacroF1 => "macro-F1",
            Metric::WeightedF1 => "weighted F1",
            Metric::MacroRecall => "macro-recall",
        }
    }
}

/// Scores predictions against gold labels.
pub fn score(metric: Metric, classes: &[&str], gold: &[&str], pred: &[&str]) -> f64 {
    let mut f1s = Vec::new();
    let mut recalls = Vec::new();
    let mut supports = Vec::new();
    for c in classes {
        let tp = gold.iter().zip(pred).filter(|(g, p)| *g == c && *p == c).count() as f64;
        let fp = gold.iter().zip(pred).filter(|(g, p)| *g != c && *p == c).count() as f64;
        let fn_ = gold.iter().zip(pred).filter(|(g, p)| *g == c && *p != c).count() as f64;
        let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let rec = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        f1s.push(if prec + rec > 0.0 { 2.0 * prec * rec / (prec + rec) } else { 0.0 });
        recalls.push(rec);
        supports.push(tp + fn_);
    }
    let n = classes.len() as f64;
    match metric {
        Metric::MacroF1 => f1s.iter().sum::<f64>() / n,
        Metric::MacroRecall => recalls.iter().sum::<f64>() / n,
        Metric::WeightedF1 => {
            let total: f64 = supports.iter().sum();
            f1s.iter().zip(&supports).map(|(f, s)| f * s).sum::<f64>() / total.max(1.0)
        }
    }
}

/// The class a decision gives for head probabilities `p` (by head position) and thresholds `t`.
pub fn decide(d: &Decision, p: [f32; 2], t: [f32; 2]) -> &'static str {
    match d {
        Decision::Binary { positive, negative, .. } => {
            if p[0] >= t[0] {
                positive
            } else {
                negative
            }
        }
        Decision::Cascade { classes, .. } => {
            if p[0] >= t[0] {
                classes[0]
            } else if p[1] >= t[1] {
                classes[1]
            } else {
                classes[2]
            }
        }
    }
}

/// The thresholds that maximise the metric on these predictions (a grid search).
pub fn best_thresholds(spec: &DatasetSpec, probs: &[[f32; 2]], gold: &[&str]) -> ([f32; 2], f64) {
    let classes = decision_classes(&spec.decision);
    let grid: Vec<f32> = (2..=98).map(|i| i as f32 / 100.0).collect();
    let coarse: Vec<f32> = (1..=48).map(|i| i as f32 / 50.0).collect();
    let mut best = ([0.5, 0.5], -1.0);
    let eval = |t: [f32; 2]| {
        let pred: Vec<&str> = probs.iter().map(|p| decide(&spec.decision, *p, t)).collect();
        score(spec.metric, &classes, gold, &pred)
    };
    match spec.decision {
        Decision::Binary { .. } => {
            for &t in &grid {
                let s = eval([t, 1.0]);
                if s > best.1 {
                    best = ([t, 1.0], s);
                }
            }
        }
        Decision::Cascade { .. } => {
            for &t0 in &coarse {
                for &t1 in &coarse {
                    let s = eval([t0, t1]);
                    if s > best.1 {
                        best = ([t0, t1], s);
                    }
                }
            }
        }
    }
    best
}

/// Stratified fold number for each row: rows of each label are dealt round-robin after a
/// seeded shuffle.
pub fn stratified_folds(labels: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by.entry(l).or_default().push(i);
    }
    let mut fold = vec![0; labels.len()];
    let mut rng = Rng(seed | 1);
    let mut next = 0;
    for idx in by.values_mut() {
        for i in (1..idx.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            idx.swap(i, j);
        }
        for &i in idx.iter() {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// Scores each fold with thresholds chosen on the other folds' predictions: the mean and spread
/// of the fold scores, and the thresholds chosen on all the out-of-fold predictions.
pub(super) fn fold_scores(spec: &DatasetSpec, probs: &[[f32; 2]], labels: &[&str], fold: &[usize], k: usize) -> (f64, f64, [f32; 2]) {
    let classes = decision_classes(&spec.decision);
    let mut scores = Vec::new();
    for f in 0..k {
        let (other_p, other_g): (Vec<[f32; 2]>, Vec<&str>) = (0..probs.len()).filter(|i| fold[*i] != f).map(|i| (probs[i], labels[i])).unzip();
        let (t, _) = best_thresholds(spec, &other_p, &other_g);
        let (gold, pred): (Vec<&str>, Vec<&str>) = (0..probs.len()).filter(|i| fold[*i] == f).map(|i| (labels[i], decide(&spec.decision, probs[i], t))).unzip();
        scores.push(score(spec.metric, &classes, &gold, &pred));
    }
    let mean = scores.iter().sum::<f64>() / k as f64;
    let std = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / k as f64).sqrt();
    let (thresholds, _) = best_thresholds(spec, probs, labels);
    (mean, std, thresholds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_hand_computed_values() {
        let gold = ["a", "a", "b", "b", "b"];
        let pred = ["a", "b", "b", "b", "a"];
        // a: P=1/2 R=1/2 F=1/2; b: P=2/3 R=2/3 F=2/3
        let macro_f1 = score(Metric::MacroF1, &["a", "b"], &gold, &pred);
        assert!((macro_f1 - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
        let weighted = score(Metric::WeightedF1, &["a", "b"], &gold, &pred);
        assert!((weighted - (0.5 * 2.0 + 2.0 / 3.0 * 3.0) / 5.0).abs() < 1e-9);
        let recall = score(Metric::MacroRecall, &["a", "b"], &gold, &pred);
        assert!((recall - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn folds_are_stratified_and_deterministic() {
        let labels: Vec<&str> = (0..100).map(|i| if i % 4 == 0 { "x" } else { "y" }).collect();
        let f = stratified_folds(&labels, 5, 7);
        assert_eq!(f, stratified_folds(&labels, 5, 7));
        for k in 0..5 {
            let xs = (0..100).filter(|i| f[*i] == k && labels[*i] == "x").count();
            assert_eq!(xs, 5);
        }
    }
}
