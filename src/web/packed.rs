//! Verdicts as two flat values for the wasm boundary: numbers in one `f64` array and every string
//! in one text, read back into the same objects by `unpackVerdicts` in `extension/lib/engine.js`.
//!
//! Built field by field as JS objects, the verdicts cost about a quarter of the triage time in
//! the browser: each property and each string is a call across the boundary. This way a batch
//! crosses as one `Float64Array` and one string, and JavaScript builds the objects itself.
//!
//! The stream, per verdict, in the order of [`Verdict`]'s fields (`s` a string: its length in
//! UTF-16 units in the numbers, its text in the text; `n` a number; `[x]` a count, then each x):
//! `s id, s lang, s primary, [s category, n score, [evidence]], [s category, n score] (every
//! category's, or none), s severity, s response, n replyWithinMinutes, n replyBy (NaN: none), [s signal,
//! [evidence]], n incident, [s template, s text, [s missing]], [s warning]`; an evidence is
//! `n start, n end, s text, s rule, n reported`. Scores are written as [`score_value`] gives them,
//! as the objects' serialisation does; fields the objects leave out when empty are left out by the
//! reader the same way.

use crate::triage::{score_value, Evidence, Verdict};

/// The numbers and the text of `verdicts`.
pub fn pack(verdicts: &[Verdict]) -> (Vec<f64>, String) {
    let mut p = Packer { numbers: Vec::with_capacity(verdicts.len() * 64), text: String::with_capacity(verdicts.len() * 512) };
    for v in verdicts {
        p.str(&v.id);
        p.str(v.lang.as_str());
        p.str(v.primary.as_str());
        p.num(v.categories.len() as f64);
        for c in &v.categories {
            p.str(c.category.as_str());
            p.num(score_value(c.score));
            p.evidence(&c.evidence);
        }
        p.num(v.scores.len() as f64);
        for (c, x) in &v.scores {
            p.str(c.as_str());
            p.num(score_value(*x));
        }
        p.str(v.severity.as_str());
        p.str(v.response.as_str());
        p.num(v.reply_within_minutes as f64);
        p.num(v.reply_by.unwrap_or(f64::NAN));
        p.num(v.signals.len() as f64);
        for s in &v.signals {
            p.str(s.signal.as_str());
            p.evidence(&s.evidence);
        }
        p.num(v.incident as u8 as f64);
        p.num(v.replies.len() as f64);
        for r in &v.replies {
            p.str(&r.template);
            p.str(&r.text);
            p.num(r.missing.len() as f64);
            for m in &r.missing {
                p.str(m);
            }
        }
        p.num(v.warnings.len() as f64);
        for w in &v.warnings {
            p.str(w);
        }
    }
    (p.numbers, p.text)
}

struct Packer {
    numbers: Vec<f64>,
    text: String,
}

impl Packer {
    fn num(&mut self, x: f64) {
        self.numbers.push(x);
    }

    fn str(&mut self, s: &str) {
        // JavaScript slices strings in UTF-16 units: a character outside the BMP is two.
        let units = if s.is_ascii() { s.len() } else { s.chars().map(char::len_utf16).sum() };
        self.numbers.push(units as f64);
        self.text.push_str(s);
    }

    fn evidence(&mut self, list: &[Evidence]) {
        self.num(list.len() as f64);
        for e in list {
            self.num(e.start as f64);
            self.num(e.end as f64);
            self.str(&e.text);
            self.str(&e.rule);
            self.num(e.reported as u8 as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Message, TriageOptions};

    #[test]
    fn strings_are_measured_in_utf16_units_and_every_field_is_written() {
        let engine = Engine::with_default_plan();
        let batch = vec![
            Message { id: Some("é😡".into()), text: "Vous êtes des escrocs 😡, rendez l'argent !".into(), time: Some(1.0e12), ..Default::default() },
            Message { text: String::new(), ..Default::default() },
        ];
        let v = engine.triage_batch(&batch, &TriageOptions::default());
        let (numbers, text) = pack(&v);
        // "é😡": 1 + 2 units, 1 + 4 bytes.
        assert_eq!(numbers[0], 3.0);
        assert!(text.starts_with("é😡fr"));
        let units: f64 = text.chars().map(|c| c.len_utf16() as f64).sum();
        assert!(units > 0.0 && text.contains("escrocs") && text.contains("empty text"));
        // The first verdict's deadline is there; the second has none (NaN).
        assert!(numbers.contains(&(1.0e12 + v[0].reply_within_minutes as f64 * 60_000.0)));
        assert!(numbers.iter().any(|x| x.is_nan()));
    }
}
