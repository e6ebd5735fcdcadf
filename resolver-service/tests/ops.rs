//! Operating the service over real HTTP on loopback: the metrics move and hold no DID, the
//! concurrency limit answers 503 with `Retry-After`, slow requests time out, and SIGTERM lets
//! the requests in flight finish.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use did_core::key::{KeyType, SecretKey};
use did_core::method::{self, DefaultResolverConfig};
use did_core::resolution::Resolver;
use resolver_service::metrics::Metrics;
use resolver_service::ops::{self, OpsArgs};
use resolver_service::{AppState, openapi, router, test_identifiers, verify};
use serde_json::{Value, json};
use vc_issuer::verify::Verifier;

mod support;

use support::did_web::DidWebHost;

/// The service as the binary assembles it (resolution, verification, metrics, the ops
/// layer), with did:web allowed on loopback, served on a loopback port.
async fn start(args: OpsArgs) -> SocketAddr {
    let resolver = Arc::new(
        method::default_resolver(DefaultResolverConfig {
            allow_local: true,
            ..DefaultResolverConfig::default()
        })
        .unwrap(),
    );
    let methods = resolver.inner().methods().map(str::to_owned).collect();
    let cache = Arc::clone(&resolver);
    let resolver: Arc<dyn Resolver> = resolver;
    let fetcher = Arc::new(
        did_core::fetch::HttpFetcher::new(did_core::fetch::FetchPolicy::local_testing()).unwrap(),
    );
    let state = AppState::new(Arc::clone(&resolver), methods, test_identifiers());
    let counted = state.clone();
    let metrics = Arc::new(Metrics::new(Some(Arc::new(move || {
        counted.cache_stats(cache.stats())
    }))));
    let app = router(state).merge(verify::router(
        Arc::new(Verifier::for_dids(resolver, fetcher)),
        None,
    ));
    let app = ops::serve_with(app, &args, metrics, &openapi::description());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// A did:web host on loopback that answers `did.json` only after `delay`: its DID.
async fn slow_did_web(delay: Duration) -> String {
    DidWebHost::start(true, delay).await.did
}

async fn get(url: String) -> (u16, Option<String>, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    (status, retry_after, response.text().await.unwrap())
}

/// The value of the sample `name` (with its labels) in a Prometheus text exposition.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_move_after_requests_and_hold_no_did() {
    let addr = start(OpsArgs::default()).await;
    let did = method::key::did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    for _ in 0..2 {
        let (status, _, body) = get(format!("http://{addr}/1.0/identifiers/{did}")).await;
        assert_eq!(status, 200, "{body}");
    }
    let refused = reqwest::Client::new()
        .post(format!("http://{addr}/credentials/verify"))
        .json(&json!({"credential": "eyJhbGciOiJub25lIn0.e30."}))
        .send()
        .await
        .unwrap();
    let refused_status = refused.status().as_u16();
    let report: Value = refused.json().await.unwrap();
    assert_eq!(refused_status, 422, "{report}");
    let code = report["errors"][0]["code"].as_str().unwrap().to_owned();

    let (status, _, text) = get(format!("http://{addr}/metrics")).await;
    assert_eq!(status, 200);
    assert_eq!(
        sample(
            &text,
            "avid_http_requests_total{route=\"/1.0/identifiers/{*did}\",status=\"200\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(sample(&text, "avid_resolution_cache_hits_total"), Some(1.0));
    assert_eq!(
        sample(&text, "avid_resolution_cache_misses_total"),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            &format!("avid_verification_errors_total{{code=\"{code}\"}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "avid_http_request_duration_seconds_count"),
        Some(3.0)
    );
    assert!(
        !text.contains("did:"),
        "a DID leaked into the metrics: {text}"
    );
    assert!(!text.contains(did.as_str()));
}

#[tokio::test]
async fn rejects_requests_beyond_the_concurrency_limit_with_retry_after() {
    let addr = start(OpsArgs {
        max_concurrency: 1,
        retry_after: 7,
        ..OpsArgs::default()
    })
    .await;
    let did = slow_did_web(Duration::from_millis(1500)).await;
    let slow = tokio::spawn(get(format!("http://{addr}/1.0/identifiers/{did}")));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, retry_after, body) = get(format!("http://{addr}/health")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry_after.as_deref(), Some("7"));
    let (status, _, body) = slow.await.unwrap();
    assert_eq!(
        status, 200,
        "the request holding the slot is served: {body}"
    );
    let (status, _, _) = get(format!("http://{addr}/health")).await;
    assert_eq!(status, 200, "the slot is free again");
}

#[tokio::test]
async fn rejects_every_request_when_the_limit_is_zero() {
    let addr = start(OpsArgs {
        max_concurrency: 0,
        ..OpsArgs::default()
    })
    .await;
    let (status, retry_after, _) = get(format!("http://{addr}/health")).await;
    assert_eq!(status, 503);
    assert_eq!(retry_after.as_deref(), Some("1"));
}

#[tokio::test]
async fn rejects_a_request_slower_than_the_timeout() {
    let addr = start(OpsArgs {
        request_timeout: 1,
        ..OpsArgs::default()
    })
    .await;
    let did = slow_did_web(Duration::from_secs(4)).await;
    let started = std::time::Instant::now();
    let (status, _, body) = get(format!("http://{addr}/1.0/identifiers/{did}")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("timeout"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn answers_unknown_paths_under_one_label() {
    let addr = start(OpsArgs::default()).await;
    let (status, _, _) = get(format!("http://{addr}/did:key:z6Mkunknown")).await;
    assert_eq!(status, 404);
    let (_, _, text) = get(format!("http://{addr}/metrics")).await;
    assert_eq!(
        sample(
            &text,
            "avid_http_requests_total{route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("z6Mkunknown"));
}

#[tokio::test]
async fn sigterm_lets_the_requests_in_flight_finish() {
    let did = slow_did_web(Duration::from_millis(1500)).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .args(["--listen", &listen, "--allow-http"])
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if reqwest::get(format!("http://{listen}/health"))
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "avid-resolver did not start");
    let slow = tokio::spawn(get(format!("http://{listen}/1.0/identifiers/{did}")));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, _, body) = slow.await.unwrap();
    assert_eq!(status, 200, "the request in flight was answered: {body}");
    let mut exit = None;
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Some(exit) = exit else {
        let _ = child.kill();
        panic!("avid-resolver did not stop after SIGTERM");
    };
    assert!(exit.success(), "{exit}");
}

/// The paths given to `.route(` in the service's sources, in OpenAPI's template syntax
/// (`{*did}` becomes `{did}`).
fn routes_in_sources() -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut routes = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in source.match_indices(".route(") {
            let rest = source[at + ".route(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let path = &rest[..rest.find('"').unwrap()];
            routes.insert(path.replace("{*", "{"));
        }
    }
    routes
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let addr = start(OpsArgs::default()).await;
    let response = reqwest::get(format!("http://{addr}/openapi.json"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{document}"
    );
    let documented: std::collections::BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let routes = routes_in_sources();
    assert!(routes.len() >= 13, "the route scan found {routes:?}");
    assert_eq!(
        documented, routes,
        "a route without its #[utoipa::path], or one too many"
    );
    let passkey = &document["paths"]["/login/requests/{id}/passkey"];
    assert!(passkey["get"].is_object() && passkey["post"].is_object());
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn the_binary_reads_its_limits_from_avid_resolver_variables() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .env_clear()
        .env("AVID_RESOLVER_LISTEN", &listen)
        .env("AVID_RESOLVER_MAX_CONCURRENCY", "0")
        .env("AVID_RESOLVER_RETRY_AFTER", "9")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut answer = None;
    for _ in 0..100 {
        if let Ok(response) = reqwest::get(format!("http://{listen}/health")).await {
            answer = Some((
                response.status().as_u16(),
                response
                    .headers()
                    .get("retry-after")
                    .map(|value| value.to_str().unwrap().to_owned()),
            ));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answer, Some((503, Some("9".to_owned()))));
}
