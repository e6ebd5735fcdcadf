//! The issuer store against both of its databases: every test runs on SQLite (a temp file) and
//! on PostgreSQL (a throwaway cluster, `support/postgres.rs`). Two stores on one database stand
//! for two nodes of one issuer.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use did_core::jose::{Algorithm, AlgorithmPolicy};
use did_core::key::{KeyType, SecretKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;
use vc_issuer::issuer::{
    ChainProblem, IssueError, IssuerStore, KeyEvent, LogKind, MAX_COPIES, MAX_FIELD_LEN,
    NewCredential, Registration, StoreConfig, StoreError,
};
use vc_issuer::mfa::{CounterStore as _, CredentialId as PasskeyCredentialId};
use vc_issuer::single_use::{Purpose, REMEMBER_SECS, SingleUseError, SingleUseStore as _, Taken};
use vc_issuer::status::{StatusBits, StatusListToken, StatusListValidation, StatusValue};

#[path = "support/postgres.rs"]
mod postgres_cluster;

#[path = "support/database.rs"]
mod database;

use database::Fixture;

const BASE: &str = "https://issuer.example/status";
const T0: u64 = 1_750_000_000;
const VCT: &str = "urn:avid:avatar-link:1";

impl Fixture {
    async fn store(&self, config: StoreConfig) -> IssuerStore {
        IssuerStore::open(&self.url, config)
            .await
            .expect("open the store")
    }
}

fn config(size: u64) -> StoreConfig {
    StoreConfig::new(BASE)
        .and_then(|config| config.list_size(size))
        .expect("config")
}

fn credential(copies: u32) -> NewCredential {
    NewCredential::new("did:example:holder", VCT, T0)
        .copies(copies)
        .expiring_at(T0 + 86_400)
}

async fn issue(store: &IssuerStore, copies: u32) -> Registration {
    store
        .issue(&credential(copies), |_| {
            Ok::<_, std::convert::Infallible>(())
        })
        .await
        .expect("issue")
        .0
}

/// Every (list URI, index) the register holds, with how often it is held.
async fn all_slots(store: &IssuerStore) -> Vec<(String, u64)> {
    let mut slots = Vec::new();
    let mut offset = 0;
    loop {
        let ids = store.credential_ids(offset, 100).await.expect("ids");
        if ids.is_empty() {
            return slots;
        }
        offset += ids.len() as u64;
        for id in ids {
            let record = store.credential(&id).await.expect("record");
            slots.extend(record.references.into_iter().map(|r| (r.uri, r.idx)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tests, each run on both backends.

async fn records_what_it_issues(fixture: Fixture) {
    let store = fixture.store(config(1024)).await;
    let (registration, seen) = store
        .issue(&credential(3), |registration| {
            Ok::<_, std::convert::Infallible>(registration.clone())
        })
        .await
        .expect("issue");
    assert_eq!(seen, registration, "the signer sees what is returned");
    assert_eq!(registration.status.len(), 3);
    let record = store.credential(&registration.id).await.expect("record");
    assert_eq!(record.holder, "did:example:holder");
    assert_eq!(record.vct, VCT);
    assert_eq!(record.issued_at, T0);
    assert_eq!(record.expires_at, Some(T0 + 86_400));
    assert_eq!(record.status, StatusValue::Valid);
    assert_eq!(record.references, registration.status);
    let distinct: HashSet<_> = record.references.iter().map(|r| r.idx).collect();
    assert_eq!(distinct.len(), 3, "each copy has its own index");
    assert!(
        record
            .references
            .iter()
            .all(|r| r.uri == format!("{BASE}/1"))
    );

    let log = store.log_entries(1, 10).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, LogKind::Issue);
    assert_eq!(log[0].subject, registration.id);
    assert!(
        !log[0].details.to_string().contains("did:example:holder"),
        "the log names no holder"
    );
    let audit = store.audit().await.expect("audit");
    assert_eq!(audit.entries, 1);
    assert_eq!(audit.first_break, None);
}

async fn rejects_half_issuance_when_signing_fails(fixture: Fixture) {
    let store = fixture.store(config(1024)).await;
    let result = store
        .issue(&credential(2), |_| Err::<(), _>("the HSM is gone"))
        .await;
    assert!(matches!(result, Err(IssueError::Sign("the HSM is gone"))));
    assert!(store.credential_ids(0, 10).await.expect("ids").is_empty());
    assert!(store.log_entries(1, 10).await.expect("log").is_empty());
    let raw = fixture.raw().await;
    let entries: i64 = sqlx::query("SELECT COUNT(*) AS n FROM status_entries")
        .fetch_one(&raw)
        .await
        .and_then(|row| row.try_get("n"))
        .expect("count");
    assert_eq!(entries, 0, "no index stays allocated");
    // The store goes on working after the rollback.
    issue(&store, 1).await;
    assert_eq!(store.audit().await.expect("audit").first_break, None);
}

async fn rejects_a_request_out_of_bounds(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let oversized = NewCredential::new(&"x".repeat(MAX_FIELD_LEN + 1), VCT, T0);
    for request in [
        credential(0),
        credential(MAX_COPIES + 1),
        oversized,
        NewCredential::new("did:example:holder", "", T0),
        NewCredential::new("did:example:holder", VCT, T0).expiring_at(T0),
    ] {
        let result = store
            .issue(&request, |_| Ok::<_, std::convert::Infallible>(()))
            .await;
        assert!(
            matches!(
                result,
                Err(IssueError::Store(StoreError::InvalidRequest(_)))
            ),
            "{request:?} was accepted"
        );
    }
    assert!(store.credential_ids(0, 10).await.expect("ids").is_empty());
}

async fn finds_the_credentials_of_a_holder(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let first = issue(&store, 1).await.id;
    let other = store
        .issue(
            &NewCredential::new("did:example:other", VCT, T0 + 1),
            |_| Ok::<_, std::convert::Infallible>(()),
        )
        .await
        .expect("issue")
        .0
        .id;
    let second = issue(&store, 2).await.id;
    let mut expected = vec![first, second];
    expected.sort();
    let mut found = store
        .credential_ids_of("did:example:holder")
        .await
        .expect("ids");
    found.sort();
    assert_eq!(found, expected);
    assert_eq!(
        store
            .credential_ids_of("did:example:other")
            .await
            .expect("ids"),
        [other]
    );
}

async fn two_nodes_never_share_an_index(fixture: Fixture) {
    // Small lists, so that both nodes also race to open new ones.
    let node_a = fixture.store(config(48)).await;
    let node_b = fixture.store(config(48)).await;
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = if task % 2 == 0 {
            node_a.clone()
        } else {
            node_b.clone()
        };
        tasks.push(tokio::spawn(async move {
            for _ in 0..6 {
                issue(&store, 2).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let slots = all_slots(&node_a).await;
    assert_eq!(slots.len(), 8 * 6 * 2);
    let distinct: HashSet<_> = slots.iter().collect();
    assert_eq!(distinct.len(), slots.len(), "an index was handed out twice");
    let lists = node_b.status_lists().await.expect("lists");
    assert_eq!(lists.len(), 2, "96 copies fill two lists of 48");
    assert!(lists.iter().all(|list| list.allocated == 48));
    let audit = node_a.audit().await.expect("audit");
    assert_eq!(audit.entries, 48);
    assert_eq!(audit.first_break, None, "the log did not fork");
}

async fn concurrent_revocations_lose_no_update(fixture: Fixture) {
    let node_a = fixture.store(config(1024)).await;
    let node_b = fixture.store(config(1024)).await;
    let mut ids = Vec::new();
    for _ in 0..16 {
        ids.push(issue(&node_a, 2).await.id);
    }
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let store = if n % 2 == 0 {
            node_a.clone()
        } else {
            node_b.clone()
        };
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            if n % 3 == 0 {
                store.suspend(&id, T0 + 10).await
            } else {
                store.revoke(&id, T0 + 10).await
            }
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("status change");
    }
    let (_, list) = node_b.status_list(1).await.expect("list");
    for (n, id) in ids.iter().enumerate() {
        let expected = if n % 3 == 0 {
            StatusValue::Suspended
        } else {
            StatusValue::Invalid
        };
        let record = node_a.credential(id).await.expect("record");
        assert_eq!(record.status, expected);
        for reference in record.references {
            assert_eq!(list.get(reference.idx).expect("in list"), expected);
        }
    }
    let audit = node_a.audit().await.expect("audit");
    assert_eq!(audit.entries, 32);
    assert_eq!(audit.first_break, None);
}

async fn rejects_reinstating_a_revoked_credential(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let id = issue(&store, 1).await.id;
    // Valid credentials are not reinstated; suspension is undone by reinstatement.
    assert!(matches!(
        store.reinstate(&id, T0 + 1).await,
        Err(StoreError::ForbiddenTransition { .. })
    ));
    store.suspend(&id, T0 + 2).await.expect("suspend");
    assert!(matches!(
        store.suspend(&id, T0 + 3).await,
        Err(StoreError::ForbiddenTransition { .. })
    ));
    store.reinstate(&id, T0 + 4).await.expect("reinstate");
    store.revoke(&id, T0 + 5).await.expect("revoke");
    for attempt in [
        store.reinstate(&id, T0 + 6).await,
        store.suspend(&id, T0 + 6).await,
        store.revoke(&id, T0 + 6).await,
    ] {
        match attempt {
            Err(StoreError::ForbiddenTransition { from, .. }) => {
                assert_eq!(from, StatusValue::Invalid)
            }
            other => panic!("revocation must be final, got {other:?}"),
        }
    }
    assert_eq!(
        store.credential(&id).await.expect("record").status,
        StatusValue::Invalid
    );
    assert!(matches!(
        store.revoke("no-such-id", T0).await,
        Err(StoreError::UnknownCredential(_))
    ));
    let kinds: Vec<_> = store
        .log_entries(1, 10)
        .await
        .expect("log")
        .into_iter()
        .map(|entry| entry.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            LogKind::Issue,
            LogKind::Suspend,
            LogKind::Reinstate,
            LogKind::Revoke
        ],
        "refused changes leave no entry"
    );
}

async fn rejects_suspension_in_a_one_bit_list(fixture: Fixture) {
    let config = config(64).bits(StatusBits::One).expect("one bit");
    let store = fixture.store(config).await;
    let id = issue(&store, 1).await.id;
    assert!(matches!(
        store.suspend(&id, T0 + 1).await,
        Err(StoreError::SuspensionUnsupported(_))
    ));
    store
        .revoke(&id, T0 + 2)
        .await
        .expect("revocation fits one bit");
}

async fn full_list_grows_to_a_new_one(fixture: Fixture) {
    let store = fixture.store(config(8)).await;
    let mut first_list = Vec::new();
    for _ in 0..8 {
        let registration = issue(&store, 1).await;
        assert_eq!(registration.status[0].uri, format!("{BASE}/1"));
        first_list.push(registration.status[0].idx);
    }
    first_list.sort_unstable();
    assert_eq!(
        first_list,
        (0..8).collect::<Vec<u64>>(),
        "every index used once"
    );
    // A credential whose copies straddle the boundary takes the new list for the rest.
    let registration = issue(&store, 3).await;
    assert!(
        registration
            .status
            .iter()
            .all(|r| r.uri == format!("{BASE}/2") && r.idx < 8)
    );
    let lists = store.status_lists().await.expect("lists");
    assert_eq!(
        lists
            .iter()
            .map(|l| (l.number, l.allocated))
            .collect::<Vec<_>>(),
        [(1, 8), (2, 3)]
    );
}

async fn indexes_are_drawn_at_random(fixture: Fixture) {
    let store = fixture.store(config(1 << 16)).await;
    let mut drawn = Vec::new();
    for _ in 0..32 {
        drawn.push(issue(&store, 1).await.status[0].idx);
    }
    // Sequential allocation gives 0..31 in order. Random draws give an increasing run of 32
    // with probability 1/32!, and 32 consecutive values far less often still.
    assert_ne!(drawn, (0..32).collect::<Vec<u64>>());
    assert!(
        drawn.windows(2).any(|pair| pair[1] < pair[0]),
        "32 draws in increasing order: {drawn:?}"
    );
    let distinct: HashSet<_> = drawn.iter().collect();
    assert_eq!(distinct.len(), 32);
}

async fn signs_the_status_list_from_the_store(fixture: Fixture) {
    let store = fixture.store(config(256)).await;
    let revoked = issue(&store, 2).await;
    let suspended = issue(&store, 1).await;
    let valid = issue(&store, 1).await;
    store.revoke(&revoked.id, T0 + 5).await.expect("revoke");
    store.suspend(&suspended.id, T0 + 5).await.expect("suspend");

    let key = SecretKey::generate(KeyType::Ed25519);
    let signer = key.signer(Algorithm::Ed25519).expect("signer");
    let kid = "did:example:issuer#key-1";
    let token = store
        .status_list_token(1, &signer, kid, T0 + 10, 300, 3600)
        .await
        .expect("token");
    let verified = StatusListToken::verify(
        &token,
        &key.public_key(),
        &format!("{BASE}/1"),
        &AlgorithmPolicy::default(),
        &StatusListValidation::at(T0 + 20),
    )
    .expect("verifies");
    assert_eq!(verified.ttl, Some(300));
    assert_eq!(verified.exp, Some(T0 + 3610));
    assert_eq!(verified.list.bits(), StatusBits::Two);
    for (registration, expected) in [
        (&revoked, StatusValue::Invalid),
        (&suspended, StatusValue::Suspended),
        (&valid, StatusValue::Valid),
    ] {
        for reference in &registration.status {
            assert_eq!(verified.list.get(reference.idx).expect("idx"), expected);
        }
    }
    assert!(matches!(
        store
            .status_list_token(2, &signer, kid, T0 + 10, 300, 3600)
            .await,
        Err(StoreError::UnknownStatusList(2))
    ));
}

/// A log of five entries: three issuances, a revocation and a key event.
async fn store_with_log(fixture: &Fixture) -> IssuerStore {
    let store = fixture.store(config(64)).await;
    let first = issue(&store, 1).await;
    issue(&store, 2).await;
    issue(&store, 1).await;
    store.revoke(&first.id, T0 + 1).await.expect("revoke");
    store
        .record_key_event(KeyEvent::Created, "did:example:issuer#key-1", T0 + 2)
        .await
        .expect("key event");
    let audit = store.audit().await.expect("audit");
    assert_eq!((audit.entries, audit.first_break), (5, None));
    store
}

async fn tamper(fixture: &Fixture, statements: &[&str]) {
    let raw = fixture.raw().await;
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
            .execute(&raw)
            .await
            .expect("tamper");
    }
    raw.close().await;
}

async fn first_break(store: &IssuerStore) -> Option<(u64, ChainProblem)> {
    store
        .audit()
        .await
        .expect("audit")
        .first_break
        .map(|b| (b.seq, b.problem))
}

async fn audit_names_an_edited_entry(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(
        &fixture,
        &["UPDATE issuer_log SET details = '{\"copies\":9}' WHERE seq = 3"],
    )
    .await;
    assert_eq!(
        first_break(&store).await,
        Some((3, ChainProblem::HashMismatch))
    );
}

async fn audit_names_an_edited_time(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(
        &fixture,
        &["UPDATE issuer_log SET at = at - 1000 WHERE seq = 4"],
    )
    .await;
    assert_eq!(
        first_break(&store).await,
        Some((4, ChainProblem::HashMismatch))
    );
}

async fn audit_names_a_deleted_entry(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(&fixture, &["DELETE FROM issuer_log WHERE seq = 2"]).await;
    assert_eq!(first_break(&store).await, Some((2, ChainProblem::Missing)));
}

async fn audit_names_a_cut_tail(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(&fixture, &["DELETE FROM issuer_log WHERE seq >= 4"]).await;
    assert_eq!(first_break(&store).await, Some((4, ChainProblem::Missing)));
}

async fn audit_names_reordered_entries(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(
        &fixture,
        &[
            "UPDATE issuer_log SET seq = 100 WHERE seq = 2",
            "UPDATE issuer_log SET seq = 2 WHERE seq = 3",
            "UPDATE issuer_log SET seq = 3 WHERE seq = 100",
        ],
    )
    .await;
    let (seq, _) = first_break(&store).await.expect("a break");
    assert_eq!(seq, 2);
}

async fn audit_names_an_edited_hash(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(
        &fixture,
        &["UPDATE issuer_log SET hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE seq = 3"],
    )
    .await;
    assert_eq!(
        first_break(&store).await,
        Some((3, ChainProblem::HashMismatch))
    );
}

/// The documented hash: SHA-256 over the JCS form of the entry without its hash, base64url.
fn recompute_hash(entry: &Value) -> String {
    let canonical = serde_jcs::to_vec(entry).expect("jcs");
    did_core::base64url::encode(&Sha256::digest(&canonical))
}

async fn audit_names_the_entry_after_a_rehashed_edit(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    // An editor who knows the hash rule rewrites entry 3 and its hash; entry 4 still commits
    // to the old hash.
    let entry = &store.log_entries(3, 1).await.expect("log")[0];
    let details = json!({"copies": 1, "vct": "forged"});
    let hash = recompute_hash(&json!({
        "seq": 3,
        "at": entry.at,
        "kind": entry.kind.as_str(),
        "subject": entry.subject,
        "details": details,
        "prev_hash": entry.prev_hash,
    }));
    tamper(
        &fixture,
        &[&format!(
            "UPDATE issuer_log SET details = '{}', hash = '{hash}' WHERE seq = 3",
            serde_jcs::to_string(&details).expect("jcs")
        )],
    )
    .await;
    assert_eq!(
        first_break(&store).await,
        Some((4, ChainProblem::PrevHashMismatch))
    );
}

async fn audit_names_an_entry_appended_behind_the_head(fixture: Fixture) {
    let store = store_with_log(&fixture).await;
    tamper(
        &fixture,
        &[
            "INSERT INTO issuer_log (seq, at, kind, subject, details, prev_hash, hash) \
           SELECT 6, at, kind, subject, details, hash, hash FROM issuer_log WHERE seq = 5",
        ],
    )
    .await;
    assert_eq!(
        first_break(&store).await,
        Some((6, ChainProblem::HeadMismatch))
    );
}

async fn single_use_records_are_taken_once(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let purpose = Purpose::LinkNonce;
    store
        .put(purpose, "n-1", b"state".to_vec(), T0 + 100, T0)
        .await
        .expect("put");
    assert_eq!(
        store.take(purpose, "n-1", T0 + 10).await.expect("take"),
        Taken::Fresh(b"state".to_vec())
    );
    assert_eq!(
        store.take(purpose, "n-1", T0 + 11).await.expect("take"),
        Taken::Used
    );
    assert_eq!(
        store.take(purpose, "n-2", T0 + 11).await.expect("take"),
        Taken::Unknown
    );
    // Purposes do not share keys.
    assert_eq!(
        store
            .take(Purpose::PasskeyRegistration, "n-1", T0 + 11)
            .await
            .expect("take"),
        Taken::Unknown
    );
}

async fn rejects_an_expired_single_use_record(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let purpose = Purpose::LoginTransaction;
    store
        .put(purpose, "s", vec![1], T0 + 100, T0)
        .await
        .expect("put");
    assert_eq!(
        store.take(purpose, "s", T0 + 100).await.expect("take"),
        Taken::Expired
    );
    assert_eq!(
        store.take(purpose, "s", T0 + 50).await.expect("take"),
        Taken::Used,
        "an expired record never revives"
    );
    let forgotten = T0 + 100 + REMEMBER_SECS;
    assert_eq!(
        store.take(purpose, "s", forgotten).await.expect("take"),
        Taken::Unknown
    );
}

async fn login_states_are_shared_until_forgotten(fixture: Fixture) {
    let node_a = fixture.store(config(64)).await;
    let node_b = fixture.store(config(64)).await;
    node_a
        .put_login_state("login-1", b"pending", T0 + 100, T0)
        .await
        .expect("put");
    assert_eq!(
        node_b.login_state("login-1", T0 + 1).await.expect("read"),
        Some(b"pending".to_vec())
    );
    assert!(
        node_b
            .replace_login_state("login-1", b"granted", T0 + 2)
            .await
            .expect("replace")
    );
    assert_eq!(
        node_a.login_state("login-1", T0 + 3).await.expect("read"),
        Some(b"granted".to_vec())
    );
    assert_eq!(node_a.login_state("login-2", T0).await.expect("read"), None);
    // Past its time a login is gone, and can no longer be changed.
    assert_eq!(
        node_a.login_state("login-1", T0 + 100).await.expect("read"),
        None
    );
    assert!(
        !node_b
            .replace_login_state("login-1", b"refused", T0 + 100)
            .await
            .expect("replace")
    );
}

async fn rejects_a_second_login_of_one_id(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    store
        .put_login_state("login-1", b"first", T0 + 100, T0)
        .await
        .expect("put");
    assert!(matches!(
        store
            .put_login_state("login-1", b"second", T0 + 100, T0 + 1)
            .await,
        Err(StoreError::InvalidRequest(_))
    ));
    assert_eq!(
        store.login_state("login-1", T0 + 2).await.expect("read"),
        Some(b"first".to_vec())
    );
    // Once forgotten, the id is free again.
    store
        .put_login_state("login-1", b"third", T0 + 300, T0 + 100)
        .await
        .expect("put after forgetting");
}

async fn rejects_a_duplicate_single_use_key(fixture: Fixture) {
    let store = fixture.store(config(64)).await;
    let purpose = Purpose::PasskeyAuthentication;
    store
        .put(purpose, "k", vec![1], T0 + 100, T0)
        .await
        .expect("put");
    assert_eq!(
        store.put(purpose, "k", vec![2], T0 + 100, T0).await,
        Err(SingleUseError::Duplicate)
    );
    store.take(purpose, "k", T0 + 1).await.expect("take");
    assert_eq!(
        store.put(purpose, "k", vec![3], T0 + 200, T0 + 2).await,
        Err(SingleUseError::Duplicate),
        "a used key cannot be put again while it is remembered"
    );
    // Once forgotten, the key is free again.
    let later = T0 + 100 + REMEMBER_SECS;
    store
        .put(purpose, "k", vec![4], later + 100, later)
        .await
        .expect("put after forgetting");
    assert_eq!(
        store.take(purpose, "k", later + 1).await.expect("take"),
        Taken::Fresh(vec![4])
    );
}

async fn rejects_a_replayed_take_under_concurrency(fixture: Fixture) {
    let node_a = fixture.store(config(64)).await;
    let node_b = fixture.store(config(64)).await;
    let purpose = Purpose::PasskeyRegistration;
    node_a
        .put(purpose, "c", vec![7], T0 + 100, T0)
        .await
        .expect("put");
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = if n % 2 == 0 {
            node_a.clone()
        } else {
            node_b.clone()
        };
        tasks.push(tokio::spawn(async move {
            store.take(purpose, "c", T0 + 1).await
        }));
    }
    let mut fresh = 0;
    for task in tasks {
        match task.await.expect("task").expect("take") {
            Taken::Fresh(value) => {
                assert_eq!(value, vec![7]);
                fresh += 1;
            }
            Taken::Used => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(fresh, 1, "exactly one take gets the record");

    // Two nodes putting one key at once: exactly one succeeds.
    let mut tasks = Vec::new();
    for n in 0..8u8 {
        let store = if n % 2 == 0 {
            node_a.clone()
        } else {
            node_b.clone()
        };
        tasks.push(tokio::spawn(async move {
            store.put(purpose, "d", vec![n], T0 + 100, T0).await
        }));
    }
    let mut stored = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => stored += 1,
            Err(SingleUseError::Duplicate) => {}
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!(stored, 1);
}

async fn passkey_counters_swap_only_from_what_was_read(fixture: Fixture) {
    let node_a = fixture.store(config(64)).await;
    let node_b = fixture.store(config(64)).await;
    let id = PasskeyCredentialId::new(vec![1, 2, 3]).expect("id");
    assert_eq!(node_a.get(&id, T0).await.expect("get"), None);
    assert!(node_a.compare_and_set(&id, None, 5, T0).await.expect("cas"));
    assert!(!node_b.compare_and_set(&id, None, 6, T0).await.expect("cas"));
    assert!(
        !node_b
            .compare_and_set(&id, Some(4), 6, T0)
            .await
            .expect("cas")
    );
    assert!(
        node_b
            .compare_and_set(&id, Some(5), 7, T0)
            .await
            .expect("cas")
    );
    assert_eq!(node_a.get(&id, T0).await.expect("get"), Some(7));
    assert_eq!(
        node_a
            .get(&PasskeyCredentialId::new(vec![9]).expect("id"), T0)
            .await
            .expect("get"),
        None
    );
    // Of concurrent swaps from the same reading, one wins.
    let mut tasks = Vec::new();
    for n in 0..8u32 {
        let store = if n % 2 == 0 {
            node_a.clone()
        } else {
            node_b.clone()
        };
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            store.compare_and_set(&id, Some(7), 100 + n, T0).await
        }));
    }
    let mut won = 0;
    for task in tasks {
        if task.await.expect("task").expect("cas") {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Fixture::sqlite("issuer")).await
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
    records_what_it_issues,
    rejects_half_issuance_when_signing_fails,
    rejects_a_request_out_of_bounds,
    finds_the_credentials_of_a_holder,
    two_nodes_never_share_an_index,
    concurrent_revocations_lose_no_update,
    rejects_reinstating_a_revoked_credential,
    rejects_suspension_in_a_one_bit_list,
    full_list_grows_to_a_new_one,
    indexes_are_drawn_at_random,
    signs_the_status_list_from_the_store,
    audit_names_an_edited_entry,
    audit_names_an_edited_time,
    audit_names_a_deleted_entry,
    audit_names_a_cut_tail,
    audit_names_reordered_entries,
    audit_names_an_edited_hash,
    audit_names_the_entry_after_a_rehashed_edit,
    audit_names_an_entry_appended_behind_the_head,
    single_use_records_are_taken_once,
    rejects_an_expired_single_use_record,
    rejects_a_duplicate_single_use_key,
    rejects_a_replayed_take_under_concurrency,
    passkey_counters_swap_only_from_what_was_read,
    login_states_are_shared_until_forgotten,
    rejects_a_second_login_of_one_id,
);

// ---------------------------------------------------------------------------------------------
// The crash test: a child process (this test binary, re-run on one test) issues without pause
// and is killed with SIGKILL; the store, reopened, must hold whole issuances only.

/// Set in the child: the database URL it issues into.
const CHILD_URL: &str = "AVID_ISSUER_STORE_CRASH_CHILD_URL";

/// The child: issue forever, three copies each, with the signing step slow enough that most
/// kills land inside a transaction. Prints `issued` after each commit.
async fn issue_until_killed(url: &str) -> ! {
    let store = IssuerStore::open(url, config(64))
        .await
        .expect("child open");
    loop {
        store
            .issue(&credential(3), |_| {
                std::thread::sleep(Duration::from_millis(5));
                Ok::<_, std::convert::Infallible>(())
            })
            .await
            .expect("child issue");
        println!("issued");
    }
}

/// How often the child is killed.
const KILL_ROUNDS: usize = 6;

/// Runs the child until it has committed 8 issuances, waits 1–5 ms (most of which the child
/// spends signing, inside its transaction), kills it with SIGKILL and returns how many
/// issuances it reported.
fn issue_then_kill(test_name: &str, url: &str) -> u64 {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_URL, url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut printed = 0u64;
    while printed < 8 {
        let line = lines.next().expect("the child ended early").expect("read");
        if line == "issued" {
            printed += 1;
        }
        assert!(Instant::now() < deadline, "the child issues too slowly");
    }
    std::thread::sleep(Duration::from_micros(
        1000 + u64::from(rand::random::<u16>() % 4000),
    ));
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    printed
}

async fn survives_a_kill_mid_issuance(test_name: &str, fixture: Fixture) {
    // Create the schema first, so that the kill lands in issuance and not in the migration.
    let store = fixture.store(config(64)).await;
    store.close().await;
    // Several kills, each after a few commits (enough, over all rounds, to cross list
    // boundaries: 64 entries, 3 per credential), at a moment the child does not choose.
    let mut printed = 0u64;
    for _ in 0..KILL_ROUNDS {
        printed += issue_then_kill(test_name, &fixture.url);
    }

    let store = fixture.store(config(64)).await;
    let raw = fixture.raw().await;
    let count = |sql: &'static str| {
        let raw = raw.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&raw)
                .await
                .and_then(|row| row.try_get::<i64, _>("n"))
                .expect(sql)
        }
    };
    let credentials = count("SELECT COUNT(*) AS n FROM credentials").await;
    assert!(
        credentials as u64 >= printed,
        "every credential reported as issued was committed"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM status_entries e \
             LEFT JOIN credentials c ON c.id = e.credential_id WHERE c.id IS NULL"
        )
        .await,
        0,
        "an index belongs to no credential"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM credentials c WHERE c.copies <> \
             (SELECT COUNT(*) FROM status_entries e WHERE e.credential_id = c.id)"
        )
        .await,
        0,
        "a credential with some of its copies' indexes"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM status_lists l WHERE l.allocated <> \
             (SELECT COUNT(*) FROM status_entries e WHERE e.list_no = l.list_no)"
        )
        .await,
        0,
        "a list's count of allocated indexes is off"
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM issuer_log WHERE kind = 'issue'").await,
        credentials,
        "one issue entry per credential"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM credentials c WHERE NOT EXISTS \
             (SELECT 1 FROM issuer_log l WHERE l.kind = 'issue' AND l.subject = c.id)"
        )
        .await,
        0,
        "a credential without its log entry"
    );
    let audit = store.audit().await.expect("audit");
    assert_eq!(audit.first_break, None);
    assert_eq!(audit.entries, credentials as u64);
    // And the store goes on.
    issue(&store, 3).await;
    let slots = all_slots(&store).await;
    let mut seen = BTreeMap::new();
    for slot in &slots {
        *seen.entry(slot).or_insert(0) += 1;
    }
    assert!(
        seen.values().all(|&n| n == 1),
        "an index shared after the crash"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_a_kill_mid_issuance_sqlite() {
    if let Ok(url) = std::env::var(CHILD_URL) {
        issue_until_killed(&url).await;
    }
    survives_a_kill_mid_issuance(
        "survives_a_kill_mid_issuance_sqlite",
        Fixture::sqlite("issuer"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_a_kill_mid_issuance_postgres() {
    if let Ok(url) = std::env::var(CHILD_URL) {
        issue_until_killed(&url).await;
    }
    survives_a_kill_mid_issuance(
        "survives_a_kill_mid_issuance_postgres",
        Fixture::postgres().await,
    )
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let fixture = Fixture::sqlite("issuer");
    let path = fixture.dir().expect("dir").join("owner-only.db");
    let store = IssuerStore::open_sqlite(&path, config(64))
        .await
        .expect("open");
    issue(&store, 1).await;
    for file in [path.clone(), path.with_extension("db-wal")] {
        let mode = std::fs::metadata(&file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{} is readable by others", file.display());
    }
}

#[tokio::test]
async fn rejects_an_unsupported_database_url() {
    assert!(matches!(
        IssuerStore::open("mysql://root@127.0.0.1/db", config(64)).await,
        Err(StoreError::UnsupportedDatabase(scheme)) if scheme == "mysql"
    ));
}
