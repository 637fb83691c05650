//! The model file (`data/model.bin`, made by `sentinelle train`).
//!
//! Binary format (little endian): `b"SNTM"`, `u16` version, `u8` bits, `u8` head count, then per
//! head: `u8` name length, name, `f32` scale, `f32` bias, `f32` threshold, then `2^bits` `i8`.

use super::{Head, Model};

/// Version of the binary format.
pub const MODEL_FORMAT: u16 = 1;

impl Model {

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
    use super::super::*;
    use crate::normalise::normalise;

    #[test]
    fn the_shipped_model_loads_and_writes_back_the_same_bytes() {
        let bytes = include_bytes!("../../data/model.bin");
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
