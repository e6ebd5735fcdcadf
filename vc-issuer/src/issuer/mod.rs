//! The persistent issuer's store: the issued-credential register, status-list allocation and
//! values, and the tamper-evident log, in SQLite (one file, the default) or PostgreSQL (an
//! issuer that runs on several nodes) through one code path.
//!
//! Every change of the register, the lists or the log is one database transaction that first
//! locks the head of the log, so that:
//! - issuing records the credential, allocates its status indexes and appends its log entry
//!   together, or not at all — a failure or a kill in the middle leaves no half-allocated index;
//! - two issuers on one database (two nodes) never draw the same index, and the log never forks;
//! - revocations, suspensions and reinstatements are never lost to a concurrent writer.
//!
//! Status indexes are drawn at random from the free ones of the newest list (a sequential index
//! would leak the order and volume of issuance); a full list is followed by a new one, whose
//! URI is the configured base URI and its number. The log is a hash chain that
//! [`IssuerStore::audit`] recomputes without any secret. No code here reads the clock: every
//! time is passed in as Unix seconds.
//!
//! The same database keeps what every node of an issuer or verifier must share: the store is a
//! [`SingleUseStore`](crate::single_use::SingleUseStore) (link nonces, login transactions,
//! pending WebAuthn ceremonies) and a [`CounterStore`](crate::mfa::CounterStore) (passkey
//! signature counters), and it keeps the state of each avatar login between HTTP calls
//! ([`IssuerStore::put_login_state`]) for a login service that runs on several nodes.
//!
//! ```
//! use vc_issuer::issuer::{IssuerStore, NewCredential, StoreConfig};
//! use vc_issuer::status::StatusValue;
//!
//! # let dir = std::env::temp_dir().join(format!("avid-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! let config = StoreConfig::new("https://issuer.example/status")?;
//! let store = IssuerStore::open_sqlite(&dir.join("issuer.db"), config).await?;
//!
//! // Issue two copies: the signer sees the status references before anything commits.
//! let credential = NewCredential::new("did:example:holder", "urn:avid:avatar-link:1", 1_750_000_000)
//!     .copies(2);
//! let (registered, uris) = store
//!     .issue(&credential, |registered| {
//!         Ok::<_, std::convert::Infallible>(registered.status.iter().map(|r| r.uri.clone()).collect::<Vec<_>>())
//!     })
//!     .await?;
//! assert_eq!(uris, ["https://issuer.example/status/1", "https://issuer.example/status/1"]);
//!
//! store.suspend(&registered.id, 1_750_000_100).await?;
//! let record = store.credential(&registered.id).await?;
//! assert_eq!(record.status, StatusValue::Suspended);
//!
//! // Every change is in the log, and the chain checks out.
//! assert!(store.audit().await?.first_break.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod issuance;
mod lists;
mod log;
mod login_state;
mod register;
mod single_use;
mod trust_history;

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, Row, SqlSafeStr, Transaction};

use crate::status::{StatusBits, TokenStatusList};

pub use error::{IssueError, StoreError};
pub use lists::StatusListInfo;
pub use log::{AuditReport, ChainBreak, ChainHead, ChainProblem, KeyEvent, LogEntry, LogKind};
pub use register::{CredentialRecord, MAX_COPIES, MAX_FIELD_LEN, NewCredential, Registration};
pub use trust_history::SqlTrustHistory;

/// The default number of entries of a status list: 2^17, the size the W3C Bitstring Status List
/// requires as a minimum for herd privacy, used here for Token Status Lists too (a verifier that
/// fetches a list learns that its credential is one of that many).
pub const DEFAULT_LIST_SIZE: u64 = 1 << 17;

/// How the store makes new status lists. Existing lists keep the size, bits and URI they were
/// created with; a change applies to the next list only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    base_uri: Option<String>,
    list_size: u64,
    bits: StatusBits,
}

impl StoreConfig {
    /// Lists of [`DEFAULT_LIST_SIZE`] entries of two bits (so that suspension exists), each at
    /// `base_uri` followed by `/` and its number (1, 2, …).
    pub fn new(base_uri: &str) -> Result<StoreConfig, StoreError> {
        let base_uri = base_uri.trim_end_matches('/').to_owned();
        // The URI of list 1 stands for all: if it is a valid reference URI, so are the others.
        crate::status::StatusListReference::new(0, &format!("{base_uri}/1"))
            .map_err(|err| StoreError::InvalidConfig(format!("status list base URI: {err}")))?;
        Ok(StoreConfig {
            base_uri: Some(base_uri),
            list_size: DEFAULT_LIST_SIZE,
            bits: StatusBits::Two,
        })
    }

    /// A store that opens no new status list: for commands that only read, audit or change
    /// statuses, of an issuer that has not said where its lists are served. Issuing into it
    /// fails once a new list would be needed.
    pub fn without_new_lists() -> StoreConfig {
        StoreConfig {
            base_uri: None,
            list_size: DEFAULT_LIST_SIZE,
            bits: StatusBits::Two,
        }
    }

    /// New lists hold `size` entries. Small sizes are for tests; a real issuer keeps the
    /// default, since a small list tells a verifier that few credentials exist.
    pub fn list_size(mut self, size: u64) -> Result<StoreConfig, StoreError> {
        let len = usize::try_from(size)
            .map_err(|_| StoreError::InvalidConfig(format!("list size {size} is too large")))?;
        if size == 0 || i64::try_from(size).is_err() {
            return Err(StoreError::InvalidConfig(format!(
                "list size {size} is out of range"
            )));
        }
        TokenStatusList::new(self.bits, len)
            .map_err(|err| StoreError::InvalidConfig(format!("list size {size}: {err}")))?;
        self.list_size = size;
        Ok(self)
    }

    /// New lists use `bits` per status; one bit cannot express suspension.
    pub fn bits(mut self, bits: StatusBits) -> Result<StoreConfig, StoreError> {
        let len = usize::try_from(self.list_size).unwrap_or(usize::MAX);
        TokenStatusList::new(bits, len)
            .map_err(|err| StoreError::InvalidConfig(format!("{bits} bits per status: {err}")))?;
        self.bits = bits;
        Ok(self)
    }

    /// The URI of list number `list_no`.
    fn list_uri(&self, list_no: u64) -> Result<String, StoreError> {
        let base = self.base_uri.as_deref().ok_or_else(|| {
            StoreError::InvalidConfig(
                "a new status list is needed and the issuer has no status list base URI".into(),
            )
        })?;
        Ok(format!("{base}/{list_no}"))
    }
}

/// Which database the store runs on: the SQL is the same but for how a writer takes the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// The issuer's store over a pool of database connections. Cheap to clone (the pool is shared);
/// two stores opened on one PostgreSQL database behave as two nodes of one issuer.
#[derive(Clone)]
pub struct IssuerStore {
    pool: AnyPool,
    backend: Backend,
    config: StoreConfig,
}

impl std::fmt::Debug for IssuerStore {
    /// The backend and the list settings; never the database URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerStore")
            .field("backend", &self.backend)
            .field("config", &self.config)
            .finish()
    }
}

/// A write transaction holding the lock on the log's head, and the head as it stood.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    head: ChainHead,
}

impl IssuerStore {
    /// Opens (creating if missing) the SQLite store in the file at `path`, in WAL mode.
    pub async fn open_sqlite(path: &Path, config: StoreConfig) -> Result<IssuerStore, StoreError> {
        IssuerStore::open(&sqlite_url(path)?, config).await
    }

    /// Opens the store at a database URL (`sqlite://PATH?mode=rwc`,
    /// `postgres://user@host:port/db`) and brings its schema up to date.
    pub async fn open(url: &str, config: StoreConfig) -> Result<IssuerStore, StoreError> {
        let (pool, backend) = connect(url).await?;
        migrator(backend).run(&pool).await?;
        Ok(IssuerStore {
            pool,
            backend,
            config,
        })
    }

    /// Closes every connection of the pool, waiting for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction and takes the lock that serializes every change of the store:
    /// on SQLite the database's write lock (`BEGIN IMMEDIATE`, so that two writers never both
    /// read and then collide), on PostgreSQL a row lock on the log's head, held until commit.
    pub(crate) async fn write(&self) -> Result<WriteTx, StoreError> {
        let (mut tx, head_query) = match self.backend {
            Backend::Sqlite => (
                self.pool.begin_with("BEGIN IMMEDIATE").await?,
                "SELECT seq, hash FROM issuer_log_head WHERE id = 1",
            ),
            Backend::Postgres => (
                self.pool.begin().await?,
                "SELECT seq, hash FROM issuer_log_head WHERE id = 1 FOR UPDATE",
            ),
        };
        let row = sqlx::query(head_query)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the log's head row is missing".to_owned()))?;
        let head = ChainHead {
            seq: to_u64(row.try_get("seq")?, "issuer_log_head.seq")?,
            hash: row.try_get("hash")?,
        };
        Ok(WriteTx { tx, head })
    }
}

impl IssuerStore {
    /// Starts a read-only transaction that sees one snapshot of the database: a deferred
    /// transaction in SQLite's WAL mode, `REPEATABLE READ` in PostgreSQL.
    pub(crate) async fn read_snapshot(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }
}

/// A pool of connections to the database at `url` (`sqlite:` or `postgres:`), SQLite in WAL
/// mode: what the issuer store and the trust history ([`SqlTrustHistory`]) both open.
pub(crate) async fn connect(url: &str) -> Result<(AnyPool, Backend), StoreError> {
    let backend = if url.starts_with("sqlite:") {
        Backend::Sqlite
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Backend::Postgres
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        return Err(StoreError::UnsupportedDatabase(did_core::excerpt::excerpt(
            scheme,
        )));
    };
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(match backend {
            // SQLite has one writer at a time; a few readers beside it are plenty.
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        })
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?;
    if backend == Backend::Sqlite {
        // WAL: readers (a status list being served) do not wait for the writer, and a
        // transaction killed half-way is rolled back on the next open.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
    }
    Ok((pool, backend))
}

/// The URL of the SQLite file at `path`, created readable by its owner only if missing.
pub(crate) fn sqlite_url(path: &Path) -> Result<String, StoreError> {
    let path = path.to_str().ok_or_else(|| {
        StoreError::InvalidConfig("the store's path is not valid UTF-8".to_owned())
    })?;
    // A `?` or `#` in the path would be read as the URL's query or fragment.
    if path.contains(['?', '#']) {
        return Err(StoreError::InvalidConfig(
            "the store's path may not contain `?` or `#`".to_owned(),
        ));
    }
    create_owner_only(Path::new(path))?;
    Ok(format!("sqlite://{path}?mode=rwc"))
}

/// Creates the database file readable by its owner only, unless it exists: the register names
/// holders. SQLite gives its `-wal` and `-shm` files the mode of the database file.
fn create_owner_only(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(StoreError::InvalidConfig(format!(
            "the store's file cannot be created: {err}"
        ))),
    }
}

/// The embedded migrations: SQL text compiled into the binary, so that neither building nor
/// opening needs anything but the database itself. One text serves both backends unless a
/// type differs (bytes: BLOB in SQLite, BYTEA in PostgreSQL).
fn migrator(backend: Backend) -> Migrator {
    let (single_use, login_states) = match backend {
        Backend::Sqlite => (
            include_str!("../../migrations/sqlite/0002_single_use.sql"),
            include_str!("../../migrations/sqlite/0003_login_states.sql"),
        ),
        Backend::Postgres => (
            include_str!("../../migrations/postgres/0002_single_use.sql"),
            include_str!("../../migrations/postgres/0003_login_states.sql"),
        ),
    };
    let mut migrator = Migrator::with_migrations(vec![
        Migration::new(
            1,
            Cow::Borrowed("issuer store"),
            MigrationType::Simple,
            include_str!("../../migrations/0001_issuer_store.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            2,
            Cow::Borrowed("single use and passkey counters"),
            MigrationType::Simple,
            single_use.into_sql_str(),
            false,
        ),
        Migration::new(
            3,
            Cow::Borrowed("login states"),
            MigrationType::Simple,
            login_states.into_sql_str(),
            false,
        ),
    ]);
    // Two nodes starting at once must not both apply a migration.
    migrator.set_locking(true);
    migrator
}

/// A number from Rust to a BIGINT column.
fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::InvalidRequest(format!("{what} {value} is out of range")))
}

/// A BIGINT column read back; a negative value can only come from an edit by hand.
fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} is negative: {value}")))
}
