//! Golden cases: `tests/cases/*.toml`, written from the crisis plan, French and English.
//!
//! Each case names the category, severity and response a careful community manager following the
//! plan would choose, and the words a human would point at as evidence (the engine's evidence
//! spans must overlap them). A case marked
//! `known_failure = true` is expected to fail for now; the run fails the day it starts passing,
//! so that the mark is removed and the case guards the fix.

mod common;

use common::{cat, load, run};
use sentinelle::{Category, Response, Severity};

#[test]
fn golden_cases() {
    let cases = load("tests/cases");
    assert!(!cases.is_empty(), "no cases found under tests/cases");
    let (mut failed, mut fixed, mut known) = (Vec::new(), Vec::new(), 0);
    for (file, case, why) in run(&cases) {
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
    let cases = load("tests/cases");
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
    // Every category but `other`, in both languages, is found with evidence in a passing case.
    for c in Category::ALL.iter().filter(|c| **c != Category::Other) {
        for lang in ["fr", "en"] {
            let n = cases
                .iter()
                .filter(|(_, k)| k.primary.as_deref().map(cat) == Some(*c) && k.lang.as_deref() == Some(lang) && !k.evidence.is_empty() && !k.known_failure)
                .count();
            assert!(n >= 2, "only {n} passing {lang} cases find {c} with evidence");
        }
    }
}
