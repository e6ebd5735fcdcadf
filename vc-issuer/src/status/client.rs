//! The status client a verifier runs: it fetches a status list through a [`Fetcher`], finds
//! the signer's key through [`StatusListKeys`], verifies the list, caches it for as long as
//! the list allows and the verifier's bounds permit, and answers for one entry.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use did_core::fetch::{FetchedBody, Fetcher};
use did_core::jose::AlgorithmPolicy;
use did_core::resolution::Resolver;

use super::cache::TtlCache;
use super::credential::{
    BitstringStatus, BitstringStatusListCredential, UnverifiedBitstringStatusListCredential,
    VC_JWT_MEDIA_TYPE,
};
use super::error::quoted;
use super::issuer_list_keys::IssuerStatusListKeys;
use super::keys::{KeyRequest, StatusListKeys};
use super::reference::invalid;
use super::token::{STATUS_LIST_JWT_MEDIA_TYPE, StatusListToken, UnverifiedStatusListToken};
use super::validation::{DEFAULT_LEEWAY_SECS, StatusListValidation};
use super::{
    BitstringStatusList, BitstringStatusListEntry, MAX_DECOMPRESSED_BYTES, StatusError,
    StatusListReference, StatusSize, StatusValue,
};
use crate::issuer_keys::{DidIssuerKeys, IssuerKeys};

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
            leeway: Duration::from_secs(DEFAULT_LEEWAY_SECS.unsigned_abs()),
            max_list_bytes: MAX_DECOMPRESSED_BYTES,
        }
    }
}

/// What a verified list is cached under: its URL, and the issuer of the credentials it was
/// verified for (`None` when the caller named none). A list accepted for one issuer is never
/// served from the cache to a credential of another.
type ListKey = (String, Option<String>);

fn list_key(url: &str, issuer: Option<&str>) -> ListKey {
    (url.to_owned(), issuer.map(str::to_owned))
}

/// A verified Bitstring Status List credential with its list decoded for one `statusSize`.
#[derive(Debug)]
struct VerifiedBitstring {
    credential: BitstringStatusListCredential,
    list: BitstringStatusList,
}

/// Checks credential status against Token Status Lists and Bitstring Status Lists.
///
/// Every failure to obtain a trustworthy answer — the server down or answering 404, a list
/// signed by another key, a list for another URI, an expired list, an index outside the
/// list — is a [`StatusError`], whose report code is `status_unavailable`. A revoked or
/// suspended credential is not an error: it is the status returned.
///
/// When the caller names the credential's issuer (the `*_issued_by_at` methods, and the
/// verifier through [`StatusCheck`](crate::verify::StatusCheck)), the key lookup is told, and a
/// list that names another issuer is refused (Token Status List §11.3).
///
/// Verified lists are cached by URL and credential issuer for the list's `ttl` (Token Status
/// List §13.7; for a Bitstring Status List, `credentialSubject.ttl`), bounded by the
/// [`StatusListClientConfig`] and never past the list's `exp` or `validUntil`.
pub struct StatusListClient {
    fetcher: Arc<dyn Fetcher>,
    keys: Arc<dyn StatusListKeys>,
    policy: AlgorithmPolicy,
    config: StatusListClientConfig,
    tokens: Mutex<TtlCache<ListKey, StatusListToken>>,
    bitstrings: Mutex<TtlCache<(ListKey, StatusSize), VerifiedBitstring>>,
}

impl StatusListClient {
    /// A client fetching through `fetcher` (which applies the address guard and size limits),
    /// trusting the keys `keys` gives, with the default algorithm policy and bounds.
    pub fn new(fetcher: Arc<dyn Fetcher>, keys: Arc<dyn StatusListKeys>) -> StatusListClient {
        let config = StatusListClientConfig::default();
        StatusListClient {
            fetcher,
            keys,
            policy: AlgorithmPolicy::default(),
            tokens: Mutex::new(TtlCache::new(
                config.max_cache_entries,
                config.max_cached_bytes,
            )),
            bitstrings: Mutex::new(TtlCache::new(
                config.max_cache_entries,
                config.max_cached_bytes,
            )),
            config,
        }
    }

    /// The client a verifier of credentials uses: a status list must be signed by a key of
    /// the credential's own issuer, found through `issuer_keys` exactly as the credential's
    /// key is ([`IssuerStatusListKeys`]). Give it the same [`IssuerKeys`] the verifier uses,
    /// so that both share one key cache.
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
    /// let status = StatusListClient::for_issuer_keys(fetcher, keys.clone());
    /// let policy = VerificationPolicy::default();
    /// let report = verify_credential(presentation, &policy, keys.as_ref(), Some(&status)).await?;
    /// // A revoked credential: `report.verified` is false, the error code `revoked`.
    /// # Ok(())
    /// # }
    /// ```
    pub fn for_issuer_keys(
        fetcher: Arc<dyn Fetcher>,
        issuer_keys: Arc<dyn IssuerKeys>,
    ) -> StatusListClient {
        StatusListClient::new(fetcher, Arc::new(IssuerStatusListKeys::new(issuer_keys)))
    }

    /// [`for_issuer_keys`](Self::for_issuer_keys) over DID issuers: keys from the DID
    /// documents `resolver` resolves, under `assertionMethod` ([`DidIssuerKeys`] with its
    /// default cache).
    pub fn for_dids(fetcher: Arc<dyn Fetcher>, resolver: Arc<dyn Resolver>) -> StatusListClient {
        StatusListClient::for_issuer_keys(fetcher, Arc::new(DidIssuerKeys::new(resolver)))
    }

    /// The client with the algorithms it accepts restricted to `policy`.
    pub fn with_policy(mut self, policy: AlgorithmPolicy) -> StatusListClient {
        self.policy = policy;
        self
    }

    /// The client with `config` as its bounds (and an empty cache).
    pub fn with_config(mut self, config: StatusListClientConfig) -> StatusListClient {
        self.tokens = Mutex::new(TtlCache::new(
            config.max_cache_entries,
            config.max_cached_bytes,
        ));
        self.bitstrings = Mutex::new(TtlCache::new(
            config.max_cache_entries,
            config.max_cached_bytes,
        ));
        self.config = config;
        self
    }

    /// The status of the Referenced Token that carries `reference`, now.
    pub async fn check(&self, reference: &StatusListReference) -> Result<StatusValue, StatusError> {
        self.check_at(reference, unix_now()).await
    }

    /// The status of the Referenced Token that carries `reference`, at `now` (seconds since
    /// the Unix epoch): Token Status List §8.3 steps 2–7. Step 1 and what precedes it — the
    /// Referenced Token itself verified, signature and expiry — is the caller's, and comes
    /// first: an expired token with a `VALID` status is still expired (§8.3).
    ///
    /// The issuer of the Referenced Token is not known here, so a key source that requires it
    /// ([`IssuerStatusListKeys`](super::IssuerStatusListKeys)) refuses; use
    /// [`check_issued_by_at`](Self::check_issued_by_at) with it.
    pub async fn check_at(
        &self,
        reference: &StatusListReference,
        now: i64,
    ) -> Result<StatusValue, StatusError> {
        self.token_status(reference, None, now).await
    }

    /// As [`check_at`](Self::check_at), for a Referenced Token issued by `issuer`: the key
    /// lookup is told the issuer, and a Status List Token whose `iss` names another is refused
    /// (Token Status List §11.3).
    pub async fn check_issued_by_at(
        &self,
        reference: &StatusListReference,
        issuer: &str,
        now: i64,
    ) -> Result<StatusValue, StatusError> {
        self.token_status(reference, Some(issuer), now).await
    }

    pub(super) async fn token_status(
        &self,
        reference: &StatusListReference,
        issuer: Option<&str>,
        now: i64,
    ) -> Result<StatusValue, StatusError> {
        let token = self.status_list_token(&reference.uri, issuer, now).await?;
        // §8.3 step 6: an index out of bounds allows no statement.
        Ok(token.list.get(reference.idx)?)
    }

    /// The verified Status List Token at `uri` for Referenced Tokens of `issuer` (if known),
    /// from the cache or fetched (§8.1) with `Accept: application/statuslist+jwt`.
    pub async fn status_list_token(
        &self,
        uri: &str,
        issuer: Option<&str>,
        now: i64,
    ) -> Result<Arc<StatusListToken>, StatusError> {
        let cache_key = list_key(uri, issuer);
        if let Some(token) = lock(&self.tokens).get(&cache_key, now) {
            return Ok(token);
        }
        let body = self.fetch(uri, STATUS_LIST_JWT_MEDIA_TYPE).await?;
        let unverified = UnverifiedStatusListToken::parse(body.trim_ascii(), &self.policy)?;
        let request = KeyRequest {
            kid: unverified.kid(),
            issuer: unverified.issuer(),
            list_url: uri,
            credential_issuer: issuer,
        };
        let key = self.keys.public_key(&request).await?;
        let token = Arc::new(unverified.verify(&key, uri, &self.validation(now))?);
        // §11.3: the list speaks for the Referenced Token's issuer, or not at all. `iss` is
        // optional in a Status List Token; when present it is compared as a plain string
        // (RFC 3986 §6.2.1), as `iss` values are.
        check_list_issuer(issuer, token.iss.as_deref())?;
        let until = self.cache_until(now, token.ttl, token.exp);
        let weight = token.list.as_bytes().len();
        lock(&self.tokens).insert(cache_key, Arc::clone(&token), weight, until, now);
        Ok(token)
    }

    /// The status of a credential's `BitstringStatusListEntry`, now.
    pub async fn check_bitstring(
        &self,
        entry: &BitstringStatusListEntry,
    ) -> Result<BitstringStatus, StatusError> {
        self.check_bitstring_at(entry, unix_now()).await
    }

    /// The status of a credential's `BitstringStatusListEntry` at `now`: the Validate
    /// Algorithm of Bitstring Status List §3.2, over a credential secured as `vc+jwt`.
    ///
    /// The credential's issuer is not known here, so a key source that requires it
    /// ([`IssuerStatusListKeys`](super::IssuerStatusListKeys)) refuses; use
    /// [`check_bitstring_issued_by_at`](Self::check_bitstring_issued_by_at) with it.
    pub async fn check_bitstring_at(
        &self,
        entry: &BitstringStatusListEntry,
        now: i64,
    ) -> Result<BitstringStatus, StatusError> {
        self.bitstring_status(entry, None, now).await
    }

    /// As [`check_bitstring_at`](Self::check_bitstring_at), for a credential issued by
    /// `issuer`: the key lookup is told the issuer, and a status list credential whose
    /// `issuer` is another is refused.
    pub async fn check_bitstring_issued_by_at(
        &self,
        entry: &BitstringStatusListEntry,
        issuer: &str,
        now: i64,
    ) -> Result<BitstringStatus, StatusError> {
        self.bitstring_status(entry, Some(issuer), now).await
    }

    pub(super) async fn bitstring_status(
        &self,
        entry: &BitstringStatusListEntry,
        issuer: Option<&str>,
        now: i64,
    ) -> Result<BitstringStatus, StatusError> {
        let url = entry.status_list_credential.as_str();
        let cache_key = (list_key(url, issuer), entry.status_size);
        let cached = lock(&self.bitstrings).get(&cache_key, now);
        let verified = match cached {
            Some(verified) => verified,
            None => {
                let verified = self
                    .fetch_bitstring(url, entry.status_size, issuer, now)
                    .await?;
                let verified = Arc::new(verified);
                let ttl = verified.credential.ttl_ms.map(|ms| ms.div_ceil(1000));
                let until = self.cache_until(now, ttl, verified.credential.valid_until);
                let weight = verified.list.as_bytes().len();
                lock(&self.bitstrings).insert(cache_key, Arc::clone(&verified), weight, until, now);
                verified
            }
        };
        verified.credential.status(&verified.list, entry)
    }

    /// §3.2 steps 4 and 6–9: dereference the URL, verify the proof, decode the list.
    async fn fetch_bitstring(
        &self,
        url: &str,
        status_size: StatusSize,
        issuer: Option<&str>,
        now: i64,
    ) -> Result<VerifiedBitstring, StatusError> {
        let body = self.fetch(url, VC_JWT_MEDIA_TYPE).await?;
        let unverified =
            UnverifiedBitstringStatusListCredential::parse(body.trim_ascii(), &self.policy)?;
        let request = KeyRequest {
            kid: unverified.kid(),
            issuer: unverified.issuer(),
            list_url: url,
            credential_issuer: issuer,
        };
        let key = self.keys.public_key(&request).await?;
        let validation = self.validation(now);
        let credential = unverified.verify(&key, url, &validation)?;
        // The status list credential is the credential issuer's own, as the specification's
        // editors' implementation requires; `issuer` is REQUIRED in VCDM 2.0 (§4.7).
        check_list_issuer(issuer, Some(&credential.issuer))?;
        let list = credential.decode_list(status_size, &validation)?;
        Ok(VerifiedBitstring { credential, list })
    }

    /// GETs `url` with `Accept: accept`; the body of a 2xx response as text.
    async fn fetch(&self, url: &str, accept: &str) -> Result<String, StatusError> {
        let parsed = url::Url::parse(url)
            .map_err(|err| invalid("uri", format!("is not an absolute URL: {err}")))?;
        let fetched = self
            .fetcher
            .get(&parsed, accept)
            .await
            .and_then(FetchedBody::into_success)
            .map_err(|source| StatusError::Fetch {
                url: url.to_owned(),
                source,
            })?;
        String::from_utf8(fetched.body).map_err(|_| StatusError::NotText {
            url: url.to_owned(),
        })
    }

    fn validation(&self, now: i64) -> StatusListValidation {
        StatusListValidation {
            now,
            leeway: secs(self.config.leeway),
            max_list_bytes: self.config.max_list_bytes,
        }
    }

    /// How long a list may be cached: its `ttl` within the configured bounds (the upper bound
    /// when it has none), never past its end of validity (§13.7: after `exp` a list MUST NOT
    /// be relied upon).
    fn cache_until(&self, now: i64, ttl: Option<u64>, expires_at: Option<i64>) -> i64 {
        let (min, max) = (
            secs(self.config.min_cache_ttl),
            secs(self.config.max_cache_ttl),
        );
        let ttl = ttl.map_or(max, |ttl| {
            i64::try_from(ttl)
                .unwrap_or(i64::MAX)
                .clamp(min, max.max(min))
        });
        let until = now.saturating_add(ttl);
        expires_at.map_or(until, |expires_at| until.min(expires_at))
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

/// Refuses a list that names an issuer other than `expected`, the credential's.
fn check_list_issuer(expected: Option<&str>, found: Option<&str>) -> Result<(), StatusError> {
    match (expected, found) {
        (Some(expected), Some(found)) if expected != found => Err(StatusError::IssuerMismatch {
            expected: quoted(expected),
            found: quoted(found),
        }),
        _ => Ok(()),
    }
}

/// The cache behind a lock; a panic elsewhere cannot leave a cache of verified values in an
/// unsafe state, so a poisoned lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// Seconds since the Unix epoch (0 if the clock is set before it).
pub(super) fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, secs)
}
