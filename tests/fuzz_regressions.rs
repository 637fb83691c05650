//! The fuzz targets' inputs replayed by `cargo test`, through the very code the targets run
//! (fuzz/src/lib.rs, included here): every input a fuzz run crashed on, kept in
//! `tests/fuzz_regressions/<target>/` (docs/reliability/fuzz.md says what each one found and how it
//! was fixed), and the seed corpora in `fuzz/corpus/<target>/`. No nightly and no libFuzzer needed:
//! a crash found once stays fixed on every landing.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

const TARGETS: [(&str, fn(&[u8])); 6] = [
    ("plan", targets::plan),
    ("triage", targets::triage),
    ("ingest", targets::ingest),
    ("templates", targets::templates),
    ("packed", targets::packed),
    ("incident_log", targets::incident_log),
];

/// Runs every file of `dir/<target>/` through its target; the files that panicked.
fn replay(dir: &str) -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let (mut ran, mut failed) = (0, Vec::new());
    for (name, run) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file() && !p.extension().is_some_and(|x| x == "md")).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            ran += 1;
            if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
                failed.push(format!("{name}: {}", f.strip_prefix(&root).unwrap_or(&f).display()));
            }
        }
    }
    (ran, failed)
}

#[test]
fn crashes_found_by_fuzzing_stay_fixed() {
    let (_, failed) = replay("tests/fuzz_regressions");
    assert!(failed.is_empty(), "fuzz regressions panic again (replay one with `cargo +nightly fuzz run <target> <file>` in fuzz/):\n{}", failed.join("\n"));
}

#[test]
fn the_seed_corpora_pass_every_target_check() {
    let (ran, failed) = replay("fuzz/corpus");
    assert!(ran >= 30, "only {ran} seeds: run python3 fuzz/seed.py");
    assert!(failed.is_empty(), "seeds fail their target's checks:\n{}", failed.join("\n"));
}

/// The templates target renders through a plan cut down for speed: it must still be a valid
/// plan, or that half of the target would only ever see the plan's errors.
#[test]
fn the_templates_targets_light_plan_is_valid() {
    let plan = sentinelle::Plan::from_json(&targets::light_plan().to_string());
    assert!(plan.is_ok(), "{}", plan.err().map(|e| e.to_string()).unwrap_or_default());
}
