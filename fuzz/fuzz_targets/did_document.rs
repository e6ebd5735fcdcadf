//! The DID document JSON parser (W3C DID Core §5, §6.2), as did:web and resolvers feed it:
//! no input panics; a document that parses writes to JSON and to JSON-LD that both read back
//! to the same document; a Multikey that decodes encodes back to the same text.

#![no_main]

use did_core::document::{DidDocument, KeyMaterial, RelationshipKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = DidDocument::from_json_bytes(data) else {
        return;
    };
    let json = DidDocument::from_json(&document.to_json()).expect("its JSON reads back");
    assert_eq!(json, document);
    let json_ld = DidDocument::from_json(&document.to_json_ld()).expect("its JSON-LD reads back");
    assert_eq!(json_ld, document);

    for method in &document.verification_method {
        if let (Ok(key), Some(KeyMaterial::Multibase(text))) =
            (method.public_key(), &method.key_material)
        {
            assert_eq!(&key.to_multikey(), text, "Multikey does not round-trip");
        }
    }
    for kind in RelationshipKind::ALL {
        for entry in document.relationship(kind) {
            if let Some(method) = document.method_for(entry.id(), kind) {
                // A relationship entry resolves to the method of its own id.
                assert_eq!(&method.id, entry.id());
            }
        }
        let _ = document.methods_for(kind).count();
    }
});
