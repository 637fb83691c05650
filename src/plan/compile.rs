//! Validation and compilation of a plan document: every error is collected with its path before
//! anything is compiled, so an invalid plan is refused whole, never half-applied.

use super::*;
use crate::matcher::{MatcherBuilder, Target};
use std::fmt;

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
    /// Validates and compiles a parsed plan document.
    pub fn from_doc(doc: PlanDoc) -> Result<Plan, PlanErrors> {
        let mut c = Checker { errors: Vec::new() };
        if doc.version > PLAN_VERSION {
            // Older versions were migrated by `from_json`; a newer one is not ours to guess at.
            c.err(
                "version",
                format!("this plan is format version {}, written by a newer Sentinelle; this engine reads versions up to {PLAN_VERSION}: update the extension", doc.version),
            );
        } else if doc.version != PLAN_VERSION {
            c.err("version", format!("this engine reads plan version {PLAN_VERSION}, not {} (load it with Plan::from_json, which migrates it)", doc.version));
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

        let mut deadlines = [0u32; Severity::COUNT];
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

        let mut flag = [t.flag; Category::COUNT];
        let mut reported = [t.reported_factor; Category::COUNT];
        let mut strong = [t.strong; Category::COUNT];
        let mut gates: PerCategory<Vec<RuleRef>> = Default::default();
        let mut model_confident = [None; Category::COUNT];
        let mut model_heads = [HeadsRule::Any; Category::COUNT];
        let mut responses = [[Response::Monitor; Severity::COUNT]; Category::COUNT];
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
                            statement.insert(l, tpl);
                        }
                        Err(msg) => c.err(format!("incident.statement.{lang}"), msg),
                    }
                }
            }
            if inc.active {
                add_terms(&mut c, &mut mb, "incident.keywords", &inc.keywords, Target::Incident, 1.0);
                if inc.keywords.is_empty() {
                    c.err("incident.keywords", "an active incident needs keywords to recognise messages about it");
                }
            }
            // Kept inactive too: crisis mode offers the holding statement before any keyword is known.
            incident = Some(Incident { statement });
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

pub(super) fn json_error_sentence(e: &serde_json::Error) -> String {
    let s = e.to_string();
    // serde_json appends " at line L column C"; the path already says where.
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
