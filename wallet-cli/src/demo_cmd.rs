//! `avid demo`: the whole story of avid on embedded defaults, with nothing to install. An issuer
//! (its SQLite store in a temporary directory) checks a holder's link proofs for two avatars on
//! two platforms and binds the holder's software passkey; a third-party world, served by this
//! process on loopback with the `/login/*` routes of `avid-resolver`, logs the holder in over
//! OpenID4VP with both factors; a replayed response is refused; the credential is revoked and
//! the next login refused. Every step runs the `avid` command a person would type (this same
//! binary, as a child process), and the demo prints what each party did, saw and did not see.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::routing::get;
use did_core::did::Did;
use resolver_service::login::{self, LoginService, VerifierKey};
use serde_json::{Value, json};
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::openid4vp::AuthorizationResponse;
use vc_issuer::sd_jwt::SdJwtKb;
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::status::STATUS_LIST_JWT_MEDIA_TYPE;
use vc_issuer::trust::TrustEvaluation;
use vc_issuer::verify::Verifier;

use crate::cli::DemoArgs;
use crate::network;
use crate::output::{Failure, Output};

/// The issuer's and the holder's passphrases: embedded defaults, for a throwaway demo only.
const ISSUER_PASSPHRASE: &str = "demo issuer passphrase (never use an embedded one)";
const WALLET_PASSPHRASE: &str = "demo wallet passphrase (never use an embedded one)";
/// The issuer's passkey relying party.
const RP_ID: &str = "issuer.example";
const ORIGIN: &str = "https://issuer.example";
/// The holder's avatars: (platform, handle). The world logs in avatars of platform B.
const AVATARS: [(&str, &str); 2] = [("vrchat", "alice_vr"), ("resonite", "alice_res")];
const PLATFORM_B: &str = "resonite";
/// What the holder's credential says of them, and what the world must not learn of it.
const NAME: &str = "Alice Example";
const EMAIL: &str = "alice@example.org";
/// How long a world may cache the issuer's status list: the shortest a world accepts.
const STATUS_TTL: Duration = Duration::from_secs(5);

/// Runs `avid demo`.
pub fn run(args: &DemoArgs, out: &Output) -> Result<(), Failure> {
    // Without --keep, a private (0700) scratch directory removed when the demo ends.
    let scratch;
    let root = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|err| io(dir, &err))?;
            if std::fs::read_dir(dir)
                .map_err(|err| io(dir, &err))?
                .next()
                .is_some()
            {
                return Err(Failure::usage(format!(
                    "{} is not empty: `--keep` wants a new or empty directory",
                    dir.display()
                )));
            }
            dir.clone()
        }
        None => {
            scratch = tempfile::Builder::new()
                .prefix("avid-demo-")
                .tempdir()
                .map_err(|err| io(&std::env::temp_dir(), &err))?;
            scratch.path().to_owned()
        }
    };
    let result = Demo::new(&root, out)?.play();
    if args.keep.is_some() && !out.json() {
        tell!("\nkept in {}", root.display());
    }
    result
}

fn io(path: &Path, err: &std::io::Error) -> Failure {
    Failure::rejected("io", format!("{}: {err}", path.display()))
}

/// The demo's parties and places: its directory, the loopback servers, and how it speaks.
struct Demo<'a> {
    root: PathBuf,
    out: &'a Output,
    runtime: tokio::runtime::Runtime,
    status_base: String,
    step: std::cell::Cell<u32>,
    summary: std::cell::RefCell<serde_json::Map<String, Value>>,
}

impl<'a> Demo<'a> {
    fn new(root: &Path, out: &'a Output) -> Result<Self, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
        std::fs::create_dir(root.join("statuslists")).map_err(|err| io(root, &err))?;
        let status_addr = runtime.block_on(serve_status_lists(root.join("statuslists")))?;
        Ok(Self {
            root: root.to_owned(),
            out,
            runtime,
            status_base: format!("http://{status_addr}/statuslists"),
            step: std::cell::Cell::new(0),
            summary: std::cell::RefCell::new(serde_json::Map::new()),
        })
    }

    fn path(&self, name: &str) -> String {
        self.root.join(name).display().to_string()
    }

    /// A new step, with its title.
    fn step(&self, title: &str) {
        self.step.set(self.step.get() + 1);
        if !self.out.json() {
            say!("\n── {}. {title}", self.step.get());
        }
    }

    /// What happened, in words.
    fn explain(&self, text: &str) {
        if !self.out.json() {
            say!("   {text}");
        }
    }

    fn record(&self, key: &str, value: Value) {
        self.summary.borrow_mut().insert(key.to_owned(), value);
    }

    /// Runs `avid ARGS` as `who` (its passphrase), shows the command, and gives its stdout as
    /// JSON. A failure of a step the story expects to succeed ends the demo.
    fn avid(&self, who: Party, args: &[&str]) -> Result<Value, Failure> {
        let (code, value, stderr) = self.avid_outcome(who, args)?;
        if code != Some(0) {
            return Err(Failure::rejected(
                "demoFailed",
                format!("`avid {}` failed: {stderr}", args.join(" ")),
            ));
        }
        Ok(value)
    }

    /// Runs `avid ARGS --json` as `who`, and gives its exit code, stdout as JSON and stderr.
    fn avid_outcome(
        &self,
        who: Party,
        args: &[&str],
    ) -> Result<(Option<i32>, Value, String), Failure> {
        if !self.out.json() {
            say!("   $ avid {}", args.join(" "));
        }
        let exe = std::env::current_exe()
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
        let output = Command::new(exe)
            .arg("--json")
            .args(args)
            .env("AVID_WALLET", self.root.join("wallet"))
            .env("AVID_ISSUER_DIR", self.root.join("issuer"))
            .env("AVID_PASSPHRASE", who.passphrase())
            .env_remove("AVID_ISSUER_DATABASE")
            .stdin(Stdio::null())
            .output()
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
        let value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Ok((output.status.code(), value, stderr))
    }

    fn play(&self) -> Result<(), Failure> {
        if !self.out.json() {
            say!("avid demo: an avatar logs in to a third-party world with two factors.");
            say!(
                "Everything runs on this machine, in {}",
                self.root.display()
            );
        }

        self.step(
            "The issuer sets up: a signing key sealed under a passphrase, a did:key, a store",
        );
        let issuer = self.avid(
            Party::Issuer,
            &[
                "issuer",
                "init",
                "--rp-id",
                RP_ID,
                "--origin",
                ORIGIN,
                "--status-list-base",
                &self.status_base,
            ],
        )?;
        let issuer_did = text(&issuer["did"])?;
        self.explain(&format!(
            "issuer {issuer_did}, passkeys for {RP_ID}, its status lists at {}",
            self.status_base
        ));

        self.step("The holder makes a wallet, and an avatar on each of two platforms");
        let wallet = self.avid(Party::Holder, &["init"])?;
        let holder_did = text(&wallet["holder"])?;
        for (platform, handle) in AVATARS {
            self.avid(
                Party::Holder,
                &["avatar", "add", "--platform", platform, "--handle", handle],
            )?;
        }
        self.explain(&format!(
            "holder {holder_did}; avatars {} on {} and {} on {}, each with its own DID and key, all encrypted in the wallet",
            AVATARS[0].1, AVATARS[0].0, AVATARS[1].1, AVATARS[1].0
        ));

        self.step(
            "Each avatar proves it belongs to the holder (link proofs over the issuer's nonce)",
        );
        let nonce = text(&self.avid(Party::Issuer, &["issuer", "link-nonce"])?["nonce"])?;
        let links = self.avid(Party::Holder, &["avatar", "link", "--nonce", &nonce])?;
        let links_file = self.write("links.json", &links)?;
        self.explain("every link statement {avatar DID, holder DID, platform, nonce} is signed twice: by the avatar's key and by the holder's");

        self.step("The issuer registers the holder's passkey (factor 2); the wallet's software passkey answers");
        let challenge = self.avid(
            Party::Issuer,
            &["issuer", "passkey-challenge", "--holder", &holder_did],
        )?;
        let challenge_file = self.write("passkey-challenge.json", &challenge)?;
        let registration = self.avid(
            Party::Holder,
            &["passkey", "register", "--challenge", &challenge_file],
        )?;
        let registration_file = self.write("passkey-registration.json", &registration)?;
        self.explain("a hardware security key would be stronger; the demo's passkey lives in the wallet, encrypted");

        self.step("The issuer checks both link proofs and the passkey, and issues the avatar-link credential");
        let claims = self.write(
            "claims.json",
            &json!({"name": NAME, "email": EMAIL, "age_over_18": true}),
        )?;
        let issued = self.avid(
            Party::Issuer,
            &[
                "issuer",
                "issue",
                "--links",
                &links_file,
                "--claims",
                &claims,
                "--passkey-registration",
                &registration_file,
            ],
        )?;
        let credential_id = text(&issued["id"])?;
        let issued_file = self.write("issued.json", &issued)?;
        self.avid(Party::Holder, &["credential", "import", &issued_file])?;
        self.publish_status()?;
        self.explain(&format!(
            "credential {credential_id}: bound to the holder's key (cnf) and passkey; every avatar, the name, the e-mail and age_over_18 disclosable one by one; its status index drawn at random"
        ));

        self.step(&format!("A third-party world asks for the avatar on {PLATFORM_B} and age_over_18, with both factors"));
        let world = self
            .runtime
            .block_on(start_world(Did::parse(&issuer_did).map_err(|err| {
                Failure::rejected("internalError", err.to_string())
            })?))?;
        let login = self.begin_login(&world)?;
        self.explain(&format!(
            "the world shows the player {}",
            text(&login["openid4vp_url"])?
        ));

        let response_file = self.path("login-response.form");
        let (code, answer, stderr) = self.avid_outcome(
            Party::Holder,
            &[
                "login",
                text(&login["openid4vp_url"])?.as_str(),
                "--yes",
                "--allow-http",
                "--save-response",
                &response_file,
            ],
        )?;
        if code != Some(0) {
            return Err(Failure::rejected(
                "demoFailed",
                format!("the login failed: {stderr}"),
            ));
        }
        let outcome = self.login_outcome(&world, &login)?;
        self.show_what_the_world_learned(&outcome, &response_file, &holder_did)?;
        self.record(
            "login",
            json!({"answer": answer["answer"], "outcome": outcome}),
        );

        self.step("Someone replays the wallet's response to the world");
        let form = std::fs::read_to_string(&response_file)
            .map_err(|err| io(Path::new(&response_file), &err))?;
        let (status, replay) = self
            .runtime
            .block_on(post_form(&format!("{world}/login/responses"), form))?;
        self.explain(&format!(
            "the world answers {status}: {}",
            replay["error_description"].as_str().unwrap_or("refused")
        ));
        self.record("replay", json!({"status": status, "answer": replay}));
        if status != 400 {
            return Err(Failure::rejected(
                "demoFailed",
                "the world accepted a replayed response",
            ));
        }

        self.step("The issuer revokes the credential and publishes its status list; the holder tries again");
        self.avid(Party::Issuer, &["issuer", "revoke", &credential_id])?;
        self.publish_status()?;
        // A world keeps a status list for its `ttl`, and never less than 5 s (the demo's
        // lists say 5 s): the demo waits that out rather than configure the world otherwise.
        self.explain(
            "the world keeps the list it fetched for 5 s (its ttl): the demo waits that out",
        );
        std::thread::sleep(STATUS_TTL + Duration::from_millis(500));
        let login = self.begin_login(&world)?;
        let (code, _, _) = self.avid_outcome(
            Party::Holder,
            &[
                "login",
                text(&login["openid4vp_url"])?.as_str(),
                "--yes",
                "--allow-http",
            ],
        )?;
        let refused = self.login_outcome(&world, &login)?;
        let codes: Vec<&str> = refused["result"]["report"]["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
            .unwrap_or_default();
        self.explain(&format!(
            "avid login exits {}; the world refuses the login: {}",
            code.unwrap_or(-1),
            codes.join(", ")
        ));
        self.record("after_revocation", refused.clone());
        if refused["status"] != "refused" || !codes.contains(&"revoked") {
            return Err(Failure::rejected(
                "demoFailed",
                "the revoked credential was not refused",
            ));
        }

        self.step("An auditor checks the issuer's history (no passphrase needed)");
        let audit = self.avid(Party::Auditor, &["issuer", "audit"])?;
        self.explain(&format!("{} log entries, the hash chain intact: the key's creation, the issuance, the revocation", audit["entries"]));
        self.record("audit", audit);

        if self.out.json() {
            self.out
                .print_json(&Value::Object(self.summary.borrow().clone()));
        } else {
            say!(
                "\nThe world logged the avatar in with two factors, learned only what it asked, refused a replay and a revoked credential."
            );
        }
        Ok(())
    }

    fn write(&self, name: &str, value: &Value) -> Result<String, Failure> {
        let path = self.root.join(name);
        did_core::key::store::write_atomically(
            &path,
            value.to_string().as_bytes(),
            did_core::key::store::Replace::Existing,
        )
        .map_err(|err| Failure::rejected("io", format!("{}: {err}", path.display())))?;
        Ok(path.display().to_string())
    }

    /// Signs the issuer's status list as it stands and puts it where the list is served, with
    /// a cache lifetime of [`STATUS_TTL`] so that the demo's world sees a revocation soon.
    fn publish_status(&self) -> Result<(), Failure> {
        let out = self.root.join("statuslists").join("1");
        self.avid(
            Party::Issuer,
            &[
                "issuer",
                "status-list",
                "--list",
                "1",
                "--ttl",
                &STATUS_TTL.as_secs().to_string(),
                "--out",
                &out.display().to_string(),
            ],
        )?;
        Ok(())
    }

    fn begin_login(&self, world: &str) -> Result<Value, Failure> {
        let body = json!({"platform": PLATFORM_B, "claims": ["age_over_18"], "passkey": true});
        let (status, created) = self
            .runtime
            .block_on(post_json(&format!("{world}/login/requests"), &body))?;
        if status != 201 {
            return Err(Failure::rejected(
                "demoFailed",
                format!("the world did not start a login: {created}"),
            ));
        }
        Ok(created)
    }

    fn login_outcome(&self, world: &str, login: &Value) -> Result<Value, Failure> {
        let id = text(&login["id"])?;
        self.runtime
            .block_on(get_json(&format!("{world}/login/requests/{id}")))
    }

    /// What the world received and learned, from the bytes the wallet sent and the world's
    /// own result; and what it did not learn.
    fn show_what_the_world_learned(
        &self,
        outcome: &Value,
        response_file: &str,
        holder_did: &str,
    ) -> Result<(), Failure> {
        let result = &outcome["result"];
        if outcome["status"] != "granted" {
            return Err(Failure::rejected(
                "demoFailed",
                format!("the world did not grant the login: {outcome}"),
            ));
        }
        self.explain(&format!(
            "granted: avatar {} on {} ({}), age_over_18 = {}, factors {}",
            result["avatar"]["handle"].as_str().unwrap_or("?"),
            result["avatar"]["platform"].as_str().unwrap_or("?"),
            result["avatar"]["id"].as_str().unwrap_or("?"),
            result["claims"]["age_over_18"],
            result["factors"]
        ));
        // ITU-T XSTR.trust-metaverse §8.6: the world's measured trust in the issuer.
        if let Ok(trust) =
            serde_json::from_value::<TrustEvaluation>(result["report"]["trust"].clone())
        {
            let weakest: Vec<String> = trust
                .weakest(2)
                .iter()
                .map(|(indicator, score)| format!("{indicator} {score:.2}"))
                .collect();
            self.explain(&format!(
                "its trust in the issuer: level {} (index {:.2}), weakest {}",
                trust.level,
                trust.index,
                weakest.join(", ")
            ));
        }
        let form = std::fs::read_to_string(response_file)
            .map_err(|err| io(Path::new(response_file), &err))?;
        let disclosed = disclosed_claims(&form)?;
        self.explain(&format!(
            "the bytes the world received disclose exactly: {}",
            disclosed.join(", ")
        ));
        let received = form_text(&form);
        let unseen: Vec<&str> = [NAME, EMAIL, AVATARS[0].0, AVATARS[0].1, holder_did]
            .into_iter()
            .filter(|secret| !received.contains(secret))
            .collect();
        if unseen.len() != 5 {
            return Err(Failure::rejected(
                "demoFailed",
                "the world received more than it asked for",
            ));
        }
        self.explain(&format!(
            "and not: the name, the e-mail, the avatar on {}, the holder's DID, nor how many avatars there are (the array always holds 8)",
            AVATARS[0].0
        ));
        self.record("disclosed", json!(disclosed));
        Ok(())
    }
}

/// Who runs a command: each party has its own passphrase; the auditor needs none.
#[derive(Clone, Copy)]
enum Party {
    Issuer,
    Holder,
    Auditor,
}

impl Party {
    fn passphrase(self) -> &'static str {
        match self {
            Party::Issuer => ISSUER_PASSPHRASE,
            Party::Holder => WALLET_PASSPHRASE,
            Party::Auditor => "",
        }
    }
}

fn text(value: &Value) -> Result<String, Failure> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Failure::rejected("demoFailed", format!("expected a string, got {value}")))
}

/// The form body as a log of the world would hold it: every value percent-decoded.
fn form_text(form: &str) -> String {
    url::form_urlencoded::parse(form.as_bytes())
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The claims the disclosures of a `direct_post` body reveal: a name, or the value of an
/// array element.
fn disclosed_claims(form: &str) -> Result<Vec<String>, Failure> {
    let bad = |reason: String| Failure::rejected("demoFailed", reason);
    let response = AuthorizationResponse::from_form(form).map_err(|err| bad(err.message))?;
    let mut claims = Vec::new();
    for presentation in response.vp_token.iter().flat_map(|(_, p)| p) {
        let (sd_jwt, _) = SdJwtKb::parse(presentation)
            .map_err(|err| bad(err.to_string()))?
            .into_parts();
        for disclosure in sd_jwt.disclosures() {
            claims.push(match disclosure.claim_name() {
                Some(name) => name.to_owned(),
                None => format!("an avatar {}", disclosure.value()),
            });
        }
    }
    Ok(claims)
}

async fn bind() -> Result<(tokio::net::TcpListener, SocketAddr), Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    Ok((listener, addr))
}

/// The issuer's static host: the status list tokens `avid issuer status-list` wrote in `dir`.
async fn serve_status_lists(dir: PathBuf) -> Result<SocketAddr, Failure> {
    async fn token(
        State(dir): State<Arc<PathBuf>>,
        UrlPath(number): UrlPath<u64>,
    ) -> Result<([(header::HeaderName, &'static str); 1], String), StatusCode> {
        std::fs::read_to_string(dir.join(number.to_string()))
            .map(|token| ([(header::CONTENT_TYPE, STATUS_LIST_JWT_MEDIA_TYPE)], token))
            .map_err(|_| StatusCode::NOT_FOUND)
    }
    let (listener, addr) = bind().await?;
    let app = Router::new()
        .route("/statuslists/{number}", get(token))
        .with_state(Arc::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

/// The third-party world: the `/login/*` routes of `avid-resolver`, trusting the issuer, with
/// its own verifier key; status lists fetched from loopback, which the demo allows.
async fn start_world(issuer: Did) -> Result<String, Failure> {
    let (listener, addr) = bind().await?;
    let base = format!("http://{addr}");
    let verifier = Verifier::for_dids(network::resolver(true)?, network::fetcher(true)?);
    let service = LoginService::new(
        &base,
        VerifierKey::generate(),
        verifier,
        vec![issuer],
        Arc::new(InMemorySingleUseStore::default()),
        Arc::new(PasskeyVerifier::in_memory()),
    )
    .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    let app = login::router(Arc::new(service));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

async fn post_json(url: &str, body: &Value) -> Result<(u16, Value), Failure> {
    answer(reqwest::Client::new().post(url).json(body).send().await).await
}

async fn post_form(url: &str, form: String) -> Result<(u16, Value), Failure> {
    answer(
        reqwest::Client::new()
            .post(url)
            .header(
                header::CONTENT_TYPE.as_str(),
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .send()
            .await,
    )
    .await
}

async fn get_json(url: &str) -> Result<Value, Failure> {
    answer(reqwest::Client::new().get(url).send().await)
        .await
        .map(|(_, value)| value)
}

async fn answer(sent: Result<reqwest::Response, reqwest::Error>) -> Result<(u16, Value), Failure> {
    let response = sent.map_err(|err| Failure::rejected("demoFailed", err.to_string()))?;
    let status = response.status().as_u16();
    let value = response.json().await.unwrap_or(Value::Null);
    Ok((status, value))
}
