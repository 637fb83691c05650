//! Training and evaluation of the model heads on labelled JSONL (native only: the CLI's `train`
//! and `eval` commands).
//!
//! Every data set in `../shared/data` is described by a [`DatasetSpec`]: which label field, which
//! heads its rows teach, and how its paper scores a classifier. Evaluation is stratified k-fold
//! cross-validation: for each fold of a data set, the heads are trained on the other folds plus
//! every other data set that teaches them, and scored on the held-out fold with a threshold
//! chosen on the *other* folds' out-of-fold predictions (so the threshold never sees the fold it
//! is scored on). Training is deterministic: same files, same options, same bytes.

use crate::model::{features_with_lexicon, sigmoid, Head, Model};
use crate::triage::{Engine, Message, TriageOptions};
use crate::{Category, Lang};
use crate::normalise::normalise;
use std::collections::BTreeMap;
use std::path::Path;

/// The heads the model ships, in order.
/// One head (or two) per data set: the sets' label definitions differ (Davidson's "offensive" is
/// not TweetEval's), and cross-validation showed pooling them costs every set some points.
pub const HEADS: &[&str] = &[
    "complaint_en", "offensive_en", "hate_en", "hxhate_en", "hxoffensive_en", "dvhate_en", "dvoffensive_en", "fake_en", "claim_en", "toxic_fr",
    "cyber_fr", "racism_fr", "positive_en", "negative_en",
];

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

/// How a data set's classes are predicted from head probabilities.
#[derive(Debug, Clone, Copy)]
pub enum Decision {
    /// `positive` when the head's probability reaches the threshold, else `negative`.
    Binary { head: &'static str, positive: &'static str, negative: &'static str },
    /// `top` when the first head reaches its threshold, else `middle` when the second does, else `base`.
    Cascade { heads: [&'static str; 2], classes: [&'static str; 3] },
}

/// A data set whose withheld test is known to be shifted from its training rows (HatEval's test
/// was collected apart from its training tweets; the TweetEval paper and the issue both warn of
/// it). Cross-validation cannot see such a shift, so it is probed by holding out a *target*:
/// train on the rows about one target, score on the rows about the other.
#[derive(Debug, Clone, Copy)]
pub struct Shift {
    /// The two targets, each by the normalised words that name it (`word*` is a prefix). A row is
    /// about a target when it has one of its words and none of the other's.
    pub topics: [(&'static str, &'static [&'static str]); 2],
    /// The plan lexicon whose score is added to the head's logit, times `prior` (see
    /// [`Corpus::train_head`]): word lists do not learn the training topics.
    pub category: Category,
    /// Chosen with `sentinelle eval`'s topic-shift table (the card shows it for each weight).
    pub prior: f32,
}

/// Women and migrants, HatEval's two targets.
const HATEVAL_SHIFT: Shift = Shift {
    topics: [
        ("women", &["woman", "women", "girl*", "bitch*", "whore*", "slut*", "cunt*", "hoe", "hoes", "feminis*", "wife", "wives", "lady", "ladies", "she", "her", "skank*", "female*", "rape", "raped", "rapist*"]),
        ("migrants", &["immigra*", "migra*", "refugee*", "illegal", "illegals", "border*", "wall", "deport*", "muslim*", "islam*", "invasion", "invader*", "alien*", "asylum", "daca", "buildthatwall", "rapefugee*", "sendthemback", "nodaca", "amnesty"]),
    ],
    category: Category::IdentityAttack,
    // Across targets the mean score climbs from 53.6 (no prior) to 60.0 at 3 and stays there
    // (60.1 at 4, 60.0 at 6 and 8) while the k-fold score falls 0.6: the smallest weight within
    // half a point of the best.
    prior: 3.0,
};

#[derive(Debug, Clone, Copy)]
pub struct DatasetSpec {
    pub stem: &'static str,
    pub field: &'static str,
    /// The language of its rows: the language of the heads it teaches.
    pub lang: Lang,
    /// Heads this data set teaches, with the labels that are positive for each.
    pub teaches: &'static [HeadSpec],
    pub decision: Decision,
    pub metric: Metric,
    /// Published results, best offline peer and plain baseline, as the issue and README state them.
    pub published: &'static str,
    pub peer: &'static str,
    pub baseline: &'static str,
    pub licence: &'static str,
    /// Through the engine: the labels whose rows should land in these categories.
    pub lands: &'static [(&'static str, &'static [Category])],
    pub shift: Option<&'static Shift>,
}

/// A head a data set teaches: its name, the labels positive for it, and the category of the plan it
/// gives evidence for (`None`: a head used only to score its data set, never in triage).
#[derive(Debug, Clone, Copy)]
pub struct HeadSpec {
    pub head: &'static str,
    pub positive: &'static [&'static str],
    pub category: Option<Category>,
}

const fn teach(head: &'static str, positive: &'static [&'static str], category: Category) -> HeadSpec {
    HeadSpec { head, positive, category: Some(category) }
}

const OFFENSIVE: &[Category] = &[Category::Abuse, Category::IdentityAttack, Category::Threat];
const HATE: &[Category] = &[Category::IdentityAttack];

/// The data sets the project knows. `twcs_airlines_intent_en` is absent on purpose: it is
/// CC BY-NC-SA and for studying replies, not for training shipped weights.
pub const DATASETS: &[DatasetSpec] = &[
    DatasetSpec { stem: "complaints_en", field: "label", lang: Lang::En, teaches: &[teach("complaint_en", &["complaint"], Category::Complaint)], decision: Decision::Binary { head: "complaint_en", positive: "complaint", negative: "not_complaint" }, metric: Metric::MacroF1, published: "LR 78 · best 79 · transformers 87", peer: "—", baseline: "76.4", licence: "none stated", lands: &[("complaint", &[Category::Complaint])], shift: None },
    DatasetSpec { stem: "tweeteval_offensive_en", field: "label", lang: Lang::En, teaches: &[teach("offensive_en", &["offensive"], Category::Abuse)], decision: Decision::Binary { head: "offensive_en", positive: "offensive", negative: "not-offensive" }, metric: Metric::MacroF1, published: "FastText 73.4 · RoBERTa 80.5", peer: "73.2", baseline: "73.2", licence: "no restrictions", lands: &[("offensive", OFFENSIVE)], shift: None },
    DatasetSpec { stem: "tweeteval_hate_en", field: "label", lang: Lang::En, teaches: &[teach("hate_en", &["hate"], Category::IdentityAttack)], decision: Decision::Binary { head: "hate_en", positive: "hate", negative: "not-hate" }, metric: Metric::MacroF1, published: "FastText 50.6 · BERTweet 56.4", peer: "54.6", baseline: "42.6", licence: "no restrictions", lands: &[("hate", HATE)], shift: Some(&HATEVAL_SHIFT) },
    DatasetSpec { stem: "hatexplain_en", field: "label", lang: Lang::En, teaches: &[teach("hxhate_en", &["hatespeech"], Category::IdentityAttack), teach("hxoffensive_en", &["hatespeech", "offensive"], Category::Abuse)], decision: Decision::Cascade { heads: ["hxhate_en", "hxoffensive_en"], classes: ["hatespeech", "offensive", "normal"] }, metric: Metric::MacroF1, published: "CNN-GRU 61.4 · BERT 67.4", peer: "—", baseline: "59.2", licence: "MIT", lands: &[("hatespeech", HATE), ("offensive", &[Category::Abuse])], shift: None },
    DatasetSpec { stem: "constraint_covid_fakenews_en", field: "label", lang: Lang::En, teaches: &[teach("fake_en", &["fake"], Category::Misinformation)], decision: Decision::Binary { head: "fake_en", positive: "fake", negative: "real" }, metric: Metric::WeightedF1, published: "SVM 93.3", peer: "—", baseline: "95.6", licence: "none stated", lands: &[("fake", &[Category::Misinformation])], shift: None },
    DatasetSpec { stem: "mlma_hate_fr", field: "binary_label", lang: Lang::Fr, teaches: &[teach("toxic_fr", &["toxic"], Category::Abuse)], decision: Decision::Binary { head: "toxic_fr", positive: "toxic", negative: "normal" }, metric: Metric::MacroF1, published: "—", peer: "31.7", baseline: "62.1", licence: "MIT", lands: &[("toxic", OFFENSIVE)], shift: None },
    DatasetSpec { stem: "ftr_racism_fr", field: "label", lang: Lang::Fr, teaches: &[teach("racism_fr", &["racist"], Category::IdentityAttack)], decision: Decision::Binary { head: "racism_fr", positive: "racist", negative: "non_racist" }, metric: Metric::MacroF1, published: "—", peer: "61.5", baseline: "75.3", licence: "MIT", lands: &[("racist", HATE)], shift: None },
    DatasetSpec { stem: "davidson_hate_offensive_en", field: "label", lang: Lang::En, teaches: &[teach("dvhate_en", &["hate_speech"], Category::IdentityAttack), teach("dvoffensive_en", &["hate_speech", "offensive_language"], Category::Abuse)], decision: Decision::Cascade { heads: ["dvhate_en", "dvoffensive_en"], classes: ["hate_speech", "offensive_language", "neither"] }, metric: Metric::WeightedF1, published: "LR weighted F1 ≈ 90", peer: "—", baseline: "—", licence: "MIT", lands: &[("hate_speech", HATE), ("offensive_language", OFFENSIVE)], shift: None },
    DatasetSpec { stem: "tweeteval_sentiment_en", field: "label", lang: Lang::En, teaches: &[teach("positive_en", &["positive"], Category::Praise), HeadSpec { head: "negative_en", positive: &["negative"], category: None }], decision: Decision::Cascade { heads: ["negative_en", "positive_en"], classes: ["negative", "positive", "neutral"] }, metric: Metric::MacroRecall, published: "SVM 62.9 · TimeLMs 73.7", peer: "—", baseline: "—", licence: "no restrictions", lands: &[("positive", &[Category::Praise])], shift: None },
    DatasetSpec { stem: "mlma_hate_en", field: "binary_label", lang: Lang::En, teaches: &[], decision: Decision::Binary { head: "offensive_en", positive: "toxic", negative: "normal" }, metric: Metric::MacroF1, published: "—", peer: "—", baseline: "—", licence: "MIT", lands: &[("toxic", OFFENSIVE)], shift: None },
    DatasetSpec { stem: "cyberagressionado_fr", field: "label", lang: Lang::Fr, teaches: &[teach("cyber_fr", &["hate_speech"], Category::Abuse)], decision: Decision::Binary { head: "cyber_fr", positive: "hate_speech", negative: "not_hate_speech" }, metric: Metric::MacroF1, published: "—", peer: "—", baseline: "—", licence: "none stated", lands: &[("hate_speech", OFFENSIVE)], shift: None },
    DatasetSpec { stem: "coaid_en", field: "label", lang: Lang::En, teaches: &[teach("claim_en", &["fake"], Category::Misinformation)], decision: Decision::Binary { head: "claim_en", positive: "fake", negative: "real" }, metric: Metric::MacroF1, published: "—", peer: "—", baseline: "—", licence: "none stated", lands: &[("fake", &[Category::Misinformation])], shift: None },
];

/// The category head `head` gives evidence for and the language it learns, from the data set
/// teaching it (`(None, None)` for a head no data set teaches).
pub fn head_target(head: &str) -> (Option<Category>, Option<Lang>) {
    DATASETS
        .iter()
        .find_map(|d| d.teaches.iter().find(|t| t.head == head).map(|t| (t.category, Some(d.lang))))
        .unwrap_or((None, None))
}

pub fn spec(stem: &str) -> Option<&'static DatasetSpec> {
    DATASETS.iter().find(|d| d.stem == stem)
}

/// Which of the shift's targets a row is about: 1 or 2, or 0 for both or neither.
fn topic_of(shift: &Shift, norm: &crate::normalise::Normalised) -> u8 {
    let names = |words: &[&str]| {
        norm.texts().any(|t| words.iter().any(|w| match w.strip_suffix('*') {
            Some(prefix) => t.starts_with(prefix),
            None => t == *w,
        }))
    };
    match (names(shift.topics[0].1), names(shift.topics[1].1)) {
        (true, false) => 1,
        (false, true) => 2,
        _ => 0,
    }
}

/// One labelled row with its features.
#[derive(Debug, Clone)]
pub struct Example {
    pub dataset: usize,
    pub label: String,
    pub feats: Vec<(u32, f32)>,
    pub group_ends: [usize; 2],
    /// For a data set with a [`Shift`]: 1 or 2 when the row is about that target only, else 0.
    pub topic: u8,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub bits: u8,
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { bits: 18, epochs: 20, learning_rate: 0.05, l2: 1e-4, seed: 0x5e471e11e }
    }
}

/// Reads a data set file. Rows with an empty text or no label are skipped and counted. Features
/// include the lexicon scores of `lexicon` (the default plan, with no model).
pub fn load(path: &Path, dataset: usize, field: &str, bits: u8, lexicon: &Engine) -> Result<(Vec<Example>, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // A byte-order mark (spreadsheet and Windows exports) is not part of the first row.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
        // A number or a boolean is a label too (`0`/`1` exports): kept as written, so that an
        // evaluation can name it instead of skipping every row.
        let label = match &v[field] {
            serde_json::Value::String(s) => Some(s.clone()),
            x @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => Some(x.to_string()),
            _ => None,
        };
        let (Some(t), Some(label)) = (v["text"].as_str(), label) else {
            skipped += 1;
            continue;
        };
        if t.trim().is_empty() {
            skipped += 1;
            continue;
        }
        let n = normalise(t);
        let f = features_with_lexicon(&n, bits, &lexicon.lexicon_scores(t));
        let topic = DATASETS.get(dataset).and_then(|d| d.shift).map_or(0, |s| topic_of(s, &n));
        out.push(Example { dataset, label, feats: f.items.iter().map(|x| (x.index, x.value)).collect(), group_ends: f.group_ends, topic });
    }
    Ok((out, skipped))
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `f` on every item, two at a time (one per core), the results in the items' order.
fn two_at_a_time<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
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

/// Weights smaller than this share of a head's largest are dropped (set to 0), in
/// cross-validation and in the shipped model alike: a folded stacked head otherwise has a small
/// weight in nearly every bucket, which gzip cannot squeeze (the model would pass its 2 MB budget).
pub const PRUNE: f32 = 3.5 / 127.0;

/// Drops the weights under [`PRUNE`] times the largest.
pub fn prune(w: &mut [f32]) {
    let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    for x in w.iter_mut().filter(|x| x.abs() < PRUNE * max) {
        *x = 0.0;
    }
}

/// Quantises dense weights to `i8` with one scale (after [`prune`]).
pub fn quantise(name: &str, w: &[f32], bias: f32, threshold: f32) -> (Head, Vec<i8>) {
    let mut w = w.to_vec();
    prune(&mut w);
    let w = &w[..];
    let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12);
    let scale = max / 127.0;
    let (category, lang) = head_target(name);
    (Head { name: name.to_string(), category, lang, scale, bias, threshold }, w.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8).collect())
}

fn logit(w: &[f32], b: f32, e: &Example) -> f32 {
    b + e.feats.iter().map(|(i, v)| w[*i as usize] * v).sum::<f32>()
}

fn predict(w: &[f32], b: f32, e: &Example) -> f32 {
    sigmoid(logit(w, b, e))
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

fn decision_heads(d: &Decision) -> Vec<&'static str> {
    match d {
        Decision::Binary { head, .. } => vec![head],
        Decision::Cascade { heads, .. } => heads.to_vec(),
    }
}

fn decision_classes(d: &Decision) -> Vec<&'static str> {
    match d {
        Decision::Binary { positive, negative, .. } => vec![positive, negative],
        Decision::Cascade { classes, .. } => classes.to_vec(),
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

/// All examples, grouped by data set (index into [`DATASETS`]).
pub struct Corpus {
    pub sets: Vec<Vec<Example>>,
}

impl Corpus {
    pub fn load(dir: &Path, bits: u8, log: &mut dyn FnMut(String)) -> Result<Corpus, String> {
        let lexicon = Engine::with_model(crate::Plan::default_plan(), None);
        let mut sets = Vec::new();
        for (i, d) in DATASETS.iter().enumerate() {
            let path = dir.join(format!("{}.jsonl", d.stem));
            if !path.exists() {
                log(format!("{}: not found, left out", path.display()));
                sets.push(Vec::new());
                continue;
            }
            let (rows, skipped) = load(&path, i, d.field, bits, &lexicon)?;
            log(format!("{}: {} rows{}", d.stem, rows.len(), if skipped > 0 { format!(" ({skipped} without text or label skipped)") } else { String::new() }));
            sets.push(rows);
        }
        Ok(Corpus { sets })
    }

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

    /// Rows and targets teaching `head`, leaving out the rows of data set `except` in `held_out`.
    fn head_rows<'a>(&'a self, head: &str, skip: &dyn Fn(usize, usize) -> bool) -> (Vec<&'a Example>, Vec<bool>) {
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
    fn train_head_raw(&self, head: &str, o: &TrainOptions, skip: &dyn Fn(usize, usize) -> bool) -> (Vec<f32>, f32) {
        let (rows, y) = self.head_rows(head, skip);
        train_dense(&rows, &y, o)
    }
}

/// Adds `head`'s lexicon prior to its fitted weights, when the data set teaching it has a
/// [`Shift`]; other heads are left as fitted.
fn add_head_prior(w: &mut [f32], head: &str, bits: u8) {
    if let Some(shift) = DATASETS.iter().find(|x| x.teaches.iter().any(|t| t.head == head)).and_then(|d| d.shift) {
        add_prior(w, shift, shift.prior, bits);
    }
}

/// Adds `prior` to the weight of the shift's lexicon feature (its score in the plan's word lists,
/// a feature of every row: see [`crate::model::features_with_lexicon`]).
fn add_prior(w: &mut [f32], shift: &Shift, prior: f32, bits: u8) {
    w[crate::model::lexicon_index(shift.category.index(), bits) as usize] += prior;
}

/// The data set whose heads decide for data set `d`: itself, or the set teaching its first head.
pub fn teacher(d: usize) -> usize {
    if !DATASETS[d].teaches.is_empty() {
        return d;
    }
    let head = decision_heads(&DATASETS[d].decision)[0];
    DATASETS.iter().position(|x| x.teaches.iter().any(|t| t.head == head)).unwrap_or(d)
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
                prune(&mut w);
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

/// Scores each fold with thresholds chosen on the other folds' predictions: the mean and spread
/// of the fold scores, and the thresholds chosen on all the out-of-fold predictions.
fn fold_scores(spec: &DatasetSpec, probs: &[[f32; 2]], labels: &[&str], fold: &[usize], k: usize) -> (f64, f64, [f32; 2]) {
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
                let w = with_prior(&w, shift, a, o.bits);
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
fn across_targets(corpus: &Corpus, d: usize, head: &str, shift: &Shift, o: &TrainOptions, priors: &[f32]) -> Vec<Vec<Vec<(usize, f32)>>> {
    let set = &corpus.sets[d];
    let ways = [(1u8, 2u8), (2, 1)];
    two_at_a_time(&ways, |&(from, to)| {
        let (w, b) = corpus.train_head_raw(head, o, &|ds, i| ds == d && set[i].topic != from);
        priors
            .iter()
            .map(|&a| {
                let w = with_prior(&w, shift, a, o.bits);
                set.iter().enumerate().filter(|(_, e)| e.topic == to).map(|(i, e)| (i, predict(&w, b, e))).collect()
            })
            .collect()
    })
}

/// One way's predictions scored with thresholds `t`: the score, the share predicted positive and
/// the share that is.
fn score_across(spec: &DatasetSpec, labels: &[&str], preds: &[(usize, f32)], t: [f32; 2]) -> (f64, f64, f64) {
    let classes = decision_classes(&spec.decision);
    let (gold, pred): (Vec<&str>, Vec<&str>) = preds.iter().map(|(i, p)| (labels[*i], decide(&spec.decision, [*p, 1.0], t))).unzip();
    let share = |x: &[&str]| x.iter().filter(|l| **l == classes[0]).count() as f64 / x.len().max(1) as f64;
    (score(spec.metric, &classes, &gold, &pred), share(&pred), share(&gold))
}

/// Weights as shipped with lexicon prior `a`: the prior added, then pruned.
fn with_prior(w: &[f32], shift: &Shift, a: f32, bits: u8) -> Vec<f32> {
    let mut w = w.to_vec();
    add_prior(&mut w, shift, a, bits);
    prune(&mut w);
    w
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
/// the better way for each (stacked only by [`STACK_MARGIN`]; a set with a [`Shift`] is judged on the mean of
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
            quantise(h, &w, b, t)
        })
        .collect();
    Model::from_heads(o.bits, heads)
}

/// The data set a test file is of, from its name: `<stem>…` (`mlma_hate_fr_test`,
/// `tweeteval_hate_en.test`), the longest known stem it starts with. A name that only starts with
/// a stem less its language (`mlma_hate_test`) matches each language's set: the language most of
/// its rows say (`lang`, read only then) decides, and an undecided name is an error, never a
/// guess — MLMA's French test scored with the English heads would look like a real result.
pub fn spec_for_file(stem: &str, lang: impl FnOnce() -> Option<String>) -> Result<&'static DatasetSpec, String> {
    let known = || DATASETS.iter().map(|d| d.stem).collect::<Vec<_>>().join(", ");
    if let Some(d) = DATASETS.iter().filter(|d| stem.starts_with(d.stem)).max_by_key(|d| d.stem.len()) {
        return Ok(d);
    }
    let bare = |d: &DatasetSpec| d.stem.trim_end_matches("_en").trim_end_matches("_fr");
    let candidates: Vec<&'static DatasetSpec> = DATASETS.iter().filter(|d| stem.starts_with(bare(d))).collect();
    let longest = candidates.iter().map(|d| bare(d).len()).max();
    let candidates: Vec<&'static DatasetSpec> = candidates.into_iter().filter(|d| Some(bare(d).len()) == longest).collect();
    match candidates.as_slice() {
        [] => Err(format!("{stem}: not a known data set ({})", known())),
        [d] => Ok(d),
        several => {
            let names = several.iter().map(|d| d.stem).collect::<Vec<_>>().join(" or ");
            let lang = lang().ok_or_else(|| format!("{stem}: {names}? Its rows do not say their language (`lang`): name the file after one"))?;
            several
                .iter()
                .find(|d| d.stem.ends_with(&format!("_{lang}")))
                .copied()
                .ok_or_else(|| format!("{stem}: {names}? Its rows are in {lang:?}, neither: name the file after one"))
        }
    }
}

/// The language most rows of a JSONL file give (`lang`), if any row gives one.
fn file_lang(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(l) = serde_json::from_str::<serde_json::Value>(line.trim_start_matches('\u{feff}')).ok().and_then(|v| v.get("lang")?.as_str().map(str::to_lowercase)) {
            *counts.entry(l).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| l)
}

/// A labelled file scored by [`evaluate_file`].
#[derive(Debug)]
pub struct FileScore {
    pub spec: &'static DatasetSpec,
    pub score: f64,
    pub rows: usize,
    /// Rows without a text or a label, left out.
    pub skipped: usize,
}

/// Applies a shipped model to a labelled file (a withheld test set of a known shape) with the
/// thresholds chosen for that data set by cross-validation. A file with no usable row, or with
/// labels its data set does not have, is refused: a score over the wrong labels would look real.
pub fn evaluate_file(model: &Model, path: &Path, thresholds: &BTreeMap<String, [f32; 2]>) -> Result<FileScore, String> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_lowercase();
    let spec = spec_for_file(&stem, || file_lang(path))?;
    let d = DATASETS.iter().position(|x| x.stem == spec.stem).unwrap_or(0);
    let lexicon = Engine::with_model(crate::Plan::default_plan(), None);
    let (rows, skipped) = load(path, d, spec.field, model.bits, &lexicon)?;
    let classes = decision_classes(&spec.decision);
    if rows.is_empty() {
        return Err(format!("{}: no row has both a text and a `{}` label ({skipped} rows without)", path.display(), spec.field));
    }
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    for e in rows.iter().filter(|e| !classes.contains(&e.label.as_str())) {
        *unknown.entry(e.label.as_str()).or_default() += 1;
    }
    if !unknown.is_empty() {
        let found = unknown.iter().map(|(l, n)| format!("{l} ({n} rows)")).collect::<Vec<_>>().join(", ");
        return Err(format!("{}: labels {found} in `{}` are not {}'s ({}): rename them, or name the file after its data set", path.display(), spec.field, spec.stem, classes.join(", ")));
    }
    let heads: Vec<usize> = decision_heads(&spec.decision).iter().map(|h| model.head_index(h).ok_or_else(|| format!("the model has no {h} head"))).collect::<Result<_, _>>()?;
    let t = thresholds.get(spec.stem).copied().unwrap_or([model.heads[heads[0]].threshold, heads.get(1).map_or(1.0, |h| model.heads[*h].threshold)]);
    let (gold, pred): (Vec<&str>, Vec<&str>) = rows
        .iter()
        .map(|e| {
            let f = crate::model::Features { items: e.feats.iter().map(|(i, v)| crate::model::Feature { index: *i, value: *v, token: 0 }).collect(), group_ends: e.group_ends };
            let mut p = [1.0f32; 2];
            for (j, h) in heads.iter().enumerate() {
                p[j] = model.probability(*h, &f);
            }
            (e.label.as_str(), decide(&spec.decision, p, t))
        })
        .unzip();
    Ok(FileScore { spec, score: score(spec.metric, &classes, &gold, &pred), rows: rows.len(), skipped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_file_is_matched_to_its_own_data_set_and_language() {
        let stem = |name: &str, lang: Option<&str>| spec_for_file(name, || lang.map(String::from)).map(|d| d.stem);
        // The full stem wins over a shorter one that also starts the name (mlma_hate_en is also
        // "mlma_hate…"): the French test is never scored with the English heads.
        assert_eq!(stem("mlma_hate_fr", None), Ok("mlma_hate_fr"));
        assert_eq!(stem("mlma_hate_fr_test", Some("en")), Ok("mlma_hate_fr"));
        assert_eq!(stem("mlma_hate_en.test", None), Ok("mlma_hate_en"));
        assert_eq!(stem("tweeteval_hate_en_test", None), Ok("tweeteval_hate_en"));
        assert_eq!(stem("ftr_racism_test", None), Ok("ftr_racism_fr"));
        // A name without the language: the rows decide, or it is an error.
        assert_eq!(stem("mlma_hate_test", Some("fr")), Ok("mlma_hate_fr"));
        assert_eq!(stem("mlma_hate_test", Some("en")), Ok("mlma_hate_en"));
        assert!(stem("mlma_hate_test", None).unwrap_err().contains("mlma_hate_fr or mlma_hate_en"));
        assert!(stem("mlma_hate_test", Some("de")).unwrap_err().contains("\"de\""));
        assert!(stem("olid_test", Some("en")).unwrap_err().contains("not a known data set"));
    }

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

    #[test]
    fn rows_are_about_one_target_or_neither() {
        let topic = |t: &str| topic_of(&HATEVAL_SHIFT, &normalise(t));
        assert_eq!(topic("Send the ILLEGALS back, #BuildThatWall"), 2);
        assert_eq!(topic("she is a lying wh0re"), 1);
        assert_eq!(topic("women and refugees welcome"), 0, "both targets");
        assert_eq!(topic("nice weather today"), 0, "neither");
        assert_eq!(topic("Shell stations"), 0, "a prefix only where the list says so (she ≠ shell)");
    }

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

/// How one data set's rows come out of the whole engine.
#[derive(Debug, Clone)]
pub struct Landing {
    pub stem: &'static str,
    pub label: &'static str,
    pub expected: &'static [Category],
    pub positives: usize,
    /// Positives flagged with one of the expected categories.
    pub landed: usize,
    pub negatives: usize,
    /// Rows of other labels flagged with one of the expected categories.
    pub false_alarms: usize,
}

/// Triages every row of every known data set in `dir` with `engine` and counts where each
/// label's rows land.
pub fn landings(engine: &Engine, dir: &Path) -> Result<Vec<Landing>, String> {
    let mut out = Vec::new();
    for spec in DATASETS {
        let path = dir.join(format!("{}.jsonl", spec.stem));
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut batch = Vec::new();
        let mut labels = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{}: {e}", path.display()))?;
            let (Some(t), Some(l)) = (v["text"].as_str(), v[spec.field].as_str()) else { continue };
            if t.trim().is_empty() {
                continue;
            }
            batch.push(Message { text: t.to_string(), lang: v["lang"].as_str().map(String::from), ..Default::default() });
            labels.push(l.to_string());
        }
        let verdicts = engine.triage_batch(&batch, &TriageOptions::default());
        for (label, expected) in spec.lands {
            let hit = |i: usize| verdicts[i].categories.iter().any(|c| expected.contains(&c.category));
            let (mut positives, mut landed, mut negatives, mut false_alarms) = (0, 0, 0, 0);
            for (i, l) in labels.iter().enumerate() {
                if l == label {
                    positives += 1;
                    landed += hit(i) as usize;
                } else if !spec.lands.iter().any(|(other, _)| other == l) {
                    negatives += 1;
                    false_alarms += hit(i) as usize;
                }
            }
            out.push(Landing { stem: spec.stem, label, expected, positives, landed, negatives, false_alarms });
        }
    }
    Ok(out)
}
