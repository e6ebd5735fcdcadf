//! The status client end to end over loopback HTTP: an axum server on 127.0.0.1 publishes
//! signed Token Status Lists and Bitstring Status List credentials, and the client answers
//! valid, revoked, suspended — or `status_unavailable` whenever the answer cannot be trusted.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use did_core::fetch::{FetchError, FetchPolicy, HttpFetcher};
use did_core::jose::{Algorithm, AlgorithmPolicy};
use did_core::key::{KeyType, SecretKey};
use vc_issuer::report::ErrorCode;
use vc_issuer::status::{
    BitstringStatusList, BitstringStatusListCredential, BitstringStatusListEntry,
    StaticStatusListKeys, StatusBits, StatusError, StatusListClient, StatusListClientConfig,
    StatusListError, StatusListReference, StatusPurpose, StatusValue, TokenStatusList,
    issue_status_list_token,
};

mod support;

use support::{
    LIST, Publisher, REVOKED_INDEX, SUSPENDED_INDEX, TOKEN_TYPE, VC_TYPE, bitstring,
    bitstring_status_list_entry,
};

const ISSUER: &str = "did:example:issuer";
const KID: &str = "did:example:issuer#status-key";

fn now() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(elapsed.as_secs()).expect("fits")
}

/// A fresh Ed25519 key: an issuer's, or a forger's.
fn ed25519_key() -> SecretKey {
    SecretKey::generate(KeyType::Ed25519)
}

fn client_for(issuer: &SecretKey, policy: FetchPolicy) -> StatusListClient {
    let fetcher = HttpFetcher::new(policy).expect("HTTP client");
    let keys = StaticStatusListKeys::new().with_key(KID, issuer.public_key());
    StatusListClient::new(Arc::new(fetcher), Arc::new(keys))
}

fn client(issuer: &SecretKey) -> StatusListClient {
    client_for(issuer, FetchPolicy::local_testing())
}

// ---- Token Status Lists ----

/// A 2-bit list: index 0 valid, 1 revoked (INVALID), 2 suspended.
fn token_list() -> TokenStatusList {
    let mut list = all_valid();
    list.set(1, StatusValue::Invalid).expect("in range");
    list.set(2, StatusValue::Suspended).expect("in range");
    list
}

/// A 2-bit list with every index VALID: what a forger would like a verifier to believe.
fn all_valid() -> TokenStatusList {
    TokenStatusList::new(StatusBits::Two, 1024).expect("list")
}

/// A Status List Token as a test publishes it: `list` for `uri`, signed with EdDSA by `key`
/// under [`KID`], issued 10 s ago, with neither `exp` nor `ttl`. A test that needs another
/// header or claim sets only that field.
struct Token<'a> {
    list: &'a TokenStatusList,
    uri: &'a str,
    key: &'a SecretKey,
    algorithm: Algorithm,
    kid: &'a str,
    iat: i64,
    exp: Option<i64>,
    ttl: Option<u64>,
}

impl<'a> Token<'a> {
    fn new(list: &'a TokenStatusList, uri: &'a str, key: &'a SecretKey) -> Token<'a> {
        Token {
            list,
            uri,
            key,
            algorithm: Algorithm::Ed25519,
            kid: KID,
            iat: now() - 10,
            exp: None,
            ttl: None,
        }
    }

    fn sign(self) -> String {
        let signer = self.key.signer(self.algorithm).expect("signer");
        issue_status_list_token(
            self.list, self.uri, &signer, self.kid, self.iat, self.exp, self.ttl,
        )
        .expect("token")
    }
}

/// A fresh server publishing at [`LIST`] the token `issue` makes for that URL; the URL.
async fn serve_token(issue: impl FnOnce(&str) -> String) -> (Publisher, String) {
    let server = Publisher::start().await;
    let uri = server.publish_for_url(LIST, TOKEN_TYPE, issue);
    (server, uri)
}

/// A fresh server publishing the issuer's [`token_list`] at [`LIST`]; the URL.
async fn serve_token_list(issuer: &SecretKey) -> (Publisher, String) {
    serve_token_list_with(issuer, |_| {}).await
}

/// The same, in a token that `change` has made different from [`Token::new`]'s.
async fn serve_token_list_with(
    issuer: &SecretKey,
    change: impl FnOnce(&mut Token<'_>),
) -> (Publisher, String) {
    serve_token(|uri| {
        let list = token_list();
        let mut token = Token::new(&list, uri, issuer);
        change(&mut token);
        token.sign()
    })
    .await
}

fn reference(idx: u64, uri: &str) -> StatusListReference {
    StatusListReference::new(idx, uri).expect("reference")
}

/// The error an outcome had to be.
fn expect_error<T: Debug>(outcome: Result<T, StatusError>, what: &str) -> StatusError {
    match outcome {
        Err(error) => error,
        Ok(status) => panic!("{what}: expected an error, got {status:?}"),
    }
}

fn assert_unavailable<T: Debug>(outcome: Result<T, StatusError>, what: &str) -> StatusError {
    let error = expect_error(outcome, what);
    assert_eq!(error.code(), ErrorCode::StatusUnavailable, "{what}");
    error
}

/// Checks index `idx` of the list at `uri`, which has to come out `status_unavailable`.
async fn check_unavailable(
    client: &StatusListClient,
    idx: u64,
    uri: &str,
    what: &str,
) -> StatusError {
    assert_unavailable(client.check(&reference(idx, uri)).await, what)
}

#[tokio::test]
async fn reports_valid_revoked_and_suspended() {
    let issuer = ed25519_key();
    let (server, uri) = serve_token_list_with(&issuer, |token| {
        token.exp = Some(now() + 3600);
        token.ttl = Some(300);
    })
    .await;

    let client = client(&issuer);
    for (idx, status, code) in [
        (0, StatusValue::Valid, None),
        (1, StatusValue::Invalid, Some(ErrorCode::Revoked)),
        (2, StatusValue::Suspended, Some(ErrorCode::Suspended)),
    ] {
        let checked = client.check(&reference(idx, &uri)).await;
        assert_eq!(checked, Ok(status), "index {idx}");
        assert_eq!(checked.map(StatusValue::code), Ok(code), "index {idx}");
    }
    // §8.1: the request asks for the JWT form.
    assert_eq!(server.seen(LIST).accept.as_deref(), Some(TOKEN_TYPE));
    server.stop().await;
}

#[tokio::test]
async fn reads_the_status_claim_of_a_referenced_token() {
    let issuer = ed25519_key();
    let (server, uri) = serve_token_list(&issuer).await;
    let status = serde_json::json!({"status_list": {"idx": 1, "uri": uri}});
    let reference = StatusListReference::from_status_claim(&status).expect("claim");
    let checking = tokio::spawn(async move { client(&issuer).check(&reference).await });
    assert_eq!(checking.await.expect("task"), Ok(StatusValue::Invalid));
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_server_down() {
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    let uri = server.url(LIST);
    server.stop().await;
    let error = check_unavailable(&client(&issuer), 0, &uri, "server down").await;
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
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    let client = client(&issuer);
    let error = check_unavailable(&client, 0, &server.url("/statuslists/9"), "404").await;
    assert!(
        matches!(
            error,
            StatusError::Fetch {
                source: FetchError::Status { status: 404 },
                ..
            }
        ),
        "{error:?}"
    );
    // A server error with a perfectly good token in the body is still no answer.
    let uri = server.url(LIST);
    let good = Token::new(&token_list(), &uri, &issuer).sign();
    server.publish_with_status(LIST, StatusCode::INTERNAL_SERVER_ERROR, TOKEN_TYPE, good);
    check_unavailable(&client, 0, &uri, "500").await;
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_signed_by_another_key() {
    let issuer = ed25519_key();
    let forger = ed25519_key();
    // The forger marks index 1 valid again, under the issuer's kid.
    let (server, uri) = serve_token(|uri| Token::new(&all_valid(), uri, &forger).sign()).await;
    let error = check_unavailable(&client(&issuer), 1, &uri, "forged").await;
    assert!(matches!(error, StatusError::Jose(_)), "{error:?}");
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_kid_is_unknown() {
    let issuer = ed25519_key();
    let (server, uri) =
        serve_token_list_with(&issuer, |token| token.kid = "did:example:other#k").await;
    let error = check_unavailable(&client(&issuer), 1, &uri, "unknown kid").await;
    assert!(
        matches!(error, StatusError::KeyUnavailable { .. }),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_sub_is_another_uri() {
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    // A genuine list of the same issuer, made for another URI, served in place of list 1.
    let other = server.url("/statuslists/2");
    server.publish(
        LIST,
        TOKEN_TYPE,
        Token::new(&all_valid(), &other, &issuer).sign(),
    );
    let uri = server.url(LIST);
    let error = check_unavailable(&client(&issuer), 1, &uri, "sub").await;
    assert!(
        matches!(error, StatusError::SubjectMismatch { .. }),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_when_expired() {
    let issuer = ed25519_key();
    let (server, uri) = serve_token_list_with(&issuer, |token| {
        token.iat = now() - 7200;
        token.exp = Some(now() - 3600);
    })
    .await;
    let error = check_unavailable(&client(&issuer), 0, &uri, "expired").await;
    assert!(matches!(error, StatusError::Expired { .. }), "{error:?}");
    server.stop().await;
}

#[tokio::test]
async fn status_unavailable_for_index_outside_the_list() {
    let issuer = ed25519_key();
    let (server, uri) = serve_token_list(&issuer).await;
    let error = check_unavailable(&client(&issuer), 1024, &uri, "index").await;
    assert!(
        matches!(
            error,
            StatusError::List(StatusListError::IndexOutOfRange {
                index: 1024,
                len: 1024
            })
        ),
        "{error:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn rejects_decompression_bomb_over_http() {
    let issuer = ed25519_key();
    // 16 Mi statuses of 8 bits: 16 MiB of zeros, a token of a few dozen kilobytes.
    let huge = TokenStatusList::new(StatusBits::Eight, 16 * 1024 * 1024).expect("list");
    let (server, uri) = serve_token(|uri| Token::new(&huge, uri, &issuer).sign()).await;
    let client = client(&issuer).with_config(StatusListClientConfig {
        max_list_bytes: 1024 * 1024,
        ..StatusListClientConfig::default()
    });
    let error = check_unavailable(&client, 0, &uri, "bomb").await;
    assert_eq!(
        error,
        StatusError::List(StatusListError::DecompressedTooLarge { max: 1024 * 1024 })
    );
    server.stop().await;
}

#[tokio::test]
async fn refuses_algorithms_outside_the_policy() {
    let issuer = SecretKey::generate(KeyType::P256);
    let (server, uri) =
        serve_token_list_with(&issuer, |token| token.algorithm = Algorithm::Es256).await;
    let eddsa_only = client(&issuer).with_policy(AlgorithmPolicy::new(&[Algorithm::Ed25519]));
    check_unavailable(&eddsa_only, 1, &uri, "ES256 not allowed").await;
    assert_eq!(
        client(&issuer).check(&reference(1, &uri)).await,
        Ok(StatusValue::Invalid)
    );
    server.stop().await;
}

#[tokio::test]
async fn status_fetch_goes_through_the_address_guard() {
    let issuer = ed25519_key();
    let (server, uri) = serve_token_list(&issuer).await;
    // The default policy: https only, public addresses only. Nothing reaches the server.
    let guarded = client_for(&issuer, FetchPolicy::default());
    let error = check_unavailable(&guarded, 1, &uri, "guard").await;
    assert!(
        matches!(
            error,
            StatusError::Fetch {
                source: FetchError::Refused { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.hits(LIST), 0);
    server.stop().await;
}

#[tokio::test]
async fn caches_within_ttl_and_refetches_after() {
    let issuer = ed25519_key();
    let cached_for_300s = |list: &TokenStatusList, uri: &str| {
        Token {
            ttl: Some(300),
            ..Token::new(list, uri, &issuer)
        }
        .sign()
    };
    let (server, uri) = serve_token(|uri| cached_for_300s(&token_list(), uri)).await;
    let client = client(&issuer);
    let start = now();
    let (valid, revoked) = (reference(0, &uri), reference(1, &uri));

    assert_eq!(client.check_at(&valid, start).await, Ok(StatusValue::Valid));
    assert_eq!(
        client.check_at(&revoked, start + 1).await,
        Ok(StatusValue::Invalid)
    );
    assert_eq!(
        client.check_at(&valid, start + 299).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(server.hits(LIST), 1, "served from cache within ttl");

    // The issuer revokes index 0; the cached list still answers until its ttl runs out.
    let mut updated = token_list();
    updated.set(0, StatusValue::Invalid).expect("in range");
    server.publish(LIST, TOKEN_TYPE, cached_for_300s(&updated, &uri));
    assert_eq!(
        client.check_at(&valid, start + 200).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(server.hits(LIST), 1);
    assert_eq!(
        client.check_at(&valid, start + 300).await,
        Ok(StatusValue::Invalid)
    );
    assert_eq!(server.hits(LIST), 2, "refetched once ttl passed");
    server.stop().await;
}

#[tokio::test]
async fn cache_never_outlives_exp_nor_the_configured_maximum() {
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    let start = now();
    let client = client(&issuer).with_config(StatusListClientConfig {
        max_cache_ttl: Duration::from_secs(60),
        ..StatusListClientConfig::default()
    });
    // ttl 12 hours, exp in 100 s: cached until exp.
    const SHORT: &str = "/statuslists/short";
    let short = server.publish_for_url(SHORT, TOKEN_TYPE, |uri| {
        Token {
            exp: Some(start + 100),
            ttl: Some(43_200),
            ..Token::new(&token_list(), uri, &issuer)
        }
        .sign()
    });
    let reference = reference(0, &short);
    assert!(client.check_at(&reference, start).await.is_ok());
    assert!(client.check_at(&reference, start + 59).await.is_ok());
    assert_eq!(server.hits(SHORT), 1);
    // ttl 12 hours but the verifier caches at most 60 s.
    assert!(client.check_at(&reference, start + 60).await.is_ok());
    assert_eq!(server.hits(SHORT), 2);
    // Past exp (and its leeway), even a freshly fetched copy of the same token is refused.
    assert_unavailable(client.check_at(&reference, start + 161).await, "past exp");
    assert_eq!(server.hits(SHORT), 3);
    server.stop().await;
}

// ---- Bitstring Status List credentials ----

/// Where a test publishes its revocation list.
const REVOCATION_LIST: &str = "/credentials/status/3";

/// An unsigned status list credential of [`ISSUER`] for `list`, published at `url`; a test
/// changes a field with struct update syntax before [`signed`].
fn credential(
    list: &BitstringStatusList,
    url: &str,
    purpose: StatusPurpose,
) -> BitstringStatusListCredential {
    BitstringStatusListCredential::new(list, url, ISSUER, purpose).expect("credential")
}

/// `credential` secured as `vc+jwt` by `key` under [`KID`].
fn signed(credential: BitstringStatusListCredential, key: &SecretKey) -> String {
    credential
        .issue(&key.signer(Algorithm::Ed25519).expect("signer"), KID)
        .expect("vc+jwt")
}

/// Publishes at `path` a credential of `list` for `purpose`, made for that URL and signed by
/// `key`; the URL.
fn publish_list(
    server: &Publisher,
    path: &str,
    list: &BitstringStatusList,
    purpose: StatusPurpose,
    key: &SecretKey,
) -> String {
    server.publish_for_url(path, VC_TYPE, |url| {
        signed(credential(list, url, purpose), key)
    })
}

fn entry(url: &str, purpose: &str, index: u64) -> BitstringStatusListEntry {
    BitstringStatusListEntry::from_json(&bitstring_status_list_entry(url, purpose, index))
        .expect("entry")
}

#[tokio::test]
async fn bitstring_reports_revoked_suspended_and_valid() {
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    let revocation = publish_list(
        &server,
        REVOCATION_LIST,
        &bitstring(REVOKED_INDEX),
        StatusPurpose::Revocation,
        &issuer,
    );
    let suspension = publish_list(
        &server,
        "/credentials/status/4",
        &bitstring(SUSPENDED_INDEX),
        StatusPurpose::Suspension,
        &issuer,
    );
    let client = client(&issuer);
    let check = |url: &str, purpose: &str, index| {
        let (entry, client) = (entry(url, purpose, index), &client);
        async move { client.check_bitstring(&entry).await.expect("checks") }
    };

    let revoked = check(&revocation, "revocation", REVOKED_INDEX).await;
    assert!(!revoked.valid);
    assert_eq!(revoked.code(), Some(ErrorCode::Revoked));
    assert_eq!(revoked.message.as_deref(), Some("set"));
    let valid = check(&revocation, "revocation", REVOKED_INDEX - 1).await;
    assert!(valid.valid);
    assert_eq!(valid.code(), None);
    let held = check(&suspension, "suspension", SUSPENDED_INDEX).await;
    assert_eq!(held.code(), Some(ErrorCode::Suspended));
    assert_eq!(
        server.seen(REVOCATION_LIST).accept.as_deref(),
        Some(VC_TYPE)
    );
    assert_eq!(server.hits(REVOCATION_LIST), 1, "one fetch for two entries");
    server.stop().await;
}

/// Recognises the error a case expects.
type ExpectedError = fn(&StatusError) -> bool;

#[tokio::test]
async fn bitstring_unavailable_when_anything_is_off() {
    let issuer = ed25519_key();
    let forger = ed25519_key();
    let server = Publisher::start().await;
    let client = client(&issuer);
    let list = bitstring(REVOKED_INDEX);

    let forged = publish_list(
        &server,
        "/forged",
        &list,
        StatusPurpose::Revocation,
        &forger,
    );
    let expired = server.publish_for_url("/expired", VC_TYPE, |url| {
        let expired = BitstringStatusListCredential {
            valid_until: Some(now() - 3600),
            ..credential(&list, url, StatusPurpose::Revocation)
        };
        signed(expired, &issuer)
    });
    let another_list = server.url("/another-list");
    let substituted = server.publish_for_url("/substituted", VC_TYPE, |_| {
        signed(
            credential(&list, &another_list, StatusPurpose::Revocation),
            &issuer,
        )
    });
    let suspension_only = publish_list(
        &server,
        "/suspension-only",
        &list,
        StatusPurpose::Suspension,
        &issuer,
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
        let checked = client
            .check_bitstring(&entry(&url, "revocation", REVOKED_INDEX))
            .await;
        let error = assert_unavailable(checked, what);
        assert!(expected(&error), "{what}: {error:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn bitstring_cache_honours_ttl_in_milliseconds() {
    let issuer = ed25519_key();
    let server = Publisher::start().await;
    let url = server.publish_for_url(REVOCATION_LIST, VC_TYPE, |url| {
        let cached_for_120s = BitstringStatusListCredential {
            ttl_ms: Some(120_000),
            ..credential(&bitstring(REVOKED_INDEX), url, StatusPurpose::Revocation)
        };
        signed(cached_for_120s, &issuer)
    });
    let client = client(&issuer);
    let start = now();
    let entry = entry(&url, "revocation", REVOKED_INDEX);
    assert!(client.check_bitstring_at(&entry, start).await.is_ok());
    assert!(client.check_bitstring_at(&entry, start + 119).await.is_ok());
    assert_eq!(server.hits(REVOCATION_LIST), 1);
    assert!(client.check_bitstring_at(&entry, start + 120).await.is_ok());
    assert_eq!(server.hits(REVOCATION_LIST), 2);
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
    let issuer = ed25519_key();
    let (server, uri) =
        serve_token(|uri| token_naming_issuer(&token_list(), uri, ISSUER, &issuer)).await;
    let client = client(&issuer);
    let reference = reference(1, &uri);
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
        client.check_issued_by_at(&reference, ISSUER, now).await,
        Ok(StatusValue::Invalid)
    );

    let url = publish_list(
        &server,
        REVOCATION_LIST,
        &bitstring(REVOKED_INDEX),
        StatusPurpose::Revocation,
        &issuer,
    );
    let entry = entry(&url, "revocation", REVOKED_INDEX);
    let error = expect_error(
        client
            .check_bitstring_issued_by_at(&entry, "did:example:other", now)
            .await,
        "list of another issuer accepted",
    );
    assert!(
        matches!(error, StatusError::IssuerMismatch { .. }),
        "{error:?}"
    );
    let status = client
        .check_bitstring_issued_by_at(&entry, ISSUER, now)
        .await
        .expect("the issuer's own list");
    assert_eq!(status.code(), Some(ErrorCode::Revoked));
    // Each list fetched twice: a list refused for one issuer is not cached at all.
    assert_eq!(server.hits(LIST), 2);
    assert_eq!(server.hits(REVOCATION_LIST), 2);
    server.stop().await;
}
