//! The status client's logic over a fake fetcher: signed Token Status Lists and Bitstring
//! Status List credentials are served from a map, the issuer is a did:key whose list key is
//! found in its DID document exactly as its credential key is, and the client answers valid,
//! revoked, suspended — or `status_unavailable` whenever the answer cannot be trusted. Time is
//! a fixed `T`, years before the wall clock: nothing here may read it.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use did_core::fetch::FetchError;
use did_core::fetch::fake::FakeFetcher;
use did_core::jose::{Algorithm, AlgorithmPolicy, sign_compact};
use did_core::key::KeyType;
use serde_json::{Value, json};
use vc_issuer::report::ErrorCode;
use vc_issuer::status::{
    BitstringStatusList, BitstringStatusListCredential, MAX_STATUS_ENTRIES, StatusBits,
    StatusCheck, StatusError, StatusListClient, StatusListClientConfig, StatusListError,
    StatusListReference, StatusPurpose, StatusReference, StatusValue, TokenStatusList,
    issue_status_list_token,
};

mod support;

use support::{
    Party, REVOKED_INDEX, SUSPENDED_INDEX, TOKEN_TYPE, VC_TYPE, bitstring,
    bitstring_status_list_entry, issuer_keys,
};

/// The time of every check: November 2023.
const T: u64 = 1_700_000_000;
/// Where the Token Status List is published.
const LIST: &str = "https://status.example/statuslists/1";

fn client(fetcher: &Arc<FakeFetcher>) -> StatusListClient {
    StatusListClient::new(fetcher.clone(), issuer_keys())
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

/// A Status List Token as a test publishes it: `list` for `uri`, signed by `signer`'s key
/// under `kid`, issued at `T - 10`, with neither `exp` nor `ttl` unless a test sets them.
struct Token<'a> {
    list: &'a TokenStatusList,
    uri: &'a str,
    signer: &'a Party,
    kid: String,
    iat: u64,
    exp: Option<u64>,
    ttl: Option<u64>,
}

impl<'a> Token<'a> {
    fn new(list: &'a TokenStatusList, uri: &'a str, signer: &'a Party) -> Token<'a> {
        Token {
            list,
            uri,
            signer,
            kid: signer.kid(),
            iat: T - 10,
            exp: None,
            ttl: None,
        }
    }

    fn sign(self) -> String {
        issue_status_list_token(
            self.list,
            self.uri,
            &self.signer.signer,
            &self.kid,
            self.iat,
            self.exp,
            self.ttl,
        )
        .expect("token")
    }
}

/// A fetcher serving `token` at [`LIST`].
fn serving_token(token: String) -> Arc<FakeFetcher> {
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve(LIST, TOKEN_TYPE, token);
    fetcher
}

fn status_claim(idx: u64, uri: &str) -> Value {
    StatusListReference::new(idx, uri)
        .expect("reference")
        .to_status_claim()
}

/// The status of index `idx` of the list at `uri`, for a credential of `issuer`, at `now`.
async fn token_status(
    client: &StatusListClient,
    idx: u64,
    uri: &str,
    issuer: &Party,
    now: u64,
) -> Result<StatusValue, StatusError> {
    let claim = status_claim(idx, uri);
    let issuer = issuer.did();
    let reference = StatusReference::Token {
        claim: &claim,
        issuer: &issuer,
    };
    client.check(&reference, now).await
}

/// The error an outcome had to be, with the report code `status_unavailable`.
fn unavailable<T: Debug>(outcome: Result<T, StatusError>, what: &str) -> StatusError {
    match outcome {
        Err(error) => {
            assert_eq!(error.code(), ErrorCode::StatusUnavailable, "{what}");
            error
        }
        Ok(status) => panic!("{what}: expected an error, got {status:?}"),
    }
}

#[tokio::test]
async fn reports_valid_revoked_and_suspended() {
    let issuer = Party::new();
    let fetcher = serving_token(Token::new(&token_list(), LIST, &issuer).sign());
    let client = client(&fetcher);
    for (idx, status) in [
        (0, StatusValue::Valid),
        (1, StatusValue::Invalid),
        (2, StatusValue::Suspended),
    ] {
        assert_eq!(
            token_status(&client, idx, LIST, &issuer, T).await,
            Ok(status),
            "index {idx}"
        );
    }
    // §8.1: the request asks for the JWT form.
    assert_eq!(fetcher.requests(LIST).accept.as_deref(), Some(TOKEN_TYPE));
}

#[tokio::test]
async fn status_unavailable_when_the_fetch_fails() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.fail(LIST, FetchError::Network("connection refused".into()));
    let error = unavailable(
        token_status(&client(&fetcher), 0, LIST, &issuer, T).await,
        "unreachable",
    );
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
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve_status(LIST, 404, "text/plain", "not found");
    let error = unavailable(
        token_status(&client(&fetcher), 0, LIST, &issuer, T).await,
        "404",
    );
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
    let good = Token::new(&token_list(), LIST, &issuer).sign();
    fetcher.serve_status(LIST, 500, TOKEN_TYPE, good);
    unavailable(
        token_status(&client(&fetcher), 0, LIST, &issuer, T).await,
        "500",
    );
}

#[tokio::test]
async fn rejects_list_forged_under_the_issuers_kid() {
    let issuer = Party::new();
    let forger = Party::new();
    // The forger marks index 1 valid again, under the issuer's kid.
    let list = all_valid();
    let forged = Token {
        kid: issuer.kid(),
        ..Token::new(&list, LIST, &forger)
    };
    let fetcher = serving_token(forged.sign());
    let error = unavailable(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        "forged",
    );
    assert!(
        matches!(
            error,
            StatusError::Jose(did_core::jose::JoseError::BadSignature)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn rejects_list_signed_by_another_did() {
    // Whoever serves the list URL signs a list of their own, with a key their own did:key
    // perfectly authorizes.
    let issuer = Party::new();
    let attacker = Party::new();
    let fetcher = serving_token(Token::new(&all_valid(), LIST, &attacker).sign());
    let client = client(&fetcher);
    let error = unavailable(
        token_status(&client, 1, LIST, &issuer, T).await,
        "attacker's list",
    );
    match &error {
        StatusError::KeyUnavailable { reason, .. } => {
            assert!(reason.contains("credential's issuer"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fetcher.hits(LIST), 1, "refused after the fetch, not by it");
    // The same list answers for the attacker's own credentials.
    assert_eq!(
        token_status(&client, 1, LIST, &attacker, T).await,
        Ok(StatusValue::Valid)
    );
}

/// A Status List Token that names its issuer in `iss`, signed by `signer`.
fn token_naming_issuer(list: &TokenStatusList, iss: &str, signer: &Party) -> String {
    let mut header = serde_json::Map::new();
    header.insert("typ".into(), json!("statuslist+jwt"));
    header.insert("kid".into(), json!(signer.kid()));
    let claims = json!({
        "sub": LIST,
        "iss": iss,
        "iat": T - 10,
        "status_list": list.encode().expect("encodes"),
    });
    let payload = serde_json::to_vec(&claims).expect("serializes");
    sign_compact(&header, &payload, &signer.signer).expect("token")
}

#[tokio::test]
async fn rejects_list_naming_another_issuer() {
    // Signed by the credential's own issuer, but saying it speaks for another: it does not
    // speak for this credential (Token Status List §11.3).
    let issuer = Party::new();
    let fetcher = serving_token(token_naming_issuer(
        &token_list(),
        "did:example:other",
        &issuer,
    ));
    let error = unavailable(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        "list of another issuer",
    );
    assert!(
        matches!(error, StatusError::IssuerMismatch { .. }),
        "{error:?}"
    );
    // Naming its own issuer, the same list is believed.
    let fetcher = serving_token(token_naming_issuer(&token_list(), &issuer.did(), &issuer));
    assert_eq!(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        Ok(StatusValue::Invalid)
    );
}

#[tokio::test]
async fn rejects_list_cached_for_another_issuer() {
    // The attacker first has a credential of their own checked against a list they signed
    // at the victim's list URL; the victim's credential must not be answered from it.
    let issuer = Party::new();
    let attacker = Party::new();
    let fetcher = serving_token(Token::new(&all_valid(), LIST, &attacker).sign());
    let client = client(&fetcher);
    assert_eq!(
        token_status(&client, 1, LIST, &attacker, T).await,
        Ok(StatusValue::Valid)
    );
    unavailable(
        token_status(&client, 1, LIST, &issuer, T).await,
        "cached for another issuer",
    );
    assert_eq!(fetcher.hits(LIST), 2, "the victim's check fetched anew");
}

#[tokio::test]
async fn rejects_substituted_list_for_another_uri() {
    // A genuine list of the same issuer, made for another URI, served in place of list 1.
    let issuer = Party::new();
    let other = "https://status.example/statuslists/2";
    let fetcher = serving_token(Token::new(&all_valid(), other, &issuer).sign());
    let error = unavailable(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        "sub",
    );
    assert!(
        matches!(error, StatusError::SubjectMismatch { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn checks_the_list_at_the_verifiers_now() {
    // The list expired in 2023, long before the wall clock: at a `now` before its `exp` it is
    // believed, at a `now` after it (and the leeway) refused.
    let issuer = Party::new();
    let list = token_list();
    let expiring = Token {
        exp: Some(T + 100),
        ..Token::new(&list, LIST, &issuer)
    };
    let fetcher = serving_token(expiring.sign());
    assert_eq!(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        Ok(StatusValue::Invalid)
    );
    let error = unavailable(
        token_status(&client(&fetcher), 1, LIST, &issuer, T + 161).await,
        "past exp",
    );
    assert_eq!(
        error,
        StatusError::Expired {
            expired_at: T + 100,
            now: T + 161
        }
    );
    // Issued after `now`: not valid yet.
    let error = unavailable(
        token_status(&client(&fetcher), 1, LIST, &issuer, T - 100).await,
        "before iat",
    );
    assert!(
        matches!(error, StatusError::NotYetValid { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn status_unavailable_for_index_outside_the_list() {
    let issuer = Party::new();
    let fetcher = serving_token(Token::new(&token_list(), LIST, &issuer).sign());
    let error = unavailable(
        token_status(&client(&fetcher), 1024, LIST, &issuer, T).await,
        "index",
    );
    assert_eq!(
        error,
        StatusError::List(StatusListError::IndexOutOfRange {
            index: 1024,
            len: 1024
        })
    );
}

#[tokio::test]
async fn rejects_decompression_bomb() {
    let issuer = Party::new();
    // 16 Mi statuses of 8 bits: 16 MiB of zeros, a token of a few dozen kilobytes.
    let huge = TokenStatusList::new(StatusBits::Eight, 16 * 1024 * 1024).expect("list");
    let fetcher = serving_token(Token::new(&huge, LIST, &issuer).sign());
    let client = client(&fetcher).with_config(StatusListClientConfig {
        max_list_bytes: 1024 * 1024,
        ..StatusListClientConfig::default()
    });
    let error = unavailable(token_status(&client, 0, LIST, &issuer, T).await, "bomb");
    assert_eq!(
        error,
        StatusError::List(StatusListError::DecompressedTooLarge { max: 1024 * 1024 })
    );
}

#[tokio::test]
async fn refuses_algorithms_outside_the_policy() {
    let issuer = Party::of(KeyType::P256, Algorithm::Es256);
    let fetcher = serving_token(Token::new(&token_list(), LIST, &issuer).sign());
    let eddsa_only = client(&fetcher).with_policy(AlgorithmPolicy::new(&[Algorithm::Ed25519]));
    let error = unavailable(
        token_status(&eddsa_only, 1, LIST, &issuer, T).await,
        "ES256 not allowed",
    );
    assert!(matches!(error, StatusError::Jose(_)), "{error:?}");
    assert_eq!(
        token_status(&client(&fetcher), 1, LIST, &issuer, T).await,
        Ok(StatusValue::Invalid)
    );
}

#[tokio::test]
async fn caches_within_ttl_and_refetches_after() {
    let issuer = Party::new();
    let cached_for_300s = |list: &TokenStatusList| {
        Token {
            ttl: Some(300),
            ..Token::new(list, LIST, &issuer)
        }
        .sign()
    };
    let fetcher = serving_token(cached_for_300s(&token_list()));
    let client = client(&fetcher);
    let status = |idx, now| token_status(&client, idx, LIST, &issuer, now);

    assert_eq!(status(0, T).await, Ok(StatusValue::Valid));
    assert_eq!(status(1, T + 1).await, Ok(StatusValue::Invalid));
    assert_eq!(status(0, T + 299).await, Ok(StatusValue::Valid));
    assert_eq!(fetcher.hits(LIST), 1, "served from cache within ttl");

    // The issuer revokes index 0; the cached list still answers until its ttl runs out.
    let mut updated = token_list();
    updated.set(0, StatusValue::Invalid).expect("in range");
    fetcher.serve(LIST, TOKEN_TYPE, cached_for_300s(&updated));
    assert_eq!(status(0, T + 200).await, Ok(StatusValue::Valid));
    assert_eq!(fetcher.hits(LIST), 1);
    assert_eq!(status(0, T + 300).await, Ok(StatusValue::Invalid));
    assert_eq!(fetcher.hits(LIST), 2, "refetched once ttl passed");
}

#[tokio::test]
async fn cache_never_outlives_exp_nor_the_configured_maximum() {
    let issuer = Party::new();
    // ttl 12 hours, exp in 100 s.
    let fetcher = serving_token(
        Token {
            exp: Some(T + 100),
            ttl: Some(43_200),
            ..Token::new(&token_list(), LIST, &issuer)
        }
        .sign(),
    );
    let client = client(&fetcher).with_config(StatusListClientConfig {
        max_cache_ttl: Duration::from_secs(60),
        ..StatusListClientConfig::default()
    });
    let status = |now| token_status(&client, 0, LIST, &issuer, now);
    assert!(status(T).await.is_ok());
    assert!(status(T + 59).await.is_ok());
    assert_eq!(fetcher.hits(LIST), 1);
    // ttl 12 hours but the verifier caches at most 60 s.
    assert!(status(T + 60).await.is_ok());
    assert_eq!(fetcher.hits(LIST), 2);
    // Cached until exp at most: past it, the list is fetched again — and refused.
    unavailable(status(T + 161).await, "past exp");
    assert_eq!(fetcher.hits(LIST), 3);
}

#[tokio::test]
async fn rejects_unknown_status_mechanism() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    let claim = json!({"identifier_list": {"id": "0x12", "uri": LIST}});
    let did = issuer.did();
    let reference = StatusReference::Token {
        claim: &claim,
        issuer: &did,
    };
    let error = unavailable(client(&fetcher).check(&reference, T).await, "mechanism");
    assert!(
        matches!(error, StatusError::UnsupportedMechanism { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("identifier_list"), "{error}");
}

// ---- Bitstring Status List credentials ----

const REVOCATION: &str = "https://status.example/credentials/status/3";
const SUSPENSION: &str = "https://status.example/credentials/status/4";

/// A status list credential of `list` for `purpose` published at `url`, naming `issuer`; a
/// test changes a field with struct update syntax before [`signed`].
fn credential(
    list: &BitstringStatusList,
    url: &str,
    purpose: StatusPurpose,
    issuer: &Party,
) -> BitstringStatusListCredential {
    BitstringStatusListCredential::new(list, url, &issuer.did(), purpose).expect("credential")
}

/// `credential` secured as `vc+jwt` by `signer` under its own kid.
fn signed(credential: BitstringStatusListCredential, signer: &Party) -> String {
    credential
        .issue(&signer.signer, &signer.kid())
        .expect("vc+jwt")
}

/// A fetcher serving the issuer's revocation list at [`REVOCATION`] and suspension list at
/// [`SUSPENSION`].
fn serving_bitstrings(issuer: &Party) -> Arc<FakeFetcher> {
    let fetcher = Arc::new(FakeFetcher::new());
    for (url, purpose, set) in [
        (REVOCATION, StatusPurpose::Revocation, REVOKED_INDEX),
        (SUSPENSION, StatusPurpose::Suspension, SUSPENDED_INDEX),
    ] {
        let list = bitstring(set);
        fetcher.serve(
            url,
            VC_TYPE,
            signed(credential(&list, url, purpose, issuer), issuer),
        );
    }
    fetcher
}

/// The status of a credential of `issuer` whose `credentialStatus` is `credential_status`.
async fn bitstring_status(
    client: &StatusListClient,
    credential_status: Value,
    issuer: &Party,
    now: u64,
) -> Result<StatusValue, StatusError> {
    let did = issuer.did();
    let reference = StatusReference::Bitstring {
        credential_status: &credential_status,
        issuer: &did,
    };
    client.check(&reference, now).await
}

fn revocation(index: u64) -> Value {
    bitstring_status_list_entry(REVOCATION, "revocation", index)
}

fn suspension(index: u64) -> Value {
    bitstring_status_list_entry(SUSPENSION, "suspension", index)
}

#[tokio::test]
async fn bitstring_reports_revoked_suspended_and_valid() {
    let issuer = Party::new();
    let fetcher = serving_bitstrings(&issuer);
    let client = client(&fetcher);
    let status = |credential_status| bitstring_status(&client, credential_status, &issuer, T);

    assert_eq!(
        status(revocation(REVOKED_INDEX)).await,
        Ok(StatusValue::Invalid)
    );
    assert_eq!(
        status(revocation(REVOKED_INDEX - 1)).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(
        status(suspension(SUSPENDED_INDEX)).await,
        Ok(StatusValue::Suspended)
    );
    // Bitstring Status List §A.3: a revocation and a suspension entry side by side.
    assert_eq!(
        status(json!([revocation(7), suspension(7)])).await,
        Ok(StatusValue::Valid)
    );
    assert_eq!(
        status(json!([revocation(7), suspension(SUSPENDED_INDEX)])).await,
        Ok(StatusValue::Suspended)
    );
    assert_eq!(
        fetcher.requests(REVOCATION).accept.as_deref(),
        Some(VC_TYPE)
    );
    assert_eq!(fetcher.hits(REVOCATION), 1, "one fetch for every entry");
    assert_eq!(fetcher.hits(SUSPENSION), 1);
}

#[tokio::test]
async fn bitstring_revocation_outweighs_an_unavailable_entry() {
    let issuer = Party::new();
    let fetcher = serving_bitstrings(&issuer);
    let client = client(&fetcher);
    let missing = bitstring_status_list_entry("https://status.example/missing", "suspension", 1);
    // A revoked credential stays revoked whatever another list says, or fails to say.
    assert_eq!(
        bitstring_status(
            &client,
            json!([missing.clone(), revocation(REVOKED_INDEX)]),
            &issuer,
            T
        )
        .await,
        Ok(StatusValue::Invalid)
    );
    // Without a revocation, an entry that cannot be checked leaves the status unknown.
    let error = unavailable(
        bitstring_status(&client, json!([revocation(0), missing]), &issuer, T).await,
        "missing list",
    );
    assert!(matches!(error, StatusError::Fetch { .. }), "{error:?}");
}

/// Recognises the error a case expects.
type ExpectedError = fn(&StatusError) -> bool;

#[tokio::test]
async fn bitstring_unavailable_when_anything_is_off() {
    let issuer = Party::new();
    let forger = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    let list = bitstring(REVOKED_INDEX);
    let revoking = StatusPurpose::Revocation;
    let at = |path: &str| format!("https://status.example/{path}");

    let forged = at("forged");
    let under_issuers_kid = credential(&list, &forged, revoking.clone(), &issuer)
        .issue(&forger.signer, &issuer.kid())
        .expect("vc+jwt");
    fetcher.serve(&forged, VC_TYPE, under_issuers_kid);
    let expired = at("expired");
    let expired_credential = BitstringStatusListCredential {
        valid_until: Some(i64::try_from(T).expect("fits") - 3600),
        ..credential(&list, &expired, revoking.clone(), &issuer)
    };
    fetcher.serve(&expired, VC_TYPE, signed(expired_credential, &issuer));
    let substituted = at("substituted");
    let another = credential(&list, &at("another-list"), revoking.clone(), &issuer);
    fetcher.serve(&substituted, VC_TYPE, signed(another, &issuer));
    let suspension_only = at("suspension-only");
    let wrong_purpose = credential(&list, &suspension_only, StatusPurpose::Suspension, &issuer);
    fetcher.serve(&suspension_only, VC_TYPE, signed(wrong_purpose, &issuer));
    let of_attacker = at("attacker");
    fetcher.serve(
        &of_attacker,
        VC_TYPE,
        signed(
            credential(&list, &of_attacker, revoking.clone(), &forger),
            &forger,
        ),
    );
    // Signed by the issuer's own key, but naming another issuer: it speaks for that one.
    let naming_another = at("naming-another");
    let for_another = BitstringStatusListCredential {
        issuer: "did:example:other".into(),
        ..credential(&list, &naming_another, revoking, &issuer)
    };
    fetcher.serve(&naming_another, VC_TYPE, signed(for_another, &issuer));
    let missing = at("missing");
    fetcher.serve_status(&missing, 404, "text/plain", "not found");

    let client = client(&fetcher);
    let cases: [(String, &str, ExpectedError); 7] = [
        (
            forged,
            "signed by another key under the issuer's kid",
            |e| matches!(e, StatusError::Jose(_)),
        ),
        (expired, "validUntil passed", |e| {
            matches!(e, StatusError::Expired { .. })
        }),
        (substituted, "credential id names another list", |e| {
            matches!(e, StatusError::CredentialIdMismatch { .. })
        }),
        (suspension_only, "list does not serve the purpose", |e| {
            matches!(e, StatusError::PurposeMismatch { .. })
        }),
        (of_attacker, "list of another issuer, signed by it", |e| {
            matches!(e, StatusError::KeyUnavailable { .. })
        }),
        (naming_another, "issuer's list naming another issuer", |e| {
            matches!(e, StatusError::IssuerMismatch { .. })
        }),
        (missing, "404", |e| {
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
        let entry = bitstring_status_list_entry(&url, "revocation", REVOKED_INDEX);
        let error = unavailable(bitstring_status(&client, entry, &issuer, T).await, what);
        assert!(expected(&error), "{what}: {error:?}");
        assert_eq!(fetcher.hits(&url), 1, "{what}: refused after the fetch");
    }
}

#[tokio::test]
async fn rejects_set_status_of_an_unknown_purpose() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    let url = "https://status.example/embargo";
    let list = credential(
        &bitstring(1),
        url,
        StatusPurpose::Other("embargo".into()),
        &issuer,
    );
    fetcher.serve(url, VC_TYPE, signed(list, &issuer));
    let client = client(&fetcher);
    let entry = |index| bitstring_status_list_entry(url, "embargo", index);
    assert_eq!(
        bitstring_status(&client, entry(0), &issuer, T).await,
        Ok(StatusValue::Valid)
    );
    let error = unavailable(
        bitstring_status(&client, entry(1), &issuer, T).await,
        "embargo set",
    );
    assert!(
        matches!(error, StatusError::UnknownPurpose { status: 1, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn rejects_status_entry_flood() {
    let issuer = Party::new();
    let fetcher = serving_bitstrings(&issuer);
    let entries: Vec<Value> = (0..=MAX_STATUS_ENTRIES as u64).map(revocation).collect();
    assert_eq!(
        bitstring_status(&client(&fetcher), Value::Array(entries), &issuer, T).await,
        Err(StatusError::TooManyEntries {
            count: MAX_STATUS_ENTRIES + 1,
            max: MAX_STATUS_ENTRIES
        })
    );
    assert_eq!(fetcher.hits(REVOCATION), 0);
}

#[tokio::test]
async fn rejects_unknown_entry_beside_a_known_one() {
    // The unknown entry might be the one that revokes: no partial answer.
    let issuer = Party::new();
    let fetcher = serving_bitstrings(&issuer);
    let status = json!([revocation(1), {"type": ["CustomRevocation"], "anything": true}]);
    let error = unavailable(
        bitstring_status(&client(&fetcher), status, &issuer, T).await,
        "unknown entry",
    );
    assert!(
        matches!(error, StatusError::UnsupportedMechanism { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("CustomRevocation"), "{error}");
}

#[tokio::test]
async fn bitstring_cache_honours_ttl_in_milliseconds() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    let cached_for_120s = BitstringStatusListCredential {
        ttl_ms: Some(120_000),
        ..credential(
            &bitstring(REVOKED_INDEX),
            REVOCATION,
            StatusPurpose::Revocation,
            &issuer,
        )
    };
    fetcher.serve(REVOCATION, VC_TYPE, signed(cached_for_120s, &issuer));
    let client = client(&fetcher);
    let status = |now| bitstring_status(&client, revocation(REVOKED_INDEX), &issuer, now);
    assert_eq!(status(T).await, Ok(StatusValue::Invalid));
    assert_eq!(status(T + 119).await, Ok(StatusValue::Invalid));
    assert_eq!(fetcher.hits(REVOCATION), 1);
    assert_eq!(status(T + 120).await, Ok(StatusValue::Invalid));
    assert_eq!(fetcher.hits(REVOCATION), 2);
}
