//! The crisis plan as data: a versioned JSON document, validated as a whole before it is used.
//!
//! [`PlanDoc`] is the document as written (see `docs/PLAN.md`); [`Plan`] is the compiled,
//! validated form the engine runs. [`Plan::from_json`] either returns a plan that is entirely
//! valid or every error found, each with its path: an invalid plan is never half-applied.
//!
//! The parts: `document` (the JSON as written), `migrate` (older format versions brought up to
//! this one), `compile` (validation with paths, then the compiled form), `errors` (what
//! validation reports).

mod compile;
pub(crate) mod document;
mod errors;
mod migrate;

pub use document::*;
pub use errors::{PlanError, PlanErrors};

use crate::matcher::Matcher;
use crate::spike::SpikeConfig;
use crate::reply::Template;
use crate::taxonomy::{Category, Lang, PerCategory, Response, Severity, Signal};
use std::collections::BTreeMap;

/// The default plan, French and English, embedded at build time.
pub const DEFAULT_PLAN_JSON: &str = include_str!("../../data/plan.default.json");

/// The plan format version this engine reads.
pub const PLAN_VERSION: u32 = 1;


/// The plan's incident, compiled: its holding statement, offered first on messages about the
/// incident while it is active, and on every crisis-risk message in crisis mode.
#[derive(Debug, Clone)]
pub struct Incident {
    /// The holding statement per language, compiled once at validation.
    pub statement: BTreeMap<Lang, Template>,
}

/// A validated, compiled plan.
#[derive(Debug)]
pub struct Plan {
    pub(crate) doc: PlanDoc,
    pub(crate) default_lang: Lang,
    pub(crate) flag: PerCategory<f32>,
    /// Per category: the score that is strong evidence on its own.
    pub(crate) strong: PerCategory<f32>,
    /// Per category: how much quoted or reported evidence counts.
    pub(crate) reported_factor: PerCategory<f32>,
    pub(crate) foreign_factor: f32,
    pub(crate) reach_followers: u64,
    pub(crate) deadlines: [u32; Severity::COUNT],
    pub(crate) responses: PerCategory<[Response; Severity::COUNT]>,
    pub(crate) templates: Vec<Template>,
    pub(crate) labels: BTreeMap<String, BTreeMap<Lang, String>>,
    pub(crate) incident: Option<Incident>,
    pub(crate) spike: SpikeConfig,
    pub(crate) brand: Option<String>,
    pub(crate) matcher: Matcher,
    pub(crate) rules: Vec<CompiledRule>,
    /// Per category, what opens the gate for the model's evidence (empty: always open).
    pub(crate) gates: PerCategory<Vec<RuleRef>>,
    /// Per category, from how sure the model speaks without the gate (`None`: never).
    pub(crate) model_confident: PerCategory<Option<f32>>,
    /// Per category, how its heads combine (`model_heads`).
    pub(crate) model_heads: PerCategory<HeadsRule>,
}

/// How a category's model heads combine (the plan's `model_heads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeadsRule {
    /// The strongest head counts.
    #[default]
    Any,
    /// The heads' mean counts.
    Mean,
    /// The weakest head counts: all must agree.
    All,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub id: String,
    pub category: Category,
    pub groups: Vec<RuleRef>,
    pub within: u32,
    pub same_sentence: bool,
    pub weight: f32,
}

/// What a rule combines: hits of a group, of a signal, or of any term of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleRef {
    Group(u16),
    Signal(Signal),
    Category(Category),
}

/// Built-in template variables.
pub const BUILTIN_VARIABLES: &[&str] = &["author", "brand", "agent", "link"];

impl Plan {
    /// The document this plan was compiled from, as written.
    pub fn document(&self) -> &PlanDoc {
        &self.doc
    }

    /// The spike detection settings, for a [`crate::SpikeDetector`].
    pub fn spike(&self) -> SpikeConfig {
        self.spike
    }

    /// The ids of the reply templates for a category in a language, in the plan's order.
    pub fn template_ids(&self, category: Category, lang: Lang) -> Vec<&str> {
        self.templates.iter().filter(|t| t.category == category && t.lang == lang).map(|t| t.id.as_str()).collect()
    }

    /// The embedded default plan.
    pub fn default_plan() -> Plan {
        // The default plan is checked by the test suite; failing here is a build defect.
        Plan::from_json(DEFAULT_PLAN_JSON).expect("the embedded default plan is valid")
    }

    /// Parses and validates a plan. Returns every error found, or a plan that is valid as a whole.
    /// A document of an older format version is migrated first (`migrate`).
    pub fn from_json(json: &str) -> Result<Plan, PlanErrors> {
        Plan::from_json_versioned(json).map(|(plan, _)| plan)
    }

    /// The format version a plan's text says it was written for (0 when it has no `version`),
    /// without checking anything else: cheap, for a caller that only needs to know whether
    /// [`Plan::from_json_versioned`] would migrate it. `None` when it is not a JSON object with a
    /// whole-number version.
    pub fn written_version(json: &str) -> Option<u32> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        migrate::version_of(value.as_object()?).and_then(|v| u32::try_from(v).ok())
    }

    /// [`Plan::from_json`], with the format version the document was written for: below
    /// [`PLAN_VERSION`], the plan was migrated, and [`Plan::to_json`] writes it in this version.
    /// This is the one place a plan's text is read, so every caller migrates the same way.
    pub fn from_json_versioned(json: &str) -> Result<(Plan, u32), PlanErrors> {
        let syntax = |e: serde_json::Error| {
            PlanErrors(vec![PlanError {
                // A document typed from a value has no line: the error then has no place.
                path: if e.line() == 0 { String::new() } else { format!("line {}, column {}", e.line(), e.column()) },
                message: compile::json_error_sentence(&e),
            }])
        };
        let mut value: serde_json::Value = serde_json::from_str(json).map_err(syntax)?;
        let from = migrate::migrate(&mut value);
        // A current (or newer) document is typed from its text, so a type error keeps its line
        // and column (the options page turns them into a path); a migrated one from the value.
        let doc: PlanDoc = if from >= PLAN_VERSION { serde_json::from_str(json) } else { serde_json::from_value(value) }.map_err(syntax)?;
        Ok((Plan::from_doc(doc)?, from))
    }

    /// The plan as pretty JSON, as it would be written to a file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.doc).unwrap_or_default()
    }

    pub fn response(&self, cat: Category, sev: Severity) -> Response {
        self.responses[cat.index()][sev as usize]
    }

    pub fn deadline_minutes(&self, sev: Severity) -> u32 {
        self.deadlines[sev as usize]
    }
}
