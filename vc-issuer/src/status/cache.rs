//! The verified-list cache of the status client: entries live until their own expiry, and the
//! cache is bounded both in entries and in the bytes of the lists it holds.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// A cache of shared values with an expiry time each, bounded by `max_entries` and by
/// `max_bytes` (the sum of the weights given on insertion). When full, expired entries go
/// first, then the oldest inserted.
#[derive(Debug)]
pub(crate) struct TtlCache<K, V> {
    entries: HashMap<K, Entry<V>>,
    max_entries: usize,
    max_bytes: usize,
    bytes: usize,
    inserted: u64,
}

#[derive(Debug)]
struct Entry<V> {
    value: Arc<V>,
    expires_at: i64,
    weight: usize,
    order: u64,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        TtlCache {
            entries: HashMap::new(),
            max_entries,
            max_bytes,
            bytes: 0,
            inserted: 0,
        }
    }

    /// The value under `key` if it has not expired at `now`; an expired one is dropped.
    pub(crate) fn get<Q>(&mut self, key: &Q, now: i64) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self.entries.get(key) {
            Some(entry) if now < entry.expires_at => Some(Arc::clone(&entry.value)),
            Some(_) => {
                if let Some(entry) = self.entries.remove(key) {
                    self.bytes -= entry.weight;
                }
                None
            }
            None => None,
        }
    }

    /// Keeps `value` until `expires_at`. A value already expired, or heavier than the whole
    /// cache may hold, is not kept.
    pub(crate) fn insert(
        &mut self,
        key: K,
        value: Arc<V>,
        weight: usize,
        expires_at: i64,
        now: i64,
    ) {
        self.remove(&key);
        if expires_at <= now || weight > self.max_bytes || self.max_entries == 0 {
            return;
        }
        self.entries.retain(|_, entry| now < entry.expires_at);
        self.bytes = self.entries.values().map(|entry| entry.weight).sum();
        while self.entries.len() >= self.max_entries
            || self.bytes.saturating_add(weight) > self.max_bytes
        {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.order)
                .map(|(key, _)| key.clone());
            match oldest {
                Some(oldest) => self.remove(&oldest),
                None => break,
            }
        }
        self.inserted += 1;
        self.bytes += weight;
        self.entries.insert(
            key,
            Entry {
                value,
                expires_at,
                weight,
                order: self.inserted,
            },
        );
    }

    fn remove(&mut self, key: &K) {
        if let Some(entry) = self.entries.remove(key) {
            self.bytes -= entry.weight;
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_until_expiry() {
        let mut cache = TtlCache::new(4, 100);
        cache.insert("a", Arc::new(1), 10, 50, 0);
        assert_eq!(cache.get(&"a", 49).as_deref(), Some(&1));
        assert_eq!(cache.get(&"a", 50), None);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn bounds_entries_evicting_oldest() {
        let mut cache = TtlCache::new(2, 100);
        cache.insert("a", Arc::new(1), 1, 100, 0);
        cache.insert("b", Arc::new(2), 1, 100, 0);
        cache.insert("c", Arc::new(3), 1, 100, 0);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&"a", 1), None);
        assert!(cache.get(&"b", 1).is_some() && cache.get(&"c", 1).is_some());
    }

    #[test]
    fn bounds_bytes() {
        let mut cache = TtlCache::new(10, 100);
        cache.insert("a", Arc::new(1), 60, 100, 0);
        cache.insert("b", Arc::new(2), 60, 100, 0);
        assert_eq!(cache.get(&"a", 1), None);
        assert!(cache.get(&"b", 1).is_some());
        cache.insert("huge", Arc::new(3), 101, 100, 0);
        assert_eq!(cache.get(&"huge", 1), None);
        assert!(cache.get(&"b", 1).is_some());
    }

    #[test]
    fn evicts_expired_before_live() {
        let mut cache = TtlCache::new(2, 100);
        cache.insert("old-but-live", Arc::new(1), 1, 1000, 0);
        cache.insert("expiring", Arc::new(2), 1, 10, 5);
        cache.insert("new", Arc::new(3), 1, 1000, 20);
        assert!(cache.get(&"old-but-live", 21).is_some());
        assert!(cache.get(&"new", 21).is_some());
    }

    #[test]
    fn replaces_and_skips_already_expired() {
        let mut cache = TtlCache::new(2, 100);
        cache.insert("a", Arc::new(1), 10, 100, 0);
        cache.insert("a", Arc::new(2), 10, 100, 0);
        assert_eq!(cache.get(&"a", 1).as_deref(), Some(&2));
        cache.insert("a", Arc::new(3), 10, 5, 5);
        assert_eq!(cache.get(&"a", 5), None);
    }
}
