//! The key binding JWT (RFC 9901 §4.3): signed by the holder over the SD-JWT it presents, and
//! checked by the verifier against the credential's holder key (§4.3.2, §7.3 step 5).

use std::time::Duration;

use did_core::excerpt::excerpt;
use did_core::jose::{
    AlgorithmPolicy, JoseError, Signer, UnverifiedJws, VerifiedJws, decode_compact, header_has_typ,
    parse_json_object, sign_compact,
};
use did_core::key::PublicKey;
use serde_json::{Map, Value, json};

use super::jws_error;
use crate::error::Error;
use crate::report::checks;
use crate::report::{ErrorCode, ReportError, VerificationReport};
use crate::sd_jwt::{HashAlgorithm, SdJwt};
use crate::time::{Clock, numeric_date};

/// The `typ` of a key binding JWT (RFC 9901 §4.3), which explicitly types it as RFC 8725
/// §3.11 recommends.
pub const KB_JWT_TYP: &str = "kb+jwt";

/// Signs a key binding JWT over `sd_jwt` (RFC 9901 §4.3): header `{typ: kb+jwt, alg}`,
/// payload `{nonce, aud, iat, sd_hash}`, `sd_hash` computed with `hash_alg`, the credential's
/// `_sd_alg` (§4.3.1).
pub fn create_key_binding_jwt(
    sd_jwt: &SdJwt,
    hash_alg: HashAlgorithm,
    audience: &str,
    nonce: &str,
    issued_at: u64,
    signer: &dyn Signer,
) -> Result<String, Error> {
    let mut header = Map::new();
    header.insert("typ".into(), Value::String(KB_JWT_TYP.into()));
    let payload = json!({
        "nonce": nonce,
        "aud": audience,
        "iat": issued_at,
        "sd_hash": sd_jwt.sd_hash(hash_alg),
    });
    let payload = serde_json::to_vec(&payload).map_err(|error| Error::InvalidCredential {
        reason: format!("the key binding JWT payload does not serialize: {error}"),
    })?;
    Ok(sign_compact(&header, &payload, signer)?)
}

/// The claims of a verified key binding JWT (RFC 9901 §4.3). Other claims are ignored, as
/// SD-JWT VC §3.1 requires of claims a verifier does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingClaims {
    /// `iat`: when the holder made it, in Unix seconds.
    pub iat: u64,
    /// `aud`: the verifier it was made for.
    pub aud: String,
    /// `nonce`: the transaction it was made for.
    pub nonce: String,
    /// `sd_hash`: the hash of the SD-JWT it binds (§4.3.1).
    pub sd_hash: String,
}

/// The key binding JWT claims as read, before any rule is applied.
struct RawClaims {
    iat: Option<Value>,
    aud: Option<Value>,
    nonce: Option<Value>,
    sd_hash: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
}

/// What a verifier expects of a key binding JWT (RFC 9901 §7.3 step 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBindingExpectations<'a> {
    /// The `aud` required, this verifier's identifier; `None` skips the check (only sensible
    /// when key binding is not required and the presentation brought one anyway).
    pub audience: Option<&'a str>,
    /// The `nonce` required, this transaction's; `None` skips the check likewise.
    pub nonce: Option<&'a str>,
    /// The time to check `iat` against, with its skew.
    pub clock: Clock,
    /// How old the key binding JWT may be.
    pub max_age: Duration,
}

/// Verifies the key binding JWT that ends `presentation` (an SD-JWT+KB) under the holder key
/// from the credential's `cnf`, returning its claims: the signature with an allowed
/// algorithm, `typ`, `iat`, `nonce`, `aud` and `sd_hash` over the presentation as received
/// (RFC 9901 §7.3 steps 5.2–5.8).
///
/// `hash_alg` is the credential's `_sd_alg`. The SD-JWT itself (issuer signature and
/// disclosures) is not checked here; the verifier (`verify`) does both.
pub fn verify_key_binding_jwt(
    presentation: &str,
    holder_key: &PublicKey,
    hash_alg: HashAlgorithm,
    algorithms: &AlgorithmPolicy,
    expected: &KeyBindingExpectations<'_>,
) -> Result<KeyBindingClaims, ReportError> {
    let Some(position) = presentation.rfind('~') else {
        return Err(ReportError::new(
            ErrorCode::Malformed,
            "not an SD-JWT+KB: no `~` separates the SD-JWT from the key binding JWT (RFC 9901 §4)",
        ));
    };
    let (sd_jwt, key_binding_jwt) = presentation.split_at(position + 1);
    let jws = decode_key_binding_jwt(key_binding_jwt, algorithms)?;
    let verified = jws.verify(holder_key);
    let mut report = VerificationReport::new();
    check_key_binding(verified, sd_jwt, hash_alg, expected, &mut report).ok_or_else(|| {
        report.errors.into_iter().next().unwrap_or_else(|| {
            ReportError::new(ErrorCode::BadKbSignature, "key binding JWT refused")
        })
    })
}

/// Decodes a key binding JWT without verifying it: three base64url parts, a JSON header
/// whose `alg` the policy allows (RFC 9901 §7.3 step 5.2: never `none`).
pub(crate) fn decode_key_binding_jwt<'a>(
    key_binding_jwt: &'a str,
    algorithms: &AlgorithmPolicy,
) -> Result<UnverifiedJws<'a>, ReportError> {
    decode_compact(key_binding_jwt, algorithms)
        .map_err(|error| jws_error("the key binding JWT is refused", &error))
}

/// RFC 9901 §7.3 steps 5.3–5.8 on a key binding JWT whose signature check gave `verified`;
/// `sd_jwt` is the presentation as received up to and including its last `~`. Records one
/// check per step and stops at the first failure, returning the claims when all passed.
pub(crate) fn check_key_binding(
    verified: Result<VerifiedJws, JoseError>,
    sd_jwt: &str,
    hash_alg: HashAlgorithm,
    expected: &KeyBindingExpectations<'_>,
    report: &mut VerificationReport,
) -> Option<KeyBindingClaims> {
    // §7.3 step 5.3 (with §4.3.2: the key is the one in `cnf`).
    let verified = match verified {
        Ok(verified) => verified,
        Err(error) => {
            report.fail(
                checks::KB_SIGNATURE,
                ReportError::new(
                    ErrorCode::BadKbSignature,
                    format!(
                        "the key binding JWT is not signed by the credential's holder key (cnf): {error}"
                    ),
                ),
            );
            return None;
        }
    };
    report.pass(checks::KB_SIGNATURE);

    // §7.3 step 5.4 and §4.3: `typ` is `kb+jwt`, compared as a media type (RFC 7515 §4.1.9).
    if !header_has_typ(&verified.header, KB_JWT_TYP) {
        let typ = verified.header.get("typ").and_then(Value::as_str);
        report.fail(
            checks::KB_TYP,
            ReportError::new(
                ErrorCode::BadKbTyp,
                format!(
                    "the key binding JWT is typed {}, not `{KB_JWT_TYP}` (RFC 9901 §4.3)",
                    typ.map_or_else(|| "nothing".into(), |t| format!("`{}`", excerpt(t)))
                ),
            ),
        );
        return None;
    }
    report.pass(checks::KB_TYP);

    // RFC 7519 §7.2 step 10: the claims are a JSON object (a duplicate name refused, as §4
    // allows), read by name, never by position.
    let claims = match parse_json_object(&verified.payload) {
        Ok(mut claims) => RawClaims {
            iat: claims.remove("iat"),
            aud: claims.remove("aud"),
            nonce: claims.remove("nonce"),
            sd_hash: claims.remove("sd_hash"),
            exp: claims.remove("exp"),
            nbf: claims.remove("nbf"),
        },
        Err(error) => {
            report.fail(
                checks::KB_JWT,
                ReportError::new(
                    ErrorCode::Malformed,
                    format!(
                        "the key binding JWT payload is not a JSON object of claims: {}",
                        excerpt(&error.to_string())
                    ),
                ),
            );
            return None;
        }
    };

    // §7.3 step 5.5: creation time within an acceptable window.
    let iat = match check_iat(claims.iat.as_ref(), expected) {
        Ok(iat) => iat,
        Err(error) => {
            report.fail(checks::KB_IAT, error);
            return None;
        }
    };
    report.pass(checks::KB_IAT);

    // §7.3 step 5.6: bound to this transaction and this verifier. §4.3: both are strings,
    // and `aud` a single one.
    let nonce = match bound_string(
        claims.nonce,
        "nonce",
        expected.nonce,
        ErrorCode::NonceMismatch,
    ) {
        Ok(nonce) => nonce,
        Err(error) => {
            report.fail(checks::KB_NONCE, error);
            return None;
        }
    };
    record_bound(report, checks::KB_NONCE, expected.nonce);
    let aud = match bound_string(claims.aud, "aud", expected.audience, ErrorCode::AudMismatch) {
        Ok(aud) => aud,
        Err(error) => {
            report.fail(checks::KB_AUD, error);
            return None;
        }
    };
    record_bound(report, checks::KB_AUD, expected.audience);

    // §7.3 step 5.7 and §4.3.1: the hash of the SD-JWT exactly as received.
    let sd_hash = match claims.sd_hash {
        Some(Value::String(sd_hash))
            if sd_hash.as_bytes() == hash_alg.encoded_digest(&[sd_jwt]).as_bytes() =>
        {
            sd_hash
        }
        _ => {
            report.fail(
                checks::SD_HASH,
                ReportError::new(
                    ErrorCode::SdHashMismatch,
                    "the key binding JWT's `sd_hash` is not the hash of the issuer-signed JWT and disclosures received; they were changed or reordered after the holder signed (RFC 9901 §4.3.1)",
                ),
            );
            return None;
        }
    };
    report.pass(checks::SD_HASH);

    // §7.3 step 5.8: a valid JWT in all other respects (RFC 7519 §4.1.4, §4.1.5).
    if claims.exp.is_some() || claims.nbf.is_some() {
        if let Err(error) =
            check_kb_validity(claims.exp.as_ref(), claims.nbf.as_ref(), &expected.clock)
        {
            report.fail(checks::KB_VALIDITY, error);
            return None;
        }
        report.pass(checks::KB_VALIDITY);
    }
    Some(KeyBindingClaims {
        iat,
        aud,
        nonce,
        sd_hash,
    })
}

/// A `nonce` or `aud`: a single string (RFC 9901 §4.3), equal to the expected one if any.
fn bound_string(
    value: Option<Value>,
    name: &str,
    expected: Option<&str>,
    code: ErrorCode,
) -> Result<String, ReportError> {
    match value {
        Some(Value::String(found)) if expected.is_none_or(|wanted| found == wanted) => Ok(found),
        Some(Value::String(_)) => Err(ReportError::new(
            code,
            format!(
                "the key binding JWT's `{name}` is not the one this verifier expects; it was made for another transaction or verifier"
            ),
        )),
        Some(_) => Err(ReportError::new(
            code,
            format!("the key binding JWT's `{name}` must be a single string (RFC 9901 §4.3)"),
        )),
        None => Err(ReportError::new(
            code,
            format!("the key binding JWT has no `{name}` (RFC 9901 §4.3)"),
        )),
    }
}

/// Records a `nonce` or `aud` check: passed, or skipped when nothing was expected.
fn record_bound(report: &mut VerificationReport, check: &'static str, expected: Option<&str>) {
    if expected.is_some() {
        report.pass(check);
    } else {
        report.skip(check);
    }
}

fn check_iat(
    iat: Option<&Value>,
    expected: &KeyBindingExpectations<'_>,
) -> Result<u64, ReportError> {
    let stale = |message: String| ReportError::new(ErrorCode::KbStale, message);
    let iat = match iat {
        None => {
            return Err(stale(
                "the key binding JWT has no `iat`, so its freshness cannot be established (RFC 9901 §4.3)".into(),
            ));
        }
        Some(value) => numeric_date(value).ok_or_else(|| {
            stale("the key binding JWT's `iat` is not a NumericDate (RFC 7519 §2)".into())
        })?,
    };
    if expected.clock.is_before(iat) {
        return Err(stale(format!(
            "the key binding JWT was issued in the future (iat {iat}, now {})",
            expected.clock.now
        )));
    }
    if expected.clock.is_older_than(iat, expected.max_age) {
        return Err(stale(format!(
            "the key binding JWT is older than the {} seconds accepted (iat {iat}, now {}); ask the holder for a fresh presentation",
            expected.max_age.as_secs(),
            expected.clock.now
        )));
    }
    Ok(iat)
}

fn check_kb_validity(
    exp: Option<&Value>,
    nbf: Option<&Value>,
    clock: &Clock,
) -> Result<(), ReportError> {
    let date = |name: &str, value: Option<&Value>| -> Result<Option<u64>, ReportError> {
        value
            .map(|value| {
                numeric_date(value).ok_or_else(|| {
                    ReportError::new(
                        ErrorCode::Malformed,
                        format!(
                            "the key binding JWT's `{name}` is not a NumericDate (RFC 7519 §2)"
                        ),
                    )
                })
            })
            .transpose()
    };
    if date("exp", exp)?.is_some_and(|exp| clock.has_expired(exp)) {
        return Err(ReportError::new(
            ErrorCode::Expired,
            "the key binding JWT has expired (RFC 7519 §4.1.4)",
        ));
    }
    if date("nbf", nbf)?.is_some_and(|nbf| clock.is_before(nbf)) {
        return Err(ReportError::new(
            ErrorCode::NotYetValid,
            "the key binding JWT is not valid yet (RFC 7519 §4.1.5)",
        ));
    }
    Ok(())
}
