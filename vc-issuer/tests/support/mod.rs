//! What the status list tests share: a publisher — an axum server on 127.0.0.1 that answers
//! each path with what a test put there, and remembers how often and with which `Accept` it
//! was asked — and the Bitstring Status Lists they publish, with the `credentialStatus` entry
//! that points into one.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use vc_issuer::status::{BitstringStatusList, MIN_ENTRIES, StatusSize};

// The media types are written out, not taken from the crate, so that the tests check the
// crate against the specifications rather than against itself.

/// The media type of a Status List Token (draft-ietf-oauth-status-list §5.1).
pub const TOKEN_TYPE: &str = "application/statuslist+jwt";
/// The media type of a credential secured as a JWT (VC-JOSE-COSE §6.1.1).
pub const VC_TYPE: &str = "application/vc+jwt";
/// Where a test publishes its Token Status List.
pub const LIST: &str = "/statuslists/1";

/// What the server answers on one path.
#[derive(Clone)]
pub struct Published {
    status: StatusCode,
    content_type: &'static str,
    body: String,
}

/// What the server saw on one path.
#[derive(Clone, Default)]
pub struct Seen {
    /// How many requests the path had.
    pub hits: usize,
    /// The `Accept` of the last one.
    pub accept: Option<String>,
}

#[derive(Clone, Default)]
struct Site {
    published: Arc<Mutex<HashMap<String, Published>>>,
    seen: Arc<Mutex<HashMap<String, Seen>>>,
}

async fn serve(State(site): State<Site>, uri: Uri, headers: HeaderMap) -> impl IntoResponse {
    let path = uri.path().to_owned();
    {
        let mut seen = site.seen.lock().expect("lock");
        let entry = seen.entry(path.clone()).or_default();
        entry.hits += 1;
        entry.accept = headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .map(str::to_owned);
    }
    match site.published.lock().expect("lock").get(&path).cloned() {
        Some(published) => (
            published.status,
            [(header::CONTENT_TYPE, published.content_type)],
            published.body,
        ),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain")],
            "not found".to_owned(),
        ),
    }
}

/// An axum server on 127.0.0.1 publishing whatever a test puts on it.
pub struct Publisher {
    address: SocketAddr,
    site: Site,
    task: JoinHandle<()>,
}

impl Publisher {
    /// Binds a free loopback port and serves until [`Publisher::stop`].
    pub async fn start() -> Publisher {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let site = Site::default();
        let router = Router::new().fallback(serve).with_state(site.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Publisher {
            address,
            site,
            task,
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Answers `path` with `200 OK` and `body`.
    pub fn publish(&self, path: &str, content_type: &'static str, body: String) {
        self.publish_with_status(path, StatusCode::OK, content_type, body);
    }

    /// Answers `path` with `status` and `body`: how a test serves a good list behind an error.
    pub fn publish_with_status(
        &self,
        path: &str,
        status: StatusCode,
        content_type: &'static str,
        body: String,
    ) {
        self.site.published.lock().expect("lock").insert(
            path.to_owned(),
            Published {
                status,
                content_type,
                body,
            },
        );
    }

    /// Publishes at `path` what `make` writes for that path's own URL, and returns the URL: a
    /// status list names the URL it is served from.
    pub fn publish_for_url(
        &self,
        path: &str,
        content_type: &'static str,
        make: impl FnOnce(&str) -> String,
    ) -> String {
        let url = self.url(path);
        self.publish(path, content_type, make(&url));
        url
    }

    /// What the server saw on `path` so far.
    pub fn seen(&self, path: &str) -> Seen {
        self.site
            .seen
            .lock()
            .expect("lock")
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// How many requests `path` has had: how a test tells a cached answer from a fetched one.
    pub fn hits(&self, path: &str) -> usize {
        self.seen(path).hits
    }

    /// Stops serving: the port refuses connections from here on.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// A `BitstringStatusListEntry` (Bitstring Status List §2.1) for index `index` of the list
/// credential at `url`, for `purpose`.
pub fn bitstring_status_list_entry(url: &str, purpose: &str, index: u64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("{url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": url
    })
}

/// The index [`bitstring`] sets in a test's revocation list.
pub const REVOKED_INDEX: u64 = 94567;
/// The index [`bitstring`] sets in a test's suspension list.
pub const SUSPENDED_INDEX: u64 = 12345;

/// A one-bit list of the herd-privacy minimum size (Bitstring Status List §6.1) with `set`
/// set.
pub fn bitstring(set: u64) -> BitstringStatusList {
    let mut list = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("list");
    list.set(set, 1).expect("in range");
    list
}

// ---- parties and the verifier's key source (added for the status logic tests) ----

use did_core::did::DidUrl;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::Resolver;
use did_core::resolution::dispatch::MethodDispatcher;
use vc_issuer::issuer_keys::DidIssuerKeys;

/// A did:key party, an issuer or an attacker: its key, a signer, and the DID URL of its
/// verification method.
pub struct Party {
    /// The secret key.
    pub secret: SecretKey,
    /// A signer over it.
    pub signer: LocalSigner,
    /// The `kid` naming its verification method.
    pub kid: DidUrl,
}

impl Party {
    /// A party with a fresh Ed25519 key.
    pub fn new() -> Party {
        Party::of(KeyType::Ed25519, Algorithm::Ed25519)
    }

    /// A party with a fresh key of `key_type`, signing with `algorithm`.
    pub fn of(key_type: KeyType, algorithm: Algorithm) -> Party {
        let secret = SecretKey::generate(key_type);
        let signer = secret.signer(algorithm).expect("signer");
        let kid = did_key_verification_method(&secret.public_key());
        Party {
            secret,
            signer,
            kid,
        }
    }

    /// The party's DID.
    pub fn did(&self) -> String {
        self.kid.did().to_string()
    }

    /// The `kid` as text.
    pub fn kid(&self) -> String {
        self.kid.to_string()
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        self.secret.public_key()
    }
}

/// A resolver of did:key, all a test's parties need.
pub fn resolver() -> Arc<dyn Resolver> {
    Arc::new(MethodDispatcher::new().with_method(DID_KEY.name(), Arc::new(DID_KEY)))
}

/// The verifier's issuer keys: did:key DIDs resolved, keys under `assertionMethod`.
pub fn issuer_keys() -> Arc<DidIssuerKeys> {
    Arc::new(DidIssuerKeys::new(resolver()))
}
