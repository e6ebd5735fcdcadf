//! End-to-end tests of the holder's commands: the real `avid` binary over a real wallet
//! directory, each command with its failures (wrong passphrase, damaged or newer files, a write
//! killed before its rename, two processes at once), and a scan for secrets in clear.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use did_core::jose::Algorithm;
use did_core::key::{Jwk, KeyType, PublicKey, SecretKey};
use did_core::method::key::did_key_verification_method;
use serde_json::{Map, Value, json};
use vc_issuer::mfa::{PasskeyRegistrar, RegisterPublicKeyCredential, RelyingParty};
use vc_issuer::openid4vp::{AuthorizationRequest, AvatarLogin, ClientId};
use vc_issuer::sd_jwt::DisclosureFrame;
use vc_issuer::sd_jwt_vc::{SdJwtVcIssuer, UnsecuredPayload};

const PASSPHRASE: &str = "wallet passphrase for tests";
/// A claim value that must never appear in clear outside `credential show`.
const GIVEN_NAME: &str = "Quintessa-Marlowe";

/// A temporary home with a wallet directory in it; every run is isolated from the user's.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn wallet(&self) -> PathBuf {
        self.dir.path().join("wallet")
    }

    fn command(&self, args: &[&str], passphrase: Option<&str>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_avid"));
        command
            .args(args)
            .env("AVID_WALLET", self.wallet())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env_remove("AVID_PASSPHRASE")
            .stdin(Stdio::null());
        if let Some(passphrase) = passphrase {
            command.env("AVID_PASSPHRASE", passphrase);
        }
        command
    }

    fn run(&self, args: &[&str], passphrase: Option<&str>) -> Output {
        self.command(args, passphrase)
            .output()
            .expect("the avid binary runs")
    }

    /// Runs with the right passphrase and expects success.
    fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args, Some(PASSPHRASE));
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            describe(&output)
        );
        output
    }

    fn ok_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        stdout_json(&self.ok(&all))
    }

    fn init(&self) -> String {
        let created = self.ok_json(&["init"]);
        created["holder"].as_str().expect("holder DID").to_owned()
    }

    /// Every file of the wallet directory, by name (the lock files are empty and skipped).
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.wallet())
            .expect("wallet dir")
            .map(|entry| {
                let path = entry.expect("entry").path();
                let name = path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read(&path).expect("file"))
            })
            .filter(|(name, _)| !name.ends_with(".lock"))
            .collect();
        files.sort();
        files
    }
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", describe(output)))
}

/// `output` is a refusal with exit `code` whose message names `error`.
fn assert_refused(output: &Output, code: i32, error: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    assert!(stderr(output).contains(error), "{}", describe(output));
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An avatar-link credential for `holder`, signed by `issuer` (a did:key).
fn issue(issuer: &SecretKey, holder: &PublicKey) -> String {
    let signer = issuer.signer(Algorithm::Ed25519).expect("signer");
    let mut claims = Map::new();
    claims.insert(
        "avatars".into(),
        json!([{"platform": "resonite", "id": "did:example:avatar", "handle": "ali_res"}]),
    );
    claims.insert("given_name".into(), json!(GIVEN_NAME));
    claims.insert("age_over_18".into(), json!(true));
    let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder.clone(), 1_780_000_000)
        .with_claims(claims);
    let frame = DisclosureFrame::new()
        .nest("avatars", DisclosureFrame::new().disclose_all())
        .disclose("given_name")
        .disclose("age_over_18");
    SdJwtVcIssuer::new(&signer, did_key_verification_method(&issuer.public_key()))
        .expect("issuer")
        .issue(payload, &frame)
        .expect("issued")
}

fn write(home: &Home, name: &str, text: &str) -> PathBuf {
    let path = home.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn holder_key(home: &Home, holder: &str) -> PublicKey {
    let shown = home.ok_json(&["did", "show", holder]);
    let jwk: Jwk = serde_json::from_value(shown["publicJwk"].clone()).expect("JWK");
    PublicKey::from_jwk(&jwk).expect("key")
}

/// A wallet with an avatar and a credential of two copies (a batch); its id.
fn wallet_with_batch(home: &Home) -> String {
    home.init();
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "ali_res",
    ]);
    let request = home.ok_json(&["avatar", "link", "--nonce", "n-1", "--copies", "2"]);
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let copies: Vec<String> = request["holder_keys"]
        .as_array()
        .expect("holder_keys")
        .iter()
        .map(|jwk| {
            let jwk: Jwk = serde_json::from_value(jwk.clone()).expect("JWK");
            issue(&issuer, &PublicKey::from_jwk(&jwk).expect("key"))
        })
        .collect();
    let file = write(home, "batch.txt", &(copies.join("\n") + "\n"));
    let imported = home.ok_json(&["credential", "import", path_str(&file)]);
    assert_eq!(imported["copies"], 2);
    imported["id"].as_str().expect("id").to_owned()
}

#[test]
fn holder_flow_from_init_to_a_verified_presentation() {
    let home = Home::new();
    let holder = home.init();
    assert!(holder.starts_with("did:key:z6Mk"), "{holder}");
    // `did create` keeps the DID in the wallet; listings need no passphrase.
    let second = home.ok_json(&["did", "create"]);
    assert_eq!(second["stored"], true);
    let listed = stdout_json(&home.run(&["--json", "did", "list"], None));
    assert_eq!(listed["dids"], json!([holder, second["did"]]));
    let avatar = home.ok_json(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "ali_res",
    ]);
    let avatars = stdout_json(&home.run(&["--json", "avatar", "list"], None));
    assert_eq!(avatars["avatars"][0]["id"], avatar["id"]);
    let link = home.ok_json(&["avatar", "link", "--nonce", "n-1"]);
    assert_eq!(link["holder"], holder.as_str());
    assert_eq!(link["links"][0]["handle"], "ali_res");
    assert!(
        link.get("holder_keys").is_none(),
        "one copy is bound to the holder DID"
    );

    let issuer = SecretKey::generate(KeyType::Ed25519);
    let credential = issue(&issuer, &holder_key(&home, &holder));
    let file = write(
        &home,
        "credential.json",
        &json!({"id": "cred-7", "credentials": [credential]}).to_string(),
    );
    let imported = home.ok_json(&["credential", "import", path_str(&file)]);
    assert_eq!(imported["id"], "cred-7");
    let listed = stdout_json(&home.run(&["--json", "credential", "list"], None));
    assert_eq!(listed["credentials"][0]["vct"], "urn:avid:avatar-link:1");
    let shown = home.ok_json(&["credential", "show", "cred-7"]);
    assert_eq!(shown["claims"]["given_name"], GIVEN_NAME);

    let presented = home.ok_json(&[
        "present",
        "--credential",
        "cred-7",
        "--disclose",
        "/age_over_18",
        "--nonce",
        "n-9",
        "--aud",
        "https://world.example",
    ]);
    let presentation = presented["presentation"].as_str().expect("presentation");
    let file = write(&home, "presentation.txt", presentation);
    let issuer_did = did_core::method::key::did_key(&issuer.public_key()).to_string();
    let verified = home.run(
        &[
            "--json",
            "verify",
            path_str(&file),
            "--nonce",
            "n-9",
            "--aud",
            "https://world.example",
            "--require-key-binding",
            "--trusted-issuer",
            &issuer_did,
            "--require-claim",
            "/age_over_18",
        ],
        None,
    );
    assert!(verified.status.success(), "{}", describe(&verified));
    assert!(!String::from_utf8_lossy(&verified.stdout).contains(GIVEN_NAME));

    home.ok(&["credential", "delete", "cred-7"]);
    let listed = stdout_json(&home.run(&["--json", "credential", "list"], None));
    assert_eq!(listed["credentials"], json!([]));
}

#[test]
fn takes_a_nonce_that_begins_with_a_hyphen() {
    let home = Home::new();
    home.init();
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "ali_res",
    ]);
    // Issuer nonces are random base64url: one in 32 begins with `-`.
    let link = home.ok_json(&["avatar", "link", "--nonce", "-g1H6CTDDkYjgnhB4Qfg-g"]);
    assert!(link["links"][0]["avatar"].is_string());
}

#[test]
fn rejects_presenting_a_claim_the_credential_lacks() {
    let home = Home::new();
    let id = wallet_with_batch(&home);
    let output = home.run(
        &[
            "present",
            "--credential",
            &id,
            "--disclose",
            "/birthdate",
            "--nonce",
            "n",
            "--aud",
            "a",
        ],
        Some(PASSPHRASE),
    );
    assert_refused(&output, 2, "/birthdate");
    let unknown = home.run(
        &[
            "present",
            "--credential",
            "nope",
            "--nonce",
            "n",
            "--aud",
            "a",
        ],
        Some(PASSPHRASE),
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
}

#[test]
fn rejects_a_credential_bound_to_someone_else() {
    let home = Home::new();
    home.init();
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let stranger = SecretKey::generate(KeyType::Ed25519);
    let file = write(
        &home,
        "foreign.txt",
        &issue(&issuer, &stranger.public_key()),
    );
    let before = home.snapshot();
    let output = home.run(&["credential", "import", path_str(&file)], Some(PASSPHRASE));
    assert_refused(&output, 1, "notBound");
    assert_eq!(home.snapshot(), before);
}

#[test]
fn rejects_a_wrong_passphrase_and_changes_nothing() {
    let home = Home::new();
    home.init();
    let before = home.snapshot();
    for args in [
        &["avatar", "add", "--platform", "resonite", "--handle", "x"][..],
        &["did", "create"],
        &["credential", "show", "x"],
    ] {
        let output = home.run(args, Some("not the passphrase"));
        assert_refused(&output, 1, "wrongPassphrase");
        assert!(!stderr(&output).contains("not the passphrase"));
    }
    assert_eq!(home.snapshot(), before);
}

#[test]
fn rejects_a_truncated_or_altered_wallet_file_and_changes_nothing() {
    let home = Home::new();
    home.init();
    let store = home.wallet().join("wallet.avid");
    let whole = std::fs::read(&store).expect("store");
    for damaged in [whole[..whole.len() / 2].to_vec(), {
        let mut altered = whole.clone();
        let at = altered.len() - 10;
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        altered
    }] {
        std::fs::write(&store, &damaged).expect("damage");
        let before = home.snapshot();
        let output = home.run(
            &["avatar", "add", "--platform", "p", "--handle", "h"],
            Some(PASSPHRASE),
        );
        assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
        let message = stderr(&output);
        assert!(
            message.contains("damaged") || message.contains("altered"),
            "{message}"
        );
        assert_eq!(home.snapshot(), before);
    }
}

#[test]
fn rejects_a_wallet_of_a_newer_format() {
    let home = Home::new();
    home.init();
    let index = home.wallet().join("wallet.json");
    let text = std::fs::read_to_string(&index).expect("index");
    std::fs::write(&index, text.replace("\"format\": 1", "\"format\": 9")).expect("write");
    let output = home.run(&["did", "list"], None);
    assert_refused(&output, 1, "newer avid");

    let store = home.wallet().join("wallet.avid");
    let text = std::fs::read_to_string(&store).expect("store");
    assert!(
        text.contains("\"version\": 1"),
        "the store names its version"
    );
    std::fs::write(&store, text.replace("\"version\": 1", "\"version\": 2")).expect("write");
    let before = home.snapshot();
    let output = home.run(&["did", "create"], Some(PASSPHRASE));
    assert_refused(&output, 1, "newerVersion");
    assert_eq!(home.snapshot(), before);
}

#[test]
fn survives_a_write_killed_between_temp_file_and_rename() {
    let home = Home::new();
    home.init();
    let before = home.snapshot();
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "ali_res",
    ]);
    let after = home.snapshot();
    // The crash: the old files are still in place, the new store lies half-written in a
    // temporary file beside them, the rename never happened.
    for (name, bytes) in &before {
        std::fs::write(home.wallet().join(name), bytes).expect("restore");
    }
    let new_store = &after
        .iter()
        .find(|(name, _)| name == "wallet.avid")
        .expect("store")
        .1;
    std::fs::write(
        home.wallet().join(".avid-keys-crash.tmp"),
        &new_store[..new_store.len() / 2],
    )
    .expect("partial temp file");
    let listed = stdout_json(&home.run(&["--json", "avatar", "list"], None));
    assert_eq!(listed["avatars"], json!([]), "the old wallet, whole");
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "again",
    ]);
    let listed = stdout_json(&home.run(&["--json", "avatar", "list"], None));
    assert_eq!(listed["avatars"].as_array().map(Vec::len), Some(1));
}

#[test]
fn two_processes_at_once_lose_no_change() {
    let home = Home::new();
    home.init();
    let children: Vec<_> = (0..4)
        .map(|_| {
            home.command(&["did", "create"], Some(PASSPHRASE))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "{}", describe(&output));
    }
    let listed = stdout_json(&home.run(&["--json", "did", "list"], None));
    assert_eq!(listed["dids"].as_array().map(Vec::len), Some(5));
}

#[test]
fn passphrase_change_reseals_the_wallet() {
    let home = Home::new();
    home.init();
    let new_file = write(&home, "new-passphrase", "a brand new passphrase\n");
    let refused = home.run(&["passphrase", "change"], Some(PASSPHRASE));
    assert_eq!(refused.status.code(), Some(2), "{}", describe(&refused));
    home.ok(&[
        "passphrase",
        "change",
        "--new-passphrase-file",
        path_str(&new_file),
    ]);
    let old = home.run(&["did", "create"], Some(PASSPHRASE));
    assert!(
        stderr(&old).contains("wrongPassphrase"),
        "{}",
        describe(&old)
    );
    let new = home.run(&["did", "create"], Some("a brand new passphrase"));
    assert!(new.status.success(), "{}", describe(&new));
}

#[test]
fn passkey_register_answers_the_issuers_challenge() {
    let home = Home::new();
    home.init();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let relying_party =
        RelyingParty::new("avid.example", "https://avid.example", "avid issuer").expect("rp");
    let registrar = PasskeyRegistrar::in_memory(relying_party).expect("registrar");
    let now = did_core::time::unix_now();
    let options = runtime
        .block_on(registrar.start_registration("holder-1", now))
        .expect("options");
    let file = write(
        &home,
        "challenge.json",
        &serde_json::to_string(&options).expect("json"),
    );
    let output = home.ok(&["passkey", "register", "--challenge", path_str(&file)]);
    let response: RegisterPublicKeyCredential =
        serde_json::from_slice(&output.stdout).expect("a registration response");
    runtime
        .block_on(registrar.finish_registration("holder-1", &response, now + 1))
        .expect("the issuer accepts it");
    let index = std::fs::read_to_string(home.wallet().join("wallet.json")).expect("index");
    assert!(index.contains("\"passkey\": true"));

    let wrong_origin = home.run(
        &[
            "passkey",
            "register",
            "--challenge",
            path_str(&file),
            "--origin",
            "not a url",
        ],
        Some(PASSPHRASE),
    );
    assert_eq!(
        wrong_origin.status.code(),
        Some(2),
        "{}",
        describe(&wrong_origin)
    );
    let help = home.run(&["passkey", "register", "--help"], None);
    assert!(String::from_utf8_lossy(&help.stdout).contains("hardware security key is stronger"));
}

/// A login request by value from a world answering at `response_uri` (nothing listens there).
fn login_url(response_uri: &str) -> String {
    let login = AvatarLogin::new("resonite").over_18();
    AuthorizationRequest::builder(
        ClientId::redirect_uri(response_uri).expect("client id"),
        response_uri,
        login.dcql_query(),
    )
    .build()
    .expect("request")
    .to_url()
    .expect("url")
}

fn unused_copies(home: &Home) -> Value {
    stdout_json(&home.run(&["--json", "credential", "list"], None))["credentials"][0]
        ["unused_copies"]
        .clone()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[test]
fn login_shows_the_claims_and_sends_nothing_without_consent() {
    let home = Home::new();
    wallet_with_batch(&home);
    let world_a = format!("http://127.0.0.1:{}/login/responses", closed_port());
    let url = login_url(&world_a);
    let output = home.run(&["login", &url, "--allow-http"], Some(PASSPHRASE));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let consent = stderr(&output);
    assert!(
        consent.contains(&format!("redirect_uri:{world_a} asks to see")),
        "{consent}"
    );
    assert!(
        consent.contains("/avatars/0/platform, /age_over_18"),
        "{consent}"
    );
    assert!(consent.contains("\"age_over_18\": true"), "{consent}");
    assert!(
        consent.contains("\"handle\": \"ali_res\""),
        "the whole avatar shows: {consent}"
    );
    assert!(
        !consent.contains(GIVEN_NAME),
        "only the claims asked for: {consent}"
    );
    assert!(consent.contains("nothing was sent"), "{consent}");
    assert_eq!(unused_copies(&home), 2);

    // From a file, with consent: the post fails (nobody listens) but the copy was offered.
    let file = write(&home, "request.txt", &url);
    let output = home.run(
        &["login", path_str(&file), "--allow-http", "--yes"],
        Some(PASSPHRASE),
    );
    assert_refused(&output, 1, "cannot reach");
    assert_eq!(unused_copies(&home), 1);
    // The same world again gets the same copy; another world gets the unused one.
    home.run(&["login", &url, "--allow-http", "--yes"], Some(PASSPHRASE));
    assert_eq!(unused_copies(&home), 1);
    let world_b = format!("http://127.0.0.1:{}/other/responses", closed_port());
    home.run(
        &["login", &login_url(&world_b), "--allow-http", "--yes"],
        Some(PASSPHRASE),
    );
    assert_eq!(unused_copies(&home), 0);
}

#[test]
fn rejects_a_login_request_that_is_not_one() {
    let home = Home::new();
    wallet_with_batch(&home);
    let output = home.run(&["login", "openid4vp://?client_id=x"], Some(PASSPHRASE));
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let missing = home.run(&["login", "./no-such-request"], Some(PASSPHRASE));
    assert_eq!(missing.status.code(), Some(2), "{}", describe(&missing));
    // A request by reference must be fetched over https: plain http is refused without
    // --allow-http, before any passphrase is asked.
    let by_reference = format!(
        "openid4vp://?client_id=decentralized_identifier:did:web:127.0.0.1&request_uri=http://127.0.0.1:{}/r",
        closed_port()
    );
    let output = home.run(&["login", &by_reference], None);
    assert_refused(&output, 1, "cannot fetch");
}

#[test]
fn no_secret_appears_in_any_wallet_file_or_output() {
    let home = Home::new();
    let mut outputs: Vec<Output> = Vec::new();
    outputs.push(home.ok(&["init"]));
    outputs.push(home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "ali_res",
    ]));
    outputs.push(home.ok(&["--json", "did", "create"]));
    let holder = stdout_json(&home.run(&["--json", "did", "list"], None))["dids"][0]
        .as_str()
        .expect("holder")
        .to_owned();
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let credential = issue(&issuer, &holder_key(&home, &holder));
    let file = write(&home, "credential.txt", &credential);
    outputs.push(home.ok(&["credential", "import", path_str(&file)]));
    outputs.push(home.run(&["credential", "list"], None));
    outputs.push(home.run(&["did", "list"], None));
    outputs.push(home.run(&["avatar", "list"], None));
    outputs.push(home.run(&["did", "create"], Some("wrong passphrase words")));
    outputs.push(home.run(&["credential", "show", "nope"], Some(PASSPHRASE)));
    std::fs::remove_file(&file).expect("the issued credential file goes");

    let disclosure_of_name = credential
        .split('~')
        .find(|part| {
            did_core::base64url::decode(part)
                .is_some_and(|bytes| String::from_utf8_lossy(&bytes).contains(GIVEN_NAME))
        })
        .expect("the given_name disclosure")
        .to_owned();
    let secrets = [
        GIVEN_NAME.to_owned(),
        disclosure_of_name,
        PASSPHRASE.to_owned(),
        "wrong passphrase words".to_owned(),
    ];
    let mut haystacks: Vec<Vec<u8>> = home
        .snapshot()
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    for output in &outputs {
        haystacks.push(output.stdout.clone());
        haystacks.push(output.stderr.clone());
    }
    for secret in &secrets {
        for haystack in &haystacks {
            assert!(
                !haystack
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "a secret appears in clear"
            );
        }
    }
}

/// `avid issuer …` on the issuer directory `issuer` (its own passphrase).
fn issuer(home: &Home, issuer: &Path, args: &[&str]) -> Value {
    let mut all = vec!["issuer", "--issuer-dir", path_str(issuer)];
    all.extend_from_slice(args);
    all.push("--json");
    let output = home.run(&all, Some("the issuer's passphrase"));
    assert!(
        output.status.success(),
        "{all:?} failed: {}",
        describe(&output)
    );
    stdout_json(&output)
}

#[test]
fn the_issuer_accepts_the_wallets_link_proofs_and_passkey_and_the_wallet_imports_the_batch() {
    let home = Home::new();
    let issuer_dir = home.dir.path().join("issuer");
    issuer(
        &home,
        &issuer_dir,
        &[
            "init",
            "--rp-id",
            "issuer.example",
            "--origin",
            "https://issuer.example",
            "--status-list-base",
            "https://issuer.example/statuslists",
        ],
    );
    let holder = home.init();
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "vrchat",
        "--handle",
        "alice_vr",
    ]);
    home.ok(&[
        "avatar",
        "add",
        "--platform",
        "resonite",
        "--handle",
        "alice_res",
    ]);

    let nonce = issuer(&home, &issuer_dir, &["link-nonce"])["nonce"]
        .as_str()
        .expect("nonce")
        .to_owned();
    let links = home.ok(&["avatar", "link", "--nonce", &nonce, "--copies", "2"]);
    let links = write(&home, "links.json", &String::from_utf8_lossy(&links.stdout));
    let challenge = issuer(
        &home,
        &issuer_dir,
        &["passkey-challenge", "--holder", &holder],
    );
    let challenge = write(&home, "challenge.json", &challenge.to_string());
    // The origin defaults to https:// and the relying party id of the options.
    let registration = home.ok(&["passkey", "register", "--challenge", path_str(&challenge)]);
    let registration = write(
        &home,
        "registration.json",
        &String::from_utf8_lossy(&registration.stdout),
    );
    let claims = write(
        &home,
        "claims.json",
        &json!({"age_over_18": true}).to_string(),
    );
    let issued = issuer(
        &home,
        &issuer_dir,
        &[
            "issue",
            "--links",
            path_str(&links),
            "--claims",
            path_str(&claims),
            "--passkey-registration",
            path_str(&registration),
            "--copies",
            "2",
        ],
    );
    let issued_file = write(&home, "issued.json", &issued.to_string());
    let imported = home.ok_json(&["credential", "import", path_str(&issued_file)]);
    assert_eq!(imported["copies"], 2);
    assert_eq!(imported["id"], issued["id"]);
    let shown = home.ok_json(&["credential", "show", imported["id"].as_str().expect("id")]);
    let mut platforms: Vec<&str> = shown["claims"]["avatars"]
        .as_array()
        .expect("avatars")
        .iter()
        .filter_map(|avatar| avatar["platform"].as_str())
        .collect();
    platforms.sort_unstable();
    assert_eq!(platforms, ["resonite", "vrchat"]);
    assert!(
        shown["claims"]["passkey"].is_object(),
        "the passkey is bound"
    );
}

#[test]
fn rejects_a_damaged_index_and_rebuilds_it_on_unlock() {
    let home = Home::new();
    let holder = home.init();
    std::fs::write(
        home.wallet().join("wallet.json"),
        b"{\"format\": 1, \"dids\": [",
    )
    .expect("cut");
    let output = home.run(&["did", "list"], None);
    assert_refused(&output, 1, "rebuilds it");
    // Unlocking rebuilds the index from the sealed state, even when the command then fails.
    let unknown = home.run(&["credential", "show", "none"], Some(PASSPHRASE));
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
    let listed = stdout_json(&home.run(&["--json", "did", "list"], None));
    assert_eq!(listed["dids"], json!([holder]));
}

#[test]
fn each_command_refuses_bad_input_with_a_clear_error() {
    let home = Home::new();
    // No wallet yet: every command says to run `avid init`.
    for args in [
        &["did", "list"][..],
        &["avatar", "list"],
        &["credential", "list"],
    ] {
        let output = home.run(args, None);
        assert_refused(&output, 2, "avid init");
    }
    let no_passphrase = home.run(&["init"], None);
    assert_eq!(
        no_passphrase.status.code(),
        Some(2),
        "{}",
        describe(&no_passphrase)
    );
    let holder = home.init();
    let before = home.snapshot();
    let again = home.run(&["init"], Some(PASSPHRASE));
    assert_refused(&again, 1, "walletExists");
    assert_eq!(home.snapshot(), before, "init never replaces a wallet");

    let challenge = write(&home, "challenge.json", "{\"publicKey\": 3}");
    let garbage = write(&home, "garbage.txt", "not a credential");
    for (args, code, says) in [
        (&["did", "show", "did:key:z6MkNotMine"][..], 2, "no did"),
        (
            &[
                "avatar",
                "add",
                "--platform",
                "Bad Platform!",
                "--handle",
                "h",
            ],
            2,
            "--platform",
        ),
        (
            &[
                "avatar",
                "add",
                "--platform",
                "p",
                "--handle",
                "h",
                "--did",
                "did:key:zX",
            ],
            2,
            "no did",
        ),
        (
            &[
                "avatar",
                "add",
                "--platform",
                "p",
                "--handle",
                "h",
                "--did",
                &holder,
            ],
            2,
            "holder DID",
        ),
        (&["avatar", "link", "--nonce", "n"], 1, "no avatar"),
        (
            &["avatar", "link", "--nonce", "n", "--copies", "0"],
            2,
            "--copies",
        ),
        (
            &["passkey", "register", "--challenge", path_str(&challenge)],
            2,
            "registration options",
        ),
        (
            &["credential", "import", path_str(&garbage)],
            1,
            "credentialRefused",
        ),
        (&["credential", "delete", "nope"], 2, "no credential"),
        (
            &[
                "present",
                "--credential",
                "nope",
                "--nonce",
                "n",
                "--aud",
                "a",
            ],
            2,
            "no credential",
        ),
    ] {
        let output = home.run(args, Some(PASSPHRASE));
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            describe(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            describe(&output)
        );
    }
    assert_eq!(home.snapshot().len(), before.len());
}
