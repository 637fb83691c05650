//! Text → hashed features: word unigrams and bigrams, punctuation, character 2–5-grams inside
//! each word, and the plan's lexicon scores; and [`Scratch`], the buffers that compute them
//! message after message without allocating.

use super::scoring::CachedWord;
use super::LANES;
use crate::hash::{fnv, FNV_OFFSET, FNV_PRIME};
use crate::normalise::{Normalised, TokenKind};
use crate::taxonomy::Category;

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
pub(super) fn char_ngrams(word: &str, bytes: &mut Vec<u8>, bounds: &mut Vec<usize>, out: &mut Vec<u64>) {
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
    /// Every head's log-odds in the message [`Model::score`](super::Model::score) scored last
    /// (what the learned decision reads: no logarithm of the probability needed).
    pub logits: Vec<f32>,
    /// Every word-group feature's hash (words, word pairs, punctuation) with its token.
    pub(super) words: Vec<(u64, u32)>,
    /// Per token, its word hash (punctuation: 0): the learned decision buckets its words from
    /// these instead of hashing every word's bytes again.
    pub token_hashes: Vec<u64>,
    /// The message's words that have character features, as (word hash, token); and the distinct
    /// ones, as [`Scratch::count`] gives them: (word hash, count, first token).
    pub(super) type_words: Vec<(u64, u32)>,
    pub(super) types: Vec<(u64, u32, u32)>,
    pub(super) type_slots: Vec<u32>,
    pub(super) bytes: Vec<u8>,
    pub(super) bounds: Vec<usize>,
    /// `(n as f32).ln()` for small counts, computed by the same function.
    pub(super) ln: Vec<f32>,
    /// Counting repeated hashes: an open-addressing table of indices into `runs`, and the
    /// distinct hashes in order of first appearance with their count and first token.
    pub(super) slots: Vec<u32>,
    pub(super) runs: Vec<(u64, u32, u32)>,
    /// One word's character n-grams' hashes; all the message's, with their word's first token.
    pub(super) hashes: Vec<u64>,
    pub(super) chars: Vec<(u64, u32)>,
    /// The word group's features (the first `word_len`), then the lexicon's.
    pub(super) word_items: Vec<Feature>,
    pub(super) word_len: usize,
    /// The fast path's state for evidence: per distinct word, every head's sum of its character
    /// features' weights, and `1 / √(number of character features)`.
    pub(super) type_sums: Vec<[i16; LANES]>,
    pub(super) char_scale: f32,
    /// Words already summed, for the model `cache_model` (0: none yet).
    pub(super) cache: Vec<CachedWord>,
    pub(super) cache_model: u64,
    /// Words found in the cache and words summed, since the scratch was made.
    pub cache_hits: u64,
    pub cache_misses: u64,
    /// Whether the last message went the fast path; else `features` holds its features.
    pub(super) fast: bool,
    pub(super) features: Features,
}

impl Scratch {
    /// Fills `words` and `types`: the word group's hashes, and the distinct words whose
    /// character n-grams make the character group.
    pub(super) fn words_and_types(&mut self, norm: &Normalised) {
        let (words, type_words, token_hashes) = (&mut self.words, &mut self.type_words, &mut self.token_hashes);
        words.clear();
        type_words.clear();
        token_hashes.clear();
        let mut prev: Option<u64> = None;
        for (i, t) in norm.tokens.iter().enumerate() {
            let i = i as u32;
            let text = norm.bytes_of(t);
            if t.kind == TokenKind::Punct {
                words.push((fnv(SEED_P, text), i));
                token_hashes.push(0);
                prev = None;
                continue;
            }
            let w = fnv(SEED_W, text);
            words.push((w, i));
            token_hashes.push(w);
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
    pub(super) fn count(slots: &mut Vec<u32>, runs: &mut Vec<(u64, u32, u32)>, hashes: &[(u64, u32)]) {
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
    pub(super) fn word_group(&mut self, bits: u8, lexicon: &[f32; Category::COUNT]) {
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
    pub fn features(&mut self, norm: &Normalised, bits: u8, lexicon: &[f32; Category::COUNT]) -> &Features {
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
pub(super) fn char_scale(n: usize) -> f32 {
    if n == 0 {
        0.0
    } else {
        1.0 / (n as f32).sqrt()
    }
}

/// Computes the features of a message's tokens for a model of `bits` buckets, with no lexicon
/// scores (what the tests compare the paths on).
#[cfg(test)]
pub fn features(norm: &Normalised, bits: u8) -> Features {
    features_with_lexicon(norm, bits, &[0.0; Category::COUNT])
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
pub fn features_with_lexicon(norm: &Normalised, bits: u8, lexicon: &[f32; Category::COUNT]) -> Features {
    let mut s = Scratch::default();
    s.features(norm, bits, lexicon);
    s.features
}

fn push_lexicon(items: &mut Vec<Feature>, bits: u8, lexicon: &[f32; Category::COUNT]) {
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
    fn the_character_group_is_read_once_per_distinct_word() {
        let once = features(&normalise("arnaque"), 18);
        let twice = features(&normalise("arnaque arnaque"), 18);
        let chars = |f: &Features| f.items[f.group_ends[0]..f.group_ends[1]].to_vec();
        assert_eq!(chars(&once).iter().map(|x| (x.index, x.value)).collect::<Vec<_>>(), chars(&twice).iter().map(|x| (x.index, x.value)).collect::<Vec<_>>());
        // The word itself is counted twice, sublinearly.
        assert_ne!(once.items[..once.group_ends[0]], twice.items[..twice.group_ends[0]]);
    }
}
