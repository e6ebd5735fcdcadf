//! Accuracy: qoe, qos, timeliness, resource — does the issuer's service do what it should.

use super::super::evidence::StatusEvidence;
use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::{Measurement, Tally, duration, seconds_between};

/// qoe: the issuer's verifications that succeeded against those that failed, decayed (beta
/// reputation). Every failure counts, whoever caused it: it is what the verifier experienced.
pub(super) fn qoe(m: &Measurement) -> FactorScore {
    let mut tally = Tally::default();
    for (at, verified, _) in m.verifications() {
        tally.add(m.decay(at), verified);
    }
    m.beta(
        &tally,
        "verifications of this issuer's credentials succeeded",
    )
}

/// qos: resolutions of the issuer's DID that succeeded within the latency target, against
/// those that failed or were slower, decayed. An unmeasured latency (absent, NaN, negative)
/// counts by the outcome alone; an infinite one is too slow.
pub(super) fn qos(m: &Measurement) -> FactorScore {
    let target = m.config.resolution_target_ms;
    let mut tally = Tally::default();
    for (at, ok, latency, _) in m.resolutions() {
        let in_time = match latency {
            Some(ms) if ms >= 0.0 => ms <= target,
            _ => true,
        };
        tally.add(m.decay(at), ok && in_time);
    }
    m.beta(
        &tally,
        &format!("resolutions of the issuer's DID succeeded within {target} ms"),
    )
}

/// timeliness: the credential's freshness within its validity AND its status list's
/// freshness (binomial multiplication: both must be fresh). The credential: the share of its
/// validity still ahead, `1 − age / (exp − iat)`, 0 once expired, `H / (H + age)` without
/// `exp`, unknown without `iat`. The status list: as for supervision; unknown (at the low
/// base rate of an unmade check) when not checked, left out when the credential names none.
pub(super) fn timeliness(m: &Measurement) -> FactorScore {
    let (credential, credential_text) = credential_freshness(m);
    let (status, status_text) = match m.evidence.status {
        StatusEvidence::NotReferenced => (None, "no status list".to_owned()),
        StatusEvidence::NotChecked => (
            Some(Opinion::vacuous(m.config.unchecked_base_rate)),
            "status not checked".to_owned(),
        ),
        StatusEvidence::Unavailable => (
            Some(Opinion::vacuous(m.config.unchecked_base_rate)),
            "status list unavailable".to_owned(),
        ),
        StatusEvidence::Checked {
            token_issued_at,
            fetched_at,
            ttl,
            exp,
            ..
        } => {
            let (value, text) = m.status_freshness(token_issued_at, fetched_at, ttl, exp);
            (Some(Opinion::dogmatic(value)), text)
        }
    };
    let opinion = match status {
        Some(status) => credential.and(&status),
        None => credential,
    };
    FactorScore::new(opinion, format!("{credential_text}; {status_text}"))
}

fn credential_freshness(m: &Measurement) -> (Opinion, String) {
    let now = m.now();
    let Some(iat) = m.evidence.credential_issued_at else {
        return (
            Opinion::vacuous(m.config.base_rate),
            "the credential states no issuance time".to_owned(),
        );
    };
    let age = m.age(iat);
    match m.evidence.credential_expires_at {
        Some(exp) if now >= exp => (
            Opinion::dogmatic(0.0),
            format!("credential expired {} ago", duration(m.age(exp))),
        ),
        Some(exp) => {
            // exp > now ≥ … so the lifetime is positive unless iat lies in the future.
            let lifetime = seconds_between(iat, exp);
            let value = if lifetime > 0.0 {
                1.0 - age / lifetime
            } else {
                0.0
            };
            (
                Opinion::dogmatic(value),
                format!(
                    "credential issued {} ago, valid for {}",
                    duration(age),
                    duration(lifetime)
                ),
            )
        }
        None => {
            let horizon = m.config.credential_horizon_secs;
            (
                Opinion::dogmatic(horizon / (horizon + age)),
                format!(
                    "credential issued {} ago without expiry (horizon {})",
                    duration(age),
                    duration(horizon)
                ),
            )
        }
    }
}

/// resource: this verification's cost against the budget: 1 within it, `budget / cost`
/// beyond. Unknown when not measured (absent, NaN, negative).
pub(super) fn resource(m: &Measurement) -> FactorScore {
    let budget = m.config.verification_budget_ms;
    match m.evidence.verification_ms {
        Some(ms) if ms >= 0.0 => {
            let value = if ms <= budget { 1.0 } else { budget / ms };
            FactorScore::new(
                Opinion::dogmatic(value),
                format!("this verification took {ms:.1} ms of a {budget} ms budget"),
            )
        }
        _ => FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "the verification's cost was not measured",
        ),
    }
}
