//! The status step of verification: the [`StatusCheck`] provider trait behind which the Token
//! Status List and Bitstring Status List clients sit, and how its answer becomes a check.

use async_trait::async_trait;
use serde_json::Value;

use crate::report::checks;
use crate::report::{ErrorCode, ReportError, VerificationReport};

/// The status of a credential, as a status list reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialStatus {
    /// Valid (Token Status List `0x00`, Bitstring Status List bit unset).
    Valid,
    /// Revoked for good (Token Status List `0x01` INVALID, a `revocation` bitstring).
    Revoked,
    /// Suspended, perhaps only for now (Token Status List `0x02`, a `suspension` bitstring).
    Suspended,
    /// Another status value, such as the application-specific `0x03` of a Token Status List.
    Other(u8),
}

/// Looks up the status of a credential from its status reference: the `status` claim of an
/// SD-JWT VC (IETF Token Status List) or the `credentialStatus` of a VCDM 2.0 credential (W3C
/// Bitstring Status List).
///
/// Fetching a status list is I/O, so it sits behind this trait: the verifier stays a pure
/// function of its input, and a cache or a test can answer instead of the network.
#[async_trait]
pub trait StatusCheck: Send + Sync {
    /// The status `status` points at, or why it could not be established (the message goes
    /// into the report, so it must not carry secrets).
    async fn check(&self, status: &Value) -> Result<CredentialStatus, String>;

    /// The status `status` points at, for a credential issued by `issuer` (`iss` of an
    /// SD-JWT VC, `issuer` of a VCDM 2.0 credential, both verified by then). The verifier calls
    /// this one, so that a checker can require the status list to be that issuer's own: a
    /// list anyone may sign is a list anyone may use to revoke, or reinstate, someone else's
    /// credential (Token Status List §11.3). By default the issuer is not used.
    async fn check_for_issuer(
        &self,
        status: &Value,
        issuer: &str,
    ) -> Result<CredentialStatus, String> {
        let _ = issuer;
        self.check(status).await
    }
}

/// Runs the status step, at the verification's `now`, for a credential of `issuer` whose
/// status reference is `status` (if any): the check passes only for [`CredentialStatus::Valid`]. Without a checker the step is
/// skipped and a warning says so (SD-JWT VC §2.4: the status "SHOULD be checked").
pub(crate) async fn check_status(
    status: Option<&Value>,
    issuer: Option<&str>,
    checker: Option<&dyn StatusCheck>,
    // The verification's `now`, for the status list's own validity: the seam the new
    // `status::StatusCheck` (whose `check` takes it) plugs into; the present trait has no
    // time of its own to receive it.
    _now: u64,
    report: &mut VerificationReport,
) -> bool {
    let Some(status) = status else {
        report.skip(checks::STATUS);
        return true;
    };
    let Some(checker) = checker else {
        report.skip(checks::STATUS);
        report.warn(
            "the credential has a status reference but no status check was configured: revocation and suspension were not checked",
        );
        return true;
    };
    let answer = match issuer {
        Some(issuer) => checker.check_for_issuer(status, issuer).await,
        None => checker.check(status).await,
    };
    let error = match answer {
        Ok(CredentialStatus::Valid) => {
            report.pass(checks::STATUS);
            return true;
        }
        Ok(CredentialStatus::Revoked) => {
            ReportError::new(ErrorCode::Revoked, "the issuer has revoked this credential")
        }
        Ok(CredentialStatus::Suspended) => ReportError::new(
            ErrorCode::Suspended,
            "the issuer has suspended this credential; it may be reinstated later",
        ),
        // Fail closed: a status this verifier does not understand is not a valid one.
        Ok(CredentialStatus::Other(value)) => ReportError::new(
            ErrorCode::StatusUnavailable,
            format!(
                "the credential has status {value:#04x}, which this verifier does not understand"
            ),
        ),
        Err(reason) => ReportError::new(
            ErrorCode::StatusUnavailable,
            // The checker's own message, whose untrusted parts it quotes through
            // `did_core::excerpt` (the trait's contract); cutting the whole message to an
            // excerpt would drop the reason.
            format!("the credential's status could not be checked: {reason}"),
        ),
    };
    report.fail(checks::STATUS, error);
    false
}
