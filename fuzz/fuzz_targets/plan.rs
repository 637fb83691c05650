//! `cargo +nightly fuzz run plan`: see `sentinelle_fuzz::plan` (fuzz/src/lib.rs) for what it feeds
//! and checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sentinelle_fuzz::plan(data));
