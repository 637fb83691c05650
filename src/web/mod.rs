//! The browser boundary: the only module that names wasm-bindgen, js-sys or gloo.
//!
//! Everything crosses in batches, as plain serde values (objects, not `Map`s). JS exceptions and
//! Rust errors become JS `Error`s at one place (`bindings::js_error`); a panic is reported once to the
//! console by the hook installed at start, and the engine object is then dead — the extension
//! shows that instead of hiding it.
//!
//! `packed` is plain Rust, compiled natively for its tests; `bindings` is the wasm-bindgen side.

pub(crate) mod packed;
#[cfg(target_arch = "wasm32")]
mod bindings;
