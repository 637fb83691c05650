//! Reply templates: parsing and rendering with variables. Which templates a message gets is
//! triage's choice (`triage::replies`); this module knows nothing of plans.
//!
//! A body is text with variables in braces: `Bonjour {author}, …`. `{{` and `}}` stand for literal
//! braces. A variable with no value is rendered as a visible placeholder (`[prénom de l'agent]`)
//! for the agent to fill, never silently dropped.

use crate::taxonomy::{Category, Lang, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

/// Per variable, the label shown in its placeholder, per language (`[prénom de l'agent]`).
pub type Labels = BTreeMap<String, BTreeMap<Lang, String>>;

/// A compiled reply template.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub category: Category,
    pub lang: Lang,
    /// Severities it suits; all when empty.
    pub severity: Vec<Severity>,
    parts: Vec<Part>,
}

/// A suggested reply, rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The template's id (`incident` for the holding statement).
    pub template: String,
    pub text: String,
    /// Variables that had no value and were left as placeholders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// Values for template variables that come from the agent's settings rather than the message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyContext {
    pub agent: Option<String>,
    pub link: Option<String>,
    /// Values for the plan's own variables.
    pub values: BTreeMap<String, String>,
}

impl Template {
    /// Parses a body. The category and language are set by [`Template::with`].
    pub fn parse(id: &str, body: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let rest = &body[i + 1..];
                    let Some(close) = rest.find('}') else {
                        return Err(format!("unclosed {{ at character {}", body[..i].chars().count()));
                    };
                    let name = &rest[..close];
                    if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                        return Err(format!("{{{name}}} is not a variable name (letters, digits and _)"));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Var(name.to_string()));
                    for _ in 0..=close {
                        chars.next();
                    }
                }
                '}' => return Err(format!("lone }} at character {} (write }}}} for a brace)", body[..i].chars().count())),
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if parts.is_empty() {
            return Err("is empty".into());
        }
        Ok(Template { id: id.to_string(), category: Category::Other, lang: Lang::Fr, severity: Vec::new(), parts })
    }

    pub fn with(mut self, category: Category, lang: Lang, severity: Vec<Severity>) -> Template {
        self.category = category;
        self.lang = lang;
        self.severity = severity;
        self
    }

    /// The variables the body uses.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Text(_) => None,
        })
    }

    pub(crate) fn suits(&self, sev: Severity) -> bool {
        self.severity.is_empty() || self.severity.contains(&sev)
    }

    /// Renders with `value(name)`; missing values become `[label]` placeholders.
    pub fn render<'v>(&self, lang: Lang, labels: &Labels, value: &dyn Fn(&str) -> Option<&'v str>) -> Reply {
        // The fixed text's length plus room for the values: one allocation, not one per part.
        let fixed: usize = self.parts.iter().map(|p| if let Part::Text(t) = p { t.len() } else { 0 }).sum();
        let mut text = String::with_capacity(fixed + 24 * (self.parts.len() / 2 + 1));
        let mut missing = Vec::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => text.push_str(t),
                Part::Var(v) => match value(v).filter(|s| !s.trim().is_empty()) {
                    Some(s) => text.push_str(s),
                    None => {
                        let label = labels.get(v).and_then(|m| m.get(&lang)).map(String::as_str).unwrap_or(v);
                        text.push('[');
                        text.push_str(label);
                        text.push(']');
                        if !missing.contains(v) {
                            missing.push(v.clone());
                        }
                    }
                },
            }
        }
        Reply { template: self.id.clone(), text, missing }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_are_plain() {
        assert!(Template::parse("t", "Bonjour {author").unwrap_err().contains("unclosed"));
        assert!(Template::parse("t", "a } b").unwrap_err().contains("lone }"));
        assert!(Template::parse("t", "{not a name}").unwrap_err().contains("not a variable"));
        let t = Template::parse("t", "{{literal}} {author}").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), vec!["author"]);
    }

    #[test]
    fn missing_values_stay_visible() {
        let labels = Labels::from([("agent".to_string(), BTreeMap::from([(Lang::Fr, "prénom de l'agent".to_string())]))]);
        let t = Template::parse("t", "Bonjour {author}, ici {agent}.").unwrap();
        let r = t.render(Lang::Fr, &labels, &|v| (v == "author").then_some("Léa"));
        assert_eq!(r.text, "Bonjour Léa, ici [prénom de l'agent].");
        assert_eq!(r.missing, vec!["agent".to_string()]);
    }
}
