//! The trust lifecycle of `avid-resolver` over real HTTP on loopback, the binary as a child
//! process: a did:web issuer served by a test host, evaluated at start-up and on demand; the
//! host goes down and later evaluations show it (qos, interruption, backup from the stale
//! cache), the history keeps the failures, and the alert fires; the configuration file is
//! reloaded while the service runs (file change and SIGHUP), its policy reaching the verify
//! routes; bad inputs are refused.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use did_core::key::{KeyType, SecretKey};
use serde_json::{Value, json};
use support::did_web::DidWebHost;
use support::service::free_port;
use vc_issuer::sd_jwt::ClaimPath;
use vc_issuer::sd_jwt_vc::KeyBindingRequest;
use vc_issuer::trust::TrustConfig;

/// `avid-resolver` with a trust configuration file, its stderr kept in a file.
struct Service {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// Starts the service with `config` as its trust file (and the cache's ttl at 0, so that
    /// each evaluation asks the issuer's host) plus `args`, and waits for `/health`.
    async fn start(config: &Value, args: &[&str]) -> Service {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("trust.json"), config.to_string()).unwrap();
        Service::start_in(dir, args).await
    }

    async fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Service {
        let listen = format!("127.0.0.1:{}", free_port());
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
            .args(["--listen", &listen, "--allow-http", "--cache-ttl", "0"])
            .arg("--trust-config")
            .arg(dir.path().join("trust.json"))
            .args(args)
            .env_clear()
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let service = Service {
            child,
            base: format!("http://{listen}"),
            dir,
        };
        for _ in 0..200 {
            if reqwest::get(format!("{}/health", service.base))
                .await
                .is_ok()
            {
                return service;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("avid-resolver did not start: {}", service.log());
    }

    /// Stops the service, keeping its directory.
    fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("trust.json")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    async fn evaluate(&self, issuer: &str) -> Value {
        let (status, body) = self.post(&json!({ "issuer": issuer }).to_string()).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn post(&self, body: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/trust/evaluate", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn issuer(&self, did: &str) -> (u16, Value) {
        let response = reqwest::get(format!("{}/trust/issuers/{did}", self.base))
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn metrics(&self) -> String {
        reqwest::get(format!("{}/metrics", self.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

fn factor(evaluation: &Value, indicator: &str, factor: &str) -> f64 {
    evaluation["indicators"][indicator]["factors"][factor]["score"]
        .as_f64()
        .unwrap_or_else(|| panic!("{indicator}.{factor} in {evaluation}"))
}

/// Waits until `check` holds, for at most `limit`.
async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_did_web_host_lowers_qos_and_interruption_and_raises_the_alert() {
    let host = DidWebHost::start(true, Duration::ZERO).await;
    let config = json!({
        "issuers": [host.did],
        "interval": 3600,
        // Between the index of a did:web issuer that serves (about 0.6 here: no trust list,
        // no credential) and that of one whose host failed six times in nine (about 0.48).
        "alert_below": {"index": 0.55},
    });
    let service = Service::start(&config, &[]).await;

    // Evaluated at start-up.
    let started_up = eventually(Duration::from_secs(10), || async {
        let (_, report) = service.issuer(&host.did).await;
        report["evaluations"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    })
    .await;
    assert!(started_up, "no start-up evaluation: {}", service.log());

    // On demand, while the host serves.
    service.evaluate(&host.did).await;
    let up = service.evaluate(&host.did).await;
    assert_eq!(up["scope"], "issuer");
    assert_ne!(up["level"], "none", "a working issuer: {up}");
    assert!(
        up["index"].as_f64().unwrap() > 0.55,
        "above the alert threshold: {up}"
    );
    assert_eq!(factor(&up, "resilience", "backup"), 1.0);
    let metrics = service.metrics().await;
    let watched = host.did.as_str();
    assert!(
        metrics.contains(&format!("avid_trust_index{{issuer=\"{watched}\"}} ")),
        "{metrics}"
    );
    assert!(metrics.contains(&format!(
        "avid_trust_indicator{{issuer=\"{watched}\",indicator=\"stability\"}} "
    )));
    assert!(metrics.contains(&format!("avid_trust_level{{issuer=\"{watched}\"}} ")));
    assert!(metrics.contains(&format!("avid_trust_alert{{issuer=\"{watched}\"}} 0\n")));
    assert!(metrics.contains("avid_trust_alerts_total 0\n"));

    // The host goes down: the cache serves the document stale, and the probes fail.
    host.up.store(false, Ordering::SeqCst);
    let mut down = Value::Null;
    for _ in 0..6 {
        down = service.evaluate(&host.did).await;
    }
    assert!(factor(&down, "accuracy", "qos") < factor(&up, "accuracy", "qos"));
    assert!(factor(&down, "stability", "interruption") < factor(&up, "stability", "interruption"));
    let backup = factor(&down, "resilience", "backup");
    assert!(backup > 0.0 && backup <= 0.5, "stale cache: {down}");
    let evidence = down["indicators"]["resilience"]["factors"]["backup"]["evidence"]
        .as_str()
        .unwrap();
    assert!(evidence.contains("stale"), "{evidence}");
    assert!(
        down["index"].as_f64().unwrap() < 0.55,
        "below the alert threshold: {down}"
    );

    // The history keeps the failures; the latest evaluation comes first.
    let (status, report) = service.issuer(&host.did).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["watched"], true);
    assert_eq!(report["alert"], true);
    let events = report["events"].as_array().unwrap();
    let failures = events
        .iter()
        .filter(|e| e["kind"]["resolution"]["ok"] == false)
        .count();
    assert_eq!(failures, 6, "{report}");
    assert!(events.iter().any(|e| e["kind"]["resolution"]["ok"] == true));
    assert_eq!(report["evaluations"][0], down);

    // The alert: once in the gauges and the counter, and in the log.
    let metrics = service.metrics().await;
    assert!(
        metrics.contains(&format!("avid_trust_alert{{issuer=\"{watched}\"}} 1\n")),
        "{metrics}"
    );
    assert!(metrics.contains("avid_trust_alerts_total 1\n"), "{metrics}");
    assert!(service.log().contains("trust alert"), "{}", service.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloads_the_configuration_without_a_restart() {
    let did = did_core::method::key::did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let did = did.as_str();
    // Padded to one length, so that a rewrite keeping the old modification time is invisible
    // to the poller: only SIGHUP can reload it.
    let file = |model: Value| format!("{:<200}", json!({ "model": model }).to_string());
    let digest = |model: &Value| TrustConfig::from_json(&model.to_string()).unwrap().digest();
    let (first, second, third) = (
        json!({}),
        json!({"half_life_secs": 86400}),
        json!({"half_life_secs": 172800}),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trust.json"), file(first.clone())).unwrap();
    let service = Service::start_in(dir, &[]).await;
    assert_eq!(service.evaluate(did).await["config_digest"], digest(&first));

    // The file changes: the next evaluations name the new configuration.
    std::fs::write(service.config_path(), file(second.clone())).unwrap();
    let reloaded = eventually(Duration::from_secs(15), || async {
        service.evaluate(did).await["config_digest"] == digest(&second)
    })
    .await;
    assert!(reloaded, "not reloaded: {}", service.log());

    // A file that does not validate is logged and changes nothing.
    std::fs::write(service.config_path(), file(json!({"half_life_secs": -1}))).unwrap();
    let logged = eventually(Duration::from_secs(15), || async {
        service.log().contains("not reloaded")
    })
    .await;
    assert!(logged, "{}", service.log());
    assert_eq!(
        service.evaluate(did).await["config_digest"],
        digest(&second)
    );

    // SIGHUP: a rewrite that the poller cannot see (same size, same time) is read.
    std::fs::write(service.config_path(), file(second.clone())).unwrap();
    assert!(
        eventually(Duration::from_secs(15), || async {
            service
                .log()
                .matches("trust configuration reloaded")
                .count()
                >= 2
        })
        .await
    );
    let stamp = std::fs::metadata(service.config_path())
        .unwrap()
        .modified()
        .unwrap();
    std::fs::write(service.config_path(), file(third.clone())).unwrap();
    set_modified(&service.config_path(), stamp);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        service.evaluate(did).await["config_digest"],
        digest(&second),
        "the poller must not have seen the rewrite"
    );
    let hup = Command::new("kill")
        .args(["-HUP", &service.child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    let reloaded = eventually(Duration::from_secs(10), || async {
        service.evaluate(did).await["config_digest"] == digest(&third)
    })
    .await;
    assert!(reloaded, "SIGHUP did not reload: {}", service.log());
}

fn set_modified(path: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[tokio::test]
async fn rejects_a_bad_trust_configuration_at_start_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.json");
    std::fs::write(&path, r#"{"issuers": ["not a did"]}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--trust-config")
        .arg(&path)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--trust-config") && stderr.contains("issuers"),
        "{stderr}"
    );
}

#[tokio::test]
async fn rejects_bad_evaluation_requests() {
    let service = Service::start(&json!({}), &[]).await;
    for (body, why) in [
        ("{nope", "not JSON"),
        (r#"{"issuer": "nope"}"#, "not a DID"),
        (r#"{"issuer": 5}"#, "not a string"),
        (
            r#"{"issuer": "did:web:a.example", "more": 1}"#,
            "unknown member",
        ),
        (r#"{"issuer": "did:web:a.example#key-1"}"#, "a DID URL"),
    ] {
        let (status, body) = service.post(body).await;
        assert_eq!(status, 400, "{why}: {body}");
        assert_eq!(body["error"], "invalid_request", "{why}");
    }
    let huge = json!({ "issuer": format!("did:web:{}", "a".repeat(16 * 1024)) }).to_string();
    assert_eq!(service.post(&huge).await.0, 413, "bounded body");
    assert_eq!(service.issuer("not-a-did").await.0, 400);
    assert_eq!(service.issuer("did:web:a.example%23key-1").await.0, 400);
}

#[tokio::test]
async fn metrics_never_name_an_issuer_only_asked_about() {
    let service = Service::start(&json!({}), &[]).await;
    let did = did_core::method::key::did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let evaluation = service.evaluate(did.as_str()).await;
    assert_ne!(evaluation["level"], "none", "{evaluation}");
    let metrics = service.metrics().await;
    assert!(!metrics.contains("did:"), "{metrics}");
    assert!(metrics.contains("avid_trust_alerts_total 0\n"));
    let (status, report) = service.issuer(did.as_str()).await;
    assert_eq!(status, 200);
    assert_eq!(report["watched"], false);
    assert_eq!(report["evaluations"][0], evaluation);
}

#[tokio::test]
async fn keeps_the_history_in_sqlite_across_a_restart() {
    let did = did_core::method::key::did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trust.json"), "{}").unwrap();
    let service = Service::start_in(dir, &[]).await;
    service.evaluate(did.as_str()).await;
    // The default store is a SQLite file beside the configuration.
    let database = service.dir.path().join("trust-history.db");
    assert!(database.exists());
    let dir = service.stop();
    let restarted = Service::start_in(dir, &[]).await;
    let (status, report) = restarted.issuer(did.as_str()).await;
    assert_eq!(status, 200);
    assert_eq!(report["events"].as_array().unwrap().len(), 1, "{report}");
    assert!(
        report["evaluations"].as_array().unwrap().is_empty(),
        "kept in memory only"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reloaded_trust_policy_reaches_the_verify_routes() {
    const AUD: &str = "https://world.example";
    const NONCE: &str = "n-trust-policy";
    let issuer = support::login::Issuer::start().await;
    let holder = issuer.onboard().await;
    let presentation = holder
        .credential
        .present_with_key_binding(
            &[ClaimPath::parse("/age_over_18").unwrap()],
            &KeyBindingRequest::new(AUD, NONCE, did_core::time::unix_now()),
            &holder.key.signer,
        )
        .unwrap();
    let policy = |level: &str| json!({ "policy": { "min_level": level } });
    let service = Service::start(&policy("high"), &[]).await;
    let verify = || async {
        let response = reqwest::Client::new()
            .post(format!("{}/presentations/verify", service.base))
            .json(&json!({"presentation": presentation, "options": {"nonce": NONCE, "aud": AUD}}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    // A first-seen issuer cannot be `high`: the service's policy refuses the presentation.
    let (status, report) = verify().await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], true, "{report}");
    assert_eq!(report["trust_decision"]["decision"], "rejected");

    // The operator lowers the bar while the service runs: the next verifications pass.
    // (A member more, so that the file's size changes even within one clock tick.)
    let lowered = json!({ "policy": { "min_level": "none" }, "interval": 3600 });
    std::fs::write(service.config_path(), lowered.to_string()).unwrap();
    let accepted = eventually(Duration::from_secs(15), || async {
        verify().await.0 == 200
    })
    .await;
    assert!(
        accepted,
        "the reloaded policy did not apply: {}",
        service.log()
    );
}
