//! Decisions from trust (ITU-T XSTR.trust-metaverse §8.5, "react"): a verifier's minimum level
//! and per-indicator minima, and what to do below them: reject, or ask for a stronger factor
//! when that alone would be enough.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aggregate::{aggregate_under, unmet};
use super::error::TrustConfigError;
use super::evaluation::{Level, TrustEvaluation};
use super::evidence::Binding;
use super::factor::{Factor, FactorScore, Indicator};
use super::measure::asset_safety_rank;
use super::model::TrustModel;
use super::opinion::Opinion;

/// What a verifier requires of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustPolicy {
    /// The least level accepted.
    pub min_level: Level,
    /// The least score of some indicators, beyond what the level asks.
    #[serde(default)]
    pub min_indicators: BTreeMap<Indicator, f64>,
    /// What to do when the evaluation falls short.
    #[serde(default)]
    pub on_shortfall: Shortfall,
}

/// What to do when an evaluation falls short of the policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// Refuse.
    #[default]
    Reject,
    /// Ask for the passkey when the holder proved only the holder key and the passkey would
    /// meet the policy; refuse otherwise.
    StepUp,
}

/// The verifier's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum TrustDecision {
    /// The evaluation meets the policy.
    Accepted,
    /// The evaluation falls short, and proving `ask` would meet the policy.
    StepUp {
        /// What falls short, with the numbers.
        reason: String,
        /// The binding to prove (the holder key and the passkey).
        ask: Binding,
    },
    /// The evaluation falls short.
    Rejected {
        /// What falls short, with the numbers.
        reason: String,
    },
}

impl TrustPolicy {
    /// A policy that accepts `min_level` or better and rejects the rest.
    pub fn new(min_level: Level) -> Self {
        TrustPolicy {
            min_level,
            min_indicators: BTreeMap::new(),
            on_shortfall: Shortfall::Reject,
        }
    }

    /// Checks that every per-indicator minimum is a number in [0, 1].
    pub fn validate(&self) -> Result<(), TrustConfigError> {
        for (indicator, value) in &self.min_indicators {
            if !(0.0..=1.0).contains(value) {
                return Err(TrustConfigError::OutOfUnitRange {
                    name: indicator.name(),
                    value: *value,
                });
            }
        }
        Ok(())
    }

    /// What of this policy `evaluation` (made under `model`) does not meet, in words with the
    /// numbers; empty when it meets all.
    pub fn shortfalls(&self, model: &TrustModel, evaluation: &TrustEvaluation) -> Vec<String> {
        let config = model.config();
        let mut shortfalls = Vec::new();
        if evaluation.level < self.min_level {
            let rule = match self.min_level {
                Level::None | Level::Low => &config.levels.low,
                Level::Substantial => &config.levels.substantial,
                Level::High => &config.levels.high,
            };
            shortfalls.push(format!(
                "level {} is below {} ({})",
                evaluation.level,
                self.min_level,
                unmet(config, rule, evaluation).join(", ")
            ));
        }
        for (indicator, min) in &self.min_indicators {
            // A missing or NaN score falls short: it was not shown to meet the minimum.
            let score = evaluation
                .indicator(*indicator)
                .map_or(f64::NAN, |e| e.score);
            if score.partial_cmp(min).is_none_or(std::cmp::Ordering::is_lt) {
                shortfalls.push(format!("{indicator} {score:.3} < required {min:.3}"));
            }
        }
        shortfalls
    }

    /// The decision on `evaluation`, made under `model`, for a presentation that proved
    /// `binding`. Step-up is offered only when the policy says so, the holder proved the
    /// holder key alone, and the same evaluation with the passkey proved would meet the policy:
    /// a passkey is never asked for when it cannot help.
    pub fn decide(
        &self,
        model: &TrustModel,
        evaluation: &TrustEvaluation,
        binding: Binding,
    ) -> TrustDecision {
        let shortfalls = self.shortfalls(model, evaluation);
        if shortfalls.is_empty() {
            return TrustDecision::Accepted;
        }
        let reason = shortfalls.join("; ");
        let same_config = evaluation.config_digest == model.config_digest();
        if self.on_shortfall == Shortfall::StepUp
            && binding == Binding::HolderKey
            && same_config
            && self
                .shortfalls(model, &with_passkey(model, evaluation))
                .is_empty()
        {
            return TrustDecision::StepUp {
                reason: format!("{reason}; proving the passkey would meet the policy"),
                ask: Binding::HolderKeyAndPasskey,
            };
        }
        TrustDecision::Rejected { reason }
    }
}

/// `evaluation` as it would be had the holder also proved the passkey: asset_safety at the
/// passkey's rank, everything else unchanged.
fn with_passkey(model: &TrustModel, evaluation: &TrustEvaluation) -> TrustEvaluation {
    let mut factors: BTreeMap<Factor, FactorScore> = evaluation
        .indicators
        .values()
        .flat_map(|i| i.factors.iter().map(|(f, s)| (*f, s.clone())))
        .collect();
    factors.insert(
        Factor::AssetSafety,
        FactorScore::new(
            Opinion::dogmatic(asset_safety_rank(Binding::HolderKeyAndPasskey)),
            "with the passkey",
        ),
    );
    aggregate_under(
        model.config(),
        model.config_digest().to_owned(),
        evaluation.scope,
        evaluation.evaluated_at,
        factors,
    )
}
