//! Controllability: predictability, supervision, compliance, taken_over — can the issuer's
//! behaviour be foreseen and overseen.

use did_core::excerpt::excerpt;

use super::super::evidence::{EvaluationScope, StatusEvidence, TrustListEvidence};
use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::Measurement;

/// predictability: the steadiness of the issuer's resolution latency, `1 / (1 + cv)` with
/// `cv` the decay-weighted coefficient of variation of the measured latencies of successful
/// resolutions, held with uncertainty `W / (n + W)` where `n` is their decayed weight. Fewer
/// than two measurements: unknown. NaN, infinite and negative latencies are not measurements.
pub(super) fn predictability(m: &Measurement) -> FactorScore {
    let samples: Vec<(f64, f64)> = m
        .resolutions()
        .filter_map(|(at, ok, latency, _)| match latency {
            Some(ms) if ok && ms.is_finite() && ms >= 0.0 => Some((m.decay(at), ms)),
            _ => None,
        })
        .collect();
    if samples.len() < 2 {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            format!(
                "{} measured resolution latency, fewer than two",
                samples.len()
            ),
        );
    }
    let weight: f64 = samples.iter().map(|(w, _)| w).sum();
    if weight <= 0.0 {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "every measured resolution latency has decayed away",
        );
    }
    let mean = samples.iter().map(|(w, ms)| w * ms).sum::<f64>() / weight;
    let variance = samples
        .iter()
        .map(|(w, ms)| w * (ms - mean).powi(2))
        .sum::<f64>()
        / weight;
    let cv = if mean > 0.0 {
        variance.sqrt() / mean
    } else {
        0.0
    };
    let prior = m.config.prior_weight;
    let uncertainty = prior / (weight + prior);
    FactorScore::new(
        Opinion::graded(1.0 / (1.0 + cv), uncertainty, m.config.base_rate),
        format!(
            "{} resolution latencies, mean {mean:.1} ms, coefficient of variation {cv:.3}; decayed weight {weight:.2}",
            samples.len()
        ),
    )
}

/// supervision: whether the credential's status was checked and how fresh the list was
/// (freshness as in timeliness). No status list at all: disbelief, nobody can withdraw the
/// credential; not checked or unavailable: unknown at the low base rate of an unmade check.
pub(super) fn supervision(m: &Measurement) -> FactorScore {
    match m.evidence.status {
        StatusEvidence::NotReferenced => FactorScore::new(
            Opinion::dogmatic(0.0),
            "the credential names no status list: nobody can withdraw it",
        ),
        StatusEvidence::NotChecked => FactorScore::new(
            Opinion::vacuous(m.config.unchecked_base_rate),
            "the credential's status was not checked",
        ),
        StatusEvidence::Unavailable => FactorScore::new(
            Opinion::vacuous(m.config.unchecked_base_rate),
            "the credential's status list was unavailable",
        ),
        StatusEvidence::Checked {
            token_issued_at,
            fetched_at,
            ttl,
            exp,
            ..
        } => {
            let (value, text) = m.status_freshness(token_issued_at, fetched_at, ttl, exp);
            FactorScore::new(Opinion::dogmatic(value), format!("status checked: {text}"))
        }
    }
}

/// compliance: the share of profile checks passed, certain when checks ran; none ran:
/// unknown at the low base rate of an unmade check.
pub(super) fn compliance(m: &Measurement) -> FactorScore {
    let profile = &m.evidence.profile;
    let (passed, failed) = (profile.passed.len(), profile.failed.len());
    if passed + failed == 0 {
        return FactorScore::new(
            Opinion::vacuous(m.config.unchecked_base_rate),
            "no profile check ran",
        );
    }
    let mut text = format!("{passed} of {} profile checks passed", passed + failed);
    if failed > 0 {
        let names: Vec<String> = profile.failed.iter().take(3).map(|n| excerpt(n)).collect();
        text.push_str(&format!("; failed: {}", names.join(", ")));
        if failed > 3 {
            text.push_str(", …");
        }
    }
    FactorScore::new(
        Opinion::dogmatic(passed as f64 / (passed + failed) as f64),
        text,
    )
}

/// taken_over: the issuer's standing on the verifier's trust list at issuance (ETSI TS
/// 119 612: a listing has a starting time). Listed since before the credential was issued:
/// belief; listed only after: disbelief (it was not supervised when it signed); listed but
/// the issuance time unknown: half belief, half unknown. Not listed: disbelief. No list or
/// an unavailable one: unknown at the low base rate, never counted as listed (fail closed).
/// An evaluation of the issuer alone has no issuance: listed now is belief.
pub(super) fn taken_over(m: &Measurement) -> FactorScore {
    let base = m.config.unchecked_base_rate;
    let (opinion, text) = match m.evidence.trust_list {
        TrustListEvidence::NotConfigured => {
            (Opinion::vacuous(base), "the verifier has no trust list")
        }
        TrustListEvidence::Unavailable => (Opinion::vacuous(base), "the trust list is unavailable"),
        TrustListEvidence::NotListed => (
            Opinion::dogmatic(0.0),
            "the issuer is not on the trust list",
        ),
        // Without a credential there is no issuance to date: the listing now is the evidence.
        TrustListEvidence::Listed { .. } if m.evidence.scope == EvaluationScope::Issuer => {
            (Opinion::dogmatic(1.0), "the issuer is on the trust list")
        }
        TrustListEvidence::Listed { since } => match (since, m.evidence.credential_issued_at) {
            (Some(since), Some(iat)) if since > iat => (
                Opinion::dogmatic(0.0),
                "the issuer was listed only after it issued the credential",
            ),
            (Some(_), None) => (
                Opinion::new(0.5, 0.0, 0.5, base),
                "the issuer is listed; whether it was at issuance is unknown",
            ),
            _ => (
                Opinion::dogmatic(1.0),
                "the issuer was on the trust list when it issued the credential",
            ),
        },
    };
    FactorScore::new(opinion, text)
}
