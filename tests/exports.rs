//! Exports from the tools teams use: `tests/exports/<case>/expect.toml`, each naming its export
//! file (written for the test, fictional content, headers as the tools write them), the mapping
//! chosen by hand if any, and what the reader and the preview must give: every row's fields, its
//! problems, the columns the preview shows and guesses. Where a tool's header names come from,
//! and which could not be confirmed, is in each case's `about`.

use sentinelle::ingest::{self, iso, Field, Format, Mapping, Options};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    export: String,
    format: String,
    delimiter: String,
    #[serde(default)]
    mapping: BTreeMap<String, String>,
    preview: PreviewCase,
    #[serde(default)]
    row: Vec<RowCase>,
    #[serde(default)]
    error: Vec<ProblemCase>,
    #[serde(default)]
    warning: Vec<ProblemCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewCase {
    columns: Vec<String>,
    rows: usize,
    /// Every field's column; `""`: none.
    guessed: BTreeMap<String, String>,
    #[serde(default)]
    errors: Vec<String>,
}

/// A row as read; a field left out is `None`. Times as ISO 8601 UTC.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RowCase {
    line: u64,
    id: String,
    text: String,
    author: Option<String>,
    platform: Option<String>,
    lang: Option<String>,
    time: Option<String>,
    reach: Option<u64>,
    replied: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemCase {
    line: u64,
    starts: String,
}

fn cases() -> Vec<(PathBuf, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exports");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("expect.toml").exists()).collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let text = std::fs::read_to_string(d.join("expect.toml")).unwrap();
            let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
            (d, case)
        })
        .collect()
}

fn options(case: &Case) -> Options {
    let mut o = Options::default();
    for (field, column) in &case.mapping {
        let field = Field::ALL.into_iter().find(|f| f.as_str() == field).unwrap_or_else(|| panic!("no field {field:?}"));
        o = o.with(field, column);
    }
    o
}

#[track_caller]
fn check_problems(name: &str, what: &str, got: &[ingest::Problem], want: &[ProblemCase]) {
    let got: Vec<(u64, &str)> = got.iter().map(|p| (p.line, p.message.as_str())).collect();
    let ok = got.len() == want.len() && got.iter().zip(want).all(|(g, w)| g.0 == w.line && g.1.starts_with(&w.starts));
    assert!(ok, "{name}: {what}: got {got:?}\nwant {want:?}");
}

#[test]
fn exports_from_the_tools_teams_use() {
    let cases = cases();
    assert!(cases.len() >= 6, "cases under tests/exports: {}", cases.len());
    for (dir, case) in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!case.about.trim().is_empty(), "{name}: say where the headers come from");
        let bytes = std::fs::read(dir.join(&case.export)).unwrap();
        let options = options(case);
        let read = ingest::read_bytes(&bytes, &options);
        assert_eq!(read.format.as_str(), case.format, "{name}");
        let got: Vec<RowCase> = read
            .messages
            .iter()
            .map(|r| {
                let m = &r.message;
                RowCase {
                    line: r.line,
                    id: m.id.clone().unwrap(),
                    text: m.text.clone(),
                    author: m.author.clone(),
                    platform: m.platform.clone(),
                    lang: m.lang.clone(),
                    time: m.time.map(iso),
                    reach: m.reach,
                    replied: r.replied.map(iso),
                }
            })
            .collect();
        assert_eq!(got, case.row, "{name}: rows");
        check_problems(&name, "errors", &read.errors, &case.error);
        check_problems(&name, "warnings", &read.warnings, &case.warning);

        // Streamed in small reads, as the command line reads a file: the same rows.
        let streamed: Vec<ingest::Row> = match ingest::Reader::new(std::io::BufReader::with_capacity(7, &bytes[..]), &options) {
            Ok(r) => r.filter_map(|i| match i.unwrap() {
                ingest::Item::Row(r) => Some(r),
                _ => None,
            })
            .collect(),
            Err(e) => {
                assert!(case.row.is_empty() && e.to_string().contains(&case.error[0].starts), "{name}: {e}");
                Vec::new()
            }
        };
        assert_eq!(streamed, read.messages, "{name}: streamed");

        // The preview: the same columns the reader used, the first records as written.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let p = ingest::preview(&text, &options);
        assert_eq!((p.format.as_str(), p.delimiter.as_deref()), (case.format.as_str(), Some(case.delimiter.as_str())), "{name}: preview");
        assert_eq!(p.columns, case.preview.columns, "{name}: preview columns");
        assert_eq!(p.rows.len(), case.preview.rows, "{name}: preview rows");
        assert!(p.rows.iter().all(|r| r.len() == p.columns.len()), "{name}: a cell per column: {:?}", p.rows);
        let guessed: BTreeMap<String, String> = p.guessed.iter().map(|(k, v)| (k.to_string(), v.clone().unwrap_or_default())).collect();
        assert_eq!(guessed, case.preview.guessed, "{name}: guessed columns");
        assert_eq!(p.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>(), case.preview.errors, "{name}: preview errors");
        // What the preview guessed is what the reader read: mapping the guesses by hand changes nothing.
        let by_hand = Options {
            mapping: Mapping {
                text: p.guessed["text"].clone(),
                id: Some(p.guessed["id"].clone().unwrap_or_default()),
                author: Some(p.guessed["author"].clone().unwrap_or_default()),
                time: Some(p.guessed["time"].clone().unwrap_or_default()),
                platform: Some(p.guessed["platform"].clone().unwrap_or_default()),
                reach: Some(p.guessed["reach"].clone().unwrap_or_default()),
                lang: Some(p.guessed["lang"].clone().unwrap_or_default()),
                replied: Some(p.guessed["replied"].clone().unwrap_or_default()),
            },
            ..Options::default()
        };
        if read.errors.is_empty() {
            assert_eq!(ingest::read_bytes(&bytes, &by_hand).messages, read.messages, "{name}: the guesses mapped by hand");
        }
    }
}

#[test]
fn the_preview_of_json_shows_the_keys_of_the_first_records() {
    let jsonl = "{\"body\": \"Merci !\", \"user\": \"Léa\", \"replied_at\": \"2024-01-02T10:00:00Z\"}\nnot json\n{\"body\": \"Nul\", \"lang\": \"fr\", \"n\": 3}\n";
    let p = ingest::preview(jsonl, &Options::default());
    assert_eq!((p.format, p.delimiter.as_deref()), (Format::Jsonl, None));
    assert_eq!(p.columns, ["body", "replied_at", "user", "lang", "n"]);
    assert_eq!(p.rows, [vec!["Merci !", "2024-01-02T10:00:00Z", "Léa", "", ""], vec!["Nul", "", "", "fr", "3"]]);
    assert_eq!((p.guessed["text"].as_deref(), p.guessed["replied"].as_deref(), p.guessed["id"].as_deref()), (Some("body"), Some("replied_at"), None));
    let read = ingest::read_str(jsonl, &Options::default());
    assert_eq!(read.messages[0].replied, Some(1_704_189_600_000.0));
    assert_eq!(serde_json::to_value(&read.messages[0]).unwrap()["repliedAt"], 1_704_189_600_000.0);

    let array = "[{\"Message\": \"a\", \"From\": \"x\"}, \"just text\", {\"Message\": \"b\", \"Network\": \"X\"}]";
    let p = ingest::preview(array, &Options::default().with(Field::Author, "from"));
    assert_eq!(p.format, Format::Json);
    assert_eq!(p.columns, ["From", "Message", "Network"]);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.guessed["author"].as_deref(), Some("From"));
    // A key mapped by hand is read whatever its case.
    let read = ingest::read_str(array, &Options::default().with(Field::Author, "from"));
    assert_eq!(read.messages[0].message.author.as_deref(), Some("x"));

    // Plain text has no columns; a preview stops after a few records.
    let p = ingest::preview("bonjour\nça va\n", &Options::default());
    assert_eq!((p.format, p.columns.len(), p.rows.len()), (Format::Lines, 0, 0));
    let many: String = std::iter::once("text\n".to_string()).chain((0..50).map(|i| format!("m{i}\n"))).collect();
    assert_eq!(ingest::preview(&many, &Options::default()).rows.len(), ingest::PREVIEW_ROWS);
}

#[test]
fn no_text_column_is_an_error_and_the_preview_says_so() {
    let csv = "Ticket;Client;Reçu\n1;Léa;2024-01-01\n";
    let r = ingest::read_str(csv, &Options { format: Some(Format::Csv), ..Options::default() });
    assert!(r.errors[0].message.starts_with("the CSV header has no text column"), "{:?}", r.errors);
    let p = ingest::preview(csv, &Options { format: Some(Format::Csv), ..Options::default() });
    assert_eq!(p.guessed["text"], None);
    assert!(p.errors[0].message.starts_with("the CSV header has no text column"), "{:?}", p.errors);
    // Chosen as none by hand: said so.
    let r = ingest::read_str(csv, &Options { format: Some(Format::Csv), ..Options::default() }.with(Field::Text, ""));
    assert!(r.errors[0].message.starts_with("no column was chosen for the text"), "{:?}", r.errors);
    // Field names are what the flags and the page use, in `Field as usize` order.
    for (i, f) in Field::ALL.into_iter().enumerate() {
        assert_eq!(f as usize, i);
        assert_eq!(ingest::aliases(f.as_str()).is_empty(), false, "{}", f.as_str());
    }
}
