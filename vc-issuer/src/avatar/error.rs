//! Why an avatar link could not be made or an avatar-link credential not issued.
//!
//! Messages name claims, positions and limits, never a holder's DID nor a claim value: an
//! issuer's log is no place for them (DESIGN, "Privacy").

use did_core::jose::JoseError;

use super::link::LinkProofError;
use super::nonce::NonceError;
use crate::error::Error;
use crate::report::ErrorCode;

/// An error of the [`avatar`](super) module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AvatarError {
    /// A link proof was refused.
    #[error(transparent)]
    LinkProof(#[from] LinkProofError),
    /// The issuer's nonce store could not hand out a nonce.
    #[error(transparent)]
    Nonce(#[from] NonceError),
    /// A platform name is not spelled as [`Platform`](super::Platform) requires.
    #[error(
        "`{name}` is not a platform name: use 1 to 64 lowercase ASCII letters, digits, `.`, `-` or `_`, starting with a letter or digit"
    )]
    InvalidPlatform {
        /// The name given, shortened.
        name: String,
    },
    /// The `kid` offered to sign a link statement names no key of the statement's parties.
    #[error("cannot sign the link statement: {reason}")]
    InvalidKid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A claim of the credential is not acceptable.
    #[error("the claim `{name}` cannot be issued: {reason}")]
    InvalidClaim {
        /// The claim name (shortened if it came from the caller).
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An avatar-link credential links at least one avatar.
    #[error("an avatar-link credential needs at least one avatar with a verified link proof")]
    NoAvatar,
    /// More avatars than the bound the array is padded to.
    #[error(
        "{count} avatars do not fit an avatars array of {bound} entries; raise the bound (at most {max}) or issue fewer avatars"
    )]
    TooManyAvatars {
        /// How many avatars were given.
        count: usize,
        /// The bound of the array.
        bound: usize,
        /// The largest bound accepted.
        max: usize,
    },
    /// The bound of the avatars array is out of range.
    #[error("the avatars array must have between 1 and {max} entries, not {bound}")]
    InvalidAvatarBound {
        /// The bound asked for.
        bound: usize,
        /// The largest bound accepted.
        max: usize,
    },
    /// An avatar's link proof links it to another holder than the credential's.
    #[error(
        "avatar {position} was linked to another holder than this credential's; verify its link proof for this holder"
    )]
    AvatarOfAnotherHolder {
        /// The avatar's position among those given, from 1.
        position: usize,
    },
    /// The same avatar DID was given twice.
    #[error("avatar {position} is the same avatar DID as an earlier one")]
    DuplicateAvatar {
        /// The repeated avatar's position among those given, from 1.
        position: usize,
    },
    /// Two copies of a batch would share something a verifier sees, so two worlds could link
    /// them.
    #[error("the copies of a batch would be linkable: {reason}")]
    LinkableCopies {
        /// What they would share.
        reason: &'static str,
    },
    /// Signing a link statement failed.
    #[error(transparent)]
    Jose(#[from] JoseError),
    /// The SD-JWT VC layer refused to issue.
    #[error(transparent)]
    Issue(#[from] Error),
}

impl AvatarError {
    /// The report code of errors that are verdicts on received input: `link_proof_invalid`
    /// for a refused link proof, the SD-JWT layer's code where it has one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::LinkProof(_) => Some(ErrorCode::LinkProofInvalid),
            Self::Issue(error) => error.code(),
            _ => None,
        }
    }
}
