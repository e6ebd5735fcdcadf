//! The signature counter of each passkey credential ([`CounterStore`]), with a bounded
//! in-memory default. The pending challenges of the ceremonies are single-use records
//! ([`crate::single_use`]).
//!
//! The store only reads and swaps numbers; the rule that a counter must grow lives in the
//! verifier, so a database-backed store is a table and two queries, not a second copy of it.

use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use did_core::cache::{CacheLimits, Lifetime, TtlCache};

use super::binding::CredentialId;

/// A failure of the storage itself (not of the ceremony).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A thread panicked while holding the store's lock; its content can no longer be trusted.
    #[error("the passkey counter store is unusable: a writer panicked while holding it")]
    Poisoned,
    /// The backend failed (a database error, for example), described for the operator.
    #[error("the passkey state store failed: {0}")]
    Backend(String),
}

impl From<crate::single_use::SingleUseError> for StoreError {
    fn from(error: crate::single_use::SingleUseError) -> Self {
        StoreError::Backend(error.to_string())
    }
}

/// The signature counter last accepted for each credential id.
///
/// The store only reads and swaps; the rule that a counter must grow lives in the verifier
/// (see [`PasskeyVerifier`](super::PasskeyVerifier)).
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// The counter last accepted for `credential_id`, if any was.
    async fn get(&self, credential_id: &CredentialId, now: u64) -> Result<Option<u32>, StoreError>;

    /// Sets the counter of `credential_id` to `new` if it is still `expected` (`None`: no
    /// counter kept yet), atomically. Returns whether it was set; `false` means another
    /// assertion of the same credential got in first.
    async fn compare_and_set(
        &self,
        credential_id: &CredentialId,
        expected: Option<u32>,
        new: u32,
        now: u64,
    ) -> Result<bool, StoreError>;
}

/// The bound of [`InMemoryCounterStore::new`]: 100 000 credentials.
pub const DEFAULT_COUNTER_LIMITS: CacheLimits = CacheLimits::entries(100_000);

/// A [`CounterStore`] in memory, for one process: bounded in entries; when full it forgets the
/// credential updated longest ago (its next assertion is then accepted with any counter).
#[derive(Clone)]
pub struct InMemoryCounterStore {
    counters: Arc<Mutex<TtlCache<Vec<u8>, u32>>>,
}

impl InMemoryCounterStore {
    /// An empty store bounded by [`DEFAULT_COUNTER_LIMITS`].
    pub fn new() -> Self {
        Self::with_limits(DEFAULT_COUNTER_LIMITS)
    }

    /// An empty store bounded by `limits`.
    pub fn with_limits(limits: CacheLimits) -> Self {
        Self {
            counters: Arc::new(Mutex::new(TtlCache::new(limits))),
        }
    }
}

impl Default for InMemoryCounterStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryCounterStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryCounterStore")
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl CounterStore for InMemoryCounterStore {
    async fn get(&self, credential_id: &CredentialId, now: u64) -> Result<Option<u32>, StoreError> {
        let mut counters = self.counters.lock().map_err(|_| StoreError::Poisoned)?;
        Ok(counters
            .get_fresh(credential_id.as_bytes(), now)
            .map(|counter| *counter))
    }

    async fn compare_and_set(
        &self,
        credential_id: &CredentialId,
        expected: Option<u32>,
        new: u32,
        now: u64,
    ) -> Result<bool, StoreError> {
        let mut counters = self.counters.lock().map_err(|_| StoreError::Poisoned)?;
        let current = counters
            .get_fresh(credential_id.as_bytes(), now)
            .map(|counter| *counter);
        if current != expected {
            return Ok(false);
        }
        // A counter never expires; it only gives way to the bound.
        counters.insert(
            credential_id.as_bytes().to_vec(),
            Arc::new(new),
            1,
            Lifetime::until(u64::MAX),
            now,
        );
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(bytes: &[u8]) -> CredentialId {
        CredentialId::new(bytes.to_vec()).expect("a valid credential id")
    }

    #[tokio::test]
    async fn compare_and_set_refuses_a_stale_expectation() {
        let store = InMemoryCounterStore::new();
        let credential = id(b"cred");
        assert_eq!(store.get(&credential, 0).await.unwrap(), None);
        assert!(
            store
                .compare_and_set(&credential, None, 3, 0)
                .await
                .unwrap()
        );
        assert!(
            !store
                .compare_and_set(&credential, None, 4, 0)
                .await
                .unwrap()
        );
        assert!(
            !store
                .compare_and_set(&credential, Some(2), 4, 0)
                .await
                .unwrap()
        );
        assert!(
            store
                .compare_and_set(&credential, Some(3), 4, 0)
                .await
                .unwrap()
        );
        assert_eq!(store.get(&credential, 0).await.unwrap(), Some(4));
    }

    #[tokio::test]
    async fn counters_are_kept_per_credential() {
        let store = InMemoryCounterStore::new();
        assert!(
            store
                .compare_and_set(&id(b"one"), None, 7, 0)
                .await
                .unwrap()
        );
        assert_eq!(store.get(&id(b"two"), 0).await.unwrap(), None);
        assert_eq!(store.get(&id(b"one"), u64::MAX - 1).await.unwrap(), Some(7));
    }
}
