//! The verifier's login transactions: what it must remember between its request and the
//! wallet's response (the nonce, the Client Identifier, and the login asked for, from which the
//! DCQL query and the factors follow), kept as [`Purpose::LoginTransaction`] records of a [`SingleUseStore`] so that
//! a service can keep them in a database. A transaction is taken once and expires.

use serde::{Deserialize, Serialize};

use super::error::Openid4vpError;
use super::verifier::AvatarLogin;
use crate::single_use::{Purpose, SingleUseStore, Taken};

/// One login transaction, keyed by its `state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// The request's `state`: the key the response comes back with.
    pub state: String,
    /// The request's `nonce`, which every key binding JWT must carry.
    pub nonce: String,
    /// The whole `client_id`, prefix included: every key binding JWT's `aud`.
    pub client_id: String,
    /// The login the request asked for: its DCQL query ([`AvatarLogin::dcql_query`]) is the
    /// one the response must satisfy, and whether the passkey factor follows (DESIGN
    /// "Two-factor avatar login", steps 3–4).
    pub login: AvatarLogin,
    /// When the transaction expires, in Unix seconds.
    pub expires_at: u64,
}

impl Transaction {
    /// Keeps this transaction in `store` until it expires; a `state` already kept is refused.
    pub(super) async fn put(
        &self,
        store: &dyn SingleUseStore,
        now: u64,
    ) -> Result<(), Openid4vpError> {
        let bytes = serde_json::to_vec(self)
            .map_err(|_| Openid4vpError::invalid("the transaction does not serialize"))?;
        let purpose = Purpose::LoginTransaction;
        store
            .put(purpose, &self.state, bytes, self.expires_at, now)
            .await?;
        Ok(())
    }

    /// Takes the transaction of `state` from `store`, once.
    pub(super) async fn take(
        store: &dyn SingleUseStore,
        state: &str,
        now: u64,
    ) -> Result<Taken<Transaction>, Openid4vpError> {
        let taken = store.take(Purpose::LoginTransaction, state, now).await?;
        taken.try_map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|_| {
                Openid4vpError::invalid(
                    "a kept transaction does not read back; the store is corrupt",
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::single_use::InMemorySingleUseStore;

    fn transaction(state: &str, expires_at: u64) -> Transaction {
        Transaction {
            state: state.into(),
            nonce: "n".into(),
            client_id: "redirect_uri:https://world.example/r".into(),
            login: AvatarLogin::new("B").with_passkey(),
            expires_at,
        }
    }

    #[tokio::test]
    async fn a_transaction_reads_back_whole_once() {
        let store = InMemorySingleUseStore::default();
        let kept = transaction("s", 100);
        kept.put(&store, 0).await.unwrap();
        assert_eq!(
            Transaction::take(&store, "s", 10).await.unwrap(),
            Taken::Fresh(kept)
        );
        assert_eq!(
            Transaction::take(&store, "s", 11).await.unwrap(),
            Taken::Used
        );
    }

    #[tokio::test]
    async fn rejects_duplicate_state() {
        let store = InMemorySingleUseStore::default();
        transaction("s", 100).put(&store, 0).await.unwrap();
        assert!(matches!(
            transaction("s", 100).put(&store, 0).await,
            Err(Openid4vpError::Store(_))
        ));
    }

    #[tokio::test]
    async fn rejects_a_kept_transaction_that_does_not_read_back() {
        let store = InMemorySingleUseStore::default();
        let mut json = serde_json::to_value(transaction("s", 100)).unwrap();
        json["login"] = json!({"platform": 7});
        let bytes = serde_json::to_vec(&json).unwrap();
        store
            .put(Purpose::LoginTransaction, "s", bytes, 100, 0)
            .await
            .unwrap();
        assert!(Transaction::take(&store, "s", 1).await.is_err());
    }
}
