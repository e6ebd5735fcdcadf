//! did:peer numalgo 4 (Peer DID §"Method 4: Short Form and Long Form"): the long form
//! `did:peer:4{hash}:{encoded document}` carries a whole input document; the short form
//! `did:peer:4{hash}` is the hash alone, usable once both peers have seen the long form.

use serde_json::{Map, Value};

use super::{MAX_DOCUMENT_ENTRIES, MAX_ENCODED_DOCUMENT_LEN, PeerError, invalid_did, multiformat};
use crate::did::Did;
use crate::document::{DidDocument, RelationshipKind};
use crate::excerpt::excerpt;
use crate::resolution::{DocumentMetadata, ErrorKind, Resolution, ResolutionError};

/// The members of an input document that list verification methods, references to them, or
/// services: every identifier of the document sits in one of them.
const LISTS: [&str; 7] = [
    "verificationMethod",
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
    "service",
];

/// The long form and the short form of the did:peer:4 of `document`, an input document:
/// a DID document with no `id`, relative identifiers, and no `controller` on the methods the
/// DID itself controls (Peer DID §Method 4 "Creating a DID").
///
/// The document is written as compact JSON in its member order. The long form is resolved
/// before it is returned: what this builds, this crate reads back.
pub fn did_peer_4(document: &Value) -> Result<(Did, Did), PeerError> {
    let Value::Object(input) = document else {
        return Err(PeerError::InputDocumentNotObject);
    };
    check_input_document(input)?;
    let json = serde_json::to_vec(document).map_err(|err| PeerError::Json(err.to_string()))?;
    // "Encode the document": multicodec `json` prefix, then multibase base58btc. The bytes
    // are bounded before the (quadratic) encoding; base58 text is never shorter.
    let bytes = multiformat::prefixed(multiformat::JSON, &json);
    if bytes.len() > MAX_ENCODED_DOCUMENT_LEN {
        return Err(PeerError::DocumentTooLarge {
            size: bytes.len(),
            max: MAX_ENCODED_DOCUMENT_LEN,
        });
    }
    let encoded = multiformat::encode_base58btc(&bytes);
    if encoded.len() > MAX_ENCODED_DOCUMENT_LEN {
        return Err(PeerError::DocumentTooLarge {
            size: encoded.len(),
            max: MAX_ENCODED_DOCUMENT_LEN,
        });
    }
    // "Hash the document": SHA2-256 multihash of the encoded document's UTF-8 bytes.
    let hash = multiformat::sha256_multihash(encoded.as_bytes());
    let short = Did::parse(&format!("did:peer:4{hash}"))?;
    let long = Did::parse(&format!("did:peer:4{hash}:{encoded}"))?;
    super::resolve(&long).map_err(PeerError::NotResolvable)?;
    Ok((long, short))
}

/// Resolves the short form `short_form` with the long form its holder kept (Peer DID §Method 4
/// "Short form": the document is contextualized with the short form as `id` and the long form
/// in `alsoKnownAs`). The long form must be the one the short form is the hash of.
pub fn resolve_short_form(
    short_form: &Did,
    long_form: &Did,
) -> Result<Resolution, ResolutionError> {
    let (hash, encoded) = long_form
        .method_specific_id()
        .strip_prefix('4')
        .filter(|_| long_form.method() == "peer")
        .and_then(|rest| rest.split_once(':'))
        .ok_or_else(|| {
            invalid_did(format!(
                "{} is not a did:peer:4 long form (did:peer:4{{hash}}:{{document}})",
                excerpt(long_form.as_str())
            ))
        })?;
    let is_its_short_form = short_form.method() == "peer"
        && short_form
            .method_specific_id()
            .strip_prefix('4')
            .is_some_and(|short_hash| short_hash == hash);
    if !is_its_short_form {
        return Err(invalid_did(format!(
            "{} is not the short form of the long form given (did:peer:4{hash})",
            excerpt(short_form.as_str())
        )));
    }
    let digest = multiformat::decode_sha256_multihash(hash)?;
    let input = decode_document(&digest, encoded)?;
    let document = contextualize(input, short_form, long_form)?;
    Ok(Resolution {
        document,
        document_metadata: DocumentMetadata {
            equivalent_id: vec![long_form.to_string()],
            canonical_id: Some(short_form.to_string()),
            ..DocumentMetadata::default()
        },
    })
}

/// The document of a did:peer:4 whose method-specific id after the `4` is `rest`.
pub(super) fn resolve(did: &Did, rest: &str) -> Result<Resolution, ResolutionError> {
    let (hash, encoded) = match rest.split_once(':') {
        Some((hash, encoded)) => (hash, Some(encoded)),
        None => (rest, None),
    };
    let digest = multiformat::decode_sha256_multihash(hash)?;
    let Some(encoded) = encoded else {
        // Peer DID §Method 4 "Short form": "It is not possible to resolve a short form
        // did:peer:4 without first seeing and storing its long form counterpart."
        return Err(ResolutionError::new(
            ErrorKind::NotFound,
            "a did:peer:4 short form resolves only with its long form, which this resolver has \
             not seen; resolve the long form, or call resolve_short_form with it",
        ));
    };
    let input = decode_document(&digest, encoded)?;
    let short = Did::parse(&format!("did:peer:4{hash}"))
        .map_err(|err| invalid_did(format!("the did:peer:4 short form: {err}")))?;
    let document = contextualize(input, did, &short)?;
    Ok(Resolution {
        document,
        // The short form names the same subject and is the one peers use once they have
        // exchanged the long form (DID Core §7.1.3 equivalentId, canonicalId).
        document_metadata: DocumentMetadata {
            equivalent_id: vec![short.to_string()],
            canonical_id: Some(short.to_string()),
            ..DocumentMetadata::default()
        },
    })
}

/// Peer DID §Method 4 "Resolving a DID", "To decode the document": check the hash over the
/// encoded document, then undo the encoding. Returns the input document.
fn decode_document(
    digest: &[u8; 32],
    encoded: &str,
) -> Result<Map<String, Value>, ResolutionError> {
    if encoded.len() > MAX_ENCODED_DOCUMENT_LEN {
        return Err(PeerError::DocumentTooLarge {
            size: encoded.len(),
            max: MAX_ENCODED_DOCUMENT_LEN,
        }
        .invalid_did());
    }
    // Step 2, before any decoding: the hash is over the encoded text itself.
    if multiformat::sha256(encoded.as_bytes()) != *digest {
        return Err(invalid_did(
            "the hash of the did:peer:4 does not match its encoded document: the document was \
             altered or the DID is corrupt",
        ));
    }
    // Step 3, the inverse of "Encode the document".
    let bytes = multiformat::decode_base58btc(encoded, "did:peer:4 encoded document")?;
    let json = multiformat::strip_prefix(&bytes, multiformat::JSON, "did:peer:4 document")?;
    let document: Value = serde_json::from_slice(json)
        .map_err(|err| invalid_did(format!("the did:peer:4 document is not JSON: {err}")))?;
    let Value::Object(document) = document else {
        return Err(PeerError::InputDocumentNotObject.invalid_did());
    };
    check_input_document(&document).map_err(|err| err.invalid_did())?;
    Ok(document)
}

/// The rules of Peer DID §Method 4 "Creating a DID" on an input document, checked when one is
/// encoded and again when one is decoded.
fn check_input_document(input: &Map<String, Value>) -> Result<(), PeerError> {
    // "The document MUST NOT include an id at the root."
    if input.contains_key("id") {
        return Err(PeerError::InputDocumentHasId);
    }
    if input
        .get("alsoKnownAs")
        .is_some_and(|value| !value.is_array())
    {
        return Err(PeerError::NotAList {
            member: "alsoKnownAs",
        });
    }
    let mut entries = 0_usize;
    for member in LISTS {
        let Some(value) = input.get(member) else {
            continue;
        };
        let Value::Array(items) = value else {
            return Err(PeerError::NotAList { member });
        };
        entries += items.len();
        if entries > MAX_DOCUMENT_ENTRIES {
            return Err(PeerError::TooManyEntries {
                count: entries,
                max: MAX_DOCUMENT_ENTRIES,
            });
        }
        // "All identifiers within this document MUST be relative": methods, embedded methods
        // and services. References may point elsewhere; only identifiers define resources.
        for item in items {
            let Value::Object(resource) = item else {
                continue;
            };
            match resource.get("id") {
                Some(Value::String(id)) if id.starts_with('#') => {}
                other => {
                    return Err(PeerError::IdNotRelative {
                        member,
                        id: other.map_or_else(|| "null".to_owned(), |id| excerpt(&id.to_string())),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Peer DID §Method 4 "To contextualize a document": `id` set to `did`, `also` appended to
/// `alsoKnownAs`, `controller` set to `did` where it is missing. Relative identifiers then
/// resolve against `did` (DID Core §3.2.2).
fn contextualize(
    mut input: Map<String, Value>,
    did: &Did,
    also: &Did,
) -> Result<DidDocument, ResolutionError> {
    let did_text = did.as_str();
    input.insert("id".into(), Value::String(did_text.to_owned()));
    match input.get_mut("alsoKnownAs") {
        Some(Value::Array(names)) => names.push(Value::String(also.to_string())),
        _ => {
            input.insert(
                "alsoKnownAs".into(),
                Value::Array(vec![Value::String(also.to_string())]),
            );
        }
    }
    let with_methods = std::iter::once("verificationMethod")
        .chain(RelationshipKind::ALL.iter().map(|kind| kind.property()));
    for member in with_methods {
        if let Some(Value::Array(items)) = input.get_mut(member) {
            for method in items.iter_mut().filter_map(Value::as_object_mut) {
                method
                    .entry("controller")
                    .or_insert_with(|| Value::String(did_text.to_owned()));
            }
        }
    }
    if let Some(Value::Array(services)) = input.get_mut("service") {
        for service in services.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::String(id)) = service.get_mut("id") {
                // Checked relative (`#…`) by check_input_document.
                *id = format!("{did_text}{id}");
            }
        }
    }
    DidDocument::from_json(&Value::Object(input)).map_err(|err| {
        invalid_did(format!(
            "the did:peer:4 document is not a valid DID document: {err}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::key::{KeyType, SecretKey};

    /// An input document with one Ed25519 key for signing and one X25519 key for agreement.
    fn input_document() -> Value {
        let signing = SecretKey::generate(KeyType::Ed25519).public_key();
        let agreement = SecretKey::generate(KeyType::X25519).public_key();
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "verificationMethod": [
                {"id": "#key-1", "type": "Multikey", "publicKeyMultibase": signing.to_multikey()},
                {"id": "#key-2", "type": "Multikey", "publicKeyMultibase": agreement.to_multikey()},
            ],
            "authentication": ["#key-1"],
            "assertionMethod": ["#key-1"],
            "keyAgreement": ["#key-2"],
            "service": [{
                "id": "#didcomm",
                "type": "DIDCommMessaging",
                "serviceEndpoint": {"uri": "https://example.com/didcomm", "accept": ["didcomm/v2"]},
            }],
        })
    }

    /// A long form of raw `json`, built without the checks of [`did_peer_4`], as an attacker
    /// would.
    fn forge_long_form(json: &str) -> String {
        let encoded = multiformat::encode_base58btc(&multiformat::prefixed(
            multiformat::JSON,
            json.as_bytes(),
        ));
        let hash = multiformat::sha256_multihash(encoded.as_bytes());
        format!("did:peer:4{hash}:{encoded}")
    }

    fn resolve_text(did: &str) -> Result<Resolution, ResolutionError> {
        super::super::resolve(&Did::parse(did).expect("a syntactically valid DID"))
    }

    fn expect_invalid(did: &str) -> ResolutionError {
        let err = resolve_text(did).expect_err("must be refused");
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{err}");
        err
    }

    #[test]
    fn long_form_resolves_contextualized() {
        let (long, short) = did_peer_4(&input_document()).expect("a valid input document");
        assert!(long.as_str().starts_with(&format!("{short}:z")));
        assert!(short.method_specific_id().starts_with("4zQm"));

        let resolution = resolve_text(long.as_str()).expect("our own long form");
        let document = &resolution.document;
        assert_eq!(document.id, long);
        assert_eq!(document.also_known_as, [short.to_string()]);
        for method in &document.verification_method {
            assert_eq!(method.controller, long);
            assert_eq!(method.id.did(), &long);
        }
        assert_eq!(
            document.authentication[0].id().as_str(),
            format!("{long}#key-1")
        );
        assert_eq!(document.service[0].id, format!("{long}#didcomm"));
        assert_eq!(
            resolution.document_metadata.equivalent_id,
            [short.to_string()]
        );
        assert_eq!(
            resolution.document_metadata.canonical_id,
            Some(short.to_string())
        );
    }

    #[test]
    fn short_form_alone_is_not_found() {
        let (_, short) = did_peer_4(&input_document()).expect("a valid input document");
        let err = resolve_text(short.as_str()).expect_err("short form alone");
        assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    }

    #[test]
    fn short_form_resolves_with_its_long_form() {
        let (long, short) = did_peer_4(&input_document()).expect("a valid input document");
        let resolution = resolve_short_form(&short, &long).expect("the matching pair");
        assert_eq!(resolution.document.id, short);
        assert_eq!(resolution.document.also_known_as, [long.to_string()]);
        for method in &resolution.document.verification_method {
            assert_eq!(method.controller, short);
        }
        assert_eq!(
            resolution.document_metadata.canonical_id,
            Some(short.to_string())
        );
    }

    #[test]
    fn rejects_short_form_with_another_long_form() {
        let (long, _) = did_peer_4(&input_document()).expect("a valid input document");
        let (_, other_short) = did_peer_4(&input_document()).expect("a valid input document");
        let err = resolve_short_form(&other_short, &long).expect_err("mismatched pair");
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{err}");
        let err = resolve_short_form(&other_short, &other_short).expect_err("no long form");
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{err}");
    }

    #[test]
    fn rejects_tampered_document() {
        let (long, short) = did_peer_4(&input_document()).expect("a valid input document");
        let (other, _) = did_peer_4(&input_document()).expect("a valid input document");
        // The other document's encoding under this DID's hash: a key swapped in transit.
        let (_, other_encoded) = other.as_str().rsplit_once(':').expect("a long form");
        let err = expect_invalid(&format!("{short}:{other_encoded}"));
        assert!(err.detail.contains("hash"), "{err}");
        // One character changed in the encoded document.
        let mut altered = long.as_str().to_owned();
        let last = altered.pop().expect("not empty");
        altered.push(if last == 'a' { 'b' } else { 'a' });
        expect_invalid(&altered);
    }

    #[test]
    fn rejects_wrong_hash() {
        let (long, _) = did_peer_4(&input_document()).expect("a valid input document");
        let (_, encoded) = long.as_str().rsplit_once(':').expect("a long form");
        let wrong = multiformat::sha256_multihash(b"another document");
        expect_invalid(&format!("did:peer:4{wrong}:{encoded}"));
        expect_invalid(&format!("did:peer:4zQm:{encoded}"));
        expect_invalid(&format!("did:peer:4:{encoded}"));
    }

    #[test]
    fn rejects_malformed_short_form() {
        expect_invalid("did:peer:4");
        expect_invalid("did:peer:4zQmd8CpeFPci817KDsbSAKWcXAE2mjvCQSas");
        expect_invalid("did:peer:4QmS19jtYDvGtKVrJhQnRFpBQAx3pJ9omx2HpNrcXFuRCz9");
    }

    #[test]
    fn rejects_input_document_with_id() {
        let err = expect_invalid(&forge_long_form(
            r#"{"id":"did:example:victim","verificationMethod":[]}"#,
        ));
        assert!(err.detail.contains("must not carry an id"), "{err}");
        let mut input = input_document();
        input["id"] = json!("did:example:victim");
        assert!(matches!(
            did_peer_4(&input),
            Err(PeerError::InputDocumentHasId)
        ));
    }

    #[test]
    fn rejects_absolute_verification_method_id() {
        // A did:peer:4 must not define a key under another DID's name.
        let key = SecretKey::generate(KeyType::Ed25519)
            .public_key()
            .to_multikey();
        let json = format!(
            r#"{{"verificationMethod":[{{"id":"did:example:victim#key-1","type":"Multikey","publicKeyMultibase":"{key}"}}],"authentication":["did:example:victim#key-1"]}}"#
        );
        let err = expect_invalid(&forge_long_form(&json));
        assert!(err.detail.contains("relative"), "{err}");
        // The same key embedded in a relationship.
        let json = format!(
            r#"{{"authentication":[{{"id":"did:example:victim#key-1","type":"Multikey","publicKeyMultibase":"{key}"}}]}}"#
        );
        expect_invalid(&forge_long_form(&json));
        let input: Value = serde_json::from_str(&json).expect("JSON");
        assert!(matches!(
            did_peer_4(&input),
            Err(PeerError::IdNotRelative { .. })
        ));
    }

    #[test]
    fn rejects_absolute_service_id() {
        let json = r#"{"service":[{"id":"did:example:victim#didcomm","type":"DIDCommMessaging","serviceEndpoint":"https://evil.example"}]}"#;
        expect_invalid(&forge_long_form(json));
    }

    #[test]
    fn rejects_duplicate_service_ids() {
        let mut input = input_document();
        let second = json!({"id": "#didcomm", "type": "DIDCommMessaging", "serviceEndpoint": "https://evil.example"});
        input["service"]
            .as_array_mut()
            .expect("a list")
            .push(second);
        let err = expect_invalid(&forge_long_form(&input.to_string()));
        assert!(err.detail.contains("two services have the id"), "{err}");
    }

    #[test]
    fn rejects_duplicate_verification_method_ids() {
        let mut input = input_document();
        // An embedded method reusing #key-1: a kid of #key-1 would name two keys.
        let other = SecretKey::generate(KeyType::Ed25519).public_key();
        input["assertionMethod"] = json!([{
            "id": "#key-1", "type": "Multikey", "publicKeyMultibase": other.to_multikey(),
        }]);
        let err = expect_invalid(&forge_long_form(&input.to_string()));
        assert!(err.detail.contains("two verification methods"), "{err}");
    }

    #[test]
    fn rejects_non_json_multicodec() {
        // The same JSON tagged `raw` (0x55) instead of `json` (0x0200).
        let encoded = multiformat::encode_base58btc(&multiformat::prefixed(0x55, b"{}"));
        let hash = multiformat::sha256_multihash(encoded.as_bytes());
        let err = expect_invalid(&format!("did:peer:4{hash}:{encoded}"));
        assert!(err.detail.contains("0x200"), "{err}");
    }

    #[test]
    fn rejects_non_object_document() {
        expect_invalid(&forge_long_form("[1,2,3]"));
        expect_invalid(&forge_long_form("{\"verificationMethod\": "));
        expect_invalid(&forge_long_form(r##"{"authentication":"#key-1"}"##));
        assert!(matches!(
            did_peer_4(&json!("a string")),
            Err(PeerError::InputDocumentNotObject)
        ));
    }

    #[test]
    fn rejects_invalid_key_material() {
        let json = r##"{"verificationMethod":[{"id":"#key-1","type":"Multikey","publicKeyMultibase":"z6Mkj3PUd1"}]}"##;
        expect_invalid(&forge_long_form(json));
    }

    #[test]
    fn rejects_oversize_document() {
        let padding = "x".repeat(MAX_ENCODED_DOCUMENT_LEN);
        let json = format!(r#"{{"padding":"{padding}"}}"#);
        let err = expect_invalid(&forge_long_form(&json));
        assert!(err.detail.contains("at most"), "{err}");
        let input = json!({ "padding": padding });
        assert!(matches!(
            did_peer_4(&input),
            Err(PeerError::DocumentTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_too_many_entries() {
        let references = vec![json!("#key-1"); MAX_DOCUMENT_ENTRIES + 1];
        let json = json!({ "authentication": references }).to_string();
        let err = expect_invalid(&forge_long_form(&json));
        assert!(err.detail.contains("entries"), "{err}");
    }

    #[test]
    fn keeps_external_controller_and_known_names() {
        let key = SecretKey::generate(KeyType::Ed25519)
            .public_key()
            .to_multikey();
        let input = json!({
            "alsoKnownAs": ["https://example.com/alice"],
            "verificationMethod": [{
                "id": "#delegate",
                "type": "Multikey",
                "controller": "did:example:guardian",
                "publicKeyMultibase": key,
            }],
            "capabilityDelegation": ["#delegate"],
        });
        let (long, short) = did_peer_4(&input).expect("a valid input document");
        let document = resolve_text(long.as_str())
            .expect("our own long form")
            .document;
        assert_eq!(
            document.also_known_as,
            ["https://example.com/alice".to_owned(), short.to_string()]
        );
        assert_eq!(
            document.verification_method[0].controller.as_str(),
            "did:example:guardian"
        );
    }
}
