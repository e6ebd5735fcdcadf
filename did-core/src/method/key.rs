//! did:key (W3C CCG "The did:key Method" v0.9): a public key, multicodec-tagged and multibase
//! base58btc-encoded, is the whole DID; the document is expanded from it.
//!
//! An Ed25519 key signs (authentication, assertionMethod, capabilityInvocation,
//! capabilityDelegation) and also yields an X25519 key for keyAgreement, derived with the
//! birational map (did:key §3.1.3 "Encryption Method Creation Algorithm"). A P-256 key is used
//! for every relationship; an X25519 key only for keyAgreement.

use crate::did::{Did, DidUrl};
use crate::document::{DidDocument, KeyMaterial, MULTIKEY, RelationshipKind, VerificationMethod};
use crate::excerpt::excerpt;
use crate::key::{KeyError, KeyType, PublicKey};
use crate::resolution::{ErrorKind, Resolution, ResolutionError};

/// The relationships a signing key takes in a did:key document.
const SIGNING: [RelationshipKind; 4] = [
    RelationshipKind::Authentication,
    RelationshipKind::AssertionMethod,
    RelationshipKind::CapabilityInvocation,
    RelationshipKind::CapabilityDelegation,
];

/// The did:key DID of `key`.
pub fn did_key(key: &PublicKey) -> Did {
    Did::parse(&format!("did:key:{}", key.to_multikey()))
        .expect("a multibase base58btc string is a valid method-specific id")
}

/// The id of `key`'s verification method in its did:key document (`did:key:z…#z…`, did:key
/// §3.1.1): the `kid` a signer holding the key names.
pub fn did_key_verification_method(key: &PublicKey) -> DidUrl {
    let multikey = key.to_multikey();
    Did::parse(&format!("did:key:{multikey}"))
        .and_then(|did| did.with_fragment(&multikey))
        .expect("a multibase base58btc string is a valid method-specific id and fragment")
}

/// The public key a did:key encodes.
pub fn decode(did: &Did) -> Result<PublicKey, ResolutionError> {
    let id = did.method_specific_id();
    // did:key §3.1.2: the method-specific id is a multibase base58btc value, so it starts
    // with `z`; a version prefix (`1:`) or anything else is not a did:key we can read.
    if !id.starts_with('z') || id.contains(':') {
        return Err(ResolutionError::new(
            ErrorKind::InvalidDid,
            format!(
                "{} is not a did:key: its id must be a multibase base58btc value (z…)",
                excerpt(did.as_str())
            ),
        ));
    }
    PublicKey::from_multikey(id).map_err(|err| key_error(did, &err))
}

/// did:key §3.1.2 "Decode Public Key Algorithm": each way a key fails maps to its error.
pub(crate) fn key_error(did: &Did, err: &KeyError) -> ResolutionError {
    ResolutionError::new(
        key_error_kind(err),
        format!("{}: {err}", excerpt(did.as_str())),
    )
}

/// The resolution error kind for a key that fails to decode (did:key §3.1.2), for methods
/// that carry keys in the same form (did:jwk, did:peer) and word their own detail.
pub(crate) fn key_error_kind(err: &KeyError) -> ErrorKind {
    match err {
        KeyError::UnknownMulticodec(_)
        | KeyError::PrivateKeyMulticodec(_)
        | KeyError::UnsupportedJwk { .. } => ErrorKind::UnsupportedPublicKeyType,
        KeyError::WrongLength { .. } => ErrorKind::InvalidPublicKeyLength,
        KeyError::BadMultibase | KeyError::NotBase58Btc | KeyError::MalformedMulticodec => {
            ErrorKind::InvalidDid
        }
        _ => ErrorKind::InvalidPublicKey,
    }
}

/// The did:key document of `did` (did:key §3.1.1 "Document Creation Algorithm").
pub fn document(did: &Did) -> Result<DidDocument, ResolutionError> {
    let key = decode(did)?;
    document_for_key(did, &key, did.method_specific_id())
}

/// The did:key document of `did`, whose key `key` was decoded from `multikey`. That text is
/// reused rather than encoded again: resolution is on the hot path of every verification.
pub(crate) fn document_for_key(
    did: &Did,
    key: &PublicKey,
    multikey: &str,
) -> Result<DidDocument, ResolutionError> {
    let mut document = DidDocument::new(did.clone());
    let method = |multikey: String| -> Result<VerificationMethod, ResolutionError> {
        let id = did
            .with_fragment(&multikey)
            .map_err(|err| ResolutionError::new(ErrorKind::InvalidDid, err.to_string()))?;
        Ok(VerificationMethod {
            id,
            type_: MULTIKEY.to_owned(),
            controller: did.clone(),
            key_material: Some(KeyMaterial::Multibase(multikey)),
            extra: serde_json::Map::new(),
        })
    };
    let signing = method(multikey.to_owned())?;
    match key.key_type() {
        KeyType::Ed25519 => {
            document.add_method(signing, &SIGNING);
            if let Some(agreement) = key.to_x25519() {
                document.add_method(
                    method(agreement.to_multikey())?,
                    &[RelationshipKind::KeyAgreement],
                );
            }
        }
        KeyType::P256 => document.add_method(signing, &RelationshipKind::ALL),
        KeyType::X25519 => document.add_method(signing, &[RelationshipKind::KeyAgreement]),
    }
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
    fn verification_method_id_names_the_documents_signing_key() {
        for key_type in [KeyType::Ed25519, KeyType::P256] {
            let key = SecretKey::generate(key_type).public_key();
            let id = did_key_verification_method(&key);
            let document = document(&did_key(&key)).expect("resolves");
            let method = document
                .method_for(&id, RelationshipKind::AssertionMethod)
                .expect("the id names an assertion method");
            assert_eq!(method.public_key().expect("a key"), key);
        }
    }
}
