//! The trust evaluation of a verification (ITU-T XSTR.trust-metaverse §8.6): what the report
//! observed, what the verifier asked for and what the issuer's DID resolution showed, turned
//! into [`TrustEvidence`], evaluated by the verifier's [`TrustEngine`] against its history,
//! and the verification's outcome kept in that history. The evaluation never changes the
//! verdict: a [`TrustPolicy`](crate::trust::TrustPolicy) decides from it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use did_core::did::Did;
use did_core::resolution::Resolver;

use super::VerificationPolicy;
use crate::report::{CheckStatus, VerificationReport, checks};
use crate::sd_jwt::ClaimPath;
use crate::trust::{
    Binding, DisclosureEvidence, ProfileEvidence, ResolutionEvidence, ResolutionSource,
    StatusEvidence, TrustDecision, TrustEngine, TrustEvent, TrustEvidence, TrustListEvidence,
    TrustPolicy,
};

/// The checks of a credential's profile (its form, type and data model, and the disclosures
/// it allows): the compliance evidence.
const PROFILE_CHECKS: [&str; 4] = [
    checks::TYP,
    checks::DATA_MODEL,
    checks::VCT,
    checks::DISCLOSURES,
];

/// A verifier's trust: its engine, and the resolver the issuers' DIDs are probed through (the
/// one its keys come from, so the probe is usually a cache hit).
#[derive(Clone)]
pub struct VerifierTrust {
    /// The model and the history.
    pub engine: Arc<TrustEngine>,
    /// Where issuers' DIDs are resolved.
    pub resolver: Arc<dyn Resolver>,
}

impl std::fmt::Debug for VerifierTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierTrust")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// What the verifier knows of a verification besides its report.
#[derive(Clone, Debug, Default)]
pub struct TrustContext {
    /// The names of the claims the verifier asked for (top-level names); `None` uses the
    /// policy's required claims.
    pub requested: Option<BTreeSet<String>>,
    /// The binding proved, when the verifier knows more than the report (a passkey).
    pub binding: Option<Binding>,
    /// How long the verification took.
    pub elapsed: Option<Duration>,
}

impl VerifierTrust {
    /// Evaluates the trust of the verification `report` made under `policy`, sets
    /// `report.trust`, and keeps the verification's outcome in the history
    /// ([`gather`](Self::gather), then [`conclude`](Self::conclude)). The verdict never changes.
    pub async fn evaluate(
        &self,
        report: &mut VerificationReport,
        policy: &VerificationPolicy,
        context: &TrustContext,
    ) {
        if let Some(evidence) = self.gather(report, policy, context).await {
            self.conclude(&evidence, report, true).await;
        }
    }

    /// The evidence of the verification `report` made under `policy`: what the report
    /// observed, what `context` adds, and a probe of the issuer's DID (kept in the history),
    /// unless the policy's trust list refused the issuer.
    /// `None` when no issuer was read, or, with a warning in `report`, when the history
    /// store failed.
    pub async fn gather(
        &self,
        report: &mut VerificationReport,
        policy: &VerificationPolicy,
        context: &TrustContext,
    ) -> Option<TrustEvidence> {
        let issuer = report.observed.issuer.clone()?;
        let now = i64::try_from(policy.clock().now).unwrap_or(i64::MAX);
        let mut evidence = TrustEvidence::new(now, issuer.as_str());
        fill(&mut evidence, report, policy, context);
        // An issuer the trust list refused is never resolved (no did:web fetch for a name an
        // attacker chose) and never enters the history, which it could otherwise flood.
        if evidence.trust_list == TrustListEvidence::NotListed {
            return Some(evidence);
        }
        match Did::parse(&issuer) {
            Ok(did) => match self.engine.probe(self.resolver.as_ref(), &did, now).await {
                Ok(probe) => {
                    evidence.issuer_resolution = probe.resolution;
                    evidence.issuer_updatable = probe.updatable;
                }
                Err(error) => {
                    report.warn(format!("trust not evaluated: {error}"));
                    return None;
                }
            },
            // An issuer that is no DID (JWT VC issuer metadata) has no document to probe.
            Err(_) => {
                evidence.issuer_resolution = ResolutionEvidence {
                    source: ResolutionSource::Failed,
                    latency_ms: None,
                }
            }
        }
        Some(evidence)
    }

    /// What `policy` decides from the trust evaluation of the verified `report` (ITU-T §8.5
    /// "react"), with the binding the report shows proved; `None` when the report is not
    /// verified or carries no evaluation.
    pub fn decide(
        &self,
        policy: &TrustPolicy,
        report: &VerificationReport,
    ) -> Option<TrustDecision> {
        let evaluation = report.trust.as_ref().filter(|_| report.verified)?;
        Some(policy.decide(&self.engine.model(), evaluation, binding_of(report)))
    }

    /// Evaluates `evidence` against the history, sets `report.trust`, and, when `record`,
    /// keeps the verification's outcome in the history (once per verification: a later step
    /// of the same login re-evaluates without recording; an issuer the trust list refused
    /// is never kept).
    pub async fn conclude(
        &self,
        evidence: &TrustEvidence,
        report: &mut VerificationReport,
        record: bool,
    ) {
        match self.engine.evaluate(evidence).await {
            Ok(evaluation) => report.trust = Some(evaluation),
            Err(error) => return report.warn(format!("trust not evaluated: {error}")),
        }
        if !record || evidence.trust_list == TrustListEvidence::NotListed {
            return;
        }
        let codes = report
            .error_codes()
            .iter()
            .map(|code| code.as_str().to_owned())
            .collect();
        let event = TrustEvent::verification(
            evidence.issuer.clone(),
            evidence.now,
            report.verified,
            codes,
        );
        if let Err(error) = self.engine.record(event).await {
            report.warn(format!(
                "the trust history did not keep this verification: {error}"
            ));
        }
    }
}

/// The evidence the report and the verifier hold, beside the issuer's resolution.
fn fill(
    evidence: &mut TrustEvidence,
    report: &VerificationReport,
    policy: &VerificationPolicy,
    context: &TrustContext,
) {
    let observed = &report.observed;
    evidence.credential_issued_at = observed.issued_at;
    evidence.credential_expires_at = observed.expires_at;
    evidence.status = observed.status.unwrap_or(StatusEvidence::NotChecked);
    evidence.verification_ms = context.elapsed.map(|elapsed| elapsed.as_secs_f64() * 1e3);
    let mut profile = ProfileEvidence::default();
    for check in &report.checks {
        if PROFILE_CHECKS.contains(&check.name.as_str()) {
            match check.status {
                CheckStatus::Passed => profile.passed.push(check.name.to_string()),
                CheckStatus::Failed => profile.failed.push(check.name.to_string()),
                CheckStatus::Skipped => {}
            }
        }
    }
    evidence.profile = profile;
    let requested = context.requested.clone().unwrap_or_else(|| {
        policy
            .required_claims
            .iter()
            .filter_map(|path| path.segments().first().cloned())
            .collect()
    });
    evidence.disclosure = Some(DisclosureEvidence {
        requested,
        // Top-level names: `/avatars/1/handle` is a disclosure of `avatars`.
        disclosed: observed
            .disclosed
            .iter()
            .filter_map(|pointer| ClaimPath::parse(pointer).ok()?.segments().first().cloned())
            .collect(),
        selectively_disclosable: observed.selectively_disclosable,
        always_visible: observed.always_visible,
    });
    evidence.binding = context.binding.unwrap_or_else(|| binding_of(report));
    let listed = report
        .checks
        .iter()
        .find(|check| check.name == checks::TRUSTED_ISSUER);
    evidence.trust_list = match (&policy.trusted_issuers, listed.map(|check| check.status)) {
        (None, _) => TrustListEvidence::NotConfigured,
        (Some(_), Some(CheckStatus::Passed)) => TrustListEvidence::Listed { since: None },
        (Some(_), _) => TrustListEvidence::NotListed,
    };
}

/// The binding a report shows proved: the holder key when a key binding JWT verified.
fn binding_of(report: &VerificationReport) -> Binding {
    let key_bound = report
        .checks
        .iter()
        .any(|check| check.name == checks::KB_SIGNATURE && check.status == CheckStatus::Passed);
    if key_bound {
        Binding::HolderKey
    } else {
        Binding::None
    }
}
