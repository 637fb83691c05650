//! `cargo +nightly fuzz run triage`: see `sentinelle_fuzz::triage` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::triage(data));
