//! The status list key source a verifier of credentials uses: the list must be signed by a
//! key of the credential's own issuer, found exactly as the credential's key was found — for
//! a DID issuer, the DID document's `assertionMethod` ([`DidIssuerKeys`]).
//!
//! Token Status List §11.3 leaves key resolution to the ecosystem and recommends that the
//! Status Issuer be the Referenced Token's issuer, using "the same web-based key resolution".
//! Without that binding a signed list proves nothing: whoever serves the list URL could sign a
//! list with a key of their own and reinstate a revoked credential.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use did_core::key::PublicKey;

use super::StatusError;
use super::error::quoted;
use super::keys::{KeyRequest, StatusListKeys};
#[cfg(doc)]
use crate::issuer_keys::DidIssuerKeys;
use crate::issuer_keys::{IssuerKeyRequest, IssuerKeys};

/// Status list keys from the credential issuer's keys: the list's `kid` must name a key that
/// `issuer_keys` gives for the issuer of the credential being checked
/// ([`KeyRequest::credential_issuer`]).
///
/// With [`DidIssuerKeys`] that is: `kid` a DID URL of the issuer's DID (absolute, or relative
/// to it), the DID resolved, the key authorized under `assertionMethod` (DID Core §5.3.2) — the
/// rule credentials follow, and its cache shared with theirs when the same instance is given.
/// A list that names another issuer is refused before any resolution. A request that does not
/// say whose credential it is for is refused: this source has nothing to bind the list to.
#[derive(Clone)]
pub struct IssuerStatusListKeys {
    issuer_keys: Arc<dyn IssuerKeys>,
}

impl IssuerStatusListKeys {
    /// Status list keys found through `issuer_keys`, typically the [`DidIssuerKeys`] the
    /// verifier also uses for credentials.
    pub fn new(issuer_keys: Arc<dyn IssuerKeys>) -> IssuerStatusListKeys {
        IssuerStatusListKeys { issuer_keys }
    }
}

impl fmt::Debug for IssuerStatusListKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerStatusListKeys")
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl StatusListKeys for IssuerStatusListKeys {
    async fn public_key(&self, request: &KeyRequest<'_>) -> Result<PublicKey, StatusError> {
        let Some(issuer) = request.credential_issuer else {
            return Err(StatusError::KeyUnavailable {
                kid: quoted(request.kid),
                reason: "the issuer of the credential was not given, so the status list cannot be tied to it; check the status for a credential of a known issuer".to_owned(),
            });
        };
        // §11.3: the list is the credential issuer's. The claim is unverified here; the client
        // compares it again once the signature holds. Refusing now spares a resolution.
        if let Some(list_issuer) = request.issuer {
            if list_issuer != issuer {
                return Err(StatusError::IssuerMismatch {
                    expected: quoted(issuer),
                    found: quoted(list_issuer),
                });
            }
        }
        self.issuer_keys
            // Until the status check is given the verifier's `now`, the key cache runs on the
            // system clock here.
            .issuer_key(&IssuerKeyRequest::new(
                issuer,
                Some(request.kid),
                did_core::time::unix_now(),
            ))
            .await
            .map_err(|error| StatusError::KeyUnavailable {
                kid: quoted(request.kid),
                reason: format!("the list must be signed by the credential's issuer: {error}"),
            })
    }
}

#[cfg(test)]
mod tests {
    use did_core::key::{KeyType, SecretKey};
    use did_core::method::DID_KEY;
    use did_core::method::key::did_key;
    use did_core::resolution::dispatch::MethodDispatcher;

    use super::*;
    use crate::issuer_keys::DidIssuerKeys;

    fn keys() -> IssuerStatusListKeys {
        let resolver = MethodDispatcher::new().with_method(DID_KEY.name(), Arc::new(DID_KEY));
        IssuerStatusListKeys::new(Arc::new(DidIssuerKeys::new(Arc::new(resolver))))
    }

    /// A did:key DID and the DID URL of its one key.
    fn did_and_kid(key: &PublicKey) -> (String, String) {
        let did = did_key(key).to_string();
        let kid = format!("{did}#{}", key.to_multikey());
        (did, kid)
    }

    fn request<'a>(
        kid: &'a str,
        issuer: Option<&'a str>,
        credential_issuer: Option<&'a str>,
    ) -> KeyRequest<'a> {
        KeyRequest {
            kid,
            issuer,
            list_url: "https://status.example/1",
            credential_issuer,
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("runtime: {error}"))
    }

    #[test]
    fn finds_the_credential_issuers_assertion_key() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, kid) = did_and_kid(&key);
        let keys = keys();
        assert_eq!(
            block_on(keys.public_key(&request(&kid, None, Some(&did)))),
            Ok(key.clone())
        );
        // A list that names its issuer, the same one.
        assert_eq!(
            block_on(keys.public_key(&request(&kid, Some(&did), Some(&did)))),
            Ok(key.clone())
        );
        // A `kid` relative to the issuer's DID names the same key.
        let relative = format!("#{}", key.to_multikey());
        assert_eq!(
            block_on(keys.public_key(&request(&relative, None, Some(&did)))),
            Ok(key)
        );
    }

    #[test]
    fn rejects_list_signed_by_another_did() {
        // The attacker signs with a key their own DID authorizes, perfectly resolvable.
        let issuer = SecretKey::generate(KeyType::Ed25519).public_key();
        let attacker = SecretKey::generate(KeyType::Ed25519).public_key();
        let (issuer_did, _) = did_and_kid(&issuer);
        let (attacker_did, attacker_kid) = did_and_kid(&attacker);
        let keys = keys();
        assert!(matches!(
            block_on(keys.public_key(&request(&attacker_kid, None, Some(&issuer_did)))),
            Err(StatusError::KeyUnavailable { .. })
        ));
        // Naming itself as the list's issuer does not help.
        assert!(matches!(
            block_on(keys.public_key(&request(
                &attacker_kid,
                Some(&attacker_did),
                Some(&issuer_did)
            ))),
            Err(StatusError::IssuerMismatch { .. })
        ));
    }

    #[test]
    fn rejects_request_without_credential_issuer() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, kid) = did_and_kid(&key);
        // Even a list that names its own issuer is not enough: nothing says it is the
        // credential's.
        match block_on(keys().public_key(&request(&kid, Some(&did), None))) {
            Err(StatusError::KeyUnavailable { reason, .. }) => {
                assert!(reason.contains("issuer of the credential"), "{reason}")
            }
            other => panic!("expected KeyUnavailable, got {other:?}"),
        }
    }

    #[test]
    fn rejects_kid_that_is_not_a_did_url() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let (did, _) = did_and_kid(&key);
        assert!(matches!(
            block_on(keys().public_key(&request("status-key-1", None, Some(&did)))),
            Err(StatusError::KeyUnavailable { .. })
        ));
    }
}
