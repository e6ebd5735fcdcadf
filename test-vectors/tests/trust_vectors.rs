//! avid's own trust-model vectors (`vectors/trust-golden.json`): evidence, history and
//! configuration in, the expected evaluation and policy decision out, compared to 1e-9; and
//! the weight-sensitivity run that `docs/trust.md` records, checked against the doc so that
//! the two cannot drift.

use serde_json::Value;
use vc_issuer::trust::{
    Binding, Factor, Indicator, IssuerHistory, TrustConfig, TrustDecision, TrustEvaluation,
    TrustEvent, TrustEvidence, TrustModel, TrustPolicy,
};

const GOLDEN: &str = include_str!("../vectors/trust-golden.json");
const DOC: &str = include_str!("../../docs/trust.md");

fn cases() -> Vec<Value> {
    let vectors: Value = serde_json::from_str(GOLDEN).expect("vector file is JSON");
    let cases = vectors["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty(), "no cases: the test would prove nothing");
    cases
}

fn config(case: &Value) -> TrustConfig {
    match &case["config"] {
        Value::Null => TrustConfig::default(),
        members => TrustConfig::from_json(&members.to_string()).expect("config validates"),
    }
}

fn inputs(case: &Value) -> (TrustEvidence, IssuerHistory) {
    let evidence: TrustEvidence =
        serde_json::from_value(case["evidence"].clone()).expect("evidence");
    let events: Vec<TrustEvent> = serde_json::from_value(case["history"].clone()).expect("history");
    let first_seen = case["first_seen"].as_i64();
    let history = IssuerHistory::from_events(evidence.issuer.clone(), first_seen, events);
    (evidence, history)
}

fn evaluate(config: TrustConfig, case: &Value) -> (TrustModel, TrustEvaluation, Binding) {
    let model = TrustModel::new(config).expect("valid config");
    let (evidence, history) = inputs(case);
    let evaluation = model.evaluate(&evidence, &history).expect("evaluates");
    (model, evaluation, evidence.binding)
}

fn decision_name(decision: &TrustDecision) -> &'static str {
    match decision {
        TrustDecision::Accepted => "accepted",
        TrustDecision::StepUp { .. } => "step_up",
        TrustDecision::Rejected { .. } => "rejected",
    }
}

/// `actual` equals `expected`: numbers to 1e-9, everything else exactly.
fn assert_close(actual: &Value, expected: &Value, path: &str) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            assert!((a - e).abs() <= 1e-9, "{path}: {a} != {e}");
        }
        (Value::Object(a), Value::Object(e)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(a), keys(e), "{path}: members differ");
            for (key, value) in e {
                assert_close(&a[key], value, &format!("{path}/{key}"));
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: lengths differ");
            for (i, (a, e)) in a.iter().zip(e).enumerate() {
                assert_close(a, e, &format!("{path}/{i}"));
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

#[test]
fn golden_evaluations_and_decisions() {
    for case in cases() {
        let name = case["name"].as_str().expect("name");
        let (model, evaluation, binding) = evaluate(config(&case), &case);
        let actual = serde_json::to_value(&evaluation).expect("serializes");
        assert_close(&actual, &case["expected"], name);
        // The expected evaluation reads back as an evaluation.
        let expected: TrustEvaluation =
            serde_json::from_value(case["expected"].clone()).expect("expected reads back");
        assert_eq!(expected.level, evaluation.level, "{name}");
        let policy: TrustPolicy = serde_json::from_value(case["policy"].clone()).expect("policy");
        let decision = policy.decide(&model, &evaluation, binding);
        assert_eq!(
            decision_name(&decision),
            case["expected_decision"],
            "{name}: {decision:?}"
        );
    }
}

#[test]
fn golden_cases_cover_every_level_and_decision() {
    let cases = cases();
    let levels: std::collections::BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c["expected"]["level"].as_str())
        .collect();
    let decisions: std::collections::BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c["expected_decision"].as_str())
        .collect();
    assert_eq!(levels.len(), 4, "levels seen: {levels:?}");
    assert_eq!(decisions.len(), 3, "decisions seen: {decisions:?}");
}

/// Every weight of the default configuration, scaled by 0.5 and by 1.5 in turn, over the
/// golden cases: the largest move of the index and how many levels change. The table is in
/// `docs/trust.md`; regenerate it with
/// `cargo test -p test-vectors --test trust_vectors weight_sensitivity -- --nocapture`.
fn sensitivity_table() -> String {
    let cases = cases();
    let baseline: Vec<TrustEvaluation> = cases
        .iter()
        .map(|c| evaluate(TrustConfig::default(), c).1)
        .collect();
    let mut rows = vec![
        "| weight | ×0.5: max Δindex | ×0.5: level changes | ×1.5: max Δindex | ×1.5: level changes |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    let names = Factor::ALL
        .into_iter()
        .map(|f| (format!("factor {f}"), Some(f), None))
        .chain(
            Indicator::ALL
                .into_iter()
                .map(|i| (format!("indicator {i}"), None, Some(i))),
        );
    for (name, factor, indicator) in names {
        let mut cells = Vec::new();
        for scale in [0.5, 1.5] {
            let mut config = TrustConfig::default();
            if let Some(f) = factor {
                *config.factor_weights.get_mut(&f).expect("weight") *= scale;
            }
            if let Some(i) = indicator {
                *config.indicator_weights.get_mut(&i).expect("weight") *= scale;
            }
            let (mut max_delta, mut changes) = (0.0f64, 0);
            for (case, before) in cases.iter().zip(&baseline) {
                let after = evaluate(config.clone(), case).1;
                let delta = after.index - before.index;
                if delta.abs() > max_delta.abs() {
                    max_delta = delta;
                }
                if after.level != before.level {
                    changes += 1;
                }
            }
            cells.push(format!("{max_delta:+.4}"));
            cells.push(format!("{changes} of {}", cases.len()));
        }
        rows.push(format!("| {name} | {} |", cells.join(" | ")));
    }
    rows.join("\n")
}

#[test]
fn weight_sensitivity() {
    let table = sensitivity_table();
    println!("{table}");
    assert!(
        DOC.contains(&table),
        "docs/trust.md does not hold the current sensitivity table; paste the printed one"
    );
}
