//! [`HttpFetcher`], the default [`Fetcher`]: `reqwest` over rustls, with the address guard
//! wired in at the three places a request can go — the request URL, each redirect hop, and
//! every address a host name resolves to — and the body read against the size limit.

use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::redirect;
use url::Url;

use super::guard::{self, RefusalReason, display_url};
use super::{FetchError, FetchPolicy, FetchedBody, Fetcher};

const USER_AGENT: &str = concat!("avid-did-core/", env!("CARGO_PKG_VERSION"));

/// How far down an error's `source()` chain a guard error is looked for.
const MAX_ERROR_CHAIN: usize = 16;

/// The default [`Fetcher`]: HTTPS (and HTTP where allowed) through `reqwest` with rustls,
/// enforcing a [`FetchPolicy`] on every request, redirect and resolved address.
///
/// The fetcher needs a Tokio runtime with the time driver enabled.
pub struct HttpFetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
}

impl HttpFetcher {
    /// A fetcher enforcing `policy`. Fails only if the TLS stack cannot be set up.
    pub fn new(policy: FetchPolicy) -> Result<HttpFetcher, FetchError> {
        let client = reqwest::Client::builder()
            // A proxy would resolve the target host itself, out of reach of the guarded
            // resolver, and an environment variable must not be able to switch the guard off.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
            }))
            .redirect(redirect_policy(policy.clone()))
            // Do not tell a redirect target where the request came from.
            .referer(false)
            .https_only(!policy.allow_http)
            // did:web "In-transit Security": at least TLS 1.2.
            .min_tls_version(reqwest::tls::Version::TLS_1_2)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|err| FetchError::Client(error_chain(&err)))?;
        Ok(HttpFetcher { client, policy })
    }

    /// The policy this fetcher enforces.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    async fn fetch(&self, url: &Url, accept: &str) -> Result<FetchedBody, FetchError> {
        guard::check_url(url, &self.policy).map_err(|reason| FetchError::Refused {
            url: display_url(url),
            reason,
        })?;
        let mut response = self
            .client
            .get(url.clone())
            .header(ACCEPT, accept)
            .send()
            .await
            .map_err(|err| self.map_error(url, &err))?;

        let max = self.policy.max_body_bytes;
        let declared = response.content_length();
        if declared.is_some_and(|length| length > u64::try_from(max).unwrap_or(u64::MAX)) {
            return Err(FetchError::TooLarge { max });
        }
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);

        let capacity = declared.map_or(0, |length| usize::try_from(length).unwrap_or(max));
        let mut body = Vec::with_capacity(capacity.min(max));
        // A body without Content-Length (chunked) is read chunk by chunk and dropped as soon
        // as it would pass the limit: never more than one chunk beyond what was accepted.
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.map_error(url, &err))?
        {
            if chunk.len() > max - body.len() {
                return Err(FetchError::TooLarge { max });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchedBody {
            status,
            content_type,
            body,
        })
    }

    /// Turns a `reqwest` error back into the guard's own error where the guard caused it.
    fn map_error(&self, requested: &Url, err: &reqwest::Error) -> FetchError {
        let shown = || {
            err.url()
                .map_or_else(|| display_url(requested), display_url)
        };
        for cause in error_sources(err) {
            if let Some(found) = cause.downcast_ref::<FetchError>() {
                return found.clone();
            }
            if let Some(AddressRefused(reason)) = cause.downcast_ref::<AddressRefused>() {
                return FetchError::Refused {
                    url: shown(),
                    reason: reason.clone(),
                };
            }
        }
        if err.is_timeout() {
            let after = if err.is_connect() {
                self.policy.connect_timeout
            } else {
                self.policy.timeout
            };
            FetchError::Timeout { after }
        } else if err.is_builder() {
            FetchError::Client(error_chain(err))
        } else {
            FetchError::Network(error_chain(err))
        }
    }
}

impl fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Fetcher for HttpFetcher {
    async fn get(&self, url: &Url, accept: &str) -> Result<FetchedBody, FetchError> {
        let shown = display_url(url);
        tracing::debug!(url = %shown, "fetching");
        // reqwest's own timeout covers the request; this one also covers name resolution and
        // the body, so the policy's limit holds for the fetch as a whole.
        let outcome = tokio::time::timeout(self.policy.timeout, self.fetch(url, accept))
            .await
            .unwrap_or(Err(FetchError::Timeout {
                after: self.policy.timeout,
            }));
        match &outcome {
            Ok(fetched) => tracing::debug!(
                url = %shown,
                status = fetched.status,
                bytes = fetched.body.len(),
                "fetched"
            ),
            Err(err @ FetchError::Refused { .. }) => {
                tracing::warn!(url = %shown, error = %err, "fetch refused by the guard");
            }
            Err(err) => tracing::info!(url = %shown, error = %err, "fetch failed"),
        }
        outcome
    }
}

/// Every redirect hop is checked like the first URL (scheme, credentials, IP literal) and
/// counted; host names in a hop are checked again by the resolver when they are looked up.
fn redirect_policy(policy: FetchPolicy) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        // `previous` holds the first URL and every hop already followed.
        if attempt.previous().len() > policy.max_redirects {
            let max = policy.max_redirects;
            return attempt.error(FetchError::TooManyRedirects { max });
        }
        match guard::check_url(attempt.url(), &policy) {
            Ok(()) => {
                tracing::debug!(to = %display_url(attempt.url()), "following redirect");
                attempt.follow()
            }
            Err(reason) => {
                let url = display_url(attempt.url());
                attempt.error(FetchError::Refused { url, reason })
            }
        }
    })
}

/// A host name resolved to an address the policy refuses.
#[derive(Debug)]
struct AddressRefused(RefusalReason);

impl fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl StdError for AddressRefused {}

/// Resolves host names and refuses the host if any of its addresses is not allowed. Checking
/// the very addresses handed to the connector is what makes the guard hold against DNS
/// rebinding: there is no second lookup to race.
struct GuardedResolver {
    policy: FetchPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for address in &addresses {
                guard::check_ip(&host, address.ip(), &policy).map_err(AddressRefused)?;
            }
            tracing::debug!(host = %host, count = addresses.len(), "resolved");
            Ok::<Addrs, Box<dyn StdError + Send + Sync>>(Box::new(addresses.into_iter()))
        })
    }
}

fn error_sources<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&err| err.source()).take(MAX_ERROR_CHAIN)
}

/// An error and its causes, `outer: inner: innermost`, for a message a person can act on.
fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = String::new();
    for cause in error_sources(err) {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::AddressClass;

    async fn resolve(host: &str, policy: FetchPolicy) -> Result<Vec<SocketAddr>, String> {
        let name: Name = host.parse().map_err(|_| format!("bad name {host}"))?;
        let resolver = GuardedResolver { policy };
        match resolver.resolve(name).await {
            Ok(addresses) => Ok(addresses.collect()),
            Err(err) => Err(match err.downcast_ref::<AddressRefused>() {
                Some(AddressRefused(RefusalReason::Address { class, .. })) => {
                    format!("refused {class:?}")
                }
                _ => format!("other {err}"),
            }),
        }
    }

    #[tokio::test]
    async fn resolver_refuses_names_of_loopback() {
        assert_eq!(
            resolve("localhost", FetchPolicy::default()).await,
            Err("refused Loopback".to_owned())
        );
    }

    #[tokio::test]
    async fn resolver_allows_loopback_when_policy_does() {
        let addresses = resolve("localhost", FetchPolicy::local_testing()).await;
        assert!(
            addresses
                .is_ok_and(|addresses| addresses.iter().all(|address| address.ip().is_loopback())),
        );
    }

    #[tokio::test]
    async fn resolver_checks_every_address_it_returns() {
        // A name that is an address literal still goes through the check (the connector
        // never sends literals here, but the resolver does not rely on that).
        assert_eq!(
            resolve("169.254.169.254", FetchPolicy::local_testing()).await,
            Err(format!("refused {:?}", AddressClass::LinkLocal))
        );
    }

    #[test]
    fn debug_of_fetched_body_hides_the_body() {
        let fetched = FetchedBody {
            status: 200,
            content_type: None,
            body: b"secret-looking body".to_vec(),
        };
        let shown = format!("{fetched:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("body_len: 19"), "{shown}");
    }

    #[test]
    fn non_success_status_is_an_error_on_request() {
        let fetched = FetchedBody {
            status: 503,
            content_type: None,
            body: Vec::new(),
        };
        assert_eq!(
            fetched.into_success(),
            Err(FetchError::Status { status: 503 })
        );
    }
}
