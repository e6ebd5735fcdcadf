//! The tamper-evident log: every issue, revocation, suspension, reinstatement and key event,
//! appended in the transaction of the change it records, as a hash chain that an auditor
//! recomputes without any secret (ITU-T XSTR.trust-metaverse §8.8–8.9: traceable, immutable
//! records).
//!
//! Entry `n` is `{seq, at, kind, subject, details, prev_hash}` and its hash is the SHA-256 of the
//! JSON Canonicalization Scheme (RFC 8785) encoding of that object, base64url; `prev_hash` is the
//! hash of entry `n - 1` (32 zero bytes for the first). Editing an entry breaks its hash;
//! deleting one leaves a gap in `seq`; reordering breaks `prev_hash`; cutting the tail leaves the
//! head row behind. Details carry no PII and no secret: a credential is named by its random id,
//! never by its holder.
//!
//! A chain proves its own integrity, not its completeness: someone able to rewrite the whole
//! database can rewrite the whole chain. Publishing the [`ChainHead`] from time to time
//! anchors it; an audit then shows whether the published head is still in the chain.

use std::fmt;

use did_core::base64url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{IssuerStore, StoreError, WriteTx, to_i64, to_u64};

/// The `prev_hash` of the first entry: 32 zero bytes, base64url (the migration writes the same
/// into the head row).
pub(crate) const GENESIS_HASH: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// How many entries an audit reads at once.
const AUDIT_PAGE: i64 = 1000;

/// What a log entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogKind {
    /// A credential was issued: its status indexes were allocated.
    Issue,
    /// A credential was revoked (final).
    Revoke,
    /// A credential was suspended.
    Suspend,
    /// A suspended credential was reinstated.
    Reinstate,
    /// Something happened to the issuer's keys ([`KeyEvent`]).
    Key,
}

impl LogKind {
    /// The name stored in the log and hashed into the entry.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Issue => "issue",
            LogKind::Revoke => "revoke",
            LogKind::Suspend => "suspend",
            LogKind::Reinstate => "reinstate",
            LogKind::Key => "key",
        }
    }

    fn parse(kind: &str) -> Option<LogKind> {
        [
            LogKind::Issue,
            LogKind::Revoke,
            LogKind::Suspend,
            LogKind::Reinstate,
            LogKind::Key,
        ]
        .into_iter()
        .find(|known| known.as_str() == kind)
    }
}

impl fmt::Display for LogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event of the issuer's keys, recorded with the key's `kid` (never the key itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyEvent {
    /// A signing key was created (or imported) and put to use.
    Created,
    /// A new key replaced the one named.
    Rotated,
    /// The key was withdrawn and signs no more.
    Retired,
}

impl KeyEvent {
    fn as_str(self) -> &'static str {
        match self {
            KeyEvent::Created => "created",
            KeyEvent::Rotated => "rotated",
            KeyEvent::Retired => "retired",
        }
    }
}

/// One entry of the log as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Its position, from 1, without gaps.
    pub seq: u64,
    /// When it was appended (Unix seconds).
    pub at: u64,
    /// What it records.
    pub kind: LogKind,
    /// What it is about: a credential id, or a key's `kid`.
    pub subject: String,
    /// What changed (status indexes, the new status, a key event), without PII or secrets.
    pub details: Value,
    /// The hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The last entry of the chain: its `seq` (0 for an empty log) and hash. Publishing it lets a
/// later audit show that nothing before it was rewritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    /// The number of entries.
    pub seq: u64,
    /// The hash of the last entry, or the genesis hash.
    pub hash: String,
}

/// What an audit found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReport {
    /// How many entries were read.
    pub entries: u64,
    /// The head as the store records it.
    pub head: ChainHead,
    /// The first entry that does not match, if any: everything before it is intact.
    pub first_break: Option<ChainBreak>,
}

/// The first place where the chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// The `seq` of the first entry that does not match (for a missing entry, the `seq` it
    /// should have had).
    pub seq: u64,
    /// What is wrong with it.
    pub problem: ChainProblem,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "log entry {}: {}", self.seq, self.problem)
    }
}

/// How an entry fails the audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainProblem {
    /// The entry is missing: the next stored one has a later `seq`, or the head counts more
    /// entries than are stored.
    Missing,
    /// Its `prev_hash` is not the hash of the entry before: entries were reordered or replaced.
    PrevHashMismatch,
    /// Its content does not hash to its stored hash: it was edited.
    HashMismatch,
    /// It cannot be read as an entry (a negative number, details that are not JSON).
    Malformed(String),
    /// The head row does not name the last stored entry.
    HeadMismatch,
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::Missing => f.write_str("missing (deleted)"),
            ChainProblem::PrevHashMismatch => {
                f.write_str("does not follow the entry before it (reordered or replaced)")
            }
            ChainProblem::HashMismatch => {
                f.write_str("its content does not match its hash (edited)")
            }
            ChainProblem::Malformed(why) => write!(f, "malformed: {why}"),
            ChainProblem::HeadMismatch => {
                f.write_str("the chain's head does not name the last entry (cut or extended)")
            }
        }
    }
}

/// The hash of an entry: SHA-256 over the RFC 8785 canonical JSON of all its fields but the
/// hash itself, base64url.
fn entry_hash(
    seq: u64,
    at: u64,
    kind: &str,
    subject: &str,
    details: &Value,
    prev_hash: &str,
) -> Result<String, StoreError> {
    let entry = json!({
        "seq": seq,
        "at": at,
        "kind": kind,
        "subject": subject,
        "details": details,
        "prev_hash": prev_hash,
    });
    let canonical = serde_jcs::to_vec(&entry)
        .map_err(|err| StoreError::Corrupt(format!("a log entry does not canonicalize: {err}")))?;
    Ok(base64url::encode(&Sha256::digest(&canonical)))
}

impl WriteTx {
    /// Appends an entry after the head this transaction locked, and moves the head. It commits
    /// with the change it records, or not at all.
    pub(crate) async fn append(
        &mut self,
        at: u64,
        kind: LogKind,
        subject: &str,
        details: Value,
    ) -> Result<(), StoreError> {
        let seq = self.head.seq + 1;
        let hash = entry_hash(seq, at, kind.as_str(), subject, &details, &self.head.hash)?;
        let details_text = serde_jcs::to_string(&details)
            .map_err(|err| StoreError::Corrupt(format!("log details do not serialize: {err}")))?;
        sqlx::query(
            "INSERT INTO issuer_log (seq, at, kind, subject, details, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(to_i64(seq, "log seq")?)
        .bind(to_i64(at, "time")?)
        .bind(kind.as_str())
        .bind(subject)
        .bind(details_text)
        .bind(self.head.hash.as_str())
        .bind(hash.as_str())
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE issuer_log_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(to_i64(seq, "log seq")?)
            .bind(hash.as_str())
            .execute(&mut *self.tx)
            .await?;
        self.head = ChainHead { seq, hash };
        Ok(())
    }

    /// Commits the change and its log entry together.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}

/// One stored row, before it is checked.
struct StoredEntry {
    seq: i64,
    at: i64,
    kind: String,
    subject: String,
    details: String,
    prev_hash: String,
    hash: String,
}

impl StoredEntry {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredEntry, StoreError> {
        Ok(StoredEntry {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            kind: row.try_get("kind")?,
            subject: row.try_get("subject")?,
            details: row.try_get("details")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }

    /// The entry, or why it is not one.
    fn parse(self) -> Result<LogEntry, String> {
        let seq = u64::try_from(self.seq).map_err(|_| format!("negative seq {}", self.seq))?;
        let at = u64::try_from(self.at).map_err(|_| format!("negative time {}", self.at))?;
        let kind =
            LogKind::parse(&self.kind).ok_or_else(|| "an unknown kind of entry".to_owned())?;
        let details = serde_json::from_str(&self.details)
            .map_err(|err| format!("details are not JSON: {err}"))?;
        Ok(LogEntry {
            seq,
            at,
            kind,
            subject: self.subject,
            details,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

impl IssuerStore {
    /// Records an event of the issuer's keys in the log: `kid` names the key, never its
    /// material.
    pub async fn record_key_event(
        &self,
        event: KeyEvent,
        kid: &str,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.append(now, LogKind::Key, kid, json!({ "event": event.as_str() }))
            .await?;
        tx.commit().await
    }

    /// Up to `limit` entries of the log, from `seq` `from` on, in order.
    pub async fn log_entries(&self, from: u64, limit: u32) -> Result<Vec<LogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, kind, subject, details, prev_hash, hash FROM issuer_log \
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(to_i64(from, "log seq")?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                StoredEntry::from_row(row)?
                    .parse()
                    .map_err(|why| StoreError::Corrupt(format!("log entry: {why}")))
            })
            .collect()
    }

    /// Recomputes the whole chain and names the first entry that does not match. Reads no
    /// secret: an auditor can run it on a copy of the store.
    ///
    /// The head and the entries are read in pages from one snapshot of the database, so that a
    /// writer appending meanwhile is neither seen half-way nor taken for tampering.
    pub async fn audit(&self) -> Result<AuditReport, StoreError> {
        let mut tx = self.read_snapshot().await?;
        let head_row = sqlx::query("SELECT seq, hash FROM issuer_log_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the log's head row is missing".to_owned()))?;
        let head = ChainHead {
            seq: to_u64(head_row.try_get("seq")?, "issuer_log_head.seq")?,
            hash: head_row.try_get("hash")?,
        };

        let mut expected_seq = 1u64;
        let mut prev_hash = GENESIS_HASH.to_owned();
        let report = |entries: u64, seq: u64, problem: ChainProblem| AuditReport {
            entries,
            head: head.clone(),
            first_break: Some(ChainBreak { seq, problem }),
        };
        loop {
            let rows = sqlx::query(
                "SELECT seq, at, kind, subject, details, prev_hash, hash FROM issuer_log \
                 WHERE seq >= $1 ORDER BY seq LIMIT $2",
            )
            .bind(to_i64(expected_seq, "log seq")?)
            .bind(AUDIT_PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let page_len = rows.len();
            for row in &rows {
                let stored = StoredEntry::from_row(row)?;
                let read = expected_seq - 1;
                if stored.seq != i64::try_from(expected_seq).unwrap_or(i64::MAX) {
                    if expected_seq > head.seq {
                        // Rows past the head: appended by hand, or the head rolled back.
                        return Ok(report(read, expected_seq, ChainProblem::HeadMismatch));
                    }
                    return Ok(report(read, expected_seq, ChainProblem::Missing));
                }
                if expected_seq > head.seq {
                    return Ok(report(read, expected_seq, ChainProblem::HeadMismatch));
                }
                let stored_hash = stored.hash.clone();
                let stored_prev = stored.prev_hash.clone();
                let entry = match stored.parse() {
                    Ok(entry) => entry,
                    Err(why) => {
                        return Ok(report(read, expected_seq, ChainProblem::Malformed(why)));
                    }
                };
                let hash = entry_hash(
                    entry.seq,
                    entry.at,
                    entry.kind.as_str(),
                    &entry.subject,
                    &entry.details,
                    &stored_prev,
                )?;
                if hash != stored_hash {
                    return Ok(report(read, expected_seq, ChainProblem::HashMismatch));
                }
                if stored_prev != prev_hash {
                    return Ok(report(read, expected_seq, ChainProblem::PrevHashMismatch));
                }
                prev_hash = stored_hash;
                expected_seq += 1;
            }
            if page_len < usize::try_from(AUDIT_PAGE).unwrap_or(usize::MAX) {
                break;
            }
        }
        let entries = expected_seq - 1;
        if entries < head.seq {
            return Ok(report(entries, expected_seq, ChainProblem::Missing));
        }
        if head.hash != prev_hash {
            return Ok(report(entries, head.seq, ChainProblem::HeadMismatch));
        }
        Ok(AuditReport {
            entries,
            head,
            first_break: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_is_32_zero_bytes_and_the_migration_agrees() {
        assert_eq!(GENESIS_HASH, base64url::encode(&[0u8; 32]));
        let migration = include_str!("../../migrations/0001_issuer_store.sql");
        assert!(migration.contains(&format!("(1, 0, '{GENESIS_HASH}')")));
    }

    #[test]
    fn the_hash_covers_every_field() {
        let details = json!({"copies": 1});
        let base = entry_hash(1, 10, "issue", "id", &details, GENESIS_HASH).expect("hash");
        let changed = [
            entry_hash(2, 10, "issue", "id", &details, GENESIS_HASH),
            entry_hash(1, 11, "issue", "id", &details, GENESIS_HASH),
            entry_hash(1, 10, "revoke", "id", &details, GENESIS_HASH),
            entry_hash(1, 10, "issue", "id2", &details, GENESIS_HASH),
            entry_hash(1, 10, "issue", "id", &json!({"copies": 2}), GENESIS_HASH),
            entry_hash(1, 10, "issue", "id", &details, "other"),
        ];
        for hash in changed {
            assert_ne!(hash.expect("hash"), base);
        }
        // Canonical: member order does not matter.
        let reordered: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).expect("json");
        let ordered: Value = serde_json::from_str(r#"{"a":2,"b":1}"#).expect("json");
        assert_eq!(
            entry_hash(1, 10, "issue", "id", &reordered, GENESIS_HASH).expect("hash"),
            entry_hash(1, 10, "issue", "id", &ordered, GENESIS_HASH).expect("hash")
        );
    }
}
