//! `avid login` end to end: the real issuer (`avid issuer …`) issues over the wallet's link
//! proofs and passkey, its status list is served on loopback, a world serves the `/login/*`
//! routes of `resolver_service::login` in process, and the `avid` binary logs in with both
//! factors; a second login to another world uses the other copy of the batch.

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

const WALLET_PASSPHRASE: &str = "the wallet's passphrase";
const ISSUER_PASSPHRASE: &str = "the issuer's passphrase";

struct Dirs {
    root: tempfile::TempDir,
}

impl Dirs {
    fn wallet(&self) -> PathBuf {
        self.root.path().join("wallet")
    }

    fn issuer(&self) -> PathBuf {
        self.root.path().join("issuer")
    }

    fn avid(&self, args: &[&str], passphrase: &str) -> Output {
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

    fn ok(&self, args: &[&str], passphrase: &str) -> Vec<u8> {
        let output = self.avid(args, passphrase);
        assert!(
            output.status.success(),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    fn issuer_json(&self, args: &[&str]) -> Value {
        let issuer = self.issuer();
        let mut all = vec!["issuer", "--issuer-dir", issuer.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        all.push("--json");
        serde_json::from_slice(&self.ok(&all, ISSUER_PASSPHRASE)).expect("JSON")
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.root.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("utf-8").to_owned()
    }
}

async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
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

async fn start_world(issuer: Did) -> String {
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

async fn begin(base: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{base}/login/requests"))
        .header("content-type", "application/json")
        .body(
            json!({"platform": "resonite", "claims": ["age_over_18"], "passkey": true}).to_string(),
        )
        .send()
        .await
        .expect("begin");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

async fn status(base: &str, id: &str) -> Value {
    reqwest::get(format!("{base}/login/requests/{id}"))
        .await
        .expect("status")
        .json()
        .await
        .expect("json")
}

fn unused_copies(dirs: &Dirs) -> Value {
    let listed: Value =
        serde_json::from_slice(&dirs.ok(&["--json", "credential", "list"], "")).expect("json");
    listed["credentials"][0]["unused_copies"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avid_logs_in_to_a_world_with_both_factors() {
    let dirs = Dirs {
        root: tempfile::tempdir().expect("dir"),
    };
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
    let issuer_did: Did = Did::parse(issuer["did"].as_str().expect("issuer DID")).expect("DID");
    let init: Value =
        serde_json::from_slice(&dirs.ok(&["--json", "init"], WALLET_PASSPHRASE)).expect("json");
    let holder = init["holder"].as_str().expect("holder").to_owned();
    dirs.ok(
        &[
            "avatar",
            "add",
            "--platform",
            "resonite",
            "--handle",
            "alice_res",
        ],
        WALLET_PASSPHRASE,
    );
    let nonce = dirs.issuer_json(&["link-nonce"])["nonce"]
        .as_str()
        .expect("nonce")
        .to_owned();
    let links = dirs.ok(
        &["avatar", "link", "--nonce", &nonce, "--copies", "2"],
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
        "2",
    ]);
    let issued = dirs.write("issued.json", issued.to_string().as_bytes());
    dirs.ok(&["credential", "import", &issued], WALLET_PASSPHRASE);
    for list in 1..=4 {
        let out = tokens.join(format!("{list}.jwt"));
        let issuer_dir = dirs.issuer();
        let _ = dirs.avid(
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

    let world = start_world(issuer_did.clone()).await;
    let created = begin(&world).await;
    let url = created["openid4vp_url"].as_str().expect("url").to_owned();
    let wallet = dirs.wallet();
    let home = dirs.root.path().to_owned();
    let output = tokio::task::spawn_blocking(move || login(&wallet, &home, &url))
        .await
        .expect("join");
    assert!(
        output.status.success(),
        "login: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(answer["answer"]["granted"], true, "{answer}");
    let id = created["id"].as_str().expect("id");
    let outcome = status(&world, id).await;
    assert_eq!(outcome["status"], "granted", "{outcome}");
    assert_eq!(unused_copies(&dirs), 1);

    // Another world gets the other copy.
    let other = start_world(issuer_did).await;
    let created = begin(&other).await;
    let url = created["openid4vp_url"].as_str().expect("url").to_owned();
    let wallet = dirs.wallet();
    let home = dirs.root.path().to_owned();
    let output = tokio::task::spawn_blocking(move || login(&wallet, &home, &url))
        .await
        .expect("join");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(unused_copies(&dirs), 0);
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
