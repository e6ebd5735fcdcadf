//! Security: privacy, asset_safety — are the holder and what they hold protected.

use did_core::excerpt::excerpt;

use super::super::evidence::Binding;
use super::super::factor::FactorScore;
use super::super::opinion::Opinion;
use super::{Measurement, binding_name};

/// privacy: the share of disclosed claims that were asked for, `|requested ∩ disclosed| /
/// |disclosed|` (eIDAS2 Art. 5b(3): a relying party asks for no more than it needs, and a
/// wallet gives no more than asked). Nothing disclosed: 1. Nothing requested, or not reported:
/// unknown. The over-disclosed claims are named (names, never values).
pub(super) fn privacy(m: &Measurement) -> FactorScore {
    let Some(disclosure) = &m.evidence.disclosure else {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            "what was requested and disclosed was not reported",
        );
    };
    if disclosure.requested.is_empty() {
        return FactorScore::new(
            Opinion::vacuous(m.config.base_rate),
            format!(
                "{} claims disclosed, none requested: over-disclosure cannot be told",
                disclosure.disclosed.len()
            ),
        );
    }
    let disclosed = disclosure.disclosed.len();
    if disclosed == 0 {
        return FactorScore::new(Opinion::dogmatic(1.0), "no claim disclosed");
    }
    let asked = disclosure
        .disclosed
        .intersection(&disclosure.requested)
        .count();
    let mut text = format!("{asked} of {disclosed} disclosed claims were requested");
    let over: Vec<String> = disclosure
        .disclosed
        .difference(&disclosure.requested)
        .take(3)
        .map(|name| excerpt(name))
        .collect();
    if !over.is_empty() {
        text.push_str(&format!("; not requested: {}", over.join(", ")));
        if disclosed - asked > 3 {
            text.push_str(", …");
        }
    }
    FactorScore::new(Opinion::dogmatic(asked as f64 / disclosed as f64), text)
}

/// The rank of a binding (NIST SP 800-63-4 authenticator assurance, eIDAS levels): none 0,
/// holder key ⅓, holder key and passkey ⅔, non-exportable hardware key 1.
pub(crate) fn asset_safety_rank(binding: Binding) -> f64 {
    match binding {
        Binding::None => 0.0,
        Binding::HolderKey => 1.0 / 3.0,
        Binding::HolderKeyAndPasskey => 2.0 / 3.0,
        Binding::HardwareKey => 1.0,
    }
}

/// asset_safety: the rank of the binding this presentation proved.
pub(super) fn asset_safety(m: &Measurement) -> FactorScore {
    let binding = m.evidence.binding;
    let rank = asset_safety_rank(binding);
    FactorScore::new(
        Opinion::dogmatic(rank),
        format!("proved: {} (rank {rank:.3})", binding_name(binding)),
    )
}
