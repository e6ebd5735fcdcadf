//! The measurement of each factor from evidence and history: one function per factor, grouped
//! by indicator, each returning the factor's opinion and the evidence it came from in words
//! (numbers, never claim values nor holder DIDs). `docs/trust.md` states every formula.

mod accuracy;
mod adaptability;
mod controllability;
mod resilience;
mod security;
mod stability;

use std::collections::BTreeMap;

use super::config::TrustConfig;
use super::evidence::{Binding, TrustEvidence};
use super::factor::{Factor, FactorScore};
use super::history::{IssuerHistory, TrustEvent, TrustEventKind};
use super::opinion::Opinion;

pub(crate) use security::asset_safety_rank;
pub use stability::ISSUER_FAULTS;

/// The evidence text of a factor that an evaluation of an issuer alone cannot measure.
pub(crate) const NOT_MEASURED_WITHOUT_CREDENTIAL: &str = "no credential: issuer evaluation";

/// Every factor, measured from `evidence` and `history` under `config`.
pub(crate) fn measure_all(
    config: &TrustConfig,
    evidence: &TrustEvidence,
    history: &IssuerHistory,
) -> BTreeMap<Factor, FactorScore> {
    let m = Measurement {
        config,
        evidence,
        history,
    };
    Factor::ALL
        .into_iter()
        .map(|factor| (factor, m.measure(factor)))
        .collect()
}

/// What a factor is measured from: the configuration, this verification and the issuer's
/// history; `now` is the evidence's.
pub(crate) struct Measurement<'a> {
    pub(crate) config: &'a TrustConfig,
    pub(crate) evidence: &'a TrustEvidence,
    pub(crate) history: &'a IssuerHistory,
}

impl Measurement<'_> {
    fn measure(&self, factor: Factor) -> FactorScore {
        use Factor::*;
        if !self.evidence.scope.measures(factor) {
            // No evidence is full uncertainty (DESIGN "One unit"), never a confident score.
            return FactorScore::new(
                Opinion::vacuous(self.config.base_rate),
                NOT_MEASURED_WITHOUT_CREDENTIAL,
            );
        }
        match factor {
            Qoe => accuracy::qoe(self),
            Qos => accuracy::qos(self),
            Timeliness => accuracy::timeliness(self),
            Resource => accuracy::resource(self),
            Interruption => stability::interruption(self),
            Accident => stability::accident(self),
            Maturity => stability::maturity(self),
            Variability => stability::variability(self),
            Predictability => controllability::predictability(self),
            Supervision => controllability::supervision(self),
            Compliance => controllability::compliance(self),
            TakenOver => controllability::taken_over(self),
            Backup => resilience::backup(self),
            Reset => resilience::reset(self),
            Flexibility => adaptability::flexibility(self),
            Adjustment => adaptability::adjustment(self),
            Privacy => security::privacy(self),
            AssetSafety => security::asset_safety(self),
        }
    }

    fn now(&self) -> i64 {
        self.evidence.now
    }

    /// Seconds from `then` to `now`, 0 if `then` is later (clocks disagree; the future is
    /// not older than now). In floating point, so that no pair of times can overflow.
    fn age(&self, then: i64) -> f64 {
        seconds_between(then, self.now()).max(0.0)
    }

    /// The weight of an event at `at`: `2^(−age / half-life)` (beta reputation with
    /// forgetting, Jøsang and Ismail 2002 §4), 1 for an event not older than `now`.
    fn decay(&self, at: i64) -> f64 {
        (-self.age(at) / self.config.half_life_secs).exp2()
    }

    /// The issuer's resolution events: (time, ok, latency, key digest).
    fn resolutions(&self) -> impl Iterator<Item = (i64, bool, Option<f64>, Option<&str>)> {
        self.history
            .events()
            .iter()
            .filter_map(|e: &TrustEvent| match &e.kind {
                TrustEventKind::Resolution {
                    ok,
                    latency_ms,
                    key_digest,
                } => Some((e.at, *ok, *latency_ms, key_digest.as_deref())),
                TrustEventKind::Verification { .. } => None,
            })
    }

    /// The issuer's verification events: (time, verified, error codes).
    fn verifications(&self) -> impl Iterator<Item = (i64, bool, &[String])> {
        self.history
            .events()
            .iter()
            .filter_map(|e: &TrustEvent| match &e.kind {
                TrustEventKind::Verification {
                    verified,
                    error_codes,
                } => Some((e.at, *verified, error_codes.as_slice())),
                TrustEventKind::Resolution { .. } => None,
            })
    }

    /// The beta opinion of a tally, and its counts in words: "`ok` of `total` `what`".
    fn beta(&self, tally: &Tally, what: &str) -> FactorScore {
        let opinion = Opinion::from_evidence(
            tally.positive,
            tally.negative,
            self.config.prior_weight,
            self.config.base_rate,
        );
        let text = if tally.total == 0 {
            format!("no {what} seen yet")
        } else {
            format!(
                "{} of {} {what}; decayed weight {:.2} for, {:.2} against (half-life {})",
                tally.ok,
                tally.total,
                tally.positive,
                tally.negative,
                duration(self.config.half_life_secs)
            )
        };
        FactorScore::new(opinion, text)
    }

    /// How fresh a status list is: 1 within its `ttl` (or the default), `ttl / age` past it,
    /// 0 past its `exp` (Token Status List §5.1: not to be used after `exp`, and refetched
    /// after `ttl`, §13.7). The age counts from the list's `iat`, else from when it was
    /// fetched.
    fn status_freshness(
        &self,
        token_issued_at: Option<i64>,
        fetched_at: i64,
        ttl: Option<u64>,
        exp: Option<i64>,
    ) -> (f64, String) {
        let now = self.now();
        if let Some(exp) = exp.filter(|exp| now >= *exp) {
            return (
                0.0,
                format!("the status list expired {} ago", duration(self.age(exp))),
            );
        }
        let (from, since) = match token_issued_at {
            Some(iat) => ("issued", iat),
            None => ("fetched", fetched_at),
        };
        let age = self.age(since);
        let (ttl, whose) = match ttl {
            Some(ttl) => (ttl as f64, "its ttl"),
            None => (self.config.default_status_ttl_secs, "the default ttl"),
        };
        let value = if age <= ttl { 1.0 } else { ttl / age };
        (
            value,
            format!(
                "status list {from} {} ago, {whose} {}",
                duration(age),
                duration(ttl)
            ),
        )
    }
}

/// Decayed positive and negative weights of events, and their raw counts.
#[derive(Debug, Default)]
struct Tally {
    positive: f64,
    negative: f64,
    ok: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, weight: f64, positive: bool) {
        self.total += 1;
        if positive {
            self.ok += 1;
            self.positive += weight;
        } else {
            self.negative += weight;
        }
    }
}

/// Seconds from `from` to `to` (negative if `to` is earlier), without overflow.
fn seconds_between(from: i64, to: i64) -> f64 {
    to as f64 - from as f64
}

/// A duration in seconds, in the largest unit that keeps it ≥ 1 (s, min, h, d).
fn duration(secs: f64) -> String {
    const UNITS: [(f64, &str); 3] = [(86_400.0, "d"), (3_600.0, "h"), (60.0, "min")];
    for (size, unit) in UNITS {
        if secs >= size {
            return format!("{:.1} {unit}", secs / size);
        }
    }
    format!("{secs:.0} s")
}

/// The binding a presentation proved, in words.
fn binding_name(binding: Binding) -> &'static str {
    match binding {
        Binding::None => "no holder binding",
        Binding::HolderKey => "holder key",
        Binding::HolderKeyAndPasskey => "holder key and passkey",
        Binding::HardwareKey => "hardware-bound holder key",
    }
}

#[cfg(test)]
mod tests;
