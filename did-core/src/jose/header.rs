//! The JOSE Header of a JWS: strict JSON object parsing (no duplicate member names) and the
//! header rules of RFC 7515 §4.1 that do not depend on the key: `alg` present and allowed,
//! `crit` understood, no unencoded payload.
//!
//! Header members that name or carry a key (`jwk`, `jku`, `kid`, `x5u`, `x5c`, `x5t`) are
//! kept for the caller but never read here: the verifier's caller chooses the key, never the
//! JWS (RFC 8725 §3.10: do not trust received claims; a header key proves nothing).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::{Algorithm, AlgorithmPolicy, JoseError};
use crate::excerpt::excerpt;

/// Header Parameter names registered for JWS by RFC 7515 §4.1; RFC 7515 §4.1.11 forbids
/// listing them in `crit`.
const REGISTERED_NAMES: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// Header extensions this implementation understands when they are marked critical: `b64`
/// (RFC 7797 §6), in its default value `true` only.
const UNDERSTOOD_EXTENSIONS: [&str; 1] = ["b64"];

/// Parses a JSON object, refusing duplicate member names at its top level.
///
/// RFC 7515 §4 lets a JWS parser either reject duplicate Header Parameter names or keep the
/// last; avid rejects them, since two parsers that resolve a duplicate differently
/// would see two different headers under one signature. RFC 7519 §4 gives JWT Claims Sets the
/// same choice, so this is also the parser for claims.
pub fn parse_json_object(json: &[u8]) -> Result<Map<String, Value>, JoseError> {
    let mut duplicate = None;
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let parsed = UniqueObject {
        duplicate: &mut duplicate,
        // JSON gives no member count up front. Members of JOSE headers and JWT claims take a
        // few dozen bytes, so this rarely under-counts (and the map then grows as usual),
        // while the cap bounds what a large object reserves before it is read.
        capacity: (json.len() / 24).clamp(4, 16),
    }
    .deserialize(&mut deserializer)
    .and_then(|object| deserializer.end().map(|()| object));
    match (parsed, duplicate) {
        (Ok(object), _) => Ok(object),
        (Err(_), Some(name)) => Err(JoseError::DuplicateMember(excerpt(&name))),
        (Err(err), None) if err.is_data() => Err(JoseError::Malformed(
            "the JSON value is not an object".to_owned(),
        )),
        (Err(err), None) => Err(JoseError::Malformed(format!("invalid JSON: {err}"))),
    }
}

/// Deserializes an object into a `Map`, recording the first duplicate name it meets.
struct UniqueObject<'a> {
    duplicate: &'a mut Option<String>,
    /// How many members to make room for before reading any.
    capacity: usize,
}

impl<'de> DeserializeSeed<'de> for UniqueObject<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UniqueObject<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::with_capacity(self.capacity);
        while let Some(name) = access.next_key::<String>()? {
            // One lookup per member: the vacant entry it finds is the one filled.
            match object.entry(name) {
                Entry::Occupied(first) => {
                    *self.duplicate = Some(first.key().clone());
                    return Err(de::Error::custom("duplicate member name"));
                }
                Entry::Vacant(slot) => {
                    slot.insert(access.next_value::<Value>()?);
                }
            }
        }
        Ok(object)
    }
}

/// Applies the header rules to a parsed JOSE Header and returns its algorithm (RFC 7515 §5.2
/// step 5: every field the header requires must be understood and supported).
///
/// The algorithm must be named (RFC 7515 §4.1.1), supported and in `policy` (RFC 8725 §3.1).
pub(crate) fn check(
    header: &Map<String, Value>,
    policy: &AlgorithmPolicy,
) -> Result<Algorithm, JoseError> {
    let name = match header.get("alg") {
        None => return Err(JoseError::MissingAlgorithm),
        Some(Value::String(name)) => name,
        Some(_) => return Err(JoseError::Malformed("\"alg\" is not a string".to_owned())),
    };
    let algorithm = Algorithm::from_name(name)
        .filter(|algorithm| policy.allows(*algorithm))
        .ok_or_else(|| JoseError::AlgorithmNotAllowed(excerpt(name)))?;
    check_extensions(header)?;
    Ok(algorithm)
}

/// The rules on `b64` (RFC 7797) and `crit` (RFC 7515 §4.1.11), applied alike to headers
/// avid signs and headers it verifies, so that it never produces a JWS it would refuse.
pub(crate) fn check_extensions(header: &Map<String, Value>) -> Result<(), JoseError> {
    match header.get("b64") {
        None | Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => return Err(JoseError::UnencodedPayload),
        Some(_) => {
            return Err(JoseError::Malformed("\"b64\" is not a boolean".to_owned()));
        }
    }
    let Some(critical) = header.get("crit") else {
        return Ok(());
    };
    // RFC 7515 §4.1.11: an array of names, never empty, each naming a member of this header,
    // none of them registered by RFC 7515 or RFC 7518, no name twice.
    let Value::Array(names) = critical else {
        return Err(JoseError::Malformed("\"crit\" is not an array".to_owned()));
    };
    if names.is_empty() {
        return Err(JoseError::Malformed("\"crit\" is empty".to_owned()));
    }
    for (i, name) in names.iter().enumerate() {
        let Value::String(name) = name else {
            return Err(JoseError::Malformed(
                "\"crit\" holds a non-string".to_owned(),
            ));
        };
        if REGISTERED_NAMES.contains(&name.as_str()) {
            return Err(JoseError::Malformed(format!(
                "\"crit\" lists the registered name \"{}\"",
                excerpt(name)
            )));
        }
        if !header.contains_key(name) {
            return Err(JoseError::Malformed(format!(
                "\"crit\" lists \"{}\", which the header does not carry",
                excerpt(name)
            )));
        }
        if names.iter().take(i).any(|earlier| earlier == name.as_str()) {
            return Err(JoseError::DuplicateMember(excerpt(name)));
        }
        if !UNDERSTOOD_EXTENSIONS.contains(&name.as_str()) {
            return Err(JoseError::UnsupportedCritical(excerpt(name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        parse_json_object(json.as_bytes()).expect("test header parses")
    }

    fn checked(json: &str) -> Result<Algorithm, JoseError> {
        check(&object(json), &AlgorithmPolicy::default())
    }

    #[test]
    fn parses_object_in_member_order() {
        let parsed = object(r#"{"typ":"JWT","alg":"EdDSA","kid":"k"}"#);
        let names: Vec<&str> = parsed.keys().map(String::as_str).collect();
        assert_eq!(names, ["typ", "alg", "kid"]);
    }

    #[test]
    fn rejects_duplicate_header_member() {
        assert_eq!(
            parse_json_object(br#"{"alg":"EdDSA","alg":"none"}"#),
            Err(JoseError::DuplicateMember("alg".to_owned()))
        );
        assert_eq!(
            parse_json_object(br#"{"alg":"EdDSA","kid":"a","kid":"b"}"#),
            Err(JoseError::DuplicateMember("kid".to_owned()))
        );
    }

    #[test]
    fn rejects_header_that_is_not_an_object() {
        for json in [&b"[]"[..], b"\"alg\"", b"null", b"7"] {
            assert!(matches!(
                parse_json_object(json),
                Err(JoseError::Malformed(_))
            ));
        }
    }

    #[test]
    fn rejects_invalid_json_and_trailing_data() {
        for json in [&b"{"[..], b"{\"alg\":}", b"{} {}", b"{}x", b"", b"\xff"] {
            assert!(
                matches!(parse_json_object(json), Err(JoseError::Malformed(_))),
                "{json:?}"
            );
        }
    }

    #[test]
    fn rejects_deeply_nested_header() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(
            parse_json_object(deep.as_bytes()),
            Err(JoseError::Malformed(_))
        ));
    }

    #[test]
    fn rejects_alg_none() {
        assert_eq!(
            checked(r#"{"alg":"none"}"#),
            Err(JoseError::AlgorithmNotAllowed("none".to_owned()))
        );
    }

    #[test]
    fn rejects_missing_or_non_string_alg() {
        assert_eq!(
            checked(r#"{"typ":"JWT"}"#),
            Err(JoseError::MissingAlgorithm)
        );
        assert!(matches!(
            checked(r#"{"alg":["EdDSA"]}"#),
            Err(JoseError::Malformed(_))
        ));
    }

    #[test]
    fn rejects_alg_outside_policy() {
        let policy = AlgorithmPolicy::new(&[Algorithm::Ed25519]);
        assert_eq!(
            check(&object(r#"{"alg":"ES256"}"#), &policy),
            Err(JoseError::AlgorithmNotAllowed("ES256".to_owned()))
        );
        assert_eq!(
            check(&object(r#"{"alg":"Ed25519"}"#), &policy),
            Ok(Algorithm::Ed25519)
        );
    }

    #[test]
    fn rejects_unknown_crit() {
        assert_eq!(
            checked(r#"{"alg":"EdDSA","exp":1,"crit":["exp"]}"#),
            Err(JoseError::UnsupportedCritical("exp".to_owned()))
        );
    }

    #[test]
    fn rejects_malformed_crit() {
        for header in [
            r#"{"alg":"EdDSA","crit":[]}"#,
            r#"{"alg":"EdDSA","crit":"b64","b64":true}"#,
            r#"{"alg":"EdDSA","crit":[1]}"#,
            r#"{"alg":"EdDSA","crit":["alg"]}"#,
            r#"{"alg":"EdDSA","crit":["ext"]}"#,
        ] {
            assert!(
                matches!(checked(header), Err(JoseError::Malformed(_))),
                "{header}"
            );
        }
        assert_eq!(
            checked(r#"{"alg":"EdDSA","b64":true,"crit":["b64","b64"]}"#),
            Err(JoseError::DuplicateMember("b64".to_owned()))
        );
    }

    #[test]
    fn accepts_critical_b64_true() {
        assert_eq!(
            checked(r#"{"alg":"EdDSA","b64":true,"crit":["b64"]}"#),
            Ok(Algorithm::EdDsa)
        );
    }

    #[test]
    fn rejects_unencoded_payload() {
        assert_eq!(
            checked(r#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#),
            Err(JoseError::UnencodedPayload)
        );
        assert_eq!(
            checked(r#"{"alg":"EdDSA","b64":false}"#),
            Err(JoseError::UnencodedPayload)
        );
        assert!(matches!(
            checked(r#"{"alg":"EdDSA","b64":"false"}"#),
            Err(JoseError::Malformed(_))
        ));
    }
}
