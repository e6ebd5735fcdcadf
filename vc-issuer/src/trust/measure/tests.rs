//! The factors move with their evidence (issue 11 item 5, at the model level), stay in [0, 1]
//! for any input, and obey the decay law.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::super::config::TrustConfig;
use super::super::evaluation::{Level, TrustEvaluation};
use super::super::evidence::{
    Binding, DisclosureEvidence, ProfileEvidence, ResolutionEvidence, ResolutionSource,
    StatusEvidence, TrustEvidence, TrustListEvidence,
};
use super::super::factor::{Factor, Indicator};
use super::super::history::{IssuerHistory, TrustEvent};
use super::super::model::TrustModel;
use super::super::policy::{Shortfall, TrustDecision, TrustPolicy};
use super::measure_all;

const NOW: i64 = 1_750_000_000;
const DAY: i64 = 86_400;
const ISSUER: &str = "did:web:issuer.example";

/// A good first verification of a well-run did:web issuer: fresh credential and status
/// list (2-bit), resolved from the network, profile checks passed, the holder key proved,
/// exactly the requested claims disclosed, the issuer on the trust list.
fn good_evidence() -> TrustEvidence {
    let mut e = TrustEvidence::new(NOW, ISSUER);
    e.credential_issued_at = Some(NOW - DAY);
    e.credential_expires_at = Some(NOW + 99 * DAY);
    e.status = fresh_status(true);
    e.issuer_resolution = ResolutionEvidence {
        source: ResolutionSource::Network,
        latency_ms: Some(80.0),
    };
    e.verification_ms = Some(3.0);
    e.profile = ProfileEvidence {
        passed: ["typ", "vct", "forbidden_disclosure"]
            .map(String::from)
            .to_vec(),
        failed: vec![],
    };
    e.disclosure = Some(DisclosureEvidence {
        requested: names(&["age_over_18", "avatars"]),
        disclosed: names(&["age_over_18", "avatars"]),
        selectively_disclosable: 8,
        always_visible: 0,
    });
    e.binding = Binding::HolderKey;
    e.trust_list = TrustListEvidence::Listed {
        since: Some(NOW - 400 * DAY),
    };
    e.issuer_updatable = Some(true);
    e
}

fn fresh_status(suspendable: bool) -> StatusEvidence {
    StatusEvidence::Checked {
        token_issued_at: Some(NOW - 600),
        fetched_at: NOW - 60,
        ttl: Some(3_600),
        exp: Some(NOW + DAY),
        suspendable,
    }
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A month of daily resolutions and verifications, all good.
fn good_history() -> IssuerHistory {
    let events = (1..=30).flat_map(|day| {
        let at = NOW - day * DAY;
        [
            TrustEvent::resolution(ISSUER, at, true, Some(50.0 + day as f64), Some("k1".into())),
            TrustEvent::verification(ISSUER, at, true, vec![]),
        ]
    });
    IssuerHistory::from_events(ISSUER, None, events)
}

fn evaluate(evidence: &TrustEvidence, history: &IssuerHistory) -> TrustEvaluation {
    TrustModel::default().evaluate(evidence, history).unwrap()
}

fn score(evaluation: &TrustEvaluation, factor: Factor) -> f64 {
    evaluation.factor(factor).unwrap().score()
}

#[test]
fn both_factors_score_higher_asset_safety_than_holder_key_alone() {
    let history = good_history();
    let mut evidence = good_evidence();
    let key_alone = evaluate(&evidence, &history);
    evidence.binding = Binding::HolderKeyAndPasskey;
    let both = evaluate(&evidence, &history);
    assert!(score(&both, Factor::AssetSafety) > score(&key_alone, Factor::AssetSafety));
    assert!(
        both.indicators[&Indicator::Security].score
            > key_alone.indicators[&Indicator::Security].score
    );
    assert!(both.index > key_alone.index);
    assert_eq!(score(&both, Factor::AssetSafety), 2.0 / 3.0);
}

#[test]
fn stale_status_list_lowers_timeliness_and_supervision() {
    let fresh = evaluate(&good_evidence(), &good_history());
    let mut evidence = good_evidence();
    evidence.status = StatusEvidence::Checked {
        token_issued_at: Some(NOW - 4 * 3_600),
        fetched_at: NOW - 4 * 3_600,
        ttl: Some(3_600),
        exp: Some(NOW + DAY),
        suspendable: true,
    };
    let stale = evaluate(&evidence, &good_history());
    assert!(score(&stale, Factor::Timeliness) < score(&fresh, Factor::Timeliness));
    assert!(
        (score(&stale, Factor::Supervision) - 0.25).abs() < 1e-12,
        "ttl / age = 1/4"
    );
    assert_eq!(score(&fresh, Factor::Supervision), 1.0);
}

#[test]
fn expired_status_list_scores_no_supervision() {
    let mut evidence = good_evidence();
    evidence.status = StatusEvidence::Checked {
        token_issued_at: Some(NOW - 600),
        fetched_at: NOW - 60,
        ttl: Some(3_600),
        exp: Some(NOW - 1),
        suspendable: true,
    };
    let evaluation = evaluate(&evidence, &good_history());
    assert_eq!(score(&evaluation, Factor::Supervision), 0.0);
    assert_eq!(score(&evaluation, Factor::Timeliness), 0.0);
}

#[test]
fn failing_resolutions_lower_qos_and_interruption() {
    let good = evaluate(&good_evidence(), &good_history());
    let failing = good_history().events().to_vec().into_iter().map(|mut e| {
        if let super::super::history::TrustEventKind::Resolution { ok, key_digest, .. } =
            &mut e.kind
        {
            *ok = false;
            *key_digest = None;
        }
        e
    });
    let failing = IssuerHistory::from_events(ISSUER, None, failing);
    let bad = evaluate(&good_evidence(), &failing);
    for factor in [Factor::Qos, Factor::Interruption] {
        assert!(
            score(&bad, factor) < 0.1,
            "{factor}: {}",
            score(&bad, factor)
        );
        assert!(
            score(&good, factor) > 0.9,
            "{factor}: {}",
            score(&good, factor)
        );
    }
}

#[test]
fn slow_resolutions_lower_qos_but_not_interruption() {
    let slow = (1..=10).map(|day| {
        TrustEvent::resolution(
            ISSUER,
            NOW - day * DAY,
            true,
            Some(5_000.0),
            Some("k".into()),
        )
    });
    let slow = evaluate(
        &good_evidence(),
        &IssuerHistory::from_events(ISSUER, None, slow),
    );
    assert!(score(&slow, Factor::Qos) < 0.2);
    assert!(score(&slow, Factor::Interruption) > 0.8);
}

#[test]
fn issuer_not_on_the_trust_list_lowers_taken_over() {
    let listed = score(
        &evaluate(&good_evidence(), &good_history()),
        Factor::TakenOver,
    );
    let mut evidence = good_evidence();
    let mut taken_over = |list| {
        evidence.trust_list = list;
        score(&evaluate(&evidence, &good_history()), Factor::TakenOver)
    };
    let not_listed = taken_over(TrustListEvidence::NotListed);
    let unavailable = taken_over(TrustListEvidence::Unavailable);
    let listed_later = taken_over(TrustListEvidence::Listed {
        since: Some(NOW - 10),
    });
    assert_eq!((listed, not_listed, listed_later), (1.0, 0.0, 0.0));
    assert!(
        unavailable < 0.5,
        "an unavailable list never counts as listed: {unavailable}"
    );
}

#[test]
fn over_disclosure_lowers_privacy() {
    let exact = score(
        &evaluate(&good_evidence(), &good_history()),
        Factor::Privacy,
    );
    let mut evidence = good_evidence();
    if let Some(d) = &mut evidence.disclosure {
        d.disclosed.extend(names(&["email", "phone_number"]));
    }
    let over = evaluate(&evidence, &good_history());
    assert_eq!(exact, 1.0);
    assert_eq!(score(&over, Factor::Privacy), 0.5);
    let text = over.factor(Factor::Privacy).unwrap().evidence();
    assert!(text.contains("email") && text.contains("2 of 4"), "{text}");
}

#[test]
fn below_threshold_rejects_or_steps_up_per_policy() {
    let model = TrustModel::default();
    let evidence = good_evidence();
    let evaluation = model.evaluate(&evidence, &good_history()).unwrap();
    let mut policy = TrustPolicy::new(Level::Substantial);
    policy.min_indicators.insert(Indicator::Security, 0.7);

    match policy.decide(&model, &evaluation, Binding::HolderKey) {
        TrustDecision::Rejected { reason } => {
            assert!(
                reason.contains("security 0.577 < required 0.700"),
                "{reason}"
            )
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    policy.on_shortfall = Shortfall::StepUp;
    assert!(matches!(
        policy.decide(&model, &evaluation, Binding::HolderKey),
        TrustDecision::StepUp {
            ask: Binding::HolderKeyAndPasskey,
            ..
        }
    ));
    // The passkey, once proved, meets the policy.
    let mut stepped = evidence.clone();
    stepped.binding = Binding::HolderKeyAndPasskey;
    let stepped = model.evaluate(&stepped, &good_history()).unwrap();
    assert_eq!(
        policy.decide(&model, &stepped, Binding::HolderKeyAndPasskey),
        TrustDecision::Accepted
    );
    // A passkey cannot help when security is not what falls short.
    policy.min_indicators.insert(Indicator::Resilience, 0.99);
    let mut weak = evidence;
    weak.status = fresh_status(false);
    let weak = model.evaluate(&weak, &good_history()).unwrap();
    match policy.decide(&model, &weak, Binding::HolderKey) {
        TrustDecision::Rejected { reason } => assert!(reason.contains("resilience"), "{reason}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn below_level_names_the_level_and_the_unmet_condition() {
    let model = TrustModel::default();
    let evaluation = model
        .evaluate(&good_evidence(), &IssuerHistory::empty(ISSUER))
        .unwrap();
    assert_eq!(evaluation.level, Level::Substantial, "no history: not high");
    let decision = TrustPolicy::new(Level::High).decide(&model, &evaluation, Binding::HolderKey);
    match decision {
        TrustDecision::Rejected { reason } => {
            assert!(
                reason.starts_with("level substantial is below high ("),
                "{reason}"
            );
            assert!(reason.contains("uncertainty"), "{reason}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_good_history_reaches_high() {
    let mut evidence = good_evidence();
    evidence.binding = Binding::HolderKeyAndPasskey;
    let evaluation = evaluate(&evidence, &good_history());
    assert_eq!(evaluation.level, Level::High, "{evaluation:#?}");
}

#[test]
fn issuer_fault_failures_lower_accident_holder_faults_do_not() {
    let failures = |code: &str| {
        let events = (1..=10).map(|day| {
            TrustEvent::verification(ISSUER, NOW - day * DAY, false, vec![code.to_owned()])
        });
        evaluate(
            &good_evidence(),
            &IssuerHistory::from_events(ISSUER, None, events),
        )
    };
    let issuer_side = failures("bad_signature");
    let holder_side = failures("nonce_mismatch");
    assert!(score(&issuer_side, Factor::Accident) < 0.2);
    assert!(score(&holder_side, Factor::Accident) > 0.8);
    assert!(
        score(&holder_side, Factor::Qoe) < 0.2,
        "qoe counts every failure"
    );
}

#[test]
fn key_changes_lower_variability() {
    let resolutions = |digests: &[&str]| {
        let events = digests.iter().enumerate().map(|(i, d)| {
            TrustEvent::resolution(
                ISSUER,
                NOW - (10 - i as i64) * DAY,
                true,
                Some(50.0),
                Some((*d).into()),
            )
        });
        score(
            &evaluate(
                &good_evidence(),
                &IssuerHistory::from_events(ISSUER, None, events),
            ),
            Factor::Variability,
        )
    };
    let steady = resolutions(&["a", "a", "a", "a", "a", "a"]);
    let churning = resolutions(&["a", "b", "c", "d", "e", "f"]);
    assert!(steady > 0.7 && churning < 0.3, "{steady} {churning}");
}

#[test]
fn erratic_latency_is_less_predictable_than_steady() {
    let latencies = |values: &[f64]| {
        let events = values.iter().enumerate().map(|(i, ms)| {
            TrustEvent::resolution(
                ISSUER,
                NOW - i as i64 * 3_600,
                true,
                Some(*ms),
                Some("k".into()),
            )
        });
        score(
            &evaluate(
                &good_evidence(),
                &IssuerHistory::from_events(ISSUER, None, events),
            ),
            Factor::Predictability,
        )
    };
    let steady = latencies(&[50.0; 8]);
    let erratic = latencies(&[5.0, 500.0, 5.0, 500.0, 5.0, 500.0, 5.0, 500.0]);
    let unmeasured = latencies(&[f64::NAN, f64::INFINITY, -1.0, 50.0]);
    assert!(steady > erratic, "{steady} {erratic}");
    assert_eq!(
        unmeasured, 0.5,
        "one real measurement: unknown at the base rate"
    );
}

#[test]
fn maturity_grows_with_the_time_the_issuer_is_known() {
    let known_for = |days: i64| {
        let history = IssuerHistory::from_events(ISSUER, Some(NOW - days * DAY), []);
        score(&evaluate(&good_evidence(), &history), Factor::Maturity)
    };
    assert_eq!(
        known_for(0),
        0.5,
        "new is no evidence of bad: the base rate"
    );
    assert!(
        (known_for(90) - 0.75).abs() < 1e-12,
        "b = u = ½ at the horizon"
    );
    assert!(known_for(365) > known_for(90));
    let never = score(
        &evaluate(&good_evidence(), &IssuerHistory::empty(ISSUER)),
        Factor::Maturity,
    );
    assert_eq!(never, 0.5);
}

#[test]
fn stale_cache_lowers_backup_as_its_window_is_spent() {
    let backup = |source| {
        let mut evidence = good_evidence();
        evidence.issuer_resolution.source = source;
        score(&evaluate(&evidence, &good_history()), Factor::Backup)
    };
    let stale = |stale_for| ResolutionSource::StaleCache {
        stale_for,
        stale_window: 100,
    };
    assert_eq!(backup(ResolutionSource::Network), 1.0);
    assert_eq!(backup(ResolutionSource::FreshCache), 1.0);
    assert_eq!(backup(stale(0)), 0.5);
    assert_eq!(backup(stale(50)), 0.25);
    assert_eq!(backup(stale(500)), 0.0);
    assert_eq!(backup(ResolutionSource::Failed), 0.0);
}

#[test]
fn suspension_scores_reset_above_revocation_alone_and_no_status_lowest() {
    let reset = |status| {
        let mut evidence = good_evidence();
        evidence.status = status;
        score(&evaluate(&evidence, &good_history()), Factor::Reset)
    };
    assert_eq!(reset(fresh_status(true)), 1.0);
    assert_eq!(reset(fresh_status(false)), 0.5);
    assert_eq!(reset(StatusEvidence::NotReferenced), 0.0);
    let unread = reset(StatusEvidence::Unavailable);
    assert!(unread > 0.5 && unread < 1.0, "{unread}");
}

#[test]
fn no_status_list_is_disbelief_in_supervision() {
    let mut evidence = good_evidence();
    evidence.status = StatusEvidence::NotReferenced;
    let evaluation = evaluate(&evidence, &good_history());
    let supervision = evaluation.factor(Factor::Supervision).unwrap();
    assert_eq!((supervision.score(), supervision.uncertainty()), (0.0, 0.0));
    evidence.status = StatusEvidence::NotChecked;
    let unchecked = evaluate(&evidence, &good_history());
    assert_eq!(score(&unchecked, Factor::Supervision), 0.1, "low base rate");
    assert_eq!(
        unchecked.factor(Factor::Supervision).unwrap().uncertainty(),
        1.0
    );
}

#[test]
fn unmeasured_things_are_uncertain_not_zero() {
    let evaluation = evaluate(
        &TrustEvidence::new(NOW, ISSUER),
        &IssuerHistory::empty(ISSUER),
    );
    for factor in [
        Factor::Qoe,
        Factor::Qos,
        Factor::Resource,
        Factor::Flexibility,
        Factor::Privacy,
        Factor::Adjustment,
        Factor::Maturity,
    ] {
        let f = evaluation.factor(factor).unwrap();
        assert_eq!((f.uncertainty(), f.score()), (1.0, 0.5), "{factor}");
    }
    let mut evidence = good_evidence();
    evidence.verification_ms = Some(f64::NAN);
    assert_eq!(
        score(&evaluate(&evidence, &good_history()), Factor::Resource),
        0.5
    );
    evidence.verification_ms = Some(f64::INFINITY);
    assert_eq!(
        score(&evaluate(&evidence, &good_history()), Factor::Resource),
        0.0
    );
    evidence.verification_ms = Some(400.0);
    assert_eq!(
        score(&evaluate(&evidence, &good_history()), Factor::Resource),
        0.25
    );
}

#[test]
fn an_event_weighs_half_after_one_half_life() {
    let config = TrustConfig::default();
    let half_life = config.half_life_secs as i64;
    let one = |age: i64| {
        let events = [TrustEvent::verification(ISSUER, NOW - age, true, vec![])];
        let history = IssuerHistory::from_events(ISSUER, None, events);
        evaluate(&good_evidence(), &history)
            .factor(Factor::Qoe)
            .unwrap()
            .opinion()
            .belief()
    };
    assert!((one(0) - 1.0 / 3.0).abs() < 1e-12, "r = 1, W = 2");
    assert!((one(half_life) - 0.5 / 2.5).abs() < 1e-12, "r = ½");
    assert!((one(2 * half_life) - 0.25 / 2.25).abs() < 1e-12, "r = ¼");
    assert!(
        (one(-DAY) - 1.0 / 3.0).abs() < 1e-12,
        "a future event weighs 1, never more"
    );
}

#[test]
fn rejects_the_history_of_another_issuer() {
    let other = IssuerHistory::empty("did:web:other.example");
    let error = TrustModel::default()
        .evaluate(&good_evidence(), &other)
        .unwrap_err();
    assert!(
        error.to_string().contains("did:web:other.example"),
        "{error}"
    );
}

#[test]
fn evaluation_has_the_shape_of_issue_11_and_reads_back() {
    let evaluation = evaluate(&good_evidence(), &good_history());
    let json = serde_json::to_value(&evaluation).unwrap();
    for member in [
        "level",
        "index",
        "uncertainty",
        "model",
        "config_digest",
        "evaluated_at",
    ] {
        assert!(json.get(member).is_some(), "{member}");
    }
    assert_eq!(json["model"], "avid-trust/1");
    let qoe = &json["indicators"]["accuracy"]["factors"]["qoe"];
    assert!(qoe["score"].is_f64() && qoe["uncertainty"].is_f64() && qoe["evidence"].is_string());
    assert!(json["indicators"]["security"]["factors"]["asset_safety"]["score"].is_f64());
    assert_eq!(
        serde_json::from_value::<TrustEvaluation>(json).unwrap(),
        evaluation
    );
}

#[test]
fn weakest_lists_the_lowest_indicators_first() {
    let mut evidence = good_evidence();
    evidence.trust_list = TrustListEvidence::NotListed;
    let evaluation = evaluate(&evidence, &good_history());
    let weakest = evaluation.weakest(2);
    assert_eq!(weakest.len(), 2);
    assert_eq!(weakest[0].0, Indicator::Controllability);
    assert!(weakest[0].1 <= weakest[1].1);
}

// ---- properties ----

fn any_time() -> impl Strategy<Value = i64> {
    prop_oneof![
        NOW - 400 * DAY..NOW + DAY,
        Just(i64::MIN),
        Just(i64::MAX),
        Just(NOW)
    ]
}

fn any_latency() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(f64::INFINITY)),
        Just(Some(-1.0)),
        (0.0..5_000.0f64).prop_map(Some),
    ]
}

fn any_event() -> impl Strategy<Value = TrustEvent> {
    prop_oneof![
        (
            any_time(),
            any::<bool>(),
            any_latency(),
            prop::option::of("[ab]")
        )
            .prop_map(|(at, ok, latency, digest)| TrustEvent::resolution(
                ISSUER, at, ok, latency, digest
            )),
        (
            any_time(),
            any::<bool>(),
            prop::sample::subsequence(vec!["bad_signature", "expired", "nonce_mismatch"], 0..3)
        )
            .prop_map(|(at, ok, codes)| TrustEvent::verification(
                ISSUER,
                at,
                ok,
                codes.into_iter().map(String::from).collect()
            )),
    ]
}

fn any_history() -> impl Strategy<Value = IssuerHistory> {
    (
        prop::option::of(any_time()),
        prop::collection::vec(any_event(), 0..40),
    )
        .prop_map(|(first, events)| IssuerHistory::from_events(ISSUER, first, events))
}

fn any_status() -> impl Strategy<Value = StatusEvidence> {
    prop_oneof![
        Just(StatusEvidence::NotReferenced),
        Just(StatusEvidence::NotChecked),
        Just(StatusEvidence::Unavailable),
        (
            prop::option::of(any_time()),
            any_time(),
            prop::option::of(any::<u64>()),
            prop::option::of(any_time()),
            any::<bool>()
        )
            .prop_map(|(token_issued_at, fetched_at, ttl, exp, suspendable)| {
                StatusEvidence::Checked {
                    token_issued_at,
                    fetched_at,
                    ttl,
                    exp,
                    suspendable,
                }
            }),
    ]
}

fn any_binding() -> impl Strategy<Value = Binding> {
    prop::sample::select(vec![
        Binding::None,
        Binding::HolderKey,
        Binding::HolderKeyAndPasskey,
        Binding::HardwareKey,
    ])
}

fn any_claims() -> impl Strategy<Value = BTreeSet<String>> {
    prop::collection::btree_set("[a-e]", 0..5)
}

fn any_evidence() -> impl Strategy<Value = TrustEvidence> {
    (
        (
            prop::option::of(any_time()),
            prop::option::of(any_time()),
            any_status(),
            any_latency(),
        ),
        (
            prop::sample::select(vec![
                ResolutionSource::Network,
                ResolutionSource::FreshCache,
                ResolutionSource::StaleCache {
                    stale_for: 30,
                    stale_window: 60,
                },
                ResolutionSource::StaleCache {
                    stale_for: 30,
                    stale_window: 0,
                },
                ResolutionSource::Failed,
            ]),
            any_latency(),
            (0usize..4, 0usize..4),
        ),
        (
            prop::option::of((any_claims(), any_claims(), 0usize..10, 0usize..10)),
            any_binding(),
            prop::sample::select(vec![
                TrustListEvidence::NotConfigured,
                TrustListEvidence::NotListed,
                TrustListEvidence::Unavailable,
                TrustListEvidence::Listed { since: None },
                TrustListEvidence::Listed {
                    since: Some(NOW - DAY),
                },
            ]),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (iat, exp, status, verification_ms),
                (source, latency_ms, (passed, failed)),
                (disclosure, binding, trust_list, updatable),
            )| {
                let mut e = TrustEvidence::new(NOW, ISSUER);
                e.credential_issued_at = iat;
                e.credential_expires_at = exp;
                e.status = status;
                e.verification_ms = verification_ms;
                e.issuer_resolution = ResolutionEvidence { source, latency_ms };
                e.profile = ProfileEvidence {
                    passed: vec!["typ".into(); passed],
                    failed: vec!["vct".into(); failed],
                };
                e.disclosure =
                    disclosure.map(|(requested, disclosed, sd, visible)| DisclosureEvidence {
                        requested,
                        disclosed,
                        selectively_disclosable: sd,
                        always_visible: visible,
                    });
                e.binding = binding;
                e.trust_list = trust_list;
                e.issuer_updatable = updatable;
                e
            },
        )
}

fn valid_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

proptest! {
    #[test]
    fn every_score_and_opinion_is_in_the_unit_interval(
        evidence in any_evidence(), history in any_history()
    ) {
        let config = TrustConfig::default();
        for (factor, s) in measure_all(&config, &evidence, &history) {
            let o = s.opinion();
            prop_assert!(valid_unit(s.score()), "{factor}: {s:?}");
            for part in [o.belief(), o.disbelief(), o.uncertainty(), o.base_rate()] {
                prop_assert!(valid_unit(part), "{factor}: {s:?}");
            }
            prop_assert!((o.belief() + o.disbelief() + o.uncertainty() - 1.0).abs() < 1e-9, "{factor}: {s:?}");
        }
        let evaluation = evaluate(&evidence, &history);
        prop_assert!(valid_unit(evaluation.index) && valid_unit(evaluation.uncertainty));
    }

    #[test]
    fn more_successes_never_lower_qos_or_qoe(
        evidence in any_evidence(), history in any_history(), at in NOW - 100 * DAY..=NOW
    ) {
        let before = evaluate(&evidence, &history);
        let mut events = history.events().to_vec();
        events.push(TrustEvent::resolution(ISSUER, at, true, Some(10.0), None));
        events.push(TrustEvent::verification(ISSUER, at, true, vec![]));
        let after = evaluate(&evidence, &IssuerHistory::from_events(ISSUER, history.first_seen(), events));
        for factor in [Factor::Qos, Factor::Qoe, Factor::Interruption, Factor::Accident] {
            prop_assert!(score(&after, factor) >= score(&before, factor) - 1e-12, "{factor}");
        }
    }

    #[test]
    fn an_older_status_list_never_raises_timeliness_or_supervision(
        mut evidence in any_evidence(), history in any_history(),
        iat in NOW - 10 * DAY..=NOW, older in 0i64..DAY, ttl in prop::option::of(0u64..DAY as u64),
    ) {
        let status = |token_issued_at| StatusEvidence::Checked {
            token_issued_at: Some(token_issued_at), fetched_at: NOW, ttl, exp: None, suspendable: true,
        };
        evidence.status = status(iat);
        let newer = evaluate(&evidence, &history);
        evidence.status = status(iat - older);
        let older = evaluate(&evidence, &history);
        for factor in [Factor::Timeliness, Factor::Supervision] {
            prop_assert!(score(&older, factor) <= score(&newer, factor) + 1e-12, "{factor}");
        }
    }

    #[test]
    fn a_stronger_binding_never_lowers_asset_safety_or_the_level(
        mut evidence in any_evidence(), history in any_history(), a in any_binding(), b in any_binding()
    ) {
        let (weaker, stronger) = if a <= b { (a, b) } else { (b, a) };
        evidence.binding = weaker;
        let before = evaluate(&evidence, &history);
        evidence.binding = stronger;
        let after = evaluate(&evidence, &history);
        prop_assert!(score(&after, Factor::AssetSafety) >= score(&before, Factor::AssetSafety));
        prop_assert!(after.index >= before.index - 1e-12);
        prop_assert!(after.level >= before.level);
    }

    #[test]
    fn more_over_disclosure_never_raises_privacy(
        mut evidence in any_evidence(), history in any_history(),
        requested in any_claims(), disclosed in any_claims(), extra in "[f-j]",
    ) {
        evidence.disclosure = Some(DisclosureEvidence { requested, disclosed, selectively_disclosable: 5, always_visible: 1 });
        let before = evaluate(&evidence, &history);
        if let Some(d) = &mut evidence.disclosure {
            d.disclosed.insert(extra);
        }
        let after = evaluate(&evidence, &history);
        prop_assert!(score(&after, Factor::Privacy) <= score(&before, Factor::Privacy));
    }

    #[test]
    fn history_aged_far_out_falls_back_to_uncertainty_and_the_base_rate(
        evidence in any_evidence(), events in prop::collection::vec(any_event(), 1..40)
    ) {
        // Every event 100 half-lives old: its weight is 2^-100.
        let config = TrustConfig::default();
        let old = NOW - 100 * config.half_life_secs as i64;
        let events = events.into_iter().map(|mut e| { e.at = old; e });
        let history = IssuerHistory::from_events(ISSUER, None, events);
        let evaluation = evaluate(&evidence, &history);
        for factor in [Factor::Qoe, Factor::Qos, Factor::Interruption, Factor::Accident, Factor::Variability, Factor::Predictability] {
            let f = evaluation.factor(factor).unwrap();
            prop_assert!(f.uncertainty() > 1.0 - 1e-9, "{factor}: {f:?}");
            prop_assert!((f.score() - config.base_rate).abs() < 1e-9, "{factor}: {f:?}");
        }
    }
}
