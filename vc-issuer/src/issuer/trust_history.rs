//! A verifier's history of issuers in SQLite or PostgreSQL ([`SqlTrustHistory`]): the raw
//! events of [`crate::trust`] kept across restarts and shared by replicas, bounded per issuer
//! and in issuers exactly as the in-memory [`TrustHistory`](crate::trust::TrustHistory) is.
//!
//! Its tables (`trust_events`, `trust_issuers`) and its migrations table
//! (`_avid_trust_migrations`) are its own, so that it can live in its own file or in the
//! database of an [`IssuerStore`](super::IssuerStore) (a service's `--database`) beside it.

use std::borrow::Cow;
use std::path::Path;

use async_trait::async_trait;
use did_core::excerpt::excerpt;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Row, SqlSafeStr, Transaction};

use super::{Backend, StoreError, connect, sqlite_url};
use crate::trust::{HistoryLimits, IssuerHistory, TrustError, TrustEvent, TrustHistoryStore};

/// The history of issuers over a pool of database connections. Cheap to clone; two histories
/// opened on one PostgreSQL database are one history.
#[derive(Clone)]
pub struct SqlTrustHistory {
    pool: AnyPool,
    backend: Backend,
    limits: HistoryLimits,
}

impl std::fmt::Debug for SqlTrustHistory {
    /// The backend and the bounds; never the database URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlTrustHistory")
            .field("backend", &self.backend)
            .field("limits", &self.limits)
            .finish()
    }
}

impl SqlTrustHistory {
    /// Opens (creating if missing, readable by its owner only) the history in the SQLite file
    /// at `path`, bounded by `limits`.
    pub async fn open_sqlite(path: &Path, limits: HistoryLimits) -> Result<Self, TrustError> {
        let url = sqlite_url(path).map_err(|err| unavailable("open", &err))?;
        SqlTrustHistory::open(&url, limits).await
    }

    /// Opens the history at a database URL (`sqlite://PATH?mode=rwc`, `postgres://…`) and
    /// brings its tables up to date. A bound of 0 counts as 1. Errors never name the URL.
    pub async fn open(url: &str, limits: HistoryLimits) -> Result<Self, TrustError> {
        let (pool, backend) = connect(url)
            .await
            .map_err(|err| unavailable("open", &err))?;
        migrator(backend)
            .run(&pool)
            .await
            .map_err(|err| unavailable("migrate", &StoreError::Migration(err)))?;
        Ok(SqlTrustHistory {
            pool,
            backend,
            limits: HistoryLimits {
                max_events_per_issuer: limits.max_events_per_issuer.max(1),
                max_issuers: limits.max_issuers.max(1),
            },
        })
    }

    /// Closes every connection of the pool, waiting for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction that holds the write lock from its start on SQLite (`BEGIN
    /// IMMEDIATE`: two writers never both read, then collide).
    async fn write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    async fn record_in(&self, event: &TrustEvent, kind: String) -> Result<(), sqlx::Error> {
        let mut tx = self.write().await?;
        let known = sqlx::query("SELECT 1 AS found FROM trust_issuers WHERE issuer = $1")
            .bind(&event.issuer)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        let id: i64 = sqlx::query(
            "INSERT INTO trust_events (issuer, at, kind) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&event.issuer)
        .bind(event.at)
        .bind(kind)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO trust_issuers (issuer, first_seen, touched) VALUES ($1, $2, $3) \
             ON CONFLICT (issuer) DO UPDATE SET touched = excluded.touched, first_seen = \
             CASE WHEN excluded.first_seen < trust_issuers.first_seen \
             THEN excluded.first_seen ELSE trust_issuers.first_seen END",
        )
        .bind(&event.issuer)
        .bind(event.at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The oldest events beyond the bound go, as in the in-memory history.
        sqlx::query(
            "DELETE FROM trust_events WHERE issuer = $1 AND id NOT IN \
             (SELECT id FROM trust_events WHERE issuer = $1 ORDER BY at DESC, id DESC LIMIT $2)",
        )
        .bind(&event.issuer)
        .bind(to_i64(self.limits.max_events_per_issuer))
        .execute(&mut *tx)
        .await?;
        if !known {
            self.evict_issuers(&mut tx, &event.issuer).await?;
        }
        tx.commit().await
    }

    /// Drops the issuers recorded least recently beyond the bound, never `keep`.
    async fn evict_issuers(
        &self,
        tx: &mut Transaction<'static, Any>,
        keep: &str,
    ) -> Result<(), sqlx::Error> {
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM trust_issuers")
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
        let excess = count - to_i64(self.limits.max_issuers);
        if excess <= 0 {
            return Ok(());
        }
        let evicted = sqlx::query(
            "SELECT issuer FROM trust_issuers WHERE issuer <> $1 ORDER BY touched ASC LIMIT $2",
        )
        .bind(keep)
        .bind(excess)
        .fetch_all(&mut **tx)
        .await?;
        for row in evicted {
            let issuer: String = row.try_get("issuer")?;
            for statement in [
                "DELETE FROM trust_events WHERE issuer = $1",
                "DELETE FROM trust_issuers WHERE issuer = $1",
            ] {
                sqlx::query(statement)
                    .bind(&issuer)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    async fn read(&self, issuer: &str) -> Result<(Option<i64>, Vec<(i64, String)>), sqlx::Error> {
        // One snapshot: the events and first-seen time of the same moment.
        let mut tx = self.pool.begin().await?;
        let first_seen = sqlx::query("SELECT first_seen FROM trust_issuers WHERE issuer = $1")
            .bind(issuer)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<i64, _>("first_seen"))
            .transpose()?;
        let rows = sqlx::query(
            "SELECT at, kind FROM trust_events WHERE issuer = $1 ORDER BY at ASC, id ASC",
        )
        .bind(issuer)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let events = rows
            .iter()
            .map(|row| Ok((row.try_get("at")?, row.try_get("kind")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok((first_seen, events))
    }
}

#[async_trait]
impl TrustHistoryStore for SqlTrustHistory {
    /// Keeps `event` in one transaction with the eviction it causes; refuses an oversized one.
    async fn record(&self, event: TrustEvent) -> Result<(), TrustError> {
        event.check_size()?;
        let kind = serde_json::to_string(&event.kind)
            .map_err(|_| TrustError::HistoryUnavailable("an event could not be encoded".into()))?;
        self.record_in(&event, kind)
            .await
            .map_err(|err| unavailable("record", &StoreError::Database(err)))
    }

    async fn history(&self, issuer: &str) -> Result<IssuerHistory, TrustError> {
        let (first_seen, rows) = self
            .read(issuer)
            .await
            .map_err(|err| unavailable("read", &StoreError::Database(err)))?;
        let events = rows
            .into_iter()
            .map(|(at, kind)| {
                let kind = serde_json::from_str(&kind).map_err(|_| {
                    TrustError::HistoryUnavailable(
                        "a stored event is not a trust event: the table was edited by hand".into(),
                    )
                })?;
                Ok(TrustEvent {
                    issuer: issuer.to_owned(),
                    at,
                    kind,
                })
            })
            .collect::<Result<Vec<_>, TrustError>>()?;
        Ok(IssuerHistory::from_events(issuer, first_seen, events))
    }
}

/// The store's failure as the trust model reports it: what failed and the database's own
/// message (which names tables and constraints, never an event's contents), excerpted.
fn unavailable(what: &str, err: &StoreError) -> TrustError {
    TrustError::HistoryUnavailable(format!("{what}: {}", excerpt(&err.to_string())))
}

/// A bound as a BIGINT (bounds are far below `i64::MAX`).
fn to_i64(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The history's embedded migrations, tracked in a table of their own so that they never
/// mix with the issuer store's on a shared database.
fn migrator(backend: Backend) -> Migrator {
    let events = match backend {
        Backend::Sqlite => include_str!("../../migrations/trust/sqlite/0001_trust_events.sql"),
        Backend::Postgres => include_str!("../../migrations/trust/postgres/0001_trust_events.sql"),
    };
    let mut migrator = Migrator::with_migrations(vec![Migration::new(
        1,
        Cow::Borrowed("trust events"),
        MigrationType::Simple,
        events.into_sql_str(),
        false,
    )]);
    migrator.dangerous_set_table_name("_avid_trust_migrations");
    // Two replicas starting at once must not both apply a migration.
    migrator.set_locking(true);
    migrator
}
