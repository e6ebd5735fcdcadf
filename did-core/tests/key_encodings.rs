//! One key, one text: every key that decodes from a Multikey or a JWK encodes back to exactly
//! the text it came from. A second accepted text for one key would be a second did:key or
//! did:jwk for it, under which everything signed by the key would verify as well.

use did_core::base64url;
use did_core::key::{Jwk, KeyType, PublicKey, SecretKey};
use proptest::prelude::*;

/// The multicodec prefix and key length of each supported key type.
const FORMS: [(KeyType, [u8; 2], usize); 3] = [
    (KeyType::Ed25519, [0xed, 0x01], 32),
    (KeyType::X25519, [0xec, 0x01], 32),
    (KeyType::P256, [0x80, 0x24], 33),
];

/// Key bytes of one type: random bytes, or a real key with a few bits flipped (random bytes
/// alone rarely land on a valid P-256 point's neighbours, or on a tag other than 02/03).
fn key_bytes() -> impl Strategy<Value = (usize, Vec<u8>)> {
    (
        0..FORMS.len(),
        any::<bool>(),
        any::<[u8; 65]>(),
        any::<(u8, u8)>(),
        proptest::option::of(0_u8..8),
    )
        .prop_map(|(form, from_real_key, noise, (at, flip), sec1_tag)| {
            let (key_type, _, len) = FORMS[form];
            let mut bytes = if from_real_key {
                SecretKey::generate(key_type).public_key().to_bytes()
            } else {
                noise[..len].to_vec()
            };
            match sec1_tag {
                // Every SEC1 tag byte, valid or not, in front of a real x coordinate.
                Some(tag) if key_type == KeyType::P256 => bytes[0] = tag,
                _ => {
                    let at = usize::from(at) % len;
                    bytes[at] ^= flip;
                }
            }
            (form, bytes)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn multikey_decodes_only_from_its_own_encoding((form, bytes) in key_bytes()) {
        let (_, prefix, _) = FORMS[form];
        let mut multicodec = prefix.to_vec();
        multicodec.extend_from_slice(&bytes);
        let text = multibase::encode(multibase::Base::Base58Btc, &multicodec);
        if let Ok(key) = PublicKey::from_multikey(&text) {
            prop_assert_eq!(key.to_multikey(), text);
        }
    }

    #[test]
    fn jwk_decodes_only_from_its_own_encoding(
        (form, bytes) in key_bytes(),
        y in any::<[u8; 32]>(),
        use_real_y in any::<bool>(),
        uncompressed in any::<bool>(),
    ) {
        let (key_type, _, _) = FORMS[form];
        let (kty, crv) = match key_type {
            KeyType::Ed25519 => ("OKP", "Ed25519"),
            KeyType::X25519 => ("OKP", "X25519"),
            KeyType::P256 => ("EC", "P-256"),
        };
        let mut jwk = serde_json::json!({"kty": kty, "crv": crv});
        if key_type == KeyType::P256 {
            // An EC JWK carries x and y; take x from the bytes and y from a real point or noise.
            let x = bytes.get(1..).unwrap_or_default();
            let real = PublicKey::from_bytes(KeyType::P256, &bytes)
                .ok()
                .map(|key| key.to_jwk())
                .and_then(|jwk| jwk.y);
            let y = match (use_real_y, real) {
                (true, Some(real)) => real,
                _ => base64url::encode(&y),
            };
            jwk["x"] = base64url::encode(if uncompressed { x } else { &bytes }).into();
            jwk["y"] = y.into();
        } else {
            jwk["x"] = base64url::encode(&bytes).into();
        }
        let Ok(parsed) = serde_json::from_value::<Jwk>(jwk.clone()) else {
            return Ok(());
        };
        if let Ok(key) = PublicKey::from_jwk(&parsed) {
            let again = key.to_jwk();
            prop_assert_eq!(Some(again.x.as_deref()), Some(jwk["x"].as_str()));
            prop_assert_eq!(again.y.as_deref(), jwk.get("y").and_then(|y| y.as_str()));
        }
    }
}
