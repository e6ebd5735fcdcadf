//! did:jwk (did:jwk Method Specification, "DID Operations"): the method-specific id is the base64url
//! encoding of a public JWK; the document has one verification method, `#0`.
//!
//! The JWK's `use` decides the relationships ("To create the DID Document"): `sig` signs only, `enc` only agrees
//! keys, no `use` does both. An X25519 key can never sign, whatever its `use` says.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::did::{Did, DidUrl};
use crate::document::{
    DidDocument, JSON_WEB_KEY, KeyMaterial, RelationshipKind, VerificationMethod,
};
use crate::excerpt::excerpt;
use crate::key::{Jwk, KeyType, PublicKey};
use crate::resolution::{ErrorKind, Resolution, ResolutionError};

/// Largest JWK accepted inside a did:jwk, before decoding.
const MAX_ENCODED_JWK: usize = 4096;

const SIGNING: [RelationshipKind; 4] = [
    RelationshipKind::Authentication,
    RelationshipKind::AssertionMethod,
    RelationshipKind::CapabilityInvocation,
    RelationshipKind::CapabilityDelegation,
];

/// The did:jwk DID of `key`. The JWK is serialized with RFC 8785 (JCS), so one key always
/// gives the same DID.
pub fn did_jwk(key: &PublicKey) -> Did {
    let json = serde_jcs::to_string(&key.to_jwk()).unwrap_or_default();
    Did::parse(&format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(json)))
        .expect("base64url text is a valid method-specific id")
}

/// The id of `key`'s verification method in its did:jwk document (`did:jwk:…#0`, did:jwk
/// "Read" step 5): the `kid` a signer holding the key names.
pub fn did_jwk_verification_method(key: &PublicKey) -> DidUrl {
    did_jwk(key)
        .with_fragment("0")
        .expect("`0` is a valid fragment")
}

/// The JWK a did:jwk carries, and its public key.
pub fn decode(did: &Did) -> Result<(Jwk, PublicKey), ResolutionError> {
    let id = did.method_specific_id();
    let invalid = |detail: String| ResolutionError::new(ErrorKind::InvalidDid, detail);
    if id.len() > MAX_ENCODED_JWK {
        return Err(invalid(format!(
            "the did:jwk id is {} characters; at most {MAX_ENCODED_JWK} are accepted",
            id.len()
        )));
    }
    // did:jwk "Read" step 2: base64url without padding.
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|err| {
        invalid(format!(
            "{}: the id is not base64url: {err}",
            excerpt(did.as_str())
        ))
    })?;
    // did:jwk "Security": a JWK holding private key material (`d`, or a symmetric `k`) is
    // refused by the JWK parser itself (RFC 7517 §4).
    let jwk: Jwk = serde_json::from_slice(&bytes).map_err(|err| {
        invalid(format!(
            "{}: the id is not a public JWK: {}",
            excerpt(did.as_str()),
            excerpt(&err.to_string())
        ))
    })?;
    let key = PublicKey::from_jwk(&jwk).map_err(|err| super::key::key_error(did, &err))?;
    Ok((jwk, key))
}

/// The did:jwk document of `did` (did:jwk "Read" step 5). The spec names the method type
/// `JsonWebKey2020`; avid writes its successor `JsonWebKey` (Controlled Identifiers §2.2.3),
/// which has the same shape.
pub fn document(did: &Did) -> Result<DidDocument, ResolutionError> {
    let (jwk, key) = decode(did)?;
    let id = did
        .with_fragment("0")
        .map_err(|err| ResolutionError::new(ErrorKind::InvalidDid, err.to_string()))?;
    let relationships: &[RelationshipKind] = match (key.key_type(), jwk.key_use.as_deref()) {
        (KeyType::X25519, _) | (_, Some("enc")) => &[RelationshipKind::KeyAgreement],
        (_, Some("sig")) => &SIGNING,
        _ => &RelationshipKind::ALL,
    };
    let method = VerificationMethod {
        id,
        type_: JSON_WEB_KEY.to_owned(),
        controller: did.clone(),
        // The JWK exactly as the DID carries it (with `use`, `kid`, …).
        key_material: Some(KeyMaterial::Jwk(Box::new(jwk))),
        extra: serde_json::Map::new(),
    };
    let mut document = DidDocument::new(did.clone());
    document.add_method(method, relationships);
    Ok(document)
}

pub(super) fn resolve(did: &Did) -> Result<Resolution, ResolutionError> {
    document(did).map(Resolution::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::SecretKey;

    #[test]
    fn verification_method_id_names_the_documents_key() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let id = did_jwk_verification_method(&key);
        let document = document(&did_jwk(&key)).expect("resolves");
        let method = document
            .method_for(&id, RelationshipKind::AssertionMethod)
            .expect("the id names an assertion method");
        assert_eq!(method.public_key().expect("a key"), key);
    }
}
