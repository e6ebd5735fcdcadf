//! The body of a key store once decrypted: named secrets, each a key of a known type or raw
//! bytes, in a length-prefixed binary form that is built in one buffer of exact size (no
//! reallocation leaves a copy of a secret behind) and read without intermediate copies.
//!
//! ```text
//! body   = count:u32be entry*            (entries sorted by name, names unique)
//! entry  = name_len:u8 name kind:u8 value_len:u32be value
//! kind   = 0 bytes | 1 Ed25519 | 2 X25519 | 3 P-256
//! ```

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::KeyStoreError;
use super::envelope::TAG_LEN;
use crate::key::KeyType;

/// The most entries a store holds: far above a wallet's keys, a bound on what a body can ask.
pub(super) const MAX_ENTRIES: usize = 4096;
/// The longest entry name, in bytes.
const MAX_NAME_LEN: usize = 255;

/// What an entry of a key store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// Raw bytes the store does not interpret (a passkey blob, a seed of another kind).
    Bytes,
    /// A secret key of this type, as [`SecretKey::to_bytes`](crate::key::SecretKey::to_bytes)
    /// gives it.
    Key(KeyType),
}

impl SecretKind {
    fn tag(self) -> u8 {
        match self {
            SecretKind::Bytes => 0,
            SecretKind::Key(KeyType::Ed25519) => 1,
            SecretKind::Key(KeyType::X25519) => 2,
            SecretKind::Key(KeyType::P256) => 3,
        }
    }

    fn from_tag(tag: u8) -> Option<SecretKind> {
        Some(match tag {
            0 => SecretKind::Bytes,
            1 => SecretKind::Key(KeyType::Ed25519),
            2 => SecretKind::Key(KeyType::X25519),
            3 => SecretKind::Key(KeyType::P256),
            _ => return None,
        })
    }

    /// How an error names this kind.
    pub(super) fn describe(self) -> &'static str {
        match self {
            SecretKind::Bytes => "raw bytes",
            SecretKind::Key(_) => "a key",
        }
    }
}

/// One named secret.
pub(super) struct Entry {
    pub(super) kind: SecretKind,
    pub(super) value: Zeroizing<Vec<u8>>,
}

/// Refuses a name that is empty, longer than 255 bytes, or not printable ASCII without spaces:
/// names show up in listings and errors, so they stay plain.
pub(super) fn check_name(name: &str) -> Result<(), KeyStoreError> {
    let printable = name.bytes().all(|byte| byte.is_ascii_graphic());
    if name.is_empty() || name.len() > MAX_NAME_LEN || !printable {
        return Err(KeyStoreError::BadEntryName(name.to_owned()));
    }
    Ok(())
}

/// The body of `entries`, with spare capacity for the AEAD tag so that sealing it in place
/// does not reallocate.
pub(super) fn encode(
    entries: &BTreeMap<String, Entry>,
) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
    if entries.len() > MAX_ENTRIES {
        return Err(KeyStoreError::TooLarge(format!(
            "{} entries, at most {MAX_ENTRIES}",
            entries.len()
        )));
    }
    let mut len = 4;
    for (name, entry) in entries {
        len += 1 + name.len() + 1 + 4 + entry.value.len();
    }
    let mut body = Zeroizing::new(Vec::with_capacity(len + TAG_LEN));
    body.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (name, entry) in entries {
        let value_len = u32::try_from(entry.value.len())
            .map_err(|_| KeyStoreError::TooLarge(format!("the entry \"{name}\" is over 4 GiB")))?;
        // Names were checked on insertion: at most 255 bytes.
        body.push(name.len() as u8);
        body.extend_from_slice(name.as_bytes());
        body.push(entry.kind.tag());
        body.extend_from_slice(&value_len.to_be_bytes());
        body.extend_from_slice(&entry.value);
    }
    Ok(body)
}

/// The entries of a decrypted body; the reason it is malformed otherwise. The body was
/// authenticated, so a failure here means a writer bug or a forged key, never a bit flip.
pub(super) fn decode(body: &[u8]) -> Result<BTreeMap<String, Entry>, String> {
    let mut reader = Reader { rest: body };
    let count = reader.u32()? as usize;
    if count > MAX_ENTRIES {
        return Err(format!(
            "the body claims {count} entries, at most {MAX_ENTRIES}"
        ));
    }
    let mut entries = BTreeMap::new();
    let mut previous: Option<String> = None;
    for _ in 0..count {
        let name_len = usize::from(reader.u8()?);
        let name = std::str::from_utf8(reader.take(name_len)?)
            .map_err(|_| "an entry name is not UTF-8".to_owned())?
            .to_owned();
        check_name(&name).map_err(|err| err.to_string())?;
        if previous
            .as_deref()
            .is_some_and(|last| last >= name.as_str())
        {
            return Err("the entries are not sorted by unique names".into());
        }
        let kind = SecretKind::from_tag(reader.u8()?)
            .ok_or_else(|| format!("the entry \"{name}\" has an unknown kind"))?;
        let value_len = reader.u32()? as usize;
        let value = Zeroizing::new(reader.take(value_len)?.to_vec());
        previous = Some(name.clone());
        entries.insert(name, Entry { kind, value });
    }
    if !reader.rest.is_empty() {
        return Err(format!("{} bytes follow the last entry", reader.rest.len()));
    }
    Ok(entries)
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.rest.len() {
            return Err("the body ends inside an entry".into());
        }
        let (head, tail) = self.rest.split_at(len);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        let bytes = self.take(4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}
