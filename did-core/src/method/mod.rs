//! DID methods: how each method turns a DID into a DID document. did:key, did:jwk and did:peer
//! derive the document from the DID itself with no I/O; did:web fetches it over HTTPS through
//! the [`crate::fetch`] guard; the long tail (did:pkh) is answered by `ssi`.

pub mod jwk;
pub mod key;
pub mod peer;
#[cfg(feature = "pkh")]
pub mod pkh;
#[cfg(feature = "web")]
pub mod web;

use std::sync::Arc;

use async_trait::async_trait;

use crate::did::Did;
use crate::fetch::FetchError;
use crate::resolution::cache::{CacheConfig, CachingResolver};
use crate::resolution::dispatch::MethodDispatcher;
use crate::resolution::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};

/// A method whose document is computed from the DID alone (did:key, did:jwk, did:peer): pure,
/// no I/O, so resolving one costs little more than decoding its key.
#[derive(Clone, Copy, Debug)]
pub struct DerivedMethod {
    name: &'static str,
    derive: fn(&Did) -> Result<Resolution, ResolutionError>,
}

impl DerivedMethod {
    /// The method name, e.g. `key`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Derives the document of `did` without going through the async [`Resolver`] interface.
    pub fn derive(&self, did: &Did) -> Result<Resolution, ResolutionError> {
        if did.method() != self.name {
            return Err(ResolutionError::new(
                ErrorKind::MethodNotSupported,
                format!(
                    "this resolver handles did:{}, not did:{}",
                    self.name,
                    crate::excerpt::excerpt(did.method())
                ),
            ));
        }
        (self.derive)(did)
    }
}

#[async_trait]
impl Resolver for DerivedMethod {
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        options.representation()?;
        self.derive(did)
    }
}

/// did:key (W3C CCG did:key v0.9).
pub const DID_KEY: DerivedMethod = DerivedMethod {
    name: "key",
    derive: key::resolve,
};

/// did:jwk (did:jwk specification).
pub const DID_JWK: DerivedMethod = DerivedMethod {
    name: "jwk",
    derive: jwk::resolve,
};

/// did:peer numalgo 0, 2 and 4 (DIF Peer DID Method Specification).
pub const DID_PEER: DerivedMethod = DerivedMethod {
    name: "peer",
    derive: peer::resolve,
};

/// The methods whose document is derived from the DID alone. What they answer for a DID URL
/// is a pure function of that URL and the representation asked for: it never changes, so a
/// rendered answer may be kept for as long as there is room for it.
pub const DERIVED_METHODS: [DerivedMethod; 3] = [DID_KEY, DID_JWK, DID_PEER];

/// Whether the method named `method` (e.g. `key`) is one of [`DERIVED_METHODS`].
pub fn is_derived(method: &str) -> bool {
    DERIVED_METHODS
        .iter()
        .any(|derived| derived.name() == method)
}

/// A dispatcher with every method avid resolves: did:key, did:jwk, did:peer, did:web (feature
/// `web`, through the guarded [`crate::fetch::HttpFetcher`]) and did:pkh (feature `pkh`).
///
/// did:web fetches over HTTPS from public addresses only, unless `allow_local` lets it use
/// plain http and loopback addresses ([`FetchPolicy::local_testing`]), for a test server on
/// this machine; private networks and metadata addresses stay refused either way.
///
/// [`FetchPolicy::local_testing`]: crate::fetch::FetchPolicy::local_testing
pub fn default_dispatcher(allow_local: bool) -> Result<MethodDispatcher, FetchError> {
    let dispatcher = MethodDispatcher::new()
        .with_method(DID_KEY.name(), Arc::new(DID_KEY))
        .with_method(DID_JWK.name(), Arc::new(DID_JWK))
        .with_method(DID_PEER.name(), Arc::new(DID_PEER));
    #[cfg(feature = "web")]
    let dispatcher = {
        let policy = if allow_local {
            crate::fetch::FetchPolicy::local_testing()
        } else {
            crate::fetch::FetchPolicy::default()
        };
        dispatcher.with_method(web::METHOD, Arc::new(web::WebResolver::new(policy)?))
    };
    #[cfg(not(feature = "web"))]
    let _ = allow_local;
    #[cfg(feature = "pkh")]
    let dispatcher = dispatcher.with_method("pkh", Arc::new(pkh::PkhResolver));
    Ok(dispatcher)
}

/// The resolver of every method avid resolves ([`default_dispatcher`]) behind a
/// [`CachingResolver`].
pub type DefaultResolver = CachingResolver<MethodDispatcher>;

/// How [`default_resolver`] reaches the network and caches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefaultResolverConfig {
    /// Let did:web use plain http and loopback addresses, for a test server on this machine
    /// (see [`default_dispatcher`]). Never for a resolver on the open internet.
    pub allow_local: bool,
    /// The cache in front of the methods.
    pub cache: CacheConfig,
}

/// The one resolver both binaries (and any platform that wants avid's defaults) use: every
/// method, did:web through the guarded fetcher, behind the cache.
pub fn default_resolver(config: DefaultResolverConfig) -> Result<DefaultResolver, FetchError> {
    Ok(CachingResolver::new(
        default_dispatcher(config.allow_local)?,
        config.cache,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_methods_that_derive_the_document_count_as_derived() {
        for name in ["key", "jwk", "peer"] {
            assert!(is_derived(name), "did:{name}");
        }
        // did:web fetches its document; did:pkh is not one of ours to vouch for.
        for name in ["web", "pkh", "", "KEY"] {
            assert!(!is_derived(name), "did:{name}");
        }
    }
}
