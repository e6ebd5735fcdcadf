//! A [`Fetcher`] that answers from a map instead of the network, for tests of the logic above
//! the fetch (status lists, did:web documents): each URL gets the response a test put there,
//! and every request is counted, so a test can tell a cached answer from a fetched one.
//!
//! Behind the `test-util` feature, as rustls keeps its test provider: it never ships in a
//! verifier. What it does not do is everything [`HttpFetcher`](super::HttpFetcher) enforces —
//! the address guard, size limits, timeouts — which has tests of its own against real sockets.
//!
//! ```
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use did_core::fetch::Fetcher;
//! use did_core::fetch::fake::FakeFetcher;
//!
//! let fetcher = FakeFetcher::new();
//! fetcher.serve("https://status.example/1", "application/statuslist+jwt", "eyJ…");
//! let url = url::Url::parse("https://status.example/1")?;
//! let fetched = fetcher.get(&url, "application/statuslist+jwt").await?;
//! assert_eq!(fetched.body, b"eyJ\xe2\x80\xa6");
//! assert_eq!(fetcher.hits("https://status.example/1"), 1);
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::{FetchError, FetchedBody, Fetcher};

/// What a [`FakeFetcher`] saw for one URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requests {
    /// How many requests the URL had.
    pub hits: usize,
    /// The `Accept` of the last one.
    pub accept: Option<String>,
}

#[derive(Default)]
struct State {
    responses: HashMap<String, Result<FetchedBody, FetchError>>,
    requests: HashMap<String, Requests>,
}

/// A [`Fetcher`] over a map from URL to response. A URL with no response fails as an
/// unreachable host would ([`FetchError::Network`]).
#[derive(Default)]
pub struct FakeFetcher {
    state: Mutex<State>,
}

impl FakeFetcher {
    /// A fetcher that knows no URL yet.
    pub fn new() -> FakeFetcher {
        FakeFetcher::default()
    }

    /// Answers `url` with `200 OK`, `content_type` and `body` from now on.
    pub fn serve(&self, url: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.serve_status(url, 200, content_type, body);
    }

    /// Answers `url` with the HTTP `status`, `content_type` and `body` from now on.
    pub fn serve_status(
        &self,
        url: &str,
        status: u16,
        content_type: &str,
        body: impl Into<Vec<u8>>,
    ) {
        let response = FetchedBody {
            status,
            content_type: Some(content_type.to_owned()),
            body: body.into(),
        };
        self.lock().responses.insert(url.to_owned(), Ok(response));
    }

    /// Fails every fetch of `url` with `error` from now on.
    pub fn fail(&self, url: &str, error: FetchError) {
        self.lock().responses.insert(url.to_owned(), Err(error));
    }

    /// What the fetcher saw for `url` so far.
    pub fn requests(&self, url: &str) -> Requests {
        self.lock().requests.get(url).cloned().unwrap_or_default()
    }

    /// How many requests `url` has had.
    pub fn hits(&self, url: &str) -> usize {
        self.requests(url).hits
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Fetcher for FakeFetcher {
    async fn get(&self, url: &url::Url, accept: &str) -> Result<FetchedBody, FetchError> {
        let mut state = self.lock();
        let requests = state.requests.entry(url.as_str().to_owned()).or_default();
        requests.hits += 1;
        requests.accept = Some(accept.to_owned());
        state
            .responses
            .get(url.as_str())
            .cloned()
            .unwrap_or_else(|| {
                Err(FetchError::Network(format!(
                    "the fake fetcher has no response for {url}"
                )))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).expect("url")
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn answers_what_was_served_and_counts_requests() {
        let fetcher = FakeFetcher::new();
        fetcher.serve_status("https://s.example/1", 404, "text/plain", "gone");
        let got = block_on(fetcher.get(&url("https://s.example/1"), "application/json"));
        assert_eq!(
            got.map(|body| (body.status, body.body)),
            Ok((404, b"gone".to_vec()))
        );
        assert_eq!(
            fetcher.requests("https://s.example/1"),
            Requests {
                hits: 1,
                accept: Some("application/json".to_owned())
            }
        );
        fetcher.fail("https://s.example/1", FetchError::TooLarge { max: 1 });
        let got = block_on(fetcher.get(&url("https://s.example/1"), "*/*"));
        assert_eq!(got, Err(FetchError::TooLarge { max: 1 }));
        assert_eq!(fetcher.hits("https://s.example/1"), 2);
    }

    #[test]
    fn unknown_url_is_unreachable() {
        let fetcher = FakeFetcher::new();
        let got = block_on(fetcher.get(&url("https://s.example/none"), "*/*"));
        assert!(matches!(got, Err(FetchError::Network(_))), "{got:?}");
        assert_eq!(fetcher.hits("https://s.example/none"), 1);
    }
}
