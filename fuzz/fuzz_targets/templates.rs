//! `cargo +nightly fuzz run templates`: see `sentinelle_fuzz::templates` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::templates(data));
