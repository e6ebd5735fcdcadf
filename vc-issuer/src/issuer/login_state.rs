//! The issuer store as the shared memory of a login service: the state each avatar login keeps
//! between HTTP calls, as opaque bytes the service writes and reads, until a given time. The
//! meaning of the bytes and every login rule stay with the service; here each operation is one
//! statement (or, for a put, one transaction).

use sqlx::Row;

use super::{IssuerStore, StoreError, to_i64};

/// A time as a BIGINT: past `i64::MAX` seconds is the same as never.
fn clamp(time: u64) -> i64 {
    i64::try_from(time).unwrap_or(i64::MAX)
}

impl IssuerStore {
    /// Keeps `state` for login `id` until `keep_until` (Unix seconds), forgetting the logins
    /// whose time is over. A second put of a live id fails ([`StoreError::InvalidRequest`]):
    /// login ids are random, so a collision is a bug, never something to overwrite.
    pub async fn put_login_state(
        &self,
        id: &str,
        state: &[u8],
        keep_until: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM login_states WHERE keep_until <= $1")
            .bind(clamp(now))
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO login_states (login_id, state, keep_until) VALUES ($1, $2, $3) \
             ON CONFLICT (login_id) DO NOTHING",
        )
        .bind(id)
        .bind(state.to_vec())
        .bind(to_i64(keep_until, "keep_until")?)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::InvalidRequest(
                "a login of this id is already kept".to_owned(),
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the state of login `id`, if it is still kept at `now`; says whether it was.
    /// Its time to be forgotten does not change.
    pub async fn replace_login_state(
        &self,
        id: &str,
        state: &[u8],
        now: u64,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE login_states SET state = $1 WHERE login_id = $2 AND keep_until > $3",
        )
        .bind(state.to_vec())
        .bind(id)
        .bind(clamp(now))
        .execute(&self.pool)
        .await?;
        Ok(changed.rows_affected() == 1)
    }

    /// The state of login `id` and until when it is kept, if it is still kept at `now`.
    pub async fn login_state(&self, id: &str, now: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let row =
            sqlx::query("SELECT state FROM login_states WHERE login_id = $1 AND keep_until > $2")
                .bind(id)
                .bind(clamp(now))
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(row) => Some(row.try_get("state")?),
            None => None,
        })
    }
}
