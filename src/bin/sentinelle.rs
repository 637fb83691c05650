//! `sentinelle` — the command line over the same engine as the browser extension.
//!
//! ```text
//! sentinelle triage   [--plan FILE] [--format table|jsonl|csv] [--text-field NAME] [--id-field NAME]
//!                     [--time-field NAME] [--agent NAME] [--link URL] FILE|-
//! sentinelle timeline [--time-field NAME] [--window MINUTES] [--plan FILE] [--format table|jsonl|csv] FILE|-
//! sentinelle plan default
//! sentinelle plan check FILE
//! ```
//! Exit status: 0 all rows fine; 1 some rows had problems (reported on stderr with their line
//! number; every other row was still triaged); 2 the command could not run at all.

use sentinelle::{Category, Engine, Message, Plan, SpikeDetector, TriageOptions, Verdict, WindowReport};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  sentinelle triage   [--plan FILE] [--format table|jsonl|csv] [--text-field NAME] [--id-field NAME]
                      [--time-field NAME] [--agent NAME] [--link URL] [--input jsonl|csv] FILE|-
  sentinelle timeline [--time-field NAME] [--window MINUTES] [--plan FILE] [--format table|jsonl|csv]
                      [--text-field NAME] [--input jsonl|csv] FILE|-
  sentinelle plan default
  sentinelle plan check FILE
  sentinelle train [--data DIR] [--out data/model.bin] [--report data/model.json] [--folds 10] [--bits 18]
  sentinelle eval  [--data DIR] [--folds 10] [--card data/MODEL_CARD.md] [--only STEM,…]
  sentinelle eval  --model data/model.bin [--report data/model.json] TEST.jsonl…

Reads JSONL (one object per line with a \"text\" field, optional \"id\", \"author\", \"time\") or CSV
with a header row. Verdicts are a heuristic to help a person decide, not a judgement.";

/// Rows are triaged in batches of this size: one engine call each, as in the browser.
const BATCH: usize = 512;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("triage") => triage(&args[1..]),
        Some("timeline") => timeline(&args[1..]),
        Some("plan") => plan(&args[1..]),
        Some("train") => train_cmd(&args[1..]),
        Some("eval") => eval_cmd(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(true)
        }
        Some("--version" | "-V") => {
            println!("sentinelle {}", sentinelle::VERSION);
            Ok(true)
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("sentinelle: {e}");
            ExitCode::from(2)
        }
    }
}

/// Parsed flags: `--name value` pairs and positional arguments.
struct Flags {
    pairs: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Flags {
    fn parse(args: &[String], known: &[&str]) -> Result<Flags, String> {
        let mut pairs = Vec::new();
        let mut positional = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, value) = match name.split_once('=') {
                    Some((n, v)) => (n.to_string(), v.to_string()),
                    None => {
                        let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                        (name.to_string(), v.clone())
                    }
                };
                if !known.contains(&name.as_str()) {
                    return Err(format!("unknown option --{name} (known: {})", known.iter().map(|k| format!("--{k}")).collect::<Vec<_>>().join(", ")));
                }
                pairs.push((name, value));
            } else {
                positional.push(a.clone());
            }
        }
        Ok(Flags { pairs, positional })
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn one_input(&self) -> Result<&str, String> {
        match self.positional.as_slice() {
            [f] => Ok(f),
            [] => Err("give an input FILE, or - for standard input".into()),
            more => Err(format!("one input file at a time, got {}", more.len())),
        }
    }
}

fn load_plan(path: Option<&str>) -> Result<Plan, String> {
    match path {
        None => Ok(Plan::default_plan()),
        Some(p) => {
            let json = std::fs::read_to_string(p).map_err(|e| format!("cannot read plan {p}: {e}"))?;
            Plan::from_json(&json).map_err(|e| format!("plan {p} is not valid, nothing was triaged.\n{e}"))
        }
    }
}

fn plan(args: &[String]) -> Result<bool, String> {
    match args {
        [cmd] if cmd == "default" => {
            print!("{}", sentinelle::DEFAULT_PLAN_JSON);
            Ok(true)
        }
        [cmd, file] if cmd == "check" => {
            let json = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            match Plan::from_json(&json) {
                Ok(p) => {
                    println!(
                        "{file}: valid plan {:?} (version {}), {} templates, {} lexicon entries",
                        p.doc.name,
                        p.doc.version,
                        p.templates.len(),
                        p.doc.categories.values().flat_map(|c| &c.terms).map(|t| t.terms.len()).sum::<usize>()
                    );
                    Ok(true)
                }
                Err(e) => {
                    eprint!("{file}: {e}");
                    Ok(false)
                }
            }
        }
        _ => Err("usage: sentinelle plan default | sentinelle plan check FILE".into()),
    }
}

fn default_data_dir() -> String {
    // The shared data sits beside the checkout.
    for d in ["../shared/data", "../../shared/data"] {
        if std::path::Path::new(d).is_dir() {
            return d.to_string();
        }
    }
    "../shared/data".to_string()
}

fn train_options(f: &Flags) -> Result<sentinelle::train::TrainOptions, String> {
    let mut o = sentinelle::train::TrainOptions::default();
    if let Some(b) = f.get("bits") {
        o.bits = b.parse().ok().filter(|b| (12..=22).contains(b)).ok_or_else(|| format!("--bits {b}: a number from 12 to 22"))?;
    }
    if let Some(v) = f.get("l2") {
        o.l2 = v.parse().map_err(|_| format!("--l2 {v}: a number"))?;
    }
    if let Some(v) = f.get("lr") {
        o.learning_rate = v.parse().map_err(|_| format!("--lr {v}: a number"))?;
    }
    if let Some(e) = f.get("epochs") {
        o.epochs = e.parse().map_err(|_| format!("--epochs {e}: a whole number"))?;
    }
    Ok(o)
}

fn folds(f: &Flags) -> Result<usize, String> {
    let k = f.get("folds").unwrap_or("10");
    k.parse().ok().filter(|k| *k >= 2).ok_or_else(|| format!("--folds {k}: at least 2"))
}

/// Cross-validates every known data set (or `only`), printing progress on stderr.
fn cross_validate_all(c: &sentinelle::train::Corpora, k: usize, o: &sentinelle::train::TrainOptions, only: Option<&str>) -> Vec<sentinelle::train::CvResult> {
    let only: Option<Vec<&str>> = only.map(|o| o.split(',').collect());
    sentinelle::train::cross_validate_all(c, k, o, only.as_deref(), &mut |r, secs| {
        let metric = sentinelle::train::spec(r.stem).map_or("", |s| s.metric.name());
        let other = r.other_mean.map_or(String::new(), |m| format!(", {} {:.1}", if r.stacked { "plain" } else { "stacked" }, m * 100.0));
        eprintln!("  {:<30} {:>6} rows  {} {:5.1} ± {:.1}  {}{}  ({:.1} s)", r.stem, r.rows, metric, r.mean * 100.0, r.std * 100.0, if r.stacked { "stacked" } else { "plain" }, other, secs);
    })
}

fn results_table(results: &[sentinelle::train::CvResult], k: usize) -> String {
    let mut s = format!("| data set | rows | metric (its paper's) | Sentinelle model, stratified {k}-fold CV | heads (the other way) | published | best offline peer | plain baseline |\n|---|---|---|---|---|---|---|---|\n");
    for r in results {
        let Some(spec) = sentinelle::train::spec(r.stem) else { continue };
        let way = if r.stacked { "stacked" } else { "plain" };
        let other = r.other_mean.map_or(String::new(), |m| format!(" ({} {:.1})", if r.stacked { "plain" } else { "stacked" }, m * 100.0));
        s.push_str(&format!("| {} | {} | {} | **{:.1}** ± {:.1} | {way}{other} | {} | {} | {} |\n", r.stem, r.rows, spec.metric.name(), r.mean * 100.0, r.std * 100.0, spec.published, spec.peer, spec.baseline));
    }
    s
}

/// The lexicon priors tried on each shifted data set (see `sentinelle::train::Shift`).
fn shift_table(c: &sentinelle::train::Corpora, results: &[sentinelle::train::CvResult], k: usize, o: &sentinelle::train::TrainOptions) -> String {
    const PRIORS: &[f32] = &[0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0];
    let mut s = String::new();
    for r in results {
        let Some(d) = sentinelle::train::DATASETS.iter().position(|x| x.stem == r.stem) else { continue };
        let spec = &sentinelle::train::DATASETS[d];
        let (Some(shift), Some(probes)) = (spec.shift, sentinelle::train::shift_probe(c, d, r.stacked, k, o, PRIORS)) else { continue };
        let [(a, _), (b, _)] = shift.topics;
        let rows = probes.first().map_or([0, 0], |p| p.rows);
        s.push_str(&format!(
            "\nTopic shift, {}: trained on the rows about one target only, scored on the rows about the other ({a}: {} rows, {b}: {} rows), with the threshold {k}-fold CV chose; and the {k}-fold CV score. Each row adds the plan's `{}` lexicon score, times the prior, to the head's logit; the shipped prior is {}. In brackets, the share of the scored rows predicted positive ({:.0} % and {:.0} % are).\n\n| prior | {k}-fold CV | {a} → {b} | {b} → {a} | across, mean |\n|---|---|---|---|---|\n",
            r.stem,
            rows[0],
            rows[1],
            shift.category.as_str(),
            shift.prior,
            probes.first().map_or(0.0, |p| p.actual[0] * 100.0),
            probes.first().map_or(0.0, |p| p.actual[1] * 100.0)
        ));
        for p in probes {
            let mark = if p.prior == shift.prior { "**" } else { "" };
            s.push_str(&format!(
                "| {mark}{}{mark} | {:.1} | {:.1} ({:.0} %) | {:.1} ({:.0} %) | {:.1} |\n",
                p.prior,
                p.cv * 100.0,
                p.across[0] * 100.0,
                p.predicted[0] * 100.0,
                p.across[1] * 100.0,
                p.predicted[1] * 100.0,
                (p.across[0] + p.across[1]) * 50.0
            ));
        }
    }
    s
}

/// Where each data set's rows land through the whole engine (default plan and shipped model).
fn landings_table(dir: &std::path::Path) -> Result<String, String> {
    let engine = Engine::with_default_plan();
    let rows = sentinelle::train::landings(&engine, dir).map_err(|e| e.to_string())?;
    let mut s = String::from("\nThrough the whole engine (`sentinelle triage`: default plan, lexicons, rules and the shipped model; in-sample for the model, which was trained on these rows):\n\n| data set | label | should land in | rows | landed | other labels flagged there |\n|---|---|---|---|---|---|\n");
    for r in rows {
        let cats: Vec<&str> = r.expected.iter().map(|c| c.as_str()).collect();
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} % | {:.1} % of {} |\n",
            r.stem,
            r.label,
            cats.join(" / "),
            r.positives,
            100.0 * r.landed as f64 / r.positives.max(1) as f64,
            100.0 * r.false_alarms as f64 / r.negatives.max(1) as f64,
            r.negatives
        ));
    }
    Ok(s)
}

fn report_json(results: &[sentinelle::train::CvResult], k: usize, o: &sentinelle::train::TrainOptions) -> serde_json::Value {
    serde_json::json!({
        "folds": k,
        "bits": o.bits,
        "epochs": o.epochs,
        "datasets": results.iter().map(|r| serde_json::json!({
            "stem": r.stem, "rows": r.rows, "mean": (r.mean * 1000.0).round() / 1000.0, "std": (r.std * 1000.0).round() / 1000.0,
            "thresholds": r.thresholds, "stacked": r.stacked,
        })).collect::<Vec<_>>(),
    })
}

/// Every known data set in `data`, featurised, plain and stacked (progress on stderr).
fn load_corpora(data: &str, o: &sentinelle::train::TrainOptions) -> Result<sentinelle::train::Corpora, String> {
    let corpus = sentinelle::train::Corpus::load(std::path::Path::new(data), o.bits, &mut |m| eprintln!("{m}")).map_err(|e| e.to_string())?;
    Ok(sentinelle::train::Corpora::new(corpus, o))
}

fn train_cmd(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["data", "out", "report", "folds", "bits", "epochs", "l2", "lr"])?;
    let o = train_options(&f)?;
    let k = folds(&f)?;
    let data = f.get("data").map(String::from).unwrap_or_else(default_data_dir);
    let start = Instant::now();
    let corpus = load_corpora(&data, &o)?;
    eprintln!("cross-validating ({k} folds) to choose thresholds…");
    let results = cross_validate_all(&corpus, k, &o, None);
    eprintln!("training the shipped heads on all rows…");
    let model = sentinelle::train::train_model(&corpus, &o, &results);
    let out = f.get("out").unwrap_or("data/model.bin");
    std::fs::write(out, model.to_bytes()).map_err(|e| format!("cannot write {out}: {e}"))?;
    let report = f.get("report").unwrap_or("data/model.json");
    let json = serde_json::to_string_pretty(&report_json(&results, k, &o)).unwrap_or_default();
    std::fs::write(report, json + "\n").map_err(|e| format!("cannot write {report}: {e}"))?;
    eprintln!("wrote {out} ({} bytes) and {report} in {:.0} s", model.to_bytes().len(), start.elapsed().as_secs_f64());
    print!("{}", results_table(&results, k));
    Ok(true)
}

fn eval_cmd(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["data", "folds", "bits", "epochs", "card", "only", "model", "report", "l2", "lr"])?;
    if let Some(model_path) = f.get("model") {
        // Test mode: the shipped model on withheld files of a known shape.
        let bytes = std::fs::read(model_path).map_err(|e| format!("cannot read {model_path}: {e}"))?;
        let model = sentinelle::model::Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
        let mut thresholds = std::collections::BTreeMap::new();
        let mut cv = std::collections::BTreeMap::new();
        // The training report beside the model (`data/model.json` for `data/model.bin`) holds each
        // data set's cross-validated thresholds; without it, each head's own threshold decides.
        let beside = std::path::Path::new(model_path).with_extension("json").to_string_lossy().into_owned();
        let report = f.get("report").unwrap_or(&beside);
        let read = std::fs::read_to_string(report);
        if let Err(e) = &read {
            if f.get("report").is_some() {
                return Err(format!("cannot read {report}: {e}"));
            }
            eprintln!("sentinelle: no training report at {report} ({e}): each head's own threshold decides, not the data set's");
        }
        if let Ok(text) = read {
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{report}: {e}"))?;
            for d in v["datasets"].as_array().into_iter().flatten() {
                if let (Some(s), Some(t)) = (d["stem"].as_str(), d["thresholds"].as_array()) {
                    let t: Vec<f32> = t.iter().filter_map(|x| x.as_f64()).map(|x| x as f32).collect();
                    if t.len() == 2 {
                        thresholds.insert(s.to_string(), [t[0], t[1]]);
                    }
                    if let (Some(m), Some(sd)) = (d["mean"].as_f64(), d["std"].as_f64()) {
                        cv.insert(s.to_string(), format!("{:.1} ± {:.1}", m * 100.0, sd * 100.0));
                    }
                }
            }
        }
        if f.positional.is_empty() {
            return Err("eval --model needs one or more labelled JSONL files".into());
        }
        println!("| file | rows | metric (its paper's) | Sentinelle on this file | Sentinelle, 10-fold CV on the training rows | published | best offline peer | plain baseline |\n|---|---|---|---|---|---|---|---|");
        // A file that cannot be scored is reported and the others still are; the exit status says so.
        let mut all_scored = true;
        for p in &f.positional {
            let r = match sentinelle::train::evaluate_file(&model, std::path::Path::new(p), &thresholds) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("sentinelle: {e}");
                    all_scored = false;
                    continue;
                }
            };
            if r.skipped > 0 {
                eprintln!("sentinelle: {p}: {} rows without a text or a label (`{}`) left out", r.skipped, r.spec.field);
            }
            let (spec, cv) = (r.spec, cv.get(r.spec.stem).map_or("—", String::as_str));
            println!("| {p} | {} | {} | **{:.1}** | {cv} | {} | {} | {} |", r.rows, spec.metric.name(), r.score * 100.0, spec.published, spec.peer, spec.baseline);
        }
        return Ok(all_scored);
    }
    let o = train_options(&f)?;
    let k = folds(&f)?;
    let data = f.get("data").map(String::from).unwrap_or_else(default_data_dir);
    let start = Instant::now();
    let corpus = load_corpora(&data, &o)?;
    let results = cross_validate_all(&corpus, k, &o, f.get("only"));
    let mut table = results_table(&results, k);
    table.push_str(&shift_table(&corpus, &results, k, &o));
    if f.get("only").is_none() {
        table.push_str(&landings_table(std::path::Path::new(&data))?);
    }
    print!("{table}");
    eprintln!("{:.0} s", start.elapsed().as_secs_f64());
    if let Some(card) = f.get("card") {
        let text = std::fs::read_to_string(card).map_err(|e| format!("cannot read {card}: {e}"))?;
        let (a, b) = ("<!-- results:start -->", "<!-- results:end -->");
        let (Some(i), Some(j)) = (text.find(a), text.find(b)) else {
            return Err(format!("{card} has no {a} … {b} section to replace"));
        };
        let cmd = format!("sentinelle eval --folds {k} --card {card}");
        let new = format!("{}{a}\nGenerated by `{cmd}` (bits {}, epochs {}).\n\n{table}{}", &text[..i], o.bits, o.epochs, &text[j..]);
        std::fs::write(card, new).map_err(|e| format!("cannot write {card}: {e}"))?;
        eprintln!("updated the results table in {card}");
    }
    Ok(true)
}

/// One input row, or the reason it could not be read.
struct Row {
    line: usize,
    msg: Message,
    /// Extra columns a command asked for (the time field of `timeline`).
    time: Option<String>,
}

struct Problems {
    count: usize,
}

impl Problems {
    fn report(&mut self, line: usize, what: impl std::fmt::Display) {
        self.count += 1;
        if self.count <= 50 {
            eprintln!("line {line}: {what}");
        } else if self.count == 51 {
            eprintln!("(more problems: only the first 50 are shown)");
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum InputFormat {
    Jsonl,
    Csv,
}

struct RowReader {
    /// The text and id fields as the user named them (`--text-field`, `--id-field`); unnamed,
    /// the first of their [`CSV_ALIASES`] the CSV header or the JSON object has.
    text_field: Option<String>,
    id_field: Option<String>,
    /// The time field as named (`--time-field`); unnamed, the first of [`CSV_ALIASES`]' time names.
    time_field: Option<String>,
    /// A CSV without a time column is an error (the timeline), not rows without times.
    time_required: bool,
}

/// The names a CSV export gives each column, case aside: the triage page's list too
/// (`ALIASES` in www/parse.js; a test keeps the two the same).
const CSV_ALIASES: [(&str, &[&str]); 7] = [
    ("text", &["text", "message", "comment", "body", "content", "texte", "commentaire", "contenu", "full_text"]),
    ("id", &["id", "message_id", "comment_id", "tweet_id", "identifiant"]),
    ("author", &["author", "user", "username", "user_name", "name", "auteur", "from", "screen_name"]),
    ("platform", &["platform", "network", "source", "plateforme", "réseau"]),
    ("lang", &["lang", "language", "langue"]),
    ("reach", &["reach", "followers", "followers_count", "abonnés", "abonnes"]),
    ("time", &["time", "date", "created_at", "created", "timestamp", "datetime", "heure"]),
];

/// The names a field goes by (see [`CSV_ALIASES`]).
fn aliases(field: &str) -> &'static [&'static str] {
    CSV_ALIASES.iter().find(|a| a.0 == field).map_or(&[], |a| a.1)
}

/// A follower count as exports write it (`12 400`, `12,400`, `12400.0`), as the triage page
/// reads it; `None` for anything else.
fn reach_of(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    digits.parse::<f64>().ok().filter(|r| r.is_finite() && *r >= 0.0).map(|r| r.floor() as u64)
}

/// A field's value, unless it is blank.
fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The delimiter a CSV header line uses: the most frequent of `,`, `;` (French spreadsheet
/// exports) and tab outside quotes; `,` when it has none.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in header.iter().take_while(|&&b| b != b'\n') {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|c| c.0 == b) {
                c.1 += 1;
            }
        }
    }
    // The first of the most frequent: a tie keeps `,`.
    counts.iter().fold((b',', 0), |best, c| if c.1 > best.1 { *c } else { best }).0
}

impl RowReader {
    /// Reads every row, calling `sink` with batches; bad rows are reported, never fatal.
    fn read(&self, input: &str, forced: Option<InputFormat>, problems: &mut Problems, sink: &mut dyn FnMut(Vec<Row>) -> Result<(), String>) -> Result<(), String> {
        let mut reader: Box<dyn BufRead> = if input == "-" {
            Box::new(BufReader::new(io::stdin().lock()))
        } else {
            Box::new(BufReader::new(std::fs::File::open(input).map_err(|e| format!("cannot read {input}: {e}"))?))
        };
        // A byte-order mark (spreadsheet and Windows exports) is not part of the first row.
        if reader.fill_buf().map_err(|e| format!("cannot read {input}: {e}"))?.starts_with(b"\xef\xbb\xbf") {
            reader.consume(3);
        }
        let format = match forced {
            Some(f) => f,
            None if input.ends_with(".csv") || input.ends_with(".tsv") => InputFormat::Csv,
            None if input.ends_with(".jsonl") || input.ends_with(".ndjson") || input.ends_with(".json") => InputFormat::Jsonl,
            None => {
                let buf = reader.fill_buf().map_err(|e| format!("cannot read {input}: {e}"))?;
                match buf.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'{') | None => InputFormat::Jsonl,
                    _ => InputFormat::Csv,
                }
            }
        };
        match format {
            InputFormat::Jsonl => self.read_jsonl(reader, problems, sink),
            InputFormat::Csv => self.read_csv(reader, input.ends_with(".tsv"), problems, sink),
        }
    }

    fn read_jsonl(&self, mut reader: Box<dyn BufRead>, problems: &mut Problems, sink: &mut dyn FnMut(Vec<Row>) -> Result<(), String>) -> Result<(), String> {
        let mut batch = Vec::with_capacity(BATCH);
        let mut buf = Vec::new();
        let mut line = 0;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| format!("read error after line {line}: {e}"))?;
            if n == 0 {
                break;
            }
            line += 1;
            let text = match std::str::from_utf8(&buf) {
                Ok(t) => t.trim(),
                Err(e) => {
                    problems.report(line, format!("invalid UTF-8 at byte {} of the line; row skipped", e.valid_up_to()));
                    continue;
                }
            };
            if text.is_empty() {
                continue;
            }
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    problems.report(line, format!("not valid JSON ({e}); row skipped"));
                    continue;
                }
            };
            let Some(obj) = value.as_object() else {
                problems.report(line, "not a JSON object; row skipped");
                continue;
            };
            let field = |name: &str| -> Option<String> {
                match obj.get(name)? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                }
            };
            // The key named by the user, else the first of the column names a CSV export may
            // use (`text`, `message`, `texte`…, any case), as the triage page reads JSON.
            let key = |given: Option<&str>, of: &str| -> Option<String> {
                if let Some(g) = given {
                    return Some(g.to_string());
                }
                aliases(of).iter().find_map(|a| obj.keys().find(|k| k.trim().to_lowercase() == *a).cloned())
            };
            let Some(text_field) = key(self.text_field.as_deref(), "text") else {
                problems.report(line, "no text field (text, message, texte…); row skipped (use --text-field to name another)");
                continue;
            };
            let Some(t) = obj.get(&text_field) else {
                problems.report(line, format!("no {text_field:?} field; row skipped (use --text-field to name another)"));
                continue;
            };
            let Some(t) = t.as_str() else {
                problems.report(line, format!("field {text_field:?} is not a string; row skipped"));
                continue;
            };
            let msg = Message {
                id: key(self.id_field.as_deref(), "id").and_then(|k| field(&k)),
                text: t.to_string(),
                author: key(None, "author").and_then(|k| field(&k)),
                time: None,
                platform: non_blank(key(None, "platform").and_then(|k| field(&k))),
                reach: key(None, "reach").and_then(|k| field(&k)).and_then(|r| reach_of(&r)),
                lang: non_blank(key(None, "lang").and_then(|k| field(&k))),
            };
            let time = key(self.time_field.as_deref(), "time").and_then(|k| field(&k));
            batch.push(Row { line, msg, time });
            if batch.len() == BATCH {
                sink(std::mem::take(&mut batch))?;
            }
        }
        if !batch.is_empty() {
            sink(batch)?;
        }
        Ok(())
    }

    fn read_csv(&self, mut reader: Box<dyn BufRead>, tabs: bool, problems: &mut Problems, sink: &mut dyn FnMut(Vec<Row>) -> Result<(), String>) -> Result<(), String> {
        let delimiter = if tabs { b'\t' } else { sniff_delimiter(reader.fill_buf().map_err(|e| format!("cannot read the CSV header: {e}"))?) };
        let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(reader);
        let headers = csv.byte_headers().map_err(|e| format!("cannot read the CSV header: {e}"))?.clone();
        let shown: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
        let names: Vec<String> = shown.iter().map(|h| h.trim().to_lowercase()).collect();
        // A column by the name given, else by the first alias the header has; case aside.
        let col = |given: Option<&str>, field: &str| -> Option<usize> {
            match given {
                Some(g) => names.iter().position(|n| *n == g.trim().to_lowercase()),
                None => aliases(field).iter().find_map(|a| names.iter().position(|n| n == a)),
            }
        };
        let text_col = col(self.text_field.as_deref(), "text").ok_or_else(|| match &self.text_field {
            Some(g) => format!("the CSV header has no {g:?} column (columns: {})", shown.join(", ")),
            None => format!("the CSV header has no text column (looked for {}; columns: {}); use --text-field", aliases("text").join(", "), shown.join(", ")),
        })?;
        let id_col = col(self.id_field.as_deref(), "id");
        let [author_col, platform_col, lang_col, reach_col] = ["author", "platform", "lang", "reach"].map(|f| col(None, f));
        let time_col = col(self.time_field.as_deref(), "time");
        if time_col.is_none() && (self.time_field.is_some() || self.time_required) {
            return Err(match &self.time_field {
                Some(f) => format!("the CSV header has no {f:?} column (columns: {})", shown.join(", ")),
                None => format!("the CSV header has no time column (looked for {}; columns: {}); use --time-field", aliases("time").join(", "), shown.join(", ")),
            });
        }
        let mut batch = Vec::with_capacity(BATCH);
        let mut record = csv::ByteRecord::new();
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    problems.report(line, format!("unreadable CSV row ({e}); row skipped"));
                    continue;
                }
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            let get = |i: Option<usize>| -> Result<Option<String>, String> {
                match i.and_then(|i| record.get(i)) {
                    None => Ok(None),
                    Some(b) => std::str::from_utf8(b).map(|s| Some(s.to_string())).map_err(|e| format!("invalid UTF-8 at byte {} of a field", e.valid_up_to())),
                }
            };
            let (text, id, author, time) = match (get(Some(text_col)), get(id_col), get(author_col), get(time_col)) {
                (Ok(Some(t)), Ok(i), Ok(a), Ok(tm)) => (t, i, a, tm),
                (Ok(None), ..) => {
                    problems.report(line, format!("the row has no {:?} column; row skipped", shown[text_col]));
                    continue;
                }
                (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
                    problems.report(line, format!("{e}; row skipped"));
                    continue;
                }
            };
            // Optional columns: a field that cannot be read is left out, not the row.
            let optional = |c: Option<usize>| non_blank(get(c).ok().flatten());
            let (platform, lang) = (optional(platform_col), optional(lang_col));
            let reach = optional(reach_col).and_then(|r| reach_of(&r));
            batch.push(Row { line, msg: Message { id, text, author, platform, reach, lang, ..Default::default() }, time });
            if batch.len() == BATCH {
                sink(std::mem::take(&mut batch))?;
            }
        }
        if !batch.is_empty() {
            sink(batch)?;
        }
        Ok(())
    }
}

/// A progress line on stderr, only when stderr is a terminal.
struct Progress {
    on: bool,
    start: Instant,
    last: Instant,
    rows: usize,
}

impl Progress {
    fn new() -> Progress {
        let now = Instant::now();
        Progress { on: io::stderr().is_terminal(), start: now, last: now, rows: 0 }
    }
    fn add(&mut self, n: usize) {
        self.rows += n;
        if self.on && self.last.elapsed().as_millis() >= 200 {
            self.last = Instant::now();
            let rate = self.rows as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{:>10} rows  {:>9.0} rows/s", self.rows, rate);
        }
    }
    fn done(&self) {
        if self.on && self.rows > 0 {
            let s = self.start.elapsed().as_secs_f64();
            eprintln!("\r{:>10} rows  {:>9.0} rows/s  in {:.2} s", self.rows, self.rows as f64 / s.max(1e-9), s);
        }
    }
}

fn input_format(f: &Flags) -> Result<Option<InputFormat>, String> {
    match f.get("input") {
        None => Ok(None),
        Some("jsonl") => Ok(Some(InputFormat::Jsonl)),
        Some("csv") => Ok(Some(InputFormat::Csv)),
        Some(o) => Err(format!("--input {o}: use jsonl or csv")),
    }
}

fn triage(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["plan", "format", "text-field", "id-field", "time-field", "agent", "link", "input"])?;
    let input = f.one_input()?;
    let format = f.get("format").unwrap_or("table");
    if !["table", "jsonl", "csv"].contains(&format) {
        return Err(format!("--format {format}: use table, jsonl or csv"));
    }
    let engine = Engine::new(load_plan(f.get("plan"))?);
    let mut opts = TriageOptions::default();
    opts.reply.agent = f.get("agent").map(String::from);
    opts.reply.link = f.get("link").map(String::from);
    let reader = RowReader {
        text_field: f.get("text-field").map(String::from),
        id_field: f.get("id-field").map(String::from),
        time_field: f.get("time-field").map(String::from),
        time_required: false,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut problems = Problems { count: 0 };
    let mut warned = Vec::new();
    let mut progress = Progress::new();
    let mut wrote_header = false;
    let mut sink = |rows: Vec<Row>| -> Result<(), String> {
        let batch: Vec<Message> = rows
            .iter()
            .map(|r| {
                let mut m = r.msg.clone();
                // Without an id, a row is named by its line number, so output lines up with input.
                m.id.get_or_insert_with(|| r.line.to_string());
                // The time it was posted gives the reply's deadline (`reply_by`).
                m.time = r.time.as_deref().filter(|t| !t.trim().is_empty()).and_then(|t| {
                    let ms = parse_time(t);
                    if ms.is_none() {
                        warned.push((r.line, format!("cannot read the time {t:?} (use {TIME_FORMATS}); no deadline given")));
                    }
                    ms
                });
                m
            })
            .collect();
        let verdicts = engine.triage_batch(&batch, &opts);
        for (r, v) in rows.iter().zip(&verdicts) {
            for w in &v.warnings {
                warned.push((r.line, w.clone()));
            }
            write_verdict(&mut out, format, &r.msg, v, &mut wrote_header).map_err(|e| format!("cannot write output: {e}"))?;
        }
        progress.add(rows.len());
        Ok(())
    };
    reader.read(input, input_format(&f)?, &mut problems, &mut sink)?;
    out.flush().map_err(|e| format!("cannot write output: {e}"))?;
    progress.done();
    for (line, w) in warned {
        problems.report(line, w);
    }
    if problems.count > 0 {
        eprintln!("{} row problem{} (see above); the other rows were triaged", problems.count, if problems.count == 1 { "" } else { "s" });
    }
    Ok(problems.count == 0)
}

fn write_verdict(out: &mut dyn Write, format: &str, msg: &Message, v: &Verdict, wrote_header: &mut bool) -> io::Result<()> {
    match format {
        "jsonl" => {
            // Exactly the fields the CLI documents, in the engine's words.
            let categories: Vec<serde_json::Value> = v
                .categories
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "category": c.category,
                        "score": sentinelle::triage::score_value(c.score),
                        "evidence": c.evidence.iter().map(|e| serde_json::json!({"start": e.start, "end": e.end, "text": e.text})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut row = serde_json::json!({
                "id": v.id,
                "lang": v.lang,
                "primary": v.primary,
                "categories": categories,
                "scores": v.scores.iter().map(|(c, x)| (*c, sentinelle::triage::score_value(*x))).collect::<std::collections::BTreeMap<_, _>>(),
                "severity": v.severity,
                "response": v.response,
                "reply_within_minutes": v.reply_within_minutes,
                "replies": v.replies.iter().map(|r| serde_json::json!({"template": r.template, "text": r.text})).collect::<Vec<_>>(),
            });
            if let Some(t) = v.reply_by {
                // Only when the export gave the message's time.
                row["reply_by"] = iso(t).into();
            }
            serde_json::to_writer(&mut *out, &row)?;
            out.write_all(b"\n")
        }
        "csv" => {
            // One small writer per row: csv quotes fields properly, and the row goes out at once.
            let mut csv_out = csv::Writer::from_writer(Vec::new());
            if !*wrote_header {
                *wrote_header = true;
                csv_out.write_record(["id", "lang", "primary", "categories", "severity", "response", "reply_within_minutes", "evidence", "reply"])?;
            }
            let cats: Vec<String> = v.categories.iter().map(|c| format!("{}:{:.2}", c.category, c.score)).collect();
            let ev: Vec<&str> = v.categories.iter().flat_map(|c| c.evidence.iter().map(|e| e.text.as_str())).collect();
            csv_out.write_record([
                v.id.as_str(),
                v.lang.as_str(),
                v.primary.as_str(),
                &cats.join(" "),
                v.severity.as_str(),
                v.response.as_str(),
                &v.reply_within_minutes.to_string(),
                &ev.join(" | "),
                v.replies.first().map_or("", |r| r.text.as_str()),
            ])?;
            let bytes = csv_out.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
            out.write_all(&bytes)
        }
        _ => {
            if !*wrote_header {
                *wrote_header = true;
                writeln!(out, "{:<12} {:<4} {:<22} {:<8} {:<13} {:>6}  text", "id", "lang", "primary", "severity", "response", "within")?;
            }
            let snippet: String = msg.text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(60).collect();
            let id: String = v.id.chars().take(12).collect();
            writeln!(out, "{:<12} {:<4} {:<22} {:<8} {:<13} {:>5}m  {}", id, v.lang, v.primary, v.severity, v.response, v.reply_within_minutes, snippet)
        }
    }
}

fn timeline(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["time-field", "window", "plan", "format", "text-field", "id-field", "input"])?;
    let input = f.one_input()?;
    let time_field = f.get("time-field");
    let format = f.get("format").unwrap_or("table");
    if !["table", "jsonl", "csv"].contains(&format) {
        return Err(format!("--format {format}: use table, jsonl or csv"));
    }
    let mut plan = load_plan(f.get("plan"))?;
    if let Some(w) = f.get("window") {
        let m: u32 = w.parse().ok().filter(|m| *m > 0).ok_or_else(|| format!("--window {w}: a whole number of minutes, at least 1"))?;
        plan.spike.window_ms = m as i64 * 60_000;
    }
    let mut detector = SpikeDetector::new(plan.spike);
    let engine = Engine::new(plan);
    let reader = RowReader {
        text_field: f.get("text-field").map(String::from),
        id_field: f.get("id-field").map(String::from),
        time_field: time_field.map(String::from),
        time_required: true,
    };
    let mut problems = Problems { count: 0 };
    let mut reports: Vec<WindowReport> = Vec::new();
    let opts = TriageOptions::default();
    let mut bad_times = Vec::new();
    let mut sink = |rows: Vec<Row>| -> Result<(), String> {
        let batch: Vec<Message> = rows.iter().map(|r| r.msg.clone()).collect();
        let verdicts = engine.triage_batch(&batch, &opts);
        for (r, v) in rows.iter().zip(&verdicts) {
            let Some(t) = r.time.as_deref().and_then(parse_time) else {
                bad_times.push((r.line, r.time.clone()));
                continue;
            };
            let cats: Vec<Category> = v.categories.iter().map(|c| c.category).collect();
            detector.observe(t, &cats);
        }
        reports.extend(detector.take_closed());
        Ok(())
    };
    reader.read(input, input_format(&f)?, &mut problems, &mut sink)?;
    for (line, t) in bad_times {
        match t {
            None => problems.report(line, format!("no {:?} value; row left out of the timeline", time_field.unwrap_or("time"))),
            Some(t) => problems.report(line, format!("cannot read the time {t:?} (use {TIME_FORMATS}); row left out")),
        }
    }
    reports.extend(detector.finish());
    let stats = detector.stats();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let w = |e: io::Error| format!("cannot write output: {e}");
    if format == "table" {
        writeln!(out, "{:<20} {:<22} {:>6} {:>9} {:>7}  state", "window start (UTC)", "category", "count", "baseline", "ratio").map_err(w)?;
    } else if format == "csv" {
        writeln!(out, "start,end,category,count,baseline,ratio,state").map_err(w)?;
    }
    for r in &reports {
        let cat = r.category.map_or("all", |c| c.as_str());
        let state = match r.state {
            sentinelle::SpikeState::Normal => "normal",
            sentinelle::SpikeState::Elevated => "elevated",
            sentinelle::SpikeState::Spike => "spike",
        };
        match format {
            "jsonl" => {
                serde_json::to_writer(&mut out, &serde_json::json!({"start": iso(r.start), "end": iso(r.end), "category": cat, "count": r.count, "baseline": r.baseline, "ratio": r.ratio, "state": state})).map_err(|e| format!("cannot write output: {e}"))?;
                writeln!(out).map_err(w)?;
            }
            "csv" => writeln!(out, "{},{},{},{},{},{},{}", iso(r.start), iso(r.end), cat, r.count, r.baseline, r.ratio, state).map_err(w)?,
            _ => writeln!(out, "{:<20} {:<22} {:>6} {:>9.2} {:>7.2}  {}", iso(r.start), cat, r.count, r.baseline, r.ratio, state).map_err(w)?,
        }
    }
    out.flush().map_err(w)?;
    eprintln!(
        "{} messages observed; {} late (left out); {} forward and {} backward clock jumps",
        stats.observed, stats.late, stats.forward_jumps, stats.backward_jumps
    );
    if problems.count > 0 {
        eprintln!("{} row problem{} (see above)", problems.count, if problems.count == 1 { "" } else { "s" });
    }
    Ok(problems.count == 0)
}

/// What [`parse_time`] reads, for the messages about a time it cannot.
const TIME_FORMATS: &str = "ISO 8601, RFC 2822, Twitter's format or Unix seconds";

/// Milliseconds since the epoch from the time formats exports use: Unix seconds or
/// milliseconds, ISO 8601 / RFC 3339 (`2017-10-31T21:45:10Z`, `2017-10-31 21:45:10+01:00`),
/// Twitter's `Tue Oct 31 21:45:10 +0000 2017` and RFC 2822 `Tue, 31 Oct 2017 21:45:10 +0000`.
fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        // Seconds until the year 5138; larger numbers are milliseconds.
        return Some(if n.abs() < 1e11 { n * 1000.0 } else { n });
    }
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let month = |m: &str| months.iter().position(|x| m.len() >= 3 && x.eq_ignore_ascii_case(&m[..3])).map(|i| i as u32 + 1);
    let parts: Vec<&str> = s.split([' ', ',']).filter(|p| !p.is_empty()).collect();
    // Twitter: Tue Oct 31 21:45:10 +0000 2017
    if parts.len() == 6 && month(parts[1]).is_some() && parts[3].contains(':') {
        let (h, mi, se) = hms(parts[3])?;
        return epoch_ms(parts[5].parse().ok()?, month(parts[1])?, parts[2].parse().ok()?, h, mi, se, offset(parts[4])?);
    }
    // RFC 2822: Tue, 31 Oct 2017 21:45:10 +0000 (the weekday is optional)
    let p: &[&str] = if parts.len() == 6 { &parts[1..] } else { &parts };
    if p.len() == 5 && month(p[1]).is_some() {
        let (h, mi, se) = hms(p[3])?;
        let off = if p[4].eq_ignore_ascii_case("gmt") || p[4].eq_ignore_ascii_case("utc") { 0 } else { offset(p[4])? };
        return epoch_ms(p[2].parse().ok()?, month(p[1])?, p[0].parse().ok()?, h, mi, se, off);
    }
    // ISO 8601
    let (date, rest) = s.split_at(s.find(['T', ' ']).unwrap_or(s.len()));
    let mut d = date.split('-');
    let (y, m, dd) = (d.next()?.parse().ok()?, d.next()?.parse().ok()?, d.next()?.parse().ok()?);
    let rest = rest.trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        return epoch_ms(y, m, dd, 0, 0, 0.0, 0);
    }
    let split = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(split);
    let (h, mi, se) = hms(clock.trim())?;
    let off = match zone.trim() {
        "" | "Z" | "z" => 0,
        z => offset(z)?,
    };
    epoch_ms(y, m, dd, h, mi, se, off)
}

fn hms(s: &str) -> Option<(u32, u32, f64)> {
    let mut it = s.split(':');
    let h = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let sec = it.next().map_or(Some(0.0), |x| x.parse().ok())?;
    (h < 24 && m < 60 && sec < 61.0).then_some((h, m, sec))
}

/// `+0100`, `-05:30` → offset in minutes.
fn offset(s: &str) -> Option<i64> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
}

/// Days from the civil date (Howard Hinnant's algorithm), then to ms, minus the zone offset.
fn epoch_ms(y: i64, m: u32, d: u32, h: u32, mi: u32, s: f64, offset_min: i64) -> Option<f64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(((days * 86400 + h as i64 * 3600 + mi as i64 * 60 - offset_min * 60) as f64 + s) * 1000.0)
}

fn iso(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Inverse of epoch_ms's day count.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_export_format() {
        let want = 1509486310000.0; // 2017-10-31T21:45:10Z
        for s in ["2017-10-31T21:45:10Z", "2017-10-31 21:45:10", "2017-10-31T22:45:10+01:00", "Tue Oct 31 21:45:10 +0000 2017", "Tue, 31 Oct 2017 21:45:10 +0000", "31 Oct 2017 21:45:10 GMT", "1509486310", "1509486310000"] {
            assert_eq!(parse_time(s), Some(want), "{s}");
        }
        assert_eq!(iso(want), "2017-10-31T21:45:10Z");
        for bad in ["", "yesterday", "2017-13-05T10:00:00Z", "2017-10-31T25:00:00Z", "Tue Oct 31 21:45:10 +00 2017"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn csv_columns_go_by_the_names_the_triage_page_knows() {
        // www/parse.js lists them as `  text: ['text', 'message', …],`: the same names, in order.
        let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/parse.js")).unwrap();
        for (field, names) in CSV_ALIASES {
            let line = js.lines().find(|l| l.trim_start().starts_with(&format!("{field}: ["))).unwrap_or_else(|| panic!("no {field} in www/parse.js"));
            let listed: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
            assert_eq!(listed, names, "{field}");
        }
    }

    #[test]
    fn follower_counts_as_exports_write_them() {
        for (s, want) in [("12400", Some(12400)), ("12 400", Some(12400)), ("12\u{202f}400", Some(12400)), ("12,400", Some(12400)), ("12400.7", Some(12400)), ("-3", None), ("beaucoup", None), ("", None)] {
            assert_eq!(reach_of(s), want, "{s:?}");
        }
    }

    #[test]
    fn the_delimiter_is_the_header_s_most_frequent_outside_quotes() {
        assert_eq!(sniff_delimiter(b"id,text,author\n1;2;3;4;5\n"), b',');
        assert_eq!(sniff_delimiter(b"Identifiant;Texte;Auteur\n"), b';');
        assert_eq!(sniff_delimiter(b"id\ttext\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a,b,c\";text\n"), b';');
        assert_eq!(sniff_delimiter(b"text\n"), b',');
    }
}
