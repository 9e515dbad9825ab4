//! Agent keys: constant-time comparison and generation.

use subtle::ConstantTimeEq;

/// True when `presented` equals `expected`. The comparison takes the same
/// time wherever the first difference is (lengths are compared as part of
/// the same constant-time check on SHA-256 digests of both keys).
pub fn keys_match(expected: &str, presented: &str) -> bool {
    use sha2::{Digest, Sha256};
    let expected = Sha256::digest(expected.as_bytes());
    let presented = Sha256::digest(presented.as_bytes());
    expected.as_slice().ct_eq(presented.as_slice()).into()
}

/// A fresh random key: 32 bytes from the operating system, as 64 hex digits.
pub fn generate_key() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_key_matches() {
        assert!(keys_match("k-123", "k-123"));
        assert!(!keys_match("k-123", "k-124"));
        assert!(!keys_match("k-123", "k-1234"));
        assert!(!keys_match("k-123", ""));
    }

    #[test]
    fn generated_keys_are_long_and_differ() {
        let a = generate_key().expect("random");
        let b = generate_key().expect("random");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
