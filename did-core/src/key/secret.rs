//! Secret keys: generation from the OS CSPRNG, raw import and export, the public key, and the
//! Ed25519 to X25519 map. Every secret zeroizes on drop and never prints.

use std::fmt;

use rand::rngs::OsRng;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use super::{KeyError, KeyType, PublicKey};

/// The length of every supported secret key: an Ed25519 seed (RFC 8032 §5.1.5), an X25519
/// scalar (RFC 7748 §5) or a P-256 scalar (SEC1, big-endian).
const SECRET_KEY_LEN: usize = 32;

/// A secret key of one of the supported types.
///
/// Each variant's key type zeroizes its memory on drop (`ed25519-dalek` and `x25519-dalek` with
/// their `zeroize` feature, `elliptic-curve` always). `Debug` prints only the key type and the
/// public key; there is no `Display`.
#[derive(Clone)]
pub enum SecretKey {
    /// An Ed25519 signing key, held as its 32-byte seed (RFC 8032 §5.1.5).
    Ed25519(ed25519_dalek::SigningKey),
    /// An X25519 static secret (RFC 7748 §5).
    X25519(x25519_dalek::StaticSecret),
    /// A P-256 secret scalar.
    P256(p256::SecretKey),
}

// Every variant's payload zeroizes itself on drop (see the type's documentation).
impl ZeroizeOnDrop for SecretKey {}

impl SecretKey {
    /// A fresh key of the given type from the operating system's CSPRNG.
    pub fn generate(key_type: KeyType) -> SecretKey {
        match key_type {
            KeyType::Ed25519 => SecretKey::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng)),
            KeyType::X25519 => {
                SecretKey::X25519(x25519_dalek::StaticSecret::random_from_rng(OsRng))
            }
            KeyType::P256 => SecretKey::P256(p256::SecretKey::random(&mut OsRng)),
        }
    }

    /// The type of this key.
    pub fn key_type(&self) -> KeyType {
        match self {
            SecretKey::Ed25519(_) => KeyType::Ed25519,
            SecretKey::X25519(_) => KeyType::X25519,
            SecretKey::P256(_) => KeyType::P256,
        }
    }

    /// The public key of this secret key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SecretKey::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            SecretKey::X25519(key) => PublicKey::X25519(x25519_dalek::PublicKey::from(key)),
            SecretKey::P256(key) => PublicKey::P256(key.public_key()),
        }
    }

    /// Reads a raw secret key: the 32-byte Ed25519 seed, the 32-byte X25519 scalar, or the
    /// 32-byte big-endian P-256 scalar (which must be in 1..n).
    pub fn from_bytes(key_type: KeyType, bytes: &[u8]) -> Result<SecretKey, KeyError> {
        let bytes: Zeroizing<[u8; SECRET_KEY_LEN]> =
            Zeroizing::new(bytes.try_into().map_err(|_| KeyError::WrongLength {
                key_type,
                expected: SECRET_KEY_LEN,
                got: bytes.len(),
            })?);
        Ok(match key_type {
            KeyType::Ed25519 => SecretKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&bytes)),
            KeyType::X25519 => SecretKey::X25519(x25519_dalek::StaticSecret::from(*bytes)),
            KeyType::P256 => SecretKey::P256(
                p256::SecretKey::from_slice(bytes.as_slice())
                    .map_err(|_| KeyError::InvalidSecretKey(KeyType::P256))?,
            ),
        })
    }

    /// The raw secret key, in the form [`from_bytes`](Self::from_bytes) reads; zeroized when
    /// dropped. Keep it out of logs and write it only encrypted.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            SecretKey::Ed25519(key) => key.as_bytes().to_vec(),
            SecretKey::X25519(key) => key.as_bytes().to_vec(),
            SecretKey::P256(key) => Zeroizing::new(key.to_bytes()).to_vec(),
        })
    }

    /// For an Ed25519 key, the X25519 secret of the same key pair, used by did:key key
    /// agreement; `None` for other types.
    ///
    /// The X25519 scalar is the clamped first half of SHA-512(seed), the very scalar Ed25519
    /// signs with (RFC 8032 §5.1.5 steps 1–2), so its public key is the Montgomery form of the
    /// Ed25519 public key (RFC 7748 §4.1). The clamping (RFC 7748 §5) is applied here, as
    /// libsodium's `crypto_sign_ed25519_sk_to_curve25519` does, so the exported bytes match.
    pub fn to_x25519(&self) -> Option<SecretKey> {
        let SecretKey::Ed25519(key) = self else {
            return None;
        };
        let mut scalar = Zeroizing::new(key.to_scalar_bytes());
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        Some(SecretKey::X25519(x25519_dalek::StaticSecret::from(*scalar)))
    }
}

impl fmt::Debug for SecretKey {
    /// Only the key type and the public key: a secret never reaches a log through `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey({}, public {})",
            self.key_type(),
            self.public_key().to_multikey()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1 TEST 1: the Ed25519 seed and its public key.
    const RFC8032_TEST1_SECRET: &str =
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC8032_TEST1_PUBLIC: &str =
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    /// RFC 7748 §6.1: Alice's private key and public key.
    const RFC7748_ALICE_SECRET: &str =
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    const RFC7748_ALICE_PUBLIC: &str =
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("test hex"))
            .collect()
    }

    #[test]
    fn derives_rfc8032_public_key() {
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &hex(RFC8032_TEST1_SECRET))
            .expect("32-byte seed");
        assert_eq!(secret.public_key().to_bytes(), hex(RFC8032_TEST1_PUBLIC));
    }

    #[test]
    fn derives_rfc7748_public_key() {
        let secret = SecretKey::from_bytes(KeyType::X25519, &hex(RFC7748_ALICE_SECRET))
            .expect("32-byte scalar");
        assert_eq!(secret.public_key().to_bytes(), hex(RFC7748_ALICE_PUBLIC));
    }

    #[test]
    fn round_trips_raw_bytes_for_each_type() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let secret = SecretKey::generate(key_type);
            assert_eq!(secret.key_type(), key_type);
            let again = SecretKey::from_bytes(key_type, &secret.to_bytes()).expect("own bytes");
            assert_eq!(again.public_key(), secret.public_key());
        }
    }

    #[test]
    fn generates_distinct_keys() {
        let a = SecretKey::generate(KeyType::Ed25519);
        let b = SecretKey::generate(KeyType::Ed25519);
        assert_ne!(a.public_key(), b.public_key());
    }

    #[test]
    fn rejects_truncated_secret() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            assert_eq!(
                SecretKey::from_bytes(key_type, &[7; 31]).map(|k| k.key_type()),
                Err(KeyError::WrongLength {
                    key_type,
                    expected: 32,
                    got: 31
                })
            );
        }
    }

    #[test]
    fn rejects_p256_scalar_out_of_range() {
        assert_eq!(
            SecretKey::from_bytes(KeyType::P256, &[0; 32]).map(|k| k.key_type()),
            Err(KeyError::InvalidSecretKey(KeyType::P256))
        );
        assert_eq!(
            SecretKey::from_bytes(KeyType::P256, &[0xff; 32]).map(|k| k.key_type()),
            Err(KeyError::InvalidSecretKey(KeyType::P256))
        );
    }

    #[test]
    fn x25519_secret_is_clamped_and_agrees_with_public_map() {
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &hex(RFC8032_TEST1_SECRET))
            .expect("32-byte seed");
        let x = secret.to_x25519().expect("Ed25519 maps to X25519");
        let bytes = x.to_bytes();
        assert_eq!(bytes.first().map(|b| b & 7), Some(0));
        assert_eq!(bytes.last().map(|b| b & 0xc0), Some(0x40));
        assert_eq!(Some(x.public_key()), secret.public_key().to_x25519());
        assert!(SecretKey::generate(KeyType::P256).to_x25519().is_none());
    }

    #[test]
    fn debug_does_not_contain_the_secret() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let secret = SecretKey::generate(key_type);
            let debug = format!("{secret:?}");
            let raw = secret.to_bytes();
            let hex_lower: String = raw.iter().map(|b| format!("{b:02x}")).collect();
            assert!(!debug.contains(&hex_lower), "{debug}");
            assert!(!debug.contains(&crate::base64url::encode(&raw)), "{debug}");
            assert!(!debug.contains(&format!("{:?}", raw.as_slice())), "{debug}");
            assert!(debug.contains(&secret.public_key().to_multikey()));
        }
    }

    #[test]
    fn every_secret_type_zeroizes_on_drop() {
        fn zeroizes_on_drop<T: ZeroizeOnDrop>() {}
        zeroizes_on_drop::<ed25519_dalek::SigningKey>();
        zeroizes_on_drop::<p256::SecretKey>();
        zeroizes_on_drop::<Zeroizing<Vec<u8>>>();
        // x25519-dalek derives `Zeroize` with `#[zeroize(drop)]`, which implements `Drop`.
        fn zeroizes<T: zeroize::Zeroize>() {}
        zeroizes::<x25519_dalek::StaticSecret>();
    }
}
