//! What triage returns: the verdict and its parts, and what it reads: the message and the agent's
//! options. The verdict has one serialisation, serde's (camelCase): the CLI's JSONL, the wasm
//! objects and the packed browser stream (`web::packed`) all come from it.

use crate::reply::{Reply, ReplyContext};
use crate::taxonomy::{Category, Lang, Response, Severity, Signal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One incoming comment or direct message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Message {
    pub id: Option<String>,
    pub text: String,
    pub author: Option<String>,
    /// When it was posted, in milliseconds since the Unix epoch.
    pub time: Option<f64>,
    pub platform: Option<String>,
    /// How many people the author reaches (followers), when the platform shows it.
    pub reach: Option<u64>,
    /// The language, when the platform or the export already says it ("fr", "en").
    pub lang: Option<String>,
}

/// Settings for a triage call that come from the agent, not from the messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TriageOptions {
    pub reply: ReplyContext,
    /// How many reply suggestions per message (3 when 0).
    pub max_replies: usize,
    /// Categories the spike detector currently reports as spiking: messages in them are crises.
    pub spiking: Vec<Category>,
    /// Leaves every category's score (`scores`) out of the verdicts: the extension shows only the
    /// flagged categories, which carry their own, and the map is twelve more entries a message
    /// to build and send to the page.
    pub omit_scores: bool,
    /// Crisis mode, switched on by the team (a spike proposes it): the plan's holding statement
    /// comes first on every crisis-risk message and every message in a spiking category, not only
    /// on those that name the incident.
    pub crisis_mode: bool,
}

/// A span of the original text, in characters, and what made it evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub start: u32,
    pub end: u32,
    pub text: String,
    /// The term as written in the plan (`arnaqu*`), or `rule:<id>` for a rule.
    pub rule: String,
    /// Inside quotation marks or reported speech: it counted less.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reported: bool,
}

/// A category flagged on a message, with its score and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: Category,
    #[serde(serialize_with = "score_as_written")]
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

/// A reach or many-people signal found in a message, with the words that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalEvidence {
    pub signal: Signal,
    pub evidence: Vec<Evidence>,
}

/// How many fields a [`Verdict`] has (some are left out when empty): the packed browser form
/// announces it, and its reader refuses a verdict with more.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "read by the packed stream, which only the wasm builds"))]
pub const VERDICT_FIELDS: usize = 13;

/// The engine's answer for one message. A heuristic to help a person decide, not a judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub id: String,
    pub lang: Lang,
    pub primary: Category,
    /// The flagged categories, primary first.
    pub categories: Vec<CategoryScore>,
    /// A score in 0..1 for every category; empty when [`TriageOptions::omit_scores`] is set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", serialize_with = "scores_as_written")]
    pub scores: BTreeMap<Category, f32>,
    pub severity: Severity,
    pub response: Response,
    pub reply_within_minutes: u32,
    /// The message's time plus the deadline, when the time is known (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SignalEvidence>,
    /// About the plan's active incident.
    pub incident: bool,
    pub replies: Vec<Reply>,
    /// What went wrong with this message's input (empty text, too long…); the verdict still stands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A score as the number its three decimals say, not the nearest `f64` to the `f32`, which JSON
/// and JavaScript write as `0.8840000033378601`.
pub fn score_value(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

fn score_as_written<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(score_value(*x))
}

fn scores_as_written<S: serde::Serializer>(m: &BTreeMap<Category, f32>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    for (c, x) in m {
        map.serialize_entry(c, &score_value(*x))?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_fields_counts_every_field() {
        let e = Evidence { start: 0, end: 1, text: "x".into(), rule: "x".into(), reported: true };
        let v = Verdict {
            id: "1".into(),
            lang: Lang::Fr,
            primary: Category::Threat,
            categories: vec![CategoryScore { category: Category::Threat, score: 0.9, evidence: vec![e.clone()] }],
            scores: BTreeMap::from([(Category::Threat, 0.9)]),
            severity: Severity::Crisis,
            response: Response::Escalate,
            reply_within_minutes: 15,
            reply_by: Some(1.0),
            signals: vec![SignalEvidence { signal: Signal::Reach, evidence: vec![e] }],
            incident: true,
            replies: vec![],
            warnings: vec!["w".into()],
        };
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json.as_object().unwrap().len(), VERDICT_FIELDS);
    }
}
