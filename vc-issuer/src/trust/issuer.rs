//! The evaluation of an issuer alone, without a credential (ITU-T XSTR.trust-metaverse §8.5
//! "evaluate" and the periodic and on-demand triggers of §8.6.2): what a verifier runs on the
//! issuers it is configured to watch, from a fresh probe of the issuer's DID and its history.

use did_core::did::Did;
use did_core::resolution::Resolver;

use super::{TrustEngine, TrustError, TrustEvaluation, TrustEvidence, TrustListEvidence};

impl TrustEngine {
    /// Probes `issuer` through `resolver` ([`TrustEngine::probe`], which keeps the resolution
    /// in the history) and evaluates the issuer at `now` with its history and its standing on
    /// the verifier's trust list. The factors that need a credential
    /// ([`CREDENTIAL_FACTORS`](super::CREDENTIAL_FACTORS)) are not measured: full uncertainty,
    /// left out of the index and the level ([`EvaluationScope::Issuer`](super::EvaluationScope)).
    pub async fn evaluate_issuer(
        &self,
        resolver: &dyn Resolver,
        issuer: &Did,
        now: i64,
        trust_list: TrustListEvidence,
    ) -> Result<TrustEvaluation, TrustError> {
        let probe = self.probe(resolver, issuer, now).await?;
        let mut evidence = TrustEvidence::of_issuer(now, issuer.as_str());
        evidence.issuer_resolution = probe.resolution;
        evidence.issuer_updatable = probe.updatable;
        evidence.trust_list = trust_list;
        self.evaluate(&evidence).await
    }
}

#[cfg(test)]
mod tests {
    use did_core::key::{KeyType, SecretKey};
    use did_core::method::DID_KEY;
    use did_core::method::key::did_key;

    use super::*;
    use crate::trust::measure::NOT_MEASURED_WITHOUT_CREDENTIAL;
    use crate::trust::{CREDENTIAL_FACTORS, EvaluationScope, Factor, Indicator, Level, TrustModel};

    const NOW: i64 = 1_750_000_000;

    fn issuer() -> Did {
        did_key(&SecretKey::generate(KeyType::Ed25519).public_key())
    }

    #[tokio::test]
    async fn an_issuer_is_not_none_merely_for_lacking_a_credential() {
        let engine = TrustEngine::in_memory(TrustModel::default());
        let did = issuer();
        let evaluation = engine
            .evaluate_issuer(&DID_KEY, &did, NOW, TrustListEvidence::NotConfigured)
            .await
            .unwrap();
        assert_eq!(evaluation.scope, EvaluationScope::Issuer);
        assert_eq!(evaluation.level, Level::Low, "{evaluation:#?}");
        for factor in CREDENTIAL_FACTORS {
            let score = evaluation.factor(factor).unwrap();
            assert_eq!(score.uncertainty(), 1.0, "{factor} is not measured");
            assert_eq!(score.evidence(), NOT_MEASURED_WITHOUT_CREDENTIAL);
        }
        // What an issuer evaluation does measure.
        assert_eq!(evaluation.factor(Factor::Backup).unwrap().score(), 1.0);
        assert!(evaluation.factor(Factor::Qos).unwrap().uncertainty() < 1.0);
        // Security has no measured factor: reported, fully uncertain, and out of the index.
        let security = evaluation.indicator(Indicator::Security).unwrap();
        assert_eq!(security.uncertainty, 1.0);
        assert!(evaluation.uncertainty < 1.0);
    }

    #[tokio::test]
    async fn the_same_evidence_as_a_credential_evaluation_has_no_level() {
        // The issuer evaluation's evidence evaluated as if it were a credential's: the eight
        // unmeasured factors then count, and their uncertainty withholds every level. This is
        // what the issuer scope exists to prevent.
        let engine = TrustEngine::in_memory(TrustModel::default());
        let did = issuer();
        let probe = engine.probe(&DID_KEY, &did, NOW).await.unwrap();
        let mut evidence = TrustEvidence::new(NOW, did.as_str());
        evidence.issuer_resolution = probe.resolution;
        evidence.issuer_updatable = probe.updatable;
        let as_credential = engine.evaluate(&evidence).await.unwrap();
        assert_eq!(as_credential.level, Level::None);
        evidence.scope = EvaluationScope::Issuer;
        let as_issuer = engine.evaluate(&evidence).await.unwrap();
        assert!(as_issuer.level > as_credential.level);
        assert!(as_issuer.uncertainty < as_credential.uncertainty);
    }

    #[tokio::test]
    async fn an_unresolvable_issuer_loses_backup_and_interruption() {
        let engine = TrustEngine::in_memory(TrustModel::default());
        // did:web is not a method of this resolver: every probe fails.
        let did = Did::parse("did:web:issuer.example").unwrap();
        let first = engine
            .evaluate_issuer(&DID_KEY, &did, NOW, TrustListEvidence::NotConfigured)
            .await
            .unwrap();
        let second = engine
            .evaluate_issuer(&DID_KEY, &did, NOW + 60, TrustListEvidence::NotConfigured)
            .await
            .unwrap();
        assert_eq!(second.factor(Factor::Backup).unwrap().score(), 0.0);
        let interruption = |e: &TrustEvaluation| e.factor(Factor::Interruption).unwrap().score();
        assert!(interruption(&second) < interruption(&first));
        assert!(interruption(&first) < 0.5);
        assert_eq!(second.level, Level::None);
        let history = engine.history().history(did.as_str()).await.unwrap();
        assert_eq!(history.events().len(), 2, "each probe is an event");
    }

    #[tokio::test]
    async fn a_listed_issuer_is_taken_over_without_a_credential() {
        let engine = TrustEngine::in_memory(TrustModel::default());
        let did = issuer();
        let listed = TrustListEvidence::Listed {
            since: Some(NOW - 86_400),
        };
        let evaluation = engine
            .evaluate_issuer(&DID_KEY, &did, NOW, listed)
            .await
            .unwrap();
        assert_eq!(evaluation.factor(Factor::TakenOver).unwrap().score(), 1.0);
    }

    #[test]
    fn the_scope_is_in_json_only_when_it_is_the_issuer() {
        let model = TrustModel::default();
        let history = crate::trust::IssuerHistory::empty("did:example:issuer");
        let credential = model
            .evaluate(&TrustEvidence::new(NOW, "did:example:issuer"), &history)
            .unwrap();
        let json = serde_json::to_value(&credential).unwrap();
        assert!(
            json.get("scope").is_none(),
            "credential evaluations read as before"
        );
        let evidence = TrustEvidence::of_issuer(NOW, "did:example:issuer");
        let issuer = model.evaluate(&evidence, &history).unwrap();
        let json = serde_json::to_value(&issuer).unwrap();
        assert_eq!(json["scope"], "issuer");
        assert_eq!(
            serde_json::from_value::<TrustEvaluation>(json).unwrap(),
            issuer
        );
        let json = serde_json::to_value(&evidence).unwrap();
        assert_eq!(json["scope"], "issuer");
        assert_eq!(
            serde_json::from_value::<TrustEvidence>(json).unwrap(),
            evidence
        );
    }
}
