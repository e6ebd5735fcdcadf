//! Two `avid-resolver` processes on one PostgreSQL behave as one service (issue 10, item 5):
//! a login started on one is answered, read and finished on the other, because transactions,
//! login outcomes, WebAuthn challenges and passkey counters all live in the shared database;
//! and a replay is refused by both.

use did_core::key::{KeyType, SecretKey};
use serde_json::{Value, json};
use vc_issuer::mfa::RequestChallengeResponse;
use webauthn_authenticator_rs::WebauthnAuthenticator;

mod support;

#[path = "../../vc-issuer/tests/support/postgres.rs"]
mod postgres;

use support::login::{Issuer, World, origin, wallet_answers};
use support::service::{Service, start};

/// A private JWK in a temp file, deleted when dropped: the verifier key every replica shares.
struct KeyFile(std::path::PathBuf);

impl KeyFile {
    fn new() -> KeyFile {
        let path = std::env::temp_dir().join(format!(
            "avid-replicas-{}-{}.jwk",
            std::process::id(),
            did_core::base64url::encode(&rand::random::<[u8; 8]>())
        ));
        let key = SecretKey::generate(KeyType::Ed25519);
        std::fs::write(&path, serde_json::to_string(&key.to_jwk()).unwrap()).unwrap();
        KeyFile(path)
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One replica: the binary on `database`, trusting `issuer`, signing with `key`; the status
/// list of the credentials is served on loopback, hence `--allow-http`.
async fn replica(database: &str, issuer: &Issuer, key: &KeyFile) -> Service {
    start(&[
        "--allow-http",
        "--trusted-issuer",
        issuer.key.did().as_str(),
        "--verifier-key",
        key.0.to_str().unwrap(),
        "--database",
        database,
    ])
    .await
}

#[tokio::test]
async fn a_login_started_on_one_replica_finishes_on_the_other() {
    let cluster = postgres::Cluster::shared();
    let database = cluster.fresh_database().await;
    let issuer = Issuer::start().await;
    let mut alice = issuer.onboard().await;
    let key = KeyFile::new();
    // Both start at once: the schema is migrated by one of them, under its lock.
    let (first, second) = tokio::join!(
        replica(&database, &issuer, &key),
        replica(&database, &issuer, &key)
    );
    let (one, other) = (
        World::at(first.base.clone()),
        World::at(second.base.clone()),
    );

    // Begun on one; the other serves its request object and its status.
    let created = one.begin(true).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let on_other = other
        .http
        .get(format!("{}/login/requests/{id}/request", other.base))
        .send()
        .await
        .unwrap();
    assert_eq!(on_other.status(), 200);
    assert_eq!(other.status(&id).await["status"], "pending");

    // The wallet's response lands on the other replica.
    let form = wallet_answers(&one, &alice, &created).await;
    let (status, body) = other.post_form(&form).await;
    assert_eq!(status, 200, "{body}");
    let redirect_uri = body["redirect_uri"].as_str().unwrap().to_owned();
    assert_eq!(one.status(&id).await["status"], "awaiting_passkey");

    // The WebAuthn options come from one replica, the assertion goes to the other.
    let path = format!("/login/requests/{id}/passkey");
    assert_eq!(redirect_uri, format!("{}{path}", other.base));
    let (status, options) = one.get(&format!("{}{path}", one.base)).await;
    assert_eq!(status, 200, "{options}");
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let assertion = alice.passkey.do_authentication(origin(), options).unwrap();
    let assertion = serde_json::to_value(&assertion).unwrap();
    let (status, body) = other.post_json(&path, assertion.to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["granted"], true);
    for world in [&one, &other] {
        let outcome = world.status(&id).await;
        assert_eq!(outcome["status"], "granted", "{outcome}");
        assert_eq!(
            outcome["result"]["factors"],
            json!(["holder_key", "passkey"])
        );
    }

    // A replay of either step is refused by both replicas, and the login stays granted.
    for world in [&one, &other] {
        let (status, body) = world.post_form(&form).await;
        assert_eq!(status, 400, "a replayed response: {body}");
        let (status, body) = world.post_json(&path, assertion.to_string()).await;
        assert_eq!(status, 400, "a replayed assertion: {body}");
        assert_eq!(body["granted"], false);
    }
    for world in [&one, &other] {
        assert_eq!(world.status(&id).await["status"], "granted");
    }
}

#[tokio::test]
async fn rejects_the_second_of_one_response_raced_to_both_replicas() {
    let cluster = postgres::Cluster::shared();
    let database = cluster.fresh_database().await;
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let key = KeyFile::new();
    let first = replica(&database, &issuer, &key).await;
    let second = replica(&database, &issuer, &key).await;
    let (one, other) = (
        World::at(first.base.clone()),
        World::at(second.base.clone()),
    );

    let created = one.begin(false).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let form = wallet_answers(&one, &alice, &created).await;
    // The same response at both replicas at once: the shared transaction is taken once.
    let ((status_one, body_one), (status_other, body_other)) =
        tokio::join!(one.post_form(&form), other.post_form(&form));
    let mut statuses = [status_one, status_other];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{body_one} / {body_other}");
    let loser = if status_one == 400 {
        body_one
    } else {
        body_other
    };
    assert_eq!(loser["error"], "invalid_request");
    for world in [&one, &other] {
        let outcome: Value = world.status(&id).await;
        assert_eq!(outcome["status"], "granted", "the loser changed nothing");
    }
}
