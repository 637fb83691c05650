//! A look at an export before it is read, for the triage page's mapping panel: its columns, its
//! first records as written, and the column each field would be read from. It runs the readers
//! [`super::read_bytes`] runs (the `csv` crate set up as for the rows, the JSON readers), stopped
//! after [`PREVIEW_ROWS`] records: what the panel shows is what the import will read.

use super::csv::{builder, columns_of, sniff_delimiter};
use super::json::{Items, Lines};
use super::{detect, Field, Format, Item, Options, Problem, BOM};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// Records a preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// `{format, delimiter, columns, rows, guessed, errors}`, as the page receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub format: Format,
    /// A CSV's delimiter (`","`, `";"`, `"\t"`); `None` for JSON and plain text.
    pub delimiter: Option<String>,
    /// A CSV's header as written; for JSON, the keys of the first records (each record's in
    /// alphabetical order, as `serde_json` keeps them); none for plain text.
    pub columns: Vec<String>,
    /// The first records, a cell per column as written (`""` where a JSON object lacks the key;
    /// a number or an object as its JSON).
    pub rows: Vec<Vec<String>>,
    /// Each field's column (see [`super::Mapping`]): the one the options map it to, else the one
    /// its names find; `None`: none. Keys are [`Field::as_str`].
    pub guessed: BTreeMap<&'static str, Option<String>>,
    /// What would stop the import: a header without a text column, a mapped column it lacks.
    pub errors: Vec<Problem>,
}

/// The preview of an export held in memory. It may be only the start of a file: cut it at a line
/// end, or its last record is shown cut off.
///
/// ```
/// use sentinelle::ingest::{self, Format, Options};
///
/// let p = ingest::preview("\u{feff}Ticket ID;Requester;Description\n7;Léa;\"Colis ; cassé\"\n", &Options::default());
/// assert_eq!((p.format, p.delimiter.as_deref()), (Format::Csv, Some(";")));
/// assert_eq!(p.columns, ["Ticket ID", "Requester", "Description"]);
/// assert_eq!(p.rows, [["7", "Léa", "Colis ; cassé"]]);
/// assert_eq!(p.guessed["text"].as_deref(), Some("Description"));
/// assert_eq!(p.guessed["author"].as_deref(), Some("Requester"));
/// assert_eq!(p.guessed["replied"], None);
/// ```
pub fn preview(text: &str, options: &Options) -> Preview {
    let bytes = text.as_bytes();
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let format = options.format.unwrap_or_else(|| detect(bytes, options));
    let mut p = Preview { format, delimiter: None, columns: Vec::new(), rows: Vec::new(), guessed: BTreeMap::new(), errors: Vec::new() };
    match format {
        Format::Lines => {}
        Format::Csv => csv_preview(bytes, options, &mut p),
        Format::Jsonl | Format::Json => json_preview(bytes, format, &mut p),
    }
    if format != Format::Lines {
        let (of, problem) = columns_of(&p.columns, &options.mapping);
        for field in Field::ALL {
            p.guessed.insert(field.as_str(), of[field as usize].map(|c| p.columns[c].clone()));
        }
        // A JSON record may lack a key the others have: only a CSV header is complete.
        if let (Some(m), Format::Csv) = (problem, format) {
            p.errors.push(Problem::new(1, m));
        }
    }
    p
}

fn csv_preview(bytes: &[u8], options: &Options, p: &mut Preview) {
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(bytes));
    p.delimiter = Some((delimiter as char).to_string());
    let mut csv = builder(delimiter).from_reader(bytes);
    let cell = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match csv.byte_headers() {
        Ok(h) => p.columns = h.iter().map(cell).collect(),
        Err(e) => {
            p.errors.push(Problem::new(1, format!("cannot read the CSV header: {e}")));
            return;
        }
    }
    for record in csv.byte_records() {
        let Ok(record) = record else { break };
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        p.rows.push(record.iter().map(cell).collect());
        if p.rows.len() == PREVIEW_ROWS {
            break;
        }
    }
}

fn json_preview(bytes: &[u8], format: Format, p: &mut Preview) {
    let mut objects: Vec<serde_json::Map<String, Value>> = Vec::new();
    // Problems are the import's to report, with the whole input: not the preview's.
    let mut ignored = VecDeque::new();
    let mut lines = Lines::new(bytes);
    let mut items = Items::new(if format == Format::Json { bytes.to_vec() } else { Vec::new() });
    // Records that are not objects (strings, broken lines) are passed over, within reason.
    for _ in 0..50 * PREVIEW_ROWS {
        let mut keep = |_line: u64, _item: Option<usize>, v: Value, _: &mut VecDeque<Item>| {
            if let Value::Object(o) = v {
                objects.push(o);
            }
        };
        let more = match format {
            Format::Jsonl => lines.step(Format::Jsonl, &mut keep, &mut ignored).unwrap_or(false),
            _ => items.step(&mut keep, &mut ignored),
        };
        ignored.clear();
        if !more || objects.len() >= PREVIEW_ROWS {
            break;
        }
    }
    let objects: Vec<_> = objects.into_iter().take(PREVIEW_ROWS).collect();
    for o in &objects {
        for k in o.keys() {
            if !p.columns.contains(k) {
                p.columns.push(k.clone());
            }
        }
    }
    p.rows = objects
        .iter()
        .map(|o| {
            p.columns
                .iter()
                .map(|c| match o.get(c) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
}
