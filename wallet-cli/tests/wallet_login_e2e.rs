//! `avid login` end to end: the real issuer (`avid issuer …`) issues over the wallet's link
//! proofs and passkey, its status list is served on loopback, a world serves the `/login/*`
//! routes of `resolver_service::login` in process, and the `avid` binary logs in with both
//! factors, each side measuring its trust in the other; a second login to another world uses
//! the other copy of the batch.

mod support;

use serde_json::Value;
use support::{Holder, begin, start_world, status};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avid_logs_in_to_a_world_with_both_factors() {
    let holder = Holder::onboard(2).await;

    let world = start_world(holder.issuer_did.clone()).await;
    let created = begin(&world).await;
    let url = created["openid4vp_url"].as_str().expect("url");
    let output = holder.login(url).await;
    assert!(
        output.status.success(),
        "login: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(answer["answer"]["granted"], true, "{answer}");
    // The wallet measured the world (its did:key) before answering: an issuer-scope
    // evaluation, its credential factors not measured.
    assert_eq!(answer["world_trust"]["scope"], "issuer", "{answer}");
    assert!(answer["world_trust"]["level"].is_string());
    let id = created["id"].as_str().expect("id");
    let outcome = status(&world, id).await;
    assert_eq!(outcome["status"], "granted", "{outcome}");
    // And the world measured the issuer of the credential it verified, with both factors.
    let trust = &outcome["result"]["report"]["trust"];
    assert_eq!(
        trust["indicators"]["security"]["factors"]["asset_safety"]["score"].as_f64(),
        Some(2.0 / 3.0),
        "{trust}"
    );
    assert_eq!(holder.unused_copies(), 1);

    // Another world gets the other copy.
    let other = start_world(holder.issuer_did.clone()).await;
    let created = begin(&other).await;
    let output = holder
        .login(created["openid4vp_url"].as_str().expect("url"))
        .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(holder.unused_copies(), 0);
}
