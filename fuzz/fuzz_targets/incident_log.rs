//! `cargo +nightly fuzz run incident_log`: see `sentinelle_fuzz::incident_log` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::incident_log(data));
