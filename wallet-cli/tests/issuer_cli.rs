//! End-to-end tests of `avid issuer init` and `avid issuer did-document`: the real binary, the
//! files it leaves, its output and exit codes, and a did:web issuer whose printed document is
//! served on loopback and resolved by `avid did resolve`.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use did_core::key::store::{KeyStore, Passphrase};
use serde_json::Value;

const PASSPHRASE: &str = "a passphrase for the issuer";

/// `avid` with a clean environment: no passphrase and no issuer directory inherited.
fn avid_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avid"));
    command
        .args(args)
        .env_remove("AVID_PASSPHRASE")
        .env_remove("AVID_ISSUER_DIR")
        .stdin(Stdio::null());
    command
}

fn avid(args: &[&str], passphrase: Option<&str>) -> Output {
    let mut command = avid_command(args);
    if let Some(passphrase) = passphrase {
        command.env("AVID_PASSPHRASE", passphrase);
    }
    command.output().expect("the avid binary runs")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// Every file under `dir` with its bytes, sorted: to show that a refusal changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("list")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let bytes = fs::read(&path).unwrap_or_default();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn init_makes_a_did_key_issuer() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let output = avid(
        &["issuer", "init", "--json", "--issuer-dir", &text(&dir)],
        Some(PASSPHRASE),
    );
    assert!(output.status.success(), "{output:?}");
    let created = stdout_json(&output);
    let did = created["did"].as_str().expect("did");
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    assert!(
        created["kid"]
            .as_str()
            .expect("kid")
            .starts_with(&format!("{did}#"))
    );
    assert_eq!(created["store"], text(&dir.join("issuer.db")));
    assert_eq!(created["rpId"], Value::Null);
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(PASSPHRASE));
    }

    let config: Value =
        serde_json::from_slice(&fs::read(dir.join("issuer.json")).expect("issuer.json"))
            .expect("json");
    assert_eq!(config["did"], did);
    let passphrase = Passphrase::new(PASSPHRASE).expect("not empty");
    let keys = KeyStore::open(dir.join("keys.avid"), &passphrase).expect("the key store opens");
    let key = keys
        .secret_key("issuer/signing")
        .expect("a key")
        .expect("present");
    assert_eq!(config["publicKeyMultibase"], key.public_key().to_multikey());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("keys.avid")), 0o600);
    }
}

#[test]
fn reads_issuer_dir_from_the_environment_and_passphrase_from_a_file() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let passphrase_file = parent.path().join("passphrase");
    fs::write(&passphrase_file, format!("{PASSPHRASE}\n")).expect("write");
    let output = avid_command(&[
        "issuer",
        "init",
        "--passphrase-file",
        &text(&passphrase_file),
    ])
    .env("AVID_ISSUER_DIR", &dir)
    // The file wins over the variable.
    .env("AVID_PASSPHRASE", "not this one")
    .output()
    .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let did = String::from_utf8(output.stdout).expect("utf-8");
    assert!(did.trim().starts_with("did:key:"), "{did}");
    // The trailing newline was not part of the passphrase.
    let passphrase = Passphrase::new(PASSPHRASE).expect("not empty");
    KeyStore::open(dir.join("keys.avid"), &passphrase).expect("opens without the newline");
}

#[test]
fn rejects_init_over_an_existing_issuer() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let args = ["issuer", "init", "--json", "--issuer-dir", &text(&dir)];
    assert!(avid(&args, Some(PASSPHRASE)).status.success());
    let before = snapshot(&dir);
    let output = avid(&args, Some("another passphrase"));
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(stdout_json(&output)["error"]["code"], "alreadyExists");
    assert_eq!(snapshot(&dir), before);
    assert_eq!(
        fs::read_dir(parent.path()).expect("list").count(),
        1,
        "nothing staged left"
    );
}

#[test]
fn rejects_empty_passphrase() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let empty = parent.path().join("empty");
    fs::write(&empty, "\n").expect("write");
    let output = avid(
        &[
            "issuer",
            "init",
            "--issuer-dir",
            &text(&dir),
            "--passphrase-file",
            &text(&empty),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("empty"));
    let output = avid(&["issuer", "init", "--issuer-dir", &text(&dir)], Some(""));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(!dir.exists());
}

#[test]
fn rejects_init_without_any_passphrase_source() {
    // No file, no variable, and no terminal: `setsid` detaches the process from any
    // controlling terminal, so the prompt cannot be shown and must fail, not hang.
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let output = Command::new("setsid")
        .arg(env!("CARGO_BIN_EXE_avid"))
        .args(["issuer", "init", "--issuer-dir", &text(&dir)])
        .env_remove("AVID_PASSPHRASE")
        .env_remove("AVID_ISSUER_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("setsid runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--passphrase-file") && stderr.contains("AVID_PASSPHRASE"),
        "{stderr}"
    );
    assert!(!dir.exists());
}

#[test]
fn rejects_bad_settings_with_usage_errors() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    for args in [
        vec!["issuer", "init"],
        vec!["issuer", "init", "--rp-id", "avid.example"],
        vec![
            "issuer",
            "init",
            "--rp-id",
            "avid.example",
            "--origin",
            "https://evil.example",
        ],
        vec!["issuer", "init", "--did-web", "127.0.0.1"],
        vec!["issuer", "init", "--did-web", "issuer.example/a b"],
    ] {
        let mut args = args.clone();
        let dir_text = text(&dir);
        if args.len() > 2 {
            args.extend(["--issuer-dir", &dir_text]);
        }
        let output = avid(&args, Some(PASSPHRASE));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!dir.exists(), "{args:?}");
    }
}

#[test]
fn did_document_needs_an_issuer_directory() {
    let parent = tempfile::tempdir().expect("temp dir");
    let output = avid(
        &[
            "issuer",
            "did-document",
            "--json",
            "--issuer-dir",
            &text(parent.path()),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout_json(&output)["error"]["code"],
        "notAnIssuerDirectory"
    );
}

#[test]
fn help_gives_an_example_for_each_command() {
    for command in ["init", "did-document"] {
        let output = avid(&["issuer", command, "--help"], None);
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        let example = format!("\n  avid issuer {command} --issuer-dir ./issuer");
        let examples = help
            .split_once("Example")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        assert!(examples.contains(&example), "{help}");
    }
}

/// Serves `document` as the did.json of every request on an already bound listener, over
/// plain HTTP, from a thread: the host of a did:web issuer on loopback.
fn serve(listener: TcpListener, document: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0_u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/did+json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{document}",
                document.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
}

#[test]
fn did_web_issuer_document_resolves_once_hosted() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("address").port();
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("issuer");
    let location = format!("localhost:{port}");
    let output = avid(
        &[
            "issuer",
            "init",
            "--json",
            "--issuer-dir",
            &text(&dir),
            "--did-web",
            &location,
        ],
        Some(PASSPHRASE),
    );
    assert!(output.status.success(), "{output:?}");
    let created = stdout_json(&output);
    let did = format!("did:web:localhost%3A{port}");
    assert_eq!(created["did"], did.as_str());
    assert_eq!(created["rpId"], "localhost");
    assert_eq!(created["origin"], format!("https://localhost:{port}"));
    assert_eq!(
        created["didDocumentUrl"],
        format!("https://localhost:{port}/.well-known/did.json")
    );
    let kid = created["kid"].as_str().expect("kid").to_owned();

    // The printed document needs no passphrase.
    let output = avid(
        &["issuer", "did-document", "--issuer-dir", &text(&dir)],
        None,
    );
    assert!(output.status.success(), "{output:?}");
    let document = stdout_json(&output);
    assert_eq!(document["id"], did.as_str());
    assert_eq!(document["assertionMethod"][0], kid.as_str());
    assert_eq!(document["authentication"][0], kid.as_str());
    serve(listener, document.to_string());

    // Anyone resolves it through did-core's did:web resolver and finds the issuer's key.
    let output = avid(&["did", "resolve", "--json", "--allow-http", &did], None);
    assert!(output.status.success(), "{output:?}");
    let resolved = stdout_json(&output);
    assert_eq!(resolved["didDocument"]["id"], did.as_str());
    let output = avid(&["did", "resolve", "--json", "--allow-http", &kid], None);
    assert!(output.status.success(), "{output:?}");
    let method = stdout_json(&output);
    let method = if method["contentStream"].is_object() {
        method["contentStream"].clone()
    } else {
        method
    };
    assert_eq!(method["id"], kid.as_str());
    assert_eq!(method["type"], "JsonWebKey");
    assert_eq!(method["publicKeyJwk"]["crv"], "Ed25519");
}
