//! Status through `verify_credential`: a credential whose status lives in its issuer's status
//! list, verified with the real status client. The issuer is a did:key, so its list key is
//! found in its DID document under `assertionMethod`, exactly as its credential key is. An
//! SD-JWT VC points into a Token Status List, a `vc+jwt` into Bitstring Status Lists.
//!
//! The lists are served by a fake fetcher and checked at the policy's `now`, a fixed `T` years
//! before the wall clock; one test runs the real wiring — `HttpFetcher` against a server on
//! 127.0.0.1 — and one shows the address guard standing in its way.

use std::sync::Arc;

use did_core::fetch::fake::FakeFetcher;
use did_core::fetch::{FetchPolicy, Fetcher, HttpFetcher};
use serde_json::{Map, Value, json};
use vc_issuer::report::{CheckStatus, ErrorCode, VerificationReport};
use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::status::{
    BitstringStatusListCredential, StatusBits, StatusListClient, StatusListReference,
    StatusPurpose, StatusValue, TokenStatusList, issue_status_list_token,
};
use vc_issuer::verify::{VerificationPolicy, verify_credential};
use vc_issuer::w3c::issue_vc_jwt;

mod support;

use support::{
    LIST, Party, Publisher, REVOKED_INDEX, TOKEN_TYPE, VC_TYPE, bitstring,
    bitstring_status_list_entry, issuer_keys,
};

/// The time of every verification: November 2023.
const T: u64 = 1_700_000_000;
const VCT: &str = "urn:avid:avatar-link:1";
const AUD: &str = "https://world.example";
const NONCE: &str = "n-0S6_WzA2Mj";
const TOKEN_LIST: &str = "https://status.example/statuslists/1";
const REVOCATION: &str = "https://status.example/status/revocation";

/// Verifies `input` with `fetcher` behind the status client, at `policy`'s `now`.
async fn verify(
    input: &str,
    policy: &VerificationPolicy,
    fetcher: Arc<dyn Fetcher>,
) -> VerificationReport {
    let keys = issuer_keys();
    let status = StatusListClient::new(fetcher, keys.clone());
    verify_credential(input, policy, keys.as_ref(), Some(&status))
        .await
        .expect("the policy applies")
}

fn assert_verified(report: &VerificationReport) {
    assert!(report.verified, "rejected: {:?}", report.errors);
    assert!(
        report
            .checks
            .iter()
            .any(|check| check.name == "status" && check.status == CheckStatus::Passed),
        "status not checked: {:?}",
        report.checks
    );
}

/// The credential is rejected with `code`, and only for its status: everything before the
/// status step held. The message.
fn assert_status_rejected(report: &VerificationReport, code: ErrorCode) -> String {
    assert!(!report.verified, "accepted: {report:?}");
    assert_eq!(report.claims, None, "claims of a rejected credential leak");
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.first_error_code(), Some(code), "{:?}", report.errors);
    for check in &report.checks {
        assert_eq!(
            check.status == CheckStatus::Failed,
            check.name == "status",
            "{check:?}"
        );
    }
    report
        .errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

// ---- the credentials ----

/// A 2-bit list: index 0 VALID, 1 INVALID, 2 SUSPENDED, 3 the application-specific 0x03.
fn token_list() -> TokenStatusList {
    let mut list = TokenStatusList::new(StatusBits::Two, 1024).expect("list");
    list.set(1, StatusValue::Invalid).expect("in range");
    list.set(2, StatusValue::Suspended).expect("in range");
    list.set(3, StatusValue::Other(3)).expect("in range");
    list
}

/// The Status List Token of `list` for `uri`, signed by `signer`, issued at `iat`, valid for
/// an hour, cached for at most 300 s.
fn status_list_token(list: &TokenStatusList, uri: &str, signer: &Party, iat: u64) -> String {
    issue_status_list_token(
        list,
        uri,
        &signer.signer,
        &signer.kid(),
        iat,
        Some(iat + 3600),
        Some(300),
    )
    .expect("token")
}

/// An SD-JWT VC of `issuer` whose status is index `idx` of the list at `uri`, issued at `iat`
/// and presented with key binding.
fn sd_jwt_vc(issuer: &Party, uri: &str, idx: u64, iat: u64) -> String {
    let holder = Party::new();
    let mut claims = Map::new();
    claims.insert("age_over_18".into(), json!(true));
    let status = StatusListReference::new(idx, uri)
        .expect("reference")
        .to_status_claim();
    let payload = UnsecuredPayload::new(VCT, holder.public(), iat - 5)
        .with_claims(claims)
        .expiring_at(iat + 3600)
        .with_status(status);
    let issued = SdJwtVcIssuer::new(&issuer.signer, issuer.kid.clone())
        .expect("issuer")
        .issue(payload, &DisclosureFrame::new().disclose("age_over_18"))
        .expect("issued");
    HolderCredential::parse(&issued)
        .expect("holder")
        .present_with_key_binding(
            &[ClaimPath::parse("/age_over_18").expect("path")],
            &KeyBindingRequest::new(AUD, NONCE, iat),
            &holder.signer,
        )
        .expect("presented")
}

fn kb_policy(now: u64) -> VerificationPolicy {
    VerificationPolicy::key_binding(AUD, NONCE)
        .expecting_vct(VCT)
        .at(now)
}

/// A VCDM 2.0 credential of `issuer` with `credential_status`, secured as `vc+jwt`.
fn vc_jwt(issuer: &Party, credential_status: Value) -> String {
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "AvatarLinkCredential"],
        "issuer": issuer.did(),
        "credentialSubject": {"id": "did:example:holder", "age_over_18": true},
        "credentialStatus": credential_status
    });
    let credential = credential.as_object().cloned().expect("an object");
    issue_vc_jwt(&credential, &issuer.signer, &issuer.kid).expect("vc+jwt")
}

/// The issuer's revocation list for `url`, revoking [`REVOKED_INDEX`], valid until
/// `valid_until`, signed by `signer`.
fn revocation_list(url: &str, issuer: &Party, signer: &Party, valid_until: Option<i64>) -> String {
    let mut credential = BitstringStatusListCredential::new(
        &bitstring(REVOKED_INDEX),
        url,
        &issuer.did(),
        StatusPurpose::Revocation,
    )
    .expect("credential");
    credential.valid_until = valid_until;
    credential
        .issue(&signer.signer, &signer.kid())
        .expect("vc+jwt")
}

// ---- over a fake fetcher ----

#[tokio::test]
async fn sd_jwt_vc_valid_revoked_suspended_and_unknown() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve(
        TOKEN_LIST,
        TOKEN_TYPE,
        status_list_token(&token_list(), TOKEN_LIST, &issuer, T - 10),
    );
    let verify_index = |idx| {
        let presentation = sd_jwt_vc(&issuer, TOKEN_LIST, idx, T);
        let fetcher = fetcher.clone();
        async move { verify(&presentation, &kb_policy(T), fetcher).await }
    };
    assert_verified(&verify_index(0).await);
    assert_status_rejected(&verify_index(1).await, ErrorCode::Revoked);
    assert_status_rejected(&verify_index(2).await, ErrorCode::Suspended);
    // 0x03 means something to the issuer's application, nothing to this verifier.
    let message = assert_status_rejected(&verify_index(3).await, ErrorCode::StatusUnavailable);
    assert!(message.contains("0x03"), "{message}");
}

#[tokio::test]
async fn vc_jwt_valid_and_revoked() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve(
        REVOCATION,
        VC_TYPE,
        revocation_list(REVOCATION, &issuer, &issuer, None),
    );
    let policy = VerificationPolicy::default().at(T);
    let entry = |index| bitstring_status_list_entry(REVOCATION, "revocation", index);
    let valid = vc_jwt(&issuer, entry(0));
    assert_verified(&verify(&valid, &policy, fetcher.clone()).await);
    let revoked = vc_jwt(&issuer, entry(REVOKED_INDEX));
    assert_status_rejected(
        &verify(&revoked, &policy, fetcher.clone()).await,
        ErrorCode::Revoked,
    );
}

#[tokio::test]
async fn status_unavailable_when_the_list_cannot_be_fetched() {
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve_status(TOKEN_LIST, 503, "text/plain", "try later");
    let presentation = sd_jwt_vc(&issuer, TOKEN_LIST, 0, T);
    let report = verify(&presentation, &kb_policy(T), fetcher).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(
        message.contains(TOKEN_LIST) && message.contains("503"),
        "{message}"
    );
}

#[tokio::test]
async fn rejects_status_list_signed_by_another_did() {
    // Whoever serves the list URL signs a list of their own, every credential valid, with a
    // key their own did:key perfectly authorizes.
    let issuer = Party::new();
    let attacker = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    let all_valid = TokenStatusList::new(StatusBits::Two, 1024).expect("list");
    fetcher.serve(
        TOKEN_LIST,
        TOKEN_TYPE,
        status_list_token(&all_valid, TOKEN_LIST, &attacker, T - 10),
    );
    let presentation = sd_jwt_vc(&issuer, TOKEN_LIST, 1, T);
    let report = verify(&presentation, &kb_policy(T), fetcher.clone()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(message.contains("credential's issuer"), "{message}");
    assert_eq!(fetcher.hits(TOKEN_LIST), 1);
}

#[tokio::test]
async fn rejects_bitstring_list_of_another_issuer() {
    let issuer = Party::new();
    let attacker = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    // The attacker's own list, naming and signed by the attacker, at the issuer's URL.
    fetcher.serve(
        REVOCATION,
        VC_TYPE,
        revocation_list(REVOCATION, &attacker, &attacker, None),
    );
    let vc = vc_jwt(
        &issuer,
        bitstring_status_list_entry(REVOCATION, "revocation", 0),
    );
    let policy = VerificationPolicy::default().at(T);
    let report = verify(&vc, &policy, fetcher.clone()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(
        message.contains("signed by the credential's issuer"),
        "{message}"
    );
    // The same list claiming the issuer's name, still signed with the attacker's key.
    fetcher.serve(
        REVOCATION,
        VC_TYPE,
        revocation_list(REVOCATION, &issuer, &attacker, None),
    );
    let report = verify(&vc, &policy, fetcher.clone()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(
        message.contains("signed by the credential's issuer"),
        "{message}"
    );
    assert_eq!(fetcher.hits(REVOCATION), 2);
}

#[tokio::test]
async fn checks_status_at_the_policys_now() {
    // Lists that expired in 2023 by their own `exp` / `validUntil`: verifying "as of" a time
    // inside their window believes them; as of a time after it refuses them.
    let issuer = Party::new();
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve(
        TOKEN_LIST,
        TOKEN_TYPE,
        status_list_token(&token_list(), TOKEN_LIST, &issuer, T - 10),
    );
    let valid_until = i64::try_from(T + 3600).expect("fits");
    fetcher.serve(
        REVOCATION,
        VC_TYPE,
        revocation_list(REVOCATION, &issuer, &issuer, Some(valid_until)),
    );
    let presentation = sd_jwt_vc(&issuer, TOKEN_LIST, 0, T);
    assert_verified(&verify(&presentation, &kb_policy(T), fetcher.clone()).await);
    let vc = vc_jwt(
        &issuer,
        bitstring_status_list_entry(REVOCATION, "revocation", 0),
    );
    let policy = |now| VerificationPolicy::default().at(now);
    assert_verified(&verify(&vc, &policy(T), fetcher.clone()).await);

    // An hour and two minutes later: the credentials still hold, the lists do not.
    let later = T + 3600 + 120;
    let late = sd_jwt_vc(&issuer, TOKEN_LIST, 0, later);
    let message = assert_status_rejected(
        &verify(&late, &kb_policy(later), fetcher.clone()).await,
        ErrorCode::StatusUnavailable,
    );
    assert!(message.contains("expired"), "{message}");
    let message = assert_status_rejected(
        &verify(&vc, &policy(later), fetcher.clone()).await,
        ErrorCode::StatusUnavailable,
    );
    assert!(message.contains("expired"), "{message}");
}

// ---- the real wiring ----

fn http_fetcher(policy: FetchPolicy) -> Arc<dyn Fetcher> {
    Arc::new(HttpFetcher::new(policy).expect("HTTP client"))
}

#[tokio::test]
async fn verifies_status_over_http() {
    // `HttpFetcher` against a server on 127.0.0.1 publishing both kinds of list, at the wall
    // clock's time, as `avid verify` runs.
    let issuer = Party::new();
    let server = Publisher::start().await;
    let now = did_core::time::unix_now();
    let token_uri = server.publish_for_url(LIST, TOKEN_TYPE, |uri| {
        status_list_token(&token_list(), uri, &issuer, now - 10)
    });
    let revocation_uri = server.publish_for_url("/status/revocation", VC_TYPE, |url| {
        revocation_list(url, &issuer, &issuer, None)
    });
    let fetcher = http_fetcher(FetchPolicy::local_testing());

    let valid = sd_jwt_vc(&issuer, &token_uri, 0, now);
    assert_verified(&verify(&valid, &kb_policy(now), fetcher.clone()).await);
    let revoked = sd_jwt_vc(&issuer, &token_uri, 1, now);
    assert_status_rejected(
        &verify(&revoked, &kb_policy(now), fetcher.clone()).await,
        ErrorCode::Revoked,
    );
    let vc = vc_jwt(
        &issuer,
        bitstring_status_list_entry(&revocation_uri, "revocation", REVOKED_INDEX),
    );
    let policy = VerificationPolicy::default().at(now);
    assert_status_rejected(&verify(&vc, &policy, fetcher).await, ErrorCode::Revoked);
    assert_eq!(server.seen(LIST).accept.as_deref(), Some(TOKEN_TYPE));
    assert_eq!(
        server.seen("/status/revocation").accept.as_deref(),
        Some(VC_TYPE)
    );
    server.stop().await;
}

#[tokio::test]
async fn status_fetch_goes_through_the_address_guard() {
    // The default policy: https only, public addresses only. Nothing reaches the server.
    let issuer = Party::new();
    let server = Publisher::start().await;
    let now = did_core::time::unix_now();
    let uri = server.publish_for_url(LIST, TOKEN_TYPE, |uri| {
        status_list_token(&token_list(), uri, &issuer, now - 10)
    });
    let presentation = sd_jwt_vc(&issuer, &uri, 0, now);
    let report = verify(
        &presentation,
        &kb_policy(now),
        http_fetcher(FetchPolicy::default()),
    )
    .await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(message.contains("refused"), "{message}");
    assert_eq!(server.hits(LIST), 0);
    server.stop().await;
}
