//! Shared by the golden and held-out case runners: the case format, loading and checking.

#![allow(dead_code, reason = "each test binary uses part of this module")]

use sentinelle::{Category, Engine, Message, Response, Severity, TriageOptions, Verdict};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub text: String,
    pub lang: Option<String>,
    pub primary: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub not_categories: Vec<String>,
    pub severity: Option<String>,
    pub response: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    pub reach: Option<u64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub known_failure: bool,
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

/// Every case of every `.toml` file in `dir` (relative to the crate), with its file stem.
pub fn load(dir: &str) -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("tests/cases exists").map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parsed: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        out.extend(parsed.cases.into_iter().map(|c| (stem.clone(), c)));
    }
    out
}

pub fn cat(s: &str) -> Category {
    Category::parse(s).unwrap_or_else(|| panic!("unknown category {s:?} in a case"))
}

/// Every way the verdict differs from the case; empty when it passes.
pub fn check(case: &Case, v: &Verdict) -> Vec<String> {
    let mut why = Vec::new();
    let flagged: Vec<Category> = v.categories.iter().map(|c| c.category).collect();
    if let Some(l) = &case.lang {
        if v.lang.as_str() != l {
            why.push(format!("lang {} (want {l})", v.lang));
        }
    }
    if let Some(p) = &case.primary {
        if v.primary != cat(p) {
            why.push(format!("primary {} (want {p})", v.primary));
        }
    }
    for c in &case.categories {
        if !flagged.contains(&cat(c)) {
            why.push(format!("{c} not flagged (score {})", v.scores[&cat(c)]));
        }
    }
    for c in &case.not_categories {
        if flagged.contains(&cat(c)) {
            why.push(format!("{c} flagged but should not be (score {})", v.scores[&cat(c)]));
        }
    }
    if let Some(s) = &case.severity {
        if v.severity != Severity::parse(s).expect("severity name") {
            why.push(format!("severity {} (want {s})", v.severity));
        }
    }
    if let Some(r) = &case.response {
        if v.response != Response::parse(r).expect("response name") {
            why.push(format!("response {} (want {r})", v.response));
        }
    }
    let chars: Vec<char> = case.text.chars().collect();
    let primary_evidence = v.categories.iter().find(|c| c.category == v.primary).map(|c| &c.evidence[..]).unwrap_or(&[]);
    for e in &case.evidence {
        // The words a human would point at, located in the text, must overlap the evidence.
        let Some(byte) = case.text.find(e.as_str()) else {
            why.push(format!("evidence {e:?} is not in the text (fix the case)"));
            continue;
        };
        let start = case.text[..byte].chars().count() as u32;
        let end = start + e.chars().count() as u32;
        if !primary_evidence.iter().any(|s| s.start < end && start < s.end) {
            let got: Vec<&str> = primary_evidence.iter().map(|s| s.text.as_str()).collect();
            why.push(format!("evidence {e:?} not covered (primary evidence: {got:?})"));
        }
    }
    // Every evidence span must be the original text at its offsets.
    for c in &v.categories {
        for s in &c.evidence {
            let at: String = chars[s.start as usize..s.end as usize].iter().collect();
            if at != s.text {
                why.push(format!("evidence text {:?} is not the text at {}..{} ({at:?})", s.text, s.start, s.end));
            }
        }
    }
    why
}

/// Triage every case in one batch; returns (file, case, what went wrong) for each.
pub fn run(cases: &[(String, Case)]) -> Vec<(&str, &Case, Vec<String>)> {
    let engine = Engine::with_default_plan();
    let batch: Vec<Message> = cases.iter().map(|(_, c)| Message { id: Some(c.name.clone()), text: c.text.clone(), reach: c.reach, ..Default::default() }).collect();
    let verdicts = engine.triage_batch(&batch, &TriageOptions::default());
    cases.iter().zip(&verdicts).map(|((f, c), v)| (f.as_str(), c, check(c, v))).collect()
}
