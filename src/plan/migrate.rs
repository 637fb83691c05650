//! Older plan documents brought up to [`PLAN_VERSION`], one step per format version, on the JSON
//! value before it is typed: a step may rename, move or fill in fields that the current
//! [`PlanDoc`] would refuse (`deny_unknown_fields`) or miss.
//!
//! Plans are stored for months (the extension's `chrome.storage.local`, an administrator's
//! policy, files kept as backups), so a format change must never strand one: the engine that
//! changes the format adds a step here, and every earlier document keeps loading.
//!
//! The steps so far (docs/PLAN.md, "Versions"):
//! - **0 → 1**: a document with no `version` (or `version: 0`). No build of Sentinelle ever wrote
//!   one — version 1 is the first format — but a plan written by hand from the field table, or
//!   saved by a tool that dropped the number, has this shape. Its fields are version 1's; the step
//!   only states the version, so the chain and its tests exist before the first real change.
//!
//! A document newer than this engine is left as it is, never "migrated" down: validation then
//! refuses it (`compile`, with a sentence that says to update), along with every other error,
//! as for any invalid plan.

use super::PLAN_VERSION;
use serde_json::{Map, Value};

/// One step: turns a document of version `from` into one of version `from + 1`.
type Step = fn(&mut Map<String, Value>);

/// The steps in order; `STEPS[i]` upgrades version `i` to `i + 1`.
const STEPS: &[Step] = &[v0_to_v1];

// Every version below PLAN_VERSION needs its step: a format change that forgets one fails here.
const _: () = assert!(STEPS.len() == PLAN_VERSION as usize);

/// A plan without a version: version 1's fields, the number stated.
fn v0_to_v1(doc: &mut Map<String, Value>) {
    doc.insert("version".into(), Value::from(1u32));
}

/// The format version a document says it was written for: 0 when it has no `version`, `None`
/// when `version` is not a whole number (then the typed parse says what is wrong, and where).
pub fn version_of(doc: &Map<String, Value>) -> Option<u64> {
    match doc.get("version") {
        None | Some(Value::Null) => Some(0),
        Some(v) => v.as_u64(),
    }
}

/// Upgrades `value` to [`PLAN_VERSION`] in place; returns the version it was written for.
/// Anything that is not an object, whose version is not a number, or whose version is this
/// engine's or newer, is left as it is for the typed parse and validation to report.
pub fn migrate(value: &mut Value) -> u32 {
    let Some(doc) = value.as_object_mut() else { return PLAN_VERSION };
    let Some(from) = version_of(doc) else { return PLAN_VERSION };
    if from >= u64::from(PLAN_VERSION) {
        return u32::try_from(from).unwrap_or(u32::MAX);
    }
    // `from` fits: it is below PLAN_VERSION.
    let from = from as u32;
    for step in &STEPS[from as usize..] {
        step(doc);
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_older_version_reaches_the_current_one() {
        for (doc, from) in [(json!({"name": "x"}), 0), (json!({"version": 0}), 0), (json!({"version": null}), 0), (json!({"version": 1}), 1)] {
            let mut v = doc.clone();
            assert_eq!(migrate(&mut v), from, "{doc}");
            assert_eq!(v["version"], json!(PLAN_VERSION), "{doc}");
        }
    }

    #[test]
    fn a_newer_plan_is_left_alone_for_validation_to_refuse() {
        let doc = json!({"version": PLAN_VERSION + 1, "name": "x"});
        let mut v = doc.clone();
        assert_eq!(migrate(&mut v), PLAN_VERSION + 1);
        assert_eq!(v, doc);
    }

    #[test]
    fn what_is_not_a_versioned_object_is_left_to_the_typed_parse() {
        for doc in [json!([1]), json!("plan"), json!({"version": "one"}), json!({"version": -1})] {
            let mut v = doc.clone();
            assert_eq!(migrate(&mut v), PLAN_VERSION);
            assert_eq!(v, doc);
        }
    }
}
