//! The SD-JWT VC path of verification: RFC 9901 §7.1 and §7.3 with the SD-JWT VC rules
//! (SD-JWT VC §2.4), split at the signatures so that a batch can check them together.

use did_core::excerpt::excerpt;
use did_core::jose::{UnverifiedJws, decode_compact, parse_json_object};
use did_core::key::PublicKey;
use serde_json::{Map, Value};

use super::disclosed::count_withholdable;
use super::{
    Checked, SignatureJobs, SignatureResults, VerificationPolicy, check_jwt_validity, issuer_key,
    issuer_signature, kid, new_report,
};
use crate::issuer_keys::IssuerKeys;
use crate::report::{ErrorCode, ReportError, VerificationReport, checks};
use crate::sd_jwt::{Disclosure, Parts, SdJwtError, process_disclosures};
use crate::sd_jwt_vc::{
    IssuerJwtType, KeyBindingExpectations, LEGACY_TYP_WARNING, SD_JWT_VC_OPTIONS,
    check_key_binding, decode_key_binding_jwt, holder_key, holder_key_error, issuer_jwt_type,
    jws_error,
};
use crate::time::Clock;

/// An SD-JWT VC presentation ready for its signature checks.
pub(super) struct Ready<'a> {
    report: VerificationReport,
    /// The presentation up to and including its last `~`, which `sd_hash` covers.
    sd_jwt: &'a str,
    payload: Map<String, Value>,
    disclosures: Vec<Disclosure>,
    issuer: Option<UnverifiedJws<'a>>,
    issuer_key: PublicKey,
    key_binding: KeyBinding<'a>,
}

/// The key binding part of a presentation, as far as it could be prepared.
#[expect(
    clippy::large_enum_variant,
    reason = "one per verification, moved once; boxing would add an allocation to the hot path"
)]
enum KeyBinding<'a> {
    /// No key binding JWT, and none required.
    Absent,
    /// A key binding JWT that cannot be checked; reported after the issuer's signature.
    Refused {
        check: &'static str,
        error: ReportError,
    },
    /// A key binding JWT and the holder key (from the not yet verified payload) to check it.
    Ready {
        jws: Option<UnverifiedJws<'a>>,
        holder_key: PublicKey,
    },
}

/// Refuses the input: the report so far plus the failed check.
fn refuse(
    mut report: VerificationReport,
    check: &'static str,
    error: impl Into<ReportError>,
) -> VerificationReport {
    report.fail(check, error);
    report.finish(None)
}

/// Everything before the signatures: the compact form, the issuer-signed JWT's header and
/// payload, its `typ`, the trust list and the issuer key, the holder key and the key binding
/// JWT's header.
pub(super) async fn prepare<'a>(
    input: &'a str,
    policy: &VerificationPolicy,
    clock: Clock,
    keys: &dyn IssuerKeys,
) -> Result<Ready<'a>, VerificationReport> {
    let mut report = new_report();
    let (_, key_binding_jwt) = input.rsplit_once('~').unwrap_or((input, ""));
    // RFC 9901 §7.3 steps 1–3: key binding is required by the policy or not at all; the
    // presence of a KB-JWT never decides it, and a stripped one is refused (§9.5).
    let parsed = if policy.require_key_binding || !key_binding_jwt.is_empty() {
        Parts::sd_jwt_kb(input)
    } else {
        Parts::sd_jwt(input)
    };
    let Parts {
        issuer_jwt,
        disclosures,
        sd_jwt,
        key_binding_jwt,
    } = match parsed {
        Ok(parts) => parts,
        Err(error @ SdJwtError::MissingKeyBindingJwt) => {
            report.pass(checks::FORMAT);
            return Err(refuse(report, checks::KEY_BINDING, error));
        }
        Err(error) => return Err(refuse(report, checks::FORMAT, error)),
    };
    report.pass(checks::FORMAT);

    // RFC 9901 §7.1 step 1: the issuer-signed JWT is what precedes the first `~`.
    let jws = match decode_compact(issuer_jwt, &policy.algorithms) {
        Ok(jws) => jws,
        // §7.1 step 2.1: an algorithm deemed secure, never `none`.
        Err(error) => {
            return Err(refuse(
                report,
                checks::ISSUER_JWT,
                jws_error("the issuer-signed JWT is refused", &error),
            ));
        }
    };
    let payload = match parse_json_object(jws.payload()) {
        Ok(payload) => payload,
        Err(error) => {
            return Err(refuse(
                report,
                checks::ISSUER_JWT,
                ReportError::new(
                    ErrorCode::Malformed,
                    format!("the issuer-signed JWT payload is not a JSON object: {error}"),
                ),
            ));
        }
    };
    report.pass(checks::ISSUER_JWT);

    match issuer_jwt_type(jws.header()) {
        Ok(IssuerJwtType::Current) => report.pass(checks::TYP),
        Ok(IssuerJwtType::Legacy) => {
            report.pass(checks::TYP);
            report.warn(LEGACY_TYP_WARNING);
        }
        Err(error) => return Err(refuse(report, checks::TYP, error)),
    }

    let kid = match kid(jws.header()) {
        Ok(kid) => kid,
        Err(error) => return Err(refuse(report, checks::ISSUER_KEY, error)),
    };
    let Some(iss) = payload.get("iss").and_then(Value::as_str) else {
        return Err(refuse(
            report,
            checks::ISSUER_KEY,
            ReportError::new(
                ErrorCode::IssuerUnresolvable,
                "the credential has no `iss` string, so its issuer cannot be established (SD-JWT VC §2.5)",
            ),
        ));
    };
    let Some(issuer_key) = issuer_key(iss, kid, policy, clock, keys, &mut report).await else {
        return Err(report.finish(None));
    };

    let key_binding = if key_binding_jwt.is_empty() {
        KeyBinding::Absent
    } else {
        // §7.3 step 5.1: the holder key from `cnf` (§4.1.2); step 5.2: an allowed `alg`.
        match holder_key(&payload) {
            Err(reason) => KeyBinding::Refused {
                check: checks::HOLDER_KEY,
                error: holder_key_error(reason),
            },
            Ok(holder_key) => match decode_key_binding_jwt(key_binding_jwt, &policy.algorithms) {
                Ok(jws) => KeyBinding::Ready {
                    jws: Some(jws),
                    holder_key,
                },
                Err(error) => KeyBinding::Refused {
                    check: checks::KB_JWT,
                    error,
                },
            },
        }
    };

    Ok(Ready {
        report,
        sd_jwt,
        payload,
        disclosures,
        issuer: Some(jws),
        issuer_key,
        key_binding,
    })
}

impl<'a> Ready<'a> {
    /// The signatures to check, taken out (once) so that a batch can check them together.
    pub(super) fn take_jobs(&mut self) -> Option<SignatureJobs<'a, '_>> {
        let issuer = self.issuer.take()?;
        let key_binding = match &mut self.key_binding {
            KeyBinding::Ready { jws, holder_key } => jws.take().map(|jws| (jws, &*holder_key)),
            KeyBinding::Absent | KeyBinding::Refused { .. } => None,
        };
        Some(SignatureJobs {
            issuer: (issuer, &self.issuer_key),
            key_binding,
        })
    }

    /// Everything after the signatures up to the status step, in the order of RFC 9901 §7.1
    /// and §7.3: the checked claims, or the report that refuses them.
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
            sd_jwt,
            payload,
            mut disclosures,
            key_binding,
            ..
        } = self;
        if !issuer_signature(signatures.issuer, &mut report) {
            return Err(report.finish(None));
        }
        count_withholdable(&payload, &mut report.observed);
        // §7.1 steps 3–5, with the SD-JWT VC claims that must never be disclosable.
        let processed = process_disclosures(
            payload,
            &mut disclosures,
            &SD_JWT_VC_OPTIONS,
            Some(&mut report.observed.disclosed),
        );
        let (claims, hash_alg) = match processed {
            Ok(processed) => processed,
            Err(error) => return Err(refuse(report, checks::DISCLOSURES, error)),
        };
        report.pass(checks::DISCLOSURES);

        // §7.1 step 6, on the processed payload (`iat` may be disclosed).
        if let Err(error) = check_jwt_validity(&claims, &clock, policy.expected_audience.as_deref())
        {
            return Err(refuse(report, checks::VALIDITY, error));
        }
        report.pass(checks::VALIDITY);
        if !claims.contains_key("exp") {
            report.warn("the credential has no `exp`: it never expires");
        }

        if let Err(error) = check_vct(&claims, policy.expected_vct.as_deref()) {
            return Err(refuse(report, checks::VCT, error));
        }
        report.pass(checks::VCT);

        match key_binding {
            KeyBinding::Absent if policy.require_key_binding => {
                return Err(refuse(
                    report,
                    checks::KEY_BINDING,
                    SdJwtError::MissingKeyBindingJwt,
                ));
            }
            KeyBinding::Absent => report.skip(checks::KEY_BINDING),
            KeyBinding::Refused { check, error } => {
                report.pass(checks::KEY_BINDING);
                if check != checks::HOLDER_KEY {
                    report.pass(checks::HOLDER_KEY);
                }
                return Err(refuse(report, check, error));
            }
            KeyBinding::Ready { .. } => {
                report.pass(checks::KEY_BINDING);
                report.pass(checks::HOLDER_KEY);
                if policy.expected_nonce.is_none() || policy.expected_audience.is_none() {
                    report.warn("the key binding JWT's nonce or audience was not checked because the policy sets none; it may be replayed from another transaction");
                }
                let expectations = KeyBindingExpectations {
                    audience: policy.expected_audience.as_deref(),
                    nonce: policy.expected_nonce.as_deref(),
                    clock,
                    max_age: policy.max_kb_age,
                };
                let verified = signatures
                    .key_binding
                    .unwrap_or(Err(did_core::jose::JoseError::BadSignature));
                if check_key_binding(verified, sd_jwt, hash_alg, &expectations, &mut report)
                    .is_none()
                {
                    return Err(report.finish(None));
                }
            }
        }

        // SD-JWT VC §2.4: "If status is present …, the status SHOULD be checked."
        let issuer = claims.get("iss").and_then(Value::as_str).map(str::to_owned);
        Ok(Checked {
            report,
            claims,
            status_claim: super::status::StatusClaim::Token,
            issuer,
        })
    }
}

/// SD-JWT VC §2.2.2.1 and §2.2.2.3: `vct` is REQUIRED, a string; when the policy expects a
/// type, the credential is of it by its `vct` or by one of its `aka_vcts` (§2.2.2.2).
fn check_vct(claims: &Map<String, Value>, expected: Option<&str>) -> Result<(), ReportError> {
    let vct = match claims.get("vct") {
        Some(Value::String(vct)) if !vct.is_empty() => vct,
        Some(_) => {
            return Err(ReportError::new(
                ErrorCode::Malformed,
                "`vct` must be a non-empty string (SD-JWT VC §2.2.2.1)",
            ));
        }
        None => {
            return Err(ReportError::new(
                ErrorCode::Malformed,
                "the credential has no `vct`, which every SD-JWT VC must carry (SD-JWT VC §2.2.2.3)",
            ));
        }
    };
    let Some(expected) = expected else {
        return Ok(());
    };
    let also_known_as = claims
        .get("aka_vcts")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == expected));
    if vct != expected && !also_known_as {
        return Err(ReportError::new(
            ErrorCode::MissingClaim,
            format!(
                "the credential is of type `{}`, not the `{}` this verifier asks for",
                excerpt(vct),
                excerpt(expected)
            ),
        ));
    }
    Ok(())
}
