//! The holder's wallet on disk: a directory holding one encrypted key store (`wallet.avid`:
//! every key, the software passkey, and the sealed state with the credentials) and a public
//! index (`wallet.json`: ids and metadata, for listings without the passphrase).
//!
//! - Every secret and every credential (they hold personal data) is sealed in the key store of
//!   [`did_core::key::store`] (Argon2id, XChaCha20-Poly1305, atomic owner-only writes). A wrong
//!   passphrase, an altered, damaged or truncated file, or a newer format is a clear error and
//!   changes nothing.
//! - One process at a time: opening takes an exclusive lock on `.wallet.lock` in the directory,
//!   held until the [`Wallet`] drops, so two `avid` processes run one after the other.
//! - The store is the truth; the index is written after it, atomically, and rebuilt whenever the
//!   wallet is unlocked, so a crash between the two writes costs nothing.
//! - Batch copies: each world (`client_id`) gets its own copy while unused ones remain
//!   ([`choose_copy`]); which copy went where is remembered in the sealed state.
//!
//! ```
//! use did_core::key::store::Passphrase;
//! use vc_issuer::wallet::Wallet;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let passphrase = Passphrase::new("correct horse battery staple")?;
//! let mut wallet = Wallet::init(dir.path(), &passphrase)?;
//! let avatar = wallet.add_avatar("resonite", "alice_res", None)?;
//! wallet.save()?;
//! drop(wallet);
//!
//! let index = Wallet::read_index(dir.path())?;
//! assert_eq!(index.avatars[0].id, avatar);
//! let wallet = Wallet::open(dir.path(), &passphrase)?;
//! assert_eq!(wallet.avatars()[0].handle, "alice_res");
//! # Ok(())
//! # }
//! ```

mod copies;
mod error;
mod passkey;
mod state;

#[cfg(test)]
mod tests;

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use did_core::did::{Did, DidUrl};
use did_core::jose::{Algorithm, AlgorithmPolicy, LocalSigner};
use did_core::key::store::{KeyStore, Passphrase, Replace, write_atomically};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::key::{did_key, did_key_verification_method};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

pub use copies::choose_copy;
pub use error::WalletError;
pub use passkey::SoftwarePasskey;
pub use state::{
    AvatarRecord, CopyRecord, CredentialRecord, DidRecord, FORMAT_VERSION, Index, IndexAvatar,
    IndexCredential,
};

use crate::avatar::{IssuanceRequest, LinkProof, LinkRequest, LinkStatement, Platform};
use crate::issuer_keys::IssuerKeys;
use crate::mfa::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};
use crate::sd_jwt::ClaimPath;
use crate::sd_jwt_vc::{HolderCredential, KeyBindingRequest};
use state::State;

/// The encrypted key store of a wallet directory.
pub const STORE_FILE: &str = "wallet.avid";
/// The public index of a wallet directory.
pub const INDEX_FILE: &str = "wallet.json";
/// The lock file every process holds while it uses the wallet.
const LOCK_FILE: &str = ".wallet.lock";
/// The key store entry of the sealed state.
const STATE_ENTRY: &str = "state";
/// The key store entry of the software passkey.
const PASSKEY_ENTRY: &str = "passkey";
/// The largest index read.
const MAX_INDEX_BYTES: u64 = 4 << 20;
/// How long a link statement stays acceptable: within the issuer's ten-minute limit
/// ([`LinkPolicy`](crate::avatar::LinkPolicy)), long enough to carry it to the issuer.
const LINK_LIFETIME_SECS: u64 = 300;
/// The most batch copies one link request asks for.
pub const MAX_COPIES: usize = 64;

/// Where a wallet lives when no directory is given: `$XDG_DATA_HOME/avid`, else
/// `~/.local/share/avid` (the XDG Base Directory default), else `%APPDATA%\avid` on Windows.
pub fn default_dir() -> Option<PathBuf> {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(data) = from("XDG_DATA_HOME").filter(|path| path.is_absolute()) {
        return Some(data.join("avid"));
    }
    if cfg!(windows)
        && let Some(app_data) = from("APPDATA")
    {
        return Some(app_data.join("avid"));
    }
    from("HOME").map(|home| home.join(".local").join("share").join("avid"))
}

/// An unlocked wallet: its key store, its state, and the lock that keeps other processes out
/// until it drops. Changes stay in memory until [`save`](Wallet::save).
pub struct Wallet {
    dir: PathBuf,
    store: KeyStore,
    state: State,
    _lock: File,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// Creates a wallet in `dir` (made owner-only if it does not exist) sealed under
    /// `passphrase`, with a first holder DID (did:key, Ed25519), and saves it. Refuses a
    /// directory that already holds a wallet.
    pub fn init(dir: &Path, passphrase: &Passphrase) -> Result<Wallet, WalletError> {
        create_private_dir(dir)?;
        let lock = lock(dir)?;
        let store_path = dir.join(STORE_FILE);
        if store_path.symlink_metadata().is_ok() {
            return Err(WalletError::AlreadyExists {
                dir: dir.to_owned(),
            });
        }
        let store = KeyStore::create(&store_path, passphrase)?;
        let mut wallet = Wallet {
            dir: dir.to_owned(),
            store,
            state: State {
                format: FORMAT_VERSION,
                ..State::default()
            },
            _lock: lock,
        };
        wallet.create_did(KeyType::Ed25519)?;
        wallet.save()?;
        Ok(wallet)
    }

    /// Opens the wallet in `dir` with `passphrase`, waiting for any other process using it to
    /// finish. The index is rewritten if it does not match the sealed state (a crash between
    /// the two writes, or a damaged index).
    pub fn open(dir: &Path, passphrase: &Passphrase) -> Result<Wallet, WalletError> {
        let store_path = dir.join(STORE_FILE);
        if store_path.symlink_metadata().is_err() {
            return Err(WalletError::NotFound {
                dir: dir.to_owned(),
            });
        }
        let lock = lock(dir)?;
        let store = KeyStore::open(&store_path, passphrase)?;
        let state = read_state(&store)?;
        let wallet = Wallet {
            dir: dir.to_owned(),
            store,
            state,
            _lock: lock,
        };
        if read_index(dir).ok() != Some(wallet.state.index()) {
            wallet.write_index()?;
        }
        Ok(wallet)
    }

    /// The public index of the wallet in `dir`, read without the passphrase.
    pub fn read_index(dir: &Path) -> Result<Index, WalletError> {
        if dir.join(STORE_FILE).symlink_metadata().is_err() {
            return Err(WalletError::NotFound {
                dir: dir.to_owned(),
            });
        }
        read_index(dir)
    }

    /// The wallet directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Seals the state and every key into the store (atomically), then rewrites the index.
    pub fn save(&mut self) -> Result<(), WalletError> {
        let state = Zeroizing::new(serde_json::to_vec(&self.state).map_err(|error| {
            WalletError::Invalid(format!("the wallet state does not serialize: {error}"))
        })?);
        self.store.insert_bytes(STATE_ENTRY, state)?;
        self.store.save()?;
        self.write_index()
    }

    /// Seals the whole wallet under `new`, atomically: on failure it keeps the old passphrase.
    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<(), WalletError> {
        Ok(self.store.change_passphrase(new)?)
    }

    /// The public index of this wallet's state.
    pub fn index(&self) -> Index {
        self.state.index()
    }

    fn write_index(&self) -> Result<(), WalletError> {
        let mut json = serde_json::to_vec_pretty(&self.state.index()).map_err(|error| {
            WalletError::Invalid(format!("the index does not serialize: {error}"))
        })?;
        json.push(b'\n');
        write_atomically(&self.dir.join(INDEX_FILE), &json, Replace::Existing)?;
        Ok(())
    }

    // --- DIDs ---------------------------------------------------------------------------

    /// Makes a new did:key of `key_type`, its key sealed in the store; returns the DID.
    pub fn create_did(&mut self, key_type: KeyType) -> Result<Did, WalletError> {
        let key = SecretKey::generate(key_type);
        let did = did_key(&key.public_key());
        let entry = self.state.fresh_name("did");
        self.store.insert_key(&entry, &key)?;
        self.state.dids.push(DidRecord {
            did: did.to_string(),
            key: entry,
        });
        Ok(did)
    }

    /// The holder's DIDs, the first being the holder DID of link proofs.
    pub fn dids(&self) -> &[DidRecord] {
        &self.state.dids
    }

    /// The DID `did` of the wallet's.
    pub fn did(&self, did: &str) -> Result<&DidRecord, WalletError> {
        self.state
            .dids
            .iter()
            .find(|record| record.did == did)
            .ok_or_else(|| WalletError::Unknown {
                what: "did",
                id: did.to_owned(),
            })
    }

    fn holder(&self) -> Result<&DidRecord, WalletError> {
        self.state.dids.first().ok_or_else(|| {
            WalletError::Missing("the wallet has no DID; make one with `avid did create`".into())
        })
    }

    fn key(&self, entry: &str) -> Result<SecretKey, WalletError> {
        self.store
            .secret_key(entry)?
            .ok_or_else(|| WalletError::Corrupt {
                path: self.store.path().to_owned(),
                reason: format!("the key entry \"{entry}\" is missing"),
            })
    }

    // --- Avatars ------------------------------------------------------------------------

    /// Adds an avatar on `platform` named `handle`: with a DID of the wallet's (`did`, which
    /// then acts only as this avatar), or a new did:key. Returns its id.
    pub fn add_avatar(
        &mut self,
        platform: &str,
        handle: &str,
        did: Option<&str>,
    ) -> Result<String, WalletError> {
        let platform = Platform::new(platform)
            .map_err(|error| WalletError::Invalid(format!("--platform: {error}")))?;
        if handle.trim().is_empty() || handle.len() > 256 || handle.chars().any(char::is_control) {
            return Err(WalletError::Invalid(
                "the handle must be 1 to 256 characters, none of them control characters".into(),
            ));
        }
        let (did, key) = match did {
            Some(did) => {
                let position = self
                    .state
                    .dids
                    .iter()
                    .position(|record| record.did == did)
                    .ok_or_else(|| WalletError::Unknown {
                        what: "did",
                        id: did.to_owned(),
                    })?;
                if position == 0 {
                    return Err(WalletError::Invalid(
                        "that is the holder DID; an avatar needs a DID of its own (link proofs refuse one DID in both roles)".into(),
                    ));
                }
                let record = self.state.dids.remove(position);
                (record.did, record.key)
            }
            None => {
                let key = SecretKey::generate(KeyType::Ed25519);
                let entry = self.state.fresh_name("avatar-key");
                self.store.insert_key(&entry, &key)?;
                (did_key(&key.public_key()).to_string(), entry)
            }
        };
        let id = self.state.fresh_name("avatar");
        self.state.avatars.push(AvatarRecord {
            id: id.clone(),
            platform: platform.as_str().to_owned(),
            handle: handle.to_owned(),
            did,
            key,
        });
        Ok(id)
    }

    /// The avatars.
    pub fn avatars(&self) -> &[AvatarRecord] {
        &self.state.avatars
    }

    /// The link proofs of the avatars `ids` (every avatar if empty) over the issuer's `nonce`,
    /// made at `now`; with `copies` above one, that many fresh holder keys for a batch.
    pub fn link(
        &mut self,
        nonce: &str,
        copies: usize,
        ids: &[String],
        now: u64,
    ) -> Result<IssuanceRequest, WalletError> {
        if !(1..=MAX_COPIES).contains(&copies) {
            return Err(WalletError::Invalid(format!(
                "--copies must be 1 to {MAX_COPIES}"
            )));
        }
        let holder = self.holder()?.clone();
        let holder_did = parse_did(&holder.did)?;
        let holder_key = self.key(&holder.key)?;
        let holder_signer = signer(&holder_key)?;
        let holder_kid = did_key_verification_method(&holder_key.public_key());
        let chosen: Vec<AvatarRecord> = if ids.is_empty() {
            self.state.avatars.clone()
        } else {
            ids.iter()
                .map(|id| {
                    self.state
                        .avatars
                        .iter()
                        .find(|avatar| &avatar.id == id)
                        .cloned()
                        .ok_or_else(|| WalletError::Unknown {
                            what: "avatar",
                            id: id.clone(),
                        })
                })
                .collect::<Result<_, _>>()?
        };
        if chosen.is_empty() {
            return Err(WalletError::Missing(
                "the wallet has no avatar to link; add one with `avid avatar add`".into(),
            ));
        }
        let mut links = Vec::with_capacity(chosen.len());
        for avatar in &chosen {
            let avatar_key = self.key(&avatar.key)?;
            let platform = Platform::new(&avatar.platform)
                .map_err(|error| WalletError::Invalid(error.to_string()))?;
            let statement = LinkStatement::new(
                parse_did(&avatar.did)?,
                holder_did.clone(),
                platform,
                nonce.to_owned(),
                now,
                now + LINK_LIFETIME_SECS,
            );
            let avatar_kid = did_key_verification_method(&avatar_key.public_key());
            let sign = |signer: &LocalSigner, kid: &DidUrl| {
                statement
                    .sign(signer, kid)
                    .map_err(|error| WalletError::Invalid(format!("cannot sign the link: {error}")))
            };
            let proof = LinkProof::new(
                sign(&signer(&avatar_key)?, &avatar_kid)?,
                sign(&holder_signer, &holder_kid)?,
            );
            links.push(LinkRequest {
                platform: statement.platform.clone(),
                handle: avatar.handle.clone(),
                proof,
            });
        }
        let mut holder_keys = Vec::new();
        if copies > 1 {
            for _ in 0..copies {
                let key = SecretKey::generate(KeyType::Ed25519);
                let entry = self.state.fresh_name("copy-key");
                self.store.insert_key(&entry, &key)?;
                self.state.pending_copy_keys.push(entry);
                holder_keys.push(key.public_key().to_jwk());
            }
        }
        Ok(IssuanceRequest {
            holder: holder_did,
            holder_keys,
            links,
        })
    }

    // --- Passkey ------------------------------------------------------------------------

    /// Whether a software passkey is registered.
    pub fn has_passkey(&self) -> bool {
        self.state.passkey
    }

    /// Answers an issuer's passkey registration with the wallet's software passkey (made on
    /// first use), on `origin` (default `https://` + the relying party id).
    pub fn register_passkey(
        &mut self,
        options: CreationChallengeResponse,
        origin: Option<&str>,
    ) -> Result<RegisterPublicKeyCredential, WalletError> {
        let mut passkey = match self.store.bytes(PASSKEY_ENTRY)? {
            Some(bytes) => SoftwarePasskey::from_bytes(bytes)?,
            None => SoftwarePasskey::generate()?,
        };
        let response = passkey.register(options, origin)?;
        self.store
            .insert_bytes(PASSKEY_ENTRY, passkey.to_bytes()?)?;
        self.state.passkey = true;
        Ok(response)
    }

    /// Answers a world's passkey challenge with the wallet's software passkey; save the
    /// wallet afterwards, since the passkey's counter moved.
    pub fn answer_passkey(
        &mut self,
        options: RequestChallengeResponse,
        origin: Option<&str>,
    ) -> Result<PublicKeyCredential, WalletError> {
        let bytes = self.store.bytes(PASSKEY_ENTRY)?.ok_or_else(|| {
            WalletError::Missing(
                "the world asks for the passkey factor and the wallet has no passkey; register one with `avid passkey register`".into(),
            )
        })?;
        let mut passkey = SoftwarePasskey::from_bytes(bytes)?;
        let response = passkey.authenticate(options, origin)?;
        self.store
            .insert_bytes(PASSKEY_ENTRY, passkey.to_bytes()?)?;
        Ok(response)
    }

    // --- Credentials --------------------------------------------------------------------

    /// Imports the copies of one credential (`compacts`, every one from the same issuer and of
    /// the same type): each must carry a valid issuer signature (checked through `keys` at
    /// `now`) and be bound to a key of this wallet. `id` is the issuer's id for it, kept if
    /// free. Returns the wallet's id.
    pub async fn import(
        &mut self,
        compacts: &[String],
        id: Option<&str>,
        keys: &dyn IssuerKeys,
        now: u64,
    ) -> Result<String, WalletError> {
        if compacts.is_empty() {
            return Err(WalletError::Invalid("no credential to import".into()));
        }
        let mut copies = Vec::with_capacity(compacts.len());
        let mut first: Option<HolderCredential> = None;
        for compact in compacts {
            if self
                .state
                .credentials
                .iter()
                .flat_map(|credential| &credential.copies)
                .any(|copy| copy.sd_jwt == *compact)
            {
                return Err(WalletError::Invalid(
                    "the wallet already holds this credential".into(),
                ));
            }
            let credential =
                HolderCredential::receive(compact, keys, &AlgorithmPolicy::default(), now)
                    .await
                    .map_err(|source| WalletError::Credential {
                        context: "the credential is refused",
                        source,
                    })?;
            let bound = credential
                .holder_key()
                .map_err(|source| WalletError::Credential {
                    context: "the credential names no holder key",
                    source,
                })?;
            let key = self.entry_of(&bound).ok_or(WalletError::NotBound)?;
            if copies.iter().any(|copy: &CopyRecord| copy.key == key) {
                return Err(WalletError::Invalid(
                    "two copies are bound to the same key; a batch has one key per copy".into(),
                ));
            }
            if let Some(first) = &first
                && (first.issuer() != credential.issuer() || first.vct() != credential.vct())
            {
                return Err(WalletError::Invalid(
                    "the credentials differ in issuer or type: import them one at a time".into(),
                ));
            }
            copies.push(CopyRecord {
                sd_jwt: compact.clone(),
                key,
                used_by: Vec::new(),
            });
            first.get_or_insert(credential);
        }
        let first = first.ok_or_else(|| WalletError::Invalid("no credential to import".into()))?;
        let id = match id {
            Some(id) if valid_id(id) && self.credential(id).is_err() => id.to_owned(),
            _ => self.state.fresh_name("credential"),
        };
        self.state
            .pending_copy_keys
            .retain(|entry| copies.iter().all(|copy| &copy.key != entry));
        self.state.credentials.push(CredentialRecord {
            id: id.clone(),
            vct: first.vct().map(str::to_owned),
            issuer: first.issuer().map(str::to_owned),
            imported_at: now,
            copies,
        });
        Ok(id)
    }

    /// The key store entry of the wallet key whose public key is `public`.
    fn entry_of(&self, public: &PublicKey) -> Option<String> {
        let mut candidates = self
            .state
            .dids
            .iter()
            .map(|record| &record.key)
            .chain(&self.state.pending_copy_keys);
        candidates
            .find(|entry| {
                self.store
                    .secret_key(entry)
                    .ok()
                    .flatten()
                    .is_some_and(|key| key.public_key() == *public)
            })
            .cloned()
    }

    /// The credentials.
    pub fn credentials(&self) -> &[CredentialRecord] {
        &self.state.credentials
    }

    /// The credential `id`.
    pub fn credential(&self, id: &str) -> Result<&CredentialRecord, WalletError> {
        self.state
            .credentials
            .iter()
            .find(|credential| credential.id == id)
            .ok_or_else(|| WalletError::Unknown {
                what: "credential",
                id: id.to_owned(),
            })
    }

    /// Every claim of the credential `id` (its first copy: copies differ only in keys and
    /// signatures).
    pub fn claims(&self, id: &str) -> Result<Map<String, Value>, WalletError> {
        let record = self.credential(id)?;
        let copy = record
            .copies
            .first()
            .ok_or_else(|| WalletError::Missing("the credential has no copy".into()))?;
        parse_copy(copy)?
            .claims()
            .map_err(|source| WalletError::Credential {
                context: "the credential cannot be read",
                source,
            })
    }

    /// Deletes the credential `id` and the keys of its batch copies (keys of DIDs stay).
    pub fn delete_credential(&mut self, id: &str) -> Result<(), WalletError> {
        let position = self
            .state
            .credentials
            .iter()
            .position(|credential| credential.id == id)
            .ok_or_else(|| WalletError::Unknown {
                what: "credential",
                id: id.to_owned(),
            })?;
        let record = self.state.credentials.remove(position);
        for copy in &record.copies {
            if self.state.dids.iter().all(|did| did.key != copy.key) {
                self.store.remove(&copy.key);
            }
        }
        Ok(())
    }

    /// The copies to answer `client_id` with, one per credential ([`choose_copy`]), each with
    /// its holder key.
    pub fn copies_for(&self, client_id: &str) -> Result<Vec<HeldCopy>, WalletError> {
        let mut held = Vec::with_capacity(self.state.credentials.len());
        for record in &self.state.credentials {
            let used_by: Vec<Vec<String>> = record
                .copies
                .iter()
                .map(|copy| copy.used_by.clone())
                .collect();
            let Some(index) = choose_copy(&used_by, client_id) else {
                continue;
            };
            let copy = &record.copies[index];
            held.push(HeldCopy {
                credential_id: record.id.clone(),
                copy: index,
                credential: parse_copy(copy)?,
                key: self.key(&copy.key)?,
            });
        }
        Ok(held)
    }

    /// Remembers that copy `copy` of credential `id` was shown to `client_id`.
    pub fn record_use(
        &mut self,
        id: &str,
        copy: usize,
        client_id: &str,
    ) -> Result<(), WalletError> {
        let record = self
            .state
            .credentials
            .iter_mut()
            .find(|credential| credential.id == id)
            .ok_or_else(|| WalletError::Unknown {
                what: "credential",
                id: id.to_owned(),
            })?;
        let copy = record
            .copies
            .get_mut(copy)
            .ok_or_else(|| WalletError::Invalid(format!("the credential has no copy {copy}")))?;
        if !copy.used_by.iter().any(|world| world == client_id) {
            copy.used_by.push(client_id.to_owned());
        }
        Ok(())
    }

    /// An SD-JWT+KB of the credential `id` disclosing exactly `paths`, bound to `audience` and
    /// `nonce` at `now`, from the copy [`choose_copy`] picks for `audience` (remembered: save
    /// afterwards). A path the credential lacks is an error, not a silent omission.
    pub fn present(
        &mut self,
        id: &str,
        paths: &[ClaimPath],
        audience: &str,
        nonce: &str,
        now: u64,
    ) -> Result<String, WalletError> {
        let claims = self.claims(id)?;
        for path in paths {
            if claim_at(&claims, path).is_none() {
                return Err(WalletError::Invalid(format!(
                    "the credential has no claim at {path}; `avid credential show {id}` lists its claims"
                )));
            }
        }
        let held = self
            .copies_for(audience)?
            .into_iter()
            .find(|held| held.credential_id == id)
            .ok_or_else(|| WalletError::Missing("the credential has no copy".into()))?;
        let signer = held.signer(Algorithm::preferred_for(held.key.key_type()))?;
        let request = KeyBindingRequest::new(audience, nonce, now);
        let presentation = held
            .credential
            .present_with_key_binding(paths, &request, &signer)
            .map_err(|source| WalletError::Credential {
                context: "the presentation failed",
                source,
            })?;
        self.record_use(id, held.copy, audience)?;
        Ok(presentation)
    }
}

/// One copy of a credential, ready to present: the credential and its holder key.
pub struct HeldCopy {
    /// The wallet's id of the credential.
    pub credential_id: String,
    /// Which copy of it.
    pub copy: usize,
    /// The copy, every disclosure included.
    pub credential: HolderCredential,
    key: SecretKey,
}

impl std::fmt::Debug for HeldCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldCopy")
            .field("credential_id", &self.credential_id)
            .field("copy", &self.copy)
            .finish_non_exhaustive()
    }
}

impl HeldCopy {
    /// The public holder key of the copy.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// A signer of the copy's holder key with `algorithm` (`None`: the key type cannot sign).
    pub fn signer(&self, algorithm: Option<Algorithm>) -> Result<LocalSigner, WalletError> {
        let algorithm =
            algorithm.ok_or_else(|| WalletError::Invalid("the holder key cannot sign".into()))?;
        self.key
            .signer(algorithm)
            .map_err(|error| WalletError::Invalid(format!("the holder key cannot sign: {error}")))
    }
}

/// The value at `path` in `claims`, if there is one.
fn claim_at<'a>(claims: &'a Map<String, Value>, path: &ClaimPath) -> Option<&'a Value> {
    let mut segments = path.segments().iter();
    let mut value = claims.get(segments.next()?)?;
    for segment in segments {
        value = match value {
            Value::Object(object) => object.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn parse_copy(copy: &CopyRecord) -> Result<HolderCredential, WalletError> {
    HolderCredential::parse(&copy.sd_jwt).map_err(|source| WalletError::Credential {
        context: "a stored credential cannot be read",
        source,
    })
}

fn parse_did(text: &str) -> Result<Did, WalletError> {
    Did::parse(text)
        .map_err(|error| WalletError::Invalid(format!("bad DID in the wallet: {error}")))
}

fn signer(key: &SecretKey) -> Result<LocalSigner, WalletError> {
    let algorithm = Algorithm::preferred_for(key.key_type())
        .ok_or_else(|| WalletError::Invalid("the key cannot sign".into()))?;
    key.signer(algorithm)
        .map_err(|error| WalletError::Invalid(format!("the key cannot sign: {error}")))
}

/// Ids the issuer gives are kept only if plain: they appear in commands and listings, and one
/// starting with `-` would read as an option there.
fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.starts_with(|first: char| first.is_ascii_alphanumeric())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

fn read_state(store: &KeyStore) -> Result<State, WalletError> {
    let corrupt = |reason: String| WalletError::Corrupt {
        path: store.path().to_owned(),
        reason,
    };
    let bytes = store
        .bytes(STATE_ENTRY)?
        .ok_or_else(|| corrupt("the sealed state is missing".into()))?;
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| corrupt(format!("the sealed state is not JSON: {error}")))?;
    check_version(store.path(), &value)?;
    serde_json::from_value(value).map_err(|error| corrupt(format!("the sealed state: {error}")))
}

fn read_index(dir: &Path) -> Result<Index, WalletError> {
    let path = dir.join(INDEX_FILE);
    let mut bytes = Vec::new();
    File::open(&path)
        .and_then(|file| file.take(MAX_INDEX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|source| WalletError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
    // The index is derived: unlocking rebuilds it from the sealed state.
    let corrupt = |reason: String| WalletError::Corrupt {
        path: path.clone(),
        reason: format!(
            "{reason}; any command that asks for the passphrase (e.g. `avid credential show ID`) rebuilds it"
        ),
    };
    if bytes.len() as u64 > MAX_INDEX_BYTES {
        return Err(corrupt(format!(
            "it is larger than {MAX_INDEX_BYTES} bytes"
        )));
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|error| corrupt(format!("not JSON: {error}")))?;
    check_version(&path, &value)?;
    serde_json::from_value(value).map_err(|error| corrupt(error.to_string()))
}

/// Refuses a file of a newer format before reading the rest, so that the error says "upgrade"
/// rather than "damaged".
fn check_version(path: &Path, value: &Value) -> Result<(), WalletError> {
    let version =
        value
            .get("format")
            .and_then(Value::as_u64)
            .ok_or_else(|| WalletError::Corrupt {
                path: path.to_owned(),
                reason: "no format version".into(),
            })?;
    if version > FORMAT_VERSION {
        return Err(WalletError::NewerVersion {
            path: path.to_owned(),
            version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(())
}

/// Holds the wallet's lock file exclusively until the returned file drops; waits for another
/// process that holds it.
fn lock(dir: &Path) -> Result<File, WalletError> {
    let path = dir.join(LOCK_FILE);
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let io = |action, source| WalletError::Io {
        action,
        path: path.clone(),
        source,
    };
    let file = options.open(&path).map_err(|source| io("open", source))?;
    file.lock().map_err(|source| io("lock", source))?;
    Ok(file)
}

/// Creates `dir` (and its parents) if needed; a directory it creates is owner-only.
fn create_private_dir(dir: &Path) -> Result<(), WalletError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| WalletError::Io {
        action: "create the directory",
        path: dir.to_owned(),
        source,
    })
}
