//! W3C Verifiable Credentials Data Model 2.0 credentials secured with JOSE as `vc+jwt`
//! (W3C VC-JOSE-COSE §3.1.1): the payload is the credential itself, signed by the key of its
//! `issuer`, a DID. This module issues them and checks the data model rules a verifier relies
//! on; [`crate::verify`] verifies them through the same entry point as SD-JWT VCs.

use did_core::did::DidUrl;
use did_core::jose::{Signer, sign_compact};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::report::{ErrorCode, ReportError};
use crate::sd_jwt::excerpt;
use crate::time::parse_date_time;

/// The `typ` of a VCDM 2.0 credential secured as a JWS (VC-JOSE-COSE §3.1.1, media type
/// `application/vc+jwt`).
pub const VC_JWT_TYP: &str = "vc+jwt";

/// The `cty` of a secured credential (VC-JOSE-COSE §3.1.1: "when present, SHOULD be `vc`").
pub const VC_CTY: &str = "vc";

/// The base context every VCDM 2.0 credential starts with (VCDM 2.0 §4.3).
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// What a verifier needs from a credential that passed [`check_credential`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CredentialFacts<'a> {
    /// The issuer's identifier: `issuer`, or `issuer.id`.
    pub issuer: &'a str,
    /// `validFrom`, in Unix seconds.
    pub valid_from: Option<i64>,
    /// `validUntil`, in Unix seconds.
    pub valid_until: Option<i64>,
}

fn malformed(message: impl Into<String>) -> ReportError {
    ReportError::new(ErrorCode::Malformed, message)
}

/// Checks the VCDM 2.0 rules that verification depends on, and that VC-JOSE-COSE adds for a
/// credential secured as a JWT:
///
/// - no `vc` or `vp` claim (VC-JOSE-COSE §3.1.3: "MUST NOT be present");
/// - `@context` starting with the v2 context (VCDM 2.0 §4.3);
/// - `type` including `VerifiableCredential` (VCDM 2.0 §4.5);
/// - `issuer` a URL or an object with an `id` URL (VCDM 2.0 §4.7), and `iss`, if present,
///   the same (VC-JOSE-COSE §3.1.3 warns against conflicting values; two would be two
///   issuers);
/// - `credentialSubject` an object or a non-empty array of objects (VCDM 2.0 §4.8);
/// - `validFrom` and `validUntil` dateTimeStamps, the first not after the second (VCDM 2.0
///   §4.9).
pub(crate) fn check_credential(
    credential: &Map<String, Value>,
) -> Result<CredentialFacts<'_>, ReportError> {
    for name in ["vc", "vp"] {
        if credential.contains_key(name) {
            return Err(malformed(format!(
                "the `{name}` claim must not be present in a vc+jwt; the payload is the credential itself (VC-JOSE-COSE §3.1.3)"
            )));
        }
    }
    let first_context = match credential.get("@context") {
        Some(Value::Array(contexts)) => contexts.first(),
        Some(single) => Some(single),
        None => None,
    };
    if first_context.and_then(Value::as_str) != Some(CREDENTIALS_V2_CONTEXT) {
        return Err(malformed(format!(
            "`@context` must start with {CREDENTIALS_V2_CONTEXT} (VCDM 2.0 §4.3)"
        )));
    }
    let is_credential = match credential.get("type") {
        Some(Value::String(single)) => single == "VerifiableCredential",
        Some(Value::Array(types)) => types.iter().any(|t| t == "VerifiableCredential"),
        _ => false,
    };
    if !is_credential {
        return Err(malformed(
            "`type` must include `VerifiableCredential` (VCDM 2.0 §4.5)",
        ));
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(id)) => id.as_str(),
        Some(Value::Object(issuer)) => issuer
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("`issuer.id` must be a URL (VCDM 2.0 §4.7)"))?,
        _ => {
            return Err(malformed(
                "`issuer` must be a URL or an object with an `id` (VCDM 2.0 §4.7)",
            ));
        }
    };
    if let Some(iss) = credential.get("iss") {
        if iss.as_str() != Some(issuer) {
            return Err(malformed(
                "the `iss` claim names another issuer than `issuer` (VC-JOSE-COSE §3.1.3)",
            ));
        }
    }
    let subjects_ok = match credential.get("credentialSubject") {
        Some(Value::Object(_)) => true,
        Some(Value::Array(subjects)) => {
            !subjects.is_empty() && subjects.iter().all(Value::is_object)
        }
        _ => false,
    };
    if !subjects_ok {
        return Err(malformed(
            "`credentialSubject` must be an object or a non-empty array of objects (VCDM 2.0 §4.8)",
        ));
    }
    let date = |name: &str| -> Result<Option<i64>, ReportError> {
        credential
            .get(name)
            .map(|value| {
                value.as_str().and_then(parse_date_time).ok_or_else(|| {
                    malformed(format!(
                        "`{name}` must be an XML Schema dateTimeStamp such as 2010-01-01T19:23:24Z (VCDM 2.0 §4.9)"
                    ))
                })
            })
            .transpose()
    };
    let valid_from = date("validFrom")?;
    let valid_until = date("validUntil")?;
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        if from > until {
            return Err(malformed(
                "`validFrom` is after `validUntil` (VCDM 2.0 §4.9)",
            ));
        }
    }
    Ok(CredentialFacts {
        issuer,
        valid_from,
        valid_until,
    })
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
    let facts = check_credential(credential)?;
    if facts.issuer != kid.did().as_str() {
        return Err(Error::InvalidCredential {
            reason: format!(
                "the credential's issuer `{}` is not the DID of the signing key `{kid}`",
                excerpt(facts.issuer)
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
        let facts = check_credential(&credential).unwrap();
        assert_eq!(facts.issuer, "did:example:issuer");
        assert_eq!(facts.valid_from, Some(1262373804));
        assert_eq!(facts.valid_until, None);
        let mut with_object_issuer = credential.clone();
        with_object_issuer.insert(
            "issuer".into(),
            json!({"id": "did:example:issuer", "name": "U"}),
        );
        assert_eq!(
            check_credential(&with_object_issuer).unwrap().issuer,
            "did:example:issuer"
        );
    }

    #[test]
    fn rejects_credentials_breaking_the_data_model() {
        let cases: [(&str, Value); 10] = [
            ("vc", json!({})),
            (
                "@context",
                json!(["https://www.w3.org/2018/credentials/v1"]),
            ),
            ("type", json!(["ExampleAlumniCredential"])),
            ("issuer", json!(42)),
            ("issuer", json!({"name": "no id"})),
            ("iss", json!("did:example:other")),
            ("credentialSubject", json!([])),
            ("credentialSubject", json!("did:example:123")),
            ("validFrom", json!("2010-01-01")),
            ("validUntil", json!("2009-01-01T00:00:00Z")),
        ];
        for (name, value) in cases {
            let mut credential = credential();
            credential.insert(name.into(), value.clone());
            let error = check_credential(&credential).unwrap_err();
            assert_eq!(error.code, ErrorCode::Malformed, "{name}: {value}");
        }
        let mut no_subject = credential();
        no_subject.remove("credentialSubject");
        assert!(check_credential(&no_subject).is_err());
    }
}
