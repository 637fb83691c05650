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
//! A document newer than this engine is refused, never "migrated" down: its fields may mean
//! something this engine does not know.

use super::{PlanError, PlanErrors, PLAN_VERSION};
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
/// Anything that is not an object, or whose version is not a number, is left as it is for the
/// typed parse to report. A version newer than this engine's is an error.
pub fn migrate(value: &mut Value) -> Result<u32, PlanErrors> {
    let Some(doc) = value.as_object_mut() else { return Ok(PLAN_VERSION) };
    let Some(from) = version_of(doc) else { return Ok(PLAN_VERSION) };
    if from > u64::from(PLAN_VERSION) {
        return Err(PlanErrors(vec![PlanError {
            path: "version".into(),
            message: format!(
                "this plan is format version {from}, written by a newer Sentinelle; this engine reads versions up to {PLAN_VERSION}: update the extension (the plan is left as it is)"
            ),
        }]));
    }
    // `from` fits: it is at most PLAN_VERSION.
    let from = from as u32;
    for step in &STEPS[from as usize..] {
        step(doc);
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_older_version_reaches_the_current_one() {
        for (doc, from) in [(json!({"name": "x"}), 0), (json!({"version": 0}), 0), (json!({"version": null}), 0), (json!({"version": 1}), 1)] {
            let mut v = doc.clone();
            assert_eq!(migrate(&mut v).unwrap(), from, "{doc}");
            assert_eq!(v["version"], json!(PLAN_VERSION), "{doc}");
        }
    }

    #[test]
    fn a_newer_plan_is_refused_and_left_alone() {
        let mut v = json!({"version": PLAN_VERSION + 1, "name": "x"});
        let e = migrate(&mut v).unwrap_err();
        assert_eq!(e.0[0].path, "version");
        assert!(e.0[0].message.contains("newer Sentinelle"), "{e}");
        assert_eq!(v["version"], json!(PLAN_VERSION + 1));
    }

    #[test]
    fn what_is_not_a_versioned_object_is_left_to_the_typed_parse() {
        for doc in [json!([1]), json!("plan"), json!({"version": "one"}), json!({"version": -1})] {
            let mut v = doc.clone();
            assert_eq!(migrate(&mut v).unwrap(), PLAN_VERSION);
            assert_eq!(v, doc);
        }
    }
}
