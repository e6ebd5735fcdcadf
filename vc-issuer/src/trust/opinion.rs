//! The one unit of the trust model: a binomial subjective-logic opinion (Jøsang, *Subjective
//! Logic*, 2016, §3.2) and the ways evidence becomes one.
//!
//! An opinion splits one unit of mass into belief `b`, disbelief `d` and uncertainty `u`
//! (`b + d + u = 1`) and carries a base rate `a`, the prior that uncertainty falls back to.
//! Its expected value `b + a·u` is the score every factor reports. No evidence is a *vacuous*
//! opinion (`u = 1`), whose score is its base rate: never a confident 0 or 1.

use serde::{Deserialize, Serialize};

/// The prior weight `W` of the beta model (Jøsang §3.2.1, beta reputation): two, the weight of
/// a uniform prior, so that one observation moves an opinion but does not make it certain.
pub const DEFAULT_PRIOR_WEIGHT: f64 = 2.0;

/// How far `b + d + u` may stray from 1 in a deserialized opinion (rounding in JSON numbers).
const SUM_TOLERANCE: f64 = 1e-9;

/// A binomial opinion: belief, disbelief and uncertainty that sum to 1, all in [0, 1], and a
/// base rate in [0, 1]. Every constructor keeps these invariants and none produces NaN: a
/// non-finite or negative input counts as no evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OpinionWire", into = "OpinionWire")]
pub struct Opinion {
    belief: f64,
    disbelief: f64,
    uncertainty: f64,
    base_rate: f64,
}

/// An opinion as JSON, checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpinionWire {
    belief: f64,
    disbelief: f64,
    uncertainty: f64,
    base_rate: f64,
}

impl From<Opinion> for OpinionWire {
    fn from(o: Opinion) -> Self {
        OpinionWire {
            belief: o.belief,
            disbelief: o.disbelief,
            uncertainty: o.uncertainty,
            base_rate: o.base_rate,
        }
    }
}

impl TryFrom<OpinionWire> for Opinion {
    type Error = InvalidOpinion;

    fn try_from(w: OpinionWire) -> Result<Self, InvalidOpinion> {
        Opinion::checked(w.belief, w.disbelief, w.uncertainty, w.base_rate)
    }
}

/// A serialized opinion whose masses are outside [0, 1] or do not sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "an opinion needs belief, disbelief and uncertainty in [0, 1] summing to 1, and a base rate in [0, 1]"
)]
pub struct InvalidOpinion;

/// `x` if it is a finite number ≥ 0, else 0: a measurement that is not a number is no evidence.
pub(crate) fn evidence_weight(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

/// `x` clamped into [0, 1]; NaN becomes `fallback`.
pub(crate) fn unit(x: f64, fallback: f64) -> f64 {
    if x.is_nan() {
        fallback
    } else {
        x.clamp(0.0, 1.0)
    }
}

impl Opinion {
    /// The opinion of masses `b`, `d`, `u` (scaled to sum to 1 unless they already do, within
    /// 1e-12) with base rate `a`. A negative
    /// or non-finite mass counts as 0; if nothing is left the opinion is vacuous. A base rate
    /// outside [0, 1] is clamped, NaN becomes ½.
    pub fn new(belief: f64, disbelief: f64, uncertainty: f64, base_rate: f64) -> Self {
        let (b, d, u) = (
            evidence_weight(belief),
            evidence_weight(disbelief),
            evidence_weight(uncertainty),
        );
        let base_rate = unit(base_rate, 0.5);
        let (mut b, mut d, mut u) = (b, d, u);
        let mut sum = b + d + u;
        if !sum.is_finite() {
            // Scaled by the largest mass first, so that huge masses cannot overflow the sum.
            let largest = b.max(d).max(u);
            (b, d, u) = (b / largest, d / largest, u / largest);
            sum = b + d + u;
        }
        if sum == 0.0 {
            return Self::vacuous(base_rate);
        }
        // Masses that already sum to 1 are kept as given, so that values read back from JSON
        // stay bit for bit what was written.
        if (sum - 1.0).abs() > 1e-12 {
            (b, d, u) = (b / sum, d / sum, u / sum);
        }
        let (belief, disbelief, uncertainty) = (b.min(1.0), d.min(1.0), u.min(1.0));
        Opinion {
            belief,
            disbelief,
            uncertainty,
            base_rate,
        }
    }

    /// The opinion of exactly these masses, or an error if one is outside [0, 1] or they do
    /// not sum to 1 (within 1e-9): for opinions read back from JSON.
    pub fn checked(
        belief: f64,
        disbelief: f64,
        uncertainty: f64,
        base_rate: f64,
    ) -> Result<Self, InvalidOpinion> {
        let parts = [belief, disbelief, uncertainty, base_rate];
        let sum = belief + disbelief + uncertainty;
        if parts.iter().all(|p| (0.0..=1.0).contains(p)) && (sum - 1.0).abs() <= SUM_TOLERANCE {
            Ok(Opinion {
                belief,
                disbelief,
                uncertainty,
                base_rate,
            })
        } else {
            Err(InvalidOpinion)
        }
    }

    /// No evidence at all: `u = 1`, so the score is the base rate.
    pub fn vacuous(base_rate: f64) -> Self {
        Opinion {
            belief: 0.0,
            disbelief: 0.0,
            uncertainty: 1.0,
            base_rate: unit(base_rate, 0.5),
        }
    }

    /// A value known for certain (`u = 0`): `b = x`, `d = 1 − x`, base rate `x`. For measured
    /// ranks and ratios whose inputs are facts of this verification.
    pub fn dogmatic(value: f64) -> Self {
        Self::graded(value, 0.0, value)
    }

    /// The beta opinion from `r` positive and `s` negative observations with prior weight `w`
    /// (Jøsang §3.2.1): `b = r/(r+s+w)`, `d = s/(r+s+w)`, `u = w/(r+s+w)`. Non-finite or
    /// negative counts count as 0; a weight that is not a positive finite number is
    /// [`DEFAULT_PRIOR_WEIGHT`].
    pub fn from_evidence(r: f64, s: f64, w: f64, base_rate: f64) -> Self {
        let w = if w.is_finite() && w > 0.0 {
            w
        } else {
            DEFAULT_PRIOR_WEIGHT
        };
        // Capped so that the sum stays finite: beyond 1e300 observations nothing changes.
        let (r, s) = (evidence_weight(r).min(1e300), evidence_weight(s).min(1e300));
        Self::new(r, s, w.min(1e300), base_rate)
    }

    /// A graded value (a rank or a ratio in [0, 1]) held with the stated uncertainty:
    /// `b = value·(1 − u)`, `d = (1 − value)·(1 − u)`. Out-of-range inputs are clamped,
    /// NaN means "unknown" (value ½, uncertainty 1).
    pub fn graded(value: f64, uncertainty: f64, base_rate: f64) -> Self {
        let value = unit(value, 0.5);
        let u = unit(uncertainty, 1.0);
        Self::new(value * (1.0 - u), (1.0 - value) * (1.0 - u), u, base_rate)
    }

    /// The belief mass `b`.
    pub fn belief(&self) -> f64 {
        self.belief
    }

    /// The disbelief mass `d`.
    pub fn disbelief(&self) -> f64 {
        self.disbelief
    }

    /// The uncertainty mass `u`.
    pub fn uncertainty(&self) -> f64 {
        self.uncertainty
    }

    /// The base rate `a`: the prior that uncertainty falls back to.
    pub fn base_rate(&self) -> f64 {
        self.base_rate
    }

    /// The expected value `b + a·u` (Jøsang §3.2): the score of a factor.
    pub fn expected(&self) -> f64 {
        (self.belief + self.base_rate * self.uncertainty).clamp(0.0, 1.0)
    }

    /// Binomial multiplication, "x and y" (Jøsang and McAnally 2005; *Subjective Logic* §7.1):
    /// the expected value of the product is the product of the expected values, disbelief
    /// in either is disbelief in both, and uncertainty stays where it came from.
    pub fn and(&self, other: &Opinion) -> Opinion {
        let (x, y) = (self, other);
        let d = x.disbelief + y.disbelief - x.disbelief * y.disbelief;
        let a = x.base_rate * y.base_rate;
        let denominator = 1.0 - a;
        let b = if denominator > 1e-12 {
            x.belief * y.belief
                + ((1.0 - x.base_rate) * y.base_rate * x.belief * y.uncertainty
                    + x.base_rate * (1.0 - y.base_rate) * x.uncertainty * y.belief)
                    / denominator
        } else {
            // Both base rates 1: the formula's limit keeps the certain product as belief.
            x.belief * y.belief
        };
        let b = b.clamp(0.0, 1.0 - d);
        Opinion::new(b, d, 1.0 - d - b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid(o: &Opinion) -> bool {
        let parts = [
            o.belief(),
            o.disbelief(),
            o.uncertainty(),
            o.base_rate(),
            o.expected(),
        ];
        parts.iter().all(|p| (0.0..=1.0).contains(p))
            && (o.belief() + o.disbelief() + o.uncertainty() - 1.0).abs() < 1e-12
    }

    #[test]
    fn beta_opinion_follows_the_counts() {
        let o = Opinion::from_evidence(8.0, 0.0, 2.0, 0.5);
        assert_eq!(
            (o.belief(), o.disbelief(), o.uncertainty()),
            (0.8, 0.0, 0.2)
        );
        assert!((o.expected() - 0.9).abs() < 1e-12);
    }

    #[test]
    fn no_evidence_is_the_base_rate_never_a_confident_answer() {
        let o = Opinion::from_evidence(0.0, 0.0, 2.0, 0.3);
        assert_eq!(o.uncertainty(), 1.0);
        assert_eq!(o.expected(), 0.3);
        assert_eq!(
            Opinion::new(f64::NAN, -1.0, 0.0, 0.2),
            Opinion::vacuous(0.2)
        );
    }

    #[test]
    fn graded_value_keeps_its_value_when_certain() {
        let o = Opinion::graded(2.0 / 3.0, 0.0, 0.5);
        assert!((o.expected() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(o.uncertainty(), 0.0);
        assert_eq!(Opinion::dogmatic(0.0).expected(), 0.0);
    }

    #[test]
    fn multiplication_multiplies_expected_values() {
        let x = Opinion::new(0.5, 0.2, 0.3, 0.4);
        let y = Opinion::new(0.6, 0.1, 0.3, 0.7);
        let xy = x.and(&y);
        assert!((xy.expected() - x.expected() * y.expected()).abs() < 1e-12);
        assert!(valid(&xy));
    }

    #[test]
    fn rejects_a_deserialized_opinion_that_does_not_sum_to_one() {
        let bad = r#"{"belief":0.9,"disbelief":0.9,"uncertainty":0.0,"base_rate":0.5}"#;
        assert!(serde_json::from_str::<Opinion>(bad).is_err());
        let good = serde_json::to_string(&Opinion::new(0.2, 0.3, 0.5, 0.5)).unwrap();
        assert_eq!(
            serde_json::from_str::<Opinion>(&good).unwrap(),
            Opinion::new(0.2, 0.3, 0.5, 0.5)
        );
    }

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX),
            -10.0..10.0f64,
            0.0..1.0f64,
            0.0..1e6f64,
        ]
    }

    proptest! {
        #[test]
        fn every_constructor_gives_a_valid_opinion(
            b in any_f64(), d in any_f64(), u in any_f64(), a in any_f64()
        ) {
            prop_assert!(valid(&Opinion::new(b, d, u, a)));
            prop_assert!(valid(&Opinion::from_evidence(b, d, u, a)));
            prop_assert!(valid(&Opinion::graded(b, d, a)));
            prop_assert!(valid(&Opinion::dogmatic(b)));
            prop_assert!(valid(&Opinion::vacuous(a)));
            let (x, y) = (Opinion::new(b, d, u, a), Opinion::from_evidence(u, b, 2.0, d));
            prop_assert!(valid(&x.and(&y)));
            prop_assert!((x.and(&y).expected() - x.expected() * y.expected()).abs() < 1e-9);
        }

        #[test]
        fn more_successes_never_lower_a_beta_opinion(
            r in 0.0..1e4f64, s in 0.0..1e4f64, extra in 0.0..1e4f64, a in 0.0..1.0f64
        ) {
            let before = Opinion::from_evidence(r, s, 2.0, a).expected();
            let after = Opinion::from_evidence(r + extra, s, 2.0, a).expected();
            prop_assert!(after >= before - 1e-12);
        }
    }
}
