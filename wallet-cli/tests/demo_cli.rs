//! `avid demo` end to end — the real binary plays the whole story (issuer, holder wallet, a world
//! on loopback) and its summary shows a login granted with both factors that disclosed exactly
//! what the world asked, a replay refused, a revoked credential refused, and a clean audit; and
//! the shell completions, generated from the same parser.

use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn avid(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .env_remove("AVID_PASSPHRASE")
        .env_remove("AVID_WALLET")
        .env_remove("AVID_ISSUER_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("avid runs")
}

#[test]
fn the_demo_logs_in_with_two_factors_then_refuses_a_replay_and_a_revocation() {
    let kept = tempfile::tempdir().expect("temp dir");
    let dir = kept.path().join("demo");
    let output = avid(&["--json", "demo", "--keep", dir.to_str().expect("utf-8")]);
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).expect("a JSON summary");
    let outcome = &summary["login"]["outcome"];
    assert_eq!(outcome["status"], json!("granted"), "{summary}");
    assert_eq!(
        outcome["result"]["factors"],
        json!(["holder_key", "passkey"])
    );
    assert_eq!(outcome["result"]["avatar"]["platform"], json!("resonite"));
    // The world measured its trust in the issuer, with both factors proved.
    let trust = &outcome["result"]["report"]["trust"];
    assert!(trust["level"].is_string(), "{trust}");
    assert_eq!(
        trust["indicators"]["security"]["factors"]["asset_safety"]["score"].as_f64(),
        Some(2.0 / 3.0),
        "{trust}"
    );
    let disclosed = summary["disclosed"].as_array().expect("disclosed claims");
    assert_eq!(disclosed.len(), 3, "{disclosed:?}");
    assert!(disclosed.contains(&json!("age_over_18")) && disclosed.contains(&json!("passkey")));
    assert_eq!(summary["replay"]["status"], json!(400));
    assert_eq!(summary["after_revocation"]["status"], json!("refused"));
    assert_eq!(summary["audit"]["intact"], json!(true));
    // Kept: the issuer, the wallet, and what they exchanged.
    for kept in ["issuer", "wallet", "links.json", "login-response.form"] {
        assert!(dir.join(kept).exists(), "{kept} kept");
    }
}

#[test]
fn rejects_keeping_into_a_directory_that_is_not_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("something"), b"x").expect("written");
    let output = avid(&["demo", "--keep", dir.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        1,
        "nothing was added"
    );
}

#[test]
fn completions_cover_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = avid(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).expect("utf-8");
        for command in ["issuer", "login", "credential", "demo", "passkey-challenge"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    assert_eq!(
        avid(&["completions", "powershell-7"]).status.code(),
        Some(2)
    );
}
