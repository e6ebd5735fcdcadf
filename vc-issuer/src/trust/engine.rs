//! The trust of a running verifier: the model it evaluates with (replaceable while it runs,
//! ITU-T XSTR.trust-metaverse §8.5 "reconfigure"), the store of its history of each issuer
//! ([`TrustHistoryStore`]: in memory here, a database in `avid-resolver`), and the probe of an
//! issuer's DID that both a verification and an on-demand evaluation start from.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use async_trait::async_trait;
use did_core::did::Did;
use did_core::resolution::{Resolution, ResolutionOptions, Resolver, Served};
use sha2::{Digest, Sha256};

use super::{
    IssuerHistory, ResolutionEvidence, ResolutionSource, TrustError, TrustEvaluation, TrustEvent,
    TrustEvidence, TrustHistory, TrustModel,
};

/// Where a verifier keeps the raw events of its history of issuers.
#[async_trait]
pub trait TrustHistoryStore: Send + Sync {
    /// Keeps `event`.
    async fn record(&self, event: TrustEvent) -> Result<(), TrustError>;
    /// The events kept of `issuer`, oldest first.
    async fn history(&self, issuer: &str) -> Result<IssuerHistory, TrustError>;

    /// `model`'s evaluation of `evidence` against the history of its issuer. A store that
    /// holds the history in memory evaluates it in place; the others read it first.
    async fn evaluate(
        &self,
        model: &TrustModel,
        evidence: &TrustEvidence,
    ) -> Result<TrustEvaluation, TrustError> {
        model.evaluate(evidence, &self.history(&evidence.issuer).await?)
    }
}

/// The history in memory, bounded ([`TrustHistory`]): one process, lost at exit.
#[derive(Debug)]
pub struct MemoryTrustHistory(Mutex<TrustHistory>);

impl MemoryTrustHistory {
    /// An empty history within `limits`.
    pub fn new(limits: super::HistoryLimits) -> Self {
        MemoryTrustHistory(Mutex::new(TrustHistory::new(limits)))
    }
}

#[async_trait]
impl TrustHistoryStore for MemoryTrustHistory {
    async fn record(&self, event: TrustEvent) -> Result<(), TrustError> {
        // A panic elsewhere cannot leave the history worse than losing an event.
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(event)
    }

    async fn history(&self, issuer: &str) -> Result<IssuerHistory, TrustError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .history(issuer))
    }

    async fn evaluate(
        &self,
        model: &TrustModel,
        evidence: &TrustEvidence,
    ) -> Result<TrustEvaluation, TrustError> {
        let store = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match store.get(&evidence.issuer) {
            Some(history) => model.evaluate(evidence, history),
            None => model.evaluate(evidence, &IssuerHistory::empty(evidence.issuer.as_str())),
        }
    }
}

/// A verifier's trust: its model and its history.
pub struct TrustEngine {
    model: RwLock<Arc<TrustModel>>,
    history: Arc<dyn TrustHistoryStore>,
}

impl std::fmt::Debug for TrustEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustEngine")
            .field("config_digest", &self.model().config_digest())
            .finish_non_exhaustive()
    }
}

impl TrustEngine {
    /// Evaluates with `model`, keeping history in `history`.
    pub fn new(model: TrustModel, history: Arc<dyn TrustHistoryStore>) -> Self {
        TrustEngine {
            model: RwLock::new(Arc::new(model)),
            history,
        }
    }

    /// Evaluates with `model`, keeping history in memory within the model's limits.
    pub fn in_memory(model: TrustModel) -> Self {
        let history = Arc::new(MemoryTrustHistory::new(model.config().history));
        Self::new(model, history)
    }

    /// The model evaluations use now.
    pub fn model(&self) -> Arc<TrustModel> {
        Arc::clone(&self.model.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Evaluates with `model` from now on (§8.5 "reconfigure"); the history stays.
    pub fn reconfigure(&self, model: TrustModel) {
        *self.model.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(model);
    }

    /// The store of the history.
    pub fn history(&self) -> &Arc<dyn TrustHistoryStore> {
        &self.history
    }

    /// Keeps `event` in the history.
    pub async fn record(&self, event: TrustEvent) -> Result<(), TrustError> {
        self.history.record(event).await
    }

    /// Evaluates `evidence` against the history of its issuer.
    pub async fn evaluate(&self, evidence: &TrustEvidence) -> Result<TrustEvaluation, TrustError> {
        self.history.evaluate(&self.model(), evidence).await
    }

    /// Resolves `issuer` through `resolver` ([`probe_issuer`]) and keeps what the resolution
    /// taught about the issuer's source.
    pub async fn probe(
        &self,
        resolver: &dyn Resolver,
        issuer: &Did,
        now: i64,
    ) -> Result<IssuerProbe, TrustError> {
        let probe = probe_issuer(resolver, issuer, now).await;
        if let Some(event) = &probe.event {
            self.record(event.clone()).await?;
        }
        Ok(probe)
    }
}

/// What one resolution of an issuer's DID says about the issuer.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerProbe {
    /// Where the document came from and how long it took: the evidence of this verification.
    pub resolution: ResolutionEvidence,
    /// Whether the issuer's DID method lets it rotate keys in place.
    pub updatable: Option<bool>,
    /// The event the history keeps: a resolution from the source, or its failure. A fresh
    /// cache answer teaches nothing new about the source and is no event.
    pub event: Option<TrustEvent>,
}

/// A digest of the verification methods' ids and keys, in document order: a change of key,
/// of key id or of their number changes it. Computed only for a resolution from the source
/// (decoding every key is most of a cached probe's cost otherwise).
fn key_digest(resolution: &Resolution) -> String {
    let mut hash = Sha256::new();
    for method in &resolution.document.verification_method {
        hash.update(method.id.as_str().as_bytes());
        hash.update([0]);
        if let Ok(key) = method.public_key() {
            hash.update(key.to_bytes());
        }
        hash.update([0]);
    }
    did_core::base64url::encode(&hash.finalize())
}

/// Resolves `issuer` through `resolver`, timing it and noting where the answer came from.
pub async fn probe_issuer(resolver: &dyn Resolver, issuer: &Did, now: i64) -> IssuerProbe {
    let started = Instant::now();
    let (result, served) = resolver
        .resolve_served(issuer, &ResolutionOptions::default())
        .await;
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    let source = match (&result, served) {
        (Err(_), _) => ResolutionSource::Failed,
        (Ok(_), Served::Origin) => ResolutionSource::Network,
        (Ok(_), Served::Fresh) => ResolutionSource::FreshCache,
        (Ok(_), Served::Stale { stale_for, window }) => ResolutionSource::StaleCache {
            stale_for,
            stale_window: window,
        },
    };
    let issuer_text = issuer.as_str();
    let event = match served {
        Served::Origin => Some(TrustEvent::resolution(
            issuer_text,
            now,
            result.is_ok(),
            Some(latency_ms),
            result
                .as_ref()
                .ok()
                .map(|resolution| key_digest(resolution)),
        )),
        // Served stale because the source failed just now.
        Served::Stale { .. } => Some(TrustEvent::resolution(
            issuer_text,
            now,
            false,
            Some(latency_ms),
            None,
        )),
        Served::Fresh => None,
    };
    let updatable = if did_core::method::is_derived(issuer.method()) {
        Some(false)
    } else if issuer.method() == "web" {
        // did:web: the document at the domain can be replaced (did:web §"Update").
        Some(true)
    } else {
        None
    };
    IssuerProbe {
        resolution: ResolutionEvidence {
            source,
            latency_ms: matches!(served, Served::Origin).then_some(latency_ms),
        },
        updatable,
        event,
    }
}

#[cfg(test)]
mod tests {
    use did_core::key::{KeyType, SecretKey};
    use did_core::method::DID_KEY;
    use did_core::method::key::did_key;
    use did_core::resolution::cache::{CacheConfig, CachingResolver};

    use super::*;
    use crate::trust::{TrustConfig, TrustEventKind};

    fn issuer() -> Did {
        did_key(&SecretKey::generate(KeyType::Ed25519).public_key())
    }

    #[tokio::test]
    async fn a_resolution_from_the_source_is_an_event_a_fresh_cache_answer_is_not() {
        let resolver = CachingResolver::new(DID_KEY, CacheConfig::default());
        let engine = TrustEngine::in_memory(TrustModel::default());
        let did = issuer();
        let first = engine.probe(&resolver, &did, 1_000).await.unwrap();
        assert_eq!(first.resolution.source, ResolutionSource::Network);
        assert!(first.resolution.latency_ms.is_some());
        assert_eq!(first.updatable, Some(false), "did:key cannot rotate");
        let second = engine.probe(&resolver, &did, 1_001).await.unwrap();
        assert_eq!(second.resolution.source, ResolutionSource::FreshCache);
        assert!(second.event.is_none());

        let history = engine.history().history(did.as_str()).await.unwrap();
        assert_eq!(history.events().len(), 1);
        let TrustEventKind::Resolution { ok, key_digest, .. } = &history.events()[0].kind else {
            panic!("a resolution event");
        };
        assert!(ok);
        assert_eq!(key_digest.as_ref().map(String::len), Some(43), "SHA-256");
    }

    #[tokio::test]
    async fn a_failed_resolution_is_a_failure_event() {
        // did:web is not among the methods this resolver knows: the resolution fails.
        let did = Did::parse("did:web:issuer.example").unwrap();
        let probe = probe_issuer(&DID_KEY, &did, 5).await;
        assert_eq!(probe.resolution.source, ResolutionSource::Failed);
        assert_eq!(probe.updatable, Some(true));
        assert!(matches!(
            probe.event.map(|event| event.kind),
            Some(TrustEventKind::Resolution {
                ok: false,
                key_digest: None,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn a_reconfigured_engine_evaluates_with_the_new_model() {
        let engine = TrustEngine::in_memory(TrustModel::default());
        let evidence = TrustEvidence::new(1_000, "did:example:issuer");
        let before = engine.evaluate(&evidence).await.unwrap();
        let mut config = TrustConfig::default();
        config.prior_weight *= 2.0;
        engine.reconfigure(TrustModel::new(config).unwrap());
        let after = engine.evaluate(&evidence).await.unwrap();
        assert_ne!(before.config_digest, after.config_digest);
    }
}
