//! `avid trust evaluate`: the trust in an issuer alone, measured by `vc_issuer::trust` from a
//! probe of its DID with an in-memory history, printed as a short table per indicator (or the
//! evaluation as JSON); and that table's renderer, which every command that shows a trust
//! evaluation uses.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use did_core::did::Did;
use did_core::excerpt::excerpt;
use vc_issuer::trust::{
    EvaluationScope, TrustConfig, TrustEngine, TrustEvaluation, TrustListEvidence, TrustModel,
};

use crate::cli::TrustEvaluateArgs;
use crate::network;
use crate::output::{Failure, Output};

/// Runs `avid trust evaluate`: exit 0 when the level is above `none`, 1 when it is `none`
/// (nothing can be trusted of the issuer; the evaluation, with the evidence of why, is printed
/// either way), 2 for a DID or a configuration that cannot be used.
pub fn evaluate(args: &TrustEvaluateArgs, out: &Output) -> Result<(), Failure> {
    let issuer = Did::parse(&args.did)
        .map_err(|err| Failure::usage(format!("{} is not a DID: {err}", excerpt(&args.did))))?;
    let model = match &args.config {
        None => TrustModel::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|err| Failure::usage(format!("cannot read {}: {err}", path.display())))?;
            TrustConfig::from_json(&text)
                .and_then(TrustModel::new)
                .map_err(|err| Failure::usage(format!("{}: {err}", path.display())))?
        }
    };
    let trust_list = if args.trusted_issuer.is_empty() {
        TrustListEvidence::NotConfigured
    } else {
        let listed: BTreeSet<&str> = args.trusted_issuer.iter().map(String::as_str).collect();
        if listed.contains(issuer.as_str()) {
            TrustListEvidence::Listed { since: None }
        } else {
            TrustListEvidence::NotListed
        }
    };
    let resolver = network::resolver(args.allow_http)?;
    let engine = TrustEngine::in_memory(model);
    let now = i64::try_from(did_core::time::unix_now()).unwrap_or(i64::MAX);
    let evaluation = network::runtime()?
        .block_on(engine.evaluate_issuer(resolver.as_ref(), &issuer, now, trust_list))
        .map_err(|err| Failure::rejected("trustUnavailable", err.to_string()))?;

    if out.json() {
        out.print_json(&serde_json::to_value(&evaluation).unwrap_or_default());
    } else {
        say!("issuer {}", issuer.as_str());
        say!("{}", trust_table(&evaluation).trim_end());
    }
    if evaluation.level > vc_issuer::trust::Level::None {
        Ok(())
    } else {
        Err(Failure::rejected("trustNone", "the issuer reaches no level of trust").silent())
    }
}

/// An evaluation as people read it: the level, index and uncertainty on one line, then one
/// line per indicator with its score, its weakest factor and that factor's evidence. A factor
/// the evaluation's scope does not measure is never the weakest; an indicator without a
/// measured factor says so. Evidence is excerpted (it may quote names from the input).
pub(crate) fn trust_table(evaluation: &TrustEvaluation) -> String {
    let mut table = String::new();
    let _ = writeln!(
        table,
        "trust: {} (index {:.2}, uncertainty {:.2}){}",
        evaluation.level,
        evaluation.index,
        evaluation.uncertainty,
        match evaluation.scope {
            EvaluationScope::Issuer => "; issuer alone: credential factors not measured",
            EvaluationScope::Credential => "",
        }
    );
    let _ = writeln!(
        table,
        "  {:<16} {:>5}  {:<22} evidence",
        "indicator", "score", "weakest factor"
    );
    for (indicator, scores) in &evaluation.indicators {
        let weakest = scores
            .factors
            .iter()
            .filter(|(factor, _)| evaluation.scope.measures(**factor))
            .min_by(|a, b| a.1.score().total_cmp(&b.1.score()));
        let (factor, evidence) = match weakest {
            Some((factor, score)) => (
                format!("{factor} {:.2}", score.score()),
                excerpt(score.evidence()),
            ),
            None => (
                "-".to_owned(),
                "not measured without a credential".to_owned(),
            ),
        };
        let _ = writeln!(
            table,
            "  {:<16} {:>5.2}  {:<22} {evidence}",
            indicator.name(),
            scores.score,
            factor
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use vc_issuer::trust::{IssuerHistory, TrustEvent, TrustEvidence};

    #[test]
    fn the_table_names_each_indicator_and_its_weakest_measured_factor() {
        let issuer = "did:web:issuer.example";
        let history = IssuerHistory::from_events(
            issuer,
            None,
            [TrustEvent::resolution(issuer, 900, false, None, None)],
        );
        let mut evidence = TrustEvidence::of_issuer(1_000, issuer);
        evidence.issuer_updatable = Some(true);
        let evaluation = TrustModel::default().evaluate(&evidence, &history).unwrap();
        let table = trust_table(&evaluation);
        assert!(table.starts_with("trust: none (index 0.00"), "{table}");
        assert!(table.contains("issuer alone"));
        assert_eq!(table.lines().count(), 2 + 6, "{table}");
        let resilience = table.lines().find(|l| l.contains("resilience")).unwrap();
        assert!(resilience.contains("backup 0.00"), "{resilience}");
        assert!(resilience.contains("could not be resolved"), "{resilience}");
        let security = table.lines().find(|l| l.contains("security")).unwrap();
        assert!(security.contains("not measured"), "{security}");
        assert!(
            !table.contains("no credential: issuer evaluation"),
            "never the weakest"
        );
    }
}
