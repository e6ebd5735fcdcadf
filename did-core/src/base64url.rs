//! Base64url without padding (RFC 7515 §2 and Appendix C), the one encoding JOSE uses for bytes.
//!
//! The engine is strict: padding is refused, and so are non-zero trailing bits, so every value
//! has exactly one accepted encoding. Without that, two different strings could decode to the
//! same key or signature, and a verifier that compares encoded forms would be fooled.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The base64url text of `bytes`, without padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the base64url text of `bytes` to `out`, without padding.
pub fn encode_to(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// The bytes of a base64url text without padding; `None` if the text is not exactly that.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// The number of characters base64url without padding needs for `len` bytes.
pub const fn encoded_len(len: usize) -> usize {
    (len / 3) * 4
        + match len % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

/// Decodes exactly `N` bytes without allocating; `None` if the text is not base64url without
/// padding or does not decode to exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != encoded_len(N) {
        return None;
    }
    let mut out = [0u8; N];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(written) if written == N => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length_remainder() {
        for len in 0..8 {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8 * 37).collect();
            let text = encode(&bytes);
            assert_eq!(text.len(), encoded_len(len));
            assert_eq!(decode(&text), Some(bytes));
        }
    }

    #[test]
    fn rejects_padding() {
        // RFC 7515 §2: base64url "with all trailing '=' characters omitted".
        assert_eq!(decode("AQ=="), None);
        assert_eq!(decode("AQ"), Some(vec![1]));
    }

    #[test]
    fn rejects_standard_alphabet() {
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_8"), Some(vec![0xfb, 0xff]));
    }

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        // "AR" carries bits after the one encoded byte; only "AQ" is the encoding of 0x01.
        assert_eq!(decode("AR"), None);
    }

    #[test]
    fn decode_array_requires_exact_length() {
        assert_eq!(decode_array::<2>("AQI"), Some([1, 2]));
        assert_eq!(decode_array::<2>("AQ"), None);
        assert_eq!(decode_array::<2>("AQID"), None);
        assert_eq!(decode_array::<2>("A!I"), None);
    }
}
