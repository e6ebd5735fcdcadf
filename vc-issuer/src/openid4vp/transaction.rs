//! The verifier's login transactions: what it must remember between its request and the
//! wallet's response (the nonce, the Client Identifier, the query, whether the passkey factor
//! is required), kept as [`Purpose::LoginTransaction`] records of a [`SingleUseStore`] so that
//! a service can keep them in a database. A transaction is taken once and expires.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::dcql::DcqlQuery;
use super::error::Openid4vpError;
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
    /// The DCQL query the response must satisfy.
    #[serde(with = "query_json")]
    pub dcql_query: DcqlQuery,
    /// The platform whose avatar the login is for.
    pub avatar_platform: String,
    /// Whether the login needs the passkey factor on top of the holder key: then a WebAuthn
    /// step follows the response (DESIGN "Two-factor avatar login", steps 3–4).
    pub requires_passkey: bool,
    /// When the transaction expires, in Unix seconds.
    pub expires_at: u64,
}

/// A kept query is read back through [`DcqlQuery::from_json`], so a store's bytes meet the
/// same checks as a request's.
mod query_json {
    use super::{DcqlQuery, Deserialize, Value};

    pub(super) fn serialize<S: serde::Serializer>(
        query: &DcqlQuery,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&query.to_json(), serializer)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DcqlQuery, D::Error> {
        let json = Value::deserialize(deserializer)?;
        DcqlQuery::from_json(&json).map_err(serde::de::Error::custom)
    }
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
            dcql_query: DcqlQuery::from_json(&json!({"credentials": [{
                "id": "c", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:x"]}}]}))
            .unwrap(),
            avatar_platform: "B".into(),
            requires_passkey: true,
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
    async fn rejects_a_kept_query_that_breaks_dcql() {
        let store = InMemorySingleUseStore::default();
        let mut json = serde_json::to_value(transaction("s", 100)).unwrap();
        json["dcql_query"] = json!({"credentials": []});
        let bytes = serde_json::to_vec(&json).unwrap();
        store
            .put(Purpose::LoginTransaction, "s", bytes, 100, 0)
            .await
            .unwrap();
        assert!(Transaction::take(&store, "s", 1).await.is_err());
    }
}
