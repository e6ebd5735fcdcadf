//! One database for one test, on one backend: a SQLite file in a fresh directory (deleted
//! with the fixture), or a fresh database on the shared throwaway PostgreSQL cluster
//! (`support/postgres.rs`, included beside this module as `postgres_cluster`); and a raw pool
//! beside whatever the test opens on it, for what an attacker with database access does.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::path::PathBuf;
use std::sync::Arc;

use rand::RngCore as _;

use crate::postgres_cluster::Cluster;

/// A database URL, and what keeps it alive.
pub struct Fixture {
    /// The sqlx URL of the database.
    pub url: String,
    dir: Option<PathBuf>,
    _cluster: Option<Arc<Cluster>>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Fixture {
    /// A SQLite file `name.db` in a fresh directory.
    pub fn sqlite(name: &str) -> Fixture {
        let mut suffix = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut suffix);
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("avid-{name}-{suffix}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Fixture {
            url: format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.db")).display()
            ),
            dir: Some(dir),
            _cluster: None,
        }
    }

    /// A fresh database on the shared PostgreSQL cluster.
    pub async fn postgres() -> Fixture {
        let cluster = Cluster::shared();
        Fixture {
            url: cluster.fresh_database().await,
            dir: None,
            _cluster: Some(cluster),
        }
    }

    /// The directory of a SQLite fixture.
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_deref()
    }

    /// A connection pool beside the test's own, for what an attacker with database access does.
    pub async fn raw(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&self.url)
            .await
            .expect("raw connection")
    }
}
