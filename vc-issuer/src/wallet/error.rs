//! The errors of the wallet: every way opening, reading or changing it can fail. None carries a
//! secret, a credential or a claim value; a path, an id or a count at most.

use std::io;
use std::path::PathBuf;

use did_core::key::store::KeyStoreError;

/// Why a wallet operation failed. Whatever the variant, the files on disk are as they were.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// There is no wallet in the directory.
    #[error("no wallet in {}: create one with `avid init` (or point --wallet / AVID_WALLET at yours)", .dir.display())]
    NotFound {
        /// The wallet directory.
        dir: PathBuf,
    },
    /// `init` found a wallet already there.
    #[error("{} already holds a wallet; `avid init` never replaces one", .dir.display())]
    AlreadyExists {
        /// The wallet directory.
        dir: PathBuf,
    },
    /// The encrypted store refused: a wrong passphrase, an altered, damaged or truncated file,
    /// a newer format, or an I/O failure.
    #[error(transparent)]
    Store(#[from] KeyStoreError),
    /// A wallet file was written by a newer avid.
    #[error("{} has wallet format version {version}, newer than this build reads ({supported}): it was written by a newer avid; upgrade", .path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        version: u64,
        /// The newest version this build reads.
        supported: u64,
    },
    /// A wallet file is not what this build writes.
    #[error("{} is damaged: {reason}", .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing the wallet directory failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// No DID, avatar or credential has that id.
    #[error("the wallet holds no {what} \"{}\"; list them with `avid {what} list`", did_core::excerpt::excerpt(.id))]
    Unknown {
        /// `did`, `avatar` or `credential`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The operation needs something the wallet does not hold yet.
    #[error("{0}")]
    Missing(String),
    /// The input cannot be used as given.
    #[error("{0}")]
    Invalid(String),
    /// A credential was refused on import, or could not be presented.
    #[error("{context}: {source}")]
    Credential {
        /// What was being done.
        context: &'static str,
        /// The library's reason.
        source: crate::Error,
    },
    /// The credential is bound to a key the wallet does not hold (issued to someone else).
    #[error(
        "the credential is bound to a key this wallet does not hold: it was issued to someone else, or for another wallet; ask the issuer for one bound to your holder DID or to the keys of `avid avatar link --copies`"
    )]
    NotBound,
    /// The software passkey failed.
    #[error("the software passkey failed: {0}")]
    Passkey(String),
}

impl WalletError {
    /// Whether the failure is the caller's input (exit 2) rather than a refusal (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            WalletError::Invalid(_) | WalletError::Unknown { .. } | WalletError::NotFound { .. }
        )
    }

    /// A stable machine-readable code for the failure.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::NotFound { .. } => "noWallet",
            WalletError::AlreadyExists { .. } => "walletExists",
            WalletError::Store(KeyStoreError::WrongPassphrase { .. }) => "wrongPassphrase",
            WalletError::Store(KeyStoreError::NewerVersion { .. })
            | WalletError::NewerVersion { .. } => "newerVersion",
            WalletError::Store(KeyStoreError::Corrupt { .. }) | WalletError::Corrupt { .. } => {
                "corrupt"
            }
            WalletError::Store(KeyStoreError::ChangedOnDisk { .. }) => "changedOnDisk",
            WalletError::Store(_) | WalletError::Io { .. } => "io",
            WalletError::Unknown { .. } => "unknown",
            WalletError::Missing(_) => "missing",
            WalletError::Invalid(_) => "usage",
            WalletError::Credential { .. } => "credentialRefused",
            WalletError::NotBound => "notBound",
            WalletError::Passkey(_) => "passkeyFailed",
        }
    }
}
