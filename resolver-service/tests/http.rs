//! The Universal Resolver API over real HTTP on loopback: status codes, media types old and
//! new, problem details, DID URL dereferencing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use did_core::key::{KeyType, SecretKey};
use did_core::method::{self, DefaultResolverConfig, peer};
use did_core::resolution::Resolver;
use did_core::resolution::cache::CacheConfig;
use resolver_service::{AppState, router, test_identifiers};
use serde_json::{Value, json};

mod support;

use support::did_web::DidWebHost;

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start() -> Server {
        let dispatcher = method::default_dispatcher(false).unwrap();
        let methods = dispatcher.methods().map(str::to_owned).collect();
        Server::over(Arc::new(dispatcher), methods).await
    }

    async fn over(resolver: Arc<dyn Resolver>, methods: Vec<String>) -> Server {
        let state = AppState::new(resolver, methods, test_identifiers());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router(state))
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Server {
            addr,
            shutdown: Some(tx),
            task,
        }
    }

    async fn get(&self, path: &str, accept: Option<&str>) -> (u16, String, Value) {
        let (status, content_type, _, body) = self.get_with_location(path, accept).await;
        (status, content_type, body)
    }

    /// The status, content type, `Location` header and JSON body of a GET, redirects not
    /// followed.
    async fn get_with_location(
        &self,
        path: &str,
        accept: Option<&str>,
    ) -> (u16, String, Option<String>, Value) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = client.get(format!("http://{}{path}", self.addr));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().unwrap().to_owned());
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, content_type, location, body)
    }

    async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.unwrap();
    }
}

fn example_did(method: &str) -> String {
    test_identifiers()[method][0].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn resolves_with_the_resolution_result_by_default() {
    let server = Server::start().await;
    let did = example_did("key");
    let (status, content_type, body) = server.get(&format!("/1.0/identifiers/{did}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/did-resolution");
    assert_eq!(body["didDocument"]["id"], did.as_str());
    assert_eq!(
        body["didResolutionMetadata"]["contentType"],
        "application/did+json"
    );
    server.stop().await;
}

#[tokio::test]
async fn old_resolution_media_type_is_answered_in_kind() {
    let server = Server::start().await;
    let did = example_did("jwk");
    let (status, content_type, body) = server
        .get(
            &format!("/1.0/identifiers/{did}"),
            Some("application/ld+json;profile=\"https://w3id.org/did-resolution\""),
        )
        .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/ld+json;profile="));
    assert_eq!(body["didDocument"]["id"], did.as_str());
    server.stop().await;
}

#[tokio::test]
async fn document_media_types_return_only_the_document() {
    let server = Server::start().await;
    let did = example_did("key");
    let (status, content_type, body) = server
        .get(
            &format!("/1.0/identifiers/{did}"),
            Some("application/did+ld+json"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/did+ld+json");
    assert_eq!(body["id"], did.as_str());
    assert_eq!(body["@context"][0], "https://www.w3.org/ns/did/v1");
    server.stop().await;
}

#[tokio::test]
async fn error_statuses_follow_the_http_binding() {
    let server = Server::start().await;
    let (status, _, body) = server.get("/1.0/identifiers/did:Bad:x", None).await;
    assert_eq!(status, 400);
    // DID Resolution CR §4.4, §7: `error` is a problem-details object with a type URI.
    assert_eq!(
        body["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#INVALID_DID"
    );

    let (status, content_type, body) = server
        .get(
            "/1.0/identifiers/did:example:123",
            Some("application/did+json"),
        )
        .await;
    assert_eq!(status, 501);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(
        body["type"],
        "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED"
    );

    let did = example_did("key");
    let (status, _, _) = server
        .get(&format!("/1.0/identifiers/{did}"), Some("text/html"))
        .await;
    assert_eq!(status, 406);

    let (status, _, body) = server
        .get(&format!("/1.0/identifiers/{did}%23nope"), None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#NOT_FOUND"
    );
    server.stop().await;
}

#[tokio::test]
async fn dereferences_a_key_fragment_sent_percent_encoded() {
    let server = Server::start().await;
    let did = example_did("key");
    let fragment = did.trim_start_matches("did:key:");
    let (status, _, body) = server
        .get(
            &format!("/1.0/identifiers/{did}%23{fragment}"),
            Some("application/did+json"),
        )
        .await;
    assert_eq!(status, 200);
    let key = did_core::key::PublicKey::from_multikey(fragment).unwrap();
    assert_eq!(
        body["id"],
        method::key::did_key_verification_method(&key).as_str()
    );
    assert_eq!(body["publicKeyMultibase"], fragment);
    server.stop().await;
}

#[tokio::test]
async fn lists_methods_and_test_identifiers() {
    let server = Server::start().await;
    let (status, _, methods) = server.get("/1.0/methods", None).await;
    assert_eq!(status, 200);
    let methods: Vec<&str> = methods
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for method in ["jwk", "key", "peer", "pkh", "web"] {
        assert!(
            methods.contains(&method),
            "{method} missing from {methods:?}"
        );
    }
    let (_, _, identifiers) = server.get("/1.0/testIdentifiers", None).await;
    for (method, dids) in identifiers.as_object().unwrap() {
        for did in dids.as_array().unwrap() {
            let (status, _, _) = server
                .get(&format!("/1.0/identifiers/{}", did.as_str().unwrap()), None)
                .await;
            assert_eq!(
                status, 200,
                "test identifier of {method} does not resolve: {did}"
            );
        }
    }
    let (status, _, health) = server.get("/health", None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    server.stop().await;
}

/// A did:peer:2 whose service `#files` has the endpoint `https://files.example/base/`.
fn did_with_files_service() -> String {
    let key = SecretKey::generate(KeyType::Ed25519).public_key();
    let service = json!({
        "id": "#files", "type": "LinkedDomains", "serviceEndpoint": "https://files.example/base/",
    });
    peer::did_peer_2(&[(peer::Purpose::Verification, key)], &[service])
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn redirects_to_the_service_endpoint_asked_as_uri_list() {
    // §5.4.1: with `Accept: text/uri-list`, a 303 to the endpoint, with no body.
    let server = Server::start().await;
    let did = did_with_files_service();
    let path = format!("/1.0/identifiers/{did}?service=files&relativeRef=%2Fcv.pdf");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(format!("http://{}{path}", server.addr))
        .header("accept", "text/uri-list")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "https://files.example/cv.pdf"
    );
    assert!(response.bytes().await.unwrap().is_empty(), "no body");
    server.stop().await;
}

#[tokio::test]
async fn selects_the_service_in_the_document_without_uri_list() {
    // §5.4.1: without `text/uri-list`, a 200 with the document limited to the selected
    // service, labelled with its own content type (§12.1).
    let server = Server::start().await;
    let did = did_with_files_service();
    let path = format!("/1.0/identifiers/{did}?service=files");
    let (status, content_type, location, body) = server.get_with_location(&path, None).await;
    assert_eq!((status, location), (200, None));
    assert_eq!(content_type, "application/did+json");
    assert_eq!(body["id"], did.as_str());
    assert_eq!(body["service"].as_array().unwrap().len(), 1);
    assert_eq!(
        body["service"][0]["serviceEndpoint"],
        "https://files.example/base/"
    );
    assert!(body.get("verificationMethod").is_none(), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn refuses_uri_list_for_what_selects_no_service() {
    let server = Server::start().await;
    let did = example_did("key");
    let (status, content_type, body) = server
        .get(&format!("/1.0/identifiers/{did}"), Some("text/uri-list"))
        .await;
    assert_eq!(status, 406);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(
        body["type"],
        "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"
    );
    server.stop().await;
}

#[tokio::test]
async fn answers_a_fragment_without_accept_as_the_bare_resource() {
    // §12.1: the Content-Type of a bare resource is its `contentType`.
    let server = Server::start().await;
    let did = example_did("key");
    let fragment = did.trim_start_matches("did:key:");
    let (status, content_type, body) = server
        .get(&format!("/1.0/identifiers/{did}%23{fragment}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/did+json");
    assert_eq!(body["publicKeyMultibase"], fragment);
    server.stop().await;
}

#[tokio::test]
async fn answers_the_dereferencing_result_when_asked() {
    let server = Server::start().await;
    let did = example_did("key");
    let fragment = did.trim_start_matches("did:key:");
    let accept = Some("application/did-url-dereferencing");
    let (status, content_type, body) = server
        .get(&format!("/1.0/identifiers/{did}%23{fragment}"), accept)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "application/did-url-dereferencing");
    assert_eq!(body["contentStream"]["publicKeyMultibase"], fragment);
    assert_eq!(
        body["dereferencingMetadata"]["contentType"],
        "application/did+json"
    );
    // A whole result asked for a DID URL is its dereferencing result, labelled as such.
    let (status, content_type, body) = server
        .get(
            &format!("/1.0/identifiers/{did}%23{fragment}"),
            Some("application/did-resolution"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/did-url-dereferencing");
    assert_eq!(body["contentStream"]["publicKeyMultibase"], fragment);
    // An error is in the dereferencing metadata (§7).
    let (status, content_type, body) = server
        .get(&format!("/1.0/identifiers/{did}%23nope"), accept)
        .await;
    assert_eq!(status, 404);
    assert_eq!(content_type, "application/did-url-dereferencing");
    assert_eq!(
        body["dereferencingMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#NOT_FOUND"
    );
    server.stop().await;
}

/// The service as the binary builds it with `--allow-http`, the cache set to `cache`.
async fn caching_server(cache: CacheConfig) -> Server {
    let resolver = method::default_resolver(DefaultResolverConfig {
        allow_local: true,
        cache,
    })
    .unwrap();
    let methods = resolver.inner().methods().map(str::to_owned).collect();
    Server::over(Arc::new(resolver), methods).await
}

#[tokio::test]
async fn serves_a_stale_document_when_the_did_web_host_goes_down() {
    let host = DidWebHost::start(true, Duration::ZERO).await;
    let server = caching_server(CacheConfig {
        ttl: std::time::Duration::ZERO,
        negative_ttl: std::time::Duration::ZERO,
        ..CacheConfig::default()
    })
    .await;
    let path = format!("/1.0/identifiers/{}", host.did);
    let (status, _, body) = server.get(&path, None).await;
    assert_eq!(status, 200, "{body}");
    host.up.store(false, std::sync::atomic::Ordering::SeqCst);
    let (status, _, body) = server.get(&path, None).await;
    assert_eq!(status, 200, "stale-if-error: {body}");
    assert_eq!(body["didDocument"]["id"], host.did.as_str());
    assert_eq!(host.requests(), 2, "the host was asked again, and failed");
    server.stop().await;
}

#[tokio::test]
async fn remembers_an_unreachable_did_web_host_briefly() {
    let host = DidWebHost::start(false, Duration::ZERO).await;
    let server = caching_server(CacheConfig::default()).await;
    let path = format!("/1.0/identifiers/{}", host.did);
    for _ in 0..3 {
        let (status, _, body) = server.get(&path, None).await;
        assert_eq!(status, 500, "{body}");
    }
    assert_eq!(host.requests(), 1, "the failure is remembered");
    server.stop().await;
}

#[tokio::test]
async fn refuses_a_did_web_on_loopback_by_default() {
    let host = DidWebHost::start(true, Duration::ZERO).await;
    let resolver = method::default_resolver(DefaultResolverConfig::default()).unwrap();
    let methods = resolver.inner().methods().map(str::to_owned).collect();
    let server = Server::over(Arc::new(resolver), methods).await;
    let (status, _, body) = server
        .get(&format!("/1.0/identifiers/{}", host.did), None)
        .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(host.requests(), 0, "refused before any connection");
    server.stop().await;
}

#[tokio::test]
async fn rejects_relative_ref_that_redirects_off_the_endpoint() {
    // DID Core §3.2.1: relativeRef is a relative reference resolved against the endpoint; an
    // absolute URI or a network path would turn the resolver into an open redirect.
    let server = Server::start().await;
    let did = did_with_files_service();
    for relative in [
        "https%3A%2F%2Fevil.example%2Fphish",
        "%2F%2Fevil.example%2Fphish",
        "%5C%5Cevil.example%2Fphish",
    ] {
        let (status, _, location, body) = server
            .get_with_location(
                &format!("/1.0/identifiers/{did}?service=files&relativeRef={relative}"),
                None,
            )
            .await;
        assert_eq!(status, 400, "{relative}: {body}");
        assert_eq!(location, None, "{relative}");
        assert_eq!(
            body["didResolutionMetadata"]["error"]["type"],
            "https://www.w3.org/ns/did#INVALID_DID_URL",
            "{relative}"
        );
    }
    server.stop().await;
}
