//! Where `avid` gets a passphrase: `--passphrase-file FILE` (or `-` for stdin), else the
//! `AVID_PASSPHRASE` variable, else a prompt on the terminal without echo. The passphrase is
//! never printed or logged, and an empty one is refused.

use std::io::Read;
use std::path::Path;

use did_core::key::store::{KeyStoreError, Passphrase};
use zeroize::Zeroizing;

use crate::output::Failure;

/// The variable a script sets the passphrase in.
pub const PASSPHRASE_VAR: &str = "AVID_PASSPHRASE";

/// The longest passphrase file read.
const MAX_PASSPHRASE_FILE_BYTES: u64 = 64 << 10;

/// What the passphrase is for: opening an existing store, or sealing a new one (which the
/// prompt asks twice, so that a typo does not lock the key away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Unlock an existing store.
    Unlock,
    /// Choose the passphrase of a new store.
    New,
}

/// The passphrase, from the first source given: `file`, then `AVID_PASSPHRASE`, then the
/// terminal. `what` names the store in the prompt.
pub fn obtain(file: Option<&Path>, purpose: Purpose, what: &str) -> Result<Passphrase, Failure> {
    if let Some(file) = file {
        return from_file(file);
    }
    match std::env::var(PASSPHRASE_VAR) {
        Ok(text) => return checked(Zeroizing::new(text), PASSPHRASE_VAR),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Failure::usage(format!("{PASSPHRASE_VAR} is not UTF-8")));
        }
        Err(std::env::VarError::NotPresent) => {}
    }
    prompt(purpose, what)
}

/// The passphrase in `path` (or stdin for `-`): the whole file, less one trailing line ending
/// (`\n` or `\r\n`), so that `echo` and editors can write it; other whitespace is kept.
fn from_file(path: &Path) -> Result<Passphrase, Failure> {
    let name = path.display().to_string();
    // Capacity for the whole bound, so the buffer never reallocates and leaves a copy behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_PASSPHRASE_FILE_BYTES as usize + 1));
    let read = if name == "-" {
        std::io::stdin()
            .take(MAX_PASSPHRASE_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| {
            file.take(MAX_PASSPHRASE_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
        })
    };
    read.map_err(|err| Failure::usage(format!("cannot read the passphrase file {name}: {err}")))?;
    if bytes.len() as u64 > MAX_PASSPHRASE_FILE_BYTES {
        return Err(Failure::usage(format!(
            "the passphrase file {name} is larger than {MAX_PASSPHRASE_FILE_BYTES} bytes"
        )));
    }
    Passphrase::from_file_contents(&bytes).map_err(|err| match err {
        KeyStoreError::EmptyPassphrase => {
            Failure::usage(format!("the passphrase from {name} is empty; choose one"))
        }
        KeyStoreError::PassphraseNotUtf8 => {
            Failure::usage(format!("the passphrase file {name} is not UTF-8"))
        }
        other => Failure::usage(other.to_string()),
    })
}

/// Asks on the terminal, without echo; twice for a new passphrase.
fn prompt(purpose: Purpose, what: &str) -> Result<Passphrase, Failure> {
    let ask =
        |question: String| {
            rpassword::prompt_password(question).map(Zeroizing::new).map_err(|err| {
            Failure::usage(format!(
                "no passphrase: give --passphrase-file FILE or set {PASSPHRASE_VAR}, or run in \
                 a terminal ({err})"
            ))
        })
        };
    match purpose {
        Purpose::Unlock => checked(ask(format!("Passphrase for {what}: "))?, "the prompt"),
        Purpose::New => {
            let first = ask(format!("New passphrase for {what}: "))?;
            let second = ask("Repeat it: ".to_owned())?;
            if first != second {
                return Err(Failure::usage(
                    "the two passphrases differ; nothing was changed",
                ));
            }
            checked(first, "the prompt")
        }
    }
}

fn checked(text: Zeroizing<String>, source: &str) -> Result<Passphrase, Failure> {
    // `Passphrase::new` takes the String as is; moving it out of `Zeroizing` leaves an empty
    // String behind, and the passphrase type wipes the text from then on.
    let mut text = text;
    Passphrase::new(std::mem::take(&mut *text)).map_err(|err| match err {
        KeyStoreError::EmptyPassphrase => {
            Failure::usage(format!("the passphrase from {source} is empty; choose one"))
        }
        other => Failure::usage(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use did_core::key::store::KeyStore;

    #[test]
    fn rejects_empty_passphrase_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        for content in [&b""[..], b"\n", b"\r\n"] {
            let path = dir.path().join("empty");
            std::fs::write(&path, content).expect("write");
            let failure = from_file(&path).expect_err("empty");
            assert!(
                failure.usage && failure.message.contains("empty"),
                "{}",
                failure.message
            );
        }
    }

    #[test]
    fn reads_passphrase_file_and_never_shows_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("passphrase");
        std::fs::write(&path, b"  spaced passphrase \n").expect("write");
        let passphrase = from_file(&path).expect("read");
        assert!(!format!("{passphrase:?}").contains("spaced"));
        // Only the line ending went: the spaces are part of the passphrase.
        let store_path = dir.path().join("keys.avid");
        KeyStore::create(&store_path, &passphrase)
            .and_then(|mut store| store.save())
            .expect("sealed");
        let exact = Passphrase::new("  spaced passphrase ").expect("not empty");
        KeyStore::open(&store_path, &exact).expect("the same passphrase");
        std::fs::write(&path, [0xff, 0xfe]).expect("write");
        let failure = from_file(&path).expect_err("not UTF-8");
        assert!(failure.message.contains("not UTF-8"), "{}", failure.message);
    }
}
