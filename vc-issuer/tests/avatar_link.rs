//! Avatar links end to end: link proofs from did:key, did:jwk and did:peer avatars on two
//! platforms, each attack on them refused with `link_proof_invalid` and the part that failed,
//! the avatar-link credential issued over the verified links and presented, and its privacy
//! checked on exactly the bytes a verifier receives.

use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::did::{Did, DidUrl};
use did_core::jose::{Algorithm, LocalSigner, sign_compact};
use did_core::key::{KeyType, SecretKey};
use did_core::method::jwk::{did_jwk, did_jwk_verification_method};
use did_core::method::key::did_key_verification_method;
use did_core::method::peer::{Purpose, did_peer_2, did_peer_2_for_key};
use did_core::method::{DID_JWK, DID_KEY, DID_PEER};
use did_core::resolution::dispatch::MethodDispatcher;
use serde_json::{Map, Value, json};
use vc_issuer::avatar::{
    AvatarError, AvatarLinkCredential, HolderBinding, LINK_TYP, LinkExpectations, LinkNonces,
    LinkPolicy, LinkProof, LinkProofError, LinkProofPart, LinkStatement, LinkedAvatar,
    PersonalData, Platform, VerifiedLink, verify_link_proof, verify_link_proofs,
};
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::report::ErrorCode;
use vc_issuer::sd_jwt::ClaimPath;
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest};
use vc_issuer::status::StatusListReference;
use vc_issuer::verify::{VerificationPolicy, verify_credential};

/// When the link proofs are made; they are checked 5 s later, the credential issued then.
const T: u64 = 1_750_000_000;
const AUD: &str = "https://world.example";
const STATUS_URI: &str = "https://issuer.example/statuslists/1";

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map(|runtime| runtime.block_on(future))
        .unwrap_or_else(|error| panic!("runtime: {error}"))
}

fn platform(name: &str) -> Platform {
    Platform::new(name).unwrap()
}

/// A DID with a signing key and the `kid` of that key in the DID's document.
struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn with(secret: SecretKey, kid: DidUrl) -> Self {
        let algorithm = match secret.key_type() {
            KeyType::P256 => Algorithm::Es256,
            _ => Algorithm::Ed25519,
        };
        let signer = secret.signer(algorithm).unwrap();
        Self {
            secret,
            signer,
            kid,
        }
    }

    fn did_key(key_type: KeyType) -> Self {
        let secret = SecretKey::generate(key_type);
        let kid = did_key_verification_method(&secret.public_key());
        Self::with(secret, kid)
    }

    fn did_jwk(key_type: KeyType) -> Self {
        let secret = SecretKey::generate(key_type);
        let kid = did_jwk_verification_method(&secret.public_key());
        assert_eq!(kid.did(), &did_jwk(&secret.public_key()));
        Self::with(secret, kid)
    }

    /// A did:peer:2 whose key authenticates (`#key-1` is the `.V` key).
    fn did_peer() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let did = did_peer_2_for_key(&secret.public_key()).unwrap();
        let kid = did.with_fragment("key-1").unwrap();
        Self::with(secret, kid)
    }

    /// A did:peer:2 whose only signing key is under `assertionMethod`, not `authentication`.
    fn did_peer_asserting_only() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let agreement = SecretKey::generate(KeyType::X25519).public_key();
        let did = did_peer_2(
            &[
                (Purpose::Assertion, secret.public_key()),
                (Purpose::Encryption, agreement),
            ],
            &[],
        )
        .unwrap();
        let kid = did.with_fragment("key-1").unwrap();
        Self::with(secret, kid)
    }

    fn did(&self) -> &Did {
        self.kid.did()
    }
}

/// The issuer's side: the resolver of every derived method, its nonce store, its policy, and
/// its key.
struct Issuer {
    resolver: Arc<MethodDispatcher>,
    nonces: LinkNonces,
    policy: LinkPolicy,
    key: Party,
}

impl Issuer {
    fn new() -> Self {
        let resolver = MethodDispatcher::new()
            .with_method("key", Arc::new(DID_KEY))
            .with_method("jwk", Arc::new(DID_JWK))
            .with_method("peer", Arc::new(DID_PEER));
        Self {
            resolver: Arc::new(resolver),
            nonces: LinkNonces::in_memory(),
            policy: LinkPolicy::default(),
            key: Party::did_key(KeyType::Ed25519),
        }
    }

    fn nonce(&self) -> String {
        block_on(self.nonces.issue(T)).unwrap()
    }

    /// A proof, signed by both parties, that `avatar` on `platform` is `holder`'s, over a
    /// fresh nonce of this issuer.
    fn proof(&self, avatar: &Party, holder: &Party, platform_name: &str) -> LinkProof {
        let statement = LinkStatement::new(
            avatar.did().clone(),
            holder.did().clone(),
            platform(platform_name),
            self.nonce(),
            T,
            T + 300,
        );
        signed(&statement, avatar, holder)
    }

    fn check(
        &self,
        proof: &LinkProof,
        holder: &Party,
        platform_name: &str,
    ) -> Result<VerifiedLink, LinkProofError> {
        let expected = LinkExpectations::new(holder.did().clone(), platform(platform_name));
        block_on(verify_link_proof(
            proof,
            &expected,
            &self.nonces,
            self.resolver.as_ref(),
            &self.policy,
            T + 5,
        ))
    }

    fn link(&self, avatar: &Party, holder: &Party, platform_name: &str) -> VerifiedLink {
        let proof = self.proof(avatar, holder, platform_name);
        self.check(&proof, holder, platform_name)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    fn issue(&self, credential: &AvatarLinkCredential, binding: &HolderBinding) -> String {
        credential
            .issue(&self.key.signer, &self.key.kid, binding)
            .unwrap_or_else(|error| panic!("{error}"))
    }
}

fn signed(statement: &LinkStatement, avatar: &Party, holder: &Party) -> LinkProof {
    LinkProof::new(
        statement.sign(&avatar.signer, &avatar.kid).unwrap(),
        statement.sign(&holder.signer, &holder.kid).unwrap(),
    )
}

/// The part a refused proof names; the code is always `link_proof_invalid`.
fn refused(result: Result<VerifiedLink, LinkProofError>) -> LinkProofPart {
    let error = result.expect_err("the proof must be refused");
    assert_eq!(error.code(), ErrorCode::LinkProofInvalid);
    assert!(error.to_string().starts_with("link proof invalid ("));
    error.part
}

fn binding(holder: &Party, idx: u64) -> HolderBinding {
    HolderBinding::new(
        holder.secret.public_key(),
        StatusListReference::new(idx, STATUS_URI).unwrap(),
    )
}

fn personal_data() -> PersonalData {
    PersonalData {
        name: Some("Alice Liddell".into()),
        email: Some("alice@example.com".into()),
        phone_number: Some("+12025550101".into()),
        birthdate: Some("1990-05-04".into()),
        age_over_18: Some(true),
    }
}

/// A holder with three avatars on two platforms: a did:key on `vrchat`, a did:jwk (P-256) on
/// `resonite`, a did:peer on `vrchat`.
struct Story {
    issuer: Issuer,
    holder: Party,
    avatars: Vec<(Party, &'static str, &'static str)>,
}

impl Story {
    fn new() -> Self {
        Self {
            issuer: Issuer::new(),
            holder: Party::did_key(KeyType::Ed25519),
            avatars: vec![
                (Party::did_key(KeyType::Ed25519), "vrchat", "Alice"),
                (Party::did_jwk(KeyType::P256), "resonite", "al1ce"),
                (Party::did_peer(), "vrchat", "alice-alt"),
            ],
        }
    }

    /// The credential over the first `count` avatars, each link proven and checked.
    fn credential(&self, count: usize) -> AvatarLinkCredential {
        let mut credential = AvatarLinkCredential::new(self.holder.did().clone(), T, T + 86_400)
            .with_personal_data(personal_data());
        for (avatar, platform_name, handle) in self.avatars.iter().take(count) {
            let link = self.issuer.link(avatar, &self.holder, platform_name);
            credential = credential.with_avatar(LinkedAvatar::new(link, *handle).unwrap());
        }
        credential
    }
}

fn decode_json(segment: &str) -> Value {
    let bytes = URL_SAFE_NO_PAD.decode(segment).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Everything a verifier can read from a presentation: the issuer JWT's header and payload,
/// each disclosure decoded, and the key binding JWT's header and payload.
struct Received {
    payload: Value,
    disclosures: Vec<Value>,
    decoded_text: String,
}

fn receive(presentation: &str) -> Received {
    let parts: Vec<&str> = presentation.split('~').collect();
    let (jwt, rest) = parts.split_first().unwrap();
    let (kb_jwt, disclosures) = rest.split_last().unwrap();
    let jwt_parts: Vec<&str> = jwt.split('.').collect();
    let payload = decode_json(jwt_parts[1]);
    let disclosures: Vec<Value> = disclosures.iter().map(|d| decode_json(d)).collect();
    let mut decoded_text = presentation.to_owned();
    decoded_text.push_str(&decode_json(jwt_parts[0]).to_string());
    decoded_text.push_str(&payload.to_string());
    for disclosure in &disclosures {
        decoded_text.push_str(&disclosure.to_string());
    }
    for segment in kb_jwt.split('.').take(2) {
        decoded_text.push_str(&decode_json(segment).to_string());
    }
    Received {
        payload,
        disclosures,
        decoded_text,
    }
}

fn avatars_array(payload: &Value) -> &Vec<Value> {
    payload["avatars"].as_array().expect("an avatars array")
}

fn path(text: &str) -> ClaimPath {
    ClaimPath::parse(text).unwrap()
}

/// The holder presents the avatar at `index` (among the real ones) and `age_over_18`, bound
/// to `nonce` for the world `AUD`.
fn present(issued: &str, holder: &Party, index: usize, nonce: &str) -> String {
    let credential = HolderCredential::parse(issued).unwrap();
    credential
        .present_with_key_binding(
            &[path(&format!("/avatars/{index}")), path("/age_over_18")],
            &KeyBindingRequest::new(AUD, nonce, T + 10),
            &holder.signer,
        )
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The whole story.

#[test]
fn links_three_avatars_on_two_platforms_and_issues() {
    let story = Story::new();
    let credential = story.credential(3);
    let issued = story.issuer.issue(&credential, &binding(&story.holder, 7));

    // The holder's view: every claim, the three avatars with their platforms, ids, handles.
    let held = HolderCredential::parse(&issued).unwrap();
    assert_eq!(held.vct(), Some("urn:avid:avatar-link:1"));
    let claims = held.claims().unwrap();
    assert_eq!(claims["sub"], story.holder.did().as_str());
    assert_eq!(claims["name"], "Alice Liddell");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["phone_number"], "+12025550101");
    assert_eq!(claims["birthdate"], "1990-05-04");
    assert_eq!(claims["age_over_18"], true);
    let mut avatars: Vec<(String, String, String)> = claims["avatars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["platform"].as_str().unwrap().to_owned(),
                a["id"].as_str().unwrap().to_owned(),
                a["handle"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    avatars.sort();
    let mut expected: Vec<(String, String, String)> = story
        .avatars
        .iter()
        .map(|(party, platform_name, handle)| {
            (
                (*platform_name).to_owned(),
                party.did().to_string(),
                (*handle).to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(avatars, expected);

    // What is always in plain, and what never is.
    let payload = held.payload();
    for name in ["iss", "iat", "exp", "vct", "cnf", "status"] {
        assert!(payload.contains_key(name), "{name} must be in plain");
    }
    for name in [
        "sub",
        "name",
        "email",
        "phone_number",
        "birthdate",
        "age_over_18",
    ] {
        assert!(!payload.contains_key(name), "{name} must be disclosable");
    }
    assert_eq!(payload["status"]["status_list"]["idx"], 7);
    assert_eq!(avatars_array(&Value::Object(payload.clone())).len(), 8);

    // A world verifies a presentation of one avatar, through the library's one entry point.
    let presentation = present(&issued, &story.holder, 0, "n-login-1");
    let keys = DidIssuerKeys::new(story.issuer.resolver.clone());
    let policy = VerificationPolicy::key_binding(AUD, "n-login-1")
        .expecting_vct("urn:avid:avatar-link:1")
        .trusting(vec![story.issuer.key.did().clone()])
        .at(T + 12);
    let report = block_on(verify_credential(&presentation, &policy, &keys, None)).unwrap();
    assert!(report.verified, "{:?}", report.errors);
    let seen = report.claims.unwrap();
    assert_eq!(seen["avatars"].as_array().map(Vec::len), Some(1));
    assert_eq!(seen["age_over_18"], true);
    assert!(seen.get("sub").is_none() && seen.get("name").is_none());
}

#[test]
fn links_with_p256_holder_and_es256() {
    let issuer = Issuer::new();
    let holder = Party::did_jwk(KeyType::P256);
    let avatar = Party::did_key(KeyType::P256);
    let link = issuer.link(&avatar, &holder, "resonite");
    assert_eq!(link.avatar(), avatar.did());
    assert_eq!(link.holder(), holder.did());
    assert_eq!(link.platform().as_str(), "resonite");
}

// ---------------------------------------------------------------------------------------------
// Attacks on link proofs, each named after what it tries.

#[test]
fn rejects_forged_avatar_signature() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    // Mallory signs with her own key but names the avatar's key.
    let mallory = Party::with(SecretKey::generate(KeyType::Ed25519), avatar.kid.clone());
    let statement = LinkStatement::new(
        avatar.did().clone(),
        holder.did().clone(),
        platform("vrchat"),
        issuer.nonce(),
        T,
        T + 300,
    );
    let proof = signed(&statement, &mallory, &holder);
    assert_eq!(
        refused(issuer.check(&proof, &holder, "vrchat")),
        LinkProofPart::AvatarSignature
    );
}

#[test]
fn rejects_missing_holder_signature() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");

    // No holder JWS at all, in the JSON form or as an empty string.
    let json = json!({"avatar": proof.avatar_jws()});
    let error = LinkProof::from_json(&json).unwrap_err();
    assert_eq!(error.part, LinkProofPart::HolderSignature);
    let empty = LinkProof::new(proof.avatar_jws().into(), String::new());
    assert_eq!(
        refused(issuer.check(&empty, &holder, "vrchat")),
        LinkProofPart::HolderSignature
    );
    // The avatar's JWS twice: the second signature is not by a key of the holder DID.
    let twice = LinkProof::new(proof.avatar_jws().into(), proof.avatar_jws().into());
    assert_eq!(
        refused(issuer.check(&twice, &holder, "vrchat")),
        LinkProofPart::HolderKey
    );
    // The honest proof still passes: the refusals consumed nothing.
    assert!(issuer.check(&proof, &holder, "vrchat").is_ok());
}

#[test]
fn rejects_missing_avatar_signature() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    let twice = LinkProof::new(proof.holder_jws().into(), proof.holder_jws().into());
    assert_eq!(
        refused(issuer.check(&twice, &holder, "vrchat")),
        LinkProofPart::AvatarKey
    );
}

#[test]
fn rejects_another_holder() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let other = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    assert_eq!(
        refused(issuer.check(&proof, &other, "vrchat")),
        LinkProofPart::Holder
    );
}

#[test]
fn rejects_another_platform() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    let error = issuer.check(&proof, &holder, "resonite").unwrap_err();
    assert_eq!(error.part, LinkProofPart::Platform);
    assert!(error.reason.contains("`vrchat`"), "{error}");
}

#[test]
fn rejects_replayed_nonce() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    assert!(issuer.check(&proof, &holder, "vrchat").is_ok());
    let error = issuer.check(&proof, &holder, "vrchat").unwrap_err();
    assert_eq!(error.part, LinkProofPart::Nonce);
    assert!(error.reason.contains("already used"), "{error}");
}

#[test]
fn rejects_foreign_nonce() {
    let issuer = Issuer::new();
    let elsewhere = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    // A proof made for another issuer, over that issuer's nonce.
    let proof = elsewhere.proof(&avatar, &holder, "vrchat");
    let error = issuer.check(&proof, &holder, "vrchat").unwrap_err();
    assert_eq!(error.part, LinkProofPart::Nonce);
    assert!(
        error.reason.contains("not issued by this issuer"),
        "{error}"
    );
}

#[test]
fn rejects_stale_proof() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let statement = LinkStatement::new(
        avatar.did().clone(),
        holder.did().clone(),
        platform("vrchat"),
        issuer.nonce(),
        T - 1_000,
        T - 700,
    );
    let proof = signed(&statement, &avatar, &holder);
    assert_eq!(
        refused(issuer.check(&proof, &holder, "vrchat")),
        LinkProofPart::Freshness
    );
    // The nonce was not consumed by the refusal; a fresh proof over it passes.
    let fresh = LinkStatement {
        iat: T,
        exp: T + 300,
        ..statement
    };
    assert!(
        issuer
            .check(&signed(&fresh, &avatar, &holder), &holder, "vrchat")
            .is_ok()
    );
}

#[test]
fn rejects_proof_that_lives_too_long() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let statement = LinkStatement::new(
        avatar.did().clone(),
        holder.did().clone(),
        platform("vrchat"),
        issuer.nonce(),
        T,
        T + 86_400,
    );
    let proof = signed(&statement, &avatar, &holder);
    assert_eq!(
        refused(issuer.check(&proof, &holder, "vrchat")),
        LinkProofPart::Freshness
    );
}

#[test]
fn rejects_key_outside_authentication() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_peer_asserting_only();
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    let error = issuer.check(&proof, &holder, "vrchat").unwrap_err();
    assert_eq!(error.part, LinkProofPart::AvatarKey);
    assert!(error.reason.contains("authentication"), "{error}");
}

#[test]
fn rejects_holder_statement_that_differs() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let statement = LinkStatement::new(
        avatar.did().clone(),
        holder.did().clone(),
        platform("vrchat"),
        issuer.nonce(),
        T,
        T + 300,
    );
    // The holder signed a link on another platform.
    let other = LinkStatement {
        platform: platform("resonite"),
        ..statement.clone()
    };
    let proof = LinkProof::new(
        statement.sign(&avatar.signer, &avatar.kid).unwrap(),
        other.sign(&holder.signer, &holder.kid).unwrap(),
    );
    assert_eq!(
        refused(issuer.check(&proof, &holder, "vrchat")),
        LinkProofPart::Statement
    );
}

#[test]
fn rejects_jws_of_another_type() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&avatar, &holder, "vrchat");
    // The same claims and key, typed as a plain JWT.
    let payload = URL_SAFE_NO_PAD
        .decode(proof.avatar_jws().split('.').nth(1).unwrap())
        .unwrap();
    let mut header = Map::new();
    header.insert("typ".into(), json!("JWT"));
    header.insert("kid".into(), json!(avatar.kid.as_str()));
    let untyped = sign_compact(&header, &payload, &avatar.signer).unwrap();
    let forged = LinkProof::new(untyped, proof.holder_jws().into());
    let error = issuer.check(&forged, &holder, "vrchat").unwrap_err();
    assert_eq!(error.part, LinkProofPart::AvatarSignature);
    assert!(error.reason.contains(LINK_TYP), "{error}");
}

#[test]
fn rejects_avatar_that_is_the_holder() {
    let issuer = Issuer::new();
    let holder = Party::did_key(KeyType::Ed25519);
    let proof = issuer.proof(&holder, &holder, "vrchat");
    assert_eq!(
        refused(issuer.check(&proof, &holder, "vrchat")),
        LinkProofPart::Statement
    );
}

// ---------------------------------------------------------------------------------------------
// Issuance rules.

#[test]
fn rejects_more_avatars_than_the_bound() {
    let story = Story::new();
    let credential = story.credential(3).with_avatar_bound(2).unwrap();
    let error = credential
        .issue(
            &story.issuer.key.signer,
            &story.issuer.key.kid,
            &binding(&story.holder, 1),
        )
        .unwrap_err();
    assert_eq!(
        error,
        AvatarError::TooManyAvatars {
            count: 3,
            bound: 2,
            max: 64
        }
    );
    // Three fit a bound of three.
    let fits = story.credential(3).with_avatar_bound(3).unwrap();
    let issued = story.issuer.issue(&fits, &binding(&story.holder, 2));
    let held = HolderCredential::parse(&issued).unwrap();
    assert_eq!(
        avatars_array(&Value::Object(held.payload().clone())).len(),
        3
    );
}

#[test]
fn rejects_avatar_linked_to_another_holder() {
    let story = Story::new();
    let stranger = Party::did_key(KeyType::Ed25519);
    let avatar = Party::did_key(KeyType::Ed25519);
    let link = story.issuer.link(&avatar, &stranger, "vrchat");
    let credential = story
        .credential(1)
        .with_avatar(LinkedAvatar::new(link, "mallory").unwrap());
    let error = credential
        .issue(
            &story.issuer.key.signer,
            &story.issuer.key.kid,
            &binding(&story.holder, 1),
        )
        .unwrap_err();
    assert_eq!(error, AvatarError::AvatarOfAnotherHolder { position: 2 });
}

#[test]
fn rejects_credential_without_avatar() {
    let story = Story::new();
    let error = story
        .credential(0)
        .issue(
            &story.issuer.key.signer,
            &story.issuer.key.kid,
            &binding(&story.holder, 1),
        )
        .unwrap_err();
    assert_eq!(error, AvatarError::NoAvatar);
}

// ---------------------------------------------------------------------------------------------
// Privacy, on the bytes a verifier receives.

#[test]
fn presenting_one_avatar_reveals_no_other() {
    let story = Story::new();
    let issued = story
        .issuer
        .issue(&story.credential(3), &binding(&story.holder, 3));
    let held = HolderCredential::parse(&issued).unwrap();
    let claims = held.claims().unwrap();
    let index = claims["avatars"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["platform"] == "resonite")
        .unwrap();
    let presentation = present(&issued, &story.holder, index, "n-login-2");
    let received = receive(&presentation);

    // The array always has the bound's length, and every entry is a digest.
    let array = avatars_array(&received.payload);
    assert_eq!(array.len(), 8);
    assert!(array.iter().all(|entry| {
        entry
            .as_object()
            .is_some_and(|e| e.len() == 1 && e["..."].is_string())
    }));

    // Exactly one avatar is disclosed, and it is the resonite one.
    let disclosed_avatars: Vec<&Value> = received
        .disclosures
        .iter()
        .filter(|d| d.as_array().is_some_and(|a| a.len() == 2))
        .collect();
    assert_eq!(disclosed_avatars.len(), 1);
    assert_eq!(disclosed_avatars[0][1]["platform"], "resonite");
    assert_eq!(received.disclosures.len(), 2, "the avatar and age_over_18");

    // Nothing of the other avatars anywhere in the bytes or in anything decoded from them.
    assert!(!received.decoded_text.contains("vrchat"));
    for (party, platform_name, handle) in &story.avatars {
        if *platform_name == "vrchat" {
            assert!(!received.decoded_text.contains(party.did().as_str()));
            assert!(!received.decoded_text.contains(handle));
        }
    }
    // Nor the holder's DID, which was not asked for.
    assert!(!received.decoded_text.contains(story.holder.did().as_str()));
}

#[test]
fn array_length_is_the_bound_whatever_the_count() {
    let story = Story::new();
    let one = story
        .issuer
        .issue(&story.credential(1), &binding(&story.holder, 4));
    let three = story
        .issuer
        .issue(&story.credential(3), &binding(&story.holder, 5));
    for (issued, real) in [(&one, 1), (&three, 3)] {
        let held = HolderCredential::parse(issued).unwrap();
        assert_eq!(
            avatars_array(&Value::Object(held.payload().clone())).len(),
            8
        );
        // The holder holds exactly its real avatars: the decoys' disclosures never left.
        assert_eq!(
            held.claims().unwrap()["avatars"].as_array().map(Vec::len),
            Some(real)
        );
        // And the top-level digests do not grow with the missing avatars: `sub` and five
        // PII claims, whatever the number of avatars.
        assert_eq!(held.payload()["_sd"].as_array().map(Vec::len), Some(6));
    }
    // Nor does the presented length depend on the count.
    let from_one = receive(&present(&one, &story.holder, 0, "n1"));
    let from_three = receive(&present(&three, &story.holder, 2, "n3"));
    assert_eq!(
        avatars_array(&from_one.payload).len(),
        avatars_array(&from_three.payload).len()
    );
}

#[test]
fn avatars_take_random_places() {
    // With one avatar among 8 slots, 16 issuances all putting it in one place would happen
    // with probability 8^-15.
    let story = Story::new();
    let credential = story.credential(1);
    let mut places = HashSet::new();
    for idx in 0..16 {
        let issued = story
            .issuer
            .issue(&credential, &binding(&story.holder, idx));
        let held = HolderCredential::parse(&issued).unwrap();
        let digests = avatars_array(&Value::Object(held.payload().clone())).clone();
        let sd_jwt = vc_issuer::sd_jwt::SdJwt::parse(&issued).unwrap();
        let avatar = sd_jwt
            .disclosures()
            .iter()
            .find(|d| d.is_array_element())
            .unwrap();
        let digest = avatar.digest(vc_issuer::sd_jwt::HashAlgorithm::Sha256);
        places.insert(digests.iter().position(|e| e["..."] == digest.as_str()));
    }
    assert!(places.len() > 1, "{places:?}");
    assert!(!places.contains(&None));
}

/// The digests, salts, signature and holder key of one issued copy.
fn linkable_parts(issued: &str) -> Vec<String> {
    let held = HolderCredential::parse(issued).unwrap();
    let payload = Value::Object(held.payload().clone());
    let mut parts: Vec<String> = payload["_sd"]
        .as_array()
        .unwrap()
        .iter()
        .chain(avatars_array(&payload).iter().map(|e| &e["..."]))
        .map(|d| d.as_str().unwrap().to_owned())
        .collect();
    let sd_jwt = vc_issuer::sd_jwt::SdJwt::parse(issued).unwrap();
    parts.extend(sd_jwt.disclosures().iter().map(|d| d.salt().to_owned()));
    parts.push(sd_jwt.issuer_jwt().rsplit('.').next().unwrap().to_owned());
    parts.push(payload["cnf"]["jwk"].to_string());
    parts
}

#[test]
fn batch_copies_share_no_digest_salt_signature_or_key() {
    let story = Story::new();
    let credential = story.credential(3);
    let holder_keys: Vec<Party> = (0..3).map(|_| Party::did_key(KeyType::Ed25519)).collect();
    let bindings: Vec<HolderBinding> = holder_keys
        .iter()
        .enumerate()
        .map(|(i, key)| binding(key, 100 + i as u64))
        .collect();
    let copies = credential
        .issue_batch(&story.issuer.key.signer, &story.issuer.key.kid, &bindings)
        .unwrap();
    assert_eq!(copies.len(), 3);

    let mut seen = HashSet::new();
    for (copy, holder) in copies.iter().zip(&holder_keys) {
        let parts = linkable_parts(copy);
        // 6 top-level digests, 8 array digests, 9 salts, a signature, a key.
        assert_eq!(parts.len(), 6 + 8 + 9 + 1 + 1);
        for part in parts {
            assert!(seen.insert(part.clone()), "shared between copies: {part}");
        }
        // Each copy is whole for its own key.
        let held = HolderCredential::parse(copy).unwrap();
        assert_eq!(held.holder_key().unwrap(), holder.secret.public_key());
        assert_eq!(
            held.claims().unwrap()["avatars"].as_array().map(Vec::len),
            Some(3)
        );
    }
}

#[test]
fn rejects_batch_of_linkable_copies() {
    let story = Story::new();
    let credential = story.credential(1);
    let other = Party::did_key(KeyType::Ed25519);
    let same_key = [binding(&story.holder, 1), binding(&story.holder, 2)];
    let same_status = [binding(&story.holder, 1), binding(&other, 1)];
    for bindings in [&same_key[..], &same_status[..]] {
        let error = credential
            .issue_batch(&story.issuer.key.signer, &story.issuer.key.kid, bindings)
            .unwrap_err();
        assert!(
            matches!(error, AvatarError::LinkableCopies { .. }),
            "{error}"
        );
    }
}

impl Issuer {
    /// The proof of `avatar` on `platform_name` for `holder`, signed over `nonce`.
    fn proof_over(
        &self,
        avatar: &Party,
        holder: &Party,
        platform_name: &str,
        nonce: &str,
    ) -> LinkProof {
        let statement = LinkStatement::new(
            avatar.did().clone(),
            holder.did().clone(),
            platform(platform_name),
            nonce.to_owned(),
            T,
            T + 300,
        );
        signed(&statement, avatar, holder)
    }

    fn check_all(
        &self,
        proofs: &[(&LinkProof, &str)],
        holder: &Party,
    ) -> Result<Vec<VerifiedLink>, (usize, LinkProofError)> {
        let proofs: Vec<(&LinkProof, LinkExpectations)> = proofs
            .iter()
            .map(|(proof, name)| {
                (
                    *proof,
                    LinkExpectations::new(holder.did().clone(), platform(name)),
                )
            })
            .collect();
        block_on(verify_link_proofs(
            &proofs,
            &self.nonces,
            self.resolver.as_ref(),
            &self.policy,
            T + 5,
        ))
    }
}

#[test]
fn links_of_one_issuance_share_one_nonce_spent_once() {
    let story = Story::new();
    let issuer = &story.issuer;
    let nonce = issuer.nonce();
    let proofs: Vec<(LinkProof, &str)> = story
        .avatars
        .iter()
        .map(|(avatar, name, _)| {
            (
                issuer.proof_over(avatar, &story.holder, name, &nonce),
                *name,
            )
        })
        .collect();
    let asked: Vec<(&LinkProof, &str)> = proofs.iter().map(|(p, n)| (p, *n)).collect();
    let links = issuer.check_all(&asked, &story.holder).expect("verified");
    assert_eq!(links.len(), 3);
    // The same request again: its nonce is spent.
    let (index, error) = issuer
        .check_all(&asked, &story.holder)
        .expect_err("a replayed issuance");
    assert_eq!((index, error.part), (0, LinkProofPart::Nonce));
}

#[test]
fn rejects_links_of_one_issuance_over_two_nonces() {
    let story = Story::new();
    let issuer = &story.issuer;
    let (first, second) = (issuer.nonce(), issuer.nonce());
    let (avatar_a, name_a, _) = &story.avatars[0];
    let (avatar_b, name_b, _) = &story.avatars[1];
    let a = issuer.proof_over(avatar_a, &story.holder, name_a, &first);
    let b = issuer.proof_over(avatar_b, &story.holder, name_b, &second);
    let (index, error) = issuer
        .check_all(&[(&a, name_a), (&b, name_b)], &story.holder)
        .expect_err("two nonces");
    assert_eq!((index, error.part), (1, LinkProofPart::Nonce));
    // Nothing was spent: the first nonce still serves an honest request.
    assert!(issuer.check_all(&[(&a, name_a)], &story.holder).is_ok());
}
