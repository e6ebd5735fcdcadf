//! Credentials for avid: SD-JWT (RFC 9901) and SD-JWT VC issuance, presentation and
//! verification, VCDM 2.0 credentials secured as `vc+jwt`, issuer key discovery from DIDs, and
//! the verification report of stable error codes.
//!
//! - [`avatar`]: avatar link proofs and the avatar-link credential (`urn:avid:avatar-link:1`).
//! - [`sd_jwt`]: the RFC 9901 core, pure functions over strings and JSON.
//! - [`sd_jwt_vc`]: the issuer and the holder of an SD-JWT VC, and the key binding JWT.
//! - [`w3c`]: VCDM 2.0 credentials as `vc+jwt`.
//! - [`issuer_keys`]: from `iss` and `kid` to the issuer's key.
//! - [`status`]: IETF Token Status Lists and W3C Bitstring Status Lists: build, sign, fetch,
//!   check.
//! - [`verify`]: one entry point for a presented credential, policy in, report out.
//! - [`mfa`]: the passkey factor (WebAuthn registration at issuance, assertion at login).
//! - [`openid4vp`]: the avatar login over OpenID4VP 1.0 with DCQL, verifier and wallet.
//! - `bench` (cargo feature `bench`): the fixtures and operations that the benchmarks and
//!   `avid bench` measure.

#![forbid(unsafe_code)]

pub mod avatar;
#[cfg(feature = "bench")]
pub mod bench;
pub mod error;
pub mod issuer_keys;
pub mod mfa;
pub mod openid4vp;
pub mod report;
pub mod sd_jwt;
pub mod sd_jwt_vc;
pub mod status;
pub mod verify;
pub mod w3c;

pub use did_core::time;
pub use error::Error;
