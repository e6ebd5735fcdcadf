//! The issuer's link nonces: handed out before a link is proven, carried in the link
//! statement, and consumed once when the proof is checked, so that a proof cannot be replayed
//! nor made for another issuer.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use rand::RngCore;
use rand::rngs::OsRng;

/// Bytes of randomness in a nonce: 128 bits, beyond guessing.
const NONCE_BYTES: usize = 16;

/// The longest nonce a link statement may carry, in bytes. Nonces of another store may be
/// longer than this one's 22 characters, but not without limit.
pub const MAX_NONCE_LEN: usize = 128;

/// Where an issuer keeps the nonces it handed out until they are used or expire.
///
/// In memory for one process ([`MemoryNonceStore`]); a store shared by several issuer nodes
/// (the issuer's database) implements the same two steps. `consume` must be atomic: of two
/// proofs carrying one nonce, at most one may succeed.
#[async_trait]
pub trait NonceStore: Send + Sync {
    /// A fresh nonce, pending from `now` until the store's lifetime runs out.
    async fn issue(&self, now: u64) -> Result<String, NonceError>;

    /// Marks `nonce` used at `now` if it is pending; otherwise says why it cannot be used.
    async fn consume(&self, nonce: &str, now: u64) -> Result<(), NonceError>;
}

/// Why a nonce was refused or could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NonceError {
    /// This store never issued the nonce, or forgot it long ago: a foreign or invented nonce.
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

/// What the store knows of a nonce.
#[derive(Debug, Clone, Copy)]
struct NonceState {
    used: bool,
    /// When the nonce stops being usable (exclusive), in Unix seconds.
    expires_at: u64,
}

/// A [`NonceStore`] in this process's memory, bounded: when full, the oldest nonces are
/// forgotten first (a proof carrying one is then refused as [`NonceError::Unknown`] and the
/// holder asks again).
///
/// A used or expired nonce is remembered for one more lifetime, so that a replay is reported
/// as such rather than as an unknown nonce.
pub struct MemoryNonceStore {
    nonces: Mutex<TtlCache<String, NonceState>>,
    lifetime: u64,
}

impl MemoryNonceStore {
    /// How long a nonce stays usable by default: five minutes, time for two signatures.
    pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
    /// How many nonces are remembered by default.
    pub const DEFAULT_CAPACITY: usize = 65_536;

    /// A store whose nonces are usable for `lifetime`, remembering at most `capacity` of them.
    pub fn new(lifetime: Duration, capacity: usize) -> Self {
        Self {
            nonces: Mutex::new(TtlCache::new(CacheLimits::entries(capacity))),
            lifetime: lifetime.as_secs(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, TtlCache<String, NonceState>> {
        // A panic while holding the lock cannot leave the cache half-updated in a way that
        // matters here: the worst is one nonce forgotten.
        self.nonces
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn remember(&self, nonce: String, state: NonceState, now: u64) {
        let lifetime = Lifetime {
            fresh_until: state.expires_at,
            keep_until: state.expires_at.saturating_add(self.lifetime),
        };
        self.lock().insert(nonce, Arc::new(state), 1, lifetime, now);
    }
}

impl Default for MemoryNonceStore {
    /// [`DEFAULT_LIFETIME`](Self::DEFAULT_LIFETIME), [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY).
    fn default() -> Self {
        Self::new(Self::DEFAULT_LIFETIME, Self::DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for MemoryNonceStore {
    /// The settings and how full the store is; never a nonce.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryNonceStore")
            .field("lifetime", &self.lifetime)
            .field("remembered", &self.lock().len())
            .finish()
    }
}

#[async_trait]
impl NonceStore for MemoryNonceStore {
    async fn issue(&self, now: u64) -> Result<String, NonceError> {
        let mut bytes = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut bytes);
        let nonce = did_core::base64url::encode(&bytes);
        let state = NonceState {
            used: false,
            expires_at: now.saturating_add(self.lifetime),
        };
        self.remember(nonce.clone(), state, now);
        Ok(nonce)
    }

    async fn consume(&self, nonce: &str, now: u64) -> Result<(), NonceError> {
        let mut nonces = self.lock();
        let Some(found) = nonces.get(nonce, now) else {
            return Err(NonceError::Unknown);
        };
        if found.value.used {
            return Err(NonceError::Used);
        }
        if !found.fresh {
            return Err(NonceError::Expired);
        }
        let used = NonceState {
            used: true,
            ..*found.value
        };
        let lifetime = Lifetime {
            fresh_until: used.expires_at,
            keep_until: used.expires_at.saturating_add(self.lifetime),
        };
        // Under the same lock as the look-up: of two concurrent proofs, one sees `used`.
        nonces.insert(nonce.to_owned(), Arc::new(used), 1, lifetime, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("runtime: {error}"))
    }

    const T: u64 = 1_750_000_000;

    #[test]
    fn a_nonce_is_used_once() {
        let store = MemoryNonceStore::default();
        let nonce = block_on(store.issue(T)).unwrap();
        assert_eq!(nonce.len(), 22);
        assert_eq!(block_on(store.consume(&nonce, T + 1)), Ok(()));
    }

    #[test]
    fn rejects_replayed_nonce() {
        let store = MemoryNonceStore::default();
        let nonce = block_on(store.issue(T)).unwrap();
        block_on(store.consume(&nonce, T + 1)).unwrap();
        assert_eq!(
            block_on(store.consume(&nonce, T + 2)),
            Err(NonceError::Used)
        );
    }

    #[test]
    fn rejects_foreign_nonce() {
        let store = MemoryNonceStore::default();
        let other = MemoryNonceStore::default();
        let nonce = block_on(other.issue(T)).unwrap();
        assert_eq!(
            block_on(store.consume(&nonce, T + 1)),
            Err(NonceError::Unknown)
        );
    }

    #[test]
    fn rejects_expired_nonce() {
        let store = MemoryNonceStore::new(Duration::from_secs(60), 16);
        let nonce = block_on(store.issue(T)).unwrap();
        assert_eq!(
            block_on(store.consume(&nonce, T + 60)),
            Err(NonceError::Expired)
        );
        // Long after, it is forgotten altogether.
        assert_eq!(
            block_on(store.consume(&nonce, T + 120)),
            Err(NonceError::Unknown)
        );
    }

    #[test]
    fn stays_within_its_capacity() {
        let store = MemoryNonceStore::new(Duration::from_secs(60), 2);
        let first = block_on(store.issue(T)).unwrap();
        for _ in 0..2 {
            block_on(store.issue(T)).unwrap();
        }
        assert_eq!(store.lock().len(), 2);
        assert_eq!(
            block_on(store.consume(&first, T + 1)),
            Err(NonceError::Unknown)
        );
    }

    #[test]
    fn debug_shows_no_nonce() {
        let store = MemoryNonceStore::default();
        let nonce = block_on(store.issue(T)).unwrap();
        assert!(!format!("{store:?}").contains(&nonce));
    }
}
