//! Files and standard input into the library's export reader ([`sentinelle::ingest`]), every
//! problem on stderr with its line, and a progress line.

use sentinelle::ingest::{self, Format, Item, Row};
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::time::Instant;

/// Rows are triaged in batches of this size: one engine call each, as in the browser.
pub const BATCH: usize = 512;

/// The problems reported on stderr so far; past 50, only counted.
#[derive(Default)]
pub struct Problems {
    pub count: usize,
}

impl Problems {
    pub fn report(&mut self, line: u64, what: impl std::fmt::Display) {
        self.count += 1;
        if self.count <= 50 {
            eprintln!("line {line}: {what}");
        } else if self.count == 51 {
            eprintln!("(more problems: only the first 50 are shown)");
        }
    }
}

/// Reads `input` (a path, or `-` for standard input), calling `sink` with batches of rows; a row
/// or field that cannot be read is reported and the rest is read, except a field of `unused`
/// (the command does not need it). Fails only when the input cannot be read at all (no such
/// file, a CSV header without a text column).
pub fn read(input: &str, options: &ingest::Options, unused: &[&str], problems: &mut Problems, sink: &mut dyn FnMut(Vec<Row>) -> Result<(), String>) -> Result<(), String> {
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(input).map_err(|e| format!("cannot read {input}: {e}"))?))
    };
    let mut options = options.clone();
    // The file's name says what it is; `.json` may be an array or JSON Lines: its content decides.
    if options.format.is_none() {
        let ext = std::path::Path::new(input).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        options.format = match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        };
        if ext == "tsv" {
            options.delimiter = Some(b'\t');
        }
    }
    let rows = ingest::Reader::new(reader, &options).map_err(|e| {
        let hint = match e.to_string() {
            m if m.contains("no text column") => "; use --text-field",
            m if m.contains("no time column") => "; use --time-field",
            _ => "",
        };
        if input == "-" { format!("{e}{hint}") } else { format!("{input}: {e}{hint}") }
    })?;
    let mut batch = Vec::with_capacity(BATCH);
    for item in rows {
        match item.map_err(|e| format!("cannot read {input}: {e}"))? {
            Item::Row(r) => {
                batch.push(r);
                if batch.len() == BATCH {
                    sink(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))?;
                }
            }
            Item::Warning(p) if p.field.is_some_and(|f| unused.contains(&f)) => {}
            Item::Error(p) | Item::Warning(p) => problems.report(p.line, p.message),
        }
    }
    if !batch.is_empty() {
        sink(batch)?;
    }
    Ok(())
}

/// A progress line on stderr, only when stderr is a terminal.
pub struct Progress {
    on: bool,
    start: Instant,
    last: Instant,
    rows: usize,
}

impl Progress {
    pub fn new() -> Progress {
        let now = Instant::now();
        Progress { on: io::stderr().is_terminal(), start: now, last: now, rows: 0 }
    }
    pub fn add(&mut self, n: usize) {
        self.rows += n;
        if self.on && self.last.elapsed().as_millis() >= 200 {
            self.last = Instant::now();
            let rate = self.rows as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{:>10} rows  {:>9.0} rows/s", self.rows, rate);
        }
    }
    pub fn done(&self) {
        if self.on && self.rows > 0 {
            let s = self.start.elapsed().as_secs_f64();
            eprintln!("\r{:>10} rows  {:>9.0} rows/s  in {:.2} s", self.rows, self.rows as f64 / s.max(1e-9), s);
        }
    }
}
