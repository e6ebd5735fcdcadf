//! The verifier's side of the avatar login (DESIGN "Two-factor avatar login"): the DCQL query
//! a world asks, the transaction it remembers, and the check of the wallet's `direct_post`
//! response — state known and unused, every presentation verified for this transaction, the
//! query satisfied — into a [`LoginResult`].

use did_core::excerpt::excerpt;
use did_core::jose::{AlgorithmPolicy, decode_compact, parse_json_object};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::dcql::{Candidate, DcqlQuery};
use super::error::Openid4vpError;
use super::request::AuthorizationRequest;
use super::response::AuthorizationResponse;
use super::transaction::{Taken, Transaction, TransactionStore};
use crate::avatar::AVATAR_LINK_VCT;
use crate::issuer_keys::IssuerKeys;
use crate::report::{ErrorCode, ReportError, VerificationReport};
use crate::sd_jwt::{ClaimPath, SdJwt, SdJwtKb, VerifyOptions, verify_disclosures};
use crate::status::StatusCheck;
use crate::verify::{VerificationPolicy, verify_credential};

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
    /// The passkey required as second factor was disclosed.
    pub const PASSKEY: &str = "passkey";
    /// An avatar of the platform the login is for was disclosed.
    pub const AVATAR: &str = "avatar";
}

/// What a world asks of a player logging in with an avatar-link credential.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Avatar {
    /// The platform.
    pub platform: String,
    /// The avatar's DID.
    pub id: String,
    /// The avatar's handle on the platform.
    pub handle: String,
}

/// An authentication factor a login proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Factor {
    /// Possession of the credential's holder key, proved by the key binding JWT.
    HolderKey,
}

/// The outcome of an avatar login response. `report.verified` says whether the presentation
/// passed; [`granted`](Self::granted) whether the login is complete.
///
/// `Debug` shows the verdict, the factors and the names of the claims, not their values nor
/// the avatar and holder identifiers: a log is no place for them (DESIGN "Privacy").
#[derive(Clone, PartialEq, Serialize)]
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
    /// When the transaction requires the passkey factor: the disclosed `passkey` claim
    /// (`credential_id`, `jwk`, `rp_id`, `origin`) that a WebAuthn assertion must answer
    /// for this transaction before the login is granted.
    pub pending_passkey: Option<Value>,
    /// The verification report: the credential's checks and the login's.
    pub report: VerificationReport,
}

impl std::fmt::Debug for LoginResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codes: Vec<ErrorCode> = self.report.errors.iter().map(|e| e.code).collect();
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
            .field("passkey_pending", &self.pending_passkey.is_some())
            .finish_non_exhaustive()
    }
}

impl LoginResult {
    /// Whether the login is granted: the response verified and no factor is pending.
    pub fn granted(&self) -> bool {
        self.report.verified && self.pending_passkey.is_none()
    }

    fn refused(state: Option<String>, report: VerificationReport) -> Self {
        Self {
            state,
            avatar: None,
            holder: None,
            claims: None,
            factors: Vec::new(),
            pending_passkey: None,
            report: report.finish(None),
        }
    }
}

/// The verifier of avatar logins: its transaction store, how it finds issuer keys and
/// credential status, and the verification policy every presentation meets.
pub struct LoginVerifier<'a> {
    store: &'a dyn TransactionStore,
    keys: &'a dyn IssuerKeys,
    status: Option<&'a dyn StatusCheck>,
    policy: VerificationPolicy,
    transaction_ttl: u64,
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
    pub fn new(store: &'a dyn TransactionStore, keys: &'a dyn IssuerKeys) -> Self {
        Self {
            store,
            keys,
            status: None,
            policy: VerificationPolicy::default().expecting_vct(AVATAR_LINK_VCT),
            transaction_ttl: 300,
        }
    }

    /// This verifier, checking credential status through `status`.
    pub fn with_status(mut self, status: &'a dyn StatusCheck) -> Self {
        self.status = Some(status);
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
    /// exactly `login`'s query.
    pub async fn begin(
        &self,
        request: &AuthorizationRequest,
        login: &AvatarLogin,
        now: u64,
    ) -> Result<Transaction, Openid4vpError> {
        let state = request.state().ok_or_else(|| {
            Openid4vpError::invalid("a login request needs a `state` to find its transaction")
        })?;
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
            dcql_query,
            avatar_platform: login.platform.clone(),
            requires_passkey: login.passkey,
            expires_at: now.saturating_add(self.transaction_ttl),
        };
        self.store.put(transaction.clone(), now).await?;
        Ok(transaction)
    }

    /// Checks a `direct_post` body received at `now` (§8.2, §8.6): the `state` must name a
    /// known, unused, unexpired transaction (`transaction_unknown`, `replayed`,
    /// `transaction_expired`), which is used up by this call whatever comes next; every
    /// presentation must verify with key binding to the transaction's `client_id` and
    /// `nonce`; the DCQL query must be satisfied (`missing_claim`; a disclosed claim not asked
    /// for is a warning); a required passkey must be disclosed (`factor_missing`). The error
    /// is only for a failing transaction store.
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
        Ok(self
            .check_presentations(&response, &transaction, now, report)
            .await)
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
        Ok(match self.store.take(state, now).await? {
            Taken::Fresh(transaction) => {
                report.pass(checks::TRANSACTION);
                Some(transaction)
            }
            Taken::Used => {
                fail(
                    report,
                    ErrorCode::Replayed,
                    "this transaction was answered before: the response is a replay",
                );
                None
            }
            Taken::Expired => {
                fail(
                    report,
                    ErrorCode::TransactionExpired,
                    "the transaction expired before the response came; start the login again",
                );
                None
            }
            Taken::Unknown => {
                fail(
                    report,
                    ErrorCode::TransactionUnknown,
                    "the response's `state` names no transaction of this verifier",
                );
                None
            }
        })
    }

    async fn check_presentations(
        &self,
        response: &AuthorizationResponse,
        transaction: &Transaction,
        now: u64,
        mut report: VerificationReport,
    ) -> LoginResult {
        let state = response.state.clone();
        if let Err(error) = check_vp_token_shape(response, &transaction.dcql_query) {
            report.fail(checks::VP_TOKEN, error);
            return LoginResult::refused(state, report);
        }
        report.pass(checks::VP_TOKEN);
        let mut presented: Vec<(&str, &str, Map<String, Value>)> = Vec::new();
        let mut key_bound = true;
        for (query_id, presentations) in &response.vp_token {
            let binding = transaction
                .dcql_query
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
                report.checks.extend(verified.checks);
                report.warnings.extend(verified.warnings);
                report.errors.extend(verified.errors);
                let Some(claims) = verified.claims.filter(|_| verified.verified) else {
                    return LoginResult::refused(state, report);
                };
                presented.push((query_id.as_str(), presentation.as_str(), claims));
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
        if transaction.requires_passkey {
            if claims.get("passkey").is_none() {
                report.fail(
                    checks::PASSKEY,
                    ReportError::new(
                        ErrorCode::FactorMissing,
                        "this world requires the passkey factor, and the presentation does not disclose `passkey`",
                    ),
                );
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
        let checked = match transaction.dcql_query.check_presented(&candidates) {
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
        for ((_, presentation, _), checked) in presented.iter().zip(&checked) {
            for extra in disclosed_beyond(presentation, &checked.paths) {
                report.warn(format!(
                    "the wallet disclosed `{}`, which the DCQL query did not ask for (OpenID4VP 1.0 §6.4: wallets must not)",
                    excerpt(&extra)
                ));
            }
        }
        let Some(avatar) = avatar_of(&claims, &transaction.avatar_platform) else {
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
            pending_passkey: transaction
                .requires_passkey
                .then(|| claims.get("passkey").cloned())
                .flatten(),
            claims: Some(claims),
            factors: if key_bound {
                vec![Factor::HolderKey]
            } else {
                Vec::new()
            },
            report,
        }
    }
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

/// The claims `presentation` discloses (by RFC 9901 disclosure, as paths into the processed
/// claims) that are neither needed to reach a claim at one of `asked` nor inside one.
fn disclosed_beyond(presentation: &str, asked: &[ClaimPath]) -> Vec<String> {
    let sd_jwt = match SdJwtKb::parse(presentation) {
        Ok(with_kb) => with_kb.into_parts().0,
        Err(_) => match SdJwt::parse(presentation) {
            Ok(sd_jwt) => sd_jwt,
            Err(_) => return Vec::new(),
        },
    };
    // The presentation verified already: this only reads which claims its disclosures hold.
    let Ok(jws) = decode_compact(sd_jwt.issuer_jwt(), &AlgorithmPolicy::default()) else {
        return Vec::new();
    };
    let Ok(payload) = parse_json_object(jws.payload()) else {
        return Vec::new();
    };
    let Ok(processed) =
        verify_disclosures(payload, sd_jwt.disclosures(), &VerifyOptions::sd_jwt_vc())
    else {
        return Vec::new();
    };
    processed
        .disclosed
        .into_iter()
        .filter(|pointer| {
            let Ok(disclosed) = ClaimPath::parse(pointer) else {
                return true;
            };
            !asked.iter().any(|path| {
                path.segments().starts_with(disclosed.segments())
                    || disclosed.segments().starts_with(path.segments())
            })
        })
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
