//! Signers: the [`Signer`] provider trait, behind which a key may live in memory, a KMS or an
//! HSM, and [`LocalSigner`], its in-memory implementation over ed25519-dalek and p256.

use std::fmt;

use super::{Algorithm, JoseError};
use crate::key::{PublicKey, SecretKey};

/// Anything that produces JWS signatures: a key in memory now, a KMS or an HSM later.
///
/// An implementation signs with exactly one algorithm and one key, so a caller cannot be
/// talked into signing with another. [`sign_compact`](super::sign_compact) checks that the
/// algorithm fits the public key and that the signature has the algorithm's length.
pub trait Signer: Send + Sync {
    /// The algorithm of every signature this signer makes; it becomes the header's `alg`.
    fn algorithm(&self) -> Algorithm;

    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> PublicKey;

    /// Signs `message` (for a JWS, the signing input `b64url(header).b64url(payload)`),
    /// returning the signature in its JWS form: 64 bytes for each supported algorithm, R || S
    /// for ES256 (RFC 7518 §3.4), never DER.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JoseError>;
}

/// A [`Signer`] over a secret key held in this process.
///
/// Made by [`SecretKey::signer`]. The key material zeroizes on drop; `Debug` shows only the
/// algorithm and the public key.
pub struct LocalSigner {
    key: SigningKey,
    public_key: PublicKey,
    algorithm: Algorithm,
}

/// The key material of a [`LocalSigner`], prepared once for signing.
enum SigningKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl SecretKey {
    /// A signer that signs with this key under `algorithm`. The algorithm must fit the key:
    /// `Ed25519` or `EdDSA` for an Ed25519 key, `ES256` for a P-256 key; an X25519 key cannot
    /// sign at all.
    pub fn signer(&self, algorithm: Algorithm) -> Result<LocalSigner, JoseError> {
        let key = match (self, algorithm) {
            (SecretKey::Ed25519(key), Algorithm::Ed25519 | Algorithm::EdDsa) => {
                SigningKey::Ed25519(key.clone())
            }
            (SecretKey::P256(key), Algorithm::Es256) => SigningKey::P256(key.into()),
            _ => {
                return Err(JoseError::AlgorithmKeyMismatch {
                    algorithm,
                    key_type: self.key_type(),
                });
            }
        };
        Ok(LocalSigner {
            key,
            public_key: self.public_key(),
            algorithm,
        })
    }
}

impl Signer for LocalSigner {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JoseError> {
        match &self.key {
            // RFC 8032 §5.1.6: deterministic, so the same input always gives the same JWS.
            SigningKey::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(message).to_bytes().to_vec())
            }
            // RFC 7518 §3.4: ECDSA P-256 SHA-256, the signature as R || S, 32 bytes each. p256
            // draws the nonce per RFC 6979 (deterministic) mixed with fresh randomness.
            SigningKey::P256(key) => {
                use p256::ecdsa::signature::RandomizedSigner as _;
                let signature: p256::ecdsa::Signature = key
                    .try_sign_with_rng(&mut rand::rngs::OsRng, message)
                    .map_err(|err| JoseError::SigningFailed(err.to_string()))?;
                Ok(signature.to_bytes().to_vec())
            }
        }
    }
}

impl fmt::Debug for LocalSigner {
    /// The algorithm and the public key, never the key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSigner")
            .field("algorithm", &self.algorithm)
            .field("public_key", &self.public_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyType;

    #[test]
    fn signs_with_the_algorithm_of_its_key() {
        for (key_type, algorithm) in [
            (KeyType::Ed25519, Algorithm::Ed25519),
            (KeyType::Ed25519, Algorithm::EdDsa),
            (KeyType::P256, Algorithm::Es256),
        ] {
            let secret = SecretKey::generate(key_type);
            let signer = secret.signer(algorithm).expect("algorithm fits key");
            assert_eq!(signer.algorithm(), algorithm);
            assert_eq!(signer.public_key(), secret.public_key());
            let signature = signer.sign(b"message").expect("signs");
            assert_eq!(signature.len(), algorithm.signature_len());
            assert_eq!(
                signer
                    .public_key()
                    .verify(algorithm, b"message", &signature),
                Ok(())
            );
        }
    }

    #[test]
    fn rejects_es256_signer_over_ed25519_key() {
        let secret = SecretKey::generate(KeyType::Ed25519);
        assert_eq!(
            secret.signer(Algorithm::Es256).map(|s| s.algorithm()),
            Err(JoseError::AlgorithmKeyMismatch {
                algorithm: Algorithm::Es256,
                key_type: KeyType::Ed25519
            })
        );
    }

    #[test]
    fn rejects_eddsa_signer_over_p256_key() {
        let secret = SecretKey::generate(KeyType::P256);
        for algorithm in [Algorithm::Ed25519, Algorithm::EdDsa] {
            assert!(matches!(
                secret.signer(algorithm),
                Err(JoseError::AlgorithmKeyMismatch { .. })
            ));
        }
    }

    #[test]
    fn rejects_signing_with_x25519_key() {
        let secret = SecretKey::generate(KeyType::X25519);
        for algorithm in Algorithm::ALL {
            assert!(matches!(
                secret.signer(algorithm),
                Err(JoseError::AlgorithmKeyMismatch {
                    key_type: KeyType::X25519,
                    ..
                })
            ));
        }
    }

    #[test]
    fn debug_of_signer_shows_no_secret() {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let signer = secret.signer(Algorithm::Ed25519).expect("fits");
        let debug = format!("{signer:?}");
        let d = secret.to_bytes();
        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!debug.contains(&hex) && !debug.contains(&format!("{:?}", d.as_slice())));
        assert!(debug.contains(&secret.public_key().to_multikey()));
    }
}
