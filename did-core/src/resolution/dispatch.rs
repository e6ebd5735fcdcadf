//! Routing by DID method: one resolver per method name, `methodNotSupported` for the rest.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};
use crate::did::Did;

/// A resolver that hands each DID to the resolver registered for its method.
#[derive(Clone, Default)]
pub struct MethodDispatcher {
    methods: BTreeMap<String, Arc<dyn Resolver>>,
}

impl MethodDispatcher {
    /// A dispatcher that knows no method yet.
    pub fn new() -> MethodDispatcher {
        MethodDispatcher::default()
    }

    /// Registers `resolver` for the method `name` (e.g. `"key"`), replacing any earlier one.
    pub fn with_method(mut self, name: &str, resolver: Arc<dyn Resolver>) -> MethodDispatcher {
        self.methods.insert(name.to_owned(), resolver);
        self
    }

    /// The method names this dispatcher resolves, sorted.
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(String::as_str)
    }

    /// Whether `name` has a resolver.
    pub fn supports(&self, name: &str) -> bool {
        self.methods.contains_key(name)
    }
}

impl std::fmt::Debug for MethodDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodDispatcher")
            .field("methods", &self.methods.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[async_trait]
impl Resolver for MethodDispatcher {
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        // DID Core §7.1.2: the representation is checked before any work is done.
        options.representation()?;
        let Some(resolver) = self.methods.get(did.method()) else {
            return Err(ResolutionError::new(
                ErrorKind::MethodNotSupported,
                format!(
                    "no resolver for did:{}; supported methods: {}",
                    crate::excerpt::excerpt(did.method()),
                    self.methods.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        resolver.resolve(did, options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyType, SecretKey};
    use crate::method::{DID_KEY, key::did_key};
    use crate::resolution::ErrorKind;

    fn dispatcher() -> MethodDispatcher {
        MethodDispatcher::new().with_method("key", Arc::new(DID_KEY))
    }

    #[tokio::test]
    async fn routes_by_method() {
        let did = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
        let resolution = dispatcher()
            .resolve(&did, &ResolutionOptions::default())
            .await
            .unwrap();
        assert_eq!(resolution.document.id, did);
    }

    #[tokio::test]
    async fn unknown_method_is_method_not_supported() {
        let did = Did::parse("did:example:123").unwrap();
        let error = dispatcher()
            .resolve(&did, &ResolutionOptions::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::MethodNotSupported);
        assert!(
            error.detail.contains("key"),
            "lists what is supported: {error}"
        );
    }

    #[tokio::test]
    async fn rejects_log_injection_and_unbounded_echo_in_error_details() {
        let did = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
        let options = ResolutionOptions {
            accept: Some(format!(
                "text/html\r\n2026-12-06 INFO forged{}",
                "x".repeat(500)
            )),
        };
        let error = dispatcher().resolve(&did, &options).await.unwrap_err();
        assert!(!error.detail.contains(['\r', '\n']), "{error}");
        assert!(error.detail.len() < 200, "{error}");

        let long = Did::parse(&format!("did:key:z{}", "1".repeat(5000))).unwrap();
        let error = dispatcher()
            .resolve(&long, &ResolutionOptions::default())
            .await
            .unwrap_err();
        assert!(error.detail.len() < 300, "{} bytes", error.detail.len());
        let method = Did::parse(&format!("did:{}:x", "a".repeat(5000))).unwrap();
        let error = dispatcher()
            .resolve(&method, &ResolutionOptions::default())
            .await
            .unwrap_err();
        assert!(error.detail.len() < 300, "{} bytes", error.detail.len());
    }

    #[tokio::test]
    async fn unsupported_representation_is_refused_before_resolving() {
        let did = Did::parse("did:example:123").unwrap();
        let options = ResolutionOptions {
            accept: Some("text/html".into()),
        };
        let error = dispatcher().resolve(&did, &options).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepresentationNotSupported);
    }
}
