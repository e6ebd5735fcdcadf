//! The did:key and did:jwk vectors of their specifications, run against our methods. Key
//! material and method ids are compared, not JSON text: the published documents use older
//! suite types (see each vector file's `source`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::did::Did;
use did_core::document::{DidDocument, RelationshipKind};
use did_core::key::{Jwk, KeyType, PublicKey, SecretJwk, SecretKey};
use did_core::method::key::{did_key, did_key_verification_method};
use did_core::method::{DID_JWK, DID_KEY, jwk::did_jwk};
use serde_json::Value;

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

fn base58(text: &str) -> Vec<u8> {
    let (_, bytes) = multibase::decode(format!("z{text}")).expect("base58btc");
    bytes
}

fn relationships_of(document: &DidDocument, id: &str) -> Vec<&'static str> {
    let mut found: Vec<_> = RelationshipKind::ALL
        .into_iter()
        .filter(|kind| {
            document
                .relationship(*kind)
                .iter()
                .any(|entry| entry.id().as_str() == id)
        })
        .map(RelationshipKind::property)
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn did_key_ed25519_vectors() {
    let file = vectors(include_str!("../vectors/did-key.json"));
    for case in file["ed25519"].as_array().unwrap() {
        let did = case["did"].as_str().unwrap();
        let seed = hex(case["seed_hex"].as_str().unwrap());
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &seed).unwrap();
        let public = secret.public_key();
        assert_eq!(did_key(&public).as_str(), did, "DID of seed {seed:?}");
        assert_eq!(
            public.to_bytes(),
            base58(case["ed25519_public_base58"].as_str().unwrap())
        );

        let document = DID_KEY.derive(&Did::parse(did).unwrap()).unwrap().document;
        let signing_id = did_key_verification_method(&public).to_string();
        let agreement_id = format!("{did}#{}", case["key_agreement_fragment"].as_str().unwrap());
        assert_eq!(
            relationships_of(&document, &signing_id),
            [
                "assertionMethod",
                "authentication",
                "capabilityDelegation",
                "capabilityInvocation"
            ]
        );
        assert_eq!(relationships_of(&document, &agreement_id), ["keyAgreement"]);
        let agreement = document
            .find_method(&agreement_id.parse().unwrap())
            .expect("the key agreement method is in the document");
        let x25519 = agreement.public_key().unwrap();
        assert_eq!(x25519.key_type(), KeyType::X25519);
        assert_eq!(
            x25519.to_bytes(),
            base58(case["x25519_public_base58"].as_str().unwrap())
        );
        // The derived X25519 secret of the spec's vector is ours too.
        let x25519_secret = secret.to_x25519().unwrap();
        assert_eq!(
            x25519_secret.to_bytes().as_slice(),
            base58(case["x25519_private_base58"].as_str().unwrap()).as_slice()
        );
    }
}

#[test]
fn did_key_p256_vectors() {
    let file = vectors(include_str!("../vectors/did-key.json"));
    for case in file["p256"].as_array().unwrap() {
        let did = case["did"].as_str().unwrap();
        let jwk: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "EC", "crv": "P-256", "x": case["x"], "y": case["y"],
        }))
        .unwrap();
        let public = PublicKey::from_jwk(&jwk).unwrap();
        assert_eq!(did_key(&public).as_str(), did);

        let secret_jwk: SecretJwk = serde_json::from_value(serde_json::json!({
            "kty": "EC", "crv": "P-256", "x": case["x"], "y": case["y"], "d": case["d"],
        }))
        .unwrap();
        assert_eq!(
            SecretKey::from_jwk(&secret_jwk).unwrap().public_key(),
            public
        );

        let document = DID_KEY.derive(&Did::parse(did).unwrap()).unwrap().document;
        let id = did_key_verification_method(&public).to_string();
        let expected = sorted_strings(&case["relationships"]);
        assert_eq!(relationships_of(&document, &id), expected);
        let method = document.find_method(&id.parse().unwrap()).unwrap();
        assert_eq!(method.public_key().unwrap(), public);
    }
}

#[test]
fn did_key_unsupported_curves_are_refused_by_name() {
    let file = vectors(include_str!("../vectors/did-key.json"));
    for case in file["unsupported_key_types"].as_array().unwrap() {
        let did = Did::parse(case["did"].as_str().unwrap()).unwrap();
        let error = DID_KEY.derive(&did).unwrap_err();
        assert_eq!(error.code(), case["expected_error"], "{did}: {error}");
    }
}

#[test]
fn did_jwk_spec_examples() {
    let file = vectors(include_str!("../vectors/did-jwk.json"));
    for case in file["examples"].as_array().unwrap() {
        let did = case["did"].as_str().unwrap();
        let document = DID_JWK.derive(&Did::parse(did).unwrap()).unwrap().document;
        let id = case["verification_method"].as_str().unwrap();
        let method = document
            .find_method(&id.parse().unwrap())
            .expect("#0 is in the document");
        let jwk: Jwk = serde_json::from_value(case["public_key_jwk"].clone()).unwrap();
        assert_eq!(
            method.public_key().unwrap(),
            PublicKey::from_jwk(&jwk).unwrap()
        );
        let expected = sorted_strings(&case["relationships"]);
        assert_eq!(
            relationships_of(&document, id),
            expected,
            "{}",
            case["name"]
        );
        // The JWK travels into the document as the DID carries it (with `use`).
        let encoded = did.trim_start_matches("did:jwk:");
        let carried: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).unwrap()).unwrap();
        assert_eq!(
            document.to_json()["verificationMethod"][0]["publicKeyJwk"],
            carried
        );
        if case["jcs_of_the_key_gives_this_did"] == true {
            assert_eq!(did_jwk(&PublicKey::from_jwk(&jwk).unwrap()).as_str(), did);
        }
    }
}

#[test]
fn did_jwk_invalid_inputs_are_refused() {
    let file = vectors(include_str!("../vectors/did-jwk.json"));
    for case in file["invalid"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let code = match Did::parse(input) {
            Err(_) => "invalidDid",
            Ok(did) => DID_JWK.derive(&did).unwrap_err().code(),
        };
        assert_eq!(code, case["expected_error"], "{input}: {}", case["why"]);
    }
}

/// A vector's list of relationship names, sorted to compare with [`relationships_of`].
fn sorted_strings(list: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
