//! End-to-end test of `avid bench`: the real binary reports every operation, the avatar ones
//! included, beside the bare Ed25519 baseline measured in the same run.

use std::process::{Command, Output};

use serde_json::Value;

fn avid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .output()
        .expect("the avid binary runs")
}

fn json_out(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {output:?}"))
}

#[test]
fn bench_reports_every_operation_beside_the_baseline() {
    let output = avid(&["bench", "--json", "--seconds", "0.05"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let rows = json_out(&output);
    let rows = rows.as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|row| {
            assert!(row["ns_per_op"].as_f64().unwrap() > 0.0, "{row}");
            assert!(row["ops_per_sec"].as_f64().unwrap() > 0.0, "{row}");
            row["name"].as_str().unwrap()
        })
        .collect();
    for name in [
        "ed25519_verify",
        "sd_jwt_kb_verify",
        "sd_jwt_kb_verify_batch",
        "sd_jwt_issue",
        "avatar_link_issue",
        "avatar_login_verify",
        "avatar_login_verify_passkey",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    // Each ratio is that operation's time over the baseline's, measured in the same run.
    let ns = |name: &str| {
        rows.iter()
            .find(|row| row["name"] == name)
            .and_then(|row| row["ns_per_op"].as_f64())
            .unwrap()
    };
    let baseline = ns("ed25519_verify");
    for row in rows {
        let expected = row["ns_per_op"].as_f64().unwrap() / baseline;
        let ratio = row["ratio_to_ed25519_verify"].as_f64().unwrap();
        assert!(
            (ratio - expected).abs() <= 0.006 + expected * 0.001,
            "{row}: {ratio} vs {expected}"
        );
    }
    // A presentation with key binding carries two signatures, so its verification costs more
    // than one bare signature check: a ratio at or below 1 means the baseline is not what it
    // claims to be. A login verifies such a presentation and more.
    let ratio = |name: &str| {
        rows.iter()
            .find(|row| row["name"] == name)
            .and_then(|row| row["ratio_to_ed25519_verify"].as_f64())
            .unwrap()
    };
    for name in [
        "sd_jwt_kb_verify",
        "avatar_login_verify",
        "avatar_login_verify_passkey",
    ] {
        assert!(
            ratio(name) > 1.0,
            "{name} at {} × ed25519_verify",
            ratio(name)
        );
    }
}

#[test]
fn rejects_a_zero_budget_as_a_usage_error() {
    assert_eq!(avid(&["bench", "--seconds", "0"]).status.code(), Some(2));
}
