//! The passkey factor end to end: the issuer registers a software passkey and binds it, a world
//! authenticates it at login; then each attack on the ceremony, named after itself, must fail
//! with `webauthn_failed` (or `factor_missing` when the factor is withheld).

use std::sync::Arc;

use serde_json::{Map, Value, json};
use vc_issuer::mfa::{
    CreationChallengeResponse, InMemoryCounterStore, PasskeyBinding, PasskeyError,
    PasskeyRegistrar, PasskeyVerifier, PublicKeyCredential, RelyingParty, RequestChallengeResponse,
    WebauthnError, require_assertion, require_passkey,
};
use vc_issuer::report::{ErrorCode, ReportError};
use vc_issuer::single_use::InMemorySingleUseStore;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const NOW: u64 = 1_780_000_000;
const RP_ID: &str = "avid.example";
const ORIGIN: &str = "https://issuer.avid.example";
/// When the world's login starts, an hour after issuance.
const LOGIN: u64 = NOW + 3600;

fn origin() -> Url {
    Url::parse(ORIGIN).expect("a valid origin")
}

fn registrar() -> PasskeyRegistrar {
    let relying_party = RelyingParty::new(RP_ID, ORIGIN, "avid issuer").expect("valid settings");
    PasskeyRegistrar::in_memory(relying_party).expect("a registrar")
}

/// A software passkey that performs user verification, as a phone or a security key with a PIN.
fn authenticator() -> SoftPasskey {
    SoftPasskey::new(true)
}

/// The issuer registers `authenticator` for `holder` and binds it.
async fn register(authenticator: &mut SoftPasskey, holder: &str) -> PasskeyBinding {
    let registrar = registrar();
    let options = registrar
        .start_registration(holder, NOW)
        .await
        .expect("registration starts");
    let response = authenticator
        .do_registration(origin(), options)
        .expect("the passkey registers");
    registrar
        .finish_registration(holder, &response, NOW + 5)
        .await
        .expect("the registration verifies")
}

/// The claims a world sees after verifying a presentation that discloses `binding`.
fn disclosed(binding: &PasskeyBinding) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("age_over_18".into(), json!(true));
    claims.insert("passkey".into(), binding.to_claim());
    claims
}

/// The authenticator's answer to `request`, from a client at `origin`.
fn answer(
    authenticator: &mut SoftPasskey,
    origin: Url,
    request: RequestChallengeResponse,
) -> PublicKeyCredential {
    authenticator
        .do_authentication(origin, request)
        .expect("the passkey answers")
}

/// `request` as a client that skips user verification would send it on to the authenticator.
fn user_verification_discouraged(request: RequestChallengeResponse) -> RequestChallengeResponse {
    let mut options = serde_json::to_value(&request).expect("serializable");
    options["publicKey"]["userVerification"] = json!("discouraged");
    serde_json::from_value(options).expect("still options")
}

/// A world's login: the binding from the disclosed claims, and a challenge for `transaction`.
async fn start_login(
    verifier: &PasskeyVerifier,
    binding: &PasskeyBinding,
    transaction: &str,
) -> RequestChallengeResponse {
    let binding = require_passkey(&disclosed(binding)).expect("the claim is disclosed");
    verifier
        .start_authentication(&binding, transaction, LOGIN)
        .await
        .expect("authentication starts")
}

/// `request` as a client would pass it on when it offers the credential of `binding` instead
/// of the one the verifier asked for.
async fn offer_instead(request: &mut RequestChallengeResponse, binding: &PasskeyBinding) {
    request.public_key.allow_credentials = PasskeyVerifier::in_memory()
        .start_authentication(binding, "scratch", LOGIN)
        .await
        .expect("a scratch challenge")
        .public_key
        .allow_credentials;
}

/// The verifier finishes the login `login-1` with `assertion`, ten seconds after it started.
async fn finish(
    verifier: &PasskeyVerifier,
    assertion: &PublicKeyCredential,
) -> Result<vc_issuer::mfa::VerifiedAssertion, PasskeyError> {
    verifier
        .finish_authentication("login-1", assertion, LOGIN + 10)
        .await
}

fn code(error: &PasskeyError) -> ErrorCode {
    ReportError::from(error).code
}

fn assert_webauthn_refused(
    outcome: Result<impl std::fmt::Debug, PasskeyError>,
    cause: WebauthnError,
) {
    match outcome {
        Err(PasskeyError::Webauthn(error)) => {
            assert_eq!(error, cause);
            assert_eq!(
                code(&PasskeyError::Webauthn(error)),
                ErrorCode::WebauthnFailed
            );
        }
        other => panic!("expected webauthn-rs to refuse with {cause:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn registers_binds_and_authenticates_a_passkey() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    assert_eq!(binding.rp_id(), RP_ID);
    assert_eq!(binding.origin(), ORIGIN);
    let claim = binding.to_claim();
    assert_eq!(claim["jwk"]["kty"], "EC");
    assert_eq!(claim["jwk"]["alg"], "ES256");

    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    assert_eq!(request.public_key.allow_credentials.len(), 1);
    assert_eq!(
        request.public_key.allow_credentials[0].id.as_ref() as &[u8],
        binding.credential_id().as_bytes()
    );
    let assertion = answer(&mut passkey, origin(), request);
    let verified = finish(&verifier, &assertion)
        .await
        .expect("the assertion verifies");
    assert_eq!(&verified.credential_id, binding.credential_id());
    assert_eq!(verified.counter, 1);

    // A later login with the same passkey: the counter has grown.
    let request = start_login(&verifier, &binding, "login-2").await;
    let assertion = answer(&mut passkey, origin(), request);
    let verified = verifier
        .finish_authentication("login-2", &assertion, LOGIN + 20)
        .await
        .expect("the second assertion verifies");
    assert_eq!(verified.counter, 2);
}

#[tokio::test]
async fn the_wire_messages_are_json() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    // The world sends the options as JSON; the wallet answers with JSON.
    let request: RequestChallengeResponse =
        serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
    let assertion = answer(&mut passkey, origin(), request);
    let posted = serde_json::to_value(&assertion).unwrap();
    let assertion = require_assertion(Some(&posted)).expect("an assertion");
    finish(&verifier, &assertion)
        .await
        .expect("the assertion verifies");
}

#[tokio::test]
async fn a_ceremony_started_on_one_replica_finishes_on_another() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let ceremonies = Arc::new(InMemorySingleUseStore::default());
    let counters = Arc::new(InMemoryCounterStore::new());
    let first = PasskeyVerifier::new(ceremonies.clone(), counters.clone());
    let second = PasskeyVerifier::new(ceremonies, counters);
    let request = start_login(&first, &binding, "login-1").await;
    let assertion = answer(&mut passkey, origin(), request);
    second
        .finish_authentication("login-1", &assertion, LOGIN + 10)
        .await
        .expect("the shared state finishes the ceremony");
}

#[tokio::test]
async fn rejects_an_assertion_made_at_another_origin() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    // A page on a sibling host within the RP ID: the client lets it use the passkey, but it is
    // not the issuer's origin.
    let evil = Url::parse("https://evil.avid.example").unwrap();
    let assertion = answer(&mut passkey, evil, request);
    assert_webauthn_refused(
        finish(&verifier, &assertion).await,
        WebauthnError::InvalidRPOrigin,
    );
}

#[tokio::test]
async fn rejects_an_assertion_for_another_rp_id() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let mut request = start_login(&verifier, &binding, "login-1").await;
    // The client is told another RP ID (one the origin may claim): the authenticator hashes
    // that one into its signed data.
    request.public_key.rp_id = "issuer.avid.example".into();
    let assertion = answer(&mut passkey, origin(), request);
    assert_webauthn_refused(
        finish(&verifier, &assertion).await,
        WebauthnError::InvalidRPIDHash,
    );
}

#[tokio::test]
async fn rejects_another_passkey_answering() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let mut other = authenticator();
    let other_binding = register(&mut other, "mallory").await;

    let verifier = PasskeyVerifier::in_memory();
    let mut request = start_login(&verifier, &binding, "login-1").await;
    // Mallory's client answers the holder's challenge with Mallory's own passkey.
    offer_instead(&mut request, &other_binding).await;
    let assertion = answer(&mut other, origin(), request);
    assert_webauthn_refused(
        finish(&verifier, &assertion).await,
        WebauthnError::CredentialNotFound,
    );
}

#[tokio::test]
async fn rejects_another_passkey_posing_as_the_bound_one() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let mut other = authenticator();
    let other_binding = register(&mut other, "mallory").await;

    let verifier = PasskeyVerifier::in_memory();
    let mut request = start_login(&verifier, &binding, "login-1").await;
    offer_instead(&mut request, &other_binding).await;
    let mut assertion = answer(&mut other, origin(), request);
    // …and relabels the assertion with the holder's credential id: the signature is not the
    // bound key's.
    assertion.id = binding.credential_id().to_base64url();
    assertion.raw_id = binding.credential_id().as_bytes().to_vec();
    assert_webauthn_refused(
        finish(&verifier, &assertion).await,
        WebauthnError::AuthenticationFailure,
    );
}

#[tokio::test]
async fn rejects_a_replayed_assertion() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    let assertion = answer(&mut passkey, origin(), request);
    finish(&verifier, &assertion)
        .await
        .expect("the first use verifies");
    let replayed = verifier
        .finish_authentication("login-1", &assertion, LOGIN + 11)
        .await;
    assert!(
        matches!(replayed, Err(PasskeyError::NoPendingChallenge)),
        "{replayed:?}"
    );
    assert_eq!(code(&replayed.unwrap_err()), ErrorCode::WebauthnFailed);
}

#[tokio::test]
async fn rejects_an_assertion_replayed_into_a_new_transaction() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    let assertion = answer(&mut passkey, origin(), request);
    finish(&verifier, &assertion)
        .await
        .expect("the first use verifies");
    start_login(&verifier, &binding, "login-2").await;
    assert_webauthn_refused(
        verifier
            .finish_authentication("login-2", &assertion, LOGIN + 20)
            .await,
        WebauthnError::MismatchedChallenge,
    );
}

#[tokio::test]
async fn rejects_an_assertion_without_user_verification() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let request = start_login(&verifier, &binding, "login-1").await;
    assert_eq!(
        serde_json::to_value(&request).unwrap()["publicKey"]["userVerification"],
        "required"
    );
    let assertion = answer(
        &mut passkey,
        origin(),
        user_verification_discouraged(request),
    );
    assert_webauthn_refused(
        finish(&verifier, &assertion).await,
        WebauthnError::UserNotVerified,
    );
}

#[tokio::test]
async fn rejects_a_registration_without_user_verification() {
    let mut passkey = authenticator();
    let registrar = registrar();
    let options = registrar.start_registration("holder-1", NOW).await.unwrap();
    let mut options = serde_json::to_value(&options).unwrap();
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["userVerification"],
        "required"
    );
    options["publicKey"]["authenticatorSelection"]["userVerification"] = json!("discouraged");
    let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    let response = passkey.do_registration(origin(), options).unwrap();
    assert_webauthn_refused(
        registrar
            .finish_registration("holder-1", &response, NOW + 5)
            .await,
        WebauthnError::UserNotVerified,
    );
}

#[tokio::test]
async fn rejects_an_expired_challenge() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();

    // Answered within two minutes: accepted.
    let request = start_login(&verifier, &binding, "login-1").await;
    let assertion = answer(&mut passkey, origin(), request);
    verifier
        .finish_authentication("login-1", &assertion, LOGIN + 119)
        .await
        .expect("answered in time");

    // Two minutes after it was issued, the challenge is dead.
    let request = start_login(&verifier, &binding, "login-2").await;
    let assertion = answer(&mut passkey, origin(), request);
    let late = verifier
        .finish_authentication("login-2", &assertion, LOGIN + 120)
        .await;
    assert!(
        matches!(late, Err(PasskeyError::ChallengeExpired)),
        "{late:?}"
    );
    assert_eq!(code(&late.unwrap_err()), ErrorCode::WebauthnFailed);
}

#[tokio::test]
async fn rejects_an_expired_registration_challenge() {
    let mut passkey = authenticator();
    let registrar = registrar();
    let options = registrar.start_registration("holder-1", NOW).await.unwrap();
    let response = passkey.do_registration(origin(), options).unwrap();
    let late = registrar
        .finish_registration("holder-1", &response, NOW + 120)
        .await;
    assert!(
        matches!(late, Err(PasskeyError::ChallengeExpired)),
        "{late:?}"
    );
}

#[tokio::test]
async fn a_configured_challenge_lifetime_is_kept() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory().with_challenge_ttl(30);
    let request = start_login(&verifier, &binding, "login-1").await;
    assert_eq!(request.public_key.timeout, Some(30_000));
    let assertion = answer(&mut passkey, origin(), request);
    let late = verifier
        .finish_authentication("login-1", &assertion, LOGIN + 30)
        .await;
    assert!(
        matches!(late, Err(PasskeyError::ChallengeExpired)),
        "{late:?}"
    );
}

#[tokio::test]
async fn rejects_the_challenge_of_another_transaction() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let theirs = start_login(&verifier, &binding, "login-theirs").await;
    start_login(&verifier, &binding, "login-mine").await;
    // An assertion obtained for one login is posted to another.
    let assertion = answer(&mut passkey, origin(), theirs);
    assert_webauthn_refused(
        verifier
            .finish_authentication("login-mine", &assertion, LOGIN + 10)
            .await,
        WebauthnError::MismatchedChallenge,
    );
}

#[tokio::test]
async fn rejects_a_counter_that_does_not_increase() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    let first = start_login(&verifier, &binding, "login-1").await;
    let second = start_login(&verifier, &binding, "login-2").await;
    let older = answer(&mut passkey, origin(), first);
    let newer = answer(&mut passkey, origin(), second);
    // The newer signature arrives first; the older one then looks like a clone's.
    verifier
        .finish_authentication("login-2", &newer, LOGIN + 10)
        .await
        .expect("the newer assertion verifies");
    let cloned = verifier
        .finish_authentication("login-1", &older, LOGIN + 11)
        .await;
    assert!(
        matches!(
            cloned,
            Err(PasskeyError::CounterNotIncreasing {
                stored: 2,
                received: 1
            })
        ),
        "{cloned:?}"
    );
    assert_eq!(code(&cloned.unwrap_err()), ErrorCode::WebauthnFailed);
}

#[tokio::test]
async fn rejects_a_login_without_the_passkey_claim() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let mut claims = disclosed(&binding);
    claims.remove("passkey");
    let missing = require_passkey(&claims).unwrap_err();
    assert_eq!(missing.code, ErrorCode::FactorMissing);
}

#[tokio::test]
async fn rejects_a_login_without_an_assertion() {
    for response in [None, Some(&Value::Null)] {
        let missing = require_assertion(response);
        assert!(
            matches!(missing, Err(PasskeyError::NoAssertion)),
            "{missing:?}"
        );
        assert_eq!(code(&missing.unwrap_err()), ErrorCode::FactorMissing);
    }
}

#[tokio::test]
async fn rejects_a_malformed_passkey_claim_or_assertion() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let mut claims = disclosed(&binding);
    claims["passkey"]["origin"] = json!("http://issuer.avid.example");
    assert_eq!(
        require_passkey(&claims).unwrap_err().code,
        ErrorCode::Malformed
    );
    let garbage = require_assertion(Some(&json!({"id": "x"})));
    assert!(
        matches!(garbage, Err(PasskeyError::MalformedResponse(_))),
        "{garbage:?}"
    );
    assert_eq!(code(&garbage.unwrap_err()), ErrorCode::Malformed);
}

#[tokio::test]
async fn rejects_a_registration_answered_for_another_holder() {
    let registrar = registrar();
    let options = registrar
        .start_registration("holder-1", NOW)
        .await
        .expect("registration starts");
    let response = authenticator()
        .do_registration(origin(), options)
        .expect("the passkey registers");
    // Mallory presents holder-1's ceremony as her own: the challenge was issued for holder-1.
    let refused = registrar
        .finish_registration("mallory", &response, NOW + 5)
        .await;
    assert!(matches!(refused, Err(PasskeyError::NoPendingChallenge)));
    assert_eq!(
        code(&refused.expect_err("refused")),
        ErrorCode::WebauthnFailed
    );
}

#[tokio::test]
async fn a_holder_may_retry_a_registration_before_the_first_expires() {
    let registrar = registrar();
    let first = registrar
        .start_registration("holder-1", NOW)
        .await
        .expect("registration starts");
    let second = registrar
        .start_registration("holder-1", NOW + 1)
        .await
        .expect("a second registration starts at once");
    let mut passkey = authenticator();
    let response = passkey
        .do_registration(origin(), second)
        .expect("the passkey registers");
    registrar
        .finish_registration("holder-1", &response, NOW + 5)
        .await
        .expect("the retry verifies");
    drop(first);
}

#[tokio::test]
async fn rejects_a_second_challenge_for_one_login_transaction() {
    let mut passkey = authenticator();
    let binding = register(&mut passkey, "holder-1").await;
    let verifier = PasskeyVerifier::in_memory();
    start_login(&verifier, &binding, "login-1").await;
    let again = verifier
        .start_authentication(&binding, "login-1", LOGIN + 1)
        .await;
    assert!(matches!(again, Err(PasskeyError::ChallengeAlreadyIssued)));
}
