//! The `vc+jwt` path of verification: a VCDM 2.0 credential secured as a JWS (W3C
//! VC-JOSE-COSE §3.1.1), its issuer key found as for an SD-JWT VC, its validity period from
//! `validFrom` and `validUntil` (VCDM 2.0 §4.9).

use did_core::excerpt::excerpt;
use did_core::jose::{UnverifiedJws, decode_compact, header_has_typ, parse_json_object};
use did_core::key::PublicKey;
use serde_json::Value;

use super::{
    Checked, SignatureJobs, SignatureResults, VerificationPolicy, check_jwt_validity, issuer_key,
    issuer_signature, kid, new_report,
};
use crate::issuer_keys::IssuerKeys;
use crate::report::{ErrorCode, ReportError, VerificationReport, checks};
use crate::sd_jwt_vc::{LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP, jws_error};
use crate::time::Clock;
use crate::w3c::{Credential, VC_CTY, VC_JWT_TYP, parse_credential};

/// A `vc+jwt` ready for its signature check.
pub(super) struct Ready<'a> {
    report: VerificationReport,
    credential: Credential,
    jws: Option<UnverifiedJws<'a>>,
    issuer_key: PublicKey,
}

fn refuse(
    mut report: VerificationReport,
    check: &'static str,
    error: ReportError,
) -> VerificationReport {
    report.fail(check, error);
    report.finish(None)
}

/// Everything before the signature: the JWS, its `typ`, the data model, the trust list and
/// the issuer key.
pub(super) async fn prepare<'a>(
    input: &'a str,
    policy: &VerificationPolicy,
    clock: Clock,
    keys: &dyn IssuerKeys,
) -> Result<Ready<'a>, VerificationReport> {
    let mut report = new_report();
    let jws = match decode_compact(input, &policy.algorithms) {
        Ok(jws) => jws,
        Err(error) => {
            let error = jws_error(
                "neither an SD-JWT (no `~`) nor an acceptable compact JWS",
                &error,
            );
            let check = if error.code == ErrorCode::AlgNotAllowed {
                report.pass(checks::FORMAT);
                checks::ISSUER_JWT
            } else {
                checks::FORMAT
            };
            return Err(refuse(report, check, error));
        }
    };
    report.pass(checks::FORMAT);
    let payload = match parse_json_object(jws.payload()) {
        Ok(payload) => payload,
        Err(error) => {
            return Err(refuse(
                report,
                checks::ISSUER_JWT,
                ReportError::new(
                    ErrorCode::Malformed,
                    format!("the JWT payload is not a JSON object: {error}"),
                ),
            ));
        }
    };
    report.pass(checks::ISSUER_JWT);

    // RFC 8725 §3.11 and VC-JOSE-COSE §3.1.1: the type says what the payload is, compared as
    // a media type (RFC 7515 §4.1.9).
    let header = jws.header();
    if header_has_typ(header, VC_JWT_TYP) {
        report.pass(checks::TYP);
    } else if header_has_typ(header, SD_JWT_VC_TYP) || header_has_typ(header, LEGACY_SD_JWT_VC_TYP)
    {
        return Err(refuse(
            report,
            checks::TYP,
            ReportError::new(
                ErrorCode::Malformed,
                "an SD-JWT VC must be sent as an SD-JWT, its issuer-signed JWT followed by `~` (RFC 9901 §4)",
            ),
        ));
    } else {
        let typ = header.get("typ").and_then(Value::as_str);
        return Err(refuse(
            report,
            checks::TYP,
            ReportError::new(
                ErrorCode::Malformed,
                format!(
                    "a JWT typed {} is not a credential this verifier accepts: expected `{VC_JWT_TYP}`, or an SD-JWT VC",
                    typ.map_or_else(|| "nothing".into(), |t| format!("`{}`", excerpt(t)))
                ),
            ),
        ));
    }
    if let Some(cty) = jws.header().get("cty")
        && cty != VC_CTY
    {
        report.warn("the `cty` header is not `vc` as VC-JOSE-COSE §3.1.1 recommends");
    }

    let credential = match parse_credential(payload) {
        Ok(credential) => credential,
        Err(error) => return Err(refuse(report, checks::DATA_MODEL, error.into())),
    };
    report.pass(checks::DATA_MODEL);

    let kid = match kid(jws.header()) {
        Ok(kid) => kid,
        Err(error) => return Err(refuse(report, checks::ISSUER_KEY, error)),
    };
    let Some(issuer_key) =
        issuer_key(credential.issuer(), kid, policy, clock, keys, &mut report).await
    else {
        return Err(report.finish(None));
    };
    Ok(Ready {
        report,
        credential,
        jws: Some(jws),
        issuer_key,
    })
}

impl<'a> Ready<'a> {
    /// The issuer's signature to check, taken out once.
    pub(super) fn take_jobs(&mut self) -> Option<SignatureJobs<'a, '_>> {
        let jws = self.jws.take()?;
        Some(SignatureJobs {
            issuer: (jws, &self.issuer_key),
            key_binding: None,
        })
    }

    /// Everything after the signature up to the status step: the checked credential, or the
    /// report that refuses it.
    #[expect(
        clippy::result_large_err,
        reason = "the report is the verdict, returned once per verification; boxing it would add an allocation"
    )]
    pub(super) fn check(
        self,
        signatures: SignatureResults,
        policy: &VerificationPolicy,
        clock: Clock,
    ) -> Result<Checked, VerificationReport> {
        let Ready {
            mut report,
            credential,
            ..
        } = self;
        if !issuer_signature(signatures.issuer, &mut report) {
            return Err(report.finish(None));
        }
        let validity = check_jwt_validity(
            credential.claims(),
            &clock,
            policy.expected_audience.as_deref(),
        )
        .and_then(|()| Ok(credential.check_validity_period(&clock)?));
        if let Err(error) = validity {
            return Err(refuse(report, checks::VALIDITY, error));
        }
        report.pass(checks::VALIDITY);

        // RFC 9901 §7.3 step 2, by analogy: a credential without key binding cannot satisfy a
        // policy that requires proof of possession.
        if policy.require_key_binding {
            return Err(refuse(
                report,
                checks::KEY_BINDING,
                ReportError::new(
                    ErrorCode::KeyBindingRequired,
                    "key binding is required, and a vc+jwt carries no proof of possession; ask the holder for an SD-JWT VC presentation with a key binding JWT",
                ),
            ));
        }
        report.skip(checks::KEY_BINDING);

        // VCDM 2.0 §4.10: `credentialStatus`.
        let issuer = Some(credential.issuer().to_owned());
        Ok(Checked {
            report,
            claims: credential.into_claims(),
            status_claim: super::status::StatusClaim::Bitstring,
            issuer,
        })
    }
}
