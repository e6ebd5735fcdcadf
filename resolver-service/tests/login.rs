//! Avatar login over real HTTP on loopback (protocol.md "Login over HTTP"): a world asks for
//! a login, the wallet fetches the signed request, answers with a real avatar-link credential
//! (issued here with the vc-issuer libraries, its status list served by a loopback server) and
//! its software passkey, and the world reads the result. Then each attack, refused.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use did_core::did::{Did, DidUrl};
use did_core::fetch::{FetchPolicy, HttpFetcher};
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use did_core::time::unix_now;
use resolver_service::login::{self, LoginService, VerifierKey};
use serde_json::{Map, Value, json};
use vc_issuer::avatar::{
    AvatarLinkCredential, HolderBinding, LinkExpectations, LinkNonces, LinkPolicy, LinkProof,
    LinkStatement, LinkedAvatar, PersonalData, Platform, verify_link_proof,
};
use vc_issuer::mfa::{
    PASSKEY_CLAIM, PasskeyRegistrar, PasskeyVerifier, RelyingParty, RequestChallengeResponse,
};
use vc_issuer::openid4vp::{
    AuthorizationRequest, Holding, RequestUrl, check_request, respond, select,
};
use vc_issuer::sd_jwt_vc::HolderCredential;
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::status::{
    STATUS_LIST_JWT_MEDIA_TYPE, StatusBits, StatusListReference, TokenStatusList,
    issue_status_list_token,
};
use vc_issuer::verify::Verifier;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const RP_ID: &str = "avid.example";
const ISSUER_ORIGIN: &str = "https://issuer.avid.example";
const PLATFORM: &str = "resonite";
const HANDLE: &str = "alice_res";

/// Someone with a did:key.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        Self {
            signer: secret.signer(Algorithm::Ed25519).unwrap(),
            kid: did_key_verification_method(&secret.public_key()),
            secret,
        }
    }

    fn did(&self) -> &Did {
        self.kid.did()
    }
}

/// Serves `app` on a loopback port, for as long as the test runs.
async fn serve(listener: tokio::net::TcpListener, app: Router) {
    tokio::spawn(async move { axum::serve(listener, app).await });
}

async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

fn resolver() -> Arc<dyn Resolver> {
    Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)))
}

/// A holder after issuance: key, passkey, credential.
struct Holder {
    key: Party,
    passkey: SoftPasskey,
    credential: HolderCredential,
}

/// The issuer: it links one avatar, registers the holder's passkey, signs the credential,
/// and serves its status list on loopback.
struct Issuer {
    key: Party,
    status_uri: String,
}

impl Issuer {
    async fn start() -> Issuer {
        let key = Party::new();
        let (listener, addr) = bind().await;
        let status_uri = format!("http://{addr}/statuslists/1");
        let now = unix_now();
        let token = issue_status_list_token(
            &TokenStatusList::new(StatusBits::Two, 64).unwrap(),
            &status_uri,
            &key.signer,
            key.kid.as_str(),
            now - 60,
            Some(now + 86_400),
            Some(3600),
        )
        .unwrap();
        let app = Router::new().route(
            "/statuslists/1",
            get(move || {
                let token = token.clone();
                async move { ([("content-type", STATUS_LIST_JWT_MEDIA_TYPE)], token) }
            }),
        );
        serve(listener, app).await;
        Issuer { key, status_uri }
    }

    async fn onboard(&self) -> Holder {
        let now = unix_now() - 30;
        let key = Party::new();
        let avatar = Party::new();
        let nonces = LinkNonces::in_memory();
        let nonce = nonces.issue(now).await.unwrap();
        let platform = Platform::new(PLATFORM).unwrap();
        let statement = LinkStatement::new(
            avatar.did().clone(),
            key.did().clone(),
            platform.clone(),
            nonce,
            now,
            now + 300,
        );
        let proof = LinkProof::new(
            statement.sign(&avatar.signer, &avatar.kid).unwrap(),
            statement.sign(&key.signer, &key.kid).unwrap(),
        );
        let link = verify_link_proof(
            &proof,
            &LinkExpectations::new(key.did().clone(), platform),
            &nonces,
            resolver().as_ref(),
            &LinkPolicy::default(),
            now + 1,
        )
        .await
        .unwrap();
        let relying_party = RelyingParty::new(RP_ID, ISSUER_ORIGIN, "avid issuer").unwrap();
        let registrar = PasskeyRegistrar::in_memory(relying_party).unwrap();
        let mut passkey = SoftPasskey::new(true);
        let options = registrar.start_registration("holder", now).await.unwrap();
        let registration = passkey.do_registration(origin(), options).unwrap();
        let binding = registrar
            .finish_registration("holder", &registration, now + 1)
            .await
            .unwrap();
        let mut extra = Map::new();
        extra.insert(PASSKEY_CLAIM.into(), binding.to_claim());
        let issued = AvatarLinkCredential::new(key.did().clone(), now, now + 86_400)
            .with_personal_data(PersonalData {
                age_over_18: Some(true),
                ..PersonalData::default()
            })
            .with_avatar(LinkedAvatar::new(link, HANDLE).unwrap())
            .with_disclosable_claims(extra)
            .unwrap()
            .issue(
                &self.key.signer,
                &self.key.kid,
                &HolderBinding::new(
                    key.secret.public_key(),
                    StatusListReference::new(3, &self.status_uri).unwrap(),
                ),
            )
            .unwrap();
        Holder {
            key,
            passkey,
            credential: HolderCredential::parse(&issued).unwrap(),
        }
    }
}

fn origin() -> Url {
    Url::parse(ISSUER_ORIGIN).unwrap()
}

/// The world's service on loopback.
struct World {
    base: String,
    http: reqwest::Client,
}

struct Settings {
    trusted: Vec<Did>,
    fetch: FetchPolicy,
    ttl: u64,
}

impl World {
    async fn start(issuer: &Issuer) -> World {
        World::with(Settings {
            trusted: vec![issuer.key.did().clone()],
            fetch: FetchPolicy::local_testing(),
            ttl: 300,
        })
        .await
    }

    async fn with(settings: Settings) -> World {
        let (listener, addr) = bind().await;
        let base = format!("http://{addr}");
        let fetcher = Arc::new(HttpFetcher::new(settings.fetch).unwrap());
        let service = LoginService::new(
            &base,
            VerifierKey::generate(),
            Verifier::for_dids(resolver(), fetcher),
            settings.trusted,
            Arc::new(InMemorySingleUseStore::default()),
            Arc::new(PasskeyVerifier::in_memory()),
        )
        .unwrap()
        .with_transaction_ttl(settings.ttl);
        serve(listener, login::router(Arc::new(service))).await;
        World {
            base,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    async fn post_json(&self, path: &str, body: String) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    async fn get(&self, url: &str) -> (u16, Value) {
        let response = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        read(response).await
    }

    async fn post_form(&self, form: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/login/responses", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap();
        read(response).await
    }

    async fn begin(&self, passkey: bool) -> Value {
        let body = json!({"platform": PLATFORM, "claims": ["age_over_18"], "passkey": passkey});
        let (status, created) = self.post_json("/login/requests", body.to_string()).await;
        assert_eq!(status, 201, "{created}");
        created
    }

    async fn status(&self, id: &str) -> Value {
        let (status, body) = self
            .get(&format!("{}/login/requests/{id}", self.base))
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// What the wallet does with a login: fetch the request object, check it, answer.
async fn wallet_answers(world: &World, holder: &Holder, created: &Value) -> String {
    let request = fetch_request(world, created).await;
    answer(holder, &request)
}

async fn fetch_request(world: &World, created: &Value) -> AuthorizationRequest {
    let url = created["openid4vp_url"].as_str().unwrap();
    let request_uri = created["request_uri"].as_str().unwrap();
    let response = world.http.get(request_uri).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/oauth-authz-req+jwt"
    );
    let jwt = response.text().await.unwrap();
    check_request(
        &RequestUrl::parse(url).unwrap(),
        Some(&jwt),
        resolver().as_ref(),
    )
    .await
    .expect("the signed request checks against the verifier's DID")
}

fn answer(holder: &Holder, request: &AuthorizationRequest) -> String {
    let held = [Holding {
        credential: &holder.credential,
        signer: &holder.key.signer,
    }];
    let selection = select(request, &held).unwrap();
    respond(request, &held, &selection, unix_now())
        .unwrap()
        .to_form()
}

/// The passkey step at `redirect_uri`: the options fetched, answered by the software passkey.
async fn passkey_answers(world: &World, holder: &mut Holder, redirect_uri: &str) -> Value {
    let (status, options) = world.get(redirect_uri).await;
    assert_eq!(status, 200, "{options}");
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let assertion = holder.passkey.do_authentication(origin(), options).unwrap();
    serde_json::to_value(&assertion).unwrap()
}

async fn post_assertion(world: &World, redirect_uri: &str, assertion: &Value) -> (u16, Value) {
    let path = redirect_uri.strip_prefix(&world.base).unwrap();
    world.post_json(path, assertion.to_string()).await
}

#[tokio::test]
async fn logs_in_with_both_factors_over_http() {
    let issuer = Issuer::start().await;
    let mut alice = issuer.onboard().await;
    let world = World::start(&issuer).await;

    let created = world.begin(true).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(
        created["openid4vp_url"]
            .as_str()
            .unwrap()
            .starts_with("openid4vp://?client_id=decentralized_identifier%3Adid%3Akey%3A")
    );
    assert_eq!(world.status(&id).await["status"], "pending");

    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 200, "{body}");
    let redirect_uri = body["redirect_uri"].as_str().unwrap().to_owned();
    assert_eq!(
        redirect_uri,
        format!("{}/login/requests/{id}/passkey", world.base)
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "only redirect_uri (§8.2)"
    );
    assert_eq!(world.status(&id).await["status"], "awaiting_passkey");

    let assertion = passkey_answers(&world, &mut alice, &redirect_uri).await;
    let (status, body) = post_assertion(&world, &redirect_uri, &assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["granted"], true);
    assert_eq!(body["factors"], json!(["holder_key", "passkey"]));

    let outcome = world.status(&id).await;
    assert_eq!(outcome["status"], "granted", "{outcome}");
    let result = &outcome["result"];
    assert_eq!(result["avatar"]["handle"], HANDLE);
    assert_eq!(result["avatar"]["platform"], PLATFORM);
    assert_eq!(result["claims"]["age_over_18"], true);
    assert_eq!(
        result["holder"],
        Value::Null,
        "the holder DID was not asked"
    );
    assert_eq!(result["report"]["verified"], true);

    // The same assertion again: a replay, refused, and the login stays granted.
    let (status, body) = post_assertion(&world, &redirect_uri, &assertion).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["granted"], false);
    assert_eq!(world.status(&id).await["status"], "granted");
}

#[tokio::test]
async fn logs_in_with_the_holder_key_alone_when_no_passkey_is_asked() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!((status, body), (200, json!({})));
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "granted");
    assert_eq!(outcome["result"]["factors"], json!(["holder_key"]));
}

#[tokio::test]
async fn rejects_a_replayed_response() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    assert_eq!(world.post_form(&form).await.0, 200);
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("replay")
    );
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "granted", "a replay changes nothing");
}

#[tokio::test]
async fn rejects_a_fresh_response_that_reuses_a_used_state() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let request = fetch_request(&world, &created).await;
    assert_eq!(world.post_form(&answer(&alice, &request)).await.0, 200);
    // A new presentation, new key binding, for the same (used) state.
    let (status, body) = world.post_form(&answer(&alice, &request)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        world.status(created["id"].as_str().unwrap()).await["status"],
        "granted"
    );
}

#[tokio::test]
async fn rejects_a_response_after_the_transaction_expired() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![issuer.key.did().clone()],
        fetch: FetchPolicy::local_testing(),
        ttl: 1,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused");
}

#[tokio::test]
async fn rejects_a_credential_of_an_untrusted_issuer() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![Party::new().did().clone()],
        fetch: FetchPolicy::local_testing(),
        ttl: 300,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused");
    assert_eq!(outcome["result"]["report"]["verified"], false);
}

#[tokio::test]
async fn rejects_a_status_list_on_loopback_unless_allowed() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![issuer.key.did().clone()],
        fetch: FetchPolicy::default(),
        ttl: 300,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused", "{outcome}");
    assert_eq!(
        outcome["result"]["report"]["errors"][0]["code"], "status_unavailable",
        "{outcome}"
    );
}

#[tokio::test]
async fn rejects_a_forged_passkey_assertion() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let mut mallory = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(true).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (_, body) = world.post_form(&form).await;
    let redirect_uri = body["redirect_uri"].as_str().unwrap().to_owned();
    // Another holder's passkey answers Alice's challenge.
    let (_, options) = world.get(&redirect_uri).await;
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let forged = match mallory.passkey.do_authentication(origin(), options) {
        Ok(assertion) => serde_json::to_value(&assertion).unwrap(),
        // The soft passkey knows no credential of Alice's id: it forges nothing; send junk.
        Err(_) => json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA"}}),
    };
    let (status, body) = post_assertion(&world, &redirect_uri, &forged).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused", "{outcome}");
}

#[tokio::test]
async fn answers_each_error_with_its_status() {
    let issuer = Issuer::start().await;
    let world = World::start(&issuer).await;
    // Unknown logins: 404 on every route of an id.
    for path in ["", "/request", "/passkey"] {
        let (status, body) = world
            .get(&format!("{}/login/requests/nope{path}", world.base))
            .await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let (status, _) = world
        .post_json("/login/requests/nope/passkey", "{}".into())
        .await;
    assert_eq!(status, 400);
    // Malformed login requests: 400.
    for body in [
        "{not json".to_owned(),
        json!({"platform": ""}).to_string(),
        json!({"platform": PLATFORM, "claims": ["email"]}).to_string(),
        json!({"platform": PLATFORM, "extra": 1}).to_string(),
        format!("{}{}", "[".repeat(100), "]".repeat(100)),
    ] {
        let (status, answer) = world.post_json("/login/requests", body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], "invalid_request");
    }
    // A huge body: 413.
    let huge = format!("{{\"platform\": \"{}\"}}", "a".repeat(2 << 20));
    assert_eq!(world.post_json("/login/requests", huge).await.0, 413);
    // The passkey step of a login not awaiting it: 409.
    let created = world.begin(true).await;
    let id = created["id"].as_str().unwrap();
    let (status, _) = world
        .get(&format!("{}/login/requests/{id}/passkey", world.base))
        .await;
    assert_eq!(status, 409);
    // A response that is not a form: 415; a form without state: 400.
    let response = world
        .http
        .post(format!("{}/login/responses", world.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(world.post_form("vp_token=%7B%7D").await.0, 400);
    assert_eq!(world.status(id).await["status"], "pending");
}
