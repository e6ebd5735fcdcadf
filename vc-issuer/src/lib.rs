//! Credentials for avid: SD-JWT (RFC 9901) and SD-JWT VC issuance, presentation and
//! verification, VCDM 2.0 credentials secured as `vc+jwt`, issuer key discovery from DIDs, and
//! the verification report of stable error codes.
//!
//! An issuer signs an SD-JWT VC, the holder presents one claim with key binding, and a world
//! verifies it under its own policy (nonce, audience, type) and reads the report. The
//! avatar-link credential is issued the same way over checked link proofs: see the example of
//! [`avatar`].
//!
//! ```
//! # use std::sync::Arc;
//! # use did_core::jose::Algorithm;
//! # use did_core::key::{KeyType, SecretKey};
//! # use did_core::method::{DID_KEY, key::did_key_verification_method};
//! # use did_core::resolution::dispatch::MethodDispatcher;
//! # use serde_json::{Map, json};
//! use vc_issuer::issuer_keys::DidIssuerKeys;
//! use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
//! use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
//! use vc_issuer::verify::{VerificationPolicy, Verifier};
//!
//! # let now = 1_750_000_000;
//! # let issuer_key = SecretKey::generate(KeyType::Ed25519);
//! # let holder_key = SecretKey::generate(KeyType::Ed25519);
//! // The issuer (a did:key) makes each claim selectively disclosable.
//! let mut claims = Map::new();
//! claims.insert("handle".into(), json!("Alice"));
//! claims.insert("age_over_18".into(), json!(true));
//! let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder_key.public_key(), now)
//!     .with_claims(claims)
//!     .expiring_at(now + 86_400);
//! let frame = DisclosureFrame::new().disclose("handle").disclose("age_over_18");
//! let signer = issuer_key.signer(Algorithm::Ed25519)?;
//! let kid = did_key_verification_method(&issuer_key.public_key());
//! let issued = SdJwtVcIssuer::new(&signer, kid)?.issue(payload, &frame)?;
//!
//! // The holder discloses `age_over_18` only, bound to the world's audience and nonce.
//! let request = KeyBindingRequest::new("https://world.example", "n-0S6_WzA2Mj", now + 10);
//! let presentation = HolderCredential::parse(&issued)?.present_with_key_binding(
//!     &[ClaimPath::parse("/age_over_18")?],
//!     &request,
//!     &holder_key.signer(Algorithm::Ed25519)?,
//! )?;
//!
//! // The world finds the issuer's key through its DID and verifies under its own policy.
//! let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
//! let verifier = Verifier { keys: Arc::new(DidIssuerKeys::new(resolver)), status: None, trust: None };
//! let policy = VerificationPolicy::key_binding("https://world.example", "n-0S6_WzA2Mj")
//!     .expecting_vct("urn:avid:avatar-link:1")
//!     .at(now + 20);
//! # let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! let report = runtime.block_on(verifier.verify(&presentation, &policy))?;
//! assert!(report.verified, "{:?}", report.errors);
//! let claims = report.claims.unwrap_or_default();
//! assert_eq!(claims["age_over_18"], json!(true));
//! assert!(!claims.contains_key("handle"), "never disclosed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules:
//!
//! - [`sd_jwt`]: the RFC 9901 core, pure functions over strings and JSON.
//! - [`sd_jwt_vc`]: the issuer and the holder of an SD-JWT VC, and the key binding JWT.
//! - [`w3c`]: VCDM 2.0 credentials as `vc+jwt`, and the one reader of their data model.
//! - `issuer` (cargo feature `issuer-store`): the persistent issuer's register, status-list
//!   allocation and tamper-evident log, in SQLite or PostgreSQL.
//! - [`issuer_keys`]: from `iss` and `kid` to the issuer's key.
//! - [`issuer_dir`]: the issuer directory: public configuration, encrypted signing key, store.
//! - [`status`]: IETF Token Status Lists and W3C Bitstring Status Lists.
//! - [`report`]: the verification report, its check names and stable error codes.
//! - [`verify`]: one entry point for a presented credential, policy in, report out.
//! - [`avatar`]: avatar link proofs and the avatar-link credential (`urn:avid:avatar-link:1`).
//! - [`trust`]: computational trust (ITU-T XSTR.trust-metaverse §8.5–8.6): the issuer's
//!   measured trust from a verification's evidence and the verifier's history, and policy
//!   decisions from it.
//! - [`mfa`]: the passkey factor (WebAuthn registration at issuance, assertion at login).
//! - [`openid4vp`]: the avatar login over OpenID4VP 1.0 with DCQL, verifier and wallet.
//! - [`error`]: the errors of issuing and presenting, and of a policy that cannot be applied.
//! - [`time`]: Unix seconds and the verification clock (re-exported from `did-core`).
//! - `bench` (cargo feature `bench`): the fixtures and operations that the benchmarks and
//!   `avid bench` measure.

#![forbid(unsafe_code)]

/// The README's example, compiled and run as a doctest so that it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub mod avatar;
#[cfg(feature = "bench")]
pub mod bench;
pub mod error;
#[cfg(feature = "issuer-store")]
pub mod issuer;
pub mod issuer_dir;
pub mod issuer_keys;
pub mod mfa;
pub mod openid4vp;
pub mod report;
pub mod sd_jwt;
pub mod sd_jwt_vc;
pub mod single_use;
pub mod status;
pub mod trust;
pub mod verify;
pub mod w3c;
#[cfg(feature = "wallet")]
pub mod wallet;

pub use did_core::time;
pub use error::Error;
