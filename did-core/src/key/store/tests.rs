//! The key store against every way its file can be wrong: each failure is typed and leaves the
//! file byte for byte as it was. Most tests lower the Argon2id floor to stay fast; one runs the
//! defaults end to end.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;
use zeroize::Zeroizing;

use super::file::{self, Replace};
use super::*;
use crate::key::KeyType;

/// Cheap parameters, for tests only: the floor of [`KdfLimits::PRODUCTION`] is far above.
const WEAK: KdfParams = KdfParams {
    m_kib: 64,
    t: 1,
    p: 1,
};
const TEST_LIMITS: KdfLimits = KdfLimits {
    min: KdfParams {
        m_kib: 8,
        t: 1,
        p: 1,
    },
    max: KdfParams::MAX,
};
const PASSPHRASE: &str = "tr0ub4dor&3 is not a passphrase";

fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE).expect("not empty")
}

fn open_weak(path: &Path, passphrase: &Passphrase) -> Result<KeyStore, KeyStoreError> {
    KeyStore::open_within(path.to_owned(), passphrase, TEST_LIMITS)
}

/// A saved store with an Ed25519 key, a P-256 key and a blob, in a fresh directory.
fn saved_store() -> (TempDir, PathBuf, SecretKey) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("keys.avid");
    let key = SecretKey::generate(KeyType::Ed25519);
    let mut store =
        KeyStore::create_within(path.clone(), &passphrase(), WEAK, TEST_LIMITS).expect("create");
    store.insert_key("issuer", &key).expect("insert");
    store
        .insert_key("holder/p256", &SecretKey::generate(KeyType::P256))
        .expect("insert");
    store
        .insert_bytes("passkey", Zeroizing::new(b"opaque passkey state".to_vec()))
        .expect("insert");
    store.save().expect("save");
    (dir, path, key)
}

/// Runs `attempt` on the file after `edit` and checks it failed without touching the file.
fn fails_untouched(
    path: &Path,
    attempt: impl FnOnce(&Path) -> Result<KeyStore, KeyStoreError>,
) -> KeyStoreError {
    let before = fs::read(path).expect("read before");
    let error = attempt(path).expect_err("must fail");
    assert_eq!(fs::read(path).expect("read after"), before, "file changed");
    error
}

fn envelope_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read")).expect("json")
}

fn write_json(path: &Path, value: &Value) {
    fs::write(path, serde_json::to_vec(value).expect("encode")).expect("write");
}

#[test]
fn round_trips_keys_and_bytes() {
    let (_dir, path, key) = saved_store();
    let store = open_weak(&path, &passphrase()).expect("open");
    assert_eq!(
        store.names().collect::<Vec<_>>(),
        ["holder/p256", "issuer", "passkey"]
    );
    let issuer = store.secret_key("issuer").expect("a key").expect("present");
    assert_eq!(issuer.public_key(), key.public_key());
    assert_eq!(
        store.kind("holder/p256"),
        Some(SecretKind::Key(KeyType::P256))
    );
    assert_eq!(
        store.bytes("passkey").expect("bytes"),
        Some(&b"opaque passkey state"[..])
    );
    assert_eq!(
        store
            .secret_key("absent")
            .expect("no error")
            .map(|k| k.key_type()),
        None
    );
    assert_eq!(store.kdf_params(), WEAK);
}

#[test]
fn saves_changes_and_removals() {
    let (_dir, path, _key) = saved_store();
    let mut store = open_weak(&path, &passphrase()).expect("open");
    assert!(store.remove("passkey"));
    assert!(!store.remove("passkey"));
    store
        .insert_key("issuer", &SecretKey::generate(KeyType::Ed25519))
        .expect("replace");
    let replaced = store
        .secret_key("issuer")
        .expect("key")
        .expect("present")
        .public_key();
    store.save().expect("save over the old file");
    let again = open_weak(&path, &passphrase()).expect("reopen");
    assert_eq!(again.names().collect::<Vec<_>>(), ["holder/p256", "issuer"]);
    assert_eq!(
        again
            .secret_key("issuer")
            .expect("key")
            .expect("present")
            .public_key(),
        replaced
    );
}

#[test]
fn default_parameters_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("keys.avid");
    let key = SecretKey::generate(KeyType::Ed25519);
    let mut store = KeyStore::create(&path, &passphrase()).expect("create");
    store.insert_key("issuer", &key).expect("insert");
    store.save().expect("save");
    let json = envelope_json(&path);
    assert_eq!(json["version"], 1);
    assert_eq!(json["kdf"]["alg"], "argon2id");
    assert_eq!(json["kdf"]["m_kib"], 19 * 1024);
    assert_eq!(json["kdf"]["t"], 2);
    assert_eq!(json["kdf"]["p"], 1);
    assert_eq!(json["cipher"], "xchacha20poly1305");
    let store = KeyStore::open(&path, &passphrase()).expect("open");
    assert_eq!(
        store
            .secret_key("issuer")
            .expect("key")
            .map(|k| k.public_key()),
        Some(key.public_key())
    );
    assert_eq!(store.kdf_params(), KdfParams::DEFAULT);
}

/// A store written by the first release of format 1, kept as bytes: every later build must
/// still open it (the envelope, the associated data and the body encoding are all pinned).
const FORMAT_1_FIXTURE: &str = include_str!("testdata/format1.avid");
/// Its passphrase, and the RFC 8032 §7.1 TEST 1 seed and public key it holds.
const FORMAT_1_PASSPHRASE: &str = "avid key store format 1";
const RFC8032_TEST1_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_TEST1_PUBLIC: &str =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("test hex"))
        .collect()
}

#[test]
fn opens_the_format_1_fixture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("format1.avid");
    fs::write(&path, FORMAT_1_FIXTURE).expect("write");
    let passphrase = Passphrase::new(FORMAT_1_PASSPHRASE).expect("not empty");
    let store = KeyStore::open(&path, &passphrase).expect("format 1 opens");
    assert_eq!(
        store.names().collect::<Vec<_>>(),
        ["issuer/signing", "passkey"]
    );
    let key = store
        .secret_key("issuer/signing")
        .expect("a key")
        .expect("present");
    assert_eq!(key.to_bytes().as_slice(), hex(RFC8032_TEST1_SEED));
    assert_eq!(key.public_key().to_bytes(), hex(RFC8032_TEST1_PUBLIC));
    assert_eq!(store.bytes("passkey").expect("bytes"), Some(&b"opaque"[..]));
}

#[test]
fn rejects_wrong_passphrase() {
    let (_dir, path, _key) = saved_store();
    let wrong = Passphrase::new("Tr0ub4dor&3 is not a passphrase").expect("not empty");
    let error = fails_untouched(&path, |path| open_weak(path, &wrong));
    assert!(
        matches!(error, KeyStoreError::WrongPassphrase { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("wrong passphrase or the file was altered")
    );
    assert!(!error.to_string().contains(PASSPHRASE));
}

#[test]
fn rejects_every_single_bit_flip() {
    let (_dir, path, _key) = saved_store();
    let original = fs::read(&path).expect("read");
    let text = String::from_utf8(original.clone()).expect("utf-8");
    let nonce_at = text.find("\"nonce\"").expect("nonce member");
    let ciphertext_at = text.find("\"ciphertext\"").expect("ciphertext member");
    let mut wrong_passphrase = [0usize; 3];
    for index in 0..original.len() {
        let mut edited = original.clone();
        edited[index] ^= 0x01;
        fs::write(&path, &edited).expect("write edit");
        let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
        if matches!(error, KeyStoreError::WrongPassphrase { .. }) {
            // Header, nonce and ciphertext: where a flip keeps the JSON valid, the AEAD catches it.
            let class = if index < nonce_at {
                0
            } else if index < ciphertext_at {
                1
            } else {
                2
            };
            wrong_passphrase[class] += 1;
        }
    }
    // A flip inside a base64url value keeps the JSON valid and must be caught by the tag, in
    // each of the three regions (the salt in the header, the nonce, the ciphertext).
    assert!(
        wrong_passphrase.iter().all(|&count| count > 0),
        "{wrong_passphrase:?}"
    );
    fs::write(&path, &original).expect("restore");
    open_weak(&path, &passphrase()).expect("the restored file opens");
}

#[test]
fn rejects_edited_header_parameters() {
    let (_dir, path, _key) = saved_store();
    let original = envelope_json(&path);
    let edits: [(&str, Value); 4] = [
        ("m_kib", Value::from(WEAK.m_kib + 8)),
        ("t", Value::from(WEAK.t + 1)),
        ("p", Value::from(WEAK.p + 1)),
        ("salt", Value::from(crate::base64url::encode(&[7; 16]))),
    ];
    for (member, value) in edits {
        let mut edited = original.clone();
        edited["kdf"][member] = value;
        write_json(&path, &edited);
        let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
        assert!(
            matches!(error, KeyStoreError::WrongPassphrase { .. }),
            "{member}: {error}"
        );
    }
}

#[test]
fn header_is_bound_as_associated_data() {
    // An edited parameter already changes the derived key; the AEAD binds the header on its own
    // too, so a header edit fails even under the very key that sealed the body.
    let (_dir, path, _key) = saved_store();
    let bytes = fs::read(&path).expect("read");
    let store = open_weak(&path, &passphrase()).expect("open");
    let untouched = envelope::Sealed::parse(&path, &bytes, &TEST_LIMITS).expect("parse");
    untouched
        .unseal(&path, &store.sealing)
        .expect("the original header authenticates");
    let mut edited = envelope_json(&path);
    edited["kdf"]["t"] = Value::from(WEAK.t + 1);
    let edited = serde_json::to_vec(&edited).expect("encode");
    let sealed = envelope::Sealed::parse(&path, &edited, &TEST_LIMITS).expect("parse");
    let error = sealed
        .unseal(&path, &store.sealing)
        .expect_err("header edited");
    assert!(
        matches!(error, KeyStoreError::WrongPassphrase { .. }),
        "{error}"
    );
}

#[test]
fn rejects_weakened_parameters_before_any_work() {
    let (_dir, path, _key) = saved_store();
    // The production floor refuses the weak store itself…
    let error = fails_untouched(&path, |path| KeyStore::open(path, &passphrase()));
    assert!(
        matches!(
            error,
            KeyStoreError::ParameterOutOfBounds {
                name: "m_kib",
                value: 64,
                ..
            }
        ),
        "{error}"
    );
    // …and a single pass, at any memory.
    let mut edited = envelope_json(&path);
    edited["kdf"]["m_kib"] = Value::from(KdfParams::DEFAULT.m_kib);
    edited["kdf"]["t"] = Value::from(1);
    write_json(&path, &edited);
    let error = fails_untouched(&path, |path| KeyStore::open(path, &passphrase()));
    assert!(
        matches!(error, KeyStoreError::ParameterOutOfBounds { name: "t", .. }),
        "{error}"
    );
}

#[test]
fn rejects_hostile_memory_cost() {
    let (_dir, path, _key) = saved_store();
    let mut edited = envelope_json(&path);
    // 64 GiB: refused from the header alone, before a byte is allocated.
    edited["kdf"]["m_kib"] = Value::from(64u64 << 20);
    write_json(&path, &edited);
    let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
    assert!(
        matches!(
            error,
            KeyStoreError::ParameterOutOfBounds { name: "m_kib", .. }
        ),
        "{error}"
    );
    let mut edited = envelope_json(&path);
    edited["kdf"]["m_kib"] = Value::from(WEAK.m_kib);
    edited["kdf"]["t"] = Value::from(1_000_000);
    write_json(&path, &edited);
    let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
    assert!(
        matches!(error, KeyStoreError::ParameterOutOfBounds { name: "t", .. }),
        "{error}"
    );
}

#[test]
fn rejects_truncated_file() {
    let (_dir, path, _key) = saved_store();
    let original = fs::read(&path).expect("read");
    for len in [
        0,
        1,
        10,
        original.len() / 2,
        original.len() - 3,
        original.len() - 2,
    ] {
        fs::write(&path, &original[..len]).expect("truncate");
        let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
        assert!(
            matches!(error, KeyStoreError::Corrupt { .. }),
            "at {len}: {error}"
        );
    }
}

#[test]
fn rejects_malformed_members() {
    let (_dir, path, _key) = saved_store();
    let original = envelope_json(&path);
    let ciphertext = original["ciphertext"].as_str().expect("string").to_owned();
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "padded nonce",
            Box::new(|v| {
                v["nonce"] = Value::from(format!("{}=", v["nonce"].as_str().unwrap_or_default()))
            }),
        ),
        (
            "short nonce",
            Box::new(|v| v["nonce"] = Value::from(crate::base64url::encode(&[0; 12]))),
        ),
        (
            "ciphertext shorter than a tag",
            Box::new(|v| v["ciphertext"] = Value::from(crate::base64url::encode(&[0; 15]))),
        ),
        (
            "ciphertext not base64url",
            Box::new(move |v| v["ciphertext"] = Value::from(format!("{ciphertext}+"))),
        ),
        (
            "unknown cipher",
            Box::new(|v| v["cipher"] = Value::from("aes-256-gcm")),
        ),
        (
            "unknown kdf",
            Box::new(|v| v["kdf"]["alg"] = Value::from("scrypt")),
        ),
        ("unknown member", Box::new(|v| v["extra"] = Value::from(1))),
        (
            "missing salt",
            Box::new(|v| {
                v["kdf"].as_object_mut().map(|kdf| kdf.remove("salt"));
            }),
        ),
        ("version zero", Box::new(|v| v["version"] = Value::from(0))),
        ("not an object", Box::new(|v| *v = Value::from("keys"))),
    ];
    for (what, edit) in edits {
        let mut edited = original.clone();
        edit(&mut edited);
        write_json(&path, &edited);
        let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
        assert!(
            matches!(error, KeyStoreError::Corrupt { .. }),
            "{what}: {error}"
        );
    }
    let mut edited = original.clone();
    edited["kdf"]["salt"] = Value::from(crate::base64url::encode(&[1; 8]));
    write_json(&path, &edited);
    let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
    assert!(
        matches!(
            error,
            KeyStoreError::ParameterOutOfBounds {
                name: "salt",
                value: 8,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn rejects_newer_format_version() {
    let (_dir, path, _key) = saved_store();
    let mut edited = envelope_json(&path);
    edited["version"] = Value::from(2);
    // A newer format may change anything else too: the version is read first.
    edited["kdf"] = Value::from("something new");
    write_json(&path, &edited);
    let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
    assert!(
        matches!(
            error,
            KeyStoreError::NewerVersion {
                version: 2,
                supported: 1,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("newer avid; upgrade"), "{error}");
}

#[test]
fn rejects_forged_body_under_the_right_key() {
    // A body that authenticates but does not parse (a writer bug, a forged key) is refused.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("keys.avid");
    let store =
        KeyStore::create_within(path.clone(), &passphrase(), WEAK, TEST_LIMITS).expect("create");
    for body in [&b""[..], &[0, 0, 0, 1][..], &[0, 0, 0, 0, 9][..]] {
        let mut sealed_body = Zeroizing::new(Vec::with_capacity(body.len() + 16));
        sealed_body.extend_from_slice(body);
        let sealed = store.sealing.seal(&path, sealed_body).expect("seal");
        fs::write(&path, sealed).expect("write");
        let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
        assert!(
            matches!(error, KeyStoreError::Corrupt { .. }),
            "{body:?}: {error}"
        );
    }
}

#[cfg(unix)]
#[test]
fn file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, path, _key) = saved_store();
    let mode = |path: &Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    let mut store = open_weak(&path, &passphrase()).expect("open");
    store.save().expect("save");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&file::lock_path(&path)), 0o600);
    // No temporary file is left beside it.
    let mut names: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names, [".keys.avid.lock", "keys.avid"]);
}

#[test]
fn failed_write_leaves_the_old_file_whole() {
    let (dir, path, _key) = saved_store();
    let before = fs::read(&path).expect("read");
    let error = file::write_atomically_with(&path, b"half a new store", Replace::Existing, || {
        Err(std::io::Error::other("killed before the rename"))
    })
    .expect_err("the hook fails the write");
    assert!(matches!(error, KeyStoreError::Io { .. }), "{error}");
    assert_eq!(fs::read(&path).expect("read"), before);
    // The store and its lock file, nothing else.
    assert_eq!(
        fs::read_dir(dir.path()).expect("list").count(),
        2,
        "temporary file left"
    );
    open_weak(&path, &passphrase()).expect("the old store still opens");
}

#[test]
fn rejects_save_over_another_processes_change() {
    let (_dir, path, _key) = saved_store();
    let mut first = open_weak(&path, &passphrase()).expect("open");
    let mut second = open_weak(&path, &passphrase()).expect("open");
    first
        .insert_bytes("first", Zeroizing::new(b"one".to_vec()))
        .expect("insert");
    first.save().expect("the first save wins");
    // Its own file again: the store knows what it wrote.
    first.save().expect("a second save of the same store");
    second
        .insert_bytes("second", Zeroizing::new(b"two".to_vec()))
        .expect("insert");
    let before = fs::read(&path).expect("read");
    let error = second.save().expect_err("would erase the first change");
    assert!(
        matches!(error, KeyStoreError::ChangedOnDisk { .. }),
        "{error}"
    );
    assert_eq!(fs::read(&path).expect("read"), before);
    let error = second
        .change_passphrase(&passphrase())
        .expect_err("a rekey too");
    assert!(
        matches!(error, KeyStoreError::ChangedOnDisk { .. }),
        "{error}"
    );
    assert_eq!(fs::read(&path).expect("read"), before);
    let reopened = open_weak(&path, &passphrase()).expect("reopen");
    assert!(reopened.kind("first").is_some() && reopened.kind("second").is_none());
}

#[test]
fn writers_hold_an_exclusive_lock() {
    let (_dir, path, _key) = saved_store();
    let held = file::lock_writers(&path).expect("lock");
    let other = fs::OpenOptions::new()
        .write(true)
        .open(file::lock_path(&path))
        .expect("open the lock file");
    assert!(matches!(
        other.try_lock(),
        Err(fs::TryLockError::WouldBlock)
    ));
    drop(held);
    other.try_lock().expect("free once the writer is done");
}

#[test]
fn new_store_never_replaces_a_file() {
    let (_dir, path, _key) = saved_store();
    let before = fs::read(&path).expect("read");
    let error = KeyStore::create_within(path.clone(), &passphrase(), WEAK, TEST_LIMITS)
        .expect_err("a file is there");
    assert!(
        matches!(error, KeyStoreError::AlreadyExists { .. }),
        "{error}"
    );
    // Nor when the file appears between creation and the first save.
    let other = path.with_file_name("other.avid");
    let mut store =
        KeyStore::create_within(other.clone(), &passphrase(), WEAK, TEST_LIMITS).expect("create");
    fs::write(&other, b"someone else's file").expect("write");
    let error = store.save().expect_err("the path was taken");
    assert!(
        matches!(error, KeyStoreError::AlreadyExists { .. }),
        "{error}"
    );
    assert_eq!(fs::read(&other).expect("read"), b"someone else's file");
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn changes_passphrase() {
    let (_dir, path, key) = saved_store();
    let old_salt = envelope_json(&path)["kdf"]["salt"].clone();
    let mut store = open_weak(&path, &passphrase()).expect("open");
    let new = Passphrase::new("a different, longer passphrase").expect("not empty");
    store.change_passphrase(&new).expect("change");
    assert_ne!(
        envelope_json(&path)["kdf"]["salt"],
        old_salt,
        "a fresh salt"
    );
    let error = fails_untouched(&path, |path| open_weak(path, &passphrase()));
    assert!(
        matches!(error, KeyStoreError::WrongPassphrase { .. }),
        "{error}"
    );
    let store = open_weak(&path, &new).expect("new passphrase opens");
    assert_eq!(
        store
            .secret_key("issuer")
            .expect("key")
            .map(|k| k.public_key()),
        Some(key.public_key())
    );
}

#[test]
fn rekey_raises_parameters_within_bounds() {
    let (_dir, path, _key) = saved_store();
    let mut store = open_weak(&path, &passphrase()).expect("open");
    let stronger = KdfParams {
        m_kib: 128,
        t: 2,
        p: 2,
    };
    store.rekey(&passphrase(), stronger).expect("rekey");
    assert_eq!(envelope_json(&path)["kdf"]["m_kib"], 128);
    assert_eq!(
        open_weak(&path, &passphrase()).expect("open").kdf_params(),
        stronger
    );
    let before = fs::read(&path).expect("read");
    let error = store
        .rekey(
            &passphrase(),
            KdfParams {
                m_kib: u32::MAX,
                t: 2,
                p: 1,
            },
        )
        .expect_err("above the ceiling");
    assert!(
        matches!(error, KeyStoreError::ParameterOutOfBounds { .. }),
        "{error}"
    );
    assert_eq!(fs::read(&path).expect("read"), before);
    assert_eq!(store.kdf_params(), stronger);
    let error = KeyStore::create_with_params(path.with_file_name("weak.avid"), &passphrase(), WEAK)
        .expect_err("below the floor");
    assert!(
        matches!(error, KeyStoreError::ParameterOutOfBounds { .. }),
        "{error}"
    );
}

#[test]
fn rejects_empty_passphrase() {
    assert!(matches!(
        Passphrase::new(""),
        Err(KeyStoreError::EmptyPassphrase)
    ));
}

#[test]
fn rejects_bad_entry_names_and_kinds() {
    let (_dir, path, _key) = saved_store();
    let mut store = open_weak(&path, &passphrase()).expect("open");
    let key = SecretKey::generate(KeyType::Ed25519);
    let long = "k".repeat(256);
    for name in ["", "with space", "tab\there", "naïve", long.as_str()] {
        let error = store.insert_key(name, &key).expect_err(name);
        assert!(matches!(error, KeyStoreError::BadEntryName(_)), "{error}");
    }
    store
        .insert_key(&"k".repeat(255), &key)
        .expect("255 bytes is fine");
    assert!(matches!(
        store.bytes("issuer"),
        Err(KeyStoreError::WrongEntryKind {
            wanted: "raw bytes",
            ..
        })
    ));
    assert!(matches!(
        store.secret_key("passkey"),
        Err(KeyStoreError::WrongEntryKind {
            wanted: "a key",
            ..
        })
    ));
}

#[test]
fn debug_shows_no_secret() {
    let (_dir, path, key) = saved_store();
    let store = open_weak(&path, &passphrase()).expect("open");
    let debug = format!("{store:?} {:?}", passphrase());
    let raw = key.to_bytes();
    let hex: String = raw.iter().map(|byte| format!("{byte:02x}")).collect();
    assert!(!debug.contains(PASSPHRASE), "{debug}");
    assert!(!debug.contains(&hex), "{debug}");
    assert!(!debug.contains(&crate::base64url::encode(&raw)), "{debug}");
    assert!(!debug.contains(&format!("{:?}", raw.as_slice())), "{debug}");
    assert!(!debug.contains("opaque passkey state"), "{debug}");
    assert!(
        !debug.contains(&format!("{:?}", &b"opaque passkey state"[..])),
        "{debug}"
    );
    assert!(
        debug.contains("issuer") && debug.contains("redacted"),
        "{debug}"
    );
}

#[test]
fn file_holds_no_secret_in_clear() {
    let (_dir, path, key) = saved_store();
    let text = fs::read_to_string(&path).expect("read");
    assert!(!text.contains(&crate::base64url::encode(&key.to_bytes())));
    assert!(!text.contains("opaque passkey state"));
    assert!(!text.contains("issuer"), "entry names are sealed too");
}

#[test]
fn a_passphrase_file_loses_one_line_ending_only() {
    let read = |contents: &[u8]| {
        Passphrase::from_file_contents(contents).map(|passphrase| passphrase.as_bytes().to_vec())
    };
    assert_eq!(read(b"secret\n").unwrap(), b"secret");
    assert_eq!(read(b"secret\r\n").unwrap(), b"secret");
    assert_eq!(read(b"secret\n\n").unwrap(), b"secret\n");
    assert_eq!(read(b"secret \t").unwrap(), b"secret \t");
    assert_eq!(read(b" secret").unwrap(), b" secret");
    assert_eq!(read(b"secret\r").unwrap(), b"secret\r");
    assert!(matches!(read(b"\n"), Err(KeyStoreError::EmptyPassphrase)));
    assert!(matches!(
        read(b"\xff\xfe"),
        Err(KeyStoreError::PassphraseNotUtf8)
    ));
}
