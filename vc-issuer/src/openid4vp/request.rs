//! The Authorization Request (OpenID4VP 1.0 §5): its typed model, the verifier's builder, its
//! parameters and the `openid4vp://` URLs that carry it by value or by reference (§5.10,
//! RFC 9101 §5), and the wallet's reading of such a URL.

use did_core::excerpt::excerpt;
use did_core::jose::Algorithm;
use did_core::key::PublicKey;
use rand::RngCore;
use rand::rngs::OsRng;
use serde_json::{Map, Value, json};
use url::Url;

use super::client_id::{ClientId, verifier_url};
use super::dcql::{DcqlQuery, SD_JWT_VC_FORMAT};
use super::error::Openid4vpError;

/// `response_type=vp_token` (§5.4).
pub const RESPONSE_TYPE: &str = "vp_token";
/// `response_mode=direct_post` (§8.2).
pub const RESPONSE_MODE: &str = "direct_post";
/// The wallet invocation scheme (§13.1.2, the static configuration bound to `openid4vp://`).
pub const OPENID4VP_SCHEME: &str = "openid4vp";
/// Longest Authorization Request URL read, in bytes.
pub const MAX_REQUEST_URL_LEN: usize = 64 << 10;

/// The verifier metadata sent in `client_metadata` (§5.1, §11): the formats and algorithms it
/// accepts. Other members are ignored, as §5.1 requires of the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadata {
    /// `vp_formats_supported` (§11.1): Credential Format Identifier → format parameters.
    pub vp_formats_supported: Map<String, Value>,
}

impl ClientMetadata {
    /// Metadata accepting SD-JWT VCs whose issuer JWT is signed with one of `sd_jwt_algs` and
    /// whose key binding JWT is signed with one of `kb_jwt_algs` (§B.3.4; fully-specified
    /// names, so `Ed25519` rather than `EdDSA`).
    pub fn sd_jwt_vc(sd_jwt_algs: &[Algorithm], kb_jwt_algs: &[Algorithm]) -> Self {
        let names = |algs: &[Algorithm]| algs.iter().map(|a| a.name()).collect::<Vec<_>>();
        let Value::Object(vp_formats_supported) = json!({
            SD_JWT_VC_FORMAT: {
                "sd-jwt_alg_values": names(sd_jwt_algs),
                "kb-jwt_alg_values": names(kb_jwt_algs),
            }
        }) else {
            unreachable!("a JSON object literal")
        };
        Self {
            vp_formats_supported,
        }
    }

    /// `kb-jwt_alg_values` for `dc+sd-jwt`, if the verifier lists them.
    pub fn kb_jwt_alg_values(&self) -> Option<Vec<&str>> {
        self.vp_formats_supported
            .get(SD_JWT_VC_FORMAT)?
            .get("kb-jwt_alg_values")?
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect()
    }

    /// The algorithm to sign a key binding JWT with `holder_key`: the first of the verifier's
    /// `kb-jwt_alg_values` that the key can sign with, or the key's preferred algorithm when
    /// the verifier lists none (§B.3.4).
    pub fn kb_jwt_algorithm(&self, holder_key: &PublicKey) -> Result<Algorithm, Openid4vpError> {
        let key_type = holder_key.key_type();
        match self.kb_jwt_alg_values() {
            None => Algorithm::preferred_for(key_type).ok_or(Openid4vpError::NoCommonAlgorithm {
                accepted: "(any)".into(),
            }),
            Some(values) => values
                .iter()
                .filter_map(|name| Algorithm::from_name(name))
                .find(|algorithm| algorithm.key_type() == key_type)
                .ok_or_else(|| Openid4vpError::NoCommonAlgorithm {
                    accepted: excerpt(&values.join(", ")),
                }),
        }
    }

    /// Whether a key binding JWT signed with `algorithm` is acceptable to the verifier.
    pub fn accepts_kb_jwt_algorithm(&self, algorithm: Algorithm) -> bool {
        self.kb_jwt_alg_values()
            .is_none_or(|values| values.contains(&algorithm.name()))
    }

    /// The metadata as JSON, as it goes into `client_metadata`.
    pub fn to_json(&self) -> Value {
        json!({"vp_formats_supported": self.vp_formats_supported})
    }

    /// Reads `client_metadata` (§5.1): `vp_formats_supported` is required — with the
    /// prefixes avid speaks, the request is the only source of the verifier's metadata
    /// (§5.9.3) — and for `dc+sd-jwt` its `*_alg_values` must be non-empty arrays of strings
    /// (§B.3.4). Other members are ignored.
    pub fn from_json(value: &Value) -> Result<Self, Openid4vpError> {
        let formats = value
            .get("vp_formats_supported")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                Openid4vpError::invalid(
                    "`client_metadata.vp_formats_supported` is required: this client's metadata comes only from the request (§5.1, §5.9.3, §11.1)",
                )
            })?;
        let metadata = Self {
            vp_formats_supported: formats.clone(),
        };
        if let Some(sd_jwt) = formats.get(SD_JWT_VC_FORMAT) {
            let well_formed = ["sd-jwt_alg_values", "kb-jwt_alg_values"]
                .iter()
                .all(|name| {
                    sd_jwt.get(name).is_none_or(|values| {
                        values.as_array().is_some_and(|values| {
                            !values.is_empty() && values.iter().all(Value::is_string)
                        })
                    })
                });
            if !sd_jwt.is_object() || !well_formed {
                return Err(Openid4vpError::invalid(
                    "`vp_formats_supported.dc+sd-jwt` must be an object whose `*_alg_values` are non-empty arrays of strings (§B.3.4)",
                ));
            }
        }
        Ok(metadata)
    }
}

impl Default for ClientMetadata {
    /// SD-JWT VCs signed and key-bound with `Ed25519` or `ES256`: what avid's keys sign with.
    fn default() -> Self {
        let algs = [Algorithm::Ed25519, Algorithm::Es256];
        Self::sd_jwt_vc(&algs, &algs)
    }
}

/// An Authorization Request for a VP Token (§5) over `direct_post` (§8.2), as the verifier
/// builds it and as the wallet reads it once checked: every value here passed the rules of
/// the specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    client_id: ClientId,
    response_uri: Url,
    nonce: String,
    state: Option<String>,
    dcql_query: DcqlQuery,
    client_metadata: ClientMetadata,
}

impl AuthorizationRequest {
    /// A builder of a request from `client_id` asking `dcql_query`, answered at
    /// `response_uri`.
    pub fn builder(
        client_id: ClientId,
        response_uri: &str,
        dcql_query: DcqlQuery,
    ) -> RequestBuilder {
        RequestBuilder {
            client_id,
            response_uri: response_uri.to_owned(),
            dcql_query,
            nonce: None,
            state: None,
            client_metadata: ClientMetadata::default(),
        }
    }

    /// The Client Identifier, prefix included.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// `response_uri`: where the wallet posts the response.
    pub fn response_uri(&self) -> &str {
        self.response_uri.as_str()
    }

    /// `nonce`: what the key binding JWTs must carry.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// `state`: what the response must carry back.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// `dcql_query`.
    pub fn dcql_query(&self) -> &DcqlQuery {
        &self.dcql_query
    }

    /// `client_metadata`.
    pub fn client_metadata(&self) -> &ClientMetadata {
        &self.client_metadata
    }

    /// The request's parameters as JSON members: the claims of a Request Object (RFC 9101
    /// §4), `dcql_query` and `client_metadata` as objects.
    pub fn to_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("response_type".into(), RESPONSE_TYPE.into());
        claims.insert("client_id".into(), self.client_id.to_string().into());
        claims.insert("response_mode".into(), RESPONSE_MODE.into());
        claims.insert("response_uri".into(), self.response_uri.as_str().into());
        claims.insert("nonce".into(), self.nonce.clone().into());
        if let Some(state) = &self.state {
            claims.insert("state".into(), state.clone().into());
        }
        claims.insert("dcql_query".into(), self.dcql_query.to_json());
        claims.insert("client_metadata".into(), self.client_metadata.to_json());
        claims
    }

    /// The request passed by value as URL parameters (§5.3 "Passing as URL with encoded
    /// parameters"): `openid4vp://?response_type=vp_token&client_id=redirect_uri%3A…`, objects
    /// as JSON strings (§5.1). Only for a client whose requests are unsigned: a
    /// `decentralized_identifier:` request must go as a signed Request Object
    /// ([`sign`](Self::sign)).
    pub fn to_url(&self) -> Result<String, Openid4vpError> {
        if self.client_id.requires_signed_request() {
            return Err(Openid4vpError::invalid(
                "a decentralized_identifier: request must be signed; send it as a Request Object (§5.9.3)",
            ));
        }
        let mut url = wallet_url();
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in self.to_claims() {
                match value {
                    Value::String(text) => query.append_pair(&name, &text),
                    other => query.append_pair(&name, &other.to_string()),
                };
            }
        }
        Ok(url.into())
    }

    /// Reads and checks request parameters (§5), from URL parameters or a Request Object's
    /// claims: `response_type=vp_token`, `response_mode=direct_post` with a `response_uri`
    /// and no `redirect_uri` (§8.2), a `nonce` (§5.2), a `dcql_query` and no `scope` (§5.1),
    /// `client_metadata.vp_formats_supported`, no `transaction_data` (which avid does not
    /// support, so §5.1 says to reject it), and for `redirect_uri:` a `response_uri` equal
    /// to the Client Identifier (§5.9.3). Unknown parameters are ignored (§5.1).
    pub(crate) fn from_claims(claims: &Map<String, Value>) -> Result<Self, Openid4vpError> {
        let text = |name: &str| -> Result<Option<&str>, Openid4vpError> {
            match claims.get(name) {
                None => Ok(None),
                Some(Value::String(text)) => Ok(Some(text)),
                Some(_) => Err(Openid4vpError::invalid(format!(
                    "`{name}` must be a string"
                ))),
            }
        };
        let required = |name: &str, section: &str| -> Result<&str, Openid4vpError> {
            text(name)?
                .ok_or_else(|| Openid4vpError::invalid(format!("`{name}` is required ({section})")))
        };
        let client_id = ClientId::parse(required("client_id", "§5.2")?)?;
        let response_type = required("response_type", "RFC 6749 §4.1.1")?;
        if response_type != RESPONSE_TYPE {
            return Err(Openid4vpError::invalid(format!(
                "`response_type` is `{}`; avid answers only `vp_token` (§5.4)",
                excerpt(response_type)
            )));
        }
        let response_mode = required("response_mode", "§5.2")?;
        if response_mode != RESPONSE_MODE {
            return Err(Openid4vpError::invalid(format!(
                "`response_mode` is `{}`; avid answers only `direct_post` (§8.2)",
                excerpt(response_mode)
            )));
        }
        if claims.contains_key("redirect_uri") {
            return Err(Openid4vpError::invalid(
                "`redirect_uri` must not be present with `response_mode=direct_post` (§8.2)",
            ));
        }
        let response_uri = verifier_url(required("response_uri", "§8.2")?).map_err(|reason| {
            Openid4vpError::invalid(format!("`response_uri`: {reason} (§8.2)"))
        })?;
        if let ClientId::RedirectUri(uri) = &client_id
            && uri != &response_uri
        {
            return Err(Openid4vpError::invalid(
                "the `redirect_uri:` Client Identifier must be the `response_uri` itself (§5.9.3, §8.2)",
            ));
        }
        let nonce = required("nonce", "§5.2")?;
        check_url_safe("nonce", nonce)?;
        let state = text("state")?;
        if let Some(state) = state {
            check_url_safe("state", state)?;
        }
        if claims.contains_key("transaction_data") {
            return Err(Openid4vpError::invalid(
                "`transaction_data` is not supported, so the request is rejected (§5.1)",
            ));
        }
        if claims.contains_key("scope") {
            return Err(Openid4vpError::invalid(
                "`scope` is not supported; send a `dcql_query` (§5.1, §5.5)",
            ));
        }
        let dcql_query = DcqlQuery::from_json(
            claims
                .get("dcql_query")
                .ok_or_else(|| Openid4vpError::invalid("`dcql_query` is required (§5.1)"))?,
        )?;
        let client_metadata = ClientMetadata::from_json(
            claims
                .get("client_metadata")
                .ok_or_else(|| {
                    Openid4vpError::invalid(
                        "`client_metadata` is required: this client's metadata comes only from the request (§5.9.3)",
                    )
                })?,
        )?;
        Ok(Self {
            client_id,
            response_uri,
            nonce: nonce.to_owned(),
            state: state.map(str::to_owned),
            dcql_query,
            client_metadata,
        })
    }
}

/// Builds an [`AuthorizationRequest`]: a fresh random `nonce` and `state` unless given, and
/// the default [`ClientMetadata`].
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    client_id: ClientId,
    response_uri: String,
    dcql_query: DcqlQuery,
    nonce: Option<String>,
    state: Option<String>,
    client_metadata: ClientMetadata,
}

impl RequestBuilder {
    /// Uses `nonce` instead of a fresh one: for tests and vectors only, since §5.2 wants "a
    /// fresh, cryptographically random number" for every request.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Uses `state` instead of a fresh one.
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Sends `client_metadata` instead of the default.
    pub fn client_metadata(mut self, client_metadata: ClientMetadata) -> Self {
        self.client_metadata = client_metadata;
        self
    }

    /// The request, checked by the same rules a wallet applies.
    pub fn build(self) -> Result<AuthorizationRequest, Openid4vpError> {
        let mut claims = Map::new();
        claims.insert("client_id".into(), self.client_id.to_string().into());
        claims.insert("response_type".into(), RESPONSE_TYPE.into());
        claims.insert("response_mode".into(), RESPONSE_MODE.into());
        claims.insert("response_uri".into(), self.response_uri.into());
        claims.insert(
            "nonce".into(),
            self.nonce.unwrap_or_else(random_token).into(),
        );
        claims.insert(
            "state".into(),
            self.state.unwrap_or_else(random_token).into(),
        );
        claims.insert("dcql_query".into(), self.dcql_query.to_json());
        claims.insert("client_metadata".into(), self.client_metadata.to_json());
        AuthorizationRequest::from_claims(&claims)
    }
}

/// 128 random bits, base64url: a `nonce` or `state` as §5.2 and §5.3 ask (fresh, at least
/// 128 bits of entropy, URL-safe characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    did_core::base64url::encode(&bytes)
}

/// §5.2: `nonce` and `state` "MUST only contain ASCII URL safe characters (uppercase and
/// lowercase letters, decimal digits, hyphen, period, underscore, and tilde)".
fn check_url_safe(name: &str, value: &str) -> Result<(), Openid4vpError> {
    let safe = !value.is_empty()
        && value.len() <= 512
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if safe {
        Ok(())
    } else {
        Err(Openid4vpError::invalid(format!(
            "`{name}` must be 1 to 512 ASCII URL-safe characters (§5.2)"
        )))
    }
}

/// `openid4vp://` with an empty query, ready for parameters.
pub(crate) fn wallet_url() -> Url {
    Url::parse(&format!("{OPENID4VP_SCHEME}://")).unwrap_or_else(|_| unreachable!("a valid URL"))
}

/// An Authorization Request URL as the wallet received it (scanned from a QR code, say),
/// before the request is checked (§5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestUrl {
    /// The request passed by value as URL parameters: objects still JSON strings.
    Parameters(Map<String, Value>),
    /// A Request Object passed by value (`request`, RFC 9101 §5.1).
    Object {
        /// The `client_id` parameter, which must equal the Request Object's (§5.10.1).
        client_id: String,
        /// The Request Object.
        request: String,
    },
    /// A Request Object passed by reference (`request_uri`, RFC 9101 §5.2): the wallet
    /// fetches it — an HTTP GET, since avid never asks for `request_uri_method=post` —
    /// and hands it to [`check_request`](super::check_request).
    Reference {
        /// The `client_id` parameter, which must equal the Request Object's (§5.10.1).
        client_id: String,
        /// Where to fetch the Request Object.
        request_uri: String,
    },
}

impl RequestUrl {
    /// Reads the query of an Authorization Request URL (`openid4vp://?…` or any wallet URL).
    /// Refused: an over-long URL, a repeated parameter (RFC 6749 §3.1), both `request` and
    /// `request_uri` (RFC 9101 §5), a `request` or `request_uri` without `client_id`
    /// (RFC 9101 §5), a `request_uri_method` other than `get` (avid does not do the POST of
    /// §5.10, and §5.1 allows falling back to GET), and parameters beside a Request Object
    /// other than `client_id` and `request_uri_method` — they would be ignored (§5.10.1), so
    /// the wallet must not show them.
    pub fn parse(url: &str) -> Result<Self, Openid4vpError> {
        if url.len() > MAX_REQUEST_URL_LEN {
            return Err(Openid4vpError::invalid(format!(
                "the request URL is over {MAX_REQUEST_URL_LEN} bytes"
            )));
        }
        let parsed =
            Url::parse(url).map_err(|_| Openid4vpError::invalid("the request is not a URL"))?;
        let mut parameters = Map::new();
        for (name, value) in parsed.query_pairs() {
            if parameters
                .insert(name.clone().into_owned(), Value::String(value.into_owned()))
                .is_some()
            {
                return Err(Openid4vpError::invalid(format!(
                    "the parameter `{}` appears twice (RFC 6749 §3.1)",
                    excerpt(&name)
                )));
            }
        }
        let request = parameters.remove("request");
        let request_uri = parameters.remove("request_uri");
        if request.is_none() && request_uri.is_none() {
            for name in ["dcql_query", "client_metadata"] {
                if let Some(Value::String(text)) = parameters.get(name) {
                    let value: Value = serde_json::from_str(text).map_err(|_| {
                        Openid4vpError::invalid(format!("`{name}` is not JSON (§5.1)"))
                    })?;
                    parameters.insert(name.to_owned(), value);
                }
            }
            return Ok(Self::Parameters(parameters));
        }
        let method = parameters.remove("request_uri_method");
        if let Some(method) = &method
            && (request_uri.is_none() || method != "get")
        {
            return Err(Openid4vpError::invalid(
                "`request_uri_method` must come with `request_uri`, and avid only fetches with `get` (§5.1)",
            ));
        }
        let Some(Value::String(client_id)) = parameters.remove("client_id") else {
            return Err(Openid4vpError::invalid(
                "a Request Object must come with the `client_id` parameter (RFC 9101 §5)",
            ));
        };
        if let Some(name) = parameters.keys().next() {
            return Err(Openid4vpError::invalid(format!(
                "the parameter `{}` is not allowed beside a Request Object; the Request Object alone holds the request (§5.10.1)",
                excerpt(name)
            )));
        }
        match (request, request_uri) {
            (Some(Value::String(request)), None) => Ok(Self::Object { client_id, request }),
            (None, Some(Value::String(request_uri))) => {
                verifier_url(&request_uri).map_err(|reason| {
                    Openid4vpError::invalid(format!("`request_uri`: {reason} (§5.10)"))
                })?;
                Ok(Self::Reference {
                    client_id,
                    request_uri,
                })
            }
            _ => Err(Openid4vpError::invalid(
                "`request` and `request_uri` must not both be present (RFC 9101 §5)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> DcqlQuery {
        DcqlQuery::from_json(&json!({"credentials": [{
            "id": "link", "format": "dc+sd-jwt",
            "meta": {"vct_values": [crate::avatar::AVATAR_LINK_VCT]},
            "claims": [{"path": ["age_over_18"]}]
        }]}))
        .unwrap()
    }

    const RESPONSE_URI: &str = "https://world.example/login/responses";

    fn request() -> AuthorizationRequest {
        AuthorizationRequest::builder(
            ClientId::redirect_uri(RESPONSE_URI).unwrap(),
            RESPONSE_URI,
            query(),
        )
        .build()
        .unwrap()
    }

    #[test]
    fn builds_fresh_nonce_and_state() {
        let (a, b) = (request(), request());
        assert_ne!(a.nonce(), b.nonce());
        assert_ne!(a.state(), b.state());
        assert_eq!(a.nonce().len(), 22);
    }

    #[test]
    fn url_round_trips_by_value() {
        let request = request();
        let url = request.to_url().unwrap();
        assert!(url.starts_with(
            "openid4vp://?response_type=vp_token&client_id=redirect_uri%3Ahttps%3A%2F%2F"
        ));
        let RequestUrl::Parameters(parameters) = RequestUrl::parse(&url).unwrap() else {
            panic!("by value")
        };
        assert_eq!(
            AuthorizationRequest::from_claims(&parameters).unwrap(),
            request
        );
    }

    #[test]
    fn rejects_redirect_uri_client_whose_response_uri_differs() {
        let built = AuthorizationRequest::builder(
            ClientId::redirect_uri(RESPONSE_URI).unwrap(),
            "https://attacker.example/collect",
            query(),
        )
        .build();
        assert!(matches!(built, Err(Openid4vpError::InvalidRequest { .. })));
    }

    #[test]
    fn rejects_requests_breaking_the_parameter_rules() {
        let good = request().to_claims();
        let cases: [(&str, Option<Value>); 9] = [
            ("response_type", Some("vp_token id_token".into())),
            ("response_type", None),
            ("response_mode", Some("fragment".into())),
            ("nonce", None),
            ("nonce", Some("has space".into())),
            ("redirect_uri", Some(RESPONSE_URI.into())),
            ("transaction_data", Some(json!(["e30"]))),
            ("dcql_query", None),
            ("client_metadata", Some(json!({}))),
        ];
        for (name, value) in cases {
            let mut claims = good.clone();
            match &value {
                Some(value) => claims.insert(name.into(), value.clone()),
                None => claims.remove(name),
            };
            assert!(
                matches!(
                    AuthorizationRequest::from_claims(&claims),
                    Err(Openid4vpError::InvalidRequest { .. })
                ),
                "{name}: {value:?}"
            );
        }
    }

    #[test]
    fn chooses_the_first_kb_algorithm_the_holder_key_signs() {
        let p256 = did_core::key::SecretKey::generate(did_core::key::KeyType::P256).public_key();
        let ed = did_core::key::SecretKey::generate(did_core::key::KeyType::Ed25519).public_key();
        let metadata =
            ClientMetadata::sd_jwt_vc(&[Algorithm::Es256], &[Algorithm::Es256, Algorithm::Ed25519]);
        assert_eq!(metadata.kb_jwt_algorithm(&p256).unwrap(), Algorithm::Es256);
        assert_eq!(metadata.kb_jwt_algorithm(&ed).unwrap(), Algorithm::Ed25519);
        let es256_only = ClientMetadata::sd_jwt_vc(&[Algorithm::Es256], &[Algorithm::Es256]);
        assert!(matches!(
            es256_only.kb_jwt_algorithm(&ed),
            Err(Openid4vpError::NoCommonAlgorithm { .. })
        ));
        assert!(!es256_only.accepts_kb_jwt_algorithm(Algorithm::Ed25519));
    }

    #[test]
    fn rejects_request_urls_mixing_request_objects_and_parameters() {
        for url in [
            "openid4vp://?client_id=x&request=a&request_uri=https%3A%2F%2Fw.example%2Fr",
            "openid4vp://?request_uri=https%3A%2F%2Fw.example%2Fr",
            "openid4vp://?client_id=x&request=a&nonce=n",
            "openid4vp://?client_id=x&client_id=y&request=a",
            "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fw.example%2Fr&request_uri_method=post",
            "openid4vp://?client_id=x&request_uri=http%3A%2F%2Fw.example%2Fr",
            "openid4vp://?client_id=x&request_uri=file%3A%2F%2F%2Fetc%2Fpasswd",
        ] {
            assert!(RequestUrl::parse(url).is_err(), "{url}");
        }
        assert_eq!(
            RequestUrl::parse("openid4vp://?client_id=x&request_uri=https%3A%2F%2Fw.example%2Fr")
                .unwrap(),
            RequestUrl::Reference {
                client_id: "x".into(),
                request_uri: "https://w.example/r".into()
            }
        );
    }
}
