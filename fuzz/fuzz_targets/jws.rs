//! Compact JWS decoding and JOSE Header parsing (RFC 7515 §5.2, §4): no input panics; a
//! header that parses writes back to JSON that parses to the same header; a JWS that decodes
//! consists of exactly the segments it was split from.

#![no_main]

use did_core::base64url;
use did_core::jose::{self, AlgorithmPolicy};
use did_core::key::SecretKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The header and claims parser on raw bytes.
    if let Ok(object) = jose::parse_json_object(data) {
        let written = serde_json::to_vec(&object).expect("a map writes");
        let reread = jose::parse_json_object(&written).expect("what was written reads back");
        assert_eq!(reread, object);
    }

    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(jws) = jose::decode_compact(token, &AlgorithmPolicy::default()) else {
        return;
    };
    let (signing_input, signature) = token.rsplit_once('.').expect("three segments");
    let (header, payload) = signing_input.split_once('.').expect("three segments");
    assert_eq!(jws.signing_input(), signing_input.as_bytes());
    assert_eq!(base64url::encode(jws.signature()), signature);
    assert_eq!(base64url::encode(jws.payload()), payload);
    let header_json = base64url::decode(header).expect("the header decoded once");
    assert_eq!(
        &jose::parse_json_object(&header_json).expect("the header parsed once"),
        jws.header()
    );
    assert_eq!(
        jws.header().get("alg").and_then(|alg| alg.as_str()),
        Some(jws.algorithm().name())
    );
    let _ = jose::header_has_typ(jws.header(), "kb+jwt");
    // The signature is the fuzzer's, so a key of the algorithm's type cannot verify it.
    let key = SecretKey::from_bytes(jws.algorithm().key_type(), &[7; 32]).expect("a valid key");
    assert!(
        jws.verify(&key.public_key()).is_err(),
        "a forged signature verified"
    );
});
