//! # Sentinelle
//!
//! On-device triage of social-media comments and direct messages by a crisis plan.
//!
//! Sentinelle reads each incoming message, finds what it is about in the plan's terms
//! ([`Category`]: an attack on a group, misinformation, a defamatory claim, a complaint…), says how
//! serious it is ([`Severity`]: routine, problem or crisis), what level of response the plan asks
//! for ([`Response`]), by when to answer, and offers reply templates in the message's language.
//! Every flagged category carries its **evidence**: spans of the original text and the term or
//! rule that fired.
//!
//! The verdicts are a heuristic to help a person decide quickly, not a judgement: lexicons miss
//! new words and can be fooled, and context (sarcasm, a slur quoted to report it) needs a human.
//!
//! ```
//! use sentinelle::{Engine, Message, TriageOptions, Category, Severity};
//!
//! let engine = Engine::with_default_plan();
//! let batch = vec![Message { text: "Vous êtes des escrocs, vous m'avez volé !".into(), ..Default::default() }];
//! let verdicts = engine.triage_batch(&batch, &TriageOptions::default());
//! let v = &verdicts[0];
//! assert_eq!(v.primary, Category::DefamationRisk);
//! assert!(v.severity >= Severity::Problem);
//! assert!(!v.categories[0].evidence.is_empty());
//! ```
//!
//! The engine is plain Rust with no browser types: the same code runs in the `sentinelle`
//! command line and, through the `web` module (wasm32 only), in the browser extension.

mod lang;
mod error;
mod hash;
pub mod ingest;
mod matcher;
mod model;
mod normalise;
mod plan;
mod reply;
pub mod review;
mod spike;
mod taxonomy;
mod triage;
/// Training and cross-validated evaluation (the CLI's `train` and `eval`; not in the wasm).
#[doc(hidden)]
#[cfg(feature = "cli")]
pub mod train;

/// The browser boundary: wasm-bindgen exports (wasm32 only) and the packed verdict stream (plain
/// Rust everywhere: the fuzz targets and the stream's fixtures for the JS reader pack natively).
mod web;

/// What the benchmarks, the fingerprint and the tests reach inside the engine for: not the API.
/// Nothing here is stable.
#[doc(hidden)]
pub mod internals {
    pub use crate::model::{features_with_lexicon, Model, Scratch};
    pub use crate::normalise::{normalise, Normalised};
    pub use crate::reply::{Labels, Template};
    pub use crate::triage::DecisionFile;
    pub use crate::web::packed::{pack, PackError, PACK_FORMAT};
}

pub use error::{Error, Result};
/// The crisis plan's document exactly as written in JSON (`docs/PLAN.md`), field by field; a
/// [`Plan`] is its validated, compiled form.
pub mod document {
    pub use crate::plan::document::*;
}

pub use plan::{Plan, PlanError, PlanErrors, DEFAULT_PLAN_JSON, PLAN_VERSION};
pub use reply::{Reply, ReplyContext};
pub use spike::{SpikeConfig, SpikeDetector, SpikeSnapshot, SpikeState, SpikeStats, WindowReport};
pub use taxonomy::{Category, Lang, Response, Severity, Signal};
pub use triage::{CategoryScore, Engine, Evidence, Message, SignalEvidence, TriageOptions, Verdict};

/// The engine's version, as built.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
