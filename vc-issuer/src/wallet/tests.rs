//! The wallet's rules over real files: the passkey sealed between ceremonies, import checks,
//! the copy kept per world, the index repaired after a crash, and no secret in clear on disk.

use std::path::Path;
use std::sync::Arc;

use did_core::jose::Algorithm;
use did_core::key::store::Passphrase;
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, json};

use super::*;
use crate::avatar::{LinkExpectations, LinkPolicy, verify_link_proof};
use crate::issuer_keys::DidIssuerKeys;
use crate::mfa::{PasskeyRegistrar, PasskeyVerifier, RelyingParty};
use crate::sd_jwt::DisclosureFrame;
use crate::sd_jwt_vc::SdJwtVcIssuer;

const NOW: u64 = 1_780_000_000;
const GIVEN_NAME: &str = "Quintessa-Marlowe";
const PASSPHRASE: &str = "a long wallet passphrase";

fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE).expect("not empty")
}

fn keys() -> DidIssuerKeys {
    DidIssuerKeys::new(Arc::new(
        MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)),
    ))
}

/// An avatar-link credential for `holder`, signed by `issuer`.
fn issue(issuer: &SecretKey, holder: &PublicKey) -> String {
    let signer = issuer.signer(Algorithm::Ed25519).expect("signer");
    let mut claims = Map::new();
    claims.insert(
        "avatars".into(),
        json!([{"platform": "resonite", "id": "did:example:a", "handle": "ali"}]),
    );
    claims.insert("given_name".into(), json!(GIVEN_NAME));
    claims.insert("age_over_18".into(), json!(true));
    let payload =
        crate::sd_jwt_vc::UnsecuredPayload::new("urn:avid:avatar-link:1", holder.clone(), NOW)
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

fn holder_public(wallet: &Wallet) -> PublicKey {
    wallet.key(&wallet.dids()[0].key).expect("key").public_key()
}

#[test]
fn software_passkey_answers_after_being_sealed_and_reopened() {
    let dir = tempfile::tempdir().expect("dir");
    let runtime = runtime();
    let relying_party =
        RelyingParty::new("avid.example", "https://avid.example", "avid issuer").expect("rp");
    let registrar = PasskeyRegistrar::in_memory(relying_party).expect("registrar");
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    let options = runtime
        .block_on(registrar.start_registration("holder-1", NOW))
        .expect("options");
    let response = wallet.register_passkey(options, None).expect("registered");
    wallet.save().expect("saved");
    drop(wallet);
    let binding = runtime
        .block_on(registrar.finish_registration("holder-1", &response, NOW + 5))
        .expect("the issuer accepts the registration");

    let mut wallet = Wallet::open(dir.path(), &passphrase()).expect("open");
    assert!(wallet.has_passkey());
    let verifier = PasskeyVerifier::in_memory();
    let challenge = runtime
        .block_on(verifier.start_authentication(&binding, "login-1", NOW + 10))
        .expect("challenge");
    let assertion = wallet.answer_passkey(challenge, None).expect("answered");
    runtime
        .block_on(verifier.finish_authentication("login-1", &assertion, NOW + 12))
        .expect("the world accepts the reopened passkey");
}

#[test]
fn link_request_proofs_pass_the_issuers_check() {
    let dir = tempfile::tempdir().expect("dir");
    let runtime = runtime();
    let nonces = crate::avatar::LinkNonces::in_memory();
    let nonce = runtime.block_on(nonces.issue(NOW)).expect("nonce");
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    wallet.add_avatar("resonite", "ali", None).expect("avatar");
    let request = wallet.link(&nonce, 3, &[], NOW).expect("link");
    assert_eq!(request.holder_keys.len(), 3);
    let json = serde_json::to_value(&request).expect("json");
    assert_eq!(json["links"][0]["handle"], "ali");
    let back: IssuanceRequest = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, request);
    let resolver = MethodDispatcher::new().with_method("key", Arc::new(DID_KEY));
    let expected = LinkExpectations::new(
        request.holder.clone(),
        crate::avatar::Platform::new("resonite").expect("platform"),
    );
    runtime
        .block_on(verify_link_proof(
            &request.links[0].proof,
            &expected,
            &nonces,
            &resolver,
            &LinkPolicy::default(),
            NOW + 1,
        ))
        .expect("the issuer accepts the proof");
}

#[test]
fn rejects_credential_bound_to_a_key_the_wallet_does_not_hold() {
    let dir = tempfile::tempdir().expect("dir");
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let stranger = SecretKey::generate(KeyType::Ed25519);
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    let foreign = issue(&issuer, &stranger.public_key());
    let error = runtime()
        .block_on(wallet.import(&[foreign], None, &keys(), NOW))
        .expect_err("not bound to the wallet");
    assert!(error.to_string().contains("does not hold"), "{error}");
    assert!(wallet.credentials().is_empty());
}

#[test]
fn rejects_credential_with_a_forged_issuer_signature() {
    let dir = tempfile::tempdir().expect("dir");
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    let issued = issue(&issuer, &holder_public(&wallet));
    // Flip one character of the signature (the third part of the issuer-signed JWT).
    let jwt_end = issued.find('~').expect("SD-JWT");
    let mut forged = issued.clone().into_bytes();
    let at = jwt_end - 3;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    let error = runtime()
        .block_on(wallet.import(&[forged], None, &keys(), NOW))
        .expect_err("forged");
    assert_eq!(error.code(), "credentialRefused", "{error}");
    runtime()
        .block_on(wallet.import(&[issued], None, &keys(), NOW))
        .expect("the genuine one imports");
}

#[test]
fn rejects_presenting_a_claim_the_credential_lacks() {
    let dir = tempfile::tempdir().expect("dir");
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    let issued = issue(&issuer, &holder_public(&wallet));
    let id = runtime()
        .block_on(wallet.import(&[issued], None, &keys(), NOW))
        .expect("import");
    let missing = ClaimPath::parse("/birthdate").expect("path");
    let error = wallet
        .present(&id, &[missing], "https://world.example", "n-1", NOW)
        .expect_err("no such claim");
    assert!(error.to_string().contains("/birthdate"), "{error}");
    let age = ClaimPath::parse("/age_over_18").expect("path");
    let presentation = wallet
        .present(&id, &[age], "https://world.example", "n-1", NOW)
        .expect("present");
    assert!(!presentation.contains(&did_core::base64url::encode(GIVEN_NAME.as_bytes())));
}

#[test]
fn gives_each_world_its_own_copy_while_unused_ones_remain() {
    let dir = tempfile::tempdir().expect("dir");
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    wallet.add_avatar("resonite", "ali", None).expect("avatar");
    let request = wallet.link("nonce-1", 2, &[], NOW).expect("link");
    let copies: Vec<String> = request
        .holder_keys
        .iter()
        .map(|jwk| issue(&issuer, &PublicKey::from_jwk(jwk).expect("jwk")))
        .collect();
    let id = runtime()
        .block_on(wallet.import(&copies, Some("batch-1"), &keys(), NOW))
        .expect("import");
    assert_eq!(id, "batch-1");
    assert!(!valid_id("-Mx3") && valid_id("Mx3-_") && !valid_id("a b"));
    let first = wallet.copies_for("world-a").expect("copies")[0].copy;
    wallet.record_use(&id, first, "world-a").expect("used");
    wallet.save().expect("saved");
    drop(wallet);
    let mut wallet = Wallet::open(dir.path(), &passphrase()).expect("reopen");
    let second = wallet.copies_for("world-b").expect("copies")[0].copy;
    assert_ne!(first, second, "world-b must not get world-a's copy");
    assert_eq!(wallet.copies_for("world-a").expect("copies")[0].copy, first);
    wallet.record_use(&id, second, "world-b").expect("used");
    assert_eq!(wallet.index().credentials[0].unused_copies, 0);
}

#[test]
fn rebuilds_a_stale_or_damaged_index_when_unlocked() {
    let dir = tempfile::tempdir().expect("dir");
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    let before = std::fs::read(dir.path().join(INDEX_FILE)).expect("index");
    wallet.add_avatar("resonite", "ali", None).expect("avatar");
    wallet.save().expect("saved");
    drop(wallet);
    // A crash after the store was saved and before the index was: the old index remains.
    std::fs::write(dir.path().join(INDEX_FILE), &before).expect("stale");
    assert!(
        Wallet::read_index(dir.path())
            .expect("index")
            .avatars
            .is_empty()
    );
    drop(Wallet::open(dir.path(), &passphrase()).expect("open"));
    assert_eq!(
        Wallet::read_index(dir.path()).expect("index").avatars.len(),
        1
    );

    std::fs::write(dir.path().join(INDEX_FILE), b"{\"format\": 1, \"dids\": [").expect("cut");
    assert_eq!(
        Wallet::read_index(dir.path()).expect_err("damaged").code(),
        "corrupt"
    );
    drop(Wallet::open(dir.path(), &passphrase()).expect("open"));
    assert_eq!(
        Wallet::read_index(dir.path()).expect("index").avatars.len(),
        1
    );
}

#[test]
fn rejects_a_newer_index_format() {
    let dir = tempfile::tempdir().expect("dir");
    drop(Wallet::init(dir.path(), &passphrase()).expect("init"));
    let path = dir.path().join(INDEX_FILE);
    let text = std::fs::read_to_string(&path).expect("index");
    std::fs::write(&path, text.replace("\"format\": 1", "\"format\": 2")).expect("write");
    let error = Wallet::read_index(dir.path()).expect_err("newer");
    assert_eq!(error.code(), "newerVersion", "{error}");
}

/// Every byte string that would betray `secret` in a file: raw, base64url, hex.
fn forms_of(secret: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = secret.iter().map(|byte| format!("{byte:02x}")).collect();
    vec![
        secret.to_vec(),
        did_core::base64url::encode(secret).into_bytes(),
        hex.into_bytes(),
    ]
}

fn files_of(dir: &Path) -> Vec<Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|entry| std::fs::read(entry.expect("entry").path()).expect("file"))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

#[test]
fn no_key_passkey_claim_or_passphrase_in_clear_on_disk() {
    let dir = tempfile::tempdir().expect("dir");
    let runtime = runtime();
    let issuer = SecretKey::generate(KeyType::Ed25519);
    let mut wallet = Wallet::init(dir.path(), &passphrase()).expect("init");
    wallet.add_avatar("resonite", "ali", None).expect("avatar");
    let request = wallet.link("nonce-1", 2, &[], NOW).expect("link");
    let copies: Vec<String> = request
        .holder_keys
        .iter()
        .map(|jwk| issue(&issuer, &PublicKey::from_jwk(jwk).expect("jwk")))
        .collect();
    runtime
        .block_on(wallet.import(&copies, None, &keys(), NOW))
        .expect("import");
    let relying_party =
        RelyingParty::new("avid.example", "https://avid.example", "avid issuer").expect("rp");
    let registrar = PasskeyRegistrar::in_memory(relying_party).expect("registrar");
    let options = runtime
        .block_on(registrar.start_registration("holder-1", NOW))
        .expect("options");
    wallet.register_passkey(options, None).expect("registered");
    wallet.save().expect("saved");

    let mut secrets: Vec<Vec<u8>> = Vec::new();
    for name in wallet.store.names() {
        if let Ok(Some(key)) = wallet.store.secret_key(name) {
            secrets.extend(forms_of(&key.to_bytes()));
        }
    }
    let passkey = wallet
        .store
        .bytes(PASSKEY_ENTRY)
        .expect("bytes")
        .expect("passkey")
        .to_vec();
    // Any 32-byte window of the sealed authenticator (its private keys among them).
    secrets.extend(passkey.windows(32).map(<[u8]>::to_vec));
    secrets.push(GIVEN_NAME.as_bytes().to_vec());
    secrets.push(copies[0].as_bytes()[..40].to_vec());
    secrets.push(PASSPHRASE.as_bytes().to_vec());
    assert!(secrets.len() > 10);
    let files = files_of(dir.path());
    for secret in &secrets {
        for file in &files {
            assert!(!contains(file, secret), "a secret is in clear on disk");
        }
    }
    let debug = format!("{wallet:?} {:?}", wallet.credentials());
    assert!(!debug.contains(GIVEN_NAME) && !debug.contains(&copies[0][..40]));
}
