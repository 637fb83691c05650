//! The verdict — what the agent sees, not a head's score — measured on labelled files:
//! rows labelled by the crisis plan's taxonomy (`../shared/LABELLING.md`: `primary`, `categories`,
//! `severity`, `response`, `ambiguous`), and the public data sets through the categories their
//! labels map to (a data set's `lands`: positive when the verdict carries one of them).

use super::datasets::{decision_classes, file_lang, spec_for_file, DatasetSpec};
use super::metrics::score;
use crate::error::Error;
use crate::triage::{Engine, Message, TriageOptions, Verdict};
use crate::{Category, Response, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// One taxonomy-labelled row and the verdict it got.
struct Scored {
    lang: String,
    primary: Category,
    severity: Option<Severity>,
    response: Option<Response>,
    ambiguous: bool,
    verdict: Verdict,
}

/// The verdict against one slice of taxonomy-labelled rows.
#[derive(Debug, Clone, Default)]
pub struct Slice {
    pub rows: usize,
    pub primary_accuracy: f64,
    /// Macro-F1 of the primary over the categories found in the gold labels or the verdicts.
    pub primary_macro_f1: f64,
    pub severity_accuracy: f64,
    pub response_accuracy: f64,
}

/// Per category: gold rows (support), precision, recall and F1 of the primary.
#[derive(Debug, Clone)]
pub struct PerCategoryScore {
    pub category: Category,
    pub support: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// A taxonomy-labelled file, scored.
#[derive(Debug, Clone)]
pub struct TaxonomyScore {
    pub all: Slice,
    /// The same without the rows marked `ambiguous`.
    pub clear: Slice,
    pub per_lang: BTreeMap<String, Slice>,
    pub per_category: Vec<PerCategoryScore>,
}

/// A public data set's file, scored through its categories.
#[derive(Debug, Clone)]
pub struct PublicScore {
    pub spec: &'static DatasetSpec,
    pub rows: usize,
    /// The data set's own metric (its paper's), on the classes the verdict was mapped to.
    pub score: f64,
    pub mapping: String,
}

/// What [`score_file`] found: a file's rows are taxonomy-labelled when they carry `primary`.
#[derive(Debug, Clone)]
pub enum FileVerdicts {
    Taxonomy(TaxonomyScore),
    Public(PublicScore),
}

/// Scores the verdicts `engine` gives the rows of a labelled JSONL file.
pub fn score_file(engine: &Engine, path: &Path) -> Result<FileVerdicts, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let rows: Vec<serde_json::Value> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| Error::input(Some(i as u64 + 1), format!("{}: {e}", path.display()))))
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Err(Error::invalid(format!("{}: no rows", path.display())));
    }
    if rows.iter().any(|r| r.get("primary").is_some()) {
        return taxonomy(engine, path, &rows).map(FileVerdicts::Taxonomy);
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_lowercase();
    let spec = spec_for_file(&stem, || file_lang(path))?;
    public(engine, path, spec, &rows).map(FileVerdicts::Public)
}

fn triage_texts(engine: &Engine, texts: &[(&str, Option<&str>)]) -> Vec<Verdict> {
    let batch: Vec<Message> = texts.iter().map(|(t, l)| Message { text: t.to_string(), lang: l.map(String::from), ..Default::default() }).collect();
    engine.triage_batch(&batch, &TriageOptions::default())
}

fn taxonomy(engine: &Engine, path: &Path, rows: &[serde_json::Value]) -> Result<TaxonomyScore, Error> {
    let mut texts = Vec::new();
    let mut gold = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let at = |what: &str| Error::input(Some(i as u64 + 1), format!("{}: {what}", path.display()));
        let text = r["text"].as_str().ok_or_else(|| at("no text"))?;
        let primary = r["primary"].as_str().and_then(Category::parse).ok_or_else(|| at("no primary category of the taxonomy"))?;
        let lang = r["lang"].as_str().unwrap_or("?").to_string();
        gold.push((lang, primary, r["severity"].as_str().and_then(Severity::parse), r["response"].as_str().and_then(Response::parse), r["ambiguous"].as_bool().unwrap_or(false)));
        // The language is the message's to guess, as on a page: it is not given to the engine.
        texts.push((text, None));
    }
    let verdicts = triage_texts(engine, &texts);
    let scored: Vec<Scored> = gold
        .into_iter()
        .zip(verdicts)
        .map(|((lang, primary, severity, response, ambiguous), verdict)| Scored { lang, primary, severity, response, ambiguous, verdict })
        .collect();
    let all: Vec<&Scored> = scored.iter().collect();
    let clear: Vec<&Scored> = scored.iter().filter(|s| !s.ambiguous).collect();
    let mut per_lang = BTreeMap::new();
    for lang in scored.iter().map(|s| s.lang.clone()).collect::<std::collections::BTreeSet<_>>() {
        let rows: Vec<&Scored> = scored.iter().filter(|s| s.lang == lang).collect();
        per_lang.insert(lang, slice(&rows));
    }
    let per_category = Category::ALL
        .iter()
        .map(|&c| {
            let support = scored.iter().filter(|s| s.primary == c).count();
            let predicted = scored.iter().filter(|s| s.verdict.primary == c).count();
            let tp = scored.iter().filter(|s| s.primary == c && s.verdict.primary == c).count();
            let precision = ratio(tp, predicted);
            let recall = ratio(tp, support);
            let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            PerCategoryScore { category: c, support, predicted, precision, recall, f1 }
        })
        .collect();
    Ok(TaxonomyScore { all: slice(&all), clear: slice(&clear), per_lang, per_category })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn slice(rows: &[&Scored]) -> Slice {
    let n = rows.len();
    let gold: Vec<&str> = rows.iter().map(|s| s.primary.as_str()).collect();
    let pred: Vec<&str> = rows.iter().map(|s| s.verdict.primary.as_str()).collect();
    // As scikit-learn's macro average: every category that is in the gold labels or predicted.
    let classes: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).filter(|c| gold.contains(c) || pred.contains(c)).collect();
    let with = |f: &dyn Fn(&Scored) -> Option<bool>| {
        let judged: Vec<bool> = rows.iter().filter_map(|s| f(s)).collect();
        ratio(judged.iter().filter(|x| **x).count(), judged.len())
    };
    Slice {
        rows: n,
        primary_accuracy: ratio(gold.iter().zip(&pred).filter(|(g, p)| g == p).count(), n),
        primary_macro_f1: if classes.is_empty() { 0.0 } else { score(super::metrics::Metric::MacroF1, &classes, &gold, &pred) },
        severity_accuracy: with(&|s| s.severity.map(|g| g == s.verdict.severity)),
        response_accuracy: with(&|s| s.response.map(|g| g == s.verdict.response)),
    }
}

fn public(engine: &Engine, path: &Path, spec: &'static DatasetSpec, rows: &[serde_json::Value]) -> Result<PublicScore, Error> {
    let classes = decision_classes(&spec.decision);
    // Every class but the last (the negative, or "neither") must map to categories.
    let mapped: Vec<(&str, &[Category])> = classes[..classes.len() - 1]
        .iter()
        .map(|c| spec.lands.iter().find(|(l, _)| l == c).map(|(l, cats)| (*l, *cats)).ok_or_else(|| Error::invalid(format!("{}: {}'s label {c} maps to no category of the plan", path.display(), spec.stem))))
        .collect::<Result<_, _>>()?;
    let negative = classes[classes.len() - 1];
    let mut texts = Vec::new();
    let mut gold = Vec::new();
    for r in rows {
        let (Some(t), Some(l)) = (r["text"].as_str(), r[spec.field].as_str()) else { continue };
        if t.trim().is_empty() || !classes.contains(&l) {
            continue;
        }
        texts.push((t, None)); // as on a page: the engine guesses the language
        gold.push(l);
    }
    if gold.is_empty() {
        return Err(Error::invalid(format!("{}: no row has both a text and one of {}'s labels ({})", path.display(), spec.stem, classes.join(", "))));
    }
    let verdicts = triage_texts(engine, &texts);
    let pred: Vec<&str> = verdicts
        .iter()
        .map(|v| mapped.iter().find(|(_, cats)| v.categories.iter().any(|c| cats.contains(&c.category))).map_or(negative, |(l, _)| *l))
        .collect();
    let mapping = mapped.iter().map(|(l, cats)| format!("{l} ← {}", cats.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" ∪ "))).collect::<Vec<_>>().join("; ");
    Ok(PublicScore { spec, rows: gold.len(), score: score(spec.metric, &classes, &gold, &pred), mapping })
}
