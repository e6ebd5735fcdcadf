//! `avid verify` checks a credential's status in its issuer's Token Status List, fetched over
//! HTTP from a server this test runs on 127.0.0.1 (so `--allow-http` is needed, and without it
//! the address guard refuses the fetch).

use std::process::Command;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use did_core::jose::Algorithm;
use did_core::key::{KeyType, SecretKey};
use did_core::method::key::did_key;
use serde_json::{Value, json};
use vc_issuer::status::{StatusBits, StatusValue, TokenStatusList, issue_status_list_token};

const REVOKED: u64 = 3;
const SUSPENDED: u64 = 5;
const VALID: u64 = 7;

fn avid(args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .output()
        .expect("the avid binary runs");
    let body = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), body)
}

/// Serves `token` at `/lists/1` on `listener` from a thread of its own until `stop` fires.
fn serve(
    listener: std::net::TcpListener,
    token: String,
) -> (
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = Router::new().route(
                "/lists/1",
                get(move || {
                    let token = token.clone();
                    async move {
                        (
                            [(header::CONTENT_TYPE, "application/statuslist+jwt")],
                            token,
                        )
                    }
                }),
            );
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
    });
    (stop, thread)
}

#[test]
fn verify_reports_revoked_suspended_and_valid_from_the_issuers_list() {
    let dir = std::env::temp_dir().join(format!("avid-status-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let holder = SecretKey::generate(KeyType::Ed25519);
    let issuer_did = did_key(&issuer.public_key());
    let kid = issuer_did
        .with_fragment(&issuer.public_key().to_multikey())
        .unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}/lists/1", listener.local_addr().unwrap());
    let mut list = TokenStatusList::new(StatusBits::Two, 16).unwrap();
    list.set(REVOKED, StatusValue::Invalid).unwrap();
    list.set(SUSPENDED, StatusValue::Suspended).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signer = issuer.signer(Algorithm::Ed25519).unwrap();
    let token = issue_status_list_token(
        &list,
        &uri,
        &signer,
        kid.as_str(),
        now,
        Some(now + 600),
        Some(60),
    )
    .unwrap();
    let (stop, server) = serve(listener, token);

    let write = |name: &str, value: &Value| {
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let issuer_key = write(
        "issuer.jwk",
        &serde_json::to_value(issuer.to_jwk()).unwrap(),
    );
    let holder_key = write("holder.jwk", &json!(holder.public_key().to_jwk()));
    let claims = write("claims.json", &json!({"age_over_18": true}));

    let verify_index = |index: u64, allow_http: bool| {
        let (code, issued) = avid(&[
            "--json",
            "sd-jwt",
            "issue",
            "--issuer-key",
            &issuer_key,
            "--holder-key",
            &holder_key,
            "--claims",
            &claims,
            "--vct",
            "urn:avid:avatar-link:1",
            "--sd",
            "/age_over_18",
            "--status-list-uri",
            &uri,
            "--status-index",
            &index.to_string(),
        ]);
        assert_eq!(code, Some(0), "{issued}");
        let credential = write(&format!("credential-{index}"), &Value::Null);
        std::fs::write(&credential, issued["credential"].as_str().unwrap()).unwrap();
        let mut args = vec![
            "verify",
            "--json",
            credential.as_str(),
            "--trusted-issuer",
            issuer_did.as_str(),
        ];
        if allow_http {
            args.push("--allow-http");
        }
        avid(&args)
    };

    let cases = [(REVOKED, "revoked"), (SUSPENDED, "suspended")];
    let mut results: Vec<(Option<i32>, Value)> = cases
        .iter()
        .map(|(index, _)| verify_index(*index, true))
        .collect();
    results.push(verify_index(VALID, true));
    results.push(verify_index(VALID, false));

    for ((code, report), (_, expected)) in results.iter().zip(cases) {
        assert_eq!(*code, Some(1), "{report}");
        assert_eq!(report["errors"][0]["code"], expected, "{report}");
    }
    assert_eq!(results[2].0, Some(0), "valid entry: {}", results[2].1);
    assert_eq!(results[2].1["verified"], true);
    // Without --allow-http the guard refuses the loopback list: the status is unknown.
    assert_eq!(results[3].0, Some(1));
    assert_eq!(results[3].1["errors"][0]["code"], "status_unavailable");

    let _ = stop.send(());
    server.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
