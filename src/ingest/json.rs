//! JSON Lines, a JSON array, and plain text with a message per line.

use super::{aliases, Field, Fields, Format, Item, Options, Problem};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::BufRead;

/// What a reader does with each JSON value it reads, with its line and (in an array) its place:
/// [`value`] for the reader, a copy of the object for the preview. It may push problems.
pub(super) type OnValue<'a> = dyn FnMut(u64, Option<usize>, Value, &mut VecDeque<Item>) + 'a;

/// Line by line: JSON Lines or plain text.
pub(super) struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    line: u64,
}

impl<R: BufRead> Lines<R> {
    pub(super) fn new(input: R) -> Lines<R> {
        Lines { input, buf: Vec::new(), line: 0 }
    }

    /// Reads one line into `out`; `false` at the end of the input.
    pub(super) fn step(&mut self, format: Format, on_value: &mut OnValue, out: &mut VecDeque<Item>) -> Result<bool, Problem> {
        self.buf.clear();
        let n = self.input.read_until(b'\n', &mut self.buf).map_err(|e| Problem::new(self.line + 1, format!("read error: {e}")))?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        let line = self.line;
        let text = match std::str::from_utf8(&self.buf) {
            Ok(t) => t.trim(),
            Err(e) => {
                out.push_back(Item::Error(Problem::new(line, format!("invalid UTF-8 at byte {} of the line; row skipped", e.valid_up_to()))));
                return Ok(true);
            }
        };
        if text.is_empty() {
            return Ok(true);
        }
        if format == Format::Lines {
            Fields { text: text.to_string(), ..Fields::default() }.push(line, line, out);
            return Ok(true);
        }
        match serde_json::from_str::<Value>(text) {
            Ok(v) => on_value(line, None, v, out),
            Err(e) => out.push_back(Item::Error(Problem::new(line, format!("not valid JSON ({e}); row skipped")))),
        }
        Ok(true)
    }
}

/// The items of a JSON array, each with the line it starts on.
pub(super) struct Items {
    bytes: Vec<u8>,
    /// Where to read next, and the line it is on.
    at: usize,
    line: u64,
    /// Items read so far; 0 before the `[`.
    index: usize,
    started: bool,
}

impl Items {
    pub(super) fn new(bytes: Vec<u8>) -> Items {
        Items { bytes, at: 0, line: 1, index: 0, started: false }
    }

    /// Moves past whitespace; the byte there.
    fn skip_space(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.at) {
            if !b.is_ascii_whitespace() {
                return Some(b);
            }
            self.line += u64::from(b == b'\n');
            self.at += 1;
        }
        None
    }

    /// Reads one item into `out`; `false` at the end of the array (or where it stops making sense).
    pub(super) fn step(&mut self, on_value: &mut OnValue, out: &mut VecDeque<Item>) -> bool {
        fn stop(out: &mut VecDeque<Item>, line: u64, m: String) -> bool {
            out.push_back(Item::Error(Problem::new(line, m)));
            false
        }
        if !self.started {
            self.started = true;
            if self.skip_space() != Some(b'[') {
                return stop(out, self.line, "expected an array of messages: `[{\"text\": …}, …]`".into());
            }
            self.at += 1;
            if self.skip_space() == Some(b']') {
                return false;
            }
        }
        self.skip_space();
        let start_line = self.line;
        self.index += 1;
        let mut values = serde_json::Deserializer::from_slice(&self.bytes[self.at..]).into_iter::<Value>();
        let item = match values.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                // Its own "at line 1 column 13" counts from the item: the line is given instead.
                let what = e.to_string();
                let what = what.split(" at line ").next().unwrap_or_default();
                return stop(out, start_line + e.line().saturating_sub(1) as u64, format!("item {}: not valid JSON ({what}); the rest was not read", self.index));
            }
            None => return stop(out, self.line, format!("the array is not closed after item {}", self.index - 1)),
        };
        let end = self.at + values.byte_offset();
        self.line += self.bytes[self.at..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = end;
        on_value(start_line, Some(self.index), item, out);
        match self.skip_space() {
            Some(b',') => {
                self.at += 1;
                true
            }
            Some(b']') => false,
            _ => stop(out, self.line, format!("expected `,` or `]` after item {}; the rest was not read", self.index)),
        }
    }
}

/// One JSON value as a message: an object with a text field, or a string (the text).
/// An array's `item` (from 1) is named in its messages (`item 3: `) and is its id when it has
/// none: its items may share a line.
pub(super) fn value(line: u64, item: Option<usize>, v: Value, options: &Options, out: &mut VecDeque<Item>) {
    let what = item.map_or(String::new(), |i| format!("item {i}: "));
    let fields = match v {
        Value::String(text) => Ok(Fields { text, ..Fields::default() }),
        Value::Object(obj) => object(&obj, options),
        _ => Err("not a JSON object or string; row skipped".to_string()),
    };
    match fields {
        Ok(f) => {
            let first = out.len();
            f.push(line, item.map_or(line, |i| i as u64), out);
            if !what.is_empty() {
                for i in out.iter_mut().skip(first) {
                    if let Item::Warning(p) = i {
                        p.message.insert_str(0, &what);
                    }
                }
            }
        }
        Err(m) => out.push_back(Item::Error(Problem::new(line, format!("{what}{m}")))),
    }
}

/// An object's fields: the key the user named (none for `""`), else the first of the names an
/// export may use (`text`, `message`, `texte`…, any case), as for a CSV header. Objects may leave
/// out keys they have no value for: a named key an object lacks is a field left out, except the
/// text's (the row is then an error).
fn object(obj: &Map<String, Value>, options: &Options) -> Result<Fields, String> {
    let lowered: Vec<(String, &String)> = obj.keys().map(|k| (k.trim().to_lowercase(), k)).collect();
    let key = |of: Field| -> Option<&str> {
        match options.mapping.get(of).map(str::trim) {
            Some("") => None,
            // The key as the object writes it, case aside; else as given (then it is absent).
            Some(given) => Some(lowered.iter().find(|(l, _)| *l == given.to_lowercase()).map_or(given, |(_, k)| k.as_str())),
            None => aliases(of.as_str()).iter().find_map(|a| lowered.iter().find(|(l, _)| l == a).map(|(_, k)| k.as_str())),
        }
    };
    let field = |of: Field| -> Option<String> {
        match obj.get(key(of)?)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let text = match key(Field::Text) {
        None => return Err("no text field (text, message, texte…); row skipped".into()),
        Some(k) => match obj.get(k) {
            None => return Err(format!("no {k:?} field; row skipped")),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(format!("field {k:?} is not a string; row skipped")),
        },
    };
    Ok(Fields {
        text,
        id: field(Field::Id),
        author: field(Field::Author),
        platform: field(Field::Platform),
        lang: field(Field::Lang),
        reach: field(Field::Reach),
        time: field(Field::Time),
        replied: field(Field::Replied),
    })
}
