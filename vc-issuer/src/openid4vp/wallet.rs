//! The wallet's side of OpenID4VP 1.0: check a request (a signed one against the verifier's
//! DID), evaluate its DCQL query against the credentials held, and answer with the minimal
//! disclosures, each bound to this verifier and this transaction.

use did_core::jose::Signer;
use did_core::resolution::Resolver;

use super::client_id::ClientId;
use super::dcql::{Candidate, Selection};
use super::error::Openid4vpError;
use super::request::{AuthorizationRequest, RequestUrl};
use super::request_object::verify_request_object;
use super::response::AuthorizationResponse;
use crate::sd_jwt::{ClaimPath, SdJwt, SdJwtError, select_disclosures};
use crate::sd_jwt_vc::{HolderCredential, KeyBindingRequest};

/// Checks the request `url` carries (§5): a request by value as parameters, or a Request
/// Object by value, or — with `fetched`, the body the wallet got from `request_uri` — by
/// reference. A `decentralized_identifier:` request must be a Request Object signed by a key
/// of that DID, resolved through `resolver`; a `redirect_uri:` request must not be (§5.9.3).
pub async fn check_request(
    url: &RequestUrl,
    fetched: Option<&str>,
    resolver: &dyn Resolver,
) -> Result<AuthorizationRequest, Openid4vpError> {
    let (client_id, request_object) = match url {
        RequestUrl::Parameters(parameters) => {
            let request = AuthorizationRequest::from_claims(parameters)?;
            if request.client_id().requires_signed_request() {
                return Err(Openid4vpError::invalid(
                    "a decentralized_identifier: request must be a signed Request Object (§5.9.3)",
                ));
            }
            return Ok(request);
        }
        RequestUrl::Object { client_id, request } => (client_id, request.as_str()),
        RequestUrl::Reference { client_id, .. } => (
            client_id,
            fetched.ok_or_else(|| {
                Openid4vpError::invalid(
                    "the request is passed by reference: fetch `request_uri` and pass its body",
                )
            })?,
        ),
    };
    let client_id = ClientId::parse(client_id)?;
    let claims = verify_request_object(request_object.trim(), &client_id, resolver).await?;
    AuthorizationRequest::from_claims(&claims)
}

/// A credential the wallet holds, with the signer of its holder key.
#[derive(Clone, Copy)]
pub struct Holding<'a> {
    /// The credential, every disclosure included.
    pub credential: &'a HolderCredential,
    /// The signer of the credential's holder key (`cnf.jwk`), with the algorithm
    /// [`ClientMetadata::kb_jwt_algorithm`](super::ClientMetadata::kb_jwt_algorithm) chose.
    pub signer: &'a dyn Signer,
}

impl std::fmt::Debug for Holding<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holding")
            .field("vct", &self.credential.vct())
            .field("algorithm", &self.signer.algorithm())
            .finish_non_exhaustive()
    }
}

/// Evaluates the request's DCQL query against `held` (§6.4): which credentials answer, and
/// exactly which claims to disclose of each — what the wallet shows the person before they
/// consent.
pub fn select(
    request: &AuthorizationRequest,
    held: &[Holding<'_>],
) -> Result<Selection, Openid4vpError> {
    let claims = held
        .iter()
        .map(|holding| holding.credential.claims())
        .collect::<Result<Vec<_>, _>>()?;
    let candidates: Vec<Candidate<'_>> = held
        .iter()
        .zip(&claims)
        .map(|(holding, claims)| Candidate::sd_jwt_vc(holding.credential.vct(), claims))
        .collect();
    Ok(request.dcql_query().select(&candidates)?)
}

/// The Authorization Response for `selection` (§8.1, §B.3.6): for each selected credential an
/// SD-JWT+KB disclosing the selected claims and nothing else, its key binding JWT with `aud`
/// the whole `client_id` (prefix included) and `nonce` the request's, signed at `issued_at`
/// with an algorithm the verifier lists in `kb-jwt_alg_values`; keyed by Credential Query id,
/// with the request's `state`.
pub fn respond(
    request: &AuthorizationRequest,
    held: &[Holding<'_>],
    selection: &Selection,
    issued_at: u64,
) -> Result<AuthorizationResponse, Openid4vpError> {
    let binding =
        KeyBindingRequest::new(request.client_id().to_string(), request.nonce(), issued_at);
    let mut vp_token: Vec<(String, Vec<String>)> = Vec::new();
    for selected in &selection.credentials {
        let holding = held.get(selected.candidate).ok_or_else(|| {
            Openid4vpError::invalid("the selection names a credential the wallet does not hold")
        })?;
        let algorithm = holding.signer.algorithm();
        if !request
            .client_metadata()
            .accepts_kb_jwt_algorithm(algorithm)
        {
            return Err(Openid4vpError::NoCommonAlgorithm {
                accepted: request
                    .client_metadata()
                    .kb_jwt_alg_values()
                    .unwrap_or_default()
                    .join(", "),
            });
        }
        let paths = disclosable(holding.credential, &selected.paths)?;
        let presentation =
            holding
                .credential
                .present_with_key_binding(&paths, &binding, holding.signer)?;
        match vp_token.iter_mut().find(|(id, _)| *id == selected.query_id) {
            Some((_, presentations)) => presentations.push(presentation),
            None => vp_token.push((selected.query_id.clone(), vec![presentation])),
        }
    }
    Ok(AuthorizationResponse {
        vp_token,
        state: request.state().map(str::to_owned),
    })
}

/// The paths among `paths` that need a disclosure: a claim the issuer made always visible
/// (`vct`, `iss`, …) travels in the issuer-signed JWT anyway.
fn disclosable(
    credential: &HolderCredential,
    paths: &[ClaimPath],
) -> Result<Vec<ClaimPath>, Openid4vpError> {
    let issued = SdJwt::parse(&credential.to_compact()).map_err(crate::error::Error::from)?;
    let mut needed = Vec::with_capacity(paths.len());
    for path in paths {
        match select_disclosures(
            credential.payload(),
            issued.disclosures(),
            std::slice::from_ref(path),
        ) {
            Ok(_) => needed.push(path.clone()),
            Err(SdJwtError::NothingToDisclose { .. }) => {}
            Err(error) => return Err(crate::error::Error::from(error).into()),
        }
    }
    Ok(needed)
}
