//! The plan document exactly as written in JSON (see `docs/PLAN.md`): what the options page edits
//! and what `sentinelle plan default` prints. Nothing here is checked; `compile` is.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Terms per language: `{"fr": ["…"], "en": ["…"]}`.
pub type LangTerms = BTreeMap<String, Vec<String>>;

/// A crisis plan exactly as written in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDoc {
    pub version: u32,
    pub name: String,
    pub default_language: String,
    #[serde(default)]
    pub brand: BrandDoc,
    pub thresholds: ThresholdsDoc,
    /// Reply-by deadline in minutes, per severity.
    pub deadlines: BTreeMap<String, u32>,
    /// Word lists that modify evidence: `negation`, `reported_speech`, `reach`, `many_affected`.
    #[serde(default)]
    pub signals: BTreeMap<String, LangTerms>,
    /// Named term lists that rules combine (`"all": ["staff", "misbehaviour"]`).
    #[serde(default)]
    pub groups: BTreeMap<String, LangTerms>,
    pub categories: BTreeMap<String, CategoryDoc>,
    pub spike: SpikeDoc,
    /// Template variables beyond the built-in ones, with a label per language shown when the value
    /// is missing. Built-ins (`author`, `brand`, `agent`, `link`) may be listed to give them labels.
    #[serde(default)]
    pub variables: BTreeMap<String, BTreeMap<String, String>>,
    pub templates: Vec<TemplateDoc>,
    #[serde(default)]
    pub incident: Option<IncidentDoc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandDoc {
    /// The brand's names; the first one fills `{brand}` in templates.
    #[serde(default)]
    pub names: Vec<String>,
    /// Product names, hashtags, executives' names: anything that says a message is about the brand.
    #[serde(default)]
    pub watch_terms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsDoc {
    /// A category whose score reaches this is flagged on the message.
    pub flag: f32,
    /// A crisis-risk category whose score reaches this is strong evidence: a crisis on its own.
    pub strong: f32,
    /// Evidence in quotation or reported speech ("on dit que…") counts this much.
    pub reported_factor: f32,
    /// Evidence from another language's lexicon than the message's counts this much.
    pub foreign_factor: f32,
    /// A message whose author reaches this many people (the `reach` field) has reach on its own.
    pub reach_followers: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    #[serde(default)]
    pub description: String,
    /// Score from which the category is flagged; the plan's `thresholds.flag` when absent.
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Score from which the evidence alone makes a crisis; the plan's `thresholds.strong` when
    /// absent (a threat needs less than a complaint turned accusation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong: Option<f32>,
    #[serde(default)]
    pub terms: Vec<TermSetDoc>,
    #[serde(default)]
    pub rules: Vec<RuleDoc>,
    /// Response level per severity.
    #[serde(default)]
    pub response: BTreeMap<String, String>,
    /// What must be found (groups, signals or categories, as in rules) for the learned model's
    /// evidence to count at all: the rules' veto. Empty: no gate. Guards against data sets' domains: a fake-news
    /// model trained on health news finds "fake" in any customer message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_gate: Vec<String>,
    /// From how sure the learned model may speak without the gate: a share of the way from a
    /// head's threshold to certainty (0.5: halfway). Absent: the gate always applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_confident: Option<f32>,
    /// How this category's heads (one per data set) combine: `any` (the default: the strongest
    /// counts), `mean`, or `all` (the weakest counts: every head must agree). `mean` and `all`
    /// suit heads that each know one domain and misfire outside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_heads: Option<String>,
    /// How much quoted or reported evidence counts for this category; `thresholds.reported_factor`
    /// when absent. Rumours are reported speech by nature, so misinformation keeps it at 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_factor: Option<f32>,
}

/// Terms of one language that share a weight.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSetDoc {
    pub lang: String,
    pub weight: f32,
    /// Words or phrases; a trailing `*` matches any ending (`arnaqu*`), a leading `^` only at the
    /// start of a clause (`^how`), a leading `!` is an exception that cancels the category's hits
    /// it overlaps (`!une tuerie` keeps a burger from being a threat).
    pub terms: Vec<String>,
    /// Where the terms come from, when a real case inspired them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the set is weighted as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether a negation before the term cancels it (`ce n'est pas une arnaque`). Default true.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub negatable: bool,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

/// Fires when every named group has a hit, the hits at most `within` tokens apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub id: String,
    /// Group names (from `groups`, or `brand`).
    pub all: Vec<String>,
    #[serde(default)]
    pub within: Option<u32>,
    /// Only when all hits are in one sentence ("you… scam?" across two sentences is not "you are a scam").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub same_sentence: bool,
    pub weight: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikeDoc {
    pub window_minutes: u32,
    /// How many past windows the baseline remembers.
    pub baseline_windows: u32,
    /// Fewer messages than this in a window is never a spike.
    pub min_count: u32,
    pub elevated_ratio: f32,
    pub spike_ratio: f32,
    /// Messages later than this behind the newest one are counted as late and left out.
    pub max_lateness_minutes: u32,
    /// A jump forward larger than this is a clock jump: the baseline is kept, not flooded with
    /// empty windows.
    pub max_gap_minutes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateDoc {
    pub id: String,
    pub category: String,
    pub lang: String,
    /// Severities it suits; all when empty.
    #[serde(default)]
    pub severity: Vec<String>,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentDoc {
    pub active: bool,
    pub name: String,
    pub keywords: LangTerms,
    /// The holding statement per language, offered first on messages about the incident.
    pub statement: BTreeMap<String, String>,
}
