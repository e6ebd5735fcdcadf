//! OpenID4VP 1.0 examples run against avid's implementation: the DCQL queries of §6.5 and
//! Appendix D parse and round-trip, the claims path pointers of §7.4 select what the text
//! says, the client metadata of §B.3.4 picks the key binding algorithm, and the selection
//! rules of §6.4 give the expected answers. The vector file names its source.

use did_core::jose::Algorithm;
use did_core::key::{KeyType, SecretKey};
use serde_json::{Map, Value};
use vc_issuer::openid4vp::dcql::{Candidate, DcqlQuery, PathComponent, process_path};
use vc_issuer::openid4vp::{ClientMetadata, Openid4vpError};

const VECTORS: &str = include_str!("../vectors/openid4vp-dcql.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("the vector file is JSON")
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().expect("an object")
}

fn query_named(vectors: &Value, name: &str) -> DcqlQuery {
    let entry = vectors["queries"]
        .as_array()
        .and_then(|queries| queries.iter().find(|q| q["name"] == name))
        .unwrap_or_else(|| panic!("no query {name}"));
    DcqlQuery::from_json(&entry["query"]).expect("the spec's query parses")
}

#[test]
fn spec_queries_parse_and_round_trip() {
    let vectors = vectors();
    for entry in vectors["queries"].as_array().expect("queries") {
        let name = entry["name"].as_str().expect("name");
        let query = DcqlQuery::from_json(&entry["query"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ids: Vec<&str> = query.credentials.iter().map(|c| c.id.as_str()).collect();
        let formats: Vec<&str> = query
            .credentials
            .iter()
            .map(|c| c.format.as_str())
            .collect();
        assert_eq!(
            Value::from(ids),
            entry["expect"]["credential_ids"],
            "{name}"
        );
        assert_eq!(Value::from(formats), entry["expect"]["formats"], "{name}");
        assert_eq!(
            query.credential_sets.as_ref().map_or(0, Vec::len),
            entry["expect"]["credential_sets"].as_u64().expect("count") as usize,
            "{name}"
        );
        // Serialized back, the query is the spec's, defaults left implicit as written.
        assert_eq!(query.to_json(), entry["query"], "{name}");
    }
}

#[test]
fn spec_claims_path_pointers_select_what_the_text_says() {
    let vectors = vectors();
    let example = &vectors["claims_path_pointer_example"];
    let credential = object(&example["credential"]);
    for pointer in example["pointers"].as_array().expect("pointers") {
        let path: Vec<PathComponent> =
            serde_json::from_value(pointer["path"].clone()).expect("a claims path pointer");
        let selected = process_path(&credential, &path).expect("selects something");
        let values: Vec<Value> = selected.iter().map(|s| s.value.clone()).collect();
        assert_eq!(
            Value::from(values),
            pointer["selects"],
            "{}",
            pointer["path"]
        );
    }
}

#[test]
fn spec_client_metadata_picks_the_kb_jwt_algorithm() {
    let vectors = vectors();
    let metadata =
        ClientMetadata::from_json(&vectors["client_metadata"]["metadata"]).expect("metadata");
    assert_eq!(metadata.kb_jwt_alg_values(), Some(vec!["ES256", "ES384"]));
    let p256 = SecretKey::generate(KeyType::P256).public_key();
    assert_eq!(
        metadata.kb_jwt_algorithm(&p256).expect("ES256"),
        Algorithm::Es256
    );
    let ed25519 = SecretKey::generate(KeyType::Ed25519).public_key();
    assert!(matches!(
        metadata.kb_jwt_algorithm(&ed25519),
        Err(Openid4vpError::NoCommonAlgorithm { .. })
    ));
}

#[test]
fn selection_rules_give_the_expected_answers() {
    let vectors = vectors();
    for evaluation in vectors["evaluations"].as_array().expect("evaluations") {
        let name = evaluation["name"].as_str().expect("name");
        let query = query_named(&vectors, evaluation["query"].as_str().expect("query"));
        let held: Vec<(String, Map<String, Value>)> = evaluation["held"]
            .as_array()
            .expect("held")
            .iter()
            .map(|h| {
                (
                    h["vct"].as_str().expect("vct").to_owned(),
                    object(&h["claims"]),
                )
            })
            .collect();
        let candidates: Vec<Candidate<'_>> = held
            .iter()
            .map(|(vct, claims)| Candidate::sd_jwt_vc(Some(vct), claims))
            .collect();
        let selection = query.select(&candidates);
        match &evaluation["selects"] {
            Value::Null => assert!(selection.is_err(), "{name}: {selection:?}"),
            expected => {
                let selection = selection.unwrap_or_else(|e| panic!("{name}: {e}"));
                let got: Vec<Value> = selection
                    .credentials
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "query_id": c.query_id,
                            "candidate": c.candidate,
                            "paths": c.paths.iter().map(ToString::to_string).collect::<Vec<_>>()
                        })
                    })
                    .collect();
                assert_eq!(&Value::from(got), expected, "{name}");
            }
        }
    }
}
