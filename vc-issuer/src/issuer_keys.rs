//! Issuer key discovery: from the `iss` of a credential and the `kid` of its JOSE header to the
//! public key that must have signed it, and the proof that the key is the issuer's.
//!
//! Two mechanisms are built in, behind the [`IssuerKeys`] trait:
//!
//! - [`DidIssuerKeys`], DID Document Resolution (SD-JWT VC draft -08 §3.5; in draft -19 §2.5
//!   one of the "additional key discovery and validation mechanisms"): `iss` is a DID, `kid` is
//!   a DID URL of that DID, the DID is resolved and the key must be authorized by its
//!   `assertionMethod` relationship (DID Core §5.3.2). Resolved keys are cached, bounded, so a
//!   busy verifier does not rebuild DID documents.
//! - [`JwtVcIssuerMetadata`], the JWT VC Issuer Metadata of SD-JWT VC §4, already retrieved:
//!   `iss` must be the metadata's `issuer` (§4.3) and `kid` names a key of its `jwks`.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use did_core::did::Did;
use did_core::document::RelationshipKind;
use did_core::key::{Jwk, PublicKey};
use did_core::resolution::{KeyLookupError, Resolver, verification_key};
use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;
use crate::report::ErrorCode;
use did_core::excerpt::excerpt;

/// Finds the key that verifies an issuer-signed JWT, and vouches that it belongs to the issuer
/// (RFC 9901 §7.1 step 2.3: "validate the Issuer and that the signing key belongs to this
/// Issuer").
///
/// `iss` and `kid` are untrusted input: an implementation must never let them choose a key
/// that the issuer did not publish. The same lookup finds the key of a credential and of the
/// status list its issuer signed (Token Status List §11.3: the list is signed the way the
/// credential is).
#[async_trait]
pub trait IssuerKeys: Send + Sync {
    /// The key of issuer `request.iss` that the header's `kid` (if any) names, as known at
    /// `request.now`.
    async fn issuer_key(&self, request: &IssuerKeyRequest<'_>)
    -> Result<PublicKey, IssuerKeyError>;
}

/// What a verifier knows when it asks for an issuer's key: all of it untrusted but `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerKeyRequest<'a> {
    /// The issuer: `iss` of an SD-JWT VC, `issuer` of a VCDM 2.0 credential; for a status
    /// list, the issuer of the credential whose status is asked.
    pub iss: &'a str,
    /// The JOSE header's `kid`, if any.
    pub kid: Option<&'a str>,
    /// The time of the verification, in Unix seconds: the policy's clock, so that a cached
    /// key expires by the same clock the credential is judged by.
    pub now: u64,
}

impl<'a> IssuerKeyRequest<'a> {
    /// The key `kid` of issuer `iss`, asked at `now`.
    pub fn new(iss: &'a str, kid: Option<&'a str>, now: u64) -> Self {
        Self { iss, kid, now }
    }
}

/// Why no issuer key could be established.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssuerKeyError {
    /// `iss` is not a DID, and this mechanism only discovers keys from DIDs.
    #[error("the issuer `{iss}` is not a DID; this verifier discovers issuer keys from DIDs")]
    NotADid {
        /// The `iss` value, shortened.
        iss: String,
    },
    /// The JOSE header has no `kid`, so the key cannot be chosen.
    #[error(
        "the issuer-signed JWT has no `kid` header naming the issuer's key (SD-JWT VC draft -08 §3.5)"
    )]
    MissingKid,
    /// `kid` is not a DID URL.
    #[error("`kid` `{kid}` is not a DID URL (DID Core §3.2)")]
    KidNotDidUrl {
        /// The `kid` value, shortened.
        kid: String,
    },
    /// `kid` is a DID URL of another DID than `iss`: someone else's key.
    #[error(
        "`kid` `{kid}` is a key of another DID than the issuer `{iss}`; it must be a DID URL of the issuer's DID (SD-JWT VC draft -08 §3.5)"
    )]
    KidOfAnotherDid {
        /// The `kid` value, shortened.
        kid: String,
        /// The `iss` value, shortened.
        iss: String,
    },
    /// The issuer's DID did not resolve, or resolved to a deactivated document.
    #[error("the issuer's DID `{did}` did not resolve: {reason}")]
    Unresolvable {
        /// The DID, shortened.
        did: String,
        /// The resolver's reason.
        reason: String,
    },
    /// The issuer's DID document has no verification method `kid`.
    #[error("the issuer's DID document has no verification method `{kid}`")]
    MethodNotFound {
        /// The DID URL, shortened.
        kid: String,
    },
    /// The method exists but is not authorized to issue credentials.
    #[error(
        "verification method `{kid}` is not authorized for assertionMethod in the issuer's DID document, so it cannot sign credentials (DID Core §5.3.2)"
    )]
    NotAssertionMethod {
        /// The DID URL, shortened.
        kid: String,
    },
    /// The method's key material could not be read.
    #[error("the key of verification method `{kid}` is unusable: {reason}")]
    UnusableKey {
        /// The DID URL or key id, shortened.
        kid: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The issuer is not one whose keys this key set holds.
    #[error("no keys are known for the issuer `{iss}` (SD-JWT VC §4.3)")]
    UnknownIssuer {
        /// The `iss` value, shortened.
        iss: String,
    },
    /// The issuer is known but has no key of that `kid`, or several keys and no `kid`.
    #[error("the issuer has no single key named {kid} in its JWK Set")]
    UnknownKid {
        /// The `kid` value shortened and quoted, or `(none)`.
        kid: String,
    },
}

impl IssuerKeyError {
    /// The report code: `issuer_unresolvable` when the key could not be found,
    /// `bad_signature` when a key was found but is not the issuer's to sign with, `malformed`
    /// when `kid` is not even a DID URL.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::KidOfAnotherDid { .. } | Self::NotAssertionMethod { .. } => {
                ErrorCode::BadSignature
            }
            Self::KidNotDidUrl { .. } => ErrorCode::Malformed,
            _ => ErrorCode::IssuerUnresolvable,
        }
    }
}

/// How [`DidIssuerKeys`] caches keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCacheConfig {
    /// How long a resolved key is used without resolving the DID again. did:key and did:jwk
    /// never change; a did:web document can, and this bounds how long a rotated-out key stays
    /// accepted.
    pub ttl: Duration,
    /// How many keys are kept at most.
    pub max_entries: usize,
}

impl Default for KeyCacheConfig {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(300),
            max_entries: 1024,
        }
    }
}

/// Issuer keys from DID documents (DID Document Resolution), cached by `(iss, kid)`.
///
/// `iss` must be a DID and `kid` a DID URL of that same DID, absolute or relative (`#key-1`);
/// the DID is resolved through the given [`Resolver`] and the key must be referenced by the
/// document's `assertionMethod`. A deactivated DID yields no key. Only successes are cached,
/// in the project's one [`TtlCache`], by the request's `now`.
pub struct DidIssuerKeys {
    resolver: Arc<dyn Resolver>,
    config: KeyCacheConfig,
    /// `(iss, kid)` → key: a relative `kid` names another key under another `iss`.
    cache: Mutex<TtlCache<(String, String), PublicKey>>,
}

impl DidIssuerKeys {
    /// Keys resolved through `resolver`, with the default cache (5 minutes, 1024 keys).
    pub fn new(resolver: Arc<dyn Resolver>) -> Self {
        Self::with_cache(resolver, KeyCacheConfig::default())
    }

    /// Keys resolved through `resolver`, cached as `config` says.
    pub fn with_cache(resolver: Arc<dyn Resolver>, config: KeyCacheConfig) -> Self {
        Self {
            resolver,
            config,
            cache: Mutex::new(TtlCache::new(CacheLimits::entries(config.max_entries))),
        }
    }

    /// How many keys the cache holds.
    pub fn cached_keys(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, TtlCache<(String, String), PublicKey>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached(&self, iss: &str, kid: &str, now: u64) -> Option<PublicKey> {
        self.lock()
            .get_fresh(&(iss.to_owned(), kid.to_owned()), now)
            .map(|key| PublicKey::clone(&key))
    }

    fn store(&self, iss: &str, kid: &str, key: &PublicKey, now: u64) {
        let lifetime = Lifetime::from_now(now, self.config.ttl.as_secs(), 0);
        self.lock().insert(
            (iss.to_owned(), kid.to_owned()),
            Arc::new(key.clone()),
            1,
            lifetime,
            now,
        );
    }

    async fn resolve(&self, iss: &str, kid: &str) -> Result<PublicKey, IssuerKeyError> {
        let did = Did::parse(iss).map_err(|_| IssuerKeyError::NotADid { iss: excerpt(iss) })?;
        // SD-JWT VC draft -08 §3.5: "the kid MUST be a relative or absolute DID URL of the DID
        // in the iss value, identifying the public key".
        let url = did
            .resolve_reference(kid)
            .map_err(|_| IssuerKeyError::KidNotDidUrl { kid: excerpt(kid) })?;
        if url.did() != &did {
            return Err(IssuerKeyError::KidOfAnotherDid {
                kid: excerpt(kid),
                iss: excerpt(iss),
            });
        }
        // DID Core §5.3.2: only assertionMethod keys may issue verifiable credentials.
        verification_key(
            self.resolver.as_ref(),
            &url,
            &[RelationshipKind::AssertionMethod],
        )
        .await
        .map_err(|error| match error {
            KeyLookupError::Unresolvable { source, .. } => IssuerKeyError::Unresolvable {
                did: excerpt(iss),
                reason: source.to_string(),
            },
            KeyLookupError::Deactivated { .. } => IssuerKeyError::Unresolvable {
                did: excerpt(iss),
                reason: "the DID is deactivated".into(),
            },
            KeyLookupError::MethodNotFound { .. } => {
                IssuerKeyError::MethodNotFound { kid: excerpt(kid) }
            }
            KeyLookupError::NotAuthorized { .. } => {
                IssuerKeyError::NotAssertionMethod { kid: excerpt(kid) }
            }
            KeyLookupError::UnusableKey { reason, .. } => IssuerKeyError::UnusableKey {
                kid: excerpt(kid),
                reason,
            },
        })
    }
}

impl fmt::Debug for DidIssuerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DidIssuerKeys")
            .field("config", &self.config)
            .field("cached_keys", &self.cached_keys())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl IssuerKeys for DidIssuerKeys {
    async fn issuer_key(
        &self,
        request: &IssuerKeyRequest<'_>,
    ) -> Result<PublicKey, IssuerKeyError> {
        let IssuerKeyRequest { iss, kid, now } = *request;
        let Some(kid) = kid else {
            // Still say what is wrong with `iss` first, if anything.
            Did::parse(iss).map_err(|_| IssuerKeyError::NotADid { iss: excerpt(iss) })?;
            return Err(IssuerKeyError::MissingKid);
        };
        if let Some(key) = self.cached(iss, kid, now) {
            return Ok(key);
        }
        let key = self.resolve(iss, kid).await?;
        self.store(iss, kid, &key, now);
        Ok(key)
    }
}

/// The keys of one issuer from its JWT VC Issuer Metadata (SD-JWT VC §4.2), retrieved
/// beforehand by the caller: the core of this crate does no I/O.
#[derive(Debug, Clone)]
pub struct JwtVcIssuerMetadata {
    issuer: String,
    keys: Vec<(Option<String>, PublicKey)>,
}

/// Most keys read from one JWK Set.
const MAX_JWKS_KEYS: usize = 64;

impl JwtVcIssuerMetadata {
    /// Reads a metadata document: `issuer`, an HTTPS URL without query or fragment (SD-JWT VC
    /// §4), and `jwks`, a JWK Set (RFC 7517 §5) included by value. A `jwks_uri` must be
    /// fetched by the caller and its JWK Set passed as `jwks`. Keys marked for another use
    /// than `sig` (RFC 7517 §4.2) and keys of unsupported types are left out.
    pub fn from_json(metadata: &Value) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidCredential {
            reason: format!("JWT VC Issuer Metadata: {reason}"),
        };
        let issuer = metadata
            .get("issuer")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("`issuer` is missing (SD-JWT VC §4.2)"))?;
        if !issuer.starts_with("https://") || issuer.contains(['?', '#']) {
            return Err(invalid(
                "`issuer` must be an HTTPS URL without query or fragment (SD-JWT VC §4)",
            ));
        }
        let keys = metadata
            .get("jwks")
            .and_then(|jwks| jwks.get("keys"))
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("`jwks` with a `keys` array is required; fetch `jwks_uri` and pass its JWK Set as `jwks` (SD-JWT VC §4.2)"))?;
        if keys.len() > MAX_JWKS_KEYS {
            return Err(invalid("the JWK Set holds too many keys"));
        }
        let keys = keys
            .iter()
            .filter_map(|value| Jwk::deserialize(value).ok())
            .filter(|jwk| {
                jwk.key_use
                    .as_deref()
                    .is_none_or(|key_use| key_use == "sig")
            })
            .filter_map(|jwk| Some((jwk.kid.clone(), PublicKey::from_jwk(&jwk).ok()?)))
            .collect();
        Ok(Self {
            issuer: issuer.to_owned(),
            keys,
        })
    }

    /// The issuer these keys belong to.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

#[async_trait]
impl IssuerKeys for JwtVcIssuerMetadata {
    async fn issuer_key(
        &self,
        request: &IssuerKeyRequest<'_>,
    ) -> Result<PublicKey, IssuerKeyError> {
        let IssuerKeyRequest { iss, kid, .. } = *request;
        // SD-JWT VC §4.3: the metadata is only used for the issuer it names, compared exactly.
        if iss != self.issuer {
            return Err(IssuerKeyError::UnknownIssuer { iss: excerpt(iss) });
        }
        let mut matching = self
            .keys
            .iter()
            .filter(|(key_id, _)| kid.is_none() || key_id.as_deref() == kid);
        match (matching.next(), matching.next()) {
            (Some((_, key)), None) => Ok(key.clone()),
            _ => Err(IssuerKeyError::UnknownKid {
                kid: kid.map_or_else(|| "(none)".into(), |kid| format!("`{}`", excerpt(kid))),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use did_core::document::{DidDocument, VerificationMethod};
    use did_core::key::{KeyType, SecretKey};
    use did_core::method::key::did_key_verification_method;
    use did_core::method::{DID_JWK, DID_KEY};
    use did_core::resolution::dispatch::MethodDispatcher;
    use did_core::resolution::fake::FixedResolver;
    use did_core::resolution::{Resolution, ResolutionError, ResolutionOptions};
    use serde_json::json;

    use super::*;

    fn dispatcher() -> Arc<dyn Resolver> {
        Arc::new(
            MethodDispatcher::new()
                .with_method(DID_KEY.name(), Arc::new(DID_KEY))
                .with_method(DID_JWK.name(), Arc::new(DID_JWK)),
        )
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("runtime: {error}"))
    }

    /// The time of the lookups below.
    const NOW: u64 = 1_700_000_000;

    fn at<'a>(iss: &'a str, kid: Option<&'a str>) -> IssuerKeyRequest<'a> {
        IssuerKeyRequest::new(iss, kid, NOW)
    }

    fn did_key_kid(key: &PublicKey) -> (String, String) {
        let kid = did_key_verification_method(key);
        (kid.did().to_string(), kid.to_string())
    }

    /// The kid of `key` relative to its did:key (`#z…`).
    fn relative_kid(key: &PublicKey) -> String {
        let kid = did_key_verification_method(key);
        format!("#{}", kid.fragment().unwrap_or_default())
    }

    #[test]
    fn finds_did_key_assertion_key_and_caches_it() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, kid) = did_key_kid(&key);
        let keys = DidIssuerKeys::new(dispatcher());
        assert_eq!(
            block_on(keys.issuer_key(&at(&did, Some(&kid)))),
            Ok(key.clone())
        );
        assert_eq!(keys.cached_keys(), 1);
        // A relative DID URL names the same key.
        let relative = relative_kid(&key);
        assert_eq!(
            block_on(keys.issuer_key(&at(&did, Some(&relative)))),
            Ok(key)
        );
    }

    #[test]
    fn rejects_kid_of_another_did() {
        let issuer = SecretKey::generate(KeyType::Ed25519).public_key();
        let attacker = SecretKey::generate(KeyType::Ed25519).public_key();
        let (iss, _) = did_key_kid(&issuer);
        let (_, attacker_kid) = did_key_kid(&attacker);
        let keys = DidIssuerKeys::new(dispatcher());
        let error = block_on(keys.issuer_key(&at(&iss, Some(&attacker_kid)))).unwrap_err();
        assert!(matches!(error, IssuerKeyError::KidOfAnotherDid { .. }));
        assert_eq!(error.code(), ErrorCode::BadSignature);
        // The cache never lets a pair it did not check through.
        let (_, issuer_kid) = did_key_kid(&issuer);
        assert!(block_on(keys.issuer_key(&at(&iss, Some(&issuer_kid)))).is_ok());
        assert!(block_on(keys.issuer_key(&at(&iss, Some(&attacker_kid)))).is_err());
    }

    #[test]
    fn rejects_cached_kid_under_another_iss() {
        let a = SecretKey::generate(KeyType::Ed25519).public_key();
        let b = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did_a, _) = did_key_kid(&a);
        let (did_b, _) = did_key_kid(&b);
        let keys = DidIssuerKeys::new(dispatcher());
        let relative = relative_kid(&a);
        assert!(block_on(keys.issuer_key(&at(&did_a, Some(&relative)))).is_ok());
        // The same relative kid under issuer B names B's document, which lacks the key.
        let error = block_on(keys.issuer_key(&at(&did_b, Some(&relative)))).unwrap_err();
        assert!(matches!(error, IssuerKeyError::MethodNotFound { .. }));
    }

    #[test]
    fn rejects_missing_or_malformed_kid_and_non_did_issuer() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, kid) = did_key_kid(&key);
        let keys = DidIssuerKeys::new(dispatcher());
        assert_eq!(
            block_on(keys.issuer_key(&at(&did, None))),
            Err(IssuerKeyError::MissingKid)
        );
        assert!(matches!(
            block_on(keys.issuer_key(&at(&did, Some("key-1")))),
            Err(IssuerKeyError::KidNotDidUrl { .. })
        ));
        assert!(matches!(
            block_on(keys.issuer_key(&at("https://issuer.example", Some(&kid)))),
            Err(IssuerKeyError::NotADid { .. })
        ));
        assert!(matches!(
            block_on(keys.issuer_key(&at(
                "did:web:issuer.example",
                Some("did:web:issuer.example#k")
            ))),
            Err(IssuerKeyError::Unresolvable { .. })
        ));
    }

    fn document_with(relationships: &[RelationshipKind]) -> (DidDocument, PublicKey, String) {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let did = Did::parse("did:example:issuer").unwrap();
        let url = did.with_fragment("key-1").unwrap();
        let mut document = DidDocument::new(did.clone());
        document.add_method(
            VerificationMethod::multikey(url.clone(), did, &key),
            relationships,
        );
        (document, key, url.to_string())
    }

    #[test]
    fn rejects_key_not_in_assertion_method() {
        let (document, _, kid) = document_with(&[RelationshipKind::Authentication]);
        let keys = DidIssuerKeys::new(Arc::new(FixedResolver::live(document)));
        let error = block_on(keys.issuer_key(&at("did:example:issuer", Some(&kid)))).unwrap_err();
        assert!(matches!(error, IssuerKeyError::NotAssertionMethod { .. }));
        assert_eq!(error.code(), ErrorCode::BadSignature);
    }

    #[test]
    fn rejects_deactivated_did() {
        let (document, _, kid) = document_with(&[RelationshipKind::AssertionMethod]);
        let keys = DidIssuerKeys::new(Arc::new(FixedResolver::deactivated(document.clone())));
        assert!(matches!(
            block_on(keys.issuer_key(&at("did:example:issuer", Some(&kid)))),
            Err(IssuerKeyError::Unresolvable { .. })
        ));
        let live = DidIssuerKeys::new(Arc::new(FixedResolver::live(document)));
        assert!(block_on(live.issuer_key(&at("did:example:issuer", Some(&kid)))).is_ok());
    }

    #[test]
    fn cache_stays_within_its_bound() {
        let keys = DidIssuerKeys::with_cache(
            dispatcher(),
            KeyCacheConfig {
                ttl: Duration::from_secs(60),
                max_entries: 3,
            },
        );
        for _ in 0..10 {
            let key = SecretKey::generate(KeyType::Ed25519).public_key();
            let (did, kid) = did_key_kid(&key);
            assert!(block_on(keys.issuer_key(&at(&did, Some(&kid)))).is_ok());
            assert!(keys.cached_keys() <= 3);
        }
        let none = DidIssuerKeys::with_cache(
            dispatcher(),
            KeyCacheConfig {
                ttl: Duration::from_secs(60),
                max_entries: 0,
            },
        );
        let key = SecretKey::generate(KeyType::P256).public_key();
        let (did, kid) = did_key_kid(&key);
        assert_eq!(block_on(none.issuer_key(&at(&did, Some(&kid)))), Ok(key));
        assert_eq!(none.cached_keys(), 0);
    }

    /// A resolver that counts its resolutions.
    struct Counting(Arc<dyn Resolver>, std::sync::atomic::AtomicUsize);

    #[async_trait]
    impl Resolver for Counting {
        async fn resolve(
            &self,
            did: &Did,
            options: &ResolutionOptions,
        ) -> Result<Resolution, ResolutionError> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.0.resolve(did, options).await
        }
    }

    #[test]
    fn cached_key_expires_by_the_verifiers_clock() {
        let counting = Arc::new(Counting(dispatcher(), Default::default()));
        let resolutions = || counting.1.load(std::sync::atomic::Ordering::SeqCst);
        let keys = DidIssuerKeys::with_cache(
            counting.clone(),
            KeyCacheConfig {
                ttl: Duration::from_secs(300),
                max_entries: 16,
            },
        );
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, kid) = did_key_kid(&key);
        let ask = |now| block_on(keys.issuer_key(&IssuerKeyRequest::new(&did, Some(&kid), now)));
        assert_eq!(ask(NOW), Ok(key.clone()));
        assert_eq!(resolutions(), 1);
        // Within the TTL by the request's clock: served from the cache.
        assert_eq!(ask(NOW + 299), Ok(key.clone()));
        assert_eq!(resolutions(), 1);
        // At the TTL by the request's clock (the wall clock has hardly moved): resolved again.
        assert_eq!(ask(NOW + 300), Ok(key));
        assert_eq!(resolutions(), 2);
    }

    #[test]
    fn metadata_keys_answer_only_for_their_issuer() {
        let key = SecretKey::generate(KeyType::P256).public_key();
        let mut jwk = serde_json::to_value(key.to_jwk()).unwrap();
        jwk["kid"] = json!("k1");
        let other = SecretKey::generate(KeyType::Ed25519).public_key();
        let mut enc = serde_json::to_value(other.to_jwk()).unwrap();
        enc["kid"] = json!("k2");
        enc["use"] = json!("enc");
        let metadata = JwtVcIssuerMetadata::from_json(&json!({
            "issuer": "https://issuer.example",
            "jwks": {"keys": [jwk, enc, {"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}
        }))
        .unwrap();
        assert_eq!(metadata.issuer(), "https://issuer.example");
        let found = block_on(metadata.issuer_key(&at("https://issuer.example", Some("k1"))));
        assert_eq!(found, Ok(key.clone()));
        assert_eq!(
            block_on(metadata.issuer_key(&at("https://issuer.example", None))),
            Ok(key)
        );
        assert!(matches!(
            block_on(metadata.issuer_key(&at("https://issuer.example", Some("k2")))),
            Err(IssuerKeyError::UnknownKid { .. })
        ));
        assert!(matches!(
            block_on(metadata.issuer_key(&at("https://issuer.example/", Some("k1")))),
            Err(IssuerKeyError::UnknownIssuer { .. })
        ));
    }

    #[test]
    fn rejects_metadata_without_https_issuer_or_jwks() {
        for metadata in [
            json!({"jwks": {"keys": []}}),
            json!({"issuer": "http://issuer.example", "jwks": {"keys": []}}),
            json!({"issuer": "https://issuer.example?x=1", "jwks": {"keys": []}}),
            json!({"issuer": "https://issuer.example", "jwks_uri": "https://issuer.example/jwks"}),
        ] {
            assert!(
                JwtVcIssuerMetadata::from_json(&metadata).is_err(),
                "{metadata}"
            );
        }
    }
}
