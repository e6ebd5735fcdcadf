//! did:peer resolution from the DID alone (DIF Peer DID Method Specification, numalgo 0, 2
//! and 4): no input panics, and what resolves is a document about that DID which writes to
//! JSON and reads back the same.
//!
//! The first byte picks what the rest is:
//! - 0: the text after `did:peer:`, resolved as it is (numalgo 2 long forms, mostly);
//! - 1: a numalgo 4 input document (JSON), made into a DID by `did_peer_4` and resolved in
//!   both its long and short form;
//! - 2: the encoded document of a numalgo 4 long form; the harness puts the right hash in
//!   front of it, so that the fuzzer reaches the decoding behind the hash check.

#![no_main]

use did_core::did::Did;
use did_core::document::{DidDocument, KeyMaterial};
use did_core::key::PublicKey;
use did_core::method::DID_PEER;
use did_core::method::peer::{did_peer_4, resolve_short_form};
use did_core::resolution::ErrorKind;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

/// Resolves `did` and checks what a resolved did:peer document must satisfy.
fn resolve(did: &Did) -> Option<DidDocument> {
    let document = DID_PEER.derive(did).ok()?.document;
    assert_eq!(&document.id, did);
    let reread = DidDocument::from_json(&document.to_json()).expect("a resolved document reads");
    assert_eq!(reread, document);
    if did.method_specific_id().starts_with('2') {
        // Peer DID §Method 2: each key is a Multikey, kept as written; it decoded, so it must
        // encode back to the same text.
        for method in &document.verification_method {
            let Some(KeyMaterial::Multibase(text)) = &method.key_material else {
                panic!("a did:peer:2 method without its Multikey");
            };
            let key = PublicKey::from_multikey(text).expect("the key decoded at resolution");
            assert_eq!(&key.to_multikey(), text, "Multikey does not round-trip");
        }
    }
    Some(document)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok(did) = Did::parse(&format!("did:peer:{text}")) {
                resolve(&did);
            }
        }
        1 => {
            let Ok(input) = serde_json::from_str(text) else {
                return;
            };
            let Ok((long, short)) = did_peer_4(&input) else {
                return;
            };
            resolve(&long).expect("did_peer_4 built a long form that does not resolve");
            let err = DID_PEER
                .derive(&short)
                .expect_err("a short form alone resolved");
            assert_eq!(err.kind, ErrorKind::NotFound);
            let resolved = resolve_short_form(&short, &long).expect("the short form resolves");
            assert_eq!(resolved.document.id, short);
            assert!(resolved.document.also_known_as.contains(&long.to_string()));
        }
        _ => {
            // Peer DID §Method 4: the hash is the SHA2-256 multihash (0x12, 32 bytes) of the
            // encoded document, in multibase base58btc.
            let mut multihash = vec![0x12, 0x20];
            multihash.extend_from_slice(&Sha256::digest(text.as_bytes()));
            let hash = multibase::encode(multibase::Base::Base58Btc, multihash);
            let Ok(long) = Did::parse(&format!("did:peer:4{hash}:{text}")) else {
                return;
            };
            if resolve(&long).is_some() {
                let short = Did::parse(&format!("did:peer:4{hash}")).expect("a short form");
                let resolved = resolve_short_form(&short, &long).expect("the short form resolves");
                assert_eq!(resolved.document.id, short);
            }
        }
    }
});
