//! Public keys from JSON Web Keys (RFC 7517, RFC 8037 §2, RFC 7518 §6.2): no input panics; a
//! JWK that reads writes back to one that reads the same; a key that decodes from a JWK encodes
//! back to the same coordinates, and to a Multikey that decodes to the same key.

#![no_main]

use did_core::key::{Jwk, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(jwk) = serde_json::from_slice::<Jwk>(data) else {
        return;
    };
    let written = serde_json::to_vec(&jwk).expect("a JWK writes");
    let reread: Jwk = serde_json::from_slice(&written).expect("what was written reads back");
    assert_eq!(reread, jwk);
    let _ = jwk.thumbprint();

    let Ok(key) = PublicKey::from_jwk(&jwk) else {
        return;
    };
    let encoded = key.to_jwk();
    assert_eq!(encoded.kty, jwk.kty);
    assert_eq!(encoded.crv, jwk.crv);
    assert_eq!(encoded.x, jwk.x, "x does not round-trip");
    assert_eq!(encoded.y, jwk.y, "y does not round-trip");
    assert_eq!(
        PublicKey::from_multikey(&key.to_multikey()).as_ref(),
        Ok(&key),
        "the key does not round-trip through its Multikey"
    );
});
