//! Verification for third-party worlds: `POST /credentials/verify` and
//! `POST /presentations/verify`. The request names the compact credential (SD-JWT VC, SD-JWT+KB
//! or `vc+jwt`) under avid's member names or the VC-API's (`verifiableCredential`,
//! `verifiablePresentation`, `challenge`, `domain`); its options become a
//! [`VerificationPolicy`], and [`Verifier`] answers the report: 200 when verified, 422 with the
//! report when not, 400 for a request that is no request.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use did_core::did::Did;
use did_core::excerpt::excerpt;
use serde::Deserialize;
use serde_json::Value;
use vc_issuer::sd_jwt::ClaimPath;
use vc_issuer::trust::{TrustDecision, TrustPolicy};
use vc_issuer::verify::{MAX_INPUT_LEN, VerificationPolicy, Verifier};

use crate::body::{ApiError, MAX_JSON_BODY, parse_json};
use crate::trust::PolicySource;

/// The `/credentials/verify` and `/presentations/verify` routes over `verifier`, applying the
/// trust policy `default_policy` gives when a request names none of its own.
pub fn router(verifier: Arc<Verifier>, default_policy: Option<PolicySource>) -> Router {
    Router::new()
        .route("/credentials/verify", post(credential))
        .route("/presentations/verify", post(presentation))
        .layer(DefaultBodyLimit::max(
            MAX_JSON_BODY.max(MAX_INPUT_LEN + 4096),
        ))
        .with_state(VerifyState {
            verifier,
            default_policy,
        })
}

/// What the verification routes share.
#[derive(Clone)]
struct VerifyState {
    verifier: Arc<Verifier>,
    default_policy: Option<PolicySource>,
}

/// What is being verified: its member names, and whether key binding is required unless
/// the options say otherwise.
#[derive(Clone, Copy)]
struct Kind {
    names: [&'static str; 2],
    key_binding_by_default: bool,
}

/// A credential on its own: no key binding unless asked.
const CREDENTIAL: Kind = Kind {
    names: ["credential", "verifiableCredential"],
    key_binding_by_default: false,
};

/// A presentation: the holder proves possession for this verifier and this transaction
/// (RFC 9901 §7.3), unless `requireKeyBinding` is `false`.
const PRESENTATION: Kind = Kind {
    names: ["presentation", "verifiablePresentation"],
    key_binding_by_default: true,
};

/// The `options` member. Unknown options are refused: a misspelt `requiredClaims` must not
/// silently verify less.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Options {
    #[serde(alias = "challenge")]
    nonce: Option<String>,
    #[serde(alias = "domain")]
    aud: Option<String>,
    require_key_binding: Option<bool>,
    trusted_issuers: Option<Vec<String>>,
    #[serde(default)]
    required_claims: Vec<String>,
    /// What the world requires of the issuer's trust (ITU-T §8.5 "react"): the report then
    /// carries `trust_decision`, and only an accepted one answers 200.
    trust_policy: Option<TrustPolicy>,
}

impl Options {
    fn policy(&self, kind: Kind) -> Result<VerificationPolicy, ApiError> {
        let mut policy = VerificationPolicy {
            require_key_binding: self
                .require_key_binding
                .unwrap_or(kind.key_binding_by_default),
            expected_audience: self.aud.clone(),
            expected_nonce: self.nonce.clone(),
            ..VerificationPolicy::default()
        };
        if let Some(issuers) = &self.trusted_issuers {
            let issuers = issuers
                .iter()
                .map(|issuer| {
                    Did::parse(issuer).map_err(|error| {
                        ApiError::invalid(format!(
                            "`trustedIssuers` holds {}, which is not a DID: {error}",
                            excerpt(issuer)
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            policy = policy.trusting(issuers);
        }
        let paths = self
            .required_claims
            .iter()
            .map(|pointer| {
                ClaimPath::parse(pointer).map_err(|error| {
                    ApiError::invalid(format!(
                        "`requiredClaims` holds {}, which is not a JSON pointer to a claim: {error}",
                        excerpt(pointer)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        policy = policy.requiring(paths);
        policy
            .validate()
            .map_err(|error| ApiError::invalid(error.to_string()))?;
        Ok(policy)
    }
}

/// Reads the request: exactly one of the kind's two member names, a string, and `options`.
fn read_request(
    body: &[u8],
    kind: Kind,
) -> Result<(String, VerificationPolicy, Option<TrustPolicy>), ApiError> {
    let Value::Object(mut request) = parse_json(body)? else {
        return Err(ApiError::invalid("the request must be a JSON object"));
    };
    if let Some(unknown) = request
        .keys()
        .find(|key| !kind.names.contains(&key.as_str()) && key.as_str() != "options")
    {
        return Err(ApiError::invalid(format!(
            "unknown member `{}`: the request has `{}` (or `{}`) and `options`",
            excerpt(unknown),
            kind.names[0],
            kind.names[1]
        )));
    }
    let mut inputs = kind.names.iter().filter_map(|name| request.remove(*name));
    let (Some(input), None) = (inputs.next(), inputs.next()) else {
        return Err(ApiError::invalid(format!(
            "the request needs exactly one of `{}` and `{}`",
            kind.names[0], kind.names[1]
        )));
    };
    let Value::String(input) = input else {
        return Err(ApiError::invalid(
            "the credential must be a string: a compact SD-JWT VC, SD-JWT+KB or vc+jwt",
        ));
    };
    let options: Options = match request.remove("options") {
        None | Some(Value::Null) => Options::default(),
        Some(options) => serde_json::from_value(options).map_err(|error| {
            ApiError::invalid(format!("bad `options`: {}", excerpt(&error.to_string())))
        })?,
    };
    let policy = options.policy(kind)?;
    Ok((input.trim().to_owned(), policy, options.trust_policy))
}

async fn verify(state: &VerifyState, body: &[u8], kind: Kind) -> Response {
    let (input, policy, trust_policy) = match read_request(body, kind) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let trust_policy =
        trust_policy.or_else(|| state.default_policy.as_ref().and_then(|source| source()));
    let verifier = state.verifier.as_ref();
    match verifier.verify(&input, &policy).await {
        Ok(report) => {
            let decision = trust_policy
                .as_ref()
                .and_then(|trust_policy| verifier.trust.as_ref()?.decide(trust_policy, &report));
            let accepted = decision
                .as_ref()
                .is_none_or(|decision| *decision == TrustDecision::Accepted);
            let status = if report.verified && accepted {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let codes = report.errors.iter().map(|error| error.code).collect();
            let mut body = serde_json::to_value(&report).unwrap_or(Value::Null);
            if let (Some(decision), Value::Object(members)) = (decision, &mut body) {
                members.insert(
                    "trust_decision".into(),
                    serde_json::to_value(decision).unwrap_or(Value::Null),
                );
            }
            let mut response = (status, axum::Json(body)).into_response();
            response
                .extensions_mut()
                .insert(crate::metrics::VerificationErrors(codes));
            response
        }
        Err(error) => ApiError::invalid(error.to_string()).into_response(),
    }
}

/// `POST /credentials/verify`.
#[utoipa::path(post, path = "/credentials/verify", tag = "verification",
    request_body(content = Object, description = "`{\"credential\" (or \"verifiableCredential\"): compact SD-JWT VC, SD-JWT+KB or vc+jwt, \"options\": {nonce|challenge, aud|domain, requireKeyBinding, trustedIssuers, requiredClaims, trustPolicy}}`"),
    responses((status = 200, description = "Verified: the verification report", body = Object),
        (status = 422, description = "Not verified: the verification report with its error codes", body = Object),
        (status = 400, description = "Not a verification request", body = crate::body::ErrorBody)))]
async fn credential(State(state): State<VerifyState>, body: Bytes) -> Response {
    verify(&state, &body, CREDENTIAL).await
}

/// `POST /presentations/verify`.
#[utoipa::path(post, path = "/presentations/verify", tag = "verification",
    request_body(content = Object, description = "`{\"presentation\" (or \"verifiablePresentation\"): compact SD-JWT VC, SD-JWT+KB or vc+jwt, \"options\": {nonce|challenge, aud|domain, requireKeyBinding, trustedIssuers, requiredClaims, trustPolicy}}`"),
    responses((status = 200, description = "Verified: the verification report", body = Object),
        (status = 422, description = "Not verified: the verification report with its error codes", body = Object),
        (status = 400, description = "Not a verification request", body = crate::body::ErrorBody)))]
async fn presentation(State(state): State<VerifyState>, body: Bytes) -> Response {
    verify(&state, &body, PRESENTATION).await
}
