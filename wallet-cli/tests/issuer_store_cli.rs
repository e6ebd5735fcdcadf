//! End-to-end tests of the issuer's store commands, the real binary over a real SQLite store:
//! a holder (played by the libraries: link proofs, a software passkey) gets an avatar-link
//! credential from `avid issuer issue`, which is then suspended, reinstated, revoked and
//! published in the status list; the log audits clean until a row is edited, deleted or
//! reordered behind the issuer's back. And the ways it must refuse.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use did_core::did::Did;
use did_core::jose::{Algorithm, AlgorithmPolicy, LocalSigner, decode_compact, parse_json_object};
use did_core::key::{KeyType, SecretKey};
use did_core::method::key::{did_key, did_key_verification_method};
use serde_json::{Value, json};
use sqlx::Connection as _;
use vc_issuer::avatar::{LinkProof, LinkStatement, Platform};
use vc_issuer::sd_jwt_vc::HolderCredential;
use vc_issuer::status::{StatusList, StatusValue};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

#[path = "../../vc-issuer/tests/support/postgres.rs"]
mod postgres;

const PASSPHRASE: &str = "a passphrase for the issuer";
const ORIGIN: &str = "https://issuer.example";
const STATUS_BASE: &str = "https://issuer.example/statuslists";

fn avid_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avid"));
    command
        .arg("issuer")
        .args(args)
        .arg("--issuer-dir")
        .arg(dir)
        .env("AVID_PASSPHRASE", PASSPHRASE)
        .env_remove("AVID_ISSUER_DIR")
        .env_remove("AVID_ISSUER_DATABASE")
        .stdin(Stdio::null());
    command
}

fn avid(dir: &Path, args: &[&str]) -> Output {
    avid_command(dir, args)
        .output()
        .expect("the avid binary runs")
}

fn ok_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "avid failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn init(dir: &Path) {
    ok_json(&avid(
        dir,
        &[
            "init",
            "--json",
            "--rp-id",
            "issuer.example",
            "--origin",
            ORIGIN,
            "--status-list-base",
            STATUS_BASE,
        ],
    ));
}

/// A new issuer in a fresh temporary directory (kept alive by the first element).
fn fresh_issuer() -> (tempfile::TempDir, std::path::PathBuf) {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("issuer");
    init(&dir);
    (work, dir)
}

/// A link nonce of the issuer in `dir`.
fn nonce(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["link-nonce", "--json"];
    args.extend_from_slice(extra);
    ok_json(&avid(dir, &args))["nonce"]
        .as_str()
        .expect("a nonce")
        .to_owned()
}

/// How many credentials the register of the issuer in `dir` holds.
fn registered(dir: &Path) -> usize {
    ok_json(&avid(dir, &["list", "--json"]))
        .as_array()
        .map_or(0, Vec::len)
}

/// The exit code and the `--json` error code of a refused command.
fn refusal(output: &Output) -> (Option<i32>, Value) {
    let failure: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), failure["error"]["code"].clone())
}

/// A request linking one new avatar of a new holder over `nonce`, written under `work`.
fn one_link_request(work: &Path, nonce: &str) -> String {
    let request = issuance_request(&Party::new(), &[(Party::new(), "vrchat", "al")], nonce);
    write(work, "links.json", &request)
}

/// A did:key party: the holder or one of its avatars.
struct Party {
    signer: LocalSigner,
    secret: SecretKey,
}

impl Party {
    fn new() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        Self {
            signer: secret.signer(Algorithm::Ed25519).expect("signer"),
            secret,
        }
    }

    fn did(&self) -> Did {
        did_key(&self.secret.public_key())
    }

    fn sign(&self, statement: &LinkStatement) -> String {
        statement
            .sign(
                &self.signer,
                &did_key_verification_method(&self.secret.public_key()),
            )
            .expect("signed")
    }
}

/// The holder's issuance request: two avatars on two platforms, both linked over `nonce`.
fn issuance_request(holder: &Party, avatars: &[(Party, &str, &str)], nonce: &str) -> Value {
    let links: Vec<Value> = avatars
        .iter()
        .map(|(avatar, platform, handle)| {
            let statement = LinkStatement::new(
                avatar.did(),
                holder.did(),
                Platform::new(platform).expect("platform"),
                nonce.to_owned(),
                did_core::time::unix_now() - 5,
                did_core::time::unix_now() + 300,
            );
            let proof = LinkProof::new(avatar.sign(&statement), holder.sign(&statement));
            let mut link = serde_json::to_value(&proof).expect("json");
            link["platform"] = json!(platform);
            link["handle"] = json!(handle);
            link
        })
        .collect();
    json!({"holder": holder.did().as_str(), "links": links})
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).expect("json")).expect("written");
    path.display().to_string()
}

/// A credential issued end to end: nonce, link proofs, passkey registration, issuance.
struct Issued {
    id: String,
    credentials: Vec<String>,
    holder: Party,
}

fn issue(dir: &Path, work: &Path, extra: &[&str]) -> Issued {
    let holder = Party::new();
    let avatars = [
        (Party::new(), "vrchat", "alice_vr"),
        (Party::new(), "resonite", "alice_res"),
    ];
    let links = write(
        work,
        "links.json",
        &issuance_request(&holder, &avatars, &nonce(dir, &[])),
    );
    let challenge = ok_json(&avid(
        dir,
        &[
            "passkey-challenge",
            "--json",
            "--holder",
            holder.did().as_str(),
        ],
    ));
    let mut passkey = SoftPasskey::new(true);
    let registration = passkey
        .do_registration(
            Url::parse(ORIGIN).expect("origin"),
            serde_json::from_value(challenge).expect("options"),
        )
        .expect("the passkey registers");
    let registration = write(
        work,
        "registration.json",
        &serde_json::to_value(&registration).expect("json"),
    );
    let claims = write(
        work,
        "claims.json",
        &json!({"name": "Alice Example", "age_over_18": true}),
    );
    let mut args = vec![
        "issue",
        "--json",
        "--links",
        &links,
        "--claims",
        &claims,
        "--passkey-registration",
        &registration,
    ];
    args.extend_from_slice(extra);
    let issued = ok_json(&avid(dir, &args));
    Issued {
        id: issued["id"].as_str().expect("id").to_owned(),
        credentials: issued["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .map(|c| c.as_str().expect("compact").to_owned())
            .collect(),
        holder,
    }
}

/// The status of `credential` in the published status list token.
fn published_status(token: &str, credential: &str) -> StatusValue {
    let held = HolderCredential::parse(credential).expect("credential");
    let idx = held.payload()["status"]["status_list"]["idx"]
        .as_u64()
        .expect("idx");
    let jws = decode_compact(token, &AlgorithmPolicy::default()).expect("a JWS");
    let payload = parse_json_object(jws.payload()).expect("claims");
    let list: StatusList =
        serde_json::from_value(payload["status_list"].clone()).expect("a status list");
    list.decode().expect("decodes").get(idx).expect("in range")
}

#[test]
fn issues_an_avatar_link_credential_and_changes_its_status() {
    let (work, dir) = fresh_issuer();
    let issued = issue(&dir, work.path(), &[]);
    assert_eq!(issued.credentials.len(), 1);
    let held = HolderCredential::parse(&issued.credentials[0]).expect("credential");
    let claims = held.claims().expect("claims");
    assert_eq!(claims["avatars"].as_array().map(Vec::len), Some(2));
    assert_eq!(claims["sub"], json!(issued.holder.did().as_str()));
    assert_eq!(claims["passkey"]["rp_id"], json!("issuer.example"));
    assert_eq!(
        held.holder_key().expect("cnf"),
        issued.holder.secret.public_key()
    );
    let uri = held.payload()["status"]["status_list"]["uri"].clone();
    assert_eq!(uri, json!(format!("{STATUS_BASE}/1")));

    let list = ok_json(&avid(&dir, &["list", "--json"]));
    assert_eq!(list[0]["id"], json!(issued.id));
    assert_eq!(list[0]["status"], json!("valid"));

    ok_json(&avid(&dir, &["suspend", "--json", &issued.id]));
    let token = ok_json(&avid(&dir, &["status-list", "--json"]))["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        published_status(&token, &issued.credentials[0]),
        StatusValue::Suspended
    );
    ok_json(&avid(&dir, &["reinstate", "--json", &issued.id]));
    ok_json(&avid(&dir, &["revoke", "--json", &issued.id]));
    let out = work.path().join("statuslist-1");
    ok_json(&avid(
        &dir,
        &["status-list", "--json", "--out", &out.display().to_string()],
    ));
    let token = std::fs::read_to_string(&out).expect("written");
    assert_eq!(
        published_status(&token, &issued.credentials[0]),
        StatusValue::Invalid
    );

    // Revocation is final.
    let refused = avid(&dir, &["reinstate", "--json", &issued.id]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        serde_json::from_slice::<Value>(&refused.stdout).expect("json")["error"]["code"],
        json!("forbiddenTransition")
    );

    // The key's creation, then issue, suspend, reinstate, revoke: all in the chain.
    let audit = ok_json(&avid(&dir, &["audit", "--json"]));
    assert_eq!(audit["intact"], json!(true));
    assert_eq!(audit["entries"], json!(5));
}

#[test]
fn issues_one_copy_per_holder_key() {
    let (work, dir) = fresh_issuer();
    // A request with three per-copy keys, asked as --copies 3.
    let (holder, avatar) = (Party::new(), Party::new());
    let mut request = issuance_request(&holder, &[(avatar, "vrchat", "al")], &nonce(&dir, &[]));
    let keys: Vec<SecretKey> = (0..3)
        .map(|_| SecretKey::generate(KeyType::Ed25519))
        .collect();
    request["holder_keys"] = json!(
        keys.iter()
            .map(|k| k.public_key().to_jwk())
            .collect::<Vec<_>>()
    );
    let links = write(work.path(), "links.json", &request);
    let wrong = avid(
        &dir,
        &["issue", "--json", "--links", &links, "--copies", "2"],
    );
    assert_eq!(wrong.status.code(), Some(2), "copies must match the keys");
    let issued = ok_json(&avid(
        &dir,
        &["issue", "--json", "--links", &links, "--copies", "3"],
    ));
    let copies: Vec<HolderCredential> = issued["credentials"]
        .as_array()
        .expect("copies")
        .iter()
        .map(|c| HolderCredential::parse(c.as_str().expect("compact")).expect("credential"))
        .collect();
    for (copy, key) in copies.iter().zip(&keys) {
        assert_eq!(copy.holder_key().expect("cnf"), key.public_key());
    }
    let indexes: std::collections::HashSet<u64> = copies
        .iter()
        .map(|c| {
            c.payload()["status"]["status_list"]["idx"]
                .as_u64()
                .expect("idx")
        })
        .collect();
    assert_eq!(indexes.len(), 3, "each copy has its own status index");
}

#[test]
fn rejects_a_replayed_issuance_request() {
    let (work, dir) = fresh_issuer();
    let links = one_link_request(work.path(), &nonce(&dir, &[]));
    ok_json(&avid(&dir, &["issue", "--json", "--links", &links]));
    let replay = avid(&dir, &["issue", "--json", "--links", &links]);
    assert_eq!(refusal(&replay), (Some(1), json!("link_proof_invalid")));
    assert_eq!(registered(&dir), 1, "the refused issuance recorded nothing");
}

#[test]
fn rejects_a_link_proof_over_a_foreign_nonce() {
    let (work, dir) = fresh_issuer();
    let links = one_link_request(work.path(), "invented-nonce");
    let refused = avid(&dir, &["issue", "--json", "--links", &links]);
    assert_eq!(refusal(&refused), (Some(1), json!("link_proof_invalid")));
    assert_eq!(registered(&dir), 0);
}

#[test]
fn rejects_a_wrong_passphrase_and_issues_nothing() {
    let (work, dir) = fresh_issuer();
    let links = one_link_request(work.path(), &nonce(&dir, &[]));
    let refused = avid_command(&dir, &["issue", "--json", "--links", &links])
        .env("AVID_PASSPHRASE", "not the passphrase")
        .output()
        .expect("runs");
    assert_eq!(refusal(&refused), (Some(1), json!("wrongPassphrase")));
    assert_eq!(registered(&dir), 0);
}

#[test]
fn rejects_unknown_personal_claims() {
    let (work, dir) = fresh_issuer();
    let links = one_link_request(work.path(), &nonce(&dir, &[]));
    let claims = write(work.path(), "claims.json", &json!({"ssn": "123"}));
    let refused = avid(
        &dir,
        &["issue", "--json", "--links", &links, "--claims", &claims],
    );
    assert_eq!(refusal(&refused), (Some(2), json!("usage")));
    assert_eq!(registered(&dir), 0);
}

/// Runs SQL statements on the issuer's SQLite store, as someone with the file would.
fn tamper(dir: &Path, sql: &'static str) {
    let url = format!("sqlite://{}", dir.join("issuer.db").display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut connection = sqlx::SqliteConnection::connect(&url).await.expect("opens");
            sqlx::raw_sql(sql)
                .execute(&mut connection)
                .await
                .expect("the edit runs");
        });
}

#[test]
fn audit_names_the_first_edited_deleted_or_reordered_entry() {
    for (edit, sql) in [
        (
            "edited",
            "UPDATE issuer_log SET subject = 'someone-else' WHERE seq = 2",
        ),
        ("deleted", "DELETE FROM issuer_log WHERE seq = 2"),
        (
            "reordered",
            "UPDATE issuer_log SET seq = 1000 WHERE seq = 2; \
             UPDATE issuer_log SET seq = 2 WHERE seq = 3; \
             UPDATE issuer_log SET seq = 3 WHERE seq = 1000;",
        ),
    ] {
        let (work, dir) = fresh_issuer();
        let issued = issue(&dir, work.path(), &[]);
        ok_json(&avid(&dir, &["suspend", "--json", &issued.id]));
        ok_json(&avid(&dir, &["reinstate", "--json", &issued.id]));
        assert_eq!(
            ok_json(&avid(&dir, &["audit", "--json"]))["intact"],
            json!(true)
        );
        tamper(&dir, sql);
        let audit = avid(&dir, &["audit", "--json"]);
        assert_eq!(audit.status.code(), Some(1), "{edit} must be caught");
        let failure: Value = serde_json::from_slice(&audit.stdout).expect("json");
        assert_eq!(failure["error"]["code"], json!("logTampered"), "{edit}");
        assert_eq!(failure["firstBreak"], json!(2), "{edit}: {failure}");
    }
}

#[test]
fn two_issuer_processes_on_one_postgresql_never_share_a_status_index() {
    const PER_PROCESS: usize = 6;
    let cluster = postgres::Cluster::shared();
    let url = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(cluster.fresh_database());
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("issuer");
    // Lists of 8: the 12 issuances fill one list and half of the next, so a shared index or a
    // lost allocation would show.
    ok_json(&avid(
        &dir,
        &[
            "init",
            "--json",
            "--status-list-base",
            STATUS_BASE,
            "--status-list-size",
            "8",
            "--database",
            &url,
        ],
    ));
    // Every request ready first, its nonce from the shared database.
    let requests: Vec<String> = (0..2 * PER_PROCESS)
        .map(|n| {
            let request = issuance_request(
                &Party::new(),
                &[(Party::new(), "vrchat", "al")],
                &nonce(&dir, &["--database", &url]),
            );
            write(work.path(), &format!("links-{n}.json"), &request)
        })
        .collect();
    // Two processes at a time, one per "node", all issuing into the same database.
    let mut credentials = Vec::new();
    for pair in requests.chunks(2) {
        let children: Vec<_> = pair
            .iter()
            .map(|links| {
                avid_command(
                    &dir,
                    &["issue", "--json", "--links", links, "--database", &url],
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawns")
            })
            .collect();
        for child in children {
            let issued = ok_json(&child.wait_with_output().expect("exits"));
            credentials.push(
                issued["credentials"][0]
                    .as_str()
                    .expect("compact")
                    .to_owned(),
            );
        }
    }
    let slots: std::collections::HashSet<(String, u64)> = credentials
        .iter()
        .map(|credential| {
            let held = HolderCredential::parse(credential).expect("credential");
            let status = &held.payload()["status"]["status_list"];
            (
                status["uri"].as_str().expect("uri").to_owned(),
                status["idx"].as_u64().expect("idx"),
            )
        })
        .collect();
    assert_eq!(
        slots.len(),
        2 * PER_PROCESS,
        "no two credentials share a status slot"
    );
    let audit = ok_json(&avid(&dir, &["audit", "--json", "--database", &url]));
    // The key's creation, then every issuance.
    assert_eq!(audit["entries"], json!(2 * PER_PROCESS as u64 + 1));
}

#[test]
fn takes_an_id_that_starts_with_a_dash() {
    // Ids are random base64url: one in 32 starts with `-`, which must not read as a flag.
    let (_work, dir) = fresh_issuer();
    let refused = avid(&dir, &["revoke", "--json", "-Mx3"]);
    assert_eq!(refusal(&refused), (Some(1), json!("unknownCredential")));
}
