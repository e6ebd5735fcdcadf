//! A caching layer over any [`Resolver`]: documents live for a time-to-live, the cache holds a
//! bounded number of them (the oldest go first), and an expired document may still be served
//! for a grace period when the resolver behind it fails (stale-if-error, as RFC 5861 defines it
//! for HTTP caches).
//!
//! Only successes are cached: an error is never remembered, so a DID that did not resolve is
//! asked for again next time.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};
use crate::did::Did;

/// A source of monotonic time, so that tests can move time by hand.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// How the cache behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// How long a resolved document is served without asking again.
    pub ttl: Duration,
    /// How many documents are kept at most; the oldest is dropped to make room.
    pub max_entries: usize,
    /// How long after expiry a document may still be served when the resolver fails with
    /// `internalError` (a network fault, not a verdict such as `notFound`).
    pub stale_if_error: Duration,
}

impl Default for CacheConfig {
    fn default() -> CacheConfig {
        CacheConfig {
            ttl: Duration::from_secs(300),
            max_entries: 10_000,
            stale_if_error: Duration::from_secs(3600),
        }
    }
}

/// Counters of what the cache did, for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Answers served from the cache while fresh.
    pub hits: u64,
    /// Resolutions passed to the resolver behind.
    pub misses: u64,
    /// Expired answers served because the resolver behind failed.
    pub stale_served: u64,
    /// Entries dropped to stay within `max_entries`.
    pub evictions: u64,
}

struct Entry {
    resolution: Resolution,
    fetched_at: Instant,
    age_key: (Instant, u64),
}

#[derive(Default)]
struct Entries {
    by_did: HashMap<Did, Entry>,
    /// Entries ordered by when they were fetched, so the oldest is found in O(log n).
    by_age: BTreeMap<(Instant, u64), Did>,
    sequence: u64,
}

/// A [`Resolver`] that caches the answers of another.
pub struct CachingResolver<R> {
    inner: R,
    config: CacheConfig,
    clock: Arc<dyn Clock>,
    entries: Mutex<Entries>,
    hits: AtomicU64,
    misses: AtomicU64,
    stale_served: AtomicU64,
    evictions: AtomicU64,
}

impl<R: Resolver> CachingResolver<R> {
    /// Caches the answers of `inner` with `config`, on the system clock.
    pub fn new(inner: R, config: CacheConfig) -> CachingResolver<R> {
        CachingResolver::with_clock(inner, config, Arc::new(SystemClock))
    }

    /// Caches the answers of `inner` with `config`, on `clock`.
    pub fn with_clock(inner: R, config: CacheConfig, clock: Arc<dyn Clock>) -> CachingResolver<R> {
        CachingResolver {
            inner,
            config,
            clock,
            entries: Mutex::new(Entries::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stale_served: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
        }
    }

    /// The resolver behind the cache.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// What the cache has done so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            stale_served: self.stale_served.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
        }
    }

    /// How many documents the cache holds.
    pub fn len(&self) -> usize {
        self.lock().by_did.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panic elsewhere while holding the lock cannot leave the maps inconsistent with
        // each other in a way that matters more than losing the cache, so keep serving.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn store(&self, did: &Did, resolution: &Resolution, now: Instant) {
        if self.config.max_entries == 0 {
            return;
        }
        let mut entries = self.lock();
        if let Some(old) = entries.by_did.remove(did) {
            entries.by_age.remove(&old.age_key);
        }
        while entries.by_did.len() >= self.config.max_entries {
            let Some((_, oldest)) = entries.by_age.pop_first() else {
                break;
            };
            entries.by_did.remove(&oldest);
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
        entries.sequence = entries.sequence.wrapping_add(1);
        let age_key = (now, entries.sequence);
        entries.by_age.insert(age_key, did.clone());
        entries.by_did.insert(
            did.clone(),
            Entry {
                resolution: resolution.clone(),
                fetched_at: now,
                age_key,
            },
        );
    }

    /// The cached answer for `did` if it is no older than `max_age`.
    fn lookup(&self, did: &Did, now: Instant, max_age: Duration) -> Option<Resolution> {
        let entries = self.lock();
        let entry = entries.by_did.get(did)?;
        (now.saturating_duration_since(entry.fetched_at) < max_age)
            .then(|| entry.resolution.clone())
    }
}

#[async_trait]
impl<R: Resolver> Resolver for CachingResolver<R> {
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        options.representation()?;
        let now = self.clock.now();
        if let Some(resolution) = self.lookup(did, now, self.config.ttl) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(resolution);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        match self.inner.resolve(did, options).await {
            Ok(resolution) => {
                self.store(did, &resolution, self.clock.now());
                Ok(resolution)
            }
            Err(error) if error.kind == ErrorKind::InternalError => {
                let grace = self.config.ttl.saturating_add(self.config.stale_if_error);
                match self.lookup(did, self.clock.now(), grace) {
                    Some(stale) => {
                        tracing::warn!(%did, %error, "serving a stale DID document");
                        self.stale_served.fetch_add(1, Ordering::Relaxed);
                        Ok(stale)
                    }
                    None => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::document::DidDocument;

    /// A clock moved by hand.
    struct ManualClock {
        start: Instant,
        offset: StdMutex<Duration>,
    }

    impl ManualClock {
        fn new() -> Arc<ManualClock> {
            Arc::new(ManualClock {
                start: Instant::now(),
                offset: StdMutex::new(Duration::ZERO),
            })
        }

        fn advance(&self, by: Duration) {
            *self.offset.lock().unwrap() += by;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }
    }

    /// A resolver that counts calls and can be told to fail, standing in for a network method.
    #[derive(Default)]
    struct Flaky {
        calls: AtomicUsize,
        failing: std::sync::atomic::AtomicBool,
        not_found: std::sync::atomic::AtomicBool,
    }

    #[async_trait]
    impl Resolver for Flaky {
        async fn resolve(
            &self,
            did: &Did,
            _: &ResolutionOptions,
        ) -> Result<Resolution, ResolutionError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.failing.load(Ordering::SeqCst) {
                return Err(ResolutionError::new(ErrorKind::InternalError, "host down"));
            }
            if self.not_found.load(Ordering::SeqCst) {
                return Err(ResolutionError::new(ErrorKind::NotFound, "gone"));
            }
            Ok(Resolution::new(DidDocument::new(did.clone())))
        }
    }

    fn did(n: usize) -> Did {
        Did::parse(&format!("did:example:{n}")).unwrap()
    }

    fn config() -> CacheConfig {
        CacheConfig {
            ttl: Duration::from_secs(60),
            max_entries: 2,
            stale_if_error: Duration::from_secs(600),
        }
    }

    async fn resolve(
        cache: &CachingResolver<Flaky>,
        n: usize,
    ) -> Result<Resolution, ResolutionError> {
        cache.resolve(&did(n), &ResolutionOptions::default()).await
    }

    #[tokio::test]
    async fn serves_fresh_entries_without_asking_again() {
        let clock = ManualClock::new();
        let cache = CachingResolver::with_clock(Flaky::default(), config(), clock.clone());
        resolve(&cache, 1).await.unwrap();
        clock.advance(Duration::from_secs(59));
        resolve(&cache, 1).await.unwrap();
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.stats().hits, 1);

        clock.advance(Duration::from_secs(2));
        resolve(&cache, 1).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            2,
            "expired after the TTL"
        );
    }

    #[tokio::test]
    async fn stays_within_its_bound_dropping_the_oldest() {
        let clock = ManualClock::new();
        let cache = CachingResolver::with_clock(Flaky::default(), config(), clock.clone());
        for n in 1..=3 {
            resolve(&cache, n).await.unwrap();
            clock.advance(Duration::from_secs(1));
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.stats().evictions, 1);
        resolve(&cache, 3).await.unwrap();
        resolve(&cache, 2).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            3,
            "2 and 3 are cached"
        );
        resolve(&cache, 1).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            4,
            "1 was evicted"
        );
    }

    #[tokio::test]
    async fn serves_stale_on_internal_error_within_the_grace_period() {
        let clock = ManualClock::new();
        let cache = CachingResolver::with_clock(Flaky::default(), config(), clock.clone());
        resolve(&cache, 1).await.unwrap();
        cache.inner().failing.store(true, Ordering::SeqCst);

        clock.advance(Duration::from_secs(120));
        assert!(resolve(&cache, 1).await.is_ok(), "stale-if-error");
        assert_eq!(cache.stats().stale_served, 1);

        clock.advance(Duration::from_secs(600));
        let error = resolve(&cache, 1).await.unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::InternalError,
            "the grace period is over"
        );
    }

    #[tokio::test]
    async fn a_verdict_is_never_hidden_by_a_stale_entry() {
        let clock = ManualClock::new();
        let cache = CachingResolver::with_clock(Flaky::default(), config(), clock.clone());
        resolve(&cache, 1).await.unwrap();
        cache.inner().not_found.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(61));
        let error = resolve(&cache, 1).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let clock = ManualClock::new();
        let cache = CachingResolver::with_clock(Flaky::default(), config(), clock);
        cache.inner().not_found.store(true, Ordering::SeqCst);
        assert!(resolve(&cache, 1).await.is_err());
        cache.inner().not_found.store(false, Ordering::SeqCst);
        assert!(resolve(&cache, 1).await.is_ok());
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2);
    }
}
