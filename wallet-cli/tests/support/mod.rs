//! What the login tests of `avid` share: a holder onboarded by the real issuer (`avid issuer
//! …`: avatar link, software passkey, a batch of avatar-link credentials imported in the
//! wallet) with the issuer's status lists served on loopback, a world serving the `/login/*`
//! routes of `resolver_service::login` (and so the login page) in process, and `avid login`.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::routing::get;
use did_core::did::Did;
use did_core::fetch::{FetchPolicy, HttpFetcher};
use did_core::method::DID_KEY;
use did_core::resolution::dispatch::MethodDispatcher;
use resolver_service::login::{self, LoginService, VerifierKey};
use serde_json::{Value, json};
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::verify::Verifier;

pub const WALLET_PASSPHRASE: &str = "the wallet's passphrase";
pub const ISSUER_PASSPHRASE: &str = "the issuer's passphrase";
/// The platform and handle of the holder's avatar.
pub const PLATFORM: &str = "resonite";
pub const HANDLE: &str = "alice_res";

/// The scratch directory of one test: the wallet, the issuer, the files they exchange.
pub struct Dirs {
    pub root: tempfile::TempDir,
}

impl Dirs {
    pub fn new() -> Self {
        Self {
            root: tempfile::tempdir().expect("dir"),
        }
    }

    pub fn wallet(&self) -> PathBuf {
        self.root.path().join("wallet")
    }

    pub fn issuer(&self) -> PathBuf {
        self.root.path().join("issuer")
    }

    pub fn avid(&self, args: &[&str], passphrase: &str) -> Output {
        Command::new(env!("CARGO_BIN_EXE_avid"))
            .args(args)
            .env("AVID_WALLET", self.wallet())
            .env("HOME", self.root.path())
            .env("AVID_PASSPHRASE", passphrase)
            .env_remove("AVID_ISSUER_DIR")
            .env_remove("AVID_ISSUER_DATABASE")
            .stdin(Stdio::null())
            .output()
            .expect("avid runs")
    }

    pub fn ok(&self, args: &[&str], passphrase: &str) -> Vec<u8> {
        let output = self.avid(args, passphrase);
        assert!(
            output.status.success(),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// `avid issuer --issuer-dir … ARGS --json`, which must succeed.
    pub fn issuer_json(&self, args: &[&str]) -> Value {
        let issuer = self.issuer();
        let mut all = vec!["issuer", "--issuer-dir", issuer.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        all.push("--json");
        serde_json::from_slice(&self.ok(&all, ISSUER_PASSPHRASE)).expect("JSON")
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.root.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("utf-8").to_owned()
    }
}

pub async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    (listener, addr)
}

/// The issuer's status lists, served from the tokens `avid issuer status-list` writes.
async fn serve_status_lists(listener: tokio::net::TcpListener, dir: PathBuf) {
    async fn token(
        State(dir): State<Arc<PathBuf>>,
        UrlPath(n): UrlPath<u64>,
    ) -> ([(&'static str, &'static str); 1], String) {
        let token = std::fs::read_to_string(dir.join(format!("{n}.jwt"))).unwrap_or_default();
        ([("content-type", "application/statuslist+jwt")], token)
    }
    let app = Router::new()
        .route("/statuslists/{n}", get(token))
        .with_state(Arc::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// A holder whose wallet holds `copies` copies of an avatar-link credential for the avatar
/// [`HANDLE`] on [`PLATFORM`], `age_over_18` and a passkey, issued by a real issuer whose
/// status lists are served on loopback.
pub struct Holder {
    pub dirs: Dirs,
    pub issuer_did: Did,
    /// The id the issuer gave the credential (what `avid issuer revoke` takes).
    pub credential_id: String,
    tokens: PathBuf,
}

impl Holder {
    pub async fn onboard(copies: u32) -> Holder {
        let dirs = Dirs::new();
        let copies = copies.to_string();
        let (status_listener, status_addr) = bind().await;
        let tokens = dirs.root.path().join("tokens");
        std::fs::create_dir(&tokens).expect("tokens dir");
        serve_status_lists(status_listener, tokens.clone()).await;
        let status_base = format!("http://{status_addr}/statuslists");

        let issuer = dirs.issuer_json(&[
            "init",
            "--rp-id",
            "issuer.example",
            "--origin",
            "https://issuer.example",
            "--status-list-base",
            &status_base,
        ]);
        let issuer_did = Did::parse(issuer["did"].as_str().expect("issuer DID")).expect("DID");
        let init: Value =
            serde_json::from_slice(&dirs.ok(&["--json", "init"], WALLET_PASSPHRASE)).expect("json");
        let holder = init["holder"].as_str().expect("holder").to_owned();
        dirs.ok(
            &["avatar", "add", "--platform", PLATFORM, "--handle", HANDLE],
            WALLET_PASSPHRASE,
        );
        let nonce = dirs.issuer_json(&["link-nonce"])["nonce"]
            .as_str()
            .expect("nonce")
            .to_owned();
        let links = dirs.ok(
            &["avatar", "link", "--nonce", &nonce, "--copies", &copies],
            WALLET_PASSPHRASE,
        );
        let links = dirs.write("links.json", &links);
        let challenge = dirs.issuer_json(&["passkey-challenge", "--holder", &holder]);
        let challenge = dirs.write("challenge.json", challenge.to_string().as_bytes());
        let registration = dirs.ok(
            &["passkey", "register", "--challenge", &challenge],
            WALLET_PASSPHRASE,
        );
        let registration = dirs.write("registration.json", &registration);
        let claims = dirs.write(
            "claims.json",
            json!({"age_over_18": true}).to_string().as_bytes(),
        );
        let issued = dirs.issuer_json(&[
            "issue",
            "--links",
            &links,
            "--claims",
            &claims,
            "--passkey-registration",
            &registration,
            "--copies",
            &copies,
        ]);
        let credential_id = issued["id"].as_str().expect("credential id").to_owned();
        let issued = dirs.write("issued.json", issued.to_string().as_bytes());
        dirs.ok(&["credential", "import", &issued], WALLET_PASSPHRASE);
        let holder = Holder {
            dirs,
            issuer_did,
            credential_id,
            tokens,
        };
        holder.publish_status_lists();
        holder
    }

    /// Signs the issuer's status lists as they stand, where the loopback server serves them.
    pub fn publish_status_lists(&self) {
        let issuer_dir = self.dirs.issuer();
        for list in 1..=4 {
            let out = self.tokens.join(format!("{list}.jwt"));
            // Lists the issuer never allocated are refused; only the allocated ones matter.
            let _ = self.dirs.avid(
                &[
                    "issuer",
                    "--issuer-dir",
                    issuer_dir.to_str().expect("utf-8"),
                    "status-list",
                    "--list",
                    &list.to_string(),
                    "--out",
                    out.to_str().expect("utf-8"),
                ],
                ISSUER_PASSPHRASE,
            );
        }
    }

    /// The issuer revokes the credential and publishes its status lists.
    pub fn revoke(&self) {
        self.dirs
            .issuer_json(&["revoke", self.credential_id.as_str()]);
        self.publish_status_lists();
    }

    /// `avid login URL` with both factors, answering without a prompt.
    pub async fn login(&self, url: &str) -> Output {
        let wallet = self.dirs.wallet();
        let home = self.dirs.root.path().to_owned();
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || login(&wallet, &home, &url))
            .await
            .expect("join")
    }

    /// How many copies of the credential the wallet has not shown to any world yet.
    pub fn unused_copies(&self) -> Value {
        let listed: Value =
            serde_json::from_slice(&self.dirs.ok(&["--json", "credential", "list"], ""))
                .expect("json");
        listed["credentials"][0]["unused_copies"].clone()
    }
}

fn login(wallet: &Path, home: &Path, url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(["--json", "login", url, "--yes", "--allow-http"])
        .env("AVID_WALLET", wallet)
        .env("HOME", home)
        .env("AVID_PASSPHRASE", WALLET_PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .expect("avid runs")
}

/// A world trusting `issuer`, serving the `/login/*` routes and the login page on loopback;
/// its base URL.
pub async fn start_world(issuer: Did) -> String {
    let (listener, addr) = bind().await;
    let base = format!("http://{addr}");
    let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
    let fetcher = Arc::new(HttpFetcher::new(FetchPolicy::local_testing()).expect("fetcher"));
    let service = LoginService::new(
        &base,
        VerifierKey::generate(),
        Verifier::for_dids(resolver, fetcher),
        vec![issuer],
        Arc::new(InMemorySingleUseStore::default()),
        Arc::new(PasskeyVerifier::in_memory()),
    )
    .expect("service");
    let app = login::router(Arc::new(service));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// The world starts a login asking for the avatar on [`PLATFORM`], `age_over_18` and the
/// passkey.
pub async fn begin(base: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{base}/login/requests"))
        .header("content-type", "application/json")
        .body(json!({"platform": PLATFORM, "claims": ["age_over_18"], "passkey": true}).to_string())
        .send()
        .await
        .expect("begin");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// Where login `id` stands at the world `base`.
pub async fn status(base: &str, id: &str) -> Value {
    reqwest::get(format!("{base}/login/requests/{id}"))
        .await
        .expect("status")
        .json()
        .await
        .expect("json")
}
