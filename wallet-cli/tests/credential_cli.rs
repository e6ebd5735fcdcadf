//! End-to-end tests of `avid sd-jwt issue`, `avid sd-jwt present` and `avid verify`: the real
//! binary, raw JWK key files, and the exit codes of each outcome.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use did_core::did::DidUrl;
use did_core::jose::Algorithm;
use did_core::key::{KeyType, SecretKey};
use did_core::method::key::did_key_verification_method;
use serde_json::{Value, json};

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("avid-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn avid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .output()
        .expect("the avid binary runs")
}

fn avid_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .trim()
        .to_owned()
}

fn json_out(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {output:?}"))
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// An issuer, a holder, their key files and an avatar-link credential issued with the CLI.
struct World {
    dir: Scratch,
    issuer_did: String,
    holder_key: PathBuf,
    credential: PathBuf,
}

impl World {
    fn new(name: &str, key_type: &str) -> World {
        let dir = Scratch::new(name);
        let issuer = json_out(&avid(&[
            "did",
            "create",
            "--json",
            "--show-secret",
            "--key-type",
            key_type,
        ]));
        let holder = json_out(&avid(&["did", "create", "--json", "--show-secret"]));
        let issuer_key = dir.write("issuer.jwk", &issuer["secretJwk"].to_string());
        let holder_key = dir.write("holder.jwk", &holder["secretJwk"].to_string());
        let holder_public = dir.write("holder.pub.jwk", &holder["publicJwk"].to_string());
        let claims = dir.write(
            "claims.json",
            &json!({
                "name": "Alice Liddell",
                "email": "alice@example.com",
                "age_over_18": true,
                "avatars": [
                    {"platform": "vrchat", "id": "did:example:avatar-1", "handle": "alice"},
                    {"platform": "resonite", "id": "did:example:avatar-2", "handle": "ali"},
                ],
            })
            .to_string(),
        );
        let issued = avid(&[
            "sd-jwt",
            "issue",
            "--issuer-key",
            arg(&issuer_key),
            "--holder-key",
            arg(&holder_public),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:avid:avatar-link:1",
            "--sd",
            "/name",
            "--sd",
            "/email",
            "--sd",
            "/age_over_18",
            "--sd",
            "/avatars/*",
            "--decoys",
            "2",
        ]);
        let credential = dir.write("credential.txt", &text(&issued));
        World {
            issuer_did: issuer["did"].as_str().unwrap().to_owned(),
            dir,
            holder_key,
            credential,
        }
    }

    /// Presents the second avatar and `age_over_18` with key binding for `nonce`.
    fn present(&self, nonce: &str) -> PathBuf {
        let presented = avid(&[
            "sd-jwt",
            "present",
            arg(&self.credential),
            "--disclose",
            "/avatars/1",
            "--disclose",
            "/age_over_18",
            "--holder-key",
            arg(&self.holder_key),
            "--aud",
            "https://world.example",
            "--nonce",
            nonce,
        ]);
        self.dir.write("presentation.txt", &text(&presented))
    }
}

fn verify(presentation: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "--json",
        arg(presentation),
        "--require-key-binding",
        "--aud",
        "https://world.example",
        "--nonce",
        "n-1",
    ];
    args.extend_from_slice(extra);
    avid(&args)
}

#[test]
fn issue_present_verify_discloses_exactly_what_was_asked() {
    for key_type in ["ed25519", "p256"] {
        let world = World::new(&format!("flow-{key_type}"), key_type);
        let presentation = world.present("n-1");
        let output = verify(&presentation, &["--trusted-issuer", &world.issuer_did]);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let report = json_out(&output);
        assert_eq!(report["verified"], true);
        let claims = &report["claims"];
        assert_eq!(claims["iss"], world.issuer_did.as_str());
        assert_eq!(claims["age_over_18"], true);
        assert_eq!(
            claims["avatars"],
            json!([{"platform": "resonite", "id": "did:example:avatar-2", "handle": "ali"}])
        );
        assert!(claims.get("name").is_none() && claims.get("email").is_none());
        assert_eq!(report["errors"], json!([]));
        assert_eq!(
            report["warnings"],
            json!([]),
            "the issuer is on the trust list"
        );
    }
}

#[test]
fn issues_with_each_digest_algorithm() {
    let world = World::new("sd-alg", "ed25519");
    let holder_public = world.dir.0.join("holder.pub.jwk");
    let claims = world.dir.0.join("claims.json");
    for alg in ["sha-384", "sha-512"] {
        let issued = text(&avid(&[
            "sd-jwt",
            "issue",
            "--issuer-key",
            arg(&world.holder_key),
            "--holder-key",
            arg(&holder_public),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:x",
            "--sd",
            "/name",
            "--sd-alg",
            alg,
        ]));
        let credential = world.dir.write(&format!("{alg}.txt"), &issued);
        let output = avid(&["verify", "--json", arg(&credential)]);
        assert_eq!(output.status.code(), Some(0), "{alg}: {output:?}");
        assert_eq!(
            json_out(&output)["claims"]["name"],
            "Alice Liddell",
            "{alg}"
        );
    }
    let output = avid(&[
        "sd-jwt",
        "issue",
        "--issuer-key",
        arg(&world.holder_key),
        "--holder-key",
        arg(&holder_public),
        "--claims",
        arg(&claims),
        "--vct",
        "urn:x",
        "--sd-alg",
        "md5",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn verify_without_trust_list_warns() {
    let world = World::new("no-trust-list", "ed25519");
    let report = json_out(&verify(&world.present("n-1"), &[]));
    assert_eq!(report["verified"], true);
    let warning = report["warnings"][0]["message"].as_str().unwrap();
    assert!(warning.contains("trust list"), "{warning}");
}

#[test]
fn verify_reads_stdin_and_prints_claims_for_people() {
    let world = World::new("stdin", "ed25519");
    let presentation = std::fs::read_to_string(world.present("n-1")).unwrap();
    let output = avid_with_stdin(
        &[
            "verify",
            "-",
            "--require-key-binding",
            "--aud",
            "https://world.example",
            "--nonce",
            "n-1",
        ],
        &presentation,
    );
    let printed = text(&output);
    assert!(printed.starts_with("verified"), "{printed}");
    assert!(printed.contains("age_over_18: true"), "{printed}");
    // The issuer's measured trust, a line per indicator with its weakest factor.
    assert!(printed.contains("trust: "), "{printed}");
    for indicator in [
        "accuracy",
        "stability",
        "controllability",
        "resilience",
        "adaptability",
        "security",
    ] {
        assert!(printed.contains(indicator), "{indicator}: {printed}");
    }
}

#[test]
fn verify_json_carries_the_trust_evaluation() {
    let world = World::new("trust-json", "ed25519");
    let report = json_out(&verify(&world.present("n-1"), &[]));
    let trust = &report["trust"];
    assert_eq!(trust["model"], "avid-trust/1", "{report}");
    assert_eq!(trust["indicators"].as_object().map(|i| i.len()), Some(6));
    // The holder key was proved (NIST SP 800-63-4 rank 1/3).
    let asset_safety = &trust["indicators"]["security"]["factors"]["asset_safety"]["score"];
    assert!(
        (asset_safety.as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9,
        "{trust}"
    );
}

#[test]
fn rejects_nonce_mismatch_with_exit_1() {
    let world = World::new("nonce", "ed25519");
    let output = verify(&world.present("another-nonce"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let report = json_out(&output);
    assert_eq!(report["verified"], false);
    assert_eq!(
        report["claims"],
        Value::Null,
        "no claims from a rejected presentation"
    );
    assert_eq!(report["errors"][0]["code"], "nonce_mismatch");
}

#[test]
fn rejects_oversize_presentation_with_a_report() {
    // Over the verifier's limit: a credential refused as `malformed` with a report (exit 1),
    // not a usage error (exit 2), whatever the size; a world logs it like any other rejection.
    let world = World::new("oversize", "ed25519");
    let presentation = std::fs::read_to_string(world.present("n-1")).unwrap();
    let padding = "A".repeat((1 << 20) + 16);
    let oversize = world
        .dir
        .write("oversize.txt", &format!("{presentation}{padding}"));
    let output = verify(&oversize, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = json_out(&output);
    assert_eq!(report["verified"], false);
    assert_eq!(report["errors"][0]["code"], "malformed");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than the 1048576 a verifier reads"),
        "{report}"
    );
}

#[test]
fn verify_judges_the_credential_at_the_time_given() {
    // `--at` is the verifier's one clock: the credential (valid for a year from now) is not
    // yet valid a day ago and has expired in two years, whatever the wall clock says.
    let world = World::new("at", "ed25519");
    let presentation = world.present("n-1");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let verdict = |at: u64| {
        let output = verify(&presentation, &["--at", &at.to_string()]);
        json_out(&output)["errors"][0]["code"].clone()
    };
    assert_eq!(verdict(now - 86_400), "not_yet_valid");
    assert_eq!(verdict(now + 2 * 365 * 86_400), "expired");
    assert_eq!(
        verify(&presentation, &["--at", &(now + 30).to_string()])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn rejects_untrusted_issuer_with_exit_1() {
    let world = World::new("untrusted", "ed25519");
    let other = text(&avid(&["did", "create"]));
    let output = verify(&world.present("n-1"), &["--trusted-issuer", &other]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_out(&output)["errors"][0]["code"], "untrusted_issuer");
}

#[test]
fn rejects_tampered_presentation_with_exit_1() {
    let world = World::new("tampered", "ed25519");
    let presentation = std::fs::read_to_string(world.present("n-1")).unwrap();
    // Flip one character of the issuer JWT's signature.
    let (jwt, rest) = presentation.split_once('~').unwrap();
    let mut jwt = jwt.to_owned();
    let last = jwt.pop().unwrap();
    jwt.push(if last == 'A' { 'B' } else { 'A' });
    let tampered = world.dir.write("tampered.txt", &format!("{jwt}~{rest}"));
    let output = verify(&tampered, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(json_out(&output)["verified"], false);
}

#[test]
fn rejects_missing_key_binding_when_required() {
    let world = World::new("no-kb", "ed25519");
    let presented = avid(&[
        "sd-jwt",
        "present",
        arg(&world.credential),
        "--disclose",
        "/age_over_18",
    ]);
    let presentation = world.dir.write("plain.txt", &text(&presented));
    let output = verify(&presentation, &[]);
    assert_eq!(output.status.code(), Some(1));
    let code = json_out(&output)["errors"][0]["code"].clone();
    assert!(
        code == "key_binding_required" || code == "malformed",
        "{code}"
    );

    // Without --require-key-binding the same presentation verifies.
    let output = avid(&["verify", "--json", arg(&presentation)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn key_binding_policy_without_nonce_is_a_usage_error() {
    let world = World::new("policy", "ed25519");
    let output = avid(&["verify", arg(&world.credential), "--require-key-binding"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn issuing_refuses_a_status_list_uri_that_is_not_a_uri() {
    // Token Status List §6.2: `uri` MUST be a URI; a world would fail every status check of a
    // credential issued with anything else.
    let world = World::new("status-uri", "ed25519");
    let claims = world.dir.write("c.json", r#"{"name": "A"}"#);
    let issue = |uri: &str| {
        avid(&[
            "sd-jwt",
            "issue",
            "--json",
            "--issuer-key",
            arg(&world.dir.0.join("issuer.jwk")),
            "--holder-key",
            arg(&world.dir.0.join("holder.pub.jwk")),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:x",
            "--status-list-uri",
            uri,
            "--status-index",
            "7",
        ])
    };
    let issued = json_out(&issue("https://status.example/lists/1"));
    let payload = issued["credential"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap();
    let payload: Value =
        serde_json::from_slice(&did_core::base64url::decode(payload).unwrap()).unwrap();
    assert_eq!(
        payload["status"],
        json!({"status_list": {"idx": 7, "uri": "https://status.example/lists/1"}})
    );
    for bad in ["not a uri", "/lists/1", ""] {
        let output = issue(bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {output:?}");
        let message = json_out(&output)["error"]["message"].to_string();
        assert!(message.contains("--status-list-uri"), "{message}");
    }
}

/// The decoded header of the compact JWT that starts `compact`.
fn jwt_header(compact: &str) -> Value {
    let header = compact.split('.').next().unwrap();
    serde_json::from_slice(&did_core::base64url::decode(header).unwrap()).unwrap()
}

#[test]
fn issues_and_presents_with_the_alg_asked_for() {
    // Many deployed verifiers know only the RFC 8037 name `EdDSA` for Ed25519 signatures.
    let world = World::new("alg", "ed25519");
    let claims = world.dir.write("c.json", r#"{"name": "A"}"#);
    let issue = |alg: &str| {
        avid(&[
            "sd-jwt",
            "issue",
            "--issuer-key",
            arg(&world.dir.0.join("issuer.jwk")),
            "--holder-key",
            arg(&world.dir.0.join("holder.pub.jwk")),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:x",
            "--sd",
            "/name",
            "--alg",
            alg,
        ])
    };
    let issued = text(&issue("EdDSA"));
    assert_eq!(jwt_header(&issued)["alg"], "EdDSA");
    let credential = world.dir.write("eddsa.txt", &issued);
    let presented = text(&avid(&[
        "sd-jwt",
        "present",
        arg(&credential),
        "--disclose",
        "/name",
        "--holder-key",
        arg(&world.holder_key),
        "--aud",
        "https://world.example",
        "--nonce",
        "n-1",
        "--alg",
        "EdDSA",
    ]));
    let key_binding_jwt = presented.rsplit('~').next().unwrap();
    assert_eq!(jwt_header(key_binding_jwt)["alg"], "EdDSA");
    let output = verify(&world.dir.write("eddsa-presented.txt", &presented), &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(json_out(&output)["claims"]["name"], "A");

    // The default for an Ed25519 key is the fully-specified name (RFC 9864).
    assert_eq!(
        jwt_header(&text(&avid(&[
            "sd-jwt",
            "issue",
            "--issuer-key",
            arg(&world.dir.0.join("issuer.jwk")),
            "--holder-key",
            arg(&world.dir.0.join("holder.pub.jwk")),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:x",
        ])))["alg"],
        "Ed25519"
    );

    // The key decides: ES256 cannot sign with an Ed25519 key, and says what can.
    let refused = issue("ES256");
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("--alg ES256") && message.contains("Ed25519 or EdDSA"),
        "{message}"
    );
    // An algorithm avid does not sign with is a usage error too (RFC 7515: names are exact).
    assert_eq!(issue("eddsa").status.code(), Some(2));
}

#[test]
fn issuing_refuses_wrong_key_files() {
    let world = World::new("keys", "ed25519");
    let public_only = world.dir.write(
        "issuer.pub.jwk",
        &json_out(&avid(&["did", "create", "--json"]))["publicJwk"].to_string(),
    );
    let claims = world.dir.write("c.json", r#"{"name": "A"}"#);
    let issue = |issuer_key: &Path, holder_key: &Path, extra: &[&str]| {
        let mut args = vec![
            "sd-jwt",
            "issue",
            "--issuer-key",
            arg(issuer_key),
            "--holder-key",
            arg(holder_key),
            "--claims",
            arg(&claims),
            "--vct",
            "urn:x",
        ];
        args.extend_from_slice(extra);
        avid(&args)
    };
    for (why, output) in [
        (
            "a public key cannot sign",
            issue(&public_only, &public_only, &[]),
        ),
        (
            "a holder's private key must not travel to the issuer",
            issue(&world.holder_key, &world.holder_key, &[]),
        ),
        (
            "a claim path that names nothing",
            issue(&world.holder_key, &public_only, &["--sd", "/nope"]),
        ),
    ] {
        assert_eq!(output.status.code(), Some(2), "{why}: {output:?}");
    }
}

#[test]
fn verifies_a_vc_jwt() {
    let dir = Scratch::new("vc-jwt");
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let kid: DidUrl = did_key_verification_method(&issuer.public_key());
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "AvatarLinkCredential"],
        "issuer": kid.did().as_str(),
        "validFrom": "2025-06-15T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "age_over_18": true},
    });
    let signer = issuer.signer(Algorithm::Ed25519).unwrap();
    let vc = vc_issuer::w3c::issue_vc_jwt(credential.as_object().unwrap(), &signer, &kid).unwrap();
    let path = dir.write("vc.jwt", &vc);
    let output = avid(&[
        "verify",
        "--json",
        arg(&path),
        "--trusted-issuer",
        kid.did().as_str(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        json_out(&output)["claims"]["credentialSubject"]["age_over_18"],
        true
    );
}
