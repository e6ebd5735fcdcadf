//! RFC vectors for keys and JOSE: RFC 8037 Appendix A (Ed25519 and X25519 JWKs, thumbprint,
//! EdDSA signing and validation, X25519 agreement) and RFC 7638 §3.1 (thumbprint of an RSA
//! key), each loaded from `vectors/` where its source is named.

use did_core::jose::{self, Algorithm, AlgorithmPolicy, JoseError};
use did_core::key::{Jwk, KeyType, PublicKey, SecretJwk, SecretKey};
use serde_json::Value;

const RFC8037: &str = include_str!("../vectors/rfc8037-appendix-a.json");
const RFC7638: &str = include_str!("../vectors/rfc7638-3.1.json");

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("vector has string {pointer}"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex"))
        .collect()
}

fn public_jwk(value: &Value, pointer: &str) -> Jwk {
    serde_json::from_value(value.pointer(pointer).cloned().expect("vector JWK")).expect("JWK")
}

fn b64url(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .expect("vector base64url")
}

#[test]
fn rfc8037_a1_private_key() {
    let v = vectors(RFC8037);
    let jwk: SecretJwk =
        serde_json::from_value(v["a1_private_key"].clone()).expect("A.1 is a private JWK");
    let secret = SecretKey::from_jwk(&jwk).expect("A.1 key is valid");
    assert_eq!(secret.key_type(), KeyType::Ed25519);
    assert_eq!(*secret.to_bytes(), hex(text(&v, "/a1_private_key_hex")));
    assert_eq!(
        secret.public_key().to_bytes(),
        hex(text(&v, "/a1_public_key_hex"))
    );
    // Our own private JWK of the key has the RFC's members.
    let ours = serde_json::to_value(secret.to_jwk()).expect("serializes");
    for member in ["kty", "crv", "d", "x"] {
        assert_eq!(ours[member], v["a1_private_key"][member], "{member}");
    }
}

#[test]
fn rfc8037_a2_public_key() {
    let v = vectors(RFC8037);
    let jwk = public_jwk(&v, "/a2_public_key");
    let public = PublicKey::from_jwk(&jwk).expect("A.2 key is valid");
    assert_eq!(public.to_bytes(), hex(text(&v, "/a1_public_key_hex")));
    assert_eq!(public.to_jwk(), jwk);
}

#[test]
fn rfc8037_a2_public_key_refuses_the_a1_private_key() {
    // A.1 carries `d`: read where a public key is expected, it is refused (RFC 7517 §4).
    let v = vectors(RFC8037);
    let err = serde_json::from_value::<Jwk>(v["a1_private_key"].clone())
        .expect_err("a private JWK is not a public JWK");
    assert!(!err.to_string().contains(text(&v, "/a1_private_key/d")));
}

#[test]
fn rfc8037_a3_thumbprint() {
    let v = vectors(RFC8037);
    let jwk = public_jwk(&v, "/a2_public_key");
    assert_eq!(
        jwk.thumbprint_input().expect("OKP"),
        text(&v, "/a3_thumbprint/canonical_json")
    );
    let thumbprint = jwk.thumbprint().expect("OKP");
    assert_eq!(thumbprint, text(&v, "/a3_thumbprint/thumbprint"));
    assert_eq!(
        b64url(&thumbprint),
        hex(text(&v, "/a3_thumbprint/sha256_hex"))
    );
    assert_eq!(
        jwk.thumbprint_uri().expect("OKP"),
        format!(
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:{}",
            text(&v, "/a3_thumbprint/thumbprint")
        )
    );
}

#[test]
fn rfc8037_a4_signing_produces_the_exact_jws() {
    let v = vectors(RFC8037);
    let jwk: SecretJwk = serde_json::from_value(v["a1_private_key"].clone()).expect("A.1");
    let secret = SecretKey::from_jwk(&jwk).expect("A.1 key is valid");
    let signer = secret
        .signer(Algorithm::EdDsa)
        .expect("Ed25519 signs EdDSA");
    let header = jose::parse_json_object(text(&v, "/a4_signing/protected_header").as_bytes())
        .expect("A.4 header");
    let jws = jose::sign_compact(&header, text(&v, "/a4_signing/payload").as_bytes(), &signer)
        .expect("signs");
    assert_eq!(jws, text(&v, "/a4_signing/jws"));
    assert!(jws.starts_with(text(&v, "/a4_signing/signing_input")));
}

#[test]
fn rfc8037_a5_validation() {
    let v = vectors(RFC8037);
    assert_eq!(text(&v, "/a5_validation/public_key"), "a2_public_key");
    let public = PublicKey::from_jwk(&public_jwk(&v, "/a2_public_key")).expect("A.2");
    let jws = text(&v, "/a5_validation/jws");
    let verified =
        jose::verify_compact(jws, &public, &AlgorithmPolicy::default()).expect("A.5 verifies");
    assert_eq!(verified.algorithm, Algorithm::EdDsa);
    assert_eq!(verified.payload, text(&v, "/a4_signing/payload").as_bytes());

    let unverified = jose::decode_compact(jws, &AlgorithmPolicy::default()).expect("decodes");
    assert_eq!(
        unverified.signing_input(),
        text(&v, "/a4_signing/signing_input").as_bytes()
    );
}

#[test]
fn rfc8037_a5_validation_refuses_altered_tokens() {
    let v = vectors(RFC8037);
    let public = PublicKey::from_jwk(&public_jwk(&v, "/a2_public_key")).expect("A.2");
    let jws = text(&v, "/a5_validation/jws");
    let policy = AlgorithmPolicy::default();

    // One bit of the payload changed ("Example" -> "Exbmple").
    let tampered = jws.replacen("RXhhbXBsZS", "RXhibXBsZS", 1);
    assert_ne!(tampered, jws);
    assert_eq!(
        jose::verify_compact(&tampered, &public, &policy).map(|v| v.payload),
        Err(JoseError::BadSignature)
    );

    // The same signature relabelled with the RFC 9864 name signs a different header.
    let relabelled = jws.replacen("eyJhbGciOiJFZERTQSJ9", "eyJhbGciOiJFZDI1NTE5In0", 1);
    assert_eq!(
        jose::verify_compact(&relabelled, &public, &policy).map(|v| v.payload),
        Err(JoseError::BadSignature)
    );

    // A verifier that allows only the fully-specified name refuses the legacy one.
    assert_eq!(
        jose::verify_compact(jws, &public, &AlgorithmPolicy::new(&[Algorithm::Ed25519]))
            .map(|v| v.payload),
        Err(JoseError::AlgorithmNotAllowed("EdDSA".to_owned()))
    );

    // Another key does not verify it.
    let other = SecretKey::generate(KeyType::Ed25519).public_key();
    assert_eq!(
        jose::verify_compact(jws, &other, &policy).map(|v| v.payload),
        Err(JoseError::BadSignature)
    );
}

#[test]
fn rfc8037_a6_x25519_keys_and_agreement() {
    let v = vectors(RFC8037);
    let recipient = PublicKey::from_jwk(&public_jwk(&v, "/a6_ecdh_es_x25519/recipient_public_key"))
        .expect("A.6 recipient key");
    assert_eq!(recipient.key_type(), KeyType::X25519);
    assert_eq!(
        recipient.to_bytes(),
        hex(text(&v, "/a6_ecdh_es_x25519/recipient_public_key_hex"))
    );

    let ephemeral = SecretKey::from_bytes(
        KeyType::X25519,
        &hex(text(&v, "/a6_ecdh_es_x25519/ephemeral_secret_hex")),
    )
    .expect("A.6 ephemeral secret");
    let ephemeral_public = ephemeral.public_key();
    assert_eq!(
        ephemeral_public.to_bytes(),
        hex(text(&v, "/a6_ecdh_es_x25519/ephemeral_public_key_hex"))
    );
    assert_eq!(
        ephemeral_public.to_jwk(),
        public_jwk(&v, "/a6_ecdh_es_x25519/ephemeral_public_key")
    );

    let (SecretKey::X25519(secret), PublicKey::X25519(public)) = (&ephemeral, &recipient) else {
        panic!("A.6 keys are X25519");
    };
    assert_eq!(
        secret.diffie_hellman(public).as_bytes().to_vec(),
        hex(text(&v, "/a6_ecdh_es_x25519/shared_secret_z_hex"))
    );
}

#[test]
fn rfc7638_3_1_thumbprint_of_rsa_key() {
    let v = vectors(RFC7638);
    let jwk = public_jwk(&v, "/jwk");
    assert_eq!(
        jwk.thumbprint_input().expect("RSA members present"),
        text(&v, "/canonical_json")
    );
    let thumbprint = jwk.thumbprint().expect("RSA members present");
    assert_eq!(thumbprint, text(&v, "/thumbprint"));
    let octets: Vec<u8> = v["sha256_octets"]
        .as_array()
        .expect("octets")
        .iter()
        .map(|o| {
            o.as_u64()
                .and_then(|o| u8::try_from(o).ok())
                .expect("octet")
        })
        .collect();
    assert_eq!(b64url(&thumbprint), octets);
}

#[test]
fn rfc7638_3_1_optional_members_do_not_change_the_thumbprint() {
    let v = vectors(RFC7638);
    let mut jwk = public_jwk(&v, "/jwk");
    jwk.alg = None;
    jwk.kid = None;
    assert_eq!(jwk.thumbprint().as_deref(), Ok(text(&v, "/thumbprint")));
    // But a required member does.
    jwk.additional
        .insert("e".to_owned(), Value::String("AQAC".to_owned()));
    assert_ne!(jwk.thumbprint().as_deref(), Ok(text(&v, "/thumbprint")));
}

#[test]
fn rfc7638_3_1_rsa_key_is_not_usable_as_a_public_key() {
    // avid thumbprints RSA keys but does not verify with them.
    let v = vectors(RFC7638);
    let jwk = public_jwk(&v, "/jwk");
    assert!(PublicKey::from_jwk(&jwk).is_err());
}
