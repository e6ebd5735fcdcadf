//! The avatar login as a whole, every party real: two platforms, a holder with three avatars
//! (link proofs over the issuer's nonces), an issuer that binds the holder's key and registers
//! a software passkey, and a world that asks for the avatar of one platform and `age_over_18`
//! with both factors over OpenID4VP 1.0. The success path first, inspected on the bytes the
//! world receives; then each attack, named after itself.

use std::sync::Arc;

use did_core::did::{Did, DidUrl};
use did_core::fetch::fake::FakeFetcher;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, Value};
use vc_issuer::avatar::{
    AvatarLinkCredential, HolderBinding, LinkExpectations, LinkNonces, LinkPolicy, LinkProof,
    LinkStatement, LinkedAvatar, PersonalData, Platform, verify_link_proof,
};
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::mfa::{
    PASSKEY_CLAIM, PasskeyBinding, PasskeyRegistrar, PasskeyVerifier, RelyingParty,
    RequestChallengeResponse,
};
use vc_issuer::openid4vp::{
    AuthorizationRequest, AuthorizationResponse, AvatarLogin, ClientId, Factor, Holding,
    LoginResult, LoginVerifier, RequestUrl, check_request, respond, select,
};
use vc_issuer::report::ErrorCode;
use vc_issuer::sd_jwt::{ClaimPath, HashAlgorithm, SdJwt, SdJwtKb};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, create_key_binding_jwt};
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::status::{
    STATUS_LIST_JWT_MEDIA_TYPE, StatusBits, StatusListClient, StatusListReference, TokenStatusList,
    issue_status_list_token,
};
use vc_issuer::trust::{
    Binding, Factor as TrustFactor, Indicator, Level, Shortfall, TrustDecision, TrustEngine,
    TrustModel, TrustPolicy,
};
use vc_issuer::verify::{VerificationPolicy, VerifierTrust};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const ISSUED: u64 = 1_780_000_000;
const LOGIN: u64 = ISSUED + 3600;
const STATUS_URI: &str = "https://issuer.avid.example/statuslists/1";
const RP_ID: &str = "avid.example";
const ISSUER_ORIGIN: &str = "https://issuer.avid.example";
const RESPONSE_URI: &str = "https://world.example/login/responses";
/// The platform the world logs players in from.
const PLATFORM_B: &str = "resonite";
/// The holder's avatars: two on platform A, one on platform B.
const AVATARS: [(&str, &str); 3] = [
    ("vrchat", "alice_vr"),
    (PLATFORM_B, "alice_res"),
    ("vrchat", "alice_alt"),
];

/// Someone with a did:key: a holder, an avatar, the issuer.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        Self {
            signer: secret.signer(Algorithm::Ed25519).expect("signer"),
            kid: did_key_verification_method(&secret.public_key()),
            secret,
        }
    }

    fn did(&self) -> &Did {
        self.kid.did()
    }
}

/// A holder as the wallet knows them after issuance: their key, avatars, passkey and
/// credential.
struct Holder {
    key: Party,
    avatars: Vec<Party>,
    passkey: SoftPasskey,
    binding: PasskeyBinding,
    credential: HolderCredential,
}

/// The issuer: its key, the nonces of link proofs, the passkey registrar, and a resolver.
struct Issuer {
    key: Party,
    nonces: LinkNonces,
    registrar: PasskeyRegistrar,
    resolver: Arc<dyn Resolver>,
    statuses: std::sync::atomic::AtomicU64,
}

impl Issuer {
    fn new(resolver: Arc<dyn Resolver>) -> Self {
        let relying_party =
            RelyingParty::new(RP_ID, ISSUER_ORIGIN, "avid issuer").expect("relying party");
        Self {
            key: Party::new(),
            nonces: LinkNonces::in_memory(),
            registrar: PasskeyRegistrar::in_memory(relying_party).expect("registrar"),
            resolver,
            statuses: std::sync::atomic::AtomicU64::new(7),
        }
    }

    /// The link proof of `avatar` on `platform` for `holder`, both signatures over a nonce
    /// of this issuer.
    async fn link_proof(&self, avatar: &Party, holder: &Party, platform: &str) -> LinkProof {
        let nonce = self.nonces.issue(ISSUED).await.expect("nonce");
        let statement = LinkStatement::new(
            avatar.did().clone(),
            holder.did().clone(),
            Platform::new(platform).expect("platform"),
            nonce,
            ISSUED,
            ISSUED + 300,
        );
        LinkProof::new(
            statement.sign(&avatar.signer, &avatar.kid).expect("signed"),
            statement.sign(&holder.signer, &holder.kid).expect("signed"),
        )
    }

    async fn check_link(
        &self,
        proof: &LinkProof,
        holder: &Party,
        platform: &str,
    ) -> Result<vc_issuer::avatar::VerifiedLink, vc_issuer::avatar::LinkProofError> {
        let expected = LinkExpectations::new(
            holder.did().clone(),
            Platform::new(platform).expect("platform"),
        );
        verify_link_proof(
            proof,
            &expected,
            &self.nonces,
            self.resolver.as_ref(),
            &LinkPolicy::default(),
            ISSUED + 5,
        )
        .await
    }

    /// The whole issuance for a new holder: three link proofs checked, the passkey
    /// registered with the holder's authenticator, the credential signed.
    async fn onboard(&self) -> Holder {
        let key = Party::new();
        let avatars: Vec<Party> = AVATARS.iter().map(|_| Party::new()).collect();
        let mut credential = AvatarLinkCredential::new(key.did().clone(), ISSUED, ISSUED + 86_400)
            .with_personal_data(PersonalData {
                name: Some("Alice Example".into()),
                email: Some("alice@example.org".into()),
                phone_number: Some("+33612345678".into()),
                birthdate: Some("1990-04-01".into()),
                age_over_18: Some(true),
            });
        for (avatar, (platform, handle)) in avatars.iter().zip(AVATARS) {
            let proof = self.link_proof(avatar, &key, platform).await;
            let link = self
                .check_link(&proof, &key, platform)
                .await
                .expect("an honest link proof verifies");
            credential = credential.with_avatar(LinkedAvatar::new(link, handle).expect("avatar"));
        }
        let mut passkey = SoftPasskey::new(true);
        let options = self
            .registrar
            .start_registration("holder", ISSUED)
            .await
            .expect("registration starts");
        let response = passkey
            .do_registration(issuer_origin(), options)
            .expect("the passkey registers");
        let binding = self
            .registrar
            .finish_registration("holder", &response, ISSUED + 5)
            .await
            .expect("the registration verifies");
        let mut extra = Map::new();
        extra.insert(PASSKEY_CLAIM.into(), binding.to_claim());
        let credential = credential
            .with_disclosable_claims(extra)
            .expect("passkey claim");
        let index = self
            .statuses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let status = StatusListReference::new(index, STATUS_URI).expect("status");
        let issued = credential
            .issue(
                &self.key.signer,
                &self.key.kid,
                &HolderBinding::new(key.secret.public_key(), status),
            )
            .expect("issued");
        Holder {
            key,
            avatars,
            passkey,
            binding,
            credential: HolderCredential::parse(&issued).expect("credential"),
        }
    }

    /// The issuer's Token Status List with every entry valid.
    fn status_list(&self) -> String {
        issue_status_list_token(
            &TokenStatusList::new(StatusBits::Two, 64).expect("list"),
            STATUS_URI,
            &self.key.signer,
            self.key.kid.as_str(),
            ISSUED,
            Some(ISSUED + 30 * 86_400),
            Some(3600),
        )
        .expect("status list")
    }
}

fn issuer_origin() -> Url {
    Url::parse(ISSUER_ORIGIN).expect("origin")
}

/// The world: where it keeps transactions, how it finds issuer keys and status, its passkey
/// verifier and its policy (it trusts the issuer).
struct World {
    store: InMemorySingleUseStore,
    keys: DidIssuerKeys,
    status: StatusListClient,
    passkeys: PasskeyVerifier,
    policy: VerificationPolicy,
    trust: VerifierTrust,
    trust_policy: Option<TrustPolicy>,
}

impl World {
    fn new(resolver: Arc<dyn Resolver>, issuer: &Issuer) -> Self {
        let fetcher = FakeFetcher::new();
        fetcher.serve(STATUS_URI, STATUS_LIST_JWT_MEDIA_TYPE, issuer.status_list());
        let keys = Arc::new(DidIssuerKeys::new(resolver.clone()));
        let trust = VerifierTrust {
            engine: Arc::new(TrustEngine::in_memory(TrustModel::default())),
            resolver: resolver.clone(),
        };
        Self {
            store: InMemorySingleUseStore::default(),
            keys: DidIssuerKeys::new(resolver),
            status: StatusListClient::new(Arc::new(fetcher), keys),
            passkeys: PasskeyVerifier::in_memory(),
            policy: VerificationPolicy::default()
                .expecting_vct(vc_issuer::avatar::AVATAR_LINK_VCT)
                .trusting(vec![issuer.key.did().clone()]),
            trust,
            trust_policy: None,
        }
    }

    fn verifier(&self) -> LoginVerifier<'_> {
        let verifier = LoginVerifier::new(&self.store, &self.keys)
            .with_status(&self.status)
            .with_passkeys(&self.passkeys)
            .with_policy(self.policy.clone())
            .with_trust(&self.trust);
        match &self.trust_policy {
            Some(policy) => verifier.with_trust_policy(policy.clone()),
            None => verifier,
        }
    }

    fn login() -> AvatarLogin {
        AvatarLogin::new(PLATFORM_B).over_18().with_passkey()
    }

    /// A fresh login request (new `state` and `nonce`), its transaction begun, as the
    /// `openid4vp://` URL a player scans.
    async fn begin(&self) -> (AuthorizationRequest, String) {
        self.begin_login(Self::login()).await
    }

    /// [`begin`](Self::begin) for `login`.
    async fn begin_login(&self, login: AvatarLogin) -> (AuthorizationRequest, String) {
        let request = AuthorizationRequest::builder(
            ClientId::redirect_uri(RESPONSE_URI).expect("client id"),
            RESPONSE_URI,
            login.dcql_query(),
        )
        .build()
        .expect("request");
        self.verifier()
            .begin(&request, &login, LOGIN)
            .await
            .expect("begun");
        let url = request.to_url().expect("url");
        (request, url)
    }
}

/// Everyone, set up: the issuer has onboarded Alice (the holder) and Eve (another holder).
struct Scene {
    issuer: Issuer,
    world: World,
    alice: Holder,
    eve: Holder,
    resolver: Arc<dyn Resolver>,
}

async fn scene() -> Scene {
    let resolver: Arc<dyn Resolver> =
        Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
    let issuer = Issuer::new(resolver.clone());
    let alice = issuer.onboard().await;
    let eve = issuer.onboard().await;
    let world = World::new(resolver.clone(), &issuer);
    Scene {
        issuer,
        world,
        alice,
        eve,
        resolver,
    }
}

impl Scene {
    /// What the wallet does with a scanned URL: check the request, select the minimum of
    /// `credential`, and answer with a key binding by `signer`.
    async fn wallet_answers(
        &self,
        credential: &HolderCredential,
        signer: &LocalSigner,
        url: &str,
    ) -> String {
        let request = check_request(
            &RequestUrl::parse(url).expect("url"),
            None,
            self.resolver.as_ref(),
        )
        .await
        .expect("the request checks");
        let held = [Holding { credential, signer }];
        let selection = select(&request, &held).expect("the credential answers the query");
        respond(&request, &held, &selection, LOGIN + 1)
            .expect("response")
            .to_form()
    }

    /// A `direct_post` body by Alice's own hand, bypassing the wallet's selection: disclosing
    /// `pointers`, key-bound for `aud` and `request`'s nonce at `iat`.
    fn alice_presents(
        &self,
        request: &AuthorizationRequest,
        pointers: &[&str],
        aud: &str,
        iat: u64,
    ) -> String {
        let presentation = self
            .alice
            .credential
            .present_with_key_binding(
                &paths(pointers),
                &KeyBindingRequest::new(aud, request.nonce(), iat),
                &self.alice.key.signer,
            )
            .expect("presentation");
        form_for(request, presentation)
    }

    async fn alice_answers(&self, url: &str) -> String {
        self.wallet_answers(&self.alice.credential, &self.alice.key.signer, url)
            .await
    }

    async fn check(&self, form: &str) -> LoginResult {
        self.world
            .verifier()
            .check_response(form, LOGIN + 2)
            .await
            .expect("the store works")
    }

    async fn finish(&self, state: &str, assertion: Option<&Value>) -> LoginResult {
        self.world
            .verifier()
            .finish_passkey(state, assertion, LOGIN + 3)
            .await
            .expect("the store works")
    }
}

/// The claims the world asks for: the avatar of platform B (second in the array),
/// `age_over_18`, `passkey`.
const ASKED: [&str; 3] = ["/avatars/1", "/age_over_18", "/passkey"];

fn paths(pointers: &[&str]) -> Vec<ClaimPath> {
    pointers
        .iter()
        .map(|pointer| ClaimPath::parse(pointer).expect("path"))
        .collect()
}

/// The `direct_post` body answering `request` with `presentation`.
fn form_for(request: &AuthorizationRequest, presentation: String) -> String {
    AuthorizationResponse {
        vp_token: vec![("avatar_link".into(), vec![presentation])],
        state: request.state().map(str::to_owned),
    }
    .to_form()
}

/// The holder's authenticator answers the world's WebAuthn challenge, as JSON.
fn passkey_answers(holder: &mut Holder, challenge: RequestChallengeResponse) -> Value {
    let assertion = holder
        .passkey
        .do_authentication(issuer_origin(), challenge)
        .expect("the passkey answers");
    serde_json::to_value(&assertion).expect("json")
}

/// The presentation in a `direct_post` body, as the world receives it.
fn presentation_in(form: &str) -> String {
    let response = AuthorizationResponse::from_form(form).expect("a response");
    let (_, presentations) = response
        .vp_token
        .into_iter()
        .next()
        .expect("a presentation");
    presentations.into_iter().next().expect("one")
}

#[tokio::test]
async fn logs_in_with_both_factors_and_the_world_learns_only_what_it_asked() {
    let mut scene = scene().await;
    let (request, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;

    // What the world receives, byte for byte: the issuer's JWT, three disclosures (the avatar
    // of platform B, `age_over_18`, `passkey`), and the key binding JWT.
    let presentation = presentation_in(&form);
    let parsed = SdJwtKb::parse(&presentation).expect("an SD-JWT+KB");
    let (sd_jwt, _) = parsed.into_parts();
    let mut disclosed: Vec<String> = sd_jwt
        .disclosures()
        .iter()
        .map(|disclosure| {
            disclosure
                .claim_name()
                .map_or_else(|| "array element".to_owned(), str::to_owned)
        })
        .collect();
    disclosed.sort();
    assert_eq!(disclosed, ["age_over_18", "array element", "passkey"]);
    let form_bytes = urlencoding_decoded(&form);
    for secret in [
        "alice_vr",
        "alice_alt",
        "vrchat",
        "Alice Example",
        "alice@example.org",
        "+33612345678",
        "1990-04-01",
        scene.alice.key.did().as_str(),
        scene.alice.avatars[0].did().as_str(),
        scene.alice.avatars[2].did().as_str(),
    ] {
        assert!(
            !form_bytes.contains(secret) && !decoded_disclosures(&sd_jwt).contains(secret),
            "the world must not see {secret}"
        );
    }
    // The avatars array always has eight entries: the count and platforms stay hidden.
    let payload = scene.alice.credential.payload();
    assert_eq!(payload["avatars"].as_array().map(Vec::len), Some(8));

    // The response verifies; the login waits for the passkey.
    let result = scene.check(&form).await;
    assert!(result.report.verified, "{:?}", result.report.errors);
    assert!(!result.granted(), "the passkey step is still to come");
    assert_eq!(result.factors, [Factor::HolderKey]);
    let challenge = result
        .passkey_challenge
        .clone()
        .expect("a WebAuthn challenge");
    let allowed: Vec<Vec<u8>> = challenge
        .public_key
        .allow_credentials
        .iter()
        .map(|credential| credential.id.to_vec())
        .collect();
    assert_eq!(
        allowed,
        [scene.alice.binding.credential_id().as_bytes().to_vec()],
        "exactly the bound passkey is asked"
    );

    // The holder's passkey answers; the login is granted with both factors.
    let assertion = passkey_answers(&mut scene.alice, challenge);
    let state = request.state().expect("state");
    let granted = scene.finish(state, Some(&assertion)).await;
    assert!(granted.granted(), "{:?}", granted.report.errors);
    assert_eq!(granted.factors, [Factor::HolderKey, Factor::Passkey]);
    let avatar = granted.avatar.as_ref().expect("avatar");
    assert_eq!(
        (avatar.platform.as_str(), avatar.handle.as_str()),
        (PLATFORM_B, "alice_res")
    );
    assert_eq!(avatar.id, scene.alice.avatars[1].did().as_str());
    assert_eq!(granted.holder, None, "the holder DID was not asked for");
    let claims = granted.claims.as_ref().expect("claims");
    assert_eq!(claims["age_over_18"], Value::Bool(true));
    assert!(claims.get("name").is_none() && claims.get("sub").is_none());
    assert!(
        granted.report.warnings.is_empty(),
        "{:?}",
        granted.report.warnings
    );

    // The same assertion again: the waiting login was used up.
    let again = scene.finish(state, Some(&assertion)).await;
    assert_eq!(again.report.error_codes(), [ErrorCode::Replayed]);
}

/// The form body, percent-decoded, as a log of the world would hold it.
fn urlencoding_decoded(form: &str) -> String {
    url::form_urlencoded::parse(form.as_bytes())
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every disclosure of `sd_jwt`, decoded to its JSON text.
fn decoded_disclosures(sd_jwt: &SdJwt) -> String {
    sd_jwt
        .disclosures()
        .iter()
        .map(|disclosure| {
            String::from_utf8(did_core::base64url::decode(disclosure.as_str()).expect("base64url"))
                .expect("utf-8")
        })
        .collect()
}

#[tokio::test]
async fn rejects_forged_link_proof() {
    let scene = scene().await;
    let holder = Party::new();
    let avatar = Party::new();
    let mallory = Party::new();
    // Mallory signs the avatar's half with her own key under the avatar's kid.
    let nonce = scene.issuer.nonces.issue(ISSUED).await.expect("nonce");
    let statement = LinkStatement::new(
        avatar.did().clone(),
        holder.did().clone(),
        Platform::new(PLATFORM_B).expect("platform"),
        nonce,
        ISSUED,
        ISSUED + 300,
    );
    let forged = LinkProof::new(
        statement
            .sign(&mallory.signer, &avatar.kid)
            .expect("signed"),
        statement.sign(&holder.signer, &holder.kid).expect("signed"),
    );
    let error = scene
        .issuer
        .check_link(&forged, &holder, PLATFORM_B)
        .await
        .expect_err("a forged avatar signature");
    assert_eq!(error.code(), ErrorCode::LinkProofInvalid);
}

#[tokio::test]
async fn rejects_replayed_response() {
    let scene = scene().await;
    let (_, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;
    assert!(scene.check(&form).await.report.verified);
    let replay = scene.check(&form).await;
    assert!(!replay.granted());
    assert_eq!(replay.report.error_codes(), [ErrorCode::Replayed]);
}

#[tokio::test]
async fn rejects_state_reuse() {
    let scene = scene().await;
    let (request, url) = scene.world.begin().await;
    // The world cannot begin a second transaction under a state it used.
    let login = World::login();
    let again = scene.world.verifier().begin(&request, &login, LOGIN).await;
    assert!(again.is_err(), "a state is begun once");
    // A second, freshly signed response under the same state is refused.
    let first = scene.alice_answers(&url).await;
    assert!(scene.check(&first).await.report.verified);
    let client_id = request.client_id().to_string();
    let second = scene.alice_presents(&request, &ASKED, &client_id, LOGIN + 2);
    assert_ne!(first, second);
    assert_eq!(
        scene.check(&second).await.report.error_codes(),
        [ErrorCode::Replayed]
    );
}

#[tokio::test]
async fn rejects_wrong_client_id_in_kb_aud() {
    let scene = scene().await;
    let (request, _) = scene.world.begin().await;
    // A presentation made for another world (its client_id as `aud`), sent to this one.
    let form = scene.alice_presents(
        &request,
        &ASKED,
        "redirect_uri:https://other-world.example/responses",
        LOGIN + 1,
    );
    let result = scene.check(&form).await;
    assert!(!result.granted() && result.passkey_challenge.is_none());
    assert_eq!(result.report.error_codes(), [ErrorCode::AudMismatch]);
}

#[tokio::test]
async fn rejects_presentation_of_another_holders_credential() {
    let scene = scene().await;
    let (request, _) = scene.world.begin().await;
    // Eve got hold of Alice's credential (not her key) and presents it with a key binding
    // JWT of her own key: the wallet library refuses to, so she builds it by hand.
    let presented = SdJwt::parse(
        &scene
            .alice
            .credential
            .present(&paths(&ASKED))
            .expect("presented"),
    )
    .expect("an SD-JWT");
    let kb_jwt = create_key_binding_jwt(
        &presented,
        HashAlgorithm::Sha256,
        &request.client_id().to_string(),
        request.nonce(),
        LOGIN + 1,
        &scene.eve.key.signer,
    )
    .expect("signed");
    let presentation = SdJwtKb::new(presented, kb_jwt).expect("SD-JWT+KB");
    let form = form_for(&request, presentation.to_compact());
    let result = scene.check(&form).await;
    assert!(!result.granted() && result.passkey_challenge.is_none());
    assert_eq!(result.report.error_codes(), [ErrorCode::BadKbSignature]);
}

#[tokio::test]
async fn rejects_dcql_claim_withheld() {
    let scene = scene().await;
    let (request, _) = scene.world.begin().await;
    // The wallet withholds `age_over_18`.
    let client_id = request.client_id().to_string();
    let form = scene.alice_presents(&request, &["/avatars/1", "/passkey"], &client_id, LOGIN + 1);
    let result = scene.check(&form).await;
    assert!(!result.granted() && result.passkey_challenge.is_none());
    assert_eq!(result.report.error_codes(), [ErrorCode::MissingClaim]);
}

#[tokio::test]
async fn rejects_passkey_of_another_credential() {
    let mut scene = scene().await;
    let (request, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;
    let result = scene.check(&form).await;
    let mut challenge = result.passkey_challenge.expect("a WebAuthn challenge");
    // Eve's passkey (bound in Eve's credential) answers Alice's challenge: her client
    // offers her own credential in place of the one asked for.
    challenge.public_key.allow_credentials = PasskeyVerifier::in_memory()
        .start_authentication(&scene.eve.binding, "scratch", LOGIN)
        .await
        .expect("a scratch challenge")
        .public_key
        .allow_credentials;
    let assertion = passkey_answers(&mut scene.eve, challenge);
    let state = request.state().expect("state");
    let refused = scene.finish(state, Some(&assertion)).await;
    assert!(!refused.granted());
    assert_eq!(refused.report.error_codes(), [ErrorCode::WebauthnFailed]);
    assert!(refused.avatar.is_none() && refused.claims.is_none());
}

#[tokio::test]
async fn rejects_login_without_passkey_assertion() {
    let scene = scene().await;
    let (request, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;
    assert!(scene.check(&form).await.passkey_challenge.is_some());
    let refused = scene.finish(request.state().expect("state"), None).await;
    assert!(!refused.granted());
    assert_eq!(refused.report.error_codes(), [ErrorCode::FactorMissing]);
}

#[tokio::test]
async fn rejects_passkey_step_before_the_response_or_after_its_expiry() {
    let mut scene = scene().await;
    let (request, url) = scene.world.begin().await;
    let state = request.state().expect("state");
    // Before any response, nothing waits for a passkey under this state.
    let early = scene.finish(state, None).await;
    assert_eq!(early.report.error_codes(), [ErrorCode::TransactionUnknown]);
    // An assertion after the challenge's two minutes.
    let form = scene.alice_answers(&url).await;
    let result = scene.check(&form).await;
    let challenge = result.passkey_challenge.expect("challenge");
    let assertion = passkey_answers(&mut scene.alice, challenge);
    let late = scene
        .world
        .verifier()
        .finish_passkey(state, Some(&assertion), LOGIN + 2 + 121)
        .await
        .expect("store");
    assert_eq!(late.report.error_codes(), [ErrorCode::TransactionExpired]);
}

// ---- trust (issue 11): the login's evaluation and the policy's decision ----

fn asset_safety(result: &LoginResult) -> f64 {
    let trust = result.report.trust.as_ref().expect("a trust evaluation");
    trust
        .factor(TrustFactor::AssetSafety)
        .expect("a factor")
        .score()
}

#[tokio::test]
async fn both_factors_score_higher_asset_safety_than_the_holder_key_alone() {
    let mut scene = scene().await;
    let (request, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;
    let checked = scene.check(&form).await;
    let challenge = checked.passkey_challenge.clone().expect("the passkey step");
    // The holder key alone is proved so far (NIST SP 800-63-4 ranks: 1/3).
    assert!((asset_safety(&checked) - 1.0 / 3.0).abs() < 1e-9);
    let assertion = passkey_answers(&mut scene.alice, challenge);
    let state = request.state().expect("state");
    let granted = scene.finish(state, Some(&assertion)).await;
    assert!(granted.granted(), "{:?}", granted.report.errors);
    assert!(asset_safety(&granted) > asset_safety(&checked));
    assert!((asset_safety(&granted) - 2.0 / 3.0).abs() < 1e-9);
}

/// A world that wants the security indicator at 0.7 or more, reacting as `shortfall` says.
fn wanting_security(shortfall: Shortfall) -> TrustPolicy {
    let mut policy = TrustPolicy::new(Level::None);
    policy.min_indicators.insert(Indicator::Security, 0.7);
    policy.on_shortfall = shortfall;
    policy
}

#[tokio::test]
async fn a_security_shortfall_asks_for_the_passkey_or_refuses_as_configured() {
    let mut scene = scene().await;
    let without_passkey = AvatarLogin::new(PLATFORM_B).over_18();
    for (shortfall, stepped_up) in [(Shortfall::StepUp, true), (Shortfall::Reject, false)] {
        scene.world.trust_policy = Some(wanting_security(shortfall));
        let (_, url) = scene.world.begin_login(without_passkey.clone()).await;
        let form = scene.alice_answers(&url).await;
        let result = scene.check(&form).await;
        assert!(result.report.verified, "{:?}", result.report.errors);
        assert!(
            !result.granted(),
            "the trust policy must hold the login back"
        );
        match result.trust_decision.expect("a decision") {
            TrustDecision::StepUp { ask, reason } => {
                assert!(stepped_up, "{reason}");
                assert_eq!(ask, Binding::HolderKeyAndPasskey);
                assert!(reason.contains("security"), "{reason}");
            }
            TrustDecision::Rejected { reason } => {
                assert!(!stepped_up, "{reason}");
                assert!(reason.contains("security"), "{reason}");
            }
            TrustDecision::Accepted => panic!("accepted below the policy"),
        }
    }
    // Stepping up: the same world, a login with the passkey factor, is granted.
    scene.world.trust_policy = Some(wanting_security(Shortfall::StepUp));
    let (request, url) = scene.world.begin().await;
    let form = scene.alice_answers(&url).await;
    let checked = scene.check(&form).await;
    let assertion = passkey_answers(&mut scene.alice, checked.passkey_challenge.expect("step"));
    let granted = scene
        .finish(request.state().expect("state"), Some(&assertion))
        .await;
    assert_eq!(granted.trust_decision, Some(TrustDecision::Accepted));
    assert!(granted.granted());
}
