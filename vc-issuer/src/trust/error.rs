//! The errors of the trust model: a configuration that cannot be used, and inputs it refuses.

use did_core::excerpt::excerpt;

use super::factor::Indicator;

/// A [`TrustConfig`](super::config::TrustConfig) that cannot be used, named precisely.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustConfigError {
    /// The configuration is not valid JSON of the expected shape.
    #[error("the trust configuration is not valid: {0}")]
    Json(String),
    /// A weight is negative or not a finite number.
    #[error("the weight of {name} is {value}: weights must be finite and ≥ 0")]
    BadWeight {
        /// The factor or indicator.
        name: &'static str,
        /// The weight given.
        value: f64,
    },
    /// A factor or indicator has no weight.
    #[error("{name} has no weight: give every factor and indicator one (0 leaves it out)")]
    MissingWeight {
        /// The factor or indicator.
        name: &'static str,
    },
    /// Every factor of an indicator weighs 0, so the indicator cannot be computed.
    #[error("every factor of {0} weighs 0: give at least one a positive weight")]
    IndicatorWithoutWeight(Indicator),
    /// Every indicator weighs 0, so the index cannot be computed.
    #[error("every indicator weighs 0: give at least one a positive weight")]
    IndexWithoutWeight,
    /// A base rate or policy minimum is outside [0, 1].
    #[error("{name} is {value}: it must be a number in [0, 1]")]
    OutOfUnitRange {
        /// Which setting.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A level's threshold, floor or ceiling is outside [0, 1].
    #[error("levels.{level}.{what} is {value}: it must be a number in [0, 1]")]
    LevelOutOfRange {
        /// The level's name.
        level: &'static str,
        /// Which of its settings.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A half-life, horizon, target or budget is not a positive finite number.
    #[error("{name} is {value}: it must be a positive finite number")]
    NotPositive {
        /// Which setting.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A stricter level asks less than a laxer one, so levels would not be nested.
    #[error(
        "level {stricter} asks less than level {laxer} for {what}: each level must be at least as strict as the one below"
    )]
    LevelsNotNested {
        /// The stricter level's name.
        stricter: &'static str,
        /// The laxer level's name.
        laxer: &'static str,
        /// The threshold out of order.
        what: &'static str,
    },
    /// A size bound is 0 or above its maximum.
    #[error("{name} is {value}: it must be between 1 and {max}")]
    BadBound {
        /// Which bound.
        name: &'static str,
        /// The value given.
        value: usize,
        /// The largest value allowed.
        max: usize,
    },
}

/// An input the trust model refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The history given is another issuer's than the evidence's.
    #[error(
        "the history is of issuer {history}, the evidence of issuer {evidence}: evaluate an issuer with its own history"
    )]
    HistoryOfAnotherIssuer {
        /// An excerpt of the evidence's issuer.
        evidence: String,
        /// An excerpt of the history's issuer.
        history: String,
    },
    /// An event carries more than the store keeps.
    #[error("an event's {what} has size {len}, more than the {max} kept")]
    EventTooLarge {
        /// Which part of the event.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The most kept.
        max: usize,
    },
    /// The store of the history could not be read or written (a database error, described
    /// without the events' contents).
    #[error("the trust history is unavailable: {0}")]
    HistoryUnavailable(String),
}

impl TrustError {
    pub(crate) fn history_of_another_issuer(evidence: &str, history: &str) -> Self {
        TrustError::HistoryOfAnotherIssuer {
            evidence: excerpt(evidence),
            history: excerpt(history),
        }
    }
}
