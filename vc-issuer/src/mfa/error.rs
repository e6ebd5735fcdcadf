//! The errors of the passkey factor and their report codes: `factor_missing` when the factor
//! was required and not offered, `malformed` when what was offered does not parse, and
//! `webauthn_failed` for every ceremony that does not verify.

use webauthn_rs::prelude::WebauthnError;

use super::binding::BindingError;
use super::store::StoreError;
use crate::report::{ErrorCode, ReportError};
use crate::single_use::SingleUseError;

/// Why a passkey registration or authentication failed.
///
/// No message carries a credential id, a challenge or a holder id: they identify a person and
/// reports end up in logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PasskeyError {
    /// The verifier requires the passkey factor and the presentation did not disclose the
    /// `passkey` claim.
    #[error("the passkey factor is required and the `passkey` claim was not disclosed")]
    ClaimNotDisclosed,
    /// The verifier requires the passkey factor and no WebAuthn assertion was sent.
    #[error("the passkey factor is required and no WebAuthn assertion was sent")]
    NoAssertion,
    /// The `passkey` claim, or a relying party setting, is not valid.
    #[error(transparent)]
    Binding(#[from] BindingError),
    /// The WebAuthn response is not the JSON of a `PublicKeyCredential`.
    #[error("the WebAuthn response is not a valid PublicKeyCredential: {0}")]
    MalformedResponse(String),
    /// A holder id or transaction id is empty or too long to key a ceremony by.
    #[error("a ceremony id must be 1 to {max} bytes long, got {got}")]
    CeremonyIdLength {
        /// The longest id accepted.
        max: usize,
        /// The length that was given.
        got: usize,
    },
    /// No challenge is pending for this holder or transaction: it was never started, it was
    /// already answered (a replay), or it expired long ago.
    #[error("no WebAuthn challenge is pending for this ceremony: never started, or already used")]
    NoPendingChallenge,
    /// A WebAuthn challenge was already issued for this login transaction: one transaction
    /// gets one challenge.
    #[error(
        "a WebAuthn challenge was already issued for this login transaction; start a new login"
    )]
    ChallengeAlreadyIssued,
    /// The challenge was not answered in time (WebAuthn Level 3 §13.4.3).
    #[error("the WebAuthn challenge has expired; start the ceremony again")]
    ChallengeExpired,
    /// `webauthn-rs` refused the ceremony: signature, challenge, origin, RP ID hash, user
    /// verification, credential id, or the shape of the response.
    #[error("WebAuthn verification failed: {0}")]
    Webauthn(#[from] WebauthnError),
    /// The authenticator's signature counter did not grow although it or the kept one is
    /// non-zero: two copies of the credential's key may be in use (WebAuthn Level 3 §6.1.1).
    #[error(
        "the authenticator's signature counter did not increase ({received} after {stored}): the passkey may be cloned"
    )]
    CounterNotIncreasing {
        /// The counter kept from the last accepted assertion.
        stored: u32,
        /// The counter in this assertion.
        received: u32,
    },
    /// Other assertions of the same credential kept winning the race to update its counter.
    #[error("the passkey's signature counter is being updated concurrently; try again")]
    CounterContended,
    /// A ceremony state could not be written or read back.
    #[error("a WebAuthn ceremony state could not be stored or read back")]
    State,
    /// The counter store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store of pending challenges failed.
    #[error(transparent)]
    PendingStore(#[from] SingleUseError),
}

impl PasskeyError {
    /// The report code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::ClaimNotDisclosed | Self::NoAssertion => ErrorCode::FactorMissing,
            Self::Binding(_) | Self::MalformedResponse(_) | Self::CeremonyIdLength { .. } => {
                ErrorCode::Malformed
            }
            Self::NoPendingChallenge
            | Self::ChallengeAlreadyIssued
            | Self::ChallengeExpired
            | Self::Webauthn(_)
            | Self::CounterNotIncreasing { .. }
            | Self::CounterContended
            | Self::State
            | Self::Store(_)
            | Self::PendingStore(_) => ErrorCode::WebauthnFailed,
        }
    }
}

impl From<&PasskeyError> for ReportError {
    fn from(error: &PasskeyError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<PasskeyError> for ReportError {
    fn from(error: PasskeyError) -> Self {
        Self::from(&error)
    }
}
