//! Decentralized identifiers for avid: DID and DID URL syntax, keys, JOSE, DID documents, DID
//! methods and DID resolution.
//!
//! Everything here is a pure function over bytes and time except the HTTP fetch behind did:web,
//! which sits behind the [`fetch::Fetcher`] trait so that tests and caches can supply it.
//!
//! ```
//! use did_core::document::RelationshipKind;
//! use did_core::jose::{self, Algorithm, AlgorithmPolicy};
//! use did_core::key::{KeyType, SecretKey};
//! use did_core::method::DID_KEY;
//! use did_core::method::key::{did_key, did_key_verification_method};
//! use serde_json::Map;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A holder makes a did:key and signs with its key…
//! let secret = SecretKey::generate(KeyType::Ed25519);
//! let did = did_key(&secret.public_key());
//! let kid = did_key_verification_method(&secret.public_key());
//! let mut header = Map::new();
//! header.insert("kid".into(), kid.as_str().into());
//! let token = jose::sign_compact(&header, b"hello", &secret.signer(Algorithm::Ed25519)?)?;
//!
//! // …and anyone resolves the DID, takes the key the document authorizes, and verifies.
//! let document = DID_KEY.derive(&did)?.document;
//! let method = document
//!     .method_for(&kid, RelationshipKind::AssertionMethod)
//!     .ok_or("the key is not an assertion method")?;
//! let verified = jose::verify_compact(&token, &method.public_key()?, &AlgorithmPolicy::default())?;
//! assert_eq!(verified.payload, b"hello");
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

/// The README's example, compiled and run as a doctest so that it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub mod base64url;
pub mod cache;
pub mod did;
pub mod document;
pub mod excerpt;
pub mod fetch;
pub mod jose;
pub mod key;
pub mod method;
pub mod resolution;
pub mod time;
