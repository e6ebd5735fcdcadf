//! The errors of the JOSE module: every reason a JWS is refused or cannot be made.

use super::Algorithm;
use crate::key::KeyType;

/// Why a JWS was refused, or could not be produced.
///
/// Values taken from the input (an `alg` name, a header member name) go through
/// [`excerpt`](crate::excerpt::excerpt) before they are kept, so an error message can neither
/// grow without bound nor carry control characters into a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoseError {
    /// The JWS is longer than [`MAX_JWS_LEN`](super::MAX_JWS_LEN); it was not parsed.
    #[error("the JWS is {got} bytes, over the limit of {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// The JWS is not a well-formed compact serialization (RFC 7515 §7.1, §5.2).
    #[error("malformed JWS: {0}")]
    Malformed(String),
    /// A JSON object in the JWS names one member twice (RFC 7515 §4 for the header, RFC 7519
    /// §4 for JWT claims).
    #[error("the JSON object has the member \"{0}\" twice; member names must be unique")]
    DuplicateMember(String),
    /// The header has no `alg` (RFC 7515 §4.1.1: "This Header Parameter MUST be present").
    #[error("the JWS header has no \"alg\" member")]
    MissingAlgorithm,
    /// The header's `alg` is unknown, forbidden (`none`, every `HS*`) or not in the policy.
    #[error(
        "the JWS algorithm \"{0}\" is not allowed by this verifier (never \"none\" or a symmetric algorithm)"
    )]
    AlgorithmNotAllowed(String),
    /// The algorithm does not fit the key: the key decides which algorithms it verifies or
    /// signs, never the header alone.
    #[error("the algorithm {algorithm} cannot be used with a {key_type} key")]
    AlgorithmKeyMismatch {
        /// The algorithm asked for.
        algorithm: Algorithm,
        /// The type of the key at hand.
        key_type: KeyType,
    },
    /// The signature has the wrong length for its algorithm; a DER-encoded ECDSA signature
    /// lands here (RFC 7518 §3.4 requires the 64-byte R || S form).
    #[error("{algorithm} signatures are {expected} bytes, got {got}")]
    SignatureLength {
        /// The algorithm of the JWS.
        algorithm: Algorithm,
        /// The length that algorithm's signatures have.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The signature does not verify under the key.
    #[error("the JWS signature does not verify under the given key")]
    BadSignature,
    /// The header marks as critical an extension this verifier does not implement
    /// (RFC 7515 §4.1.11: the JWS MUST then be rejected).
    #[error("the JWS header marks \"{0}\" as critical and this verifier does not understand it")]
    UnsupportedCritical(String),
    /// The header asks for an unencoded payload (`"b64": false`, RFC 7797), which avid neither
    /// produces nor accepts.
    #[error("unencoded JWS payloads (\"b64\": false, RFC 7797) are not supported")]
    UnencodedPayload,
    /// The signer could not sign (for a remote signer: the KMS or HSM's own error).
    #[error("the signer failed: {0}")]
    SigningFailed(String),
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_escapes_control_characters() {
        let header = br#"{"alg":"HS256\n[fake log line]"}"#;
        let header = super::super::header::parse_json_object(header).expect("an object");
        let err = super::super::header::check(&header, &super::super::AlgorithmPolicy::default())
            .expect_err("not an algorithm");
        assert!(!err.to_string().contains('\n'), "{err}");
        assert!(err.to_string().contains("HS256\\n[fake log line]"), "{err}");
    }
}
