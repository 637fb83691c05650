//! The crisis plan as data: a versioned JSON document, validated as a whole before it is used.
//!
//! [`PlanDoc`] is the document as written (see `docs/PLAN.md`); [`Plan`] is the compiled,
//! validated form the engine runs. [`Plan::from_json`] either returns a plan that is entirely
//! valid or every error found, each with its path: an invalid plan is never half-applied.

use crate::matcher::{Matcher, MatcherBuilder, Target};
use crate::reply::Template;
use crate::taxonomy::{Category, Lang, Response, Severity, Signal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The default plan, French and English, embedded at build time.
pub const DEFAULT_PLAN_JSON: &str = include_str!("../data/plan.default.json");

/// The plan format version this engine reads.
pub const PLAN_VERSION: u32 = 1;

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

/// One thing wrong with a plan: where, and what, in a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every error found in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "the plan has {n} error{}:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanErrors {}

/// Spike detection settings, in the engine's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeConfig {
    pub window_ms: i64,
    pub baseline_windows: u32,
    pub min_count: u32,
    pub elevated_ratio: f32,
    pub spike_ratio: f32,
    pub max_lateness_ms: i64,
    pub max_gap_ms: i64,
}

/// An active incident, compiled.
#[derive(Debug, Clone)]
pub struct Incident {
    pub name: String,
    pub statement: BTreeMap<Lang, String>,
}

/// A validated, compiled plan.
#[derive(Debug)]
pub struct Plan {
    pub doc: PlanDoc,
    pub default_lang: Lang,
    pub flag: [f32; 12],
    /// Per category: the score that is strong evidence on its own.
    pub strong: [f32; 12],
    /// Per category: how much quoted or reported evidence counts.
    pub reported_factor: [f32; 12],
    pub foreign_factor: f32,
    pub reach_followers: u64,
    pub deadlines: [u32; 3],
    pub responses: [[Response; 3]; 12],
    pub templates: Vec<Template>,
    pub labels: BTreeMap<String, BTreeMap<Lang, String>>,
    pub incident: Option<Incident>,
    pub spike: SpikeConfig,
    pub brand: Option<String>,
    pub(crate) matcher: Matcher,
    pub(crate) rules: Vec<CompiledRule>,
    /// Per category, what opens the gate for the model's evidence (empty: always open).
    pub(crate) gates: [Vec<RuleRef>; 12],
    /// Per category, from how sure the model speaks without the gate (`None`: never).
    pub(crate) model_confident: [Option<f32>; 12],
    /// Per category, how its heads combine (`model_heads`).
    pub(crate) model_heads: [HeadsRule; 12],
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

struct Checker {
    errors: Vec<PlanError>,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(PlanError { path: path.into(), message: message.into() });
    }
    fn lang(&mut self, path: &str, s: &str) -> Option<Lang> {
        let l = Lang::parse(s);
        if l.is_none() {
            self.err(path, format!("unknown language {s:?} (use \"fr\" or \"en\")"));
        }
        l
    }
    /// A lexicon's language: `fr`, `en`, or `any` (`Some(None)`); `None` after an error.
    fn lexicon_lang(&mut self, path: &str, s: &str) -> Option<Option<Lang>> {
        if s == "any" {
            return Some(None);
        }
        let l = Lang::parse(s);
        if l.is_none() {
            self.err(path, format!("unknown language {s:?} (use \"fr\", \"en\" or \"any\")"));
        }
        l.map(Some)
    }
    fn unit(&mut self, path: &str, v: f32) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.err(path, format!("must be between 0 and 1, not {v}"));
        }
    }
    fn terms(&mut self, path: &str, terms: &[String]) {
        if terms.is_empty() {
            self.err(path, "lists no terms");
        }
        for (i, t) in terms.iter().enumerate() {
            let body = t.trim_start_matches('!').trim_start_matches('^').trim_end_matches('*');
            if crate::normalise::term_tokens(body).is_empty() {
                self.err(format!("{path}[{i}]"), format!("the term {t:?} has no letters or digits to match"));
            }
        }
    }
}

impl Plan {
    /// The embedded default plan.
    pub fn default_plan() -> Plan {
        // The default plan is checked by the test suite; failing here is a build defect.
        Plan::from_json(DEFAULT_PLAN_JSON).expect("the embedded default plan is valid")
    }

    /// Parses and validates a plan. Returns every error found, or a plan that is valid as a whole.
    pub fn from_json(json: &str) -> Result<Plan, PlanErrors> {
        let doc: PlanDoc = serde_json::from_str(json).map_err(|e| {
            PlanErrors(vec![PlanError {
                path: format!("line {}, column {}", e.line(), e.column()),
                message: json_error_sentence(&e),
            }])
        })?;
        Plan::from_doc(doc)
    }

    /// Validates and compiles a parsed plan document.
    pub fn from_doc(doc: PlanDoc) -> Result<Plan, PlanErrors> {
        let mut c = Checker { errors: Vec::new() };
        if doc.version != PLAN_VERSION {
            c.err("version", format!("this engine reads plan version {PLAN_VERSION}, not {}", doc.version));
        }
        let default_lang = c.lang("default_language", &doc.default_language).unwrap_or(Lang::Fr);
        let t = &doc.thresholds;
        c.unit("thresholds.flag", t.flag);
        c.unit("thresholds.strong", t.strong);
        c.unit("thresholds.reported_factor", t.reported_factor);
        c.unit("thresholds.foreign_factor", t.foreign_factor);
        if t.strong < t.flag {
            c.err("thresholds.strong", format!("must not be below thresholds.flag ({} < {})", t.strong, t.flag));
        }

        let mut deadlines = [0u32; 3];
        for s in Severity::ALL {
            match doc.deadlines.get(s.as_str()) {
                Some(&m) if m > 0 => deadlines[*s as usize] = m,
                Some(_) => c.err(format!("deadlines.{s}"), "must be at least 1 minute"),
                None => c.err("deadlines", format!("has no deadline for {s}")),
            }
        }
        for k in doc.deadlines.keys() {
            if Severity::parse(k).is_none() {
                c.err(format!("deadlines.{k}"), "unknown severity (use routine, problem or crisis)");
            }
        }

        let mut mb = MatcherBuilder::default();
        let add_terms = |c: &mut Checker, mb: &mut MatcherBuilder, path: &str, lt: &LangTerms, target: Target, weight: f32| {
            for (lang, terms) in lt {
                let p = format!("{path}.{lang}");
                if let Some(l) = c.lexicon_lang(&p, lang) {
                    c.terms(&p, terms);
                    for term in terms {
                        mb.add(term, target, l, weight, true);
                    }
                }
            }
        };
        for (name, lt) in &doc.signals {
            let path = format!("signals.{name}");
            match Signal::parse(name) {
                Some(s) => add_terms(&mut c, &mut mb, &path, lt, Target::Signal(s), 1.0),
                None => c.err(path, format!("unknown signal (use one of {})", names(Signal::ALL))),
            }
        }
        let mut group_names: Vec<&str> = vec!["brand"];
        for t in doc.brand.names.iter().chain(&doc.brand.watch_terms) {
            mb.add(t, Target::Group(0), None, 1.0, false);
        }
        for (name, lt) in &doc.groups {
            let path = format!("groups.{name}");
            if name == "brand" {
                c.err(path, "\"brand\" is reserved: it is made from brand.names and brand.watch_terms");
                continue;
            }
            add_terms(&mut c, &mut mb, &path, lt, Target::Group(group_names.len() as u16), 1.0);
            group_names.push(name);
        }

        let mut flag = [t.flag; 12];
        let mut reported = [t.reported_factor; 12];
        let mut strong = [t.strong; 12];
        let mut gates: [Vec<RuleRef>; 12] = Default::default();
        let mut model_confident = [None; 12];
        let mut model_heads = [HeadsRule::Any; 12];
        let mut responses = [[Response::Monitor; 3]; 12];
        let mut rules = Vec::new();
        for (name, cd) in &doc.categories {
            let path = format!("categories.{name}");
            let Some(cat) = Category::parse(name) else {
                c.err(path, format!("unknown category (use one of {})", names(Category::ALL)));
                continue;
            };
            if let Some(th) = cd.threshold {
                c.unit(&format!("{path}.threshold"), th);
                flag[cat.index()] = th;
            }
            if let Some(st) = cd.strong {
                c.unit(&format!("{path}.strong"), st);
                strong[cat.index()] = st;
            }
            if let Some(f) = cd.reported_factor {
                c.unit(&format!("{path}.reported_factor"), f);
                reported[cat.index()] = f;
            }
            if let Some(f) = cd.model_confident {
                c.unit(&format!("{path}.model_confident"), f);
                if cd.model_gate.is_empty() {
                    c.err(format!("{path}.model_confident"), "has no model_gate to pass (add one, or remove this)");
                }
                model_confident[cat.index()] = Some(f);
            }
            match cd.model_heads.as_deref() {
                None | Some("any") => {}
                Some("mean") => model_heads[cat.index()] = HeadsRule::Mean,
                Some("all") => model_heads[cat.index()] = HeadsRule::All,
                Some(other) => c.err(format!("{path}.model_heads"), format!("unknown value {other:?} (use any, mean or all)")),
            }
            for (i, ts) in cd.terms.iter().enumerate() {
                let p = format!("{path}.terms[{i}]");
                c.unit(&format!("{p}.weight"), ts.weight);
                let l = c.lexicon_lang(&format!("{p}.lang"), &ts.lang);
                c.terms(&format!("{p}.terms"), &ts.terms);
                if let Some(l) = l {
                    for term in &ts.terms {
                        mb.add(term, Target::Category(cat), l, ts.weight, ts.negatable);
                    }
                }
            }
            for (i, r) in cd.rules.iter().enumerate() {
                let p = format!("{path}.rules[{i}]");
                c.unit(&format!("{p}.weight"), r.weight);
                if r.all.is_empty() {
                    c.err(format!("{p}.all"), "names no group");
                }
                let mut groups = Vec::new();
                for (j, g) in r.all.iter().enumerate() {
                    match rule_ref(&group_names, g) {
                        Some(x) => groups.push(x),
                        None => c.err(format!("{p}.all[{j}]"), format!("unknown group {g:?} (a group, a signal or a category)")),
                    }
                }
                rules.push(CompiledRule { id: r.id.clone(), category: cat, groups, within: r.within.unwrap_or(u32::MAX), same_sentence: r.same_sentence, weight: r.weight });
            }
            for (j, g) in cd.model_gate.iter().enumerate() {
                match rule_ref(&group_names, g) {
                    Some(x) => gates[cat.index()].push(x),
                    None => c.err(format!("{path}.model_gate[{j}]"), format!("unknown group {g:?} (a group, a signal or a category)")),
                }
            }
            for (sev, resp) in &cd.response {
                let p = format!("{path}.response.{sev}");
                let s = Severity::parse(sev);
                if s.is_none() {
                    c.err(&p, "unknown severity (use routine, problem or crisis)");
                }
                let r = Response::parse(resp);
                if r.is_none() {
                    c.err(&p, format!("unknown response {resp:?} (use one of {})", names(Response::ALL)));
                }
                if let (Some(s), Some(r)) = (s, r) {
                    responses[cat.index()][s as usize] = r;
                }
            }
            for s in Severity::ALL {
                if !cd.response.contains_key(s.as_str()) && possible(cat, *s) {
                    c.err(format!("{path}.response"), format!("has no response for {s}"));
                }
            }
        }
        for cat in Category::ALL {
            if !doc.categories.contains_key(cat.as_str()) {
                c.err("categories", format!("has no entry for {cat}"));
            }
        }

        let mut labels: BTreeMap<String, BTreeMap<Lang, String>> = BTreeMap::new();
        for (var, by_lang) in &doc.variables {
            let mut m = BTreeMap::new();
            for (lang, label) in by_lang {
                if let Some(l) = c.lang(&format!("variables.{var}.{lang}"), lang) {
                    m.insert(l, label.clone());
                }
            }
            if !var.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') || var.is_empty() {
                c.err(format!("variables.{var}"), "a variable name is letters, digits and _");
            }
            labels.insert(var.clone(), m);
        }
        let known = |v: &str| BUILTIN_VARIABLES.contains(&v) || doc.variables.contains_key(v);
        let mut templates = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, td) in doc.templates.iter().enumerate() {
            let p = format!("templates[{i}]");
            if !seen.insert(td.id.as_str()) {
                c.err(format!("{p}.id"), format!("{:?} is used by an earlier template", td.id));
            }
            let cat = Category::parse(&td.category);
            if cat.is_none() {
                c.err(format!("{p}.category"), format!("unknown category {:?}", td.category));
            }
            let lang = c.lang(&format!("{p}.lang"), &td.lang);
            let mut sev = Vec::new();
            for (j, s) in td.severity.iter().enumerate() {
                match Severity::parse(s) {
                    Some(s) => sev.push(s),
                    None => c.err(format!("{p}.severity[{j}]"), format!("unknown severity {s:?}")),
                }
            }
            match Template::parse(&td.id, &td.body) {
                Ok(tpl) => {
                    for v in tpl.variables() {
                        if !known(v) {
                            c.err(format!("{p}.body"), format!("unknown variable {{{v}}}"));
                        }
                    }
                    if let (Some(cat), Some(lang)) = (cat, lang) {
                        templates.push(tpl.with(cat, lang, sev));
                    }
                }
                Err(msg) => c.err(format!("{p}.body"), msg),
            }
        }

        let mut incident = None;
        if let Some(inc) = &doc.incident {
            let mut statement = BTreeMap::new();
            for (lang, s) in &inc.statement {
                if let Some(l) = c.lang(&format!("incident.statement.{lang}"), lang) {
                    match Template::parse("incident", s) {
                        Ok(tpl) => {
                            for v in tpl.variables() {
                                if !known(v) {
                                    c.err(format!("incident.statement.{lang}"), format!("unknown variable {{{v}}}"));
                                }
                            }
                        }
                        Err(msg) => c.err(format!("incident.statement.{lang}"), msg),
                    }
                    statement.insert(l, s.clone());
                }
            }
            if inc.active {
                add_terms(&mut c, &mut mb, "incident.keywords", &inc.keywords, Target::Incident, 1.0);
                if inc.keywords.is_empty() {
                    c.err("incident.keywords", "an active incident needs keywords to recognise messages about it");
                }
                incident = Some(Incident { name: inc.name.clone(), statement });
            }
        }

        let s = &doc.spike;
        if s.window_minutes == 0 {
            c.err("spike.window_minutes", "must be at least 1");
        }
        if s.baseline_windows < 2 {
            c.err("spike.baseline_windows", "must be at least 2");
        }
        if s.elevated_ratio.is_nan() || s.elevated_ratio < 1.0 {
            c.err("spike.elevated_ratio", format!("must be at least 1, not {}", s.elevated_ratio));
        }
        if s.spike_ratio.is_nan() || s.spike_ratio < s.elevated_ratio {
            c.err("spike.spike_ratio", format!("must not be below spike.elevated_ratio ({} < {})", s.spike_ratio, s.elevated_ratio));
        }
        let minute = 60_000i64;
        let spike = SpikeConfig {
            window_ms: s.window_minutes.max(1) as i64 * minute,
            baseline_windows: s.baseline_windows.max(2),
            min_count: s.min_count,
            elevated_ratio: s.elevated_ratio,
            spike_ratio: s.spike_ratio,
            max_lateness_ms: s.max_lateness_minutes as i64 * minute,
            max_gap_ms: (s.max_gap_minutes.max(s.window_minutes.max(1))) as i64 * minute,
        };

        if !c.errors.is_empty() {
            return Err(PlanErrors(c.errors));
        }
        let matcher = mb.build().map_err(|m| PlanErrors(vec![PlanError { path: String::new(), message: m }]))?;
        let (foreign_factor, reach_followers) = (t.foreign_factor, t.reach_followers);
        let reported_factor = reported;
        let brand = doc.brand.names.first().cloned();
        Ok(Plan {
            doc,
            default_lang,
            flag,
            strong,
            reported_factor,
            foreign_factor,
            reach_followers,
            deadlines,
            responses,
            templates,
            labels,
            incident,
            spike,
            brand,
            matcher,
            rules,
            gates,
            model_confident,
            model_heads,
        })
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

/// A rule or gate part: a group name (`brand` included), a signal name, or a category name.
fn rule_ref(group_names: &[&str], name: &str) -> Option<RuleRef> {
    if let Some(k) = group_names.iter().position(|n| *n == name) {
        Some(RuleRef::Group(k as u16))
    } else if let Some(s) = Signal::parse(name) {
        Some(RuleRef::Signal(s))
    } else {
        Category::parse(name).map(RuleRef::Category)
    }
}

/// Which severities a category can reach, so the plan must give a response for each.
fn possible(cat: Category, sev: Severity) -> bool {
    match cat {
        Category::Question | Category::Praise | Category::Other => sev != Severity::Crisis,
        _ => sev != Severity::Routine,
    }
}

fn names<T: fmt::Display>(all: &[T]) -> String {
    all.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn json_error_sentence(e: &serde_json::Error) -> String {
    let s = e.to_string();
    // serde_json appends " at line L column C"; the path already says where.
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
