//! Signature verification under a public key, one JWS at a time or many Ed25519 JWS at once.
//!
//! Ed25519 is verified with ed25519-dalek's `verify`, the cofactorless check that RFC 8032
//! §5.1.7 allows, which also refuses a non-canonical S (S ≥ L, the scalar malleability) and,
//! by comparing encodings, a non-canonical R. What it would accept and `verify_strict`
//! refuses comes from small-order points: a small-order public key A, under which one
//! signature verifies for almost every message, is refused here too — when the key is parsed
//! (`PublicKey::from_*`) and again before every verification. A small-order component in R is
//! the one case left, and only the holder of the secret key can produce it, so it forges
//! nothing. `verify_strict` would refuse it at the price of one more point decompression, about
//! 15% of a verification, which is most of the overhead budget of `verify_compact`. The accept
//! set is then exactly that of `ssi` (which verifies with `verify`), minus weak keys.

use super::algorithm::SIGNATURE_LEN;
use super::{Algorithm, JoseError, UnverifiedJws, VerifiedJws};
use crate::key::PublicKey;

impl PublicKey {
    /// Verifies a JOSE signature over `message` with the algorithm the *key* allows: an
    /// Ed25519 key verifies only `Ed25519` and `EdDSA`, a P-256 key only `ES256`, an X25519
    /// key nothing. Any other pairing is refused before any arithmetic, so a header can never
    /// make a public key serve as an HMAC secret or switch curves.
    ///
    /// `signature` is in its JWS form: 64 bytes, R || S for ES256 (RFC 7518 §3.4). ES256
    /// accepts any valid S, high or low, as FIPS 186 and RFC 7518 do; ECDSA signatures are
    /// malleable, so never use their bytes as an identifier.
    pub fn verify(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), JoseError> {
        let length_error = || JoseError::SignatureLength {
            algorithm,
            expected: SIGNATURE_LEN,
            got: signature.len(),
        };
        match (self, algorithm) {
            (PublicKey::Ed25519(key), Algorithm::Ed25519 | Algorithm::EdDsa) => {
                use ed25519_dalek::Verifier as _;
                let bytes: &[u8; SIGNATURE_LEN] =
                    signature.try_into().map_err(|_| length_error())?;
                // The parsers refuse weak keys, but the enum can be built around any
                // `VerifyingKey`; this check costs three point doublings.
                if key.is_weak() {
                    return Err(JoseError::BadSignature);
                }
                key.verify(message, &ed25519_dalek::Signature::from_bytes(bytes))
                    .map_err(|_| JoseError::BadSignature)
            }
            (PublicKey::P256(key), Algorithm::Es256) => {
                use p256::ecdsa::signature::Verifier as _;
                if signature.len() != SIGNATURE_LEN {
                    return Err(length_error());
                }
                // RFC 7518 §3.4: R and S as 32-byte big-endian integers; `from_slice` also
                // refuses R or S of zero or not below the group order.
                let signature = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| JoseError::BadSignature)?;
                p256::ecdsa::VerifyingKey::from(key)
                    .verify(message, &signature)
                    .map_err(|_| JoseError::BadSignature)
            }
            _ => Err(JoseError::AlgorithmKeyMismatch {
                algorithm,
                key_type: self.key_type(),
            }),
        }
    }
}

/// Verifies many JWS at once, each under its own key, and returns one result per JWS in order.
///
/// The Ed25519 signatures are checked together with ed25519-dalek's batch verification, close
/// to twice as fast per signature for a few dozen; if the batch fails, each is checked alone so
/// that the results say which JWS are bad. Other signatures are checked one by one.
///
/// The batch equation is a random combination of the single one, so it accepts what
/// [`PublicKey::verify`] accepts; it may also accept a signature whose R its own signer built
/// with a small-order component, which single verification refuses. Only the key holder can
/// make such a signature, so a batch result says the same about who signed.
pub fn verify_batch<'a>(
    items: Vec<(UnverifiedJws<'a>, &PublicKey)>,
) -> Vec<Result<VerifiedJws, JoseError>> {
    let mut messages: Vec<&[u8]> = Vec::with_capacity(items.len());
    let mut signatures = Vec::with_capacity(items.len());
    let mut keys = Vec::with_capacity(items.len());
    // Whether each item is in the batch, decided once: `is_weak` costs three point doublings.
    let mut in_batch = Vec::with_capacity(items.len());
    for (jws, key) in &items {
        let batched = match (key, jws.algorithm()) {
            // A weak key would pass the batch equation for forged signatures; such keys go
            // through single verification, which refuses them.
            (PublicKey::Ed25519(key), Algorithm::Ed25519 | Algorithm::EdDsa) if !key.is_weak() => {
                messages.push(jws.signing_input());
                signatures.push(ed25519_dalek::Signature::from_bytes(jws.signature_array()));
                keys.push(*key);
                true
            }
            _ => false,
        };
        in_batch.push(batched);
    }
    let batch_ok =
        !messages.is_empty() && ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok();
    items
        .into_iter()
        .zip(in_batch)
        .map(|((jws, key), in_batch)| {
            if batch_ok && in_batch {
                Ok(jws.into_verified())
            } else {
                jws.verify(key)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::{AlgorithmPolicy, Signer, decode_compact, sign_compact};
    use crate::key::{KeyType, SecretKey};
    use serde_json::Map;

    fn signed(key: &SecretKey, algorithm: Algorithm, payload: &[u8]) -> String {
        let signer = key.signer(algorithm).expect("fits");
        sign_compact(&Map::new(), payload, &signer).expect("signs")
    }

    #[test]
    fn rejects_es256_with_ed25519_key() {
        let ed = SecretKey::generate(KeyType::Ed25519).public_key();
        assert_eq!(
            ed.verify(Algorithm::Es256, b"m", &[0; 64]),
            Err(JoseError::AlgorithmKeyMismatch {
                algorithm: Algorithm::Es256,
                key_type: KeyType::Ed25519
            })
        );
    }

    #[test]
    fn rejects_eddsa_with_p256_key() {
        let p = SecretKey::generate(KeyType::P256).public_key();
        assert!(matches!(
            p.verify(Algorithm::EdDsa, b"m", &[0; 64]),
            Err(JoseError::AlgorithmKeyMismatch { .. })
        ));
    }

    #[test]
    fn rejects_any_algorithm_with_x25519_key() {
        let x = SecretKey::generate(KeyType::X25519).public_key();
        for algorithm in Algorithm::ALL {
            assert!(matches!(
                x.verify(algorithm, b"m", &[0; 64]),
                Err(JoseError::AlgorithmKeyMismatch { .. })
            ));
        }
    }

    #[test]
    fn rejects_signature_from_another_key() {
        for (key_type, algorithm) in [
            (KeyType::Ed25519, Algorithm::Ed25519),
            (KeyType::P256, Algorithm::Es256),
        ] {
            let signer = SecretKey::generate(key_type)
                .signer(algorithm)
                .expect("fits");
            let other = SecretKey::generate(key_type).public_key();
            let signature = signer.sign(b"m").expect("signs");
            assert_eq!(
                other.verify(algorithm, b"m", &signature),
                Err(JoseError::BadSignature)
            );
        }
    }

    #[test]
    fn rejects_der_es256_signature() {
        let secret = SecretKey::generate(KeyType::P256);
        let PublicKey::P256(public) = secret.public_key() else {
            unreachable!("a P-256 key")
        };
        let SecretKey::P256(scalar) = &secret else {
            unreachable!("a P-256 key")
        };
        use p256::ecdsa::signature::Signer as _;
        let signature: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(scalar).sign(b"m");
        let der = signature.to_der();
        // The DER form verifies with p256 itself, so only its encoding is refused here.
        assert!(
            p256::ecdsa::signature::Verifier::verify(
                &p256::ecdsa::VerifyingKey::from(&public),
                b"m",
                &p256::ecdsa::Signature::from_der(der.as_bytes()).expect("DER parses")
            )
            .is_ok()
        );
        assert_eq!(
            PublicKey::P256(public).verify(Algorithm::Es256, b"m", der.as_bytes()),
            Err(JoseError::SignatureLength {
                algorithm: Algorithm::Es256,
                expected: 64,
                got: der.as_bytes().len()
            })
        );
    }

    #[test]
    fn accepts_high_s_es256_signature() {
        // RFC 7518 §3.4 and FIPS 186-4 accept any S in [1, n-1]; (R, n - S) is as valid as (R, S).
        let secret = SecretKey::generate(KeyType::P256);
        let signature = secret
            .signer(Algorithm::Es256)
            .expect("fits")
            .sign(b"m")
            .expect("signs");
        let parsed = p256::ecdsa::Signature::from_slice(&signature).expect("R || S");
        let (r, s) = parsed.split_scalars();
        let flipped = p256::ecdsa::Signature::from_scalars(r, -*s).expect("valid scalars");
        assert_ne!(flipped.to_bytes().to_vec(), signature);
        let public = secret.public_key();
        assert_eq!(public.verify(Algorithm::Es256, b"m", &signature), Ok(()));
        assert_eq!(
            public.verify(Algorithm::Es256, b"m", &flipped.to_bytes()),
            Ok(())
        );
    }

    #[test]
    fn rejects_zero_es256_signature() {
        let public = SecretKey::generate(KeyType::P256).public_key();
        assert_eq!(
            public.verify(Algorithm::Es256, b"m", &[0; 64]),
            Err(JoseError::BadSignature)
        );
    }

    #[test]
    fn rejects_ed25519_signature_with_non_canonical_s() {
        // S + L verifies under a naive equation check; RFC 8032 §5.1.7 requires S < L.
        let secret = SecretKey::generate(KeyType::Ed25519);
        let mut signature = secret
            .signer(Algorithm::Ed25519)
            .expect("fits")
            .sign(b"m")
            .expect("signs");
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (byte, l) in signature[32..].iter_mut().zip(L) {
            let sum = u16::from(*byte) + u16::from(l) + carry;
            *byte = (sum & 0xff) as u8;
            carry = sum >> 8;
        }
        // S < L < 2^253, so S + L < 2^254 fits in 32 bytes without carry out.
        assert_eq!(carry, 0);
        assert_eq!(
            secret
                .public_key()
                .verify(Algorithm::Ed25519, b"m", &signature),
            Err(JoseError::BadSignature)
        );
    }

    #[test]
    fn rejects_signature_forged_for_small_order_key() {
        // Under the identity as public key, R = B and S = 1 satisfy the cofactorless equation
        // for every message: dalek's plain `verify` accepts this forgery.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = ed25519_dalek::VerifyingKey::from_bytes(&identity).expect("a valid point");
        let mut forged = [0u8; 64];
        forged[0] = 0x58;
        forged[1..32].fill(0x66);
        forged[32] = 1;
        let signature = ed25519_dalek::Signature::from_bytes(&forged);
        for message in [&b"pay alice"[..], b"pay mallory"] {
            assert!(ed25519_dalek::Verifier::verify(&weak, message, &signature).is_ok());
            assert_eq!(
                PublicKey::Ed25519(weak).verify(Algorithm::Ed25519, message, &forged),
                Err(JoseError::BadSignature)
            );
        }
        // The batch equation would pass it too (−1·B + R + k·identity = 0); the weak key must
        // be kept out of the batch.
        let token = format!(
            "{}.{}.{}",
            crate::base64url::encode(br#"{"alg":"Ed25519"}"#),
            crate::base64url::encode(b"pay mallory"),
            crate::base64url::encode(&forged)
        );
        let jws = decode_compact(&token, &AlgorithmPolicy::default()).expect("decodes");
        let weak_key = PublicKey::Ed25519(weak);
        let results = verify_batch(vec![(jws, &weak_key)]);
        assert_eq!(results, [Err(JoseError::BadSignature)]);
    }

    #[test]
    fn rejects_small_order_key_forgery_hidden_in_a_batch() {
        // The forgery above, between two honest JWS: the batch must neither pass it nor let
        // it condemn its neighbours.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = PublicKey::Ed25519(
            ed25519_dalek::VerifyingKey::from_bytes(&identity).expect("a valid point"),
        );
        let mut forged = [0u8; 64];
        forged[0] = 0x58;
        forged[1..32].fill(0x66);
        forged[32] = 1;
        let token = format!(
            "{}.{}.{}",
            crate::base64url::encode(br#"{"alg":"EdDSA"}"#),
            crate::base64url::encode(b"pay mallory"),
            crate::base64url::encode(&forged)
        );
        let honest: Vec<SecretKey> = (0..2)
            .map(|_| SecretKey::generate(KeyType::Ed25519))
            .collect();
        let tokens: Vec<String> = honest
            .iter()
            .map(|key| signed(key, Algorithm::Ed25519, b"pay alice"))
            .collect();
        let publics: Vec<PublicKey> = honest.iter().map(SecretKey::public_key).collect();
        let policy = AlgorithmPolicy::default();
        fn decode<'t>(token: &'t str, policy: &AlgorithmPolicy) -> UnverifiedJws<'t> {
            decode_compact(token, policy).expect("decodes")
        }
        let items = vec![
            (decode(&tokens[0], &policy), &publics[0]),
            (decode(&token, &policy), &weak),
            (decode(&tokens[1], &policy), &publics[1]),
        ];
        let results: Vec<bool> = verify_batch(items).iter().map(Result::is_ok).collect();
        assert_eq!(results, [true, false, true]);
    }

    #[test]
    fn rejects_truncated_signature() {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let signature = secret
            .signer(Algorithm::EdDsa)
            .expect("fits")
            .sign(b"m")
            .expect("signs");
        assert_eq!(
            secret
                .public_key()
                .verify(Algorithm::EdDsa, b"m", &signature[..63]),
            Err(JoseError::SignatureLength {
                algorithm: Algorithm::EdDsa,
                expected: 64,
                got: 63
            })
        );
    }

    #[test]
    fn batch_verifies_many_and_names_the_bad_one() {
        let keys: Vec<SecretKey> = (0..8)
            .map(|_| SecretKey::generate(KeyType::Ed25519))
            .collect();
        let p256 = SecretKey::generate(KeyType::P256);
        let mut tokens: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| signed(key, Algorithm::Ed25519, format!("payload {i}").as_bytes()))
            .collect();
        tokens.push(signed(&p256, Algorithm::Es256, b"p256"));
        let publics: Vec<PublicKey> = keys
            .iter()
            .map(SecretKey::public_key)
            .chain(std::iter::once(p256.public_key()))
            .collect();
        fn decode_all(tokens: &[String]) -> Vec<UnverifiedJws<'_>> {
            tokens
                .iter()
                .map(|t| decode_compact(t, &AlgorithmPolicy::default()).expect("decodes"))
                .collect()
        }

        let all = verify_batch(decode_all(&tokens).into_iter().zip(&publics).collect());
        assert!(all.iter().all(Result::is_ok));
        assert_eq!(
            all.get(3).map(|r| r.as_ref().map(|v| v.payload.clone())),
            Some(Ok(b"payload 3".to_vec()))
        );

        // The key of item 5 verifying item 5's JWS is swapped for item 6's key.
        let mut swapped = publics.clone();
        swapped.swap(5, 6);
        let results = verify_batch(decode_all(&tokens).into_iter().zip(&swapped).collect());
        let bad: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_err())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(bad, [5, 6]);
        assert_eq!(
            results.get(5).cloned().map(|r| r.err()),
            Some(Some(JoseError::BadSignature))
        );
    }

    #[test]
    fn batch_refuses_mismatched_key() {
        let ed = SecretKey::generate(KeyType::Ed25519);
        let p256 = SecretKey::generate(KeyType::P256).public_key();
        let token = signed(&ed, Algorithm::EdDsa, b"x");
        let jws = decode_compact(&token, &AlgorithmPolicy::default()).expect("decodes");
        let results = verify_batch(vec![(jws, &p256)]);
        assert!(matches!(
            results.first(),
            Some(Err(JoseError::AlgorithmKeyMismatch { .. }))
        ));
    }
}
