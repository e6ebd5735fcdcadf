//! Stability: interruption, accident, maturity, variability — does the issuer keep working.

use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::{Measurement, Tally, duration};

/// The report codes (DESIGN "Verification report") of failures the issuer's side caused: its
/// signature, algorithm, encoding, disclosure layout, DID or status list. The holder's side
/// (key binding, nonce, audience, expiry, missing claims) does not count against the issuer.
pub const ISSUER_FAULTS: [&str; 10] = [
    "alg_not_allowed",
    "bad_signature",
    "issuer_unresolvable",
    "unsupported_hash_alg",
    "reserved_claim_name",
    "claim_collision",
    "duplicate_digest",
    "forbidden_disclosure",
    "disclosure_shape",
    "status_unavailable",
];

/// interruption: resolutions of the issuer's DID that succeeded against those that failed,
/// decayed; latency plays no part (that is qos).
pub(super) fn interruption(m: &Measurement) -> FactorScore {
    let mut tally = Tally::default();
    for (at, ok, _, _) in m.resolutions() {
        tally.add(m.decay(at), ok);
    }
    m.beta(&tally, "resolutions of the issuer's DID succeeded")
}

/// accident: verifications that did not fail through the issuer's fault (a code of
/// [`ISSUER_FAULTS`]) against those that did, decayed.
pub(super) fn accident(m: &Measurement) -> FactorScore {
    let mut tally = Tally::default();
    for (at, verified, codes) in m.verifications() {
        let issuer_fault = !verified && codes.iter().any(|c| ISSUER_FAULTS.contains(&c.as_str()));
        tally.add(m.decay(at), !issuer_fault);
    }
    m.beta(
        &tally,
        "verifications had no failure of the issuer's making",
    )
}

/// maturity: the time since the verifier first saw the issuer against a horizon `H`:
/// `b = age / (age + H)`, `u = H / (age + H)`; never disbelief, since being new is no
/// evidence of being bad.
pub(super) fn maturity(m: &Measurement) -> FactorScore {
    let Some(first_seen) = m.history.first_seen() else {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "the issuer was never seen before",
        );
    };
    let age = m.age(first_seen);
    let horizon = m.config.maturity_horizon_secs;
    FactorScore::new(
        Opinion::new(age, 0.0, horizon, m.config.base_rate),
        format!(
            "issuer first seen {} ago (horizon {})",
            duration(age),
            duration(horizon)
        ),
    )
}

/// variability: successive successful resolutions whose key digest stayed the same against
/// those where it changed, each weighted by the decay of the later one.
pub(super) fn variability(m: &Measurement) -> FactorScore {
    let mut tally = Tally::default();
    let mut previous: Option<&str> = None;
    for (at, _, _, digest) in m.resolutions() {
        let Some(digest) = digest else { continue };
        if let Some(before) = previous {
            tally.add(m.decay(at), before == digest);
        }
        previous = Some(digest);
    }
    m.beta(&tally, "successive resolutions kept the issuer's keys")
}
