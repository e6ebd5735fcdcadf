//! The key store file format, version 1: a JSON envelope that carries the key derivation
//! parameters beside the ciphertext, and the sealing and opening of the body under a key
//! stretched from the passphrase.
//!
//! ```json
//! {"version":1,
//!  "kdf":{"alg":"argon2id","m_kib":19456,"t":2,"p":1,"salt":"<base64url>"},
//!  "cipher":"xchacha20poly1305","nonce":"<base64url, 24 bytes>","ciphertext":"<base64url>"}
//! ```
//!
//! Every header member is bound to the ciphertext as AEAD associated data, so an edited
//! parameter fails authentication like an edited ciphertext. The parameters are bounded before
//! any work is done: a file can neither weaken the stretching below the floor nor make the
//! reader allocate or spin without limit.

use std::path::Path;

use argon2::{Algorithm, Argon2, Version};
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{KeyStoreError, Passphrase};
use crate::base64url;
use crate::excerpt::excerpt;

/// The format version this build writes, and the newest it reads.
pub(super) const VERSION: u64 = 1;
/// The key derivation function of version 1 (RFC 9106 Argon2id, version 0x13).
const KDF_ALG: &str = "argon2id";
/// The AEAD of version 1 (XChaCha20-Poly1305: a 192-bit random nonce never repeats in practice).
const CIPHER: &str = "xchacha20poly1305";
/// The length of a fresh salt (RFC 9106 §3.1 recommends 16 bytes).
const SALT_LEN: usize = 16;
/// The salt lengths read: at least RFC 9106's recommendation, at most a sane bound.
const SALT_LEN_RANGE: (usize, usize) = (16, 64);
/// The length of an XChaCha20 nonce.
const NONCE_LEN: usize = 24;
/// The length of a Poly1305 tag.
pub(super) const TAG_LEN: usize = 16;
/// The length of the derived key.
pub(super) const KEY_LEN: usize = 32;

/// The Argon2id cost parameters a key store is sealed with, stored in the file beside the
/// ciphertext so that they can be raised later without breaking older stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory, in KiB.
    pub m_kib: u32,
    /// Passes over the memory (time cost).
    pub t: u32,
    /// Lanes (parallelism).
    pub p: u32,
}

impl KdfParams {
    /// The OWASP Password Storage Cheat Sheet's first Argon2id configuration: 19 MiB of
    /// memory, 2 passes, 1 lane. It is also the floor: no store is read with less.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    /// The ceiling: 1 GiB of memory, 64 passes, 16 lanes. A file asking for more is refused
    /// before any memory is allocated.
    pub const MAX: KdfParams = KdfParams {
        m_kib: 1 << 20,
        t: 64,
        p: 16,
    };
}

impl Default for KdfParams {
    fn default() -> KdfParams {
        KdfParams::DEFAULT
    }
}

/// The parameters a store may be written or read with: [`KdfParams::DEFAULT`] to
/// [`KdfParams::MAX`] in production; the tests of this module lower the floor to stay fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KdfLimits {
    pub(super) min: KdfParams,
    pub(super) max: KdfParams,
}

impl KdfLimits {
    pub(super) const PRODUCTION: KdfLimits = KdfLimits {
        min: KdfParams::DEFAULT,
        max: KdfParams::MAX,
    };

    pub(super) fn check(&self, params: KdfParams) -> Result<(), KeyStoreError> {
        let checks = [
            ("m_kib", params.m_kib, self.min.m_kib, self.max.m_kib),
            ("t", params.t, self.min.t, self.max.t),
            ("p", params.p, self.min.p, self.max.p),
        ];
        for (name, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(KeyStoreError::ParameterOutOfBounds {
                    name,
                    value: value.into(),
                    min: min.into(),
                    max: max.into(),
                });
            }
        }
        // Argon2 needs 8 KiB per lane (RFC 9106 §3.1); the floor above keeps far clear of it
        // in production, the check keeps a test floor honest.
        if u64::from(params.m_kib) < 8 * u64::from(params.p) {
            return Err(KeyStoreError::ParameterOutOfBounds {
                name: "m_kib",
                value: params.m_kib.into(),
                min: 8 * u64::from(params.p),
                max: self.max.m_kib.into(),
            });
        }
        Ok(())
    }
}

/// The secret key sealing a store, with the salt and parameters it was derived with.
pub(super) struct SealingKey {
    pub(super) params: KdfParams,
    pub(super) salt: Vec<u8>,
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl SealingKey {
    /// A key from `passphrase` under a fresh random salt.
    pub(super) fn fresh(
        passphrase: &Passphrase,
        params: KdfParams,
        limits: &KdfLimits,
    ) -> Result<SealingKey, KeyStoreError> {
        limits.check(params)?;
        let mut salt = vec![0; SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        SealingKey::derive(passphrase, params, salt)
    }

    /// Argon2id (RFC 9106) of the passphrase under `salt`; the parameters are already bounded.
    fn derive(
        passphrase: &Passphrase,
        params: KdfParams,
        salt: Vec<u8>,
    ) -> Result<SealingKey, KeyStoreError> {
        // Unreachable with bounded parameters and salt; mapped rather than unwrapped all the same.
        let failed = |err: argon2::Error| KeyStoreError::KeyDerivation(err.to_string());
        let argon2_params =
            argon2::Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN)).map_err(failed)?;
        let mut key = Zeroizing::new([0; KEY_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params)
            .hash_password_into(passphrase.as_bytes(), &salt, key.as_mut_slice())
            .map_err(failed)?;
        Ok(SealingKey { params, salt, key })
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.key).into())
    }

    /// The envelope of `body` (whose capacity leaves room for the tag, so that encrypting in
    /// place never reallocates and leaves a copy of the plaintext behind), under a fresh nonce.
    pub(super) fn seal(
        &self,
        path: &Path,
        mut body: Zeroizing<Vec<u8>>,
    ) -> Result<Vec<u8>, KeyStoreError> {
        let mut nonce = [0; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let salt = base64url::encode(&self.salt);
        let aad = associated_data(VERSION, self.params, &salt);
        self.cipher()
            .encrypt_in_place(&XNonce::from(nonce), &aad, &mut *body)
            .map_err(|_| KeyStoreError::TooLarge(format!("{} cannot be sealed", path.display())))?;
        let envelope = Envelope {
            version: VERSION,
            kdf: KdfHeader {
                alg: KDF_ALG.to_owned(),
                m_kib: self.params.m_kib,
                t: self.params.t,
                p: self.params.p,
                salt,
            },
            cipher: CIPHER.to_owned(),
            nonce: base64url::encode(&nonce),
            ciphertext: base64url::encode(&body),
        };
        let mut json =
            serde_json::to_vec_pretty(&envelope).map_err(|err| KeyStoreError::Corrupt {
                path: path.to_owned(),
                reason: format!("cannot encode the envelope: {err}"),
            })?;
        json.push(b'\n');
        Ok(json)
    }
}

/// The members of a version 1 envelope, all required, no others.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    version: u64,
    kdf: KdfHeader,
    cipher: String,
    nonce: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfHeader {
    alg: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

/// Only the version, read first so that a newer file is named as such whatever else changed.
#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// The associated data of the AEAD: every header member, in a fixed unambiguous text form
/// (independent of how the JSON happens to be laid out). The nonce is bound by the AEAD itself.
fn associated_data(version: u64, params: KdfParams, salt_b64u: &str) -> Vec<u8> {
    format!(
        "avid-keystore\nversion={version}\nkdf={KDF_ALG}\nm_kib={}\nt={}\np={}\nsalt={salt_b64u}\ncipher={CIPHER}",
        params.m_kib, params.t, params.p
    )
    .into_bytes()
}

/// Opens the envelope in `bytes` with `passphrase`: checks the format and the parameter bounds
/// before any work, derives the key, and authenticates and decrypts the body.
pub(super) fn open(
    path: &Path,
    bytes: &[u8],
    passphrase: &Passphrase,
    limits: &KdfLimits,
) -> Result<(SealingKey, Zeroizing<Vec<u8>>), KeyStoreError> {
    let sealed = Sealed::parse(path, bytes, limits)?;
    let key = SealingKey::derive(passphrase, sealed.params, sealed.salt.clone())?;
    let body = sealed.unseal(path, &key)?;
    Ok((key, body))
}

/// A version 1 envelope whose format and bounds were checked, not yet authenticated.
pub(super) struct Sealed {
    params: KdfParams,
    salt: Vec<u8>,
    salt_b64u: String,
    nonce: [u8; NONCE_LEN],
    body: Zeroizing<Vec<u8>>,
}

impl Sealed {
    /// Authenticates the header and body under `key` and decrypts the body.
    pub(super) fn unseal(
        mut self,
        path: &Path,
        key: &SealingKey,
    ) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        let aad = associated_data(VERSION, self.params, &self.salt_b64u);
        key.cipher()
            .decrypt_in_place(&XNonce::from(self.nonce), &aad, &mut *self.body)
            .map_err(|_| KeyStoreError::WrongPassphrase {
                path: path.to_owned(),
            })?;
        Ok(self.body)
    }
}

impl Sealed {
    /// Reads the envelope in `bytes`: the version first (a newer file is named as such whatever
    /// else changed), then every member, the algorithms and the parameter bounds.
    pub(super) fn parse(
        path: &Path,
        bytes: &[u8],
        limits: &KdfLimits,
    ) -> Result<Sealed, KeyStoreError> {
        let corrupt = |reason: String| KeyStoreError::Corrupt {
            path: path.to_owned(),
            reason,
        };
        let probe: VersionProbe = serde_json::from_slice(bytes).map_err(|err| {
            corrupt(format!(
                "not a key store envelope ({})",
                excerpt(&err.to_string())
            ))
        })?;
        if probe.version > VERSION {
            return Err(KeyStoreError::NewerVersion {
                path: path.to_owned(),
                version: probe.version,
                supported: VERSION,
            });
        }
        if probe.version != VERSION {
            return Err(corrupt(format!("unknown format version {}", probe.version)));
        }
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|err| corrupt(format!("bad envelope ({})", excerpt(&err.to_string()))))?;
        if envelope.kdf.alg != KDF_ALG {
            return Err(corrupt(format!(
                "unsupported key derivation \"{}\" (expected {KDF_ALG})",
                excerpt(&envelope.kdf.alg)
            )));
        }
        if envelope.cipher != CIPHER {
            return Err(corrupt(format!(
                "unsupported cipher \"{}\" (expected {CIPHER})",
                excerpt(&envelope.cipher)
            )));
        }
        let params = KdfParams {
            m_kib: envelope.kdf.m_kib,
            t: envelope.kdf.t,
            p: envelope.kdf.p,
        };
        limits.check(params)?;
        let salt = base64url::decode(&envelope.kdf.salt)
            .ok_or_else(|| corrupt("the salt is not base64url without padding".into()))?;
        if !(SALT_LEN_RANGE.0..=SALT_LEN_RANGE.1).contains(&salt.len()) {
            return Err(KeyStoreError::ParameterOutOfBounds {
                name: "salt",
                value: salt.len() as u64,
                min: SALT_LEN_RANGE.0 as u64,
                max: SALT_LEN_RANGE.1 as u64,
            });
        }
        let nonce = base64url::decode_array::<NONCE_LEN>(&envelope.nonce)
            .ok_or_else(|| corrupt(format!("the nonce is not {NONCE_LEN} bytes of base64url")))?;
        let body =
            Zeroizing::new(base64url::decode(&envelope.ciphertext).ok_or_else(|| {
                corrupt("the ciphertext is not base64url without padding".into())
            })?);
        if body.len() < TAG_LEN {
            return Err(corrupt(format!(
                "the ciphertext is {} bytes, shorter than its {TAG_LEN}-byte tag",
                body.len()
            )));
        }
        Ok(Sealed {
            params,
            salt,
            salt_b64u: envelope.kdf.salt,
            nonce,
            body,
        })
    }
}
