//! did:peer numalgo 0, 2, 3 and 4 against the examples of the DIF Peer DID Method
//! Specification (`vectors/did-peer.json`, each vector naming its section).

use did_core::did::Did;
use did_core::key::PublicKey;
use did_core::method::DID_PEER;
use did_core::method::peer::{self, Purpose};
use did_core::resolution::{ErrorKind, Resolution};
use serde_json::{Map, Value};

const VECTORS: &str = include_str!("../vectors/did-peer.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("did-peer.json is JSON")
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {name} is a string"))
}

fn did(text: &str) -> Did {
    Did::parse(text).unwrap_or_else(|err| panic!("{text} is a DID: {err}"))
}

fn resolve(text: &str) -> Resolution {
    DID_PEER
        .derive(&did(text))
        .unwrap_or_else(|err| panic!("{text} resolves: {err}"))
}

/// A spec document in the form this crate writes it: relative identifiers and references
/// resolved against the document `id` (DID Core §3.2.2), and no `@context` (the plain JSON
/// representation, DID Core §6.2).
fn contextualized(document: &Value) -> Value {
    let mut document = document.as_object().expect("a document object").clone();
    document.remove("@context");
    let id = document["id"].as_str().expect("the document id").to_owned();
    let absolute = |value: &mut Value| {
        if let Some(relative) = value.as_str().filter(|text| text.starts_with('#')) {
            *value = Value::String(format!("{id}{relative}"));
        }
    };
    for (name, value) in document.iter_mut() {
        let Some(items) = value.as_array_mut() else {
            continue;
        };
        for item in items {
            match item {
                Value::Object(object) if name != "alsoKnownAs" => {
                    if let Some(item_id) = object.get_mut("id") {
                        absolute(item_id);
                    }
                }
                Value::String(_) if name != "alsoKnownAs" => absolute(item),
                _ => {}
            }
        }
    }
    Value::Object(document)
}

#[test]
fn numalgo_0_example_is_its_did_key_in_disguise() {
    let vector = &vectors()["numalgo0"];
    let peer = resolve(text(vector, "did")).document;
    let key = did_core::method::DID_KEY
        .derive(&did(text(vector, "equivalent_did_key")))
        .expect("the equivalent did:key resolves")
        .document;
    assert_eq!(peer.id.as_str(), text(vector, "did"));
    assert_eq!(
        peer.verification_method.len(),
        key.verification_method.len()
    );
    for (peer_method, key_method) in peer
        .verification_method
        .iter()
        .zip(&key.verification_method)
    {
        assert_eq!(peer_method.id.fragment(), key_method.id.fragment());
        assert_eq!(peer_method.key_material, key_method.key_material);
        assert_eq!(peer_method.controller, peer.id);
    }
    let fragments = |document: &did_core::document::DidDocument| -> Value {
        let mut relationships = Map::new();
        for kind in did_core::document::RelationshipKind::ALL {
            let ids = document
                .relationship(kind)
                .iter()
                .map(|entry| Value::from(entry.id().fragment().unwrap_or_default()))
                .collect();
            relationships.insert(kind.property().into(), Value::Array(ids));
        }
        Value::Object(relationships)
    };
    assert_eq!(fragments(&peer), fragments(&key));
    let public_key = PublicKey::from_multikey(
        text(vector, "did")
            .strip_prefix("did:peer:0")
            .expect("a did:peer:0"),
    )
    .expect("the example key");
    assert_eq!(peer::did_peer_0(&public_key).as_str(), text(vector, "did"));
}

#[test]
fn numalgo_2_example_is_generated_from_its_keys_and_services() {
    let vector = &vectors()["numalgo2"];
    let keys: Vec<(Purpose, PublicKey)> = vector["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| {
            let code = text(key, "purpose").chars().next().expect("a code");
            let purpose = Purpose::from_code(code).expect("a purpose code");
            let key = PublicKey::from_multikey(text(key, "publicKeyMultibase")).expect("a key");
            (purpose, key)
        })
        .collect();
    let services = vector["services"].as_array().expect("services");
    let generated = peer::did_peer_2(&keys, services).expect("the example inputs are valid");
    assert_eq!(generated.as_str(), text(vector, "did"));
    // The first service element is the spec's abbreviated JSON, base64url without padding.
    let abbreviated = text(vector, "abbreviated_service");
    let encoded = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        abbreviated,
    );
    assert!(generated.as_str().contains(&format!(".S{encoded}.")));
}

#[test]
fn numalgo_2_example_resolves_to_the_spec_document() {
    let vector = &vectors()["numalgo2"];
    let resolution = resolve(text(vector, "did"));
    assert_eq!(
        resolution.document.to_json(),
        contextualized(&vector["document"])
    );
    // The JSON-LD representation has exactly the spec's contexts: DID Core and Multikey.
    assert_eq!(
        resolution.document.to_json_ld()["@context"],
        vector["document"]["@context"]
    );
}

#[test]
fn numalgo_3_examples_shorten_their_did_peer_2() {
    for pair in vectors()["numalgo3"]["pairs"].as_array().expect("pairs") {
        let long = did(text(pair, "did_peer_2"));
        let short = peer::did_peer_3(&long).expect("a did:peer:2");
        assert_eq!(short.as_str(), text(pair, "did_peer_3"));
        // A resolved did:peer:2 names its did:peer:3 in alsoKnownAs; the did:peer:3 alone is
        // held by peers, not derived.
        let resolution = resolve(long.as_str());
        assert_eq!(resolution.document.also_known_as, [short.to_string()]);
        let err = DID_PEER.derive(&short).expect_err("a did:peer:3 alone");
        assert_eq!(err.kind, ErrorKind::NotFound);
        // The older layout (endpoint as a string, `r` and `a` beside it) expands too.
        if let Some(service) = pair.get("service") {
            let found = serde_json::to_value(&resolution.document.service[0]).expect("JSON");
            let mut expected = service.as_object().expect("a service").clone();
            expected.insert("id".into(), Value::String(format!("{long}#service")));
            assert_eq!(found, Value::Object(expected));
        }
    }
}

#[test]
fn numalgo_4_example_encodes_to_the_spec_long_and_short_forms() {
    let vector = &vectors()["numalgo4"];
    let (long, short) =
        peer::did_peer_4(&vector["input_document"]).expect("the example input document");
    assert_eq!(long.as_str(), text(vector, "long_form"));
    assert_eq!(short.as_str(), text(vector, "short_form"));
}

#[test]
fn numalgo_4_example_long_form_resolves_to_the_spec_document() {
    let vector = &vectors()["numalgo4"];
    let resolution = resolve(text(vector, "long_form"));
    assert_eq!(
        resolution.document.to_json(),
        contextualized(&vector["long_form_document"])
    );
    let short = text(vector, "short_form");
    assert_eq!(resolution.document_metadata.equivalent_id, [short]);
    assert_eq!(
        resolution.document_metadata.canonical_id.as_deref(),
        Some(short)
    );
}

#[test]
fn numalgo_4_example_short_form_needs_its_long_form() {
    let vector = &vectors()["numalgo4"];
    let short = did(text(vector, "short_form"));
    let long = did(text(vector, "long_form"));
    let err = DID_PEER.derive(&short).expect_err("the short form alone");
    assert_eq!(err.kind, ErrorKind::NotFound);
    let resolution = peer::resolve_short_form(&short, &long).expect("with its long form");
    assert_eq!(
        resolution.document.to_json(),
        contextualized(&vector["short_form_document"])
    );
}

#[test]
fn numalgo_4_example_rejects_a_tampered_long_form() {
    let vector = &vectors()["numalgo4"];
    // The example with its endpoint changed and re-encoded, under the original hash.
    let mut input = vector["input_document"].clone();
    input["service"][0]["serviceEndpoint"]["uri"] = Value::from("https://evil.example/queue");
    let (forged, _) = peer::did_peer_4(&input).expect("a valid input document");
    let (_, forged_document) = forged.as_str().rsplit_once(':').expect("a long form");
    let tampered = format!("{}:{forged_document}", text(vector, "short_form"));
    let err = DID_PEER
        .derive(&did(&tampered))
        .expect_err("a tampered long form");
    assert_eq!(err.kind, ErrorKind::InvalidDid);
}
