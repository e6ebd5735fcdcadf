//! The `avid-resolver` binary as an operator starts it: the login is served only with a
//! trusted issuer, signs with the key file it is given, and answers at its public URL.

use did_core::key::{KeyType, SecretKey};
use did_core::method::key::did_key;
use serde_json::{Value, json};

mod support;

use support::service::{Service, start};

async fn begin(service: &Service) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/login/requests", service.base))
        .json(&json!({"platform": "resonite"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn serves_the_login_with_a_trusted_issuer_and_the_given_key() {
    let issuer = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let verifier = SecretKey::generate(KeyType::Ed25519);
    let key_file = std::env::temp_dir().join(format!("h12-verifier-{}.jwk", std::process::id()));
    std::fs::write(
        &key_file,
        serde_json::to_string(&verifier.to_jwk()).unwrap(),
    )
    .unwrap();
    let service = start(&[
        "--trusted-issuer",
        issuer.as_str(),
        "--verifier-key",
        key_file.to_str().unwrap(),
        "--public-url",
        "https://world.example/",
    ])
    .await;
    let (status, created) = begin(&service).await;
    std::fs::remove_file(&key_file).unwrap();
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        created["request_uri"],
        format!("https://world.example/login/requests/{id}/request")
    );
    let verifier_did = did_key(&verifier.public_key());
    let url = created["openid4vp_url"].as_str().unwrap();
    let client_id = format!(
        "client_id=decentralized_identifier%3A{}",
        verifier_did.as_str().replace(':', "%3A")
    );
    assert!(url.contains(&client_id), "{url}");

    // The verification routes are always served.
    let response = reqwest::Client::new()
        .post(format!("{}/credentials/verify", service.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn serves_no_login_without_a_trusted_issuer() {
    let service = start(&[]).await;
    let (status, _) = begin(&service).await;
    assert_eq!(status, 404);
}

#[test]
fn rejects_replicas_without_a_shared_verifier_key() {
    let issuer = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--trusted-issuer",
            issuer.as_str(),
        ])
        .args(["--database", "postgres://nobody@127.0.0.1:1/none"])
        .env_clear()
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--verifier-key"), "{stderr}");
    assert!(
        !stderr.contains("nobody@"),
        "the database URL is never repeated"
    );
}
