//! The learned model: linear heads over hashed features of the normalised text.
//!
//! Features are the ones a plain TF-IDF baseline uses, computed on [`crate::normalise`] tokens (so
//! `ѕс4м` and `scam` are the same word): word unigrams and bigrams, and character 2–5-grams inside
//! each word (with a space at each end). Each feature's name is hashed (FNV-1a, 64 bits) to one of
//! `2^bits` buckets with a sign from the top bit, counts are made sublinear (`1 + ln n`), and the
//! word and character groups are each scaled to unit length.
//!
//! A head is a logistic regression: `p = σ(bias + Σ wᵢ xᵢ)`. Weights are stored as `i8` with one
//! scale per head, which keeps the model small and the dot product a few hundred loads.
//! Because the model is linear, each token's share of a score is exact: that is the model's
//! evidence.
//!
//! ```text
//! features.rs  text → hashed features (Scratch keeps the buffers from message to message)
//! scoring.rs   features → each head's probability, and each token's share of it (evidence)
//! format.rs    the model file (data/model.bin) ↔ Model
//! ```

mod features;
mod format;
mod scoring;

#[cfg(test)]
pub(crate) use features::features;
pub use features::{features_with_lexicon, Scratch};
#[cfg(feature = "cli")] // training builds features from its stored examples
pub(crate) use features::{Feature, Features};
#[cfg(feature = "cli")] // training sets the lexicon prior at this bucket
pub(crate) use features::lexicon_index;

use crate::taxonomy::{Category, Lang};

/// The model embedded at build time (`data/model.bin`, made by `sentinelle train`), or `None`
/// if it does not load — the engine then runs on lexicons and rules alone.
pub fn default_model() -> Option<Model> {
    Model::from_bytes(include_bytes!("../../data/model.bin")).ok().filter(|m| !m.heads.is_empty())
}

/// One logistic-regression head (its weights live in the [`Model`], bucket-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub name: String,
    /// The category the head gives evidence for; `None` for a head that only training uses (to
    /// score a data set), never triage.
    pub category: Option<Category>,
    /// The language of the rows it learnt from: triage asks it only about messages in that
    /// language (`None`: any).
    pub lang: Option<Lang>,
    pub scale: f32,
    pub bias: f32,
    /// Probability from which the head counts as positive, chosen by cross-validation.
    pub threshold: f32,
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// How many heads' weights [`Model::probabilities`] reads at once (the rows are padded for it).
const LANES: usize = 16;

/// A set of heads sharing one feature space. Weights are stored bucket-major — the weights of
/// every head for one bucket side by side — so that scoring all heads reads one cache line per
/// feature instead of one per feature and head.
#[derive(Debug, Clone)]
pub struct Model {
    pub bits: u8,
    pub heads: Vec<Head>,
    weights: Vec<i8>,
    /// Which model a [`Scratch`]'s word cache was filled by: one number per model built (a
    /// clone has the same weights, so the same number).
    id: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        (self.bits, &self.heads, &self.weights) == (other.bits, &other.heads, &other.weights)
    }
}

static NEXT_MODEL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Model {
    /// Builds a model from heads and their weights (one `Vec` of `2^bits` per head).
    pub fn from_heads(bits: u8, heads: Vec<(Head, Vec<i8>)>) -> Model {
        let n = heads.len();
        let buckets = 1usize << bits;
        // LANES zero bytes past the last bucket: every bucket's row can be read LANES wide.
        let mut weights = vec![0i8; buckets * n + LANES];
        for (h, (_, w)) in heads.iter().enumerate() {
            for (b, x) in w.iter().enumerate().take(buckets) {
                weights[b * n + h] = *x;
            }
        }
        let id = NEXT_MODEL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Model { bits, heads: heads.into_iter().map(|(h, _)| h).collect(), weights, id }
    }

    /// The category head `h` gives evidence for, and its language; `None` for a head that gives
    /// no evidence.
    pub fn target(&self, h: usize) -> Option<(Category, Option<Lang>)> {
        let head = &self.heads[h];
        head.category.map(|c| (c, head.lang))
    }

    pub fn head_index(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }
}
