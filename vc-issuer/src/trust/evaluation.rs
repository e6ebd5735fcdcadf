//! The result of an evaluation: the level, the index, the uncertainty, the per-indicator
//! vector with every factor's score and evidence, and the audit members (model version,
//! configuration digest, time). Serializes to the shape of issue 11, and reads back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::evidence::EvaluationScope;
use super::factor::{Factor, FactorScore, Indicator};

/// A level of trust, from none to high. Each is granted only if the index passes its
/// threshold, every indicator its floor and the uncertainty stays under its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not even `low` holds.
    None,
    /// Some evidence of a working issuer.
    Low,
    /// A well-run issuer, on the evidence of this verification.
    Substantial,
    /// A well-run issuer with a history of good service.
    High,
}

impl Level {
    /// The snake_case name used in JSON and in reasons.
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Substantial => "substantial",
            Level::High => "high",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A measured level of trust in the issuer of one verified credential (ITU-T
/// XSTR.trust-metaverse §8.6): always the whole per-indicator vector beside the level, since
/// one scale alone breeds misreadings (RFC 8485 §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustEvaluation {
    /// The highest level whose rule holds.
    pub level: Level,
    /// The weighted geometric mean of the indicators, in [0, 1].
    pub index: f64,
    /// The weighted mean of the factors' uncertainty, in [0, 1].
    pub uncertainty: f64,
    /// The version of the arithmetic ([`MODEL_VERSION`](super::config::MODEL_VERSION)).
    pub model: String,
    /// The digest of the configuration it ran with ([`TrustConfig::digest`](super::config::TrustConfig::digest)).
    pub config_digest: String,
    /// The `now` it was computed at (Unix seconds).
    pub evaluated_at: i64,
    /// Each indicator, with its factors.
    pub indicators: BTreeMap<Indicator, IndicatorEvaluation>,
    /// What was evaluated: a credential's issuer (the default, left out of JSON) or the
    /// issuer alone, whose credential factors were not measured and do not count.
    #[serde(default, skip_serializing_if = "EvaluationScope::is_credential")]
    pub scope: EvaluationScope,
}

/// One indicator: the weighted geometric mean of its factors' scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorEvaluation {
    /// The indicator's score in [0, 1].
    pub score: f64,
    /// The weighted mean of its factors' uncertainty.
    pub uncertainty: f64,
    /// Its factors.
    pub factors: BTreeMap<Factor, FactorScore>,
}

impl TrustEvaluation {
    /// The `n` weakest indicators, lowest score first (ties in Table 1 order): what a login
    /// page or the CLI shows beside the level.
    pub fn weakest(&self, n: usize) -> Vec<(Indicator, f64)> {
        let mut all: Vec<(Indicator, f64)> = self
            .indicators
            .iter()
            .map(|(indicator, e)| (*indicator, e.score))
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// The score of one indicator, if evaluated.
    pub fn indicator(&self, indicator: Indicator) -> Option<&IndicatorEvaluation> {
        self.indicators.get(&indicator)
    }

    /// The measurement of one factor, if evaluated.
    pub fn factor(&self, factor: Factor) -> Option<&FactorScore> {
        self.indicators
            .get(&factor.indicator())?
            .factors
            .get(&factor)
    }
}
