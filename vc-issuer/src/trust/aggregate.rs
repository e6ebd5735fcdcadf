//! From factor scores to indicators, index, uncertainty and level: weighted geometric means,
//! so that strength in one place cannot buy back a weakness in another (OECD/JRC *Handbook on
//! Constructing Composite Indicators*, 2008, §6: geometric aggregation is only partially
//! compensatory, and a zero anywhere is a zero).

use std::collections::BTreeMap;

use super::config::{LevelRule, MODEL_VERSION, TrustConfig};
use super::evaluation::{IndicatorEvaluation, Level, TrustEvaluation};
use super::evidence::EvaluationScope;
use super::factor::{Factor, FactorScore, Indicator};
use super::opinion::Opinion;

/// The evaluation of these factor scores under `config` at `now`, of a credential's issuer.
/// A factor missing from `factors` counts as unmeasured (vacuous at the configured base rate).
pub fn aggregate(
    config: &TrustConfig,
    now: i64,
    factors: BTreeMap<Factor, FactorScore>,
) -> TrustEvaluation {
    aggregate_in(config, EvaluationScope::Credential, now, factors)
}

/// [`aggregate`] in `scope`: a factor the scope does not measure weighs nothing, and an
/// indicator left without weight is reported (over all its factors) but weighs nothing in the
/// index, the uncertainty and the level.
pub fn aggregate_in(
    config: &TrustConfig,
    scope: EvaluationScope,
    now: i64,
    factors: BTreeMap<Factor, FactorScore>,
) -> TrustEvaluation {
    aggregate_under(config, config.digest(), scope, now, factors)
}

/// [`aggregate_in`] under a `config` whose digest is known already (the model keeps it: the
/// digest is a JCS encoding and a hash, not to be redone for every evaluation).
pub(super) fn aggregate_under(
    config: &TrustConfig,
    config_digest: String,
    scope: EvaluationScope,
    now: i64,
    mut factors: BTreeMap<Factor, FactorScore>,
) -> TrustEvaluation {
    let mut indicators = BTreeMap::new();
    for indicator in Indicator::ALL {
        let mut scores = BTreeMap::new();
        for factor in indicator.factors() {
            let score = factors.remove(&factor).unwrap_or_else(|| {
                FactorScore::new(Opinion::vacuous(config.base_rate), "not measured")
            });
            scores.insert(factor, score);
        }
        let counted = indicator_counts(config, scope, indicator);
        let weighted = scores.iter().map(|(f, s)| {
            let weight = config.factor_weight(*f);
            let weight = if !counted || scope.measures(*f) {
                weight
            } else {
                0.0
            };
            (weight, s.score(), s.uncertainty())
        });
        let (score, uncertainty) = weighted_means(weighted);
        indicators.insert(
            indicator,
            IndicatorEvaluation {
                score,
                uncertainty,
                factors: scores,
            },
        );
    }
    let (index, uncertainty) = weighted_means(
        indicators
            .iter()
            .map(|(i, e)| (indicator_weight(config, scope, *i), e.score, e.uncertainty)),
    );
    let mut evaluation = TrustEvaluation {
        level: Level::None,
        index,
        uncertainty,
        model: MODEL_VERSION.to_owned(),
        config_digest,
        evaluated_at: now,
        indicators,
        scope,
    };
    evaluation.level = level(config, &evaluation);
    evaluation
}

/// Whether `indicator` has a factor of positive weight that `scope` measures.
fn indicator_counts(config: &TrustConfig, scope: EvaluationScope, indicator: Indicator) -> bool {
    indicator
        .factors()
        .any(|f| scope.measures(f) && config.factor_weight(f) > 0.0)
}

/// The weight of `indicator` in the index in `scope`: 0 when none of its weighted factors is
/// measured there.
fn indicator_weight(config: &TrustConfig, scope: EvaluationScope, indicator: Indicator) -> f64 {
    if indicator_counts(config, scope, indicator) {
        config.indicator_weight(indicator)
    } else {
        0.0
    }
}

/// The highest level whose rule `evaluation` meets.
pub fn level(config: &TrustConfig, evaluation: &TrustEvaluation) -> Level {
    let levels = [
        (Level::High, &config.levels.high),
        (Level::Substantial, &config.levels.substantial),
        (Level::Low, &config.levels.low),
    ];
    levels
        .into_iter()
        .find(|(_, rule)| shortfalls(config, rule, evaluation).next().is_none())
        .map_or(Level::None, |(level, _)| level)
}

/// Which conditions of `rule` the evaluation does not meet, in words with their numbers.
pub fn unmet(config: &TrustConfig, rule: &LevelRule, evaluation: &TrustEvaluation) -> Vec<String> {
    shortfalls(config, rule, evaluation)
        .map(|shortfall| match shortfall {
            RuleShortfall::Index(index) => format!("index {index:.3} < {:.3}", rule.min_index),
            RuleShortfall::Indicator(indicator, score) => {
                format!("{indicator} {score:.3} < floor {:.3}", rule.min_indicator)
            }
            RuleShortfall::Uncertainty(uncertainty) => {
                format!("uncertainty {uncertainty:.3} > {:.3}", rule.max_uncertainty)
            }
        })
        .collect()
}

/// A condition of a level rule an evaluation does not meet, with the evaluation's number.
enum RuleShortfall {
    Index(f64),
    Indicator(Indicator, f64),
    Uncertainty(f64),
}

/// The conditions of `rule` the evaluation does not meet, found lazily: deciding a level
/// needs only to know whether there is one, and writes no words.
fn shortfalls<'a>(
    config: &'a TrustConfig,
    rule: &'a LevelRule,
    evaluation: &'a TrustEvaluation,
) -> impl Iterator<Item = RuleShortfall> + 'a {
    let index =
        (evaluation.index < rule.min_index).then_some(RuleShortfall::Index(evaluation.index));
    let indicators = evaluation
        .indicators
        .iter()
        .filter(move |(indicator, e)| {
            indicator_weight(config, evaluation.scope, **indicator) > 0.0
                && e.score < rule.min_indicator
        })
        .map(|(indicator, e)| RuleShortfall::Indicator(*indicator, e.score));
    let uncertainty = (evaluation.uncertainty > rule.max_uncertainty)
        .then_some(RuleShortfall::Uncertainty(evaluation.uncertainty));
    index.into_iter().chain(indicators).chain(uncertainty)
}

/// The weighted geometric mean of the scores and the weighted arithmetic mean of the
/// uncertainties, over the items of positive weight. A zero score of positive weight makes
/// the mean zero. Without any positive weight (a configuration that did not validate): 0 and
/// full uncertainty.
fn weighted_means(items: impl Iterator<Item = (f64, f64, f64)>) -> (f64, f64) {
    let (mut total, mut log_sum, mut uncertainty, mut zero) = (0.0, 0.0, 0.0, false);
    for (weight, score, u) in items.filter(|(w, _, _)| *w > 0.0) {
        total += weight;
        uncertainty += weight * u;
        if score <= 0.0 {
            zero = true;
        } else {
            log_sum += weight * score.min(1.0).ln();
        }
    }
    if total <= 0.0 {
        return (0.0, 1.0);
    }
    let score = if zero { 0.0 } else { (log_sum / total).exp() };
    (score.clamp(0.0, 1.0), (uncertainty / total).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scores(opinions: &[Opinion; 18]) -> BTreeMap<Factor, FactorScore> {
        Factor::ALL
            .into_iter()
            .zip(opinions)
            .map(|(f, o)| (f, FactorScore::new(*o, "test")))
            .collect()
    }

    #[test]
    fn a_zero_factor_pulls_its_indicator_and_the_index_to_zero() {
        let mut opinions = [Opinion::dogmatic(1.0); 18];
        opinions[17] = Opinion::dogmatic(0.0); // asset_safety
        let evaluation = aggregate(&TrustConfig::default(), 0, scores(&opinions));
        assert_eq!(
            evaluation.indicator(Indicator::Security).unwrap().score,
            0.0
        );
        assert_eq!(evaluation.index, 0.0);
        assert_eq!(evaluation.level, Level::None);
        assert_eq!(
            evaluation.indicator(Indicator::Accuracy).unwrap().score,
            1.0
        );
    }

    #[test]
    fn geometric_mean_of_the_factors() {
        let mut opinions = [Opinion::dogmatic(1.0); 18];
        opinions[16] = Opinion::dogmatic(0.25); // privacy; asset_safety 1
        let evaluation = aggregate(&TrustConfig::default(), 0, scores(&opinions));
        let security = evaluation.indicator(Indicator::Security).unwrap().score;
        assert!(
            (security - 0.5).abs() < 1e-12,
            "√(0.25 · 1) = 0.5, got {security}"
        );
        let index = evaluation.index;
        assert!((index - 0.5f64.powf(1.0 / 6.0)).abs() < 1e-12);
        assert_eq!(
            evaluation.level,
            Level::Substantial,
            "security 0.5 is under high's floor"
        );
    }

    #[test]
    fn uncertainty_above_the_ceiling_withholds_the_level() {
        let opinions = [Opinion::vacuous(1.0); 18];
        let evaluation = aggregate(&TrustConfig::default(), 0, scores(&opinions));
        assert_eq!(evaluation.index, 1.0, "base rate 1 scores 1");
        assert_eq!(evaluation.uncertainty, 1.0);
        assert_eq!(evaluation.level, Level::None, "no evidence, no level");
    }

    #[test]
    fn a_zero_weight_factor_is_left_out() {
        let mut config = TrustConfig::default();
        config.factor_weights.insert(Factor::AssetSafety, 0.0);
        let mut opinions = [Opinion::dogmatic(1.0); 18];
        opinions[17] = Opinion::dogmatic(0.0);
        let evaluation = aggregate(&config, 0, scores(&opinions));
        assert_eq!(evaluation.index, 1.0);
    }

    fn opinion() -> impl Strategy<Value = Opinion> {
        (0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64)
            .prop_map(|(b, d, u, a)| Opinion::new(b, d, u, a))
    }

    proptest! {
        #[test]
        fn raising_one_factor_never_lowers_its_indicator_the_index_or_the_level(
            opinions in proptest::array::uniform18(opinion()),
            which in 0..18usize,
            shift in 0.0..1.0f64,
        ) {
            let config = TrustConfig::default();
            let before = aggregate(&config, 0, scores(&opinions));
            // The same uncertainty, with some disbelief moved into belief: a higher score.
            let o = opinions[which];
            let moved = o.disbelief() * shift;
            let mut raised = opinions;
            raised[which] = Opinion::new(o.belief() + moved, o.disbelief() - moved, o.uncertainty(), o.base_rate());
            let after = aggregate(&config, 0, scores(&raised));
            let indicator = Factor::ALL[which].indicator();
            prop_assert!(after.indicators[&indicator].score >= before.indicators[&indicator].score - 1e-12);
            prop_assert!(after.index >= before.index - 1e-12);
            prop_assert!(after.level >= before.level);
        }

        #[test]
        fn every_aggregate_is_in_the_unit_interval(
            opinions in proptest::array::uniform18(opinion()),
        ) {
            let evaluation = aggregate(&TrustConfig::default(), 0, scores(&opinions));
            prop_assert!((0.0..=1.0).contains(&evaluation.index));
            prop_assert!((0.0..=1.0).contains(&evaluation.uncertainty));
            for e in evaluation.indicators.values() {
                prop_assert!((0.0..=1.0).contains(&e.score));
                prop_assert!((0.0..=1.0).contains(&e.uncertainty));
            }
        }
    }
}
