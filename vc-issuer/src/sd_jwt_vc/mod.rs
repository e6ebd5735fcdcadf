//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc-19) over the RFC 9901 core: issuance with `typ:
//! dc+sd-jwt`, `vct`, `cnf` and a DID issuer, the holder's presentation with a key binding JWT
//! (RFC 9901 §4.3), and the pieces the verifier (`verify`) builds on.
//!
//! ```
//! use did_core::jose::Algorithm;
//! use did_core::key::{KeyType, SecretKey};
//! use did_core::method::key::did_key_verification_method;
//! use serde_json::{Map, json};
//! use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
//! use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
//!
//! let issuer_key = SecretKey::generate(KeyType::Ed25519);
//! let kid = did_key_verification_method(&issuer_key.public_key());
//! let signer = issuer_key.signer(Algorithm::Ed25519)?;
//! let holder_key = SecretKey::generate(KeyType::Ed25519);
//!
//! let mut claims = Map::new();
//! claims.insert("age_over_18".into(), json!(true));
//! let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder_key.public_key(), 1_700_000_000)
//!     .with_claims(claims)
//!     .expiring_at(1_800_000_000);
//! let frame = DisclosureFrame::new().disclose("age_over_18");
//! let issued = SdJwtVcIssuer::new(&signer, kid)?.issue(payload, &frame)?;
//!
//! let credential = HolderCredential::parse(&issued)?;
//! let request = KeyBindingRequest::new("https://world.example", "n-0S6_WzA2Mj", 1_700_000_100);
//! let holder_signer = holder_key.signer(Algorithm::Ed25519)?;
//! let presentation = credential.present_with_key_binding(
//!     &[ClaimPath::parse("/age_over_18")?],
//!     &request,
//!     &holder_signer,
//! )?;
//! assert_eq!(presentation.matches('~').count(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod holder;
mod issue;
mod key_binding;

pub use holder::{HolderCredential, KeyBindingRequest};
pub use issue::{SdJwtVcIssuer, UnsecuredPayload};
pub use key_binding::{
    KB_JWT_TYP, KeyBindingClaims, KeyBindingExpectations, create_key_binding_jwt,
    verify_key_binding_jwt,
};
pub(crate) use key_binding::{check_key_binding, decode_key_binding_jwt};

use std::sync::LazyLock;

use did_core::excerpt::excerpt;
use did_core::jose::{JoseError, header_has_typ};
use did_core::key::{Jwk, KeyType, PublicKey};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::report::{ErrorCode, ReportError};
use crate::sd_jwt::VerifyOptions;

/// The `typ` of the issuer-signed JWT of an SD-JWT VC (SD-JWT VC §2.2.1).
pub const SD_JWT_VC_TYP: &str = "dc+sd-jwt";

/// The `typ` SD-JWT VC used until November 2024 (drafts up to -05). SD-JWT VC §2.2.1
/// recommends that verifiers and holders still accept it "for a reasonable transitional
/// period"; avid accepts it with a warning and never issues it.
pub const LEGACY_SD_JWT_VC_TYP: &str = "vc+sd-jwt";

/// The verification options of an SD-JWT VC, built once: the never-disclosable claims of
/// SD-JWT VC §2.2.2.3.
pub(crate) static SD_JWT_VC_OPTIONS: LazyLock<VerifyOptions> =
    LazyLock::new(VerifyOptions::sd_jwt_vc);

/// How the issuer-signed JWT is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssuerJwtType {
    /// `dc+sd-jwt`.
    Current,
    /// `vc+sd-jwt`, accepted with a warning.
    Legacy,
}

/// RFC 8725 §3.11 explicit typing and SD-JWT VC §2.2.1: the header's `typ` must say SD-JWT VC,
/// compared as a media type (RFC 7515 §4.1.9: `application/dc+sd-jwt` is the same type).
pub(crate) fn issuer_jwt_type(header: &Map<String, Value>) -> Result<IssuerJwtType, ReportError> {
    if header_has_typ(header, SD_JWT_VC_TYP) {
        return Ok(IssuerJwtType::Current);
    }
    if header_has_typ(header, LEGACY_SD_JWT_VC_TYP) {
        return Ok(IssuerJwtType::Legacy);
    }
    match header.get("typ") {
        Some(other) => Err(ReportError::new(
            ErrorCode::Malformed,
            format!(
                "the issuer-signed JWT is typed `{}`, not `{SD_JWT_VC_TYP}`: it is not an SD-JWT VC (SD-JWT VC §2.2.1, RFC 8725 §3.11)",
                excerpt(
                    &other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_owned)
                )
            ),
        )),
        None => Err(ReportError::new(
            ErrorCode::Malformed,
            format!(
                "the issuer-signed JWT has no `typ` header; an SD-JWT VC must be typed `{SD_JWT_VC_TYP}` (SD-JWT VC §2.2.1, RFC 8725 §3.11)"
            ),
        )),
    }
}

/// The warning for a legacy-typed credential.
pub(crate) const LEGACY_TYP_WARNING: &str = "the issuer-signed JWT is typed `vc+sd-jwt`, the SD-JWT VC type before draft -06; it was accepted for the transition period, but issuers should now use `dc+sd-jwt` (SD-JWT VC §2.2.1)";

/// The holder's public key from `cnf.jwk` (RFC 7800 §3.2, RFC 9901 §4.1.2): the key that
/// must have signed the key binding JWT. Only the `jwk` confirmation method is understood,
/// and the key must be one that signs.
pub(crate) fn holder_key(payload: &Map<String, Value>) -> Result<PublicKey, String> {
    let cnf = payload
        .get("cnf")
        .ok_or("the credential has no `cnf` claim naming the holder's key")?;
    let jwk = cnf.get("jwk").ok_or(
        "`cnf` has no `jwk` member; only the RFC 7800 §3.2 JWK confirmation method is supported",
    )?;
    let jwk = Jwk::deserialize(jwk).map_err(|error| {
        format!(
            "`cnf.jwk` is not a public JWK: {}",
            excerpt(&error.to_string())
        )
    })?;
    // RFC 7517 §4.2: a key whose `use` is not `sig` is not for signatures, so it cannot prove
    // possession; issuer keys are held to the same rule.
    if let Some(key_use) = jwk.key_use.as_deref().filter(|key_use| *key_use != "sig") {
        return Err(format!(
            "`cnf.jwk` is marked `use: {}`, not for signatures, so it cannot sign a key binding JWT (RFC 7517 §4.2)",
            excerpt(key_use)
        ));
    }
    let key = PublicKey::from_jwk(&jwk).map_err(|error| format!("`cnf.jwk`: {error}"))?;
    if key.key_type() == KeyType::X25519 {
        return Err("`cnf.jwk` is an X25519 key, which cannot sign a key binding JWT".into());
    }
    Ok(key)
}

/// [`holder_key`] as a report error.
pub(crate) fn holder_key_error(reason: String) -> ReportError {
    ReportError::new(ErrorCode::NoHolderKey, reason)
}

/// A JWS refused before its signature is checked: a forbidden algorithm is `alg_not_allowed`
/// (RFC 8725 §3.1), anything else is `malformed`.
pub(crate) fn jws_error(what: &str, error: &JoseError) -> ReportError {
    let code = match error {
        JoseError::AlgorithmNotAllowed(_) | JoseError::MissingAlgorithm => ErrorCode::AlgNotAllowed,
        _ => ErrorCode::Malformed,
    };
    ReportError::new(code, format!("{what}: {error}"))
}
