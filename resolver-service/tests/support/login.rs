//! What the login tests share: a holder onboarded by an issuer (avatar link, software passkey,
//! avatar-link credential, status list on loopback), the world's HTTP client of the login
//! routes, and what the wallet does at each step.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use did_core::did::{Did, DidUrl};
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use did_core::time::unix_now;
use serde_json::{Map, Value, json};
use vc_issuer::avatar::{
    AvatarLinkCredential, HolderBinding, LinkExpectations, LinkNonces, LinkPolicy, LinkProof,
    LinkStatement, LinkedAvatar, PersonalData, Platform, verify_link_proof,
};
use vc_issuer::mfa::{PASSKEY_CLAIM, PasskeyRegistrar, RelyingParty, RequestChallengeResponse};
use vc_issuer::openid4vp::{
    AuthorizationRequest, Holding, RequestUrl, check_request, respond, select,
};
use vc_issuer::sd_jwt_vc::HolderCredential;
use vc_issuer::status::{
    STATUS_LIST_JWT_MEDIA_TYPE, StatusBits, StatusListReference, TokenStatusList,
    issue_status_list_token,
};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

pub const RP_ID: &str = "avid.example";
pub const ISSUER_ORIGIN: &str = "https://issuer.avid.example";
pub const PLATFORM: &str = "resonite";
pub const HANDLE: &str = "alice_res";

/// Someone with a did:key.
pub struct Party {
    pub secret: SecretKey,
    pub signer: LocalSigner,
    pub kid: DidUrl,
}

impl Party {
    pub fn new() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        Self {
            signer: secret.signer(Algorithm::Ed25519).unwrap(),
            kid: did_key_verification_method(&secret.public_key()),
            secret,
        }
    }

    pub fn did(&self) -> &Did {
        self.kid.did()
    }
}

/// Serves `app` on a loopback port, for as long as the test runs.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) {
    tokio::spawn(async move { axum::serve(listener, app).await });
}

pub async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

pub fn resolver() -> Arc<dyn Resolver> {
    Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)))
}

/// A holder after issuance: key, passkey, credential.
pub struct Holder {
    pub key: Party,
    pub passkey: SoftPasskey,
    pub credential: HolderCredential,
}

/// The issuer: it links one avatar, registers the holder's passkey, signs the credential,
/// and serves its status list on loopback.
pub struct Issuer {
    pub key: Party,
    pub status_uri: String,
}

impl Issuer {
    pub async fn start() -> Issuer {
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

    pub async fn onboard(&self) -> Holder {
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

pub fn origin() -> Url {
    Url::parse(ISSUER_ORIGIN).unwrap()
}

/// The world's service on loopback.
pub struct World {
    pub base: String,
    pub http: reqwest::Client,
}

impl World {
    /// The world's client of the service at `base`.
    pub fn at(base: String) -> World {
        World {
            base,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn post_json(&self, path: &str, body: String) -> (u16, Value) {
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

    pub async fn get(&self, url: &str) -> (u16, Value) {
        let response = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn post_form(&self, form: &str) -> (u16, Value) {
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

    pub async fn begin(&self, passkey: bool) -> Value {
        let body = json!({"platform": PLATFORM, "claims": ["age_over_18"], "passkey": passkey});
        let (status, created) = self.post_json("/login/requests", body.to_string()).await;
        assert_eq!(status, 201, "{created}");
        created
    }

    pub async fn status(&self, id: &str) -> Value {
        let (status, body) = self
            .get(&format!("{}/login/requests/{id}", self.base))
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// What the wallet does with a login: fetch the request object, check it, answer.
pub async fn wallet_answers(world: &World, holder: &Holder, created: &Value) -> String {
    let request = fetch_request(world, created).await;
    answer(holder, &request)
}

pub async fn fetch_request(world: &World, created: &Value) -> AuthorizationRequest {
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

pub fn answer(holder: &Holder, request: &AuthorizationRequest) -> String {
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
pub async fn passkey_answers(world: &World, holder: &mut Holder, redirect_uri: &str) -> Value {
    let (status, options) = world.get(redirect_uri).await;
    assert_eq!(status, 200, "{options}");
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let assertion = holder.passkey.do_authentication(origin(), options).unwrap();
    serde_json::to_value(&assertion).unwrap()
}

pub async fn post_assertion(world: &World, redirect_uri: &str, assertion: &Value) -> (u16, Value) {
    let path = redirect_uri.strip_prefix(&world.base).unwrap();
    world.post_json(path, assertion.to_string()).await
}
