//! What the wallet remembers: the sealed state (DIDs, avatars, credentials with their copies and
//! the worlds each copy was shown to), kept as one JSON entry inside the encrypted key store, and
//! the public index derived from it (ids and metadata only) that listings read without the
//! passphrase.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The format of both the sealed state and the index; a file of a higher version is refused.
pub const FORMAT_VERSION: u64 = 1;

/// The sealed state. Its credentials hold personal data, which is why it lives only inside the
/// key store.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct State {
    pub(super) format: u64,
    /// Counter for the names of new entries and ids, so none is ever reused.
    pub(super) next: u64,
    pub(super) dids: Vec<DidRecord>,
    pub(super) avatars: Vec<AvatarRecord>,
    pub(super) credentials: Vec<CredentialRecord>,
    /// Key entries made for batch copies by `avatar link --copies`, not yet in a credential.
    pub(super) pending_copy_keys: Vec<String>,
    pub(super) passkey: bool,
}

/// A DID of the holder's, its key sealed in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DidRecord {
    /// The DID (did:key).
    pub did: String,
    /// The key store entry of its key.
    pub key: String,
}

/// An avatar: its DID on a platform, its key sealed in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarRecord {
    /// The wallet's id for it (`avatar-N`).
    pub id: String,
    /// The platform it lives on.
    pub platform: String,
    /// Its display name there.
    pub handle: String,
    /// The avatar DID.
    pub did: String,
    /// The key store entry of its key.
    pub key: String,
}

/// A credential the wallet holds: one or more copies of it (a batch), each bound to its own key.
#[derive(Clone, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// The wallet's id for it.
    pub id: String,
    /// Its type (`vct`).
    pub vct: Option<String>,
    /// Its issuer (`iss`).
    pub issuer: Option<String>,
    /// When it was imported, in Unix seconds.
    pub imported_at: u64,
    /// The copies.
    pub copies: Vec<CopyRecord>,
}

impl fmt::Debug for CredentialRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialRecord")
            .field("id", &self.id)
            .field("vct", &self.vct)
            .field("copies", &self.copies.len())
            .finish_non_exhaustive()
    }
}

/// One copy: the issued SD-JWT with all its disclosures (personal data), the entry of the key it
/// is bound to, and the worlds it was shown to.
#[derive(Clone, Serialize, Deserialize)]
pub struct CopyRecord {
    pub(super) sd_jwt: String,
    /// The key store entry of its holder key.
    pub key: String,
    /// The `client_id`s of the worlds it was presented to.
    pub used_by: Vec<String>,
}

impl fmt::Debug for CopyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyRecord")
            .field("key", &self.key)
            .field("used_by", &self.used_by.len())
            .finish_non_exhaustive()
    }
}

/// The public index (`wallet.json`): what listings show without the passphrase. No key, no
/// credential, no claim value; the DIDs and the avatars' platforms and DIDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The format version.
    pub format: u64,
    /// The holder's DIDs, the first being the one link proofs name.
    pub dids: Vec<String>,
    /// The avatars.
    pub avatars: Vec<IndexAvatar>,
    /// The credentials.
    pub credentials: Vec<IndexCredential>,
    /// Whether a software passkey is registered.
    pub passkey: bool,
}

/// An avatar as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexAvatar {
    /// The wallet's id for it.
    pub id: String,
    /// Its platform.
    pub platform: String,
    /// The avatar DID.
    pub did: String,
}

/// A credential as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexCredential {
    /// The wallet's id for it.
    pub id: String,
    /// Its type (`vct`).
    pub vct: Option<String>,
    /// Its issuer.
    pub issuer: Option<String>,
    /// How many copies the wallet holds.
    pub copies: usize,
    /// How many of them no world has seen yet.
    pub unused_copies: usize,
    /// When it was imported, in Unix seconds.
    pub imported_at: u64,
}

impl State {
    /// The index of this state.
    pub(super) fn index(&self) -> Index {
        Index {
            format: FORMAT_VERSION,
            dids: self.dids.iter().map(|record| record.did.clone()).collect(),
            avatars: self
                .avatars
                .iter()
                .map(|avatar| IndexAvatar {
                    id: avatar.id.clone(),
                    platform: avatar.platform.clone(),
                    did: avatar.did.clone(),
                })
                .collect(),
            credentials: self
                .credentials
                .iter()
                .map(|credential| IndexCredential {
                    id: credential.id.clone(),
                    vct: credential.vct.clone(),
                    issuer: credential.issuer.clone(),
                    copies: credential.copies.len(),
                    unused_copies: credential
                        .copies
                        .iter()
                        .filter(|copy| copy.used_by.is_empty())
                        .count(),
                    imported_at: credential.imported_at,
                })
                .collect(),
            passkey: self.passkey,
        }
    }

    /// A fresh name with `prefix`, never given before in this wallet.
    pub(super) fn fresh_name(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{}", self.next)
    }
}
