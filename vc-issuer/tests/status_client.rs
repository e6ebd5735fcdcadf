//! The status client end to end over loopback HTTP: an axum server on 127.0.0.1 publishes
//! signed Token Status Lists and Bitstring Status List credentials, and the client answers
//! valid, revoked, suspended — or `status_unavailable` whenever the answer cannot be trusted.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use did_core::fetch::{FetchError, FetchPolicy, HttpFetcher};
use did_core::jose::{Algorithm, AlgorithmPolicy};
use did_core::key::{KeyType, SecretKey};
use vc_issuer::report::ErrorCode;
use vc_issuer::status::{
    BitstringStatusList, BitstringStatusListCredential, BitstringStatusListEntry, MIN_ENTRIES,
    StaticStatusListKeys, StatusBits, StatusError, StatusListClient, StatusListClientConfig,
    StatusListError, StatusListReference, StatusPurpose, StatusSize, StatusValue, TokenStatusList,
    issue_status_list_token,
};

mod support;

use support::Publisher;

const KID: &str = "did:example:issuer#status-key";

fn now() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(elapsed.as_secs()).expect("fits")
}

fn client_for(issuer: &SecretKey, policy: FetchPolicy) -> StatusListClient {
    let fetcher = HttpFetcher::new(policy).expect("HTTP client");
    let keys = StaticStatusListKeys::new().with_key(KID, issuer.public_key());
    StatusListClient::new(Arc::new(fetcher), Arc::new(keys))
}

fn client(issuer: &SecretKey) -> StatusListClient {
    client_for(issuer, FetchPolicy::local_testing())
}

/// A 2-bit list: index 0 valid, 1 revoked (INVALID), 2 suspended.
fn token_list() -> TokenStatusList {
    let mut list = TokenStatusList::new(StatusBits::Two, 1024).expect("list");
    list.set(1, StatusValue::Invalid).expect("in range");
    list.set(2, StatusValue::Suspended).expect("in range");
    list
}

fn token(
    list: &TokenStatusList,
    uri: &str,
    signer_key: &SecretKey,
    exp: Option<i64>,
    ttl: Option<u64>,
) -> String {
    let signer = signer_key.signer(Algorithm::Ed25519).expect("signer");
    issue_status_list_token(list, uri, &signer, KID, now() - 10, exp, ttl).expect("token")
}

const TOKEN_TYPE: &str = "application/statuslist+jwt";

#[tokio::test]
async fn reports_valid_revoked_and_suspended() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    let body = token(&token_list(), &uri, &issuer, Some(now() + 3600), Some(300));
    server.publish("/statuslists/1", TOKEN_TYPE, body);

    let client = client(&issuer);
    let check = |idx| {
        let reference = StatusListReference::new(idx, &uri).expect("reference");
        let client = &client;
        async move { client.check(&reference).await }
    };
    assert_eq!(check(0).await, Ok(StatusValue::Valid));
    assert_eq!(check(1).await, Ok(StatusValue::Invalid));
    assert_eq!(check(2).await, Ok(StatusValue::Suspended));
    assert_eq!(check(0).await.map(StatusValue::code), Ok(None));
    assert_eq!(
        check(1).await.map(StatusValue::code),
        Ok(Some(ErrorCode::Revoked))
    );
    assert_eq!(
        check(2).await.map(StatusValue::code),
        Ok(Some(ErrorCode::Suspended))
    );
    // §8.1: the request asks for the JWT form.
    assert_eq!(
        server.seen("/statuslists/1").accept.as_deref(),
        Some(TOKEN_TYPE)
    );
    server.stop().await;
}

#[tokio::test]
async fn reads_the_status_claim_of_a_referenced_token() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&token_list(), &uri, &issuer, None, None),
    );
    let status = serde_json::json!({"status_list": {"idx": 1, "uri": uri}});
    let reference = StatusListReference::from_status_claim(&status).expect("claim");
    let checking = tokio::spawn(async move { client(&issuer).check(&reference).await });
    assert_eq!(checking.await.expect("task"), Ok(StatusValue::Invalid));
    server.stop().await;
}

fn assert_unavailable(outcome: Result<StatusValue, StatusError>, what: &str) -> StatusError {
    match outcome {
        Err(error) => {
            assert_eq!(error.code(), ErrorCode::StatusUnavailable, "{what}");
            error
        }
        Ok(status) => panic!("{what}: expected status_unavailable, got {status}"),
    }
}

#[tokio::test]
async fn status_unavailable_when_server_down() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.stop().await;
    let reference = StatusListReference::new(0, &uri).expect("reference");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "server down");
    assert!(
        matches!(
            error,
            StatusError::Fetch {
                source: FetchError::Network(_),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn status_unavailable_on_404_and_500() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let client = client(&issuer);
    let missing = StatusListReference::new(0, &server.url("/statuslists/9")).expect("ok");
    let error = assert_unavailable(client.check(&missing).await, "404");
    assert!(matches!(
        error,
        StatusError::Fetch {
            source: FetchError::Status { status: 404 },
            ..
        }
    ));
    // A server error with a perfectly good token in the body is still no answer.
    let uri = server.url("/statuslists/1");
    server.publish_with_status(
        "/statuslists/1",
        StatusCode::INTERNAL_SERVER_ERROR,
        TOKEN_TYPE,
        token(&token_list(), &uri, &issuer, None, None),
    );
    let reference = StatusListReference::new(0, &uri).expect("ok");
    assert_unavailable(client.check(&reference).await, "500");
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_signed_by_another_key() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let forger = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    // The forger marks index 1 valid again, under the issuer's kid.
    let forged = TokenStatusList::new(StatusBits::Two, 1024).expect("list");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&forged, &uri, &forger, None, None),
    );
    let reference = StatusListReference::new(1, &uri).expect("ok");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "forged");
    assert!(matches!(error, StatusError::Jose(_)), "{error:?}");
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_kid_is_unknown() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    let signer = issuer.signer(Algorithm::Ed25519).expect("signer");
    let body = issue_status_list_token(
        &token_list(),
        &uri,
        &signer,
        "did:example:other#k",
        now(),
        None,
        None,
    )
    .expect("token");
    server.publish("/statuslists/1", TOKEN_TYPE, body);
    let reference = StatusListReference::new(1, &uri).expect("ok");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "unknown kid");
    assert!(
        matches!(error, StatusError::KeyUnavailable { .. }),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_sub_is_another_uri() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    // A genuine list of the same issuer, made for another URI, served in place of list 1.
    let other = server.url("/statuslists/2");
    let valid_everywhere = TokenStatusList::new(StatusBits::Two, 1024).expect("list");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&valid_everywhere, &other, &issuer, None, None),
    );
    let reference = StatusListReference::new(1, &server.url("/statuslists/1")).expect("ok");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "sub");
    assert!(
        matches!(error, StatusError::SubjectMismatch { .. }),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_expired() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    let signer = issuer.signer(Algorithm::Ed25519).expect("signer");
    let stale = issue_status_list_token(
        &token_list(),
        &uri,
        &signer,
        KID,
        now() - 7200,
        Some(now() - 3600),
        None,
    )
    .expect("token");
    server.publish("/statuslists/1", TOKEN_TYPE, stale);
    let reference = StatusListReference::new(0, &uri).expect("ok");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "expired");
    assert!(matches!(error, StatusError::Expired { .. }), "{error:?}");
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_for_index_outside_the_list() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&token_list(), &uri, &issuer, None, None),
    );
    let reference = StatusListReference::new(1024, &uri).expect("ok");
    let error = assert_unavailable(client(&issuer).check(&reference).await, "index");
    assert!(matches!(
        error,
        StatusError::List(StatusListError::IndexOutOfRange {
            index: 1024,
            len: 1024
        })
    ));
    server.stop().await;
}

#[tokio::test]
async fn rejects_decompression_bomb_over_http() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    // 16 Mi statuses of 8 bits: 16 MiB of zeros, a token of a few dozen kilobytes.
    let huge = TokenStatusList::new(StatusBits::Eight, 16 * 1024 * 1024).expect("list");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&huge, &uri, &issuer, None, None),
    );
    let client = client(&issuer).with_config(StatusListClientConfig {
        max_list_bytes: 1024 * 1024,
        ..StatusListClientConfig::default()
    });
    let reference = StatusListReference::new(0, &uri).expect("ok");
    let error = assert_unavailable(client.check(&reference).await, "bomb");
    assert_eq!(
        error,
        StatusError::List(StatusListError::DecompressedTooLarge { max: 1024 * 1024 })
    );
    server.stop().await;
}

#[tokio::test]
async fn refuses_algorithms_outside_the_policy() {
    let issuer = SecretKey::generate(KeyType::P256);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    let signer = issuer.signer(Algorithm::Es256).expect("signer");
    let body = issue_status_list_token(&token_list(), &uri, &signer, KID, now(), None, None)
        .expect("token");
    server.publish("/statuslists/1", TOKEN_TYPE, body);
    let reference = StatusListReference::new(1, &uri).expect("ok");
    let eddsa_only = client(&issuer).with_policy(AlgorithmPolicy::new(&[Algorithm::Ed25519]));
    assert_unavailable(eddsa_only.check(&reference).await, "ES256 not allowed");
    assert_eq!(
        client(&issuer).check(&reference).await,
        Ok(StatusValue::Invalid)
    );
    server.stop().await;
}

#[tokio::test]
async fn status_fetch_goes_through_the_address_guard() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&token_list(), &uri, &issuer, None, None),
    );
    // The default policy: https only, public addresses only. Nothing reaches the server.
    let guarded = client_for(&issuer, FetchPolicy::default());
    let reference = StatusListReference::new(1, &uri).expect("ok");
    let error = assert_unavailable(guarded.check(&reference).await, "guard");
    assert!(matches!(
        error,
        StatusError::Fetch {
            source: FetchError::Refused { .. },
            ..
        }
    ));
    assert_eq!(server.seen("/statuslists/1").hits, 0);
    server.stop().await;
}

#[tokio::test]
async fn caches_within_ttl_and_refetches_after() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&token_list(), &uri, &issuer, None, Some(300)),
    );
    let client = client(&issuer);
    let start = now();
    let valid = StatusListReference::new(0, &uri).expect("ok");
    let revoked = StatusListReference::new(1, &uri).expect("ok");

    assert_eq!(client.check_at(&valid, start).await, Ok(StatusValue::Valid));
    assert_eq!(
        client.check_at(&revoked, start + 1).await,
        Ok(StatusValue::Invalid)
    );
    assert_eq!(
        client.check_at(&valid, start + 299).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(
        server.seen("/statuslists/1").hits,
        1,
        "served from cache within ttl"
    );

    // The issuer revokes index 0; the cached list still answers until its ttl runs out.
    let mut updated = token_list();
    updated.set(0, StatusValue::Invalid).expect("in range");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token(&updated, &uri, &issuer, None, Some(300)),
    );
    assert_eq!(
        client.check_at(&valid, start + 200).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(server.seen("/statuslists/1").hits, 1);
    assert_eq!(
        client.check_at(&valid, start + 300).await,
        Ok(StatusValue::Invalid)
    );
    assert_eq!(
        server.seen("/statuslists/1").hits,
        2,
        "refetched once ttl passed"
    );
    server.stop().await;
}

#[tokio::test]
async fn cache_never_outlives_exp_nor_the_configured_maximum() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let start = now();
    let client = client(&issuer).with_config(StatusListClientConfig {
        max_cache_ttl: Duration::from_secs(60),
        ..StatusListClientConfig::default()
    });
    // ttl 12 hours, exp in 100 s: cached until exp.
    let short = server.url("/statuslists/short");
    server.publish(
        "/statuslists/short",
        TOKEN_TYPE,
        token(
            &token_list(),
            &short,
            &issuer,
            Some(start + 100),
            Some(43_200),
        ),
    );
    let reference = StatusListReference::new(0, &short).expect("ok");
    assert!(client.check_at(&reference, start).await.is_ok());
    assert!(client.check_at(&reference, start + 59).await.is_ok());
    assert_eq!(server.seen("/statuslists/short").hits, 1);
    // ttl 12 hours but the verifier caches at most 60 s.
    assert!(client.check_at(&reference, start + 60).await.is_ok());
    assert_eq!(server.seen("/statuslists/short").hits, 2);
    // Past exp (and its leeway), even a freshly fetched copy of the same token is refused.
    assert_unavailable(client.check_at(&reference, start + 161).await, "past exp");
    assert_eq!(server.seen("/statuslists/short").hits, 3);
    server.stop().await;
}

// ---- Bitstring Status List credentials ----

const VC_TYPE: &str = "application/vc+jwt";

fn bitstring_credential(
    list: &BitstringStatusList,
    url: &str,
    purpose: StatusPurpose,
    key: &SecretKey,
    configure: impl FnOnce(&mut BitstringStatusListCredential),
) -> String {
    let mut credential =
        BitstringStatusListCredential::new(list, url, "did:example:issuer", purpose)
            .expect("credential");
    configure(&mut credential);
    credential
        .issue(&key.signer(Algorithm::Ed25519).expect("signer"), KID)
        .expect("vc+jwt")
}

fn entry(url: &str, purpose: &str, index: u64) -> BitstringStatusListEntry {
    BitstringStatusListEntry::from_json(&serde_json::json!({
        "id": format!("{url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": url
    }))
    .expect("entry")
}

fn revocation_list() -> BitstringStatusList {
    let mut list = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("list");
    list.set(94567, 1).expect("in range");
    list
}

#[tokio::test]
async fn bitstring_reports_revoked_suspended_and_valid() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let revocation = server.url("/credentials/status/3");
    let suspension = server.url("/credentials/status/4");
    server.publish(
        "/credentials/status/3",
        VC_TYPE,
        bitstring_credential(
            &revocation_list(),
            &revocation,
            StatusPurpose::Revocation,
            &issuer,
            |_| {},
        ),
    );
    let mut suspended = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("list");
    suspended.set(12345, 1).expect("in range");
    server.publish(
        "/credentials/status/4",
        VC_TYPE,
        bitstring_credential(
            &suspended,
            &suspension,
            StatusPurpose::Suspension,
            &issuer,
            |_| {},
        ),
    );
    let client = client(&issuer);

    let revoked = client
        .check_bitstring(&entry(&revocation, "revocation", 94567))
        .await
        .expect("checks");
    assert!(!revoked.valid);
    assert_eq!(revoked.code(), Some(ErrorCode::Revoked));
    assert_eq!(revoked.message.as_deref(), Some("set"));
    let valid = client
        .check_bitstring(&entry(&revocation, "revocation", 94566))
        .await
        .expect("checks");
    assert!(valid.valid);
    assert_eq!(valid.code(), None);
    let held = client
        .check_bitstring(&entry(&suspension, "suspension", 12345))
        .await
        .expect("checks");
    assert_eq!(held.code(), Some(ErrorCode::Suspended));
    assert_eq!(
        server.seen("/credentials/status/3").accept.as_deref(),
        Some(VC_TYPE)
    );
    assert_eq!(
        server.seen("/credentials/status/3").hits,
        1,
        "one fetch for two entries"
    );
    server.stop().await;
}

/// Recognises the error a case expects.
type ExpectedError = fn(&StatusError) -> bool;

#[tokio::test]
async fn bitstring_unavailable_when_anything_is_off() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let forger = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let client = client(&issuer);
    let list = revocation_list();

    let forged = server.url("/forged");
    server.publish(
        "/forged",
        VC_TYPE,
        bitstring_credential(&list, &forged, StatusPurpose::Revocation, &forger, |_| {}),
    );
    let expired = server.url("/expired");
    server.publish(
        "/expired",
        VC_TYPE,
        bitstring_credential(
            &list,
            &expired,
            StatusPurpose::Revocation,
            &issuer,
            |credential| {
                credential.valid_until = Some(now() - 3600);
            },
        ),
    );
    let substituted = server.url("/substituted");
    server.publish(
        "/substituted",
        VC_TYPE,
        bitstring_credential(
            &list,
            &server.url("/another-list"),
            StatusPurpose::Revocation,
            &issuer,
            |_| {},
        ),
    );
    let suspension_only = server.url("/suspension-only");
    server.publish(
        "/suspension-only",
        VC_TYPE,
        bitstring_credential(
            &list,
            &suspension_only,
            StatusPurpose::Suspension,
            &issuer,
            |_| {},
        ),
    );

    let cases: [(String, &str, ExpectedError); 5] = [
        (forged, "signed by another key", |e| {
            matches!(e, StatusError::Jose(_))
        }),
        (expired, "validUntil passed", |e| {
            matches!(e, StatusError::Expired { .. })
        }),
        (substituted, "credential id names another list", |e| {
            matches!(e, StatusError::CredentialIdMismatch { .. })
        }),
        (suspension_only, "list does not serve the purpose", |e| {
            matches!(e, StatusError::PurposeMismatch { .. })
        }),
        (server.url("/missing"), "404", |e| {
            matches!(
                e,
                StatusError::Fetch {
                    source: FetchError::Status { status: 404 },
                    ..
                }
            )
        }),
    ];
    for (url, what, expected) in cases {
        match client
            .check_bitstring(&entry(&url, "revocation", 94567))
            .await
        {
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::StatusUnavailable, "{what}");
                assert!(expected(&error), "{what}: {error:?}");
            }
            Ok(status) => panic!("{what}: expected status_unavailable, got {status:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bitstring_cache_honours_ttl_in_milliseconds() {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let url = server.url("/credentials/status/3");
    server.publish(
        "/credentials/status/3",
        VC_TYPE,
        bitstring_credential(
            &revocation_list(),
            &url,
            StatusPurpose::Revocation,
            &issuer,
            |credential| {
                credential.ttl_ms = Some(120_000);
            },
        ),
    );
    let client = client(&issuer);
    let start = now();
    let entry = entry(&url, "revocation", 94567);
    assert!(client.check_bitstring_at(&entry, start).await.is_ok());
    assert!(client.check_bitstring_at(&entry, start + 119).await.is_ok());
    assert_eq!(server.seen("/credentials/status/3").hits, 1);
    assert!(client.check_bitstring_at(&entry, start + 120).await.is_ok());
    assert_eq!(server.seen("/credentials/status/3").hits, 2);
    server.stop().await;
}

// ---- lists bound to the credential's issuer ----

/// A Status List Token that names its issuer in `iss`, signed under [`KID`].
fn token_naming_issuer(list: &TokenStatusList, uri: &str, iss: &str, key: &SecretKey) -> String {
    let mut header = serde_json::Map::new();
    header.insert("typ".into(), serde_json::json!("statuslist+jwt"));
    header.insert("kid".into(), serde_json::json!(KID));
    let claims = serde_json::json!({
        "sub": uri,
        "iss": iss,
        "iat": now() - 10,
        "status_list": list.encode().expect("encodes"),
    });
    let payload = serde_json::to_vec(&claims).expect("serializes");
    let signer = key.signer(Algorithm::Ed25519).expect("signer");
    did_core::jose::sign_compact(&header, &payload, &signer).expect("token")
}

#[tokio::test]
async fn rejects_list_naming_another_issuer() {
    // Even under a pinned key, a list that says it speaks for another issuer does not speak
    // for this credential's (Token Status List §11.3).
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let server = Publisher::start().await;
    let uri = server.url("/statuslists/1");
    server.publish(
        "/statuslists/1",
        TOKEN_TYPE,
        token_naming_issuer(&token_list(), &uri, "did:example:issuer", &issuer),
    );
    let client = client(&issuer);
    let reference = StatusListReference::new(1, &uri).expect("reference");
    let now = now();
    let error = assert_unavailable(
        client
            .check_issued_by_at(&reference, "did:example:other", now)
            .await,
        "token of another issuer",
    );
    assert!(
        matches!(error, StatusError::IssuerMismatch { .. }),
        "{error:?}"
    );
    assert_eq!(
        client
            .check_issued_by_at(&reference, "did:example:issuer", now)
            .await,
        Ok(StatusValue::Invalid)
    );

    let url = server.url("/credentials/status/3");
    server.publish(
        "/credentials/status/3",
        VC_TYPE,
        bitstring_credential(
            &revocation_list(),
            &url,
            StatusPurpose::Revocation,
            &issuer,
            |_| {},
        ),
    );
    let entry = entry(&url, "revocation", 94567);
    match client
        .check_bitstring_issued_by_at(&entry, "did:example:other", now)
        .await
    {
        Err(error) => assert!(
            matches!(error, StatusError::IssuerMismatch { .. }),
            "{error:?}"
        ),
        Ok(status) => panic!("list of another issuer accepted: {status:?}"),
    }
    let status = client
        .check_bitstring_issued_by_at(&entry, "did:example:issuer", now)
        .await
        .expect("the issuer's own list");
    assert_eq!(status.code(), Some(ErrorCode::Revoked));
    // Each list fetched twice: a list refused for one issuer is not cached at all.
    assert_eq!(server.seen("/statuslists/1").hits, 2);
    assert_eq!(server.seen("/credentials/status/3").hits, 2);
    server.stop().await;
}
