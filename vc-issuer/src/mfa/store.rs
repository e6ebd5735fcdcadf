//! Where the passkey ceremonies keep their state between two HTTP requests: the pending
//! challenges ([`CeremonyStore`], single use, with an expiry) and the signature counter of each
//! credential ([`CounterStore`]), with bounded in-memory defaults.
//!
//! The stores hold bytes and numbers only; every rule (what expires, what a counter may do)
//! lives in the ceremonies that call them, so a database-backed store is a table and a few
//! queries, not a second copy of the rules.

use std::fmt;
use std::sync::{Arc, Mutex};

use did_core::cache::{CacheLimits, Lifetime, TtlCache};

use super::binding::CredentialId;

/// The two ceremonies whose state waits between their start and their finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ceremony {
    /// A WebAuthn registration run by the issuer, keyed by the holder it registers.
    Registration,
    /// A WebAuthn authentication run by a verifier, keyed by its login transaction.
    Authentication,
}

/// What [`CeremonyStore::take`] found under a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// The state, now removed from the store: it will never be handed out again.
    Fresh(Vec<u8>),
    /// A state was kept under this key but its challenge has expired; it is removed as well.
    Expired,
    /// Nothing is kept under this key: never started, already finished, or long expired.
    Unknown,
}

/// A failure of the storage itself (not of the ceremony).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A thread panicked while holding the store's lock; its content can no longer be trusted.
    #[error("the passkey state store is unusable: a writer panicked while holding it")]
    Poisoned,
    /// The backend failed (a database error, for example), described for the operator.
    #[error("the passkey state store failed: {0}")]
    Backend(String),
}

/// Pending ceremony states: put once, taken at most once, and never handed out after their
/// expiry.
///
/// A `take` removes what it finds, fresh or expired, so a challenge answers exactly one finish
/// (WebAuthn Level 3 §13.4.3: a challenge is used once). Putting under a key that is already
/// taken replaces the older state, whose challenge then can no longer be answered.
pub trait CeremonyStore: Send + Sync {
    /// Keeps `state` under (`ceremony`, `id`) until `expires_at` (Unix seconds, exclusive).
    fn put(
        &self,
        ceremony: Ceremony,
        id: &str,
        state: Vec<u8>,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError>;

    /// Removes and returns what is kept under (`ceremony`, `id`), as it stands at `now`.
    fn take(&self, ceremony: Ceremony, id: &str, now: u64) -> Result<Taken, StoreError>;
}

/// The signature counter last accepted for each credential id.
///
/// The store only reads and swaps; the rule that a counter must grow lives in the verifier
/// (see [`PasskeyVerifier`](super::PasskeyVerifier)).
pub trait CounterStore: Send + Sync {
    /// The counter last accepted for `credential_id`, if any was.
    fn get(&self, credential_id: &CredentialId, now: u64) -> Result<Option<u32>, StoreError>;

    /// Sets the counter of `credential_id` to `new` if it is still `expected` (`None`: no
    /// counter kept yet), atomically. Returns whether it was set; `false` means another
    /// assertion of the same credential got in first.
    fn compare_and_set(
        &self,
        credential_id: &CredentialId,
        expected: Option<u32>,
        new: u32,
        now: u64,
    ) -> Result<bool, StoreError>;
}

/// How long an expired ceremony is remembered as expired (rather than unknown), so that a late
/// answer is told that its challenge expired.
const EXPIRED_MEMORY_SECS: u64 = 600;

/// The bounds of [`InMemoryCeremonyStore::new`]: 10 000 pending ceremonies, 16 MiB of state.
pub const DEFAULT_CEREMONY_LIMITS: CacheLimits = CacheLimits {
    max_entries: 10_000,
    max_weight: 16 * 1024 * 1024,
};

/// The bound of [`InMemoryCounterStore::new`]: 100 000 credentials.
pub const DEFAULT_COUNTER_LIMITS: CacheLimits = CacheLimits::entries(100_000);

/// The pending states of [`InMemoryCeremonyStore`], by ceremony and id.
type CeremonyStates = TtlCache<(Ceremony, String), Vec<u8>>;

/// A [`CeremonyStore`] in memory, for one process: bounded in entries and bytes; when full it
/// drops expired ceremonies first, then the oldest pending ones (whose holders must start
/// again).
#[derive(Clone)]
pub struct InMemoryCeremonyStore {
    states: Arc<Mutex<CeremonyStates>>,
}

impl InMemoryCeremonyStore {
    /// An empty store bounded by [`DEFAULT_CEREMONY_LIMITS`].
    pub fn new() -> Self {
        Self::with_limits(DEFAULT_CEREMONY_LIMITS)
    }

    /// An empty store bounded by `limits` (the weight of a state is its length in bytes).
    pub fn with_limits(limits: CacheLimits) -> Self {
        Self {
            states: Arc::new(Mutex::new(TtlCache::new(limits))),
        }
    }
}

impl Default for InMemoryCeremonyStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryCeremonyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryCeremonyStore")
            .finish_non_exhaustive()
    }
}

impl CeremonyStore for InMemoryCeremonyStore {
    fn put(
        &self,
        ceremony: Ceremony,
        id: &str,
        state: Vec<u8>,
        expires_at: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut states = self.states.lock().map_err(|_| StoreError::Poisoned)?;
        let weight = state.len().saturating_add(id.len());
        // Fresh until the expiry, then kept (stale) a while only to say "expired".
        let lifetime = Lifetime {
            fresh_until: expires_at,
            keep_until: expires_at.saturating_add(EXPIRED_MEMORY_SECS),
        };
        states.insert(
            (ceremony, id.to_owned()),
            Arc::new(state),
            weight,
            lifetime,
            now,
        );
        Ok(())
    }

    fn take(&self, ceremony: Ceremony, id: &str, now: u64) -> Result<Taken, StoreError> {
        let mut states = self.states.lock().map_err(|_| StoreError::Poisoned)?;
        let key = (ceremony, id.to_owned());
        let Some(found) = states.get(&key, now) else {
            return Ok(Taken::Unknown);
        };
        states.remove(&key);
        if !found.fresh {
            return Ok(Taken::Expired);
        }
        Ok(Taken::Fresh(
            Arc::try_unwrap(found.value).unwrap_or_else(|shared| shared.as_ref().clone()),
        ))
    }
}

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

impl CounterStore for InMemoryCounterStore {
    fn get(&self, credential_id: &CredentialId, now: u64) -> Result<Option<u32>, StoreError> {
        let mut counters = self.counters.lock().map_err(|_| StoreError::Poisoned)?;
        Ok(counters
            .get_fresh(credential_id.as_bytes(), now)
            .map(|counter| *counter))
    }

    fn compare_and_set(
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

    #[test]
    fn a_ceremony_is_taken_once() {
        let store = InMemoryCeremonyStore::new();
        store
            .put(Ceremony::Authentication, "t1", b"state".to_vec(), 120, 0)
            .unwrap();
        assert_eq!(
            store.take(Ceremony::Authentication, "t1", 10).unwrap(),
            Taken::Fresh(b"state".to_vec())
        );
        assert_eq!(
            store.take(Ceremony::Authentication, "t1", 10).unwrap(),
            Taken::Unknown
        );
    }

    #[test]
    fn a_ceremony_expires_at_its_expiry() {
        let store = InMemoryCeremonyStore::new();
        store
            .put(Ceremony::Registration, "h", b"s".to_vec(), 120, 0)
            .unwrap();
        assert_eq!(
            store.take(Ceremony::Registration, "h", 120).unwrap(),
            Taken::Expired
        );
        // Told once; then it is gone.
        assert_eq!(
            store.take(Ceremony::Registration, "h", 121).unwrap(),
            Taken::Unknown
        );
    }

    #[test]
    fn ceremonies_of_two_kinds_do_not_share_keys() {
        let store = InMemoryCeremonyStore::new();
        store
            .put(Ceremony::Registration, "same", b"r".to_vec(), 120, 0)
            .unwrap();
        assert_eq!(
            store.take(Ceremony::Authentication, "same", 1).unwrap(),
            Taken::Unknown
        );
        assert_eq!(
            store.take(Ceremony::Registration, "same", 1).unwrap(),
            Taken::Fresh(b"r".to_vec())
        );
    }

    #[test]
    fn a_full_ceremony_store_drops_the_oldest() {
        let store = InMemoryCeremonyStore::with_limits(CacheLimits::entries(2));
        for name in ["a", "b", "c"] {
            store
                .put(Ceremony::Authentication, name, b"s".to_vec(), 120, 0)
                .unwrap();
        }
        assert_eq!(
            store.take(Ceremony::Authentication, "a", 1).unwrap(),
            Taken::Unknown
        );
        assert!(matches!(
            store.take(Ceremony::Authentication, "c", 1).unwrap(),
            Taken::Fresh(_)
        ));
    }

    #[test]
    fn compare_and_set_refuses_a_stale_expectation() {
        let store = InMemoryCounterStore::new();
        let credential = id(b"cred");
        assert_eq!(store.get(&credential, 0).unwrap(), None);
        assert!(store.compare_and_set(&credential, None, 3, 0).unwrap());
        assert!(!store.compare_and_set(&credential, None, 4, 0).unwrap());
        assert!(!store.compare_and_set(&credential, Some(2), 4, 0).unwrap());
        assert!(store.compare_and_set(&credential, Some(3), 4, 0).unwrap());
        assert_eq!(store.get(&credential, 0).unwrap(), Some(4));
    }

    #[test]
    fn counters_are_kept_per_credential() {
        let store = InMemoryCounterStore::new();
        assert!(store.compare_and_set(&id(b"one"), None, 7, 0).unwrap());
        assert_eq!(store.get(&id(b"two"), 0).unwrap(), None);
        assert_eq!(store.get(&id(b"one"), u64::MAX - 1).unwrap(), Some(7));
    }
}
