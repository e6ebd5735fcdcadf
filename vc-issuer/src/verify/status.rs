//! The status step of verification: how the answer of a [`StatusCheck`] becomes the `status`
//! check of the report. Which status means what lives with the status lists
//! ([`StatusValue::verdict`](crate::status::StatusValue::verdict),
//! [`StatusError::code`](crate::status::StatusError::code)); this step only asks, at the
//! policy's `now`, and records.

use serde_json::{Map, Value};

use crate::report::checks;
use crate::report::{ErrorCode, ReportError, VerificationReport};
use crate::status::{ListFreshness, StatusCheck, StatusReference};
use crate::trust::StatusEvidence;

/// Where a credential format keeps its status reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusClaim {
    /// `status` of an SD-JWT VC (SD-JWT VC §2.4), into a Token Status List.
    Token,
    /// `credentialStatus` of a VCDM 2.0 credential (VCDM 2.0 §4.10), into Bitstring Status
    /// Lists.
    Bitstring,
}

impl StatusClaim {
    /// The claim's name.
    fn name(self) -> &'static str {
        match self {
            StatusClaim::Token => "status",
            StatusClaim::Bitstring => "credentialStatus",
        }
    }
}

/// Runs the status step for a credential of `issuer` whose status reference, if any, is the
/// `claim` of `claims`, as of `now` (the policy's clock): the check passes only for a `VALID`
/// status. Without a reference the step is skipped; without a checker it is skipped and a
/// warning says so (SD-JWT VC §2.4: the status "SHOULD be checked").
pub(crate) async fn check_status(
    claims: &Map<String, Value>,
    claim: StatusClaim,
    issuer: Option<&str>,
    checker: Option<&dyn StatusCheck>,
    now: u64,
    report: &mut VerificationReport,
) -> bool {
    let Some(status) = claims.get(claim.name()) else {
        report.observed.status = Some(StatusEvidence::NotReferenced);
        report.skip(checks::STATUS);
        return true;
    };
    let Some(checker) = checker else {
        report.observed.status = Some(StatusEvidence::NotChecked);
        report.skip(checks::STATUS);
        report.warn(
            "the credential has a status reference but no status check was configured: revocation and suspension were not checked",
        );
        return true;
    };
    let verdict = match issuer {
        Some(issuer) => {
            let reference = match claim {
                StatusClaim::Token => StatusReference::Token {
                    claim: status,
                    issuer,
                },
                StatusClaim::Bitstring => StatusReference::Bitstring {
                    credential_status: status,
                    issuer,
                },
            };
            match checker.check_with_freshness(&reference, now).await {
                Ok((value, freshness)) => {
                    report.observed.status = Some(checked(freshness, now));
                    value.verdict()
                }
                Err(error) => Err(ReportError::new(
                    error.code(),
                    format!("the credential's status could not be checked: {error}"),
                )),
            }
        }
        // Only the issuer's own list may speak for its credentials (Token Status List §11.3);
        // with no issuer there is no list to believe.
        None => Err(ReportError::new(
            ErrorCode::StatusUnavailable,
            "the credential names no issuer, so no status list can speak for it",
        )),
    };
    if report.observed.status.is_none() {
        report.observed.status = Some(StatusEvidence::Unavailable);
    }
    match verdict {
        Ok(()) => {
            report.pass(checks::STATUS);
            true
        }
        Err(error) => {
            report.fail(checks::STATUS, error);
            false
        }
    }
}

/// The trust evidence of a status answered from a list as fresh as `freshness` says; a checker
/// that keeps no record answered just now, from a list whose limits it does not say.
fn checked(freshness: Option<ListFreshness>, now: u64) -> StatusEvidence {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    match freshness {
        Some(list) => StatusEvidence::Checked {
            token_issued_at: list.issued_at,
            fetched_at: i64::try_from(list.fetched_at).unwrap_or(now),
            ttl: list.ttl,
            exp: list.exp,
            suspendable: list.suspendable,
        },
        None => StatusEvidence::Checked {
            token_issued_at: None,
            fetched_at: now,
            ttl: None,
            exp: None,
            suspendable: false,
        },
    }
}
