//! did:peer numalgo 2 (Peer DID §"Method 2: multiple inception key without doc"): keys, each
//! behind a purpose code, and services as abbreviated base64url JSON, all listed in the DID.
//!
//! `did:peer:2.Vz6Mk….Ez6LS….SeyJ0Ijoi…` reads as: key 1 for authentication, key 2 for key
//! agreement, one service. Keys become `#key-1`, `#key-2`, … in the order they appear; services
//! without an `id` become `#service`, `#service-1`, …

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{MAX_ELEMENTS, PeerError, invalid_did, multiformat};
use crate::did::Did;
use crate::document::{
    DidDocument, KeyMaterial, MULTIKEY, RelationshipKind, Service, VerificationMethod,
};
use crate::excerpt::excerpt;
use crate::key::{KeyType, PublicKey};
use crate::method::key::key_error_kind;
use crate::resolution::{Resolution, ResolutionError};

/// The purpose code of a service element (Peer DID §Method 2 "Purpose Codes").
const SERVICE_CODE: char = 'S';
/// Deepest nesting of objects and arrays accepted in a service.
const MAX_SERVICE_DEPTH: usize = 16;

/// What a key in a did:peer:2 is for: its purpose code, and the verification relationship
/// (DID Core §5.3) it is listed under (Peer DID §Method 2 "Purpose Codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// `A`: `assertionMethod`, e.g. signing credentials.
    Assertion,
    /// `E`: `keyAgreement` ("encryption").
    Encryption,
    /// `V`: `authentication` ("verification").
    Verification,
    /// `I`: `capabilityInvocation`.
    CapabilityInvocation,
    /// `D`: `capabilityDelegation`.
    CapabilityDelegation,
}

impl Purpose {
    /// Every purpose, in the order of the Purpose Codes table.
    pub const ALL: [Purpose; 5] = [
        Purpose::Assertion,
        Purpose::Encryption,
        Purpose::Verification,
        Purpose::CapabilityInvocation,
        Purpose::CapabilityDelegation,
    ];

    /// The one-letter purpose code written before the key.
    pub fn code(self) -> char {
        match self {
            Purpose::Assertion => 'A',
            Purpose::Encryption => 'E',
            Purpose::Verification => 'V',
            Purpose::CapabilityInvocation => 'I',
            Purpose::CapabilityDelegation => 'D',
        }
    }

    /// The purpose of a code, or `None` for `S` (a service) and unknown codes.
    pub fn from_code(code: char) -> Option<Purpose> {
        Purpose::ALL
            .into_iter()
            .find(|purpose| purpose.code() == code)
    }

    /// The verification relationship a key with this purpose is listed under.
    pub fn relationship(self) -> RelationshipKind {
        match self {
            Purpose::Assertion => RelationshipKind::AssertionMethod,
            Purpose::Encryption => RelationshipKind::KeyAgreement,
            Purpose::Verification => RelationshipKind::Authentication,
            Purpose::CapabilityInvocation => RelationshipKind::CapabilityInvocation,
            Purpose::CapabilityDelegation => RelationshipKind::CapabilityDelegation,
        }
    }

    /// Whether a key of `key_type` can do what this purpose asks: sign for every purpose but
    /// encryption, agree on a key for encryption.
    fn fits(self, key_type: KeyType) -> bool {
        match self {
            Purpose::Encryption => matches!(key_type, KeyType::X25519 | KeyType::P256),
            _ => matches!(key_type, KeyType::Ed25519 | KeyType::P256),
        }
    }
}

/// The did:peer:2 of `keys` (with their purposes, in order) and `services` (DID Core §5.4
/// service objects, with a relative `id` or none).
///
/// Services are abbreviated (Peer DID §Method 2 "Common String Abbreviations") and written as
/// compact JSON in their member order, so the same inputs always give the same DID. The DID is
/// resolved before it is returned: what this builds, this crate reads back.
pub fn did_peer_2(keys: &[(Purpose, PublicKey)], services: &[Value]) -> Result<Did, PeerError> {
    let count = keys.len() + services.len();
    if count == 0 {
        return Err(PeerError::NoElements);
    }
    if count > MAX_ELEMENTS {
        return Err(PeerError::TooManyElements {
            count,
            max: MAX_ELEMENTS,
        });
    }
    let mut text = String::from("did:peer:2");
    let mut service_ids = ServiceIds::default();
    for (purpose, key) in keys {
        if !purpose.fits(key.key_type()) {
            return Err(PeerError::KeyPurposeMismatch {
                key_type: key.key_type(),
                purpose: *purpose,
            });
        }
        text.push('.');
        text.push(purpose.code());
        text.push_str(&key.to_multikey());
    }
    for (position, service) in services.iter().enumerate() {
        let index = position + 1;
        let Value::Object(service) = service else {
            return Err(PeerError::ServiceNotObject { index });
        };
        // The same rules as when resolving: relative ids (and no two alike, checked on the
        // document when the DID is resolved below).
        service_ids.assign(service.get("id").cloned(), index)?;
        let abbreviated = translate(service, Direction::Abbreviate, index, 0)?;
        let json = serde_json::to_vec(&Value::Object(abbreviated))
            .map_err(|err| PeerError::Json(err.to_string()))?;
        text.push('.');
        text.push(SERVICE_CODE);
        // Padding MUST be removed: `=` is not allowed in a DID.
        text.push_str(&URL_SAFE_NO_PAD.encode(json));
    }
    let did = Did::parse(&text)?;
    super::resolve(&did).map_err(PeerError::NotResolvable)?;
    Ok(did)
}

/// A did:peer:2 for one signing key, as a wallet makes one: the key authenticates and asserts
/// (`.V`, `.A`), and an Ed25519 key also yields its X25519 key for key agreement (`.E`), as
/// did:key does (did:key §3.1.3).
pub fn did_peer_2_for_key(key: &PublicKey) -> Result<Did, PeerError> {
    let mut keys = vec![
        (Purpose::Verification, key.clone()),
        (Purpose::Assertion, key.clone()),
    ];
    if let Some(agreement) = key.to_x25519() {
        keys.push((Purpose::Encryption, agreement));
    }
    did_peer_2(&keys, &[])
}

/// The did:peer:3 of a did:peer:2 (Peer DID §"Method 3: DID Shortening with SHA-256 Hash"):
/// the SHA-256 multihash of the did:peer:2 after its `did:peer:2` prefix.
pub fn did_peer_3(did_peer_2: &Did) -> Result<Did, PeerError> {
    let id = did_peer_2.method_specific_id();
    let elements = match id.strip_prefix('2') {
        Some(elements) if did_peer_2.method() == "peer" && elements.starts_with('.') => elements,
        _ => return Err(PeerError::NotNumalgo2(excerpt(did_peer_2.as_str()))),
    };
    Ok(Did::parse(&format!(
        "did:peer:3{}",
        multiformat::sha256_multihash(elements.as_bytes())
    ))?)
}

/// The document of a did:peer:2 whose method-specific id after the `2` is `elements`.
pub(super) fn resolve(did: &Did, elements: &str) -> Result<Resolution, ResolutionError> {
    document(did, elements).map(Resolution::new)
}

/// Peer DID §Method 2 "Resolving a did:peer:2".
fn document(did: &Did, elements: &str) -> Result<DidDocument, ResolutionError> {
    let elements = match elements.strip_prefix('.') {
        Some(elements) => elements,
        // ABNF: `"did:peer:2" 1*element`, each element starting with a period.
        None => {
            return Err(invalid_did(
                "a did:peer:2 needs at least one element: `.` then a purpose code",
            ));
        }
    };
    let count = elements.split('.').count();
    if count > MAX_ELEMENTS {
        return Err(invalid_did(format!(
            "the did:peer:2 has {count} elements; at most {MAX_ELEMENTS} are accepted"
        )));
    }
    let mut document = DidDocument::new(did.clone());
    let mut keys = 0_usize;
    let mut service_ids = ServiceIds::default();
    for (position, element) in elements.split('.').enumerate() {
        let mut chars = element.chars();
        let code = chars.next().ok_or_else(|| {
            invalid_did(format!(
                "element {} of the did:peer:2 is empty",
                position + 1
            ))
        })?;
        let body = chars.as_str();
        if code == SERVICE_CODE {
            let index = document.service.len() + 1;
            let service = service(did, body, index, &mut service_ids)?;
            document.service.push(service);
        } else if let Some(purpose) = Purpose::from_code(code) {
            keys += 1;
            let method = verification_method(did, keys, body)?;
            document.add_method(method, &[purpose.relationship()]);
        } else {
            return Err(invalid_did(format!(
                "element {} of the did:peer:2 has the purpose code {code:?}; the codes are A, E, \
                 V, I, D and S",
                position + 1
            )));
        }
    }
    // Peer DID §Method 2 "Resolving": alsoKnownAs MAY name the did:peer:3 of the DID.
    if let Ok(short) = did_peer_3(did) {
        document.also_known_as.push(short.to_string());
    }
    document
        .check_unique_ids()
        .map_err(|err| invalid_did(format!("the did:peer:2 document: {err}")))?;
    Ok(document)
}

/// The `Multikey` verification method `#key-{n}` of the encoded key `multikey`.
fn verification_method(
    did: &Did,
    n: usize,
    multikey: &str,
) -> Result<VerificationMethod, ResolutionError> {
    // ABNF: `purposecode transform encnumbasis`, with the key as in did:key; it must decode
    // (the key module bounds its length).
    PublicKey::from_multikey(multikey).map_err(|err| {
        ResolutionError::new(
            key_error_kind(&err),
            format!("key {n} of the did:peer:2: {err}"),
        )
    })?;
    let id = did
        .with_fragment(&format!("key-{n}"))
        .map_err(|err| invalid_did(format!("key {n} of the did:peer:2: {err}")))?;
    Ok(VerificationMethod {
        id,
        type_: MULTIKEY.to_owned(),
        controller: did.clone(),
        // "Set the publicKeyMultibase … to the value of the encoded key": kept as written.
        key_material: Some(KeyMaterial::Multibase(multikey.to_owned())),
        extra: Map::new(),
    })
}

/// The service of an `S` element, its `id` contextualized against `did`.
fn service(
    did: &Did,
    encoded: &str,
    index: usize,
    ids: &mut ServiceIds,
) -> Result<Service, ResolutionError> {
    let mut service = decode_service(encoded, index)?;
    let fragment = ids
        .assign(service.remove("id"), index)
        .map_err(|err| err.invalid_did())?;
    // Contextualized against the DID (DID Core §3.2.2), like every other identifier.
    let id = did
        .with_fragment(&fragment)
        .map_err(|err| invalid_did(format!("service {index}: {err}")))?;
    service.insert("id".into(), Value::String(id.to_string()));
    serde_json::from_value(Value::Object(service)).map_err(|err| {
        invalid_did(format!(
            "service {index} is not a DID Core service (type and serviceEndpoint are \
             required): {err}"
        ))
    })
}

/// The service ids of one did:peer:2, as they are assigned.
#[derive(Default)]
struct ServiceIds {
    /// Services met so far without an `id`.
    unnamed: usize,
}

impl ServiceIds {
    /// The fragment of the service at `index` whose `id` member is `id`.
    fn assign(&mut self, id: Option<Value>, index: usize) -> Result<String, PeerError> {
        let fragment = match id {
            // Peer DID §Method 2 "Resolving": a service without `id` is `#service`, the next
            // ones `#service-1`, `#service-2`, …
            None => {
                let fragment = match self.unnamed {
                    0 => "service".to_owned(),
                    n => format!("service-{n}"),
                };
                self.unnamed += 1;
                fragment
            }
            // Peer DID §Method 2 "Generating": service ids MUST be relative.
            Some(Value::String(id)) => match id.strip_prefix('#') {
                Some(fragment) => fragment.to_owned(),
                None => {
                    return Err(PeerError::ServiceIdNotRelative {
                        index,
                        id: excerpt(&id),
                    });
                }
            },
            Some(other) => {
                return Err(PeerError::ServiceIdNotRelative {
                    index,
                    id: excerpt(&other.to_string()),
                });
            }
        };
        Ok(fragment)
    }
}

/// The service object of an `S` element, abbreviations expanded.
fn decode_service(encoded: &str, index: usize) -> Result<Map<String, Value>, ResolutionError> {
    let json = URL_SAFE_NO_PAD.decode(encoded).map_err(|err| {
        invalid_did(format!(
            "service {index} of the did:peer:2 is not base64url without padding: {err}"
        ))
    })?;
    // serde_json stops at 128 levels of nesting; translate stops sooner.
    let service: Value = serde_json::from_slice(&json).map_err(|err| {
        invalid_did(format!(
            "service {index} of the did:peer:2 is not JSON: {err}"
        ))
    })?;
    let Value::Object(service) = service else {
        return Err(PeerError::ServiceNotObject { index }.invalid_did());
    };
    translate(&service, Direction::Expand, index, 0).map_err(|err| err.invalid_did())
}

/// Common String Abbreviations of member names (Peer DID §Method 2 "Lookup Tables").
const MEMBER_ABBREVIATIONS: [(&str, &str); 4] = [
    ("type", "t"),
    ("serviceEndpoint", "s"),
    ("routingKeys", "r"),
    ("accept", "a"),
];
/// Common String Abbreviations of `type` values.
const TYPE_ABBREVIATIONS: [(&str, &str); 1] = [("DIDCommMessaging", "dm")];

/// Which way [`translate`] goes.
#[derive(Clone, Copy)]
enum Direction {
    Abbreviate,
    Expand,
}

impl Direction {
    fn lookup(self, table: &[(&'static str, &'static str)], text: &str) -> Option<&'static str> {
        table.iter().find_map(|(full, short)| match self {
            Direction::Abbreviate if *full == text => Some(*short),
            Direction::Expand if *short == text => Some(*full),
            _ => None,
        })
    }

    /// The name of the `type` member once translated.
    fn type_member(self) -> &'static str {
        match self {
            Direction::Abbreviate => "t",
            Direction::Expand => "type",
        }
    }
}

/// Replaces the common strings of member names, at every depth, and of `type` values
/// ("Recursively replace common strings in key names and type value", Peer DID §Method 2).
/// Two members that become one name (`t` beside `type`) are refused rather than merged.
fn translate(
    object: &Map<String, Value>,
    direction: Direction,
    index: usize,
    depth: usize,
) -> Result<Map<String, Value>, PeerError> {
    if depth >= MAX_SERVICE_DEPTH {
        return Err(PeerError::ServiceTooDeep {
            index,
            max: MAX_SERVICE_DEPTH,
        });
    }
    let mut translated = Map::with_capacity(object.len());
    for (name, value) in object {
        let name = direction
            .lookup(&MEMBER_ABBREVIATIONS, name)
            .unwrap_or(name.as_str());
        let value = match value {
            Value::String(text) if name == direction.type_member() => Value::String(
                direction
                    .lookup(&TYPE_ABBREVIATIONS, text)
                    .unwrap_or(text)
                    .to_owned(),
            ),
            other => translate_value(other, direction, index, depth + 1)?,
        };
        if translated.insert(name.to_owned(), value).is_some() {
            return Err(PeerError::ServiceDuplicateMember {
                index,
                name: name.to_owned(),
            });
        }
    }
    Ok(translated)
}

fn translate_value(
    value: &Value,
    direction: Direction,
    index: usize,
    depth: usize,
) -> Result<Value, PeerError> {
    match value {
        Value::Object(object) => Ok(Value::Object(translate(object, direction, index, depth)?)),
        Value::Array(items) => {
            if depth >= MAX_SERVICE_DEPTH {
                return Err(PeerError::ServiceTooDeep {
                    index,
                    max: MAX_SERVICE_DEPTH,
                });
            }
            items
                .iter()
                .map(|item| translate_value(item, direction, index, depth + 1))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        other => Ok(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::key::SecretKey;
    use crate::resolution::ErrorKind;

    // Peer DID §Method 2 "Generating a did:peer:2" example keys.
    const ED25519: &str = "z6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc";
    const X25519: &str = "z6LSg8zQom395jKLrGiBNruB9MM6V8PWuf2FpEy4uRFiqQBR";

    fn key(multikey: &str) -> PublicKey {
        PublicKey::from_multikey(multikey).expect("a spec example key")
    }

    fn resolve_text(did: &str) -> Result<Resolution, ResolutionError> {
        super::super::resolve(&Did::parse(did).expect("a syntactically valid DID"))
    }

    fn service_element(json: &str) -> String {
        format!(".S{}", URL_SAFE_NO_PAD.encode(json))
    }

    fn expect_invalid(did: &str) -> ResolutionError {
        let err = resolve_text(did).expect_err(did);
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{err}");
        err
    }

    #[test]
    fn round_trips_keys_and_services() {
        let services = [
            json!({"type": "DIDCommMessaging", "serviceEndpoint": {
                "uri": "https://example.com/didcomm", "accept": ["didcomm/v2"], "routingKeys": []}}),
            json!({"type": "LinkedDomains", "serviceEndpoint": "https://example.com"}),
            json!({"id": "#named", "type": "DIDCommMessaging", "serviceEndpoint": "https://example.org"}),
            json!({"type": "DIDCommMessaging", "serviceEndpoint": "https://example.net"}),
        ];
        let did = did_peer_2(
            &[
                (Purpose::Verification, key(ED25519)),
                (Purpose::Encryption, key(X25519)),
                (Purpose::Assertion, key(ED25519)),
            ],
            &services,
        )
        .expect("valid inputs");
        assert!(
            did.as_str()
                .starts_with(&format!("did:peer:2.V{ED25519}.E{X25519}.A"))
        );
        // The type value and member names are abbreviated inside the DID.
        assert!(did.as_str().contains(".SeyJ0IjoiZG0iLCJzIjp7"), "{did}");

        let document = resolve_text(did.as_str()).expect("our own DID").document;
        let fragments: Vec<_> = document
            .verification_method
            .iter()
            .map(|method| method.id.fragment().unwrap_or_default())
            .collect();
        assert_eq!(fragments, ["key-1", "key-2", "key-3"]);
        let ids = |kind| -> Vec<String> {
            document
                .relationship(kind)
                .iter()
                .map(|entry| entry.id().fragment().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(ids(RelationshipKind::Authentication), ["key-1"]);
        assert_eq!(ids(RelationshipKind::KeyAgreement), ["key-2"]);
        assert_eq!(ids(RelationshipKind::AssertionMethod), ["key-3"]);
        assert!(ids(RelationshipKind::CapabilityInvocation).is_empty());

        let service_ids: Vec<_> = document.service.iter().map(|s| s.id.clone()).collect();
        assert_eq!(
            service_ids,
            [
                format!("{did}#service"),
                format!("{did}#service-1"),
                format!("{did}#named"),
                format!("{did}#service-2"),
            ]
        );
        assert_eq!(document.service[0].type_, json!("DIDCommMessaging"));
        assert_eq!(
            document.service[0].service_endpoint,
            services[0]["serviceEndpoint"]
        );
        assert_eq!(document.service[1].type_, json!("LinkedDomains"));
        assert_eq!(
            document.also_known_as,
            [did_peer_3(&did).expect("a did:peer:2").to_string()]
        );
    }

    #[test]
    fn rejects_unknown_purpose_code() {
        let err = expect_invalid(&format!("did:peer:2.X{ED25519}"));
        assert!(err.detail.contains("'X'"), "{err}");
        // A lower-case code is not a purpose code either.
        expect_invalid(&format!("did:peer:2.v{ED25519}"));
    }

    #[test]
    fn rejects_numalgo_2_without_elements() {
        expect_invalid("did:peer:2");
        expect_invalid("did:peer:2.");
        expect_invalid(&format!("did:peer:2V{ED25519}"));
        expect_invalid(&format!("did:peer:2.V{ED25519}..E{X25519}"));
    }

    #[test]
    fn rejects_bad_multibase_key() {
        // base58btc has no 0, O, I or l.
        expect_invalid("did:peer:2.Vz6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47k0O");
        // The transform must be `z`.
        expect_invalid("did:peer:2.Vf6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc");
        expect_invalid("did:peer:2.V");
    }

    #[test]
    fn rejects_truncated_key() {
        // An Ed25519 multicodec prefix with 16 key bytes instead of 32.
        let truncated = multiformat::encode_base58btc(&[&[0xed, 0x01][..], &[9; 16]].concat());
        let err = resolve_text(&format!("did:peer:2.V{truncated}")).expect_err("truncated");
        assert_eq!(err.kind, ErrorKind::InvalidPublicKeyLength, "{err}");
    }

    #[test]
    fn rejects_bad_base64_service() {
        // One base64 character cannot encode a byte.
        expect_invalid(&format!("did:peer:2.V{ED25519}.SA"));
        // A percent-encoded `{` is a valid DID character but not base64url.
        expect_invalid(&format!("did:peer:2.V{ED25519}.S%7B"));
        // Padding is not allowed in a DID at all.
        assert!(Did::parse(&format!("did:peer:2.V{ED25519}.SeyJ0IjoiZG0ifQ==")).is_err());
    }

    #[test]
    fn rejects_service_that_is_not_json_object() {
        expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element("not json")
        ));
        expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element("[1,2]")
        ));
        expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element("\"dm\"")
        ));
    }

    #[test]
    fn rejects_service_with_type_twice() {
        // `t` and `type` would be one member after expansion; which one wins would depend on
        // the reader, so the DID is refused.
        let err = expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element(r#"{"t":"dm","type":"LinkedDomains","s":"https://example.com"}"#)
        ));
        assert!(err.detail.contains("type"), "{err}");
    }

    #[test]
    fn rejects_absolute_service_id() {
        // A did:peer:2 must not define a service under another DID's name.
        let err = expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element(
                r#"{"id":"did:example:victim#didcomm","t":"dm","s":"https://evil.example"}"#
            )
        ));
        assert!(err.detail.contains("relative"), "{err}");
        expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element(r#"{"id":7,"t":"dm","s":"https://example.com"}"#)
        ));
    }

    #[test]
    fn rejects_duplicate_service_ids() {
        let named = service_element(r##"{"id":"#service","t":"dm","s":"https://a.example"}"##);
        let unnamed = service_element(r#"{"t":"dm","s":"https://b.example"}"#);
        expect_invalid(&format!("did:peer:2.V{ED25519}{named}{unnamed}"));
    }

    #[test]
    fn rejects_service_without_endpoint() {
        expect_invalid(&format!(
            "did:peer:2.V{ED25519}{}",
            service_element(r#"{"t":"dm"}"#)
        ));
    }

    #[test]
    fn rejects_deeply_nested_service() {
        let deep = format!(
            r#"{{"t":"dm","s":{}"x"{}}}"#,
            "[".repeat(40),
            "]".repeat(40)
        );
        let err = expect_invalid(&format!("did:peer:2.V{ED25519}{}", service_element(&deep)));
        assert!(err.detail.contains("deeper"), "{err}");
    }

    #[test]
    fn rejects_too_many_elements() {
        let many = format!(".V{ED25519}").repeat(MAX_ELEMENTS + 1);
        let err = expect_invalid(&format!("did:peer:2{many}"));
        assert!(err.detail.contains("elements"), "{err}");
        let keys = vec![(Purpose::Verification, key(ED25519)); MAX_ELEMENTS + 1];
        assert!(matches!(
            did_peer_2(&keys, &[]),
            Err(PeerError::TooManyElements { .. })
        ));
    }

    #[test]
    fn rejects_oversize_key() {
        let err = resolve_text(&format!("did:peer:2.Vz{}", "2".repeat(4096))).expect_err("4 KiB");
        assert_eq!(err.kind, ErrorKind::InvalidPublicKey, "{err}");
    }

    #[test]
    fn refuses_to_create_without_elements() {
        assert!(matches!(did_peer_2(&[], &[]), Err(PeerError::NoElements)));
    }

    #[test]
    fn refuses_x25519_key_for_authentication() {
        let err = did_peer_2(&[(Purpose::Verification, key(X25519))], &[]).expect_err("X25519");
        assert!(matches!(err, PeerError::KeyPurposeMismatch { .. }), "{err}");
        let err = did_peer_2(&[(Purpose::Encryption, key(ED25519))], &[]).expect_err("Ed25519");
        assert!(matches!(err, PeerError::KeyPurposeMismatch { .. }), "{err}");
        let p256 = SecretKey::generate(KeyType::P256).public_key();
        for purpose in Purpose::ALL {
            did_peer_2(&[(purpose, p256.clone())], &[]).expect("P-256 serves every purpose");
        }
    }

    #[test]
    fn refuses_to_create_absolute_or_invalid_services() {
        let keys = [(Purpose::Verification, key(ED25519))];
        let absolute = json!({"id": "did:example:x#s", "type": "dm", "serviceEndpoint": "x"});
        assert!(matches!(
            did_peer_2(&keys, &[absolute]),
            Err(PeerError::ServiceIdNotRelative { index: 1, .. })
        ));
        let named = json!({"id": "#a", "type": "dm", "serviceEndpoint": "x"});
        assert!(matches!(
            did_peer_2(&keys, &[named.clone(), named]),
            Err(PeerError::NotResolvable(err)) if err.detail.contains("two services")
        ));
        assert!(matches!(
            did_peer_2(&keys, &[json!(["not", "an", "object"])]),
            Err(PeerError::ServiceNotObject { index: 1 })
        ));
        assert!(matches!(
            did_peer_2(
                &keys,
                &[json!({"type": "x", "t": "y", "serviceEndpoint": "z"})]
            ),
            Err(PeerError::ServiceDuplicateMember { .. })
        ));
        assert!(matches!(
            did_peer_2(&keys, &[json!({"type": "DIDCommMessaging"})]),
            Err(PeerError::NotResolvable(_))
        ));
    }

    #[test]
    fn purpose_codes_round_trip() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::from_code(purpose.code()), Some(purpose));
        }
        assert_eq!(Purpose::from_code(SERVICE_CODE), None);
    }

    #[test]
    fn did_peer_3_needs_a_did_peer_2() {
        let did = Did::parse(&format!("did:peer:0{ED25519}")).expect("valid");
        assert!(matches!(did_peer_3(&did), Err(PeerError::NotNumalgo2(_))));
        let did = Did::parse(&format!("did:key:2.V{ED25519}")).expect("valid");
        assert!(matches!(did_peer_3(&did), Err(PeerError::NotNumalgo2(_))));
    }
}
