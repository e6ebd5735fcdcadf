//! Computational trust (ITU-T XSTR.trust-metaverse §8.5–8.6): the measured trust a verifier
//! places in a credential's issuer, from the evidence of one verification and the verifier's
//! history of that issuer, with the decision a policy draws from it.
//!
//! Every factor of clause 8.6.1 Table 1 is a subjective-logic [`Opinion`] built from evidence
//! (its score is the opinion's expected value, and no evidence is full uncertainty, never a
//! confident 0 or 1); indicators and the index are weighted geometric means, so a weakness is
//! not bought back elsewhere; a [`Level`] holds only if the index, every indicator and the
//! uncertainty pass its rule. Each evaluation names the model version, the configuration's
//! digest and, per factor, the evidence it was measured from. `docs/trust.md` states every
//! formula and default.
//!
//! The model is pure: [`TrustModel::evaluate`] takes the [`TrustEvidence`] the verifier saw,
//! the [`IssuerHistory`] it kept (raw events, recomputed with the evidence's `now`) and gives a
//! [`TrustEvaluation`]; a [`TrustPolicy`] turns that into a [`TrustDecision`].
//!
//! ```
//! use vc_issuer::trust::{
//!     Binding, DisclosureEvidence, Factor, Indicator, Level, ResolutionSource, Shortfall,
//!     StatusEvidence, TrustDecision, TrustEvent, TrustEvidence, TrustHistory, TrustModel,
//!     TrustPolicy,
//! };
//!
//! let now = 1_750_000_000;
//! let issuer = "did:web:issuer.example";
//! let model = TrustModel::default();
//!
//! // What the verifier remembers of the issuer: a month of quick, successful resolutions.
//! let mut history = TrustHistory::new(model.config().history);
//! for day in 1..=30 {
//!     let at = now - day * 86_400;
//!     history.record(TrustEvent::resolution(issuer, at, true, Some(40.0), Some("k1".into())))?;
//!     history.record(TrustEvent::verification(issuer, at, true, vec![]))?;
//! }
//!
//! // What this verification saw: a fresh credential and status list, the holder key only.
//! let mut evidence = TrustEvidence::new(now, issuer);
//! evidence.credential_issued_at = Some(now - 86_400);
//! evidence.credential_expires_at = Some(now + 364 * 86_400);
//! evidence.status = StatusEvidence::Checked {
//!     token_issued_at: Some(now - 600),
//!     fetched_at: now - 60,
//!     ttl: Some(3_600),
//!     exp: None,
//!     suspendable: true,
//! };
//! evidence.issuer_resolution.source = ResolutionSource::Network;
//! evidence.binding = Binding::HolderKey;
//! evidence.disclosure = Some(DisclosureEvidence {
//!     requested: ["age_over_18".to_owned()].into(),
//!     disclosed: ["age_over_18".to_owned()].into(),
//!     selectively_disclosable: 8,
//!     always_visible: 0,
//! });
//!
//! let evaluation = model.evaluate(&evidence, &history.history(issuer))?;
//! assert!(evaluation.level >= Level::Low);
//! let asset_safety = evaluation.factor(Factor::AssetSafety).unwrap();
//! assert!((asset_safety.score() - 1.0 / 3.0).abs() < 1e-12);
//! println!("{} ({:.2}), weakest: {:?}", evaluation.level, evaluation.index, evaluation.weakest(2));
//!
//! // A world that wants strong security asks for the passkey rather than refusing.
//! let mut policy = TrustPolicy::new(Level::Low);
//! policy.min_indicators.insert(Indicator::Security, 0.7);
//! policy.on_shortfall = Shortfall::StepUp;
//! let decision = policy.decide(&model, &evaluation, evidence.binding);
//! assert!(matches!(decision, TrustDecision::StepUp { ask: Binding::HolderKeyAndPasskey, .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggregate;
mod config;
mod engine;
mod error;
mod evaluation;
mod evidence;
mod factor;
mod history;
mod issuer;
mod measure;
mod model;
mod opinion;
mod policy;

pub use aggregate::{aggregate, aggregate_in, level, unmet};
pub use config::{
    LevelRule, LevelRules, MAX_EVENTS_PER_ISSUER, MAX_ISSUERS, MODEL_VERSION, TrustConfig,
};
pub use engine::{IssuerProbe, MemoryTrustHistory, TrustEngine, TrustHistoryStore, probe_issuer};
pub use error::{TrustConfigError, TrustError};
pub use evaluation::{IndicatorEvaluation, Level, TrustEvaluation};
pub use evidence::{
    Binding, CREDENTIAL_FACTORS, DisclosureEvidence, EvaluationScope, ProfileEvidence,
    ResolutionEvidence, ResolutionSource, StatusEvidence, TrustEvidence, TrustListEvidence,
};
pub use factor::{Factor, FactorScore, Indicator, InvalidFactorScore};
pub use history::{
    HistoryLimits, IssuerHistory, MAX_ERROR_CODES, MAX_EVENT_TEXT, TrustEvent, TrustEventKind,
    TrustHistory,
};
pub use measure::ISSUER_FAULTS;
pub use model::TrustModel;
pub use opinion::{DEFAULT_PRIOR_WEIGHT, InvalidOpinion, Opinion};
pub use policy::{Shortfall, TrustDecision, TrustPolicy};
