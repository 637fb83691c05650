//! Evidence from the plan's own words: every lexicon hit weighed (negated hits dropped, quoted or
//! reported ones and another language's counting less), overlapping hits clustered, rules
//! applied, and the category scores combined by noisy-or.

use super::*;
use crate::matcher::{Hit, Target};
use crate::normalise::{normalise_into, Token};
use crate::plan::RuleRef;

/// Tokens before a term that a negation can stand in (`n'est pas une arnaque`: 2).
const NEGATION_WINDOW: u32 = 4;

/// Subject pronouns open a new proposition: a negation before one does not reach past it
/// (`si ça arrive pas demain, je fous le feu` is a threat; `I don't know, you are thieves`).
const SUBJECTS: &[&str] = &["je", "j", "tu", "il", "elle", "on", "nous", "ils", "elles", "i", "you", "he", "she", "we", "they", "it"];

/// Words that end what reported speech covers: "I'm not saying you're frauds, **but** this sale
/// is disappointing" — the disappointment is the author's own.
const CONTRAST: &[&str] = &["but", "however", "though", "mais", "pourtant", "cependant", "sauf"];

impl Engine {
    /// Normalises, detects the language, and weighs every lexicon hit and rule.
    pub(super) fn analyse(&self, text: &str, given: Option<Lang>, scratch: &mut Scratch) -> Analysis {
        let plan = &self.plan;
        normalise_into(text, &mut scratch.norm);
        let norm = &scratch.norm;
        let tokens = &norm.tokens;
        let detected = lang::detect(text, norm);
        let lang = given.or(detected.map(|d| d.0)).unwrap_or(plan.default_lang);
        let lang_sure = given.is_some() || detected.is_some_and(|d| d.1 >= 0.7);

        let hits = plan.matcher.find(norm);
        let sentence = sentence_ids(tokens);
        let chars = &mut scratch.chars;
        chars.clear();
        chars.extend(text.chars());
        let chars = &*chars;
        let span = |first: u32, last: u32| -> (u32, u32, String) {
            let (s, e) = (tokens[first as usize].start, tokens[last as usize].end);
            (s, e, chars[s as usize..e as usize].iter().collect())
        };

        let signal_hits = |sig: Signal| hits.iter().filter(move |h| plan.matcher.entries[h.entry as usize].target == Target::Signal(sig));
        let negations: Vec<&Hit> = signal_hits(Signal::Negation).collect();
        let reported_markers: Vec<&Hit> = signal_hits(Signal::ReportedSpeech).collect();
        let is_negated = |h: &Hit| {
            let t = &tokens[h.first as usize];
            negations.iter().any(|n| {
                n.last < h.first
                    && n.last + NEGATION_WINDOW >= h.first
                    && tokens[n.last as usize].clause == t.clause
                    && !tokens[n.last as usize + 1..h.first as usize].iter().any(|b| SUBJECTS.contains(&norm.text_of(b)))
            })
        };
        let is_reported = |h: &Hit| {
            tokens[h.first as usize].quoted
                || reported_markers.iter().any(|r| {
                    r.last < h.first
                        && tokens[r.last as usize].clause == tokens[h.first as usize].clause
                        && !tokens[r.last as usize + 1..h.first as usize].iter().any(|b| CONTRAST.contains(&norm.text_of(b)))
                })
        };

        // Per category, the weighted hits as (first, last, weight); overlapping hits are the same
        // words found by several terms (`arnaqu*`, `arnaque`): they count once, at the highest weight.
        let mut weighted: PerCategory<Vec<(u32, u32, f32)>> = Default::default();
        let mut evidence: PerCategory<Vec<Evidence>> = Default::default();
        let mut refs: Vec<(RuleRef, u32, u32)> = Vec::new(); // what rules combine: (ref, first, last)
        let mut signals: Vec<SignalEvidence> = Vec::new();
        let mut about_incident = false;
        let mut negated_hit = [false; Category::COUNT];
        let mut direct_hit = [false; Category::COUNT];
        for h in &hits {
            let e = &plan.matcher.entries[h.entry as usize];
            if matches!(e.target, Target::Signal(s) if s.weighs_other_words()) {
                continue;
            }
            if e.negatable && is_negated(h) {
                if let Target::Category(cat) = e.target {
                    negated_hit[cat.index()] = true;
                }
                continue;
            }
            let foreign = lang_sure && e.lang.is_some_and(|l| l != lang);
            // Groups and signals only combine words of the message's own language: "sales" is
            // dirty in French and a discount in English.
            if foreign && !matches!(e.target, Target::Category(_)) {
                continue;
            }
            let reported = is_reported(h);
            let (start, end, t) = span(h.first, h.last);
            let ev = Evidence { start, end, text: t, rule: e.term.clone(), reported };
            match e.target {
                Target::Category(cat) => {
                    // Another language's word ("retard": a slur in English, "late" in French)
                    // still counts a little, but opens no rule or model gate.
                    if !foreign {
                        refs.push((RuleRef::Category(cat), h.first, h.last));
                    }
                    if !reported {
                        direct_hit[cat.index()] = true;
                    }
                    let mut w = e.weight;
                    if reported {
                        w *= plan.reported_factor[cat.index()];
                    }
                    if foreign {
                        w *= plan.foreign_factor;
                    }
                    weighted[cat.index()].push((h.first, h.last, w));
                    push_evidence(&mut evidence[cat.index()], ev);
                }
                Target::Group(g) => refs.push((RuleRef::Group(g), h.first, h.last)),
                Target::Signal(s) => {
                    refs.push((RuleRef::Signal(s), h.first, h.last));
                    match signals.iter_mut().find(|x| x.signal == s) {
                        Some(x) => push_evidence(&mut x.evidence, ev),
                        None => signals.push(SignalEvidence { signal: s, evidence: vec![ev] }),
                    }
                }
                Target::Incident => about_incident = true,
            }
        }
        let mut miss = [1.0f32; Category::COUNT]; // product of (1 - weight): noisy-or
        for (c, hits) in weighted.iter_mut().enumerate() {
            hits.sort_by_key(|h| (h.0, h.1));
            let mut cluster: Option<(u32, f32)> = None; // (last token, best weight)
            for &(first, last, w) in hits.iter() {
                cluster = match cluster {
                    Some((end, best)) if first <= end => Some((end.max(last), best.max(w))),
                    Some((_, best)) => {
                        miss[c] *= 1.0 - best;
                        Some((last, w))
                    }
                    None => Some((last, w)),
                };
            }
            if let Some((_, best)) = cluster {
                miss[c] *= 1.0 - best;
            }
        }
        for r in &plan.rules {
            if let Some(found) = rule_fires(&r.groups, r.within, &refs, r.same_sentence.then_some(&sentence[..])) {
                // A rule over quoted or reported words is reported too.
                let reported = found.iter().any(|&(f, _)| is_reported(&Hit { entry: 0, first: f, last: f }));
                let w = if reported { r.weight * plan.reported_factor[r.category.index()] } else { r.weight };
                miss[r.category.index()] *= 1.0 - w;
                for (first, last) in found {
                    let (start, end, t) = span(first, last);
                    push_evidence(&mut evidence[r.category.index()], Evidence { start, end, text: t, rule: format!("rule:{}", r.id), reported });
                }
            }
        }

        let negated_only = std::array::from_fn(|c| negated_hit[c] && weighted[c].is_empty());
        let reported_only = std::array::from_fn(|c| !weighted[c].is_empty() && !direct_hit[c]);
        Analysis { lang, miss, evidence, negated_only, reported_only, signals, about_incident, refs }
    }
}

pub(super) fn push_evidence(list: &mut Vec<Evidence>, ev: Evidence) {
    // Overlapping terms (`arnaqu*` and `arnaque`) point at the same words: keep the longest.
    if list.iter().any(|p| p.start <= ev.start && ev.end <= p.end) {
        return;
    }
    list.retain(|p| !(ev.start <= p.start && p.end <= ev.end));
    list.push(ev);
}

/// Each token's sentence number.
fn sentence_ids(tokens: &[Token]) -> Vec<u32> {
    let mut id = 0;
    let mut prev_clause = None;
    tokens
        .iter()
        .map(|t| {
            if t.sentence_start && prev_clause.is_some() {
                id += 1;
            }
            prev_clause = Some(t.clause);
            id
        })
        .collect()
}

/// Whether every part of a rule has a hit within `within` tokens of the first part's hit (and in
/// its sentence, when given); returns the spans used.
fn rule_fires(groups: &[RuleRef], within: u32, hits: &[(RuleRef, u32, u32)], sentence: Option<&[u32]>) -> Option<Vec<(u32, u32)>> {
    let (&g0, rest) = groups.split_first()?;
    'anchor: for &(_, f0, l0) in hits.iter().filter(|h| h.0 == g0) {
        let mut used = vec![(f0, l0)];
        for &g in rest {
            // Every hit of the part near the anchor is evidence, not just the first.
            let near: Vec<(u32, u32)> = hits
                .iter()
                .filter(|h| h.0 == g)
                .filter(|&&(_, f, l)| {
                    let gap = if f > l0 { f - l0 } else { f0.saturating_sub(l) };
                    gap <= within && sentence.is_none_or(|s| s[f as usize] == s[f0 as usize]) && (f > l0 || l < f0)
                })
                .map(|&(_, f, l)| (f, l))
                .collect();
            if near.is_empty() {
                continue 'anchor;
            }
            used.extend(near);
        }
        return Some(used);
    }
    None
}
