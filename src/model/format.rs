//! The model file (`data/model.bin`, made by `sentinelle train`).
//!
//! Binary format 2 (little endian): `b"SNTM"`, `u16` version, `u8` bits, `u8` head count, then per
//! head: `u8` name length, name, `u8` length and name of the category it gives evidence for (empty:
//! none), `u8` length and code of its language (empty: any), `f32` scale, `f32` bias, `f32`
//! threshold, then `2^bits` `i8`. Category and language are stored by name, as plans spell them,
//! so that reordering [`Category`] never changes what a file means.
//!
//! Format 1 had no category or language: they were read from head names by a table of training
//! data sets. The shipped model was converted once; this engine reads format 2 only.

use super::{Head, Model};
use crate::error::Error;
use crate::taxonomy::{Category, Lang};

/// Version of the binary format.
pub const MODEL_FORMAT: u16 = 2;

impl Model {
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.heads.len();
        let buckets = 1usize << self.bits;
        let mut out = Vec::with_capacity(8 + n * (buckets + 64));
        out.extend_from_slice(b"SNTM");
        out.extend_from_slice(&MODEL_FORMAT.to_le_bytes());
        out.push(self.bits);
        out.push(n as u8);
        let name = |out: &mut Vec<u8>, s: &str| {
            out.push(s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        };
        for (h, head) in self.heads.iter().enumerate() {
            name(&mut out, &head.name);
            name(&mut out, head.category.map_or("", Category::as_str));
            name(&mut out, head.lang.map_or("", Lang::as_str));
            out.extend_from_slice(&head.scale.to_le_bytes());
            out.extend_from_slice(&head.bias.to_le_bytes());
            out.extend_from_slice(&head.threshold.to_le_bytes());
            // On disk, head by head: each head's weights compress as one run.
            out.extend((0..buckets).map(|b| self.weights[b * n + h] as u8));
        }
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, Error> {
        let mut r = Reader { b, at: 0 };
        if r.take(4)? != b"SNTM" {
            return Err(Error::model("not a Sentinelle model (bad magic)"));
        }
        let version = u16::from_le_bytes(r.take(2)?.try_into().unwrap_or_default());
        if version != MODEL_FORMAT {
            return Err(Error::model(format!("model format {version}, this engine reads {MODEL_FORMAT}")));
        }
        let bits = r.take(1)?[0];
        if !(8..=24).contains(&bits) {
            return Err(Error::model(format!("model bits {bits} out of range")));
        }
        let n = r.take(1)?[0];
        let mut heads = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let name = r.name()?.to_string();
            let category = match r.name()? {
                "" => None,
                c => Some(Category::parse(c).ok_or_else(|| Error::model(format!("head {name}: unknown category {c:?}")))?),
            };
            let lang = match r.name()? {
                "" => None,
                l => Some(Lang::parse(l).ok_or_else(|| Error::model(format!("head {name}: unknown language {l:?}")))?),
            };
            let scale = r.f32()?;
            let bias = r.f32()?;
            let threshold = r.f32()?;
            let weights = r.take(1usize << bits)?.iter().map(|x| *x as i8).collect();
            heads.push((Head { name, category, lang, scale, bias, threshold }, weights));
        }
        if r.at != b.len() {
            return Err(Error::model(format!("{} bytes after the last head", b.len() - r.at)));
        }
        Ok(Model::from_heads(bits, heads))
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.b.len()).ok_or_else(|| Error::model("model file is truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().map_err(|_| Error::model("model file is truncated"))?))
    }

    /// A `u8` length, then that many bytes of UTF-8.
    fn name(&mut self) -> Result<&'a str, Error> {
        let len = self.take(1)?[0] as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| Error::model("a name in the model file is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::normalise::normalise;

    #[test]
    fn the_shipped_model_loads_and_writes_back_the_same_bytes() {
        let bytes = include_bytes!("../../data/model.bin");
        let m = Model::from_bytes(bytes).expect("data/model.bin loads");
        assert!(m.heads.len() >= 10);
        // The heads say what they give evidence for, and in which language (which head speaks for
        // what is training's business: see `train::head_target`).
        let targets: Vec<_> = (0..m.heads.len()).filter_map(|h| m.target(h)).collect();
        assert!(targets.len() >= 10 && targets.iter().all(|(_, lang)| lang.is_some()));
        for lang in [Lang::En, Lang::Fr] {
            assert!(targets.iter().any(|&(c, l)| c == Category::IdentityAttack && l == Some(lang)), "{lang}");
        }
        assert!(m.to_bytes() == bytes.as_slice());
    }

    #[test]
    fn bytes_round_trip_and_reject_damage() {
        let m = Model::from_heads(8, vec![
            (Head { name: "x".into(), category: Some(Category::Abuse), lang: Some(Lang::Fr), scale: 0.5, bias: -1.0, threshold: 0.4 }, (0..256).map(|i| (i % 200) as i8).collect()),
            (Head { name: "y".into(), category: None, lang: None, scale: 0.25, bias: 0.5, threshold: 0.6 }, (0..256).map(|i| -((i % 100) as i8)).collect()),
        ]);
        let b = m.to_bytes();
        assert_eq!(Model::from_bytes(&b).unwrap(), m);
        // Scoring all heads at once agrees with one at a time.
        let f = features(&normalise("une belle arnaque"), 8);
        let all = m.probabilities(&f, &[true, true]);
        assert_eq!(all, vec![Some(m.probability(0, &f)), Some(m.probability(1, &f))]);
        assert_eq!(m.probabilities(&f, &[false, true])[0], None);
        assert!(Model::from_bytes(&b[..b.len() - 1]).unwrap_err().to_string().contains("truncated"));
        assert!(Model::from_bytes(b"NOPE").unwrap_err().to_string().contains("magic"));
        // Another format version, or a category this engine does not know, is refused.
        let mut old = b.clone();
        old[4..6].copy_from_slice(&1u16.to_le_bytes());
        assert!(Model::from_bytes(&old).unwrap_err().to_string().contains("format 1"));
        let at = b.windows(5).position(|w| w == b"abuse").unwrap();
        let mut unknown = b.clone();
        unknown[at..at + 5].copy_from_slice(b"abusf");
        assert!(Model::from_bytes(&unknown).unwrap_err().to_string().contains("unknown category"));
    }
}
