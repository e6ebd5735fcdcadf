//! SD-JWT VC and RFC 9901 examples verified byte for byte by avid's verifier: the draft's
//! example credential (disclosures, digests, header and payload, the issuer's ES256 signature)
//! and its presentations through `verify_credential`, and RFC 9901 §5's SD-JWT+KB with the
//! issuer key of Appendix A.5. The vector files name their source.

use did_core::did::Did;
use did_core::jose::{AlgorithmPolicy, decode_compact, parse_json_object, verify_compact};
use did_core::key::{Jwk, KeyType, PublicKey, SecretKey};
use did_core::method::key::did_key_verification_method;
use serde_json::{Map, Value, json};
use vc_issuer::issuer_keys::JwtVcIssuerMetadata;
use vc_issuer::report::ErrorCode;
use vc_issuer::sd_jwt::{
    ClaimPath, Disclosure, DisclosureFrame, HashAlgorithm, SdJwt, SdJwtKb, verify_disclosures,
};
use vc_issuer::sd_jwt_vc::{
    KeyBindingExpectations, SdJwtVcIssuer, UnsecuredPayload, verify_key_binding_jwt,
};
use vc_issuer::time::Clock;
use vc_issuer::verify::{VerificationPolicy, verify_credential};

const EXAMPLES: &str = include_str!("../vectors/sd-jwt-vc-examples.json");
const RFC9901_SECTION5: &str = include_str!("../vectors/rfc9901-section5.json");

fn load(text: &str) -> Value {
    serde_json::from_str(text).expect("vector files are JSON")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is a string"))
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().expect("a JSON object")
}

fn jwk_key(value: &Value) -> PublicKey {
    let jwk: Jwk = serde_json::from_value(value.clone()).expect("a public JWK");
    PublicKey::from_jwk(&jwk).expect("a P-256 key")
}

fn issuer_key(vectors: &Value) -> PublicKey {
    jwk_key(&vectors["rfc9901_appendix_a5_issuer_key"]["jwk"])
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}

#[test]
fn sd_jwt_vc_2_3_1_disclosures_and_digests_as_published() {
    let vectors = load(EXAMPLES);
    let payload = &vectors["sd_jwt_payload"];
    let digests: Vec<&str> = payload["_sd"]
        .as_array()
        .expect("_sd")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let listed = vectors["disclosures"].as_array().expect("disclosures");
    assert_eq!(listed.len(), digests.len(), "no decoys in the example");
    for entry in listed {
        let disclosure = Disclosure::parse(text(entry, "encoded")).expect("a disclosure");
        let contents = entry["contents"].as_array().expect("contents");
        assert_eq!(Some(disclosure.salt()), contents[0].as_str());
        assert_eq!(disclosure.claim_name(), contents[1].as_str());
        assert_eq!(disclosure.claim_name(), Some(text(entry, "claim")));
        assert_eq!(disclosure.value(), &contents[2]);
        let digest = disclosure.digest(HashAlgorithm::Sha256);
        assert_eq!(digest, text(entry, "digest"));
        assert!(digests.contains(&digest.as_str()));
    }
}

#[test]
fn sd_jwt_vc_2_3_1_issuance_is_signed_by_the_appendix_a5_key() {
    let vectors = load(EXAMPLES);
    let issued = SdJwt::parse(text(&vectors, "issuance")).expect("an SD-JWT");
    let verified = verify_compact(
        issued.issuer_jwt(),
        &issuer_key(&vectors),
        &AlgorithmPolicy::default(),
    )
    .expect("the draft's signature verifies over the draft's bytes");
    assert_eq!(Value::Object(verified.header), vectors["issuer_jwt_header"]);
    let payload = parse_json_object(&verified.payload).expect("a JSON object");
    assert_eq!(Value::Object(payload.clone()), vectors["sd_jwt_payload"]);
    let encoded: Vec<&str> = issued
        .disclosures()
        .iter()
        .map(Disclosure::as_str)
        .collect();
    let listed: Vec<&str> = vectors["disclosures"]
        .as_array()
        .expect("disclosures")
        .iter()
        .map(|entry| text(entry, "encoded"))
        .collect();
    assert_eq!(encoded, listed);
    // Every disclosure applied gives back the Unsecured Payload of Figure 5, plus the
    // registered claims the issuer added.
    let processed = verify_disclosures(
        payload,
        issued.disclosures(),
        &vc_issuer::sd_jwt::VerifyOptions::sd_jwt_vc(),
    )
    .expect("valid disclosures");
    for (name, value) in object(&vectors["unsecured_payload"]) {
        assert_eq!(processed.claims.get(&name), Some(&value), "{name}");
    }
}

#[test]
fn sd_jwt_vc_2_3_1_avid_issues_the_same_shape() {
    let vectors = load(EXAMPLES);
    let issuer = SecretKey::generate(KeyType::P256);
    let kid = did_key_verification_method(&issuer.public_key());
    let signer = issuer
        .signer(did_core::jose::Algorithm::Es256)
        .expect("ES256");
    let holder = jwk_key(&vectors["sd_jwt_payload"]["cnf"]["jwk"]);
    let mut claims = object(&vectors["unsecured_payload"]);
    let vct = claims.remove("vct").expect("vct");
    let frame = claims
        .keys()
        .fold(DisclosureFrame::new(), |frame, name| frame.disclose(name));
    let payload = UnsecuredPayload::new(vct.as_str().expect("a string"), holder, 1683000000)
        .with_claims(claims)
        .expiring_at(1883000000);
    let issued = SdJwtVcIssuer::new(&signer, kid.clone())
        .expect("an issuer")
        .issue(payload, &frame)
        .expect("issued");
    let issued = SdJwt::parse(&issued).expect("an SD-JWT");
    let jws = decode_compact(issued.issuer_jwt(), &AlgorithmPolicy::default()).expect("a JWS");
    let ours = parse_json_object(jws.payload()).expect("a payload");
    let theirs = object(&vectors["sd_jwt_payload"]);
    let keys = |map: &Map<String, Value>| {
        let mut keys: Vec<String> = map.keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&ours), keys(&theirs));
    let header: Vec<&String> = jws.header().keys().collect();
    let expected: Vec<&String> = vectors["issuer_jwt_header"]
        .as_object()
        .expect("a header")
        .keys()
        .collect();
    assert_eq!(header, expected);
    assert_eq!(jws.header()["typ"], vectors["issuer_jwt_header"]["typ"]);
    for name in ["vct", "iat", "exp", "_sd_alg", "cnf"] {
        assert_eq!(ours[name], theirs[name], "{name}");
    }
    assert_eq!(ours["iss"], kid.did().as_str());
    assert_eq!(ours["_sd"].as_array().map(Vec::len), Some(9));
    assert_eq!(issued.disclosures().len(), 9);
}

/// The draft's Figure 14 metadata, addressed to the `iss` of the example credential: the
/// draft's two examples use different issuer identifiers (`https://example.com` there,
/// `https://example.com/issuer` in the credential), and SD-JWT VC §4.3 forbids using the
/// metadata of one for the other.
fn metadata_for_the_credential(vectors: &Value) -> JwtVcIssuerMetadata {
    let mut metadata = vectors["issuer_metadata"].clone();
    metadata["issuer"] = vectors["sd_jwt_payload"]["iss"].clone();
    JwtVcIssuerMetadata::from_json(&metadata).expect("valid metadata")
}

fn key_binding_policy(vectors: &Value) -> VerificationPolicy {
    let kb = &vectors["key_binding"];
    let iat = kb["iat"].as_u64().expect("iat");
    VerificationPolicy::key_binding(text(kb, "audience"), text(kb, "nonce"))
        .expecting_vct(text(&vectors["unsecured_payload"], "vct"))
        .requiring(vec![
            ClaimPath::parse("/is_over_65").expect("a path"),
            ClaimPath::parse("/address/country").expect("a path"),
        ])
        .at(iat + 10)
}

#[test]
fn sd_jwt_vc_2_3_2_presentation_with_key_binding_verifies() {
    let vectors = load(EXAMPLES);
    let keys = metadata_for_the_credential(&vectors);
    let policy = key_binding_policy(&vectors);
    let presentation = text(&vectors, "presentation_with_key_binding");
    let report = block_on(verify_credential(presentation, &policy, &keys, None)).expect("a report");
    assert!(report.verified, "{:?}", report.errors);
    assert_eq!(
        report.claims.map(Value::Object),
        Some(vectors["processed_payload_with_key_binding"].clone())
    );
}

#[test]
fn sd_jwt_vc_2_3_2_presentation_refused_on_replay_or_foreign_metadata() {
    let vectors = load(EXAMPLES);
    let presentation = text(&vectors, "presentation_with_key_binding");
    let keys = metadata_for_the_credential(&vectors);
    let mut replay = key_binding_policy(&vectors);
    replay.expected_nonce = Some("another transaction".into());
    let report = block_on(verify_credential(presentation, &replay, &keys, None)).expect("a report");
    assert_eq!(report.first_error_code(), Some(ErrorCode::NonceMismatch));
    // The metadata exactly as Figure 14 gives it names another issuer (§4.3).
    let foreign = JwtVcIssuerMetadata::from_json(&vectors["issuer_metadata"]).expect("metadata");
    let report = block_on(verify_credential(
        presentation,
        &key_binding_policy(&vectors),
        &foreign,
        None,
    ))
    .expect("a report");
    assert_eq!(
        report.first_error_code(),
        Some(ErrorCode::IssuerUnresolvable)
    );
    // And a trust list of DIDs trusts no HTTPS issuer.
    let trusting = key_binding_policy(&vectors)
        .trusting(vec![Did::parse("did:example:issuer").expect("a DID")]);
    let report =
        block_on(verify_credential(presentation, &trusting, &keys, None)).expect("a report");
    assert_eq!(report.first_error_code(), Some(ErrorCode::UntrustedIssuer));
}

#[test]
fn sd_jwt_vc_2_3_2_presentation_without_key_binding_processes_as_published() {
    let vectors = load(EXAMPLES);
    let presentation = text(&vectors, "presentation_without_key_binding");
    let sd_jwt = SdJwt::parse(presentation).expect("an SD-JWT");
    let verified = verify_compact(
        sd_jwt.issuer_jwt(),
        &issuer_key(&vectors),
        &AlgorithmPolicy::default(),
    )
    .expect("signed by the Appendix A.5 key");
    assert_eq!(verified.header["typ"], "dc+sd-jwt");
    let payload = parse_json_object(&verified.payload).expect("a payload");
    let processed = verify_disclosures(
        payload,
        sd_jwt.disclosures(),
        &vc_issuer::sd_jwt::VerifyOptions::sd_jwt_vc(),
    )
    .expect("valid disclosures");
    assert_eq!(
        Value::Object(processed.claims),
        vectors["processed_payload_without_key_binding"]
    );
    // Without a `kid` and with two keys in the metadata, the key cannot be chosen.
    let keys = metadata_for_the_credential(&vectors);
    let policy = VerificationPolicy::default().at(1_788_210_000);
    let report = block_on(verify_credential(presentation, &policy, &keys, None)).expect("a report");
    assert_eq!(
        report.first_error_code(),
        Some(ErrorCode::IssuerUnresolvable)
    );
    // A verifier that requires key binding refuses it (RFC 9901 §7.3 step 2).
    let report = block_on(verify_credential(
        presentation,
        &key_binding_policy(&vectors),
        &keys,
        None,
    ))
    .expect("a report");
    assert_eq!(
        report.first_error_code(),
        Some(ErrorCode::KeyBindingRequired)
    );
}

#[test]
fn rfc9901_5_2_presentation_verifies_under_the_appendix_a5_key() {
    let examples = load(EXAMPLES);
    let vectors = load(RFC9901_SECTION5);
    let presentation = text(&vectors, "presentation");
    let parsed = SdJwtKb::parse(presentation).expect("an SD-JWT+KB");

    // RFC 9901 §7.1 step 2: the issuer's signature over the RFC's bytes.
    let verified = verify_compact(
        parsed.sd_jwt().issuer_jwt(),
        &issuer_key(&examples),
        &AlgorithmPolicy::default(),
    )
    .expect("the RFC's issuer signature verifies under Appendix A.5's key");
    let payload = parse_json_object(&verified.payload).expect("a payload");
    assert_eq!(Value::Object(payload.clone()), vectors["payload"]);

    // §7.1 steps 3–5.
    let processed = verify_disclosures(
        payload.clone(),
        parsed.sd_jwt().disclosures(),
        &Default::default(),
    )
    .expect("valid disclosures");
    assert_eq!(
        Value::Object(processed.claims),
        vectors["processed_payload"]
    );

    // §7.3 step 5 with avid's key binding verifier, the holder key from `cnf`.
    let holder = jwk_key(&payload["cnf"]["jwk"]);
    let kb = &vectors["key_binding_jwt_payload"];
    let iat = kb["iat"].as_u64().expect("iat");
    let expected = KeyBindingExpectations {
        audience: kb["aud"].as_str(),
        nonce: kb["nonce"].as_str(),
        clock: Clock::new(Some(iat + 30), std::time::Duration::from_secs(60)),
        max_age: std::time::Duration::from_secs(300),
    };
    let claims = verify_key_binding_jwt(
        presentation,
        &holder,
        processed.hash_alg,
        &AlgorithmPolicy::default(),
        &expected,
    )
    .expect("the RFC's key binding JWT verifies");
    assert_eq!(claims.iat, iat);
    assert_eq!(Some(claims.sd_hash.as_str()), kb["sd_hash"].as_str());

    // The issuer key cannot stand in for the holder's.
    let wrong = verify_key_binding_jwt(
        presentation,
        &issuer_key(&examples),
        processed.hash_alg,
        &AlgorithmPolicy::default(),
        &expected,
    );
    assert_eq!(wrong.map_err(|e| e.code), Err(ErrorCode::BadKbSignature));
    // Nor does a day later pass for fresh.
    let late = KeyBindingExpectations {
        clock: Clock::new(Some(iat + 86_400), std::time::Duration::from_secs(60)),
        ..expected
    };
    let stale = verify_key_binding_jwt(
        presentation,
        &holder,
        processed.hash_alg,
        &AlgorithmPolicy::default(),
        &late,
    );
    assert_eq!(stale.map_err(|e| e.code), Err(ErrorCode::KbStale));
}

#[test]
fn rfc9901_5_is_not_an_sd_jwt_vc() {
    // The RFC's example is typed `example+sd-jwt`: explicit typing (RFC 8725 §3.11) keeps
    // the SD-JWT VC verifier from taking it for a credential, signature or not.
    let examples = load(EXAMPLES);
    let vectors = load(RFC9901_SECTION5);
    let metadata = JwtVcIssuerMetadata::from_json(&json!({
        "issuer": vectors["payload"]["iss"],
        "jwks": {"keys": [examples["rfc9901_appendix_a5_issuer_key"]["jwk"]]}
    }))
    .expect("metadata");
    let kb = &vectors["key_binding_jwt_payload"];
    let policy = VerificationPolicy::key_binding(text(kb, "aud"), text(kb, "nonce"))
        .at(kb["iat"].as_u64().expect("iat") + 10);
    let report = block_on(verify_credential(
        text(&vectors, "presentation"),
        &policy,
        &metadata,
        None,
    ))
    .expect("a report");
    assert_eq!(report.first_error_code(), Some(ErrorCode::Malformed));
    assert!(report.errors[0].message.contains("example+sd-jwt"));
}
