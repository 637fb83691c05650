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

use crate::normalise::{Token, TokenKind};
use crate::taxonomy::{Category, Lang};

/// Version of the binary format.
pub const MODEL_FORMAT: u16 = 1;

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

/// FNV-1a of `bytes` from the standard offset: the hash every feature name goes through.
#[cfg_attr(not(feature = "cli"), allow(dead_code, reason = "used by training, which is CLI only"))]
pub(crate) fn fnv_hash(bytes: &[u8]) -> u64 {
    fnv(FNV_OFFSET, bytes)
}

fn fnv(h: u64, bytes: &[u8]) -> u64 {
    let mut h = h;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

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

/// Buffers for computing features message after message without allocating: a batch holds one.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Every word and character feature's hash with its token, in token order, per group.
    groups: [Vec<(u64, u32)>; 2],
    bytes: Vec<u8>,
    bounds: Vec<usize>,
    /// `(n as f32).ln()` for small counts, computed by the same function.
    ln: Vec<f32>,
    /// Counting repeated hashes: an open-addressing table of indices into `runs`, and the
    /// distinct hashes in order of first appearance with their count and first token.
    slots: Vec<u32>,
    runs: Vec<(u64, u32, u32)>,
    features: Features,
}

impl Scratch {
    /// Fills `groups` with every feature's hash and token: the one definition of the features.
    fn hash(&mut self, tokens: &[Token]) {
        let [words, chars] = &mut self.groups;
        let (bytes, bounds) = (&mut self.bytes, &mut self.bounds);
        words.clear();
        chars.clear();
        let mut prev: Option<u64> = None;
        // The seeds of each feature family, hashed once.
        let (seed_p, seed_w) = (fnv(FNV_OFFSET, b"p"), fnv(FNV_OFFSET, b"w"));
        let seed_c: [u64; 6] = std::array::from_fn(|n| fnv(FNV_OFFSET, &[b'c', n as u8]));
        for (i, t) in tokens.iter().enumerate() {
            let i = i as u32;
            let text = t.text.as_bytes();
            if t.kind == TokenKind::Punct {
                words.push((fnv(seed_p, text), i));
                prev = None;
                continue;
            }
            let w = fnv(seed_w, text);
            words.push((w, i));
            if let Some(p) = prev {
                words.push((fnv(p ^ 0x9e3779b97f4a7c15, text), i));
            }
            prev = Some(w);
            if t.kind == TokenKind::Emoji {
                continue;
            }
            // " word " (its first 40 characters) as UTF-8 bytes: an n-gram of characters is a
            // byte slice, hashed without re-encoding each character (the same bytes, so the same
            // hashes). ASCII words need no table of where characters start.
            bytes.clear();
            bytes.push(b' ');
            if text.is_ascii() {
                bytes.extend_from_slice(&text[..text.len().min(40)]);
                bytes.push(b' ');
                // Hashed inline into slots reserved for them, in the same order (all 2-grams,
                // then all 3-grams…): written when the wasm was built at opt-level z, where
                // `fnv`, `push`, `windows` and range slicing were calls each in the innermost
                // loop; at -O3 an `extend` over `windows` measured no faster.
                let m = bytes.len();
                let count: usize = (2..=5).filter(|&n| m >= n).map(|n| m - n + 1).sum();
                let start = chars.len();
                chars.resize(start + count, (0, i));
                let out = &mut chars[start..];
                let b: &[u8] = bytes;
                // Where the 3-, 4- and 5-grams start in `out`, after the m - 1 2-grams… (m >= 3).
                let at = [0, 0, 0, m - 1, 2 * m - 3, 3 * m - 6];
                #[inline(always)]
                fn mix(h: u64, x: u8) -> u64 {
                    (h ^ x as u64).wrapping_mul(FNV_PRIME)
                }
                // The 2-, 3-, 4- and 5-grams starting at k, side by side, one byte at a time.
                for k in 0..m {
                    let x = b[k];
                    let (mut h2, mut h3, mut h4, mut h5) = (mix(seed_c[2], x), mix(seed_c[3], x), mix(seed_c[4], x), mix(seed_c[5], x));
                    if k + 1 < m {
                        let x = b[k + 1];
                        h2 = mix(h2, x);
                        out[k].0 = h2;
                        (h3, h4, h5) = (mix(h3, x), mix(h4, x), mix(h5, x));
                        if k + 2 < m {
                            let x = b[k + 2];
                            h3 = mix(h3, x);
                            out[at[3] + k].0 = h3;
                            (h4, h5) = (mix(h4, x), mix(h5, x));
                            if k + 3 < m {
                                let x = b[k + 3];
                                h4 = mix(h4, x);
                                out[at[4] + k].0 = h4;
                                h5 = mix(h5, x);
                                if k + 4 < m {
                                    out[at[5] + k].0 = mix(h5, b[k + 4]);
                                }
                            }
                        }
                    }
                }
                continue;
            }
            bounds.clear();
            bounds.push(0);
            for (k, (at, c)) in t.text.char_indices().enumerate() {
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
            for (n, seed) in seed_c.iter().enumerate().skip(2) {
                if n_chars < n {
                    break;
                }
                chars.extend((0..=n_chars - n).map(|k| (fnv(*seed, &bytes[bounds[k]..bounds[k + n]]), i)));
            }
        }
    }

    /// A feature's value from its hash and count: the sign from the top bit, the count sublinear.
    fn value(&mut self, h: u64, n: usize) -> f32 {
        if self.ln.is_empty() {
            // Not folded at compile time: the same `ln` as for larger counts, at run time.
            self.ln = (0..64u32).map(|n| (std::hint::black_box(n) as f32).ln()).collect();
        }
        let l = match self.ln.get(n) {
            Some(l) => *l,
            None => (n as f32).ln(),
        };
        let sign = if h >> 63 == 1 { -1.0 } else { 1.0 };
        sign * (1.0 + l)
    }

    /// The same as [`features_with_lexicon`], in buffers kept from message to message.
    pub fn features(&mut self, tokens: &[Token], bits: u8, lexicon: &[f32; 12]) -> &Features {
        let mask = (1u64 << bits) - 1;
        self.hash(tokens);
        let mut items = std::mem::take(&mut self.features.items);
        items.clear();
        for g in 0..2 {
            // Repeated features are counted in a small hash table rather than found by sorting
            // (the sort was a seventh of the wasm triage time); each feature keeps its first
            // appearance's place and token, so evidence credits the first occurrence.
            let cap = (self.groups[g].len() * 2).next_power_of_two().max(16);
            self.slots.clear();
            self.slots.resize(cap, u32::MAX);
            self.runs.clear();
            for &(h, token) in &self.groups[g] {
                let mut at = h as usize & (cap - 1);
                loop {
                    let r = self.slots[at];
                    if r == u32::MAX {
                        self.slots[at] = self.runs.len() as u32;
                        self.runs.push((h, 1, token));
                        break;
                    }
                    let run = &mut self.runs[r as usize];
                    if run.0 == h {
                        run.1 += 1;
                        break;
                    }
                    at = (at + 1) & (cap - 1);
                }
            }
            let start = items.len();
            for k in 0..self.runs.len() {
                let (h, n, token) = self.runs[k];
                items.push(Feature { index: (h & mask) as u32, value: self.value(h, n as usize), token });
            }
            unit_length(&mut items[start..]);
            self.features.group_ends[g] = items.len();
        }
        push_lexicon(&mut items, bits, lexicon);
        self.features.items = items;
        &self.features
    }
}

/// Computes the features of a message's tokens for a model of `bits` buckets.
pub fn features(tokens: &[Token], bits: u8) -> Features {
    features_with_lexicon(tokens, bits, &[0.0; 12])
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
pub fn features_with_lexicon(tokens: &[Token], bits: u8, lexicon: &[f32; 12]) -> Features {
    let mut s = Scratch::default();
    s.features(tokens, bits, lexicon);
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
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub bits: u8,
    pub heads: Vec<Head>,
    weights: Vec<i8>,
    /// Each head's category and language, read from its name once, at load.
    targets: Vec<Option<(Category, Option<Lang>)>>,
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
        Model { bits, heads: heads.into_iter().map(|(h, _)| h).collect(), weights, targets }
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
                let at = x.index as usize * n;
                let row: &[i8; LANES] = self.weights[at..at + LANES].try_into().expect("rows are padded");
                for (a, w) in lanes.iter_mut().zip(row) {
                    *a += *w as f32 * x.value;
                }
            }
            return self.heads.iter().enumerate().map(|(h, head)| want(h).then(|| sigmoid(head.bias + head.scale * lanes[h]))).collect();
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
        self.heads.iter().enumerate().map(|(h, head)| want(h).then(|| sigmoid(head.bias + head.scale * acc[h]))).collect()
    }

    /// The probability of one head.
    pub fn probability(&self, head: usize, f: &Features) -> f32 {
        let n = self.heads.len();
        let acc: f32 = f.items.iter().map(|x| self.weights[x.index as usize * n + head] as f32 * x.value).sum();
        sigmoid(self.heads[head].bias + self.heads[head].scale * acc)
    }

    /// Each token's share of one head's logit (without the bias).
    pub fn contributions(&self, head: usize, f: &Features, n_tokens: usize) -> Vec<f32> {
        let n = self.heads.len();
        let scale = self.heads[head].scale;
        let mut out = vec![0.0f32; n_tokens];
        for x in &f.items {
            if let Some(c) = out.get_mut(x.token as usize) {
                *c += scale * self.weights[x.index as usize * n + head] as f32 * x.value;
            }
        }
        out
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
        let a = features(&n.tokens, 18);
        let b = features(&n.tokens, 18);
        assert_eq!(a.items, b.items);
        let total: f32 = a.items.iter().map(|f| f.value * f.value).sum();
        assert!((total - 2.0).abs() < 1e-4, "{total}");
        assert!(a.items.iter().all(|f| f.index < 1 << 18));
        // Obfuscation changes nothing once normalised.
        assert_eq!(features(&normalise("QUELLE 4rnaque 😡 !!").tokens, 18).items, a.items);
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
        let f = features(&normalise("une belle arnaque").tokens, 8);
        let all = m.probabilities(&f, &[true, true]);
        assert_eq!(all, vec![Some(m.probability(0, &f)), Some(m.probability(1, &f))]);
        assert_eq!(m.probabilities(&f, &[false, true])[0], None);
        assert!(Model::from_bytes(&b[..b.len() - 1]).unwrap_err().contains("truncated"));
        assert!(Model::from_bytes(b"NOPE").unwrap_err().contains("magic"));
    }
}
