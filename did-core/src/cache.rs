//! The one bounded time-to-live cache of the project: DID documents, issuer keys and status
//! lists are all kept in a [`TtlCache`].
//!
//! Time is given, never read: every call takes `now` in Unix seconds, so a verifier checking a
//! credential "as of" some instant sees the cache as it would have been then, and tests move
//! time by passing another number.
//!
//! An entry is *fresh* until its `fresh_until` and may be kept, *stale*, until its `keep_until`
//! (stale-if-error, RFC 5861 §4): a caller that fails to refresh it may still choose to serve
//! it. The cache is bounded in entries and in total weight (bytes, for lists); when full it drops
//! what can no longer be served first, then the oldest inserted. Every operation is O(log n).

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::Arc;

/// The bounds of a [`TtlCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    /// How many entries are kept at most.
    pub max_entries: usize,
    /// The most total weight kept (the sum of the weights given on insertion).
    pub max_weight: usize,
}

impl CacheLimits {
    /// At most `max_entries` entries, whatever their weight.
    pub const fn entries(max_entries: usize) -> Self {
        Self {
            max_entries,
            max_weight: usize::MAX,
        }
    }
}

/// A value found in the cache, and whether it is still fresh.
#[derive(Debug)]
pub struct Cached<V> {
    /// The shared value.
    pub value: Arc<V>,
    /// `true` before the entry's `fresh_until`; `false` when it is only kept for stale-if-error.
    pub fresh: bool,
    /// When the entry stops (or stopped) being fresh, in Unix seconds.
    pub fresh_until: u64,
}

/// How long an entry lives, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// Served as fresh while `now < fresh_until`.
    pub fresh_until: u64,
    /// Kept (served only on request as stale) while `now < keep_until`; never before
    /// `fresh_until`.
    pub keep_until: u64,
}

impl Lifetime {
    /// Fresh until `fresh_until`, and dropped then.
    pub const fn until(fresh_until: u64) -> Self {
        Self {
            fresh_until,
            keep_until: fresh_until,
        }
    }

    /// Fresh for `ttl` seconds from `now`, then kept stale for `stale` seconds more.
    pub const fn from_now(now: u64, ttl: u64, stale: u64) -> Self {
        let fresh_until = now.saturating_add(ttl);
        Self {
            fresh_until,
            keep_until: fresh_until.saturating_add(stale),
        }
    }
}

/// A bounded cache of shared values with a [`Lifetime`] each. Not synchronized: wrap it in a
/// `Mutex` to share it.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// `(keep_until, order)` of every entry, to drop the dead ones first.
    by_expiry: BTreeSet<(u64, u64)>,
    /// `order` → key, oldest first, to drop the oldest when the live ones fill the cache.
    by_order: BTreeMap<u64, K>,
    limits: CacheLimits,
    weight: usize,
    inserted: u64,
    evictions: u64,
}

#[derive(Debug)]
struct Entry<V> {
    value: Arc<V>,
    lifetime: Lifetime,
    weight: usize,
    order: u64,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    /// An empty cache bounded by `limits`.
    pub fn new(limits: CacheLimits) -> Self {
        Self {
            entries: HashMap::new(),
            by_expiry: BTreeSet::new(),
            by_order: BTreeMap::new(),
            limits,
            weight: 0,
            inserted: 0,
            evictions: 0,
        }
    }

    /// The value under `key` if it is fresh at `now`.
    pub fn get_fresh<Q>(&mut self, key: &Q, now: u64) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key, now)
            .filter(|cached| cached.fresh)
            .map(|cached| cached.value)
    }

    /// The value under `key`, fresh or kept stale, as long as it lives at `now`; an entry past
    /// its `keep_until` is dropped.
    pub fn get<Q>(&mut self, key: &Q, now: u64) -> Option<Cached<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entry = self.entries.get(key)?;
        if now < entry.lifetime.keep_until {
            return Some(Cached {
                value: Arc::clone(&entry.value),
                fresh: now < entry.lifetime.fresh_until,
                fresh_until: entry.lifetime.fresh_until,
            });
        }
        let order = entry.order;
        self.remove_by_order(order);
        None
    }

    /// Keeps `value` under `key` for `lifetime`, weighing `weight`, replacing what was there. A
    /// value already dead at `now`, or heavier than the whole cache may hold, is not kept (and
    /// what was under `key` is dropped all the same: it is older than what was just learned).
    pub fn insert(&mut self, key: K, value: Arc<V>, weight: usize, lifetime: Lifetime, now: u64) {
        self.remove(&key);
        let lifetime = Lifetime {
            keep_until: lifetime.keep_until.max(lifetime.fresh_until),
            ..lifetime
        };
        if lifetime.keep_until <= now
            || weight > self.limits.max_weight
            || self.limits.max_entries == 0
        {
            return;
        }
        self.drop_dead(now);
        while self.entries.len() >= self.limits.max_entries
            || self.weight.saturating_add(weight) > self.limits.max_weight
        {
            let Some((&oldest, _)) = self.by_order.first_key_value() else {
                break;
            };
            self.remove_by_order(oldest);
            self.evictions += 1;
        }
        self.inserted += 1;
        let order = self.inserted;
        self.weight += weight;
        self.by_expiry.insert((lifetime.keep_until, order));
        self.by_order.insert(order, key.clone());
        self.entries.insert(
            key,
            Entry {
                value,
                lifetime,
                weight,
                order,
            },
        );
    }

    /// Drops the entry under `key`, if any.
    pub fn remove<Q>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(entry) = self.entries.remove(key) {
            self.weight -= entry.weight;
            self.by_expiry
                .remove(&(entry.lifetime.keep_until, entry.order));
            self.by_order.remove(&entry.order);
        }
    }

    /// How many entries the cache holds (dead ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many live entries were dropped to stay within the limits, since the cache was made.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Drops every entry whose `keep_until` has passed at `now`.
    fn drop_dead(&mut self, now: u64) {
        while let Some(&(keep_until, order)) = self.by_expiry.first() {
            if keep_until > now {
                break;
            }
            self.by_expiry.remove(&(keep_until, order));
            self.remove_by_order(order);
        }
    }

    /// Drops the entry inserted as `order`.
    fn remove_by_order(&mut self, order: u64) {
        if let Some(key) = self.by_order.remove(&order)
            && let Some(entry) = self.entries.remove(&key)
        {
            self.weight -= entry.weight;
            self.by_expiry
                .remove(&(entry.lifetime.keep_until, entry.order));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(max_entries: usize, max_weight: usize) -> TtlCache<&'static str, i32> {
        TtlCache::new(CacheLimits {
            max_entries,
            max_weight,
        })
    }

    #[test]
    fn serves_until_expiry() {
        let mut cache = cache(4, 100);
        cache.insert("a", Arc::new(1), 10, Lifetime::until(50), 0);
        assert_eq!(cache.get_fresh("a", 49).as_deref(), Some(&1));
        assert_eq!(cache.get_fresh("a", 50), None);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn serves_stale_only_when_asked_and_only_in_its_window() {
        let mut cache = cache(4, 100);
        cache.insert("a", Arc::new(1), 1, Lifetime::from_now(0, 10, 20), 0);
        assert!(cache.get("a", 9).is_some_and(|c| c.fresh));
        assert_eq!(cache.get_fresh("a", 10), None);
        let stale = cache.get("a", 29).expect("kept for stale-if-error");
        assert!(!stale.fresh);
        assert_eq!(*stale.value, 1);
        assert!(cache.get("a", 30).is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn bounds_entries_evicting_oldest() {
        let mut cache = cache(2, 100);
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            cache.insert(key, Arc::new(value), 1, Lifetime::until(100), 0);
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.evictions(), 1);
        assert_eq!(cache.get_fresh("a", 1), None);
        assert!(cache.get_fresh("b", 1).is_some() && cache.get_fresh("c", 1).is_some());
    }

    #[test]
    fn bounds_weight() {
        let mut cache = cache(10, 100);
        cache.insert("a", Arc::new(1), 60, Lifetime::until(100), 0);
        cache.insert("b", Arc::new(2), 60, Lifetime::until(100), 0);
        assert_eq!(cache.get_fresh("a", 1), None);
        assert!(cache.get_fresh("b", 1).is_some());
        cache.insert("huge", Arc::new(3), 101, Lifetime::until(100), 0);
        assert_eq!(cache.get_fresh("huge", 1), None);
        assert!(cache.get_fresh("b", 1).is_some());
    }

    #[test]
    fn drops_dead_entries_before_live_ones() {
        let mut cache = cache(2, 100);
        cache.insert("old-but-live", Arc::new(1), 1, Lifetime::until(1000), 0);
        cache.insert("expiring", Arc::new(2), 1, Lifetime::until(10), 5);
        cache.insert("new", Arc::new(3), 1, Lifetime::until(1000), 20);
        assert!(cache.get_fresh("old-but-live", 21).is_some());
        assert!(cache.get_fresh("new", 21).is_some());
        assert_eq!(cache.evictions(), 0);
    }

    #[test]
    fn replaces_and_skips_already_dead() {
        let mut cache = cache(2, 100);
        cache.insert("a", Arc::new(1), 10, Lifetime::until(100), 0);
        cache.insert("a", Arc::new(2), 10, Lifetime::until(100), 0);
        assert_eq!(cache.get_fresh("a", 1).as_deref(), Some(&2));
        cache.insert("a", Arc::new(3), 10, Lifetime::until(5), 5);
        assert_eq!(cache.get("a", 5).map(|c| c.value), None);
        assert!(cache.is_empty());
    }

    #[test]
    fn many_entries_stay_bounded() {
        let mut cache: TtlCache<u32, u32> = TtlCache::new(CacheLimits::entries(100));
        for i in 0..10_000u32 {
            cache.insert(
                i,
                Arc::new(i),
                1,
                Lifetime::until(u64::from(i) + 50),
                u64::from(i),
            );
        }
        assert_eq!(
            cache.len(),
            50,
            "the dead are dropped first, the rest bounded"
        );
        assert!(cache.get_fresh(&9_999, 9_999).is_some());
    }
}
