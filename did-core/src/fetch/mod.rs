//! The one way avid reaches the network: a [`Fetcher`] trait for bounded, guarded HTTP GETs
//! (did:web documents now, status lists later), its [`FetchPolicy`], and the default
//! [`HttpFetcher`] over `reqwest`.
//!
//! Code that needs a remote document takes a `&dyn Fetcher`, so tests and caches can supply
//! one; the rules that keep a fetch safe — the [`guard`] on addresses and schemes, the size
//! limit, timeouts and bounded redirects — live in [`HttpFetcher`], where they cannot be
//! skipped by a caller.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use did_core::fetch::{FetchPolicy, Fetcher, HttpFetcher};
//!
//! let fetcher = HttpFetcher::new(FetchPolicy::default())?;
//! let url = url::Url::parse("https://example.com/.well-known/did.json")?;
//! let fetched = fetcher.get(&url, "application/did+json").await?.into_success()?;
//! println!("{} bytes", fetched.body.len());
//! # Ok(())
//! # }
//! ```

#[cfg(any(test, feature = "test-util"))]
pub mod fake;
pub mod guard;
#[cfg(feature = "web")]
mod http;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

pub use guard::{AddressClass, RefusalReason, classify};
#[cfg(feature = "web")]
pub use http::HttpFetcher;

/// Default limit on a response body: the largest DID document avid accepts.
pub const DEFAULT_MAX_BODY_BYTES: usize = crate::document::MAX_DOCUMENT_BYTES;
/// Default limit on a whole fetch, from name resolution to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on establishing one connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default number of redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 3;

/// Performs HTTP GETs under a [`FetchPolicy`]. The seam between avid's pure core and the
/// network: [`HttpFetcher`] is the real one; a cache or a test can provide another.
#[async_trait]
pub trait Fetcher: Send + Sync {
    /// GETs `url` with `Accept: accept` and returns the final response (after redirects): its
    /// status, content type and body, the body bounded in size, after every guard check.
    /// A non-success status is returned as a [`FetchedBody`], not an error, so the caller can
    /// tell "not found" from "unreachable".
    async fn get(&self, url: &url::Url, accept: &str) -> Result<FetchedBody, FetchError>;
}

/// A response received by a [`Fetcher`].
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedBody {
    /// The HTTP status code of the final response.
    pub status: u16,
    /// The `Content-Type` header, if present and readable as text.
    pub content_type: Option<String>,
    /// The body, never longer than the policy's `max_body_bytes`.
    pub body: Vec<u8>,
}

impl FetchedBody {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response if its status is 2xx, else [`FetchError::Status`].
    pub fn into_success(self) -> Result<FetchedBody, FetchError> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(FetchError::Status {
                status: self.status,
            })
        }
    }
}

impl fmt::Debug for FetchedBody {
    // Bodies stay out of logs and debug output; their size is what matters there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchedBody")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What a fetch may do. The default is what a verifier on the open internet wants: https only,
/// public addresses only, 256 KiB, 5 s in total, 2 s to connect, 3 redirects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Also fetch plain `http://` URLs (never the default: a did:web document is only as
    /// trustworthy as the channel it came over).
    pub allow_http: bool,
    /// Also reach loopback addresses (`127.0.0.0/8`, `::1`), for a test server on this machine.
    pub allow_loopback: bool,
    /// Also reach every other non-public unicast address: loopback, private networks,
    /// link-local (where cloud metadata lives), carrier-grade NAT, documentation and reserved
    /// ranges. Only for deployments that resolve inside their own network. Unspecified,
    /// multicast and broadcast addresses are refused whatever this says.
    pub allow_private_addresses: bool,
    /// The largest response body read, in bytes.
    pub max_body_bytes: usize,
    /// The limit on a whole fetch, redirects and body included.
    pub timeout: Duration,
    /// The limit on establishing one connection.
    pub connect_timeout: Duration,
    /// How many redirects are followed; one more ends the fetch with
    /// [`FetchError::TooManyRedirects`].
    pub max_redirects: usize,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_http: false,
            allow_loopback: false,
            allow_private_addresses: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

impl FetchPolicy {
    /// The policy for tests and `--allow-http`: plain http and loopback allowed, everything
    /// else as the default (private networks and metadata addresses stay refused).
    pub fn local_testing() -> Self {
        FetchPolicy {
            allow_http: true,
            allow_loopback: true,
            ..FetchPolicy::default()
        }
    }
}

/// Why a fetch failed. The `Display` text says what happened and, for a refusal, how to
/// allow it when that is legitimate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The guard refused the URL, a redirect target or an address the host resolved to,
    /// before any connection to it was made.
    #[error("the address guard refused to fetch {url}: {reason}")]
    Refused {
        /// The URL refused, without user information.
        url: String,
        /// Why.
        reason: RefusalReason,
    },
    /// The response body is larger than the policy allows.
    #[error("the response is larger than the limit of {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// The fetch, or connecting, took longer than the policy allows.
    #[error("no complete response within {} ms", after.as_millis())]
    Timeout {
        /// The limit that ran out.
        after: Duration,
    },
    /// More redirects than the policy allows (a redirect loop ends here too).
    #[error("more than {max} redirects")]
    TooManyRedirects {
        /// The limit.
        max: usize,
    },
    /// The response status is not a success ([`FetchedBody::into_success`]).
    #[error("the server answered HTTP {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The host could not be resolved or reached, or the connection failed.
    #[error("network error: {0}")]
    Network(String),
    /// The HTTP client could not be built (e.g. TLS set-up failed).
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}
