//! The issuer store as the database behind the single-use records
//! ([`SingleUseStore`]: link nonces, login transactions, pending WebAuthn ceremonies) and the
//! passkey signature counters ([`CounterStore`]), so that several nodes share them. The rules
//! stay with the traits' callers; here each operation is one atomic statement or transaction.

use async_trait::async_trait;
use sqlx::Row;

use super::IssuerStore;
use crate::mfa::{CounterStore, CredentialId, StoreError as CounterError};
use crate::single_use::{Purpose, REMEMBER_SECS, SingleUseError, SingleUseStore, Taken};

/// A time as a BIGINT: past `i64::MAX` seconds is the same as never.
fn clamp(time: u64) -> i64 {
    i64::try_from(time).unwrap_or(i64::MAX)
}

fn backend(error: sqlx::Error) -> SingleUseError {
    SingleUseError::Backend {
        reason: error.to_string(),
    }
}

#[async_trait]
impl SingleUseStore for IssuerStore {
    async fn put(
        &self,
        purpose: Purpose,
        key: &str,
        value: Vec<u8>,
        expires_at: u64,
        now: u64,
    ) -> Result<(), SingleUseError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Records past their remembering are forgotten: their keys may be put again.
        sqlx::query("DELETE FROM single_use WHERE keep_until <= $1")
            .bind(clamp(now))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // Of two puts of one key, the conflict clause lets exactly one insert.
        let inserted = sqlx::query(
            "INSERT INTO single_use (purpose, record_key, value, used, expires_at, keep_until) \
             VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT (purpose, record_key) DO NOTHING",
        )
        .bind(purpose.as_str())
        .bind(key)
        .bind(value)
        .bind(clamp(expires_at))
        .bind(clamp(expires_at.saturating_add(REMEMBER_SECS)))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if inserted.rows_affected() == 0 {
            return Err(SingleUseError::Duplicate);
        }
        tx.commit().await.map_err(backend)
    }

    async fn take(&self, purpose: Purpose, key: &str, now: u64) -> Result<Taken, SingleUseError> {
        // One statement marks the record used and hands its value back: of two concurrent
        // takes, the second finds `used = 1` and updates nothing. RETURNING gives the row as
        // updated, so the value is cleared by a second statement of the same transaction.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let taken = sqlx::query(
            "UPDATE single_use SET used = 1 \
             WHERE purpose = $1 AND record_key = $2 AND used = 0 AND keep_until > $3 \
             RETURNING value, expires_at",
        )
        .bind(purpose.as_str())
        .bind(key)
        .bind(clamp(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if let Some(row) = taken {
            let expires_at: i64 = row.try_get("expires_at").map_err(backend)?;
            let value: Option<Vec<u8>> = row.try_get("value").map_err(backend)?;
            sqlx::query(
                "UPDATE single_use SET value = NULL WHERE purpose = $1 AND record_key = $2",
            )
            .bind(purpose.as_str())
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            tx.commit().await.map_err(backend)?;
            if clamp(now) >= expires_at {
                return Ok(Taken::Expired);
            }
            return Ok(Taken::Fresh(value.unwrap_or_default()));
        }
        tx.rollback().await.map_err(backend)?;
        let remembered = sqlx::query(
            "SELECT 1 AS found FROM single_use \
             WHERE purpose = $1 AND record_key = $2 AND keep_until > $3",
        )
        .bind(purpose.as_str())
        .bind(key)
        .bind(clamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(if remembered.is_some() {
            Taken::Used
        } else {
            Taken::Unknown
        })
    }
}

fn counter_backend(error: sqlx::Error) -> CounterError {
    CounterError::Backend(error.to_string())
}

#[async_trait]
impl CounterStore for IssuerStore {
    async fn get(
        &self,
        credential_id: &CredentialId,
        _now: u64,
    ) -> Result<Option<u32>, CounterError> {
        let row = sqlx::query("SELECT counter FROM passkey_counters WHERE credential_id = $1")
            .bind(credential_id.to_base64url())
            .fetch_optional(&self.pool)
            .await
            .map_err(counter_backend)?;
        row.map(|row| {
            let counter: i64 = row.try_get("counter").map_err(counter_backend)?;
            u32::try_from(counter).map_err(|_| {
                CounterError::Backend(format!("stored counter {counter} is out of range"))
            })
        })
        .transpose()
    }

    async fn compare_and_set(
        &self,
        credential_id: &CredentialId,
        expected: Option<u32>,
        new: u32,
        _now: u64,
    ) -> Result<bool, CounterError> {
        let id = credential_id.to_base64url();
        // Each branch is one conditional statement: it changes a row only if the counter is
        // still what the caller read.
        let changed = match expected {
            None => sqlx::query(
                "INSERT INTO passkey_counters (credential_id, counter) VALUES ($1, $2) \
                 ON CONFLICT (credential_id) DO NOTHING",
            )
            .bind(id)
            .bind(i64::from(new))
            .execute(&self.pool)
            .await,
            Some(expected) => sqlx::query(
                "UPDATE passkey_counters SET counter = $1 WHERE credential_id = $2 AND counter = $3",
            )
            .bind(i64::from(new))
            .bind(id)
            .bind(i64::from(expected))
            .execute(&self.pool)
            .await,
        }
        .map_err(counter_backend)?;
        Ok(changed.rows_affected() == 1)
    }
}
