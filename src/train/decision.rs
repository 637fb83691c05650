//! Training the learned decision (`sentinelle train --decision FILE…`): a softmax regression over
//! what the engine finds in a message (`triage::decider`), fitted on messages labelled by the
//! plan's taxonomy. Full-batch gradient descent from zero, rows in file order: the same files give
//! the same weights. Rows marked `"part": "untouched"` are refused: they are kept for the last
//! measurement and never tuned on.

use super::metrics::{score, Metric};
use crate::error::Error;
use crate::triage::{DecisionFile, Engine};
use crate::Category;
use std::path::Path;

/// How the decision is fitted.
#[derive(Debug, Clone, Copy)]
pub struct DecisionOptions {
    /// L2 penalty on the weights (not the biases), per row.
    pub l2: f32,
    /// L2 penalty on the word weights: many, each seen in few rows.
    pub l2_words: f32,
    /// The word table has `2^word_bits` buckets (0: no word weights).
    pub word_bits: u8,
    pub epochs: usize,
    pub learning_rate: f32,
    /// Class weights are `(rows / rows of the class)^power`: 0 none, 1 balanced. Between, rare
    /// categories (threats, staff misconduct) count more without drowning the common ones.
    pub class_power: f32,
}

impl Default for DecisionOptions {
    fn default() -> Self {
        DecisionOptions { l2: 1e-3, l2_words: 3e-4, word_bits: 13, epochs: 1500, learning_rate: 2.0, class_power: 0.5 }
    }
}

/// Labelled rows as the decision reads them.
#[derive(Debug, Clone, Default)]
pub struct DecisionRows {
    pub x: Vec<Vec<f32>>,
    pub words: Vec<Vec<(u32, f32)>>,
    pub y: Vec<usize>,
    pub lang: Vec<String>,
    /// Which of the files each row came from.
    pub file: Vec<usize>,
    /// Rows left out because they are kept for the last measurement.
    pub untouched: usize,
}

/// Reads taxonomy-labelled JSONL files (`text`, `primary`) into features for `heads`.
pub fn decision_rows(engine: &Engine, files: &[&Path], heads: &[String], word_bits: u8) -> Result<DecisionRows, Error> {
    let mut rows = DecisionRows::default();
    for (f, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let at = |what: String| Error::input(Some(i as u64 + 1), format!("{}: {what}", path.display()));
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| at(e.to_string()))?;
            if v["part"] == "untouched" {
                rows.untouched += 1;
                continue;
            }
            let t = v["text"].as_str().ok_or_else(|| at("no text".into()))?;
            let c = v["primary"].as_str().and_then(Category::parse).ok_or_else(|| at("no primary category of the taxonomy".into()))?;
            let (x, words) = engine.decision_features(t, heads, word_bits).ok_or_else(|| Error::invalid("the decision reads the model's heads: the engine has no model"))?;
            rows.x.push(x);
            rows.words.push(words);
            rows.y.push(c.index());
            rows.lang.push(v["lang"].as_str().unwrap_or("?").to_string());
            rows.file.push(f);
        }
    }
    if rows.x.is_empty() {
        return Err(Error::invalid("no labelled row to train the decision on"));
    }
    Ok(rows)
}

/// Weights fitted by [`fit`]: per category over the evidence, the biases, and the word table
/// (`words[bucket * COUNT + category]`).
#[derive(Debug, Clone)]
pub struct Fitted {
    pub w: Vec<Vec<f32>>,
    pub b: Vec<f32>,
    pub words: Vec<f32>,
}

/// Fits the decision on the rows `use_rows` of `rows`.
pub fn fit(rows: &DecisionRows, use_rows: &[usize], o: &DecisionOptions) -> Fitted {
    let k = Category::COUNT;
    let dim = rows.x.first().map_or(0, Vec::len);
    let mut count = vec![0usize; k];
    for &i in use_rows {
        count[rows.y[i]] += 1;
    }
    let n = use_rows.len().max(1) as f32;
    let class_weight: Vec<f32> = count.iter().map(|&c| if c == 0 { 0.0 } else { (n / (k as f32 * c as f32)).powf(o.class_power) }).collect();
    let total: f32 = use_rows.iter().map(|&i| class_weight[rows.y[i]]).sum::<f32>().max(1e-9);
    let (mut w, mut b) = (vec![vec![0.0f32; dim]; k], vec![0.0f32; k]);
    // Momentum keeps plain gradient descent quick on these few, well-scaled features.
    let (mut vw, mut vb) = (vec![vec![0.0f32; dim]; k], vec![0.0f32; k]);
    let table = if o.word_bits == 0 { 0 } else { (1usize << o.word_bits) * k };
    let (mut words, mut vwords, mut gwords) = (vec![0.0f32; table], vec![0.0f32; table], vec![0.0f32; table]);
    // Only the buckets the rows use ever move: the others stay 0 (and compress to nothing).
    let mut used: Vec<u32> = use_rows.iter().flat_map(|&i| rows.words[i].iter().map(|x| x.0)).collect();
    used.sort_unstable();
    used.dedup();
    let mut p = vec![0.0f32; k];
    for _ in 0..o.epochs {
        let mut gw = vec![vec![0.0f32; dim]; k];
        let mut gb = vec![0.0f32; k];
        for &i in use_rows {
            let x = &rows.x[i];
            for c in 0..k {
                p[c] = b[c] + w[c].iter().zip(x).map(|(a, v)| a * v).sum::<f32>();
            }
            for &(bucket, v) in &rows.words[i] {
                for c in 0..k {
                    p[c] += v * words[bucket as usize * k + c];
                }
            }
            crate::triage::softmax_in_place(&mut p);
            let cw = class_weight[rows.y[i]] / total;
            for c in 0..k {
                let g = cw * (p[c] - (c == rows.y[i]) as u8 as f32);
                if g != 0.0 {
                    gb[c] += g;
                    for (gw, v) in gw[c].iter_mut().zip(x) {
                        *gw += g * v;
                    }
                    for &(bucket, v) in &rows.words[i] {
                        gwords[bucket as usize * k + c] += g * v;
                    }
                }
            }
        }
        for c in 0..k {
            for f in 0..dim {
                let g = gw[c][f] + o.l2 * w[c][f];
                vw[c][f] = 0.9 * vw[c][f] + g;
                w[c][f] -= o.learning_rate * vw[c][f];
            }
            vb[c] = 0.9 * vb[c] + gb[c];
            b[c] -= o.learning_rate * vb[c];
        }
        for &bucket in &used {
            for c in 0..k {
                let j = bucket as usize * k + c;
                let g = gwords[j] + o.l2_words * words[j];
                gwords[j] = 0.0;
                vwords[j] = 0.9 * vwords[j] + g;
                words[j] -= o.learning_rate * vwords[j];
            }
        }
    }
    Fitted { w, b, words }
}

/// The word table as shipped: `i8` steps of `scale`, and the scale.
pub fn quantise_words(words: &[f32]) -> (Vec<u8>, f32) {
    let max = words.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    (words.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8 as u8).collect(), scale)
}

/// The category the fitted decision gives row `i` of `rows`.
pub fn predict(f: &Fitted, rows: &DecisionRows, i: usize) -> usize {
    let k = f.b.len();
    let z = |c: usize| {
        let words: f32 = rows.words[i].iter().map(|&(bucket, v)| v * f.words.get(bucket as usize * k + c).copied().unwrap_or(0.0)).sum();
        f.b[c] + f.w[c].iter().zip(&rows.x[i]).map(|(a, v)| a * v).sum::<f32>() + words
    };
    (0..k).map(|c| (c, z(c))).fold((0, f32::NEG_INFINITY), |best, (c, z)| if z > best.1 { (c, z) } else { best }).0
}

/// Out-of-fold accuracy and macro-F1 (over the categories present), by `k` folds dealt in turn
/// (row `i` in fold `i % k`): every row is scored by a decision that never saw it.
pub fn cross_validate(rows: &DecisionRows, k: usize, o: &DecisionOptions) -> (f64, f64, Vec<usize>) {
    let n = rows.x.len();
    let mut pred = vec![0usize; n];
    for fold in 0..k {
        let train: Vec<usize> = (0..n).filter(|i| i % k != fold).collect();
        let fitted = fit(rows, &train, o);
        for i in (0..n).filter(|i| i % k == fold) {
            pred[i] = predict(&fitted, rows, i);
        }
    }
    let (acc, f1) = accuracy_and_macro_f1(&rows.y, &pred);
    (acc, f1, pred)
}

/// Accuracy and macro-F1 over the categories in the gold labels or the predictions.
pub fn accuracy_and_macro_f1(gold: &[usize], pred: &[usize]) -> (f64, f64) {
    let name = |c: &usize| Category::ALL[*c].as_str();
    let g: Vec<&str> = gold.iter().map(name).collect();
    let p: Vec<&str> = pred.iter().map(name).collect();
    let classes: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).filter(|c| g.contains(c) || p.contains(c)).collect();
    let acc = g.iter().zip(&p).filter(|(a, b)| a == b).count() as f64 / g.len().max(1) as f64;
    (acc, score(Metric::MacroF1, &classes, &g, &p))
}

/// The decision file and its word table for fitted weights.
pub fn decision_file(heads: Vec<String>, fitted: Fitted, word_bits: u8, trained_on: Vec<String>) -> (DecisionFile, Vec<u8>) {
    // Four decimals: the file stays readable and diffable, and no verdict hinges on the fifth.
    let r = |x: f32| (x * 1e4).round() / 1e4;
    let (table, word_scale) = quantise_words(&fitted.words);
    let file = DecisionFile {
        format: 1,
        heads,
        weights: fitted.w.into_iter().map(|ws| ws.into_iter().map(r).collect()).collect(),
        bias: fitted.b.into_iter().map(r).collect(),
        word_bits,
        word_scale,
        trained_on,
    };
    (file, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_is_deterministic_and_learns_the_rows() {
        // Two well-separated categories on one feature: the fit must get them right, twice the same.
        let rows = DecisionRows {
            x: (0..40).map(|i| vec![if i % 2 == 0 { 1.0 } else { -1.0 }, 1.0]).collect(),
            words: (0..40).map(|i| vec![((i % 2) as u32, 1.0)]).collect(),
            y: (0..40).map(|i| if i % 2 == 0 { Category::Complaint.index() } else { Category::Praise.index() }).collect(),
            lang: vec!["fr".into(); 40],
            file: vec![0; 40],
            untouched: 0,
        };
        let o = DecisionOptions { word_bits: 1, epochs: 200, ..Default::default() };
        let all: Vec<usize> = (0..40).collect();
        let (a, b) = (fit(&rows, &all, &o), fit(&rows, &all, &o));
        assert_eq!((&a.w, &a.b, &a.words), (&b.w, &b.b, &b.words));
        assert!((0..40).all(|i| predict(&a, &rows, i) == rows.y[i]));
        let (acc, _, _) = cross_validate(&rows, 5, &o);
        assert_eq!(acc, 1.0);
    }

    #[test]
    fn untouched_rows_are_never_trained_on() {
        let path = std::env::temp_dir().join(format!("decision_rows_{}.jsonl", std::process::id()));
        std::fs::write(&path, "{\"text\":\"merci\",\"primary\":\"praise\",\"part\":\"tune\"}\n{\"text\":\"nul\",\"primary\":\"complaint\",\"part\":\"untouched\"}\n").unwrap();
        let engine = Engine::with_default_plan();
        let heads: Vec<String> = engine.model().unwrap().heads.iter().map(|h| h.name.clone()).collect();
        let rows = decision_rows(&engine, &[path.as_path()], &heads, 4).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!((rows.x.len(), rows.untouched), (1, 1));
        assert_eq!(rows.y, [Category::Praise.index()]);
    }
}
