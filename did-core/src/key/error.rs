//! The errors of the key module: every way a key, a multikey or a JWK can be refused.

use super::KeyType;
use crate::excerpt::excerpt;

/// Why a key could not be read, converted or used.
///
/// Each variant names one precise fault so that a caller can tell a user what to fix. No variant
/// ever carries secret material: at most a key type, a length, a multicodec code or a JWK
/// member *name*.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The multicodec prefix names a codec that is not one of our public key types.
    #[error(
        "unsupported multicodec 0x{0:x}: expected ed25519-pub (0xed), x25519-pub (0xec) or p256-pub (0x1200)"
    )]
    UnknownMulticodec(u64),
    /// The multicodec prefix names a *private* key where a public key was expected.
    #[error(
        "multicodec 0x{0:x} is a private key; a public key was expected (never publish a secret key)"
    )]
    PrivateKeyMulticodec(u64),
    /// The multicodec prefix is not a valid (minimal, terminated) unsigned varint.
    #[error("the multicodec prefix is not a valid unsigned varint")]
    MalformedMulticodec,
    /// The key material has the wrong length for its type. Trailing bytes after a key and
    /// truncated keys both land here.
    #[error("a {key_type} key must be {expected} bytes, got {got}")]
    WrongLength {
        /// The type of key that was being read.
        key_type: KeyType,
        /// The length that type requires.
        expected: usize,
        /// The length that was given.
        got: usize,
    },
    /// The bytes do not encode a point on the key's curve (or, for P-256, encode the identity).
    #[error("the public key is not a valid point on its curve")]
    NotOnCurve,
    /// The point is valid but of small order: a signature under it proves nothing, and a key
    /// agreement with it yields a shared secret anyone can compute.
    #[error("the {0} public key is a point of small order and cannot be used")]
    SmallOrder(KeyType),
    /// The encoding is not the canonical one for the point (RFC 8032 §5.1.3: y must be below p).
    #[error("the {0} public key is not canonically encoded")]
    NonCanonical(KeyType),
    /// The secret key bytes are not a valid secret for the type (a P-256 scalar of zero or not
    /// below the group order).
    #[error("the {0} secret key is out of range")]
    InvalidSecretKey(KeyType),
    /// The text is not multibase at all, or its base58btc payload does not decode.
    #[error("the multibase value is malformed")]
    BadMultibase,
    /// The text is multibase, but not base58btc (prefix `z`) as Multikey requires.
    #[error("a Multikey must be multibase base58btc (prefix 'z')")]
    NotBase58Btc,
    /// The input is longer than any key of the supported types can be, so it was not decoded.
    #[error("input of {got} bytes exceeds the limit of {max} bytes for a key")]
    InputTooLarge {
        /// The limit.
        max: usize,
        /// The size given.
        got: usize,
    },
    /// The JWK's `kty`/`crv` pair is not one we support (or not one the operation supports).
    #[error(
        "unsupported JWK: kty \"{}\", crv {}; expected OKP Ed25519/X25519 or EC P-256",
        excerpt(.kty),
        .crv.as_deref().map_or_else(|| "none".to_owned(), |crv| format!("\"{}\"", excerpt(crv)))
    )]
    UnsupportedJwk {
        /// The `kty` member given.
        kty: String,
        /// The `crv` member given, if any.
        crv: Option<String>,
    },
    /// A member the JWK's key type requires is absent.
    #[error("the JWK lacks the required member {0:?}")]
    JwkMissing(&'static str),
    /// A JWK member has the wrong JSON type (RFC 7517 §4 and RFC 8037 §2 make these strings,
    /// `key_ops` an array of strings).
    #[error("the JWK member {0:?} has the wrong JSON type")]
    BadJwkMember(&'static str),
    /// A JWK carries a member its key type does not define, such as `y` on an OKP key; refused
    /// rather than ignored so that no one believes it was checked.
    #[error("the JWK member {0:?} does not belong to this key type")]
    UnexpectedJwkMember(&'static str),
    /// A JWK member is not base64url without padding (RFC 7515 §2).
    #[error("the JWK member {0:?} is not base64url without padding")]
    BadBase64Url(&'static str),
    /// A JWK that should be public carries private key material (RFC 7517 §4: never accept a
    /// secret by accident where a public key is expected).
    #[error(
        "the JWK carries private key material (d, or another private member) where a public key was expected; remove it and never share it"
    )]
    PrivateKeyInPublicJwk,
    /// A private JWK whose public members (`x`, `y`) do not belong to its private key `d`.
    #[error("the JWK's public members do not match its private key")]
    JwkKeyMismatch,
}
