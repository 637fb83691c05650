//! Features → each head's probability, and each token's share of a head's logit (the model's
//! evidence): the listed way ([`Model::probabilities`] over [`Features`]) and the fast way
//! ([`Model::score`], straight from the tokens with a word cache).

use super::features::{char_ngrams, char_scale, Feature, Features, Scratch};
use super::{sigmoid, Model, LANES};
use crate::normalise::Normalised;
use crate::taxonomy::Category;

/// How many words the word cache holds (direct-mapped by the word's hash).
const WORD_CACHE: usize = 1 << 13;

/// One distinct word's character group, as [`Model::score`] sums it: every head's sum of the
/// word's n-grams' signed weights, and how many n-grams it has. A pure function of the word and
/// the model, so it is kept from message to message: common words (`the`, `vous`) are read once
/// per cache slot instead of once per message, ~18 scattered rows each.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CachedWord {
    /// The word's 64-bit hash (0: empty).
    key: u64,
    sums: [i16; LANES],
    count: u16,
}

impl Model {
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
    pub fn score(&self, s: &mut Scratch, norm: &Normalised, lexicon: &[f32; Category::COUNT], wanted: &[bool]) -> Vec<Option<f32>> {
        let n = self.heads.len();
        if n > LANES {
            s.features(norm, self.bits, lexicon);
            let p = self.probabilities(&s.features, &[]);
            s.logits.clear();
            s.logits.extend(p.iter().map(|p| p.map_or(0.0, |p| (p / (1.0 - p)).ln())));
            return p.into_iter().enumerate().map(|(h, p)| p.filter(|_| wanted.get(h).copied().unwrap_or(true))).collect();
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
        s.logits.clear();
        s.logits.extend(self.heads.iter().enumerate().map(|(h, head)| head.bias + head.scale * lanes[h]));
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
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::normalise::normalise;

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
        let other = Model::from_bytes(include_bytes!("../../data/model.bin")).unwrap();
        let norm = normalise("arnaque arnaque");
        let misses = s.cache_misses;
        other.score(&mut s, &norm, &lex, &all);
        assert_eq!(s.cache_misses, misses + 1);
    }
}
