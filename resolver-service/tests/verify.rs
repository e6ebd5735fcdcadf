//! `POST /credentials/verify` and `POST /presentations/verify` over real HTTP on loopback:
//! avid's member names and the VC-API's, 200 verified, 422 with the report, 400 for what is
//! no request, 413 for a body too large.

use std::sync::Arc;

use did_core::did::DidUrl;
use did_core::fetch::{FetchPolicy, HttpFetcher};
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::{KeyType, SecretKey};
use did_core::method::DID_KEY;
use did_core::method::key::did_key_verification_method;
use did_core::resolution::dispatch::MethodDispatcher;
use did_core::time::unix_now;
use resolver_service::trust::PolicySource;
use resolver_service::verify;
use serde_json::{Map, Value, json};
use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::trust::{Level, TrustPolicy};
use vc_issuer::verify::Verifier;

const AUD: &str = "https://world.example";
const NONCE: &str = "n-0S6_WzA2Mj";

struct Party {
    secret: SecretKey,
    signer: LocalSigner,
    kid: DidUrl,
}

impl Party {
    fn new() -> Self {
        let secret = SecretKey::generate(KeyType::Ed25519);
        Self {
            signer: secret.signer(Algorithm::Ed25519).unwrap(),
            kid: did_key_verification_method(&secret.public_key()),
            secret,
        }
    }
}

struct Scene {
    base: String,
    issuer: Party,
    credential: String,
    presentation: String,
}

async fn scene() -> Scene {
    scene_with(None).await
}

/// [`scene`] with a service whose trust policy, when a request names none, is `default`.
async fn scene_with(default: Option<TrustPolicy>) -> Scene {
    let issuer = Party::new();
    let holder = Party::new();
    let now = unix_now() - 10;
    let mut claims = Map::new();
    claims.insert("age_over_18".into(), json!(true));
    claims.insert("handle".into(), json!("alice_res"));
    let payload = UnsecuredPayload::new("urn:example:member:1", holder.secret.public_key(), now)
        .with_claims(claims);
    let frame = DisclosureFrame::new()
        .disclose("age_over_18")
        .disclose("handle");
    let credential = SdJwtVcIssuer::new(&issuer.signer, issuer.kid.clone())
        .unwrap()
        .issue(payload, &frame)
        .unwrap();
    let presentation = HolderCredential::parse(&credential)
        .unwrap()
        .present_with_key_binding(
            &[ClaimPath::parse("/age_over_18").unwrap()],
            &KeyBindingRequest::new(AUD, NONCE, now + 5),
            &holder.signer,
        )
        .unwrap();

    let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
    let fetcher = Arc::new(HttpFetcher::new(FetchPolicy::default()).unwrap());
    let default: Option<PolicySource> =
        default.map(|policy| Arc::new(move || Some(policy.clone())) as PolicySource);
    let app = verify::router(Arc::new(Verifier::for_dids(resolver, fetcher)), default);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Scene {
        base,
        issuer,
        credential,
        presentation,
    }
}

impl Scene {
    async fn post(&self, path: &str, body: String) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn issuer_did(&self) -> &str {
        self.issuer.kid.did().as_str()
    }
}

#[tokio::test]
async fn verifies_a_credential_with_avids_names_and_the_vc_apis() {
    let scene = scene().await;
    let trusted = json!({"trustedIssuers": [scene.issuer_did()], "requiredClaims": ["/handle"]});
    for name in ["credential", "verifiableCredential"] {
        let body = json!({name: scene.credential, "options": trusted});
        let (status, report) = scene.post("/credentials/verify", body.to_string()).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["verified"], true);
    }
}

#[tokio::test]
async fn verifies_a_presentation_for_its_nonce_and_audience() {
    let scene = scene().await;
    let ours = json!({"presentation": scene.presentation, "options": {"nonce": NONCE, "aud": AUD}});
    let (status, report) = scene.post("/presentations/verify", ours.to_string()).await;
    assert_eq!(status, 200, "{report}");
    let vc_api = json!({"verifiablePresentation": scene.presentation,
        "options": {"challenge": NONCE, "domain": AUD}});
    let (status, report) = scene
        .post("/presentations/verify", vc_api.to_string())
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["claims"]["age_over_18"], true);
}

#[tokio::test]
async fn the_report_carries_the_issuers_trust_and_a_worlds_trust_policy_decides() {
    let scene = scene().await;
    let asking = |policy: serde_json::Value| {
        json!({"presentation": scene.presentation,
            "options": {"nonce": NONCE, "aud": AUD, "trustPolicy": policy}})
        .to_string()
    };
    let (status, report) = scene
        .post(
            "/presentations/verify",
            asking(json!({"min_level": "none"})),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report["trust"]["indicators"]["security"]["score"].is_f64(),
        "{report}"
    );
    assert_eq!(report["trust_decision"]["decision"], "accepted");
    // A first-seen issuer has too little history for `high`: the world's policy refuses the
    // verified presentation, and says why.
    let (status, report) = scene
        .post(
            "/presentations/verify",
            asking(json!({"min_level": "high"})),
        )
        .await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], true);
    assert_eq!(report["trust_decision"]["decision"], "rejected");
    assert!(
        report["trust_decision"]["reason"]
            .as_str()
            .unwrap()
            .contains("high")
    );
    // A malformed policy is the request's fault.
    let (status, _) = scene
        .post(
            "/presentations/verify",
            asking(json!({"min_level": "very"})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_services_trust_policy_applies_unless_the_request_names_its_own() {
    let scene = scene_with(Some(TrustPolicy::new(Level::High))).await;
    let body = |options: serde_json::Value| {
        json!({"presentation": scene.presentation, "options": options}).to_string()
    };
    let (status, report) = scene
        .post(
            "/presentations/verify",
            body(json!({"nonce": NONCE, "aud": AUD})),
        )
        .await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["trust_decision"]["decision"], "rejected");
    let (status, report) = scene
        .post(
            "/presentations/verify",
            body(json!({"nonce": NONCE, "aud": AUD, "trustPolicy": {"min_level": "none"}})),
        )
        .await;
    assert_eq!(status, 200, "{report}");
}

#[tokio::test]
async fn rejects_a_presentation_made_for_another_nonce() {
    let scene = scene().await;
    let body = json!({"presentation": scene.presentation,
        "options": {"nonce": "another-nonce", "aud": AUD}});
    let (status, report) = scene.post("/presentations/verify", body.to_string()).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], false);
    assert!(!report["errors"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn rejects_a_credential_of_an_untrusted_issuer() {
    let scene = scene().await;
    let other = Party::new();
    let body = json!({"credential": scene.credential,
        "options": {"trustedIssuers": [other.kid.did().as_str()]}});
    let (status, report) = scene.post("/credentials/verify", body.to_string()).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verified"], false);
}

#[tokio::test]
async fn rejects_a_credential_missing_a_required_claim() {
    let scene = scene().await;
    let body = json!({"credential": scene.credential, "options": {"requiredClaims": ["/email"]}});
    let (status, report) = scene.post("/credentials/verify", body.to_string()).await;
    assert_eq!(status, 422, "{report}");
}

#[tokio::test]
async fn rejects_malformed_requests() {
    let scene = scene().await;
    let p = &scene.presentation;
    let cases = [
        ("/credentials/verify", "{not json".to_owned()),
        ("/credentials/verify", "[]".to_owned()),
        ("/credentials/verify", json!({"options": {}}).to_string()),
        ("/credentials/verify", json!({"credential": 7}).to_string()),
        (
            "/credentials/verify",
            json!({"credential": p, "verifiableCredential": p}).to_string(),
        ),
        (
            "/credentials/verify",
            json!({"presentation": p}).to_string(),
        ),
        (
            "/credentials/verify",
            json!({"credential": p, "options": {"requiredClaim": ["/x"]}}).to_string(),
        ),
        (
            "/credentials/verify",
            json!({"credential": p, "options": {"trustedIssuers": ["not a did"]}}).to_string(),
        ),
        (
            "/credentials/verify",
            json!({"credential": p, "options": {"trustedIssuers": []}}).to_string(),
        ),
        (
            "/credentials/verify",
            json!({"credential": p, "options": {"requiredClaims": ["no-slash"]}}).to_string(),
        ),
        // Key binding is required of a presentation: without nonce and audience it is no
        // request a verifier can answer.
        (
            "/presentations/verify",
            json!({"presentation": p}).to_string(),
        ),
        (
            "/presentations/verify",
            format!("{}{}", "[".repeat(64), "]".repeat(64)),
        ),
    ];
    for (path, body) in cases {
        let (status, answer) = scene.post(path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        assert_eq!(answer["error"], "invalid_request", "{answer}");
    }
    let huge = json!({"credential": "a".repeat(2 << 20)}).to_string();
    assert_eq!(scene.post("/credentials/verify", huge).await.0, 413);
}
