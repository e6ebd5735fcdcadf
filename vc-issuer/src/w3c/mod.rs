//! W3C Verifiable Credentials Data Model 2.0 credentials secured with JOSE as `vc+jwt`
//! (W3C VC-JOSE-COSE §3.1.1): the payload is the credential itself, signed by the key of its
//! `issuer`, a DID. This module issues them and checks the data model rules a verifier relies
//! on, in one place: the verifier's `vc+jwt` path and the status step's Bitstring Status List
//! credentials both read credentials through [`parse_credential`].

use did_core::did::DidUrl;
use did_core::jose::{Signer, sign_compact};
use serde_json::{Map, Value};

use did_core::excerpt::excerpt;
use did_core::time::{Clock, parse_date_time};

use crate::error::Error;
use crate::report::{ErrorCode, ReportError};

/// The `typ` of a VCDM 2.0 credential secured as a JWS (VC-JOSE-COSE §3.1.1, media type
/// `application/vc+jwt`).
pub const VC_JWT_TYP: &str = "vc+jwt";

/// The `cty` of a secured credential (VC-JOSE-COSE §3.1.1: "when present, SHOULD be `vc`").
pub const VC_CTY: &str = "vc";

/// The base context every VCDM 2.0 credential starts with (VCDM 2.0 §4.3).
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// A VCDM 2.0 credential whose data model a verifier relies on has been checked by
/// [`parse_credential`]: the one reader of `@context`, `type`, `issuer`, `credentialSubject`,
/// `validFrom` and `validUntil`, for the credentials a verifier is given and for the
/// Bitstring Status List credentials its status step fetches.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    claims: Map<String, Value>,
    issuer: String,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
}

/// Why a payload is not a VCDM 2.0 credential secured as a JWT. Every variant is a
/// [`ErrorCode::Malformed`] credential; the message names the rule and its section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A `vc` or `vp` claim (VC-JOSE-COSE §3.1.3: "MUST NOT be present").
    #[error(
        "the `{0}` claim must not be present in a vc+jwt; the payload is the credential itself (VC-JOSE-COSE §3.1.3)"
    )]
    ForbiddenClaim(&'static str),
    /// `@context` missing, or its first item not the v2 base context.
    #[error("`@context` must start with {CREDENTIALS_V2_CONTEXT} (VCDM 2.0 §4.3)")]
    Context,
    /// `type` without `VerifiableCredential`.
    #[error("`type` must include `VerifiableCredential` (VCDM 2.0 §4.5)")]
    Type,
    /// `issuer` neither a URL nor an object with an `id` URL.
    #[error("`issuer` must be a URL or an object with an `id` (VCDM 2.0 §4.7)")]
    Issuer,
    /// An `iss` claim that names another issuer than `issuer`.
    #[error("the `iss` claim names another issuer than `issuer` (VC-JOSE-COSE §3.1.3)")]
    IssuerConflict,
    /// `credentialSubject` neither an object nor a non-empty array of objects.
    #[error(
        "`credentialSubject` must be an object or a non-empty array of objects (VCDM 2.0 §4.8)"
    )]
    CredentialSubject,
    /// `validFrom` or `validUntil` not a date-time.
    #[error(
        "`{0}` must be an XML Schema dateTimeStamp such as 2010-01-01T19:23:24Z (VCDM 2.0 §4.9)"
    )]
    DateTime(&'static str),
    /// `validFrom` after `validUntil`.
    #[error("`validFrom` is after `validUntil` (VCDM 2.0 §4.9)")]
    ValidityOrder,
}

impl CredentialError {
    /// The report code of this failure: always [`ErrorCode::Malformed`].
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Malformed
    }
}

impl From<CredentialError> for ReportError {
    fn from(error: CredentialError) -> Self {
        ReportError::new(error.code(), error.to_string())
    }
}

/// Why a credential is not valid at the verifier's clock (VCDM 2.0 §4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValidityError {
    /// The clock, even with its skew, is before `validFrom`.
    #[error("the credential is not valid before its validFrom ({valid_from}, now {now})")]
    NotYetValid {
        /// `validFrom`, in Unix seconds.
        valid_from: i64,
        /// The verifier's time.
        now: u64,
    },
    /// The clock, even with its skew, is at or after `validUntil`.
    #[error("the credential ceased to be valid at its validUntil ({valid_until}, now {now})")]
    Expired {
        /// `validUntil`, in Unix seconds.
        valid_until: i64,
        /// The verifier's time.
        now: u64,
    },
}

impl ValidityError {
    /// The report code of this failure: `not_yet_valid` or `expired`.
    pub fn code(&self) -> ErrorCode {
        match self {
            ValidityError::NotYetValid { .. } => ErrorCode::NotYetValid,
            ValidityError::Expired { .. } => ErrorCode::Expired,
        }
    }
}

impl From<ValidityError> for ReportError {
    fn from(error: ValidityError) -> Self {
        ReportError::new(error.code(), error.to_string())
    }
}

/// Reads a verified `vc+jwt` payload as a VCDM 2.0 credential, checking the data model rules
/// that verification depends on and that VC-JOSE-COSE adds for a credential secured as a JWT:
///
/// - no `vc` or `vp` claim (VC-JOSE-COSE §3.1.3: "MUST NOT be present");
/// - `@context` a single URL or an array, its first item the v2 context (VCDM 2.0 §4.3: "an
///   ordered set where the first item is" the v2 URL; JSON-LD writes a set of one as the item
///   alone);
/// - `type` including `VerifiableCredential` (VCDM 2.0 §4.5);
/// - `issuer` a URL or an object with an `id` URL (VCDM 2.0 §4.7), and `iss`, if present,
///   the same (VC-JOSE-COSE §3.1.3 warns against conflicting values; two would be two
///   issuers);
/// - `credentialSubject` an object or a non-empty array of objects (VCDM 2.0 §4.8);
/// - `validFrom` and `validUntil` dateTimeStamps, the first not after the second (VCDM 2.0
///   §4.9), read by [`parse_date_time`]: VCDM 2.0 §4.9 asks for a `dateTimeStamp`, and
///   "Representing Time" says a value "incorrectly serialized without an offset MUST be
///   interpreted as UTC", so such a value is read, as UTC, rather than refused.
pub fn parse_credential(credential: Map<String, Value>) -> Result<Credential, CredentialError> {
    for name in ["vc", "vp"] {
        if credential.contains_key(name) {
            return Err(CredentialError::ForbiddenClaim(name));
        }
    }
    let first_context = match credential.get("@context") {
        Some(Value::Array(contexts)) => contexts.first(),
        Some(single) => Some(single),
        None => None,
    };
    if first_context.and_then(Value::as_str) != Some(CREDENTIALS_V2_CONTEXT) {
        return Err(CredentialError::Context);
    }
    if !has_type(&credential, "VerifiableCredential") {
        return Err(CredentialError::Type);
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Object(issuer)) => issuer
            .get("id")
            .and_then(Value::as_str)
            .ok_or(CredentialError::Issuer)?
            .to_owned(),
        _ => return Err(CredentialError::Issuer),
    };
    if let Some(iss) = credential.get("iss")
        && iss.as_str() != Some(issuer.as_str())
    {
        return Err(CredentialError::IssuerConflict);
    }
    let subjects_ok = match credential.get("credentialSubject") {
        Some(Value::Object(_)) => true,
        Some(Value::Array(subjects)) => {
            !subjects.is_empty() && subjects.iter().all(Value::is_object)
        }
        _ => false,
    };
    if !subjects_ok {
        return Err(CredentialError::CredentialSubject);
    }
    let date = |name: &'static str| -> Result<Option<i64>, CredentialError> {
        credential
            .get(name)
            .map(|value| {
                value
                    .as_str()
                    .and_then(parse_date_time)
                    .ok_or(CredentialError::DateTime(name))
            })
            .transpose()
    };
    let valid_from = date("validFrom")?;
    let valid_until = date("validUntil")?;
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && from > until
    {
        return Err(CredentialError::ValidityOrder);
    }
    Ok(Credential {
        claims: credential,
        issuer,
        valid_from,
        valid_until,
    })
}

/// Whether `type` (a string or an array of strings) includes `name` (VCDM 2.0 §4.5).
fn has_type(credential: &Map<String, Value>, name: &str) -> bool {
    match credential.get("type") {
        Some(Value::String(single)) => single == name,
        Some(Value::Array(types)) => types.iter().any(|t| t == name),
        _ => false,
    }
}

impl Credential {
    /// The whole credential, as signed.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The whole credential, taken out.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// The issuer's identifier: `issuer`, or `issuer.id`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `validFrom`, in Unix seconds.
    pub fn valid_from(&self) -> Option<i64> {
        self.valid_from
    }

    /// `validUntil`, in Unix seconds.
    pub fn valid_until(&self) -> Option<i64> {
        self.valid_until
    }

    /// Whether the credential's `type` includes `name` (VCDM 2.0 §4.5), such as
    /// `BitstringStatusListCredential`.
    pub fn has_type(&self, name: &str) -> bool {
        has_type(&self.claims, name)
    }

    /// VCDM 2.0 §4.9 at the verifier's clock: not valid before `validFrom`, nor from
    /// `validUntil` on, with the clock's skew allowed on each side.
    pub fn check_validity_period(&self, clock: &Clock) -> Result<(), ValidityError> {
        let now = i64::try_from(clock.now).unwrap_or(i64::MAX);
        let skew = i64::try_from(clock.skew).unwrap_or(i64::MAX);
        if let Some(valid_from) = self.valid_from
            && now.saturating_add(skew) < valid_from
        {
            return Err(ValidityError::NotYetValid {
                valid_from,
                now: clock.now,
            });
        }
        if let Some(valid_until) = self.valid_until
            && now >= valid_until.saturating_add(skew)
        {
            return Err(ValidityError::Expired {
                valid_until,
                now: clock.now,
            });
        }
        Ok(())
    }
}

/// Secures a VCDM 2.0 `credential` as a `vc+jwt` (VC-JOSE-COSE §3.1.1): header `{alg, typ:
/// vc+jwt, cty: vc, kid}`, payload the credential unchanged.
///
/// The credential must pass the data model checks a verifier applies, and its issuer must be
/// `kid`'s DID: a verifier finds the key by `kid` in the issuer's DID document, under
/// `assertionMethod`.
pub fn issue_vc_jwt(
    credential: &Map<String, Value>,
    signer: &dyn Signer,
    kid: &DidUrl,
) -> Result<String, Error> {
    let facts = parse_credential(credential.clone())?;
    if facts.issuer() != kid.did().as_str() {
        return Err(Error::InvalidCredential {
            reason: format!(
                "the credential's issuer `{}` is not the DID of the signing key `{kid}`",
                excerpt(facts.issuer())
            ),
        });
    }
    if kid.fragment().is_none_or(str::is_empty) {
        return Err(Error::InvalidCredential {
            reason: format!("the kid `{kid}` must name a verification method with a #fragment"),
        });
    }
    let mut header = Map::new();
    header.insert("typ".into(), Value::String(VC_JWT_TYP.into()));
    header.insert("cty".into(), Value::String(VC_CTY.into()));
    header.insert("kid".into(), Value::String(kid.to_string()));
    let payload = serde_json::to_vec(credential).map_err(|error| Error::InvalidCredential {
        reason: format!("the credential does not serialize: {error}"),
    })?;
    Ok(sign_compact(&header, &payload, signer)?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn credential() -> Map<String, Value> {
        json!({
            "@context": [CREDENTIALS_V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "http://university.example/credentials/1872",
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "2010-01-01T19:23:24Z",
            "credentialSubject": {"id": "did:example:123"}
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    #[test]
    fn accepts_vcdm2_credential() {
        let credential = credential();
        let facts = parse_credential(credential.clone()).unwrap();
        assert_eq!(facts.issuer(), "did:example:issuer");
        assert_eq!(facts.valid_from(), Some(1262373804));
        assert_eq!(facts.valid_until(), None);
        assert!(facts.has_type("ExampleAlumniCredential"));
        assert!(!facts.has_type("BitstringStatusListCredential"));
        assert_eq!(facts.claims(), &credential);
        let mut with_object_issuer = credential.clone();
        with_object_issuer.insert(
            "issuer".into(),
            json!({"id": "did:example:issuer", "name": "U"}),
        );
        assert_eq!(
            parse_credential(with_object_issuer).unwrap().issuer(),
            "did:example:issuer"
        );
    }

    #[test]
    fn rejects_credentials_breaking_the_data_model() {
        let cases: [(&str, Value, CredentialError); 13] = [
            ("vc", json!({}), CredentialError::ForbiddenClaim("vc")),
            (
                "@context",
                json!(["https://www.w3.org/2018/credentials/v1"]),
                CredentialError::Context,
            ),
            (
                "@context",
                json!([
                    "https://www.w3.org/ns/credentials/examples/v2",
                    CREDENTIALS_V2_CONTEXT
                ]),
                CredentialError::Context,
            ),
            ("@context", json!(42), CredentialError::Context),
            (
                "type",
                json!(["ExampleAlumniCredential"]),
                CredentialError::Type,
            ),
            ("issuer", json!(42), CredentialError::Issuer),
            ("issuer", json!({"name": "no id"}), CredentialError::Issuer),
            (
                "iss",
                json!("did:example:other"),
                CredentialError::IssuerConflict,
            ),
            (
                "credentialSubject",
                json!([]),
                CredentialError::CredentialSubject,
            ),
            (
                "credentialSubject",
                json!("did:example:123"),
                CredentialError::CredentialSubject,
            ),
            (
                "validFrom",
                json!("2010-01-01"),
                CredentialError::DateTime("validFrom"),
            ),
            (
                "validFrom",
                json!(1262373804),
                CredentialError::DateTime("validFrom"),
            ),
            (
                "validUntil",
                json!("2009-01-01T00:00:00Z"),
                CredentialError::ValidityOrder,
            ),
        ];
        for (name, value, expected) in cases {
            let mut credential = credential();
            credential.insert(name.into(), value.clone());
            let error = parse_credential(credential).unwrap_err();
            assert_eq!(error, expected, "{name}: {value}");
            assert_eq!(error.code(), ErrorCode::Malformed);
        }
        let mut no_subject = credential();
        no_subject.remove("credentialSubject");
        assert_eq!(
            parse_credential(no_subject).unwrap_err(),
            CredentialError::CredentialSubject
        );
        let mut no_context = credential();
        no_context.remove("@context");
        assert_eq!(
            parse_credential(no_context).unwrap_err(),
            CredentialError::Context
        );
    }

    #[test]
    fn accepts_a_single_v2_context_string() {
        // VCDM 2.0 §4.3: an ordered set whose first item is the v2 URL; a set of one may be
        // written as the item alone.
        let mut credential = credential();
        credential.insert("@context".into(), json!(CREDENTIALS_V2_CONTEXT));
        assert!(parse_credential(credential).is_ok());
    }

    #[test]
    fn reads_validity_dates_by_one_rule() {
        // VCDM 2.0 "Representing Time": a value without offset is read as UTC; an offset
        // moves the instant.
        let read = |from: &str| {
            let mut credential = credential();
            credential.insert("validFrom".into(), json!(from));
            parse_credential(credential).map(|c| c.valid_from())
        };
        assert_eq!(read("2010-01-01T19:23:24Z"), Ok(Some(1262373804)));
        assert_eq!(read("2010-01-01T19:23:24"), Ok(Some(1262373804)));
        assert_eq!(read("2010-01-01T20:23:24+01:00"), Ok(Some(1262373804)));
        assert_eq!(
            read("2010-01-01T19:23:24 Z"),
            Err(CredentialError::DateTime("validFrom"))
        );
    }

    #[test]
    fn checks_the_validity_period_at_the_verifiers_clock() {
        let mut credential = credential();
        credential.insert("validUntil".into(), json!("2010-01-02T19:23:24Z"));
        let credential = parse_credential(credential).unwrap();
        let (from, until) = (1262373804u64, 1262373804u64 + 86_400);
        let at = |now, skew| credential.check_validity_period(&Clock { now, skew });
        assert_eq!(at(from, 0), Ok(()));
        assert_eq!(
            at(from - 1, 0),
            Err(ValidityError::NotYetValid {
                valid_from: 1262373804,
                now: from - 1
            })
        );
        assert_eq!(at(from - 60, 60), Ok(()));
        assert_eq!(at(until - 1, 0), Ok(()));
        assert_eq!(at(until, 0).map_err(|e| e.code()), Err(ErrorCode::Expired));
        assert_eq!(at(until + 59, 60), Ok(()));
        assert_eq!(
            at(until + 60, 60).map_err(|e| e.code()),
            Err(ErrorCode::Expired)
        );
    }
}
