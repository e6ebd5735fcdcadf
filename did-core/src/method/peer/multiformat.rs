//! The multiformats did:peer writes: multibase base58btc text (`z…`), SHA2-256 multihashes
//! (the numeric basis of numalgo 1 and 3, the short form of numalgo 4) and the multicodec
//! `json` prefix of a numalgo 4 document.

use multibase::Base;
use sha2::{Digest, Sha256};

use super::invalid_did;
use crate::excerpt::excerpt;
use crate::resolution::ResolutionError;

/// Multihash code of SHA2-256 (multicodec table: `sha2-256`, 0x12).
const SHA2_256: u64 = 0x12;
/// Length of a SHA2-256 digest.
const SHA2_256_LEN: usize = 32;
/// Multicodec code of `json` (Peer DID §Method 4 "Creating a DID", step 1.3: varint 0x0200).
pub(super) const JSON: u64 = 0x0200;
/// Longest multibase SHA2-256 multihash: 34 bytes take 47 base58 characters with the `z`.
const MAX_MULTIHASH_TEXT: usize = 48;

/// `z` + base58btc of `bytes` (multibase).
pub(super) fn encode_base58btc(bytes: &[u8]) -> String {
    multibase::encode(Base::Base58Btc, bytes)
}

/// The bytes of multibase base58btc `text`; any other base is refused, since did:peer uses
/// only base58btc (Peer DID §"Method Specific Identifier": `transform = "z"`).
pub(super) fn decode_base58btc(text: &str, what: &str) -> Result<Vec<u8>, ResolutionError> {
    let Some(base58) = text.strip_prefix('z') else {
        let found = match text {
            "" => "nothing".to_owned(),
            text => excerpt(text),
        };
        return Err(invalid_did(format!(
            "the {what} must be multibase base58btc (starting with z); found {found}"
        )));
    };
    Base::Base58Btc
        .decode(base58)
        .map_err(|err| invalid_did(format!("the {what} is not base58btc: {err}")))
}

/// `varint(code)` followed by `payload` (unsigned-varint, as multicodec and multihash write
/// their codes).
pub(super) fn prefixed(code: u64, payload: &[u8]) -> Vec<u8> {
    let mut buffer = unsigned_varint::encode::u64_buffer();
    let prefix = unsigned_varint::encode::u64(code, &mut buffer);
    let mut bytes = Vec::with_capacity(prefix.len() + payload.len());
    bytes.extend_from_slice(prefix);
    bytes.extend_from_slice(payload);
    bytes
}

/// Reads the varint `code` at the front of `bytes` and returns what follows it.
pub(super) fn strip_prefix<'a>(
    bytes: &'a [u8],
    code: u64,
    what: &str,
) -> Result<&'a [u8], ResolutionError> {
    // unsigned-varint refuses overlong (non-minimal) encodings, so each code has one form.
    let (found, rest) = unsigned_varint::decode::u64(bytes)
        .map_err(|err| invalid_did(format!("the {what} has no valid varint prefix: {err}")))?;
    if found != code {
        return Err(invalid_did(format!(
            "the {what} is tagged with multicodec {found:#x}; {code:#x} is expected"
        )));
    }
    Ok(rest)
}

/// The multibase base58btc SHA2-256 multihash of `data` (`zQm…`).
pub(super) fn sha256_multihash(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    // Multihash: varint code, varint digest length, digest.
    encode_base58btc(&prefixed(SHA2_256, &prefixed(SHA2_256_LEN as u64, &digest)))
}

/// The digest of a multibase base58btc SHA2-256 multihash; any other hash function or
/// length is refused.
pub(super) fn decode_sha256_multihash(text: &str) -> Result<[u8; 32], ResolutionError> {
    if text.len() > MAX_MULTIHASH_TEXT {
        return Err(invalid_did(format!(
            "the did:peer hash is {} characters; a SHA2-256 multihash takes at most \
             {MAX_MULTIHASH_TEXT}",
            text.len()
        )));
    }
    let bytes = decode_base58btc(text, "did:peer hash")?;
    let rest = strip_prefix(&bytes, SHA2_256, "did:peer hash")?;
    let digest = strip_prefix(rest, SHA2_256_LEN as u64, "did:peer hash length")?;
    <[u8; SHA2_256_LEN]>::try_from(digest).map_err(|_| {
        invalid_did(format!(
            "the did:peer hash holds {} digest bytes; SHA2-256 has {SHA2_256_LEN}",
            digest.len()
        ))
    })
}

/// SHA2-256 of `data`, to compare with a decoded multihash.
pub(super) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolution::ErrorKind;

    #[test]
    fn sha256_multihash_round_trips() {
        let text = sha256_multihash(b"hello");
        assert!(text.starts_with("zQm"), "{text}");
        let digest = decode_sha256_multihash(&text).expect("our own multihash");
        assert_eq!(digest, sha256(b"hello"));
    }

    #[test]
    fn rejects_other_hash_functions() {
        // sha2-512 (0x13) with a 32-byte length is not the SHA2-256 did:peer uses.
        let forged = encode_base58btc(&prefixed(0x13, &prefixed(32, &[7; 32])));
        let err = decode_sha256_multihash(&forged).expect_err("sha2-512 code");
        assert_eq!(err.kind, ErrorKind::InvalidDid);
    }

    #[test]
    fn rejects_truncated_digest() {
        let truncated = encode_base58btc(&prefixed(SHA2_256, &prefixed(32, &[7; 31])));
        let err = decode_sha256_multihash(&truncated).expect_err("31 bytes");
        assert!(err.detail.contains("31"), "{err}");
    }

    #[test]
    fn rejects_non_base58btc_multibase() {
        // The same multihash in base32 (`b…`) is refused: did:peer writes only base58btc.
        let base32 = multibase::encode(Base::Base32Lower, prefixed(SHA2_256, &[0; 33]));
        assert!(decode_sha256_multihash(&base32).is_err());
        assert!(decode_sha256_multihash("z0OIl").is_err());
        assert!(decode_sha256_multihash("").is_err());
    }

    #[test]
    fn rejects_overlong_varint() {
        // 0x12 written in two bytes (0x92 0x00) is not minimal.
        let mut bytes = vec![0x92, 0x00, 0x20];
        bytes.extend_from_slice(&[1; 32]);
        assert!(decode_sha256_multihash(&encode_base58btc(&bytes)).is_err());
    }
}
