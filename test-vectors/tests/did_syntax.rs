//! Runs the DID Core §3.1/§3.2 syntax vectors of `vectors/did-core-abnf.json` against
//! `did_core::did`: every valid case parses into the expected parts, every invalid case is
//! refused with the expected ABNF part and byte offset.

use did_core::did::{Did, DidError, DidUrl};
use serde_json::Value;

const VECTORS: &str = include_str!("../vectors/did-core-abnf.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("did-core-abnf.json is valid JSON")
}

/// The cases under `key`; each must exist and be non-empty, or the test proves nothing.
fn cases(vectors: &Value, key: &str) -> Vec<Value> {
    let cases = vectors[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is missing or not an array"))
        .clone();
    assert!(!cases.is_empty(), "{key} is empty");
    cases
}

/// The input of a case: a bare string or `{"input": ...}`.
fn input(case: &Value) -> &str {
    case.as_str()
        .or_else(|| case["input"].as_str())
        .unwrap_or_else(|| panic!("case without input: {case}"))
}

/// An optional string field: JSON `null` (or absent) is `None`.
fn optional<'a>(case: &'a Value, field: &str) -> Option<&'a str> {
    match &case[field] {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => panic!("{field} must be a string or null, found {other}"),
    }
}

/// Checks that `result` is the error the case names: its part (as an ABNF rule name) and, when
/// given, its byte offset.
fn assert_refused<T: std::fmt::Debug>(case: &Value, result: Result<T, DidError>) {
    let input = input(case);
    let err = match result {
        Ok(parsed) => panic!("accepted invalid {input:?} as {parsed:?}"),
        Err(err) => err,
    };
    let part = case["part"]
        .as_str()
        .unwrap_or_else(|| panic!("invalid case without part: {case}"));
    assert_eq!(
        err.part().map(|part| part.rule_name()),
        Some(part),
        "{input:?}: {err}"
    );
    if let Some(offset) = case["offset"].as_u64() {
        assert_eq!(
            err.offset().map(|offset| offset as u64),
            Some(offset),
            "{input:?}: {err}"
        );
    }
    assert!(!err.to_string().is_empty());
}

#[test]
fn vectors_name_their_sources() {
    let vectors = vectors();
    let sources = vectors["source"].as_array().expect("top-level source list");
    assert!(
        sources
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains("DID Core")))
    );
    for key in [
        "valid_dids",
        "invalid_dids",
        "valid_did_urls",
        "invalid_did_urls",
    ] {
        for case in cases(&vectors, key) {
            if case.is_object() {
                assert!(
                    case["source"].is_string(),
                    "{key} case without source: {case}"
                );
            }
        }
    }
}

#[test]
fn valid_dids_parse_and_round_trip() {
    for case in cases(&vectors(), "valid_dids") {
        let input = input(&case);
        let did = Did::parse(input).unwrap_or_else(|err| panic!("{input:?}: {err}"));
        assert_eq!(did.as_str(), input);
        assert_eq!(did.to_string(), input);
        assert_eq!(
            format!("did:{}:{}", did.method(), did.method_specific_id()),
            input
        );
        // A DID is also a DID URL, and the two agree.
        let url = DidUrl::parse(input).unwrap_or_else(|err| panic!("{input:?}: {err}"));
        assert!(url.is_did(), "{input:?}");
        assert_eq!(url.did(), &did);
        assert_eq!(DidUrl::from(did.clone()), url);
        // Serialized as the plain string, and deserialization validates it back.
        let json = serde_json::to_value(&did).expect("serialize");
        assert_eq!(json, Value::String(input.to_owned()));
        assert_eq!(
            serde_json::from_value::<Did>(json).expect("deserialize"),
            did
        );
    }
}

#[test]
fn invalid_dids_are_refused_at_the_named_part() {
    for case in cases(&vectors(), "invalid_dids") {
        let input = input(&case);
        assert_refused(&case, Did::parse(input));
        assert!(
            serde_json::from_value::<Did>(Value::String(input.to_owned())).is_err(),
            "{input:?}"
        );
    }
}

#[test]
fn valid_did_urls_split_into_expected_parts() {
    for case in cases(&vectors(), "valid_did_urls") {
        let input = input(&case);
        let url = DidUrl::parse(input).unwrap_or_else(|err| panic!("{input:?}: {err}"));
        assert_eq!(url.as_str(), input);
        assert_eq!(url.to_string(), input);
        assert_eq!(
            Some(url.did().as_str()),
            optional(&case, "did"),
            "{input:?}"
        );
        assert_eq!(url.path(), optional(&case, "path"), "{input:?}");
        assert_eq!(url.query(), optional(&case, "query"), "{input:?}");
        assert_eq!(url.fragment(), optional(&case, "fragment"), "{input:?}");
        assert_eq!(
            url.is_did(),
            url.path().is_none() && url.query().is_none() && url.fragment().is_none()
        );
        if let Some(params) = case["params"].as_object() {
            for (name, value) in params {
                let decoded = url
                    .query_param(name)
                    .unwrap_or_else(|| panic!("{input:?}: no parameter {name}"))
                    .unwrap_or_else(|err| panic!("{input:?}: {err}"));
                assert_eq!(Some(decoded.as_str()), value.as_str(), "{input:?} {name}");
            }
        }
        // The DID alone parses as a DID; a DID URL with more than a DID does not.
        assert_eq!(Did::parse(input).is_ok(), url.is_did(), "{input:?}");
        let json = serde_json::to_value(&url).expect("serialize");
        assert_eq!(
            serde_json::from_value::<DidUrl>(json).expect("deserialize"),
            url
        );
    }
}

#[test]
fn invalid_did_urls_are_refused_at_the_named_part() {
    for case in cases(&vectors(), "invalid_did_urls") {
        let input = input(&case);
        assert_refused(&case, DidUrl::parse(input));
        assert!(Did::parse(input).is_err(), "{input:?}");
    }
}
