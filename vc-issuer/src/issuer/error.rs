//! The errors of the issuer store: a database that fails, a request the store refuses, a status
//! change the rules forbid, and stored data that breaks the store's own invariants.

use did_core::excerpt::excerpt;

use crate::status::{StatusError, StatusValue};

/// Why the issuer store could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed or could not be reached.
    #[error("the issuer store's database failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("the issuer store's schema could not be migrated: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database URL names a backend other than SQLite and PostgreSQL.
    #[error("the issuer store supports `sqlite:` and `postgres:` URLs, not `{0}`")]
    UnsupportedDatabase(String),
    /// The store's configuration cannot work (a list size of zero, a base URI that is not one).
    #[error("the issuer store's configuration is invalid: {0}")]
    InvalidConfig(String),
    /// A request the store refuses before touching the database.
    #[error("invalid request to the issuer store: {0}")]
    InvalidRequest(String),
    /// No credential with this id was ever registered.
    #[error("no credential `{0}` is registered")]
    UnknownCredential(String),
    /// No status list with this number exists.
    #[error("no status list number {0} exists")]
    UnknownStatusList(u64),
    /// The status change is not allowed from the credential's current status: revocation is
    /// final, only a suspended credential can be reinstated, and a credential is not suspended
    /// or revoked twice.
    #[error("credential `{id}` is {from}; it cannot become {to}")]
    ForbiddenTransition {
        /// The credential.
        id: String,
        /// Its status now.
        from: StatusValue,
        /// The status asked for.
        to: StatusValue,
    },
    /// A copy of the credential sits in a list of one bit per status, which cannot say
    /// `SUSPENDED` (Token Status List §4.1).
    #[error("credential `{0}` sits in a one-bit status list, which cannot express suspension")]
    SuspensionUnsupported(String),
    /// The Status List Token could not be built or signed.
    #[error("the status list token could not be produced: {0}")]
    StatusList(#[from] StatusError),
    /// What the database holds breaks the store's invariants: a value out of range, an unknown
    /// log kind, a malformed JSON column. The store may have been edited by hand.
    #[error("the issuer store holds inconsistent data: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn unknown_credential(id: &str) -> StoreError {
        StoreError::UnknownCredential(excerpt(id))
    }
}

/// Why [`IssuerStore::issue`](super::IssuerStore::issue) failed: the store, or the signer the
/// caller passed in. Either way nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum IssueError<E> {
    /// The store failed or refused the request.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The caller's signing step failed; the transaction was rolled back.
    #[error("signing the credential failed: {0}")]
    Sign(E),
}
