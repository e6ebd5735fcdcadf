//! The verifier's trust history in a database ([`SqlTrustHistory`]), on SQLite (a file in a
//! temp directory) and on PostgreSQL (the throwaway cluster of `support/postgres.rs`): the same
//! bounds and order as the in-memory history, kept across a reopen, shared by two replicas,
//! beside the issuer store on one database.

use std::sync::Arc;

use vc_issuer::issuer::{IssuerStore, SqlTrustHistory, StoreConfig};
use vc_issuer::trust::{
    HistoryLimits, MAX_EVENT_TEXT, MemoryTrustHistory, TrustEngine, TrustError, TrustEvent,
    TrustEvidence, TrustHistoryStore, TrustModel,
};

#[path = "support/postgres.rs"]
mod postgres_cluster;

#[path = "support/database.rs"]
mod database;

use database::Fixture;

const T0: i64 = 1_750_000_000;

impl Fixture {
    async fn history(&self, limits: HistoryLimits) -> SqlTrustHistory {
        SqlTrustHistory::open(&self.url, limits)
            .await
            .expect("open the history")
    }
}

fn limits(max_events_per_issuer: usize, max_issuers: usize) -> HistoryLimits {
    HistoryLimits {
        max_events_per_issuer,
        max_issuers,
    }
}

fn resolution(issuer: &str, at: i64, ok: bool) -> TrustEvent {
    TrustEvent::resolution(issuer, at, ok, Some(12.5), ok.then(|| "k1".to_owned()))
}

fn times(history: &vc_issuer::trust::IssuerHistory) -> Vec<i64> {
    history.events().iter().map(|e| e.at).collect()
}

async fn keeps_the_newest_events_oldest_first_across_a_reopen(fixture: Fixture) {
    let store = fixture.history(limits(3, 8)).await;
    for at in [T0 + 30, T0 + 10, T0 + 20, T0 + 40, T0 + 5] {
        store
            .record(resolution("did:web:a", at, true))
            .await
            .unwrap();
    }
    store
        .record(TrustEvent::verification(
            "did:web:a",
            T0 + 35,
            false,
            vec!["bad_signature".into()],
        ))
        .await
        .unwrap();
    let history = store.history("did:web:a").await.unwrap();
    assert_eq!(
        times(&history),
        [T0 + 30, T0 + 35, T0 + 40],
        "the oldest go"
    );
    assert_eq!(
        history.first_seen(),
        Some(T0 + 5),
        "first seen outlives eviction"
    );
    store.close().await;
    let reopened = fixture.history(limits(3, 8)).await;
    assert_eq!(reopened.history("did:web:a").await.unwrap(), history);
    let never = reopened.history("did:web:never").await.unwrap();
    assert!(never.events().is_empty());
    assert_eq!(never.first_seen(), None);
}

async fn evicts_the_least_recently_recorded_issuer(fixture: Fixture) {
    let store = fixture.history(limits(8, 2)).await;
    store
        .record(resolution("did:web:a", T0, true))
        .await
        .unwrap();
    store
        .record(resolution("did:web:b", T0 + 1, true))
        .await
        .unwrap();
    store
        .record(resolution("did:web:a", T0 + 2, true))
        .await
        .unwrap();
    store
        .record(resolution("did:web:c", T0 + 3, true))
        .await
        .unwrap();
    assert!(
        store
            .history("did:web:b")
            .await
            .unwrap()
            .first_seen()
            .is_none(),
        "b was the least recent"
    );
    assert_eq!(store.history("did:web:a").await.unwrap().events().len(), 2);
    assert_eq!(store.history("did:web:c").await.unwrap().events().len(), 1);
}

async fn gives_the_same_history_and_evaluation_as_memory(fixture: Fixture) {
    let bounds = limits(16, 4);
    let sql = Arc::new(fixture.history(bounds).await);
    let memory = Arc::new(MemoryTrustHistory::new(bounds));
    let mut events = Vec::new();
    for i in 0..24 {
        let issuer = ["did:web:a", "did:web:b"][i % 2];
        let at = T0 + (i as i64 * 7919) % 500;
        events.push(match i % 3 {
            0 => resolution(issuer, at, i % 5 != 0),
            1 => TrustEvent::resolution(issuer, at, true, Some(i as f64 * 3.0), Some("k2".into())),
            _ => TrustEvent::verification(issuer, at, i % 4 != 0, vec!["expired".into()]),
        });
    }
    for event in events {
        sql.record(event.clone()).await.unwrap();
        memory.record(event).await.unwrap();
    }
    let model = TrustModel::default();
    let on_sql = TrustEngine::new(model.clone(), sql.clone());
    let in_memory = TrustEngine::new(model, memory.clone());
    for issuer in ["did:web:a", "did:web:b"] {
        assert_eq!(
            sql.history(issuer).await.unwrap(),
            memory.history(issuer).await.unwrap()
        );
        let evidence = TrustEvidence::of_issuer(T0 + 600, issuer);
        assert_eq!(
            on_sql.evaluate(&evidence).await.unwrap(),
            in_memory.evaluate(&evidence).await.unwrap()
        );
    }
}

async fn rejects_an_oversized_event(fixture: Fixture) {
    let store = fixture.history(HistoryLimits::default()).await;
    let digest = "x".repeat(MAX_EVENT_TEXT + 1);
    let event = TrustEvent::resolution("did:web:a", T0, true, None, Some(digest));
    assert!(matches!(
        store.record(event).await,
        Err(TrustError::EventTooLarge {
            what: "key_digest",
            ..
        })
    ));
    assert!(
        store
            .history("did:web:a")
            .await
            .unwrap()
            .events()
            .is_empty()
    );
}

async fn two_replicas_share_one_history(fixture: Fixture) {
    let bounds = limits(64, 8);
    let (one, two) = (fixture.history(bounds).await, fixture.history(bounds).await);
    let mut writers = Vec::new();
    for (n, replica) in [one.clone(), two.clone()].into_iter().enumerate() {
        writers.push(tokio::spawn(async move {
            for i in 0..10 {
                let at = T0 + (n as i64) * 100 + i;
                replica
                    .record(resolution("did:web:shared", at, true))
                    .await
                    .unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let seen_by_one = one.history("did:web:shared").await.unwrap();
    assert_eq!(
        seen_by_one.events().len(),
        20,
        "no event lost to the other writer"
    );
    assert_eq!(seen_by_one, two.history("did:web:shared").await.unwrap());
}

async fn lives_beside_the_issuer_store(fixture: Fixture) {
    let issuer = IssuerStore::open(&fixture.url, StoreConfig::without_new_lists())
        .await
        .expect("the issuer store opens");
    let history = fixture.history(HistoryLimits::default()).await;
    history
        .record(resolution("did:web:a", T0, true))
        .await
        .unwrap();
    issuer.close().await;
    history.close().await;
    // Each reopens over the other's tables and migrations without complaint.
    let issuer = IssuerStore::open(&fixture.url, StoreConfig::without_new_lists())
        .await
        .expect("the issuer store reopens beside the history");
    assert!(issuer.audit().await.unwrap().first_break.is_none());
    let history = fixture.history(HistoryLimits::default()).await;
    assert_eq!(
        history.history("did:web:a").await.unwrap().events().len(),
        1
    );
}

async fn rejects_a_hand_edited_event_without_echoing_it(fixture: Fixture) {
    let store = fixture.history(HistoryLimits::default()).await;
    store
        .record(resolution("did:web:a", T0, true))
        .await
        .unwrap();
    let raw = fixture.raw().await;
    sqlx::query("UPDATE trust_events SET kind = 'secret-looking junk'")
        .execute(&raw)
        .await
        .unwrap();
    let err = store.history("did:web:a").await.unwrap_err();
    assert!(matches!(err, TrustError::HistoryUnavailable(_)), "{err}");
    assert!(!err.to_string().contains("junk"), "{err}");
}

macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Fixture::sqlite("trust")).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Fixture::postgres().await).await
                }
            )*
        }
    };
}

on_both_backends!(
    keeps_the_newest_events_oldest_first_across_a_reopen,
    evicts_the_least_recently_recorded_issuer,
    gives_the_same_history_and_evaluation_as_memory,
    rejects_an_oversized_event,
    two_replicas_share_one_history,
    lives_beside_the_issuer_store,
    rejects_a_hand_edited_event_without_echoing_it,
);

#[tokio::test]
async fn opens_a_sqlite_file_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.db");
    let store = SqlTrustHistory::open_sqlite(&path, HistoryLimits::default())
        .await
        .unwrap();
    store
        .record(resolution("did:web:a", T0, true))
        .await
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn rejects_an_unsupported_database_without_naming_its_url() {
    let err = SqlTrustHistory::open("mysql://user:hunter2@db/trust", HistoryLimits::default())
        .await
        .unwrap_err();
    assert!(matches!(err, TrustError::HistoryUnavailable(_)), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
