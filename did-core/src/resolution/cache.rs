//! A caching layer over any [`Resolver`]: documents live for a time-to-live in the project's
//! one bounded cache, [`crate::cache::TtlCache`], and an expired document may still be served
//! for a grace period when the resolver behind it fails with `internalError` (stale-if-error,
//! RFC 5861 §4).
//!
//! A failure to reach a document (`internalError`) or a `notFound` verdict is remembered for a
//! short while (a negative cache), so that an unreachable did:web host is not fetched on every
//! request; other errors are computed locally and never remembered. Time is a value: [`CachingResolver::resolve_at`] takes `now` in
//! Unix seconds, and the [`Resolver`] implementation passes [`crate::time::unix_now`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;

use super::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver, Served};
use crate::cache::{CacheLimits, Lifetime, TtlCache};
use crate::did::Did;

/// How the cache behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// How long a resolved document is served without asking again (whole seconds).
    pub ttl: Duration,
    /// How many documents are kept at most; the oldest is dropped to make room.
    pub max_entries: usize,
    /// How long after expiry a document may still be served when the resolver fails with
    /// `internalError` (a network fault, not a verdict such as `notFound`).
    pub stale_if_error: Duration,
    /// How long an `internalError` or `notFound` is answered again without asking the resolver
    /// behind (whole seconds; zero remembers nothing). A remembered `internalError` is still
    /// covered by stale-if-error.
    pub negative_ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> CacheConfig {
        CacheConfig {
            ttl: Duration::from_secs(300),
            max_entries: 10_000,
            stale_if_error: Duration::from_secs(3600),
            negative_ttl: Duration::from_secs(30),
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
    /// Live entries dropped to stay within `max_entries`.
    pub evictions: u64,
    /// Failures answered from the negative cache, without asking the resolver behind.
    pub negative_hits: u64,
}

/// A [`Resolver`] that caches the answers of another.
pub struct CachingResolver<R> {
    inner: R,
    config: CacheConfig,
    entries: Mutex<TtlCache<Did, Resolution>>,
    failures: Mutex<TtlCache<Did, ResolutionError>>,
    hits: AtomicU64,
    negative_hits: AtomicU64,
    misses: AtomicU64,
    stale_served: AtomicU64,
}

impl<R: Resolver> CachingResolver<R> {
    /// Caches the answers of `inner` with `config`.
    pub fn new(inner: R, config: CacheConfig) -> CachingResolver<R> {
        CachingResolver {
            inner,
            config,
            entries: Mutex::new(TtlCache::new(CacheLimits::entries(config.max_entries))),
            failures: Mutex::new(TtlCache::new(CacheLimits::entries(config.max_entries))),
            hits: AtomicU64::new(0),
            negative_hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stale_served: AtomicU64::new(0),
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
            evictions: self.lock().evictions(),
            negative_hits: self.negative_hits.load(Ordering::Relaxed),
        }
    }

    /// How many documents the cache holds (expired ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, TtlCache<Did, Resolution>> {
        // A panic elsewhere while holding the lock cannot leave the cache in a state that
        // matters more than losing it, so keep serving.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn failures(&self) -> MutexGuard<'_, TtlCache<Did, ResolutionError>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Resolves `did` as of `now` (Unix seconds): a fresh cached document if there is one,
    /// else the resolver behind; when that fails with `internalError`, a document kept within
    /// the stale-if-error window.
    pub async fn resolve_at(
        &self,
        did: &Did,
        options: &ResolutionOptions,
        now: u64,
    ) -> Result<Resolution, ResolutionError> {
        let (result, _) = self.resolve_served_at(did, options, now).await;
        result.map(Arc::unwrap_or_clone)
    }

    /// [`resolve_at`](Self::resolve_at), saying where the answer came from.
    pub async fn resolve_served_at(
        &self,
        did: &Did,
        options: &ResolutionOptions,
        now: u64,
    ) -> (Result<Arc<Resolution>, ResolutionError>, Served) {
        if let Err(error) = options.representation() {
            return (Err(error), Served::Origin);
        }
        let fresh = self.lock().get_fresh(did, now);
        if let Some(resolution) = fresh {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (Ok(resolution), Served::Fresh);
        }
        let remembered = self.failures().get_fresh(did, now);
        if let Some(error) = remembered {
            self.negative_hits.fetch_add(1, Ordering::Relaxed);
            return self.stale_or(did, error.as_ref().clone(), now, Served::Fresh);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        match self.inner.resolve(did, options).await {
            Ok(resolution) => {
                let lifetime = Lifetime::from_now(
                    now,
                    self.config.ttl.as_secs(),
                    self.config.stale_if_error.as_secs(),
                );
                let resolution = Arc::new(resolution);
                self.lock()
                    .insert(did.clone(), Arc::clone(&resolution), 1, lifetime, now);
                (Ok(resolution), Served::Origin)
            }
            Err(error) => {
                let remember = matches!(error.kind, ErrorKind::InternalError | ErrorKind::NotFound);
                let negative_ttl = self.config.negative_ttl.as_secs();
                if remember && negative_ttl > 0 {
                    let lifetime = Lifetime::until(now.saturating_add(negative_ttl));
                    self.failures()
                        .insert(did.clone(), Arc::new(error.clone()), 1, lifetime, now);
                }
                self.stale_or(did, error, now, Served::Origin)
            }
        }
    }

    /// `error` (served as `failure`), unless it is an `internalError` and a document of `did`
    /// is kept within the stale-if-error window: then that document.
    fn stale_or(
        &self,
        did: &Did,
        error: ResolutionError,
        now: u64,
        failure: Served,
    ) -> (Result<Arc<Resolution>, ResolutionError>, Served) {
        // RFC 5861 §4: stale-if-error covers a failure to reach the origin, never its
        // verdict; `notFound` or `invalidDid` must not be hidden by an old document.
        if error.kind != ErrorKind::InternalError {
            return (Err(error), failure);
        }
        let kept = self.lock().get(did, now);
        match kept {
            Some(stale) => {
                // The method and the kind of failure only: a DID may be a holder's, and logs
                // carry none (DESIGN "Privacy").
                tracing::warn!(
                    method = did.method(),
                    kind = ?error.kind,
                    "serving a stale DID document"
                );
                self.stale_served.fetch_add(1, Ordering::Relaxed);
                let served = Served::Stale {
                    stale_for: now.saturating_sub(stale.fresh_until),
                    window: self.config.stale_if_error.as_secs(),
                };
                (Ok(stale.value), served)
            }
            None => (Err(error), failure),
        }
    }
}

#[async_trait]
impl<R: Resolver> Resolver for CachingResolver<R> {
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        self.resolve_at(did, options, crate::time::unix_now()).await
    }

    async fn resolve_served(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> (Result<Arc<Resolution>, ResolutionError>, Served) {
        self.resolve_served_at(did, options, crate::time::unix_now())
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::document::DidDocument;

    /// Any instant will do: time is a value here.
    const T0: u64 = 1_800_000_000;

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
            negative_ttl: Duration::ZERO,
        }
    }

    async fn resolve(
        cache: &CachingResolver<Flaky>,
        n: usize,
        now: u64,
    ) -> Result<Resolution, ResolutionError> {
        cache
            .resolve_at(&did(n), &ResolutionOptions::default(), now)
            .await
    }

    #[tokio::test]
    async fn serves_fresh_entries_without_asking_again() {
        let cache = CachingResolver::new(Flaky::default(), config());
        resolve(&cache, 1, T0).await.unwrap();
        resolve(&cache, 1, T0 + 59).await.unwrap();
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.stats().hits, 1);

        resolve(&cache, 1, T0 + 60).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            2,
            "expired after the TTL"
        );
        assert_eq!(cache.stats().misses, 2);
    }

    #[tokio::test]
    async fn stays_within_its_bound_dropping_the_oldest() {
        let cache = CachingResolver::new(Flaky::default(), config());
        for n in 1..=3 {
            resolve(&cache, n, T0 + n as u64).await.unwrap();
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.stats().evictions, 1);
        resolve(&cache, 3, T0 + 4).await.unwrap();
        resolve(&cache, 2, T0 + 4).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            3,
            "2 and 3 are cached"
        );
        resolve(&cache, 1, T0 + 4).await.unwrap();
        assert_eq!(
            cache.inner().calls.load(Ordering::SeqCst),
            4,
            "1 was evicted"
        );
    }

    #[tokio::test]
    async fn serves_stale_on_internal_error_within_the_grace_period() {
        let cache = CachingResolver::new(Flaky::default(), config());
        resolve(&cache, 1, T0).await.unwrap();
        cache.inner().failing.store(true, Ordering::SeqCst);

        assert!(resolve(&cache, 1, T0 + 120).await.is_ok(), "stale-if-error");
        assert_eq!(cache.stats().stale_served, 1);
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2, "it asked");

        let error = resolve(&cache, 1, T0 + 60 + 600).await.unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::InternalError,
            "the grace period is over"
        );
    }

    #[tokio::test]
    async fn says_whether_an_answer_is_from_the_origin_fresh_or_stale() {
        let cache = CachingResolver::new(Flaky::default(), config());
        let served = |now| {
            let cache = &cache;
            async move {
                let (result, served) = cache
                    .resolve_served_at(&did(1), &ResolutionOptions::default(), now)
                    .await;
                (result.is_ok(), served)
            }
        };
        assert_eq!(served(T0).await, (true, Served::Origin));
        assert_eq!(served(T0 + 59).await, (true, Served::Fresh));
        cache.inner().failing.store(true, Ordering::SeqCst);
        // Fresh until T0 + 60; 120 s later the method fails and the kept document is served.
        let stale = Served::Stale {
            stale_for: 120,
            window: 600,
        };
        assert_eq!(served(T0 + 180).await, (true, stale));
        assert_eq!(served(T0 + 60 + 600).await, (false, Served::Origin));
    }

    #[tokio::test]
    async fn a_verdict_is_never_hidden_by_a_stale_entry() {
        let cache = CachingResolver::new(Flaky::default(), config());
        resolve(&cache, 1, T0).await.unwrap();
        cache.inner().not_found.store(true, Ordering::SeqCst);
        let error = resolve(&cache, 1, T0 + 61).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound);
        assert_eq!(cache.stats().stale_served, 0);
    }

    #[tokio::test]
    async fn remembers_an_unreachable_host_briefly() {
        let cache = CachingResolver::new(
            Flaky::default(),
            CacheConfig {
                negative_ttl: Duration::from_secs(30),
                ..config()
            },
        );
        cache.inner().failing.store(true, Ordering::SeqCst);
        for now in [T0, T0 + 1, T0 + 29] {
            let error = resolve(&cache, 1, now).await.unwrap_err();
            assert_eq!(error.kind, ErrorKind::InternalError);
        }
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 1, "asked once");
        assert_eq!(cache.stats().negative_hits, 2);
        cache.inner().failing.store(false, Ordering::SeqCst);
        resolve(&cache, 1, T0 + 30).await.unwrap();
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2, "then again");
    }

    #[tokio::test]
    async fn a_remembered_failure_still_serves_stale() {
        let cache = CachingResolver::new(
            Flaky::default(),
            CacheConfig {
                negative_ttl: Duration::from_secs(30),
                ..config()
            },
        );
        resolve(&cache, 1, T0).await.unwrap();
        cache.inner().failing.store(true, Ordering::SeqCst);
        assert!(resolve(&cache, 1, T0 + 61).await.is_ok());
        assert!(resolve(&cache, 1, T0 + 62).await.is_ok());
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.stats().stale_served, 2);
    }

    #[tokio::test]
    async fn errors_are_not_cached_without_a_negative_ttl() {
        let cache = CachingResolver::new(Flaky::default(), config());
        cache.inner().not_found.store(true, Ordering::SeqCst);
        assert!(resolve(&cache, 1, T0).await.is_err());
        cache.inner().not_found.store(false, Ordering::SeqCst);
        assert!(resolve(&cache, 1, T0).await.is_ok());
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_unsupported_representation_is_refused_even_when_cached() {
        let cache = CachingResolver::new(Flaky::default(), config());
        resolve(&cache, 1, T0).await.unwrap();
        let options = ResolutionOptions {
            accept: Some("text/html".into()),
        };
        let error = cache.resolve_at(&did(1), &options, T0).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepresentationNotSupported);
    }

    #[tokio::test]
    async fn resolve_runs_on_the_system_clock() {
        // An entry stored "now" through the trait is fresh for a caller at the same instant
        // and long gone for one a day later: the trait passes the real time.
        let cache = CachingResolver::new(Flaky::default(), config());
        cache
            .resolve(&did(1), &ResolutionOptions::default())
            .await
            .unwrap();
        let now = crate::time::unix_now();
        resolve(&cache, 1, now).await.unwrap();
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 1);
        resolve(&cache, 1, now + 86_400).await.unwrap();
        assert_eq!(cache.inner().calls.load(Ordering::SeqCst), 2);
    }
}
