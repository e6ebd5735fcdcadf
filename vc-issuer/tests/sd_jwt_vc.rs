//! Whole flows of SD-JWT VC and vc+jwt: issue, present, verify, with one test per attack the
//! verifier stops, each named after it, and the positive flows of the avatar-link credential.

use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::did::{Did, DidUrl};
use did_core::document::{DidDocument, RelationshipKind, VerificationMethod};
use did_core::jose::{Algorithm, LocalSigner, Signer, sign_compact};
use did_core::key::{KeyType, PublicKey, SecretKey};
use did_core::method::key::did_key_verification_method;
use did_core::method::{DID_JWK, DID_KEY};
use did_core::resolution::dispatch::MethodDispatcher;
use did_core::resolution::{Resolution, ResolutionError, ResolutionOptions, Resolver};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use vc_issuer::Error;
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::report::{CheckStatus, ErrorCode, VerificationReport, checks};
use vc_issuer::sd_jwt::{
    ClaimPath, DecoyCount, DisclosureFrame, HashAlgorithm, IssuanceOptions, SdJwt, issue_payload,
};
use vc_issuer::sd_jwt_vc::{
    HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload, create_key_binding_jwt,
};
use vc_issuer::status::{StatusCheck, StatusError, StatusReference, StatusValue};
use vc_issuer::verify::{
    MAX_INPUT_LEN, VerificationPolicy, Verifier, verify_batch, verify_credential,
};
use vc_issuer::w3c::issue_vc_jwt;

const VCT: &str = "urn:avid:avatar-link:1";
const AUD: &str = "https://world.example";
const NONCE: &str = "n-0S6_WzA2Mj";
/// Issuance time of every credential here; presentations are made 5 s and verified 10 s later.
const T: u64 = 1_750_000_000;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map(|runtime| runtime.block_on(future))
        .unwrap_or_else(|error| panic!("runtime: {error}"))
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A party with a key and the did:key verification method of that key.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new(key_type: KeyType) -> Self {
        let secret = SecretKey::generate(key_type);
        let algorithm = match key_type {
            KeyType::P256 => Algorithm::Es256,
            _ => Algorithm::Ed25519,
        };
        let signer = secret.signer(algorithm).unwrap();
        let public = secret.public_key();
        let kid = did_key_verification_method(&public);
        Self {
            secret,
            signer,
            kid,
        }
    }

    fn did(&self) -> &Did {
        self.kid.did()
    }

    fn public(&self) -> PublicKey {
        self.secret.public_key()
    }
}

/// The avatar-link credential of DESIGN.md: avatars each disclosable, PII each disclosable.
fn avatar_link_claims(holder: &Party) -> Map<String, Value> {
    object(json!({
        "sub": holder.did().as_str(),
        "avatars": [
            {"platform": "vrchat", "id": "did:example:avatar-vrchat", "handle": "alice"},
            {"platform": "resonite", "id": "did:example:avatar-resonite", "handle": "al1ce"}
        ],
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "phone_number": "+1-202-555-0101",
        "birthdate": "1990-05-04",
        "age_over_18": true
    }))
}

fn avatar_link_frame() -> DisclosureFrame {
    r#"{"_sd": ["name", "email", "phone_number", "birthdate", "age_over_18"],
        "avatars": {"_sd": "*"}}"#
        .parse()
        .unwrap()
}

fn resolver() -> Arc<dyn Resolver> {
    Arc::new(
        MethodDispatcher::new()
            .with_method(DID_KEY.name(), Arc::new(DID_KEY))
            .with_method(DID_JWK.name(), Arc::new(DID_JWK)),
    )
}

struct World {
    issuer: Party,
    holder: Party,
    keys: DidIssuerKeys,
}

impl World {
    fn new() -> Self {
        Self::with(KeyType::Ed25519, KeyType::Ed25519)
    }

    fn with(issuer: KeyType, holder: KeyType) -> Self {
        Self {
            issuer: Party::new(issuer),
            holder: Party::new(holder),
            keys: DidIssuerKeys::new(resolver()),
        }
    }

    fn payload(&self) -> UnsecuredPayload {
        UnsecuredPayload::new(VCT, self.holder.public(), T)
            .with_claims(avatar_link_claims(&self.holder))
            .expiring_at(T + 86_400)
    }

    fn issue_payload(&self, payload: UnsecuredPayload) -> String {
        SdJwtVcIssuer::new(&self.issuer.signer, self.issuer.kid.clone())
            .unwrap()
            .issue(payload, &avatar_link_frame())
            .unwrap()
    }

    fn issue(&self) -> String {
        self.issue_payload(self.payload())
    }

    fn present(&self, issued: &str, paths: &[&str]) -> String {
        let paths: Vec<ClaimPath> = paths.iter().map(|p| ClaimPath::parse(p).unwrap()).collect();
        HolderCredential::parse(issued)
            .unwrap()
            .present_with_key_binding(
                &paths,
                &KeyBindingRequest::new(AUD, NONCE, T + 5),
                &self.holder.signer,
            )
            .unwrap()
    }

    fn verify(&self, input: &str, policy: &VerificationPolicy) -> VerificationReport {
        block_on(verify_credential(input, policy, &self.keys, None)).unwrap()
    }

    fn verify_with_status(&self, input: &str, status: &dyn StatusCheck) -> VerificationReport {
        block_on(verify_credential(
            input,
            &policy(),
            &self.keys,
            Some(status),
        ))
        .unwrap()
    }
}

/// The policy of a world asking for key binding, at T + 10.
fn policy() -> VerificationPolicy {
    VerificationPolicy::key_binding(AUD, NONCE)
        .expecting_vct(VCT)
        .at(T + 10)
}

fn assert_rejected(report: &VerificationReport, code: ErrorCode) {
    assert!(!report.verified, "accepted: {report:?}");
    assert_eq!(
        report.claims, None,
        "claims of a rejected presentation leak"
    );
    assert_eq!(
        report.first_error_code(),
        Some(code),
        "errors: {:?}",
        report.errors
    );
    assert!(
        report
            .checks
            .iter()
            .any(|check| check.status == CheckStatus::Failed),
        "no failed check in {:?}",
        report.checks
    );
}

fn assert_verified(report: &VerificationReport) -> &Map<String, Value> {
    assert!(report.verified, "refused: {:?}", report.errors);
    report.claims.as_ref().unwrap()
}

/// The parts of a compact SD-JWT(+KB): issuer JWT, disclosures, key binding JWT.
fn parts(compact: &str) -> (String, Vec<String>, String) {
    let mut pieces: Vec<String> = compact.split('~').map(String::from).collect();
    let kb = pieces.pop().unwrap_or_default();
    let jwt = pieces.remove(0);
    (jwt, pieces, kb)
}

fn join(jwt: &str, disclosures: &[String], kb: &str) -> String {
    let mut out = format!("{jwt}~");
    for disclosure in disclosures {
        out.push_str(disclosure);
        out.push('~');
    }
    out.push_str(kb);
    out
}

fn decode_segment(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

fn jwt_header_and_payload(jwt: &str) -> (Value, Value) {
    let mut segments = jwt.split('.');
    let header = decode_segment(segments.next().unwrap());
    let payload = decode_segment(segments.next().unwrap());
    (header, payload)
}

/// A JWS with `header` (alg from the signer) and `payload`, signed by `signer`.
fn sign(header: Value, payload: &Value, signer: &dyn Signer) -> String {
    sign_compact(
        &object(header),
        &serde_json::to_vec(payload).unwrap(),
        signer,
    )
    .unwrap()
}

/// A key binding JWT over `sd_jwt` (the presentation up to its last `~`) with `header` and
/// `claims` as given, signed by `signer`.
fn kb_jwt(header: Value, claims: Value, signer: &dyn Signer) -> String {
    sign(header, &claims, signer)
}

fn sd_hash(sd_jwt: &str) -> String {
    HashAlgorithm::Sha256.digest(sd_jwt)
}

// --- Positive flows -------------------------------------------------------------------------

#[test]
fn issue_present_verify_discloses_exactly_the_chosen_claims() {
    let world = World::new();
    let issued = world.issue();
    let presentation = world.present(&issued, &["/avatars/1", "/age_over_18"]);
    let report = world.verify(&presentation, &policy());
    let claims = assert_verified(&report);

    assert_eq!(
        claims["avatars"],
        json!([{"platform": "resonite", "id": "did:example:avatar-resonite", "handle": "al1ce"}])
    );
    assert_eq!(claims["age_over_18"], json!(true));
    for hidden in ["name", "email", "phone_number", "birthdate"] {
        assert!(claims.get(hidden).is_none(), "{hidden} leaked");
    }
    // The processed payload of RFC 9901 §7.1: plain claims in, `_sd` and `_sd_alg` out.
    assert_eq!(claims["iss"], world.issuer.did().as_str());
    assert_eq!(claims["sub"], world.holder.did().as_str());
    assert_eq!(claims["vct"], VCT);
    assert_eq!(
        claims["cnf"]["jwk"],
        serde_json::to_value(world.holder.public().to_jwk()).unwrap()
    );
    assert!(claims.get("_sd").is_none() && claims.get("_sd_alg").is_none());
    let serialized = serde_json::to_string(claims).unwrap();
    assert!(!serialized.contains("\"...\""));

    let passed: Vec<&str> = report
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Passed)
        .map(|check| check.name.as_str())
        .collect();
    for name in [
        checks::FORMAT,
        checks::TYP,
        checks::ISSUER_KEY,
        checks::ISSUER_SIGNATURE,
        checks::DISCLOSURES,
        checks::VALIDITY,
        checks::VCT,
        checks::HOLDER_KEY,
        checks::KB_SIGNATURE,
        checks::KB_TYP,
        checks::KB_IAT,
        checks::KB_NONCE,
        checks::KB_AUD,
        checks::SD_HASH,
    ] {
        assert!(passed.contains(&name), "{name} not passed: {passed:?}");
    }
    // No trust list was given, and the report says what that means.
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.starts_with("issuer not on a trust list"))
    );
}

#[test]
fn verifies_p256_issuer_and_holder() {
    let world = World::with(KeyType::P256, KeyType::P256);
    let presentation = world.present(&world.issue(), &["/avatars/0", "/email"]);
    let (jwt, _, kb) = parts(&presentation);
    assert_eq!(jwt_header_and_payload(&jwt).0["alg"], "ES256");
    assert_eq!(jwt_header_and_payload(&kb).0["alg"], "ES256");
    let report = world.verify(&presentation, &policy());
    let claims = assert_verified(&report);
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["avatars"].as_array().map(Vec::len), Some(1));
}

#[test]
fn verifies_mixed_ed25519_issuer_and_p256_holder() {
    let world = World::with(KeyType::Ed25519, KeyType::P256);
    let presentation = world.present(&world.issue(), &["/name"]);
    assert_verified(&world.verify(&presentation, &policy()));
}

#[test]
fn verifies_with_decoys_and_without_key_binding() {
    let world = World::new();
    let issued = SdJwtVcIssuer::new(&world.issuer.signer, world.issuer.kid.clone())
        .unwrap()
        .with_decoys(DecoyCount::between(2, 4).unwrap())
        .issue(world.payload(), &avatar_link_frame())
        .unwrap();
    let (jwt, _, _) = parts(&issued);
    let sd = jwt_header_and_payload(&jwt).1["_sd"]
        .as_array()
        .unwrap()
        .len();
    assert!(sd >= 5 + 2, "decoys were added to `_sd`: {sd}");
    let presented = HolderCredential::parse(&issued)
        .unwrap()
        .present(&[ClaimPath::parse("/age_over_18").unwrap()])
        .unwrap();
    assert!(presented.ends_with('~'));
    let policy = VerificationPolicy::default().expecting_vct(VCT).at(T + 10);
    let report = world.verify(&presented, &policy);
    assert_eq!(assert_verified(&report)["age_over_18"], json!(true));
    let key_binding = report
        .checks
        .iter()
        .find(|c| c.name == checks::KEY_BINDING)
        .unwrap();
    assert_eq!(key_binding.status, CheckStatus::Skipped);
}

#[test]
fn verifies_unrequired_key_binding_and_refuses_a_bad_one() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    // Key binding not required and no nonce expected: the KB-JWT is still checked.
    let lenient = VerificationPolicy::default().at(T + 10);
    let report = world.verify(&presentation, &lenient);
    assert_verified(&report);
    assert!(report.warnings.iter().any(|w| w.message.contains("nonce")));

    let intruder = Party::new(KeyType::Ed25519);
    let (jwt, disclosures, _) = parts(&presentation);
    let sd_jwt = join(&jwt, &disclosures, "");
    let forged = kb_jwt(
        json!({"typ": "kb+jwt"}),
        json!({"nonce": NONCE, "aud": AUD, "iat": T + 5, "sd_hash": sd_hash(&sd_jwt)}),
        &intruder.signer,
    );
    let report = world.verify(&join(&jwt, &disclosures, &forged), &lenient);
    assert_rejected(&report, ErrorCode::BadKbSignature);
}

#[test]
fn holder_receives_with_signature_check_and_refuses_tampering() {
    let world = World::new();
    let issued = world.issue();
    let algorithms = did_core::jose::AlgorithmPolicy::default();
    let credential = block_on(HolderCredential::receive(
        &issued,
        &world.keys,
        &algorithms,
        T,
    ))
    .unwrap();
    assert_eq!(credential.vct(), Some(VCT));
    assert_eq!(credential.issuer(), Some(world.issuer.did().as_str()));
    assert_eq!(credential.holder_key(), Ok(world.holder.public()));
    assert_eq!(credential.claims().unwrap()["name"], "Alice Liddell");
    assert_eq!(credential.to_compact(), issued);

    // Another issuer's signature over the same payload is refused.
    let (jwt, disclosures, _) = parts(&issued);
    let (header, payload) = jwt_header_and_payload(&jwt);
    let forger = Party::new(KeyType::Ed25519);
    let forged = join(&sign(header, &payload, &forger.signer), &disclosures, "");
    let error = block_on(HolderCredential::receive(
        &forged,
        &world.keys,
        &algorithms,
        T,
    ))
    .unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::BadSignature));

    // An issuer must send an SD-JWT, never an SD-JWT+KB (RFC 9901 §7.2).
    let presentation = world.present(&issued, &["/name"]);
    assert!(HolderCredential::parse(&presentation).is_err());
}

#[test]
fn holder_refuses_to_bind_with_another_key() {
    let world = World::new();
    let credential = HolderCredential::parse(&world.issue()).unwrap();
    let other = Party::new(KeyType::Ed25519);
    assert_eq!(
        credential.present_with_key_binding(
            &[ClaimPath::parse("/name").unwrap()],
            &KeyBindingRequest::new(AUD, NONCE, T),
            &other.signer
        ),
        Err(Error::HolderKeyMismatch)
    );
}

#[test]
fn refuses_policy_requiring_key_binding_without_nonce() {
    let world = World::new();
    let mut policy = policy();
    policy.expected_nonce = None;
    let result = block_on(verify_credential("x~", &policy, &world.keys, None));
    assert!(matches!(result, Err(Error::InvalidPolicy { .. })));
    let result = block_on(verify_batch(&["x~"], &policy, &world.keys, None));
    assert!(matches!(result, Err(Error::InvalidPolicy { .. })));
}

#[test]
fn batch_gives_the_reports_of_single_verification() {
    let worlds: Vec<World> = (0..5).map(|_| World::new()).collect();
    let mut inputs: Vec<String> = worlds
        .iter()
        .map(|world| world.present(&world.issue(), &["/avatars/0", "/name"]))
        .collect();
    // One presentation from a P-256 world, outside the Ed25519 batch.
    let p256 = World::with(KeyType::P256, KeyType::P256);
    inputs.push(p256.present(&p256.issue(), &["/name"]));
    // Spoil the third: its disclosures reordered after the holder signed.
    let (jwt, mut disclosures, kb) = parts(&inputs[2]);
    disclosures.reverse();
    inputs[2] = join(&jwt, &disclosures, &kb);
    // And the fifth: the KB-JWT of another presentation.
    let (_, _, other_kb) = parts(&inputs[0]);
    let (jwt, disclosures, _) = parts(&inputs[4]);
    inputs[4] = join(&jwt, &disclosures, &other_kb);
    inputs.push("not a credential".into());

    let keys = DidIssuerKeys::new(resolver());
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let batch = block_on(verify_batch(&refs, &policy(), &keys, None)).unwrap();
    assert_eq!(batch.len(), inputs.len());
    for (input, report) in inputs.iter().zip(&batch) {
        let single = block_on(verify_credential(input, &policy(), &keys, None)).unwrap();
        assert_eq!(&single, report);
    }
    let verdicts: Vec<bool> = batch.iter().map(|r| r.verified).collect();
    assert_eq!(verdicts, [true, true, false, true, false, true, false]);
    assert_eq!(batch[2].first_error_code(), Some(ErrorCode::SdHashMismatch));
    assert_eq!(batch[4].first_error_code(), Some(ErrorCode::BadKbSignature));
    assert_eq!(batch[6].first_error_code(), Some(ErrorCode::Malformed));
}

// --- Attacks on the issuer-signed JWT ------------------------------------------------------

#[test]
fn rejects_alg_none_issuer_jwt() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, _) = parts(&presentation);
    let (mut header, payload) = jwt_header_and_payload(&jwt);
    header["alg"] = json!("none");
    let unsigned = format!(
        "{}.{}.",
        b64(&serde_json::to_vec(&header).unwrap()),
        b64(&serde_json::to_vec(&payload).unwrap())
    );
    let lenient = VerificationPolicy::default().at(T + 10);
    // An unsecured JWT (empty signature part) and one with a signature part alike: the header
    // says `alg: none`, and the allow-list is what refuses it.
    let report = world.verify(&join(&unsigned, &disclosures, ""), &lenient);
    assert_rejected(&report, ErrorCode::AlgNotAllowed);
    let with_sig = format!("{unsigned}c2ln");
    let report = world.verify(&join(&with_sig, &disclosures, ""), &lenient);
    assert_rejected(&report, ErrorCode::AlgNotAllowed);
}

/// HMAC-SHA256 (RFC 2104), to forge what a header-trusting verifier would accept.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[test]
fn rejects_hs256_with_public_key_as_secret() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, kb) = parts(&presentation);
    let (mut header, mut payload) = jwt_header_and_payload(&jwt);
    header["alg"] = json!("HS256");
    payload["age_over_18"] = json!(true);
    let signing_input = format!(
        "{}.{}",
        b64(&serde_json::to_vec(&header).unwrap()),
        b64(&serde_json::to_vec(&payload).unwrap())
    );
    // The key confusion attack: the issuer's public key, known to all, as the HMAC secret.
    let mac = hmac_sha256(&world.issuer.public().to_bytes(), signing_input.as_bytes());
    let forged = format!("{signing_input}.{}", b64(&mac));
    let report = world.verify(&join(&forged, &disclosures, &kb), &policy());
    assert_rejected(&report, ErrorCode::AlgNotAllowed);
}

#[test]
fn rejects_tampered_payload() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, kb) = parts(&presentation);
    let (_, mut payload) = jwt_header_and_payload(&jwt);
    payload["exp"] = json!(T + 100 * 365 * 86_400);
    let mut segments: Vec<String> = jwt.split('.').map(String::from).collect();
    segments[1] = b64(&serde_json::to_vec(&payload).unwrap());
    let tampered = segments.join(".");
    let report = world.verify(&join(&tampered, &disclosures, &kb), &policy());
    assert_rejected(&report, ErrorCode::BadSignature);
}

#[test]
fn rejects_wrong_typ() {
    let world = World::new();
    let issued = world.issue();
    let (jwt, disclosures, _) = parts(&issued);
    let (mut header, payload) = jwt_header_and_payload(&jwt);
    for typ in [
        json!("JWT"),
        json!("example+sd-jwt"),
        json!("vc+jwt"),
        Value::Null,
    ] {
        header["typ"] = typ.clone();
        if typ.is_null() {
            header.as_object_mut().unwrap().remove("typ");
        }
        let resigned = join(
            &sign(header.clone(), &payload, &world.issuer.signer),
            &disclosures,
            "",
        );
        let report = world.verify(&resigned, &VerificationPolicy::default().at(T + 10));
        assert_rejected(&report, ErrorCode::Malformed);
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.name == checks::TYP && c.status == CheckStatus::Failed),
            "{typ}"
        );
    }
}

#[test]
fn accepts_legacy_vc_sd_jwt_typ_with_warning() {
    let world = World::new();
    let issued = world.issue();
    let (jwt, disclosures, _) = parts(&issued);
    let (mut header, payload) = jwt_header_and_payload(&jwt);
    header["typ"] = json!("vc+sd-jwt");
    let legacy = join(
        &sign(header, &payload, &world.issuer.signer),
        &disclosures,
        "",
    );
    let presentation = world.present(&legacy, &["/email"]);
    let report = world.verify(&presentation, &policy());
    assert_eq!(assert_verified(&report)["email"], "alice@example.com");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("vc+sd-jwt"))
    );
}

/// An issuer-signed JWT built by hand, for credentials the issuer API refuses to make.
fn hand_made(world: &World, mutate: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut claims = avatar_link_claims(&world.holder);
    claims.insert("iss".into(), json!(world.issuer.did().as_str()));
    claims.insert("iat".into(), json!(T));
    claims.insert("vct".into(), json!(VCT));
    claims.insert(
        "cnf".into(),
        json!({"jwk": serde_json::to_value(world.holder.public().to_jwk()).unwrap()}),
    );
    mutate(&mut claims);
    let (payload, disclosures) =
        issue_payload(claims, &avatar_link_frame(), &IssuanceOptions::sd_jwt_vc()).unwrap();
    let header = json!({"typ": "dc+sd-jwt", "kid": world.issuer.kid.as_str()});
    let jwt = sign(header, &Value::Object(payload), &world.issuer.signer);
    SdJwt::new(jwt, disclosures).unwrap().to_compact()
}

#[test]
fn rejects_missing_vct() {
    let world = World::new();
    let issued = hand_made(&world, |claims| {
        claims.remove("vct");
    });
    let report = world.verify(&world.present(&issued, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::Malformed);
    assert!(report.errors[0].message.contains("vct"));
}

#[test]
fn rejects_credential_of_another_vct() {
    let world = World::new();
    let issued = hand_made(&world, |claims| {
        claims.insert("vct".into(), json!("urn:example:other:1"));
    });
    let report = world.verify(&world.present(&issued, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::MissingClaim);
    // Unless it says it is also of the expected type (SD-JWT VC §2.2.2.2).
    let also = hand_made(&world, |claims| {
        claims.insert("vct".into(), json!("urn:example:other:1"));
        claims.insert("aka_vcts".into(), json!([VCT]));
    });
    assert_verified(&world.verify(&world.present(&also, &["/name"]), &policy()));
}

#[test]
fn rejects_expired_credential() {
    let world = World::new();
    let issued = world.issue_payload(world.payload().expiring_at(T + 100));
    let presentation = world.present(&issued, &["/name"]);
    // Within the 60 s skew it still passes; beyond it, it is refused.
    assert_verified(&world.verify(&presentation, &policy().at(T + 150)));
    let mut late = policy().at(T + 170);
    late.max_kb_age = std::time::Duration::from_secs(3600);
    assert_rejected(&world.verify(&presentation, &late), ErrorCode::Expired);
}

#[test]
fn rejects_not_yet_valid_credential() {
    let world = World::new();
    let issued = world.issue_payload(world.payload().valid_from(T + 3600));
    let presentation = world.present(&issued, &["/name"]);
    assert_rejected(
        &world.verify(&presentation, &policy()),
        ErrorCode::NotYetValid,
    );
    // An `iat` in the future is as suspect.
    let future = hand_made(&world, |claims| {
        claims.insert("iat".into(), json!(T + 3600));
    });
    let report = world.verify(&world.present(&future, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::NotYetValid);
}

#[test]
fn rejects_credential_addressed_to_another_audience() {
    let world = World::new();
    let issued = hand_made(&world, |claims| {
        claims.insert("aud".into(), json!("https://elsewhere.example"));
    });
    let report = world.verify(&world.present(&issued, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::AudMismatch);
}

#[test]
fn rejects_forged_iss_with_a_bounded_escaped_message() {
    // An `iss` that would forge a log line and bloat every message that quotes it.
    let world = World::new();
    let forged = format!(
        "did:key:z6Mk\n[INFO] verified=true {}",
        "x".repeat(10 * 1024)
    );
    let credential = hand_made(&world, |claims| {
        claims.insert("iss".into(), json!(forged));
    });
    let report = world.verify(&credential, &VerificationPolicy::default().at(T + 10));
    assert_rejected(&report, ErrorCode::IssuerUnresolvable);
    for error in &report.errors {
        assert!(!error.message.contains('\n'), "{}", error.message);
        assert!(error.message.len() < 512, "{} bytes", error.message.len());
    }
    let message = &report.errors[0].message;
    assert!(message.contains("did:key:z6Mk\\n[INFO]"), "{message}");
    assert!(message.contains('…'), "{message}");
}

#[test]
fn rejects_untrusted_issuer() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let stranger = Party::new(KeyType::Ed25519);
    let policy = policy().trusting(vec![stranger.did().clone()]);
    let report = world.verify(&presentation, &policy);
    assert_rejected(&report, ErrorCode::UntrustedIssuer);
    // The issuer's DID was not even resolved.
    assert!(!report.checks.iter().any(|c| c.name == checks::ISSUER_KEY));
    let trusted = self::policy().trusting(vec![world.issuer.did().clone()]);
    let report = world.verify(&presentation, &trusted);
    assert_verified(&report);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn rejects_kid_of_another_did() {
    let world = World::new();
    // Mallory signs with her own did:key but claims the issuer's DID as `iss`.
    let mallory = Party::new(KeyType::Ed25519);
    let issued = world.issue();
    let (jwt, disclosures, _) = parts(&issued);
    let (mut header, payload) = jwt_header_and_payload(&jwt);
    header["kid"] = json!(mallory.kid.as_str());
    let forged = join(&sign(header, &payload, &mallory.signer), &disclosures, "");
    let report = world.verify(&world.present(&forged, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::BadSignature);
    assert!(report.errors[0].message.contains("another DID"));
}

/// Serves one document for `did:example:issuer`, its key only under `authentication`.
struct AuthenticationOnly(DidDocument);

#[async_trait]
impl Resolver for AuthenticationOnly {
    async fn resolve(
        &self,
        _did: &Did,
        _options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        Ok(Resolution::new(self.0.clone()))
    }
}

#[test]
fn rejects_key_not_in_assertion_method() {
    let world = World::new();
    let did = Did::parse("did:example:issuer").unwrap();
    let kid = did.with_fragment("auth-key").unwrap();
    let mut document = DidDocument::new(did.clone());
    document.add_method(
        VerificationMethod::multikey(kid.clone(), did, &world.issuer.public()),
        &[RelationshipKind::Authentication],
    );
    let resolver = Arc::new(
        MethodDispatcher::new().with_method("example", Arc::new(AuthenticationOnly(document))),
    );
    let keys = DidIssuerKeys::new(resolver);
    // The key signs properly, but the DID document does not authorize it to issue.
    let issued = SdJwtVcIssuer::new(&world.issuer.signer, kid)
        .unwrap()
        .issue(world.payload(), &avatar_link_frame())
        .unwrap();
    let presentation = world.present(&issued, &["/name"]);
    let report = block_on(verify_credential(&presentation, &policy(), &keys, None)).unwrap();
    assert_rejected(&report, ErrorCode::BadSignature);
    assert!(report.errors[0].message.contains("assertionMethod"));
}

#[test]
fn rejects_unresolvable_issuer() {
    let world = World::new();
    let issued = hand_made(&world, |claims| {
        claims.insert("iss".into(), json!("https://issuer.example"));
    });
    let report = world.verify(&world.present(&issued, &["/name"]), &policy());
    assert_rejected(&report, ErrorCode::IssuerUnresolvable);
}

// --- Attacks on key binding ----------------------------------------------------------------

#[test]
fn rejects_missing_kb_when_required() {
    let world = World::new();
    let issued = world.issue();
    let credential = HolderCredential::parse(&issued).unwrap();
    let without = credential
        .present(&[ClaimPath::parse("/name").unwrap()])
        .unwrap();
    assert_rejected(
        &world.verify(&without, &policy()),
        ErrorCode::KeyBindingRequired,
    );
    // Stripping the KB-JWT off a presentation does not help either (RFC 9901 §9.5).
    let presentation = world.present(&issued, &["/name"]);
    let stripped = presentation
        .get(..=presentation.rfind('~').unwrap())
        .unwrap();
    assert_rejected(
        &world.verify(stripped, &policy()),
        ErrorCode::KeyBindingRequired,
    );
    // Nor does presenting a vc+jwt, which has no key binding at all.
    let vc = issue_vc_jwt(
        &vcdm_credential(&world),
        &world.issuer.signer,
        &world.issuer.kid,
    )
    .unwrap();
    assert_rejected(&world.verify(&vc, &policy()), ErrorCode::KeyBindingRequired);
}

/// A presentation of `/name` whose KB-JWT has `header` and `claims` (with the right
/// `sd_hash` filled in unless given), signed by the holder.
fn with_kb(world: &World, header: Value, mut claims: Value) -> String {
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, _) = parts(&presentation);
    let sd_jwt = join(&jwt, &disclosures, "");
    if claims.get("sd_hash").is_none() {
        claims["sd_hash"] = json!(sd_hash(&sd_jwt));
    }
    format!("{sd_jwt}{}", kb_jwt(header, claims, &world.holder.signer))
}

#[test]
fn rejects_alg_none_kb_jwt() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, kb) = parts(&presentation);
    let (mut header, claims) = jwt_header_and_payload(&kb);
    header["alg"] = json!("none");
    let unsigned = format!(
        "{}.{}.",
        b64(&serde_json::to_vec(&header).unwrap()),
        b64(&serde_json::to_vec(&claims).unwrap())
    );
    let report = world.verify(&join(&jwt, &disclosures, &unsigned), &policy());
    assert_rejected(&report, ErrorCode::AlgNotAllowed);
    let report = world.verify(
        &join(&jwt, &disclosures, &format!("{unsigned}c2ln")),
        &policy(),
    );
    assert_rejected(&report, ErrorCode::AlgNotAllowed);
}

#[test]
fn rejects_wrong_kb_typ() {
    let world = World::new();
    let claims = json!({"nonce": NONCE, "aud": AUD, "iat": T + 5});
    for header in [
        json!({"typ": "JWT"}),
        json!({}),
        json!({"typ": "text/kb+jwt"}),
        json!({"typ": "kb+jwt; v=1"}),
    ] {
        let report = world.verify(&with_kb(&world, header.clone(), claims.clone()), &policy());
        assert_rejected(&report, ErrorCode::BadKbTyp);
    }
}

#[test]
fn accepts_kb_typ_as_media_type_in_long_form_and_any_case() {
    // RFC 7515 §4.1.9: `application/` may be written or left out; media types are
    // case-insensitive (RFC 6838 §4.2).
    let world = World::new();
    let claims = json!({"nonce": NONCE, "aud": AUD, "iat": T + 5});
    for typ in ["application/kb+jwt", "KB+JWT", "Application/KB+jwt"] {
        let presentation = with_kb(&world, json!({"typ": typ}), claims.clone());
        assert_verified(&world.verify(&presentation, &policy()));
    }
}

#[test]
fn accepts_sd_jwt_vc_typ_as_media_type_in_long_form_and_any_case() {
    let world = World::new();
    let issued = world.issue();
    let (jwt, disclosures, _) = parts(&issued);
    let (mut header, payload) = jwt_header_and_payload(&jwt);
    for typ in [
        "application/dc+sd-jwt",
        "DC+SD-JWT",
        "application/DC+sd-jwt",
    ] {
        header["typ"] = json!(typ);
        let resigned = join(
            &sign(header.clone(), &payload, &world.issuer.signer),
            &disclosures,
            "",
        );
        let presentation = world.present(&resigned, &["/email"]);
        let report = world.verify(&presentation, &policy());
        assert_eq!(
            assert_verified(&report)["email"],
            "alice@example.com",
            "{typ}"
        );
        assert!(
            report
                .warnings
                .iter()
                .all(|w| !w.message.contains("vc+sd-jwt"))
        );
    }
}

#[test]
fn rejects_kb_without_iat() {
    let world = World::new();
    let presentation = with_kb(
        &world,
        json!({"typ": "kb+jwt"}),
        json!({"nonce": NONCE, "aud": AUD}),
    );
    assert_rejected(&world.verify(&presentation, &policy()), ErrorCode::KbStale);
    let textual = with_kb(
        &world,
        json!({"typ": "kb+jwt"}),
        json!({"nonce": NONCE, "aud": AUD, "iat": (T + 5).to_string()}),
    );
    assert_rejected(&world.verify(&textual, &policy()), ErrorCode::KbStale);
}

#[test]
fn rejects_stale_kb() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    // Made at T + 5, 5 minutes of age and 60 s of skew allowed.
    assert_verified(&world.verify(&presentation, &policy().at(T + 5 + 360)));
    assert_rejected(
        &world.verify(&presentation, &policy().at(T + 5 + 361)),
        ErrorCode::KbStale,
    );
    // Made in the future.
    let early = policy().at(T + 5 - 61);
    assert_rejected(&world.verify(&presentation, &early), ErrorCode::KbStale);
}

#[test]
fn rejects_nonce_mismatch() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let replay = VerificationPolicy::key_binding(AUD, "another-transaction")
        .expecting_vct(VCT)
        .at(T + 10);
    assert_rejected(
        &world.verify(&presentation, &replay),
        ErrorCode::NonceMismatch,
    );
    let numeric = with_kb(
        &world,
        json!({"typ": "kb+jwt"}),
        json!({"nonce": 1234, "aud": AUD, "iat": T + 5}),
    );
    assert_rejected(&world.verify(&numeric, &policy()), ErrorCode::NonceMismatch);
}

#[test]
fn rejects_aud_mismatch() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let elsewhere = VerificationPolicy::key_binding("https://elsewhere.example", NONCE)
        .expecting_vct(VCT)
        .at(T + 10);
    assert_rejected(
        &world.verify(&presentation, &elsewhere),
        ErrorCode::AudMismatch,
    );
    // RFC 9901 §4.3: `aud` is a single string, not an array that happens to contain us.
    let array = with_kb(
        &world,
        json!({"typ": "kb+jwt"}),
        json!({"nonce": NONCE, "aud": [AUD], "iat": T + 5}),
    );
    assert_rejected(&world.verify(&array, &policy()), ErrorCode::AudMismatch);
}

#[test]
fn rejects_sd_hash_over_different_disclosure_order() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name", "/email", "/avatars/0"]);
    let (jwt, mut disclosures, kb) = parts(&presentation);
    assert_eq!(disclosures.len(), 3);
    disclosures.swap(0, 2);
    let reordered = join(&jwt, &disclosures, &kb);
    assert_rejected(
        &world.verify(&reordered, &policy()),
        ErrorCode::SdHashMismatch,
    );
    // Dropping a disclosure changes the hash too.
    disclosures.pop();
    let fewer = join(&jwt, &disclosures, &kb);
    assert_rejected(&world.verify(&fewer, &policy()), ErrorCode::SdHashMismatch);
}

#[test]
fn rejects_kb_signed_by_non_cnf_key() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, _) = parts(&presentation);
    let sd_jwt = join(&jwt, &disclosures, "");
    for thief in [Party::new(KeyType::Ed25519), Party::new(KeyType::P256)] {
        let kb = kb_jwt(
            json!({"typ": "kb+jwt"}),
            json!({"nonce": NONCE, "aud": AUD, "iat": T + 5, "sd_hash": sd_hash(&sd_jwt)}),
            &thief.signer,
        );
        let report = world.verify(&format!("{sd_jwt}{kb}"), &policy());
        assert_rejected(&report, ErrorCode::BadKbSignature);
    }
}

#[test]
fn rejects_kb_for_credential_without_holder_key() {
    let world = World::new();
    let issued = hand_made(&world, |claims| {
        claims.remove("cnf");
    });
    let sd_jwt = HolderCredential::parse(&issued)
        .unwrap()
        .present(&[ClaimPath::parse("/name").unwrap()])
        .unwrap();
    let presented = SdJwt::parse(&sd_jwt).unwrap();
    let kb = create_key_binding_jwt(
        &presented,
        HashAlgorithm::Sha256,
        AUD,
        NONCE,
        T + 5,
        &world.holder.signer,
    )
    .unwrap();
    let report = world.verify(&format!("{sd_jwt}{kb}"), &policy());
    assert_rejected(&report, ErrorCode::NoHolderKey);
}

#[test]
fn rejects_kb_claims_given_as_an_array() {
    // RFC 7519 §7.2: the claims are a JSON object. The same values by position must not pass
    // for `iat`, `aud`, `nonce` and `sd_hash`.
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let (jwt, disclosures, _) = parts(&presentation);
    let sd_jwt = join(&jwt, &disclosures, "");
    let positional = json!([T + 5, AUD, NONCE, sd_hash(&sd_jwt), null, null]);
    let kb = kb_jwt(json!({"typ": "kb+jwt"}), positional, &world.holder.signer);
    let report = world.verify(&format!("{sd_jwt}{kb}"), &policy());
    assert_rejected(&report, ErrorCode::Malformed);
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.name == checks::KB_JWT && c.status == CheckStatus::Failed)
    );
}

#[test]
fn rejects_holder_key_marked_for_encryption() {
    // RFC 7517 §4.2: `use: enc` keys are not for signatures; possession cannot be proven with
    // one, even if the holder signs with its private half.
    let world = World::new();
    let present_under = |key_use: &str| {
        let mut jwk = serde_json::to_value(world.holder.public().to_jwk()).unwrap();
        jwk["use"] = json!(key_use);
        let issued = hand_made(&world, |claims| {
            claims.insert("cnf".into(), json!({ "jwk": jwk }));
        });
        let sd_jwt = HolderCredential::parse(&issued)
            .unwrap()
            .present(&[ClaimPath::parse("/name").unwrap()])
            .unwrap();
        let presented = SdJwt::parse(&sd_jwt).unwrap();
        let kb = create_key_binding_jwt(
            &presented,
            HashAlgorithm::Sha256,
            AUD,
            NONCE,
            T + 5,
            &world.holder.signer,
        )
        .unwrap();
        world.verify(&format!("{sd_jwt}{kb}"), &policy())
    };
    assert_verified(&present_under("sig"));
    let report = present_under("enc");
    assert_rejected(&report, ErrorCode::NoHolderKey);
    assert!(
        report.errors[0].message.contains("use: enc"),
        "{:?}",
        report.errors
    );
}

// --- Status and policy ---------------------------------------------------------------------

/// A status check that answers what it was built with: a stand-in for the status list
/// clients, which live elsewhere.
struct FixedStatus(Result<StatusValue, StatusError>);

#[async_trait]
impl StatusCheck for FixedStatus {
    async fn check(
        &self,
        reference: &StatusReference<'_>,
        _now: u64,
    ) -> Result<StatusValue, StatusError> {
        let StatusReference::Token { claim, .. } = reference else {
            panic!("an SD-JWT VC's status is a Token Status List reference: {reference:?}")
        };
        assert_eq!(
            claim["status_list"]["idx"], 42,
            "the credential's own reference"
        );
        self.0.clone()
    }
}

fn with_status(world: &World) -> String {
    let payload = world
        .payload()
        .with_status(json!({"status_list": {"idx": 42, "uri": "https://status.example/1"}}));
    world.present(&world.issue_payload(payload), &["/name"])
}

/// A status list host that has no list: it answers 404 and remembers what it was asked.
#[derive(Default)]
struct NoListHost(std::sync::Mutex<Vec<String>>);

#[async_trait]
impl did_core::fetch::Fetcher for NoListHost {
    async fn get(
        &self,
        url: &url::Url,
        _accept: &str,
    ) -> Result<did_core::fetch::FetchedBody, did_core::fetch::FetchError> {
        self.0.lock().unwrap().push(url.to_string());
        Ok(did_core::fetch::FetchedBody {
            status: 404,
            content_type: None,
            body: Vec::new(),
        })
    }
}

#[test]
fn verifier_for_dids_finds_did_keys_and_asks_the_status_list() {
    let world = World::new();
    let host = Arc::new(NoListHost::default());
    let verifier = Verifier::for_dids(resolver(), host.clone());
    // No status reference: the DID issuer key is found and the credential verified.
    let plain = world.present(&world.issue(), &["/name"]);
    let report = block_on(verifier.verify(&plain, &policy())).unwrap();
    assert_verified(&report);
    assert!(host.0.lock().unwrap().is_empty());
    // A status reference: the status step fetches the list, which is not there.
    let report = block_on(verifier.verify(&with_status(&world), &policy())).unwrap();
    assert_rejected(&report, ErrorCode::StatusUnavailable);
    assert_eq!(
        host.0.lock().unwrap().as_slice(),
        ["https://status.example/1"]
    );
    let reports = block_on(verifier.verify_batch(&[&plain, &plain], &policy())).unwrap();
    assert!(reports.iter().all(|report| report.verified));
}

#[test]
fn rejects_oversize_input_before_parsing() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let oversize = format!("{presentation}{}", "A".repeat(MAX_INPUT_LEN));
    for input in [oversize.as_str(), &oversize.replace('~', "")] {
        let report = world.verify(input, &policy());
        assert_rejected(&report, ErrorCode::Malformed);
        assert!(
            report.errors[0].message.contains("a verifier reads"),
            "{:?}",
            report.errors
        );
        assert_eq!(report.checks[0].name, checks::FORMAT);
    }
    let reports = block_on(verify_batch(&[&oversize], &policy(), &world.keys, None)).unwrap();
    assert_rejected(&reports[0], ErrorCode::Malformed);
}

#[test]
fn accepts_valid_status_and_warns_when_unchecked() {
    let world = World::new();
    let presentation = with_status(&world);
    let report = world.verify_with_status(&presentation, &FixedStatus(Ok(StatusValue::Valid)));
    assert_verified(&report);
    let unchecked = world.verify(&presentation, &policy());
    assert_verified(&unchecked);
    assert!(
        unchecked
            .warnings
            .iter()
            .any(|w| w.message.contains("status"))
    );
}

#[test]
fn rejects_revoked_status() {
    let world = World::new();
    let report =
        world.verify_with_status(&with_status(&world), &FixedStatus(Ok(StatusValue::Invalid)));
    assert_rejected(&report, ErrorCode::Revoked);
}

#[test]
fn rejects_suspended_status() {
    let world = World::new();
    let report = world.verify_with_status(
        &with_status(&world),
        &FixedStatus(Ok(StatusValue::Suspended)),
    );
    assert_rejected(&report, ErrorCode::Suspended);
}

#[test]
fn status_unavailable_when_check_fails() {
    let world = World::new();
    let presentation = with_status(&world);
    let report = world.verify_with_status(
        &presentation,
        &FixedStatus(Err(StatusError::Fetch {
            url: "https://status.example/1".into(),
            source: did_core::fetch::FetchError::Status { status: 503 },
        })),
    );
    assert_rejected(&report, ErrorCode::StatusUnavailable);
    assert!(report.errors[0].message.contains("503"));
    // A status this verifier does not understand is no better.
    let report = world.verify_with_status(&presentation, &FixedStatus(Ok(StatusValue::Other(3))));
    assert_rejected(&report, ErrorCode::StatusUnavailable);
}

#[test]
fn reports_missing_claim() {
    let world = World::new();
    let presentation = world.present(&world.issue(), &["/name"]);
    let policy = policy().requiring(vec![
        ClaimPath::parse("/name").unwrap(),
        ClaimPath::parse("/email").unwrap(),
        ClaimPath::parse("/avatars/0").unwrap(),
    ]);
    let report = world.verify(&presentation, &policy);
    assert_rejected(&report, ErrorCode::MissingClaim);
    let missing: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(missing.len(), 2);
    assert!(missing[0].contains("/email") && missing[1].contains("/avatars/0"));
}

// --- vc+jwt --------------------------------------------------------------------------------

fn vcdm_credential(world: &World) -> Map<String, Value> {
    object(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "AvatarLinkCredential"],
        "issuer": world.issuer.did().as_str(),
        "validFrom": "2025-06-15T00:00:00Z",
        "validUntil": "2026-06-15T00:00:00Z",
        "credentialSubject": {"id": world.holder.did().as_str(), "age_over_18": true}
    }))
}

/// 2025-06-15T12:00:00Z, within the validity period above.
const VC_NOW: u64 = 1_749_988_800;

#[test]
fn verifies_vc_jwt() {
    for key_type in [KeyType::Ed25519, KeyType::P256] {
        let world = World::with(key_type, KeyType::Ed25519);
        let credential = vcdm_credential(&world);
        let vc = issue_vc_jwt(&credential, &world.issuer.signer, &world.issuer.kid).unwrap();
        let (header, payload) = jwt_header_and_payload(&vc);
        assert_eq!(header["typ"], "vc+jwt");
        assert_eq!(header["cty"], "vc");
        assert_eq!(payload, Value::Object(credential.clone()));

        let policy = VerificationPolicy::default().at(VC_NOW).requiring(vec![
            ClaimPath::parse("/credentialSubject/age_over_18").unwrap(),
        ]);
        let report = world.verify(&vc, &policy);
        assert_eq!(assert_verified(&report), &credential);
    }
}

#[test]
fn accepts_vc_jwt_typ_as_media_type_in_long_form_and_any_case() {
    // VC-JOSE-COSE §3.1.1 registers `application/vc+jwt`; RFC 7515 §4.1.9 lets `typ` name it
    // in full or without `application/`, in any case.
    let world = World::new();
    let credential = vcdm_credential(&world);
    let payload = Value::Object(credential.clone());
    for typ in ["application/vc+jwt", "VC+JWT", "Application/VC+JWT"] {
        let header = json!({"typ": typ, "kid": world.issuer.kid.as_str()});
        let jwt = sign(header, &payload, &world.issuer.signer);
        let report = world.verify(&jwt, &VerificationPolicy::default().at(VC_NOW));
        assert_eq!(assert_verified(&report), &credential, "{typ}");
    }
}

#[test]
fn rejects_vc_jwt_outside_validity_period_or_tampered() {
    let world = World::new();
    let vc = issue_vc_jwt(
        &vcdm_credential(&world),
        &world.issuer.signer,
        &world.issuer.kid,
    )
    .unwrap();
    let at = |now| VerificationPolicy::default().at(now);
    assert_rejected(
        &world.verify(&vc, &at(1_700_000_000)),
        ErrorCode::NotYetValid,
    );
    assert_rejected(&world.verify(&vc, &at(1_800_000_000)), ErrorCode::Expired);

    let mut segments: Vec<String> = vc.split('.').map(String::from).collect();
    let mut payload = decode_segment(&segments[1]);
    payload["validUntil"] = json!("2099-01-01T00:00:00Z");
    segments[1] = b64(&serde_json::to_vec(&payload).unwrap());
    assert_rejected(
        &world.verify(&segments.join("."), &at(VC_NOW)),
        ErrorCode::BadSignature,
    );
}

#[test]
fn rejects_vc_jwt_of_wrong_typ_or_data_model() {
    let world = World::new();
    let credential = vcdm_credential(&world);
    let header = |typ: &str| json!({"typ": typ, "kid": world.issuer.kid.as_str()});
    let payload = Value::Object(credential.clone());
    for typ in ["JWT", "vc+ld+json", "dc+sd-jwt", "text/vc+jwt"] {
        let jwt = sign(header(typ), &payload, &world.issuer.signer);
        let report = world.verify(&jwt, &VerificationPolicy::default().at(VC_NOW));
        assert_rejected(&report, ErrorCode::Malformed);
    }
    let mut v1 = credential.clone();
    v1.insert("vc".into(), json!({}));
    let jwt = sign(header("vc+jwt"), &Value::Object(v1), &world.issuer.signer);
    let report = world.verify(&jwt, &VerificationPolicy::default().at(VC_NOW));
    assert_rejected(&report, ErrorCode::Malformed);
    // The issuer named in the credential must be the key's DID.
    let other = Party::new(KeyType::Ed25519);
    assert!(issue_vc_jwt(&credential, &other.signer, &other.kid).is_err());
    let jwt = sign(header("vc+jwt"), &payload, &other.signer);
    let report = world.verify(&jwt, &VerificationPolicy::default().at(VC_NOW));
    assert_rejected(&report, ErrorCode::BadSignature);
}

#[test]
fn rejects_garbage_without_panicking() {
    let world = World::new();
    let lenient = VerificationPolicy::default().at(T);
    for input in [
        "",
        "~",
        "~~",
        "a.b.c~",
        "a.b.c",
        "....",
        "eyJhbGciOiJFZERTQSJ9.e30.c2ln~",
        "eyJhbGciOiJFZERTQSJ9.e30.c2ln~!!~",
        "\u{0}~\u{0}",
    ] {
        let report = world.verify(input, &lenient);
        assert!(!report.verified, "{input:?}");
        assert!(report.first_error_code().is_some(), "{input:?}");
    }
}

mod mutations {
    //! Every single-byte change to a valid presentation is refused, and none panics: each
    //! byte is covered by a signature, a digest or `sd_hash`, and base64url decoding is
    //! canonical.

    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    fn fixture() -> &'static (World, String) {
        static FIXTURE: OnceLock<(World, String)> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let world = World::new();
            let presentation = world.present(&world.issue(), &["/avatars/1", "/email"]);
            (world, presentation)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn rejects_any_single_byte_change(position in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let (world, presentation) = fixture();
            let mut bytes = presentation.clone().into_bytes();
            let at = position.index(bytes.len());
            prop_assume!(bytes[at] != byte);
            bytes[at] = byte;
            let mutated = String::from_utf8_lossy(&bytes).into_owned();
            let report = world.verify(&mutated, &policy());
            prop_assert!(!report.verified);
            prop_assert!(report.first_error_code().is_some());
        }
    }
}
