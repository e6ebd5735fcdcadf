//! Adaptability: flexibility, adjustment — can the credential and its issuer change without
//! breaking trust.

use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::Measurement;

/// The adjustment of an issuer whose DID cannot rotate its keys (did:key, did:jwk): it can
/// adapt only by moving to a new DID, and every verifier's history and trust-list entry then
/// starts over. Low, not zero, so that this one factor does not rule out such issuers.
pub(crate) const FIXED_KEY_ADJUSTMENT: f64 = 0.25;

/// flexibility: the share of the credential's claims that the holder can withhold,
/// `sd / (sd + always visible)`. Unknown when not reported or the credential has no claims.
pub(super) fn flexibility(m: &Measurement) -> FactorScore {
    let Some(disclosure) = &m.evidence.disclosure else {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "the credential's disclosure layout was not reported",
        );
    };
    let (sd, visible) = (
        disclosure.selectively_disclosable,
        disclosure.always_visible,
    );
    if sd + visible == 0 {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "the credential carries no claims beyond the registered ones",
        );
    }
    FactorScore::new(
        Opinion::dogmatic(sd as f64 / (sd + visible) as f64),
        format!(
            "{sd} of {} claims are selectively disclosable",
            sd + visible
        ),
    )
}

/// adjustment: whether the issuer's DID method lets it rotate keys in place (did:web): 1;
/// fixed keys: [`FIXED_KEY_ADJUSTMENT`]; method unknown: unknown.
pub(super) fn adjustment(m: &Measurement) -> FactorScore {
    match m.evidence.issuer_updatable {
        Some(true) => FactorScore::new(
            Opinion::dogmatic(1.0),
            "the issuer's DID method can rotate keys in place",
        ),
        Some(false) => FactorScore::new(
            Opinion::dogmatic(FIXED_KEY_ADJUSTMENT),
            "the issuer's DID method fixes its keys: changing them means a new DID",
        ),
        None => FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "whether the issuer's DID method can rotate keys is unknown",
        ),
    }
}
