//! The errors of the key store: every way opening, reading or writing it can fail. None carries
//! a secret or a passphrase; a path or an entry *name* at most.

use std::io;
use std::path::PathBuf;

use crate::excerpt::excerpt;
use crate::key::KeyError;

/// Why a key store could not be opened, read or written.
///
/// Whatever the variant, a failed operation has left the file on disk as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    /// The authentication tag did not verify. A wrong passphrase and an edited file look the
    /// same to an AEAD, so the message names both.
    #[error("wrong passphrase or the file was altered: {} cannot be decrypted", .path.display())]
    WrongPassphrase {
        /// The key store file.
        path: PathBuf,
    },
    /// The file is not a key store: not JSON, a missing or unknown member, bad base64url,
    /// a salt, nonce or ciphertext of the wrong size, or a decrypted body that does not parse.
    #[error("{} is damaged or not an avid key store: {reason}", .path.display())]
    Corrupt {
        /// The key store file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The file was written in a format version this build does not know.
    #[error(
        "{} has key store format version {version}, newer than this build reads ({supported}): it was written by a newer avid; upgrade",
        .path.display()
    )]
    NewerVersion {
        /// The key store file.
        path: PathBuf,
        /// The version in the file.
        version: u64,
        /// The newest version this build reads.
        supported: u64,
    },
    /// A key derivation parameter is below the floor (a file cannot weaken the passphrase
    /// stretching) or above the ceiling (a file cannot make the reader allocate without bound).
    #[error("the key derivation parameter {name} = {value} is outside {min}..={max}")]
    ParameterOutOfBounds {
        /// `m_kib`, `t`, `p` or `salt` (its length in bytes).
        name: &'static str,
        /// The value asked for.
        value: u64,
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted.
        max: u64,
    },
    /// Argon2id refused its inputs (never with parameters inside the bounds).
    #[error("the key derivation failed: {0}")]
    KeyDerivation(String),
    /// A new store was to be written where a file already exists.
    #[error("{} already exists; a new key store never replaces a file", .path.display())]
    AlreadyExists {
        /// The path that exists.
        path: PathBuf,
    },
    /// Another process saved the file after this store read it; saving now would erase its
    /// change.
    #[error(
        "{} was changed by another process since it was opened; open it again and redo the change",
        .path.display()
    )]
    ChangedOnDisk {
        /// The key store file.
        path: PathBuf,
    },
    /// An empty passphrase protects nothing.
    #[error("the passphrase is empty; choose one")]
    EmptyPassphrase,
    /// A passphrase file does not hold UTF-8 text.
    #[error("the passphrase file is not UTF-8 text")]
    PassphraseNotUtf8,
    /// An entry name is empty, too long, or holds characters other than printable ASCII.
    #[error(
        "the entry name \"{}\" is not 1 to 255 printable ASCII characters without spaces",
        excerpt(.0)
    )]
    BadEntryName(String),
    /// The entry exists but holds raw bytes where a key was asked for, or a key where bytes were.
    #[error("the entry \"{}\" holds {found}, not {wanted}", excerpt(.name))]
    WrongEntryKind {
        /// The entry name.
        name: String,
        /// What it holds.
        found: &'static str,
        /// What was asked for.
        wanted: &'static str,
    },
    /// The key of an entry does not decode as a key of its recorded type.
    #[error("the entry \"{}\" is not a valid key: {source}", excerpt(.name))]
    BadKey {
        /// The entry name.
        name: String,
        /// Why the key was refused.
        source: KeyError,
    },
    /// The store holds more than a store may (entries, or bytes in all).
    #[error("the key store would exceed its limit: {0}")]
    TooLarge(String),
    /// Reading or writing the file failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done: `read`, `write`, …
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

impl KeyStoreError {
    /// Whether the file was simply not there (so that a caller can say "run init first").
    pub fn is_not_found(&self) -> bool {
        matches!(self, KeyStoreError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}
