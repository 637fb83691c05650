//! Reading exports: the one place that turns a file of messages into [`Message`]s, for the
//! command line and, through wasm, the triage page.
//!
//! ```text
//!   bytes ──BOM──▶ detect ─┬─ csv    header row, `,` `;` or tab (csv.rs)
//!                          ├─ jsonl  one object (or string) per line   ┐
//!                          ├─ json   one array of them                 ├ (json.rs)
//!                          └─ lines  plain text, a message per line    ┘
//!            every row ──▶ fields by name (Mapping, else ALIASES) ──▶ Row {line, message, time, replied}
//!                                                              └──▶ Problem {line, message}: errors, warnings
//!   preview(): the same readers, stopped after a few records ──▶ Preview {columns, rows, guessed}
//! ```
//!
//! Nothing is printed and nothing is dropped silently: a row that cannot be read is an
//! [`Item::Error`] with its line (the row is left out), a field that cannot be read is an
//! [`Item::Warning`] (the field is left out, the row stays). Only what stops the whole input is an
//! [`Error`]: a CSV header without a text column, a read error.
//!
//! ```
//! use sentinelle::ingest::{self, Format, Options};
//!
//! let export = "Identifiant;Texte;Abonnés\n7;\"Merci ; super\";12 400\n8\n";
//! let read = ingest::read_str(export, &Options::default());
//! assert_eq!(read.format, Format::Csv);
//! assert_eq!(read.messages[0].message.text, "Merci ; super");
//! assert_eq!(read.messages[0].message.reach, Some(12400));
//! assert_eq!((read.errors[0].line, read.errors.len()), (3, 1)); // line 3 has no text
//! ```

mod csv;
mod json;
mod preview;
mod time;

pub use preview::{preview, Preview, PREVIEW_ROWS};

pub use time::{iso, parse_time, TIME_FORMATS};

use crate::{Error, Message, Result};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::io::{BufRead, Read};

/// The shapes an export comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A header row naming the columns (see [`ALIASES`]), then one message a record.
    Csv,
    /// JSON Lines: one object a line (or one JSON string, the message's text).
    Jsonl,
    /// One JSON array of such objects or strings.
    Json,
    /// Plain text: every non-blank line is a message.
    Lines,
}

impl Format {
    /// `"csv"`, `"jsonl"`, `"json"`, `"lines"`; `"auto"` (or `""`) is `None`: [`detect`] decides.
    pub fn from_name(name: &str) -> Result<Option<Format>> {
        Ok(Some(match name {
            "auto" | "" => return Ok(None),
            "csv" => Format::Csv,
            "jsonl" => Format::Jsonl,
            "json" => Format::Json,
            "lines" => Format::Lines,
            other => return Err(Error::invalid(format!("unknown input format {other:?}: use auto, csv, jsonl, json or lines"))),
        }))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Lines => "lines",
        }
    }
}

/// How to read an export. The default detects the format and finds every field by its usual names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// `None`: [`detect`] it from the first line.
    pub format: Option<Format>,
    /// The column (or key) the user chose for each field; a field left `None` is found by
    /// [`ALIASES`].
    pub mapping: Mapping,
    /// A CSV without a time column is an error (a timeline needs times), not rows without times.
    pub time_required: bool,
    /// The CSV delimiter (`b'\t'` for a `.tsv`); `None`: the header's most frequent of `,` `;` tab.
    pub delimiter: Option<u8>,
}

impl Options {
    /// These options with `field` read from `column` (`""`: the field is not read at all).
    pub fn with(mut self, field: Field, column: &str) -> Options {
        *self.mapping.get_mut(field) = Some(column.to_string());
        self
    }
}

/// What a message is made of, as an export's columns may hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Text,
    Id,
    Author,
    Time,
    Platform,
    Reach,
    Lang,
    /// When the message was answered (a timestamp, not a duration): the review's reply times.
    Replied,
}

impl Field {
    pub const ALL: [Field; 8] = [Field::Text, Field::Id, Field::Author, Field::Time, Field::Platform, Field::Reach, Field::Lang, Field::Replied];

    /// `"text"`, `"id"`, … `"replied"`: the names of [`ALIASES`], [`Mapping`]'s keys and the
    /// command line's `--NAME-field` flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Id => "id",
            Field::Author => "author",
            Field::Time => "time",
            Field::Platform => "platform",
            Field::Reach => "reach",
            Field::Lang => "lang",
            Field::Replied => "replied",
        }
    }
}

/// The column (CSV) or key (JSON) the user chose for each field, by its name as written (case
/// and surrounding spaces aside). `None`: the first of [`ALIASES`]' names the input has; `""`:
/// none, the field is not read. As the triage page sends it: `{text?, id?, author?, time?,
/// platform?, reach?, lang?, replied?}`, `null` as `None`.
///
/// A CSV header without a column the user named is an error naming it and listing the header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    pub text: Option<String>,
    pub id: Option<String>,
    pub author: Option<String>,
    pub time: Option<String>,
    pub platform: Option<String>,
    pub reach: Option<String>,
    pub lang: Option<String>,
    pub replied: Option<String>,
}

impl Mapping {
    /// The column chosen for `field`, as given.
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::Text => &self.text,
            Field::Id => &self.id,
            Field::Author => &self.author,
            Field::Time => &self.time,
            Field::Platform => &self.platform,
            Field::Reach => &self.reach,
            Field::Lang => &self.lang,
            Field::Replied => &self.replied,
        }
        .as_deref()
    }

    fn get_mut(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::Text => &mut self.text,
            Field::Id => &mut self.id,
            Field::Author => &mut self.author,
            Field::Time => &mut self.time,
            Field::Platform => &mut self.platform,
            Field::Reach => &mut self.reach,
            Field::Lang => &mut self.lang,
            Field::Replied => &mut self.replied,
        }
    }
}

/// The names exports give each field, case and surrounding spaces aside, in order of preference
/// (the first a header has wins: a "Message" column is the text before a "Subject" one).
///
/// Besides the generic names, the column names of the tools teams export from. Where they come
/// from (checked 2025; the tools rename columns, and an export a team customised may differ: the
/// triage page lets the user map any column by hand):
/// - Hootsuite Inbox 2.0 and Sparkcentral data exports (help.hootsuite.com articles 5407290386843
///   and 7801599392411): `Conversation ID`, `Medium` (the network), `Channel`, `Channel Display
///   Name`, `Contact Primary Identifier` (name or alias), `Created at`. Their message export's own
///   text column is not listed in what could be read of those pages: `Message`/`Content`/`Text`
///   are assumed.
/// - Facebook Page Insights "Post Data" exports, carried into Meta Business Suite's content
///   export (beckmanncollaborative.com's walk-through of the export): `Post ID`, `Permalink`,
///   `Post Message`, `Type`. `Publish time`, `Description` (the post's text) and `Page name` are
///   the newer Meta Business Suite names as reported by users; not confirmed from Meta's own
///   documentation. Meta has no documented CSV export of inbox comments.
/// - Zendesk: the ticket fields of its CSV/JSON exports and API (support.zendesk.com article
///   4408886165402; the ticket schema: `id`, `subject`, `description`, `requester`, `created_at`,
///   `via`). The CSV export's capitalised headers (`Requester`, `Created at`, `Subject`,
///   `Description`) match case aside. Zendesk's "first reply time" is a duration in minutes, not
///   when the ticket was answered: it is deliberately not a `replied` name.
/// - Sprout Social: its Inbox reports name `First Reply Time` (a duration, not used) and its
///   message API `text`, `network`, `from`, `created_time`; the column names of its message CSV
///   export could not be confirmed: `Message`, `Network`, `From`, `Profile`, `Timestamp`/`Date`
///   are covered by the generic names.
/// - Intercom's conversation export (documented by its exporter, prodsight.ai): `message_body`,
///   `message_created_at`, `message_author_name`, `conversation_first_response_at` (a timestamp).
pub const ALIASES: [(&str, &[&str]); 8] = [
    ("text", &[
        "text", "message", "comment", "body", "content", "texte", "commentaire", "contenu", "full_text",
        "post message", "message_body", "message body", "message text", "comment text", "comment message",
        "description", "subject", "sujet", "objet",
    ]),
    ("id", &[
        "id", "message_id", "comment_id", "tweet_id", "identifiant",
        "message id", "comment id", "post id", "ticket id", "ticket_id", "conversation id", "conversation_id",
    ]),
    ("author", &[
        "author", "user", "username", "user_name", "name", "auteur", "from", "screen_name",
        "author name", "author_name", "message_author_name", "from name", "from_name", "sender", "sender name",
        "contact primary identifier", "contact name", "requester", "requester name", "demandeur", "expéditeur",
    ]),
    ("platform", &["platform", "network", "source", "plateforme", "réseau", "medium", "social network", "channel", "canal"]),
    ("lang", &["lang", "language", "langue"]),
    ("reach", &["reach", "followers", "followers_count", "abonnés", "abonnes", "follower count", "followers count", "audience"]),
    ("time", &[
        "time", "date", "created_at", "created", "timestamp", "datetime", "heure",
        "created at", "message_created_at", "received", "received at", "publish time", "published", "sent at",
        "date de création", "créé le",
    ]),
    // Timestamps of the answer only: a reply *time* that is a duration ("first reply time", in
    // minutes) cannot be read as one, so it is not listed; `reply_time` is, as some in-house
    // exports write a timestamp under it (a duration there is a warning per row, not a wrong time).
    ("replied", &[
        "replied_at", "replied at", "reply_at", "reply at", "first_reply_at", "first reply at", "responded_at", "responded at",
        "first_response_at", "conversation_first_response_at", "reply_time", "répondu le", "repondu le", "date de réponse",
        "date de reponse", "réponse le",
    ]),
];

/// The names a field goes by (see [`ALIASES`]).
pub fn aliases(field: &str) -> &'static [&'static str] {
    ALIASES.iter().find(|a| a.0 == field).map_or(&[], |a| a.1)
}

/// One message read, with the line it starts on (counting from 1; a CSV header is line 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    /// Its id is the export's, else the line number (`"12"`; in a JSON array, the item's place),
    /// so output lines up with input.
    /// Its `time` is the time field read by [`parse_time`], when it could be.
    pub message: Message,
    /// The time field as written, when not blank.
    pub time: Option<String>,
    /// When the message was answered, in milliseconds since the epoch (the `replied` field, read
    /// by [`parse_time`]): not part of [`Message`], which is what the engine triages.
    pub replied: Option<f64>,
}

/// `{line, id, text, author?, time?, platform?, lang?, reach?, repliedAt?}`: what the triage page
/// lists (`time` and `repliedAt` in milliseconds since the epoch).
impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let m = &self.message;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("line", &self.line)?;
        map.serialize_entry("id", &m.id)?;
        map.serialize_entry("text", &m.text)?;
        for (name, value) in [("author", &m.author), ("platform", &m.platform), ("lang", &m.lang)] {
            if let Some(v) = value {
                map.serialize_entry(name, v)?;
            }
        }
        if let Some(t) = m.time {
            map.serialize_entry("time", &t)?;
        }
        if let Some(r) = m.reach {
            map.serialize_entry("reach", &r)?;
        }
        if let Some(r) = self.replied {
            map.serialize_entry("repliedAt", &r)?;
        }
        map.end()
    }
}

/// Something wrong with one line of the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub line: u64,
    pub message: String,
    /// For a warning, the field left out (`"time"`, `"reach"`): a command that does not use it
    /// may pass over the warning.
    #[serde(skip)]
    pub field: Option<&'static str>,
}

impl Problem {
    fn new(line: u64, message: impl Into<String>) -> Problem {
        Problem { line, message: message.into(), field: None }
    }
}

/// What [`Reader`] yields, in input order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Row(Row),
    /// A row that cannot be read: it is left out.
    Error(Problem),
    /// A field that cannot be read (a time, a follower count): left out, the row stays.
    Warning(Problem),
}

/// A whole input read at once ([`read_str`]): what the triage page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingested {
    pub format: Format,
    pub messages: Vec<Row>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Reads a whole export held in memory. Never fails: what stops the input (a CSV header without
/// a text column) is one of `errors`, and the rows before it are kept.
pub fn read_str(text: &str, options: &Options) -> Ingested {
    read_bytes(text.as_bytes(), options)
}

/// [`read_str`] on bytes (a field that is not UTF-8 is an error on its line).
pub fn read_bytes(bytes: &[u8], options: &Options) -> Ingested {
    let format = options.format.unwrap_or_else(|| detect(bytes.strip_prefix(BOM).unwrap_or(bytes), options));
    let mut out = Ingested { format, messages: Vec::new(), errors: Vec::new(), warnings: Vec::new() };
    let options = Options { format: Some(format), ..options.clone() };
    match Reader::open(bytes, &options) {
        Err(p) => out.errors.push(p),
        Ok(reader) => {
            let mut reader = reader;
            while let Some(step) = reader.step() {
                match step {
                    Ok(Item::Row(r)) => out.messages.push(r),
                    Ok(Item::Error(p)) => out.errors.push(p),
                    Ok(Item::Warning(p)) => out.warnings.push(p),
                    Err(p) => out.errors.push(p),
                }
            }
        }
    }
    out
}

/// A byte-order mark (spreadsheet and Windows exports): not part of the first row.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The format the start of an export looks like: `[` a JSON array, `{` JSON Lines, a first line
/// naming a text column (one of [`ALIASES`]' or the one the mapping names) CSV, a JSON string JSON
/// Lines; anything else plain text, a message per line.
pub fn detect(head: &[u8], options: &Options) -> Format {
    let head = String::from_utf8_lossy(head.strip_prefix(BOM).unwrap_or(head));
    let head = head.trim_start();
    match head.as_bytes().first() {
        Some(b'[') => return Format::Json,
        Some(b'{') => return Format::Jsonl,
        None => return Format::Lines,
        _ => {}
    }
    let first = head.lines().next().unwrap_or("");
    let delimiter = csv::sniff_delimiter(first.as_bytes()) as char;
    let named = options.mapping.text.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let is_text = |cell: &str| {
        let cell = cell.trim().trim_matches('"').trim().to_lowercase();
        aliases("text").contains(&cell.as_str()) || named.as_deref() == Some(cell.as_str())
    };
    if first.split(delimiter).any(is_text) {
        return Format::Csv;
    }
    if serde_json::from_str::<String>(first.trim()).is_ok() {
        return Format::Jsonl;
    }
    Format::Lines
}

/// Reads an export row by row from any [`BufRead`] (a file, standard input, `&[u8]`): an
/// iterator of [`Item`]s, in input order, ending early with an `Err` only on a read error.
///
/// ```
/// use sentinelle::ingest::{Item, Options, Reader};
///
/// let input = "{\"text\": \"bonjour\", \"followers\": \"beaucoup\"}\nnot json\n";
/// let items: Vec<Item> = Reader::new(input.as_bytes(), &Options::default())?.collect::<Result<_, _>>()?;
/// assert!(matches!(&items[0], Item::Warning(p) if p.line == 1)); // the follower count is left out
/// assert!(matches!(&items[1], Item::Row(r) if r.message.id.as_deref() == Some("1")));
/// assert!(matches!(&items[2], Item::Error(p) if p.line == 2));
/// # Ok::<(), sentinelle::Error>(())
/// ```
pub struct Reader<R: BufRead> {
    format: Format,
    inner: Inner<Prefixed<R>>,
    options: Options,
    pending: VecDeque<Item>,
}

enum Inner<R: BufRead> {
    Lines(json::Lines<R>),
    Csv(Box<csv::Rows<R>>),
    Json(json::Items),
    Done,
}

impl<R: BufRead> Reader<R> {
    /// Opens an export: skips a byte-order mark, detects the format unless `options` names it,
    /// reads a CSV's header. Fails when the header has no text column (or no time column when
    /// [`Options::time_required`]), or when the input cannot be read.
    pub fn new(input: R, options: &Options) -> Result<Reader<R>> {
        Reader::open(input, options).map_err(|p| Error::input(Some(p.line), p.message))
    }

    fn open(mut input: R, options: &Options) -> std::result::Result<Reader<R>, Problem> {
        let unreadable = |e: std::io::Error| Problem::new(1, format!("cannot read the input: {e}"));
        // The first line that is not blank, whole, whatever the buffer's size: the format and a
        // CSV's delimiter are read from it. The byte-order mark is looked for in that line, not in
        // the reader's buffer, which may hold fewer than its three bytes (found by fuzzing: a
        // one-byte buffer kept the mark in the first message's text).
        let mut head = Vec::new();
        let mut first = true;
        // Blank as `detect` reads it (Unicode white space, vertical tab and no-break space too),
        // or a file read whole and one streamed could be given different formats (found by
        // fuzzing: lines of vertical tabs before a CSV header).
        let blank = |head: &[u8]| String::from_utf8_lossy(head).trim().is_empty();
        while blank(&head) && input.read_until(b'\n', &mut head).map_err(unreadable)? > 0 {
            if std::mem::take(&mut first) && head.starts_with(BOM) {
                head.drain(..BOM.len());
            }
        }
        let format = options.format.unwrap_or_else(|| detect(&head, options));
        let mut input = Prefixed { head, at: 0, rest: input };
        let inner = match format {
            Format::Jsonl | Format::Lines => Inner::Lines(json::Lines::new(input)),
            Format::Csv => Inner::Csv(Box::new(csv::Rows::new(input, options)?)),
            Format::Json => {
                let mut bytes = Vec::new();
                input.read_to_end(&mut bytes).map_err(unreadable)?;
                Inner::Json(json::Items::new(bytes))
            }
        };
        Ok(Reader { format, inner, options: options.clone(), pending: VecDeque::new() })
    }

    /// The format read (detected, or as given).
    pub fn format(&self) -> Format {
        self.format
    }

    /// The next item, or the problem that stopped the input.
    fn step(&mut self) -> Option<std::result::Result<Item, Problem>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(item));
            }
            let more = match &mut self.inner {
                Inner::Lines(l) => l.step(self.format, &mut |line, item, v, out| json::value(line, item, v, &self.options, out), &mut self.pending),
                Inner::Csv(c) => c.step(&mut self.pending),
                Inner::Json(j) => Ok(j.step(&mut |line, item, v, out| json::value(line, item, v, &self.options, out), &mut self.pending)),
                Inner::Done => Ok(false),
            };
            match more {
                Ok(true) => {}
                Ok(false) => {
                    self.inner = Inner::Done;
                    return self.pending.pop_front().map(Ok);
                }
                Err(p) => {
                    self.inner = Inner::Done;
                    return Some(Err(p));
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        self.step().map(|s| s.map_err(|p| Error::input(Some(p.line), p.message)))
    }
}

/// The first line, read ahead, then the rest.
struct Prefixed<R> {
    head: Vec<u8>,
    at: usize,
    rest: R,
}

impl<R: BufRead> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.read(buf)?;
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Prefixed<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at < self.head.len() {
            return Ok(&self.head[self.at..]);
        }
        self.rest.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.at < self.head.len() {
            self.at += n;
        } else {
            self.rest.consume(n);
        }
    }
}

/// A row's fields by name, as written, before they are read into a [`Message`].
#[derive(Default)]
struct Fields {
    text: String,
    id: Option<String>,
    author: Option<String>,
    platform: Option<String>,
    lang: Option<String>,
    reach: Option<String>,
    time: Option<String>,
    replied: Option<String>,
}

impl Fields {
    /// The row, after its warnings (a time or a follower count that cannot be read is left out);
    /// without an id, it is named `number` (its line, or its place in a JSON array).
    fn push(self, line: u64, number: u64, out: &mut VecDeque<Item>) {
        let time = non_blank(self.time);
        let mut read_time = |t: Option<&str>, field: &'static str, what: &str| {
            t.and_then(|t| {
                let ms = parse_time(t);
                if ms.is_none() {
                    out.push_back(Item::Warning(Problem { field: Some(field), ..Problem::new(line, format!("cannot read the {what} {:?} (use {TIME_FORMATS}); left out", clip(t))) }));
                }
                ms
            })
        };
        let ms = read_time(time.as_deref(), "time", "time");
        let replied = read_time(non_blank(self.replied).as_deref(), "replied", "reply time");
        let reach = non_blank(self.reach).and_then(|r| {
            let n = reach_of(&r);
            if n.is_none() {
                out.push_back(Item::Warning(Problem { field: Some("reach"), ..Problem::new(line, format!("cannot read the follower count {:?}; left out", clip(&r))) }));
            }
            n
        });
        let message = Message {
            id: Some(non_blank(self.id).unwrap_or_else(|| number.to_string())),
            text: self.text,
            author: non_blank(self.author),
            time: ms,
            platform: non_blank(self.platform),
            reach,
            lang: non_blank(self.lang),
        };
        out.push_back(Item::Row(Row { line, message, time, replied }));
    }
}

/// The first 40 characters of a value quoted in a message.
fn clip(s: &str) -> &str {
    s.char_indices().nth(40).map_or(s, |(i, _)| &s[..i])
}

/// A follower count as exports write it (`12 400`, `12,400`, `12400.0`); `None` for anything else.
pub fn reach_of(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    digits.parse::<f64>().ok().filter(|r| r.is_finite() && *r >= 0.0).map(|r| r.floor() as u64)
}

/// A field's value trimmed, unless it is blank.
fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follower_counts_as_exports_write_them() {
        for (s, want) in [("12400", Some(12400)), ("12 400", Some(12400)), ("12\u{202f}400", Some(12400)), ("12,400", Some(12400)), ("12400.7", Some(12400)), ("-3", None), ("beaucoup", None), ("", None), ("inf", None)] {
            assert_eq!(reach_of(s), want, "{s:?}");
        }
    }

    #[test]
    fn the_format_is_detected_from_the_first_line() {
        let o = Options::default();
        for (head, want) in [
            ("[{\"text\":\"a\"}]", Format::Json),
            ("\u{feff}  {\"text\":\"a\"}", Format::Jsonl),
            ("\"just a string\"\n", Format::Jsonl),
            ("Identifiant;Texte\n1;a", Format::Csv),
            ("\"id\",\"message\"\n", Format::Csv),
            ("text\nbonjour\n", Format::Csv),
            ("Hello, how are you?\nfine\n", Format::Lines),
            ("id,corps\n1,a\n", Format::Lines),
            ("", Format::Lines),
        ] {
            assert_eq!(detect(head.as_bytes(), &o), want, "{head:?}");
        }
        let named = Options::default().with(Field::Text, "Corps");
        assert_eq!(detect(b"id,corps\n1,a\n", &named), Format::Csv);
    }

    #[test]
    fn format_names() {
        for f in [Format::Csv, Format::Jsonl, Format::Json, Format::Lines] {
            assert_eq!(Format::from_name(f.as_str()).unwrap(), Some(f));
        }
        assert_eq!(Format::from_name("auto").unwrap(), None);
        assert!(Format::from_name("xml").is_err());
    }
}
