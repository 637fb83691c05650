//! The plan as data: the default validates, and broken plans give every error with its path.

use sentinelle::{Category, Lang, Plan, DEFAULT_PLAN_JSON};
use serde_json::{json, Value};

fn default_value() -> Value {
    serde_json::from_str(DEFAULT_PLAN_JSON).unwrap()
}

fn errors(v: &Value) -> Vec<String> {
    match Plan::from_json(&v.to_string()) {
        Ok(_) => vec![],
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn the_default_plan_validates_and_has_templates_for_everything() {
    let plan = Plan::from_json(DEFAULT_PLAN_JSON).expect("default plan is valid");
    for c in Category::ALL {
        for l in Lang::ALL {
            let n = plan.template_ids(*c, *l).len();
            assert!(n >= 2, "{c}/{l}: {n} templates, want at least two variants");
        }
    }
    // Round trip: what `plan default` prints is what the engine reads.
    let again = Plan::from_json(&plan.to_json()).expect("re-serialised plan is valid");
    assert_eq!(again.to_json(), plan.to_json());
}

#[test]
fn broken_plans_give_path_precise_errors_all_at_once() {
    type Break = fn(&mut Value);
    let rows: &[(&str, Break, &str)] = &[
        ("unknown template variable", |v| v["templates"][4]["body"] = json!("Bonjour {ordre}"), "templates[4].body: unknown variable {ordre}"),
        ("unclosed brace", |v| v["templates"][0]["body"] = json!("Bonjour {author"), "templates[0].body: unclosed {"),
        ("unknown category key", |v| v["categories"]["spam"] = json!({"terms": []}), "categories.spam: unknown category"),
        ("weight out of range", |v| v["categories"]["threat"]["terms"][0]["weight"] = json!(1.5), "categories.threat.terms[0].weight: must be between 0 and 1, not 1.5"),
        ("unknown language", |v| v["categories"]["abuse"]["terms"][0]["lang"] = json!("de"), "categories.abuse.terms[0].lang: unknown language \"de\""),
        ("unknown response", |v| v["categories"]["complaint"]["response"]["problem"] = json!("ignore"), "categories.complaint.response.problem: unknown response \"ignore\""),
        ("missing response", |v| { v["categories"]["threat"]["response"].as_object_mut().unwrap().remove("crisis"); }, "categories.threat.response: has no response for crisis"),
        ("unknown rule group", |v| v["categories"]["employee_misconduct"]["rules"][0]["all"][0] = json!("staf"), "categories.employee_misconduct.rules[0].all[0]: unknown group \"staf\""),
        ("empty term", |v| v["categories"]["praise"]["terms"][0]["terms"][0] = json!("!!"), "categories.praise.terms[0].terms[0]: the term \"!!\" has no letters or digits"),
        ("duplicate template id", |v| { let t = v["templates"][0].clone(); v["templates"].as_array_mut().unwrap().push(t); }, "id: \"identity_attack-fr-1\" is used by an earlier template"),
        ("deadline zero", |v| v["deadlines"]["crisis"] = json!(0), "deadlines.crisis: must be at least 1 minute"),
        ("spike ratios", |v| v["spike"]["spike_ratio"] = json!(1.5), "spike.spike_ratio: must not be below spike.elevated_ratio"),
        ("version", |v| v["version"] = json!(2), "version: this plan is format version 2, written by a newer Sentinelle"),
        ("model_confident out of range", |v| v["categories"]["abuse"]["model_confident"] = json!(2), "categories.abuse.model_confident: must be between 0 and 1, not 2"),
        ("model_confident without a gate", |v| v["categories"]["complaint"]["model_confident"] = json!(0.5), "categories.complaint.model_confident: has no model_gate to pass"),
        ("unknown model_heads", |v| v["categories"]["misinformation"]["model_heads"] = json!("most"), "categories.misinformation.model_heads: unknown value \"most\" (use any, mean or all)"),
        ("active incident without keywords", |v| { v["incident"]["active"] = json!(true); v["incident"]["keywords"] = json!({}); }, "incident.keywords: an active incident needs keywords"),
    ];
    for (name, break_it, want) in rows {
        let mut v = default_value();
        break_it(&mut v);
        let errs = errors(&v);
        assert!(errs.iter().any(|e| e.contains(want)), "{name}: want an error containing {want:?}, got {errs:?}");
    }
    // Several faults at once: every one is reported, not just the first.
    let mut v = default_value();
    v["templates"][4]["body"] = json!("Bonjour {ordre}");
    v["deadlines"]["crisis"] = json!(0);
    v["categories"]["threat"]["terms"][0]["weight"] = json!(-1);
    assert_eq!(errors(&v).len(), 3, "{:?}", errors(&v));
}

#[test]
fn syntax_and_shape_errors_say_where() {
    let e = Plan::from_json("{\n  \"version\": 1,\n  \"name\": \"x\",\n").unwrap_err();
    assert!(e.0[0].path.starts_with("line 4"), "{e}");
    let mut v = default_value();
    v["thresholds"]["wieght"] = json!(1);
    let e = errors(&v);
    assert!(e[0].contains("unknown field `wieght`"), "{e:?}");
}

#[test]
fn declared_variables_are_allowed_and_labelled() {
    let mut v = default_value();
    v["variables"]["order"] = json!({"fr": "numéro de commande", "en": "order number"});
    v["templates"][4]["body"] = json!("Commande {order} : nous regardons, {author}.");
    assert!(errors(&v).is_empty(), "{:?}", errors(&v));
}

/// A plan stored under an older format version loads, migrated (src/plan/migrate.rs): the
/// extension's `chrome.storage.local`, a policy and a backup file may all be older than the engine.
#[test]
fn an_older_plan_is_migrated_and_a_newer_one_refused() {
    let mut v = default_value();
    v.as_object_mut().unwrap().remove("version");
    v["name"] = json!("Plan sans version");
    let (plan, from) = Plan::from_json_versioned(&v.to_string()).expect("a version 0 plan loads");
    assert_eq!(from, 0);
    let written: Value = serde_json::from_str(&plan.to_json()).unwrap();
    assert_eq!(written["version"], json!(sentinelle::PLAN_VERSION), "written back in the current version");
    assert_eq!(written["name"], json!("Plan sans version"), "nothing else lost");
    // As the engine writes any plan (empty lists spelled out), the default's templates all there.
    let default_written: Value = serde_json::from_str(&Plan::default_plan().to_json()).unwrap();
    assert_eq!(written["templates"], default_written["templates"]);
    // Migrated once, it is current: loading it again migrates nothing.
    assert_eq!(Plan::from_json_versioned(&plan.to_json()).unwrap().1, sentinelle::PLAN_VERSION);
    // Errors of a migrated document still come with their paths.
    v["deadlines"]["crisis"] = json!(0);
    assert!(errors(&v).iter().any(|e| e.contains("deadlines.crisis: must be at least 1 minute")), "{:?}", errors(&v));
    // A type error in a migrated document: no line to point at, but the sentence says what.
    v["deadlines"]["crisis"] = json!("soon");
    let e = Plan::from_json(&v.to_string()).unwrap_err();
    assert!(e.0[0].message.contains("invalid type"), "{e}");
    // What a plan says it is, without checking it (the extension asks at every worker start).
    assert_eq!(Plan::written_version(&v.to_string()), Some(0));
    assert_eq!(Plan::written_version(DEFAULT_PLAN_JSON), Some(sentinelle::PLAN_VERSION));
    assert_eq!(Plan::written_version("[1]"), None);
    // A newer format is refused whole, with a sentence that says to update.
    let mut newer = default_value();
    newer["version"] = json!(sentinelle::PLAN_VERSION + 1);
    assert!(errors(&newer).iter().any(|e| e.starts_with("version: ") && e.contains("newer Sentinelle")), "{:?}", errors(&newer));
}
