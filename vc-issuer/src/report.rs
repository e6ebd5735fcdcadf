//! The verification report every verification returns instead of a boolean: the verdict, the
//! disclosed claims, the checks that ran, warnings, and errors with stable snake_case codes.
//!
//! It serializes to the JSON that `avid verify --json` prints and that `avid-resolver` returns:
//!
//! ```json
//! {
//!   "verified": false,
//!   "claims": null,
//!   "checks": [{"name": "issuer_signature", "status": "passed"},
//!              {"name": "disclosures", "status": "failed"}],
//!   "warnings": [],
//!   "errors": [{"code": "duplicate_digest", "message": "the digest at `/_sd` appears …"}]
//! }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::sd_jwt::SdJwtError;
use crate::trust::{StatusEvidence, TrustEvaluation};

/// The names of the checks a report lists, in the order a verification runs them. Stable: scripts match on
/// them.
pub mod checks {
    /// The compact serialization parses (RFC 9901 §4, RFC 7515 §7.1).
    pub const FORMAT: &str = "format";
    /// The issuer-signed JWT's header and payload decode and its `alg` is allowed.
    pub const ISSUER_JWT: &str = "issuer_jwt";
    /// The explicit type (`typ`) is the one expected (RFC 8725 §3.11).
    pub const TYP: &str = "typ";
    /// The VCDM 2.0 data model rules of a `vc+jwt` hold.
    pub const DATA_MODEL: &str = "data_model";
    /// The issuer is on the policy's trust list.
    pub const TRUSTED_ISSUER: &str = "trusted_issuer";
    /// The issuer's key was found and is the issuer's to sign with.
    pub const ISSUER_KEY: &str = "issuer_key";
    /// The issuer's signature verifies.
    pub const ISSUER_SIGNATURE: &str = "issuer_signature";
    /// The disclosures match the digests (RFC 9901 §7.1 steps 3–5).
    pub const DISCLOSURES: &str = "disclosures";
    /// `exp`, `nbf`, `iat`, `aud` (and `validFrom`, `validUntil`) hold now.
    pub const VALIDITY: &str = "validity";
    /// `vct` is present, and the expected one if the policy names one.
    pub const VCT: &str = "vct";
    /// Key binding was provided when required (RFC 9901 §7.3 step 2).
    pub const KEY_BINDING: &str = "key_binding";
    /// The holder key in `cnf.jwk` is usable.
    pub const HOLDER_KEY: &str = "holder_key";
    /// The key binding JWT decodes and its `alg` is allowed.
    pub const KB_JWT: &str = "kb_jwt";
    /// The key binding JWT is signed by the holder key.
    pub const KB_SIGNATURE: &str = "kb_signature";
    /// The key binding JWT is typed `kb+jwt`.
    pub const KB_TYP: &str = "kb_typ";
    /// The key binding JWT's `iat` is recent and not in the future.
    pub const KB_IAT: &str = "kb_iat";
    /// The key binding JWT's `nonce` is this transaction's.
    pub const KB_NONCE: &str = "kb_nonce";
    /// The key binding JWT's `aud` is this verifier.
    pub const KB_AUD: &str = "kb_aud";
    /// The key binding JWT's `sd_hash` covers the presentation as received.
    pub const SD_HASH: &str = "sd_hash";
    /// The key binding JWT's own `exp`/`nbf`, when present, hold now.
    pub const KB_VALIDITY: &str = "kb_validity";
    /// The credential's status (revocation, suspension) was checked.
    pub const STATUS: &str = "status";
    /// The policy's required claims are present.
    pub const REQUIRED_CLAIMS: &str = "required_claims";
}

/// The stable code of a verification error. Scripts and other services match on these
/// strings, so a code is only ever added, never renamed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is not of the expected syntax or exceeds a limit.
    Malformed,
    /// The signature algorithm is not on the verifier's allow-list (`none`, symmetric, …).
    AlgNotAllowed,
    /// The issuer's signature does not verify.
    BadSignature,
    /// The issuer's DID or key could not be resolved.
    IssuerUnresolvable,
    /// The issuer is not one the verifier trusts.
    UntrustedIssuer,
    /// `_sd_alg` names a hash algorithm that is not accepted.
    UnsupportedHashAlg,
    /// A disclosure, or a digest's place in the payload, has the wrong shape.
    DisclosureShape,
    /// A claim uses a name SD-JWT reserves (`_sd`, `...`, `_sd_alg`).
    ReservedClaimName,
    /// A disclosed claim has the name of a claim already at its level.
    ClaimCollision,
    /// A digest appears more than once.
    DuplicateDigest,
    /// A disclosure was sent more than once.
    DuplicateDisclosure,
    /// A disclosure is referenced by no digest.
    UnreferencedDisclosure,
    /// A claim that must stay visible was selectively disclosable.
    ForbiddenDisclosure,
    /// The credential or presentation has expired.
    Expired,
    /// The credential or presentation is not valid yet.
    NotYetValid,
    /// The verifier requires key binding and the presentation has none.
    KeyBindingRequired,
    /// Key binding is required and the credential names no holder key (`cnf`).
    NoHolderKey,
    /// The key binding JWT's signature does not verify with the holder key.
    BadKbSignature,
    /// The key binding JWT is not typed `kb+jwt`.
    BadKbTyp,
    /// The key binding JWT's `iat` is outside the accepted window.
    KbStale,
    /// The key binding JWT's `nonce` is not the one the verifier sent.
    NonceMismatch,
    /// The key binding JWT's `aud` is not this verifier.
    AudMismatch,
    /// The key binding JWT's `sd_hash` does not match the presentation.
    SdHashMismatch,
    /// A claim the verifier requires is absent or was not disclosed.
    MissingClaim,
    /// The credential is revoked.
    Revoked,
    /// The credential is suspended.
    Suspended,
    /// The credential's status could not be obtained.
    StatusUnavailable,
    /// A required authentication factor is missing.
    FactorMissing,
    /// The WebAuthn assertion failed.
    WebauthnFailed,
    /// An avatar link proof is invalid.
    LinkProofInvalid,
    /// A login response names no transaction the verifier knows.
    TransactionUnknown,
    /// A login response came after its transaction expired.
    TransactionExpired,
    /// A login transaction was answered before: the response is a replay.
    Replayed,
}

impl ErrorCode {
    /// Every code, in the order of DESIGN.md.
    pub const ALL: [ErrorCode; 33] = [
        Self::Malformed,
        Self::AlgNotAllowed,
        Self::BadSignature,
        Self::IssuerUnresolvable,
        Self::UntrustedIssuer,
        Self::UnsupportedHashAlg,
        Self::DisclosureShape,
        Self::ReservedClaimName,
        Self::ClaimCollision,
        Self::DuplicateDigest,
        Self::DuplicateDisclosure,
        Self::UnreferencedDisclosure,
        Self::ForbiddenDisclosure,
        Self::Expired,
        Self::NotYetValid,
        Self::KeyBindingRequired,
        Self::NoHolderKey,
        Self::BadKbSignature,
        Self::BadKbTyp,
        Self::KbStale,
        Self::NonceMismatch,
        Self::AudMismatch,
        Self::SdHashMismatch,
        Self::MissingClaim,
        Self::Revoked,
        Self::Suspended,
        Self::StatusUnavailable,
        Self::FactorMissing,
        Self::WebauthnFailed,
        Self::LinkProofInvalid,
        Self::TransactionUnknown,
        Self::TransactionExpired,
        Self::Replayed,
    ];

    /// The code as written in reports, e.g. `duplicate_digest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::AlgNotAllowed => "alg_not_allowed",
            Self::BadSignature => "bad_signature",
            Self::IssuerUnresolvable => "issuer_unresolvable",
            Self::UntrustedIssuer => "untrusted_issuer",
            Self::UnsupportedHashAlg => "unsupported_hash_alg",
            Self::DisclosureShape => "disclosure_shape",
            Self::ReservedClaimName => "reserved_claim_name",
            Self::ClaimCollision => "claim_collision",
            Self::DuplicateDigest => "duplicate_digest",
            Self::DuplicateDisclosure => "duplicate_disclosure",
            Self::UnreferencedDisclosure => "unreferenced_disclosure",
            Self::ForbiddenDisclosure => "forbidden_disclosure",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::KeyBindingRequired => "key_binding_required",
            Self::NoHolderKey => "no_holder_key",
            Self::BadKbSignature => "bad_kb_signature",
            Self::BadKbTyp => "bad_kb_typ",
            Self::KbStale => "kb_stale",
            Self::NonceMismatch => "nonce_mismatch",
            Self::AudMismatch => "aud_mismatch",
            Self::SdHashMismatch => "sd_hash_mismatch",
            Self::MissingClaim => "missing_claim",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
            Self::StatusUnavailable => "status_unavailable",
            Self::FactorMissing => "factor_missing",
            Self::WebauthnFailed => "webauthn_failed",
            Self::LinkProofInvalid => "link_proof_invalid",
            Self::TransactionUnknown => "transaction_unknown",
            Self::TransactionExpired => "transaction_expired",
            Self::Replayed => "replayed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One error of a report: its stable code and a message a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportError {
    /// The stable code, for programs.
    pub code: ErrorCode,
    /// What went wrong and what to do, for people.
    pub message: String,
}

impl ReportError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The report code of each SD-JWT error, kept here rather than in the `sd_jwt` core so that the
/// core imports nothing of the crate.
impl SdJwtError {
    /// The stable report code of this error, as listed in DESIGN.md ("Verification report").
    pub fn code(&self) -> ErrorCode {
        use SdJwtError as E;
        match self {
            E::TooLarge { .. }
            | E::TooManyDisclosures { .. }
            | E::MissingSeparator
            | E::MalformedIssuerJwt
            | E::MalformedKeyBindingJwt
            | E::EmptyDisclosure { .. }
            | E::UnexpectedKeyBindingJwt
            | E::SdNotArrayOfStrings { .. }
            | E::MalformedArrayDigest { .. }
            | E::TooDeep { .. }
            | E::InvalidFrame { .. }
            | E::FrameTypeMismatch { .. }
            | E::InvalidDecoyCount { .. }
            | E::InvalidClaimPath { .. }
            | E::NothingToDisclose { .. } => ErrorCode::Malformed,
            E::MissingKeyBindingJwt => ErrorCode::KeyBindingRequired,
            E::DisclosureTooLarge { .. }
            | E::DisclosureNotBase64url
            | E::DisclosureNotJson
            | E::DisclosureShape { .. }
            | E::SaltNotString
            | E::ClaimNameNotString
            | E::ArrayElementDisclosureInObject { .. }
            | E::PropertyDisclosureInArray { .. } => ErrorCode::DisclosureShape,
            E::ReservedClaimName { .. } | E::MisplacedReservedKey { .. } => {
                ErrorCode::ReservedClaimName
            }
            E::UnsupportedHashAlg { .. } => ErrorCode::UnsupportedHashAlg,
            E::ClaimCollision { .. } => ErrorCode::ClaimCollision,
            E::DuplicateDigest { .. } => ErrorCode::DuplicateDigest,
            E::DuplicateDisclosure { .. } => ErrorCode::DuplicateDisclosure,
            E::UnreferencedDisclosure { .. } => ErrorCode::UnreferencedDisclosure,
            E::ForbiddenDisclosure { .. } => ErrorCode::ForbiddenDisclosure,
            E::FrameClaimMissing { .. } | E::ClaimPathNotFound { .. } => ErrorCode::MissingClaim,
        }
    }
}

impl From<&SdJwtError> for ReportError {
    fn from(error: &SdJwtError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<SdJwtError> for ReportError {
    fn from(error: SdJwtError) -> Self {
        Self::from(&error)
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed; the report's errors say why.
    Failed,
    /// The check did not apply (for example key binding when the policy does not require it).
    Skipped,
}

/// The stable snake_case name of a check, such as `issuer_signature` or `sd_hash`.
///
/// Usually one of the [`checks`] constants, held as a `&'static str`
/// so that recording a check never allocates: a verification records about twenty. A name
/// read back from JSON is owned. It serializes as the plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckName(Cow<'static, str>);

impl CheckName {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for CheckName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&'static str> for CheckName {
    fn from(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }
}

impl From<String> for CheckName {
    fn from(name: String) -> Self {
        Self(Cow::Owned(name))
    }
}

impl PartialEq<str> for CheckName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for CheckName {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A check that a verification ran, so a reader sees what was and was not established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Stable snake_case name of the check, such as `issuer_signature` or `sd_hash`.
    pub name: CheckName,
    /// How it came out.
    pub status: CheckStatus,
}

/// Something worth knowing that does not make the verification fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What to be aware of, for people.
    pub message: String,
}

/// The result of verifying a credential or presentation.
///
/// `verified` is true only when no check failed and no error was recorded, and `claims` is
/// present only then: claims from a rejected presentation are not to be used, so they are not
/// handed out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VerificationReport {
    /// Whether every check passed.
    pub verified: bool,
    /// The processed claims (plain and disclosed) when verified, `null` otherwise.
    pub claims: Option<Map<String, Value>>,
    /// The checks that ran, in order.
    pub checks: Vec<Check>,
    /// Warnings, which do not affect `verified`.
    pub warnings: Vec<Warning>,
    /// Errors, each with its stable code.
    pub errors: Vec<ReportError>,
    /// The measured trust in the issuer (ITU-T XSTR.trust-metaverse §8.6), when the verifier
    /// evaluates trust ([`crate::trust`]); absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustEvaluation>,
    /// What the verification saw on its way, beyond its verdict: the evidence a trust
    /// evaluation starts from. The verifier's own; never serialized.
    #[serde(skip)]
    pub observed: Observed,
}

/// What a verification saw of the credential on its way: times, status list, disclosures.
/// Claim names and counts only, never claim values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// The credential's issuer (`iss`, or `issuer` of a VCDM 2.0 credential), once read.
    pub issuer: Option<String>,
    /// The credential's `iat` (Unix seconds), when it verified.
    pub issued_at: Option<i64>,
    /// The credential's `exp` (Unix seconds), when it verified.
    pub expires_at: Option<i64>,
    /// What became of the status step; `None` when verification stopped before it.
    pub status: Option<StatusEvidence>,
    /// JSON Pointers (RFC 6901) into the verified claims of every claim the holder disclosed,
    /// as the SD-JWT processing found them ([`crate::sd_jwt::ProcessedPayload::disclosed`]).
    pub disclosed: Vec<String>,
    /// How many digests the issuer-signed payload holds at any level (decoys included: a
    /// verifier cannot tell them apart): the claims the holder could have withheld.
    pub selectively_disclosable: usize,
    /// How many claims the issuer made always visible, beyond the registered JWT and SD-JWT
    /// VC claims (`iss`, `iat`, `exp`, `vct`, `cnf`, `status`, …).
    pub always_visible: usize,
}

impl VerificationReport {
    /// An empty, unverified report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that the check `name` passed.
    pub fn pass(&mut self, name: impl Into<CheckName>) {
        self.record(name, CheckStatus::Passed);
    }

    /// Records that the check `name` did not apply.
    pub fn skip(&mut self, name: impl Into<CheckName>) {
        self.record(name, CheckStatus::Skipped);
    }

    /// Records that the check `name` failed, with the error that says why.
    pub fn fail(&mut self, name: impl Into<CheckName>, error: impl Into<ReportError>) {
        self.record(name, CheckStatus::Failed);
        self.errors.push(error.into());
    }

    /// Adds a warning.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(Warning {
            message: message.into(),
        });
    }

    /// Concludes the report: verified if nothing failed, and then carrying `claims`.
    pub fn finish(mut self, claims: Option<Map<String, Value>>) -> Self {
        let any_failed = self
            .checks
            .iter()
            .any(|check| check.status == CheckStatus::Failed);
        self.verified = self.errors.is_empty() && !any_failed && claims.is_some();
        self.claims = if self.verified { claims } else { None };
        self
    }

    /// The codes of the errors, in order.
    pub fn error_codes(&self) -> Vec<ErrorCode> {
        self.errors.iter().map(|error| error.code).collect()
    }

    /// The code of the first error, the one a command-line user is shown first.
    pub fn first_error_code(&self) -> Option<ErrorCode> {
        self.errors.first().map(|error| error.code)
    }

    fn record(&mut self, name: impl Into<CheckName>, status: CheckStatus) {
        self.checks.push(Check {
            name: name.into(),
            status,
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The codes of DESIGN.md ("Verification report"), in its order.
    const DESIGN_CODES: [&str; 33] = [
        "malformed",
        "alg_not_allowed",
        "bad_signature",
        "issuer_unresolvable",
        "untrusted_issuer",
        "unsupported_hash_alg",
        "disclosure_shape",
        "reserved_claim_name",
        "claim_collision",
        "duplicate_digest",
        "duplicate_disclosure",
        "unreferenced_disclosure",
        "forbidden_disclosure",
        "expired",
        "not_yet_valid",
        "key_binding_required",
        "no_holder_key",
        "bad_kb_signature",
        "bad_kb_typ",
        "kb_stale",
        "nonce_mismatch",
        "aud_mismatch",
        "sd_hash_mismatch",
        "missing_claim",
        "revoked",
        "suspended",
        "status_unavailable",
        "factor_missing",
        "webauthn_failed",
        "link_proof_invalid",
        "transaction_unknown",
        "transaction_expired",
        "replayed",
    ];

    #[test]
    fn codes_are_exactly_those_of_the_design() {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(codes, DESIGN_CODES);
        for code in ErrorCode::ALL {
            // serde and as_str agree, both ways.
            assert_eq!(serde_json::to_value(code).unwrap(), json!(code.as_str()));
            assert_eq!(
                serde_json::from_value::<ErrorCode>(json!(code.as_str())).unwrap(),
                code
            );
            assert_eq!(code.to_string(), code.as_str());
        }
    }

    #[test]
    fn rejects_unknown_code() {
        assert!(serde_json::from_value::<ErrorCode>(json!("Malformed")).is_err());
        assert!(serde_json::from_value::<ErrorCode>(json!("teapot")).is_err());
    }

    #[test]
    fn serializes_to_the_documented_shape() {
        let mut report = VerificationReport::new();
        report.pass("issuer_signature");
        report.skip("key_binding");
        report.fail(
            "disclosures",
            SdJwtError::DuplicateDisclosure { position: 2 },
        );
        report.warn("the credential expires in less than a day");
        let report = report.finish(Some(Map::new()));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            json!({
                "verified": false,
                "claims": null,
                "checks": [
                    {"name": "issuer_signature", "status": "passed"},
                    {"name": "key_binding", "status": "skipped"},
                    {"name": "disclosures", "status": "failed"}
                ],
                "warnings": [{"message": "the credential expires in less than a day"}],
                "errors": [{
                    "code": "duplicate_disclosure",
                    "message": SdJwtError::DuplicateDisclosure { position: 2 }.to_string()
                }]
            })
        );
        assert_eq!(
            report.first_error_code(),
            Some(ErrorCode::DuplicateDisclosure)
        );
        let back: VerificationReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn check_names_borrow_constants_and_read_back_owned() {
        let mut report = VerificationReport::new();
        report.pass(checks::SD_HASH);
        let name = &report.checks[0].name;
        assert!(matches!(name.0, Cow::Borrowed(_)), "no copy of a constant");
        assert_eq!(name, "sd_hash");
        assert_eq!(name.to_string(), "sd_hash");
        let back: Check =
            serde_json::from_value(json!({"name": "sd_hash", "status": "passed"})).unwrap();
        assert_eq!(back, report.checks[0]);
        assert_eq!(back.name.as_str(), "sd_hash");
    }

    #[test]
    fn verified_only_without_failures_and_with_claims() {
        let mut report = VerificationReport::new();
        report.pass("issuer_signature");
        let mut claims = Map::new();
        claims.insert("name".into(), json!("Alice"));
        let verified = report.clone().finish(Some(claims.clone()));
        assert!(verified.verified);
        assert_eq!(verified.claims, Some(claims.clone()));
        assert!(!report.clone().finish(None).verified);

        let mut failed = VerificationReport::new();
        failed.fail(
            "sd_hash",
            ReportError::new(ErrorCode::SdHashMismatch, "sd_hash differs"),
        );
        let failed = failed.finish(Some(claims));
        assert!(!failed.verified);
        assert_eq!(
            failed.claims, None,
            "claims of a rejected presentation are withheld"
        );
    }

    #[test]
    fn every_sd_jwt_error_maps_to_a_design_code() {
        let errors = [
            SdJwtError::MissingSeparator,
            SdJwtError::MissingKeyBindingJwt,
            SdJwtError::DisclosureNotJson,
            SdJwtError::ReservedClaimName { name: "_sd".into() },
            SdJwtError::UnsupportedHashAlg { name: "md5".into() },
            SdJwtError::ClaimCollision { path: "/a".into() },
            SdJwtError::DuplicateDigest { path: "".into() },
            SdJwtError::DuplicateDisclosure { position: 1 },
            SdJwtError::UnreferencedDisclosure { position: 1 },
            SdJwtError::ForbiddenDisclosure {
                path: "/iss".into(),
            },
            SdJwtError::ClaimPathNotFound { path: "/x".into() },
        ];
        let codes: Vec<&str> = errors
            .iter()
            .map(|e| ReportError::from(e).code.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "malformed",
                "key_binding_required",
                "disclosure_shape",
                "reserved_claim_name",
                "unsupported_hash_alg",
                "claim_collision",
                "duplicate_digest",
                "duplicate_disclosure",
                "unreferenced_disclosure",
                "forbidden_disclosure",
                "missing_claim"
            ]
        );
    }
}
