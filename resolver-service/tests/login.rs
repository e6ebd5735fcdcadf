//! Avatar login over real HTTP on loopback (protocol.md "Login over HTTP"): a world asks for
//! a login, the wallet fetches the signed request, answers with a real avatar-link credential
//! (issued here with the vc-issuer libraries, its status list served by a loopback server) and
//! its software passkey, and the world reads the result. Then each attack, refused.

use std::sync::Arc;
use std::time::Duration;

use did_core::did::Did;
use did_core::fetch::{FetchPolicy, HttpFetcher};
use resolver_service::login::{self, LoginService, VerifierKey};
use serde_json::{Value, json};
use vc_issuer::mfa::{PasskeyVerifier, RequestChallengeResponse};
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::verify::Verifier;
use webauthn_authenticator_rs::WebauthnAuthenticator;

mod support;

use support::login::*;

struct Settings {
    trusted: Vec<Did>,
    fetch: FetchPolicy,
    ttl: u64,
}

impl World {
    async fn start(issuer: &Issuer) -> World {
        World::with(Settings {
            trusted: vec![issuer.key.did().clone()],
            fetch: FetchPolicy::local_testing(),
            ttl: 300,
        })
        .await
    }

    async fn with(settings: Settings) -> World {
        let (listener, addr) = bind().await;
        let base = format!("http://{addr}");
        let fetcher = Arc::new(HttpFetcher::new(settings.fetch).unwrap());
        let service = LoginService::new(
            &base,
            VerifierKey::generate(),
            Verifier::for_dids(resolver(), fetcher),
            settings.trusted,
            Arc::new(InMemorySingleUseStore::default()),
            Arc::new(PasskeyVerifier::in_memory()),
        )
        .unwrap()
        .with_transaction_ttl(settings.ttl);
        serve(listener, login::router(Arc::new(service))).await;
        World::at(base)
    }
}

#[tokio::test]
async fn logs_in_with_both_factors_over_http() {
    let issuer = Issuer::start().await;
    let mut alice = issuer.onboard().await;
    let world = World::start(&issuer).await;

    let created = world.begin(true).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(
        created["openid4vp_url"]
            .as_str()
            .unwrap()
            .starts_with("openid4vp://?client_id=decentralized_identifier%3Adid%3Akey%3A")
    );
    assert_eq!(world.status(&id).await["status"], "pending");

    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 200, "{body}");
    let redirect_uri = body["redirect_uri"].as_str().unwrap().to_owned();
    assert_eq!(
        redirect_uri,
        format!("{}/login/requests/{id}/passkey", world.base)
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "only redirect_uri (§8.2)"
    );
    assert_eq!(world.status(&id).await["status"], "awaiting_passkey");

    let assertion = passkey_answers(&world, &mut alice, &redirect_uri).await;
    let (status, body) = post_assertion(&world, &redirect_uri, &assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["granted"], true);
    assert_eq!(body["factors"], json!(["holder_key", "passkey"]));

    let outcome = world.status(&id).await;
    assert_eq!(outcome["status"], "granted", "{outcome}");
    let result = &outcome["result"];
    assert_eq!(result["avatar"]["handle"], HANDLE);
    assert_eq!(result["avatar"]["platform"], PLATFORM);
    assert_eq!(result["claims"]["age_over_18"], true);
    assert_eq!(
        result["holder"],
        Value::Null,
        "the holder DID was not asked"
    );
    assert_eq!(result["report"]["verified"], true);

    // The same assertion again: a replay, refused, and the login stays granted.
    let (status, body) = post_assertion(&world, &redirect_uri, &assertion).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["granted"], false);
    assert_eq!(world.status(&id).await["status"], "granted");
}

#[tokio::test]
async fn logs_in_with_the_holder_key_alone_when_no_passkey_is_asked() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!((status, body), (200, json!({})));
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "granted");
    assert_eq!(outcome["result"]["factors"], json!(["holder_key"]));
}

#[tokio::test]
async fn rejects_a_replayed_response() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    assert_eq!(world.post_form(&form).await.0, 200);
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("replay")
    );
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "granted", "a replay changes nothing");
}

#[tokio::test]
async fn rejects_a_fresh_response_that_reuses_a_used_state() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(false).await;
    let request = fetch_request(&world, &created).await;
    assert_eq!(world.post_form(&answer(&alice, &request)).await.0, 200);
    // A new presentation, new key binding, for the same (used) state.
    let (status, body) = world.post_form(&answer(&alice, &request)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        world.status(created["id"].as_str().unwrap()).await["status"],
        "granted"
    );
}

#[tokio::test]
async fn rejects_a_response_after_the_transaction_expired() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![issuer.key.did().clone()],
        fetch: FetchPolicy::local_testing(),
        ttl: 1,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused");
}

#[tokio::test]
async fn rejects_a_credential_of_an_untrusted_issuer() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![Party::new().did().clone()],
        fetch: FetchPolicy::local_testing(),
        ttl: 300,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused");
    assert_eq!(outcome["result"]["report"]["verified"], false);
}

#[tokio::test]
async fn rejects_a_status_list_on_loopback_unless_allowed() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let world = World::with(Settings {
        trusted: vec![issuer.key.did().clone()],
        fetch: FetchPolicy::default(),
        ttl: 300,
    })
    .await;
    let created = world.begin(false).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (status, body) = world.post_form(&form).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused", "{outcome}");
    assert_eq!(
        outcome["result"]["report"]["errors"][0]["code"], "status_unavailable",
        "{outcome}"
    );
}

#[tokio::test]
async fn rejects_a_forged_passkey_assertion() {
    let issuer = Issuer::start().await;
    let alice = issuer.onboard().await;
    let mut mallory = issuer.onboard().await;
    let world = World::start(&issuer).await;
    let created = world.begin(true).await;
    let form = wallet_answers(&world, &alice, &created).await;
    let (_, body) = world.post_form(&form).await;
    let redirect_uri = body["redirect_uri"].as_str().unwrap().to_owned();
    // Another holder's passkey answers Alice's challenge.
    let (_, options) = world.get(&redirect_uri).await;
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let forged = match mallory.passkey.do_authentication(origin(), options) {
        Ok(assertion) => serde_json::to_value(&assertion).unwrap(),
        // The soft passkey knows no credential of Alice's id: it forges nothing; send junk.
        Err(_) => json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA"}}),
    };
    let (status, body) = post_assertion(&world, &redirect_uri, &forged).await;
    assert_eq!(status, 400, "{body}");
    let outcome = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(outcome["status"], "refused", "{outcome}");
}

#[tokio::test]
async fn answers_each_error_with_its_status() {
    let issuer = Issuer::start().await;
    let world = World::start(&issuer).await;
    // Unknown logins: 404 on every route of an id.
    for path in ["", "/request", "/passkey"] {
        let (status, body) = world
            .get(&format!("{}/login/requests/nope{path}", world.base))
            .await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let (status, _) = world
        .post_json("/login/requests/nope/passkey", "{}".into())
        .await;
    assert_eq!(status, 400);
    // Malformed login requests: 400.
    for body in [
        "{not json".to_owned(),
        json!({"platform": ""}).to_string(),
        json!({"platform": PLATFORM, "claims": ["email"]}).to_string(),
        json!({"platform": PLATFORM, "extra": 1}).to_string(),
        format!("{}{}", "[".repeat(100), "]".repeat(100)),
    ] {
        let (status, answer) = world.post_json("/login/requests", body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], "invalid_request");
    }
    // A huge body: 413.
    let huge = format!("{{\"platform\": \"{}\"}}", "a".repeat(2 << 20));
    assert_eq!(world.post_json("/login/requests", huge).await.0, 413);
    // The passkey step of a login not awaiting it: 409.
    let created = world.begin(true).await;
    let id = created["id"].as_str().unwrap();
    let (status, _) = world
        .get(&format!("{}/login/requests/{id}/passkey", world.base))
        .await;
    assert_eq!(status, 409);
    // A response that is not a form: 415; a form without state: 400.
    let response = world
        .http
        .post(format!("{}/login/responses", world.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(world.post_form("vp_token=%7B%7D").await.0, 400);
    assert_eq!(world.status(id).await["status"], "pending");
}
