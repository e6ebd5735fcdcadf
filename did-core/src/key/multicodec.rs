//! The multicodec and Multikey framing of public keys: an unsigned-varint codec code followed by
//! the raw key, and its multibase base58btc text (W3C Controlled Identifiers §2.2.2 Multikey).

use super::{KeyError, KeyType};

/// `ed25519-pub` in the multicodec table.
const ED25519_PUB: u64 = 0xed;
/// `x25519-pub` in the multicodec table.
const X25519_PUB: u64 = 0xec;
/// `p256-pub` in the multicodec table (a compressed SEC1 point).
const P256_PUB: u64 = 0x1200;

/// Private key codes of the multicodec table (`ed25519-priv`, `secp256k1-priv`, `x25519-priv`,
/// `p256-priv`, `p384-priv`, `p521-priv`). Named apart from unknown codes so that a secret
/// pasted where a public key belongs gets an error that says so.
const PRIVATE_KEY_CODES: [u64; 6] = [0x1300, 0x1301, 0x1302, 0x1306, 0x1307, 0x1308];

/// The longest Multikey text accepted. The longest valid one (p256-pub: 2 + 33 bytes) is 48
/// characters; the margin lets a key with a few trailing bytes still get the precise
/// `WrongLength` error, while base58 decoding (quadratic in the length) stays bounded.
const MAX_MULTIKEY_CHARS: usize = 128;

/// The multicodec code of a key type.
pub(super) fn code_of(key_type: KeyType) -> u64 {
    match key_type {
        KeyType::Ed25519 => ED25519_PUB,
        KeyType::X25519 => X25519_PUB,
        KeyType::P256 => P256_PUB,
    }
}

/// Appends the varint codec prefix of `key_type` to `out`.
pub(super) fn write_prefix(key_type: KeyType, out: &mut Vec<u8>) {
    let mut buf = unsigned_varint::encode::u64_buffer();
    out.extend_from_slice(unsigned_varint::encode::u64(code_of(key_type), &mut buf));
}

/// Splits multicodec bytes into the key type their prefix names and the key bytes after it.
///
/// The varint must be minimal (the multiformats unsigned-varint spec), so every key has one
/// encoding only.
pub(super) fn split(bytes: &[u8]) -> Result<(KeyType, &[u8]), KeyError> {
    let (code, rest) =
        unsigned_varint::decode::u64(bytes).map_err(|_| KeyError::MalformedMulticodec)?;
    let key_type = match code {
        ED25519_PUB => KeyType::Ed25519,
        X25519_PUB => KeyType::X25519,
        P256_PUB => KeyType::P256,
        code if PRIVATE_KEY_CODES.contains(&code) => {
            return Err(KeyError::PrivateKeyMulticodec(code));
        }
        code => return Err(KeyError::UnknownMulticodec(code)),
    };
    Ok((key_type, rest))
}

/// Decodes the multibase text of a Multikey into its multicodec bytes.
///
/// Controlled Identifiers §2.2.2: the value of `publicKeyMultibase` is base58btc, so the
/// multibase prefix must be `z`; any other base, even a valid one, is refused.
pub(super) fn decode_multikey(text: &str) -> Result<Vec<u8>, KeyError> {
    if text.len() > MAX_MULTIKEY_CHARS {
        return Err(KeyError::InputTooLarge {
            max: MAX_MULTIKEY_CHARS,
            got: text.len(),
        });
    }
    let mut chars = text.chars();
    match chars.next() {
        Some('z') => multibase::Base::Base58Btc
            .decode(chars.as_str())
            .map_err(|_| KeyError::BadMultibase),
        Some(code) if multibase::Base::from_code(code).is_ok() => Err(KeyError::NotBase58Btc),
        _ => Err(KeyError::BadMultibase),
    }
}

/// The Multikey text (multibase base58btc) of multicodec bytes.
pub(super) fn encode_multikey(multicodec: &[u8]) -> String {
    multibase::encode(multibase::Base::Base58Btc, multicodec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_the_registered_varints() {
        // Controlled Identifiers §2.2.2: "the two-byte prefix 0xed01" (Ed25519) and "0x8024"
        // (P-256); x25519-pub 0xec encodes as 0xec01.
        let mut out = Vec::new();
        write_prefix(KeyType::Ed25519, &mut out);
        write_prefix(KeyType::X25519, &mut out);
        write_prefix(KeyType::P256, &mut out);
        assert_eq!(out, [0xed, 0x01, 0xec, 0x01, 0x80, 0x24]);
    }

    #[test]
    fn rejects_non_minimal_varint() {
        // 0xed encoded with a redundant continuation byte.
        assert_eq!(
            split(&[0xed, 0x81, 0x00, 1, 2]),
            Err(KeyError::MalformedMulticodec)
        );
    }

    #[test]
    fn rejects_unterminated_varint() {
        assert_eq!(split(&[0xed]), Err(KeyError::MalformedMulticodec));
        assert_eq!(split(&[]), Err(KeyError::MalformedMulticodec));
    }

    #[test]
    fn rejects_wrong_multicodec() {
        // secp256k1-pub (0xe7) is a real key codec, just not one we support.
        assert_eq!(
            split(&[0xe7, 0x01, 2, 3]),
            Err(KeyError::UnknownMulticodec(0xe7))
        );
    }

    #[test]
    fn rejects_private_key_multicodec() {
        // ed25519-priv (0x1300) is 0x80 0x26.
        assert_eq!(
            split(&[0x80, 0x26, 0, 0]),
            Err(KeyError::PrivateKeyMulticodec(0x1300))
        );
    }

    #[test]
    fn rejects_non_base58btc_multibase() {
        // 'u' is multibase base64url: valid multibase, not a Multikey.
        assert_eq!(decode_multikey("u7QE"), Err(KeyError::NotBase58Btc));
        assert_eq!(decode_multikey("f ed01"), Err(KeyError::NotBase58Btc));
    }

    #[test]
    fn rejects_bad_multibase() {
        assert_eq!(decode_multikey(""), Err(KeyError::BadMultibase));
        assert_eq!(decode_multikey("!abc"), Err(KeyError::BadMultibase));
        // '0', 'O', 'I' and 'l' are not in the base58 alphabet.
        assert_eq!(decode_multikey("z0OIl"), Err(KeyError::BadMultibase));
    }

    #[test]
    fn rejects_oversized_multikey() {
        let long = format!("z{}", "1".repeat(MAX_MULTIKEY_CHARS));
        assert_eq!(
            decode_multikey(&long),
            Err(KeyError::InputTooLarge {
                max: MAX_MULTIKEY_CHARS,
                got: MAX_MULTIKEY_CHARS + 1
            })
        );
    }
}
