//! Status list tokens and credentials as fetched from the network: the Token Status List's
//! `statuslist+jwt` and the Bitstring Status List's `vc+jwt` (parse, then verify), and the
//! status list credential's JSON. No input panics, and what is accepted is what was asked for.
//!
//! The first byte picks what the rest is:
//! - 0: a compact JWS, verified as both kinds of list under the harness's key: the fuzzer
//!   cannot sign with it, so nothing may verify;
//! - 1: the claims of a Status List Token; the harness signs them with its own key, so that the
//!   fuzzer reaches the claim checks and the list decoding behind the signature;
//! - 2: a Bitstring Status List credential (JSON), read and written back.

#![no_main]

use std::sync::OnceLock;

use did_core::jose::{self, Algorithm, AlgorithmPolicy};
use did_core::key::{KeyType, SecretKey};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use vc_issuer::status::{BitstringStatusListCredential, StatusListToken, StatusListValidation};

/// The `sub` the signed tokens are checked against: the URI of the example of §5.1.
const URI: &str = "https://example.com/statuslists/1";
/// The time of every check: between the `iat` and the `exp` of the example of §5.1.
const NOW: u64 = 1_700_000_000;

/// The harness's own signing key, made once.
fn key() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| SecretKey::from_bytes(KeyType::Ed25519, &[7; 32]).expect("a valid key"))
}

fn validation() -> StatusListValidation {
    StatusListValidation {
        max_list_bytes: 256 << 10,
        ..StatusListValidation::at(NOW)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let policy = AlgorithmPolicy::default();
    match mode % 3 {
        0 => {
            let Ok(token) = std::str::from_utf8(rest) else {
                return;
            };
            let key = key().public_key();
            assert!(StatusListToken::verify(token, &key, URI, &policy, &validation()).is_err());
            assert!(
                BitstringStatusListCredential::verify(token, &key, URI, &policy, &validation())
                    .is_err()
            );
        }
        1 => {
            let key = key();
            let signer = key.signer(Algorithm::Ed25519).expect("an Ed25519 signer");
            let Value::Object(header) = json!({"typ": "statuslist+jwt", "kid": "#0"}) else {
                return;
            };
            let Ok(token) = jose::sign_compact(&header, rest, &signer) else {
                return;
            };
            let Ok(verified) =
                StatusListToken::verify(&token, &key.public_key(), URI, &policy, &validation())
            else {
                return;
            };
            let skew = validation().clock.skew;
            assert_eq!(verified.sub, URI);
            assert!(verified.iat <= NOW + skew, "issued in the future");
            if let Some(exp) = verified.exp {
                assert!(exp > NOW - skew, "expired");
            }
            assert!(verified.ttl != Some(0));
        }
        _ => {
            let Ok(credential) = serde_json::from_slice::<Map<String, Value>>(rest) else {
                return;
            };
            let Ok(read) = BitstringStatusListCredential::from_json(credential) else {
                return;
            };
            assert!(!read.status_purposes.is_empty());
            let Value::Object(written) = read.to_json().expect("a credential read writes") else {
                panic!("a credential writes as an object");
            };
            let again = BitstringStatusListCredential::from_json(written)
                .expect("a credential written reads back");
            assert_eq!(again, read);
        }
    }
});
