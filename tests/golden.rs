//! Golden cases: `tests/cases/*.toml`, written from the crisis plan, French and English.
//!
//! Each case names the category, severity and response a careful community manager following the
//! plan would choose, and the words a human would point at as evidence (the engine's evidence
//! spans must overlap them). A case marked
//! `known_failure = true` is expected to fail for now; the run fails the day it starts passing,
//! so that the mark is removed and the case guards the fix.

use sentinelle::{Category, Engine, Message, Response, Severity, TriageOptions, Verdict};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    lang: Option<String>,
    primary: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    not_categories: Vec<String>,
    severity: Option<String>,
    response: Option<String>,
    #[serde(default)]
    evidence: Vec<String>,
    reach: Option<u64>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    known_failure: bool,
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

fn load() -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
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

fn cat(s: &str) -> Category {
    Category::parse(s).unwrap_or_else(|| panic!("unknown category {s:?} in a case"))
}

/// Every way the verdict differs from the case; empty when it passes.
fn check(case: &Case, v: &Verdict) -> Vec<String> {
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

#[test]
fn golden_cases() {
    let cases = load();
    assert!(!cases.is_empty(), "no cases found under tests/cases");
    let engine = Engine::with_default_plan();
    let batch: Vec<Message> = cases.iter().map(|(_, c)| Message { id: Some(c.name.clone()), text: c.text.clone(), reach: c.reach, ..Default::default() }).collect();
    let verdicts = engine.triage_batch(&batch, &TriageOptions::default());
    let (mut failed, mut fixed, mut known) = (Vec::new(), Vec::new(), 0);
    for ((file, case), v) in cases.iter().zip(&verdicts) {
        let _ = &case.note;
        let why = check(case, v);
        match (why.is_empty(), case.known_failure) {
            (false, false) => failed.push(format!("{file}: {:?}\n    text: {}\n    {}", case.name, case.text, why.join("\n    "))),
            (true, true) => fixed.push(format!("{file}: {:?} now passes: remove known_failure", case.name)),
            (false, true) => known += 1,
            (true, false) => {}
        }
    }
    let n = cases.len();
    eprintln!("golden cases: {} passed, {} failed, {known} known failures, of {n}", n - failed.len() - known - fixed.len(), failed.len());
    assert!(failed.is_empty() && fixed.is_empty(), "{} failing, {} fixed known failures:\n{}\n{}", failed.len(), fixed.len(), failed.join("\n"), fixed.join("\n"));
}

#[test]
fn golden_cases_cover_the_plan() {
    let cases = load();
    for c in Category::ALL {
        for lang in ["fr", "en"] {
            let n = cases.iter().filter(|(_, k)| k.primary.as_deref() == Some(c.as_str()) && k.lang.as_deref() == Some(lang) && !k.known_failure).count();
            assert!(n >= 2, "only {n} passing cases for {c} in {lang}");
        }
    }
    for s in Severity::ALL {
        assert!(cases.iter().any(|(_, k)| k.severity.as_deref() == Some(s.as_str())), "no case for severity {s}");
    }
    for r in Response::ALL {
        assert!(cases.iter().any(|(_, k)| k.response.as_deref() == Some(r.as_str())), "no case for response {r}");
    }
    let crisis_risk_with_evidence = cases.iter().filter(|(_, k)| k.primary.as_deref().map(cat).is_some_and(|c| c.is_crisis_risk()) && !k.evidence.is_empty()).count();
    assert!(crisis_risk_with_evidence >= 14, "{crisis_risk_with_evidence}");
}
