//! Request Objects (RFC 9101, OpenID4VP 1.0 §5): the verifier signs its request with a key of
//! its DID (`decentralized_identifier:`, §5.9.3), and the wallet verifies that signature
//! against the DID document before it reads a single parameter.

use did_core::did::DidUrl;
use did_core::document::RelationshipKind;
use did_core::excerpt::excerpt;
use did_core::jose::{
    AlgorithmPolicy, Signer, decode_compact, header_has_typ, parse_json_object, sign_compact,
};
use did_core::resolution::{Resolver, verification_key};
use serde_json::{Map, Value};

use super::client_id::ClientId;
use super::error::Openid4vpError;
use super::request::{AuthorizationRequest, wallet_url};

/// The `typ` of a Request Object (RFC 9101 §10.8; OpenID4VP 1.0 §5: "Wallets MUST NOT process
/// Request Objects where the typ Header Parameter is not present or does not have the value
/// oauth-authz-req+jwt").
pub const REQUEST_OBJECT_TYP: &str = "oauth-authz-req+jwt";

/// The media type a `request_uri` answers with (§5.10.1).
pub const REQUEST_OBJECT_MEDIA_TYPE: &str = "application/oauth-authz-req+jwt";

/// The `aud` of a Request Object when the wallet is not known beforehand (§5.8: "Static
/// Discovery metadata").
pub const SELF_ISSUED_AUDIENCE: &str = "https://self-issued.me/v2";

/// Longest Request Object read, in bytes.
pub const MAX_REQUEST_OBJECT_LEN: usize = 256 << 10;

/// An Authorization Request signed as a Request Object by the verifier's DID key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    client_id: String,
    jwt: String,
}

impl SignedRequest {
    /// The Request Object, compact JWS: what a `request_uri` serves with the media type
    /// [`REQUEST_OBJECT_MEDIA_TYPE`].
    pub fn request_object(&self) -> &str {
        &self.jwt
    }

    /// `openid4vp://?client_id=…&request=…`: the Request Object by value (RFC 9101 §5.1).
    pub fn to_url(&self) -> String {
        self.url("request", &self.jwt)
    }

    /// `openid4vp://?client_id=…&request_uri=…`: the Request Object by reference (RFC 9101
    /// §5.2), for a QR code that stays small (§5.6).
    pub fn to_url_by_reference(&self, request_uri: &str) -> String {
        self.url("request_uri", request_uri)
    }

    fn url(&self, name: &str, value: &str) -> String {
        let mut url = wallet_url();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair(name, value);
        url.into()
    }
}

impl AuthorizationRequest {
    /// Signs this request as a Request Object (§5.9.3, RFC 9101 §4): header `typ:
    /// oauth-authz-req+jwt` and `kid` naming the verification method of the verifier's DID,
    /// payload the request's parameters with `aud` ([`SELF_ISSUED_AUDIENCE`], §5.8) and `iat`.
    /// Only a `decentralized_identifier:` client signs, with a key of that very DID; a
    /// `redirect_uri:` request "cannot be signed" (§5.9.3).
    pub fn sign(
        &self,
        signer: &dyn Signer,
        kid: &DidUrl,
        issued_at: u64,
    ) -> Result<SignedRequest, Openid4vpError> {
        let ClientId::DecentralizedIdentifier(did) = self.client_id() else {
            return Err(Openid4vpError::invalid(
                "a redirect_uri: request cannot be signed (§5.9.3)",
            ));
        };
        if kid.did() != did || kid.fragment().is_none_or(str::is_empty) {
            return Err(Openid4vpError::RequestObjectKey {
                reason: format!(
                    "the kid `{kid}` must name a verification method of the client's own DID `{did}`"
                ),
            });
        }
        let mut header = Map::new();
        header.insert("typ".into(), REQUEST_OBJECT_TYP.into());
        header.insert("kid".into(), kid.to_string().into());
        let mut claims = self.to_claims();
        claims.insert("aud".into(), SELF_ISSUED_AUDIENCE.into());
        claims.insert("iat".into(), issued_at.into());
        let payload = serde_json::to_vec(&claims)
            .map_err(|_| Openid4vpError::invalid("the request does not serialize"))?;
        let jwt = sign_compact(&header, &payload, signer)?;
        Ok(SignedRequest {
            client_id: self.client_id().to_string(),
            jwt,
        })
    }
}

/// Verifies a Request Object of the `decentralized_identifier:` client `client_id` and returns
/// its claims (§5.9.3, §5.10.1): `typ` must be `oauth-authz-req+jwt`, `kid` a DID URL of the
/// client's DID, the DID is resolved and the key must be one the document authorizes to speak
/// for the DID subject, under `authentication` or `assertionMethod` (§5.9.3 only says "from
/// the verificationMethod property"; DID Core §5.3 says a key is usable only through a
/// relationship, and a `keyAgreement` key must not sign), the signature must verify with it,
/// and the Request Object's `client_id` must be identical to the parameter's (§5.10.1).
pub(crate) async fn verify_request_object(
    jwt: &str,
    client_id: &ClientId,
    resolver: &dyn Resolver,
) -> Result<Map<String, Value>, Openid4vpError> {
    let ClientId::DecentralizedIdentifier(did) = client_id else {
        return Err(Openid4vpError::invalid(
            "a redirect_uri: request cannot be signed, so it cannot come as a Request Object (§5.9.3)",
        ));
    };
    if jwt.len() > MAX_REQUEST_OBJECT_LEN {
        return Err(Openid4vpError::invalid(format!(
            "the Request Object is over {MAX_REQUEST_OBJECT_LEN} bytes"
        )));
    }
    let jws = decode_compact(jwt, &AlgorithmPolicy::default()).map_err(|error| {
        Openid4vpError::invalid(format!("the Request Object is not a JWS: {error}"))
    })?;
    let header = jws.header();
    // §5: checked before anything else is processed.
    if !header_has_typ(header, REQUEST_OBJECT_TYP) {
        return Err(Openid4vpError::RequestObjectType {
            typ: match header.get("typ") {
                Some(Value::String(typ)) => format!("`{}`", excerpt(typ)),
                Some(_) => "(not a string)".into(),
                None => "(none)".into(),
            },
        });
    }
    let key_error = |reason: String| Openid4vpError::RequestObjectKey { reason };
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| key_error("the header has no `kid` naming the key (§5.9.3)".into()))?;
    let url = did
        .resolve_reference(kid)
        .map_err(|_| key_error(format!("`kid` `{}` is not a DID URL", excerpt(kid))))?;
    if url.did() != did {
        return Err(key_error(format!(
            "`kid` `{}` is a key of another DID than the client `{did}`",
            excerpt(kid)
        )));
    }
    // §5.9.3 says only "from the verificationMethod property"; DID Core §5.3 makes a key usable
    // through a relationship, and a `keyAgreement` key must not sign.
    let key = verification_key(
        resolver,
        &url,
        &[
            RelationshipKind::Authentication,
            RelationshipKind::AssertionMethod,
        ],
    )
    .await
    .map_err(|error| key_error(error.to_string()))?;
    let verified = jws
        .verify(&key)
        .map_err(|_| Openid4vpError::RequestObjectSignature)?;
    let claims = parse_json_object(&verified.payload).map_err(|error| {
        Openid4vpError::invalid(format!(
            "the Request Object's payload is not a JSON object: {error}"
        ))
    })?;
    // §5.10.1: "MUST be identical, including the Client Identifier Prefix".
    if claims.get("client_id").and_then(Value::as_str) != Some(client_id.to_string().as_str()) {
        return Err(Openid4vpError::invalid(
            "the Request Object's `client_id` differs from the `client_id` parameter (§5.10.1)",
        ));
    }
    Ok(claims)
}
