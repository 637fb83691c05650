//! What each fuzz target does with its bytes, and what must hold afterwards. Shared by the
//! libFuzzer targets (`fuzz/fuzz_targets/*.rs`, one line each) and by the regression replay in
//! `cargo test` (`tests/fuzz_regressions.rs` includes this file), so a crash found here is
//! replayed there by the very same code.
//!
//! A target never panics on bad input: every path must end in a value or a
//! `sentinelle::Error` (or the plan's `PlanErrors`). The `assert!`s below are the invariants —
//! an assertion failing is a bug found, like a panic inside the engine.

use sentinelle::ingest::{self, Format, Options};
use sentinelle::internals::{pack, Labels, Template, PACK_FORMAT};
use sentinelle::review::{svg, Collected, IncidentLog};
use sentinelle::{Category, Engine, Lang, Message, Plan, ReplyContext, TriageOptions, Verdict};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::sync::OnceLock;

/// The default plan with its model: built once per process (building it is most of a run).
fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(Engine::with_default_plan)
}

/// Takes one byte from the front (0 when none is left).
fn byte(data: &mut &[u8]) -> u8 {
    let (b, rest) = data.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
    *data = rest;
    b
}

// ───────────────────────────── plan ─────────────────────────────

/// The bytes as a plan document: parsed and validated. An invalid plan is a list of errors, each
/// with a path and a sentence; a valid one writes itself back as a valid plan and triages.
pub fn plan(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else { return };
    match Plan::from_json(json) {
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a refused plan says why");
            for e in &errors.0 {
                assert!(!e.message.trim().is_empty(), "an empty error sentence at {:?}", e.path);
            }
            let _ = errors.to_string();
        }
        Ok(plan) => {
            let again = plan.to_json();
            let plan = match Plan::from_json(&again) {
                Ok(p) => p,
                Err(e) => panic!("a valid plan's own JSON is refused: {e}\n{again}"),
            };
            // Without the model: the plan alone (its terms, rules, templates) is under test.
            let engine = Engine::with_model(plan, None);
            let batch = [
                Message { id: Some("1".into()), text: "Vous êtes des escrocs, arnaque ! Je vais porter plainte.".into(), ..Default::default() },
                Message { id: Some("2".into()), text: json.chars().take(300).collect(), ..Default::default() },
            ];
            for opts in [TriageOptions::default(), TriageOptions { crisis_mode: true, spiking: Category::ALL.to_vec(), ..Default::default() }] {
                let verdicts = engine.triage_batch(&batch, &opts);
                assert_eq!(verdicts.len(), batch.len());
                for (m, v) in batch.iter().zip(&verdicts) {
                    check_verdict(m, v);
                }
            }
        }
    }
}

// ───────────────────────────── triage ─────────────────────────────

/// Options from the first bytes, then messages: the rest as text (invalid UTF-8 replaced, as the
/// browser's strings would be), split on U+0000 into messages and on U+001E into a message's text,
/// author, language and platform.
fn options_and_batch(mut data: &[u8]) -> (TriageOptions, Vec<Message>) {
    let flags = byte(&mut data);
    let spiking_bits = u16::from_le_bytes([byte(&mut data), byte(&mut data)]);
    let opts = TriageOptions {
        crisis_mode: flags & 1 != 0,
        omit_scores: flags & 2 != 0,
        max_replies: (flags >> 2 & 7) as usize,
        spiking: Category::ALL.iter().enumerate().filter(|(i, _)| spiking_bits >> i & 1 != 0).map(|(_, c)| *c).collect(),
        reply: ReplyContext { agent: (flags & 0x20 != 0).then(|| "Zoé 👩‍💻".into()), link: (flags & 0x40 != 0).then(|| "https://x.example/{author}".into()), values: BTreeMap::new() },
    };
    let text = String::from_utf8_lossy(data);
    let batch = text
        .split('\0')
        .take(16)
        .enumerate()
        .map(|(i, m)| {
            let mut parts = m.split('\u{1e}');
            let text = parts.next().unwrap_or_default().to_string();
            let field = |p: Option<&str>| p.filter(|s| !s.is_empty()).map(str::to_string);
            Message {
                id: (i % 3 != 0).then(|| format!("m{i}")),
                text,
                author: field(parts.next()),
                lang: field(parts.next()),
                platform: field(parts.next()),
                time: (flags & 0x80 != 0).then_some(1.7e12 + i as f64 * 60_000.0),
                reach: (i % 2 == 1).then_some(spiking_bits as u64 * 1000),
            }
        })
        .collect();
    (opts, batch)
}

/// What every verdict must be, whatever the message: evidence that is the original text at its
/// offsets (in characters, on character boundaries), scores in [0, 1], serialisable.
pub fn check_verdict(m: &Message, v: &Verdict) {
    let chars: Vec<char> = m.text.chars().collect();
    for c in &v.categories {
        assert!(c.score.is_finite() && (0.0..=1.0).contains(&c.score), "score {} for {:?}", c.score, c.category);
        for e in &c.evidence {
            assert!(e.start < e.end && e.end as usize <= chars.len(), "evidence {}..{} outside 0..{}", e.start, e.end, chars.len());
            let at: String = chars[e.start as usize..e.end as usize].iter().collect();
            assert_eq!(at, e.text, "evidence text is not the message's text at its offsets");
        }
    }
    for s in v.scores.values() {
        assert!(s.is_finite() && (0.0..=1.0).contains(s), "score {s}");
    }
    serde_json::to_string(v).expect("a verdict serialises");
}

/// Arbitrary bytes triaged as text, with options taken from the bytes; the verdicts checked, then
/// packed for the browser and read back.
pub fn triage(data: &[u8]) {
    let (opts, batch) = options_and_batch(data);
    let verdicts = engine().triage_batch(&batch, &opts);
    assert_eq!(verdicts.len(), batch.len());
    for (m, v) in batch.iter().zip(&verdicts) {
        check_verdict(m, v);
        if let Some(id) = &m.id {
            assert_eq!(&v.id, id);
        }
    }
    round_trip(&verdicts);
}

// ───────────────────────────── ingest ─────────────────────────────

/// Options from the first bytes: the format (or detection), the delimiter, whether a time column
/// is required, and for each field either nothing, "not read" or a column named in the input's
/// own first line — what a user picking columns in the triage page would send.
fn ingest_options(data: &mut &[u8]) -> Options {
    let f = byte(data);
    let format = [None, Some(Format::Csv), Some(Format::Jsonl), Some(Format::Json), Some(Format::Lines)][f as usize % 5];
    let delimiter = [None, Some(b','), Some(b';'), Some(b'\t'), Some(b'|')][(f / 5) as usize % 5];
    let head = String::from_utf8_lossy(data.split(|b| *b == b'\n').next().unwrap_or_default()).into_owned();
    let names: Vec<&str> = head.split([',', ';', '\t', '"', '{', '}', ':']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut options = Options { format, delimiter, time_required: f >= 128, ..Options::default() };
    for field in ingest::Field::ALL {
        let choice = byte(data);
        options = match choice % 4 {
            0 | 1 => options,
            2 => options.with(field, ""),
            _ => match names.get(choice as usize / 4 % names.len().max(1)) {
                Some(name) => options.with(field, name),
                None => options.with(field, "no such column"),
            },
        };
    }
    options
}

/// An export (CSV, JSON Lines, JSON, lines of text), read whole, previewed, and streamed through
/// a small buffer: never a panic, and the stream reads the same rows as the whole.
pub fn ingest(mut data: &[u8]) {
    let options = ingest_options(&mut data);
    let buffer = 1 + byte(&mut data) as usize % 64;
    let read = ingest::read_bytes(data, &options);
    for (i, r) in read.messages.iter().enumerate() {
        assert!(r.line >= 1, "row {i} has line 0");
        if let Some(t) = r.message.time {
            assert!(t.is_finite(), "a non-finite time {t}");
        }
    }
    serde_json::to_string(&read).expect("an ingested export serialises");
    if let Ok(text) = std::str::from_utf8(data) {
        let p = ingest::preview(text, &options);
        assert!(p.rows.len() <= ingest::PREVIEW_ROWS, "{} preview rows", p.rows.len());
        serde_json::to_string(&p).expect("a preview serialises");
    }
    // The command line streams: the same rows, whatever the buffer's size.
    let streamed: Vec<ingest::Row> = match ingest::Reader::new(BufReader::with_capacity(buffer, data), &options) {
        Err(_) => Vec::new(),
        Ok(reader) => reader.filter_map(|item| match item {
            Ok(ingest::Item::Row(r)) => Some(r),
            _ => None,
        })
        .collect(),
    };
    assert_eq!(streamed, read.messages, "streaming (buffer {buffer}) and reading whole differ");
}

// ───────────────────────────── templates ─────────────────────────────

/// A reply template's body parsed, then rendered with some of its variables given (from the bytes)
/// and the others left to placeholders: a missing value is never dropped silently.
pub fn templates(mut data: &[u8]) {
    let given = byte(&mut data);
    let lang = if given & 0x80 != 0 { Lang::En } else { Lang::Fr };
    let text = String::from_utf8_lossy(data);
    let (body, value) = text.split_once('\0').unwrap_or((&text, "Léa {author} }} [x]"));
    let template = match Template::parse("fuzz", body) {
        Err(e) => {
            assert!(!e.is_empty());
            return;
        }
        Ok(t) => t,
    };
    let vars: Vec<String> = template.variables().map(str::to_string).collect();
    assert!(!vars.iter().any(String::is_empty));
    let has = |v: &str| vars.iter().position(|x| x == v).is_some_and(|i| given >> (i % 7) & 1 != 0);
    let labels: Labels = vars.iter().map(|v| (v.clone(), BTreeMap::from([(Lang::Fr, format!("libellé de {v}")), (Lang::En, format!("{v} label"))]))).collect();
    let reply = template.render(lang, &labels, &|v| has(v).then_some(value));
    for m in &reply.missing {
        assert!(vars.contains(m), "missing {m:?} is not one of the template's variables");
        assert!(!has(m) || value.trim().is_empty(), "{m:?} had a value but is listed missing");
    }
    for v in &vars {
        if !has(v) || value.trim().is_empty() {
            assert!(reply.missing.contains(v), "{v:?} had no value and is not listed missing");
        }
    }
    let with_none = template.render(lang, &Labels::new(), &|_| None);
    if vars.is_empty() {
        let literal = body.replace("{{", "\u{0}").replace("}}", "}").replace('\u{0}', "{");
        assert_eq!(reply.text, literal, "a body without variables renders as itself");
    }
    assert_eq!(with_none.missing.len(), {
        let mut u = vars.clone();
        u.sort();
        u.dedup();
        u.len()
    });
    // The same body as every template of a plan, through the whole engine.
    let mut doc = light_plan().clone();
    if let Some(list) = doc["templates"].as_array_mut() {
        for t in list.iter_mut() {
            t["body"] = Value::String(body.to_string());
        }
    }
    match Plan::from_json(&doc.to_string()) {
        Err(e) => assert!(!e.0.is_empty()),
        Ok(plan) => {
            let engine = Engine::with_model(plan, None);
            let m = Message { id: Some("t".into()), text: "Arnaque ! Vous êtes des voleurs, @Zoé".into(), author: Some(value.to_string()), ..Default::default() };
            let opts = TriageOptions { reply: ReplyContext { agent: has("agent").then(|| value.to_string()), ..Default::default() }, crisis_mode: given & 1 != 0, ..Default::default() };
            for v in engine.triage_batch(std::slice::from_ref(&m), &opts) {
                check_verdict(&m, &v);
                assert!(!v.replies.is_empty());
            }
        }
    }
}

/// The default plan with a few terms a category (compiling its thousands of terms is most of
/// the time of a run), its templates and variables whole.
pub fn light_plan() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc: Value = serde_json::from_str(sentinelle::DEFAULT_PLAN_JSON).expect("the default plan is JSON");
        if let Some(cats) = doc["categories"].as_object_mut() {
            for c in cats.values_mut() {
                // `get_mut`, not `c["terms"]`: indexing a missing key would insert a null.
                if let Some(sets) = c.get_mut("terms").and_then(Value::as_array_mut) {
                    for set in sets.iter_mut() {
                        if let Some(terms) = set.get_mut("terms").and_then(Value::as_array_mut) {
                            terms.truncate(3);
                        }
                    }
                }
            }
        }
        doc
    })
}

// ───────────────────────────── packed ─────────────────────────────

/// JavaScript has one kind of number: values as the reader sees them.
pub fn as_js(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap_or(f64::NAN)).map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(as_js).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, as_js(v))).collect()),
        v => v,
    }
}

/// A reader of the packed stream independent of the writer, as `unpackVerdicts` reads it, that
/// refuses anything malformed with a sentence (it reads fuzzed streams too).
pub fn unpack(numbers: &[f64], text: &str) -> Result<Vec<Value>, String> {
    struct R<'a> {
        n: &'a [f64],
        u: Vec<u16>,
        i: usize,
        at: usize,
        keys: Vec<String>,
        depth: usize,
    }
    impl R<'_> {
        fn num(&mut self) -> Result<f64, String> {
            let x = *self.n.get(self.i).ok_or("the numbers end early")?;
            self.i += 1;
            Ok(x)
        }
        fn count(&mut self) -> Result<usize, String> {
            let x = self.num()?;
            if x.fract() != 0.0 || !(0.0..=self.n.len() as f64 + self.u.len() as f64).contains(&x) {
                return Err(format!("bad count {x}"));
            }
            Ok(x as usize)
        }
        fn take(&mut self, len: usize) -> Result<String, String> {
            let s = self.u.get(self.at..self.at + len).ok_or("the text ends early")?;
            self.at += len;
            String::from_utf16(s).map_err(|_| "a string cut inside a character".to_string())
        }
        fn value(&mut self) -> Result<Value, String> {
            self.depth += 1;
            if self.depth > 200 {
                return Err("nested too deep".into());
            }
            let v = match self.num()? {
                t if t == 0.0 => Value::Null,
                t if t == 1.0 => Value::Bool(false),
                t if t == 2.0 => Value::Bool(true),
                t if t == 3.0 => serde_json::Number::from_f64(self.num()?).map_or(Value::Null, Value::Number),
                t if t == 4.0 => {
                    let len = self.count()?;
                    Value::String(self.take(len)?)
                }
                t if t == 5.0 => {
                    let len = self.count()?;
                    Value::Array((0..len).map(|_| self.value()).collect::<Result<_, _>>()?)
                }
                t if t == 6.0 => {
                    let len = self.count()?;
                    let mut m = Map::new();
                    for _ in 0..len {
                        let k = self.num()?;
                        let key = if k >= 0.0 {
                            if k.fract() != 0.0 {
                                return Err(format!("bad key {k}"));
                            }
                            self.keys.get(k as usize).ok_or(format!("no key {k}"))?.clone()
                        } else {
                            let len = -k - 1.0;
                            if len.fract() != 0.0 || len > self.u.len() as f64 {
                                return Err(format!("bad key length {len}"));
                            }
                            let s = self.take(len as usize)?;
                            self.keys.push(s.clone());
                            s
                        };
                        let v = self.value()?;
                        m.insert(key, v);
                    }
                    Value::Object(m)
                }
                t => return Err(format!("unknown tag {t}")),
            };
            self.depth -= 1;
            Ok(v)
        }
    }
    if numbers.len() < 3 || numbers[0] != PACK_FORMAT {
        return Err("not this format".into());
    }
    let mut r = R { n: numbers, u: text.encode_utf16().collect(), i: 2, at: 0, keys: Vec::new(), depth: 0 };
    let count = r.count()?;
    let out = (0..count).map(|_| r.value()).collect::<Result<Vec<_>, _>>()?;
    if (r.i, r.at) != (numbers.len(), r.u.len()) {
        return Err("numbers or text left over".into());
    }
    Ok(out)
}

/// Packs `items`, reads the stream back and compares with their JSON.
fn round_trip<T: serde::Serialize>(items: &[T]) {
    let (numbers, text) = pack(items).expect("verdicts and JSON values always pack");
    assert_eq!(numbers[..3], [PACK_FORMAT, numbers[1], items.len() as f64]);
    let back = unpack(&numbers, &text).unwrap_or_else(|e| panic!("the stream does not read back: {e}"));
    let json: Vec<Value> = items.iter().map(|x| as_js(serde_json::to_value(x).expect("serialises"))).collect();
    assert_eq!(back, json, "the stream reads back as something else than the JSON");
}

/// The packed verdict stream: arbitrary JSON values (the bytes, when they are JSON) and real
/// verdicts of the bytes as text, packed and read back equal; and the bytes themselves as a
/// stream (numbers and text), which the reader must refuse or read without a panic.
pub fn packed(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<Value>(data) {
        round_trip(&[v]);
    }
    let (opts, batch) = options_and_batch(data);
    let verdicts = engine().triage_batch(&batch[..batch.len().min(4)], &opts);
    round_trip(&verdicts);
    // The bytes as a hostile stream: eight bytes a number, after a valid header.
    let mut numbers = vec![PACK_FORMAT, 40.0];
    numbers.extend(data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default())));
    if numbers.len() > 2 {
        let _ = unpack(&numbers, &String::from_utf8_lossy(data));
    }
}

// ───────────────────────────── incident_log ─────────────────────────────

/// A dropped incident log (the popup's export, or anything a user drops): read, added to a review,
/// the review's numbers and charts made; every failure a `sentinelle::Error` with a sentence.
pub fn incident_log(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let log = match IncidentLog::from_json(json) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
        Ok(log) => log,
    };
    static PLAN: OnceLock<Plan> = OnceLock::new();
    let mut collected = Collected::new(PLAN.get_or_init(Plan::default_plan));
    if let Err(e) = collected.add_log(&log) {
        assert!(!e.to_string().is_empty());
        return;
    }
    let review = collected.review();
    serde_json::to_string(&review).expect("a review serialises");
    let labels = svg::Labels { utc_offset_minutes: json.len() as i32 % 1500 - 750, day_first: Some(json.len() % 2 == 0), ..Default::default() };
    let charts = svg::charts(&review, &labels);
    for c in [&charts.timeline, &charts.category_severity, &charts.responses, &charts.languages] {
        assert!(c.starts_with("<svg") && c.trim_end().ends_with("</svg>"), "a chart is not one <svg>: {c:.200}");
    }
}
