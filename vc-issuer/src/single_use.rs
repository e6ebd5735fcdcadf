//! Single-use records with an expiry: the one storage rule behind the issuer's link nonces, the
//! verifier's login transactions and the pending WebAuthn ceremonies. A record is put once,
//! taken at most once, never handed out after its expiry, and remembered a while after it is
//! used or expired, so that a replay is told apart from a key that was never issued.
//!
//! The store holds bytes under a [`Purpose`] and a key; what the bytes mean and every rule of
//! the protocol stay with the caller, so a database-backed store (the issuer's, the resolver
//! service's) is a table and two queries, not a second copy of the rules. Time is passed in
//! (`now`, Unix seconds), never read, so that tests and replicas agree on it.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use did_core::cache::{CacheLimits, Lifetime, TtlCache};

/// What a single-use record is for: its namespace. Two purposes never share a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// A nonce an issuer handed out for link proofs (`avatar`).
    LinkNonce,
    /// A verifier's login transaction, keyed by its `state` (`openid4vp`).
    LoginTransaction,
    /// A verified login response waiting for its passkey assertion, keyed by its `state`
    /// (`openid4vp`).
    LoginAwaitingPasskey,
    /// A WebAuthn registration the issuer started, keyed by its challenge (`mfa`).
    PasskeyRegistration,
    /// A WebAuthn authentication a verifier started, keyed by its login transaction (`mfa`).
    PasskeyAuthentication,
}

impl Purpose {
    /// Every purpose, in a fixed order.
    pub const ALL: [Purpose; 5] = [
        Purpose::LinkNonce,
        Purpose::LoginTransaction,
        Purpose::LoginAwaitingPasskey,
        Purpose::PasskeyRegistration,
        Purpose::PasskeyAuthentication,
    ];

    /// The stable name of the purpose, as a database stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::LinkNonce => "link_nonce",
            Purpose::LoginTransaction => "login_transaction",
            Purpose::LoginAwaitingPasskey => "login_awaiting_passkey",
            Purpose::PasskeyRegistration => "passkey_registration",
            Purpose::PasskeyAuthentication => "passkey_authentication",
        }
    }

    /// The purpose of a stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|purpose| purpose.as_str() == name)
    }
}

/// What [`SingleUseStore::take`] found under a key: the record's bytes, or what a caller read
/// them into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken<T = Vec<u8>> {
    /// The record, now marked used: it will never be handed out again.
    Fresh(T),
    /// The record was taken before: a replay.
    Used,
    /// The record expired before it was taken; it is now marked used as well.
    Expired,
    /// Nothing was put under this key, or it was forgotten long after its expiry.
    Unknown,
}

impl Taken {
    /// The same finding with a fresh record read by `read`.
    pub fn try_map<T, E>(self, read: impl FnOnce(Vec<u8>) -> Result<T, E>) -> Result<Taken<T>, E> {
        Ok(match self {
            Taken::Fresh(bytes) => Taken::Fresh(read(bytes)?),
            Taken::Used => Taken::Used,
            Taken::Expired => Taken::Expired,
            Taken::Unknown => Taken::Unknown,
        })
    }
}

/// Why a store refused a record or could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SingleUseError {
    /// A record is already kept under this key, used or not: keys must be fresh.
    #[error("a record with this key exists already; keys must be fresh")]
    Duplicate,
    /// The backend failed (a database error, for example), described for the operator
    /// without secrets.
    #[error("the single-use store failed: {reason}")]
    Backend {
        /// What failed.
        reason: String,
    },
}

/// Where single-use records live: in memory for one process ([`InMemorySingleUseStore`]), in
/// a database for several.
#[async_trait]
pub trait SingleUseStore: Send + Sync {
    /// Keeps `value` under (`purpose`, `key`) until `expires_at` (Unix seconds, exclusive).
    /// A key already kept, used or not, is refused with [`SingleUseError::Duplicate`].
    async fn put(
        &self,
        purpose: Purpose,
        key: &str,
        value: Vec<u8>,
        expires_at: u64,
        now: u64,
    ) -> Result<(), SingleUseError>;

    /// Takes the record under (`purpose`, `key`) as it stands at `now`, once: it is marked
    /// used atomically, so of two concurrent takes at most one gets [`Taken::Fresh`].
    async fn take(&self, purpose: Purpose, key: &str, now: u64) -> Result<Taken, SingleUseError>;
}

/// How long a used or expired record is remembered after its expiry, so that a late replay is
/// reported as such: ten minutes.
pub const REMEMBER_SECS: u64 = 600;

/// The bounds of [`InMemorySingleUseStore::default`]: 100 000 records, 64 MiB of values.
pub const DEFAULT_LIMITS: CacheLimits = CacheLimits {
    max_entries: 100_000,
    max_weight: 64 * 1024 * 1024,
};

/// A record as the in-memory store keeps it: its value until it is taken.
struct Record {
    value: Option<Vec<u8>>,
    expires_at: u64,
}

impl Record {
    /// Fresh until the expiry, then remembered for [`REMEMBER_SECS`] only to say "expired" or
    /// "used".
    fn lifetime(&self) -> Lifetime {
        Lifetime {
            fresh_until: self.expires_at,
            keep_until: self.expires_at.saturating_add(REMEMBER_SECS),
        }
    }
}

type Records = TtlCache<(Purpose, String), Record>;

/// A [`SingleUseStore`] in this process's memory, bounded in records and bytes: when full it
/// forgets expired records first, then the oldest pending ones (whose holders must start
/// again).
#[derive(Clone)]
pub struct InMemorySingleUseStore {
    records: Arc<Mutex<Records>>,
}

impl InMemorySingleUseStore {
    /// An empty store bounded by `limits` (the weight of a record is its key and value length).
    pub fn with_limits(limits: CacheLimits) -> Self {
        Self {
            records: Arc::new(Mutex::new(TtlCache::new(limits))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        // Every update is a single insert: a panic elsewhere cannot leave a record half-set.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for InMemorySingleUseStore {
    /// Bounded by [`DEFAULT_LIMITS`].
    fn default() -> Self {
        Self::with_limits(DEFAULT_LIMITS)
    }
}

impl fmt::Debug for InMemorySingleUseStore {
    /// How full the store is; never a key nor a value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemorySingleUseStore")
            .field("records", &self.lock().len())
            .finish()
    }
}

#[async_trait]
impl SingleUseStore for InMemorySingleUseStore {
    async fn put(
        &self,
        purpose: Purpose,
        key: &str,
        value: Vec<u8>,
        expires_at: u64,
        now: u64,
    ) -> Result<(), SingleUseError> {
        let mut records = self.lock();
        let key = (purpose, key.to_owned());
        if records.get(&key, now).is_some() {
            return Err(SingleUseError::Duplicate);
        }
        let weight = value.len().saturating_add(key.1.len());
        let record = Record {
            value: Some(value),
            expires_at,
        };
        let lifetime = record.lifetime();
        records.insert(key, Arc::new(record), weight, lifetime, now);
        Ok(())
    }

    async fn take(&self, purpose: Purpose, key: &str, now: u64) -> Result<Taken, SingleUseError> {
        let mut records = self.lock();
        let key = (purpose, key.to_owned());
        let Some(found) = records.get(&key, now) else {
            return Ok(Taken::Unknown);
        };
        let Some(value) = found.value.value.clone() else {
            return Ok(Taken::Used);
        };
        // Used from now on, and remembered as used as long as the record would have been.
        let used = Record {
            value: None,
            expires_at: found.value.expires_at,
        };
        let lifetime = used.lifetime();
        records.insert(key, Arc::new(used), 0, lifetime, now);
        Ok(if found.fresh {
            Taken::Fresh(value)
        } else {
            Taken::Expired
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn takes_once_then_reports_a_replay() {
        let store = InMemorySingleUseStore::default();
        let purpose = Purpose::LoginTransaction;
        store
            .put(purpose, "s", b"v".to_vec(), 100, 0)
            .await
            .unwrap();
        assert_eq!(
            store.take(purpose, "s", 10).await.unwrap(),
            Taken::Fresh(b"v".to_vec())
        );
        assert_eq!(store.take(purpose, "s", 11).await.unwrap(), Taken::Used);
        assert_eq!(store.take(purpose, "t", 11).await.unwrap(), Taken::Unknown);
    }

    #[tokio::test]
    async fn rejects_expired_record_and_never_revives_it() {
        let store = InMemorySingleUseStore::default();
        let purpose = Purpose::LinkNonce;
        store
            .put(purpose, "n", b"v".to_vec(), 100, 0)
            .await
            .unwrap();
        assert_eq!(store.take(purpose, "n", 100).await.unwrap(), Taken::Expired);
        assert_eq!(store.take(purpose, "n", 50).await.unwrap(), Taken::Used);
        // Long after its expiry it is forgotten.
        let late = 100 + REMEMBER_SECS;
        assert_eq!(
            store.take(purpose, "n", late).await.unwrap(),
            Taken::Unknown
        );
    }

    #[tokio::test]
    async fn rejects_duplicate_key_even_after_use() {
        let store = InMemorySingleUseStore::default();
        let purpose = Purpose::PasskeyAuthentication;
        store.put(purpose, "k", vec![1], 100, 0).await.unwrap();
        assert_eq!(
            store.put(purpose, "k", vec![2], 100, 0).await,
            Err(SingleUseError::Duplicate)
        );
        store.take(purpose, "k", 1).await.unwrap();
        assert_eq!(
            store.put(purpose, "k", vec![3], 200, 2).await,
            Err(SingleUseError::Duplicate),
            "a used key cannot be put again while it is remembered"
        );
    }

    #[tokio::test]
    async fn purposes_do_not_share_keys() {
        let store = InMemorySingleUseStore::default();
        store
            .put(Purpose::PasskeyRegistration, "k", vec![1], 100, 0)
            .await
            .unwrap();
        assert_eq!(
            store
                .take(Purpose::PasskeyAuthentication, "k", 1)
                .await
                .unwrap(),
            Taken::Unknown
        );
    }

    #[tokio::test]
    async fn a_full_store_forgets_the_oldest() {
        let store = InMemorySingleUseStore::with_limits(CacheLimits::entries(2));
        let purpose = Purpose::LinkNonce;
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            store
                .put(purpose, key, vec![], 100, i as u64)
                .await
                .unwrap();
        }
        assert_eq!(store.take(purpose, "a", 5).await.unwrap(), Taken::Unknown);
        assert!(matches!(
            store.take(purpose, "c", 5).await.unwrap(),
            Taken::Fresh(_)
        ));
    }

    #[test]
    fn purpose_names_round_trip() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::from_name(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::from_name("other"), None);
    }
}
