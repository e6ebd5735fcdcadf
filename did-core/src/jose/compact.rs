//! The JWS Compact Serialization (RFC 7515 §7.1): signing, and decoding into an
//! [`UnverifiedJws`] that borrows its signing input from the token.
//!
//! The three base64url segments are split and decoded here rather than through josekit. Its
//! `JwsSigner` must clone itself into a `'static` box, which a borrowed `&dyn Signer` (a KMS
//! handle, say) cannot do; its decoder copies every segment, picks the verifier from the
//! header through a selector, and reports errors as untyped `anyhow` chains. Here the signing
//! input stays a slice of the token, so batch verification needs no copy, and every refusal is
//! a [`JoseError`]. The framing is small; the rules that matter live in `header.rs` and
//! `verify.rs`, and the tests check interoperability against josekit's own implementation.

use serde_json::{Map, Value};

use super::algorithm::SIGNATURE_LEN;
use super::{Algorithm, AlgorithmPolicy, JoseError, Signer, header};
use crate::base64url;
use crate::key::PublicKey;

/// The longest compact JWS accepted or produced: 1 MiB, far above any credential avid
/// handles, and a bound on the work a hostile token can cause.
pub const MAX_JWS_LEN: usize = 1 << 20;

/// A JWS that has been verified: its header, its payload and the algorithm that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedJws {
    /// The JOSE Header, members in their order.
    pub header: Map<String, Value>,
    /// The payload bytes (for a JWT, the JSON Claims Set).
    pub payload: Vec<u8>,
    /// The algorithm the signature was verified with.
    pub algorithm: Algorithm,
}

/// A compact JWS that has been parsed but NOT verified.
///
/// Its header has passed every rule that does not need the key: it is a JSON object without
/// duplicate names, `alg` is supported and in the policy, `crit` and `b64` are acceptable. The
/// signature has the algorithm's length. Nothing here may be trusted until
/// [`verify`](Self::verify) succeeds; the parts are exposed so that the caller can find the
/// key (from `kid`, say) and so that many Ed25519 signatures can be checked in one batch.
#[derive(Debug, Clone)]
pub struct UnverifiedJws<'a> {
    header: Map<String, Value>,
    payload: Vec<u8>,
    signing_input: &'a [u8],
    signature: [u8; SIGNATURE_LEN],
    algorithm: Algorithm,
}

impl<'a> UnverifiedJws<'a> {
    /// The JOSE Header (unverified).
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The decoded payload (unverified).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The JWS Signing Input, `b64url(header).b64url(payload)`, borrowed from the token
    /// (RFC 7515 §5.2 step 8).
    pub fn signing_input(&self) -> &'a [u8] {
        self.signing_input
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The header's algorithm, already checked against the policy.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Verifies the signature under `key`, which must be of the algorithm's key type.
    pub fn verify(self, key: &PublicKey) -> Result<VerifiedJws, JoseError> {
        key.verify(self.algorithm, self.signing_input, &self.signature)?;
        Ok(self.into_verified())
    }

    /// The signature as the fixed-size array batch verification takes.
    pub(crate) fn signature_array(&self) -> &[u8; SIGNATURE_LEN] {
        &self.signature
    }

    /// The verified form, for a caller that has just checked the signature.
    pub(crate) fn into_verified(self) -> VerifiedJws {
        VerifiedJws {
            header: self.header,
            payload: self.payload,
            algorithm: self.algorithm,
        }
    }
}

/// Signs `payload` as a compact JWS (RFC 7515 §7.1).
///
/// The header is `alg` (the signer's algorithm, RFC 7515 §4.1.1) followed by the members of
/// `header` in their order; an `alg` in `header` is replaced. A header avid would refuse to
/// verify (`"b64": false`, a `crit` it does not understand) is refused here too, and so is a
/// signer whose algorithm does not fit its own key or whose signature has the wrong length.
pub fn sign_compact(
    header: &Map<String, Value>,
    payload: &[u8],
    signer: &dyn Signer,
) -> Result<String, JoseError> {
    let algorithm = signer.algorithm();
    let key_type = signer.public_key().key_type();
    if algorithm.key_type() != key_type {
        return Err(JoseError::AlgorithmKeyMismatch {
            algorithm,
            key_type,
        });
    }
    let mut members = Map::with_capacity(header.len() + 1);
    members.insert("alg".to_owned(), Value::String(algorithm.name().to_owned()));
    for (name, value) in header {
        if name != "alg" {
            members.insert(name.clone(), value.clone());
        }
    }
    header::check_extensions(&members)?;
    let header_json = serde_json::to_vec(&members)
        .map_err(|err| JoseError::Malformed(format!("header does not serialize: {err}")))?;

    let len = base64url::encoded_len(header_json.len())
        + 1
        + base64url::encoded_len(payload.len())
        + 1
        + base64url::encoded_len(SIGNATURE_LEN);
    if len > MAX_JWS_LEN {
        return Err(JoseError::TooLarge {
            max: MAX_JWS_LEN,
            got: len,
        });
    }
    let mut jws = String::with_capacity(len);
    base64url::encode_to(&header_json, &mut jws);
    jws.push('.');
    base64url::encode_to(payload, &mut jws);
    let signature = signer.sign(jws.as_bytes())?;
    if signature.len() != SIGNATURE_LEN {
        return Err(JoseError::SignatureLength {
            algorithm,
            expected: SIGNATURE_LEN,
            got: signature.len(),
        });
    }
    jws.push('.');
    base64url::encode_to(&signature, &mut jws);
    Ok(jws)
}

/// Parses a compact JWS without verifying it (RFC 7515 §5.2 steps 1–7).
///
/// Refused: a token over [`MAX_JWS_LEN`]; anything but three base64url segments (a JWE's five
/// included); a header that is not a JSON object, repeats a member, lacks `alg`, names an
/// algorithm outside `policy` (`none` and `HS*` always), marks an extension critical that avid
/// does not understand, or asks for an unencoded payload; a signature of the wrong length.
pub fn decode_compact<'a>(
    jws: &'a str,
    policy: &AlgorithmPolicy,
) -> Result<UnverifiedJws<'a>, JoseError> {
    if jws.len() > MAX_JWS_LEN {
        return Err(JoseError::TooLarge {
            max: MAX_JWS_LEN,
            got: jws.len(),
        });
    }
    let three_parts = || {
        JoseError::Malformed(format!(
            "a compact JWS has 3 parts separated by '.', this has {}",
            jws.split('.').count()
        ))
    };
    let (signing_input, signature_b64) = jws.rsplit_once('.').ok_or_else(three_parts)?;
    let (header_b64, payload_b64) = signing_input.split_once('.').ok_or_else(three_parts)?;
    if payload_b64.contains('.') {
        return Err(three_parts());
    }

    let header_json = base64url::decode(header_b64).ok_or_else(|| {
        JoseError::Malformed("the header is not base64url without padding".to_owned())
    })?;
    let header = header::parse_json_object(&header_json)?;
    let algorithm = header::check(&header, policy)?;

    let signature = base64url::decode_array::<SIGNATURE_LEN>(signature_b64).ok_or_else(|| {
        match base64url::decode(signature_b64) {
            Some(bytes) => JoseError::SignatureLength {
                algorithm,
                expected: SIGNATURE_LEN,
                got: bytes.len(),
            },
            None => {
                JoseError::Malformed("the signature is not base64url without padding".to_owned())
            }
        }
    })?;
    let payload = base64url::decode(payload_b64).ok_or_else(|| {
        JoseError::Malformed("the payload is not base64url without padding".to_owned())
    })?;
    Ok(UnverifiedJws {
        header,
        payload,
        signing_input: signing_input.as_bytes(),
        signature,
        algorithm,
    })
}

/// Decodes and verifies a compact JWS under `key` in one step.
///
/// The key decides: an Ed25519 key verifies only `Ed25519`/`EdDSA`, a P-256 key only `ES256`,
/// whatever the header says; and the header's own key hints (`jwk`, `jku`, `kid`, `x5u`,
/// `x5c`) are never used to pick the key.
pub fn verify_compact(
    jws: &str,
    key: &PublicKey,
    policy: &AlgorithmPolicy,
) -> Result<VerifiedJws, JoseError> {
    decode_compact(jws, policy)?.verify(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyType, SecretKey};

    fn header(json: Value) -> Map<String, Value> {
        match json {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn sign(key: &SecretKey, algorithm: Algorithm, payload: &[u8]) -> String {
        let signer = key.signer(algorithm).expect("fits");
        sign_compact(&header(serde_json::json!({"typ": "JWT"})), payload, &signer).expect("signs")
    }

    /// The token with one segment replaced.
    fn with_segment(jws: &str, index: usize, segment: &str) -> String {
        let mut parts: Vec<&str> = jws.split('.').collect();
        if let Some(part) = parts.get_mut(index) {
            *part = segment;
        }
        parts.join(".")
    }

    /// A token whose header is `json`, signed properly by `key` under `algorithm`: only the
    /// header rules can refuse it.
    fn forged_header(key: &SecretKey, algorithm: Algorithm, json: &str) -> String {
        let signer = key.signer(algorithm).expect("fits");
        let mut jws = base64url::encode(json.as_bytes());
        jws.push('.');
        jws.push_str(&base64url::encode(b"{}"));
        let signature = signer.sign(jws.as_bytes()).expect("signs");
        format!("{jws}.{}", base64url::encode(&signature))
    }

    #[test]
    fn round_trips_each_algorithm() {
        for (key_type, algorithm) in [
            (KeyType::Ed25519, Algorithm::Ed25519),
            (KeyType::Ed25519, Algorithm::EdDsa),
            (KeyType::P256, Algorithm::Es256),
        ] {
            let key = SecretKey::generate(key_type);
            let jws = sign(&key, algorithm, b"{\"sub\":\"me\"}");
            let verified = verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default())
                .expect("verifies");
            assert_eq!(verified.payload, b"{\"sub\":\"me\"}");
            assert_eq!(verified.algorithm, algorithm);
            let names: Vec<&str> = verified.header.keys().map(String::as_str).collect();
            assert_eq!(names, ["alg", "typ"]);
        }
    }

    #[test]
    fn header_keeps_member_order_and_alg_comes_from_signer() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let given = header(serde_json::json!({"typ": "dc+sd-jwt", "alg": "none", "kid": "k"}));
        let jws = sign_compact(&given, b"p", &signer).expect("signs");
        let header_b64 = jws.split('.').next().unwrap_or_default();
        let header_json = base64url::decode(header_b64).expect("base64url");
        assert_eq!(
            header_json,
            br#"{"alg":"Ed25519","typ":"dc+sd-jwt","kid":"k"}"#
        );
    }

    #[test]
    fn exposes_parts_of_unverified_jws() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::EdDsa, b"payload");
        let unverified = decode_compact(&jws, &AlgorithmPolicy::default()).expect("decodes");
        let dot = jws.rfind('.').unwrap_or_default();
        assert_eq!(
            unverified.signing_input(),
            jws.get(..dot).unwrap_or_default().as_bytes()
        );
        assert_eq!(unverified.payload(), b"payload");
        assert_eq!(unverified.algorithm(), Algorithm::EdDsa);
        assert_eq!(unverified.signature().len(), 64);
        assert_eq!(
            unverified.header().get("typ"),
            Some(&Value::String("JWT".to_owned()))
        );
    }

    #[test]
    fn rejects_alg_none() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::EdDsa, b"{}");
        // The classic forgery: "alg":"none" and an empty signature.
        let none = format!(
            "{}.{}.",
            base64url::encode(br#"{"alg":"none"}"#),
            jws.split('.').nth(1).unwrap_or_default()
        );
        assert_eq!(
            verify_compact(&none, &key.public_key(), &AlgorithmPolicy::default())
                .map(|v| v.payload),
            Err(JoseError::AlgorithmNotAllowed("none".to_owned()))
        );
    }

    #[test]
    fn rejects_alg_none_as_not_allowed_whatever_the_signature_part() {
        // The header says why the token is refused, so the verdict is the algorithm, never a
        // complaint about the empty (or missing, or garbage) signature that `none` implies.
        let key = SecretKey::generate(KeyType::Ed25519);
        let header = base64url::encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = base64url::encode(br#"{"sub":"x"}"#);
        for token in [
            format!("{header}.{payload}."),
            format!("{header}.."),
            format!("{header}.{payload}.AAAA"),
            format!("{header}.{payload}.not*base64"),
            format!("{header}.not*base64."),
        ] {
            assert_eq!(
                decode_compact(&token, &AlgorithmPolicy::default()).map(|_| ()),
                Err(JoseError::AlgorithmNotAllowed("none".to_owned())),
                "{token}"
            );
            assert_eq!(
                verify_compact(&token, &key.public_key(), &AlgorithmPolicy::default()).map(|_| ()),
                Err(JoseError::AlgorithmNotAllowed("none".to_owned())),
                "{token}"
            );
        }
    }

    #[test]
    fn rejects_hs256_with_public_key_as_secret() {
        // The key confusion attack: the token is a genuine HS256 JWS whose HMAC key is the
        // verifier's public key. josekit (a verifier that trusts the header) accepts it.
        let key = SecretKey::generate(KeyType::Ed25519);
        let public = key.public_key();
        let mut jws_header = josekit::jws::JwsHeader::new();
        jws_header.set_token_type("JWT");
        for secret in [
            public.to_bytes(),
            serde_json::to_vec(&public.to_jwk()).unwrap_or_default(),
        ] {
            let signer = josekit::jws::HS256
                .signer_from_bytes(&secret)
                .expect("HMAC key");
            let token = josekit::jws::serialize_compact(b"{\"admin\":true}", &jws_header, &signer)
                .expect("signs");
            let verifier = josekit::jws::HS256
                .verifier_from_bytes(&secret)
                .expect("HMAC key");
            assert!(josekit::jws::deserialize_compact(&token, &verifier).is_ok());

            assert_eq!(
                verify_compact(&token, &public, &AlgorithmPolicy::default()).map(|v| v.payload),
                Err(JoseError::AlgorithmNotAllowed("HS256".to_owned()))
            );
        }
    }

    #[test]
    fn rejects_header_jwk_substitution() {
        // The attacker signs with their own key and puts its public JWK in the header; the
        // verifier was given the real key and uses it.
        let real = SecretKey::generate(KeyType::Ed25519).public_key();
        let attacker = SecretKey::generate(KeyType::Ed25519);
        let signer = attacker.signer(Algorithm::EdDsa).expect("fits");
        let mut members = Map::new();
        for (name, value) in [
            (
                "jwk",
                serde_json::to_value(attacker.public_key().to_jwk()).unwrap_or_default(),
            ),
            ("kid", Value::String(attacker.public_key().to_multikey())),
            (
                "jku",
                Value::String("https://attacker.example/jwks".to_owned()),
            ),
            (
                "x5u",
                Value::String("https://attacker.example/cert".to_owned()),
            ),
        ] {
            members.insert(name.to_owned(), value);
        }
        let jws = sign_compact(&members, b"{}", &signer).expect("signs");
        assert_eq!(
            verify_compact(&jws, &real, &AlgorithmPolicy::default()).map(|v| v.payload),
            Err(JoseError::BadSignature)
        );
    }

    #[test]
    fn rejects_es256_with_ed25519_key() {
        let p256 = SecretKey::generate(KeyType::P256);
        let ed = SecretKey::generate(KeyType::Ed25519).public_key();
        let jws = sign(&p256, Algorithm::Es256, b"{}");
        assert_eq!(
            verify_compact(&jws, &ed, &AlgorithmPolicy::default()).map(|v| v.payload),
            Err(JoseError::AlgorithmKeyMismatch {
                algorithm: Algorithm::Es256,
                key_type: KeyType::Ed25519
            })
        );
    }

    #[test]
    fn rejects_alg_switched_to_eddsa_for_p256_key() {
        let ed = SecretKey::generate(KeyType::Ed25519);
        let p256 = SecretKey::generate(KeyType::P256).public_key();
        let jws = sign(&ed, Algorithm::EdDsa, b"{}");
        assert!(matches!(
            verify_compact(&jws, &p256, &AlgorithmPolicy::default()),
            Err(JoseError::AlgorithmKeyMismatch { .. })
        ));
    }

    #[test]
    fn rejects_tampered_payload() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::Ed25519, br#"{"admin":false}"#);
        let tampered = with_segment(&jws, 1, &base64url::encode(br#"{"admin":true}"#));
        assert_eq!(
            verify_compact(&tampered, &key.public_key(), &AlgorithmPolicy::default())
                .map(|v| v.payload),
            Err(JoseError::BadSignature)
        );
    }

    #[test]
    fn rejects_tampered_header() {
        let key = SecretKey::generate(KeyType::P256);
        let jws = sign(&key, Algorithm::Es256, b"{}");
        let tampered = with_segment(
            &jws,
            0,
            &base64url::encode(br#"{"alg":"ES256","typ":"JOSE"}"#),
        );
        assert_eq!(
            verify_compact(&tampered, &key.public_key(), &AlgorithmPolicy::default())
                .map(|v| v.payload),
            Err(JoseError::BadSignature)
        );
    }

    #[test]
    fn rejects_truncated_signature() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::Ed25519, b"{}");
        let signature =
            base64url::decode(jws.split('.').nth(2).unwrap_or_default()).unwrap_or_default();
        let truncated = with_segment(
            &jws,
            2,
            &base64url::encode(signature.get(..60).unwrap_or_default()),
        );
        assert_eq!(
            verify_compact(&truncated, &key.public_key(), &AlgorithmPolicy::default())
                .map(|v| v.payload),
            Err(JoseError::SignatureLength {
                algorithm: Algorithm::Ed25519,
                expected: 64,
                got: 60
            })
        );
        let empty = with_segment(&jws, 2, "");
        assert!(matches!(
            verify_compact(&empty, &key.public_key(), &AlgorithmPolicy::default()),
            Err(JoseError::SignatureLength { got: 0, .. })
        ));
    }

    #[test]
    fn rejects_der_es256_signature() {
        let key = SecretKey::generate(KeyType::P256);
        let jws = sign(&key, Algorithm::Es256, b"{}");
        let raw = base64url::decode(jws.split('.').nth(2).unwrap_or_default()).unwrap_or_default();
        let der = p256::ecdsa::Signature::from_slice(&raw)
            .expect("R || S")
            .to_der();
        let with_der = with_segment(&jws, 2, &base64url::encode(der.as_bytes()));
        assert_eq!(
            verify_compact(&with_der, &key.public_key(), &AlgorithmPolicy::default())
                .map(|v| v.payload),
            Err(JoseError::SignatureLength {
                algorithm: Algorithm::Es256,
                expected: 64,
                got: der.as_bytes().len()
            })
        );
    }

    #[test]
    fn rejects_unknown_crit() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = forged_header(
            &key,
            Algorithm::EdDsa,
            r#"{"alg":"EdDSA","crit":["urn:x:policy"],"urn:x:policy":"strict"}"#,
        );
        assert_eq!(
            verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default()).map(|v| v.payload),
            Err(JoseError::UnsupportedCritical("urn:x:policy".to_owned()))
        );
    }

    #[test]
    fn rejects_duplicate_header_member() {
        // Signed correctly; a parser keeping the first "alg" would see EdDSA, the last none.
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = forged_header(&key, Algorithm::EdDsa, r#"{"alg":"EdDSA","alg":"none"}"#);
        assert_eq!(
            verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default()).map(|v| v.payload),
            Err(JoseError::DuplicateMember("alg".to_owned()))
        );
    }

    #[test]
    fn rejects_unencoded_payload() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = forged_header(
            &key,
            Algorithm::EdDsa,
            r#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#,
        );
        assert_eq!(
            verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default()).map(|v| v.payload),
            Err(JoseError::UnencodedPayload)
        );
        let signer = key.signer(Algorithm::EdDsa).expect("fits");
        let members = header(serde_json::json!({"b64": false, "crit": ["b64"]}));
        assert_eq!(
            sign_compact(&members, b"{}", &signer),
            Err(JoseError::UnencodedPayload)
        );
    }

    #[test]
    fn rejects_header_that_is_not_an_object() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = forged_header(&key, Algorithm::EdDsa, r#"["alg","EdDSA"]"#);
        assert!(matches!(
            verify_compact(&jws, &key.public_key(), &AlgorithmPolicy::default()),
            Err(JoseError::Malformed(_))
        ));
    }

    #[test]
    fn rejects_alg_outside_policy() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::EdDsa, b"{}");
        let only_new_name = AlgorithmPolicy::new(&[Algorithm::Ed25519]);
        assert_eq!(
            verify_compact(&jws, &key.public_key(), &only_new_name).map(|v| v.payload),
            Err(JoseError::AlgorithmNotAllowed("EdDSA".to_owned()))
        );
    }

    #[test]
    fn rejects_wrong_number_of_parts() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::EdDsa, b"{}");
        let policy = AlgorithmPolicy::default();
        for bad in [
            String::new(),
            "abc".to_owned(),
            jws.rsplit_once('.')
                .map(|(input, _)| input.to_owned())
                .unwrap_or_default(),
            format!("{jws}.extra"),
            format!("{jws}.iv.tag"),
        ] {
            assert!(
                matches!(decode_compact(&bad, &policy), Err(JoseError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_non_base64url_segments() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let jws = sign(&key, Algorithm::EdDsa, b"{}");
        let policy = AlgorithmPolicy::default();
        let parts: Vec<&str> = jws.split('.').collect();
        for (index, part) in parts.iter().enumerate() {
            for bad in [
                format!("{part}="),
                format!(" {part}"),
                part.replace('-', "+"),
            ] {
                if bad == *part {
                    continue;
                }
                assert!(
                    matches!(
                        decode_compact(&with_segment(&jws, index, &bad), &policy),
                        Err(JoseError::Malformed(_))
                    ),
                    "segment {index}: {bad}"
                );
            }
        }
    }

    #[test]
    fn rejects_oversized_jws_before_parsing() {
        let huge = "a".repeat(MAX_JWS_LEN + 1);
        assert_eq!(
            decode_compact(&huge, &AlgorithmPolicy::default()).map(|j| j.algorithm()),
            Err(JoseError::TooLarge {
                max: MAX_JWS_LEN,
                got: MAX_JWS_LEN + 1
            })
        );
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::EdDsa).expect("fits");
        assert!(matches!(
            sign_compact(&Map::new(), &vec![0; MAX_JWS_LEN], &signer),
            Err(JoseError::TooLarge { .. })
        ));
    }

    /// A signer that lies: an ES256 algorithm over an Ed25519 key, or a short signature.
    struct BrokenSigner {
        algorithm: Algorithm,
        key: SecretKey,
        truncate: bool,
    }

    impl Signer for BrokenSigner {
        fn algorithm(&self) -> Algorithm {
            self.algorithm
        }
        fn public_key(&self) -> PublicKey {
            self.key.public_key()
        }
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JoseError> {
            let mut signature = self.key.signer(Algorithm::Ed25519)?.sign(message)?;
            if self.truncate {
                signature.truncate(32);
            }
            Ok(signature)
        }
    }

    #[test]
    fn rejects_signer_whose_algorithm_does_not_fit_its_key() {
        let signer = BrokenSigner {
            algorithm: Algorithm::Es256,
            key: SecretKey::generate(KeyType::Ed25519),
            truncate: false,
        };
        assert!(matches!(
            sign_compact(&Map::new(), b"{}", &signer),
            Err(JoseError::AlgorithmKeyMismatch { .. })
        ));
    }

    #[test]
    fn rejects_signer_returning_short_signature() {
        let signer = BrokenSigner {
            algorithm: Algorithm::Ed25519,
            key: SecretKey::generate(KeyType::Ed25519),
            truncate: true,
        };
        assert!(matches!(
            sign_compact(&Map::new(), b"{}", &signer),
            Err(JoseError::SignatureLength { got: 32, .. })
        ));
    }

    #[test]
    fn interoperates_with_josekit_eddsa() {
        // Our EdDSA JWS verifies under josekit's (OpenSSL) verifier, and josekit's under ours.
        let key = SecretKey::generate(KeyType::Ed25519);
        let public_jwk = serde_json::to_vec(&key.public_key().to_jwk()).unwrap_or_default();
        let secret_jwk = serde_json::to_vec(&key.to_jwk()).unwrap_or_default();
        let their_jwk = josekit::jwk::Jwk::from_bytes(&public_jwk).expect("josekit reads our JWK");
        let their_secret =
            josekit::jwk::Jwk::from_bytes(&secret_jwk).expect("josekit reads our JWK");

        let ours = sign(&key, Algorithm::EdDsa, b"from avid");
        let verifier = josekit::jws::EdDSA
            .verifier_from_jwk(&their_jwk)
            .expect("verifier");
        let (payload, _) = josekit::jws::deserialize_compact(&ours, &verifier).expect("verifies");
        assert_eq!(payload, b"from avid");

        let signer = josekit::jws::EdDSA
            .signer_from_jwk(&their_secret)
            .expect("signer");
        let theirs = josekit::jws::serialize_compact(
            b"from josekit",
            &josekit::jws::JwsHeader::new(),
            &signer,
        )
        .expect("signs");
        let verified = verify_compact(&theirs, &key.public_key(), &AlgorithmPolicy::default())
            .expect("verifies");
        assert_eq!(verified.payload, b"from josekit");
    }

    #[test]
    fn interoperates_with_josekit_es256() {
        let key = SecretKey::generate(KeyType::P256);
        let public_jwk = serde_json::to_vec(&key.public_key().to_jwk()).unwrap_or_default();
        let secret_jwk = serde_json::to_vec(&key.to_jwk()).unwrap_or_default();
        let their_jwk = josekit::jwk::Jwk::from_bytes(&public_jwk).expect("josekit reads our JWK");
        let their_secret =
            josekit::jwk::Jwk::from_bytes(&secret_jwk).expect("josekit reads our JWK");

        let ours = sign(&key, Algorithm::Es256, b"from avid");
        let verifier = josekit::jws::ES256
            .verifier_from_jwk(&their_jwk)
            .expect("verifier");
        let (payload, _) = josekit::jws::deserialize_compact(&ours, &verifier).expect("verifies");
        assert_eq!(payload, b"from avid");

        let signer = josekit::jws::ES256
            .signer_from_jwk(&their_secret)
            .expect("signer");
        let theirs = josekit::jws::serialize_compact(
            b"from josekit",
            &josekit::jws::JwsHeader::new(),
            &signer,
        )
        .expect("signs");
        let verified = verify_compact(&theirs, &key.public_key(), &AlgorithmPolicy::default())
            .expect("verifies");
        assert_eq!(verified.payload, b"from josekit");
    }

    #[test]
    fn verifies_rfc7515_appendix_a3_es256_example() {
        // RFC 7515 Appendix A.3: the ES256 example key, JWS Signing Input and signature.
        let jwk: crate::key::Jwk = serde_json::from_value(serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
        }))
        .expect("RFC JWK");
        let key = PublicKey::from_jwk(&jwk).expect("RFC key");
        let jws = concat!(
            "eyJhbGciOiJFUzI1NiJ9",
            ".",
            "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
            ".",
            "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
        );
        let verified =
            verify_compact(jws, &key, &AlgorithmPolicy::default()).expect("RFC example verifies");
        assert_eq!(verified.algorithm, Algorithm::Es256);
        assert_eq!(
            verified.payload,
            b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
        );
    }
}
