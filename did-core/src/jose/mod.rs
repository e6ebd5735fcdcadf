//! JOSE: compact JWS signing and verification (RFC 7515) with the algorithms avid supports
//! (RFC 9864 `Ed25519`, RFC 8037 `EdDSA`, RFC 7518 `ES256`), under an explicit allow-list.
//!
//! The rules of RFC 8725 (JWT BCP) are built in rather than optional: `alg: none` and every
//! symmetric algorithm are unrepresentable; the key decides the algorithm it verifies, never
//! the header; header members that carry keys (`jwk`, `jku`, `x5u`, `x5c`, `kid`) never pick
//! the key; duplicate header members, unknown critical extensions and unencoded payloads are
//! refused; every input is bounded.
//!
//! ```
//! use did_core::jose::{self, Algorithm, AlgorithmPolicy};
//! use did_core::key::{KeyType, SecretKey};
//!
//! let key = SecretKey::generate(KeyType::Ed25519);
//! let signer = key.signer(Algorithm::Ed25519)?;
//! let jws = jose::sign_compact(&serde_json::Map::new(), b"hello", &signer)?;
//! let verified = jose::verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default())?;
//! assert_eq!(verified.payload, b"hello");
//! # Ok::<(), did_core::jose::JoseError>(())
//! ```

mod algorithm;
mod compact;
mod error;
mod header;
mod signer;
mod typ;
mod verify;

pub use algorithm::{Algorithm, AlgorithmPolicy};
pub use compact::{
    MAX_JWS_LEN, UnverifiedJws, VerifiedJws, decode_compact, sign_compact, verify_compact,
};
pub use error::JoseError;
pub use header::parse_json_object;
pub use signer::{LocalSigner, Signer};
pub use typ::{header_has_typ, typ_matches};
pub use verify::verify_batch;
