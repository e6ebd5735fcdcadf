//! The vocabulary of the model: the six indicators and eighteen factors of ITU-T
//! XSTR.trust-metaverse §8.6.1 Table 1, and a factor's measured score.

use serde::{Deserialize, Serialize};

use super::opinion::{InvalidOpinion, Opinion};

/// An indicator of clause 8.6.1: a group of factors, scored as their weighted geometric mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Does the issuer's service do what it should: qoe, qos, timeliness, resource.
    Accuracy,
    /// Does it keep doing so: interruption, accident, maturity, variability.
    Stability,
    /// Can its behaviour be foreseen and overseen: predictability, supervision, compliance,
    /// taken_over.
    Controllability,
    /// Does it survive failure: backup, reset.
    Resilience,
    /// Can it change without breaking trust: flexibility, adjustment.
    Adaptability,
    /// Are the holder and their assets protected: privacy, asset_safety.
    Security,
}

impl Indicator {
    /// The six indicators, in the order of Table 1.
    pub const ALL: [Indicator; 6] = [
        Indicator::Accuracy,
        Indicator::Stability,
        Indicator::Controllability,
        Indicator::Resilience,
        Indicator::Adaptability,
        Indicator::Security,
    ];

    /// The indicator's factors, in the order of Table 1.
    pub fn factors(self) -> impl Iterator<Item = Factor> {
        Factor::ALL
            .into_iter()
            .filter(move |f| f.indicator() == self)
    }

    /// The snake_case name used in JSON and in reasons.
    pub fn name(self) -> &'static str {
        match self {
            Indicator::Accuracy => "accuracy",
            Indicator::Stability => "stability",
            Indicator::Controllability => "controllability",
            Indicator::Resilience => "resilience",
            Indicator::Adaptability => "adaptability",
            Indicator::Security => "security",
        }
    }
}

impl std::fmt::Display for Indicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A factor of clause 8.6.1 Table 1, measured from one verification and the verifier's history
/// (the measurement of each is in `docs/trust.md` and on its function in the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Quality of experience: how often the issuer's credentials verified.
    Qoe,
    /// Quality of service: how often the issuer's DID resolved within the latency target.
    Qos,
    /// How fresh the credential and its status information are.
    Timeliness,
    /// What this verification cost against the verifier's budget.
    Resource,
    /// How often the issuer's DID could not be resolved at all.
    Interruption,
    /// How often a verification failed through the issuer's fault.
    Accident,
    /// How long the verifier has known the issuer.
    Maturity,
    /// How often the issuer's keys changed between resolutions.
    Variability,
    /// How steady the issuer's resolution latency is.
    Predictability,
    /// Whether the credential's status was checked, and how fresh the answer was.
    Supervision,
    /// How many profile checks the credential passed.
    Compliance,
    /// Whether the issuer is on the verifier's trust list (ETSI trusted lists).
    TakenOver,
    /// Whether the issuer's keys came from the source or a fallback cache.
    Backup,
    /// Whether the credential can be suspended and reinstated, or only revoked.
    Reset,
    /// How much of the credential the holder can withhold.
    Flexibility,
    /// Whether the issuer can rotate its keys in place.
    Adjustment,
    /// Whether the holder disclosed no more than was asked (eIDAS2 Art. 5b(3)).
    Privacy,
    /// How strongly the credential is bound to its holder (NIST SP 800-63-4 ranks).
    AssetSafety,
}

impl Factor {
    /// The eighteen factors, in the order of Table 1.
    pub const ALL: [Factor; 18] = [
        Factor::Qoe,
        Factor::Qos,
        Factor::Timeliness,
        Factor::Resource,
        Factor::Interruption,
        Factor::Accident,
        Factor::Maturity,
        Factor::Variability,
        Factor::Predictability,
        Factor::Supervision,
        Factor::Compliance,
        Factor::TakenOver,
        Factor::Backup,
        Factor::Reset,
        Factor::Flexibility,
        Factor::Adjustment,
        Factor::Privacy,
        Factor::AssetSafety,
    ];

    /// The indicator this factor belongs to (Table 1).
    pub fn indicator(self) -> Indicator {
        use Factor::*;
        match self {
            Qoe | Qos | Timeliness | Resource => Indicator::Accuracy,
            Interruption | Accident | Maturity | Variability => Indicator::Stability,
            Predictability | Supervision | Compliance | TakenOver => Indicator::Controllability,
            Backup | Reset => Indicator::Resilience,
            Flexibility | Adjustment => Indicator::Adaptability,
            Privacy | AssetSafety => Indicator::Security,
        }
    }

    /// The snake_case name used in JSON and in reasons.
    pub fn name(self) -> &'static str {
        use Factor::*;
        match self {
            Qoe => "qoe",
            Qos => "qos",
            Timeliness => "timeliness",
            Resource => "resource",
            Interruption => "interruption",
            Accident => "accident",
            Maturity => "maturity",
            Variability => "variability",
            Predictability => "predictability",
            Supervision => "supervision",
            Compliance => "compliance",
            TakenOver => "taken_over",
            Backup => "backup",
            Reset => "reset",
            Flexibility => "flexibility",
            Adjustment => "adjustment",
            Privacy => "privacy",
            AssetSafety => "asset_safety",
        }
    }
}

impl std::fmt::Display for Factor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One factor as measured: its opinion, its score (the opinion's expected value) and, in
/// words, the evidence it was measured from (numbers, never claim values nor holder DIDs).
///
/// As JSON: `{"score", "belief", "disbelief", "uncertainty", "base_rate", "evidence"}`; the
/// score is recomputed and checked when read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FactorScoreWire", into = "FactorScoreWire")]
pub struct FactorScore {
    opinion: Opinion,
    evidence: String,
}

impl FactorScore {
    /// The score of `opinion`, measured from `evidence`.
    pub fn new(opinion: Opinion, evidence: impl Into<String>) -> Self {
        FactorScore {
            opinion,
            evidence: evidence.into(),
        }
    }

    /// The score in [0, 1]: the opinion's expected value.
    pub fn score(&self) -> f64 {
        self.opinion.expected()
    }

    /// The opinion behind the score.
    pub fn opinion(&self) -> &Opinion {
        &self.opinion
    }

    /// The opinion's uncertainty in [0, 1]: 1 when nothing was measured.
    pub fn uncertainty(&self) -> f64 {
        self.opinion.uncertainty()
    }

    /// From what the factor was measured, in words.
    pub fn evidence(&self) -> &str {
        &self.evidence
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactorScoreWire {
    score: f64,
    belief: f64,
    disbelief: f64,
    uncertainty: f64,
    base_rate: f64,
    evidence: String,
}

impl From<FactorScore> for FactorScoreWire {
    fn from(f: FactorScore) -> Self {
        let o = f.opinion;
        FactorScoreWire {
            score: o.expected(),
            belief: o.belief(),
            disbelief: o.disbelief(),
            uncertainty: o.uncertainty(),
            base_rate: o.base_rate(),
            evidence: f.evidence,
        }
    }
}

/// A serialized factor whose opinion is invalid or whose score is not its expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidFactorScore {
    /// The opinion's masses are invalid.
    #[error(transparent)]
    Opinion(#[from] InvalidOpinion),
    /// The score is not `belief + base_rate · uncertainty`.
    #[error("a factor's score must be its opinion's expected value")]
    ScoreMismatch,
}

impl TryFrom<FactorScoreWire> for FactorScore {
    type Error = InvalidFactorScore;

    fn try_from(w: FactorScoreWire) -> Result<Self, InvalidFactorScore> {
        let opinion = Opinion::checked(w.belief, w.disbelief, w.uncertainty, w.base_rate)?;
        if (opinion.expected() - w.score).abs() > 1e-9 {
            return Err(InvalidFactorScore::ScoreMismatch);
        }
        Ok(FactorScore::new(opinion, w.evidence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_1_has_six_indicators_and_eighteen_factors() {
        let sizes: Vec<usize> = Indicator::ALL.iter().map(|i| i.factors().count()).collect();
        assert_eq!(sizes, [4, 4, 4, 2, 2, 2]);
        for factor in Factor::ALL {
            let json = serde_json::to_value(factor).unwrap();
            assert_eq!(json, factor.name(), "serde name and name() agree");
        }
        assert_eq!(
            serde_json::to_value(Factor::AssetSafety).unwrap(),
            "asset_safety"
        );
        assert_eq!(
            serde_json::to_value(Factor::TakenOver).unwrap(),
            "taken_over"
        );
    }

    #[test]
    fn rejects_a_factor_score_that_is_not_its_expected_value() {
        let good = FactorScore::new(Opinion::new(0.5, 0.25, 0.25, 0.5), "x");
        let mut json = serde_json::to_value(&good).unwrap();
        assert_eq!(
            serde_json::from_value::<FactorScore>(json.clone()).unwrap(),
            good
        );
        json["score"] = serde_json::json!(0.99);
        assert!(serde_json::from_value::<FactorScore>(json).is_err());
    }
}
