//! The login page over real HTTP on loopback: the page and its assets with their
//! Content-Security-Policy and content types, the page's bytes free of inline script and
//! style, the 400 page for a bad query with what it echoes escaped, and the QR code of a
//! transaction drawn from the service's state only. The page in a real browser is
//! `wallet-cli/tests/login_page_browser.rs`.

use std::sync::Arc;

use did_core::fetch::{FetchPolicy, HttpFetcher};
use resolver_service::login::{self, LoginService, VerifierKey};
use resolver_service::page::CONTENT_SECURITY_POLICY;
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::single_use::InMemorySingleUseStore;
use vc_issuer::verify::Verifier;

mod support;

use support::login::*;

/// A world whose login trusts some issuer; the page tests never answer a login.
async fn start_world(transaction_ttl: u64) -> World {
    let (listener, addr) = bind().await;
    let base = format!("http://{addr}");
    let service = LoginService::new(
        &base,
        VerifierKey::generate(),
        Verifier::for_dids(
            resolver(),
            Arc::new(HttpFetcher::new(FetchPolicy::local_testing()).unwrap()),
        ),
        vec![Party::new().did().clone()],
        Arc::new(InMemorySingleUseStore::default()),
        Arc::new(PasskeyVerifier::in_memory()),
    )
    .unwrap()
    .with_transaction_ttl(transaction_ttl);
    serve(listener, login::router(Arc::new(service))).await;
    World::at(base)
}

async fn fetch(world: &World, path: &str) -> reqwest::Response {
    world
        .http
        .get(format!("{}{path}", world.base))
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn assert_security_headers(response: &reqwest::Response) {
    assert_eq!(
        header(response, "content-security-policy"),
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(
        CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
}

/// Every `<script` of `html` loads a file and has no body, and nothing carries inline style
/// or an event handler attribute: what a strict CSP would block, checked on the bytes.
fn assert_no_inline_code(html: &str) {
    let lower = html.to_ascii_lowercase();
    for (at, _) in lower.match_indices("<script") {
        let tag_end = at + lower[at..].find('>').unwrap();
        let tag = &lower[at..=tag_end];
        assert!(tag.contains(" src="), "an inline script: {tag}");
        assert!(
            lower[tag_end + 1..].starts_with("</script>"),
            "a script with a body at {at}"
        );
    }
    assert!(!lower.contains("style="), "a style attribute");
    assert!(!lower.contains("<style"), "a style element");
    assert!(!lower.contains("javascript:"), "a javascript: URL");
    let handler = lower
        .split(|c: char| c.is_ascii_whitespace())
        .find(|word| word.starts_with("on") && word.contains('='));
    assert_eq!(handler, None, "an event handler attribute");
    for external in ["http://", "https://", "//"] {
        for attribute in ["src=\"", "href=\""] {
            assert!(
                !lower.contains(&format!("{attribute}{external}")),
                "an asset from elsewhere: {attribute}{external}"
            );
        }
    }
}

#[tokio::test]
async fn serves_the_page_with_its_csp_and_the_asked_login_in_data_attributes() {
    let world = start_world(300).await;
    let response = fetch(
        &world,
        "/login?platform=resonite&claims=age_over_18,sub&passkey=true",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_security_headers(&response);
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    let html = response.text().await.unwrap();
    assert_no_inline_code(&html);
    assert!(
        html.contains(
            r#"data-platform="resonite" data-claims="age_over_18,sub" data-passkey="true""#
        ),
        "{html}"
    );
    for id in ["wallet-link", "qr", "state", "result", "refusal"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
    assert!(html.contains("<script src=\"login/page.js?v="), "{html}");
    assert!(html.contains("href=\"login/page.css?v="), "{html}");
    assert!(
        html.contains("rel=\"icon\" href=\"login/icon.svg?v="),
        "{html}"
    );

    let plain = fetch(&world, "/login?platform=vrchat").await;
    assert_eq!(plain.status(), 200);
    let html = plain.text().await.unwrap();
    assert!(
        html.contains(r#"data-platform="vrchat" data-claims="" data-passkey="false""#),
        "{html}"
    );
}

#[tokio::test]
async fn rejects_script_in_the_platform_by_escaping_it() {
    let world = start_world(300).await;
    let response = fetch(
        &world,
        "/login?platform=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E%3Cx%20y%3D%22",
    )
    .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains(
            "data-platform=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;x y=&quot;\""
        ),
        "{html}"
    );
    assert_no_inline_code(&html);
}

#[tokio::test]
async fn rejects_a_bad_query_with_a_400_page_that_escapes_what_it_echoes() {
    let world = start_world(300).await;
    let cases = [
        ("/login", "the parameter `platform` is required"),
        ("/login?platform=resonite&passkey=maybe", "not `maybe`"),
        (
            "/login?platform=resonite&claims=%3Cimg%20src%3Dx%3E",
            "not `&lt;img src=x&gt;`",
        ),
        (
            "/login?platform=resonite&%3Cb%3E=1",
            "unknown parameter `&lt;b&gt;`",
        ),
        ("/login?platform=a&platform=b", "given twice"),
    ];
    for (path, expected) in cases {
        let response = fetch(&world, path).await;
        assert_eq!(response.status(), 400, "{path}");
        assert_security_headers(&response);
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(expected), "{path}: {html}");
        assert!(
            !html.contains("<img src=x>") && !html.contains("<b>"),
            "{html}"
        );
        assert_no_inline_code(&html);
    }
}

#[tokio::test]
async fn serves_its_assets_with_their_content_types() {
    let world = start_world(300).await;
    for (path, content_type, needle) in [
        (
            "/login/page.js",
            "text/javascript; charset=utf-8",
            "login/requests",
        ),
        ("/login/page.css", "text/css; charset=utf-8", "#state"),
        ("/login/icon.svg", "image/svg+xml", "<svg"),
    ] {
        let response = fetch(&world, path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_security_headers(&response);
        assert_eq!(header(&response, "content-type"), content_type, "{path}");
        assert!(
            header(&response, "cache-control").contains("max-age="),
            "{path}"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(needle), "{path}");
    }
    let script = fetch(&world, "/login/page.js").await.text().await.unwrap();
    for forbidden in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "eval(",
        "document.write",
    ] {
        assert!(!script.contains(forbidden), "the script uses {forbidden}");
    }
}

#[tokio::test]
async fn draws_the_qr_code_of_a_transaction_from_the_service_state_only() {
    let world = start_world(300).await;
    let created = world.begin(true).await;
    let id = created["id"].as_str().unwrap();
    let response = fetch(&world, &format!("/login/requests/{id}/qr.svg")).await;
    assert_eq!(response.status(), 200);
    assert_security_headers(&response);
    assert_eq!(header(&response, "content-type"), "image/svg+xml");
    assert_eq!(header(&response, "cache-control"), "no-store");
    let svg = response.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");

    // A query cannot change what is drawn; another transaction draws another code.
    let with_text = fetch(
        &world,
        &format!("/login/requests/{id}/qr.svg?text=openid4vp://evil&openid4vp_url=x"),
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(with_text, svg);
    let other = world.begin(true).await;
    let other_id = other["id"].as_str().unwrap();
    let other_svg = fetch(&world, &format!("/login/requests/{other_id}/qr.svg"))
        .await
        .text()
        .await
        .unwrap();
    assert_ne!(other_svg, svg);
}

#[tokio::test]
async fn rejects_a_qr_code_for_an_unknown_transaction() {
    let world = start_world(300).await;
    let response = fetch(&world, "/login/requests/no-such-login/qr.svg").await;
    assert_eq!(response.status(), 404);
    assert_security_headers(&response);
}

#[tokio::test]
async fn the_status_says_how_long_the_wallet_has_left() {
    let world = start_world(300).await;
    let created = world.begin(false).await;
    let status = world.status(created["id"].as_str().unwrap()).await;
    assert_eq!(status["status"], "pending");
    let left = status["expires_in"].as_u64().unwrap();
    assert!((298..=300).contains(&left), "{status}");

    // A world whose transactions expire as they start.
    let expired = start_world(0).await;
    let created = expired.begin(false).await;
    let status = expired.status(created["id"].as_str().unwrap()).await;
    assert_eq!(status["status"], "pending");
    assert_eq!(status["expires_in"], 0, "{status}");
}
