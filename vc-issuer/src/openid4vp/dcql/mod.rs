//! The Digital Credentials Query Language (OpenID4VP 1.0 §6): the query model, its strict
//! parsing, and its evaluation — by the wallet against the credentials it holds
//! ([`DcqlQuery::select`]), and by the verifier against what was presented
//! ([`DcqlQuery::check_presented`]).
//!
//! Parsing ignores unknown members, as §6 requires ("Implementations MUST ignore any unknown
//! properties"), and refuses everything else the section forbids: empty arrays, identifiers
//! outside `[A-Za-z0-9_-]`, duplicate identifiers, `claim_sets` without `claims` or naming
//! unknown claims, `credential_sets` naming unknown credentials, `values` that are not
//! strings, integers or booleans. Every collection is bounded.
//!
//! ```
//! use serde_json::json;
//! use vc_issuer::openid4vp::dcql::{Candidate, DcqlQuery};
//!
//! let query = DcqlQuery::from_json(&json!({
//!     "credentials": [{
//!         "id": "avatar_link",
//!         "format": "dc+sd-jwt",
//!         "meta": {"vct_values": ["urn:avid:avatar-link:1"]},
//!         "claims": [
//!             {"path": ["avatars", null, "platform"], "values": ["resonite"]},
//!             {"path": ["age_over_18"]}
//!         ]
//!     }]
//! }))?;
//! let serde_json::Value::Object(claims) = json!({
//!     "vct": "urn:avid:avatar-link:1",
//!     "avatars": [{"platform": "vrchat"}, {"platform": "resonite"}],
//!     "age_over_18": true,
//!     "name": "Alice"
//! }) else { unreachable!() };
//! let held = [Candidate::sd_jwt_vc(Some("urn:avid:avatar-link:1"), &claims)];
//! let selection = query.select(&held)?;
//! let paths: Vec<String> = selection.credentials[0].paths.iter().map(|p| p.to_string()).collect();
//! // Only the avatar of the platform asked for, and nothing the verifier did not ask for.
//! assert_eq!(paths, ["/avatars/1/platform", "/age_over_18"]);
//! # Ok::<(), vc_issuer::openid4vp::dcql::DcqlError>(())
//! ```

mod path;
mod select;

use std::collections::HashSet;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::sd_jwt::MAX_DEPTH;

pub use path::{PathComponent, Selected, process_path};
pub use select::{Candidate, CheckedCredential, SelectedCredential, Selection};

/// The Credential Format Identifier of an SD-JWT VC (OpenID4VP 1.0 §B.3.1).
pub const SD_JWT_VC_FORMAT: &str = "dc+sd-jwt";

/// Most Credential Queries in one DCQL query.
pub const MAX_CREDENTIAL_QUERIES: usize = 32;
/// Most Claims Queries in one Credential Query.
pub const MAX_CLAIM_QUERIES: usize = 64;
/// Most entries of any other array of a query: `vct_values`, `values`, `claim_sets` and their
/// members, `credential_sets` and their options.
pub const MAX_ARRAY_LEN: usize = 64;
/// Longest identifier or string value, in bytes.
pub const MAX_STRING_LEN: usize = 512;

/// Why a DCQL query is refused, or why it cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DcqlError {
    /// The query is not the JSON shape of OpenID4VP 1.0 §6.
    #[error("the DCQL query is malformed: {reason}")]
    Malformed {
        /// What is wrong, with the section that says so.
        reason: String,
    },
    /// The query exceeds one of this implementation's bounds.
    #[error("the DCQL query is too large: {what} exceeds {max}")]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// The bound.
        max: usize,
    },
    /// The held credentials cannot satisfy the query (§6.4.2: then nothing is returned).
    #[error("no held credential satisfies the DCQL query: {reason}")]
    Unsatisfiable {
        /// Which query or set could not be satisfied.
        reason: String,
    },
}

fn malformed(reason: impl Into<String>) -> DcqlError {
    DcqlError::Malformed {
        reason: reason.into(),
    }
}

/// A DCQL query (OpenID4VP 1.0 §6): the credentials asked for and, optionally, which
/// combinations of them satisfy the verifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DcqlQuery {
    /// `credentials`: the Credential Queries, at least one.
    pub credentials: Vec<CredentialQuery>,
    /// `credential_sets`: constraints on which credentials to return (§6.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_sets: Option<Vec<CredentialSetQuery>>,
}

/// A Credential Query (§6.1): one credential of a format and type, and the claims wanted from
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialQuery {
    /// `id`: names the credential in the response's `vp_token`.
    pub id: String,
    /// `format`: the Credential Format Identifier, e.g. `dc+sd-jwt`.
    pub format: String,
    /// `multiple`: whether several credentials may answer this query.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multiple: bool,
    /// `meta`: format-specific constraints; for `dc+sd-jwt`, `vct_values` (§B.3.5).
    pub meta: Map<String, Value>,
    /// `trusted_authorities` (§6.1.1), kept as given: avid's issuers are DIDs, which none of
    /// the defined types (`aki`, `etsi_tl`, `openid_federation`) identifies, and the
    /// verifier decides trust itself anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_authorities: Option<Vec<TrustedAuthoritiesQuery>>,
    /// `require_cryptographic_holder_binding`, `true` unless the verifier says otherwise.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub require_cryptographic_holder_binding: bool,
    /// `claims`: the claims wanted; absent means only what must always be presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<ClaimsQuery>>,
    /// `claim_sets`: alternative combinations of claim ids, the verifier's favourite first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_sets: Option<Vec<Vec<String>>>,
}

/// A Trusted Authorities Query (§6.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedAuthoritiesQuery {
    /// `type`, e.g. `aki` or `etsi_tl`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `values`, at least one.
    pub values: Vec<String>,
}

/// A Claims Query (§6.3): a claim by its claims path pointer, optionally restricted to some
/// values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsQuery {
    /// `id`, required when the Credential Query has `claim_sets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `path`: the claims path pointer (§7).
    pub path: Vec<PathComponent>,
    /// `values`: the claim is wanted only with one of these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<ClaimValue>>,
}

/// An expected claim value (§6.3): a string, an integer or a boolean, matched by type and
/// value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClaimValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A boolean.
    Bool(bool),
}

impl ClaimValue {
    /// Whether `value` is this value, of the same JSON type (§6.3: "the type and value of the
    /// claim both match exactly").
    pub fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::String(expected), Value::String(actual)) => expected == actual,
            (Self::Integer(expected), Value::Number(actual)) => actual.as_i64() == Some(*expected),
            (Self::Bool(expected), Value::Bool(actual)) => expected == actual,
            _ => false,
        }
    }
}

impl Serialize for ClaimValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(value) => serializer.serialize_str(value),
            Self::Integer(value) => serializer.serialize_i64(*value),
            Self::Bool(value) => serializer.serialize_bool(*value),
        }
    }
}

impl<'de> Deserialize<'de> for ClaimValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(value) => Ok(Self::String(value)),
            Value::Bool(value) => Ok(Self::Bool(value)),
            Value::Number(number) => number.as_i64().map(Self::Integer).ok_or_else(|| {
                serde::de::Error::custom("a DCQL `values` number must be an integer (§6.3)")
            }),
            _ => Err(serde::de::Error::custom(
                "DCQL `values` hold strings, integers or booleans (§6.3)",
            )),
        }
    }
}

/// A Credential Set Query (§6.2): alternative sets of credential ids, one of which must be
/// returned when `required`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSetQuery {
    /// `options`: each a non-empty list of Credential Query ids.
    pub options: Vec<Vec<String>>,
    /// `required`, `true` unless the verifier says otherwise.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl DcqlQuery {
    /// Reads and checks a DCQL query (§6).
    pub fn from_json(json: &Value) -> Result<Self, DcqlError> {
        let query = Self::deserialize(json).map_err(|error| {
            malformed(format!(
                "{} (OpenID4VP 1.0 §6)",
                did_core::excerpt::excerpt(&error.to_string())
            ))
        })?;
        query.validate()?;
        Ok(query)
    }

    /// The query as JSON, as it goes into `dcql_query`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The Credential Query `id`, if any.
    pub fn credential(&self, id: &str) -> Option<&CredentialQuery> {
        self.credentials.iter().find(|query| query.id == id)
    }

    /// Checks every rule of §6 that the JSON shape alone does not.
    pub fn validate(&self) -> Result<(), DcqlError> {
        bounded(
            "credentials",
            self.credentials.len(),
            MAX_CREDENTIAL_QUERIES,
        )?;
        if self.credentials.is_empty() {
            return Err(malformed("`credentials` must not be empty (§6)"));
        }
        let mut ids = HashSet::new();
        for credential in &self.credentials {
            credential.validate()?;
            // §6.1: "the same id MUST NOT be present more than once".
            if !ids.insert(credential.id.as_str()) {
                return Err(malformed(format!(
                    "the Credential Query id `{}` appears twice (§6.1)",
                    credential.id
                )));
            }
        }
        if let Some(sets) = &self.credential_sets {
            bounded("credential_sets", sets.len(), MAX_ARRAY_LEN)?;
            if sets.is_empty() {
                return Err(malformed(
                    "`credential_sets`, when present, must not be empty (§6)",
                ));
            }
            for set in sets {
                bounded("options", set.options.len(), MAX_ARRAY_LEN)?;
                if set.options.is_empty() {
                    return Err(malformed("a Credential Set Query needs `options` (§6.2)"));
                }
                for option in &set.options {
                    bounded("an option", option.len(), MAX_ARRAY_LEN)?;
                    if option.is_empty() {
                        return Err(malformed("an option of `credential_sets` is empty (§6.2)"));
                    }
                    if let Some(unknown) = option.iter().find(|id| !ids.contains(id.as_str())) {
                        return Err(malformed(format!(
                            "`credential_sets` names `{}`, which no Credential Query has (§6.2)",
                            did_core::excerpt::excerpt(unknown)
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

impl CredentialQuery {
    /// `meta.vct_values` of a `dc+sd-jwt` query (§B.3.5).
    pub fn vct_values(&self) -> Option<Vec<&str>> {
        self.meta
            .get("vct_values")?
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect()
    }

    fn validate(&self) -> Result<(), DcqlError> {
        check_id("Credential Query", &self.id)?;
        if self.format.is_empty() || self.format.len() > MAX_STRING_LEN {
            return Err(malformed(
                "`format` must be a Credential Format Identifier (§6.1)",
            ));
        }
        if self.format == SD_JWT_VC_FORMAT {
            // §B.3.5: `vct_values` is REQUIRED, a non-empty array of strings.
            let values = self.meta.get("vct_values").and_then(Value::as_array);
            let valid = values.is_some_and(|values| {
                !values.is_empty()
                    && values.len() <= MAX_ARRAY_LEN
                    && values
                        .iter()
                        .all(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            });
            if !valid {
                return Err(malformed(format!(
                    "the `dc+sd-jwt` query `{}` needs `meta.vct_values`, a non-empty array of strings (§B.3.5)",
                    self.id
                )));
            }
        }
        if let Some(authorities) = &self.trusted_authorities {
            bounded("trusted_authorities", authorities.len(), MAX_ARRAY_LEN)?;
            if authorities.is_empty()
                || authorities
                    .iter()
                    .any(|a| a.values.is_empty() || a.values.len() > MAX_ARRAY_LEN)
            {
                return Err(malformed(
                    "`trusted_authorities` and their `values` must not be empty (§6.1.1)",
                ));
            }
        }
        let mut claim_ids = HashSet::new();
        if let Some(claims) = &self.claims {
            bounded("claims", claims.len(), MAX_CLAIM_QUERIES)?;
            if claims.is_empty() {
                return Err(malformed(
                    "`claims`, when present, must not be empty (§6.1)",
                ));
            }
            for claim in claims {
                claim.validate()?;
                if let Some(id) = &claim.id {
                    // §6.3: "the same id MUST NOT be present more than once".
                    if !claim_ids.insert(id.as_str()) {
                        return Err(malformed(format!(
                            "the claim id `{id}` appears twice in `{}` (§6.3)",
                            self.id
                        )));
                    }
                }
            }
        }
        if let Some(sets) = &self.claim_sets {
            bounded("claim_sets", sets.len(), MAX_ARRAY_LEN)?;
            let Some(claims) = &self.claims else {
                return Err(malformed(
                    "`claim_sets` must not be present without `claims` (§6.4.1)",
                ));
            };
            if sets.is_empty() {
                return Err(malformed(
                    "`claim_sets`, when present, must not be empty (§6.1)",
                ));
            }
            if claims.iter().any(|claim| claim.id.is_none()) {
                return Err(malformed(
                    "with `claim_sets`, every Claims Query needs an `id` (§6.3)",
                ));
            }
            for set in sets {
                bounded("a claim set", set.len(), MAX_ARRAY_LEN)?;
                if set.is_empty() {
                    return Err(malformed("a claim set is empty (§6.1)"));
                }
                if let Some(unknown) = set.iter().find(|id| !claim_ids.contains(id.as_str())) {
                    return Err(malformed(format!(
                        "`claim_sets` names `{}`, which no Claims Query has (§6.1)",
                        did_core::excerpt::excerpt(unknown)
                    )));
                }
            }
        }
        Ok(())
    }
}

impl ClaimsQuery {
    /// A query for the claim at `path`, any value.
    pub fn new(path: Vec<PathComponent>) -> Self {
        Self {
            id: None,
            path,
            values: None,
        }
    }

    /// This query, wanting the claim only with one of `values`.
    pub fn with_values(mut self, values: Vec<ClaimValue>) -> Self {
        self.values = Some(values);
        self
    }

    fn validate(&self) -> Result<(), DcqlError> {
        if let Some(id) = &self.id {
            check_id("Claims Query", id)?;
        }
        bounded("a claims path pointer", self.path.len(), MAX_DEPTH)?;
        if self.path.is_empty() {
            return Err(malformed("a claims path pointer must not be empty (§7)"));
        }
        if let Some(values) = &self.values {
            bounded("values", values.len(), MAX_ARRAY_LEN)?;
            if values.is_empty() {
                return Err(malformed(
                    "`values`, when present, must not be empty (§6.3)",
                ));
            }
        }
        Ok(())
    }
}

/// §6.1, §6.3: "a non-empty string consisting of alphanumeric, underscore (_), or hyphen (-)
/// characters".
fn check_id(what: &str, id: &str) -> Result<(), DcqlError> {
    let valid = !id.is_empty()
        && id.len() <= MAX_STRING_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(malformed(format!(
            "the {what} id `{}` must be non-empty and use only letters, digits, `_` and `-` (§6.1, §6.3)",
            did_core::excerpt::excerpt(id)
        )))
    }
}

fn bounded(what: &'static str, len: usize, max: usize) -> Result<(), DcqlError> {
    if len > max {
        Err(DcqlError::TooLarge { what, max })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn query(json: Value) -> Result<DcqlQuery, DcqlError> {
        DcqlQuery::from_json(&json)
    }

    fn sd_jwt_query(extra: Value) -> Value {
        let mut credential = json!({
            "id": "c",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [crate::avatar::AVATAR_LINK_VCT]}
        });
        if let (Value::Object(credential), Value::Object(extra)) = (&mut credential, extra) {
            credential.extend(extra);
        }
        json!({"credentials": [credential]})
    }

    #[test]
    fn round_trips_and_applies_defaults() {
        let parsed = query(sd_jwt_query(json!({
            "claims": [{"path": ["avatars", null, "platform"], "values": ["B", 7, true]}],
            "unknown_member": {"ignored": true}
        })))
        .unwrap();
        let credential = &parsed.credentials[0];
        assert!(credential.require_cryptographic_holder_binding);
        assert!(!credential.multiple);
        assert_eq!(
            credential.claims.as_ref().unwrap()[0].values,
            Some(vec![
                ClaimValue::String("B".into()),
                ClaimValue::Integer(7),
                ClaimValue::Bool(true)
            ])
        );
        let back = DcqlQuery::from_json(&parsed.to_json()).unwrap();
        assert_eq!(back, parsed);
        assert!(
            parsed.to_json()["credentials"][0]
                .get("unknown_member")
                .is_none()
        );
    }

    #[test]
    fn rejects_empty_credentials() {
        assert!(matches!(
            query(json!({"credentials": []})),
            Err(DcqlError::Malformed { .. })
        ));
    }

    #[test]
    fn rejects_bad_and_duplicate_ids() {
        for id in ["", "a b", "ä", "a/b"] {
            let mut json = sd_jwt_query(json!({}));
            json["credentials"][0]["id"] = json!(id);
            assert!(query(json).is_err(), "{id:?}");
        }
        let mut json = sd_jwt_query(json!({}));
        let copy = json["credentials"][0].clone();
        json["credentials"].as_array_mut().unwrap().push(copy);
        assert!(query(json).is_err());
    }

    #[test]
    fn rejects_sd_jwt_query_without_vct_values() {
        for meta in [
            json!({}),
            json!({"vct_values": []}),
            json!({"vct_values": [1]}),
        ] {
            let mut json = sd_jwt_query(json!({}));
            json["credentials"][0]["meta"] = meta.clone();
            assert!(query(json).is_err(), "{meta}");
        }
        // Another format keeps its own `meta`.
        let mdoc = json!({"credentials": [{"id": "m", "format": "mso_mdoc",
            "meta": {"doctype_value": "org.iso.18013.5.1.mDL"}}]});
        assert!(query(mdoc).is_ok());
    }

    #[test]
    fn rejects_bad_paths_and_values() {
        for claims in [
            json!([{"path": []}]),
            json!([{"path": [-1]}]),
            json!([{"path": [1.5]}]),
            json!([{"path": [true]}]),
            json!([{"path": ["a"], "values": []}]),
            json!([{"path": ["a"], "values": [1.5]}]),
            json!([{"path": ["a"], "values": [{"x": 1}]}]),
            json!([]),
        ] {
            assert!(
                query(sd_jwt_query(json!({"claims": claims}))).is_err(),
                "{claims}"
            );
        }
    }

    #[test]
    fn rejects_claim_sets_without_claims_or_ids() {
        for extra in [
            json!({"claim_sets": [["a"]]}),
            json!({"claims": [{"path": ["x"]}], "claim_sets": [["a"]]}),
            json!({"claims": [{"id": "a", "path": ["x"]}], "claim_sets": [["b"]]}),
            json!({"claims": [{"id": "a", "path": ["x"]}], "claim_sets": [[]]}),
            json!({"claims": [{"id": "a", "path": ["x"]}, {"id": "a", "path": ["y"]}]}),
        ] {
            assert!(query(sd_jwt_query(extra.clone())).is_err(), "{extra}");
        }
    }

    #[test]
    fn rejects_credential_sets_naming_unknown_queries() {
        let mut json = sd_jwt_query(json!({}));
        json["credential_sets"] = json!([{"options": [["nope"]]}]);
        assert!(query(json.clone()).is_err());
        json["credential_sets"] = json!([{"options": [[]]}]);
        assert!(query(json.clone()).is_err());
        json["credential_sets"] = json!([{"options": [["c"]], "required": false}]);
        assert!(!query(json).unwrap().credential_sets.unwrap()[0].required);
    }

    #[test]
    fn rejects_oversized_queries() {
        let claims: Vec<Value> = (0..=MAX_CLAIM_QUERIES)
            .map(|i| json!({"path": [format!("c{i}")]}))
            .collect();
        assert!(matches!(
            query(sd_jwt_query(json!({"claims": claims}))),
            Err(DcqlError::TooLarge { what: "claims", .. })
        ));
        let path: Vec<Value> = (0..=MAX_DEPTH).map(|_| json!("a")).collect();
        assert!(matches!(
            query(sd_jwt_query(json!({"claims": [{"path": path}]}))),
            Err(DcqlError::TooLarge { .. })
        ));
    }

    #[test]
    fn values_match_by_type_and_value() {
        assert!(ClaimValue::Integer(18).matches(&json!(18)));
        assert!(!ClaimValue::Integer(18).matches(&json!("18")));
        assert!(!ClaimValue::String("true".into()).matches(&json!(true)));
        assert!(ClaimValue::Bool(true).matches(&json!(true)));
        assert!(!ClaimValue::Integer(18).matches(&json!(18.5)));
    }
}
