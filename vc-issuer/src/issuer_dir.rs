//! The issuer directory: where a persistent issuer keeps its public configuration
//! (`issuer.json`), its signing key sealed in the key store (`keys.avid`) and its database
//! (`issuer.db`), and the rules that create it, read it and unlock its key.
//!
//! ```text
//! DIR/            0700
//!   issuer.json   the DID, the kid, the public key, the name, the passkey relying party;
//!                 no secret, readable without the passphrase
//!   keys.avid     the encrypted key store (did_core::key::store) with the signing key
//!   .keys.avid.lock  the lock that serialises its writers
//!   issuer.db     the store of the issuer (register, status lists, log), see `store_path`
//! ```
//!
//! The issuer is a did:key by default, or a did:web for a platform that hosts its `did.json`
//! ([`IssuerDirectory::did_document`]), with the key as a `JsonWebKey` verification method
//! for `assertionMethod` and `authentication`, named by its RFC 7638 thumbprint.
//!
//! ```
//! use did_core::key::store::Passphrase;
//! use vc_issuer::issuer_dir::{IssuerDirectory, IssuerSettings};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let parent = tempfile::tempdir()?;
//! let dir = parent.path().join("issuer");
//! let passphrase = Passphrase::new("correct horse battery staple")?;
//! let settings = IssuerSettings {
//!     did_web: Some("issuer.example".into()),
//!     ..IssuerSettings::default()
//! };
//! let issuer = IssuerDirectory::init(&dir, &settings, &passphrase)?;
//! assert_eq!(issuer.config().did().as_str(), "did:web:issuer.example");
//!
//! // Later, in another process: the public part needs no passphrase, the key does.
//! let issuer = IssuerDirectory::open(&dir)?;
//! let document = issuer.did_document()?; // serve it at https://issuer.example/.well-known/did.json
//! assert_eq!(document.id, *issuer.config().did());
//! let signing_key = issuer.unlock(&passphrase)?;
//! assert_eq!(signing_key.public_key(), *issuer.config().public_key());
//! # Ok(())
//! # }
//! ```

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use did_core::did::{Did, DidUrl};
use did_core::document::{DidDocument, RelationshipKind, VerificationMethod};
use did_core::excerpt::excerpt;
use did_core::key::store::{
    KeyStore, KeyStoreError, Passphrase, Replace, directory_of, sync_directory, write_atomically,
};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::{key as did_key, web as did_web};
use serde::{Deserialize, Serialize};

use crate::mfa::RelyingParty;

/// The public configuration, in the directory.
pub const CONFIG_FILE: &str = "issuer.json";
/// The encrypted key store, in the directory.
pub const KEYS_FILE: &str = "keys.avid";
/// The issuer's database (SQLite by default), in the directory: see
/// [`IssuerDirectory::store_path`].
pub const STORE_FILE: &str = "issuer.db";
/// The key store entry that holds the issuer's signing key.
pub const SIGNING_KEY_ENTRY: &str = "issuer/signing";
/// The version of `issuer.json` this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;
/// The name shown to people (e.g. by a passkey prompt) when none is given.
pub const DEFAULT_NAME: &str = "avid issuer";
/// The largest `issuer.json` read.
const MAX_CONFIG_BYTES: u64 = 64 << 10;
/// The method name of did:key.
const DID_KEY_METHOD: &str = "key";
/// The longest issuer name.
const MAX_NAME_LEN: usize = 128;

/// What `init` is asked to make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerSettings {
    /// Where the issuer's `did.json` will be hosted, `HOST[:PORT][/path]`: the issuer is then
    /// `did:web:…` ([`did_web::did_web`]). `None`: a did:key.
    pub did_web: Option<String>,
    /// The WebAuthn relying party id passkeys are registered for (with `origin`). For a
    /// did:web issuer without one, the host of the did:web location.
    pub rp_id: Option<String>,
    /// The origin of the issuer's pages (with `rp_id`), e.g. `https://issuer.example`. For a
    /// did:web issuer without one, `https://` and the did:web host and port.
    pub origin: Option<String>,
    /// The name shown to people; [`DEFAULT_NAME`] if `None`.
    pub name: Option<String>,
    /// Where the issuer's status lists are served: list `n` at `BASE/n`. For a did:web issuer
    /// without one, `https://` its host and port `/statuslists`.
    pub status_list_base: Option<String>,
    /// How many entries a new status list holds; the store's default (2^17) if `None`. A
    /// small list tells verifiers that few credentials exist: for tests.
    pub status_list_size: Option<u64>,
}

impl IssuerSettings {
    /// Checks the settings as `init` will, without a key or a file: a caller can refuse bad
    /// settings before it asks for a passphrase.
    pub fn check(&self) -> Result<(), IssuerDirError> {
        IssuerConfig::new(self, &SecretKey::generate(KeyType::Ed25519).public_key()).map(drop)
    }
}

/// The public configuration of an issuer, checked: its DID, the verification method it signs
/// with, the public key, its name and the passkey relying party. It holds no secret.
#[derive(Debug, Clone)]
pub struct IssuerConfig {
    did: Did,
    kid: DidUrl,
    public_key: PublicKey,
    name: String,
    relying_party: Option<RelyingParty>,
    status_list_base: Option<String>,
    status_list_size: Option<u64>,
}

impl IssuerConfig {
    /// The configuration of an issuer with `public_key`, as `settings` ask.
    pub fn new(settings: &IssuerSettings, public_key: &PublicKey) -> Result<Self, IssuerDirError> {
        let did = match &settings.did_web {
            Some(location) => Some(
                did_web::did_web(location)
                    .map_err(|err| IssuerDirError::BadSetting(err.detail.clone()))?,
            ),
            None => None,
        };
        let (did, kid) = identity(did, public_key)?;
        let name = settings.name.as_deref().unwrap_or(DEFAULT_NAME).to_owned();
        let (rp_id, origin) = match (&settings.rp_id, &settings.origin) {
            (Some(rp_id), Some(origin)) => (Some(rp_id.clone()), Some(origin.clone())),
            (None, None) => match default_relying_party(&did)? {
                Some((rp_id, origin)) => (Some(rp_id), Some(origin)),
                None => (None, None),
            },
            _ => {
                return Err(IssuerDirError::BadSetting(
                    "the relying party needs both its id and its origin".into(),
                ));
            }
        };
        let relying_party = relying_party(rp_id.as_deref(), origin.as_deref(), &name)
            .map_err(IssuerDirError::BadSetting)?;
        let status_list_base = match &settings.status_list_base {
            Some(base) => Some(base.trim_end_matches('/').to_owned()),
            None => default_status_list_base(&did)?,
        };
        check_status_list_base(status_list_base.as_deref()).map_err(IssuerDirError::BadSetting)?;
        if settings.status_list_size == Some(0) {
            return Err(IssuerDirError::BadSetting(
                "a status list holds at least one entry".into(),
            ));
        }
        Ok(Self {
            did,
            kid,
            public_key: public_key.clone(),
            name,
            relying_party,
            status_list_base,
            status_list_size: settings.status_list_size,
        })
    }

    /// The issuer's DID: the `iss` of what it signs.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The verification method it signs with: the JOSE `kid`.
    pub fn kid(&self) -> &DidUrl {
        &self.kid
    }

    /// The issuer's public signing key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The name shown to people.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The relying party passkeys are registered for, if the issuer has one.
    pub fn relying_party(&self) -> Option<&RelyingParty> {
        self.relying_party.as_ref()
    }

    /// Where the issuer's status lists are served (list `n` at `BASE/n`), if it was told.
    pub fn status_list_base(&self) -> Option<&str> {
        self.status_list_base.as_deref()
    }

    /// How many entries a new status list holds, if the issuer was told (else the store's
    /// default).
    pub fn status_list_size(&self) -> Option<u64> {
        self.status_list_size
    }

    /// The DID document of the issuer: for did:web, the `did.json` to host (the key as a
    /// `JsonWebKey` for `assertionMethod` and `authentication`); for did:key, the document the
    /// DID itself derives.
    pub fn did_document(&self) -> Result<DidDocument, IssuerDirError> {
        if self.did.method() == DID_KEY_METHOD {
            return did_key::document(&self.did)
                .map_err(|err| IssuerDirError::BadSetting(err.detail.clone()));
        }
        let mut document = DidDocument::new(self.did.clone());
        document.add_method(
            VerificationMethod::json_web_key(self.kid.clone(), self.did.clone(), &self.public_key),
            &[
                RelationshipKind::AssertionMethod,
                RelationshipKind::Authentication,
            ],
        );
        Ok(document)
    }

    /// The `issuer.json` text.
    pub fn to_json(&self) -> String {
        let raw = RawConfig {
            format: FORMAT_VERSION,
            did: self.did.to_string(),
            kid: self.kid.to_string(),
            public_key_multibase: self.public_key.to_multikey(),
            name: self.name.clone(),
            rp_id: self.relying_party.as_ref().map(|rp| rp.rp_id().to_owned()),
            origin: self.relying_party.as_ref().map(RelyingParty::origin),
            status_list_base: self.status_list_base.clone(),
            status_list_size: self.status_list_size,
        };
        // A struct of strings always serializes.
        let mut text = serde_json::to_string_pretty(&raw).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads `issuer.json` and checks it: a known format, a DID and kid that are those of the
    /// public key, a relying party whose origin is within its id.
    pub fn from_json(path: &Path, bytes: &[u8]) -> Result<Self, IssuerDirError> {
        let bad = |reason: String| IssuerDirError::BadConfig {
            path: path.to_owned(),
            reason,
        };
        let probe: FormatProbe = serde_json::from_slice(bytes).map_err(|err| {
            bad(format!(
                "not an issuer configuration ({})",
                excerpt(&err.to_string())
            ))
        })?;
        if probe.format > FORMAT_VERSION {
            return Err(IssuerDirError::NewerFormat {
                path: path.to_owned(),
                format: probe.format,
                supported: FORMAT_VERSION,
            });
        }
        if probe.format != FORMAT_VERSION {
            return Err(bad(format!("unknown format {}", probe.format)));
        }
        let raw: RawConfig =
            serde_json::from_slice(bytes).map_err(|err| bad(excerpt(&err.to_string())))?;
        let public_key = PublicKey::from_multikey(&raw.public_key_multibase)
            .map_err(|err| bad(format!("publicKeyMultibase: {err}")))?;
        let did = Did::parse(&raw.did).map_err(|err| bad(format!("did: {err}")))?;
        let web = match did.method() {
            did_web::METHOD => Some(did.clone()),
            DID_KEY_METHOD => None,
            other => {
                return Err(bad(format!(
                    "did:{} is not an issuer DID method (key, web)",
                    excerpt(other)
                )));
            }
        };
        let (expected_did, expected_kid) =
            identity(web, &public_key).map_err(|err| bad(err.to_string()))?;
        if expected_did != did || raw.kid != expected_kid.as_str() {
            return Err(bad(format!(
                "did and kid are not those of publicKeyMultibase (expected kid {})",
                expected_kid
            )));
        }
        if raw.name.is_empty() || raw.name.len() > MAX_NAME_LEN {
            return Err(bad(format!("name must be 1 to {MAX_NAME_LEN} bytes")));
        }
        let relying_party =
            relying_party(raw.rp_id.as_deref(), raw.origin.as_deref(), &raw.name).map_err(bad)?;
        check_status_list_base(raw.status_list_base.as_deref()).map_err(bad)?;
        Ok(Self {
            did,
            kid: expected_kid,
            public_key,
            name: raw.name,
            relying_party,
            status_list_base: raw.status_list_base,
            status_list_size: raw.status_list_size,
        })
    }
}

/// The DID and kid of an issuer key: did:key and its one method, or the did:web `did` with the
/// key named by its JWK thumbprint (RFC 7638), stable for the key whatever else the document
/// holds. Only Ed25519 issuer keys are made, so only those are accepted.
fn identity(web: Option<Did>, public_key: &PublicKey) -> Result<(Did, DidUrl), IssuerDirError> {
    if public_key.key_type() != KeyType::Ed25519 {
        return Err(IssuerDirError::BadSetting(format!(
            "an issuer key is Ed25519, not {}",
            public_key.key_type()
        )));
    }
    let Some(did) = web else {
        return Ok((
            did_key::did_key(public_key),
            did_key::did_key_verification_method(public_key),
        ));
    };
    let thumbprint = public_key
        .to_jwk()
        .thumbprint()
        .map_err(|err| IssuerDirError::BadSetting(err.to_string()))?;
    let kid = did
        .with_fragment(&thumbprint)
        .map_err(|err| IssuerDirError::BadSetting(err.to_string()))?;
    Ok((did, kid))
}

/// For a did:web issuer, the relying party of its host: the host as RP id, `https://` host
/// and port as origin.
fn default_relying_party(did: &Did) -> Result<Option<(String, String)>, IssuerDirError> {
    if did.method() != did_web::METHOD {
        return Ok(None);
    }
    let url =
        did_web::did_web_url(did).map_err(|err| IssuerDirError::BadSetting(err.detail.clone()))?;
    let host = url.host_str().unwrap_or_default().to_owned();
    Ok(Some((host, url.origin().ascii_serialization())))
}

/// For a did:web issuer, its status lists beside its DID document: `https://` host and port
/// `/statuslists`.
fn default_status_list_base(did: &Did) -> Result<Option<String>, IssuerDirError> {
    if did.method() != did_web::METHOD {
        return Ok(None);
    }
    let url =
        did_web::did_web_url(did).map_err(|err| IssuerDirError::BadSetting(err.detail.clone()))?;
    Ok(Some(format!(
        "{}/statuslists",
        url.origin().ascii_serialization()
    )))
}

/// A status list base is a URI under which `BASE/1` is a valid status list reference
/// (Token Status List §6.2: `uri`).
fn check_status_list_base(base: Option<&str>) -> Result<(), String> {
    let Some(base) = base else {
        return Ok(());
    };
    crate::status::StatusListReference::new(0, &format!("{base}/1"))
        .map(drop)
        .map_err(|err| format!("status list base: {err}"))
}

/// The relying party from its parts, both or neither.
fn relying_party(
    rp_id: Option<&str>,
    origin: Option<&str>,
    name: &str,
) -> Result<Option<RelyingParty>, String> {
    match (rp_id, origin) {
        (Some(rp_id), Some(origin)) => RelyingParty::new(rp_id, origin, name)
            .map(Some)
            .map_err(|err| err.to_string()),
        (None, None) => Ok(None),
        _ => Err("rpId and origin go together".into()),
    }
}

/// `issuer.json` as written.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawConfig {
    format: u64,
    did: String,
    kid: String,
    public_key_multibase: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rp_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_list_base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_list_size: Option<u64>,
}

/// Only the format, read first so that a newer file is named as such whatever else changed.
#[derive(Deserialize)]
struct FormatProbe {
    format: u64,
}

/// An issuer directory on disk, its configuration read and checked.
#[derive(Debug, Clone)]
pub struct IssuerDirectory {
    dir: PathBuf,
    config: IssuerConfig,
}

impl IssuerDirectory {
    /// Creates the issuer directory `dir` (mode 0700): a fresh Ed25519 signing key sealed
    /// under `passphrase` in `keys.avid`, and `issuer.json` as `settings` ask.
    ///
    /// All or nothing: every setting is checked first, both files are written in a private
    /// directory beside `dir` that is then renamed into place, so a failure or a crash leaves
    /// no partial issuer. `dir` must not exist, or be an empty directory; an existing issuer
    /// (or anything else) is never overwritten ([`IssuerDirError::AlreadyExists`]).
    pub fn init(
        dir: impl Into<PathBuf>,
        settings: &IssuerSettings,
        passphrase: &Passphrase,
    ) -> Result<Self, IssuerDirError> {
        let dir = dir.into();
        let signing_key = SecretKey::generate(KeyType::Ed25519);
        let config = IssuerConfig::new(settings, &signing_key.public_key())?;
        Self::ensure_vacant(&dir)?;

        let parent = directory_of(&dir);
        fs::create_dir_all(&parent).map_err(|source| io_error("create", &parent, source))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".avid-issuer-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(fs::Permissions::from_mode(0o700));
        }
        let staging = builder
            .tempdir_in(&parent)
            .map_err(|source| io_error("create a directory in", &parent, source))?;

        let mut keys = KeyStore::create(staging.path().join(KEYS_FILE), passphrase)?;
        keys.insert_key(SIGNING_KEY_ENTRY, &signing_key)?;
        keys.save()?;
        write_atomically(
            &staging.path().join(CONFIG_FILE),
            config.to_json().as_bytes(),
            Replace::Never,
        )?;
        // rename(2) moves a directory only onto nothing or an empty directory.
        fs::rename(staging.path(), &dir).map_err(|source| {
            if matches!(
                source.kind(),
                io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
            ) {
                IssuerDirError::AlreadyExists { dir: dir.clone() }
            } else {
                io_error("create", &dir, source)
            }
        })?;
        // The staging path is gone; nothing is left to clean up.
        let _ = staging.keep();
        sync_directory(&parent).map_err(|source| io_error("sync", &parent, source))?;
        Ok(Self { dir, config })
    }

    /// Refuses a `dir` that exists and is anything but an empty directory, as `init` does
    /// before it writes: a caller can check before it asks for a passphrase.
    pub fn ensure_vacant(dir: &Path) -> Result<(), IssuerDirError> {
        let occupied = || IssuerDirError::AlreadyExists {
            dir: dir.to_owned(),
        };
        match fs::symlink_metadata(dir) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(io_error("inspect", dir, err)),
            Ok(meta) if meta.is_dir() => {
                let mut entries = fs::read_dir(dir).map_err(|err| io_error("read", dir, err))?;
                match entries.next() {
                    None => Ok(()),
                    Some(_) => Err(occupied()),
                }
            }
            Ok(_) => Err(occupied()),
        }
    }

    /// Opens the issuer directory `dir` and reads its configuration; needs no passphrase.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, IssuerDirError> {
        let dir = dir.into();
        let path = dir.join(CONFIG_FILE);
        let mut bytes = Vec::new();
        File::open(&path)
            .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|source| {
                if source.kind() == io::ErrorKind::NotFound {
                    IssuerDirError::NotAnIssuerDirectory { dir: dir.clone() }
                } else {
                    io_error("read", &path, source)
                }
            })?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(IssuerDirError::BadConfig {
                path,
                reason: format!("larger than {MAX_CONFIG_BYTES} bytes"),
            });
        }
        let config = IssuerConfig::from_json(&path, &bytes)?;
        Ok(Self { dir, config })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The issuer's public configuration.
    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// The `did.json` to host for a did:web issuer: the document in its JSON-LD form, whose
    /// `@context` JSON-LD consumers need and plain JSON consumers ignore (DID Core §6.2–6.3).
    pub fn did_json(&self) -> Result<serde_json::Value, IssuerDirError> {
        Ok(self.config.did_document()?.to_json_ld())
    }

    /// Where a did:web issuer's `did.json` must be served (did:web "Read (Resolve)"); `None`
    /// for a did:key issuer, whose document is the DID itself.
    pub fn did_document_url(&self) -> Option<url::Url> {
        if self.config.did.method() != did_web::METHOD {
            return None;
        }
        did_web::did_web_url(&self.config.did).ok()
    }

    /// `DIR/issuer.json`.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    /// `DIR/keys.avid`.
    pub fn keys_path(&self) -> PathBuf {
        self.dir.join(KEYS_FILE)
    }

    /// `DIR/issuer.db`: where the issuer's embedded (SQLite) store lives. `init` does not
    /// create it; the store creates and migrates it on first open.
    pub fn store_path(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    /// The issuer's DID document ([`IssuerConfig::did_document`]).
    pub fn did_document(&self) -> Result<DidDocument, IssuerDirError> {
        self.config.did_document()
    }

    /// The issuer's signing key, from `keys.avid` under `passphrase`, checked to be the key of
    /// `issuer.json` (two files from different issuers are refused).
    pub fn unlock(&self, passphrase: &Passphrase) -> Result<SecretKey, IssuerDirError> {
        let path = self.keys_path();
        let keys = KeyStore::open(&path, passphrase)?;
        let key = keys
            .secret_key(SIGNING_KEY_ENTRY)?
            .ok_or_else(|| IssuerDirError::MissingKey { path: path.clone() })?;
        if key.public_key() != self.config.public_key {
            return Err(IssuerDirError::KeyMismatch {
                keys: path,
                did: self.config.did.to_string(),
            });
        }
        Ok(key)
    }
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> IssuerDirError {
    IssuerDirError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Why an issuer directory could not be created, read or unlocked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssuerDirError {
    /// `init` was pointed at something that exists and is not an empty directory.
    #[error(
        "{} already exists and is not empty; an issuer directory is never created over another",
        .dir.display()
    )]
    AlreadyExists {
        /// The directory.
        dir: PathBuf,
    },
    /// The directory holds no `issuer.json`.
    #[error(
        "{} is not an issuer directory (it has no {CONFIG_FILE}); initialise one first",
        .dir.display()
    )]
    NotAnIssuerDirectory {
        /// The directory.
        dir: PathBuf,
    },
    /// A setting given to `init` is invalid.
    #[error("{0}")]
    BadSetting(String),
    /// `issuer.json` does not parse or does not hold together.
    #[error("{} is not a valid issuer configuration: {reason}", .path.display())]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// `issuer.json` is of a newer format than this build reads.
    #[error(
        "{} has format {format}, newer than this build reads ({supported}): it was written by a newer avid; upgrade",
        .path.display()
    )]
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// The format in the file.
        format: u64,
        /// The newest format this build reads.
        supported: u64,
    },
    /// The key store failed: wrong passphrase, damaged file, …
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    /// The key store holds no signing key.
    #[error("{} holds no issuer signing key ({SIGNING_KEY_ENTRY})", .path.display())]
    MissingKey {
        /// The key store.
        path: PathBuf,
    },
    /// The key store's signing key is not the key `issuer.json` names.
    #[error(
        "the signing key in {} is not the key of {did}: the key store and {CONFIG_FILE} belong to different issuers",
        .keys.display()
    )]
    KeyMismatch {
        /// The key store.
        keys: PathBuf,
        /// The DID of `issuer.json`.
        did: String,
    },
    /// Reading or writing failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn passphrase() -> Passphrase {
        Passphrase::new("an issuer passphrase").expect("not empty")
    }

    fn web_settings(location: &str) -> IssuerSettings {
        IssuerSettings {
            did_web: Some(location.into()),
            ..IssuerSettings::default()
        }
    }

    /// Every file under `dir`, with its bytes, to compare before and after a refusal.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = fs::read_dir(dir)
            .expect("list")
            .map(|entry| {
                let path = entry.expect("entry").path();
                let bytes = fs::read(&path).unwrap_or_default();
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn init_makes_a_did_key_issuer_by_default() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let issuer =
            IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase()).expect("init");
        let config = issuer.config();
        assert_eq!(config.did().method(), "key");
        assert_eq!(
            *config.kid(),
            did_key::did_key_verification_method(config.public_key())
        );
        assert_eq!(config.name(), DEFAULT_NAME);
        assert!(config.relying_party().is_none());
        let names: Vec<_> = snapshot(&dir).into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            names,
            [
                dir.join(".keys.avid.lock"),
                dir.join(CONFIG_FILE),
                dir.join(KEYS_FILE)
            ]
        );
        // Nothing staged is left beside it.
        assert_eq!(fs::read_dir(parent.path()).expect("list").count(), 1);
        let reopened = IssuerDirectory::open(&dir).expect("open");
        let key = reopened.unlock(&passphrase()).expect("unlock");
        assert_eq!(key.public_key(), *config.public_key());
        assert_eq!(reopened.store_path(), dir.join("issuer.db"));
    }

    #[test]
    fn status_lists_sit_beside_a_did_web_document_or_where_told() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let web = IssuerConfig::new(&web_settings("issuer.example:8443"), &key).expect("web");
        assert_eq!(
            web.status_list_base(),
            Some("https://issuer.example:8443/statuslists")
        );
        let bare = IssuerConfig::new(&IssuerSettings::default(), &key).expect("key");
        assert_eq!(bare.status_list_base(), None);
        let told = IssuerSettings {
            status_list_base: Some("http://127.0.0.1:9000/lists/".into()),
            ..IssuerSettings::default()
        };
        let told = IssuerConfig::new(&told, &key).expect("told");
        assert_eq!(told.status_list_base(), Some("http://127.0.0.1:9000/lists"));
        let read = IssuerConfig::from_json(Path::new("issuer.json"), told.to_json().as_bytes())
            .expect("reads back");
        assert_eq!(read.status_list_base(), told.status_list_base());
    }

    #[test]
    fn rejects_status_list_base_that_is_no_uri() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let settings = IssuerSettings {
            status_list_base: Some("not a uri".into()),
            ..IssuerSettings::default()
        };
        assert!(matches!(
            IssuerConfig::new(&settings, &key),
            Err(IssuerDirError::BadSetting(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn directory_and_key_store_are_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase()).expect("init");
        let mode = |path: &Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(KEYS_FILE)), 0o600);
    }

    #[test]
    fn config_holds_no_secret() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let issuer = IssuerDirectory::init(&dir, &web_settings("issuer.example"), &passphrase())
            .expect("init");
        let key = issuer.unlock(&passphrase()).expect("unlock");
        let text = fs::read_to_string(dir.join(CONFIG_FILE)).expect("read");
        assert!(!text.contains(&did_core::base64url::encode(&key.to_bytes())));
        assert!(!text.contains("an issuer passphrase"));
        let json: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["format"], 1);
        assert_eq!(json["did"], "did:web:issuer.example");
        assert_eq!(json["rpId"], "issuer.example");
        assert_eq!(json["origin"], "https://issuer.example");
    }

    #[test]
    fn did_web_document_names_the_key_for_assertion_and_authentication() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let issuer = IssuerDirectory::init(
            &dir,
            &web_settings("localhost:8443/issuers/one"),
            &passphrase(),
        )
        .expect("init");
        let config = issuer.config();
        assert_eq!(
            config.did().as_str(),
            "did:web:localhost%3A8443:issuers:one"
        );
        let thumbprint = config
            .public_key()
            .to_jwk()
            .thumbprint()
            .expect("thumbprint");
        assert_eq!(config.kid().fragment(), Some(thumbprint.as_str()));
        let rp = config.relying_party().expect("a default relying party");
        assert_eq!(
            (rp.rp_id(), rp.origin().as_str()),
            ("localhost", "https://localhost:8443")
        );

        let document = issuer.did_document().expect("document");
        for kind in [
            RelationshipKind::AssertionMethod,
            RelationshipKind::Authentication,
        ] {
            let method = document.method_for(config.kid(), kind).expect("authorized");
            assert_eq!(method.type_, "JsonWebKey");
            assert_eq!(method.public_key().expect("key"), *config.public_key());
        }
        let json = document.to_json();
        let again = DidDocument::from_json(&json).expect("parses back");
        assert_eq!(again.id, *config.did());
    }

    #[test]
    fn explicit_relying_party_is_kept() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let settings = IssuerSettings {
            rp_id: Some("avid.example".into()),
            origin: Some("https://issuer.avid.example".into()),
            name: Some("Example Worlds".into()),
            ..IssuerSettings::default()
        };
        IssuerDirectory::init(&dir, &settings, &passphrase()).expect("init");
        let config = IssuerDirectory::open(&dir).expect("open").config().clone();
        let rp = config.relying_party().expect("relying party");
        assert_eq!(rp.rp_id(), "avid.example");
        assert_eq!(rp.origin(), "https://issuer.avid.example");
        assert_eq!(rp.name(), "Example Worlds");
    }

    #[test]
    fn rejects_init_over_an_existing_issuer() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase()).expect("init");
        let before = snapshot(&dir);
        let error = IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase())
            .expect_err("occupied");
        assert!(
            matches!(error, IssuerDirError::AlreadyExists { .. }),
            "{error}"
        );
        assert_eq!(snapshot(&dir), before);
        assert_eq!(fs::read_dir(parent.path()).expect("list").count(), 1);
        // A plain file, too.
        let file = parent.path().join("file");
        fs::write(&file, b"not a directory").expect("write");
        let error = IssuerDirectory::init(&file, &IssuerSettings::default(), &passphrase())
            .expect_err("a file");
        assert!(
            matches!(error, IssuerDirError::AlreadyExists { .. }),
            "{error}"
        );
        assert_eq!(fs::read(&file).expect("read"), b"not a directory");
    }

    #[test]
    fn init_fills_an_empty_directory() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        fs::create_dir(&dir).expect("mkdir");
        IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase()).expect("init");
        IssuerDirectory::open(&dir).expect("open");
    }

    #[test]
    fn rejects_bad_settings_before_touching_the_disk() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let bad = [
            web_settings("127.0.0.1"),
            web_settings("issuer.example/a b"),
            IssuerSettings {
                rp_id: Some("avid.example".into()),
                ..IssuerSettings::default()
            },
            IssuerSettings {
                rp_id: Some("avid.example".into()),
                origin: Some("https://evil.example".into()),
                ..IssuerSettings::default()
            },
            IssuerSettings {
                rp_id: Some("avid.example".into()),
                origin: Some("http://avid.example".into()),
                ..IssuerSettings::default()
            },
        ];
        for settings in bad {
            let error = IssuerDirectory::init(&dir, &settings, &passphrase()).expect_err("bad");
            assert!(
                matches!(error, IssuerDirError::BadSetting(_)),
                "{settings:?}: {error}"
            );
            assert_eq!(
                fs::read_dir(parent.path()).expect("list").count(),
                0,
                "{settings:?}"
            );
        }
    }

    #[test]
    fn rejects_wrong_passphrase() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        let issuer =
            IssuerDirectory::init(&dir, &IssuerSettings::default(), &passphrase()).expect("init");
        let wrong = Passphrase::new("not the passphrase").expect("not empty");
        let error = issuer.unlock(&wrong).expect_err("wrong");
        assert!(
            matches!(
                error,
                IssuerDirError::KeyStore(KeyStoreError::WrongPassphrase { .. })
            ),
            "{error}"
        );
    }

    #[test]
    fn rejects_key_store_of_another_issuer() {
        let parent = tempfile::tempdir().expect("temp dir");
        let one = parent.path().join("one");
        let two = parent.path().join("two");
        IssuerDirectory::init(&one, &IssuerSettings::default(), &passphrase()).expect("init");
        IssuerDirectory::init(&two, &IssuerSettings::default(), &passphrase()).expect("init");
        fs::copy(two.join(KEYS_FILE), one.join(KEYS_FILE)).expect("swap the key store");
        let error = IssuerDirectory::open(&one)
            .expect("open")
            .unlock(&passphrase())
            .expect_err("another issuer's key");
        assert!(
            matches!(error, IssuerDirError::KeyMismatch { .. }),
            "{error}"
        );
    }

    #[test]
    fn rejects_edited_configuration() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("issuer");
        IssuerDirectory::init(&dir, &web_settings("issuer.example"), &passphrase()).expect("init");
        let path = dir.join(CONFIG_FILE);
        let original: Value =
            serde_json::from_slice(&fs::read(&path).expect("read")).expect("json");
        let other_key = SecretKey::generate(KeyType::Ed25519).public_key();
        let edits: [(&str, Value); 6] = [
            ("did", Value::from("did:web:attacker.example")),
            ("kid", Value::from("did:web:issuer.example#other")),
            ("publicKeyMultibase", Value::from(other_key.to_multikey())),
            ("origin", Value::from("https://attacker.example")),
            ("secret", Value::from("an unknown member")),
            ("format", Value::from(0)),
        ];
        for (member, value) in edits {
            let mut edited = original.clone();
            edited[member] = value;
            fs::write(&path, serde_json::to_vec(&edited).expect("encode")).expect("write");
            let error = IssuerDirectory::open(&dir).expect_err(member);
            assert!(
                matches!(error, IssuerDirError::BadConfig { .. }),
                "{member}: {error}"
            );
        }
        let mut edited = original.clone();
        edited["format"] = Value::from(2);
        fs::write(&path, serde_json::to_vec(&edited).expect("encode")).expect("write");
        let error = IssuerDirectory::open(&dir).expect_err("newer");
        assert!(
            matches!(error, IssuerDirError::NewerFormat { format: 2, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("upgrade"));
    }

    #[test]
    fn rejects_a_directory_without_configuration() {
        let parent = tempfile::tempdir().expect("temp dir");
        let error = IssuerDirectory::open(parent.path()).expect_err("empty");
        assert!(
            matches!(error, IssuerDirError::NotAnIssuerDirectory { .. }),
            "{error}"
        );
    }
}
