//! The issuer's link nonces: handed out before a link is proven, carried in the link
//! statement, and consumed once when the proof is checked, so that a proof cannot be replayed
//! nor made for another issuer.

use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use rand::rngs::OsRng;

use crate::single_use::{InMemorySingleUseStore, Purpose, SingleUseError, SingleUseStore, Taken};

/// Bytes of randomness in a nonce: 128 bits, beyond guessing.
const NONCE_BYTES: usize = 16;

/// The longest nonce a link statement may carry, in bytes. Nonces of another store may be
/// longer than this one's 22 characters, but not without limit.
pub const MAX_NONCE_LEN: usize = 128;

/// Why a nonce was refused or could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NonceError {
    /// This issuer never issued the nonce, or forgot it long ago: a foreign or invented nonce.
    #[error(
        "the nonce was not issued by this issuer (or expired long ago); ask the issuer for a new one"
    )]
    Unknown,
    /// The nonce was already consumed by an earlier proof: a replay.
    #[error("the nonce was already used by an earlier link proof; ask the issuer for a new one")]
    Used,
    /// The nonce was issued but its time ran out before the proof arrived.
    #[error("the nonce expired before the link proof arrived; ask the issuer for a new one")]
    Expired,
    /// The store could not answer.
    #[error("the nonce store is unavailable: {reason}")]
    Unavailable {
        /// Why, without secrets.
        reason: String,
    },
}

impl From<SingleUseError> for NonceError {
    fn from(error: SingleUseError) -> Self {
        NonceError::Unavailable {
            reason: error.to_string(),
        }
    }
}

/// The issuer's link nonces, kept as [`Purpose::LinkNonce`] records of a [`SingleUseStore`]:
/// in memory for one process, in the issuer's database for several nodes. Of two proofs
/// carrying one nonce, at most one is accepted.
#[derive(Clone)]
pub struct LinkNonces {
    store: Arc<dyn SingleUseStore>,
    lifetime: u64,
}

impl LinkNonces {
    /// How long a nonce stays usable by default: five minutes, time for two signatures.
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

    /// Nonces kept in `store`, usable for `lifetime`.
    pub fn new(store: Arc<dyn SingleUseStore>, lifetime: Duration) -> Self {
        Self {
            store,
            lifetime: lifetime.as_secs(),
        }
    }

    /// Nonces kept in this process's memory, usable for
    /// [`DEFAULT_LIFETIME`](Self::DEFAULT_LIFETIME).
    pub fn in_memory() -> Self {
        Self::new(
            Arc::new(InMemorySingleUseStore::default()),
            Self::DEFAULT_LIFETIME,
        )
    }

    /// A fresh nonce, pending from `now` until its lifetime runs out.
    pub async fn issue(&self, now: u64) -> Result<String, NonceError> {
        let mut bytes = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut bytes);
        let nonce = did_core::base64url::encode(&bytes);
        let expires_at = now.saturating_add(self.lifetime);
        self.store
            .put(Purpose::LinkNonce, &nonce, Vec::new(), expires_at, now)
            .await?;
        Ok(nonce)
    }

    /// Marks `nonce` used at `now` if it is pending; otherwise says why it cannot be used.
    pub async fn consume(&self, nonce: &str, now: u64) -> Result<(), NonceError> {
        match self.store.take(Purpose::LinkNonce, nonce, now).await? {
            Taken::Fresh(_) => Ok(()),
            Taken::Used => Err(NonceError::Used),
            Taken::Expired => Err(NonceError::Expired),
            Taken::Unknown => Err(NonceError::Unknown),
        }
    }
}

impl std::fmt::Debug for LinkNonces {
    /// The lifetime; never a nonce.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkNonces")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_750_000_000;

    #[tokio::test]
    async fn a_nonce_is_used_once() {
        let store = LinkNonces::in_memory();
        let nonce = store.issue(T).await.unwrap();
        assert_eq!(nonce.len(), 22);
        assert_eq!(store.consume(&nonce, T + 1).await, Ok(()));
    }

    #[tokio::test]
    async fn rejects_replayed_nonce() {
        let store = LinkNonces::in_memory();
        let nonce = store.issue(T).await.unwrap();
        store.consume(&nonce, T + 1).await.unwrap();
        assert_eq!(store.consume(&nonce, T + 2).await, Err(NonceError::Used));
    }

    #[tokio::test]
    async fn rejects_foreign_nonce() {
        let store = LinkNonces::in_memory();
        let other = LinkNonces::in_memory();
        let nonce = other.issue(T).await.unwrap();
        assert_eq!(store.consume(&nonce, T + 1).await, Err(NonceError::Unknown));
    }

    #[tokio::test]
    async fn rejects_expired_nonce() {
        let store = LinkNonces::new(
            Arc::new(InMemorySingleUseStore::default()),
            Duration::from_secs(60),
        );
        let nonce = store.issue(T).await.unwrap();
        assert_eq!(
            store.consume(&nonce, T + 60).await,
            Err(NonceError::Expired)
        );
        assert_eq!(
            store.consume(&nonce, T + 61).await,
            Err(NonceError::Used),
            "an expired nonce is spent"
        );
    }

    #[tokio::test]
    async fn debug_shows_no_nonce() {
        let store = LinkNonces::in_memory();
        let nonce = store.issue(T).await.unwrap();
        assert!(!format!("{store:?}").contains(&nonce));
    }
}
