//! End-to-end tests of `avid trust evaluate`: the real binary, its output and exit codes.

use std::process::{Command, Output};

use did_core::key::{KeyType, SecretKey};
use did_core::method::key::did_key;
use serde_json::Value;

fn avid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .env_remove("AVID_WALLET")
        .output()
        .expect("the avid binary runs")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn a_did_key() -> String {
    did_key(&SecretKey::generate(KeyType::Ed25519).public_key())
        .as_str()
        .to_owned()
}

#[test]
fn evaluates_a_did_key_with_six_indicators() {
    let did = a_did_key();
    let output = avid(&["trust", "evaluate", &did, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let evaluation = stdout_json(&output);
    let indicators = evaluation["indicators"].as_object().unwrap();
    let names: Vec<&str> = indicators.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "accuracy",
            "stability",
            "controllability",
            "resilience",
            "adaptability",
            "security"
        ],
        "the six indicators of Table 1, in its order"
    );
    assert_eq!(evaluation["scope"], "issuer");
    assert_eq!(evaluation["level"], "low", "{evaluation}");
    let asset_safety = &indicators["security"]["factors"]["asset_safety"];
    assert_eq!(
        asset_safety["uncertainty"], 1.0,
        "not measured without a credential"
    );

    let human = avid(&["trust", "evaluate", &did]);
    assert_eq!(human.status.code(), Some(0));
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("trust: low"), "{text}");
    for indicator in names {
        assert!(text.contains(indicator), "{indicator} in {text}");
    }
}

#[test]
fn an_unresolvable_issuer_shows_the_failure_as_evidence_and_exits_1() {
    // Nothing listens on a port that was just free: the did:web host is unreachable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let did = format!("did:web:localhost%3A{port}");
    let output = avid(&["trust", "evaluate", &did, "--allow-http", "--json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let evaluation = stdout_json(&output);
    assert_eq!(evaluation["level"], "none");
    let backup = &evaluation["indicators"]["resilience"]["factors"]["backup"];
    assert_eq!(backup["score"], 0.0);
    assert!(
        backup["evidence"]
            .as_str()
            .unwrap()
            .contains("could not be resolved"),
        "{backup}"
    );
    let interruption = &evaluation["indicators"]["stability"]["factors"]["interruption"];
    assert!(
        interruption["evidence"]
            .as_str()
            .unwrap()
            .starts_with("0 of 1"),
        "{interruption}"
    );
}

#[test]
fn a_trust_list_that_names_the_issuer_measures_taken_over() {
    let did = a_did_key();
    let score = |args: &[&str]| {
        let mut all = vec!["trust", "evaluate", &did, "--json"];
        all.extend_from_slice(args);
        let evaluation = stdout_json(&avid(&all));
        evaluation["indicators"]["controllability"]["factors"]["taken_over"]["score"]
            .as_f64()
            .unwrap()
    };
    let other = a_did_key();
    assert_eq!(score(&["--trusted-issuer", &did]), 1.0);
    assert_eq!(score(&["--trusted-issuer", &other]), 0.0);
}

#[test]
fn rejects_a_bad_did_or_configuration_with_exit_2() {
    assert_eq!(
        avid(&["trust", "evaluate", "not-a-did"]).status.code(),
        Some(2)
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("model.json");
    std::fs::write(&config, r#"{"half_life_secs": -1}"#).unwrap();
    let output = avid(&[
        "trust",
        "evaluate",
        &a_did_key(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("half_life_secs"));
    // A valid configuration is used: its digest is the evaluation's.
    std::fs::write(&config, r#"{"half_life_secs": 86400}"#).unwrap();
    let output = avid(&[
        "trust",
        "evaluate",
        &a_did_key(),
        "--config",
        config.to_str().unwrap(),
        "--json",
    ]);
    let expected = vc_issuer::trust::TrustConfig::from_json(r#"{"half_life_secs": 86400}"#)
        .unwrap()
        .digest();
    assert_eq!(stdout_json(&output)["config_digest"], expected.as_str());
}
