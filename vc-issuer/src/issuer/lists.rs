//! The issuer's status lists: drawing a random free index for each copy it signs, opening a new
//! list when the newest is full, and producing a signed Status List Token from the stored values
//! (draft-ietf-oauth-status-list §5.1).

use did_core::jose::Signer;
use rand::Rng as _;
use sqlx::Row;

use super::{IssuerStore, StoreError, WriteTx, register::status_value, to_i64, to_u64};
use crate::status::{StatusBits, TokenStatusList, issue_status_list_token};

/// How many random draws are tried before the free indexes are listed: with the list less than
/// half full, 16 draws all hit taken indexes with probability below 2^-16.
const RANDOM_DRAWS: usize = 16;

/// A status list the store keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListInfo {
    /// Its number, from 1.
    pub number: u64,
    /// Its URI: the `sub` of its token and the `uri` of every reference into it.
    pub uri: String,
    /// How many entries it has.
    pub size: u64,
    /// The bits per status.
    pub bits: StatusBits,
    /// How many of its indexes are allocated.
    pub allocated: u64,
}

/// An allocated index.
pub(crate) struct Slot {
    pub(crate) list_no: u64,
    pub(crate) uri: String,
    pub(crate) idx: u64,
}

fn list_from_row(row: &sqlx::any::AnyRow) -> Result<StatusListInfo, StoreError> {
    let bits: i64 = row.try_get("bits")?;
    Ok(StatusListInfo {
        number: to_u64(row.try_get("list_no")?, "status_lists.list_no")?,
        uri: row.try_get("uri")?,
        size: to_u64(row.try_get("size")?, "status_lists.size")?,
        bits: u64::try_from(bits)
            .ok()
            .and_then(|bits| StatusBits::from_u64(bits).ok())
            .ok_or_else(|| StoreError::Corrupt(format!("status list bits {bits}")))?,
        allocated: to_u64(row.try_get("allocated")?, "status_lists.allocated")?,
    })
}

/// The `n`-th (from 0) index not in `taken`, which is sorted ascending without duplicates.
fn nth_free(taken: &[u64], n: u64) -> u64 {
    // Each taken index at or below the candidate pushes it one further.
    let mut candidate = n;
    for &taken_idx in taken {
        if taken_idx <= candidate {
            candidate += 1;
        } else {
            break;
        }
    }
    candidate
}

impl IssuerStore {
    /// Allocates an index for copy `copy` of credential `credential_id`: a random free one of
    /// the newest list, or of a new list when that one is full. Runs under the write lock, so
    /// no other writer allocates meanwhile; the primary key of `status_entries` would refuse a
    /// shared index all the same.
    pub(crate) async fn allocate(
        &self,
        tx: &mut WriteTx,
        credential_id: &str,
        copy: u32,
        now: u64,
    ) -> Result<Slot, StoreError> {
        let newest = sqlx::query(
            "SELECT list_no, uri, size, bits, allocated FROM status_lists \
             ORDER BY list_no DESC LIMIT 1",
        )
        .fetch_optional(&mut *tx.tx)
        .await?;
        let list = match newest.as_ref().map(list_from_row).transpose()? {
            Some(list) if list.allocated < list.size => list,
            full_or_none => self.create_list(tx, full_or_none, now).await?,
        };
        let idx = self.draw_free_index(tx, &list).await?;
        sqlx::query(
            "INSERT INTO status_entries (list_no, idx, credential_id, copy_no) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(to_i64(list.number, "list number")?)
        .bind(to_i64(idx, "index")?)
        .bind(credential_id)
        .bind(i64::from(copy))
        .execute(&mut *tx.tx)
        .await?;
        sqlx::query("UPDATE status_lists SET allocated = allocated + 1 WHERE list_no = $1")
            .bind(to_i64(list.number, "list number")?)
            .execute(&mut *tx.tx)
            .await?;
        Ok(Slot {
            list_no: list.number,
            uri: list.uri,
            idx,
        })
    }

    /// Opens the list after `previous` (or list 1), sized and named by the configuration.
    async fn create_list(
        &self,
        tx: &mut WriteTx,
        previous: Option<StatusListInfo>,
        now: u64,
    ) -> Result<StatusListInfo, StoreError> {
        let number = previous.map_or(1, |list| list.number + 1);
        let list = StatusListInfo {
            number,
            uri: self.config.list_uri(number)?,
            size: self.config.list_size,
            bits: self.config.bits,
            allocated: 0,
        };
        sqlx::query(
            "INSERT INTO status_lists (list_no, uri, size, bits, allocated, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(to_i64(list.number, "list number")?)
        .bind(list.uri.as_str())
        .bind(to_i64(list.size, "list size")?)
        .bind(i64::from(list.bits.get()))
        .bind(to_i64(now, "time")?)
        .execute(&mut *tx.tx)
        .await?;
        Ok(list)
    }

    /// A free index of `list`, uniformly at random among the free ones: a few random draws,
    /// then, for a crowded list, a pick among the listed free indexes.
    async fn draw_free_index(
        &self,
        tx: &mut WriteTx,
        list: &StatusListInfo,
    ) -> Result<u64, StoreError> {
        let list_no = to_i64(list.number, "list number")?;
        for _ in 0..RANDOM_DRAWS {
            let idx = rand::rngs::OsRng.gen_range(0..list.size);
            let taken = sqlx::query(
                "SELECT 1 AS taken FROM status_entries WHERE list_no = $1 AND idx = $2",
            )
            .bind(list_no)
            .bind(to_i64(idx, "index")?)
            .fetch_optional(&mut *tx.tx)
            .await?;
            if taken.is_none() {
                return Ok(idx);
            }
        }
        let rows = sqlx::query("SELECT idx FROM status_entries WHERE list_no = $1 ORDER BY idx")
            .bind(list_no)
            .fetch_all(&mut *tx.tx)
            .await?;
        let taken = rows
            .iter()
            .map(|row| to_u64(row.try_get("idx")?, "status_entries.idx"))
            .collect::<Result<Vec<u64>, StoreError>>()?;
        let free = list.size.saturating_sub(taken.len() as u64);
        if free == 0 {
            return Err(StoreError::Corrupt(format!(
                "status list {} counts {} allocated of {} but has no free index",
                list.number, list.allocated, list.size
            )));
        }
        Ok(nth_free(&taken, rand::rngs::OsRng.gen_range(0..free)))
    }

    /// Every status list, oldest first.
    pub async fn status_lists(&self) -> Result<Vec<StatusListInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT list_no, uri, size, bits, allocated FROM status_lists ORDER BY list_no",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(list_from_row).collect()
    }

    /// The Token Status List `number` as it stands, with every copy of every credential at its
    /// credential's status.
    pub async fn status_list(
        &self,
        number: u64,
    ) -> Result<(StatusListInfo, TokenStatusList), StoreError> {
        let mut tx = self.read_snapshot().await?;
        let list_no = to_i64(number, "list number")?;
        let info = sqlx::query(
            "SELECT list_no, uri, size, bits, allocated FROM status_lists WHERE list_no = $1",
        )
        .bind(list_no)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::UnknownStatusList(number))?;
        let info = list_from_row(&info)?;
        let len = usize::try_from(info.size)
            .map_err(|_| StoreError::Corrupt(format!("status list size {}", info.size)))?;
        let mut list = TokenStatusList::new(info.bits, len)
            .map_err(|err| StoreError::Corrupt(format!("status list {number}: {err}")))?;
        let rows = sqlx::query(
            "SELECT e.idx, c.status FROM status_entries e \
             JOIN credentials c ON c.id = e.credential_id \
             WHERE e.list_no = $1 AND c.status <> 0",
        )
        .bind(list_no)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let idx = to_u64(row.try_get("idx")?, "status_entries.idx")?;
            let status = status_value(row.try_get("status")?)?;
            list.set(idx, status)
                .map_err(|err| StoreError::Corrupt(format!("status list {number}: {err}")))?;
        }
        Ok((info, list))
    }

    /// Signs the Status List Token of list `number` as it stands at `now` (§5.1), valid for
    /// `lifetime` seconds (`exp`) and cacheable for `ttl` seconds, under the issuer's `signer`
    /// and its `kid`.
    pub async fn status_list_token(
        &self,
        number: u64,
        signer: &dyn Signer,
        kid: &str,
        now: u64,
        ttl: u64,
        lifetime: u64,
    ) -> Result<String, StoreError> {
        let (info, list) = self.status_list(number).await?;
        let exp = now.checked_add(lifetime).ok_or_else(|| {
            StoreError::InvalidRequest(format!("lifetime {lifetime} overflows the time"))
        })?;
        Ok(issue_status_list_token(
            &list,
            &info.uri,
            signer,
            kid,
            now,
            Some(exp),
            Some(ttl),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::nth_free;

    #[test]
    fn nth_free_skips_every_taken_index() {
        assert_eq!(nth_free(&[], 5), 5);
        assert_eq!(nth_free(&[0, 1, 3], 0), 2);
        assert_eq!(nth_free(&[0, 1, 3], 1), 4);
        assert_eq!(nth_free(&[2, 3, 4], 2), 5);
        assert_eq!(nth_free(&[2, 3, 4], 1), 1);
        // Exhaustively on a list of 8: the free indexes, in order, for every taken set.
        for mask in 0u16..256 {
            let taken: Vec<u64> = (0..8).filter(|i| mask & (1 << i) != 0).collect();
            let free: Vec<u64> = (0..8).filter(|i| mask & (1 << i) == 0).collect();
            for (n, expected) in free.iter().enumerate() {
                assert_eq!(
                    nth_free(&taken, n as u64),
                    *expected,
                    "taken {taken:?}, n {n}"
                );
            }
        }
    }
}
