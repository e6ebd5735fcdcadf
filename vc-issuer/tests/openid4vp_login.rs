//! The avatar login over OpenID4VP 1.0 end to end — issuer → holder's wallet → world — for
//! both Client Identifier Prefixes, by value and by reference, and the attacks it must stop,
//! each test named after the attack.

use std::sync::Arc;

use did_core::did::DidUrl;
use did_core::jose::{Algorithm, LocalSigner, sign_compact};
use did_core::key::{KeyType, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::{did_key, did_key_verification_method};
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, Value, json};
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::openid4vp::{
    AuthorizationRequest, AuthorizationResponse, AvatarLogin, ClientId, ClientMetadata, Factor,
    Holding, LoginResult, LoginVerifier, Openid4vpError, REQUEST_OBJECT_TYP, RequestUrl,
    check_request, respond, select,
};
use vc_issuer::report::ErrorCode;
use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame, SdJwtKb};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::single_use::InMemorySingleUseStore;

const NOW: u64 = 1_750_000_000;
const RESPONSE_URI: &str = "https://world.example/login/responses";
const REQUEST_URI: &str = "https://world.example/login/requests/7/request";

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map(|runtime| runtime.block_on(future))
        .unwrap_or_else(|error| panic!("runtime: {error}"))
}

/// The three parties: an issuer's credential in the holder's wallet, the world's DID key, and
/// a resolver for did:key.
struct Setup {
    credential: HolderCredential,
    holder: SecretKey,
    world: SecretKey,
    resolver: Arc<dyn Resolver>,
    keys: DidIssuerKeys,
    passkeys: PasskeyVerifier,
}

fn setup() -> Setup {
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let holder = SecretKey::generate(KeyType::Ed25519);
    let Value::Object(claims) = json!({
        "sub": did_key(&holder.public_key()).to_string(),
        "avatars": [
            {"platform": "vrchat", "id": "did:example:avatar-a", "handle": "ali_vr"},
            {"platform": "resonite", "id": "did:example:avatar-b", "handle": "ali_res"},
            {"platform": "neos", "id": "did:example:avatar-c", "handle": "ali_neos"}
        ],
        "name": "Alice",
        "age_over_18": true,
        "passkey": {"credential_id": "cred-1", "jwk": {"kty": "OKP"}, "rp_id": "issuer.example", "origin": "https://issuer.example"}
    }) else {
        unreachable!()
    };
    let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder.public_key(), NOW - 100)
        .with_claims(claims)
        .expiring_at(NOW + 86_400);
    let frame = DisclosureFrame::new()
        .disclose("sub")
        .disclose("name")
        .disclose("age_over_18")
        .disclose("passkey")
        .nest("avatars", DisclosureFrame::new().disclose_all());
    let signer = issuer.signer(Algorithm::Ed25519).expect("signer");
    let issued = SdJwtVcIssuer::new(&signer, did_key_verification_method(&issuer.public_key()))
        .expect("issuer")
        .issue(payload, &frame)
        .expect("issued");
    let resolver: Arc<dyn Resolver> =
        Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
    Setup {
        credential: HolderCredential::parse(&issued).expect("credential"),
        holder,
        world: SecretKey::generate(KeyType::Ed25519),
        keys: DidIssuerKeys::new(resolver.clone()),
        passkeys: PasskeyVerifier::in_memory(),
        resolver,
    }
}

impl Setup {
    fn world_client_id(&self) -> ClientId {
        ClientId::DecentralizedIdentifier(did_key(&self.world.public_key()))
    }

    fn world_kid(&self) -> DidUrl {
        did_key_verification_method(&self.world.public_key())
    }

    fn request(&self, client_id: ClientId, login: &AvatarLogin) -> AuthorizationRequest {
        AuthorizationRequest::builder(client_id, RESPONSE_URI, login.dcql_query())
            .build()
            .expect("request")
    }

    fn redirect_request(&self, login: &AvatarLogin) -> AuthorizationRequest {
        self.request(
            ClientId::redirect_uri(RESPONSE_URI).expect("client id"),
            login,
        )
    }

    fn kb_signer(&self, request: &AuthorizationRequest) -> LocalSigner {
        let algorithm = request
            .client_metadata()
            .kb_jwt_algorithm(&self.holder.public_key())
            .expect("a common algorithm");
        self.holder.signer(algorithm).expect("signer")
    }

    /// What the wallet does once it holds a checked request: select, then respond.
    fn answer(&self, request: &AuthorizationRequest, at: u64) -> AuthorizationResponse {
        let signer = self.kb_signer(request);
        let held = [Holding {
            credential: &self.credential,
            signer: &signer,
        }];
        let selection = select(request, &held).expect("selection");
        respond(request, &held, &selection, at).expect("response")
    }

    /// A response disclosing exactly `paths`, its key binding JWT made for `aud` and `nonce`.
    fn forged_answer(
        &self,
        request: &AuthorizationRequest,
        paths: &[&str],
        aud: &str,
        nonce: &str,
    ) -> String {
        let paths: Vec<ClaimPath> = paths
            .iter()
            .map(|p| ClaimPath::parse(p).expect("path"))
            .collect();
        let presentation = self
            .credential
            .present_with_key_binding(
                &paths,
                &KeyBindingRequest::new(aud, nonce, NOW + 5),
                &self.holder.signer(Algorithm::Ed25519).expect("signer"),
            )
            .expect("presentation");
        AuthorizationResponse {
            vp_token: vec![("avatar_link".into(), vec![presentation])],
            state: request.state().map(str::to_owned),
        }
        .to_form()
    }
}

fn verify(setup: &Setup, store: &InMemorySingleUseStore, form: &str, at: u64) -> LoginResult {
    block_on(
        LoginVerifier::new(store, &setup.keys)
            .with_passkeys(&setup.passkeys)
            .check_response(form, at),
    )
    .expect("store works")
}

fn begin(
    setup: &Setup,
    store: &InMemorySingleUseStore,
    request: &AuthorizationRequest,
    login: &AvatarLogin,
) {
    block_on(
        LoginVerifier::new(store, &setup.keys)
            .with_passkeys(&setup.passkeys)
            .begin(request, login, NOW),
    )
    .expect("begun");
}

fn assert_granted_for_resonite(result: &LoginResult) {
    assert!(result.granted(), "{:?}", result.report.errors);
    let avatar = result.avatar.as_ref().expect("avatar");
    assert_eq!(
        (
            avatar.platform.as_str(),
            avatar.id.as_str(),
            avatar.handle.as_str()
        ),
        ("resonite", "did:example:avatar-b", "ali_res")
    );
    assert_eq!(result.factors, [Factor::HolderKey]);
    let claims = result.claims.as_ref().expect("claims");
    assert_eq!(
        claims["avatars"].as_array().map(Vec::len),
        Some(1),
        "only the avatar asked for"
    );
    assert!(claims.get("name").is_none() && claims.get("passkey").is_none());
    assert!(
        !result
            .report
            .warnings
            .iter()
            .any(|w| w.message.contains("did not ask")),
        "{:?}",
        result.report.warnings
    );
}

#[test]
fn logs_in_with_redirect_uri_request_by_value() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite").over_18();
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);

    let url = request.to_url().expect("url");
    let checked = block_on(check_request(
        &RequestUrl::parse(&url).expect("url"),
        None,
        setup.resolver.as_ref(),
    ))
    .expect("the wallet accepts the request");
    assert_eq!(checked, request);
    let response = setup.answer(&checked, NOW + 5);

    // The key binding JWT is bound to the whole client_id and the request's nonce.
    let presentation = &response.vp_token[0].1[0];
    let kb = SdJwtKb::parse(presentation).expect("SD-JWT+KB");
    let kb_payload =
        did_core::base64url::decode(kb.key_binding_jwt().split('.').nth(1).expect("payload"))
            .expect("b64");
    let kb_payload: Value = serde_json::from_slice(&kb_payload).expect("json");
    assert_eq!(
        kb_payload["aud"],
        json!(format!("redirect_uri:{RESPONSE_URI}"))
    );
    assert_eq!(kb_payload["nonce"], json!(request.nonce()));
    // Two disclosures: the resonite avatar and age_over_18; no other avatar, nothing else.
    assert_eq!(kb.sd_jwt().disclosures().len(), 2);

    let result = verify(&setup, &store, &response.to_form(), NOW + 6);
    assert_granted_for_resonite(&result);
    assert_eq!(result.holder, None, "the holder's DID was not asked for");
    assert_eq!(
        result.claims.as_ref().expect("claims")["age_over_18"],
        json!(true)
    );
}

#[test]
fn logs_in_with_signed_request_by_value() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite").with_holder_did();
    let request = setup.request(setup.world_client_id(), &login);
    begin(&setup, &store, &request, &login);
    let signer = setup.world.signer(Algorithm::Ed25519).expect("signer");
    let signed = request
        .sign(&signer, &setup.world_kid(), NOW)
        .expect("signed");

    let url = RequestUrl::parse(&signed.to_url()).expect("url");
    let checked = block_on(check_request(&url, None, setup.resolver.as_ref())).expect("verified");
    assert_eq!(checked, request);
    let result = verify(
        &setup,
        &store,
        &setup.answer(&checked, NOW + 5).to_form(),
        NOW + 6,
    );
    assert_granted_for_resonite(&result);
    assert_eq!(
        result.holder,
        Some(did_key(&setup.holder.public_key()).to_string())
    );
}

#[test]
fn logs_in_with_signed_request_by_reference() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.request(setup.world_client_id(), &login);
    begin(&setup, &store, &request, &login);
    let signer = setup.world.signer(Algorithm::Ed25519).expect("signer");
    let signed = request
        .sign(&signer, &setup.world_kid(), NOW)
        .expect("signed");

    let qr_code = signed.to_url_by_reference(REQUEST_URI);
    let url = RequestUrl::parse(&qr_code).expect("url");
    let RequestUrl::Reference { request_uri, .. } = &url else {
        panic!("by reference")
    };
    assert_eq!(request_uri, REQUEST_URI);
    // The wallet fetched `request_uri`; the service serves the Request Object there.
    assert!(block_on(check_request(&url, None, setup.resolver.as_ref())).is_err());
    let checked = block_on(check_request(
        &url,
        Some(signed.request_object()),
        setup.resolver.as_ref(),
    ))
    .expect("verified");
    let result = verify(
        &setup,
        &store,
        &setup.answer(&checked, NOW + 5).to_form(),
        NOW + 6,
    );
    assert_granted_for_resonite(&result);
}

#[test]
fn rejects_missing_passkey_factor() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite").with_passkey();
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let client_id = request.client_id().to_string();
    let form = setup.forged_answer(&request, &["/avatars/1"], &client_id, request.nonce());
    let result = verify(&setup, &store, &form, NOW + 6);
    assert!(!result.report.verified);
    assert_eq!(result.report.error_codes(), [ErrorCode::FactorMissing]);
}

#[test]
fn rejects_replayed_response() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let form = setup.answer(&request, NOW + 5).to_form();
    assert!(verify(&setup, &store, &form, NOW + 6).granted());
    let replay = verify(&setup, &store, &form, NOW + 7);
    assert!(!replay.report.verified);
    assert_eq!(replay.report.error_codes(), [ErrorCode::Replayed]);
    assert!(replay.avatar.is_none() && replay.claims.is_none());
}

#[test]
fn rejects_state_reuse_with_a_fresh_presentation() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    assert!(
        verify(
            &setup,
            &store,
            &setup.answer(&request, NOW + 5).to_form(),
            NOW + 6
        )
        .granted()
    );
    // A second, freshly signed presentation for the same transaction.
    let second = verify(
        &setup,
        &store,
        &setup.answer(&request, NOW + 8).to_form(),
        NOW + 9,
    );
    assert_eq!(second.report.error_codes(), [ErrorCode::Replayed]);
}

#[test]
fn rejects_unknown_state() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let mut response = setup.answer(&request, NOW + 5);
    response.state = Some("not-a-transaction".into());
    let result = verify(&setup, &store, &response.to_form(), NOW + 6);
    assert_eq!(result.report.error_codes(), [ErrorCode::TransactionUnknown]);
    response.state = None;
    let result = verify(&setup, &store, &response.to_form(), NOW + 6);
    assert_eq!(result.report.error_codes(), [ErrorCode::TransactionUnknown]);
}

#[test]
fn rejects_expired_transaction() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let late = NOW + 301;
    let result = verify(
        &setup,
        &store,
        &setup.answer(&request, late).to_form(),
        late,
    );
    assert_eq!(result.report.error_codes(), [ErrorCode::TransactionExpired]);
}

#[test]
fn rejects_kb_audience_without_the_client_id_prefix() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    // The bare Response URI is not the Client Identifier (§14.1.4 "Always Use the Full
    // Client Identifier").
    let form = setup.forged_answer(&request, &["/avatars/1"], RESPONSE_URI, request.nonce());
    let result = verify(&setup, &store, &form, NOW + 6);
    assert!(!result.report.verified);
    assert_eq!(result.report.error_codes(), [ErrorCode::AudMismatch]);
}

#[test]
fn rejects_nonce_of_another_transaction() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let first = setup.redirect_request(&login);
    let second = setup.redirect_request(&login);
    begin(&setup, &store, &first, &login);
    begin(&setup, &store, &second, &login);
    // A presentation made for the first transaction, posted under the second's state.
    let client_id = first.client_id().to_string();
    let form = setup.forged_answer(&second, &["/avatars/1"], &client_id, first.nonce());
    let result = verify(&setup, &store, &form, NOW + 6);
    assert!(!result.report.verified);
    assert_eq!(result.report.error_codes(), [ErrorCode::NonceMismatch]);
}

#[test]
fn rejects_withheld_dcql_claim() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite").over_18();
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let client_id = request.client_id().to_string();
    let form = setup.forged_answer(&request, &["/avatars/1"], &client_id, request.nonce());
    let result = verify(&setup, &store, &form, NOW + 6);
    assert!(!result.report.verified);
    assert_eq!(result.report.error_codes(), [ErrorCode::MissingClaim]);
    assert!(result.report.errors[0].message.contains("age_over_18"));
}

#[test]
fn rejects_avatar_of_another_platform() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let client_id = request.client_id().to_string();
    let form = setup.forged_answer(&request, &["/avatars/0"], &client_id, request.nonce());
    let result = verify(&setup, &store, &form, NOW + 6);
    assert_eq!(result.report.error_codes(), [ErrorCode::MissingClaim]);
}

#[test]
fn warns_about_claims_not_asked_for() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let client_id = request.client_id().to_string();
    let form = setup.forged_answer(
        &request,
        &["/avatars/1", "/name"],
        &client_id,
        request.nonce(),
    );
    let result = verify(&setup, &store, &form, NOW + 6);
    assert!(result.granted(), "{:?}", result.report.errors);
    let warnings: Vec<&str> = result
        .report
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`/name`") && w.contains("did not ask")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("`/avatars")),
        "{warnings:?}"
    );
}

#[test]
fn rejects_forged_request_object_signed_by_another_did() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = setup.request(setup.world_client_id(), &login);
    let attacker = SecretKey::generate(KeyType::Ed25519);
    let attacker_signer = attacker.signer(Algorithm::Ed25519).expect("signer");

    // Signed by the attacker's key, claiming to be the world's key.
    let mut header = Map::new();
    header.insert("typ".into(), REQUEST_OBJECT_TYP.into());
    header.insert("kid".into(), setup.world_kid().to_string().into());
    let payload = serde_json::to_vec(&request.to_claims()).expect("json");
    let forged = sign_compact(&header, &payload, &attacker_signer).expect("signed");
    let url = RequestUrl::Object {
        client_id: request.client_id().to_string(),
        request: forged,
    };
    assert!(matches!(
        block_on(check_request(&url, None, setup.resolver.as_ref())),
        Err(Openid4vpError::RequestObjectSignature)
    ));

    // Signed by the attacker's key, naming it: a key of another DID than the client's.
    header.insert(
        "kid".into(),
        did_key_verification_method(&attacker.public_key())
            .to_string()
            .into(),
    );
    let forged = sign_compact(&header, &payload, &attacker_signer).expect("signed");
    let url = RequestUrl::Object {
        client_id: request.client_id().to_string(),
        request: forged,
    };
    assert!(matches!(
        block_on(check_request(&url, None, setup.resolver.as_ref())),
        Err(Openid4vpError::RequestObjectKey { .. })
    ));
    // The verifier's own API refuses to sign with a key of another DID.
    assert!(
        request
            .sign(
                &attacker_signer,
                &did_key_verification_method(&attacker.public_key()),
                NOW
            )
            .is_err()
    );
}

#[test]
fn rejects_request_object_typed_jwt() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = setup.request(setup.world_client_id(), &login);
    let signer = setup.world.signer(Algorithm::Ed25519).expect("signer");
    let payload = serde_json::to_vec(&request.to_claims()).expect("json");
    for typ in [Some("JWT"), None] {
        let mut header = Map::new();
        if let Some(typ) = typ {
            header.insert("typ".into(), typ.into());
        }
        header.insert("kid".into(), setup.world_kid().to_string().into());
        let object = sign_compact(&header, &payload, &signer).expect("signed");
        let url = RequestUrl::Object {
            client_id: request.client_id().to_string(),
            request: object,
        };
        assert!(
            matches!(
                block_on(check_request(&url, None, setup.resolver.as_ref())),
                Err(Openid4vpError::RequestObjectType { .. })
            ),
            "{typ:?}"
        );
    }
}

#[test]
fn rejects_request_object_of_another_client_id() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = setup.request(setup.world_client_id(), &login);
    let signer = setup.world.signer(Algorithm::Ed25519).expect("signer");
    let signed = request
        .sign(&signer, &setup.world_kid(), NOW)
        .expect("signed");
    let other = ClientId::DecentralizedIdentifier(did_key(
        &SecretKey::generate(KeyType::Ed25519).public_key(),
    ));
    let url = RequestUrl::Object {
        client_id: other.to_string(),
        request: signed.request_object().to_owned(),
    };
    assert!(block_on(check_request(&url, None, setup.resolver.as_ref())).is_err());
}

#[test]
fn rejects_redirect_uri_request_whose_response_uri_differs() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let url = setup.redirect_request(&login).to_url().expect("url");
    let tampered = url.replace(
        "response_uri=https%3A%2F%2Fworld.example%2Flogin%2Fresponses",
        "response_uri=https%3A%2F%2Fattacker.example%2Fcollect",
    );
    assert_ne!(tampered, url);
    assert!(matches!(
        block_on(check_request(
            &RequestUrl::parse(&tampered).expect("url"),
            None,
            setup.resolver.as_ref()
        )),
        Err(Openid4vpError::InvalidRequest { .. })
    ));
}

#[test]
fn rejects_unsigned_request_of_a_did_client() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = setup.request(setup.world_client_id(), &login);
    assert!(
        request.to_url().is_err(),
        "the verifier's API refuses to send it unsigned"
    );
    let RequestUrl::Parameters(_) =
        RequestUrl::parse(&setup.redirect_request(&login).to_url().expect("url")).expect("url")
    else {
        panic!("by value")
    };
    let mut parameters = request.to_claims();
    parameters.insert(
        "client_id".into(),
        setup.world_client_id().to_string().into(),
    );
    let url = RequestUrl::Parameters(parameters);
    assert!(matches!(
        block_on(check_request(&url, None, setup.resolver.as_ref())),
        Err(Openid4vpError::InvalidRequest { .. })
    ));
}

#[test]
fn rejects_signed_request_of_a_redirect_uri_client() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = setup.redirect_request(&login);
    let signer = setup.world.signer(Algorithm::Ed25519).expect("signer");
    assert!(request.sign(&signer, &setup.world_kid(), NOW).is_err());
    let url = RequestUrl::Reference {
        client_id: request.client_id().to_string(),
        request_uri: REQUEST_URI.into(),
    };
    assert!(matches!(
        block_on(check_request(
            &url,
            Some("e30.e30."),
            setup.resolver.as_ref()
        )),
        Err(Openid4vpError::InvalidRequest { .. })
    ));
}

#[test]
fn rejects_kb_algorithm_the_verifier_does_not_list() {
    let setup = setup();
    let login = AvatarLogin::new("resonite");
    let request = AuthorizationRequest::builder(
        ClientId::redirect_uri(RESPONSE_URI).expect("client id"),
        RESPONSE_URI,
        login.dcql_query(),
    )
    .client_metadata(ClientMetadata::sd_jwt_vc(
        &[Algorithm::Ed25519],
        &[Algorithm::Es256],
    ))
    .build()
    .expect("request");
    assert!(matches!(
        request
            .client_metadata()
            .kb_jwt_algorithm(&setup.holder.public_key()),
        Err(Openid4vpError::NoCommonAlgorithm { .. })
    ));
    let signer = setup.holder.signer(Algorithm::Ed25519).expect("signer");
    let held = [Holding {
        credential: &setup.credential,
        signer: &signer,
    }];
    let selection = select(&request, &held).expect("selection");
    assert!(matches!(
        respond(&request, &held, &selection, NOW),
        Err(Openid4vpError::NoCommonAlgorithm { .. })
    ));
}

#[test]
fn login_result_debug_shows_no_claim_values() {
    let setup = setup();
    let store = InMemorySingleUseStore::default();
    let login = AvatarLogin::new("resonite").over_18().with_holder_did();
    let request = setup.redirect_request(&login);
    begin(&setup, &store, &request, &login);
    let result = verify(
        &setup,
        &store,
        &setup.answer(&request, NOW + 5).to_form(),
        NOW + 6,
    );
    assert!(result.granted());
    let debug = format!("{result:?}");
    for secret in ["ali_res", "did:example:avatar-b", "did:key:"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("age_over_18"), "{debug}");
}
