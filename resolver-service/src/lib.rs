//! `avid-resolver`: DID resolution over HTTP, compatible with the DIF Universal Resolver API
//! (`GET /1.0/identifiers/{did}`) and the HTTP binding of W3C DID Resolution ([`router`]);
//! verification of credentials and presentations for third-party worlds ([`verify`]); and the
//! avatar login over OpenID4VP ([`login`]) with the login page a world shows its players
//! ([`page`]); and publishing for an issuer, its status lists and did:web document
//! ([`publish`]); and the trust lifecycle of the issuers it watches ([`trust`]).
//!
//! Handlers are thin: they extract the request, call `did-core` or `vc-issuer`, and map the
//! result to a status and a body. All resolution and verification rules live in the libraries.
//!
//! The service as the binary builds it, over [`did_core::method::default_resolver`], serving
//! one request on a loopback port:
//!
//! ```
//! use std::sync::Arc;
//! use did_core::method::{self, DefaultResolverConfig};
//! use resolver_service::{AppState, router, test_identifiers};
//! # use did_core::key::{KeyType, SecretKey};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! // Every method avid resolves, did:web through the guarded fetcher, behind the cache.
//! let resolver = method::default_resolver(DefaultResolverConfig::default())?;
//! let methods = resolver.inner().methods().map(str::to_owned).collect();
//! let state = AppState::new(Arc::new(resolver), methods, test_identifiers());
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! tokio::spawn(async move { axum::serve(listener, router(state)).await });
//!
//! let did = method::key::did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
//! let response = reqwest::get(format!("http://{addr}/1.0/identifiers/{did}")).await?;
//! assert_eq!(response.status(), 200);
//! let result: serde_json::Value = response.json().await?;
//! assert_eq!(result["didDocument"]["id"], did.as_str());
//! assert!(result["didResolutionMetadata"]["contentType"].is_string());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

/// The README's example, compiled and run as a doctest so that it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

mod answers;
mod body;
mod identifiers;
pub mod login;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod page;
pub mod publish;
pub mod trust;
pub mod verify;

pub use body::{MAX_JSON_BODY, MAX_JSON_DEPTH};

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use did_core::resolution::Resolver;
use did_core::resolution::cache::CacheStats;
use serde_json::{Value, json};

use answers::RenderedAnswers;

/// What every handler shares: the resolver (usually a cache over the method dispatcher) and
/// the method names it serves.
#[derive(Clone)]
pub struct AppState {
    resolver: Arc<dyn Resolver>,
    answers: Arc<RenderedAnswers>,
    methods: Arc<[String]>,
    test_identifiers: Arc<Value>,
}

impl AppState {
    /// State over `resolver`, announcing `methods` on `/1.0/methods` and `test_identifiers`
    /// (method name → example DIDs) on `/1.0/testIdentifiers`.
    pub fn new(resolver: Arc<dyn Resolver>, methods: Vec<String>, test_identifiers: Value) -> Self {
        AppState {
            resolver,
            answers: Arc::new(RenderedAnswers::new()),
            methods: methods.into(),
            test_identifiers: Arc::new(test_identifiers),
        }
    }

    /// `stats` of the resolution cache, with the resolutions answered from the kept rendered
    /// answers of derived DIDs counted among its hits: for an operator both are answers from
    /// the cache.
    pub fn cache_stats(&self, stats: CacheStats) -> CacheStats {
        CacheStats {
            hits: stats.hits + self.answers.hits(),
            ..stats
        }
    }
}

/// The HTTP routes of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/1.0/identifiers/{*did}", get(identifiers::resolve))
        .route("/1.0/methods", get(methods))
        .route("/1.0/testIdentifiers", get(list_test_identifiers))
        .route("/health", get(health))
        .with_state(state)
}

#[utoipa::path(get, path = "/1.0/methods", tag = "resolution",
    responses((status = 200, description = "The DID methods this service resolves", body = [String])))]
async fn methods(axum::extract::State(state): axum::extract::State<AppState>) -> axum::Json<Value> {
    axum::Json(json!(state.methods.as_ref()))
}

#[utoipa::path(get, path = "/1.0/testIdentifiers", tag = "resolution",
    responses((status = 200, description = "Example DIDs by method name", body = Object)))]
async fn list_test_identifiers(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<Value> {
    axum::Json(state.test_identifiers.as_ref().clone())
}

#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The service is up", body = Object, example = json!({"status": "ok"}))))]
async fn health() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok"}))
}

/// Example DIDs of each method for `/1.0/testIdentifiers`, derived from the Ed25519 public key
/// of RFC 8037 Appendix A.2 so they are the same on every start.
pub fn test_identifiers() -> Value {
    use did_core::key::{KeyType, PublicKey};
    use did_core::method;
    // RFC 8037 Appendix A.2, "x" of the public key.
    const RFC8037_X: [u8; 32] = [
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ];
    let Ok(key) = PublicKey::from_bytes(KeyType::Ed25519, &RFC8037_X) else {
        return json!({});
    };
    let mut identifiers = serde_json::Map::new();
    identifiers.insert("key".into(), json!([method::key::did_key(&key).as_str()]));
    identifiers.insert("jwk".into(), json!([method::jwk::did_jwk(&key).as_str()]));
    if let Ok(peer) = method::peer::did_peer_2_for_key(&key) {
        identifiers.insert(
            "peer".into(),
            json!([method::peer::did_peer_0(&key).as_str(), peer.as_str()]),
        );
    }
    // did:pkh specification, example of an Ethereum mainnet account.
    identifiers.insert(
        "pkh".into(),
        json!(["did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"]),
    );
    Value::Object(identifiers)
}
