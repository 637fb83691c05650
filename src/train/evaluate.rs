//! The shipped model on withheld labelled files, and where each data set's rows land through the
//! whole engine.

use super::datasets::{decision_classes, decision_heads, file_lang, load, spec_for_file, DatasetSpec, DATASETS};
use super::metrics::{decide, score};
use crate::error::Error;
use crate::model::Model;
use crate::triage::{Engine, Message, TriageOptions};
use crate::Category;
use std::collections::BTreeMap;
use std::path::Path;

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
pub fn evaluate_file(model: &Model, path: &Path, thresholds: &BTreeMap<String, [f32; 2]>) -> Result<FileScore, Error> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_lowercase();
    let spec = spec_for_file(&stem, || file_lang(path))?;
    let d = DATASETS.iter().position(|x| x.stem == spec.stem).unwrap_or(0);
    let lexicon = Engine::with_model(crate::Plan::default_plan(), None);
    let (rows, skipped) = load(path, d, spec.field, model.bits, &lexicon)?;
    let classes = decision_classes(&spec.decision);
    if rows.is_empty() {
        return Err(Error::invalid(format!("{}: no row has both a text and a `{}` label ({skipped} rows without)", path.display(), spec.field)));
    }
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    for e in rows.iter().filter(|e| !classes.contains(&e.label.as_str())) {
        *unknown.entry(e.label.as_str()).or_default() += 1;
    }
    if !unknown.is_empty() {
        let found = unknown.iter().map(|(l, n)| format!("{l} ({n} rows)")).collect::<Vec<_>>().join(", ");
        return Err(Error::invalid(format!("{}: labels {found} in `{}` are not {}'s ({}): rename them, or name the file after its data set", path.display(), spec.field, spec.stem, classes.join(", "))));
    }
    let heads: Vec<usize> = decision_heads(&spec.decision).iter().map(|h| model.head_index(h).ok_or_else(|| Error::invalid(format!("the model has no {h} head")))).collect::<Result<_, _>>()?;
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
pub fn landings(engine: &Engine, dir: &Path) -> Result<Vec<Landing>, Error> {
    let mut out = Vec::new();
    for spec in DATASETS {
        let path = dir.join(format!("{}.jsonl", spec.stem));
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut batch = Vec::new();
        let mut labels = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
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
