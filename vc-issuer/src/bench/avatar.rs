//! The avatar fixtures: an avatar-link credential over three verified links (issued as
//! `avatar_link_issue`), and the world's side of an avatar login over OpenID4VP
//! (`avatar_login_verify`), each response answering a fresh transaction, its credential's
//! status checked against the issuer's Token Status List; and the same login with the passkey
//! factor (`avatar_login_verify_passkey`), the holder's software passkey answering the world's
//! WebAuthn challenge.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use did_core::cache::CacheLimits;
use did_core::did::DidUrl;
use did_core::fetch::{FetchError, FetchedBody, Fetcher};
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretKey};
use did_core::method::jwk::did_jwk_verification_method;
use did_core::method::key::did_key_verification_method;
use did_core::method::peer::did_peer_2_for_key;
use did_core::method::{DID_JWK, DID_KEY, DID_PEER};
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, Value};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use super::ISSUED_AT;
use crate::avatar::{
    AVATAR_LINK_VCT, AvatarError, AvatarLinkCredential, HolderBinding, LinkExpectations,
    LinkNonces, LinkPolicy, LinkProof, LinkStatement, LinkedAvatar, PersonalData, Platform,
    verify_link_proof,
};
use crate::issuer_keys::{DidIssuerKeys, KeyCacheConfig};
use crate::mfa::{PASSKEY_CLAIM, PasskeyRegistrar, PasskeyVerifier, RelyingParty};
use crate::openid4vp::{
    AuthorizationRequest, AvatarLogin, ClientId, Holding, LoginResult, LoginVerifier,
    Openid4vpError, respond, select,
};
use crate::sd_jwt::SdJwt;
use crate::sd_jwt_vc::HolderCredential;
use crate::single_use::InMemorySingleUseStore;
use crate::status::{
    STATUS_LIST_JWT_MEDIA_TYPE, StatusBits, StatusListClient, StatusListReference, TokenStatusList,
    issue_status_list_token,
};
use crate::verify::VerificationPolicy;

/// Why a fixture could not be built: the fixtures check what they build, and say what failed.
pub type FixtureError = Box<dyn std::error::Error + Send + Sync>;

/// Where the fixture world receives its login responses; also its `redirect_uri:` client id.
pub const RESPONSE_URI: &str = "https://world.example/login/responses";

/// Where the issuer publishes the credential's Token Status List.
pub const STATUS_LIST_URI: &str = "https://issuer.example/statuslists/1";

/// The platform the login is for: the holder has exactly one avatar there.
pub const LOGIN_PLATFORM: &str = "resonite";

/// The issuer's passkey relying party: its id and the origin of its pages.
const PASSKEY_RP_ID: &str = "issuer.example";
const PASSKEY_ORIGIN: &str = "https://issuer.example";

/// The credential's avatars: (platform, handle), the first on a did:key (Ed25519), the second
/// on a did:jwk (P-256), the third on a did:peer:2.
const AVATARS: [(&str, &str); 3] = [
    ("vrchat", "Alice"),
    (LOGIN_PLATFORM, "al1ce"),
    ("vrchat", "alice-alt"),
];

/// When the first login happens; the credential is issued at [`ISSUED_AT`] + 5.
const FIRST_LOGIN_AT: u64 = ISSUED_AT + 60;

/// How many logins share one second of the fixture's clock. The clock moves so that the
/// verifier's used transactions expire and its bounded store never fills.
const LOGINS_PER_SECOND: u64 = 16;

/// How long the world's transactions live, in seconds.
const TRANSACTION_TTL: u64 = 300;

/// How many transactions the world's store holds, used or not, until they expire.
const STORE_ENTRIES: usize = 10_000;

// At most TRANSACTION_TTL × LOGINS_PER_SECOND transactions are alive at once (4 800): the
// store evicts the expired ones when it fills, and never refuses a login of the run.
const _: () = assert!((TRANSACTION_TTL * LOGINS_PER_SECOND) < STORE_ENTRIES as u64);

/// The fixtures of the avatar benchmarks, built and checked once.
pub struct AvatarFixture {
    issuer_signer: LocalSigner,
    issuer_kid: DidUrl,
    credential: AvatarLinkCredential,
    binding: HolderBinding,
    holder_signer: LocalSigner,
    held: HolderCredential,
    held_with_passkey: HolderCredential,
    passkey: Mutex<SoftPasskey>,
    login: AvatarLogin,
    passkey_login: AvatarLogin,
    keys: Arc<DidIssuerKeys>,
    status: StatusListClient,
    store: InMemorySingleUseStore,
    passkeys: PasskeyVerifier,
    policy: VerificationPolicy,
    logins: AtomicU64,
}

/// One login as the world receives it: the wallet's `direct_post` body, answering a
/// transaction begun for it alone, and the time it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// The `application/x-www-form-urlencoded` body (`vp_token`, `state`).
    pub form: String,
    /// When the response arrives, in Unix seconds.
    pub at: u64,
}

/// The issuer's status list server, in memory: it serves one Status List Token at
/// [`STATUS_LIST_URI`] and answers 404 to anything else. The network is no part of what is
/// measured, and the world's client caches the verified list for its `ttl` anyway.
struct StatusListServer {
    token: Vec<u8>,
}

#[async_trait]
impl Fetcher for StatusListServer {
    async fn get(&self, url: &url::Url, _accept: &str) -> Result<FetchedBody, FetchError> {
        let found = url.as_str() == STATUS_LIST_URI;
        Ok(FetchedBody {
            status: if found { 200 } else { 404 },
            content_type: Some(STATUS_LIST_JWT_MEDIA_TYPE.into()),
            body: if found {
                self.token.clone()
            } else {
                Vec::new()
            },
        })
    }
}

/// A party with a DID: its signer and the `kid` of the key in its DID document.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new(secret: SecretKey, kid: DidUrl) -> Result<Self, FixtureError> {
        let algorithm = match secret.key_type() {
            KeyType::P256 => Algorithm::Es256,
            _ => Algorithm::Ed25519,
        };
        Ok(Self {
            signer: secret.signer(algorithm)?,
            secret,
            kid,
        })
    }

    fn did_key(key_type: KeyType) -> Result<Self, FixtureError> {
        let secret = SecretKey::generate(key_type);
        let kid = did_key_verification_method(&secret.public_key());
        Self::new(secret, kid)
    }
}

/// The three avatars of [`AVATARS`], each on its own DID method.
fn avatar_parties() -> Result<Vec<Party>, FixtureError> {
    let jwk = SecretKey::generate(KeyType::P256);
    let jwk_kid = did_jwk_verification_method(&jwk.public_key());
    let peer = SecretKey::generate(KeyType::Ed25519);
    // did:peer:2 names its first key `#key-1`.
    let peer_kid = did_peer_2_for_key(&peer.public_key())?.with_fragment("key-1")?;
    Ok(vec![
        Party::did_key(KeyType::Ed25519)?,
        Party::new(jwk, jwk_kid)?,
        Party::new(peer, peer_kid)?,
    ])
}

fn passkey_origin() -> Result<Url, FixtureError> {
    Ok(Url::parse(PASSKEY_ORIGIN)?)
}

/// The issuer registers a software passkey (with user verification) for the holder: the
/// passkey, and the `passkey` claim that binds it.
async fn register_passkey() -> Result<(SoftPasskey, Value), FixtureError> {
    let registrar =
        PasskeyRegistrar::in_memory(RelyingParty::new(PASSKEY_RP_ID, PASSKEY_ORIGIN, "issuer")?)?;
    let mut passkey = SoftPasskey::new(true);
    let options = registrar.start_registration("holder", ISSUED_AT).await?;
    let response = passkey
        .do_registration(passkey_origin()?, options)
        .map_err(|error| format!("the fixture passkey did not register: {error:?}"))?;
    let binding = registrar
        .finish_registration("holder", &response, ISSUED_AT + 1)
        .await?;
    Ok((passkey, binding.to_claim()))
}

fn personal_data() -> PersonalData {
    PersonalData {
        name: Some("Alice Liddell".into()),
        email: Some("alice@example.com".into()),
        phone_number: Some("+12025550101".into()),
        birthdate: Some("1990-05-04".into()),
        age_over_18: Some(true),
    }
}

impl AvatarFixture {
    /// Builds the fixtures: an Ed25519 did:key issuer and holder, three avatars whose link
    /// proofs (signed by avatar and holder over the issuer's nonces) are checked here, once;
    /// the credential over them with five personal claims, issued once into the holder's
    /// wallet; and a world that trusts the issuer and asks for the avatar of
    /// [`LOGIN_PLATFORM`] and `age_over_18`. One login is run to the end, which must be
    /// granted, disclose that one avatar, and warn of nothing; it also warms the issuer key
    /// cache, whose entries then outlive the run, and the status list cache.
    pub async fn new() -> Result<Self, FixtureError> {
        let resolver = Arc::new(
            MethodDispatcher::new()
                .with_method(DID_KEY.name(), Arc::new(DID_KEY))
                .with_method(DID_JWK.name(), Arc::new(DID_JWK))
                .with_method(DID_PEER.name(), Arc::new(DID_PEER)),
        );
        let issuer = Party::did_key(KeyType::Ed25519)?;
        let holder = Party::did_key(KeyType::Ed25519)?;
        let holder_did = holder.kid.did().clone();

        let nonces = LinkNonces::in_memory();
        let mut credential =
            AvatarLinkCredential::new(holder_did.clone(), ISSUED_AT + 5, ISSUED_AT + 365 * 86_400)
                .with_personal_data(personal_data());
        for (avatar, (platform, handle)) in avatar_parties()?.iter().zip(AVATARS) {
            let platform = Platform::new(platform)?;
            let statement = LinkStatement::new(
                avatar.kid.did().clone(),
                holder_did.clone(),
                platform.clone(),
                nonces.issue(ISSUED_AT).await?,
                ISSUED_AT,
                ISSUED_AT + 300,
            );
            let proof = LinkProof::new(
                statement.sign(&avatar.signer, &avatar.kid)?,
                statement.sign(&holder.signer, &holder.kid)?,
            );
            let link = verify_link_proof(
                &proof,
                &LinkExpectations::new(holder_did.clone(), platform),
                &nonces,
                resolver.as_ref(),
                &LinkPolicy::default(),
                ISSUED_AT + 5,
            )
            .await?;
            credential = credential.with_avatar(LinkedAvatar::new(link, handle)?);
        }
        let binding = HolderBinding::new(
            holder.secret.public_key(),
            StatusListReference::new(42, STATUS_LIST_URI)?,
        );
        let issued = credential.issue(&issuer.signer, &issuer.kid, &binding)?;
        // 1 `sub` + 5 personal claims + 3 avatars; the 5 decoys have no disclosure.
        let disclosures = SdJwt::parse(&issued)?.disclosures().len();
        if disclosures != 9 {
            return Err(format!("the credential has {disclosures} disclosures, not 9").into());
        }
        // The same credential with the passkey the issuer registered for the holder.
        let (passkey, passkey_claim) = register_passkey().await?;
        let with_passkey = credential
            .clone()
            .with_disclosable_claims(Map::from_iter([(PASSKEY_CLAIM.to_owned(), passkey_claim)]))?
            .issue(
                &issuer.signer,
                &issuer.kid,
                &HolderBinding::new(
                    holder.secret.public_key(),
                    StatusListReference::new(43, STATUS_LIST_URI)?,
                ),
            )?;

        // Every credential of the list valid; cached by the world for an hour of the fixture's
        // clock (57 600 logins), valid for ten years.
        let token = issue_status_list_token(
            &TokenStatusList::new(StatusBits::One, 1024)?,
            STATUS_LIST_URI,
            &issuer.signer,
            issuer.kid.as_str(),
            ISSUED_AT,
            Some(ISSUED_AT + 10 * 365 * 86_400),
            Some(3600),
        )?;
        let keys = Arc::new(DidIssuerKeys::with_cache(
            resolver,
            KeyCacheConfig {
                ttl: Duration::from_secs(365 * 86_400),
                max_entries: 16,
            },
        ));
        let status = StatusListClient::new(
            Arc::new(StatusListServer {
                token: token.into_bytes(),
            }),
            keys.clone(),
        );
        let policy = VerificationPolicy::default()
            .expecting_vct(AVATAR_LINK_VCT)
            .trusting(vec![issuer.kid.did().clone()]);
        let fixture = Self {
            keys,
            status,
            issuer_signer: issuer.signer,
            issuer_kid: issuer.kid,
            credential,
            binding,
            holder_signer: holder.signer,
            held: HolderCredential::parse(&issued)?,
            held_with_passkey: HolderCredential::parse(&with_passkey)?,
            passkey: Mutex::new(passkey),
            login: AvatarLogin::new(LOGIN_PLATFORM).over_18(),
            passkey_login: AvatarLogin::new(LOGIN_PLATFORM).over_18().with_passkey(),
            store: InMemorySingleUseStore::with_limits(CacheLimits::entries(STORE_ENTRIES)),
            passkeys: PasskeyVerifier::in_memory(),
            policy,
            logins: AtomicU64::new(0),
        };
        let verifier = fixture.verifier();
        let attempt = fixture.login_attempt(&verifier).await?;
        fixture.check_granted(&verifier.check_response(&attempt.form, attempt.at).await?)?;
        fixture.passkey_login(&verifier).await?;
        Ok(fixture)
    }

    /// `avatar_link_issue`: issues the avatar-link credential over the three verified links
    /// (padded to 8 with decoys) and the five personal claims, signed with Ed25519.
    pub fn issue(&self) -> Result<String, AvatarError> {
        self.credential
            .issue(&self.issuer_signer, &self.issuer_kid, &self.binding)
    }

    /// The world's verifier: its transaction store, the issuer keys and the status list client
    /// (both caches warm), its passkey verifier, and a policy that trusts the fixture's
    /// issuer. Built once, outside what is measured.
    pub fn verifier(&self) -> LoginVerifier<'_> {
        LoginVerifier::new(&self.store, self.keys.as_ref())
            .with_status(&self.status)
            .with_passkeys(&self.passkeys)
            .with_policy(self.policy.clone())
            .with_transaction_ttl(TRANSACTION_TTL)
    }

    /// The untimed part of `avatar_login_verify`: the world begins a fresh transaction (new
    /// `state` and `nonce`) with `verifier`, and the wallet answers it with a presentation of
    /// the avatar of [`LOGIN_PLATFORM`] and `age_over_18`, key-bound to its `nonce`. Each
    /// call moves the fixture's clock forward by 1/16 s, so that used transactions expire.
    pub async fn login_attempt(
        &self,
        verifier: &LoginVerifier<'_>,
    ) -> Result<LoginAttempt, Openid4vpError> {
        self.attempt(verifier, &self.login, &self.held).await
    }

    /// `avatar_login_verify_passkey`: the same login requiring the passkey factor, run to the
    /// end, and the time the world spent on it. Untimed: the world begins the transaction,
    /// the wallet answers it, and the holder's software passkey answers the WebAuthn
    /// challenge. Timed: the world checks the response (which starts the WebAuthn step) and
    /// finishes the passkey step. The login must be granted with both factors.
    pub async fn passkey_login(
        &self,
        verifier: &LoginVerifier<'_>,
    ) -> Result<Duration, FixtureError> {
        let attempt = self
            .attempt(verifier, &self.passkey_login, &self.held_with_passkey)
            .await?;
        let checking = Instant::now();
        let pending = verifier.check_response(&attempt.form, attempt.at).await?;
        let mut world_time = checking.elapsed();
        let (Some(state), Some(challenge)) = (&pending.state, &pending.passkey_challenge) else {
            return Err(format!("the fixture login started no passkey step: {pending:?}").into());
        };
        let assertion = self
            .passkey
            .lock()
            .map_err(|_| "the fixture passkey was poisoned")?
            .do_authentication(passkey_origin()?, challenge.clone())
            .map_err(|error| format!("the fixture passkey did not answer: {error:?}"))?;
        let assertion = serde_json::to_value(&assertion)?;
        let finishing = Instant::now();
        let result = verifier
            .finish_passkey(state, Some(&assertion), attempt.at)
            .await?;
        world_time += finishing.elapsed();
        if !result.granted() || result.factors.len() != 2 {
            return Err(format!("the fixture passkey login was refused: {result:?}").into());
        }
        Ok(world_time)
    }

    /// A fresh transaction for `login`, begun with `verifier`, answered with `held`.
    async fn attempt(
        &self,
        verifier: &LoginVerifier<'_>,
        login: &AvatarLogin,
        held: &HolderCredential,
    ) -> Result<LoginAttempt, Openid4vpError> {
        let count = self.logins.fetch_add(1, Ordering::Relaxed);
        let at = FIRST_LOGIN_AT + count / LOGINS_PER_SECOND;
        let request = AuthorizationRequest::builder(
            ClientId::redirect_uri(RESPONSE_URI)?,
            RESPONSE_URI,
            login.dcql_query(),
        )
        .build()?;
        verifier.begin(&request, login, at).await?;
        let held = [Holding {
            credential: held,
            signer: &self.holder_signer,
        }];
        let selection = select(&request, &held)?;
        let form = respond(&request, &held, &selection, at)?.to_form();
        Ok(LoginAttempt { form, at })
    }

    /// Whether `result` is the login the fixture expects: granted, the one avatar of
    /// [`LOGIN_PLATFORM`], `age_over_18`, no warning.
    fn check_granted(&self, result: &LoginResult) -> Result<(), FixtureError> {
        if let Some(error) = result.report.errors.first() {
            return Err(format!("the fixture login was refused: {}", error.message).into());
        }
        if let Some(warning) = result.report.warnings.first() {
            return Err(format!("the fixture login warned: {}", warning.message).into());
        }
        let claims = result.claims.as_ref();
        let avatars = claims
            .and_then(|claims| claims.get("avatars"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let adult = claims.and_then(|claims| claims.get("age_over_18")) == Some(&Value::Bool(true));
        let platform = result
            .avatar
            .as_ref()
            .map(|avatar| avatar.platform.as_str());
        if !result.granted() || avatars != 1 || !adult || platform != Some(LOGIN_PLATFORM) {
            return Err(format!(
                "the fixture login did not grant exactly the one avatar asked: {result:?}"
            )
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ErrorCode;

    #[tokio::test]
    async fn avatar_link_issue_issues_three_avatars_padded_to_eight() {
        let fixture = AvatarFixture::new().await.unwrap();
        let issued = fixture.issue().unwrap();
        assert_eq!(SdJwt::parse(&issued).unwrap().disclosures().len(), 9);
        let held = HolderCredential::parse(&issued).unwrap();
        assert_eq!(held.payload()["avatars"].as_array().map(Vec::len), Some(8));
        let claims = held.claims().unwrap();
        assert_eq!(claims["avatars"].as_array().map(Vec::len), Some(3));
        for name in ["name", "email", "phone_number", "birthdate", "age_over_18"] {
            assert!(claims.contains_key(name), "{name}");
        }
        // Fresh salts and decoys each time: the timed call does the whole issuance.
        assert_ne!(fixture.issue().unwrap(), issued);
    }

    #[tokio::test]
    async fn avatar_login_verify_passkey_grants_both_factors_each_time() {
        let fixture = AvatarFixture::new().await.unwrap();
        let verifier = fixture.verifier();
        for _ in 0..3 {
            let world_time = fixture.passkey_login(&verifier).await.unwrap();
            assert!(world_time > Duration::ZERO);
        }
    }

    #[tokio::test]
    async fn avatar_login_verify_answers_a_fresh_transaction_each_time() {
        let fixture = AvatarFixture::new().await.unwrap();
        let verifier = fixture.verifier();
        let first = fixture.login_attempt(&verifier).await.unwrap();
        let second = fixture.login_attempt(&verifier).await.unwrap();
        assert_ne!(first.form, second.form);
        for attempt in [&first, &second] {
            let result = verifier
                .check_response(&attempt.form, attempt.at)
                .await
                .unwrap();
            fixture.check_granted(&result).unwrap();
        }
        // Each attempt's transaction is used up by its check: the work measured is a first
        // answer, never a replay.
        let replay = verifier
            .check_response(&first.form, first.at)
            .await
            .unwrap();
        assert_eq!(
            replay.report.errors.first().map(|error| error.code),
            Some(ErrorCode::Replayed)
        );
    }
}
