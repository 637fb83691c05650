//! Triage behaviour the golden cases do not pin down: incidents, replies, spikes, options.

#[path = "common/shared_data.rs"]
mod shared_data;
use shared_data::shared_data;
use sentinelle::{Category, Engine, Lang, Message, Plan, Response, Severity, TriageOptions, DEFAULT_PLAN_JSON};

fn msg(text: &str) -> Message {
    Message { text: text.into(), ..Default::default() }
}

fn plan_with(edit: impl FnOnce(&mut serde_json::Value)) -> Plan {
    let mut v: serde_json::Value = serde_json::from_str(DEFAULT_PLAN_JSON).unwrap();
    edit(&mut v);
    Plan::from_json(&v.to_string()).unwrap()
}

#[test]
fn an_active_incident_raises_its_messages_and_leads_with_the_holding_statement() {
    let plan = plan_with(|v| {
        v["brand"]["names"] = serde_json::json!(["FreshCo"]);
        v["incident"]["active"] = serde_json::json!(true);
    });
    let engine = Engine::new(plan);
    let opts = TriageOptions::default();
    let about = engine.triage_one(&msg("Est-ce que le lot 2411 est concerné ?"), 0, &opts);
    let other = engine.triage_one(&msg("Est-ce que vous livrez le dimanche ?"), 0, &opts);
    assert!(about.incident && !other.incident);
    assert_eq!((about.primary, other.primary), (Category::Question, Category::Question));
    assert_eq!((about.severity, other.severity), (Severity::Problem, Severity::Routine));
    assert_eq!(about.replies[0].template, "incident");
    assert!(about.replies[0].text.contains("rappel du lot"), "{}", about.replies[0].text);
    assert_ne!(other.replies[0].template, "incident");
    // A complaint about the incident becomes a crisis.
    let angry = engine.triage_one(&msg("batch 2411 made me wait three weeks, still no refund, terrible"), 0, &opts);
    assert_eq!((angry.primary, angry.severity, angry.response), (Category::Complaint, Severity::Crisis, Response::Escalate));
}

#[test]
fn crisis_mode_puts_the_holding_statement_first_on_crisis_risks_and_spiking_categories_only() {
    // The default plan's incident is inactive: no keyword matches, only crisis mode offers it.
    let engine = Engine::with_default_plan();
    let risk = msg("Vos employés ont volé dans ma maison pendant l'installation, c'est scandaleux");
    let complaint = msg("Colis toujours pas reçu après trois semaines, je suis très déçue");
    let calm = TriageOptions::default();
    let crisis = TriageOptions { crisis_mode: true, ..TriageOptions::default() };
    let (before, during) = (engine.triage_one(&risk, 0, &calm), engine.triage_one(&risk, 0, &crisis));
    assert!(before.primary.is_crisis_risk(), "{:?}", before.primary);
    assert_ne!(before.replies[0].template, "incident");
    assert_eq!(during.replies[0].template, "incident");
    assert!(during.replies[0].text.contains("rappel du lot"), "{}", during.replies[0].text);
    // An ordinary complaint keeps its own replies in crisis mode, unless its category is spiking.
    let plain = engine.triage_one(&complaint, 0, &crisis);
    assert_eq!(plain.primary, Category::Complaint);
    assert_ne!(plain.replies[0].template, "incident");
    let spiking = TriageOptions { crisis_mode: true, spiking: vec![Category::Complaint], ..TriageOptions::default() };
    assert_eq!(engine.triage_one(&complaint, 0, &spiking).replies[0].template, "incident");
    // Crisis mode adds a reply, it does not change the verdict.
    assert_eq!((before.primary, before.severity, before.response), (during.primary, during.severity, during.response));
}

#[test]
fn replies_come_in_the_messages_language_with_values_filled_and_variants_rotated() {
    let engine = Engine::new(plan_with(|v| v["brand"]["names"] = serde_json::json!(["FreshCo"])));
    let mut opts = TriageOptions::default();
    opts.reply.agent = Some("Camille".into());
    let fr = engine.triage_one(&Message { author: Some("@lea".into()), ..msg("Colis toujours pas reçu, je suis très déçue") }, 0, &opts);
    let en = engine.triage_one(&Message { author: Some("@sam".into()), ..msg("My parcel never arrived, I'm really disappointed") }, 0, &opts);
    assert_eq!((fr.lang, en.lang), (Lang::Fr, Lang::En));
    assert!(fr.replies.iter().all(|r| r.template.starts_with("complaint-fr")), "{:?}", fr.replies);
    assert!(en.replies.iter().all(|r| r.template.starts_with("complaint-en")), "{:?}", en.replies);
    assert!(fr.replies[0].text.contains("lea") && fr.replies[0].text.contains("Camille"), "{}", fr.replies[0].text);
    assert!(fr.replies.iter().all(|r| r.missing.is_empty()), "{:?}", fr.replies);
    // Without an agent name the placeholder stays visible, in the message's language.
    let bare = engine.triage_one(&msg("Colis toujours pas reçu"), 0, &TriageOptions::default());
    assert!(bare.replies[0].text.contains("[prénom de l'agent]"), "{}", bare.replies[0].text);
    assert_eq!(bare.replies[0].missing, ["author", "agent"]);
    // Consecutive messages do not all lead with the same variant.
    let firsts: std::collections::BTreeSet<String> = (0..12)
        .map(|i| engine.triage_one(&Message { id: Some(format!("m{i}")), ..msg("colis pas reçu, déçu") }, 0, &opts).replies[0].template.clone())
        .collect();
    assert!(firsts.len() >= 2, "{firsts:?}");
}

#[test]
fn spiking_categories_and_reach_make_a_crisis_of_an_isolated_case() {
    let engine = Engine::with_default_plan();
    let text = "vous êtes des escrocs";
    let alone = engine.triage_one(&msg(text), 0, &TriageOptions::default());
    assert_eq!((alone.primary, alone.severity, alone.response), (Category::DefamationRisk, Severity::Problem, Response::ReplyPrivate));
    let spiking = TriageOptions { spiking: vec![Category::DefamationRisk], ..Default::default() };
    assert_eq!(engine.triage_one(&msg(text), 0, &spiking).severity, Severity::Crisis);
    let big = engine.triage_one(&Message { reach: Some(50_000), ..msg(text) }, 0, &TriageOptions::default());
    assert_eq!((big.severity, big.response, big.reply_within_minutes), (Severity::Crisis, Response::Escalate, 15));
    let with_time = engine.triage_one(&Message { time: Some(1_000_000.0), ..msg(text) }, 0, &TriageOptions::default());
    assert_eq!(with_time.reply_by, Some(1_000_000.0 + 30.0 * 60_000.0));
}

#[test]
fn the_batch_keeps_order_and_names_rows_without_ids() {
    let engine = Engine::with_default_plan();
    let batch = vec![msg("merci !"), Message { id: Some("x".into()), ..msg("vous êtes nuls") }, msg("")];
    let v = engine.triage_batch(&batch, &TriageOptions::default());
    assert_eq!(v.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), ["1", "x", "3"]);
    assert_eq!(v[0].primary, Category::Praise);
    assert_eq!(v[2].warnings, ["empty text"]);
}

#[test]
fn scores_are_written_as_their_three_decimals() {
    let engine = Engine::with_default_plan();
    let full = engine.triage_batch(&[msg("Vous êtes des escrocs, rendez l'argent !")], &TriageOptions::default());
    // Written as their three decimals, even through a serializer that keeps numbers as f64 as the
    // wasm boundary's does (an f32 would come out as 0.8840000033378601).
    let json = serde_json::to_value(&full[0]).unwrap().to_string();
    assert!(json.contains("\"score\":0."), "{json}");
    for (at, _) in json.match_indices("0.") {
        assert!(json[at + 2..].chars().take_while(char::is_ascii_digit).count() <= 3, "{}", &json[at..]);
    }
}

#[test]
fn verdicts_without_scores_are_otherwise_the_same() {
    let engine = Engine::with_default_plan();
    let batch = vec![msg("Vous êtes des escrocs, rendez l'argent !"), msg("merci pour votre aide"), msg("go back to your country"), msg("")];
    let full = engine.triage_batch(&batch, &TriageOptions::default());
    let lean = engine.triage_batch(&batch, &TriageOptions { omit_scores: true, ..Default::default() });
    for (f, l) in full.iter().zip(&lean) {
        assert_eq!(f.scores.len(), 12);
        assert!(l.scores.is_empty());
        assert!(!serde_json::to_string(l).unwrap().contains("\"scores\""));
        assert_eq!(sentinelle::Verdict { scores: f.scores.clone(), ..l.clone() }, *f);
    }
    // Options from JS name it in camelCase.
    let o: TriageOptions = serde_json::from_str(r#"{"omitScores": true}"#).unwrap();
    assert!(o.omit_scores);
}

#[test]
fn the_model_adds_recall_with_evidence_where_the_plan_gives_it_a_foothold() {
    let with = Engine::with_default_plan();
    assert!(with.model().is_some(), "the embedded model loads");
    let without = Engine::with_model(Plan::default_plan(), None);
    let text = "immigrants are ruining this country, they bring nothing but crime";
    let (a, b) = (with.triage_one(&msg(text), 0, &TriageOptions::default()), without.triage_one(&msg(text), 0, &TriageOptions::default()));
    assert_eq!(a.primary, Category::IdentityAttack);
    assert_ne!(b.primary, Category::IdentityAttack, "the lexicons alone miss it; the model is what finds it");
    let ev = &a.categories[0].evidence;
    assert!(ev.iter().any(|e| e.rule.starts_with("model:")), "{ev:?}");
    for e in ev {
        assert_eq!(text.chars().skip(e.start as usize).take((e.end - e.start) as usize).collect::<String>(), e.text);
        assert!(!["are", "they", "this", "but"].contains(&e.text.as_str()), "function word as evidence: {ev:?}");
    }
}

/// The first `n` texts labelled `label` in a data set of `../shared/data`.
fn sentinelle_rows(stem: &str, label: &str, n: usize) -> Vec<String> {
    let path = shared_data(&format!("{stem}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["label"] == label)
        .filter_map(|v| v["text"].as_str().map(String::from))
        .take(n)
        .collect()
}

#[test]
fn shared_data_a_sure_model_passes_the_gate_only_where_the_plan_allows() {
    // Real offensive tweets from TweetEval with no insult of the plan's own: the abuse gate stays
    // closed, so only `model_confident` can let the model flag them.
    let rows = sentinelle_rows("tweeteval_offensive_en", "offensive", 400);
    let strict = Engine::new(plan_with(|v| {
        v["categories"]["abuse"].as_object_mut().unwrap().remove("model_confident");
    }));
    let lenient = Engine::with_default_plan();
    let abuse = |e: &Engine, t: &str| e.triage_one(&msg(t), 0, &TriageOptions::default()).categories.iter().any(|c| c.category == Category::Abuse);
    let (mut only_lenient, mut only_strict) = (0, 0);
    for t in &rows {
        let (s, l) = (abuse(&strict, t), abuse(&lenient, t));
        only_lenient += (l && !s) as usize;
        only_strict += (s && !l) as usize;
    }
    assert_eq!(only_strict, 0, "passing the gate can only add flags");
    assert!(only_lenient > rows.len() / 20, "a sure model should flag more offensive tweets: {only_lenient} of {}", rows.len());
}

#[test]
fn a_closed_model_gate_leaves_the_category_to_the_lexicons() {
    // No misinformation term and no health topic: the fake-news heads must not speak, however
    // "unlike health-agency news" these customer messages read.
    let with = Engine::with_default_plan();
    let without = Engine::with_model(Plan::default_plan(), None);
    for text in [
        "Whole family got food poisoning after your catering, 12 people sick",
        "you guys are fucking clowns",
        "shut up you useless bot, get me a human",
        "livraison en retard ENCORE, 3e fois ce mois ci",
        "my parcel never arrived and nobody answers the phone",
    ] {
        let a = with.triage_one(&msg(text), 0, &TriageOptions::default());
        let b = without.triage_one(&msg(text), 0, &TriageOptions::default());
        assert_eq!(a.scores[&Category::Misinformation], b.scores[&Category::Misinformation], "{text}");
        assert!(!a.categories.iter().any(|c| c.category == Category::Misinformation), "{text}");
    }
}

#[test]
fn the_learned_decision_names_a_complaint_no_term_of_the_plan_names() {
    // Customer-service French with no word of the plan's lexicons: the hand-wired order leaves it
    // `other`; the learned decision, sure enough, calls it the complaint it is, and says why (the
    // words of the complaint head that weighed most, spans of the original text).
    let text = "ça fait 2 semaines que j'ai plus de connexion, rendez-moi ma box";
    let learned = Engine::with_default_plan().triage_one(&msg(text), 0, &TriageOptions::default());
    let wired = Engine::with_default_plan().with_decision(None).unwrap().triage_one(&msg(text), 0, &TriageOptions::default());
    assert_eq!(wired.primary, Category::Other, "{wired:?}");
    assert_eq!(learned.primary, Category::Complaint, "{learned:?}");
    assert_eq!(learned.severity, Severity::Problem);
    let evidence = &learned.categories[0].evidence;
    assert!(!evidence.is_empty(), "every category says why");
    for e in evidence {
        assert_eq!(text.chars().skip(e.start as usize).take((e.end - e.start) as usize).collect::<String>(), e.text);
    }
    // Small talk is not a complaint because it is French: an unsure decision leaves `other`.
    let chat = Engine::with_default_plan().triage_one(&msg("il fait beau aujourd'hui à Marseille, bonne journée à tous"), 0, &TriageOptions::default());
    assert_eq!(chat.primary, Category::Other, "{chat:?}");
}

#[test]
fn a_term_the_plan_adds_leads_over_the_learned_decision() {
    // The plan stays in charge: once the administrator lists a word (here, during an outage, as
    // a sign of one), its category leads where the learned decision would have named another.
    // (Between a flagged complaint and a flagged question only, a sure decision may choose.)
    let text = "ça fait 2 semaines que j'ai plus de connexion, rendez-moi ma box";
    let plan = plan_with(|v| {
        let terms = v["categories"]["safety_incident"]["terms"].as_array_mut().unwrap();
        terms.push(serde_json::json!({ "lang": "fr", "terms": ["plus de connexion"], "weight": 0.9 }));
    });
    let v = Engine::new(plan).triage_one(&msg(text), 0, &TriageOptions::default());
    assert_eq!(v.primary, Category::SafetyIncident, "{v:?}");
    assert!(v.categories[0].evidence.iter().any(|e| e.text == "plus de connexion"), "{v:?}");
}
