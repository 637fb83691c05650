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
//! Binary format (little endian): `b"SNTM"`, `u16` version, `u8` bits, `u8` head count, then per
//! head: `u8` name length, name, `f32` scale, `f32` bias, `f32` threshold, then `2^bits` `i8`.

use crate::normalise::{Normalised, TokenKind};
use crate::taxonomy::{Category, Lang};

/// Version of the binary format.
pub const MODEL_FORMAT: u16 = 1;

use crate::hash::{fnv, FNV_OFFSET, FNV_PRIME};

/// One hashed feature: bucket, value, and the token it belongs to (for evidence).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feature {
    pub index: u32,
    pub value: f32,
    pub token: u32,
}

/// The sparse feature vector of one message: word features, then character features, then
/// lexicon features; `group_ends` marks where the first two groups end.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub items: Vec<Feature>,
    pub group_ends: [usize; 2],
}

/// The seeds of each feature family, hashed once: punctuation, words, character n-grams by size.
const SEED_P: u64 = fnv(FNV_OFFSET, b"p");
const SEED_W: u64 = fnv(FNV_OFFSET, b"w");
const SEED_C: [u64; 6] = [0, 0, fnv(FNV_OFFSET, &[b'c', 2]), fnv(FNV_OFFSET, &[b'c', 3]), fnv(FNV_OFFSET, &[b'c', 4]), fnv(FNV_OFFSET, &[b'c', 5])];

/// Appends to `out` the hash of every character 2–5-gram of `" word "` (the word's first 40
/// characters with a space at each end): the one definition of the character features.
fn char_ngrams(word: &str, bytes: &mut Vec<u8>, bounds: &mut Vec<usize>, out: &mut Vec<u64>) {
    let mut f = |h: u64| out.push(h);
    let text = word.as_bytes();
    bytes.clear();
    bytes.push(b' ');
    if text.is_ascii() {
        // An n-gram of characters is a byte slice, hashed without re-encoding each character;
        // ASCII words need no table of where characters start.
        bytes.extend_from_slice(&text[..text.len().min(40)]);
        bytes.push(b' ');
        let b: &[u8] = bytes;
        let m = b.len();
        #[inline(always)]
        fn mix(h: u64, x: u8) -> u64 {
            (h ^ x as u64).wrapping_mul(FNV_PRIME)
        }
        // The 2-, 3-, 4- and 5-grams starting at k, side by side, one byte at a time.
        for k in 0..m {
            let x = b[k];
            let (mut h2, mut h3, mut h4, mut h5) = (mix(SEED_C[2], x), mix(SEED_C[3], x), mix(SEED_C[4], x), mix(SEED_C[5], x));
            if k + 1 < m {
                let x = b[k + 1];
                h2 = mix(h2, x);
                f(h2);
                (h3, h4, h5) = (mix(h3, x), mix(h4, x), mix(h5, x));
                if k + 2 < m {
                    let x = b[k + 2];
                    h3 = mix(h3, x);
                    f(h3);
                    (h4, h5) = (mix(h4, x), mix(h5, x));
                    if k + 3 < m {
                        let x = b[k + 3];
                        h4 = mix(h4, x);
                        f(h4);
                        h5 = mix(h5, x);
                        if k + 4 < m {
                            f(mix(h5, b[k + 4]));
                        }
                    }
                }
            }
        }
        return;
    }
    bounds.clear();
    bounds.push(0);
    for (k, (at, c)) in word.char_indices().enumerate() {
        if k == 40 {
            break;
        }
        bounds.push(bytes.len());
        bytes.extend_from_slice(&text[at..at + c.len_utf8()]);
    }
    bounds.push(bytes.len());
    bytes.push(b' ');
    bounds.push(bytes.len());
    let n_chars = bounds.len() - 1;
    for k in 0..n_chars {
        for (n, seed) in SEED_C.iter().enumerate().skip(2) {
            if k + n <= n_chars {
                f(fnv(*seed, &bytes[bounds[k]..bounds[k + n]]));
            }
        }
    }
}

/// Buffers for computing features message after message without allocating: a batch holds one.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Every word-group feature's hash (words, word pairs, punctuation) with its token.
    words: Vec<(u64, u32)>,
    /// The message's words that have character features, as (word hash, token); and the distinct
    /// ones, as [`Scratch::count`] gives them: (word hash, count, first token).
    type_words: Vec<(u64, u32)>,
    types: Vec<(u64, u32, u32)>,
    type_slots: Vec<u32>,
    bytes: Vec<u8>,
    bounds: Vec<usize>,
    /// `(n as f32).ln()` for small counts, computed by the same function.
    ln: Vec<f32>,
    /// Counting repeated hashes: an open-addressing table of indices into `runs`, and the
    /// distinct hashes in order of first appearance with their count and first token.
    slots: Vec<u32>,
    runs: Vec<(u64, u32, u32)>,
    /// One word's character n-grams' hashes; all the message's, with their word's first token.
    hashes: Vec<u64>,
    chars: Vec<(u64, u32)>,
    /// The word group's features (the first `word_len`), then the lexicon's.
    word_items: Vec<Feature>,
    word_len: usize,
    /// The fast path's state for evidence: per distinct word, every head's sum of its character
    /// features' weights, and `1 / √(number of character features)`.
    type_sums: Vec<[i16; LANES]>,
    char_scale: f32,
    /// Words already summed, for the model `cache_model` (0: none yet).
    cache: Vec<CachedWord>,
    cache_model: u64,
    /// Words found in the cache and words summed, since the scratch was made.
    pub cache_hits: u64,
    pub cache_misses: u64,
    /// Whether the last message went the fast path; else `features` holds its features.
    fast: bool,
    features: Features,
}

impl Scratch {
    /// Fills `words` and `types`: the word group's hashes, and the distinct words whose
    /// character n-grams make the character group.
    fn words_and_types(&mut self, norm: &Normalised) {
        let (words, type_words) = (&mut self.words, &mut self.type_words);
        words.clear();
        type_words.clear();
        let mut prev: Option<u64> = None;
        for (i, t) in norm.tokens.iter().enumerate() {
            let i = i as u32;
            let text = norm.bytes_of(t);
            if t.kind == TokenKind::Punct {
                words.push((fnv(SEED_P, text), i));
                prev = None;
                continue;
            }
            let w = fnv(SEED_W, text);
            words.push((w, i));
            if let Some(p) = prev {
                words.push((fnv(p ^ 0x9e3779b97f4a7c15, text), i));
            }
            prev = Some(w);
            if t.kind != TokenKind::Emoji {
                type_words.push((w, i));
            }
        }
        Scratch::count(&mut self.type_slots, &mut self.types, &self.type_words);
    }

    /// Counts repeated hashes of `hashes` into `runs` (first appearance order, first token).
    fn count(slots: &mut Vec<u32>, runs: &mut Vec<(u64, u32, u32)>, hashes: &[(u64, u32)]) {
        // A small hash table rather than a sort (the sort was a seventh of the wasm triage time).
        let cap = (hashes.len() * 2).next_power_of_two().max(16);
        slots.clear();
        slots.resize(cap, u32::MAX);
        runs.clear();
        for &(h, token) in hashes {
            let mut at = h as usize & (cap - 1);
            loop {
                let r = slots[at];
                if r == u32::MAX {
                    slots[at] = runs.len() as u32;
                    runs.push((h, 1, token));
                    break;
                }
                let run = &mut runs[r as usize];
                if run.0 == h {
                    run.1 += 1;
                    break;
                }
                at = (at + 1) & (cap - 1);
            }
        }
    }

    /// The word group's features into `word_items`: each distinct hash once, its count made
    /// sublinear (`1 + ln n`) and signed, the group scaled to unit length. Then the lexicon's.
    fn word_group(&mut self, bits: u8, lexicon: &[f32; 12]) {
        let mask = (1u64 << bits) - 1;
        Scratch::count(&mut self.slots, &mut self.runs, &self.words);
        if self.ln.is_empty() {
            // Not folded at compile time: the same `ln` as for larger counts, at run time.
            self.ln = (0..64u32).map(|n| (std::hint::black_box(n) as f32).ln()).collect();
        }
        let mut items = std::mem::take(&mut self.word_items);
        items.clear();
        for &(h, n, token) in &self.runs {
            let l = match self.ln.get(n as usize) {
                Some(l) => *l,
                None => (n as f32).ln(),
            };
            items.push(Feature { index: (h & mask) as u32, value: sign(h) * (1.0 + l), token });
        }
        unit_length(&mut items);
        self.word_len = items.len();
        push_lexicon(&mut items, bits, lexicon);
        self.word_items = items;
    }

    /// The same as [`features_with_lexicon`], in buffers kept from message to message.
    pub fn features(&mut self, norm: &Normalised, bits: u8, lexicon: &[f32; 12]) -> &Features {
        let mask = (1u64 << bits) - 1;
        self.words_and_types(norm);
        self.word_group(bits, lexicon);
        let mut chars = std::mem::take(&mut self.chars);
        chars.clear();
        for &(_, _, token) in &self.types {
            self.hashes.clear();
            char_ngrams(norm.text_of(&norm.tokens[token as usize]), &mut self.bytes, &mut self.bounds, &mut self.hashes);
            chars.extend(self.hashes.iter().map(|h| (*h, token)));
        }
        Scratch::count(&mut self.slots, &mut self.runs, &chars);
        let scale = char_scale(chars.len());
        self.chars = chars;
        let lexicon_at = self.word_len;
        let items = &mut self.features.items;
        items.clear();
        items.extend_from_slice(&self.word_items[..lexicon_at]);
        self.features.group_ends[0] = items.len();
        items.extend(self.runs.iter().map(|&(h, n, token)| Feature { index: (h & mask) as u32, value: sign(h) * n as f32 * scale, token }));
        self.features.group_ends[1] = items.len();
        items.extend_from_slice(&self.word_items[lexicon_at..]);
        self.fast = false;
        &self.features
    }
}

/// A hashed feature's sign, from the hash's top bit.
fn sign(h: u64) -> f32 {
    if h >> 63 == 1 {
        -1.0
    } else {
        1.0
    }
}

/// The character group's scale: each of its `n` features (counting repeats) weighs `1/√n`, so
/// the group has unit length when no feature repeats. Not the exact norm, which needs the
/// features counted: this way a message's character sums are read straight from its words.
fn char_scale(n: usize) -> f32 {
    if n == 0 {
        0.0
    } else {
        1.0 / (n as f32).sqrt()
    }
}

/// Computes the features of a message's tokens for a model of `bits` buckets.
pub fn features(norm: &Normalised, bits: u8) -> Features {
    features_with_lexicon(norm, bits, &[0.0; 12])
}

fn unit_length(items: &mut [Feature]) {
    let norm = items.iter().map(|f| f.value * f.value).sum::<f32>().sqrt();
    if norm > 0.0 {
        for f in items {
            f.value /= norm;
        }
    }
}

/// The features of a message plus the plan's lexicon score per category (a third group, not
/// normalised): the model learns how far to trust each category's word lists.
pub fn features_with_lexicon(norm: &Normalised, bits: u8, lexicon: &[f32; 12]) -> Features {
    let mut s = Scratch::default();
    s.features(norm, bits, lexicon);
    s.features
}

fn push_lexicon(items: &mut Vec<Feature>, bits: u8, lexicon: &[f32; 12]) {
    for (c, v) in lexicon.iter().enumerate() {
        if *v > 0.0 {
            items.push(Feature { index: lexicon_index(c, bits), value: *v, token: u32::MAX });
        }
    }
}

/// The bucket of the lexicon score of category `c` (its index in [`Category::ALL`]).
pub(crate) fn lexicon_index(c: usize, bits: u8) -> u32 {
    (fnv(FNV_OFFSET, &[b'l', c as u8]) & ((1u64 << bits) - 1)) as u32
}

/// The category a head gives evidence for, and the language it was trained on (from its name:
/// `hate_en`, `toxic_fr`, `complaint`). Heads used only for evaluation (`negative_en`) give none.
pub fn head_target(name: &str) -> Option<(Category, Option<Lang>)> {
    let (base, lang) = match name.rsplit_once('_') {
        Some((b, l)) if Lang::parse(l).is_some() => (b, Lang::parse(l)),
        _ => (name, None),
    };
    let cat = match base {
        "offensive" | "hxoffensive" | "dvoffensive" | "toxic" | "cyber" => Category::Abuse,
        "hate" | "hxhate" | "dvhate" | "racism" => Category::IdentityAttack,
        "fake" | "claim" => Category::Misinformation,
        "complaint" => Category::Complaint,
        "positive" => Category::Praise,
        _ => return None,
    };
    Some((cat, lang))
}

/// The model embedded at build time (`data/model.bin`, made by `sentinelle train`), or `None`
/// if it does not load — the engine then runs on lexicons and rules alone.
pub fn default_model() -> Option<Model> {
    Model::from_bytes(include_bytes!("../data/model.bin")).ok().filter(|m| !m.heads.is_empty())
}

/// One logistic-regression head (its weights live in the [`Model`], bucket-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub name: String,
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
    /// Each head's category and language, read from its name once, at load.
    targets: Vec<Option<(Category, Option<Lang>)>>,
    /// Which model a [`Scratch`]'s word cache was filled by: one number per model built (a
    /// clone has the same weights, so the same number).
    id: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        (self.bits, &self.heads, &self.weights, &self.targets) == (other.bits, &other.heads, &other.weights, &other.targets)
    }
}

static NEXT_MODEL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// How many words the word cache holds (direct-mapped by the word's hash).
const WORD_CACHE: usize = 1 << 13;

/// One distinct word's character group, as [`Model::score`] sums it: every head's sum of the
/// word's n-grams' signed weights, and how many n-grams it has. A pure function of the word and
/// the model, so it is kept from message to message: common words (`the`, `vous`) are read once
/// per cache slot instead of once per message, ~18 scattered rows each.
#[derive(Debug, Clone, Copy, Default)]
struct CachedWord {
    /// The word's 64-bit hash (0: empty).
    key: u64,
    sums: [i16; LANES],
    count: u16,
}

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
        let targets = heads.iter().map(|(h, _)| head_target(&h.name)).collect();
        let id = NEXT_MODEL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Model { bits, heads: heads.into_iter().map(|(h, _)| h).collect(), weights, targets, id }
    }

    /// The category head `h` gives evidence for, and its language (see [`head_target`]).
    pub fn target(&self, h: usize) -> Option<(Category, Option<Lang>)> {
        self.targets[h]
    }

    pub fn head_index(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }

    /// The probability of every head (`None` for heads not in `wanted`), in one pass.
    pub fn probabilities(&self, f: &Features, wanted: &[bool]) -> Vec<Option<f32>> {
        let n = self.heads.len();
        let want = |h: usize| wanted.get(h).copied().unwrap_or(true);
        if n <= LANES {
            // Every head at once, LANES wide whatever is wanted: a fixed-width loop the compiler
            // unrolls (and vectorises), cheaper than picking the wanted heads one by one. Each
            // head's sum is still taken in the order of the items, so the wanted ones are the same.
            let mut lanes = [0.0f32; LANES];
            for x in &f.items {
                self.add_row(&mut lanes, x);
            }
            return self.sigmoids(&lanes, wanted);
        }
        // Only the wanted heads' sums; each in the order of the items, as when all are summed.
        let mut acc = vec![0.0f32; n];
        let scored: Vec<usize> = (0..n).filter(|&h| want(h)).collect();
        for x in &f.items {
            let row = &self.weights[x.index as usize * n..x.index as usize * n + n];
            for &h in &scored {
                acc[h] += row[h] as f32 * x.value;
            }
        }
        self.sigmoids(&acc, wanted)
    }

    /// The probability of one head.
    pub fn probability(&self, head: usize, f: &Features) -> f32 {
        let n = self.heads.len();
        let acc: f32 = f.items.iter().map(|x| self.weights[x.index as usize * n + head] as f32 * x.value).sum();
        sigmoid(self.heads[head].bias + self.heads[head].scale * acc)
    }

    /// Every head's probability (`None` for heads not in `wanted`), straight from the tokens,
    /// keeping in `s` what [`Model::evidence`] needs. The same sums as [`Model::probabilities`]
    /// over [`Scratch::features`], up to rounding, without listing the character features:
    /// each distinct word's n-grams are looked up as they are hashed, and their `i8` weights
    /// summed as integers, exactly, for every head at once.
    pub fn score(&self, s: &mut Scratch, norm: &Normalised, lexicon: &[f32; 12], wanted: &[bool]) -> Vec<Option<f32>> {
        let n = self.heads.len();
        if n > LANES {
            s.features(norm, self.bits, lexicon);
            return self.probabilities(&s.features, wanted);
        }
        let mask = (1u64 << self.bits) - 1;
        s.words_and_types(norm);
        s.word_group(self.bits, lexicon);
        let mut lanes = [0.0f32; LANES];
        for x in &s.word_items[..s.word_len] {
            self.add_row(&mut lanes, x);
        }
        s.type_sums.clear();
        let mut total = [0i32; LANES];
        let mut count = 0usize;
        let weights = &self.weights;
        if s.cache_model != self.id {
            s.cache.clear();
            s.cache.resize(WORD_CACHE, CachedWord::default());
            s.cache_model = self.id;
        }
        for &(w, _, token) in &s.types {
            let slot = w as usize & (WORD_CACHE - 1);
            let cached = s.cache[slot];
            if cached.key == w && w != 0 {
                s.cache_hits += 1;
                count += cached.count as usize;
                for (t, a) in total.iter_mut().zip(&cached.sums) {
                    *t += *a as i32;
                }
                s.type_sums.push(cached.sums);
                continue;
            }
            s.cache_misses += 1;
            // At most 158 n-grams of weights within ±128 each: an `i16` holds a word's sums.
            let mut acc = [0i16; LANES];
            s.hashes.clear();
            char_ngrams(norm.text_of(&norm.tokens[token as usize]), &mut s.bytes, &mut s.bounds, &mut s.hashes);
            count += s.hashes.len();
            for &h in &s.hashes {
                let at = (h & mask) as usize * n;
                let row: &[i8; LANES] = weights[at..at + LANES].try_into().expect("rows are padded");
                // Negated when the sign bit is set, without a branch: (w ^ -1) - (-1) = -w.
                let m = ((h as i64) >> 63) as i16;
                for (a, w) in acc.iter_mut().zip(row) {
                    *a += (*w as i16 ^ m) - m;
                }
            }
            for (t, a) in total.iter_mut().zip(&acc) {
                *t += *a as i32;
            }
            s.type_sums.push(acc);
            s.cache[slot] = CachedWord { key: w, sums: acc, count: s.hashes.len() as u16 };
        }
        s.char_scale = char_scale(count);
        for (l, t) in lanes.iter_mut().zip(&total) {
            *l += *t as f32 * s.char_scale;
        }
        for x in &s.word_items[s.word_len..] {
            self.add_row(&mut lanes, x);
        }
        s.fast = true;
        self.sigmoids(&lanes, wanted)
    }

    /// Adds feature `x`'s row of weights, times its value, to every head's sum (heads ≤ LANES).
    fn add_row(&self, lanes: &mut [f32; LANES], x: &Feature) {
        let at = x.index as usize * self.heads.len();
        let row: &[i8; LANES] = self.weights[at..at + LANES].try_into().expect("rows are padded");
        for (a, w) in lanes.iter_mut().zip(row) {
            *a += *w as f32 * x.value;
        }
    }

    /// Each wanted head's probability from its weighted sum (`None` for the others).
    fn sigmoids(&self, sums: &[f32], wanted: &[bool]) -> Vec<Option<f32>> {
        let want = |h: usize| wanted.get(h).copied().unwrap_or(true);
        self.heads.iter().enumerate().map(|(h, head)| want(h).then(|| sigmoid(head.bias + head.scale * sums[h]))).collect()
    }

    /// Each token's share of head `head`'s logit (without the bias) in the message [`Model::score`]
    /// scored last with `s`. A word's character features are its first occurrence's.
    pub fn evidence(&self, s: &Scratch, head: usize, n_tokens: usize) -> Vec<f32> {
        if !s.fast {
            return self.contributions(head, &s.features, n_tokens);
        }
        let scale = self.heads[head].scale;
        let mut out = vec![0.0f32; n_tokens];
        self.add_shares(&mut out, head, &s.word_items[..s.word_len]);
        for (&(_, _, token), sums) in s.types.iter().zip(&s.type_sums) {
            if let Some(c) = out.get_mut(token as usize) {
                *c += scale * sums[head] as f32 * s.char_scale;
            }
        }
        out
    }

    /// Each token's share of one head's logit (without the bias).
    pub fn contributions(&self, head: usize, f: &Features, n_tokens: usize) -> Vec<f32> {
        let mut out = vec![0.0f32; n_tokens];
        self.add_shares(&mut out, head, &f.items);
        out
    }

    /// Adds each of `items`' share of head `head`'s logit to its token in `out` (features of no
    /// token, the lexicon's, add nothing).
    fn add_shares(&self, out: &mut [f32], head: usize, items: &[Feature]) {
        let (n, scale) = (self.heads.len(), self.heads[head].scale);
        for x in items {
            if let Some(c) = out.get_mut(x.token as usize) {
                *c += scale * self.weights[x.index as usize * n + head] as f32 * x.value;
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.heads.len();
        let buckets = 1usize << self.bits;
        let mut out = Vec::with_capacity(8 + n * (buckets + 32));
        out.extend_from_slice(b"SNTM");
        out.extend_from_slice(&MODEL_FORMAT.to_le_bytes());
        out.push(self.bits);
        out.push(n as u8);
        for (h, head) in self.heads.iter().enumerate() {
            out.push(head.name.len() as u8);
            out.extend_from_slice(head.name.as_bytes());
            out.extend_from_slice(&head.scale.to_le_bytes());
            out.extend_from_slice(&head.bias.to_le_bytes());
            out.extend_from_slice(&head.threshold.to_le_bytes());
            // On disk, head by head: each head's weights compress as one run.
            out.extend((0..buckets).map(|b| self.weights[b * n + h] as u8));
        }
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, String> {
        let mut r = Reader { b, at: 0 };
        if r.take(4)? != b"SNTM" {
            return Err("not a Sentinelle model (bad magic)".into());
        }
        let version = u16::from_le_bytes(r.take(2)?.try_into().unwrap_or_default());
        if version != MODEL_FORMAT {
            return Err(format!("model format {version}, this engine reads {MODEL_FORMAT}"));
        }
        let bits = r.take(1)?[0];
        if !(8..=24).contains(&bits) {
            return Err(format!("model bits {bits} out of range"));
        }
        let n = r.take(1)?[0];
        let mut heads = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let len = r.take(1)?[0] as usize;
            let name = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| "head name is not UTF-8".to_string())?;
            let scale = r.f32()?;
            let bias = r.f32()?;
            let threshold = r.f32()?;
            let weights = r.take(1usize << bits)?.iter().map(|x| *x as i8).collect();
            heads.push((Head { name, scale, bias, threshold }, weights));
        }
        if r.at != b.len() {
            return Err(format!("{} bytes after the last head", b.len() - r.at));
        }
        Ok(Model::from_heads(bits, heads))
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.b.len()).ok_or("model file is truncated")?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().map_err(|_| "truncated")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::normalise;

    #[test]
    fn features_are_unit_length_per_group_and_deterministic() {
        let n = normalise("Quelle arnaque 😡 !!");
        let a = features(&n, 18);
        let b = features(&n, 18);
        assert_eq!(a.items, b.items);
        // The word group has unit length; each of the N character n-grams weighs 1/√N.
        let [w, c] = a.group_ends;
        let words: f32 = a.items[..w].iter().map(|f| f.value * f.value).sum();
        assert!((words - 1.0).abs() < 1e-5, "{words}");
        let root_n: f32 = a.items[w..c].iter().map(|f| f.value.abs()).sum();
        assert_eq!(root_n.powi(2).round(), (7 + 6 + 5 + 4 + 8 + 7 + 6 + 5) as f32); // " quelle ", " arnaque "
        assert!(a.items[w..c].iter().all(|f| (f.value.abs() * root_n - (f.value.abs() * root_n).round()).abs() < 1e-4));
        assert!(a.items.iter().all(|f| f.index < 1 << 18));
        // Obfuscation changes nothing once normalised.
        assert_eq!(features(&normalise("QUELLE 4rnaque 😡 !!"), 18).items, a.items);
    }

    #[test]
    fn the_fast_path_scores_as_the_listed_features_do() {
        let m = default_model().expect("the shipped model");
        let all = vec![true; m.heads.len()];
        let lex = [0.0, 0.4, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2];
        // One scratch for every text: what the previous text left changes nothing, and the second
        // time round every word comes from the word cache.
        let mut s = Scratch::default();
        for t in [
            "Quelle arnaque 😡 !! Remboursez-moi, c'est une honte, une HONTE",
            "go back to your country go back to your country go back",
            "lol lol lol lol lol lol lol lol lol lol lol lol",
            "Ça suffit : vos employés m'ont insulté à l'accueil, je porte plainte.",
            "Пример текста на русском и 日本語のテキスト with some English",
            "supercalifragilisticexpialidocious-and-then-some-more-characters-than-forty",
            "",
            "!!! ??? ...",
            "@user #hashtag https://example.com/a?b=c 12 400 abonnés",
        ]
        .repeat(2)
        {
            let norm = normalise(t);
            let tokens = &norm.tokens;
            let f = features_with_lexicon(&norm, m.bits, &lex);
            let listed = m.probabilities(&f, &all);
            let fast = m.score(&mut s, &norm, &lex, &all);
            for (h, (a, b)) in listed.iter().zip(&fast).enumerate() {
                let (a, b) = (a.unwrap(), b.unwrap());
                assert!((a - b).abs() < 1e-5, "{t:?} head {h}: listed {a}, fast {b}");
                // Evidence shares out the same logit, word by word.
                let (shares, listed_shares) = (m.evidence(&s, h, tokens.len()), m.contributions(h, &f, tokens.len()));
                let (x, y): (f32, f32) = (shares.iter().sum(), listed_shares.iter().sum());
                assert!((x - y).abs() < 1e-3, "{t:?} head {h}: evidence {x} against {y}");
            }
            // Unwanted heads are not given.
            let mut some = all.clone();
            some[0] = false;
            assert_eq!(m.score(&mut s, &norm, &lex, &some)[0], None);
        }
        assert!(s.cache_hits > s.cache_misses, "{} hits, {} misses", s.cache_hits, s.cache_misses);
        // Another model's cache is not used.
        let other = Model::from_bytes(include_bytes!("../data/model.bin")).unwrap();
        let norm = normalise("arnaque arnaque");
        let misses = s.cache_misses;
        other.score(&mut s, &norm, &lex, &all);
        assert_eq!(s.cache_misses, misses + 1);
    }

    #[test]
    fn the_character_group_is_read_once_per_distinct_word() {
        let once = features(&normalise("arnaque"), 18);
        let twice = features(&normalise("arnaque arnaque"), 18);
        let chars = |f: &Features| f.items[f.group_ends[0]..f.group_ends[1]].to_vec();
        assert_eq!(chars(&once).iter().map(|x| (x.index, x.value)).collect::<Vec<_>>(), chars(&twice).iter().map(|x| (x.index, x.value)).collect::<Vec<_>>());
        // The word itself is counted twice, sublinearly.
        assert_ne!(once.items[..once.group_ends[0]], twice.items[..twice.group_ends[0]]);
    }

    #[test]
    fn the_shipped_model_loads_and_writes_back_the_same_bytes() {
        let bytes = include_bytes!("../data/model.bin");
        let m = Model::from_bytes(bytes).expect("data/model.bin loads");
        assert!(m.heads.len() >= 10);
        assert!(m.to_bytes() == bytes.as_slice());
    }

    #[test]
    fn bytes_round_trip_and_reject_damage() {
        let m = Model::from_heads(8, vec![
            (Head { name: "x".into(), scale: 0.5, bias: -1.0, threshold: 0.4 }, (0..256).map(|i| (i % 200) as i8).collect()),
            (Head { name: "y".into(), scale: 0.25, bias: 0.5, threshold: 0.6 }, (0..256).map(|i| -((i % 100) as i8)).collect()),
        ]);
        let b = m.to_bytes();
        assert_eq!(Model::from_bytes(&b).unwrap(), m);
        // Scoring all heads at once agrees with one at a time.
        let f = features(&normalise("une belle arnaque"), 8);
        let all = m.probabilities(&f, &[true, true]);
        assert_eq!(all, vec![Some(m.probability(0, &f)), Some(m.probability(1, &f))]);
        assert_eq!(m.probabilities(&f, &[false, true])[0], None);
        assert!(Model::from_bytes(&b[..b.len() - 1]).unwrap_err().contains("truncated"));
        assert!(Model::from_bytes(b"NOPE").unwrap_err().contains("magic"));
    }
}
