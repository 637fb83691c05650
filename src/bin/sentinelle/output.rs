//! Verdicts out: an aligned table for a person, CSV for a spreadsheet, JSON Lines for programs.

use sentinelle::{Message, Verdict};
use std::io::{self, Write};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputFormat {
    Table,
    Jsonl,
    Csv,
}

impl OutputFormat {
    pub fn from_flag(name: Option<&str>) -> Result<OutputFormat, String> {
        match name.unwrap_or("table") {
            "table" => Ok(OutputFormat::Table),
            "jsonl" => Ok(OutputFormat::Jsonl),
            "csv" => Ok(OutputFormat::Csv),
            other => Err(format!("--format {other}: use table, jsonl or csv")),
        }
    }
}

/// Writes verdicts one by one in one format, the header (table, CSV) before the first.
pub struct VerdictWriter<W: Write> {
    out: Out<W>,
}

enum Out<W: Write> {
    Table { out: W, wrote_header: bool },
    /// The serde [`Verdict`] as it is (camelCase), one a line.
    Jsonl(W),
    /// csv quotes fields properly; it buffers, and [`VerdictWriter::finish`] flushes.
    Csv { out: Box<csv::Writer<W>>, wrote_header: bool },
}

impl<W: Write> VerdictWriter<W> {
    pub fn new(format: OutputFormat, out: W) -> VerdictWriter<W> {
        let out = match format {
            OutputFormat::Table => Out::Table { out, wrote_header: false },
            OutputFormat::Jsonl => Out::Jsonl(out),
            OutputFormat::Csv => Out::Csv { out: Box::new(csv::Writer::from_writer(out)), wrote_header: false },
        };
        VerdictWriter { out }
    }

    /// One verdict; `msg` is the message it is about (the table shows the start of its text).
    pub fn write(&mut self, msg: &Message, v: &Verdict) -> io::Result<()> {
        match &mut self.out {
            Out::Jsonl(out) => {
                serde_json::to_writer(&mut *out, v)?;
                out.write_all(b"\n")
            }
            Out::Csv { out, wrote_header } => {
                if !*wrote_header {
                    *wrote_header = true;
                    out.write_record(["id", "lang", "primary", "categories", "severity", "response", "reply_within_minutes", "evidence", "reply"])?;
                }
                let cats: Vec<String> = v.categories.iter().map(|c| format!("{}:{:.2}", c.category, c.score)).collect();
                let ev: Vec<&str> = v.categories.iter().flat_map(|c| c.evidence.iter().map(|e| e.text.as_str())).collect();
                out.write_record([
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
                Ok(())
            }
            Out::Table { out, wrote_header } => {
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

    /// Flushes everything written.
    pub fn finish(self) -> io::Result<()> {
        match self.out {
            Out::Table { mut out, .. } | Out::Jsonl(mut out) => out.flush(),
            Out::Csv { mut out, .. } => out.flush(),
        }
    }
}
