//! The issued-credential register: what was issued to whom, with which status indexes, and the
//! status changes of revocation (final), suspension and reinstatement.

use did_core::base64url;
use rand::RngCore as _;
use serde_json::json;
use sqlx::Row;

use super::{IssueError, IssuerStore, LogKind, StoreError, to_i64, to_u64};
use crate::status::{StatusBits, StatusListReference, StatusValue};

/// The most copies one issuance may ask for: each copy takes a status index, and a batch is
/// meant for a holder's worlds, not for filling lists.
pub const MAX_COPIES: u32 = 64;

/// The longest holder DID or credential type the register keeps, in bytes.
pub const MAX_FIELD_LEN: usize = 2048;

/// A credential to register: everything the register keeps, and nothing more (no claim values,
/// no PII beyond the holder's DID, which revocation by holder needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCredential {
    /// The holder's DID.
    pub holder: String,
    /// The credential type (`vct`).
    pub vct: String,
    /// How many copies are signed, each with its own status index (batch issuance).
    pub copies: u32,
    /// When it is issued (`iat`, Unix seconds); the log entry carries the same time.
    pub issued_at: u64,
    /// When it expires (`exp`), if it does.
    pub expires_at: Option<u64>,
}

impl NewCredential {
    /// One copy for `holder`, of type `vct`, issued at `issued_at`, not expiring.
    pub fn new(holder: &str, vct: &str, issued_at: u64) -> NewCredential {
        NewCredential {
            holder: holder.to_owned(),
            vct: vct.to_owned(),
            copies: 1,
            issued_at,
            expires_at: None,
        }
    }

    /// `copies` copies instead of one.
    pub fn copies(mut self, copies: u32) -> NewCredential {
        self.copies = copies;
        self
    }

    /// Expiring at `expires_at`.
    pub fn expiring_at(mut self, expires_at: u64) -> NewCredential {
        self.expires_at = Some(expires_at);
        self
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.copies == 0 || self.copies > MAX_COPIES {
            return Err(StoreError::InvalidRequest(format!(
                "{} copies: between 1 and {MAX_COPIES} may be issued at once",
                self.copies
            )));
        }
        for (field, value) in [("holder", &self.holder), ("credential type", &self.vct)] {
            if value.is_empty() || value.len() > MAX_FIELD_LEN {
                return Err(StoreError::InvalidRequest(format!(
                    "the {field} must have 1 to {MAX_FIELD_LEN} bytes, not {}",
                    value.len()
                )));
            }
        }
        if self.expires_at.is_some_and(|exp| exp <= self.issued_at) {
            return Err(StoreError::InvalidRequest(
                "a credential must expire after it is issued".to_owned(),
            ));
        }
        Ok(())
    }
}

/// What the signer needs from the store: the credential's id and, per copy, where its status is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The credential's id in the register: random, so that it says nothing of the holder or
    /// of the order of issuance.
    pub id: String,
    /// The status reference of each copy, in copy order: put `status[k].to_status_claim()` in
    /// copy `k`.
    pub status: Vec<StatusListReference>,
}

/// A registered credential as the register holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRecord {
    /// Its id.
    pub id: String,
    /// The holder's DID.
    pub holder: String,
    /// Its type.
    pub vct: String,
    /// When it was issued.
    pub issued_at: u64,
    /// When it expires, if it does.
    pub expires_at: Option<u64>,
    /// Its status, the value of every copy in its list.
    pub status: StatusValue,
    /// The status reference of each copy, in copy order.
    pub references: Vec<StatusListReference>,
}

/// A fresh credential id: 128 random bits, base64url.
fn new_credential_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64url::encode(&bytes)
}

impl IssuerStore {
    /// Issues a credential in one transaction: records it, draws a random free status index for
    /// each copy, calls `sign` with the result, appends the log entry and commits.
    ///
    /// `sign` runs inside the transaction, so a signing failure leaves nothing behind: no row,
    /// no index, no log entry. It should only sign (it holds the store's write lock); what it
    /// returns comes back beside the registration. A kill at any point leaves either the whole
    /// issuance or none of it.
    pub async fn issue<T, E, F>(
        &self,
        credential: &NewCredential,
        sign: F,
    ) -> Result<(Registration, T), IssueError<E>>
    where
        F: FnOnce(&Registration) -> Result<T, E> + Send,
        T: Send,
        E: Send,
    {
        credential.check()?;
        let id = new_credential_id();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO credentials (id, holder, vct, copies, issued_at, expires_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(id.as_str())
        .bind(credential.holder.as_str())
        .bind(credential.vct.as_str())
        .bind(i64::from(credential.copies))
        .bind(to_i64(credential.issued_at, "issued_at")?)
        .bind(
            credential
                .expires_at
                .map(|exp| to_i64(exp, "expires_at"))
                .transpose()?,
        )
        .execute(&mut *tx.tx)
        .await
        .map_err(StoreError::from)?;

        let mut status = Vec::with_capacity(credential.copies as usize);
        let mut allocated = Vec::with_capacity(credential.copies as usize);
        for copy in 0..credential.copies {
            let slot = self
                .allocate(&mut tx, &id, copy, credential.issued_at)
                .await?;
            allocated.push(json!({ "list": slot.list_no, "idx": slot.idx }));
            status.push(
                StatusListReference::new(slot.idx, &slot.uri)
                    .map_err(|err| StoreError::Corrupt(format!("status list URI: {err}")))?,
            );
        }
        let registration = Registration { id, status };
        let signed = sign(&registration).map_err(IssueError::Sign)?;

        tx.append(
            credential.issued_at,
            LogKind::Issue,
            &registration.id,
            json!({
                "vct": credential.vct,
                "copies": credential.copies,
                "status": allocated,
                "expires_at": credential.expires_at,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok((registration, signed))
    }

    /// Revokes credential `id`: every copy becomes `INVALID`, for good.
    pub async fn revoke(&self, id: &str, now: u64) -> Result<(), StoreError> {
        self.change_status(id, StatusValue::Invalid, now).await
    }

    /// Suspends credential `id`: every copy becomes `SUSPENDED` until reinstated.
    pub async fn suspend(&self, id: &str, now: u64) -> Result<(), StoreError> {
        self.change_status(id, StatusValue::Suspended, now).await
    }

    /// Reinstates suspended credential `id`: every copy is `VALID` again. A revoked credential
    /// is never reinstated.
    pub async fn reinstate(&self, id: &str, now: u64) -> Result<(), StoreError> {
        self.change_status(id, StatusValue::Valid, now).await
    }

    /// Moves credential `id` to status `to`, if its current status allows, and logs it.
    async fn change_status(&self, id: &str, to: StatusValue, now: u64) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query("SELECT status FROM credentials WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or_else(|| StoreError::unknown_credential(id))?;
        let from = status_value(row.try_get("status")?)?;
        // Token Status List §7.1: INVALID is final; SUSPENDED is temporary.
        let kind = match (from, to) {
            (StatusValue::Valid, StatusValue::Invalid)
            | (StatusValue::Suspended, StatusValue::Invalid) => LogKind::Revoke,
            (StatusValue::Valid, StatusValue::Suspended) => LogKind::Suspend,
            (StatusValue::Suspended, StatusValue::Valid) => LogKind::Reinstate,
            _ => {
                return Err(StoreError::ForbiddenTransition {
                    id: did_core::excerpt::excerpt(id),
                    from,
                    to,
                });
            }
        };
        if to == StatusValue::Suspended {
            let narrow = sqlx::query(
                "SELECT COUNT(*) AS n FROM status_entries e \
                 JOIN status_lists l ON l.list_no = e.list_no \
                 WHERE e.credential_id = $1 AND l.bits = $2",
            )
            .bind(id)
            .bind(i64::from(StatusBits::One.get()))
            .fetch_one(&mut *tx.tx)
            .await?;
            if narrow.try_get::<i64, _>("n")? > 0 {
                return Err(StoreError::SuspensionUnsupported(
                    did_core::excerpt::excerpt(id),
                ));
            }
        }
        sqlx::query("UPDATE credentials SET status = $1 WHERE id = $2")
            .bind(i64::from(to.value()))
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        tx.append(
            now,
            kind,
            id,
            json!({ "from": from.value(), "to": to.value() }),
        )
        .await?;
        tx.commit().await
    }

    /// The register's record of credential `id`.
    pub async fn credential(&self, id: &str) -> Result<CredentialRecord, StoreError> {
        let mut tx = self.read_snapshot().await?;
        let row = sqlx::query(
            "SELECT id, holder, vct, issued_at, expires_at, status FROM credentials WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::unknown_credential(id))?;
        let refs = sqlx::query(
            "SELECT e.idx, l.uri FROM status_entries e JOIN status_lists l ON l.list_no = e.list_no \
             WHERE e.credential_id = $1 ORDER BY e.copy_no",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let references = refs
            .iter()
            .map(|r| {
                let idx = to_u64(r.try_get("idx")?, "status_entries.idx")?;
                let uri: String = r.try_get("uri")?;
                StatusListReference::new(idx, &uri)
                    .map_err(|err| StoreError::Corrupt(format!("status list URI: {err}")))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let expires_at: Option<i64> = row.try_get("expires_at")?;
        Ok(CredentialRecord {
            id: row.try_get("id")?,
            holder: row.try_get("holder")?,
            vct: row.try_get("vct")?,
            issued_at: to_u64(row.try_get("issued_at")?, "credentials.issued_at")?,
            expires_at: expires_at
                .map(|exp| to_u64(exp, "credentials.expires_at"))
                .transpose()?,
            status: status_value(row.try_get("status")?)?,
            references,
        })
    }

    /// The ids of the credentials issued to `holder`, oldest first: what revoking everything a
    /// holder has starts from.
    pub async fn credential_ids_of(&self, holder: &str) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM credentials WHERE holder = $1 ORDER BY issued_at, id")
                .bind(holder)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
    }

    /// The ids of the registered credentials, oldest first, `limit` at most, skipping `offset`.
    pub async fn credential_ids(&self, offset: u64, limit: u32) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM credentials ORDER BY issued_at, id LIMIT $1 OFFSET $2")
                .bind(i64::from(limit))
                .bind(to_i64(offset, "offset")?)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
    }
}

/// A `status` column read back: one of the values this store writes.
pub(crate) fn status_value(value: i64) -> Result<StatusValue, StoreError> {
    match u8::try_from(value).map(StatusValue::from) {
        Ok(status @ (StatusValue::Valid | StatusValue::Invalid | StatusValue::Suspended)) => {
            Ok(status)
        }
        _ => Err(StoreError::Corrupt(format!(
            "credential status {value} is not one this store writes"
        ))),
    }
}
