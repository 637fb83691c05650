//! `cargo +nightly fuzz run packed`: see `sentinelle_fuzz::packed` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::packed(data));
