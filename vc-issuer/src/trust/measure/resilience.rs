//! Resilience: backup, reset — does the issuer's service survive failure.

use super::super::evidence::{ResolutionSource, StatusEvidence};
use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::{Measurement, duration};

/// backup: where the issuer's keys came from. From the source or a fresh cache: 1. From a
/// stale cache (stale-if-error, RFC 5861 §4): the source failed and only the fallback held,
/// so at most ½, falling linearly to 0 as the stale window is spent. Not obtained: 0.
pub(super) fn backup(m: &Measurement) -> FactorScore {
    let (value, text) = match m.evidence.issuer_resolution.source {
        ResolutionSource::Network => (1.0, "the issuer's DID resolved from its source".to_owned()),
        ResolutionSource::FreshCache => (
            1.0,
            "the issuer's DID document came from the cache within its ttl".to_owned(),
        ),
        ResolutionSource::StaleCache {
            stale_for,
            stale_window,
        } => {
            let spent = if stale_window == 0 {
                1.0
            } else {
                (stale_for as f64 / stale_window as f64).min(1.0)
            };
            (
                0.5 * (1.0 - spent),
                format!(
                    "the source failed; a cached DID document served, stale for {} of a {} window",
                    duration(stale_for as f64),
                    duration(stale_window as f64)
                ),
            )
        }
        ResolutionSource::Failed => (0.0, "the issuer's DID could not be resolved".to_owned()),
    };
    FactorScore::new(Opinion::dogmatic(value), text)
}

/// reset: whether the issuer can take the credential back and give it back. A list that can
/// say "suspended": 1; revocation only: ½; no status list: 0. Referenced but not read: at
/// least revocable (belief ½), suspendable unknown (uncertainty ½, at the low base rate).
pub(super) fn reset(m: &Measurement) -> FactorScore {
    let (opinion, text) = match m.evidence.status {
        StatusEvidence::NotReferenced => (
            Opinion::dogmatic(0.0),
            "no status list: the credential can be neither suspended nor revoked",
        ),
        StatusEvidence::NotChecked | StatusEvidence::Unavailable => (
            Opinion::new(0.5, 0.0, 0.5, m.config.unchecked_base_rate),
            "a status list is named but was not read: revocable, suspension unknown",
        ),
        StatusEvidence::Checked {
            suspendable: true, ..
        } => (
            Opinion::dogmatic(1.0),
            "the status list can suspend, reinstate and revoke",
        ),
        StatusEvidence::Checked {
            suspendable: false, ..
        } => (Opinion::dogmatic(0.5), "the status list can only revoke"),
    };
    FactorScore::new(opinion, text)
}
