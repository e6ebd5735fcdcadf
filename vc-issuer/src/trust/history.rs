//! The verifier's memory of issuers: raw events (resolutions and verifications), one issuer's
//! history, and a bounded in-memory store of them.
//!
//! Events are kept raw and every score is recomputed from them with an explicit `now`
//! (DESIGN "Audit"), so a store (the service's SQLite rows) can replay them and get the same
//! evaluation. The store is bounded: at most so many events per issuer (the oldest go first)
//! and so many issuers (the one recorded least recently goes first).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::error::TrustError;

/// The longest issuer identifier, key digest or error code an event may carry: longer ones
/// are refused rather than kept.
pub const MAX_EVENT_TEXT: usize = 2048;

/// The most error codes one verification event may carry (the report has 33).
pub const MAX_ERROR_CODES: usize = 64;

/// Something the verifier observed about an issuer at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustEvent {
    /// The issuer's DID.
    pub issuer: String,
    /// When it happened (Unix seconds).
    pub at: i64,
    /// What happened.
    pub kind: TrustEventKind,
}

/// What the verifier observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// Externally tagged (`{"resolution": {…}}`): numbers inside internally tagged enums do not
/// survive the workspace's `arbitrary_precision` JSON.
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TrustEventKind {
    /// A resolution of the issuer's DID from its source (not from a cache).
    Resolution {
        /// Whether a DID document was obtained.
        ok: bool,
        /// How long it took, in milliseconds, if measured.
        latency_ms: Option<f64>,
        /// A digest of the document's verification keys (any stable digest, e.g. SHA-256 of
        /// their JCS), to see when they change; `None` when resolution failed.
        key_digest: Option<String>,
    },
    /// A verification of a credential of the issuer.
    Verification {
        /// Whether the report said `verified`.
        verified: bool,
        /// The report's stable error codes (`bad_signature`, `expired` …).
        error_codes: Vec<String>,
    },
}

impl TrustEvent {
    /// A resolution of `issuer`'s DID at `at`.
    pub fn resolution(
        issuer: impl Into<String>,
        at: i64,
        ok: bool,
        latency_ms: Option<f64>,
        key_digest: Option<String>,
    ) -> Self {
        TrustEvent {
            issuer: issuer.into(),
            at,
            kind: TrustEventKind::Resolution {
                ok,
                latency_ms,
                key_digest,
            },
        }
    }

    /// A verification of one of `issuer`'s credentials at `at`.
    pub fn verification(
        issuer: impl Into<String>,
        at: i64,
        verified: bool,
        error_codes: Vec<String>,
    ) -> Self {
        TrustEvent {
            issuer: issuer.into(),
            at,
            kind: TrustEventKind::Verification {
                verified,
                error_codes,
            },
        }
    }

    /// Refuses an event whose texts exceed [`MAX_EVENT_TEXT`] or that carries more than
    /// [`MAX_ERROR_CODES`] codes, so that no event can grow the store without limit.
    pub(crate) fn check_size(&self) -> Result<(), TrustError> {
        let oversized = |what: &'static str, len: usize, max: usize| {
            Err(TrustError::EventTooLarge { what, len, max })
        };
        if self.issuer.len() > MAX_EVENT_TEXT {
            return oversized("issuer", self.issuer.len(), MAX_EVENT_TEXT);
        }
        match &self.kind {
            TrustEventKind::Resolution {
                key_digest: Some(digest),
                ..
            } if digest.len() > MAX_EVENT_TEXT => {
                oversized("key_digest", digest.len(), MAX_EVENT_TEXT)
            }
            TrustEventKind::Verification { error_codes, .. } => {
                if error_codes.len() > MAX_ERROR_CODES {
                    return oversized("error_codes", error_codes.len(), MAX_ERROR_CODES);
                }
                match error_codes.iter().find(|c| c.len() > MAX_EVENT_TEXT) {
                    Some(code) => oversized("error code", code.len(), MAX_EVENT_TEXT),
                    None => Ok(()),
                }
            }
            TrustEventKind::Resolution { .. } => Ok(()),
        }
    }
}

/// The events of one issuer, oldest first, and when the verifier first saw the issuer (kept
/// when old events are evicted: maturity counts from it). Read from JSON through
/// [`IssuerHistory::from_events`], so that order and ownership hold whatever the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "IssuerHistoryWire")]
pub struct IssuerHistory {
    issuer: String,
    first_seen: Option<i64>,
    events: Vec<TrustEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerHistoryWire {
    issuer: String,
    first_seen: Option<i64>,
    events: Vec<TrustEvent>,
}

impl From<IssuerHistoryWire> for IssuerHistory {
    fn from(w: IssuerHistoryWire) -> Self {
        IssuerHistory::from_events(w.issuer, w.first_seen, w.events)
    }
}

impl IssuerHistory {
    /// An issuer the verifier has never seen.
    pub fn empty(issuer: impl Into<String>) -> Self {
        IssuerHistory {
            issuer: issuer.into(),
            first_seen: None,
            events: Vec::new(),
        }
    }

    /// The history of `issuer` from stored events (rows replayed from a database): the events
    /// of other issuers are left out, the rest sorted by time; first seen is the earliest
    /// event, or `first_seen` if the store kept an earlier one.
    pub fn from_events(
        issuer: impl Into<String>,
        first_seen: Option<i64>,
        events: impl IntoIterator<Item = TrustEvent>,
    ) -> Self {
        let issuer = issuer.into();
        let mut events: Vec<TrustEvent> =
            events.into_iter().filter(|e| e.issuer == issuer).collect();
        events.sort_by_key(|e| e.at);
        let earliest = events.first().map(|e| e.at);
        let first_seen = match (first_seen, earliest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        IssuerHistory {
            issuer,
            first_seen,
            events,
        }
    }

    /// The issuer's DID.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// When the verifier first saw the issuer, if ever.
    pub fn first_seen(&self) -> Option<i64> {
        self.first_seen
    }

    /// The events, oldest first.
    pub fn events(&self) -> &[TrustEvent] {
        &self.events
    }
}

/// The bounds of a [`TrustHistory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryLimits {
    /// The most events kept per issuer; the oldest go first.
    pub max_events_per_issuer: usize,
    /// The most issuers kept; the one recorded least recently goes first.
    pub max_issuers: usize,
}

impl Default for HistoryLimits {
    /// 512 events per issuer (with a 30-day half-life, more than a month of hourly resolutions
    /// and verifications), 1,024 issuers: at most about 100 MB at the event size limits, and
    /// a few MB in practice.
    fn default() -> Self {
        HistoryLimits {
            max_events_per_issuer: 512,
            max_issuers: 1024,
        }
    }
}

#[derive(Debug)]
struct Entry {
    /// The issuer's history as an evaluation reads it, kept in place so that evaluating
    /// copies nothing ([`TrustHistory::get`]).
    history: IssuerHistory,
    /// The store's sequence number of the last record for this issuer.
    touched: u64,
}

/// A bounded in-memory store of issuer histories. Not shared: wrap it in a lock to share.
#[derive(Debug)]
pub struct TrustHistory {
    limits: HistoryLimits,
    issuers: HashMap<String, Entry>,
    /// Issuers by the sequence number of their last record, to evict the least recent in
    /// O(log n).
    by_touch: BTreeMap<u64, String>,
    sequence: u64,
}

impl TrustHistory {
    /// An empty store with these bounds (a bound of 0 counts as 1).
    pub fn new(limits: HistoryLimits) -> Self {
        TrustHistory {
            limits: HistoryLimits {
                max_events_per_issuer: limits.max_events_per_issuer.max(1),
                max_issuers: limits.max_issuers.max(1),
            },
            issuers: HashMap::new(),
            by_touch: BTreeMap::new(),
            sequence: 0,
        }
    }

    /// Records `event`, evicting the issuer's oldest event or the least recently recorded
    /// issuer when a bound is reached. Refuses an oversized event.
    pub fn record(&mut self, event: TrustEvent) -> Result<(), TrustError> {
        event.check_size()?;
        self.sequence += 1;
        let sequence = self.sequence;
        if !self.issuers.contains_key(&event.issuer)
            && self.issuers.len() >= self.limits.max_issuers
            && let Some((_, evicted)) = self.by_touch.pop_first()
        {
            self.issuers.remove(&evicted);
        }
        let entry = self
            .issuers
            .entry(event.issuer.clone())
            .or_insert_with(|| Entry {
                history: IssuerHistory::empty(event.issuer.clone()),
                touched: sequence,
            });
        self.by_touch.remove(&entry.touched);
        entry.touched = sequence;
        self.by_touch.insert(sequence, event.issuer.clone());
        let history = &mut entry.history;
        history.first_seen = Some(history.first_seen.map_or(event.at, |at| at.min(event.at)));
        // Kept in time order even when events arrive out of order.
        let position = history.events.partition_point(|e| e.at <= event.at);
        history.events.insert(position, event);
        if history.events.len() > self.limits.max_events_per_issuer {
            history.events.remove(0);
        }
        Ok(())
    }

    /// The history of `issuer` in place, if the store holds it.
    pub fn get(&self, issuer: &str) -> Option<&IssuerHistory> {
        self.issuers.get(issuer).map(|entry| &entry.history)
    }

    /// The history of `issuer` (empty if never seen or evicted).
    pub fn history(&self, issuer: &str) -> IssuerHistory {
        self.get(issuer)
            .cloned()
            .unwrap_or_else(|| IssuerHistory::empty(issuer))
    }

    /// How many issuers the store holds.
    pub fn issuer_count(&self) -> usize {
        self.issuers.len()
    }

    /// The issuers the store holds, in no particular order.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.issuers.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(issuer: &str, at: i64) -> TrustEvent {
        TrustEvent::verification(issuer, at, true, vec![])
    }

    #[test]
    fn oldest_event_of_an_issuer_is_evicted_but_first_seen_stays() {
        let mut store = TrustHistory::new(HistoryLimits {
            max_events_per_issuer: 2,
            max_issuers: 4,
        });
        for at in [30, 10, 20] {
            store.record(verified("did:web:a", at)).unwrap();
        }
        let history = store.history("did:web:a");
        let times: Vec<i64> = history.events().iter().map(|e| e.at).collect();
        assert_eq!(times, [20, 30]);
        assert_eq!(history.first_seen(), Some(10));
    }

    #[test]
    fn least_recently_recorded_issuer_is_evicted() {
        let mut store = TrustHistory::new(HistoryLimits {
            max_events_per_issuer: 8,
            max_issuers: 2,
        });
        store.record(verified("did:web:a", 1)).unwrap();
        store.record(verified("did:web:b", 2)).unwrap();
        store.record(verified("did:web:a", 3)).unwrap();
        store.record(verified("did:web:c", 4)).unwrap();
        assert_eq!(store.issuer_count(), 2);
        assert!(
            store.history("did:web:b").events().is_empty(),
            "b was the least recent"
        );
        assert_eq!(store.history("did:web:a").events().len(), 2);
        assert_eq!(store.history("did:web:c").events().len(), 1);
    }

    #[test]
    fn rejects_an_oversized_event() {
        let mut store = TrustHistory::new(HistoryLimits::default());
        let long = "x".repeat(MAX_EVENT_TEXT + 1);
        assert!(matches!(
            store.record(verified(&long, 1)),
            Err(TrustError::EventTooLarge { what: "issuer", .. })
        ));
        let codes = vec!["bad_signature".to_owned(); MAX_ERROR_CODES + 1];
        assert!(matches!(
            store.record(TrustEvent::verification("did:web:a", 1, false, codes)),
            Err(TrustError::EventTooLarge {
                what: "error_codes",
                ..
            })
        ));
        assert_eq!(store.issuer_count(), 0, "nothing recorded");
    }

    #[test]
    fn replayed_rows_give_the_same_history_as_the_store() {
        let mut store = TrustHistory::new(HistoryLimits::default());
        let events = vec![
            TrustEvent::resolution("did:web:a", 5, true, Some(12.5), Some("k1".into())),
            verified("did:web:b", 6),
            verified("did:web:a", 2),
        ];
        for e in events.clone() {
            store.record(e).unwrap();
        }
        let replayed = IssuerHistory::from_events("did:web:a", None, events);
        assert_eq!(replayed, store.history("did:web:a"));
        let json = serde_json::to_string(&replayed).unwrap();
        assert_eq!(
            serde_json::from_str::<IssuerHistory>(&json).unwrap(),
            replayed
        );
        // Out of order and with another issuer's event, it reads back in order and its own.
        let mut value = serde_json::to_value(&replayed).unwrap();
        let events = value["events"].as_array_mut().unwrap();
        events.reverse();
        events.push(serde_json::to_value(verified("did:web:b", 1)).unwrap());
        assert_eq!(
            serde_json::from_value::<IssuerHistory>(value).unwrap(),
            replayed
        );
    }
}
