//! did:peer numalgo 0 (Peer DID §"Method 0: inception key without doc"): one key is the whole
//! DID, and its document is the did:key document of that key with the did:peer as subject.

use crate::did::Did;
use crate::key::PublicKey;
use crate::method::key;
use crate::resolution::{Resolution, ResolutionError};

/// The did:peer:0 of `key`: `did:peer:0` followed by the key's multibase multicodec form,
/// exactly as did:key writes it (Peer DID §Method 0: `did:key:z6Mk…` is equivalent to
/// `did:peer:0z6Mk…`).
pub fn did_peer_0(key: &PublicKey) -> Did {
    Did::parse(&format!("did:peer:0{}", key.to_multikey()))
        .expect("a multibase base58btc string is a valid method-specific id")
}

/// The document of a did:peer:0 whose key text is `multikey`.
pub(super) fn resolve(did: &Did, multikey: &str) -> Result<Resolution, ResolutionError> {
    // Peer DID §Method 0: the key is multicodec-tagged and base58btc-encoded as in did:key,
    // and fails the same ways (did:key §3.1.2); the key module bounds its length.
    let public_key = PublicKey::from_multikey(multikey).map_err(|err| key::key_error(did, &err))?;
    key::document_for_key(did, &public_key, multikey).map(Resolution::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::RelationshipKind;
    use crate::key::{KeyType, SecretKey};
    use crate::resolution::ErrorKind;

    fn resolve_text(did: &str) -> Result<Resolution, ResolutionError> {
        let did = Did::parse(did).expect("a syntactically valid DID");
        super::super::resolve(&did)
    }

    #[test]
    fn expands_like_did_key() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let public_key = SecretKey::generate(key_type).public_key();
            let peer = did_peer_0(&public_key);
            let resolved = resolve_text(peer.as_str()).expect("our own did:peer:0");
            let did_key = key::document(&key::did_key(&public_key)).expect("our own did:key");
            assert_eq!(resolved.document.id, peer);
            assert_eq!(
                resolved.document.verification_method.len(),
                did_key.verification_method.len()
            );
            for (peer_method, key_method) in resolved
                .document
                .verification_method
                .iter()
                .zip(&did_key.verification_method)
            {
                assert_eq!(peer_method.id.fragment(), key_method.id.fragment());
                assert_eq!(peer_method.controller, peer);
                assert_eq!(peer_method.key_material, key_method.key_material);
            }
            for kind in RelationshipKind::ALL {
                assert_eq!(
                    resolved.document.relationship(kind).len(),
                    did_key.relationship(kind).len(),
                    "{key_type:?} {kind:?}"
                );
            }
        }
    }

    #[test]
    fn rejects_non_base58btc_key() {
        // The same Ed25519 key in base64url multibase (`u…`) is not a did:peer:0.
        let err = resolve_text("did:peer:0u7QEJX5oaWHUuD3ztKVUMaPZGsYZu6kvAJ6C5kMaM2cXq2g")
            .expect_err("base64url key");
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{err}");
    }

    #[test]
    fn rejects_truncated_key() {
        // An Ed25519 multicodec prefix with 16 key bytes instead of 32.
        let truncated = multibase::encode(
            multibase::Base::Base58Btc,
            [&[0xed, 0x01][..], &[9; 16]].concat(),
        );
        let err = resolve_text(&format!("did:peer:0{truncated}")).expect_err("truncated key");
        assert_eq!(err.kind, ErrorKind::InvalidPublicKeyLength, "{err}");
    }

    #[test]
    fn rejects_unknown_multicodec() {
        // secp256k1-pub (0xe7) is not a key type this crate reads.
        let secp256k1 = multibase::encode(
            multibase::Base::Base58Btc,
            [&[0xe7, 0x01][..], &[2; 33]].concat(),
        );
        let err = resolve_text(&format!("did:peer:0{secp256k1}")).expect_err("secp256k1");
        assert_eq!(err.kind, ErrorKind::UnsupportedPublicKeyType, "{err}");
    }

    #[test]
    fn rejects_oversize_key() {
        let err = resolve_text(&format!("did:peer:0z{}", "2".repeat(4096))).expect_err("4 KiB");
        assert_eq!(err.kind, ErrorKind::InvalidPublicKey, "{err}");
    }
}
