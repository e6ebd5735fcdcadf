//! The key store on disk: a bounded read, and an atomic owner-only write (temporary file in the
//! same directory, created 0600, written, synced, renamed over the target, directory synced),
//! so a crash or a failure at any point leaves either the old file or the new one, whole.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::KeyStoreError;

/// The largest key store file read: far above any set of keys, far below memory trouble.
pub(super) const MAX_FILE_BYTES: u64 = 16 << 20;

/// The whole file at `path`, refused if larger than [`MAX_FILE_BYTES`].
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>, KeyStoreError> {
    let io_error = |source| KeyStoreError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(KeyStoreError::Corrupt {
            path: path.to_owned(),
            reason: format!("it is larger than {MAX_FILE_BYTES} bytes"),
        });
    }
    Ok(bytes)
}

/// SHA-256 of a file's bytes: which version of the file a store read or wrote.
pub(super) fn fingerprint(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Serialises the writers of `path` across processes until the returned file is dropped: an
/// exclusive lock on `.NAME.lock` beside it (created 0600, never removed, since removing it
/// would race with the next writer). The store file itself cannot carry the lock, as each
/// save replaces it with a new file.
pub(super) fn lock_writers(path: &Path) -> Result<File, KeyStoreError> {
    let lock_path = lock_path(path);
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options
        .open(&lock_path)
        .map_err(|source| KeyStoreError::Io {
            action: "create the lock file",
            path: lock_path.clone(),
            source,
        })?;
    file.lock().map_err(|source| KeyStoreError::Io {
        action: "lock",
        path: lock_path,
        source,
    })?;
    Ok(file)
}

/// `DIR/.NAME.lock` for `DIR/NAME`.
pub(super) fn lock_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".lock");
    directory_of(path).join(name)
}

/// Whether [`write_atomically`] may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Replace the file at the target, if there is one (a store saving over its own file).
    Existing,
    /// The target must not exist yet (a new store never clobbers a file): fail with
    /// [`KeyStoreError::AlreadyExists`] otherwise.
    Never,
}

/// Writes `bytes` to `path` atomically with owner-only permissions (0600 on unix): a temporary
/// file in the same directory, written and synced, renamed over `path`, the directory synced.
/// A reader sees the old file or the new one, never a part; on failure nothing is left behind.
/// The key store writes through it, and so should any file that must never be half-written.
pub fn write_atomically(path: &Path, bytes: &[u8], replace: Replace) -> Result<(), KeyStoreError> {
    write_atomically_with(path, bytes, replace, || Ok(()))
}

/// [`write_atomically`], with `before_rename` run once the temporary file is written and synced:
/// tests make it fail to show that a write cut short there changes nothing.
pub(super) fn write_atomically_with(
    path: &Path,
    bytes: &[u8],
    replace: Replace,
    before_rename: impl FnOnce() -> io::Result<()>,
) -> Result<(), KeyStoreError> {
    let dir = directory_of(path);
    let io_error = |action, source| KeyStoreError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    if replace == Replace::Never && path.symlink_metadata().is_ok() {
        return Err(KeyStoreError::AlreadyExists {
            path: path.to_owned(),
        });
    }
    // Same directory, so the rename never crosses a file system; created with mode 0600 from
    // the start (tempfile's default on unix, asked for explicitly), never widened afterwards.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".avid-keys-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut temp = builder
        .tempfile_in(&dir)
        .map_err(|source| io_error("create a temporary file beside", source))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|source| io_error("write", source))?;
    before_rename().map_err(|source| io_error("write", source))?;
    // On any error below the temporary file is removed when `temp` (or the error) drops.
    match replace {
        Replace::Existing => temp.persist(path).map(drop),
        Replace::Never => temp.persist_noclobber(path).map(drop),
    }
    .map_err(|err| {
        if err.error.kind() == io::ErrorKind::AlreadyExists {
            KeyStoreError::AlreadyExists {
                path: path.to_owned(),
            }
        } else {
            io_error("replace", err.error)
        }
    })?;
    sync_directory(&dir).map_err(|source| io_error("sync the directory of", source))
}

/// The directory `path` lives in (`.` for a bare file name).
/// The directory that holds `path` (`.` for a bare file name).
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename into `dir` durable: on unix a rename is recorded in the directory, which has
/// its own sync (fsync(2) on the directory).
#[cfg(unix)]
pub fn sync_directory(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Elsewhere a directory cannot be opened for syncing; the rename is as durable as the OS
/// makes it.
#[cfg(not(unix))]
pub fn sync_directory(_dir: &Path) -> io::Result<()> {
    Ok(())
}
