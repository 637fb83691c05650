//! `train` and `eval`: the model trained and scored on the labelled data sets, and the tables
//! of the model card.

use crate::args::Flags;
use sentinelle::train::{Corpora, CvResult, TrainOptions};
use sentinelle::Engine;
use std::time::Instant;

fn default_data_dir() -> String {
    // The shared data sits beside the checkout.
    for d in ["../shared/data", "../../shared/data"] {
        if std::path::Path::new(d).is_dir() {
            return d.to_string();
        }
    }
    "../shared/data".to_string()
}

fn train_options(f: &Flags) -> Result<TrainOptions, String> {
    let mut o = TrainOptions::default();
    if let Some(b) = f.get("bits") {
        o.bits = b.parse().ok().filter(|b| (12..=22).contains(b)).ok_or_else(|| format!("--bits {b}: a number from 12 to 22"))?;
    }
    if let Some(v) = f.get("l2") {
        o.l2 = v.parse().map_err(|_| format!("--l2 {v}: a number"))?;
    }
    if let Some(v) = f.get("lr") {
        o.learning_rate = v.parse().map_err(|_| format!("--lr {v}: a number"))?;
    }
    if let Some(v) = f.get("prune") {
        o.prune = v.parse::<f32>().ok().filter(|x| (0.0..127.0).contains(x)).ok_or_else(|| format!("--prune {v}: a number from 0 to 127 (127ths of a head's largest weight)"))? / 127.0;
    }
    if let Some(v) = f.get("levels") {
        o.levels = v.parse().ok().filter(|x| (1..=127).contains(x)).ok_or_else(|| format!("--levels {v}: a whole number from 1 to 127"))?;
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
fn cross_validate_all(c: &Corpora, k: usize, o: &TrainOptions, only: Option<&str>) -> Vec<CvResult> {
    let only: Option<Vec<&str>> = only.map(|o| o.split(',').collect());
    sentinelle::train::cross_validate_all(c, k, o, only.as_deref(), &mut |r, secs| {
        let metric = sentinelle::train::spec(r.stem).map_or("", |s| s.metric.name());
        let other = r.other_mean.map_or(String::new(), |m| format!(", {} {:.1}", if r.stacked { "plain" } else { "stacked" }, m * 100.0));
        eprintln!("  {:<30} {:>6} rows  {} {:5.1} ± {:.1}  {}{}  ({:.1} s)", r.stem, r.rows, metric, r.mean * 100.0, r.std * 100.0, if r.stacked { "stacked" } else { "plain" }, other, secs);
    })
}

fn results_table(results: &[CvResult], k: usize) -> String {
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
fn shift_table(c: &Corpora, results: &[CvResult], k: usize, o: &TrainOptions) -> String {
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

fn report_json(results: &[CvResult], k: usize, o: &TrainOptions) -> serde_json::Value {
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
fn load_corpora(data: &str, o: &TrainOptions) -> Result<Corpora, String> {
    let corpus = sentinelle::train::Corpus::load(std::path::Path::new(data), o.bits, &mut |m| eprintln!("{m}")).map_err(|e| e.to_string())?;
    Ok(Corpora::new(corpus, o))
}

pub fn train_cmd(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["data", "out", "report", "folds", "bits", "epochs", "l2", "lr", "prune", "levels", "decision", "class-power", "l2-words", "word-bits"])?;
    if let Some(first) = f.get("decision") {
        let files: Vec<&str> = std::iter::once(first).chain(f.positional.iter().map(String::as_str)).collect();
        return train_decision_cmd(&files, &f);
    }
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

pub fn eval_cmd(args: &[String]) -> Result<bool, String> {
    let f = Flags::parse(args, &["data", "folds", "bits", "epochs", "card", "only", "model", "report", "l2", "lr", "prune", "levels", "verdicts", "plan", "decision"])?;
    if let Some(first) = f.get("verdicts") {
        let files: Vec<&str> = std::iter::once(first).chain(f.positional.iter().map(String::as_str)).collect();
        return verdicts_cmd(&files, f.get("plan"), f.get("decision"), f.get("card"));
    }
    if let Some(model_path) = f.get("model") {
        // Test mode: the shipped model on withheld files of a known shape.
        let bytes = std::fs::read(model_path).map_err(|e| format!("cannot read {model_path}: {e}"))?;
        let model = sentinelle::internals::Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
        // The training report beside the model (`data/model.json` for `data/model.bin`) holds each
        // data set's cross-validated thresholds; without it, each head's own threshold decides.
        let beside = std::path::Path::new(model_path).with_extension("json").to_string_lossy().into_owned();
        let (thresholds, cv) = read_report(f.get("report").unwrap_or(&beside), f.get("report").is_some())?;
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

/// Each data set's cross-validated thresholds and score, from a training report (`data/model.json`).
/// A missing report is an error only where it was asked for by name; otherwise each head's own
/// threshold decides, and the caller is told so.
fn read_report(report: &str, named: bool) -> Result<(std::collections::BTreeMap<String, [f32; 2]>, std::collections::BTreeMap<String, String>), String> {
    let mut thresholds = std::collections::BTreeMap::new();
    let mut cv = std::collections::BTreeMap::new();
    let read = std::fs::read_to_string(report);
    if let Err(e) = &read {
        if named {
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
    Ok((thresholds, cv))
}

/// `eval --verdicts FILE…`: the whole verdict — primary, severity, response — on labelled files,
/// as the agent gets it (the default plan, or `--plan`; the language guessed, not given).
fn verdicts_cmd(files: &[&str], plan: Option<&str>, decision: Option<&str>, card: Option<&str>) -> Result<bool, String> {
    use sentinelle::train::{score_file, FileVerdicts};
    let mut engine = Engine::new(crate::load_plan(plan)?);
    // `--decision none`: the plan's hand-wired order, as before the learned decision; `--decision
    // FILE`: another trained decision (FILE and its `-words.bin` beside it).
    match decision {
        None => {}
        Some("none") => engine = engine.with_decision(None).map_err(|e| e.to_string())?,
        Some(path) => {
            let json = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let file: sentinelle::internals::DecisionFile = serde_json::from_str(&json).map_err(|e| format!("{path}: {e}"))?;
            let words_path = decision_words_path(path);
            let words = std::fs::read(&words_path).map_err(|e| format!("cannot read {}: {e}", words_path.display()))?;
            engine = engine.with_decision(Some((&file, &words))).map_err(|e| e.to_string())?;
        }
    }
    // Beside each figure: the verdict before the learned decision (the plan's hand-wired order),
    // and on the public sets the set's own head alone, on the same rows and cross-validated.
    let before = match decision {
        Some("none") => None,
        _ => Some(Engine::new(crate::load_plan(plan)?).with_decision(None).map_err(|e| e.to_string())?),
    };
    let (thresholds, cv) = read_report(&format!("{}/data/model.json", env!("CARGO_MANIFEST_DIR")), false)?;
    let pct = |x: f64| format!("{:.1}", x * 100.0);
    let mut taxonomy = String::from("| file | rows | primary accuracy | primary macro-F1 | before the learned decision: accuracy, macro-F1 | severity accuracy | response accuracy | without `ambiguous` rows: rows, accuracy, macro-F1 | per language: macro-F1 (rows) |\n|---|---|---|---|---|---|---|---|---|\n");
    let mut categories = String::new();
    let mut public = String::from("| file | rows | metric (its paper's) | the verdict | before the learned decision | the set's head alone, these rows | the head, 10-fold CV | mapping (positive when the verdict carries) |\n|---|---|---|---|---|---|---|---|\n");
    let (mut any_taxonomy, mut any_public, mut all_scored) = (false, false, true);
    for p in files {
        match score_file(&engine, std::path::Path::new(p)) {
            Err(e) => {
                eprintln!("sentinelle: {e}");
                all_scored = false;
            }
            Ok(FileVerdicts::Taxonomy(t)) => {
                any_taxonomy = true;
                let langs = t.per_lang.iter().map(|(l, s)| format!("{l} {} ({})", pct(s.primary_macro_f1), s.rows)).collect::<Vec<_>>().join(", ");
                let was = match before.as_ref().map(|b| score_file(b, std::path::Path::new(p))) {
                    Some(Ok(FileVerdicts::Taxonomy(b))) => format!("{}, {}", pct(b.all.primary_accuracy), pct(b.all.primary_macro_f1)),
                    _ => "—".to_string(),
                };
                taxonomy.push_str(&format!(
                    "| {p} | {} | **{}** | **{}** | {was} | {} | {} | {}, {}, {} | {langs} |\n",
                    t.all.rows,
                    pct(t.all.primary_accuracy),
                    pct(t.all.primary_macro_f1),
                    pct(t.all.severity_accuracy),
                    pct(t.all.response_accuracy),
                    t.clear.rows,
                    pct(t.clear.primary_accuracy),
                    pct(t.clear.primary_macro_f1)
                ));
                categories.push_str(&format!("\n{p}, the primary per category:\n\n| category | rows | predicted | precision | recall | F1 |\n|---|---|---|---|---|---|\n"));
                for c in t.per_category.iter().filter(|c| c.support + c.predicted > 0) {
                    categories.push_str(&format!("| {} | {} | {} | {} | {} | {} |\n", c.category, c.support, c.predicted, pct(c.precision), pct(c.recall), pct(c.f1)));
                }
            }
            Ok(FileVerdicts::Public(s)) => {
                any_public = true;
                let was = match before.as_ref().map(|b| score_file(b, std::path::Path::new(p))) {
                    Some(Ok(FileVerdicts::Public(b))) => pct(b.score),
                    _ => "—".to_string(),
                };
                let head = match engine.model().map(|m| sentinelle::train::evaluate_file(m, std::path::Path::new(p), &thresholds)) {
                    Some(Ok(h)) => pct(h.score),
                    _ => "—".to_string(),
                };
                let head_cv = cv.get(s.spec.stem).map_or("—", String::as_str);
                public.push_str(&format!("| {p} | {} | {} | **{}** | {was} | {head} | {head_cv} | {} |\n", s.rows, s.spec.metric.name(), pct(s.score), s.mapping));
            }
        }
    }
    let mut out = String::new();
    if any_taxonomy {
        out.push_str(&taxonomy);
        out.push_str(&categories);
    }
    if any_public {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&public);
    }
    print!("{out}");
    if let Some(card) = card {
        let text = std::fs::read_to_string(card).map_err(|e| format!("cannot read {card}: {e}"))?;
        let (a, b) = ("<!-- verdicts:start -->", "<!-- verdicts:end -->");
        let (Some(i), Some(j)) = (text.find(a), text.find(b)) else {
            return Err(format!("{card} has no {a} … {b} section to replace"));
        };
        let cmd = format!("sentinelle eval --verdicts {} --card {card}", files.join(" "));
        let new = format!("{}{a}\nGenerated by `{cmd}`.\n\n{out}{}", &text[..i], &text[j..]);
        std::fs::write(card, new).map_err(|e| format!("cannot write {card}: {e}"))?;
        eprintln!("updated the verdict tables in {card}");
    }
    Ok(all_scored)
}

/// `train --decision FILE…`: the learned decision on taxonomy-labelled files (their untouched rows
/// left out), cross-validated first, then fitted on every row and written to `--out`
/// (`data/decision.json`).
fn train_decision_cmd(files: &[&str], f: &Flags) -> Result<bool, String> {
    use sentinelle::train::{accuracy_and_macro_f1, cross_validate_decision, decision_file, decision_rows, fit_decision, DecisionOptions};
    let mut o = DecisionOptions::default();
    let num = |name: &str, v: &str| v.parse::<f32>().ok().filter(|x| x.is_finite() && *x >= 0.0).ok_or_else(|| format!("--{name} {v}: a number, at least 0"));
    if let Some(v) = f.get("l2") {
        o.l2 = num("l2", v)?;
    }
    if let Some(v) = f.get("class-power") {
        o.class_power = num("class-power", v)?;
    }
    if let Some(v) = f.get("lr") {
        o.learning_rate = num("lr", v)?;
    }
    if let Some(v) = f.get("l2-words") {
        o.l2_words = num("l2-words", v)?;
    }
    if let Some(v) = f.get("word-bits") {
        o.word_bits = v.parse().ok().filter(|b| *b <= 20).ok_or_else(|| format!("--word-bits {v}: a whole number, at most 20"))?;
    }
    if let Some(v) = f.get("epochs") {
        o.epochs = v.parse().map_err(|_| format!("--epochs {v}: a whole number"))?;
    }
    let k = f.get("folds").map_or(Ok(5), |v| v.parse::<usize>().ok().filter(|k| *k >= 2).ok_or_else(|| format!("--folds {v}: a whole number, at least 2")))?;
    // The features are the shipped engine's: the default plan and model, with no decision yet.
    let engine = Engine::with_default_plan().with_decision(None).map_err(|e| e.to_string())?;
    let model = engine.model().ok_or("the decision reads the model's heads, and no model is embedded")?;
    let heads: Vec<String> = model.heads.iter().map(|h| h.name.clone()).collect();
    let paths: Vec<&std::path::Path> = files.iter().map(std::path::Path::new).collect();
    let rows = decision_rows(&engine, &paths, &heads, o.word_bits).map_err(|e| e.to_string())?;
    eprintln!("{} rows ({} untouched rows left out), {} features", rows.x.len(), rows.untouched, rows.x[0].len());
    let (acc, f1, pred) = cross_validate_decision(&rows, k, &o);
    println!("| rows | {k}-fold accuracy | {k}-fold macro-F1 | per language: accuracy, macro-F1 |\n|---|---|---|---|");
    let mut langs: Vec<&String> = rows.lang.iter().collect();
    langs.sort();
    langs.dedup();
    let per_lang = langs
        .iter()
        .map(|l| {
            let idx: Vec<usize> = (0..rows.y.len()).filter(|&i| &rows.lang[i] == *l).collect();
            let (a, m) = accuracy_and_macro_f1(&idx.iter().map(|&i| rows.y[i]).collect::<Vec<_>>(), &idx.iter().map(|&i| pred[i]).collect::<Vec<_>>());
            format!("{l} ({}): {:.1}, {:.1}", idx.len(), a * 100.0, m * 100.0)
        })
        .collect::<Vec<_>>()
        .join("; ");
    println!("| {} | {:.1} | {:.1} | {per_lang} |", rows.x.len(), acc * 100.0, f1 * 100.0);
    println!("\n| file | rows | {k}-fold accuracy | {k}-fold macro-F1 |\n|---|---|---|---|");
    for (n, name) in files.iter().enumerate() {
        let idx: Vec<usize> = (0..rows.y.len()).filter(|&i| rows.file[i] == n).collect();
        let (a, m) = accuracy_and_macro_f1(&idx.iter().map(|&i| rows.y[i]).collect::<Vec<_>>(), &idx.iter().map(|&i| pred[i]).collect::<Vec<_>>());
        println!("| {name} | {} | {:.1} | {:.1} |", idx.len(), a * 100.0, m * 100.0);
    }
    let all: Vec<usize> = (0..rows.x.len()).collect();
    let fitted = fit_decision(&rows, &all, &o);
    let trained_on = files.iter().map(|p| std::path::Path::new(p).file_name().map_or(p.to_string(), |n| n.to_string_lossy().into_owned())).collect();
    let (file, table) = decision_file(heads, fitted, o.word_bits, trained_on);
    let out = f.get("out").unwrap_or("data/decision.json");
    let words_out = decision_words_path(out);
    let json = serde_json::to_string(&file).map_err(|e| e.to_string())?;
    std::fs::write(out, json + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
    std::fs::write(&words_out, table).map_err(|e| format!("cannot write {}: {e}", words_out.display()))?;
    eprintln!("wrote {out} and {}", words_out.display());
    Ok(true)
}

/// Where a decision's word table sits: beside its JSON, `decision.json` → `decision-words.bin`.
fn decision_words_path(decision: &str) -> std::path::PathBuf {
    let p = std::path::Path::new(decision);
    p.with_file_name(format!("{}-words.bin", p.file_stem().and_then(|s| s.to_str()).unwrap_or("decision")))
}
