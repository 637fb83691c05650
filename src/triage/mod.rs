//! Triage: from a batch of messages to verdicts in the plan's terms.
//!
//! For each message: normalise, detect the language, find every lexicon entry, weigh each hit
//! (negated hits are dropped, quoted or reported ones count less, another language's lexicon
//! counts less), combine hits and rules into a score per category (noisy-or: independent pieces
//! of evidence add up without passing 1), then decide the primary category, the severity, the
//! response level, the reply-by deadline and the reply suggestions.
//!
//! The parts: `evidence` (the plan's words and rules), `model_evidence` (the learned heads),
//! `decision` (primary, severity, response, deadline), `replies`, and `verdict` (the types).

mod decider;
mod decision;
mod evidence;
mod model_evidence;
mod replies;
mod verdict;

pub use decider::DecisionFile;
#[cfg(feature = "cli")]
pub(crate) use decider::softmax as softmax_in_place;
pub use verdict::*;

use crate::lang;
use crate::model::Model;
use crate::normalise::Normalised;
use crate::plan::{Plan, RuleRef};
use crate::taxonomy::{Category, Lang, PerCategory, Severity, Signal};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Messages longer than this many characters are read up to this point only (with a warning):
/// no comment worth triaging is longer, and a hostile page must not stall the engine.
pub const MAX_CHARS: usize = 20_000;

/// The triage engine: a compiled plan and the learned model, ready for batches.
#[derive(Debug)]
pub struct Engine {
    plan: Plan,
    model: Option<Model>,
    /// The learned decision of the primary category (`None`: the plan's hand-wired order).
    decider: Option<decider::Decider>,
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
    /// The learned decision's features.
    decision_x: Vec<f32>,
    decision_words: Vec<(u32, f32)>,
}

/// What the lexicons and rules found in one message, before the model and the decisions.
struct Analysis {
    lang: Lang,
    /// Per category, the product of (1 − weight) over the evidence so far (noisy-or).
    miss: PerCategory<f32>,
    evidence: PerCategory<Vec<Evidence>>,
    /// Categories whose only lexicon hits were negated ("ce n'est pas une arnaque").
    negated_only: PerCategory<bool>,
    /// Categories whose lexicon hits were all quoted or reported ("he called me an idiot").
    reported_only: PerCategory<bool>,
    signals: Vec<SignalEvidence>,
    about_incident: bool,
    /// Every kept hit of a group, signal or category: what rules and model gates look at.
    refs: Vec<(RuleRef, u32, u32)>,
}

impl Engine {
    /// An engine with the embedded model (`data/model.bin`), when it loads.
    pub fn new(plan: Plan) -> Engine {
        Engine::with_model(plan, crate::model::default_model())
    }

    /// An engine with the given model, or with lexicons and rules only.
    pub fn with_model(plan: Plan, model: Option<Model>) -> Engine {
        let decider = model.as_ref().and_then(decider::Decider::default_for);
        Engine { plan, model, decider, scratch: Mutex::default() }
    }

    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// The same engine deciding the primary category with `decision` instead of the shipped one;
    /// `None`: by the plan's hand-wired order (the crisis risks first, then the higher score).
    /// For training and evaluation.
    #[doc(hidden)]
    pub fn with_decision(mut self, decision: Option<(&DecisionFile, &[u8])>) -> crate::Result<Engine> {
        self.decider = match (decision, &self.model) {
            (Some((file, words)), Some(model)) => Some(decider::Decider::from_file(file, words, model)?),
            (Some(_), None) => return Err(crate::Error::invalid("a decision needs the model whose heads it reads")),
            (None, _) => None,
        };
        Ok(self)
    }

    /// What the learned decision reads of `text` (the language guessed), for the model's heads
    /// named in `heads`, and its words in `2^word_bits` buckets; `None` without a model. For
    /// training the decision.
    #[doc(hidden)]
    pub fn decision_features(&self, text: &str, heads: &[String], word_bits: u8) -> Option<(Vec<f32>, Vec<(u32, f32)>)> {
        let model = self.model.as_ref()?;
        let slots: Vec<Option<usize>> = heads.iter().map(|h| model.head_index(h)).collect();
        let mut scratch = Scratch::default();
        let a = self.analyse(text, None, &mut scratch);
        let lexicon = a.miss.map(|m| 1.0 - m);
        model.score(&mut scratch.model, &scratch.norm, &lexicon, &[]);
        let has = |s: Signal| a.signals.iter().any(|x| x.signal == s);
        let input = decider::DecisionInput {
            lexicon: &lexicon,
            negated_only: &a.negated_only,
            reported_only: &a.reported_only,
            logits: &scratch.model.logits,
            reach: has(Signal::Reach),
            many: has(Signal::ManyAffected),
            lang: a.lang,
        };
        let (mut out, mut words) = (Vec::new(), Vec::new());
        decider::read(&input, &slots, &scratch.norm, &scratch.model.token_hashes, word_bits, &mut out, &mut words);
        Some((out, words))
    }

    /// The lexicon-and-rule score of every category, in [`Category::ALL`] order: what the model
    /// reads as features besides the words.
    pub fn lexicon_scores(&self, text: &str) -> PerCategory<f32> {
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
}
