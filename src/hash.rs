//! FNV-1a, the one hash of the engine: feature names, function-word look-ups and the seed of a
//! message's reply variants all go through it. Its values are part of the model file (features
//! are hashed buckets), so it must never change.

pub(crate) const FNV_OFFSET: u64 = 0xcbf29ce484222325;
pub(crate) const FNV_PRIME: u64 = 0x100000001b3;

/// FNV-1a of `bytes` from the standard offset.
pub(crate) fn fnv_hash(bytes: &[u8]) -> u64 {
    fnv(FNV_OFFSET, bytes)
}

/// FNV-1a of `bytes` continued from `h` (a hash of what came before).
pub(crate) const fn fnv(h: u64, bytes: &[u8]) -> u64 {
    let mut h = h;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(fnv_hash(b""), 0xcbf29ce484222325);
        assert_eq!(fnv_hash(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv(fnv_hash(b"fo"), b"o"), fnv_hash(b"foo"));
    }
}
