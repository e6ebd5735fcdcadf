//! The one encrypted key store of avid: named secrets (the issuer's signing key, a wallet's
//! holder and avatar keys, a passkey blob) in one file sealed under a passphrase, used by the
//! issuer and the wallet alike.
//!
//! - The passphrase is stretched with Argon2id (RFC 9106), at least 19 MiB and 2 passes (the
//!   OWASP floor, [`KdfParams::DEFAULT`]); the parameters sit beside the ciphertext so they
//!   can be raised ([`KeyStore::rekey`]), and are bounded on read both ways.
//! - The body is sealed with XChaCha20-Poly1305 under a fresh random nonce at every save; the
//!   whole header is associated data, so any edit to the file fails as a wrong passphrase does.
//! - Writes are atomic (temporary file in the same directory, fsync, rename, fsync of the
//!   directory) and owner-only (0600 from creation on unix). A failed operation, including a
//!   wrong passphrase or a damaged file, leaves the file as it was.
//! - Saves are serialised across processes by a lock file beside the store (`.NAME.lock`), and
//!   a save never overwrites a change another process saved since this one read the file.
//! - Secrets and the passphrase zeroize on drop and never appear in `Debug` or an error.
//!
//! ```
//! use did_core::key::store::{KeyStore, Passphrase};
//! use did_core::key::{KeyType, SecretKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let path = dir.path().join("keys.avid");
//! let passphrase = Passphrase::new("correct horse battery staple")?;
//! let signing_key = SecretKey::generate(KeyType::Ed25519);
//!
//! let mut store = KeyStore::create(&path, &passphrase)?;
//! store.insert_key("issuer", &signing_key)?;
//! store.save()?;
//!
//! let store = KeyStore::open(&path, &passphrase)?;
//! let again = store.secret_key("issuer")?.ok_or("no issuer key")?;
//! assert_eq!(again.public_key(), signing_key.public_key());
//! # Ok(())
//! # }
//! ```

mod entries;
mod envelope;
mod error;
mod file;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

pub use entries::SecretKind;
pub use envelope::KdfParams;
pub use error::KeyStoreError;
pub use file::{Replace, directory_of, sync_directory, write_atomically};

use entries::Entry;
use envelope::{KdfLimits, SealingKey};

use super::SecretKey;

/// A passphrase: wiped from memory on drop, never printed, never empty.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// The passphrase `text`, taken as given (no trimming, no normalisation); an empty one is
    /// refused.
    pub fn new(text: impl Into<String>) -> Result<Passphrase, KeyStoreError> {
        let text = Zeroizing::new(text.into());
        if text.is_empty() {
            return Err(KeyStoreError::EmptyPassphrase);
        }
        Ok(Passphrase(text))
    }

    /// The passphrase held in a passphrase file's `contents`: UTF-8, with one trailing line
    /// ending (`\n` or `\r\n`) removed, as an editor or `echo` leaves it, and nothing else
    /// trimmed. Every command that reads a passphrase file reads it this way.
    pub fn from_file_contents(contents: &[u8]) -> Result<Passphrase, KeyStoreError> {
        let line = match contents.strip_suffix(b"\n") {
            Some(line) => line.strip_suffix(b"\r").unwrap_or(line),
            None => contents,
        };
        let text = std::str::from_utf8(line).map_err(|_| KeyStoreError::PassphraseNotUtf8)?;
        Passphrase::new(text)
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// An unlocked key store: the secrets of one file, and the key that seals them again.
///
/// Changes stay in memory until [`save`](KeyStore::save). A store made by
/// [`create`](KeyStore::create) is written only where no file exists yet; one from
/// [`open`](KeyStore::open) replaces its own file, atomically.
pub struct KeyStore {
    path: PathBuf,
    entries: BTreeMap<String, Entry>,
    sealing: SealingKey,
    limits: KdfLimits,
    /// SHA-256 of the file as this store last read or wrote it; `None` before the first save
    /// of a new store. A save checks that the file is still that one.
    on_disk: Option<[u8; 32]>,
}

impl KeyStore {
    /// A new, empty store for `path`, sealed under `passphrase` with [`KdfParams::DEFAULT`].
    /// Nothing is written before [`save`](KeyStore::save), and that refuses to replace a file.
    pub fn create(
        path: impl Into<PathBuf>,
        passphrase: &Passphrase,
    ) -> Result<KeyStore, KeyStoreError> {
        KeyStore::create_with_params(path, passphrase, KdfParams::DEFAULT)
    }

    /// [`create`](KeyStore::create) with other Argon2id parameters, between
    /// [`KdfParams::DEFAULT`] and [`KdfParams::MAX`].
    pub fn create_with_params(
        path: impl Into<PathBuf>,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<KeyStore, KeyStoreError> {
        KeyStore::create_within(path.into(), passphrase, params, KdfLimits::PRODUCTION)
    }

    fn create_within(
        path: PathBuf,
        passphrase: &Passphrase,
        params: KdfParams,
        limits: KdfLimits,
    ) -> Result<KeyStore, KeyStoreError> {
        if path.symlink_metadata().is_ok() {
            return Err(KeyStoreError::AlreadyExists { path });
        }
        Ok(KeyStore {
            sealing: SealingKey::fresh(passphrase, params, &limits)?,
            path,
            entries: BTreeMap::new(),
            limits,
            on_disk: None,
        })
    }

    /// Opens the store at `path` with `passphrase`. Fails, changing nothing, on a wrong
    /// passphrase or an altered file ([`KeyStoreError::WrongPassphrase`]), a damaged or
    /// truncated file ([`KeyStoreError::Corrupt`]), a newer format
    /// ([`KeyStoreError::NewerVersion`]) or parameters out of bounds.
    pub fn open(
        path: impl Into<PathBuf>,
        passphrase: &Passphrase,
    ) -> Result<KeyStore, KeyStoreError> {
        KeyStore::open_within(path.into(), passphrase, KdfLimits::PRODUCTION)
    }

    fn open_within(
        path: PathBuf,
        passphrase: &Passphrase,
        limits: KdfLimits,
    ) -> Result<KeyStore, KeyStoreError> {
        let bytes = file::read_bounded(&path)?;
        let on_disk = Some(file::fingerprint(&bytes));
        let (sealing, body) = envelope::open(&path, &bytes, passphrase, &limits)?;
        let entries = entries::decode(&body).map_err(|reason| KeyStoreError::Corrupt {
            path: path.clone(),
            reason,
        })?;
        Ok(KeyStore {
            path,
            entries,
            sealing,
            limits,
            on_disk,
        })
    }

    /// The file this store is written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The Argon2id parameters the store is sealed with.
    pub fn kdf_params(&self) -> KdfParams {
        self.sealing.params
    }

    /// The names of the entries, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// What the entry `name` holds, if there is one.
    pub fn kind(&self, name: &str) -> Option<SecretKind> {
        self.entries.get(name).map(|entry| entry.kind)
    }

    /// Stores `key` under `name`, replacing any entry of that name.
    pub fn insert_key(&mut self, name: &str, key: &SecretKey) -> Result<(), KeyStoreError> {
        self.insert(name, SecretKind::Key(key.key_type()), key.to_bytes())
    }

    /// Stores raw `bytes` under `name`, replacing any entry of that name.
    pub fn insert_bytes(
        &mut self,
        name: &str,
        bytes: Zeroizing<Vec<u8>>,
    ) -> Result<(), KeyStoreError> {
        self.insert(name, SecretKind::Bytes, bytes)
    }

    fn insert(
        &mut self,
        name: &str,
        kind: SecretKind,
        value: Zeroizing<Vec<u8>>,
    ) -> Result<(), KeyStoreError> {
        entries::check_name(name)?;
        if !self.entries.contains_key(name) && self.entries.len() >= entries::MAX_ENTRIES {
            return Err(KeyStoreError::TooLarge(format!(
                "already {} entries",
                entries::MAX_ENTRIES
            )));
        }
        self.entries.insert(name.to_owned(), Entry { kind, value });
        Ok(())
    }

    /// The secret key stored under `name`; `None` if there is no such entry, an error if the
    /// entry holds raw bytes.
    pub fn secret_key(&self, name: &str) -> Result<Option<SecretKey>, KeyStoreError> {
        let Some(entry) = self.entries.get(name) else {
            return Ok(None);
        };
        let SecretKind::Key(key_type) = entry.kind else {
            return Err(wrong_kind(name, entry.kind, "a key"));
        };
        SecretKey::from_bytes(key_type, &entry.value)
            .map(Some)
            .map_err(|source| KeyStoreError::BadKey {
                name: name.to_owned(),
                source,
            })
    }

    /// The raw bytes stored under `name`; `None` if there is no such entry, an error if the
    /// entry holds a key.
    pub fn bytes(&self, name: &str) -> Result<Option<&[u8]>, KeyStoreError> {
        match self.entries.get(name) {
            None => Ok(None),
            Some(entry) if entry.kind == SecretKind::Bytes => Ok(Some(&entry.value)),
            Some(entry) => Err(wrong_kind(name, entry.kind, "raw bytes")),
        }
    }

    /// Removes the entry `name`; whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        self.entries.remove(name).is_some()
    }

    /// Seals the entries under a fresh nonce and writes the file atomically, owner-only.
    ///
    /// Saves of one file are serialised across processes, and a save refuses to overwrite a
    /// file that another process saved since this store read it
    /// ([`KeyStoreError::ChangedOnDisk`]): no change is lost silently.
    pub fn save(&mut self) -> Result<(), KeyStoreError> {
        self.on_disk = Some(self.write_sealed(&self.sealing)?);
        Ok(())
    }

    /// Seals the store under `new` (fresh salt, same parameters) and saves it. On failure the
    /// file and this store keep the old passphrase.
    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<(), KeyStoreError> {
        self.rekey(new, self.sealing.params)
    }

    /// Seals the store under `passphrase` with new Argon2id `params` (to raise the cost as
    /// machines get faster) and saves it. On failure the file and this store stay as they were.
    pub fn rekey(
        &mut self,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(), KeyStoreError> {
        let sealing = SealingKey::fresh(passphrase, params, &self.limits)?;
        self.on_disk = Some(self.write_sealed(&sealing)?);
        self.sealing = sealing;
        Ok(())
    }

    /// Seals and writes the entries under the writers' lock, if the file is still the one this
    /// store knows; the fingerprint of what was written.
    fn write_sealed(&self, sealing: &SealingKey) -> Result<[u8; 32], KeyStoreError> {
        let sealed = sealing.seal(&self.path, entries::encode(&self.entries)?)?;
        let _writers = file::lock_writers(&self.path)?;
        match self.on_disk {
            None => file::write_atomically(&self.path, &sealed, Replace::Never)?,
            Some(known) => {
                let current = file::read_bounded(&self.path).ok();
                if current.as_deref().map(file::fingerprint) != Some(known) {
                    return Err(KeyStoreError::ChangedOnDisk {
                        path: self.path.clone(),
                    });
                }
                file::write_atomically(&self.path, &sealed, Replace::Existing)?;
            }
        }
        Ok(file::fingerprint(&sealed))
    }
}

fn wrong_kind(name: &str, found: SecretKind, wanted: &'static str) -> KeyStoreError {
    KeyStoreError::WrongEntryKind {
        name: name.to_owned(),
        found: found.describe(),
        wanted,
    }
}

impl fmt::Debug for KeyStore {
    /// The path, the parameters and the entry names with their kinds: never a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries: BTreeMap<&str, SecretKind> = self
            .entries
            .iter()
            .map(|(name, entry)| (name.as_str(), entry.kind))
            .collect();
        f.debug_struct("KeyStore")
            .field("path", &self.path)
            .field("kdf", &self.sealing.params)
            .field("entries", &entries)
            .finish_non_exhaustive()
    }
}
