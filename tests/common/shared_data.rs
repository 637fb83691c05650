//! Where the labelled data sets are: `../shared/data`, beside the checkout. The one place tests
//! and benchmarks find them; tests that need them say so in their names (`shared_data_…`).

use std::path::PathBuf;

/// The path of `file` in the shared data (`""` for the folder); panics with what is missing.
pub fn shared_data(file: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    assert!(dir.is_dir(), "{}: the labelled data sets must sit beside the checkout, as ../shared/data", dir.display());
    dir.join(file)
}
