//! did:web and the guarded fetcher against real servers on 127.0.0.1: every test starts its
//! own server on port 0, counts the requests it receives, and stops it at the end. Nothing
//! here sends a packet beyond loopback: each refused address is refused before connecting.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::get;
use did_core::did::Did;
use did_core::fetch::{
    AddressClass, FetchError, FetchPolicy, FetchedBody, Fetcher, HttpFetcher, RefusalReason,
};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::web::WebResolver;
use did_core::resolution::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

/// An axum server on 127.0.0.1 that counts the requests it receives.
struct TestServer {
    address: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl TestServer {
    async fn start(router: Router) -> TestServer {
        TestServer::start_for(|_| router).await
    }

    /// Starts the router `make` builds once the port is known (a did:web document names it).
    async fn start_for(make: impl FnOnce(SocketAddr) -> Router) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("local address");
        let router = make(address);
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let router = router.layer(middleware::from_fn(move |request: Request, next: Next| {
            counter.fetch_add(1, Ordering::SeqCst);
            next.run(request)
        }));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestServer {
            address,
            requests,
            task,
        }
    }

    fn port(&self) -> u16 {
        self.address.port()
    }

    fn url(&self, path: &str) -> Url {
        url(&format!("http://{}{path}", self.address))
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|err| panic!("test URL {text}: {err}"))
}

fn fetcher(policy: FetchPolicy) -> HttpFetcher {
    HttpFetcher::new(policy).expect("HTTP client")
}

const DOCUMENT: &str = r#"{"id":"did:web:example.com"}"#;

fn assert_refused_address(
    outcome: Result<FetchedBody, FetchError>,
    expected: AddressClass,
    what: &str,
) {
    match outcome {
        Err(FetchError::Refused {
            reason: RefusalReason::Address { class, .. },
            ..
        }) => assert_eq!(class, expected, "{what}"),
        other => panic!("{what}: expected a refusal of {expected:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn fetches_over_http_on_loopback_when_allowed() {
    let seen_accept = Arc::new(Mutex::new(None::<String>));
    let seen = Arc::clone(&seen_accept);
    let server = TestServer::start(Router::new().route(
        "/doc",
        get(move |headers: HeaderMap| {
            let seen = Arc::clone(&seen);
            async move {
                *seen.lock().expect("lock") = headers
                    .get(ACCEPT)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                ([(CONTENT_TYPE, "application/did+json")], DOCUMENT)
            }
        }),
    ))
    .await;

    let fetched = fetcher(FetchPolicy::local_testing())
        .get(&server.url("/doc"), "application/did+json")
        .await
        .expect("fetch from loopback");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, DOCUMENT.as_bytes());
    assert_eq!(
        fetched.content_type.as_deref(),
        Some("application/did+json")
    );
    assert_eq!(
        seen_accept.lock().expect("lock").as_deref(),
        Some("application/did+json")
    );
    assert_eq!(server.requests(), 1);
    server.stop().await;
}

#[tokio::test]
async fn refuses_loopback_without_allow_flag() {
    let server = TestServer::start(Router::new().route("/doc", get(|| async { DOCUMENT }))).await;
    let policy = FetchPolicy {
        allow_http: true,
        ..FetchPolicy::default()
    };
    let fetcher = fetcher(policy.clone());
    for target in [
        format!("http://127.0.0.1:{}/doc", server.port()),
        format!("http://[::1]:{}/doc", server.port()),
        format!("http://localhost:{}/doc", server.port()),
        format!("http://[::ffff:127.0.0.1]:{}/doc", server.port()),
    ] {
        let outcome = fetcher.get(&url(&target), "application/json").await;
        assert_refused_address(outcome, AddressClass::Loopback, &target);
    }

    // The same through did:web, over http and over https: `localhost` resolves to loopback.
    let did = local_did(server.port(), "");
    for resolver in [web_resolver(policy), web_resolver(FetchPolicy::default())] {
        let err = resolve(&resolver, &did)
            .await
            .expect_err("loopback must be refused");
        assert_eq!(err.kind, ErrorKind::InternalError, "{err}");
        assert!(
            err.detail.contains("loopback") && err.detail.contains("local_testing"),
            "the detail says what was refused and how to allow it: {}",
            err.detail
        );
    }
    assert_eq!(
        server.requests(),
        0,
        "the server must not have been reached"
    );
    server.stop().await;
}

#[tokio::test]
async fn refuses_private_and_metadata_addresses() {
    let server = TestServer::start(Router::new().route("/doc", get(|| async { DOCUMENT }))).await;
    // Loopback allowed, so only the class of each address decides.
    let fetcher = fetcher(FetchPolicy::local_testing());
    let cases = [
        ("http://10.0.0.1/did.json".to_owned(), AddressClass::Private),
        (
            "http://192.168.1.1/did.json".to_owned(),
            AddressClass::Private,
        ),
        (
            "http://172.16.0.1/did.json".to_owned(),
            AddressClass::Private,
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            AddressClass::LinkLocal,
        ),
        (
            "http://[fe80::1]/did.json".to_owned(),
            AddressClass::LinkLocal,
        ),
        (
            "http://[::ffff:10.0.0.1]/did.json".to_owned(),
            AddressClass::Private,
        ),
        (
            "http://[fd00:ec2::254]/latest/meta-data/".to_owned(),
            AddressClass::Private,
        ),
        (
            "http://100.64.0.1/did.json".to_owned(),
            AddressClass::SharedAddressSpace,
        ),
        (
            "http://224.0.0.1/did.json".to_owned(),
            AddressClass::Multicast,
        ),
        // On Linux 0.0.0.0 reaches the local host: our own server must stay untouched.
        (
            format!("http://0.0.0.0:{}/doc", server.port()),
            AddressClass::Unspecified,
        ),
    ];
    for (target, class) in cases {
        let started = Instant::now();
        let outcome = fetcher.get(&url(&target), "application/json").await;
        assert_refused_address(outcome, class, &target);
        // Refused before any connection attempt: no connect timeout was waited for.
        assert!(started.elapsed() < Duration::from_millis(500), "{target}");
    }
    assert_eq!(server.requests(), 0);
    server.stop().await;
}

#[tokio::test]
async fn refuses_plain_http_by_default() {
    let server = TestServer::start(Router::new().route("/doc", get(|| async { DOCUMENT }))).await;
    let fetcher = fetcher(FetchPolicy::default());
    for target in [
        server.url("/doc"),
        url("http://example.com/.well-known/did.json"),
    ] {
        let outcome = fetcher.get(&target, "application/json").await;
        assert!(
            matches!(
                outcome,
                Err(FetchError::Refused {
                    reason: RefusalReason::PlainHttp,
                    ..
                })
            ),
            "{target}: {outcome:?}"
        );
    }
    assert_eq!(server.requests(), 0);
    server.stop().await;
}

/// A raw HTTP/1.1 server whose one response is a chunked body that never ends; counts the
/// bytes it manages to send.
async fn endless_chunked_server() -> (SocketAddr, Arc<AtomicUsize>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("local address");
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Transfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("1000\r\n{}\r\n", "x".repeat(0x1000));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {
                    counter.fetch_add(0x1000, Ordering::SeqCst);
                }
            });
        }
    });
    (address, sent, task)
}

#[tokio::test]
async fn refuses_oversized_document() {
    let server = TestServer::start(
        Router::new()
            .route("/big", get(|| async { "x".repeat(4096) }))
            .route("/exact", get(|| async { "x".repeat(1024) })),
    )
    .await;
    let policy = FetchPolicy {
        max_body_bytes: 1024,
        ..FetchPolicy::local_testing()
    };
    let fetcher = fetcher(policy);

    // Content-Length over the limit: refused from the header.
    let outcome = fetcher.get(&server.url("/big"), "application/json").await;
    assert_eq!(outcome, Err(FetchError::TooLarge { max: 1024 }));
    // Exactly at the limit is fine.
    let exact = fetcher
        .get(&server.url("/exact"), "application/json")
        .await
        .expect("a body at the limit");
    assert_eq!(exact.body.len(), 1024);
    server.stop().await;

    // No Content-Length and a body that never ends: reading stops at the limit.
    let (address, sent, task) = endless_chunked_server().await;
    let started = Instant::now();
    let outcome = fetcher
        .get(
            &url(&format!("http://{address}/endless")),
            "application/json",
        )
        .await;
    assert_eq!(outcome, Err(FetchError::TooLarge { max: 1024 }));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        sent.load(Ordering::SeqCst) > 0,
        "the server did send a body"
    );
    task.abort();
    let _ = task.await;

    // did:web with the default limit (256 KiB, the largest DID document accepted).
    let server = TestServer::start(Router::new().route(
        "/.well-known/did.json",
        get(|| async { "x".repeat(300 * 1024) }),
    ))
    .await;
    let err = resolve(&local_resolver(), &local_did(server.port(), ""))
        .await
        .expect_err("an oversized document must be refused");
    assert_eq!(err.kind, ErrorKind::InternalError);
    assert!(
        err.detail.contains("larger than the limit"),
        "{}",
        err.detail
    );
    server.stop().await;
}

#[tokio::test]
async fn times_out_on_slow_response() {
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(5)).await;
        DOCUMENT
    }
    let server = TestServer::start(
        Router::new()
            .route("/slow", get(slow))
            .route("/.well-known/did.json", get(slow)),
    )
    .await;
    let policy = FetchPolicy {
        timeout: Duration::from_millis(300),
        ..FetchPolicy::local_testing()
    };
    let started = Instant::now();
    let outcome = fetcher(policy.clone())
        .get(&server.url("/slow"), "application/json")
        .await;
    assert_eq!(
        outcome,
        Err(FetchError::Timeout {
            after: Duration::from_millis(300)
        })
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let err = resolve(&web_resolver(policy), &local_did(server.port(), ""))
        .await
        .expect_err("a slow host must time out");
    assert_eq!(err.kind, ErrorKind::InternalError);
    assert!(
        err.detail.contains("no complete response within 300 ms"),
        "{}",
        err.detail
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    server.stop().await;
}

#[tokio::test]
async fn times_out_on_slow_body() {
    // Headers at once, then the body never comes: the limit covers the body too.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{";
                let _ = socket.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            });
        }
    });
    let policy = FetchPolicy {
        timeout: Duration::from_millis(300),
        ..FetchPolicy::local_testing()
    };
    let started = Instant::now();
    let outcome = fetcher(policy)
        .get(
            &url(&format!("http://{address}/did.json")),
            "application/json",
        )
        .await;
    assert!(
        matches!(outcome, Err(FetchError::Timeout { .. })),
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    task.abort();
    let _ = task.await;
}

fn redirect_to(location: &'static str) -> (StatusCode, [(HeaderName, &'static str); 1]) {
    (StatusCode::FOUND, [(LOCATION, location)])
}

#[tokio::test]
async fn follows_redirects_within_the_limit() {
    let server = TestServer::start(
        Router::new()
            .route("/a", get(|| async { redirect_to("/b") }))
            .route("/b", get(|| async { redirect_to("/doc") }))
            .route("/doc", get(|| async { DOCUMENT })),
    )
    .await;
    let fetched = fetcher(FetchPolicy::local_testing())
        .get(&server.url("/a"), "application/json")
        .await
        .expect("two redirects are within the default of three");
    assert_eq!(fetched.body, DOCUMENT.as_bytes());
    assert_eq!(server.requests(), 3);
    server.stop().await;
}

#[tokio::test]
async fn stops_redirect_loop() {
    let server =
        TestServer::start(Router::new().route("/loop", get(|| async { redirect_to("/loop") })))
            .await;
    let outcome = fetcher(FetchPolicy::local_testing())
        .get(&server.url("/loop"), "application/json")
        .await;
    assert_eq!(outcome, Err(FetchError::TooManyRedirects { max: 3 }));
    // The first request and three redirects followed; the fourth is not.
    assert_eq!(server.requests(), 4);
    server.stop().await;
}

#[tokio::test]
async fn refuses_redirect_to_private_address() {
    let server = TestServer::start(
        Router::new()
            .route(
                "/to-metadata",
                get(|| async { redirect_to("http://169.254.169.254/latest/meta-data/") }),
            )
            .route(
                "/to-mapped-metadata",
                get(|| async { redirect_to("http://[::ffff:a9fe:a9fe]/latest/meta-data/") }),
            )
            .route(
                "/to-private",
                get(|| async { redirect_to("http://10.0.0.1/did.json") }),
            )
            .route(
                "/to-file",
                get(|| async { redirect_to("file:///etc/passwd") }),
            ),
    )
    .await;
    // Loopback (the first hop) is allowed; the redirect targets are not.
    let fetcher = fetcher(FetchPolicy::local_testing());
    for (path, class) in [
        ("/to-metadata", AddressClass::LinkLocal),
        ("/to-mapped-metadata", AddressClass::LinkLocal),
        ("/to-private", AddressClass::Private),
    ] {
        let started = Instant::now();
        let outcome = fetcher.get(&server.url(path), "application/json").await;
        assert_refused_address(outcome, class, path);
        assert!(started.elapsed() < Duration::from_millis(500), "{path}");
    }
    // reqwest never follows a Location it cannot request (file:, ftp:…): the redirect
    // itself comes back, and callers treat a 3xx as a failure.
    let outcome = fetcher
        .get(&server.url("/to-file"), "application/json")
        .await;
    assert!(
        matches!(&outcome, Ok(fetched) if fetched.status == 302),
        "{outcome:?}"
    );
    assert_eq!(
        server.requests(),
        4,
        "only the first hops reached the server"
    );
    server.stop().await;
}

// did:web resolution (did:web "Read (Resolve)") through the guarded fetcher.

/// `did:web:localhost%3A{port}{path}`, where `path` is `:segment:segment…` or empty.
fn local_did(port: u16, path: &str) -> Did {
    let text = format!("did:web:localhost%3A{port}{path}");
    Did::parse(&text).unwrap_or_else(|err| panic!("test DID {text}: {err}"))
}

fn web_resolver(policy: FetchPolicy) -> WebResolver {
    WebResolver::new(policy).expect("HTTP client")
}

/// A resolver for a test server on this machine: http and loopback allowed, nothing else.
fn local_resolver() -> WebResolver {
    web_resolver(FetchPolicy::local_testing())
}

async fn resolve(resolver: &WebResolver, did: &Did) -> Result<Resolution, ResolutionError> {
    resolver.resolve(did, &ResolutionOptions::default()).await
}

/// A DID document for `id` with one Ed25519 `Multikey` (Controlled Identifiers §2.2.2).
fn did_document(id: &str, key: &PublicKey) -> String {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": id,
        "verificationMethod": [{
            "id": format!("{id}#key-1"),
            "type": "Multikey",
            "controller": id,
            "publicKeyMultibase": key.to_multikey(),
        }],
        "authentication": ["#key-1"],
        "assertionMethod": ["#key-1"],
    })
    .to_string()
}

fn served(document: String) -> ([(HeaderName, &'static str); 1], String) {
    ([(CONTENT_TYPE, "application/did+json")], document)
}

#[tokio::test]
async fn resolves_did_web_over_http_on_loopback() {
    let key = SecretKey::generate(KeyType::Ed25519).public_key();
    let seen_accept = Arc::new(Mutex::new(None::<String>));
    let seen = Arc::clone(&seen_accept);
    let server = TestServer::start_for(|address| {
        let root = did_document(local_did(address.port(), "").as_str(), &key);
        let alice = did_document(local_did(address.port(), ":user:alice").as_str(), &key);
        Router::new()
            .route(
                "/.well-known/did.json",
                get(move |headers: HeaderMap| {
                    *seen.lock().expect("lock") = headers
                        .get(ACCEPT)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    let root = root.clone();
                    async move { served(root) }
                }),
            )
            .route(
                "/user/alice/did.json",
                get(move || {
                    let alice = alice.clone();
                    async move { served(alice) }
                }),
            )
    })
    .await;
    let resolver = local_resolver();

    for path in ["", ":user:alice"] {
        let did = local_did(server.port(), path);
        let resolution = resolve(&resolver, &did)
            .await
            .unwrap_or_else(|err| panic!("{did}: {err}"));
        assert_eq!(resolution.document.id, did);
        let method = resolution
            .document
            .verification_method
            .first()
            .expect("one verification method");
        let resolved_key = method.public_key().expect("a valid Multikey");
        assert_eq!(resolved_key.to_multikey(), key.to_multikey());
    }
    assert_eq!(
        seen_accept.lock().expect("lock").as_deref(),
        Some(did_core::method::web::ACCEPT)
    );
    assert_eq!(server.requests(), 2);
    server.stop().await;
}

#[tokio::test]
async fn rejects_document_with_wrong_id() {
    let key = SecretKey::generate(KeyType::Ed25519).public_key();
    let server = TestServer::start_for(|address| {
        // A host serving someone else's document, and one serving the document of another
        // path on the same host: neither is the document of the DID resolved.
        let foreign = did_document("did:web:evil.example", &key);
        let sibling = did_document(local_did(address.port(), ":bob").as_str(), &key);
        Router::new()
            .route(
                "/.well-known/did.json",
                get(move || {
                    let foreign = foreign.clone();
                    async move { served(foreign) }
                }),
            )
            .route(
                "/alice/did.json",
                get(move || {
                    let sibling = sibling.clone();
                    async move { served(sibling) }
                }),
            )
    })
    .await;
    let resolver = local_resolver();
    for (path, found) in [
        ("", "did:web:evil.example".to_owned()),
        (":alice", local_did(server.port(), ":bob").to_string()),
    ] {
        let did = local_did(server.port(), path);
        let err = resolve(&resolver, &did)
            .await
            .expect_err("a document with another id must be rejected");
        assert_eq!(err.kind, ErrorKind::InternalError, "{err}");
        assert!(
            err.detail.contains("invalid DID document") && err.detail.contains(&found),
            "{}",
            err.detail
        );
    }
    assert_eq!(server.requests(), 2);
    server.stop().await;
}

#[tokio::test]
async fn rejects_document_with_duplicate_service_or_method_ids() {
    let key = SecretKey::generate(KeyType::Ed25519).public_key();
    let server = TestServer::start_for(|address| {
        let id = local_did(address.port(), ":services").to_string();
        // DID Core §5.4: `#hub` and `{id}#hub` are one id; a client picking the first or the
        // last would talk to two different endpoints.
        let mut services: serde_json::Value = serde_json::from_str(&did_document(&id, &key))
            .expect("JSON");
        services["service"] = json!([
            {"id": "#hub", "type": "DIDCommMessaging", "serviceEndpoint": "https://a.example"},
            {"id": format!("{id}#hub"), "type": "DIDCommMessaging", "serviceEndpoint": "https://b.example"},
        ]);
        let id = local_did(address.port(), ":methods").to_string();
        let other = SecretKey::generate(KeyType::Ed25519).public_key();
        let mut methods: serde_json::Value =
            serde_json::from_str(&did_document(&id, &key)).expect("JSON");
        methods["verificationMethod"]
            .as_array_mut()
            .expect("an array")
            .push(json!({
                "id": "#key-1", "type": "Multikey", "controller": id,
                "publicKeyMultibase": other.to_multikey(),
            }));
        let (services, methods) = (services.to_string(), methods.to_string());
        Router::new()
            .route(
                "/services/did.json",
                get(move || {
                    let services = services.clone();
                    async move { served(services) }
                }),
            )
            .route(
                "/methods/did.json",
                get(move || {
                    let methods = methods.clone();
                    async move { served(methods) }
                }),
            )
    })
    .await;
    let resolver = local_resolver();
    for (path, why) in [
        (":services", "two services have the id"),
        (":methods", "two verification methods have the id"),
    ] {
        let did = local_did(server.port(), path);
        let err = resolve(&resolver, &did)
            .await
            .expect_err("a document with two resources under one id must be rejected");
        assert_eq!(err.kind, ErrorKind::InternalError, "{err}");
        assert!(err.detail.contains(why), "{}", err.detail);
    }
    assert_eq!(server.requests(), 2);
    server.stop().await;
}

#[tokio::test]
#[allow(non_snake_case)] // named after the DID Resolution error code
async fn not_found_maps_to_notFound() {
    let server = TestServer::start(
        Router::new().route("/gone/did.json", get(|| async { StatusCode::GONE })),
    )
    .await;
    let resolver = local_resolver();
    for (path, status) in [("", "404"), (":gone", "410")] {
        let err = resolve(&resolver, &local_did(server.port(), path))
            .await
            .expect_err("no document");
        assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
        assert_eq!(err.code(), "notFound");
        assert!(err.detail.contains(status), "{}", err.detail);
    }
    server.stop().await;
}

#[tokio::test]
async fn other_statuses_and_malformed_documents_are_internal_errors() {
    let server = TestServer::start(
        Router::new()
            .route(
                "/broken/did.json",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route("/html/did.json", get(|| async { "<html>not json</html>" }))
            .route(
                "/array/did.json",
                get(|| async { served("[1, 2, 3]".to_owned()) }),
            )
            .route(
                "/numeric-id/did.json",
                get(|| async { served(r#"{"id": 5}"#.to_owned()) }),
            ),
    )
    .await;
    let resolver = local_resolver();
    for (path, expected) in [
        (":broken", "HTTP 500"),
        (":html", "invalid DID document"),
        (":array", "invalid DID document"),
        (":numeric-id", "invalid DID document"),
    ] {
        let err = resolve(&resolver, &local_did(server.port(), path))
            .await
            .expect_err("not a DID document");
        assert_eq!(err.kind, ErrorKind::InternalError, "{path}: {err}");
        assert!(err.detail.contains(expected), "{path}: {}", err.detail);
    }
    server.stop().await;
}

#[tokio::test]
async fn rejects_unsupported_representation_before_fetching() {
    let server = TestServer::start(Router::new()).await;
    let options = ResolutionOptions {
        accept: Some("text/html".to_owned()),
    };
    let err = local_resolver()
        .resolve(&local_did(server.port(), ""), &options)
        .await
        .expect_err("text/html is not a DID document representation");
    assert_eq!(err.kind, ErrorKind::RepresentationNotSupported);
    assert_eq!(server.requests(), 0);
    server.stop().await;
}

#[tokio::test]
async fn rejects_invalid_did_web_before_fetching() {
    let server = TestServer::start(Router::new()).await;
    let resolver = local_resolver();
    for text in [
        format!("did:web:localhost%3A{}:..:admin", server.port()),
        format!("did:web:user%40localhost%3A{}", server.port()),
        format!("did:web:127.0.0.1%3A{}", server.port()),
    ] {
        let did = Did::parse(&text).unwrap_or_else(|err| panic!("{text}: {err}"));
        let err = resolve(&resolver, &did).await.expect_err("invalid did:web");
        assert_eq!(err.kind, ErrorKind::InvalidDid, "{text}: {err}");
    }
    assert_eq!(server.requests(), 0);
    server.stop().await;
}
