//! Triage: from a batch of messages to verdicts in the plan's terms.
//!
//! For each message: normalise, detect the language, find every lexicon entry, weigh each hit
//! (negated hits are dropped, quoted or reported ones count less, another language's lexicon
//! counts less), combine hits and rules into a score per category (noisy-or: independent pieces
//! of evidence add up without passing 1), then decide the primary category, the severity, the
//! response level, the reply-by deadline and the reply suggestions.

use crate::lang;
use crate::matcher::{Hit, Target};
use crate::model::Model;
use crate::normalise::{normalise_into, Normalised, Token};
use crate::plan::{HeadsRule, Plan, RuleRef};
use crate::reply::{suggest, Reply, ReplyContext};
use crate::taxonomy::{Category, Lang, Response, Severity, Signal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Messages longer than this many characters are read up to this point only (with a warning):
/// no comment worth triaging is longer, and a hostile page must not stall the engine.
pub const MAX_CHARS: usize = 20_000;

/// Tokens before a term that a negation can stand in (`n'est pas une arnaque`: 2).
const NEGATION_WINDOW: u32 = 4;

/// Subject pronouns open a new proposition: a negation before one does not reach past it
/// (`si ça arrive pas demain, je fous le feu` is a threat; `I don't know, you are thieves`).
const SUBJECTS: &[&str] = &["je", "j", "tu", "il", "elle", "on", "nous", "ils", "elles", "i", "you", "he", "she", "we", "they", "it"];

/// Words that end what reported speech covers: "I'm not saying you're frauds, **but** this sale
/// is disappointing" — the disappointment is the author's own.
const CONTRAST: &[&str] = &["but", "however", "though", "mais", "pourtant", "cependant", "sauf"];

/// One incoming comment or direct message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Message {
    pub id: Option<String>,
    pub text: String,
    pub author: Option<String>,
    /// When it was posted, in milliseconds since the Unix epoch.
    pub time: Option<f64>,
    pub platform: Option<String>,
    /// How many people the author reaches (followers), when the platform shows it.
    pub reach: Option<u64>,
    /// The language, when the platform or the export already says it ("fr", "en").
    pub lang: Option<String>,
}

/// Settings for a triage call that come from the agent, not from the messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TriageOptions {
    pub reply: ReplyContext,
    /// How many reply suggestions per message (3 when 0).
    pub max_replies: usize,
    /// Categories the spike detector currently reports as spiking: messages in them are crises.
    pub spiking: Vec<Category>,
    /// Leaves every category's score (`scores`) out of the verdicts: the extension shows only the
    /// flagged categories, which carry their own, and the map is twelve more entries a message
    /// to build and send to the page.
    pub omit_scores: bool,
}

/// A span of the original text, in characters, and what made it evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub start: u32,
    pub end: u32,
    pub text: String,
    /// The term as written in the plan (`arnaqu*`), or `rule:<id>` for a rule.
    pub rule: String,
    /// Inside quotation marks or reported speech: it counted less.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reported: bool,
}

/// A category flagged on a message, with its score and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: Category,
    #[serde(serialize_with = "score_as_written")]
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

/// A reach or many-people signal found in a message, with the words that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalEvidence {
    pub signal: Signal,
    pub evidence: Vec<Evidence>,
}

/// The engine's answer for one message. A heuristic to help a person decide, not a judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub id: String,
    pub lang: Lang,
    pub primary: Category,
    /// The flagged categories, primary first.
    pub categories: Vec<CategoryScore>,
    /// A score in 0..1 for every category; empty when [`TriageOptions::omit_scores`] is set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", serialize_with = "scores_as_written")]
    pub scores: BTreeMap<Category, f32>,
    pub severity: Severity,
    pub response: Response,
    pub reply_within_minutes: u32,
    /// The message's time plus the deadline, when the time is known (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SignalEvidence>,
    /// About the plan's active incident.
    pub incident: bool,
    pub replies: Vec<Reply>,
    /// What went wrong with this message's input (empty text, too long…); the verdict still stands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The triage engine: a compiled plan and the learned model, ready for batches.
#[derive(Debug)]
pub struct Engine {
    plan: Plan,
    model: Option<Model>,
    /// Buffers and the model's word cache, kept from batch to batch (see [`Engine::triage_batch`]).
    scratch: Mutex<Scratch>,
}

/// Buffers kept from message to message of a batch: the normalised text, the text's
/// characters, the model's features.
#[derive(Debug, Default)]
struct Scratch {
    model: crate::model::Scratch,
    norm: Normalised,
    chars: Vec<char>,
}

/// What the lexicons and rules found in one message, before the model and the decisions.
struct Analysis {
    lang: Lang,
    /// Per category, the product of (1 − weight) over the evidence so far (noisy-or).
    miss: [f32; 12],
    evidence: [Vec<Evidence>; 12],
    /// Categories whose only lexicon hits were negated ("ce n'est pas une arnaque").
    negated_only: [bool; 12],
    /// Categories whose lexicon hits were all quoted or reported ("he called me an idiot").
    reported_only: [bool; 12],
    signals: Vec<SignalEvidence>,
    about_incident: bool,
    /// Every kept hit of a group, signal or category: what rules and model gates look at.
    refs: Vec<(RuleRef, u32, u32)>,
}

impl Engine {
    /// An engine with the embedded model, when it loads (see [`crate::model::default_model`]).
    pub fn new(plan: Plan) -> Engine {
        Engine::with_model(plan, crate::model::default_model())
    }

    /// An engine with the given model, or with lexicons and rules only.
    pub fn with_model(plan: Plan, model: Option<Model>) -> Engine {
        Engine { plan, model, scratch: Mutex::default() }
    }

    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// The lexicon-and-rule score of every category, in [`Category::ALL`] order: what the model
    /// reads as features besides the words.
    pub fn lexicon_scores(&self, text: &str) -> [f32; 12] {
        let a = self.analyse(text, None, &mut Scratch::default());
        a.miss.map(|m| 1.0 - m)
    }

    /// An engine with the embedded default plan.
    pub fn with_default_plan() -> Engine {
        Engine::new(Plan::default_plan())
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Triage a batch; one verdict per message, in order. The engine's buffers and word cache
    /// serve batch after batch; a batch that finds them in use by another thread gets its own.
    pub fn triage_batch(&self, batch: &[Message], opts: &TriageOptions) -> Vec<Verdict> {
        let run = |scratch: &mut Scratch| batch.iter().enumerate().map(|(i, m)| self.triage_with(m, i, opts, scratch)).collect();
        match self.scratch.try_lock() {
            Ok(mut scratch) => run(&mut scratch),
            Err(_) => run(&mut Scratch::default()),
        }
    }

    /// How many distinct words of the messages triaged so far the model found in its word
    /// cache, and how many it summed from the weights: `(hits, misses)`.
    pub fn word_cache_stats(&self) -> (u64, u64) {
        self.scratch.try_lock().map_or((0, 0), |s| (s.model.cache_hits, s.model.cache_misses))
    }

    /// Triage one message; `index` names it when it has no id.
    pub fn triage_one(&self, msg: &Message, index: usize, opts: &TriageOptions) -> Verdict {
        self.triage_with(msg, index, opts, &mut Scratch::default())
    }

    /// [`Engine::triage_one`] with buffers kept from the batch's previous messages.
    fn triage_with(&self, msg: &Message, index: usize, opts: &TriageOptions, scratch: &mut Scratch) -> Verdict {
        let plan = &self.plan;
        let id = msg.id.clone().unwrap_or_else(|| (index + 1).to_string());
        let mut warnings = Vec::new();
        let mut text: &str = &msg.text;
        // No more characters than bytes: a text of at most MAX_CHARS bytes is never cut.
        if let Some((cut, _)) = if text.len() > MAX_CHARS { text.char_indices().nth(MAX_CHARS) } else { None } {
            text = &text[..cut];
            warnings.push(format!("text longer than {MAX_CHARS} characters: only the first {MAX_CHARS} were read"));
        }
        if text.trim().is_empty() {
            warnings.push("empty text".to_string());
        }
        let Analysis { lang, mut miss, mut evidence, negated_only, reported_only, signals, about_incident, refs } =
            self.analyse(text, msg.lang.as_deref().and_then(Lang::parse), scratch);
        let Scratch { model: model_scratch, norm, chars } = scratch;
        if let Some(model) = &self.model {
            let open: [bool; 12] = std::array::from_fn(|c| {
                let gate = &self.plan.gates[c];
                gate.is_empty() || refs.iter().any(|(r, _, _)| gate.contains(r))
            });
            // The lexicons saw the category only negated: the model keeps half. Only in quotes or
            // reported speech: the author is not saying it, so the model, which cannot tell, is vetoed.
            let damp: [f32; 12] = std::array::from_fn(|c| if reported_only[c] { 0.0 } else if negated_only[c] { 0.5 } else { 1.0 });
            self.apply_model(model, model_scratch, norm, chars, lang, &damp, &open, &mut miss, &mut evidence);
        }

        // Indexed by `Category::index`.
        let mut score = [0.0f32; 12];
        let mut best_other = 0.0f32;
        for c in Category::ALL {
            if *c == Category::Other {
                continue;
            }
            let s = round3(1.0 - miss[c.index()]);
            best_other = best_other.max(s);
            score[c.index()] = s;
        }
        score[Category::Other.index()] = round3(1.0 - best_other);

        let mut flagged: Vec<Category> = Category::ALL
            .iter()
            .copied()
            .filter(|c| *c != Category::Other && score[c.index()] >= plan.flag[c.index()] && score[c.index()] > 0.0)
            .collect();
        // The plan assesses risk first: a threat leads (people's safety), then any crisis-risk
        // category over a complaint or a question, then the higher score, then the plan's order.
        flagged.sort_by(|a, b| {
            (*b == Category::Threat)
                .cmp(&(*a == Category::Threat))
                .then(b.is_crisis_risk().cmp(&a.is_crisis_risk()))
                .then(score[b.index()].total_cmp(&score[a.index()]))
                .then(a.cmp(b))
        });
        let primary = flagged.first().copied().unwrap_or(Category::Other);

        let has = |signal: Signal| signals.iter().any(|s| s.signal == signal);
        let reach = has(Signal::Reach) || msg.reach.is_some_and(|r| r >= plan.reach_followers);
        let many = has(Signal::ManyAffected);
        let spiking = opts.spiking.contains(&primary);
        let mut severity = if primary.is_crisis_risk() {
            let strong = plan.strong[primary.index()];
            // A strong threshold of 1 means: never by the wording alone, only by reach or numbers.
            if (strong < 1.0 && score[primary.index()] >= strong) || reach || many || spiking {
                Severity::Crisis
            } else {
                Severity::Problem
            }
        } else {
            match primary {
                Category::Complaint | Category::Abuse if (reach && many) || spiking => Severity::Crisis,
                Category::Complaint | Category::Abuse => Severity::Problem,
                _ => Severity::Routine,
            }
        };
        if about_incident {
            severity = severity.raised();
        }
        let response = plan.response(primary, severity);
        let reply_within_minutes = plan.deadline_minutes(severity);
        let reply_by = msg.time.map(|t| t + reply_within_minutes as f64 * 60_000.0);

        let max = if opts.max_replies == 0 { 3 } else { opts.max_replies };
        let seed = crate::hash::fnv_hash(id.as_bytes());
        let replies = suggest(plan, primary, lang, severity, about_incident, msg.author.as_deref(), &opts.reply, seed, max);

        let categories = flagged
            .iter()
            .map(|c| CategoryScore { category: *c, score: score[c.index()], evidence: std::mem::take(&mut evidence[c.index()]) })
            .collect();
        let scores = if opts.omit_scores { BTreeMap::new() } else { Category::ALL.iter().map(|c| (*c, score[c.index()])).collect() };
        Verdict {
            id,
            lang,
            primary,
            categories,
            scores,
            severity,
            response,
            reply_within_minutes,
            reply_by,
            signals,
            incident: about_incident,
            replies,
            warnings,
        }
    }

    /// Normalises, detects the language, and weighs every lexicon hit and rule.
    fn analyse(&self, text: &str, given: Option<Lang>, scratch: &mut Scratch) -> Analysis {
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
        let mut weighted: [Vec<(u32, u32, f32)>; 12] = Default::default();
        let mut evidence: [Vec<Evidence>; 12] = Default::default();
        let mut refs: Vec<(RuleRef, u32, u32)> = Vec::new(); // what rules combine: (ref, first, last)
        let mut signals: Vec<SignalEvidence> = Vec::new();
        let mut about_incident = false;
        let mut negated_hit = [false; 12];
        let mut direct_hit = [false; 12];
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
        let mut miss = [1.0f32; 12]; // product of (1 - weight): noisy-or
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

    /// Adds the learned heads' evidence: for each category, the strongest head whose language fits
    /// the message is one more piece of evidence, weighted so that the head's cross-validated
    /// threshold lands on the category's flag threshold. A category the lexicons saw only negated
    /// keeps half; only reported, or with its model gate closed, none.
    #[allow(clippy::too_many_arguments, reason = "the analysis parts it updates, named")]
    fn apply_model(&self, model: &Model, scratch: &mut crate::model::Scratch, norm: &Normalised, chars: &[char], lang: Lang, damp: &[f32; 12], gate_open: &[bool; 12], miss: &mut [f32; 12], evidence: &mut [Vec<Evidence>; 12]) {
        let lex: [f32; 12] = miss.map(|m| 1.0 - m);
        // Several heads can speak for one category (one per data set): the strongest counts, or
        // their mean, or the weakest, as the plan says (`model_heads`).
        // Heads of another language are not even scored, nor, when the strongest counts, heads
        // whose weight below is 0 whatever they say (damped to nothing, or gate closed with no
        // `model_confident` to open it): under the strongest, a weight of 0 changes no score
        // and, under a flag threshold above 0, gives no evidence, so skipping them changes
        // nothing. Under the mean or the weakest a 0 counts: those heads are all scored.
        let needed = |c: Category| {
            let i = c.index();
            let zero = damp[i] == 0.0 || (!gate_open[i] && self.plan.model_confident[i].is_none());
            !zero || self.plan.model_heads[i] != HeadsRule::Any || self.plan.flag[i] <= 0.0
        };
        let targets: Vec<Option<Category>> =
            (0..model.heads.len()).map(|h| model.target(h).filter(|(c, l)| l.is_none_or(|l| l == lang) && needed(*c)).map(|(c, _)| c)).collect();
        let wanted: Vec<bool> = targets.iter().map(Option::is_some).collect();
        if !wanted.contains(&true) {
            return;
        }
        let tokens = &norm.tokens;
        let probs = model.score(scratch, norm, &lex, &wanted);
        let mut best: [Option<(f32, usize)>; 12] = [None; 12];
        let mut sums = [(0.0f32, 0u32); 12];
        for (h, (cat, p)) in targets.iter().zip(&probs).enumerate() {
            let (Some(cat), Some(p)) = (cat, p) else { continue };
            let head = &model.heads[h];
            let flag = self.plan.flag[cat.index()];
            let t = head.threshold.clamp(0.01, 0.99);
            let mut w = if *p < t { flag * (p / t).powi(2) } else { flag + (0.95 - flag) * (p - t) / (1.0 - t) };
            // The lexicons saw the category only negated or reported: so does the model.
            w *= damp[cat.index()];
            let sure = self.plan.model_confident[cat.index()].is_some_and(|k| *p >= t + (1.0 - t) * k);
            if !gate_open[cat.index()] && !sure {
                // The rules veto: without a foothold in the plan's own words, the data sets'
                // domains (health news, French racism tweets) would speak for customer messages —
                // unless the plan lets a sure enough model speak alone.
                w = 0.0;
            }
            sums[cat.index()].0 += w;
            sums[cat.index()].1 += 1;
            let all = self.plan.model_heads[cat.index()] == HeadsRule::All;
            if best[cat.index()].is_none_or(|(b, _)| if all { w < b } else { w > b }) {
                best[cat.index()] = Some((w, h));
            }
        }
        for (c, found) in best.iter().enumerate() {
            let Some((mut w, head)) = *found else { continue };
            if self.plan.model_heads[c] == HeadsRule::Mean {
                // The strongest head still names the evidence.
                w = sums[c].0 / sums[c].1.max(1) as f32;
            }
            miss[c] *= 1.0 - w;
            let (cat, flag) = (Category::ALL[c], self.plan.flag[c]);
            if w >= flag {
                // The words that pushed the score up most are the model's evidence.
                let contrib = model.evidence(scratch, head, tokens.len());
                let mut order: Vec<usize> = (0..tokens.len())
                    .filter(|&i| contrib[i] > 0.0 && tokens[i].kind == crate::normalise::TokenKind::Word && !lang::is_function_word(norm.text_of(&tokens[i])))
                    .collect();
                order.sort_by(|a, b| contrib[*b].total_cmp(&contrib[*a]));
                // Words that carry real weight only: at least half the strongest one's share.
                let top = order.first().map_or(0.0, |&i| contrib[i]);
                for &i in order.iter().take(2).filter(|&&i| contrib[i] >= 0.5 * top) {
                    let t = &tokens[i];
                    let text: String = chars[t.start as usize..t.end as usize].iter().collect();
                    push_evidence(&mut evidence[cat.index()], Evidence { start: t.start, end: t.end, text, rule: format!("model:{}", model.heads[head].name), reported: false });
                }
            }
        }
    }
}

fn push_evidence(list: &mut Vec<Evidence>, ev: Evidence) {
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

fn round3(x: f32) -> f32 {
    (x.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// A score as the number its three decimals say, not the nearest `f64` to the `f32`, which JSON
/// and JavaScript write as `0.8840000033378601`.
pub fn score_value(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

fn score_as_written<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(score_value(*x))
}

fn scores_as_written<S: serde::Serializer>(m: &BTreeMap<Category, f32>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    for (c, x) in m {
        map.serialize_entry(c, &score_value(*x))?;
    }
    map.end()
}
