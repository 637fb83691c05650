//! The command line's flags: `--name value` pairs, positional arguments, and the usage text.

use sentinelle::ingest;

pub const USAGE: &str = "usage:
  sentinelle triage   [--plan FILE] [--format table|jsonl|csv] [--text-field NAME] [--id-field NAME]
                      [--time-field NAME] [--agent NAME] [--link URL] [--input auto|csv|jsonl|json|lines] FILE|-
  sentinelle timeline [--time-field NAME] [--window MINUTES] [--plan FILE] [--format table|jsonl|csv]
                      [--text-field NAME] [--input auto|csv|jsonl|json|lines] FILE|-
  sentinelle plan default
  sentinelle plan check FILE
  sentinelle train [--data DIR] [--out data/model.bin] [--report data/model.json] [--folds 10] [--bits 18]
  sentinelle train --decision FILE… [--out data/decision.json] [--folds 5] [--l2 X] [--class-power X]
  sentinelle eval  [--data DIR] [--folds 10] [--card data/MODEL_CARD.md] [--only STEM,…]
  sentinelle eval  --model data/model.bin [--report data/model.json] TEST.jsonl…
  sentinelle eval  --verdicts FILE… [--plan FILE] [--decision none|FILE] [--card data/MODEL_CARD.md]

Reads CSV with a header row (`,`, `;` or tab), JSONL (one object per line with a \"text\" field,
optional \"id\", \"author\", \"time\"…), a JSON array of such objects, or plain text with one message
per line; the format is found from the file's name and first line unless --input names it.
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

/// How to read the input: `--input`, `--text-field`, `--id-field`, `--time-field`.
pub fn ingest_options(f: &Flags) -> Result<ingest::Options, String> {
    let format = ingest::Format::from_name(f.get("input").unwrap_or("auto")).map_err(|e| format!("--input: {e}"))?;
    Ok(ingest::Options {
        format,
        text_field: f.get("text-field").map(String::from),
        id_field: f.get("id-field").map(String::from),
        time_field: f.get("time-field").map(String::from),
        ..ingest::Options::default()
    })
}
