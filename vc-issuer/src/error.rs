//! The errors of issuing, holding and presenting a credential, and of asking for a
//! verification the policy cannot express. Verdicts on received input are not errors: they are
//! [`VerificationReport`](crate::report::VerificationReport)s.

use did_core::jose::JoseError;
use did_core::key::KeyType;

use crate::issuer_keys::IssuerKeyError;
use crate::report::{ErrorCode, ReportError};
use crate::sd_jwt::SdJwtError;
use crate::w3c::CredentialError;

/// Why a credential could not be issued, held or presented, or a policy not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SD-JWT layer refused the claims, the frame, a claim path or the compact form.
    #[error(transparent)]
    SdJwt(#[from] SdJwtError),
    /// Signing failed, or a JWS could not be read.
    #[error(transparent)]
    Jose(#[from] JoseError),
    /// The issuer's key could not be found or is not the issuer's.
    #[error(transparent)]
    IssuerKey(#[from] IssuerKeyError),
    /// The claims given to an issuer already hold a claim the issuer sets itself.
    #[error(
        "the claims must not contain `{name}`: the issuer sets it from the credential's own field (SD-JWT VC §2.2.2.3)"
    )]
    RegisteredClaim {
        /// The claim name.
        name: &'static str,
    },
    /// A VCDM 2.0 credential breaks the data model.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// The credential to issue is not well formed.
    #[error("cannot issue this credential: {reason}")]
    InvalidCredential {
        /// What is wrong, in words.
        reason: String,
    },
    /// The holder key cannot sign, so it cannot be proven in a key binding JWT.
    #[error(
        "a {key_type} key cannot sign a key binding JWT; bind the credential to an Ed25519 or P-256 key"
    )]
    HolderKeyCannotSign {
        /// The type of the key given.
        key_type: KeyType,
    },
    /// The credential names no usable holder key in `cnf.jwk`.
    #[error("the credential names no usable holder key: {reason} (RFC 7800 §3.2)")]
    NoHolderKey {
        /// What is wrong, in words.
        reason: String,
    },
    /// The key offered to sign the key binding JWT is not the credential's holder key.
    #[error(
        "this credential is bound to another key than the one offered to sign the key binding JWT; use the key the credential was issued to"
    )]
    HolderKeyMismatch,
    /// A received credential was refused; the report error says why.
    #[error("the credential was refused ({}): {}", .0.code, .0.message)]
    Refused(ReportError),
    /// The verification policy is inconsistent: this is a mistake of the caller, not of the
    /// input, so no report is produced.
    #[error("invalid verification policy: {reason}")]
    InvalidPolicy {
        /// What is wrong and how to fix it.
        reason: &'static str,
    },
}

impl Error {
    /// The report code this error would carry in a verification report, for the errors that
    /// are about a credential rather than about the caller's request.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::SdJwt(error) => Some(error.code()),
            Self::IssuerKey(error) => Some(error.code()),
            Self::Credential(error) => Some(error.code()),
            Self::Refused(error) => Some(error.code),
            Self::NoHolderKey { .. } => Some(ErrorCode::NoHolderKey),
            _ => None,
        }
    }
}

impl From<ReportError> for Error {
    fn from(error: ReportError) -> Self {
        Self::Refused(error)
    }
}
