//! The hash algorithms of disclosure digests and `sd_hash`, by their `_sd_alg` names.
//!
//! RFC 9901 §4.1.1 names the algorithm with a "Hash Name String" of the IANA "Named Information
//! Hash Algorithm" registry. Only full-length SHA-2 is accepted: §9.4 warns that the registry
//! also lists truncated hashes (`sha-256-32`, …) that are unfit for this use.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::excerpt::excerpt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::error::SdJwtError;

/// A hash algorithm for disclosure digests, decoy digests and `sd_hash`.
///
/// The default is `sha-256`, the algorithm RFC 9901 §4.1.1 applies when `_sd_alg` is absent and
/// that every implementation must support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlgorithm {
    /// `sha-256`: SHA-256, the default.
    #[default]
    Sha256,
    /// `sha-384`: SHA-384.
    Sha384,
    /// `sha-512`: SHA-512, for issuers whose signature scheme has 256-bit collision resistance
    /// (RFC 9901 §9.4).
    Sha512,
}

impl HashAlgorithm {
    /// Every accepted algorithm, in order of digest length.
    pub const ALL: [HashAlgorithm; 3] = [Self::Sha256, Self::Sha384, Self::Sha512];

    /// The IANA "Hash Name String", as written in `_sd_alg`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha-256",
            Self::Sha384 => "sha-384",
            Self::Sha512 => "sha-512",
        }
    }

    /// The algorithm named `name`, compared case-sensitively as RFC 9901 §4.1.1 requires.
    pub fn from_name(name: &str) -> Result<Self, SdJwtError> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.name() == name)
            .ok_or_else(|| SdJwtError::UnsupportedHashAlg {
                name: excerpt(name),
            })
    }

    /// base64url (no padding) of the hash of the US-ASCII bytes of `encoded`: the digest of a
    /// disclosure (RFC 9901 §4.2.3) or the `sd_hash` of a presentation (§4.3.1). The input is
    /// the string as sent, never a re-encoding of what it decodes to.
    pub fn digest(self, encoded: &str) -> String {
        self.digest_parts(&[encoded])
    }

    /// [`digest`](Self::digest) of the concatenation of `parts`, without building it first.
    pub fn digest_parts(self, parts: &[&str]) -> String {
        self.encoded_digest(parts).as_str().to_owned()
    }

    /// [`digest_parts`](Self::digest_parts) held inline rather than in a `String`: a verifier
    /// computes one per disclosure and one `sd_hash`, only to compare them.
    pub(crate) fn encoded_digest(self, parts: &[&str]) -> EncodedDigest {
        fn run<D: Digest>(parts: &[&str]) -> EncodedDigest {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part.as_bytes());
            }
            let mut digest = EncodedDigest {
                len: 0,
                text: [0; MAX_ENCODED_DIGEST_LEN],
            };
            // The buffer fits the longest digest, SHA-512's 86 characters, so this never
            // fails; if it did, the empty digest would match no digest an issuer writes.
            digest.len = URL_SAFE_NO_PAD
                .encode_slice(hasher.finalize(), &mut digest.text)
                .unwrap_or(0);
            digest
        }
        match self {
            Self::Sha256 => run::<Sha256>(parts),
            Self::Sha384 => run::<Sha384>(parts),
            Self::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// Characters of the longest digest in unpadded base64url: SHA-512's 64 bytes.
const MAX_ENCODED_DIGEST_LEN: usize = 86;

/// A digest in its unpadded base64url text (RFC 9901 §4.2.3), held inline: the form digests
/// take in a payload, so that it compares with them byte for byte without an allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodedDigest {
    len: usize,
    text: [u8; MAX_ENCODED_DIGEST_LEN],
}

impl EncodedDigest {
    /// The digest text's bytes, all of them base64url characters.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.text.get(..self.len).unwrap_or_default()
    }

    /// The digest text.
    pub(crate) fn as_str(&self) -> &str {
        // Always valid: base64url text is ASCII.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl fmt::Debug for EncodedDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashAlgorithm {
    type Err = SdJwtError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::from_name(name)
    }
}

impl Serialize for HashAlgorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for HashAlgorithm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::from_name(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for alg in HashAlgorithm::ALL {
            assert_eq!(HashAlgorithm::from_name(alg.name()), Ok(alg));
        }
        assert_eq!(HashAlgorithm::default(), HashAlgorithm::Sha256);
    }

    #[test]
    fn rejects_unknown_sd_alg() {
        for name in [
            "md5", "sha-1", "sha3-256", "SHA-256", "sha256", "", "sha-256 ",
        ] {
            let error = HashAlgorithm::from_name(name).unwrap_err();
            assert!(
                matches!(error, SdJwtError::UnsupportedHashAlg { .. }),
                "{name}"
            );
        }
    }

    #[test]
    fn rejects_truncated_hash() {
        // RFC 9901 §9.4: truncated registry entries are unfit for SD-JWT.
        for name in [
            "sha-256-128",
            "sha-256-32",
            "sha-256-64",
            "sha-256-120",
            "sha-256-96",
        ] {
            assert!(HashAlgorithm::from_name(name).is_err(), "{name}");
        }
    }

    #[test]
    fn digest_is_over_the_ascii_of_the_encoded_string() {
        // RFC 9901 §4.2.3.
        let disclosure = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
        assert_eq!(
            HashAlgorithm::Sha256.digest(disclosure),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
    }

    #[test]
    fn digest_lengths_follow_the_algorithm() {
        // 32, 48 and 64 bytes in unpadded base64url.
        let lengths: Vec<usize> = HashAlgorithm::ALL
            .iter()
            .map(|alg| alg.digest("x").len())
            .collect();
        assert_eq!(lengths, [43, 64, 86]);
    }

    #[test]
    fn digest_parts_equals_digest_of_the_concatenation() {
        for alg in HashAlgorithm::ALL {
            assert_eq!(alg.digest_parts(&["ab", "~", "cd~"]), alg.digest("ab~cd~"));
        }
    }

    #[test]
    fn encoded_digest_is_the_digest_text_inline() {
        for alg in HashAlgorithm::ALL {
            let parts = ["WyJzYWx0IiwibmFtZSIsIkFsaWNlIl0", "~"];
            let inline = alg.encoded_digest(&parts);
            assert_eq!(inline.as_str(), alg.digest_parts(&parts));
            assert_eq!(
                inline.as_bytes(),
                alg.digest("WyJzYWx0IiwibmFtZSIsIkFsaWNlIl0~").as_bytes()
            );
            assert_ne!(inline, alg.encoded_digest(&["other"]));
        }
    }

    #[test]
    fn unsupported_name_in_error_is_bounded() {
        let long = "x".repeat(10_000);
        let error = HashAlgorithm::from_name(&long).unwrap_err();
        assert!(error.to_string().len() < 500);
    }
}
