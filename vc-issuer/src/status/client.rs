//! The status client a verifier runs: it fetches a status list through a [`Fetcher`], has the
//! shared envelope verify it under a key of the credential's own issuer (found through
//! [`IssuerKeys`]), caches it for as long as the list allows and the verifier's bounds permit,
//! and answers [`StatusCheck::check`] at the verifier's `now`.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use did_core::excerpt::excerpt;
use did_core::fetch::{FetchedBody, Fetcher};
use did_core::jose::AlgorithmPolicy;
use did_core::time::Clock;

use super::check::token_reference;
use super::envelope::{
    DEFAULT_LEEWAY_SECS, SignedStatusList, StatusListValidation, verify_signed_list,
};
use super::{
    BitstringStatusList, BitstringStatusListCredential, BitstringStatusListEntry, ListFreshness,
    MAX_DECOMPRESSED_BYTES, StatusBits, StatusCheck, StatusError, StatusListError,
    StatusListReference, StatusListToken, StatusPurpose, StatusReference, StatusSize, StatusValue,
};
use crate::issuer_keys::IssuerKeys;

/// The bounds a [`StatusListClient`] applies. Token Status List §11.5: clients SHOULD bound
/// the `ttl` and `exp` they honour, so that neither a careless nor a malicious issuer can
/// make them hammer a server or trust a stale list for long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListClientConfig {
    /// The shortest time a list is cached, whatever its `ttl` says (never past its `exp` or
    /// `validUntil`). Default 5 s.
    pub min_cache_ttl: Duration,
    /// The longest time a list is cached, whatever its `ttl` says; also the time a list
    /// without `ttl` is cached. Default 1 hour.
    pub max_cache_ttl: Duration,
    /// The most lists of each kind kept at once. Default 64.
    pub max_cache_entries: usize,
    /// The most bytes of decompressed lists of each kind kept at once. Default 64 MiB.
    pub max_cached_bytes: usize,
    /// The allowance for clock skew on validity windows. Default 60 s.
    pub leeway: Duration,
    /// The largest decompressed list accepted. Default [`MAX_DECOMPRESSED_BYTES`].
    pub max_list_bytes: usize,
}

impl Default for StatusListClientConfig {
    fn default() -> Self {
        StatusListClientConfig {
            min_cache_ttl: Duration::from_secs(5),
            max_cache_ttl: Duration::from_secs(3600),
            max_cache_entries: 64,
            max_cached_bytes: 64 * 1024 * 1024,
            leeway: Duration::from_secs(DEFAULT_LEEWAY_SECS),
            max_list_bytes: MAX_DECOMPRESSED_BYTES,
        }
    }
}

impl StatusListClientConfig {
    fn cache_limits(&self) -> CacheLimits {
        CacheLimits {
            max_entries: self.max_cache_entries,
            max_weight: self.max_cached_bytes,
        }
    }
}

/// What a verified list is cached under: its URL, and the issuer of the credentials it was
/// verified for. A list accepted for one issuer is never served from the cache to a
/// credential of another.
type ListKey = (String, String);

/// A verified Bitstring Status List credential with its list decoded for one `statusSize`.
#[derive(Debug)]
struct VerifiedBitstring {
    credential: BitstringStatusListCredential,
    list: BitstringStatusList,
    /// When it was fetched (Unix seconds).
    fetched_at: u64,
}

/// A verified Status List Token and when it was fetched (Unix seconds).
#[derive(Debug)]
struct FetchedToken {
    token: StatusListToken,
    fetched_at: u64,
}

impl FetchedToken {
    fn freshness(&self) -> ListFreshness {
        ListFreshness {
            issued_at: i64::try_from(self.token.iat).ok(),
            fetched_at: self.fetched_at,
            ttl: self.token.ttl,
            exp: self.token.exp.and_then(|exp| i64::try_from(exp).ok()),
            suspendable: self.token.list.bits() != StatusBits::One,
        }
    }
}

/// Checks credential status against Token Status Lists and Bitstring Status Lists: the
/// network's [`StatusCheck`].
///
/// Every failure to obtain a trustworthy answer — the server down or answering 404, a list
/// signed by a key that is not the credential issuer's, a list for another URI, an expired
/// list, an index outside the list — is a [`StatusError`], whose report code is
/// `status_unavailable`. A revoked or suspended credential is not an error: it is the status
/// returned.
///
/// Verified lists are cached by URL and credential issuer for the list's `ttl` (Token Status
/// List §13.7; for a Bitstring Status List, `credentialSubject.ttl`), bounded by the
/// [`StatusListClientConfig`] and never past the list's `exp` or `validUntil`. The cache
/// keeps time by the `now` of each check, like everything else here.
pub struct StatusListClient {
    fetcher: Arc<dyn Fetcher>,
    keys: Arc<dyn IssuerKeys>,
    policy: AlgorithmPolicy,
    config: StatusListClientConfig,
    tokens: Mutex<TtlCache<ListKey, FetchedToken>>,
    bitstrings: Mutex<TtlCache<(ListKey, StatusSize), VerifiedBitstring>>,
}

impl StatusListClient {
    /// A client fetching through `fetcher` (which applies the address guard and size limits)
    /// that accepts a status list only when signed by a key of the credential's own issuer,
    /// found through `keys` exactly as the credential's key is (Token Status List §11.3).
    /// Give it the same [`IssuerKeys`] the verifier uses, so that both share one key cache.
    ///
    /// ```no_run
    /// # use std::sync::Arc;
    /// # use did_core::fetch::{FetchPolicy, HttpFetcher};
    /// # use did_core::method::DID_KEY;
    /// # use did_core::resolution::dispatch::MethodDispatcher;
    /// use vc_issuer::issuer_keys::DidIssuerKeys;
    /// use vc_issuer::status::StatusListClient;
    /// use vc_issuer::verify::{VerificationPolicy, verify_credential};
    ///
    /// # async fn run(presentation: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
    /// let keys = Arc::new(DidIssuerKeys::new(resolver));
    /// let fetcher = Arc::new(HttpFetcher::new(FetchPolicy::default())?);
    /// let status = StatusListClient::new(fetcher, keys.clone());
    /// let policy = VerificationPolicy::default();
    /// let report = verify_credential(presentation, &policy, keys.as_ref(), Some(&status)).await?;
    /// // A revoked credential: `report.verified` is false, the error code `revoked`.
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(fetcher: Arc<dyn Fetcher>, keys: Arc<dyn IssuerKeys>) -> StatusListClient {
        let config = StatusListClientConfig::default();
        StatusListClient {
            fetcher,
            keys,
            policy: AlgorithmPolicy::default(),
            tokens: Mutex::new(TtlCache::new(config.cache_limits())),
            bitstrings: Mutex::new(TtlCache::new(config.cache_limits())),
            config,
        }
    }

    /// The client with the algorithms it accepts restricted to `policy`.
    pub fn with_policy(mut self, policy: AlgorithmPolicy) -> StatusListClient {
        self.policy = policy;
        self
    }

    /// The client with `config` as its bounds (and an empty cache).
    pub fn with_config(mut self, config: StatusListClientConfig) -> StatusListClient {
        self.tokens = Mutex::new(TtlCache::new(config.cache_limits()));
        self.bitstrings = Mutex::new(TtlCache::new(config.cache_limits()));
        self.config = config;
        self
    }

    /// Token Status List §8.3 steps 2–7 for a Referenced Token of `issuer`. Step 1 and what
    /// precedes it — the Referenced Token itself verified, signature and expiry — is the
    /// verifier's, and comes first: an expired token with a `VALID` status is still expired.
    async fn token_status(
        &self,
        reference: &StatusListReference,
        issuer: &str,
        now: u64,
    ) -> Result<(StatusValue, ListFreshness), StatusError> {
        let key = (reference.uri.clone(), issuer.to_owned());
        let cached = lock(&self.tokens).get_fresh(&key, now);
        let fetched = match cached {
            Some(fetched) => fetched,
            None => {
                let token = self
                    .fetch_verified::<StatusListToken>(&reference.uri, issuer, now)
                    .await?;
                let lifetime = self.cache_lifetime(now, token.ttl, token.exp);
                let weight = token.list.as_bytes().len();
                let fetched = Arc::new(FetchedToken {
                    token,
                    fetched_at: now,
                });
                lock(&self.tokens).insert(key, Arc::clone(&fetched), weight, lifetime, now);
                fetched
            }
        };
        // §8.3 step 6: an index out of bounds allows no statement.
        Ok((fetched.token.list.get(reference.idx)?, fetched.freshness()))
    }

    /// The Validate Algorithm of Bitstring Status List §3.2 for one entry of a credential of
    /// `issuer`, the list secured as `vc+jwt`.
    async fn bitstring_status(
        &self,
        entry: &BitstringStatusListEntry,
        issuer: &str,
        now: u64,
    ) -> Result<(StatusValue, ListFreshness), StatusError> {
        let url = entry.status_list_credential.as_str();
        let key = ((url.to_owned(), issuer.to_owned()), entry.status_size);
        let cached = lock(&self.bitstrings).get_fresh(&key, now);
        let verified = match cached {
            Some(verified) => verified,
            None => {
                // §3.2 steps 4 and 6–9: dereference the URL, verify the proof, decode the list.
                let credential = self
                    .fetch_verified::<BitstringStatusListCredential>(url, issuer, now)
                    .await?;
                let list = credential.decode_list(entry.status_size, &self.validation(now))?;
                let verified = Arc::new(VerifiedBitstring {
                    credential,
                    list,
                    fetched_at: now,
                });
                let ttl = verified.credential.ttl_ms.map(|ms| ms.div_ceil(1000));
                let ends = verified
                    .credential
                    .valid_until
                    .map(|until| u64::try_from(until).unwrap_or(0));
                let lifetime = self.cache_lifetime(now, ttl, ends);
                let weight = verified.list.as_bytes().len();
                lock(&self.bitstrings).insert(key, Arc::clone(&verified), weight, lifetime, now);
                verified
            }
        };
        let value = verified.credential.status(&verified.list, entry)?.value()?;
        let freshness = ListFreshness {
            issued_at: verified.credential.valid_from,
            fetched_at: verified.fetched_at,
            ttl: verified.credential.ttl_ms.map(|ms| ms.div_ceil(1000)),
            exp: verified.credential.valid_until,
            suspendable: entry.status_purpose == StatusPurpose::Suspension,
        };
        Ok((value, freshness))
    }

    /// Fetches the list at `url` and verifies it through the shared envelope, for a
    /// credential of `issuer`, at `now`.
    async fn fetch_verified<L: SignedStatusList>(
        &self,
        url: &str,
        issuer: &str,
        now: u64,
    ) -> Result<L, StatusError> {
        let body = self.fetch(url, L::MEDIA_TYPE).await?;
        verify_signed_list(
            &body,
            url,
            issuer,
            self.keys.as_ref(),
            &self.policy,
            &self.validation(now),
        )
        .await
    }

    /// GETs `url` with `Accept: accept`; the body of a 2xx response as text.
    async fn fetch(&self, url: &str, accept: &str) -> Result<String, StatusError> {
        let parsed = url::Url::parse(url).map_err(|err| {
            StatusListError::invalid_reference("uri", format!("is not an absolute URL: {err}"))
        })?;
        let fetched = self
            .fetcher
            .get(&parsed, accept)
            .await
            .and_then(FetchedBody::into_success)
            .map_err(|source| StatusError::Fetch {
                url: excerpt(url),
                source,
            })?;
        String::from_utf8(fetched.body).map_err(|_| StatusError::NotText { url: excerpt(url) })
    }

    fn validation(&self, now: u64) -> StatusListValidation {
        StatusListValidation {
            clock: Clock {
                now,
                skew: self.config.leeway.as_secs(),
            },
            max_list_bytes: self.config.max_list_bytes,
        }
    }

    /// How long a list may be cached: its `ttl` within the configured bounds (the upper bound
    /// when it has none), never past its end of validity (§13.7: after `exp` a list MUST NOT
    /// be relied upon).
    fn cache_lifetime(&self, now: u64, ttl: Option<u64>, ends: Option<u64>) -> Lifetime {
        let (min, max) = (
            self.config.min_cache_ttl.as_secs(),
            self.config.max_cache_ttl.as_secs(),
        );
        let ttl = ttl.map_or(max, |ttl| ttl.clamp(min, max.max(min)));
        let until = now.saturating_add(ttl);
        Lifetime::until(ends.map_or(until, |ends| until.min(ends)))
    }
}

#[async_trait]
impl StatusCheck for StatusListClient {
    async fn check(
        &self,
        reference: &StatusReference<'_>,
        now: u64,
    ) -> Result<StatusValue, StatusError> {
        Ok(self.check_with_freshness(reference, now).await?.0)
    }

    async fn check_with_freshness(
        &self,
        reference: &StatusReference<'_>,
        now: u64,
    ) -> Result<(StatusValue, Option<ListFreshness>), StatusError> {
        match *reference {
            StatusReference::Token { claim, issuer } => {
                let reference = token_reference(claim)?;
                let (value, freshness) = self.token_status(&reference, issuer, now).await?;
                Ok((value, Some(freshness)))
            }
            StatusReference::Bitstring {
                credential_status,
                issuer,
            } => {
                let entries =
                    BitstringStatusListEntry::all_from_credential_status(credential_status)?;
                let mut suspended = false;
                let mut failure = None;
                // The least fresh list answered for the whole.
                let mut stalest: Option<ListFreshness> = None;
                for entry in &entries {
                    match self.bitstring_status(entry, issuer, now).await {
                        // A revocation decides: nothing another list says can undo it.
                        Ok((StatusValue::Invalid, freshness)) => {
                            return Ok((StatusValue::Invalid, Some(freshness)));
                        }
                        Ok((value, freshness)) => {
                            suspended |= value == StatusValue::Suspended;
                            let suspendable = freshness.suspendable
                                || stalest.is_some_and(|kept| kept.suspendable);
                            let older = match stalest {
                                Some(kept) if kept.fetched_at <= freshness.fetched_at => kept,
                                _ => freshness,
                            };
                            stalest = Some(ListFreshness {
                                suspendable,
                                ..older
                            });
                        }
                        Err(error) => {
                            failure.get_or_insert(error);
                        }
                    }
                }
                if suspended {
                    return Ok((StatusValue::Suspended, stalest));
                }
                match failure {
                    Some(error) => Err(error),
                    None => Ok((StatusValue::Valid, stalest)),
                }
            }
        }
    }
}

impl fmt::Debug for StatusListClient {
    /// The policy and bounds; the fetcher, the key source and the cached lists stay out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusListClient")
            .field("policy", &self.policy)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The cache behind a lock; a panic elsewhere cannot leave a cache of verified values in an
/// unsafe state, so a poisoned lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
