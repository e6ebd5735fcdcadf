//! SD-JWT (RFC 9901) without the JWS layer: disclosures, digests, issuance by disclosure frame,
//! the compact serialization and `sd_hash`, holder presentation by claim path, and the
//! structural verification of §7.1 steps 3–5.
//!
//! Everything here is a pure function over strings and JSON. Signing and verifying the
//! issuer-signed JWT and the key binding JWT belong to the JOSE layer, which sits on top:
//!
//! - issuer: [`issue_payload`] → sign the payload → [`SdJwt::new`] → [`SdJwt::to_compact`];
//! - holder: [`SdJwt::parse`] → verify the JWT → [`verify_disclosures`] (RFC 9901 §7.2 step 1)
//!   → [`SdJwt::present`] → sign a KB-JWT over [`SdJwt::sd_hash`] → [`SdJwtKb::new`];
//! - verifier: [`SdJwtKb::parse`] or [`SdJwt::parse`] (by policy, never by what arrived) →
//!   verify the JWT → [`verify_disclosures`] → check the KB-JWT against [`SdJwt::sd_hash`].
//!
//! ```
//! use serde_json::{Map, Value, json};
//! use vc_issuer::sd_jwt::{
//!     ClaimPath, DisclosureFrame, IssuanceOptions, SdJwt, VerifyOptions, issue_payload,
//!     verify_disclosures,
//! };
//!
//! let Value::Object(claims) = json!({
//!     "iss": "did:example:issuer",
//!     "name": "Alice",
//!     "avatars": [{"platform": "vrchat"}, {"platform": "resonite"}],
//! }) else { unreachable!() };
//! let frame: DisclosureFrame = r#"{"_sd": ["name"], "avatars": {"_sd": "*"}}"#.parse()?;
//! let (payload, disclosures) = issue_payload(claims, &frame, &IssuanceOptions::sd_jwt_vc())?;
//!
//! // The JOSE layer signs `payload`; a stand-in JWT keeps this example free of keys.
//! let issued = SdJwt::new("eyJhbGciOiJFZERTQSJ9.e30.c2ln".into(), disclosures)?;
//!
//! // The holder discloses the second avatar only.
//! let presented = issued.present(&payload, &[ClaimPath::parse("/avatars/1")?])?;
//! let received = SdJwt::parse(&presented.to_compact())?;
//!
//! // The verifier, once the JOSE layer has checked the signature and handed over `payload`:
//! let processed = verify_disclosures(payload, received.disclosures(), &VerifyOptions::sd_jwt_vc())?;
//! assert_eq!(
//!     Value::Object(processed.claims),
//!     json!({"iss": "did:example:issuer", "avatars": [{"platform": "resonite"}]}),
//! );
//! assert_eq!(processed.disclosed, ["/avatars/0"]);
//! # Ok::<(), vc_issuer::sd_jwt::SdJwtError>(())
//! ```

mod claim_path;
mod compact;
mod disclosure;
mod error;
mod frame;
mod hash;
mod issue;
mod present;
#[cfg(test)]
mod proptests;
mod verify;

pub use claim_path::ClaimPath;
pub(crate) use compact::Parts;
pub use compact::{SdJwt, SdJwtKb};
pub use disclosure::Disclosure;
pub use error::SdJwtError;
pub use frame::DisclosureFrame;
pub use hash::HashAlgorithm;
pub use issue::{DecoyCount, IssuanceOptions, SD_JWT_VC_NEVER_DISCLOSABLE, issue_payload};
pub use present::select_disclosures;
pub(crate) use verify::process_disclosures;
pub use verify::{ProcessedPayload, VerifyOptions, payload_hash_algorithm, verify_disclosures};

/// Longest compact SD-JWT or SD-JWT+KB accepted, in bytes: room for a credential with a few
/// pictures, far below what would tire a verifier.
pub const MAX_SD_JWT_LEN: usize = 1 << 20;

/// Longest single disclosure accepted, in bytes of its base64url string.
pub const MAX_DISCLOSURE_LEN: usize = 256 << 10;

/// Most disclosures accepted in one SD-JWT.
pub const MAX_DISCLOSURES: usize = 1024;

/// Deepest nesting of objects and arrays accepted in claims, payloads and frames, counting
/// the levels added by recursive disclosures.
pub const MAX_DEPTH: usize = 64;

/// Most decoy digests added to one `_sd` array or one array.
pub const MAX_DECOYS: usize = 256;
