//! The errors of building, checking and answering an OpenID4VP request. Verdicts on a
//! received Authorization Response are not errors: they are the report of a
//! [`LoginResult`](super::LoginResult).

use did_core::jose::JoseError;

use super::dcql::DcqlError;
use crate::single_use::SingleUseError;

/// Why an Authorization Request could not be built or was refused by the wallet, or why the
/// wallet could not answer it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Openid4vpError {
    /// The `client_id` has no Client Identifier Prefix this implementation supports
    /// (OpenID4VP 1.0 §5.9.1: the wallet "may refuse the request").
    #[error(
        "the client_id `{client_id}` has no supported Client Identifier Prefix; avid speaks `redirect_uri:` and `decentralized_identifier:` (OpenID4VP 1.0 §5.9)"
    )]
    UnsupportedClientIdPrefix {
        /// The `client_id`, shortened.
        client_id: String,
    },
    /// The `client_id` does not belong to its prefix (§5.9.3).
    #[error("the client_id is invalid: {reason}")]
    InvalidClientId {
        /// What is wrong.
        reason: String,
    },
    /// The request breaks a rule of OpenID4VP 1.0 (an `invalid_request` of §8.5).
    #[error("invalid Authorization Request: {reason}")]
    InvalidRequest {
        /// What is wrong, with the section that says so.
        reason: String,
    },
    /// The Request Object is not typed `oauth-authz-req+jwt` (§5, RFC 9101 §10.8).
    #[error(
        "the Request Object is typed {typ}, not `oauth-authz-req+jwt`; wallets must not process it (OpenID4VP 1.0 §5)"
    )]
    RequestObjectType {
        /// The `typ` found, shortened and quoted, or `(none)`.
        typ: String,
    },
    /// The Request Object's key is not one of the client's DID (§5.9.3).
    #[error("the Request Object's key is not the verifier's: {reason}")]
    RequestObjectKey {
        /// What is wrong.
        reason: String,
    },
    /// The Request Object's signature does not verify with the client's key.
    #[error(
        "the Request Object's signature does not verify with the key its `kid` names in the verifier's DID document: it was forged or altered"
    )]
    RequestObjectSignature,
    /// The DCQL query is malformed or cannot be answered.
    #[error(transparent)]
    Dcql(#[from] DcqlError),
    /// The holder's key signs with no algorithm the verifier accepts for key binding JWTs.
    #[error(
        "the verifier accepts key binding JWTs signed with {accepted}, and the holder's key signs none of them (OpenID4VP 1.0 §B.3.4)"
    )]
    NoCommonAlgorithm {
        /// The verifier's `kb-jwt_alg_values`.
        accepted: String,
    },
    /// A credential could not be presented.
    #[error(transparent)]
    Credential(#[from] crate::error::Error),
    /// Signing the Request Object failed.
    #[error(transparent)]
    Jose(#[from] JoseError),
    /// The store of transactions refused one or failed (a duplicate `state` among them).
    #[error(transparent)]
    Store(#[from] SingleUseError),
}

impl Openid4vpError {
    /// An `invalid_request` with `reason`.
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            reason: reason.into(),
        }
    }
}
