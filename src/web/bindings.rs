//! The wasm-bindgen exports: the engine, plan checks, the version.

use crate::{Engine as Core, Message, Plan, SpikeDetector, TriageOptions};
use serde::Serialize;
use super::packed;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        gloo_console::error!(format!("sentinelle: engine panic: {info}"));
    }));
}

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_error)
}

/// A triage engine with one plan, and its spike detector.
#[wasm_bindgen]
pub struct Engine {
    core: Core,
    spikes: SpikeDetector,
}

#[wasm_bindgen]
impl Engine {
    /// An engine for `plan_json`, or the default plan when it is `undefined`. Throws an `Error`
    /// listing every problem of an invalid plan, one per line (`path: sentence`).
    #[wasm_bindgen(constructor)]
    pub fn new(plan_json: Option<String>) -> Result<Engine, JsValue> {
        let plan = match plan_json {
            Some(json) => Plan::from_json(&json).map_err(js_error)?,
            None => Plan::from_json(crate::DEFAULT_PLAN_JSON).map_err(js_error)?,
        };
        let spikes = SpikeDetector::new(plan.spike());
        Ok(Engine { core: Core::new(plan), spikes })
    }

    /// Triage a batch: `[{id, text, author?, time?, platform?, reach?, lang?}]` in, one verdict
    /// per message out, in order. `options`: `{reply: {agent, link, values}, maxReplies, spiking,
    /// omitScores, crisisMode}`.
    pub fn triage(&self, batch: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let (batch, opts) = self.batch_and_options(batch, options)?;
        to_js(&self.core.triage_batch(&batch, &opts))
    }

    /// [`Engine::triage`] with the verdicts packed as `[numbers: Float64Array, text: string]` (see
    /// `crate::packed`), for `unpackVerdicts` in `extension/lib/engine.js` to read back into the
    /// same objects: a batch crosses as two values instead of a call per property.
    #[wasm_bindgen(js_name = triagePacked)]
    pub fn triage_packed(&self, batch: JsValue, options: JsValue) -> Result<js_sys::Array, JsValue> {
        let (batch, opts) = self.batch_and_options(batch, options)?;
        let (numbers, text) = packed::pack(&self.core.triage_batch(&batch, &opts)).map_err(js_error)?;
        Ok(js_sys::Array::of2(&js_sys::Float64Array::from(&numbers[..]), &JsValue::from_str(&text)))
    }

    /// Feeds the spike detector with `[{time, categories}]` (no text) and returns the live state
    /// of the newest window: `{current: [WindowReport], closed: [WindowReport], stats}`.
    pub fn observe(&mut self, events: JsValue) -> Result<JsValue, JsValue> {
        #[derive(serde::Deserialize)]
        struct Event {
            time: f64,
            #[serde(default)]
            categories: Vec<crate::Category>,
        }
        let events: Vec<Event> = serde_wasm_bindgen::from_value(events).map_err(|e| js_error(format!("observe: bad events: {e}")))?;
        for e in &events {
            self.spikes.observe(e.time, &e.categories);
        }
        self.spike_view()
    }

    /// The spike detector's memory as JSON (`crate::SpikeSnapshot`: counts and times, no text),
    /// for a host that may be stopped between batches to keep and give back to
    /// [`Engine::restore_spikes`].
    #[wasm_bindgen(js_name = spikeState)]
    pub fn spike_state(&self) -> Result<String, JsValue> {
        serde_json::to_string(&self.spikes.snapshot()).map_err(js_error)
    }

    /// Puts back the detector's memory that [`Engine::spike_state`] gave, and returns its live
    /// state as [`Engine::observe`] does. Throws (and the detector is left as it was) for a state
    /// that does not parse, or was taken under other spike settings: the plan changed since.
    #[wasm_bindgen(js_name = restoreSpikes)]
    pub fn restore_spikes(&mut self, json: &str) -> Result<JsValue, JsValue> {
        let snapshot: crate::SpikeSnapshot = serde_json::from_str(json).map_err(|e| js_error(format!("restoreSpikes: {e}")))?;
        self.spikes = SpikeDetector::restore(self.core.plan().spike(), snapshot).map_err(js_error)?;
        self.spike_view()
    }

    /// [`Engine::triage_packed`], and every verdict into `review` (the post-crisis review) with
    /// its message's time and `replied[i]`, when the message was answered (ms since the epoch;
    /// `NaN` or a short array: not known).
    #[wasm_bindgen(js_name = triagePackedReviewed)]
    pub fn triage_packed_reviewed(&self, batch: JsValue, options: JsValue, review: &mut Review, replied: &[f64]) -> Result<js_sys::Array, JsValue> {
        let (batch, opts) = self.batch_and_options(batch, options)?;
        let verdicts = self.core.triage_batch(&batch, &opts);
        for (i, (m, v)) in batch.iter().zip(&verdicts).enumerate() {
            review.collected.add(m.time, replied.get(i).copied(), v);
        }
        let (numbers, text) = packed::pack(&verdicts).map_err(js_error)?;
        Ok(js_sys::Array::of2(&js_sys::Float64Array::from(&numbers[..]), &JsValue::from_str(&text)))
    }

    /// The plan this engine runs, as JSON.
    #[wasm_bindgen(js_name = planJson)]
    pub fn plan_json(&self) -> String {
        self.core.plan().to_json()
    }
}

impl Engine {
    /// The detector's live state, `{current, closed, stats}`; the closed windows' reports are taken.
    fn spike_view(&mut self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct State {
            current: Vec<crate::WindowReport>,
            closed: Vec<crate::WindowReport>,
            stats: crate::SpikeStats,
        }
        let closed = self.spikes.take_closed();
        to_js(&State { current: self.spikes.current(), closed, stats: self.spikes.stats() })
    }

    fn batch_and_options(&self, batch: JsValue, options: JsValue) -> Result<(Vec<Message>, TriageOptions), JsValue> {
        let batch: Vec<Message> = serde_wasm_bindgen::from_value(batch).map_err(|e| js_error(format!("triage: bad batch: {e}")))?;
        let mut opts: TriageOptions = if options.is_undefined() || options.is_null() {
            TriageOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(|e| js_error(format!("triage: bad options: {e}")))?
        };
        if opts.spiking.is_empty() {
            opts.spiking = self.spikes.spiking();
        }
        Ok((batch, opts))
    }
}

/// Validates a plan: `[]` when it is valid, else every error as `{path, message}`.
#[wasm_bindgen(js_name = checkPlan)]
pub fn check_plan(json: &str) -> Result<JsValue, JsValue> {
    match Plan::from_json(json) {
        Ok(_) => to_js(&Vec::<crate::PlanError>::new()),
        Err(e) => to_js(&e.0),
    }
}

/// The format version a plan was written for, and the plan in this engine's version when it was
/// older: `{from, to, json}`, `json` the migrated plan (`Plan::to_json`) or `null` when the plan
/// is already current (or newer: not checked here, `checkPlan` says what is wrong);
/// `{from: null, to, json: null, errors}` when it is older, or not JSON, and not a valid plan.
/// The extension stores the migrated text, so an older plan is migrated once, here in the engine,
/// never by the JS. A current plan is not compiled: the worker asks at every start.
#[wasm_bindgen(js_name = migratePlan)]
pub fn migrate_plan(json: &str) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Migration {
        from: Option<u32>,
        to: u32,
        json: Option<String>,
        errors: Vec<crate::PlanError>,
    }
    let to = crate::PLAN_VERSION;
    if let Some(from) = Plan::written_version(json).filter(|v| *v >= to) {
        return to_js(&Migration { from: Some(from), to, json: None, errors: vec![] });
    }
    to_js(&match Plan::from_json_versioned(json) {
        Ok((plan, from)) => Migration { from: Some(from), to, json: (from < to).then(|| plan.to_json()), errors: vec![] },
        Err(e) => Migration { from: None, to, json: None, errors: e.0 },
    })
}

/// The embedded default plan, as JSON.
#[wasm_bindgen(js_name = defaultPlan)]
pub fn default_plan() -> String {
    crate::DEFAULT_PLAN_JSON.to_string()
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The plan's vocabulary, for the JS side to read instead of retyping it: `{categories,
/// crisisRisk, severities, responses, langs, maxChars}`, every list in the plan's order.
#[wasm_bindgen]
pub fn taxonomy() -> Result<JsValue, JsValue> {
    use crate::taxonomy::{Category, Lang, Response, Severity};
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Taxonomy {
        categories: Vec<&'static str>,
        crisis_risk: Vec<&'static str>,
        severities: Vec<&'static str>,
        responses: Vec<&'static str>,
        langs: Vec<&'static str>,
        max_chars: usize,
    }
    to_js(&Taxonomy {
        categories: Category::ALL.iter().map(|c| c.as_str()).collect(),
        crisis_risk: Category::ALL.iter().filter(|c| c.is_crisis_risk()).map(|c| c.as_str()).collect(),
        severities: Severity::ALL.iter().map(|s| s.as_str()).collect(),
        responses: Response::ALL.iter().map(|r| r.as_str()).collect(),
        langs: Lang::ALL.iter().map(|l| l.as_str()).collect(),
        max_chars: crate::triage::MAX_CHARS,
    })
}

/// Reads an export as the command line does (`crate::ingest`): `format` is `auto`, `csv`,
/// `jsonl`, `json` or `lines`; `mapping` (optional) names the column of each field, `{text?, id?,
/// author?, time?, platform?, reach?, lang?, replied?}` (`null`/absent: found by its usual names;
/// `""`: not read). Returns `{format, messages: [{line, id, text, author?, time?, platform?, lang?,
/// reach?, repliedAt?}], errors: [{line, message}], warnings: [{line, message}]}`, times in
/// milliseconds since the epoch; a mapped column the header lacks is one of `errors`. Throws only
/// for an unknown format or a mapping that is not such an object.
#[wasm_bindgen(js_name = ingest)]
pub fn ingest(text: &str, format: &str, mapping: JsValue) -> Result<JsValue, JsValue> {
    to_js(&crate::ingest::read_str(text, &ingest_options(format, mapping)?))
}

/// The start of an export as the mapping panel shows it (`crate::ingest::preview`): `{format,
/// delimiter, columns, rows: [[cell]], guessed: {text, id, …: column | null}, errors}`, the first
/// few records as written. `mapping` as for `ingest`.
#[wasm_bindgen(js_name = ingestPreview)]
pub fn ingest_preview(text: &str, format: &str, mapping: JsValue) -> Result<JsValue, JsValue> {
    to_js(&crate::ingest::preview(text, &ingest_options(format, mapping)?))
}

fn ingest_options(format: &str, mapping: JsValue) -> Result<crate::ingest::Options, JsValue> {
    let format = crate::ingest::Format::from_name(format).map_err(js_error)?;
    let mapping = if mapping.is_undefined() || mapping.is_null() {
        crate::ingest::Mapping::default()
    } else {
        serde_wasm_bindgen::from_value(mapping).map_err(|e| js_error(format!("ingest: bad mapping: {e}")))?
    };
    Ok(crate::ingest::Options { format, mapping, ..Default::default() })
}

/// The post-crisis review (`crate::review`): fed by [`Engine::triage_packed_reviewed`] or read
/// from the extension's incident log; holds numbers and the plan's terms, never message text.
#[wasm_bindgen]
pub struct Review {
    collected: crate::review::Collected,
}

#[wasm_bindgen]
impl Review {
    /// An empty review for this engine's plan.
    #[wasm_bindgen(constructor)]
    pub fn new(engine: &Engine) -> Review {
        Review { collected: crate::review::Collected::new(engine.core.plan()) }
    }

    /// A review of the incident log the extension's popup exports (counts and times, no text).
    /// Throws an `Error` saying what is wrong with anything else.
    #[wasm_bindgen(js_name = fromIncidentLog)]
    pub fn from_incident_log(engine: &Engine, json: &str) -> Result<Review, JsValue> {
        let log = crate::review::IncidentLog::from_json(json).map_err(js_error)?;
        let mut collected = crate::review::Collected::new(engine.core.plan());
        collected.add_log(&log).map_err(js_error)?;
        Ok(Review { collected })
    }

    /// Messages collected so far.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.collected.len()
    }

    /// The agent's reading of the `index`-th message collected (from 0): routine after all, or not.
    #[wasm_bindgen(js_name = markRoutine)]
    pub fn mark_routine(&mut self, index: usize, routine: bool) -> Result<(), JsValue> {
        self.collected.mark_routine(index, routine).map_err(js_error)
    }

    /// `{review, charts: {timeline, categorySeverity, responses, languages}}`: the numbers, and
    /// the charts as SVG text with `labels` (`crate::review::svg::Labels`) in the reader's language.
    pub fn report(&self, labels: JsValue) -> Result<JsValue, JsValue> {
        let labels: crate::review::svg::Labels = if labels.is_undefined() || labels.is_null() {
            Default::default()
        } else {
            serde_wasm_bindgen::from_value(labels).map_err(|e| js_error(format!("review: bad labels: {e}")))?
        };
        let review = self.collected.review();
        let charts = crate::review::svg::charts(&review, &labels);
        #[derive(Serialize)]
        struct Report<'a> {
            review: &'a crate::review::Review,
            charts: crate::review::svg::Charts,
        }
        to_js(&Report { review: &review, charts })
    }
}
