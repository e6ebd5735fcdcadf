//! Avatar login over HTTP (the `/login/*` routes of protocol.md "Login over HTTP"): a world
//! starts a login, the wallet fetches the signed Request Object and posts its `direct_post`
//! response, answers the WebAuthn step of the passkey factor, and the world reads the outcome.
//!
//! Every rule is [`LoginVerifier`]'s (transactions taken once, presentations verified for the
//! transaction, the passkey assertion bound to it); this module only keeps what HTTP needs
//! between the calls — the Request Object and the outcome of each transaction — and maps
//! outcomes to statuses. One node keeps them in a bounded, expiring [`TtlCache`]; replicas
//! keep them in the database of an [`IssuerStore`] ([`LoginService::sharing_logins_in`]), so
//! that a login started on one is read and finished on any other. Its stores and keys are
//! arguments, so `avid-resolver` and an in-process world (`avid demo`) serve the same routes.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use did_core::did::{Did, DidUrl};
use did_core::excerpt::excerpt;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretJwk, SecretKey};
use did_core::method::key::did_key_verification_method;
use did_core::time::unix_now;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vc_issuer::issuer::IssuerStore;
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::openid4vp::{
    AuthorizationRequest, AvatarLogin, ClientId, LoginResult, LoginVerifier, MAX_RESPONSE_LEN,
    REQUEST_OBJECT_MEDIA_TYPE, random_token,
};
use vc_issuer::report::ErrorCode;
use vc_issuer::single_use::SingleUseStore;
use vc_issuer::trust::TrustDecision;

use crate::trust::PolicySource;
use vc_issuer::verify::{VerificationPolicy, Verifier};

use crate::body::{ApiError, MAX_JSON_BODY, parse_json};

/// The claim names a world may ask for in `POST /login/requests`, beside the avatar.
pub mod claims {
    /// `age_over_18`, disclosed and `true`.
    pub const AGE_OVER_18: &str = "age_over_18";
    /// `sub`: the holder's DID (never asked by default).
    pub const HOLDER_DID: &str = "sub";
}

/// How long the outcome of a login stays readable after its transaction expired, in seconds.
pub const OUTCOME_KEEP_SECS: u64 = 600;

/// How many logins the service remembers at most (the oldest are forgotten first).
pub const MAX_LOGINS: usize = 10_000;

/// The longest platform name a login request may carry.
const MAX_PLATFORM_LEN: usize = 128;

/// The verifier's identity: the key that signs its Request Objects and the verification
/// method of its DID that names it (`decentralized_identifier:` client, OpenID4VP 1.0 §5.9.3).
pub struct VerifierKey {
    signer: LocalSigner,
    kid: DidUrl,
}

impl std::fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierKey")
            .field("kid", &self.kid.as_str())
            .finish_non_exhaustive()
    }
}

impl VerifierKey {
    /// A new Ed25519 did:key, for a service started without a key file.
    pub fn generate() -> Self {
        Self::from_secret(&SecretKey::generate(KeyType::Ed25519))
            .unwrap_or_else(|error| unreachable!("an Ed25519 key signs with EdDSA: {error}"))
    }

    /// The did:key of `secret`, signing with the algorithm of its key type.
    pub fn from_secret(secret: &SecretKey) -> Result<Self, LoginSetupError> {
        let algorithm = match secret.key_type() {
            KeyType::Ed25519 => Algorithm::Ed25519,
            KeyType::P256 => Algorithm::Es256,
            other => return Err(LoginSetupError::KeyType(format!("{other:?}"))),
        };
        let signer = secret
            .signer(algorithm)
            .map_err(|error| LoginSetupError::KeyType(error.to_string()))?;
        Ok(Self {
            signer,
            kid: did_key_verification_method(&secret.public_key()),
        })
    }

    /// The did:key of the private JWK in `text` (a key file).
    pub fn from_jwk_json(text: &str) -> Result<Self, LoginSetupError> {
        let jwk: SecretJwk = serde_json::from_str(text).map_err(|_| LoginSetupError::KeyFile)?;
        let secret = SecretKey::from_jwk(&jwk).map_err(|_| LoginSetupError::KeyFile)?;
        Self::from_secret(&secret)
    }

    /// The verifier's DID.
    pub fn did(&self) -> &Did {
        self.kid.did()
    }
}

/// Why the login service cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginSetupError {
    /// No trusted issuer: every credential would be refused.
    #[error("the login needs at least one trusted issuer DID")]
    NoTrustedIssuer,
    /// The base URL is not an absolute http(s) URL.
    #[error("the public base URL must be an absolute http:// or https:// URL")]
    BaseUrl,
    /// The verifier key cannot sign Request Objects.
    #[error("the verifier key cannot sign request objects: {0}")]
    KeyType(String),
    /// The key file is not a private JWK of a supported key (its content is not repeated).
    #[error("the verifier key file is not a private JWK of a supported key")]
    KeyFile,
}

/// Where a login stands, as `GET /login/requests/{id}` says it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "status", content = "result", rename_all = "snake_case")]
enum Outcome {
    Pending,
    AwaitingPasskey(LoginResult),
    Granted(LoginResult),
    Refused(LoginResult),
}

impl Outcome {
    fn of(result: LoginResult) -> Self {
        if result.granted() {
            Outcome::Granted(result)
        } else if result.passkey_challenge.is_some() {
            Outcome::AwaitingPasskey(result)
        } else {
            Outcome::Refused(result)
        }
    }

    /// The status body; `expires_in` counts the seconds left for the wallet's response (0
    /// once the transaction expired), as RFC 8628 §3.2 does for a device code, so that a
    /// page following the login can tell "still waiting" from "too late" without a clock.
    fn to_json(&self, expires_in: u64) -> Value {
        let (status, result) = match self {
            Outcome::Pending => ("pending", None),
            Outcome::AwaitingPasskey(result) => ("awaiting_passkey", Some(result)),
            Outcome::Granted(result) => ("granted", Some(result)),
            Outcome::Refused(result) => ("refused", Some(result)),
        };
        json!({"status": status, "result": result, "expires_in": expires_in})
    }
}

/// What the service keeps of one login between HTTP calls, until `keep_until`.
#[derive(Clone, Serialize, Deserialize)]
struct Login {
    request_object: String,
    /// The `openid4vp://` URL the world shows (empty in a login kept by an older version).
    #[serde(default)]
    openid4vp_url: String,
    outcome: Outcome,
    keep_until: u64,
}

impl Login {
    /// When the transaction expires: it is kept [`OUTCOME_KEEP_SECS`] longer.
    fn expires_at(&self) -> u64 {
        self.keep_until.saturating_sub(OUTCOME_KEEP_SECS)
    }
}

/// Where the logins are kept: in this process (one node), or in a database every replica
/// shares, as the JSON of each [`Login`].
enum Logins {
    Memory(Mutex<TtlCache<String, Login>>),
    Shared(IssuerStore),
}

fn store_failed(error: impl std::fmt::Display) -> ApiError {
    ApiError::server(format!("the login store failed: {error}"))
}

fn lock(
    cache: &Mutex<TtlCache<String, Login>>,
) -> std::sync::MutexGuard<'_, TtlCache<String, Login>> {
    cache.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Logins {
    /// Keeps the new login `id`.
    async fn keep(&self, id: &str, login: Login, now: u64) -> Result<(), ApiError> {
        match self {
            Logins::Memory(cache) => {
                let weight = login.request_object.len() + login.openid4vp_url.len();
                let lifetime = Lifetime::until(login.keep_until);
                lock(cache).insert(id.to_owned(), Arc::new(login), weight, lifetime, now);
                Ok(())
            }
            Logins::Shared(store) => {
                let bytes = serde_json::to_vec(&login).map_err(store_failed)?;
                store
                    .put_login_state(id, &bytes, login.keep_until, now)
                    .await
                    .map_err(store_failed)
            }
        }
    }

    /// Login `id`, if it is still kept.
    async fn get(&self, id: &str, now: u64) -> Result<Option<Login>, ApiError> {
        match self {
            Logins::Memory(cache) => {
                Ok(lock(cache).get_fresh(id, now).map(|login| (*login).clone()))
            }
            Logins::Shared(store) => {
                let Some(bytes) = store.login_state(id, now).await.map_err(store_failed)? else {
                    return Ok(None);
                };
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|error| store_failed(format!("a kept login is unreadable: {error}")))
            }
        }
    }

    /// Records the outcome of login `id`, if it is still kept. Two outcomes of one login are
    /// never settled at once: each comes from a step the verifier lets happen only once.
    async fn settle(&self, id: &str, outcome: Outcome, now: u64) -> Result<(), ApiError> {
        let Some(login) = self.get(id, now).await? else {
            return Ok(());
        };
        let updated = Login { outcome, ..login };
        match self {
            Logins::Memory(_) => self.keep(id, updated, now).await,
            Logins::Shared(store) => {
                let bytes = serde_json::to_vec(&updated).map_err(store_failed)?;
                store
                    .replace_login_state(id, &bytes, now)
                    .await
                    .map(|_| ())
                    .map_err(store_failed)
            }
        }
    }
}

/// The avatar login service: the verifier's key and public base URL, how presentations are
/// verified (issuer keys, status lists, trusted issuers), where transactions and WebAuthn
/// ceremonies live, and the outcome of each login.
pub struct LoginService {
    base_url: String,
    key: VerifierKey,
    verifier: Verifier,
    store: Arc<dyn SingleUseStore>,
    passkeys: Arc<PasskeyVerifier>,
    policy: VerificationPolicy,
    trust_policy: Option<PolicySource>,
    transaction_ttl: u64,
    logins: Logins,
}

impl std::fmt::Debug for LoginService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginService")
            .field("base_url", &self.base_url)
            .field("key", &self.key)
            .field("transaction_ttl", &self.transaction_ttl)
            .finish_non_exhaustive()
    }
}

impl LoginService {
    /// A login service reachable at `base_url` (the `/login/*` routes are below it), signing
    /// with `key`, verifying through `verifier` and trusting only `trusted_issuers`, keeping
    /// transactions in `store` and the passkey step in `passkeys`. Transactions live 5 minutes.
    pub fn new(
        base_url: &str,
        key: VerifierKey,
        verifier: Verifier,
        trusted_issuers: Vec<Did>,
        store: Arc<dyn SingleUseStore>,
        passkeys: Arc<PasskeyVerifier>,
    ) -> Result<Self, LoginSetupError> {
        let base_url = base_url.trim_end_matches('/');
        let absolute = ["http://", "https://"]
            .iter()
            .any(|scheme| base_url.len() > scheme.len() && base_url.starts_with(scheme));
        if !absolute || base_url.contains(['?', '#']) {
            return Err(LoginSetupError::BaseUrl);
        }
        if trusted_issuers.is_empty() {
            return Err(LoginSetupError::NoTrustedIssuer);
        }
        Ok(Self {
            base_url: base_url.to_owned(),
            key,
            verifier,
            store,
            passkeys,
            policy: VerificationPolicy::default()
                .expecting_vct(vc_issuer::avatar::AVATAR_LINK_VCT)
                .trusting(trusted_issuers),
            trust_policy: None,
            transaction_ttl: 300,
            logins: Logins::Memory(Mutex::new(TtlCache::new(CacheLimits::entries(MAX_LOGINS)))),
        })
    }

    /// This service, keeping its logins in `store`'s database instead of in memory, so that
    /// every replica on that database serves each login. The replicas must share `store` for
    /// the transactions and the passkey step too (`store` is a
    /// [`SingleUseStore`] and a [`CounterStore`](vc_issuer::mfa::CounterStore)), and sign
    /// with one [`VerifierKey`].
    pub fn sharing_logins_in(mut self, store: IssuerStore) -> Self {
        self.logins = Logins::Shared(store);
        self
    }

    /// This service, granting a login only when the policy `source` gives accepts the trust
    /// evaluation of its credential's issuer (the verifier's
    /// [`VerifierTrust`](vc_issuer::verify::VerifierTrust) makes it); a shortfall refuses or
    /// asks for the passkey factor, as the policy says. `source` is read for every login.
    pub fn with_trust_policy(mut self, source: PolicySource) -> Self {
        self.trust_policy = Some(source);
        self
    }

    /// This service, letting a login transaction live `seconds`.
    pub fn with_transaction_ttl(mut self, seconds: u64) -> Self {
        self.transaction_ttl = seconds;
        self
    }

    /// The verifier's DID (the `client_id` after its prefix).
    pub fn verifier_did(&self) -> &Did {
        self.key.did()
    }

    fn login_verifier(&self) -> LoginVerifier<'_> {
        let mut verifier = LoginVerifier::new(self.store.as_ref(), self.verifier.keys.as_ref())
            .with_passkeys(&self.passkeys)
            .with_policy(self.policy.clone())
            .with_transaction_ttl(self.transaction_ttl);
        if let Some(status) = self.verifier.status.as_deref() {
            verifier = verifier.with_status(status);
        }
        if let Some(trust) = &self.verifier.trust {
            verifier = verifier.with_trust(trust);
        }
        if let Some(policy) = self.trust_policy.as_ref().and_then(|source| source()) {
            verifier = verifier.with_trust_policy(policy);
        }
        verifier
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The `openid4vp://` URL of login `id` as [`begin`] made it, while the login is kept:
    /// what the login page draws as a QR code, taken from this service's own state only.
    pub(crate) async fn openid4vp_url(&self, id: &str) -> Result<Option<String>, ApiError> {
        let login = self.logins.get(id, unix_now()).await?;
        Ok(login
            .map(|login| login.openid4vp_url)
            .filter(|url| !url.is_empty()))
    }
}

/// The `/login/*` routes over `service`, with their body limits, and the login page
/// ([`crate::page`]) that drives them from a browser.
pub fn router(service: Arc<LoginService>) -> Router {
    crate::page::routes()
        .route(
            "/login/requests",
            post(create).layer(DefaultBodyLimit::max(MAX_JSON_BODY)),
        )
        .route("/login/requests/{id}", get(status))
        .route("/login/requests/{id}/request", get(request_object))
        .route(
            "/login/responses",
            post(response).layer(DefaultBodyLimit::max(MAX_RESPONSE_LEN)),
        )
        .route(
            "/login/requests/{id}/passkey",
            get(passkey_challenge)
                .post(passkey_assertion)
                .layer(DefaultBodyLimit::max(MAX_JSON_BODY)),
        )
        .with_state(service)
}

/// The body of `POST /login/requests` (and the parameters of the login page).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewLogin {
    pub(crate) platform: String,
    #[serde(default)]
    pub(crate) claims: Vec<String>,
    #[serde(default)]
    pub(crate) passkey: bool,
}

impl NewLogin {
    /// The login asked for, or why it cannot be asked.
    pub(crate) fn avatar_login(&self) -> Result<AvatarLogin, ApiError> {
        if self.platform.is_empty() || self.platform.len() > MAX_PLATFORM_LEN {
            return Err(ApiError::invalid(format!(
                "`platform` must be 1 to {MAX_PLATFORM_LEN} bytes"
            )));
        }
        let mut login = AvatarLogin::new(self.platform.clone());
        for claim in &self.claims {
            login = match claim.as_str() {
                claims::AGE_OVER_18 => login.over_18(),
                claims::HOLDER_DID => login.with_holder_did(),
                other => {
                    return Err(ApiError::invalid(format!(
                        "`claims` may name `{}` or `{}`, not `{}`",
                        claims::AGE_OVER_18,
                        claims::HOLDER_DID,
                        excerpt(other)
                    )));
                }
            };
        }
        if self.passkey {
            login = login.with_passkey();
        }
        Ok(login)
    }
}

/// `POST /login/requests`: begins a transaction and answers where the wallet finds its
/// signed request (by reference, OpenID4VP 1.0 §5.10, so that the QR code stays small).
#[utoipa::path(post, path = "/login/requests", tag = "login", request_body(content = Object, description = "What the world asks for: platform, claims, factors"),
    responses((status = 200, description = "The transaction id, the `openid4vp://` URL and the `request_uri`", body = Object),
        (status = 400, description = "Not a login request", body = crate::body::ErrorBody)))]
async fn create(State(service): State<Arc<LoginService>>, body: Bytes) -> Response {
    match begin(&service, &body).await {
        Ok(created) => created,
        Err(error) => error.into_response(),
    }
}

async fn begin(service: &LoginService, body: &[u8]) -> Result<Response, ApiError> {
    let wanted: NewLogin = serde_json::from_value(parse_json(body)?).map_err(|error| {
        ApiError::invalid(format!(
            "not a login request: {}",
            excerpt(&error.to_string())
        ))
    })?;
    let login = wanted.avatar_login()?;
    let state = random_token();
    let client_id = ClientId::DecentralizedIdentifier(service.key.did().clone());
    let request = AuthorizationRequest::builder(
        client_id,
        &service.url("/login/responses"),
        login.dcql_query(),
    )
    .state(state.clone())
    .build()
    .map_err(|error| ApiError::server(error.to_string()))?;
    let now = unix_now();
    let signed = request
        .sign(&service.key.signer, &service.key.kid, now)
        .map_err(|error| ApiError::server(error.to_string()))?;
    let transaction = service
        .login_verifier()
        .begin(&request, &login, now)
        .await
        .map_err(|error| ApiError::server(error.to_string()))?;
    let request_uri = service.url(&format!("/login/requests/{state}/request"));
    let openid4vp_url = signed.to_url_by_reference(&request_uri);
    let kept = Login {
        request_object: signed.request_object().to_owned(),
        openid4vp_url: openid4vp_url.clone(),
        outcome: Outcome::Pending,
        keep_until: transaction.expires_at.saturating_add(OUTCOME_KEEP_SECS),
    };
    service.logins.keep(&state, kept, now).await?;
    let location = service.url(&format!("/login/requests/{state}"));
    let body = json!({
        "id": state,
        "openid4vp_url": openid4vp_url,
        "request_uri": request_uri,
    });
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(body),
    )
        .into_response())
}

fn unknown_login() -> ApiError {
    ApiError::not_found("no login of this id: it was never started, or is long over")
}

/// `GET /login/requests/{id}`: where the login stands, and its result once there is one.
#[utoipa::path(get, path = "/login/requests/{id}", tag = "login", params(("id" = String, Path, description = "The transaction id")),
    responses((status = 200, description = "Where the login stands (`status`), then its `result`, and `expires_in`: the seconds left for the wallet's response", body = Object),
        (status = 404, description = "No login of this id", body = crate::body::ErrorBody)))]
async fn status(State(service): State<Arc<LoginService>>, Path(id): Path<String>) -> Response {
    let now = unix_now();
    match service.logins.get(&id, now).await {
        Ok(Some(login)) => {
            let expires_in = login.expires_at().saturating_sub(now);
            axum::Json(login.outcome.to_json(expires_in)).into_response()
        }
        Ok(None) => unknown_login().into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /login/requests/{id}/request`: the signed Request Object (OpenID4VP 1.0 §5.10.1,
/// `application/oauth-authz-req+jwt`).
#[utoipa::path(get, path = "/login/requests/{id}/request", tag = "login", params(("id" = String, Path, description = "The transaction id")),
    responses((status = 200, description = "The signed Request Object", content_type = "application/oauth-authz-req+jwt", body = String),
        (status = 404, description = "No login of this id", body = crate::body::ErrorBody)))]
async fn request_object(
    State(service): State<Arc<LoginService>>,
    Path(id): Path<String>,
) -> Response {
    match service.logins.get(&id, unix_now()).await {
        Ok(Some(login)) => (
            [(header::CONTENT_TYPE, REQUEST_OBJECT_MEDIA_TYPE)],
            login.request_object,
        )
            .into_response(),
        Ok(None) => unknown_login().into_response(),
        Err(error) => error.into_response(),
    }
}

/// Whether `result` was refused because its `state` or its step was not this caller's to
/// use (unknown, or used before): such an answer must not change the login's outcome, or a
/// replay could overwrite a granted login.
fn belongs_to_another(result: &LoginResult) -> bool {
    result
        .report
        .error_codes()
        .iter()
        .any(|code| matches!(code, ErrorCode::Replayed | ErrorCode::TransactionUnknown))
}

/// The `error_description` of a refused result: its errors' messages, which the library
/// already wrote with untrusted text excerpted.
fn refusal(result: &LoginResult) -> String {
    let messages: Vec<&str> = result
        .report
        .errors
        .iter()
        .map(|error| error.message.as_str())
        .collect();
    if !messages.is_empty() {
        return messages.join("; ");
    }
    match &result.trust_decision {
        Some(TrustDecision::Rejected { reason }) => {
            format!("the issuer's trust is below this world's policy: {reason}")
        }
        Some(TrustDecision::StepUp { reason, .. }) => format!(
            "the issuer's trust is below this world's policy ({reason}); log in again with the passkey factor"
        ),
        _ => "the response was refused".to_owned(),
    }
}

/// `POST /login/responses`: the wallet's `direct_post` (OpenID4VP 1.0 §8.2). 200 with
/// `redirect_uri` to the passkey step when it is pending, `{}` when the login is granted; 400
/// `invalid_request` (§8.5 style) when refused.
#[utoipa::path(post, path = "/login/responses", tag = "login",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "The wallet's direct_post: vp_token and state"),
    responses((status = 200, description = "Granted (`{}`) or `redirect_uri` to the passkey step", body = Object),
        (status = 400, description = "Refused", body = crate::body::ErrorBody), (status = 415, description = "Not a form", body = crate::body::ErrorBody)))]
async fn response(
    State(service): State<Arc<LoginService>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|value| {
            value.split(';').next().is_some_and(|essence| {
                essence
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_type {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            "a direct_post response is application/x-www-form-urlencoded (OpenID4VP 1.0 §8.2)",
        )
        .into_response();
    }
    let Ok(form) = std::str::from_utf8(&body) else {
        return ApiError::invalid("the response body is not UTF-8").into_response();
    };
    let now = unix_now();
    let result = match service.login_verifier().check_response(form, now).await {
        Ok(result) => result,
        Err(error) => return ApiError::server(error.to_string()).into_response(),
    };
    let state = result.state.clone();
    let granted = result.granted();
    let awaiting = result.passkey_challenge.is_some();
    let description = refusal(&result);
    if let Some(state) = state.as_deref().filter(|_| !belongs_to_another(&result))
        && let Err(error) = service.logins.settle(state, Outcome::of(result), now).await
    {
        return error.into_response();
    }
    match (granted, awaiting, state) {
        (true, _, _) => axum::Json(json!({})).into_response(),
        (false, true, Some(state)) => axum::Json(json!({
            "redirect_uri": service.url(&format!("/login/requests/{state}/passkey"))
        }))
        .into_response(),
        _ => ApiError::invalid(description).into_response(),
    }
}

/// `GET /login/requests/{id}/passkey`: the WebAuthn authentication options the wallet's
/// passkey answers (`RequestChallengeResponse`), while the login awaits them.
#[utoipa::path(get, path = "/login/requests/{id}/passkey", tag = "login", params(("id" = String, Path, description = "The transaction id")),
    responses((status = 200, description = "The WebAuthn authentication options", body = Object),
        (status = 404, description = "No login of this id", body = crate::body::ErrorBody), (status = 409, description = "Not awaiting a passkey", body = crate::body::ErrorBody)))]
async fn passkey_challenge(
    State(service): State<Arc<LoginService>>,
    Path(id): Path<String>,
) -> Response {
    match service.logins.get(&id, unix_now()).await {
        Ok(Some(Login {
            outcome: Outcome::AwaitingPasskey(result),
            ..
        })) => axum::Json(json!(result.passkey_challenge)).into_response(),
        Ok(Some(_)) => ApiError::new(
            StatusCode::CONFLICT,
            "invalid_request",
            "this login is not awaiting a passkey assertion",
        )
        .into_response(),
        Ok(None) => unknown_login().into_response(),
        Err(error) => error.into_response(),
    }
}

/// `POST /login/requests/{id}/passkey`: the wallet's `PublicKeyCredential`. 200
/// `{"granted": true}` with both factors proved; 400 with the report otherwise.
#[utoipa::path(post, path = "/login/requests/{id}/passkey", tag = "login", params(("id" = String, Path, description = "The transaction id")),
    request_body(content = Object, description = "The wallet's PublicKeyCredential"),
    responses((status = 200, description = "Granted with both factors", body = Object),
        (status = 400, description = "Refused, with the report", body = Object)))]
async fn passkey_assertion(
    State(service): State<Arc<LoginService>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let assertion = match parse_json(&body) {
        Ok(assertion) => assertion,
        Err(error) => return error.into_response(),
    };
    let now = unix_now();
    let result = match service
        .login_verifier()
        .finish_passkey(&id, Some(&assertion), now)
        .await
    {
        Ok(result) => result,
        Err(error) => return ApiError::server(error.to_string()).into_response(),
    };
    let granted = result.granted();
    let body = if granted {
        json!({"granted": true, "factors": result.factors})
    } else {
        json!({
            "granted": false,
            "error": "invalid_request",
            "error_description": refusal(&result),
            "report": result.report,
        })
    };
    if !belongs_to_another(&result)
        && let Err(error) = service.logins.settle(&id, Outcome::of(result), now).await
    {
        return error.into_response();
    }
    let status = if granted {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (status, axum::Json(body)).into_response()
}
