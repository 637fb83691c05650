//! The command line on real and broken input: clear messages with line numbers, nothing lost;
//! and the library's export reader (`sentinelle::ingest`) it stands on, on the exports in
//! `tests/fixtures/`. Tests named `shared_data_…` need `../shared/data` beside the checkout.

#[path = "common/shared_data.rs"]
mod shared_data;
use shared_data::shared_data;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sentinelle"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// A data set's cross-validated score as `data/model.json` (the training report) gives it,
/// written as the eval table writes it: `61.4 ± 3.2`.
fn report_cv(stem: &str) -> String {
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("data/model.json").unwrap()).unwrap();
    let d = report["datasets"].as_array().unwrap().iter().find(|d| d["stem"] == stem).unwrap_or_else(|| panic!("no {stem} in data/model.json"));
    format!("{:.1} ± {:.1}", d["mean"].as_f64().unwrap() * 100.0, d["std"].as_f64().unwrap() * 100.0)
}

#[test]
fn jsonl_output_is_the_engine_s_serde_verdict_in_input_order() {
    let input = "{\"id\":\"a\",\"text\":\"Vous êtes des escrocs !\"}\n{\"text\":\"merci, super service\"}\n";
    let (code, out, err) = run(&["triage", "--format", "jsonl", "-"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Each line is the library's `Verdict` as serde writes it (camelCase), nothing dropped or
    // renamed: the same messages through the engine directly give the same values.
    let engine = sentinelle::Engine::with_default_plan();
    let messages = [("a", "Vous êtes des escrocs !"), ("2", "merci, super service")].map(|(id, text)| sentinelle::Message { id: Some(id.into()), text: text.into(), ..Default::default() });
    let want: Vec<serde_json::Value> = engine.triage_batch(&messages, &Default::default()).iter().map(|v| serde_json::to_value(v).unwrap()).collect();
    assert_eq!(rows, want);
    let mut keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["categories", "id", "incident", "lang", "primary", "replies", "replyWithinMinutes", "response", "scores", "severity"]);
    assert_eq!(rows[0]["id"], "a");
    assert_eq!(rows[1]["id"], "2", "a row without id is named by its line");
    assert_eq!(rows[0]["primary"], "defamation_risk");
    assert_eq!(rows[0]["scores"].as_object().unwrap().len(), 12);
    // Scores as their three decimals ("0.884", not "0.8840000033378601").
    let line = out.lines().next().unwrap();
    for (at, _) in line.match_indices("0.") {
        let decimals = line[at + 2..].chars().take_while(char::is_ascii_digit).count();
        assert!(decimals <= 3, "{}", &line[at..]);
    }
    let ev = &rows[0]["categories"][0]["evidence"][0];
    assert_eq!(ev["text"], "escrocs");
    assert_eq!((ev["start"].as_u64(), ev["end"].as_u64()), (Some(14), Some(21)));
    assert_eq!(rows[1]["primary"], "praise");
    // With the time it was posted, the deadline: the plan's minutes after it (15 for a crisis…),
    // in milliseconds since the epoch as the engine gives it.
    let input = "{\"text\":\"Vous êtes des escrocs !\",\"created_at\":\"2026-11-25T10:00:00Z\"}\n";
    let (code, out, err) = run(&["triage", "--format", "jsonl", "-"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let minutes = v["replyWithinMinutes"].as_f64().unwrap();
    assert_eq!(v["replyBy"].as_f64(), Some(1_795_600_800_000.0 + minutes * 60_000.0), "{out}"); // 2026-11-25T10:00:00Z
}

#[test]
fn bad_rows_are_reported_with_line_numbers_and_the_rest_is_triaged() {
    // A byte-order mark first, as spreadsheet and Windows exports write: the first row is a row.
    let mut input = b"\xef\xbb\xbf".to_vec();
    input.extend_from_slice(b"{\"text\":\"ok one\"}\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(b"{\"text\":\"bad \xff\xfe utf8\"}\n");
    input.extend_from_slice(b"{\"headline\":\"no text field\"}\n");
    input.extend_from_slice(b"{\"text\":\"\"}\n");
    input.extend_from_slice(format!("{{\"text\":\"{}\"}}\n", "x".repeat(5 * 1024 * 1024)).as_bytes());
    input.extend_from_slice(b"{\"text\":\"last one, thanks!\"}\n");
    let (code, out, err) = run(&["triage", "--format", "jsonl", "-"], &input);
    assert_eq!(code, 1, "something was wrong: exit 1");
    assert!(!err.contains("line 1:"), "{err}");
    assert!(err.contains("line 2: not valid JSON"), "{err}");
    assert!(err.contains("line 3: invalid UTF-8"), "{err}");
    assert!(err.contains("line 4: no text field (text, message, texte"), "{err}");
    assert!(err.contains("line 5: empty text"), "{err}");
    assert!(err.contains("line 6: text longer than"), "{err}");
    let ids: Vec<String> = out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["1", "5", "6", "7"]);
    // Keys as a CSV export would name them, as the triage page reads them.
    let (code, out, err) = run(&["triage", "--format", "jsonl", "-"], "{\"Identifiant\":\"x9\",\"Texte\":\"Vous êtes des voleurs\",\"Auteur\":\"Paul\"}\n".as_bytes());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((v["id"].as_str(), v["primary"].as_str()), (Some("x9"), Some("defamation_risk")), "{out}");
    assert!(!err.contains("panicked"));
}

#[test]
fn every_field_can_be_named_by_a_flag() {
    let export = "Ticket;Client;Canal;Demande;Reçu\n7;Léa;Email;Vous êtes des voleurs;2024-01-01T10:00:00Z\n";
    // A column named by hand that the header lacks stops the run, naming it and listing the header.
    let (code, _, err) = run(&["triage", "--format", "jsonl", "--text-field", "Demande", "--author-field", "Nom", "-"], export.as_bytes());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the author column \"Nom\" is not in the CSV header (columns: \"Ticket\", \"Client\","), "{err}");
    let flags = ["--text-field", "Demande", "--id-field", "ticket", "--author-field", "Client", "--platform-field", "Canal", "--time-field", "Reçu", "--replied-field", "", "--reach-field", "", "--lang-field", ""];
    let (code, out, err) = run(&[&["triage", "--format", "jsonl"][..], &flags, &["-"]].concat(), export.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((v["id"].as_str(), v["primary"].as_str()), (Some("7"), Some("defamation_risk")), "{out}");
    let (code, _, err) = run(&["timeline", "--text-field", "Demande", "--time-field", "Reçu", "--replied-field", "nope", "-"], export.as_bytes());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the replied column \"nope\""), "{err}");
}

#[test]
fn csv_input_and_missing_columns() {
    let (code, out, err) = run(&["triage", "--format", "csv", "--input", "csv", "-"], "id,corps\n1,\"Vous êtes des voleurs, vraiment\"\n".as_bytes());
    assert_eq!(code, 2, "no text column is fatal: {out}");
    assert!(err.contains("no text column (looked for text, message,") && err.contains("columns: \"id\", \"corps\")"), "{err}");
    let (code, out, err) = run(&["triage", "--format", "csv", "--input", "csv", "--text-field", "corps", "-"], "id,corps\n1,\"Vous êtes des voleurs, vraiment\"\n2,\"merci !\"\n".as_bytes());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("1,fr,defamation_risk,"), "{}", lines[1]);
    // A French spreadsheet export: `;` between fields (and inside a quoted one), French column
    // names in any case. Read as the triage page reads it, with no flag.
    let export = "Identifiant;Texte;Auteur\n7;Vous êtes des voleurs, vraiment;Paul\n8;\"Merci ; super service\";Léa\n";
    let (code, out, err) = run(&["triage", "--format", "csv", "--input", "csv", "-"], export.as_bytes());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("7,fr,defamation_risk,") && lines[2].starts_with("8,fr,praise,"), "{out}");
    // The author's reach, as a French export writes it, makes the same words a crisis.
    let export = "Texte;Abonnés\nVous êtes des voleurs;250 000\nVous êtes des voleurs;12\n";
    let (code, out, err) = run(&["triage", "--format", "csv", "--input", "csv", "-"], export.as_bytes());
    assert_eq!(code, 0, "{err}");
    let severity: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(4).unwrap()).collect();
    assert_eq!(severity, ["crisis", "problem"], "{out}");
}

#[test]
fn plan_commands() {
    let (code, out, _) = run(&["plan", "default"], b"");
    assert_eq!(code, 0);
    let dir = std::env::temp_dir().join(format!("sentinelle-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, &out).unwrap();
    let (code, out2, _) = run(&["plan", "check", good.to_str().unwrap()], b"");
    assert_eq!(code, 0);
    assert!(out2.contains("valid plan"));
    let bad = dir.join("bad.json");
    std::fs::write(&bad, out.replacen("{agent}", "{agnet}", 1)).unwrap();
    let (code, _, err) = run(&["plan", "check", bad.to_str().unwrap()], b"");
    assert_eq!(code, 1);
    assert!(err.contains("body: unknown variable {agnet}"), "{err}");
    // A bad plan stops triage before any row is read: nothing half-applied.
    let (code, out, err) = run(&["triage", "--plan", bad.to_str().unwrap(), "-"], b"{\"text\":\"x\"}\n");
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("is not valid, nothing was triaged"), "{err}");
}

#[test]
fn timeline_finds_the_burst() {
    let mut input = String::new();
    // A quiet day: one complaint an hour; then 40 accusations in ten minutes.
    for h in 0..24 {
        input.push_str(&format!("{{\"text\":\"colis en retard\",\"t\":\"2026-11-01T{h:02}:05:00Z\"}}\n"));
    }
    for i in 0..40 {
        input.push_str(&format!("{{\"text\":\"bande d'escrocs, vous m'avez volé\",\"t\":\"2026-11-02T09:0{}:{:02}Z\"}}\n", i / 10, i));
    }
    input.push_str("{\"text\":\"x\",\"t\":\"not a time\"}\n");
    let (code, out, err) = run(&["timeline", "-", "--time-field", "t", "--format", "csv"], input.as_bytes());
    assert_eq!(code, 1, "one bad time: {err}");
    assert!(err.contains("line 65: cannot read the time \"not a time\""), "{err}");
    let spike = out.lines().find(|l| l.contains(",defamation_risk,") && l.ends_with(",spike"));
    assert!(spike.is_some(), "{out}");
    assert!(spike.unwrap().starts_with("2026-11-02T09:00:00Z"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("2026-11-01") && l.ends_with(",spike")), "{out}");
    // Unnamed, the time is the field a CSV export calls `created_at`, `date`…; a CSV with none
    // cannot make a timeline.
    let (code, same, err) = run(&["timeline", "-", "--format", "csv"], input.replace("\"t\":", "\"created_at\":").as_bytes());
    assert_eq!((code, same.as_str()), (1, out.as_str()), "{err}");
    let (code, _, err) = run(&["timeline", "--input", "csv", "-"], b"texte,auteur\nbonjour,Paul\n");
    assert_eq!(code, 2);
    assert!(err.contains("no time column (looked for time, date, created_at"), "{err}");
}

#[test]
fn a_follower_count_that_cannot_be_read_matters_to_triage_not_to_the_timeline() {
    let export = "texte;abonnés;date\nbonjour;beaucoup;2026-11-01T10:00:00Z\n";
    let (code, _, err) = run(&["triage", "--input", "csv", "-"], export.as_bytes());
    assert_eq!(code, 1);
    assert!(err.contains("line 2: cannot read the follower count \"beaucoup\""), "{err}");
    let (code, _, err) = run(&["timeline", "--input", "csv", "-"], export.as_bytes());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn shared_data_eval_scores_a_withheld_file_of_a_known_shape_next_to_its_cross_validation() {
    // A "withheld" file: real FTR rows under a test-split name, labels and all.
    let dir = std::env::temp_dir().join(format!("sentinelle-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows: String = std::fs::read_to_string(shared_data("ftr_racism_fr.jsonl")).unwrap().lines().step_by(10).map(|l| format!("{l}\n")).collect();
    let test = dir.join("ftr_racism_fr_test.jsonl");
    std::fs::write(&test, &rows).unwrap();
    let (code, out, err) = run(&["eval", "--model", "data/model.bin", "--report", "data/model.json", test.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.contains("ftr_racism_fr_test")).unwrap_or_else(|| panic!("no row for the file: {out}"));
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    assert_eq!(cells[2], rows.lines().count().to_string());
    let score: f64 = cells[4].trim_matches('*').parse().unwrap();
    assert!((50.0..=100.0).contains(&score), "{line}");
    assert_eq!(cells[5], report_cv("ftr_racism_fr"), "the data set's CV from the training report, side by side: {line}");
    // MLMA's French test is scored as MLMA-fr (its CV, not MLMA-en's), although its name also
    // starts with "mlma_hate", as MLMA-en's does.
    let mlma: String = std::fs::read_to_string(shared_data("mlma_hate_fr.jsonl")).unwrap().lines().step_by(10).map(|l| format!("{l}\n")).collect();
    let test = dir.join("mlma_hate_fr_test.jsonl");
    std::fs::write(&test, format!("\u{feff}{mlma}")).unwrap(); // with a byte-order mark
    let (code, out, err) = run(&["eval", "--model", "data/model.bin", "--report", "data/model.json", test.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.contains("mlma_hate_fr_test")).unwrap_or_else(|| panic!("no row for the file: {out}"));
    assert_ne!(report_cv("mlma_hate_fr"), report_cv("mlma_hate_en"));
    assert_eq!(line.split('|').map(str::trim).nth(5), Some(report_cv("mlma_hate_fr").as_str()), "{line}");
    // Labels the data set does not have (a 0/1 export) are refused by name, not scored as if
    // they were negatives; the other files are still scored, and the exit status says one failed.
    let numeric = dir.join("ftr_racism_fr_numeric.jsonl");
    std::fs::write(&numeric, rows.replace("\"label\": \"racist\"", "\"label\": 1").replace("\"label\": \"non_racist\"", "\"label\": 0")).unwrap();
    let (code, out, err) = run(&["eval", "--model", "data/model.bin", numeric.to_str().unwrap(), test.to_str().unwrap()], b"");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("labels 0 (") && err.contains("are not ftr_racism_fr's (racist, non_racist)"), "{err}");
    assert!(!out.contains("ftr_racism_fr_numeric") && out.contains("mlma_hate_fr_test"), "{out}");
    // Without --report, the report beside the model gives the data set's thresholds and CV; a
    // model without one still scores, and says so.
    let (code, out, _) = run(&["eval", "--model", "data/model.bin", test.to_str().unwrap()], b"");
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.contains("mlma_hate_fr_test") && l.contains('±')), "{out}");
    let alone = dir.join("alone.bin");
    std::fs::copy("data/model.bin", &alone).unwrap();
    let (code, _, err) = run(&["eval", "--model", alone.to_str().unwrap(), test.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no training report at") && err.contains("alone.json"), "{err}");
    // An unknown shape is refused by name, not guessed.
    let other = dir.join("mystery.jsonl");
    std::fs::write(&other, &rows).unwrap();
    let (code, _, err) = run(&["eval", "--model", "data/model.bin", other.to_str().unwrap()], b"");
    assert_ne!(code, 0);
    assert!(err.contains("not a known data set"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shared_data_training_is_deterministic_and_its_model_loads() {
    // Every known data set, cut to its first 120 rows: the whole pipeline (plain and stacked
    // cross-validation, folding, the fold check, pruning, quantising) in seconds.
    let dir = std::env::temp_dir().join(format!("sentinelle-train-{}", std::process::id()));
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for entry in std::fs::read_dir(shared_data("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let rows: String = std::fs::read_to_string(&path).unwrap().lines().take(120).map(|l| format!("{l}\n")).collect();
            std::fs::write(data.join(path.file_name().unwrap()), rows).unwrap();
        }
    }
    let train = |n: &str| {
        let (out, report) = (dir.join(format!("{n}.bin")), dir.join(format!("{n}.json")));
        let args = ["train", "--data", data.to_str().unwrap(), "--folds", "3", "--bits", "12", "--epochs", "4", "--out", out.to_str().unwrap(), "--report", report.to_str().unwrap()];
        let (code, table, err) = run(&args, b"");
        assert_eq!(code, 0, "{err}");
        (std::fs::read(out).unwrap(), std::fs::read_to_string(report).unwrap(), table)
    };
    let (a, report, table) = train("a");
    let (b, _, _) = train("b");
    assert_eq!(a, b, "same files, same options: same bytes");
    let model = sentinelle::internals::Model::from_bytes(&a).expect("the trained model loads");
    assert_eq!(model.heads.len(), 14);
    assert!(model.heads.iter().all(|h| h.threshold > 0.0 && h.threshold < 1.0 && h.scale > 0.0), "{:?}", model.heads);
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["datasets"].as_array().map(Vec::len), Some(12), "{report}");
    // At least one set stacked: the fold and its check (an assertion inside `train`) ran.
    assert!(v["datasets"].as_array().unwrap().iter().any(|d| d["stacked"] == true), "{report}");
    assert!(table.contains("| complaints_en | 120 |"), "{table}");
    // The shifted set's probe: every prior tried, trained on one target and scored on the other.
    let (code, out, err) = run(&["eval", "--data", data.to_str().unwrap(), "--folds", "3", "--bits", "12", "--epochs", "4", "--only", "tweeteval_hate_en"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Topic shift, tweeteval_hate_en") && out.contains("| women → migrants | migrants → women |"), "{out}");
    let prior = format!("| **{}** |", sentinelle::train::DATASETS.iter().find_map(|d| d.shift).unwrap().prior);
    assert!(out.contains(&prior), "the shipped prior is marked: {out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("| ") && l.split('|').count() == 7 && !l.contains("prior")).count(), 7, "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- The export reader (`sentinelle::ingest`) on the fixtures ----

use sentinelle::ingest::{self, Field, Format, Ingested, Options};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Reads a fixture whole, and checks that reading it as a stream gives the same items.
fn ingest_fixture(name: &str, options: &Options) -> Ingested {
    let bytes = fixture(name);
    let whole = ingest::read_bytes(&bytes, options);
    let streamed: Vec<ingest::Item> = ingest::Reader::new(std::io::BufReader::with_capacity(16, &bytes[..]), options).unwrap().map(Result::unwrap).collect();
    let rows: Vec<&ingest::Row> = streamed.iter().filter_map(|i| if let ingest::Item::Row(r) = i { Some(r) } else { None }).collect();
    assert_eq!(rows, whole.messages.iter().collect::<Vec<_>>(), "{name}: streamed in small reads");
    whole
}

/// Each problem's line, and the start of its message.
#[track_caller]
fn assert_problems(problems: &[ingest::Problem], want: &[(u64, &str)]) {
    let got: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert!(got.len() == want.len() && got.iter().zip(want).all(|(g, w)| g.0 == w.0 && g.1.starts_with(w.1)), "{got:?}\nwant {want:?}");
}

const OCT_31: Option<f64> = Some(1_509_486_310_000.0); // 2017-10-31T21:45:10Z

#[test]
fn ingest_a_french_spreadsheet_export_with_semicolons_quotes_and_a_bom() {
    // The header has more commas than semicolons, all inside quotes: `;` is the delimiter.
    let r = ingest_fixture("semicolon_bom.csv", &Options::default());
    assert_eq!(r.format, Format::Csv);
    let got: Vec<_> = r.messages.iter().map(|m| (m.line, m.message.id.as_deref().unwrap(), m.message.text.as_str(), m.message.author.as_deref(), m.message.reach, m.message.time)).collect();
    assert_eq!(got, [
        (2, "7", "Merci ; super service", Some("Léa"), Some(12_400), OCT_31),
        (3, "8", "Une ligne\nsur deux lignes", Some("Paul"), None, None),
        (6, "6", "Vous êtes des voleurs", None, Some(250_000), OCT_31),
    ]);
    assert_problems(&r.errors, &[(5, "7 fields but the header has 6"), (8, "a quoted field is never closed")]);
    assert_problems(&r.warnings, &[(3, "cannot read the time \"hier\""), (3, "cannot read the follower count")]);
}

#[test]
fn ingest_tabs_and_line_ends() {
    let r = ingest_fixture("tabs.tsv", &Options::default());
    assert_eq!(r.format, Format::Csv);
    let got: Vec<(u64, &str, Option<f64>)> = r.messages.iter().map(|m| (m.line, m.message.text.as_str(), m.message.time)).collect();
    assert_eq!(got, [(2, "bonjour, ça va ; oui", OCT_31), (3, "guillemets\tet tab", OCT_31)]);
    // Line numbers count blank lines and `\r\n` line ends (the csv crate's own count does not).
    let crlf = "\r\n\r\ntext\r\n\"a\r\nb\"\r\n\r\nc\r\n";
    let r = ingest::read_str(crlf, &Options::default());
    assert_eq!(r.format, Format::Csv);
    let streamed = ingest::Reader::new(std::io::BufReader::with_capacity(4, crlf.as_bytes()), &Options::default()).unwrap();
    assert_eq!(streamed.format(), Format::Csv, "found past the blank lines in small reads");
    assert_eq!(r.messages.iter().map(|m| (m.line, m.message.text.as_str())).collect::<Vec<_>>(), [(4, "a\r\nb"), (7, "c")]);
}

#[test]
fn ingest_every_time_format_exports_write() {
    let r = ingest_fixture("times.csv", &Options::default());
    assert_eq!(r.messages.len(), 8);
    for m in &r.messages {
        assert_eq!(m.message.time, OCT_31, "{}", m.message.text);
    }
    assert!(r.errors.is_empty() && r.warnings.is_empty(), "{r:?}");
}

#[test]
fn ingest_json_lines_with_bad_lines() {
    let r = ingest_fixture("bad_line.jsonl", &Options::default());
    assert_eq!(r.format, Format::Jsonl);
    let got: Vec<_> = r.messages.iter().map(|m| (m.line, m.message.id.as_deref().unwrap(), m.message.text.as_str(), m.message.author.as_deref(), m.message.lang.as_deref())).collect();
    assert_eq!(got, [(1, "a", "ok", None, None), (4, "4", "just a string", None, None), (5, "5", "clé française", Some("Paul"), Some("fr"))]);
    assert_eq!((r.messages[0].message.time, r.messages[0].message.reach), (OCT_31, Some(12_400)));
    assert_problems(&r.errors, &[(2, "not valid JSON (expected ident"), (6, "no text field (text, message,"), (7, "not a JSON object or string; row skipped"), (8, "field \"text\" is not a string; row skipped"), (9, "invalid UTF-8 at byte 14 of the line")]);
    // A key the user names instead (`subject` is a last-resort text name now: `headline` is none).
    let named = Options::default().with(Field::Text, "headline");
    let r = ingest_fixture("bad_line.jsonl", &named);
    assert_eq!(r.messages.iter().map(|m| m.line).collect::<Vec<_>>(), [4, 6]);
}

#[test]
fn ingest_a_json_array_with_each_item_s_line() {
    let r = ingest_fixture("array.json", &Options::default());
    assert_eq!(r.format, Format::Json);
    let got: Vec<(u64, &str, &str)> = r.messages.iter().map(|m| (m.line, m.message.id.as_deref().unwrap(), m.message.text.as_str())).collect();
    assert_eq!(got, [(2, "x1", "premier"), (3, "2", "deuxième"), (4, "3", "troisième"), (7, "5", "cinquième")]);
    assert_eq!((r.messages[0].message.time, r.messages[2].message.reach), (OCT_31, Some(12_400)));
    assert_problems(&r.errors, &[(6, "item 4: not a JSON object or string")]);
    assert_problems(&r.warnings, &[(7, "item 5: cannot read the time \"pas une date\"")]);
    // Broken JSON stops at the item, with its line; the items before it are kept.
    let r = ingest::read_str("[\n{\"text\": \"a\"},\n{\"text\": \"b\",]\n", &Options::default());
    assert_eq!(r.messages.len(), 1);
    assert_problems(&r.errors, &[(3, "item 2: not valid JSON (key must be a string); the rest was not read")]);
}

#[test]
fn ingest_plain_text_a_message_a_line() {
    let r = ingest_fixture("plain.txt", &Options::default());
    assert_eq!(r.format, Format::Lines);
    let got: Vec<(u64, &str, &str)> = r.messages.iter().map(|m| (m.line, m.message.id.as_deref().unwrap(), m.message.text.as_str())).collect();
    assert_eq!(got, [(1, "1", "Bonjour, j'ai un souci avec ma commande"), (3, "3", "Vous êtes des escrocs")]);
}

#[test]
fn ingest_what_the_triage_page_receives() {
    // The shape `ingest(text, format)` hands the page through wasm, serialised by serde.
    let r = ingest::read_bytes(&fixture("semicolon_bom.csv"), &Options::default());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["format"], "csv");
    assert_eq!(v["messages"][0], serde_json::json!({"line": 2, "id": "7", "text": "Merci ; super service", "author": "Léa", "time": 1_509_486_310_000.0, "reach": 12400}));
    assert_eq!(v["messages"][1], serde_json::json!({"line": 3, "id": "8", "text": "Une ligne\nsur deux lignes", "author": "Paul"}));
    assert_eq!(v["errors"][0]["line"], 5);
    assert_eq!(v["warnings"][1], serde_json::json!({"line": 3, "message": "cannot read the follower count \"beaucoup\"; left out"}));
    // A CSV header without a text column is an error on its line, not a failure.
    let r = ingest::read_str("id,corps\n1,a\n", &Options { format: Some(Format::Csv), ..Options::default() });
    assert_eq!((r.messages.len(), r.errors[0].line), (0, 1));
    assert!(r.errors[0].message.contains("no text column (looked for text, message,"), "{r:?}");
}

#[test]
fn triage_reads_a_fixture_file_and_reports_its_bad_lines() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/semicolon_bom.csv");
    let (code, out, err) = run(&["triage", "--format", "csv", path], b"");
    assert_eq!(code, 1, "{err}");
    let ids: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["7", "8", "6"], "{out}");
    for want in ["line 3: cannot read the time \"hier\"", "line 3: cannot read the follower count", "line 5: 7 fields", "line 8: a quoted field is never closed"] {
        assert!(err.contains(want), "{want}: {err}");
    }
}

#[test]
fn eval_verdicts_scores_what_the_engine_decides_on_taxonomy_rows() {
    // The figures the command prints are recomputed here from the library's verdicts: a table
    // that printed anything else (a head's score, a constant) fails.
    let path = "tests/fixtures/taxonomy_labelled.jsonl";
    let (code, out, err) = run(&["eval", "--verdicts", path], b"");
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let engine = sentinelle::Engine::with_default_plan();
    let batch: Vec<sentinelle::Message> = rows.iter().map(|r| sentinelle::Message { text: r["text"].as_str().unwrap().into(), ..Default::default() }).collect();
    let verdicts = engine.triage_batch(&batch, &sentinelle::TriageOptions::default());
    let right = |keep: &dyn Fn(&serde_json::Value) -> bool| {
        let kept: Vec<usize> = (0..rows.len()).filter(|&i| keep(&rows[i])).collect();
        let hits = kept.iter().filter(|&&i| verdicts[i].primary.as_str() == rows[i]["primary"]).count();
        (kept.len(), format!("{:.1}", 100.0 * hits as f64 / kept.len() as f64))
    };
    let (n, all) = right(&|_| true);
    let (n_clear, clear) = right(&|r| !r["ambiguous"].as_bool().unwrap());
    let severity = (0..rows.len()).filter(|&i| verdicts[i].severity.as_str() == rows[i]["severity"]).count();
    let line = out.lines().find(|l| l.starts_with(&format!("| {path} |"))).unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    assert_eq!(cells[2], n.to_string());
    assert_eq!(cells[3], format!("**{all}**"));
    // Beside it, the verdict before the learned decision: the plan's hand-wired order.
    let plain = sentinelle::Engine::with_default_plan().with_decision(None).unwrap().triage_batch(&batch, &sentinelle::TriageOptions::default());
    let hits_before = (0..rows.len()).filter(|&i| plain[i].primary.as_str() == rows[i]["primary"]).count();
    assert!(cells[5].starts_with(&format!("{:.1}, ", 100.0 * hits_before as f64 / rows.len() as f64)), "{line}");
    assert_eq!(cells[6], format!("{:.1}", 100.0 * severity as f64 / rows.len() as f64));
    assert!(cells[8].starts_with(&format!("{n_clear}, {clear}, ")), "{line}");
    assert!(cells[9].contains("en ") && cells[9].contains("fr "), "per language: {line}");
    // A file that is neither taxonomy-labelled nor a known data set is refused, and says why.
    let unknown = std::env::temp_dir().join(format!("unknown_set_{}.jsonl", std::process::id()));
    std::fs::write(&unknown, "{\"text\":\"bonjour\",\"label\":\"x\"}\n").unwrap();
    let (code, out, err) = run(&["eval", "--verdicts", path, unknown.to_str().unwrap()], b"");
    std::fs::remove_file(&unknown).ok();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not a known data set"), "{err}");
    assert!(out.contains(&format!("| {path} |")), "the other file is still scored: {out}");
}
