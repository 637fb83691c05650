//! CSV and TSV exports: a header row, then one message a record (RFC 4180 quoting, newlines
//! inside quotes), read with the `csv` crate.

use super::{aliases, Field, Fields, Item, Mapping, Options, Problem};
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// The delimiter a CSV header line uses: the most frequent of `,`, `;` (French spreadsheet
/// exports) and tab outside quotes; `,` when it has none. Blank lines before it are passed over.
pub(super) fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in header.iter().skip_while(|&&b| b == b'\r' || b == b'\n').take_while(|&&b| b != b'\n') {
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

/// The columns of the fields, by header position.
struct Columns {
    text: usize,
    /// Every field's column, [`Field::ALL`]'s order.
    of: [Option<usize>; 8],
    /// How many columns the header has.
    width: usize,
    /// The text column's name as written, for messages.
    text_name: String,
}

/// The column of each field in a header (`names` as written), [`Field::ALL`]'s order: the one the
/// mapping names (none when it names `""`), else the first of the field's [`aliases`] the header
/// has; case and surrounding spaces aside. With the first problem, if any: a column the mapping
/// names that the header lacks (named, with the header listed), or no text column.
pub(super) fn columns_of(names: &[String], mapping: &Mapping) -> ([Option<usize>; 8], Option<String>) {
    let lowered: Vec<String> = names.iter().map(|h| h.trim().to_lowercase()).collect();
    let listed = || names.iter().map(|n| format!("{:?}", n.trim())).collect::<Vec<_>>().join(", ");
    let mut of = [None; 8];
    let mut problem = None;
    for field in Field::ALL {
        of[field as usize] = match mapping.get(field).map(str::trim) {
            Some("") => None,
            Some(given) => {
                let at = lowered.iter().position(|n| *n == given.to_lowercase());
                if at.is_none() && problem.is_none() {
                    problem = Some(format!("the {} column {given:?} is not in the CSV header (columns: {})", field.as_str(), listed()));
                }
                at
            }
            None => aliases(field.as_str()).iter().find_map(|a| lowered.iter().position(|n| n == a)),
        };
    }
    if of[Field::Text as usize].is_none() && problem.is_none() {
        problem = Some(match mapping.text.as_deref().map(str::trim) {
            Some("") => format!("no column was chosen for the text (columns: {})", listed()),
            _ => format!("the CSV header has no text column (looked for {}; columns: {})", aliases("text").join(", "), listed()),
        });
    }
    (of, problem)
}

/// The `csv` crate's reader as both the rows and the preview use it: a delimiter, records of any
/// length (a short or long row is reported, not fatal).
pub(super) fn builder(delimiter: u8) -> ::csv::ReaderBuilder {
    let mut b = ::csv::ReaderBuilder::new();
    b.delimiter(delimiter).flexible(true);
    b
}

pub(super) struct Rows<R> {
    csv: ::csv::Reader<QuoteWatch<R>>,
    record: ::csv::ByteRecord,
    columns: Columns,
}

impl<R: BufRead> Rows<R> {
    /// Reads the header and finds the columns; fails without a text column (or a time column
    /// when the options require one).
    pub(super) fn new(mut input: R, options: &Options) -> Result<Rows<R>, Problem> {
        let unreadable = |e: &dyn std::fmt::Display| Problem::new(1, format!("cannot read the CSV header: {e}"));
        let delimiter = match options.delimiter {
            Some(d) => d,
            None => sniff_delimiter(input.fill_buf().map_err(|e| unreadable(&e))?),
        };
        let mut csv = builder(delimiter).from_reader(QuoteWatch::new(input, delimiter));
        let headers = csv.byte_headers().map_err(|e| unreadable(&e))?.clone();
        let line = headers.position().map_or(1, |p| csv.get_mut().line_at(p.byte()));
        let shown: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
        let (of, problem) = columns_of(&shown, &options.mapping);
        if let Some(m) = problem {
            return Err(Problem::new(line, m));
        }
        let text = of[Field::Text as usize].unwrap_or_default();
        if of[Field::Time as usize].is_none() && options.time_required {
            let m = format!("the CSV header has no time column (looked for {}; columns: {})", aliases("time").join(", "), shown.join(", "));
            return Err(Problem::new(line, m));
        }
        let columns = Columns { text, of, width: shown.len(), text_name: shown[text].clone() };
        Ok(Rows { csv, record: ::csv::ByteRecord::new(), columns })
    }

    /// Reads one record into `out`; `false` at the end of the input.
    pub(super) fn step(&mut self, out: &mut VecDeque<Item>) -> Result<bool, Problem> {
        let record = &mut self.record;
        match self.csv.read_byte_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| self.csv.get_mut().line_at(p.byte()));
                if let ::csv::ErrorKind::Io(io) = e.kind() {
                    return Err(Problem::new(line, format!("read error: {io}")));
                }
                out.push_back(Item::Error(Problem::new(line, format!("unreadable CSV row ({e}); row skipped"))));
                return Ok(true);
            }
        }
        let start = record.position().map_or(0, |p| p.byte());
        let end = self.csv.position().byte();
        let watch = self.csv.get_mut();
        let line = watch.line_at(start);
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            return Ok(true);
        }
        if watch.unterminated().is_some_and(|at| start <= at && at < end) {
            out.push_back(Item::Error(Problem::new(line, "a quoted field is never closed: the rest of the file was not read")));
            return Ok(false);
        }
        let c = &self.columns;
        if record.iter().skip(c.width).any(|f| !f.is_empty()) {
            let n = record.len() - record.iter().rev().take_while(|f| f.is_empty()).count();
            let m = format!("{n} fields but the header has {}: quote fields that contain the delimiter; row skipped", c.width);
            out.push_back(Item::Error(Problem::new(line, m)));
            return Ok(true);
        }
        let get = |i: Option<usize>| -> Result<Option<String>, String> {
            match i.and_then(|i| record.get(i)) {
                None => Ok(None),
                Some(b) => std::str::from_utf8(b).map(|s| Some(s.to_string())).map_err(|e| format!("invalid UTF-8 at byte {} of a field", e.valid_up_to())),
            }
        };
        let col = |f: Field| c.of[f as usize];
        let (text, id) = match (get(Some(c.text)), get(col(Field::Id))) {
            (Ok(Some(t)), Ok(i)) => (t, i),
            (Ok(None), _) => {
                out.push_back(Item::Error(Problem::new(line, format!("the row has no {:?} column; row skipped", c.text_name))));
                return Ok(true);
            }
            (Err(e), _) | (_, Err(e)) => {
                out.push_back(Item::Error(Problem::new(line, format!("{e}; row skipped"))));
                return Ok(true);
            }
        };
        // Other columns: a field that cannot be read is left out, not the row.
        let optional = |f: Field| get(col(f)).ok().flatten();
        let fields = Fields {
            text,
            id,
            author: optional(Field::Author),
            platform: optional(Field::Platform),
            lang: optional(Field::Lang),
            reach: optional(Field::Reach),
            time: optional(Field::Time),
            replied: optional(Field::Replied),
        };
        fields.push(line, line, out);
        Ok(true)
    }
}

/// Follows the bytes the CSV reader reads: their quoting, as the reader does, to tell a quoted
/// field that is never closed (the `csv` crate takes the rest of the file as its value), and
/// their line ends, to tell each record's line.
struct QuoteWatch<R> {
    inner: R,
    delimiter: u8,
    /// Bytes read so far.
    offset: u64,
    /// At the start of a field (a quote there opens a quoted field).
    field_start: bool,
    quoted: bool,
    /// Inside quotes, just after a quote: closed, unless another quote follows (`""`).
    after_quote: bool,
    /// Where the last quoted field opened.
    opened: u64,
    eof: bool,
    /// Where each line end (`\n` or `\r`) is that [`QuoteWatch::line_at`] has not passed yet.
    ends: VecDeque<(u64, u8)>,
    /// Newlines counted so far.
    lines: u64,
}

impl<R> QuoteWatch<R> {
    fn new(inner: R, delimiter: u8) -> QuoteWatch<R> {
        QuoteWatch { inner, delimiter, offset: 0, field_start: true, quoted: false, after_quote: false, opened: 0, eof: false, ends: VecDeque::new(), lines: 0 }
    }

    /// Where a quoted field opened that the input never closes, once the input is read to the end.
    fn unterminated(&self) -> Option<u64> {
        (self.eof && self.quoted && !self.after_quote).then_some(self.opened)
    }

    /// The line (from 1) of the record the `csv` crate says starts at `offset`, for offsets that
    /// never go back. The crate's own line count does not count `\r\n` line ends, and its records
    /// start at the blank lines it skips before them: they are skipped here too.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        while let Some(&(end, b)) = self.ends.front() {
            if end < offset || end == at {
                at += u64::from(end == at);
                self.lines += u64::from(b == b'\n');
                self.ends.pop_front();
            } else {
                break;
            }
        }
        self.lines + 1
    }

    fn watch(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' || b == b'\r' {
                self.ends.push_back((self.offset, b));
            }
            if self.quoted && !self.after_quote {
                self.after_quote = b == b'"';
            } else if self.quoted && b == b'"' {
                self.after_quote = false; // `""`: a quote inside the field
            } else if !self.quoted && self.field_start && b == b'"' {
                self.quoted = true;
                self.opened = self.offset;
                self.field_start = false;
            } else {
                self.quoted = false;
                self.after_quote = false;
                self.field_start = b == self.delimiter || b == b'\n' || b == b'\r';
            }
            self.offset += 1;
        }
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.eof |= n == 0 && !buf.is_empty();
        self.watch(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_header_s_most_frequent_outside_quotes() {
        assert_eq!(sniff_delimiter(b"id,text,author\n1;2;3;4;5\n"), b',');
        assert_eq!(sniff_delimiter(b"Identifiant;Texte;Auteur\n"), b';');
        assert_eq!(sniff_delimiter(b"id\ttext\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a,b,c\";text\n"), b';');
        assert_eq!(sniff_delimiter(b"text\n"), b',');
        assert_eq!(sniff_delimiter(b"\r\n\na;b\n"), b';');
    }

    #[test]
    fn a_quote_left_open_is_seen_and_a_doubled_one_is_not() {
        for (csv, open) in [("a,\"b\"\"c\",d\n", None), ("a,b\"c,d\n", None), ("a,\"b\n", Some(2)), ("\"x\"\n1,\"never", Some(6)), ("a,\"\"\n", None)] {
            let mut w = QuoteWatch::new(csv.as_bytes(), b',');
            io::copy(&mut w, &mut io::sink()).unwrap();
            assert_eq!(w.unterminated(), open, "{csv:?}");
        }
    }
}
