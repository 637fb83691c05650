//! `cargo +nightly fuzz run ingest`: see `sentinelle_fuzz::ingest` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::ingest(data));
