//! Public keys from Multikey text and multicodec bytes (W3C Controlled Identifiers §2.2.2, the
//! did:key method-specific id): no input panics, and a key that decodes encodes back to exactly
//! the text or bytes it came from, and through its JWK to the same key.

#![no_main]

use did_core::key::PublicKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = PublicKey::from_multicodec(data) {
        assert_eq!(key.to_multicodec(), data, "multicodec does not round-trip");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(key) = PublicKey::from_multikey(text) else {
        return;
    };
    assert_eq!(key.to_multikey(), text, "Multikey does not round-trip");
    assert_eq!(
        PublicKey::from_jwk(&key.to_jwk()).as_ref(),
        Ok(&key),
        "the key does not round-trip through its JWK"
    );
    assert_eq!(
        PublicKey::from_bytes(key.key_type(), &key.to_bytes()).as_ref(),
        Ok(&key)
    );
});
