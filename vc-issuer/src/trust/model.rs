//! The model itself: a validated configuration that turns one verification's evidence and the
//! issuer's history into an evaluation.

use super::aggregate::aggregate_under;
use super::config::TrustConfig;
use super::error::{TrustConfigError, TrustError};
use super::evaluation::TrustEvaluation;
use super::evidence::TrustEvidence;
use super::history::IssuerHistory;
use super::measure::measure_all;

/// The computational-trust model under one configuration. Pure: no I/O and no clock; the
/// evidence's `now` is the only time it knows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustModel {
    config: TrustConfig,
    /// [`TrustConfig::digest`], computed once.
    digest: String,
}

impl Default for TrustModel {
    /// The model under [`TrustConfig::default`].
    fn default() -> Self {
        let config = TrustConfig::default();
        TrustModel {
            digest: config.digest(),
            config,
        }
    }
}

impl TrustModel {
    /// The model under `config`, once it validates.
    pub fn new(config: TrustConfig) -> Result<Self, TrustConfigError> {
        config.validate()?;
        Ok(TrustModel {
            digest: config.digest(),
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TrustConfig {
        &self.config
    }

    /// The configuration's digest ([`TrustConfig::digest`]), as every evaluation names it.
    pub fn config_digest(&self) -> &str {
        &self.digest
    }

    /// Evaluates the issuer of one verification: every factor measured from `evidence` and
    /// `history` (which must be the same issuer's), aggregated into indicators, index,
    /// uncertainty and level.
    ///
    /// History-based factors read `history` as given: record the resolution made for this
    /// verification before evaluating, so that it counts, and the verification's own outcome
    /// after, since that outcome is what the evaluation informs.
    pub fn evaluate(
        &self,
        evidence: &TrustEvidence,
        history: &IssuerHistory,
    ) -> Result<TrustEvaluation, TrustError> {
        if history.issuer() != evidence.issuer {
            return Err(TrustError::history_of_another_issuer(
                &evidence.issuer,
                history.issuer(),
            ));
        }
        let factors = measure_all(&self.config, evidence, history);
        Ok(aggregate_under(
            &self.config,
            self.digest.clone(),
            evidence.scope,
            evidence.now,
            factors,
        ))
    }
}
