//! The trust evaluation every verification report carries (issue 11, item 1): each factor moved
//! by its evidence in a real verification — a status list past its `ttl`, a disclosure beyond
//! what was asked, an issuer off the trust list — with the verifier's real status client, the
//! issuer's did:key resolved, and the history the verifier keeps.

use std::sync::Arc;

use did_core::did::Did;
use did_core::fetch::fake::FakeFetcher;
use did_core::method::DID_KEY;
use did_core::resolution::cache::{CacheConfig, CachingResolver};
use serde_json::{Map, json};
use vc_issuer::report::VerificationReport;
use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::status::{
    StatusBits, StatusListClient, StatusListReference, TokenStatusList, issue_status_list_token,
};
use vc_issuer::trust::{Factor, Indicator, TrustEngine, TrustModel};
use vc_issuer::verify::{VerificationPolicy, Verifier, VerifierTrust};

mod support;

use support::{Party, TOKEN_TYPE, issuer_keys};

/// The time of every verification: November 2023.
const T: u64 = 1_700_000_000;
const VCT: &str = "urn:avid:avatar-link:1";
const AUD: &str = "https://world.example";
const NONCE: &str = "n-0S6_WzA2Mj";
const LIST: &str = "https://status.example/statuslists/1";
const EMAIL: &str = "alice@mail.example";

/// A verifier with the real status client over `fetcher` and a trust engine of its own.
fn verifier(fetcher: Arc<FakeFetcher>) -> Verifier {
    let keys = issuer_keys();
    let status = StatusListClient::new(fetcher, keys.clone());
    Verifier {
        keys,
        status: Some(Arc::new(status)),
        trust: Some(VerifierTrust {
            engine: Arc::new(TrustEngine::in_memory(TrustModel::default())),
            // The resolver a verifier runs: its cache answers all but the first probe.
            resolver: Arc::new(CachingResolver::new(DID_KEY, CacheConfig::default())),
        }),
    }
}

/// A fetcher serving `issuer`'s 2-bit list (everything valid) as a token issued at `iat`, to be
/// refetched after 300 s and used until `iat` + 1 day.
fn serving_list(issuer: &Party, iat: u64) -> Arc<FakeFetcher> {
    let list = TokenStatusList::new(StatusBits::Two, 64).expect("list");
    let token = issue_status_list_token(
        &list,
        LIST,
        &issuer.signer,
        &issuer.kid(),
        iat,
        Some(iat + 86_400),
        Some(300),
    )
    .expect("token");
    let fetcher = Arc::new(FakeFetcher::new());
    fetcher.serve(LIST, TOKEN_TYPE, token);
    fetcher
}

/// An SD-JWT VC of `issuer` with `age_over_18` and `email` disclosable, status index 0, issued
/// a day before `T`, presented with key binding disclosing `disclose`.
fn presentation(issuer: &Party, disclose: &[&str]) -> String {
    let holder = Party::new();
    let mut claims = Map::new();
    claims.insert("age_over_18".into(), json!(true));
    claims.insert("email".into(), json!(EMAIL));
    let status = StatusListReference::new(0, LIST)
        .expect("reference")
        .to_status_claim();
    let payload = UnsecuredPayload::new(VCT, holder.public(), T - 86_400)
        .with_claims(claims)
        .expiring_at(T + 365 * 86_400)
        .with_status(status);
    let issued = SdJwtVcIssuer::new(&issuer.signer, issuer.kid.clone())
        .expect("issuer")
        .issue(
            payload,
            &DisclosureFrame::new()
                .disclose("age_over_18")
                .disclose("email"),
        )
        .expect("issued");
    let paths: Vec<ClaimPath> = disclose
        .iter()
        .map(|name| ClaimPath::parse(&format!("/{name}")).expect("path"))
        .collect();
    HolderCredential::parse(&issued)
        .expect("holder")
        .present_with_key_binding(
            &paths,
            &KeyBindingRequest::new(AUD, NONCE, T),
            &holder.signer,
        )
        .expect("presented")
}

fn policy() -> VerificationPolicy {
    VerificationPolicy::key_binding(AUD, NONCE)
        .expecting_vct(VCT)
        .requiring(vec![ClaimPath::parse("/age_over_18").expect("path")])
        .at(T)
}

fn score(report: &VerificationReport, factor: Factor) -> f64 {
    let trust = report.trust.as_ref().expect("a trust evaluation");
    trust.factor(factor).expect("every factor").score()
}

#[tokio::test]
async fn every_report_carries_the_six_indicators_and_no_claim_value() {
    let issuer = Party::new();
    let verifier = verifier(serving_list(&issuer, T - 10));
    let report = verifier
        .verify(&presentation(&issuer, &["age_over_18"]), &policy())
        .await
        .unwrap();
    assert!(report.verified, "{:?}", report.errors);
    let json = serde_json::to_value(&report).unwrap();
    let trust = &json["trust"];
    for indicator in Indicator::ALL {
        let score = trust["indicators"][indicator.name()]["score"]
            .as_f64()
            .unwrap();
        assert!((0.0..=1.0).contains(&score), "{indicator:?}: {score}");
    }
    assert!(
        trust["level"].is_string() && trust["config_digest"].is_string(),
        "{trust}"
    );
    // The evidence names claims and counts, never their values.
    let text = trust.to_string();
    assert!(!text.contains(EMAIL) && !text.contains("true"), "{text}");
    assert!(
        score(&report, Factor::AssetSafety) > 0.3,
        "the holder key was proved"
    );
}

#[tokio::test]
async fn a_status_list_past_its_ttl_lowers_timeliness_and_supervision() {
    let issuer = Party::new();
    let input = presentation(&issuer, &["age_over_18"]);
    let fresh = verifier(serving_list(&issuer, T - 10))
        .verify(&input, &policy())
        .await
        .unwrap();
    // The same list, made ten ttls ago: still within its `exp`, so still usable, but stale.
    let stale = verifier(serving_list(&issuer, T - 3_000))
        .verify(&input, &policy())
        .await
        .unwrap();
    assert!(fresh.verified && stale.verified, "{:?}", stale.errors);
    for factor in [Factor::Timeliness, Factor::Supervision] {
        assert!(
            score(&stale, factor) < score(&fresh, factor),
            "{factor:?}: stale {} vs fresh {}",
            score(&stale, factor),
            score(&fresh, factor)
        );
    }
}

#[tokio::test]
async fn disclosing_more_than_asked_lowers_privacy() {
    let issuer = Party::new();
    let verifier = verifier(serving_list(&issuer, T - 10));
    let asked = verifier
        .verify(&presentation(&issuer, &["age_over_18"]), &policy())
        .await
        .unwrap();
    let more = verifier
        .verify(&presentation(&issuer, &["age_over_18", "email"]), &policy())
        .await
        .unwrap();
    assert!(asked.verified && more.verified);
    assert_eq!(score(&asked, Factor::Privacy), 1.0);
    assert!(
        score(&more, Factor::Privacy) <= 0.5,
        "1 of 2 disclosed claims was asked"
    );
}

#[tokio::test]
async fn an_issuer_off_the_trust_list_lowers_taken_over() {
    let issuer = Party::new();
    let input = presentation(&issuer, &["age_over_18"]);
    let verifier = verifier(serving_list(&issuer, T - 10));
    let trusting = policy().trusting(vec![Did::parse(&issuer.did()).unwrap()]);
    let listed = verifier.verify(&input, &trusting).await.unwrap();
    let other = policy().trusting(vec![Did::parse(&Party::new().did()).unwrap()]);
    let unlisted = verifier.verify(&input, &other).await.unwrap();
    assert!(listed.verified && !unlisted.verified);
    assert!(score(&unlisted, Factor::TakenOver) < score(&listed, Factor::TakenOver));
}

#[tokio::test]
async fn rejects_probing_or_remembering_an_issuer_off_the_trust_list() {
    // An attacker names any issuer it likes: with a trust list, the verifier neither resolves
    // it (no did:web fetch) nor lets it into the history it keeps of real issuers.
    let attacker = Party::new();
    let verifier = verifier(serving_list(&attacker, T - 10));
    let trusted = policy().trusting(vec![Did::parse(&Party::new().did()).unwrap()]);
    let report = verifier
        .verify(&presentation(&attacker, &["age_over_18"]), &trusted)
        .await
        .unwrap();
    assert!(!report.verified);
    assert_eq!(score(&report, Factor::Backup), 0.0, "not resolved");
    let engine = &verifier.trust.as_ref().unwrap().engine;
    let history = engine.history().history(&attacker.did()).await.unwrap();
    assert!(history.events().is_empty(), "{:?}", history.events());
}

#[tokio::test]
async fn the_verifier_remembers_each_verification_of_an_issuer() {
    let issuer = Party::new();
    let verifier = verifier(serving_list(&issuer, T - 10));
    let input = presentation(&issuer, &["age_over_18"]);
    verifier.verify(&input, &policy()).await.unwrap();
    verifier
        .verify("not a credential~", &policy())
        .await
        .unwrap();
    verifier.verify(&input, &policy()).await.unwrap();
    let engine = &verifier.trust.as_ref().unwrap().engine;
    let history = engine.history().history(&issuer.did()).await.unwrap();
    // Two verifications of this issuer (the malformed input named none) and the one
    // resolution of its DID from the source.
    assert_eq!(history.events().len(), 3, "{:?}", history.events());
}
