//! Status end to end: a credential whose status lives in a status list that an axum server on
//! 127.0.0.1 publishes, verified by `verify_credential` with the real status client. The
//! issuer is a did:key, so its list key is found in its DID document under `assertionMethod`,
//! exactly as its credential key is. An SD-JWT VC points into a Token Status List, a `vc+jwt`
//! into Bitstring Status Lists; every way of not getting a trustworthy list — server down,
//! list of another issuer, list forged under the issuer's `kid` — is `status_unavailable`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use did_core::did::DidUrl;
use did_core::fetch::{FetchPolicy, HttpFetcher};
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key;
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, Value, json};
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::report::{CheckStatus, ErrorCode, VerificationReport};
use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::status::{
    BitstringStatusList, BitstringStatusListCredential, MIN_ENTRIES, StatusBits, StatusListClient,
    StatusListReference, StatusPurpose, StatusSize, StatusValue, TokenStatusList,
    issue_status_list_token,
};
use vc_issuer::verify::{CredentialStatus, StatusCheck, VerificationPolicy, verify_credential};
use vc_issuer::w3c::issue_vc_jwt;

mod support;

use support::{
    LIST, Publisher, REVOKED_INDEX, SUSPENDED_INDEX, TOKEN_TYPE, VC_TYPE, bitstring,
    bitstring_status_list_entry,
};

const VCT: &str = "urn:avid:avatar-link:1";
const AUD: &str = "https://world.example";
const NONCE: &str = "n-0S6_WzA2Mj";

// ---- the parties ----

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn now_i64() -> i64 {
    i64::try_from(now()).expect("fits")
}

/// A did:key party: its key, a signer, and the DID URL of its verification method.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new() -> Party {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let signer = secret.signer(Algorithm::Ed25519).expect("signer");
        let public = secret.public_key();
        let kid = did_key(&public)
            .with_fragment(&public.to_multikey())
            .expect("kid");
        Party {
            secret,
            signer,
            kid,
        }
    }

    fn did(&self) -> String {
        self.kid.did().to_string()
    }

    fn kid(&self) -> String {
        self.kid.to_string()
    }

    fn public(&self) -> PublicKey {
        self.secret.public_key()
    }
}

fn resolver() -> Arc<dyn Resolver> {
    Arc::new(MethodDispatcher::new().with_method(DID_KEY.name(), Arc::new(DID_KEY)))
}

fn fetcher() -> Arc<HttpFetcher> {
    Arc::new(HttpFetcher::new(FetchPolicy::local_testing()).expect("HTTP client"))
}

/// A verifier: DID issuer keys, and a status client that finds list keys through them.
struct Verifier {
    keys: Arc<DidIssuerKeys>,
    client: StatusListClient,
}

impl Verifier {
    fn new() -> Verifier {
        let keys = Arc::new(DidIssuerKeys::new(resolver()));
        let client = StatusListClient::for_issuer_keys(fetcher(), keys.clone());
        Verifier { keys, client }
    }

    async fn verify(&self, input: &str, policy: &VerificationPolicy) -> VerificationReport {
        verify_credential(input, policy, self.keys.as_ref(), Some(&self.client))
            .await
            .expect("the policy applies")
    }

    /// Verifies `input` with a verifier that has nothing cached.
    async fn verify_once(input: &str, policy: &VerificationPolicy) -> VerificationReport {
        Verifier::new().verify(input, policy).await
    }

    /// Verifies `input` twice; the second time has to be answered from the cache, so the
    /// list at `path` is fetched once.
    async fn assert_second_verification_cached(
        &self,
        input: &str,
        policy: &VerificationPolicy,
        server: &Publisher,
        path: &str,
    ) {
        assert_verified(&self.verify(input, policy).await);
        assert_verified(&self.verify(input, policy).await);
        assert_eq!(server.hits(path), 1, "second verify fetched");
    }
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
/// status step held.
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
    assert!(
        report
            .checks
            .iter()
            .any(|check| check.name == "issuer_signature" && check.status == CheckStatus::Passed),
        "{:?}",
        report.checks
    );
    report
        .errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

// ---- SD-JWT VC and the Token Status List ----

/// A 2-bit list: index 0 VALID, 1 INVALID, 2 SUSPENDED, 3 the application-specific 0x03.
fn token_list() -> TokenStatusList {
    let mut list = all_valid();
    list.set(1, StatusValue::Invalid).expect("in range");
    list.set(2, StatusValue::Suspended).expect("in range");
    list.set(3, StatusValue::Other(3)).expect("in range");
    list
}

/// A 2-bit list with every index VALID: what an attacker would like a verifier to believe.
fn all_valid() -> TokenStatusList {
    TokenStatusList::new(StatusBits::Two, 1024).expect("list")
}

/// A Status List Token for `uri`, signed by `signer` under `kid`, cached for at most 300 s.
fn status_list_token(list: &TokenStatusList, uri: &str, signer: &LocalSigner, kid: &str) -> String {
    let iat = now_i64() - 10;
    issue_status_list_token(list, uri, signer, kid, iat, Some(iat + 3600), Some(300))
        .expect("token")
}

/// An SD-JWT VC of `issuer` whose status is index `idx` of the list at `uri`, presented with
/// key binding.
fn sd_jwt_vc(issuer: &Party, uri: &str, idx: u64) -> String {
    let reference = StatusListReference::new(idx, uri).expect("reference");
    sd_jwt_vc_with_status(issuer, reference.to_status_claim())
}

/// An SD-JWT VC of `issuer` with the `status` claim `status`, presented with key binding.
fn sd_jwt_vc_with_status(issuer: &Party, status: Value) -> String {
    let holder = Party::new();
    let mut claims = Map::new();
    claims.insert("age_over_18".into(), json!(true));
    let payload = UnsecuredPayload::new(VCT, holder.public(), now() - 5)
        .with_claims(claims)
        .expiring_at(now() + 3600)
        .with_status(status);
    let issued = SdJwtVcIssuer::new(&issuer.signer, issuer.kid.clone())
        .expect("issuer")
        .issue(payload, &DisclosureFrame::new().disclose("age_over_18"))
        .expect("issued");
    HolderCredential::parse(&issued)
        .expect("holder")
        .present_with_key_binding(
            &[ClaimPath::parse("/age_over_18").expect("path")],
            &KeyBindingRequest::new(AUD, NONCE, now()),
            &holder.signer,
        )
        .expect("presented")
}

fn kb_policy() -> VerificationPolicy {
    VerificationPolicy::key_binding(AUD, NONCE).expecting_vct(VCT)
}

/// The issuer's list at [`LIST`] on a fresh server; its URL.
async fn token_list_server(issuer: &Party) -> (Publisher, String) {
    token_list_server_signed(&token_list(), &issuer.signer, &issuer.kid()).await
}

/// `list` at [`LIST`] on a fresh server, signed by `signer` under `kid`; its URL.
async fn token_list_server_signed(
    list: &TokenStatusList,
    signer: &LocalSigner,
    kid: &str,
) -> (Publisher, String) {
    let server = Publisher::start().await;
    let uri = server.publish_for_url(LIST, TOKEN_TYPE, |uri| {
        status_list_token(list, uri, signer, kid)
    });
    (server, uri)
}

#[tokio::test]
async fn sd_jwt_vc_valid_revoked_and_suspended() {
    let issuer = Party::new();
    let (server, uri) = token_list_server(&issuer).await;
    let verifier = Verifier::new();
    let policy = kb_policy();
    let verify = |idx| {
        let presentation = sd_jwt_vc(&issuer, &uri, idx);
        let (verifier, policy) = (&verifier, &policy);
        async move { verifier.verify(&presentation, policy).await }
    };

    assert_verified(&verify(0).await);
    assert_status_rejected(&verify(1).await, ErrorCode::Revoked);
    assert_status_rejected(&verify(2).await, ErrorCode::Suspended);
    // 0x03 means something to the issuer's application, nothing to this verifier.
    let message = assert_status_rejected(&verify(3).await, ErrorCode::StatusUnavailable);
    assert!(message.contains("0x03"), "{message}");
    // Four credentials, one list, one fetch: the list is cached for its ttl.
    assert_eq!(server.hits(LIST), 1);
    server.stop().await;
}

#[tokio::test]
async fn sd_jwt_vc_second_verification_within_ttl_does_not_fetch() {
    let issuer = Party::new();
    let (server, uri) = token_list_server(&issuer).await;
    let verifier = Verifier::new();
    let presentation = sd_jwt_vc(&issuer, &uri, 0);
    verifier
        .assert_second_verification_cached(&presentation, &kb_policy(), &server, LIST)
        .await;

    // The issuer revokes index 0; the cached list answers until its ttl (300 s) runs out, then
    // the new list is fetched and believed.
    let mut revoked = token_list();
    revoked.set(0, StatusValue::Invalid).expect("in range");
    let token = status_list_token(&revoked, &uri, &issuer.signer, &issuer.kid());
    server.publish(LIST, TOKEN_TYPE, token);
    let status = StatusListReference::new(0, &uri)
        .expect("reference")
        .to_status_claim();
    let did = issuer.did();
    let at = |secs: i64| {
        verifier
            .client
            .credential_status_at(&status, Some(&did), now_i64() + secs)
    };
    assert_eq!(at(200).await, Ok(CredentialStatus::Valid));
    assert_eq!(server.hits(LIST), 1);
    assert_eq!(at(301).await, Ok(CredentialStatus::Revoked));
    assert_eq!(server.hits(LIST), 2, "refetched once ttl passed");
    server.stop().await;
}

#[tokio::test]
async fn sd_jwt_vc_status_unavailable_when_server_stopped() {
    let issuer = Party::new();
    let (server, uri) = token_list_server(&issuer).await;
    let presentation = sd_jwt_vc(&issuer, &uri, 0);
    server.stop().await;
    let report = Verifier::verify_once(&presentation, &kb_policy()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(message.contains(&uri), "{message}");
}

#[tokio::test]
async fn rejects_status_list_signed_by_another_did() {
    // Whoever serves the list URL signs a list of their own, every credential valid, with a
    // key their own did:key perfectly authorizes.
    let issuer = Party::new();
    let attacker = Party::new();
    let (server, uri) =
        token_list_server_signed(&all_valid(), &attacker.signer, &attacker.kid()).await;
    let report = Verifier::verify_once(&sd_jwt_vc(&issuer, &uri, 1), &kb_policy()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(message.contains("credential's issuer"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn rejects_status_list_forged_under_the_issuers_kid() {
    let issuer = Party::new();
    let forger = Party::new();
    let (server, uri) = token_list_server_signed(&all_valid(), &forger.signer, &issuer.kid()).await;
    let report = Verifier::verify_once(&sd_jwt_vc(&issuer, &uri, 1), &kb_policy()).await;
    assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    server.stop().await;
}

#[tokio::test]
async fn rejects_status_list_cached_for_another_issuer() {
    // The attacker first has a credential of their own checked against a list they signed at
    // the victim issuer's list URL; the verifier must not then answer the victim's credential
    // from that cached list.
    let issuer = Party::new();
    let attacker = Party::new();
    let (server, uri) =
        token_list_server_signed(&all_valid(), &attacker.signer, &attacker.kid()).await;
    let verifier = Verifier::new();
    let verify = |party| {
        let presentation = sd_jwt_vc(party, &uri, 1);
        let verifier = &verifier;
        async move { verifier.verify(&presentation, &kb_policy()).await }
    };
    assert_verified(&verify(&attacker).await);
    assert_status_rejected(&verify(&issuer).await, ErrorCode::StatusUnavailable);
    assert_eq!(server.hits(LIST), 2, "the victim's check fetched anew");
    server.stop().await;
}

#[tokio::test]
async fn rejects_unknown_status_mechanism() {
    let issuer = Party::new();
    let presentation = sd_jwt_vc_with_status(
        &issuer,
        json!({"identifier_list": {"id": "0x12", "uri": "https://s.example/1"}}),
    );
    let report = Verifier::verify_once(&presentation, &kb_policy()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(message.contains("identifier_list"), "{message}");
}

#[tokio::test]
async fn rejects_status_check_without_the_credentials_issuer() {
    // Asked without saying whose credential it is, the client has nothing to bind the list
    // to, and says so rather than trusting whoever signed it.
    let issuer = Party::new();
    let (server, uri) = token_list_server(&issuer).await;
    let status = StatusListReference::new(0, &uri)
        .expect("reference")
        .to_status_claim();
    let client = Verifier::new().client;
    let refused = StatusCheck::check(&client, &status).await;
    assert!(
        matches!(&refused, Err(message) if message.contains("issuer of the credential")),
        "{refused:?}"
    );
    assert_eq!(
        client.check_for_issuer(&status, &issuer.did()).await,
        Ok(CredentialStatus::Valid)
    );
    server.stop().await;
}

#[tokio::test]
async fn for_dids_checks_status_against_the_issuers_did_document() {
    let issuer = Party::new();
    let (server, uri) = token_list_server(&issuer).await;
    let keys = DidIssuerKeys::new(resolver());
    let client = StatusListClient::for_dids(fetcher(), resolver());
    let check = |idx| {
        let presentation = sd_jwt_vc(&issuer, &uri, idx);
        let (keys, client) = (&keys, &client);
        async move {
            verify_credential(&presentation, &kb_policy(), keys, Some(client))
                .await
                .expect("the policy applies")
        }
    };
    assert_verified(&check(0).await);
    assert_status_rejected(&check(1).await, ErrorCode::Revoked);
    server.stop().await;
}

// ---- vc+jwt and the Bitstring Status List ----

const REVOCATION: &str = "/status/revocation";
const SUSPENSION: &str = "/status/suspension";

/// Publishes at `path` a status list credential of `list` for `purpose`, naming `issuer_did`
/// as its issuer and signed by `signer` under `kid`, cached for at most 300 s.
fn publish_status_list(
    server: &Publisher,
    path: &str,
    list: &BitstringStatusList,
    purpose: StatusPurpose,
    issuer_did: &str,
    signer: &LocalSigner,
    kid: &str,
) {
    server.publish_for_url(path, VC_TYPE, |url| {
        let mut credential =
            BitstringStatusListCredential::new(list, url, issuer_did, purpose).expect("credential");
        credential.ttl_ms = Some(300_000);
        credential.issue(signer, kid).expect("vc+jwt")
    });
}

/// The issuer's revocation list at [`REVOCATION`] and suspension list at [`SUSPENSION`].
async fn bitstring_server(issuer: &Party) -> Publisher {
    let server = Publisher::start().await;
    let (did, kid) = (issuer.did(), issuer.kid());
    for (path, purpose, set) in [
        (REVOCATION, StatusPurpose::Revocation, REVOKED_INDEX),
        (SUSPENSION, StatusPurpose::Suspension, SUSPENDED_INDEX),
    ] {
        let list = bitstring(set);
        publish_status_list(&server, path, &list, purpose, &did, &issuer.signer, &kid);
    }
    server
}

fn entry(server: &Publisher, path: &str, purpose: &str, index: u64) -> Value {
    bitstring_status_list_entry(&server.url(path), purpose, index)
}

fn revocation(server: &Publisher, index: u64) -> Value {
    entry(server, REVOCATION, "revocation", index)
}

fn suspension(server: &Publisher, index: u64) -> Value {
    entry(server, SUSPENSION, "suspension", index)
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

/// Publishes at [`REVOCATION`] a list that revokes nothing, naming `issuer_did` as its issuer
/// and signed by `signer` under `kid`: what an attacker who controls the URL would serve.
fn publish_all_valid_revocation_list(
    server: &Publisher,
    issuer_did: &str,
    signer: &LocalSigner,
    kid: &str,
) {
    let empty = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("list");
    let revocation = StatusPurpose::Revocation;
    publish_status_list(
        server, REVOCATION, &empty, revocation, issuer_did, signer, kid,
    );
}

#[tokio::test]
async fn vc_jwt_valid_revoked_and_suspended() {
    let issuer = Party::new();
    let server = bitstring_server(&issuer).await;
    let verifier = Verifier::new();
    let policy = VerificationPolicy::default();
    let verify = |status: Value| {
        let vc = vc_jwt(&issuer, status);
        let (verifier, policy) = (&verifier, &policy);
        async move { verifier.verify(&vc, policy).await }
    };

    assert_verified(&verify(revocation(&server, 0)).await);
    assert_status_rejected(
        &verify(revocation(&server, REVOKED_INDEX)).await,
        ErrorCode::Revoked,
    );
    assert_status_rejected(
        &verify(suspension(&server, SUSPENDED_INDEX)).await,
        ErrorCode::Suspended,
    );
    // Bitstring Status List §A.3: a credential with both a revocation and a suspension entry.
    assert_verified(&verify(json!([revocation(&server, 7), suspension(&server, 7)])).await);
    assert_status_rejected(
        &verify(json!([
            revocation(&server, 7),
            suspension(&server, SUSPENDED_INDEX)
        ]))
        .await,
        ErrorCode::Suspended,
    );
    // Within ttl, one fetch per list for all of the above.
    assert_eq!(server.hits(REVOCATION), 1);
    assert_eq!(server.hits(SUSPENSION), 1);
    server.stop().await;
}

#[tokio::test]
async fn vc_jwt_second_verification_within_ttl_does_not_fetch() {
    let issuer = Party::new();
    let server = bitstring_server(&issuer).await;
    let vc = vc_jwt(&issuer, revocation(&server, 0));
    Verifier::new()
        .assert_second_verification_cached(&vc, &VerificationPolicy::default(), &server, REVOCATION)
        .await;
    server.stop().await;
}

#[tokio::test]
async fn vc_jwt_revocation_outweighs_an_unavailable_entry() {
    let issuer = Party::new();
    let server = bitstring_server(&issuer).await;
    let verifier = Verifier::new();
    let policy = VerificationPolicy::default();
    let missing = entry(&server, "/status/missing", "suspension", 1);
    // A revoked credential stays revoked whatever another list says, or fails to say.
    let revoked = vc_jwt(
        &issuer,
        json!([missing, revocation(&server, REVOKED_INDEX)]),
    );
    assert_status_rejected(
        &verifier.verify(&revoked, &policy).await,
        ErrorCode::Revoked,
    );
    // Without a revocation, an entry that cannot be checked leaves the status unknown.
    let unknown = vc_jwt(&issuer, json!([revocation(&server, 0), missing]));
    let message = assert_status_rejected(
        &verifier.verify(&unknown, &policy).await,
        ErrorCode::StatusUnavailable,
    );
    assert!(message.contains("404"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn vc_jwt_status_unavailable_when_server_stopped() {
    let issuer = Party::new();
    let server = bitstring_server(&issuer).await;
    let vc = vc_jwt(&issuer, revocation(&server, 0));
    server.stop().await;
    let report = Verifier::verify_once(&vc, &VerificationPolicy::default()).await;
    assert_status_rejected(&report, ErrorCode::StatusUnavailable);
}

#[tokio::test]
async fn rejects_bitstring_list_of_another_issuer() {
    let issuer = Party::new();
    let attacker = Party::new();
    let server = Publisher::start().await;
    let vc = vc_jwt(&issuer, revocation(&server, REVOKED_INDEX));
    // The attacker's own list, naming and signed by the attacker, at the issuer's URL.
    publish_all_valid_revocation_list(&server, &attacker.did(), &attacker.signer, &attacker.kid());
    let report = Verifier::verify_once(&vc, &VerificationPolicy::default()).await;
    let message = assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(
        message.contains("not by the credential's issuer"),
        "{message}"
    );

    // The same list claiming the issuer's name, still signed with the attacker's key.
    publish_all_valid_revocation_list(&server, &issuer.did(), &attacker.signer, &attacker.kid());
    let report = Verifier::verify_once(&vc, &VerificationPolicy::default()).await;
    assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    server.stop().await;
}

#[tokio::test]
async fn rejects_bitstring_list_forged_under_the_issuers_kid() {
    let issuer = Party::new();
    let forger = Party::new();
    let server = Publisher::start().await;
    publish_all_valid_revocation_list(&server, &issuer.did(), &forger.signer, &issuer.kid());
    let vc = vc_jwt(&issuer, revocation(&server, REVOKED_INDEX));
    let report = Verifier::verify_once(&vc, &VerificationPolicy::default()).await;
    assert_status_rejected(&report, ErrorCode::StatusUnavailable);
    server.stop().await;
}
