//! The command line's flags: `--name value` pairs, positional arguments, and the usage text.

use sentinelle::ingest;

pub const USAGE: &str = "usage:
  sentinelle triage   [--plan FILE] [--format table|jsonl|csv] [--agent NAME] [--link URL]
                      [--input auto|csv|jsonl|json|lines] [--FIELD-field COLUMN]… FILE|-
  sentinelle timeline [--time-field NAME] [--window MINUTES] [--plan FILE] [--format table|jsonl|csv]
                      [--input auto|csv|jsonl|json|lines] [--FIELD-field COLUMN]… FILE|-
  sentinelle plan default
  sentinelle plan check FILE
  sentinelle train [--data DIR] [--out data/model.bin] [--report data/model.json] [--folds 10] [--bits 18]
                   [--prune 12] [--levels 31]
  sentinelle train --decision FILE… [--out data/decision.json] [--folds 5] [--l2 X] [--class-power X]
  sentinelle eval  [--data DIR] [--folds 10] [--card data/MODEL_CARD.md] [--only STEM,…]
  sentinelle eval  --model data/model.bin [--report data/model.json] TEST.jsonl…
  sentinelle eval  --verdicts FILE… [--plan FILE] [--decision none|FILE] [--card data/MODEL_CARD.md]

Reads CSV with a header row (`,`, `;` or tab), JSONL (one object per line with a \"text\" field,
optional \"id\", \"author\", \"time\"…), a JSON array of such objects, or plain text with one message
per line; the format is found from the file's name and first line unless --input names it.
Each field is found by its usual column names (Message, Post Message, Description, Requester,
Created at, Medium…) unless --FIELD-field names its column (\"\" leaves it out); FIELD is text, id,
author, time, platform, reach, lang or replied (when the message was answered: a timestamp).
Verdicts are a heuristic to help a person decide, not a judgement.";

/// Parsed flags: `--name value` pairs and positional arguments.
pub struct Flags {
    pairs: Vec<(String, String)>,
    pub positional: Vec<String>,
}

impl Flags {
    pub fn parse(args: &[String], known: &[&str]) -> Result<Flags, String> {
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
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    pub fn one_input(&self) -> Result<&str, String> {
        match self.positional.as_slice() {
            [f] => Ok(f),
            [] => Err("give an input FILE, or - for standard input".into()),
            more => Err(format!("one input file at a time, got {}", more.len())),
        }
    }
}

/// The flags that name an input's columns: `--text-field`, `--id-field`, `--author-field`,
/// `--time-field`, `--platform-field`, `--reach-field`, `--lang-field`, `--replied-field`.
pub const FIELD_FLAGS: [&str; 8] = ["text-field", "id-field", "author-field", "time-field", "platform-field", "reach-field", "lang-field", "replied-field"];

/// `known` and every flag of [`FIELD_FLAGS`], for [`Flags::parse`].
pub fn with_field_flags<'a>(known: &[&'a str]) -> Vec<&'a str> {
    let mut all = known.to_vec();
    all.extend(FIELD_FLAGS.iter().filter(|f| !known.contains(f)));
    all
}

/// How to read the input: `--input` and the `--NAME-field` flags (a column name; `""` leaves
/// the field out).
pub fn ingest_options(f: &Flags) -> Result<ingest::Options, String> {
    let format = ingest::Format::from_name(f.get("input").unwrap_or("auto")).map_err(|e| format!("--input: {e}"))?;
    let mut options = ingest::Options { format, ..ingest::Options::default() };
    for field in ingest::Field::ALL {
        if let Some(column) = f.get(&format!("{}-field", field.as_str())) {
            options = options.with(field, column);
        }
    }
    Ok(options)
}
