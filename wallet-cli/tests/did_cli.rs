//! End-to-end tests of `avid did create` and `avid did resolve`: the real binary, its output and
//! its exit codes.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::key::did_key_verification_method;
use serde_json::{Value, json};

fn avid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avid"))
        .args(args)
        .output()
        .expect("the avid binary runs")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn created_did(args: &[&str]) -> String {
    let output = avid(args);
    assert!(output.status.success(), "{args:?} failed: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn creates_and_resolves_each_method_and_key_type() {
    for (method, key_type, prefix) in [
        ("key", "ed25519", "did:key:z6Mk"),
        ("key", "p256", "did:key:zDn"),
        ("jwk", "ed25519", "did:jwk:"),
        ("jwk", "p256", "did:jwk:"),
        ("peer", "ed25519", "did:peer:2"),
        ("peer", "p256", "did:peer:2"),
    ] {
        let did = created_did(&["did", "create", "--method", method, "--key-type", key_type]);
        assert!(did.starts_with(prefix), "{did} should start with {prefix}");

        let output = avid(&["did", "resolve", "--json", &did]);
        assert!(
            output.status.success(),
            "resolving {did} failed: {output:?}"
        );
        let result = stdout_json(&output);
        assert_eq!(result["didDocument"]["id"], did.as_str());
        assert_eq!(
            result["didResolutionMetadata"]["contentType"],
            "application/did+json"
        );
        assert!(result["didDocument"]["verificationMethod"][0]["id"].is_string());
    }
}

#[test]
fn create_json_prints_public_jwk_and_secret_only_when_asked() {
    let output = avid(&["did", "create", "--json"]);
    assert!(output.status.success());
    let created = stdout_json(&output);
    assert_eq!(created["publicJwk"]["kty"], "OKP");
    assert_eq!(created["publicJwk"]["crv"], "Ed25519");
    assert!(created.get("secretJwk").is_none());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("\"d\""));

    let output = avid(&["did", "create", "--json", "--show-secret"]);
    assert!(output.status.success());
    let created = stdout_json(&output);
    assert!(created["secretJwk"]["d"].is_string());
    assert_eq!(created["secretJwk"]["x"], created["publicJwk"]["x"]);
}

#[test]
fn dereferences_a_verification_method_fragment() {
    let did = created_did(&["did", "create"]);
    let fragment = did.trim_start_matches("did:key:");
    let key = PublicKey::from_multikey(fragment).expect("a did:key holds a Multikey");
    let url = did_key_verification_method(&key).to_string();
    let output = avid(&["did", "resolve", "--json", &url]);
    assert!(output.status.success(), "{output:?}");
    let body = stdout_json(&output);
    assert_eq!(body["contentStream"]["id"], url.as_str());
    assert_eq!(body["contentStream"]["type"], "Multikey");
    assert_eq!(body["contentStream"]["publicKeyMultibase"], fragment);
}

#[test]
fn json_ld_representation_carries_a_context() {
    let did = created_did(&["did", "create"]);
    let output = avid(&[
        "did",
        "resolve",
        "--json",
        "--accept",
        "application/did+ld+json",
        &did,
    ]);
    assert!(output.status.success());
    let result = stdout_json(&output);
    assert_eq!(
        result["didDocument"]["@context"][0],
        "https://www.w3.org/ns/did/v1"
    );
    assert_eq!(
        result["didResolutionMetadata"]["contentType"],
        "application/did+ld+json"
    );
}

#[test]
fn invalid_did_exits_1_with_invalid_did() {
    let output = avid(&["did", "resolve", "--json", "did:Key:abc"]);
    assert_eq!(output.status.code(), Some(1));
    let result = stdout_json(&output);
    assert_eq!(
        result["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#INVALID_DID"
    );
    assert!(result["didDocument"].is_null());

    let output = avid(&["did", "resolve", "not-a-did"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalidDid"));
}

#[test]
fn unknown_method_exits_1_with_method_not_supported() {
    let output = avid(&["did", "resolve", "--json", "did:example:123"]);
    assert_eq!(output.status.code(), Some(1));
    let result = stdout_json(&output);
    assert_eq!(
        result["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED"
    );
}

#[test]
fn wrong_multicodec_exits_1_with_unsupported_public_key_type() {
    // z + base58btc(0x00 0x01 …): a multicodec that is no key type avid knows.
    let output = avid(&[
        "did",
        "resolve",
        "--json",
        "did:key:z1111111111111111111111111111111111",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let result = stdout_json(&output);
    assert_eq!(
        result["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#UNSUPPORTED_PUBLIC_KEY_TYPE"
    );
}

#[test]
fn unknown_fragment_exits_1_with_not_found() {
    let did = created_did(&["did", "create"]);
    let output = avid(&["did", "resolve", "--json", &format!("{did}#nope")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout_json(&output)["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#NOT_FOUND"
    );
}

#[test]
fn unsupported_representation_exits_1() {
    let did = created_did(&["did", "create"]);
    let output = avid(&["did", "resolve", "--json", "--accept", "text/html", &did]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout_json(&output)["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"
    );
}

/// A did:web host on 127.0.0.1 that WOULD answer: it serves the DID's document over plain
/// HTTP to every connection and counts the connections it accepts.
struct LoopbackDidWebHost {
    did: String,
    connections: Arc<AtomicUsize>,
}

impl LoopbackDidWebHost {
    fn start() -> LoopbackDidWebHost {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        let did = format!("did:web:localhost%3A{port}");
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let document = json!({
            "id": did,
            "verificationMethod": [{
                "id": "#key-1", "type": "Multikey", "controller": did,
                "publicKeyMultibase": key.to_multikey(),
            }],
            "assertionMethod": ["#key-1"],
        })
        .to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
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
        LoopbackDidWebHost { did, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

#[test]
fn rejects_did_web_to_loopback_by_the_address_guard() {
    // The host is up and would serve the document: only the guard stands between. A refused
    // connection would also be an internalError, so the test also asks that the detail name
    // the guard and that the host never saw a connection.
    let host = LoopbackDidWebHost::start();
    let output = avid(&["did", "resolve", "--json", &host.did]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let result = stdout_json(&output);
    assert_eq!(
        result["didResolutionMetadata"]["error"]["type"],
        "https://www.w3.org/ns/did#INTERNAL_ERROR"
    );
    let detail = result["didResolutionMetadata"]["error"]["detail"]
        .as_str()
        .unwrap_or_default();
    assert!(
        detail.contains("address guard refused") && detail.contains("loopback"),
        "{detail}"
    );
    assert_eq!(host.connections(), 0, "the guard refuses before connecting");
}

#[test]
fn resolves_did_web_on_loopback_with_allow_http() {
    let host = LoopbackDidWebHost::start();
    let output = avid(&["did", "resolve", "--json", "--allow-http", &host.did]);
    assert!(output.status.success(), "{output:?}");
    let result = stdout_json(&output);
    assert_eq!(result["didDocument"]["id"], host.did.as_str());
    assert!(host.connections() >= 1);
}

#[test]
fn usage_error_exits_2() {
    let output = avid(&["did", "create", "--method", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    let output = avid(&["did"]);
    assert_eq!(output.status.code(), Some(2));
}
