//! Keys: the Ed25519, X25519 and P-256 public and secret keys avid speaks, and their encodings
//! as raw bytes, multicodec, Multikey (W3C Controlled Identifiers §2.2.2) and JWK (RFC 7517,
//! RFC 8037, RFC 7518 §6.2).
//!
//! Every decoder here refuses what is not exactly a key of the announced type: wrong lengths,
//! trailing bytes, points off the curve or of small order, non-canonical encodings, and secret
//! material where a public key is expected. Secret keys zeroize on drop and never print.
//!
//! ```
//! use did_core::key::{KeyType, PublicKey, SecretKey};
//!
//! let secret = SecretKey::generate(KeyType::Ed25519);
//! let multikey = secret.public_key().to_multikey();
//! assert!(multikey.starts_with("z6Mk"));
//! assert_eq!(PublicKey::from_multikey(&multikey)?, secret.public_key());
//! # Ok::<(), did_core::key::KeyError>(())
//! ```

mod error;
mod jwk;
mod multicodec;
mod public;
mod secret;
#[cfg(feature = "keystore")]
pub mod store;
mod thumbprint;

use std::fmt;

pub use error::KeyError;
pub use jwk::{Jwk, SecretJwk};
pub use public::PublicKey;
pub use secret::SecretKey;

/// The kinds of key avid supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519 signing keys (RFC 8032).
    Ed25519,
    /// X25519 key agreement keys (RFC 7748).
    X25519,
    /// NIST P-256 (secp256r1) keys, used here for ES256 signatures (RFC 7518 §3.4).
    P256,
}

impl KeyType {
    /// The JWK `kty` of this key type: `OKP` (RFC 8037 §2) or `EC` (RFC 7518 §6.2).
    pub fn jwk_kty(&self) -> &'static str {
        match self {
            KeyType::Ed25519 | KeyType::X25519 => "OKP",
            KeyType::P256 => "EC",
        }
    }

    /// The JWK `crv` of this key type, as registered in the IANA "JSON Web Key Elliptic Curve"
    /// registry: `Ed25519`, `X25519` (RFC 8037 §5) or `P-256` (RFC 7518 §6.2.1.1).
    pub fn jwk_crv(&self) -> &'static str {
        match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::X25519 => "X25519",
            KeyType::P256 => "P-256",
        }
    }
}

impl fmt::Display for KeyType {
    /// The curve's registered name: `Ed25519`, `X25519` or `P-256`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jwk_crv())
    }
}
