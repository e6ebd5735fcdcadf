//! What the commands that reach out share: the fetch policy (`--allow-http`), the resolver of
//! every supported method, and the async runtime they run on.

use std::sync::Arc;

use did_core::fetch::{FetchPolicy, Fetcher, HttpFetcher};
use did_core::method::{self, DefaultResolverConfig};
use did_core::resolution::Resolver;

use crate::output::Failure;

/// The fetch policy: HTTPS to public addresses only, unless `--allow-http` lets plain http and
/// loopback through for local testing.
pub fn fetch_policy(allow_http: bool) -> FetchPolicy {
    if allow_http {
        FetchPolicy::local_testing()
    } else {
        FetchPolicy::default()
    }
}

/// The guarded HTTP fetcher for status lists, under the same policy as did:web.
pub fn fetcher(allow_http: bool) -> Result<Arc<dyn Fetcher>, Failure> {
    HttpFetcher::new(fetch_policy(allow_http))
        .map(|fetcher| Arc::new(fetcher) as Arc<dyn Fetcher>)
        .map_err(|err| Failure::rejected("internalError", err.to_string()))
}

/// Every method avid resolves, behind a cache so one command resolves each DID once.
pub fn resolver(allow_http: bool) -> Result<Arc<dyn Resolver>, Failure> {
    let resolver = method::default_resolver(DefaultResolverConfig {
        allow_local: allow_http,
        ..DefaultResolverConfig::default()
    })
    .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    Ok(Arc::new(resolver))
}

/// A single-threaded runtime: a command does one thing at a time.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::rejected("internalError", err.to_string()))
}
