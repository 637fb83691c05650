//! Lexicon matching over normalised tokens.
//!
//! Every term of the plan (category terms, groups, signals, incident keywords) is normalised like
//! message text and compiled into one Aho-Corasick automaton over the *canonical token stream*:
//! the message's tokens joined by single spaces, with a space at each end. A term `arnaque` is the
//! pattern ` arnaque `, a prefix term `arnaqu*` is ` arnaqu`, so matches always start on a token
//! boundary and are found in one pass whatever the size of the lexicons.

use crate::normalise::{term_tokens, Normalised};
use crate::taxonomy::{Category, Lang, Signal};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// What a lexicon entry gives evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Category(Category),
    /// A named group used by rules; 0 is the brand.
    Group(u16),
    Signal(Signal),
    Incident,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub target: Target,
    pub lang: Option<Lang>,
    pub weight: f32,
    pub negatable: bool,
    /// The term as written in the plan, for evidence.
    pub term: String,
    /// Only at the start of a clause (`^how`).
    pub anchored: bool,
    /// An exception (`!devant tout le monde`): cancels the same target's hits it overlaps.
    pub exception: bool,
}

/// One occurrence of a lexicon entry in a message: tokens `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub entry: u32,
    pub first: u32,
    pub last: u32,
}

#[derive(Debug, Default)]
pub(crate) struct MatcherBuilder {
    patterns: Vec<String>,
    index: HashMap<String, usize>,
    by_pattern: Vec<Vec<u32>>,
    entries: Vec<Entry>,
}

impl MatcherBuilder {
    /// Adds a term. Terms with letters doubled also match with them single (`arrogant` matches
    /// `arogant`, which is what `arrrrogant` normalises to).
    pub fn add(&mut self, term: &str, target: Target, lang: Option<Lang>, weight: f32, negatable: bool) {
        let exception = term.starts_with('!');
        let term_body = term.trim_start_matches('!');
        let anchored = term_body.starts_with('^');
        let prefix = term_body.ends_with('*');
        let body = term_body.trim_start_matches('^').trim_end_matches('*');
        let toks = term_tokens(body);
        if toks.is_empty() {
            return;
        }
        let entry = self.entries.len() as u32;
        self.entries.push(Entry { target, lang, weight, negatable, term: term.to_string(), anchored, exception });
        let mut forms = vec![toks.clone()];
        let squeezed: Vec<String> = toks.iter().map(|t| if t.chars().count() >= 5 { squeeze_doubles(t) } else { t.clone() }).collect();
        if squeezed != toks {
            forms.push(squeezed);
        }
        for form in forms {
            let mut p = String::with_capacity(body.len() + 2);
            p.push(' ');
            p.push_str(&form.join(" "));
            if !prefix {
                p.push(' ');
            }
            let id = *self.index.entry(p.clone()).or_insert_with(|| {
                self.patterns.push(p);
                self.by_pattern.push(Vec::new());
                self.patterns.len() - 1
            });
            if !self.by_pattern[id].contains(&entry) {
                self.by_pattern[id].push(entry);
            }
        }
    }

    pub fn build(self) -> Result<Matcher, String> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.patterns)
            .map_err(|e| format!("the plan's lexicons could not be compiled: {e}"))?;
        Ok(Matcher { ac, by_pattern: self.by_pattern, entries: self.entries })
    }
}

fn squeeze_doubles(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut prev = None;
    for c in t.chars() {
        if Some(c) != prev || !c.is_alphabetic() {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

#[derive(Debug)]
pub(crate) struct Matcher {
    ac: AhoCorasick,
    by_pattern: Vec<Vec<u32>>,
    pub entries: Vec<Entry>,
}

impl Matcher {
    /// Every entry found in the tokens, in order of position.
    pub fn find(&self, norm: &Normalised) -> Vec<Hit> {
        let (tokens, canon) = (&norm.tokens, &norm.canon);
        // Where a byte of `canon` lies: the token starting there, or the one it is inside.
        let token_at = |byte: usize| tokens.binary_search_by_key(&byte, |t| t.at as usize);
        let mut hits = Vec::new();
        for m in self.ac.find_overlapping_iter(canon.as_str()) {
            // The pattern's leading space sits just before the first token.
            let first = match token_at(m.start() + 1) {
                Ok(i) => i,
                Err(_) => continue,
            };
            // The last byte of the match that is not the trailing space lies in the last token.
            let end_byte = if canon.as_bytes()[m.end() - 1] == b' ' { m.end() - 2 } else { m.end() - 1 };
            let last = match token_at(end_byte) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
            for &e in &self.by_pattern[m.pattern().as_usize()] {
                if self.entries[e as usize].anchored && !tokens[first].clause_start {
                    continue;
                }
                hits.push(Hit { entry: e, first: first as u32, last: last as u32 });
            }
        }
        // Exceptions cancel the hits of the same target that they overlap, then go themselves.
        let exceptions: Vec<Hit> = hits.iter().copied().filter(|h| self.entries[h.entry as usize].exception).collect();
        if !exceptions.is_empty() {
            hits.retain(|h| {
                let e = &self.entries[h.entry as usize];
                !e.exception && !exceptions.iter().any(|x| self.entries[x.entry as usize].target == e.target && x.first <= h.last && h.first <= x.last)
            });
        }
        hits.sort_by_key(|h| (h.first, h.last, h.entry));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::normalise;

    fn matcher(terms: &[&str]) -> Matcher {
        let mut b = MatcherBuilder::default();
        for t in terms {
            b.add(t, Target::Category(Category::DefamationRisk), Some(Lang::Fr), 0.8, true);
        }
        b.build().unwrap()
    }

    fn found(m: &Matcher, text: &str) -> Vec<(String, u32, u32)> {
        let n = normalise(text);
        m.find(&n).into_iter().map(|h| (m.entries[h.entry as usize].term.clone(), h.first, h.last)).collect()
    }

    #[test]
    fn whole_words_prefixes_phrases_and_anchors() {
        let m = matcher(&["arnaqu*", "vol", "vous êtes des voleurs", "^comment", "tuerie", "!tuerie ce burger"]);
        assert_eq!(found(&m, "une tuerie ce burger"), vec![]);
        assert_eq!(found(&m, "une tuerie"), vec![("tuerie".into(), 1, 1)]);
        assert_eq!(found(&m, "Bonjour, comment faire ?"), vec![("^comment".into(), 1, 1)]);
        assert_eq!(found(&m, "Des ARNAQUEURS !"), vec![("arnaqu*".into(), 1, 1)]);
        assert_eq!(found(&m, "un volcan"), vec![]);
        assert_eq!(found(&m, "un vol"), vec![("vol".into(), 1, 1)]);
        assert_eq!(found(&m, "Vous êtes des voleurs"), vec![("vous êtes des voleurs".into(), 0, 3)]);
        assert_eq!(found(&m, "Comment faire ?"), vec![("^comment".into(), 0, 0)]);
        assert_eq!(found(&m, "je sais comment"), vec![]);
        assert_eq!(found(&m, "arrrnaque"), vec![("arnaqu*".into(), 0, 0)]);
    }

    #[test]
    fn doubled_letters_match_when_elongated() {
        let m = matcher(&["arrogant"]);
        assert_eq!(found(&m, "arrrrogaaaant"), vec![("arrogant".into(), 0, 0)]);
    }
}
