//! The learned decision: which category leads a verdict, decided from all the evidence at once —
//! the plan's lexicon and rule score per category, negation and reported speech, the model heads'
//! log-odds, the reach and many-people signals, per language — by a softmax regression trained on
//! messages labelled by the plan's taxonomy (`sentinelle train --decision`, `src/train/decision.rs`).
//!
//! Hand-wired, the same evidence lost points the heads had (a gate closed, the strongest head
//! counted alone) and had no notion of a French customer-service message; learned, each piece
//! weighs what the labelled messages say it weighs. The plan stays in charge of the rest: its
//! terms still flag categories and give the highlighted spans, a `model_gate` still vetoes, and
//! severity and response follow from the primary category by the plan's rules.

use crate::error::Error;
use crate::model::Model;
use crate::taxonomy::{Category, Lang, PerCategory};
use serde::{Deserialize, Serialize};

/// The decision shipped with the model, embedded at build time: its weights over the evidence,
/// and its table of word weights (`i8`, bucket-major, one per category).
pub(crate) const DEFAULT_DECISION_JSON: &str = include_str!("../../data/decision.json");
pub(crate) const DEFAULT_DECISION_WORDS: &[u8] = include_bytes!("../../data/decision-words.bin");

/// The decision file's format.
pub(crate) const DECISION_FORMAT: u32 = 1;

/// Per language block: 12 lexicon scores, 12 negated-only, 12 reported-only, one log-odds per
/// head, reach, many people, and a constant.
const FIXED: usize = 3 * Category::COUNT + 3;

/// The decision as stored (`data/decision.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionFile {
    pub format: u32,
    /// The model heads whose log-odds it reads, by name, in feature order.
    pub heads: Vec<String>,
    /// Per category (the plan's order), one weight per feature.
    pub weights: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
    /// The word table's size (`2^word_bits` buckets; 0: no word weights) and the weight of one
    /// step of its `i8` values.
    #[serde(default)]
    pub word_bits: u8,
    #[serde(default)]
    pub word_scale: f32,
    /// What it was trained on, for the model card.
    #[serde(default)]
    pub trained_on: Vec<String>,
}

/// What the decision reads of one message.
pub(crate) struct DecisionInput<'a> {
    /// The plan's lexicon-and-rule score per category, before the model's evidence.
    pub lexicon: &'a PerCategory<f32>,
    pub negated_only: &'a PerCategory<bool>,
    pub reported_only: &'a PerCategory<bool>,
    /// Every head's log-odds, by the model's head order.
    pub logits: &'a [f32],
    pub reach: bool,
    pub many: bool,
    pub lang: Lang,
}

/// How many features a decision over `heads` heads reads: a block every message fills, then one
/// block per language.
pub(crate) fn feature_count(heads: usize) -> usize {
    (1 + Lang::COUNT) * (FIXED + heads)
}

/// The features of `input`; `slots` maps each of the decision's heads to the model's (`None`: the
/// model has no such head, and its feature stays 0). The shared block and the message's
/// language's block are filled with the same values: what holds in every language (a praise term
/// is praise) is learnt once from all the rows, and each language adds its own corrections
/// (French customer messages are mostly complaints) — French praise, rare in a brand inbox,
/// still leans on the English rows.
fn features(input: &DecisionInput, slots: &[Option<usize>], out: &mut Vec<f32>) {
    out.clear();
    out.resize(feature_count(slots.len()), 0.0);
    let block = FIXED + slots.len();
    let x = &mut out[..block];
    let n = Category::COUNT;
    for c in 0..n {
        x[c] = input.lexicon[c];
        x[n + c] = input.negated_only[c] as u8 as f32;
        x[2 * n + c] = input.reported_only[c] as u8 as f32;
    }
    for (k, slot) in slots.iter().enumerate() {
        if let Some(z) = slot.and_then(|h| input.logits.get(h).copied()) {
            // Scaled so that a sure head weighs about as much as a lexicon hit; bounded as a
            // probability of 1e-4 or 1 - 1e-4 would be.
            x[3 * n + k] = z.clamp(-9.21, 9.21) / 4.0;
        }
    }
    x[block - 3] = input.reach as u8 as f32;
    x[block - 2] = input.many as u8 as f32;
    x[block - 1] = 1.0;
    let at = (1 + input.lang as usize) * block;
    out.copy_within(..block, at);
}

/// The message's words and word pairs as hashed buckets of `2^bits`, each `1/√n` for `n` of them:
/// the customer-service wording ("toujours rien", "je vais résilier") that no lexicon lists.
/// `token_hashes` are the model's word hashes per token ([`crate::model::Scratch::token_hashes`]),
/// remixed here: hashing every word's bytes a second time was half the decision's cost.
fn word_features(norm: &crate::normalise::Normalised, token_hashes: &[u64], bits: u8, out: &mut Vec<(u32, f32)>) {
    use crate::normalise::TokenKind;
    out.clear();
    if bits == 0 {
        return;
    }
    let mut prev: Option<u64> = None;
    for (t, &h) in norm.tokens.iter().zip(token_hashes) {
        if t.kind != TokenKind::Word {
            prev = None;
            continue;
        }
        out.push((bucket(h ^ UNIGRAM_SALT, bits), 1.0));
        if let Some(p) = prev {
            out.push((bucket(p.rotate_left(17) ^ h ^ BIGRAM_SALT, bits), 1.0));
        }
        prev = Some(h);
    }
    out.sort_unstable_by_key(|x| x.0);
    out.dedup_by(|a, b| a.0 == b.0);
    let v = 1.0 / (out.len().max(1) as f32).sqrt();
    for x in out.iter_mut() {
        x.1 = v;
    }
}

const UNIGRAM_SALT: u64 = 0x5fd1_a3c4_9e37_79b9;
const BIGRAM_SALT: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// A word hash's bucket in a table of `2^bits`: one multiply spreads the model's FNV hash over
/// the high bits, which are kept.
fn bucket(h: u64, bits: u8) -> u32 {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits as u32)) as u32
}

/// Everything the decision reads of a message: the features of `input` into `x` and its words
/// into `words`. Triage and training both read a message through here, so the two never differ.
pub(crate) fn read(input: &DecisionInput, slots: &[Option<usize>], norm: &crate::normalise::Normalised, token_hashes: &[u64], word_bits: u8, x: &mut Vec<f32>, words: &mut Vec<(u32, f32)>) {
    features(input, slots, x);
    word_features(norm, token_hashes, word_bits, words);
}

/// Softmax of `z` in place.
pub(crate) fn softmax(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// A decision ready for a model: its heads resolved to the model's.
#[derive(Debug, Clone)]
pub(crate) struct Decider {
    pub slots: Vec<Option<usize>>,
    /// Per language, the shared block's weights plus that language's, category-major:
    /// `by_lang[lang][c * block + f]`. A message fills the shared block and its language's with
    /// the same values, so one dot product over the summed weights gives the same sum as two.
    by_lang: Vec<Vec<f32>>,
    bias: PerCategory<f32>,
    block: usize,
    pub word_bits: u8,
    /// `words[bucket * COUNT + category]`, as stored (`i8`): a quarter of the bytes of `f32`, so
    /// the ~60 rows a message reads at random stay in cache beside the model's table.
    words: Vec<i8>,
    word_scale: f32,
}

impl Decider {
    pub(crate) fn from_file(file: &DecisionFile, words: &[u8], model: &Model) -> Result<Decider, Error> {
        if file.format != DECISION_FORMAT {
            return Err(Error::model(format!("decision format {}, this engine reads {DECISION_FORMAT}", file.format)));
        }
        let dim = feature_count(file.heads.len());
        if file.weights.len() != Category::COUNT || file.bias.len() != Category::COUNT || file.weights.iter().any(|w| w.len() != dim) {
            return Err(Error::model(format!("decision weights are not {} categories × {dim} features", Category::COUNT)));
        }
        let expected = if file.word_bits == 0 { 0 } else { (1usize << file.word_bits) * Category::COUNT };
        if file.word_bits > 20 || words.len() != expected {
            return Err(Error::model(format!("the decision's word table has {} weights, its {} bits need {expected}", words.len(), file.word_bits)));
        }
        let slots = file.heads.iter().map(|h| model.head_index(h)).collect();
        let mut bias = [0.0; Category::COUNT];
        bias.copy_from_slice(&file.bias);
        let words = words.iter().map(|&b| b as i8).collect();
        let block = dim / (1 + Lang::COUNT);
        let by_lang = (0..Lang::COUNT)
            .map(|l| file.weights.iter().flat_map(|w| (0..block).map(move |f| w[f] + w[(1 + l) * block + f])).collect())
            .collect();
        Ok(Decider { slots, by_lang, bias, block, word_bits: file.word_bits, words, word_scale: file.word_scale })
    }

    /// The shipped decision for `model`, when it reads and fits.
    pub(crate) fn default_for(model: &Model) -> Option<Decider> {
        let file: DecisionFile = serde_json::from_str(DEFAULT_DECISION_JSON).ok()?;
        Decider::from_file(&file, DEFAULT_DECISION_WORDS, model).ok()
    }

    /// The probability of each category leading the verdict, for features `x` as [`features`]
    /// writes them.
    pub(crate) fn probabilities(&self, x: &[f32], lang: Lang, words: &[(u32, f32)]) -> PerCategory<f32> {
        let mut z = self.bias;
        let weights = &self.by_lang[lang as usize];
        let x = &x[..self.block];
        for (c, z) in z.iter_mut().enumerate() {
            let w = &weights[c * self.block..(c + 1) * self.block];
            *z += w.iter().zip(x).map(|(a, b)| a * b).sum::<f32>();
        }
        for &(bucket, v) in words {
            let row = &self.words[bucket as usize * Category::COUNT..(bucket as usize + 1) * Category::COUNT];
            let v = v * self.word_scale;
            for (z, &w) in z.iter_mut().zip(row) {
                *z += v * w as f32;
            }
        }
        softmax(&mut z);
        z
    }

    /// The message's words that weighed most for `category` in the decision's word table: up to
    /// two, each with at least half the strongest one's weight, as token indices. The decision
    /// chose the category, so its own words say why (reading a head's words instead would walk
    /// the model's table a second time, for words the decision did not weigh).
    pub(crate) fn words_for(&self, norm: &crate::normalise::Normalised, token_hashes: &[u64], category: Category, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        if self.word_bits == 0 {
            return Vec::new();
        }
        let mut weighed: Vec<(usize, i8)> = norm
            .tokens
            .iter()
            .zip(token_hashes)
            .enumerate()
            .filter(|(_, (t, _))| t.kind == crate::normalise::TokenKind::Word)
            .map(|(i, (_, &h))| (i, self.words[bucket(h ^ UNIGRAM_SALT, self.word_bits) as usize * Category::COUNT + category.index()]))
            .filter(|&(_, w)| w > 0)
            .collect();
        weighed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        // `keep` (a function-word look-up) only for the strongest, not for every word.
        let mut kept = weighed.into_iter().filter(|x| keep(x.0));
        let Some(first) = kept.next() else { return Vec::new() };
        let mut out = vec![first.0];
        out.extend(kept.next().filter(|x| 2 * x.1 as i32 >= first.1 as i32).map(|x| x.0));
        out
    }
}
