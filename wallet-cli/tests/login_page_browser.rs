//! The login page in a real browser: headless Chromium from the distribution, driven over
//! WebDriver by its chromedriver, opens a world's `GET /login`, shows the `openid4vp://` link
//! and QR code, and turns to "logged in" while `avid login` answers the request with both
//! factors; and to "refused", with the reason, when the credential was revoked first. The
//! browser's console must stay free of errors (a Content-Security-Policy violation is one).

mod support;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::{HANDLE, Holder, PLATFORM, start_world};
use vc_issuer::trust::Indicator;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long the page may take to reach a state.
const PATIENCE: Duration = Duration::from_secs(30);

/// Chromium under chromedriver, in a process group of their own with a fresh profile; both
/// are killed when this is dropped, whatever the test did.
struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: the login page's browser test needs the distribution's \
                 chromium and chromium-driver; run `scripts/setup.sh --tests`"
            );
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                profile.path().join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Chromium joins the group, so that one signal ends both.
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let mut browser = Browser {
            client: None,
            driver,
            profile,
        };
        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{webdriver}/status")).await.is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver does not answer on {webdriver}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let user_data_dir = format!(
            "--user-data-dir={}",
            browser.profile.path().join("chromium").display()
        );
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                // CI runs as root, hence no sandbox; nothing may reach beyond loopback.
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", user_data_dir],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .expect("a Chromium session");
        browser.client = Some(client);
        browser
    }

    /// A browser showing `url`.
    async fn open(url: &str) -> Browser {
        let browser = Browser::start().await;
        browser.client().goto(url).await.expect("goto");
        browser
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    /// The `attribute` of each element `css` selects, in page order.
    async fn attributes(&self, css: &str, attribute: &str) -> Vec<String> {
        let mut values = Vec::new();
        for element in self
            .client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no {css}: {error}"))
        {
            let value = element.attr(attribute).await.expect("an attribute");
            values.push(value.unwrap_or_else(|| panic!("{css} without {attribute}")));
        }
        values
    }

    /// The text of the element `css`.
    async fn text(&self, css: &str) -> String {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no {css}: {error}"))
            .text()
            .await
            .expect("text")
    }

    /// Waits until `#state` reads `state`, and fails with what the page shows otherwise.
    async fn wait_for_state(&self, state: &str) {
        let started = Instant::now();
        loop {
            let now = self.text("#state").await;
            if now == state {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the page stays `{now}` ({}), not `{state}`",
                self.text("#message").await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The `openid4vp://` link the page shows, once it shows one.
    async fn wallet_link(&self) -> String {
        let link = self
            .client()
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("#wallet-link[href^='openid4vp://']"))
            .await
            .expect("the page shows an openid4vp:// link");
        link.attr("href").await.expect("href").expect("an href")
    }

    /// The browser console's errors so far (a CSP violation is logged as one).
    async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client()
            .issue_cmd(BrowserLog)
            .await
            .expect("chromedriver's browser log");
        log.as_array()
            .expect("log entries")
            .iter()
            .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            client.close().await.expect("the session closes");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The group of chromedriver, and so of Chromium: its id is chromedriver's pid.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

/// chromedriver's `POST /session/{id}/se/log` for the browser console (the log WebDriver
/// itself does not define).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

fn page_url(world: &str) -> String {
    format!("{world}/login?platform={PLATFORM}&claims=age_over_18&passkey=true")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_turns_to_logged_in_while_avid_answers() {
    let holder = Holder::onboard(1).await;
    let world = start_world(holder.issuer_did.clone()).await;
    let browser = Browser::open(&page_url(&world)).await;

    let link = browser.wallet_link().await;
    assert_eq!(browser.text("#state").await, "waiting");
    let qr_drawn = browser
        .client()
        .execute(
            "const qr = document.getElementById('qr'); \
             return qr.complete && qr.naturalWidth > 0 && qr.getAttribute('src');",
            vec![],
        )
        .await
        .expect("execute");
    assert!(
        qr_drawn
            .as_str()
            .is_some_and(|src| src.ends_with("/qr.svg")),
        "the QR code is not drawn: {qr_drawn}"
    );

    let output = holder.login(&link).await;
    assert!(
        output.status.success(),
        "avid login: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    browser.wait_for_state("logged_in").await;
    assert_eq!(browser.text("#avatar-handle").await, HANDLE);
    assert_eq!(browser.text("#avatar-platform").await, PLATFORM);
    assert!(browser.text("#avatar-did").await.starts_with("did:"));
    let claims = browser.text("#claims").await;
    assert!(
        claims.contains("age_over_18") && claims.contains("true"),
        "{claims}"
    );
    assert_eq!(
        browser.attributes("#factors li", "data-factor").await,
        ["holder_key", "passkey"]
    );
    // The issuer's trust as the service measured it: the level and its two weakest indicators.
    let level = browser.text("#trust-level").await;
    assert!(
        ["none", "low", "substantial", "high"].contains(&level.as_str()),
        "{level}"
    );
    let weakest = browser
        .attributes("#trust-weakest li", "data-indicator")
        .await;
    assert_eq!(weakest.len(), 2, "{weakest:?}");
    let indicators = Indicator::ALL.map(Indicator::name);
    assert!(
        weakest
            .iter()
            .all(|name| indicators.contains(&name.as_str())),
        "{weakest:?}"
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_a_revoked_credential_and_the_page_shows_why() {
    let holder = Holder::onboard(1).await;
    holder.revoke();
    let world = start_world(holder.issuer_did.clone()).await;
    let browser = Browser::open(&page_url(&world)).await;

    let link = browser.wallet_link().await;
    let output = holder.login(&link).await;
    assert!(
        !output.status.success(),
        "avid login of a revoked credential"
    );
    browser.wait_for_state("refused").await;
    assert_eq!(browser.text("#refusal-code").await, "revoked");
    assert!(!browser.text("#refusal-message").await.is_empty());
    assert_eq!(browser.text("#result").await, "", "no result is shown");
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}
