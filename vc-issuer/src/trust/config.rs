//! The model's configuration: weights, level rules, priors, horizons and bounds, with
//! documented defaults, validation into typed errors, and the digest that audit lines quote.
//!
//! No standard fixes these numbers (ITU-T Y.3057 leaves the arithmetic out of scope), so each
//! default says why it was chosen; `docs/trust.md` gathers them with a weight-sensitivity run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::TrustConfigError;
use super::factor::{Factor, Indicator};
use super::history::HistoryLimits;
use super::opinion::DEFAULT_PRIOR_WEIGHT;

/// The version of the model's arithmetic, quoted in every evaluation: a change of any formula
/// changes it, so that stored evaluations say which arithmetic made them.
pub const MODEL_VERSION: &str = "avid-trust/1";

/// The largest `max_events_per_issuer` a configuration may ask for.
pub const MAX_EVENTS_PER_ISSUER: usize = 65_536;

/// The largest `max_issuers` a configuration may ask for.
pub const MAX_ISSUERS: usize = 1_048_576;

const DAY: f64 = 86_400.0;

/// The model's configuration. As JSON every member is optional (a missing one takes its
/// default) and unknown members are refused; a weight map that is given must be complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustConfig {
    /// The weight of each factor within its indicator (≥ 0; 0 leaves a factor out). Default
    /// 1 each: equal weights, the OECD/JRC handbook's default when no weighting is justified
    /// by data (the sensitivity run in `docs/trust.md` shows how much they matter).
    pub factor_weights: BTreeMap<Factor, f64>,
    /// The weight of each indicator in the index (≥ 0). Default 1 each, for the same reason.
    pub indicator_weights: BTreeMap<Indicator, f64>,
    /// What each level asks of an evaluation.
    pub levels: LevelRules,
    /// The prior weight `W` of the beta opinions from history. Default 2 (a uniform prior).
    pub prior_weight: f64,
    /// The base rate of a factor without evidence. Default ½: ignorance, neither good nor bad.
    pub base_rate: f64,
    /// The base rate of a check the verifier could not make (trust list not configured or
    /// unavailable, status not checked, no profile check): default 0.1, low, so that what was
    /// not checked never scores like what was (DESIGN: fail closed).
    pub unchecked_base_rate: f64,
    /// The half-life of history events, in seconds: an event's weight halves with each.
    /// Default 30 days: last week's outage still weighs 85 %, last quarter's 12.5 %.
    pub half_life_secs: f64,
    /// The latency a resolution of the issuer's DID must stay within to count for qos, in
    /// milliseconds. Default 1,000: the limit for a user's flow of thought (Nielsen), which a
    /// login waiting on the resolution must not break.
    pub resolution_target_ms: f64,
    /// The budget of one verification, in milliseconds, for resource. Default 100: the limit
    /// for an answer to feel instantaneous (Nielsen), a hundred times the few signature checks
    /// a verification needs.
    pub verification_budget_ms: f64,
    /// The horizon of maturity, in seconds: an issuer known this long has maturity belief ½.
    /// Default 90 days, a quarter: long enough to have seen key rotations and outages.
    pub maturity_horizon_secs: f64,
    /// The `ttl` assumed for a status list that states none, in seconds. Default 3,600: the
    /// status client's cache time for such lists.
    pub default_status_ttl_secs: f64,
    /// The horizon of a credential without `exp`, in seconds: at this age its timeliness is ½.
    /// Default 365 days.
    pub credential_horizon_secs: f64,
    /// The bounds of the in-memory history.
    pub history: HistoryLimits,
}

/// What each level asks: a level holds when every one of its conditions does, and a level
/// is only reached through the ones below it (they must be nested).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRules {
    /// Level `low`.
    pub low: LevelRule,
    /// Level `substantial`.
    pub substantial: LevelRule,
    /// Level `high`.
    pub high: LevelRule,
}

/// The conditions of one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// The least index.
    pub min_index: f64,
    /// The least score of every indicator that has weight (a weakness no strength elsewhere
    /// buys back).
    pub min_indicator: f64,
    /// The most overall uncertainty: a level is not granted on missing evidence.
    pub max_uncertainty: f64,
}

impl Default for LevelRules {
    /// `low` asks for some evidence of a working issuer, `substantial` for what a first
    /// verification of a well-run issuer reaches without history (about 0.7 with uncertainty
    /// about ⅓), `high` for what only a history of good service gives (uncertainty ≤ 0.2).
    fn default() -> Self {
        LevelRules {
            low: LevelRule {
                min_index: 0.3,
                min_indicator: 0.1,
                max_uncertainty: 0.8,
            },
            substantial: LevelRule {
                min_index: 0.6,
                min_indicator: 0.3,
                max_uncertainty: 0.5,
            },
            high: LevelRule {
                min_index: 0.8,
                min_indicator: 0.6,
                max_uncertainty: 0.2,
            },
        }
    }
}

impl Default for TrustConfig {
    fn default() -> Self {
        TrustConfig {
            factor_weights: Factor::ALL.into_iter().map(|f| (f, 1.0)).collect(),
            indicator_weights: Indicator::ALL.into_iter().map(|i| (i, 1.0)).collect(),
            levels: LevelRules::default(),
            prior_weight: DEFAULT_PRIOR_WEIGHT,
            base_rate: 0.5,
            unchecked_base_rate: 0.1,
            half_life_secs: 30.0 * DAY,
            resolution_target_ms: 1_000.0,
            verification_budget_ms: 100.0,
            maturity_horizon_secs: 90.0 * DAY,
            default_status_ttl_secs: 3_600.0,
            credential_horizon_secs: 365.0 * DAY,
            history: HistoryLimits::default(),
        }
    }
}

impl TrustConfig {
    /// Reads and validates a configuration from JSON.
    pub fn from_json(text: &str) -> Result<Self, TrustConfigError> {
        let config: TrustConfig =
            serde_json::from_str(text).map_err(|e| TrustConfigError::Json(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every setting: weights finite and ≥ 0 and not all 0 within an indicator or
    /// across indicators, thresholds and base rates in [0, 1], levels nested, durations,
    /// targets and the prior weight positive and finite, bounds within their maxima.
    pub fn validate(&self) -> Result<(), TrustConfigError> {
        for factor in Factor::ALL {
            check_weight(factor.name(), self.factor_weights.get(&factor))?;
        }
        for indicator in Indicator::ALL {
            check_weight(indicator.name(), self.indicator_weights.get(&indicator))?;
            if indicator.factors().all(|f| self.factor_weight(f) == 0.0) {
                return Err(TrustConfigError::IndicatorWithoutWeight(indicator));
            }
        }
        if Indicator::ALL
            .into_iter()
            .all(|i| self.indicator_weight(i) == 0.0)
        {
            return Err(TrustConfigError::IndexWithoutWeight);
        }
        self.levels.validate()?;
        check_unit("base_rate", self.base_rate)?;
        check_unit("unchecked_base_rate", self.unchecked_base_rate)?;
        for (name, value) in [
            ("prior_weight", self.prior_weight),
            ("half_life_secs", self.half_life_secs),
            ("resolution_target_ms", self.resolution_target_ms),
            ("verification_budget_ms", self.verification_budget_ms),
            ("maturity_horizon_secs", self.maturity_horizon_secs),
            ("default_status_ttl_secs", self.default_status_ttl_secs),
            ("credential_horizon_secs", self.credential_horizon_secs),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(TrustConfigError::NotPositive { name, value });
            }
        }
        for (name, value, max) in [
            (
                "history.max_events_per_issuer",
                self.history.max_events_per_issuer,
                MAX_EVENTS_PER_ISSUER,
            ),
            ("history.max_issuers", self.history.max_issuers, MAX_ISSUERS),
        ] {
            if value == 0 || value > max {
                return Err(TrustConfigError::BadBound { name, value, max });
            }
        }
        Ok(())
    }

    /// The weight of `factor` within its indicator (0 if the map lacks it).
    pub fn factor_weight(&self, factor: Factor) -> f64 {
        self.factor_weights.get(&factor).copied().unwrap_or(0.0)
    }

    /// The weight of `indicator` in the index (0 if the map lacks it).
    pub fn indicator_weight(&self, indicator: Indicator) -> f64 {
        self.indicator_weights
            .get(&indicator)
            .copied()
            .unwrap_or(0.0)
    }

    /// The digest quoted in every evaluation: SHA-256 of the configuration's JCS encoding
    /// (RFC 8785), base64url without padding. Two configurations with the same digest give
    /// the same evaluations.
    pub fn digest(&self) -> String {
        // A struct of numbers and maps with string keys always has a JCS encoding.
        let canonical = serde_jcs::to_vec(self).unwrap_or_default();
        did_core::base64url::encode(&Sha256::digest(canonical))
    }
}

impl LevelRules {
    /// The rules from laxest to strictest, with the names of their levels.
    pub fn in_order(&self) -> [(&'static str, &LevelRule); 3] {
        [
            ("low", &self.low),
            ("substantial", &self.substantial),
            ("high", &self.high),
        ]
    }

    fn validate(&self) -> Result<(), TrustConfigError> {
        for (name, rule) in self.in_order() {
            for (what, value) in [
                ("min_index", rule.min_index),
                ("min_indicator", rule.min_indicator),
                ("max_uncertainty", rule.max_uncertainty),
            ] {
                if !(0.0..=1.0).contains(&value) {
                    return Err(TrustConfigError::LevelOutOfRange {
                        level: name,
                        what,
                        value,
                    });
                }
            }
        }
        let order = self.in_order();
        for pair in order.windows(2) {
            let ((laxer, lax), (stricter, strict)) = (pair[0], pair[1]);
            let out_of_order = [
                ("min_index", strict.min_index < lax.min_index),
                ("min_indicator", strict.min_indicator < lax.min_indicator),
                (
                    "max_uncertainty",
                    strict.max_uncertainty > lax.max_uncertainty,
                ),
            ];
            if let Some((what, _)) = out_of_order.into_iter().find(|(_, bad)| *bad) {
                return Err(TrustConfigError::LevelsNotNested {
                    stricter,
                    laxer,
                    what,
                });
            }
        }
        Ok(())
    }
}

fn check_weight(name: &'static str, weight: Option<&f64>) -> Result<(), TrustConfigError> {
    match weight {
        None => Err(TrustConfigError::MissingWeight { name }),
        Some(&value) if !(value.is_finite() && value >= 0.0) => {
            Err(TrustConfigError::BadWeight { name, value })
        }
        Some(_) => Ok(()),
    }
}

fn check_unit(name: &'static str, value: f64) -> Result<(), TrustConfigError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(TrustConfigError::OutOfUnitRange { name, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips() {
        let config = TrustConfig::default();
        config.validate().unwrap();
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(TrustConfig::from_json(&json).unwrap(), config);
        assert_eq!(TrustConfig::from_json("{}").unwrap(), config);
    }

    #[test]
    fn digest_changes_with_any_setting() {
        let config = TrustConfig::default();
        let mut other = config.clone();
        other.factor_weights.insert(Factor::Privacy, 2.0);
        assert_ne!(config.digest(), other.digest());
        assert_eq!(config.digest(), TrustConfig::default().digest());
        assert_eq!(config.digest().len(), 43, "SHA-256 in unpadded base64url");
    }

    #[test]
    fn rejects_bad_weights() {
        let bad = r#"{"indicator_weights": {"accuracy": -1, "stability": 1, "controllability": 1,
            "resilience": 1, "adaptability": 1, "security": 1}}"#;
        assert!(matches!(
            TrustConfig::from_json(bad),
            Err(TrustConfigError::BadWeight {
                name: "accuracy",
                ..
            })
        ));
        let partial = r#"{"indicator_weights": {"accuracy": 1}}"#;
        assert!(matches!(
            TrustConfig::from_json(partial),
            Err(TrustConfigError::MissingWeight { name: "stability" })
        ));
        let mut config = TrustConfig::default();
        config.factor_weights.insert(Factor::Privacy, 0.0);
        config.factor_weights.insert(Factor::AssetSafety, 0.0);
        assert_eq!(
            config.validate(),
            Err(TrustConfigError::IndicatorWithoutWeight(
                Indicator::Security
            ))
        );
        let mut config = TrustConfig::default();
        config.indicator_weights.values_mut().for_each(|w| *w = 0.0);
        assert_eq!(config.validate(), Err(TrustConfigError::IndexWithoutWeight));
        let mut config = TrustConfig::default();
        config.factor_weights.insert(Factor::Qos, f64::NAN);
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::BadWeight { name: "qos", .. })
        ));
    }

    #[test]
    fn rejects_thresholds_outside_the_unit_interval_and_unnested_levels() {
        let mut config = TrustConfig::default();
        config.levels.high.min_index = 1.5;
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::LevelOutOfRange {
                level: "high",
                what: "min_index",
                ..
            })
        ));
        let mut config = TrustConfig::default();
        config.levels.high.max_uncertainty = 0.9;
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::LevelsNotNested {
                stricter: "high",
                laxer: "substantial",
                what: "max_uncertainty"
            })
        ));
        let config = TrustConfig {
            unchecked_base_rate: f64::NAN,
            ..TrustConfig::default()
        };
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::OutOfUnitRange { .. })
        ));
    }

    #[test]
    fn rejects_non_positive_durations_and_unbounded_history() {
        let mut config = TrustConfig {
            half_life_secs: 0.0,
            ..TrustConfig::default()
        };
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::NotPositive {
                name: "half_life_secs",
                ..
            })
        ));
        config.half_life_secs = f64::INFINITY;
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::NotPositive { .. })
        ));
        let mut config = TrustConfig::default();
        config.history.max_issuers = MAX_ISSUERS + 1;
        assert!(matches!(
            config.validate(),
            Err(TrustConfigError::BadBound { .. })
        ));
        assert!(matches!(
            TrustConfig::from_json(r#"{"surprise": 1}"#),
            Err(TrustConfigError::Json(_))
        ));
        assert!(matches!(
            TrustConfig::from_json(r#"{"half_life_secs": -5}"#),
            Err(TrustConfigError::NotPositive { .. })
        ));
    }
}
