//! The verifier's side of the avatar login (DESIGN "Two-factor avatar login"): the DCQL query
//! a world asks, the transaction it remembers, the check of the wallet's `direct_post`
//! response — state known and unused, every presentation verified for this transaction, the
//! query satisfied — into a [`LoginResult`], and, when the world requires the passkey factor,
//! the WebAuthn step bound to the same transaction that completes it.

use std::collections::BTreeSet;

use did_core::excerpt::excerpt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::dcql::{Candidate, DcqlQuery};
use super::error::Openid4vpError;
use super::request::AuthorizationRequest;
use super::response::AuthorizationResponse;
use super::transaction::Transaction;
use crate::avatar::AVATAR_LINK_VCT;
use crate::issuer_keys::IssuerKeys;
use crate::mfa::{PasskeyVerifier, RequestChallengeResponse, require_assertion, require_passkey};
use crate::report::{ErrorCode, ReportError, VerificationReport};
use crate::sd_jwt::ClaimPath;
use crate::single_use::{Purpose, SingleUseStore, Taken};
use crate::status::StatusCheck;
use crate::trust::{Binding, TrustDecision, TrustEvidence, TrustPolicy};
use crate::verify::{TrustContext, VerificationPolicy, VerifierTrust, verify_credential};

/// The Credential Query id under which the avatar login asks for the avatar-link credential:
/// the key of its presentation in `vp_token`.
pub const AVATAR_LINK_QUERY_ID: &str = "avatar_link";

/// The names of the checks a login adds to the report, beside those of the credential's
/// verification. Stable: scripts match on them.
pub mod checks {
    /// The `direct_post` body is a well-formed Authorization Response (§8.1, §8.2).
    pub const RESPONSE: &str = "response";
    /// The `state` names a transaction that is known, unused and unexpired.
    pub const TRANSACTION: &str = "transaction";
    /// The `vp_token` answers the transaction's Credential Queries in shape (§8.1).
    pub const VP_TOKEN: &str = "vp_token";
    /// The presented claims satisfy the DCQL query (§8.6 step 3).
    pub const DCQL_QUERY: &str = "dcql_query";
    /// The passkey required as second factor was disclosed, and is a valid binding.
    pub const PASSKEY: &str = "passkey";
    /// The WebAuthn assertion of the disclosed passkey verified for this transaction.
    pub const PASSKEY_ASSERTION: &str = "passkey_assertion";
    /// An avatar of the platform the login is for was disclosed.
    pub const AVATAR: &str = "avatar";
}

/// What a world asks of a player logging in with an avatar-link credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarLogin {
    /// The platform whose avatar logs in.
    pub platform: String,
    /// Whether the player must be over 18 (`age_over_18` disclosed and `true`).
    pub age_over_18: bool,
    /// Whether the holder's DID (`sub`) is asked for; by default the world never learns it.
    pub holder_did: bool,
    /// Whether the passkey factor is required: then `passkey` is asked for, and the login is
    /// complete only after the WebAuthn step.
    pub passkey: bool,
}

impl AvatarLogin {
    /// A login with an avatar of `platform`, asking nothing else.
    pub fn new(platform: impl Into<String>) -> Self {
        Self {
            platform: platform.into(),
            age_over_18: false,
            holder_did: false,
            passkey: false,
        }
    }

    /// This login, requiring `age_over_18`.
    pub fn over_18(mut self) -> Self {
        self.age_over_18 = true;
        self
    }

    /// This login, asking for the holder's DID.
    pub fn with_holder_did(mut self) -> Self {
        self.holder_did = true;
        self
    }

    /// This login, requiring the passkey factor.
    pub fn with_passkey(mut self) -> Self {
        self.passkey = true;
        self
    }

    /// The top-level names of the claims this login asks for: what a disclosure beyond them
    /// is measured against (the trust factor `privacy`).
    pub fn requested_claims(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::from(["avatars".to_owned()]);
        for (asked, name) in [
            (self.age_over_18, "age_over_18"),
            (self.holder_did, "sub"),
            (self.passkey, "passkey"),
        ] {
            if asked {
                names.insert(name.to_owned());
            }
        }
        names
    }

    /// The DCQL query of this login (§6): one `dc+sd-jwt` avatar-link credential, the
    /// avatars whose `platform` is this one (`["avatars", null, "platform"]` with `values`,
    /// so that the wallet discloses no other avatar), and the claims this login wants.
    pub fn dcql_query(&self) -> DcqlQuery {
        let mut claims =
            vec![json!({"path": ["avatars", null, "platform"], "values": [self.platform]})];
        if self.age_over_18 {
            claims.push(json!({"path": ["age_over_18"], "values": [true]}));
        }
        if self.holder_did {
            claims.push(json!({"path": ["sub"]}));
        }
        if self.passkey {
            claims.push(json!({"path": ["passkey"]}));
        }
        let query = json!({"credentials": [{
            "id": AVATAR_LINK_QUERY_ID,
            "format": super::dcql::SD_JWT_VC_FORMAT,
            "meta": {"vct_values": [AVATAR_LINK_VCT]},
            "claims": claims
        }]});
        DcqlQuery::from_json(&query)
            .unwrap_or_else(|error| unreachable!("the avatar login query is well formed: {error}"))
    }
}

/// An avatar as the avatar-link credential holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Avatar {
    /// The platform.
    pub platform: String,
    /// The avatar's DID.
    pub id: String,
    /// The avatar's handle on the platform.
    pub handle: String,
}

/// An authentication factor a login proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Factor {
    /// Possession of the credential's holder key, proved by the key binding JWT.
    HolderKey,
    /// Possession of the passkey the issuer bound, with user verification, proved by a
    /// WebAuthn assertion for this transaction.
    Passkey,
}

/// The outcome of an avatar login response. `report.verified` says whether the presentation
/// passed; [`granted`](Self::granted) whether the login is complete.
///
/// `Debug` shows the verdict, the factors and the names of the claims, not their values nor
/// the avatar and holder identifiers: a log is no place for them (DESIGN "Privacy").
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResult {
    /// The transaction's `state`, when the response named one.
    pub state: Option<String>,
    /// The avatar that logs in, of the platform asked for.
    pub avatar: Option<Avatar>,
    /// The holder's DID (`sub`), if it was asked for and disclosed.
    pub holder: Option<String>,
    /// The verified claims, plain and disclosed.
    pub claims: Option<Map<String, Value>>,
    /// The factors proved so far.
    pub factors: Vec<Factor>,
    /// When the transaction requires the passkey factor and the response verified: the
    /// WebAuthn authentication options (for exactly the disclosed passkey's credential id,
    /// user verification required) that the wallet must answer, through
    /// [`LoginVerifier::finish_passkey`], before the login is granted.
    pub passkey_challenge: Option<RequestChallengeResponse>,
    /// The verification report: the credential's checks and the login's, and the trust
    /// evaluation of the credential's issuer when the verifier evaluates trust.
    pub report: VerificationReport,
    /// What the verifier's trust policy decided from the trust evaluation (ITU-T §8.5
    /// "react"), once the login's factors are all in: a login is granted only when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_decision: Option<TrustDecision>,
}

impl std::fmt::Debug for LoginResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codes = self.report.error_codes();
        f.debug_struct("LoginResult")
            .field("verified", &self.report.verified)
            .field("granted", &self.granted())
            .field("errors", &codes)
            .field("platform", &self.avatar.as_ref().map(|a| &a.platform))
            .field("holder_disclosed", &self.holder.is_some())
            .field(
                "claims",
                &self.claims.as_ref().map(|c| c.keys().collect::<Vec<_>>()),
            )
            .field("factors", &self.factors)
            .field("passkey_pending", &self.passkey_challenge.is_some())
            .field(
                "trust_level",
                &self.report.trust.as_ref().map(|trust| trust.level),
            )
            .finish_non_exhaustive()
    }
}

impl LoginResult {
    /// Whether the login is granted: the response verified, no factor is pending, and the
    /// trust policy, if any, accepted.
    pub fn granted(&self) -> bool {
        self.report.verified
            && self.passkey_challenge.is_none()
            && self
                .trust_decision
                .as_ref()
                .is_none_or(|decision| *decision == TrustDecision::Accepted)
    }

    fn refused(state: Option<String>, report: VerificationReport) -> Self {
        Self {
            state,
            avatar: None,
            holder: None,
            claims: None,
            factors: Vec::new(),
            passkey_challenge: None,
            report: report.finish(None),
            trust_decision: None,
        }
    }
}

/// The verifier of avatar logins: where it keeps its transactions, how it finds issuer keys
/// and credential status, the passkey verifier of the second factor, and the verification
/// policy every presentation meets.
pub struct LoginVerifier<'a> {
    store: &'a dyn SingleUseStore,
    keys: &'a dyn IssuerKeys,
    status: Option<&'a dyn StatusCheck>,
    passkeys: Option<&'a PasskeyVerifier>,
    trust: Option<&'a VerifierTrust>,
    trust_policy: Option<TrustPolicy>,
    policy: VerificationPolicy,
    transaction_ttl: u64,
}

/// A verified login waiting for its passkey step, with the trust evidence gathered when its
/// response was checked (the passkey changes only the binding).
#[derive(Serialize, Deserialize)]
struct AwaitingPasskey {
    result: LoginResult,
    evidence: Option<TrustEvidence>,
}

impl std::fmt::Debug for LoginVerifier<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginVerifier")
            .field("policy", &self.policy)
            .field("transaction_ttl", &self.transaction_ttl)
            .finish_non_exhaustive()
    }
}

impl<'a> LoginVerifier<'a> {
    /// A verifier keeping transactions in `store` for 5 minutes and finding issuer keys
    /// through `keys`, with the default policy expecting the avatar-link type.
    pub fn new(store: &'a dyn SingleUseStore, keys: &'a dyn IssuerKeys) -> Self {
        Self {
            store,
            keys,
            status: None,
            passkeys: None,
            trust: None,
            trust_policy: None,
            policy: VerificationPolicy::default().expecting_vct(AVATAR_LINK_VCT),
            transaction_ttl: 300,
        }
    }

    /// This verifier, checking credential status through `status`.
    pub fn with_status(mut self, status: &'a dyn StatusCheck) -> Self {
        self.status = Some(status);
        self
    }

    /// This verifier, checking the passkey factor with `passkeys`: needed for logins that
    /// require it.
    pub fn with_passkeys(mut self, passkeys: &'a PasskeyVerifier) -> Self {
        self.passkeys = Some(passkeys);
        self
    }

    /// This verifier, evaluating the trust of every login's credential issuer with `trust`
    /// (the evaluation is in the result's report).
    pub fn with_trust(mut self, trust: &'a VerifierTrust) -> Self {
        self.trust = Some(trust);
        self
    }

    /// This verifier, granting a login only when `policy` accepts its trust evaluation
    /// (needs [`with_trust`](Self::with_trust)); a shortfall refuses or asks for a step up, as
    /// the policy says.
    pub fn with_trust_policy(mut self, policy: TrustPolicy) -> Self {
        self.trust_policy = Some(policy);
        self
    }

    /// This verifier, applying `policy` (trust list, algorithms, clock skew) to every
    /// presentation; its audience, nonce, key binding requirement and time are set per
    /// transaction.
    pub fn with_policy(mut self, policy: VerificationPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// This verifier, letting transactions live `seconds`.
    pub fn with_transaction_ttl(mut self, seconds: u64) -> Self {
        self.transaction_ttl = seconds;
        self
    }

    /// Remembers the transaction of `request`, made for `login`, at `now`: its `state`,
    /// `nonce`, whole `client_id` and query. The request must carry a `state` and ask
    /// exactly `login`'s query, and a login that requires the passkey factor needs a verifier
    /// configured [`with_passkeys`](Self::with_passkeys).
    pub async fn begin(
        &self,
        request: &AuthorizationRequest,
        login: &AvatarLogin,
        now: u64,
    ) -> Result<Transaction, Openid4vpError> {
        let state = request.state().ok_or_else(|| {
            Openid4vpError::invalid("a login request needs a `state` to find its transaction")
        })?;
        if login.passkey && self.passkeys.is_none() {
            return Err(Openid4vpError::invalid(
                "the login requires the passkey factor and this verifier has no passkey verifier",
            ));
        }
        let dcql_query = login.dcql_query();
        if request.dcql_query() != &dcql_query {
            return Err(Openid4vpError::invalid(
                "the request does not ask the login's DCQL query",
            ));
        }
        let transaction = Transaction {
            state: state.to_owned(),
            nonce: request.nonce().to_owned(),
            client_id: request.client_id().to_string(),
            login: login.clone(),
            expires_at: now.saturating_add(self.transaction_ttl),
        };
        transaction.put(self.store, now).await?;
        Ok(transaction)
    }

    /// Checks a `direct_post` body received at `now` (§8.2, §8.6): the `state` must name a
    /// known, unused, unexpired transaction (`transaction_unknown`, `replayed`,
    /// `transaction_expired`), which is used up by this call whatever comes next; every
    /// presentation must verify with key binding to the transaction's `client_id` and
    /// `nonce`; the DCQL query must be satisfied (`missing_claim`; a disclosed claim not asked
    /// for is a warning); a required passkey must be disclosed (`factor_missing`), and then
    /// the result carries the WebAuthn challenge that [`finish_passkey`](Self::finish_passkey)
    /// must see answered before the login is granted. The error is only for a failing store.
    pub async fn check_response(
        &self,
        form: &str,
        now: u64,
    ) -> Result<LoginResult, Openid4vpError> {
        let mut report = VerificationReport::new();
        let response = match AuthorizationResponse::from_form(form) {
            Ok(response) => response,
            Err(error) => {
                report.fail(checks::RESPONSE, error);
                return Ok(LoginResult::refused(None, report));
            }
        };
        report.pass(checks::RESPONSE);
        let state = response.state.clone();
        let Some(transaction) = self.take(state.as_deref(), now, &mut report).await? else {
            return Ok(LoginResult::refused(state, report));
        };
        let mut result = self
            .check_presentations(&response, &transaction, now, report)
            .await;
        let evidence = self.gather_trust(&mut result, &transaction, now).await;
        if !transaction.login.passkey || !result.report.verified {
            self.decide(&mut result, evidence.as_ref());
            return Ok(result);
        }
        self.challenge_passkey(result, evidence, &transaction, now)
            .await
    }

    /// The trust evidence of a checked response (the binding its factors proved), evaluated
    /// into `result.report.trust` and kept in the history.
    async fn gather_trust(
        &self,
        result: &mut LoginResult,
        transaction: &Transaction,
        now: u64,
    ) -> Option<TrustEvidence> {
        let trust = self.trust?;
        let binding = if result.factors.contains(&Factor::HolderKey) {
            Binding::HolderKey
        } else {
            Binding::None
        };
        let context = TrustContext {
            requested: Some(transaction.login.requested_claims()),
            binding: Some(binding),
            elapsed: None,
        };
        let mut policy = self.policy.clone();
        policy.now = Some(now);
        let evidence = trust.gather(&mut result.report, &policy, &context).await?;
        trust.conclude(&evidence, &mut result.report, true).await;
        Some(evidence)
    }

    /// The trust policy's decision on a login whose factors are all in.
    fn decide(&self, result: &mut LoginResult, evidence: Option<&TrustEvidence>) {
        let (Some(trust), Some(policy), Some(evaluation), Some(evidence)) = (
            self.trust,
            &self.trust_policy,
            &result.report.trust,
            evidence,
        ) else {
            return;
        };
        if !result.report.verified {
            return;
        }
        let model = trust.engine.model();
        result.trust_decision = Some(policy.decide(&model, evaluation, evidence.binding));
    }

    /// Starts the WebAuthn authentication of the disclosed passkey for this transaction, and
    /// keeps the verified result until the assertion comes back.
    async fn challenge_passkey(
        &self,
        mut result: LoginResult,
        evidence: Option<TrustEvidence>,
        transaction: &Transaction,
        now: u64,
    ) -> Result<LoginResult, Openid4vpError> {
        let passkeys = self
            .passkeys
            .ok_or_else(|| Openid4vpError::invalid("this verifier has no passkey verifier"))?;
        let claims = result.claims.clone().unwrap_or_default();
        let started = match require_passkey(&claims) {
            Ok(binding) => passkeys
                .start_authentication(&binding, &transaction.state, now)
                .await
                .map_err(ReportError::from),
            Err(error) => Err(error),
        };
        let options = match started {
            Ok(options) => options,
            Err(error) => {
                let mut report = result.report;
                report.fail(checks::PASSKEY, error);
                return Ok(LoginResult::refused(result.state, report));
            }
        };
        result.passkey_challenge = Some(options);
        let awaiting = AwaitingPasskey {
            result: result.clone(),
            evidence,
        };
        let bytes = serde_json::to_vec(&awaiting)
            .map_err(|_| Openid4vpError::invalid("the login result does not serialize"))?;
        let expires_at = now.saturating_add(passkeys.challenge_ttl());
        self.store
            .put(
                Purpose::LoginAwaitingPasskey,
                &transaction.state,
                bytes,
                expires_at,
                now,
            )
            .await?;
        Ok(result)
    }

    /// Finishes the passkey step of the login `state` with the wallet's WebAuthn `assertion`
    /// (the JSON of a `PublicKeyCredential`) received at `now`: the login must be awaiting it
    /// (`transaction_unknown`, `replayed`, `transaction_expired`), the assertion present
    /// (`factor_missing`) and verified for this transaction's challenge against the bound
    /// passkey (`webauthn_failed`). The waiting login is used up by this call whatever comes
    /// next. On success the result is granted with both factors.
    pub async fn finish_passkey(
        &self,
        state: &str,
        assertion: Option<&Value>,
        now: u64,
    ) -> Result<LoginResult, Openid4vpError> {
        let mut report = VerificationReport::new();
        let taken = self
            .store
            .take(Purpose::LoginAwaitingPasskey, state, now)
            .await?
            .try_map(|bytes| serde_json::from_slice::<AwaitingPasskey>(&bytes))
            .map_err(|_| Openid4vpError::invalid("a kept login does not read back"))?;
        let Some(AwaitingPasskey {
            mut result,
            evidence,
        }) = transaction_found(taken, &mut report)
        else {
            return Ok(LoginResult::refused(Some(state.to_owned()), report));
        };
        let passkeys = self
            .passkeys
            .ok_or_else(|| Openid4vpError::invalid("this verifier has no passkey verifier"))?;
        let verified = match require_assertion(assertion) {
            Ok(assertion) => passkeys.finish_authentication(state, &assertion, now).await,
            Err(error) => Err(error),
        };
        let mut report = result.report;
        match verified {
            Ok(_) => {
                report.pass(checks::PASSKEY_ASSERTION);
                result.report = report;
                result.factors.push(Factor::Passkey);
                result.passkey_challenge = None;
                // Both factors are in: the evaluation is made again with the stronger binding
                // (the response was kept in the history when it was checked).
                let evidence = evidence.map(|mut evidence| {
                    evidence.binding = Binding::HolderKeyAndPasskey;
                    evidence.now = i64::try_from(now).unwrap_or(i64::MAX);
                    evidence
                });
                if let (Some(trust), Some(evidence)) = (self.trust, &evidence) {
                    trust.conclude(evidence, &mut result.report, false).await;
                }
                self.decide(&mut result, evidence.as_ref());
                Ok(result)
            }
            Err(error) => {
                report.fail(checks::PASSKEY_ASSERTION, &error);
                Ok(LoginResult::refused(result.state, report))
            }
        }
    }

    async fn take(
        &self,
        state: Option<&str>,
        now: u64,
        report: &mut VerificationReport,
    ) -> Result<Option<Transaction>, Openid4vpError> {
        let fail = |report: &mut VerificationReport, code, message: &str| {
            report.fail(checks::TRANSACTION, ReportError::new(code, message));
        };
        let Some(state) = state else {
            fail(
                report,
                ErrorCode::TransactionUnknown,
                "the response has no `state`, so it belongs to no transaction (§5.3)",
            );
            return Ok(None);
        };
        let taken = Transaction::take(self.store, state, now).await?;
        Ok(transaction_found(taken, report))
    }

    async fn check_presentations(
        &self,
        response: &AuthorizationResponse,
        transaction: &Transaction,
        now: u64,
        mut report: VerificationReport,
    ) -> LoginResult {
        let state = response.state.clone();
        let dcql_query = transaction.login.dcql_query();
        if let Err(error) = check_vp_token_shape(response, &dcql_query) {
            report.fail(checks::VP_TOKEN, error);
            return LoginResult::refused(state, report);
        }
        report.pass(checks::VP_TOKEN);
        // Each presentation's query id, the pointers of the claims it disclosed, its claims.
        let mut presented: Vec<(&str, Vec<String>, Map<String, Value>)> = Vec::new();
        let mut key_bound = true;
        for (query_id, presentations) in &response.vp_token {
            let binding = dcql_query
                .credential(query_id)
                .is_none_or(|query| query.require_cryptographic_holder_binding);
            key_bound &= binding;
            for presentation in presentations {
                let mut policy = self.policy.clone();
                policy.require_key_binding = binding;
                policy.expected_audience = Some(transaction.client_id.clone());
                policy.expected_nonce = Some(transaction.nonce.clone());
                policy.now = Some(now);
                let verified =
                    match verify_credential(presentation, &policy, self.keys, self.status).await {
                        Ok(verified) => verified,
                        Err(error) => {
                            report.fail(
                                checks::VP_TOKEN,
                                ReportError::new(ErrorCode::Malformed, error.to_string()),
                            );
                            return LoginResult::refused(state, report);
                        }
                    };
                let disclosed = verified.observed.disclosed.clone();
                // The avatar-link credential's observations are the login's trust evidence.
                if query_id == AVATAR_LINK_QUERY_ID || report.observed.issuer.is_none() {
                    report.observed = verified.observed;
                }
                report.checks.extend(verified.checks);
                report.warnings.extend(verified.warnings);
                report.errors.extend(verified.errors);
                let Some(claims) = verified.claims.filter(|_| verified.verified) else {
                    return LoginResult::refused(state, report);
                };
                presented.push((query_id.as_str(), disclosed, claims));
            }
        }
        let Some((_, _, claims)) = presented
            .iter()
            .find(|(id, _, _)| *id == AVATAR_LINK_QUERY_ID)
            .or_else(|| presented.first())
        else {
            report.fail(
                checks::VP_TOKEN,
                ReportError::new(ErrorCode::Malformed, "the `vp_token` holds no presentation"),
            );
            return LoginResult::refused(state, report);
        };
        let claims = claims.clone();
        if transaction.login.passkey {
            if let Err(error) = require_passkey(&claims) {
                report.fail(checks::PASSKEY, error);
                return LoginResult::refused(state, report);
            }
            report.pass(checks::PASSKEY);
        }
        let candidates: Vec<(&str, Candidate<'_>)> = presented
            .iter()
            .map(|(id, _, claims)| {
                (
                    *id,
                    Candidate::sd_jwt_vc(claims.get("vct").and_then(Value::as_str), claims),
                )
            })
            .collect();
        let checked = match dcql_query.check_presented(&candidates) {
            Ok(checked) => checked,
            Err(error) => {
                report.fail(
                    checks::DCQL_QUERY,
                    ReportError::new(ErrorCode::MissingClaim, error.to_string()),
                );
                return LoginResult::refused(state, report);
            }
        };
        report.pass(checks::DCQL_QUERY);
        for ((_, disclosed, _), checked) in presented.iter().zip(&checked) {
            for extra in disclosed_beyond(disclosed, &checked.paths) {
                report.warn(format!(
                    "the wallet disclosed `{}`, which the DCQL query did not ask for (OpenID4VP 1.0 §6.4: wallets must not)",
                    excerpt(extra)
                ));
            }
        }
        let Some(avatar) = avatar_of(&claims, &transaction.login.platform) else {
            report.fail(
                checks::AVATAR,
                ReportError::new(
                    ErrorCode::MissingClaim,
                    "no complete avatar (platform, id, handle) of the platform asked for was disclosed",
                ),
            );
            return LoginResult::refused(state, report);
        };
        report.pass(checks::AVATAR);
        let report = report.finish(Some(claims.clone()));
        LoginResult {
            state,
            avatar: Some(avatar),
            holder: claims.get("sub").and_then(Value::as_str).map(str::to_owned),
            passkey_challenge: None,
            claims: Some(claims),
            factors: if key_bound {
                vec![Factor::HolderKey]
            } else {
                Vec::new()
            },
            report,
            trust_decision: None,
        }
    }
}

/// What a single-use record found for a login step: the record if fresh, otherwise the
/// failed `transaction` check that says why (a replay, an expiry, an unknown `state`).
fn transaction_found<T>(taken: Taken<T>, report: &mut VerificationReport) -> Option<T> {
    let (code, message) = match taken {
        Taken::Fresh(found) => {
            report.pass(checks::TRANSACTION);
            return Some(found);
        }
        Taken::Used => (
            ErrorCode::Replayed,
            "this step of the login was answered before: this is a replay",
        ),
        Taken::Expired => (
            ErrorCode::TransactionExpired,
            "the login transaction expired before this answer came; start the login again",
        ),
        Taken::Unknown => (
            ErrorCode::TransactionUnknown,
            "the `state` names no login transaction of this verifier",
        ),
    };
    report.fail(checks::TRANSACTION, ReportError::new(code, message));
    None
}

/// §8.1: every key of the `vp_token` is a Credential Query id, and a query without `multiple`
/// gets exactly one presentation.
fn check_vp_token_shape(
    response: &AuthorizationResponse,
    query: &DcqlQuery,
) -> Result<(), ReportError> {
    for (id, presentations) in &response.vp_token {
        let Some(credential) = query.credential(id) else {
            return Err(ReportError::new(
                ErrorCode::Malformed,
                format!(
                    "`vp_token` has the key `{}`, which no Credential Query has (§8.1)",
                    excerpt(id)
                ),
            ));
        };
        if !credential.multiple && presentations.len() != 1 {
            return Err(ReportError::new(
                ErrorCode::Malformed,
                format!(
                    "`vp_token.{id}` must hold one presentation: the query does not allow `multiple` (§8.1)"
                ),
            ));
        }
    }
    Ok(())
}

/// The claims among `disclosed` (the JSON Pointers the verification's SD-JWT processing
/// recorded) that are neither needed to reach a claim at one of `asked` nor inside one.
fn disclosed_beyond<'a>(disclosed: &'a [String], asked: &[ClaimPath]) -> Vec<&'a str> {
    disclosed
        .iter()
        .filter(|pointer| {
            let Ok(disclosed) = ClaimPath::parse(pointer) else {
                return true;
            };
            !asked.iter().any(|path| {
                path.segments().starts_with(disclosed.segments())
                    || disclosed.segments().starts_with(path.segments())
            })
        })
        .map(String::as_str)
        .collect()
}

/// The first disclosed avatar of `platform` with its `id` and `handle`.
fn avatar_of(claims: &Map<String, Value>, platform: &str) -> Option<Avatar> {
    claims
        .get("avatars")?
        .as_array()?
        .iter()
        .filter(|avatar| avatar.get("platform").and_then(Value::as_str) == Some(platform))
        .find_map(|avatar| {
            Some(Avatar {
                platform: platform.to_owned(),
                id: avatar.get("id")?.as_str()?.to_owned(),
                handle: avatar.get("handle")?.as_str()?.to_owned(),
            })
        })
}
