//! The verifier's login transactions: what it must remember between its request and the
//! wallet's response (the nonce, the Client Identifier, the query, whether the passkey factor
//! is required), behind [`TransactionStore`] so that a service can keep them in a database.
//! A transaction is taken once and expires; a taken one is remembered until it expires, so a
//! replay is told from an unknown `state`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::dcql::DcqlQuery;

/// One login transaction, keyed by its `state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The request's `state`: the key the response comes back with.
    pub state: String,
    /// The request's `nonce`, which every key binding JWT must carry.
    pub nonce: String,
    /// The whole `client_id`, prefix included: every key binding JWT's `aud`.
    pub client_id: String,
    /// The DCQL query the response must satisfy.
    pub dcql_query: DcqlQuery,
    /// The platform whose avatar the login is for.
    pub avatar_platform: String,
    /// Whether the login needs the passkey factor on top of the holder key: the seam of the
    /// WebAuthn step (DESIGN "Two-factor avatar login", steps 3–4).
    pub requires_passkey: bool,
    /// When the transaction expires, in Unix seconds.
    pub expires_at: u64,
}

/// What taking a transaction found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// The transaction, now marked used.
    Fresh(Transaction),
    /// The transaction was taken before: a replay.
    Used,
    /// The transaction expired before it was taken.
    Expired,
    /// No transaction has this `state`.
    Unknown,
}

/// Why a store refused to keep a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionStoreError {
    /// A transaction with this `state` exists already.
    #[error(
        "a transaction with this state exists already; states must be fresh (OpenID4VP 1.0 §5.3)"
    )]
    DuplicateState,
    /// The store is full of live transactions.
    #[error(
        "the transaction store holds {max} live transactions and takes no more; try again shortly"
    )]
    Full {
        /// The bound.
        max: usize,
    },
    /// The backing store failed.
    #[error("the transaction store failed: {reason}")]
    Backend {
        /// What failed.
        reason: String,
    },
}

/// Where a verifier keeps its login transactions: single use, with expiry. Time is passed in
/// (`now`, Unix seconds), never read, so that tests and replicas agree on it.
#[async_trait]
pub trait TransactionStore: Send + Sync {
    /// Keeps `transaction` until it expires.
    async fn put(&self, transaction: Transaction, now: u64) -> Result<(), TransactionStoreError>;

    /// Takes the transaction of `state`, once: it is marked used atomically, so two
    /// concurrent responses cannot both take it.
    async fn take(&self, state: &str, now: u64) -> Result<Taken, TransactionStoreError>;
}

/// The in-memory [`TransactionStore`] of a single verifier process, bounded.
pub struct InMemoryTransactionStore {
    max_entries: usize,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    transaction: Option<Transaction>,
    expires_at: u64,
}

impl InMemoryTransactionStore {
    /// A store keeping at most `max_entries` transactions, used or not, until they expire.
    pub fn new(max_entries: usize) -> Self {
        Self {
            max_entries,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for InMemoryTransactionStore {
    /// Up to 10 000 transactions.
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl fmt::Debug for InMemoryTransactionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryTransactionStore")
            .field("max_entries", &self.max_entries)
            .field("entries", &self.lock().len())
            .finish()
    }
}

#[async_trait]
impl TransactionStore for InMemoryTransactionStore {
    async fn put(&self, transaction: Transaction, now: u64) -> Result<(), TransactionStoreError> {
        let mut entries = self.lock();
        if entries.contains_key(&transaction.state) {
            return Err(TransactionStoreError::DuplicateState);
        }
        if entries.len() >= self.max_entries {
            // Expired entries, used or not, can go: a response to them is refused anyway.
            entries.retain(|_, entry| entry.expires_at > now);
            if entries.len() >= self.max_entries {
                return Err(TransactionStoreError::Full {
                    max: self.max_entries,
                });
            }
        }
        entries.insert(
            transaction.state.clone(),
            Entry {
                expires_at: transaction.expires_at,
                transaction: Some(transaction),
            },
        );
        Ok(())
    }

    async fn take(&self, state: &str, now: u64) -> Result<Taken, TransactionStoreError> {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(state) else {
            return Ok(Taken::Unknown);
        };
        if now >= entry.expires_at {
            entry.transaction = None;
            return Ok(Taken::Expired);
        }
        Ok(match entry.transaction.take() {
            Some(transaction) => Taken::Fresh(transaction),
            None => Taken::Used,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn transaction(state: &str, expires_at: u64) -> Transaction {
        Transaction {
            state: state.into(),
            nonce: "n".into(),
            client_id: "redirect_uri:https://world.example/r".into(),
            dcql_query: DcqlQuery::from_json(&json!({"credentials": [{
                "id": "c", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}))
            .unwrap(),
            avatar_platform: "B".into(),
            requires_passkey: false,
            expires_at,
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("runtime: {error}"))
    }

    #[test]
    fn takes_once_then_reports_a_replay() {
        block_on(async {
            let store = InMemoryTransactionStore::default();
            store.put(transaction("s", 100), 0).await.unwrap();
            assert!(matches!(
                store.take("s", 10).await.unwrap(),
                Taken::Fresh(_)
            ));
            assert_eq!(store.take("s", 11).await.unwrap(), Taken::Used);
            assert_eq!(store.take("other", 11).await.unwrap(), Taken::Unknown);
        });
    }

    #[test]
    fn rejects_expired_transaction() {
        block_on(async {
            let store = InMemoryTransactionStore::default();
            store.put(transaction("s", 100), 0).await.unwrap();
            assert_eq!(store.take("s", 100).await.unwrap(), Taken::Expired);
            assert_eq!(
                store.take("s", 50).await.unwrap(),
                Taken::Used,
                "never revived"
            );
        });
    }

    #[test]
    fn rejects_duplicate_state_and_bounds_entries() {
        block_on(async {
            let store = InMemoryTransactionStore::new(2);
            store.put(transaction("a", 100), 0).await.unwrap();
            assert_eq!(
                store.put(transaction("a", 100), 0).await,
                Err(TransactionStoreError::DuplicateState)
            );
            store.put(transaction("b", 100), 0).await.unwrap();
            assert!(matches!(
                store.put(transaction("c", 100), 0).await,
                Err(TransactionStoreError::Full { max: 2 })
            ));
            // Once the others expire they make room.
            store.put(transaction("c", 300), 200).await.unwrap();
        });
    }
}
