//! The key a DID URL names, as its DID's document authorizes it for a purpose: the one lookup
//! behind every "is this the signer's key?" check (issuer keys, link proofs, Request Objects).
//!
//! The rule (DID Core §5.3, §7.1.3): resolve the DID of the URL; a deactivated DID speaks for
//! no one; the verification method must be referenced (or embedded) by one of the
//! verification relationships the caller names — a key present in the document but outside
//! them is not usable for that purpose; and its key material must read as a public key.

use std::fmt;

use super::{ResolutionError, ResolutionOptions, Resolver};
use crate::did::DidUrl;
use crate::document::{DocumentError, RelationshipKind};
use crate::excerpt::excerpt;
use crate::key::PublicKey;

/// Why a DID URL names no usable key for the relationships asked. Each caller maps the variants
/// to its own error codes; the enum is exhaustive on purpose, so that a new way to fail makes
/// every caller decide what it means for them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyLookupError {
    /// The DID did not resolve.
    #[error("the DID `{did}` did not resolve: {source}")]
    Unresolvable {
        /// The DID, shortened.
        did: String,
        /// The resolver's error.
        source: ResolutionError,
    },
    /// The DID resolved to a deactivated document (DID Core §7.1.3): it speaks for no one.
    #[error("the DID `{did}` is deactivated (DID Core §7.1.3)")]
    Deactivated {
        /// The DID, shortened.
        did: String,
    },
    /// The document has no verification method of that id.
    #[error("the DID document has no verification method `{kid}`")]
    MethodNotFound {
        /// The DID URL, shortened.
        kid: String,
    },
    /// The method exists but none of the relationships asked references it (DID Core §5.3).
    #[error(
        "verification method `{kid}` is not authorized for {} in the DID document (DID Core §5.3)",
        RelationshipList(relationships)
    )]
    NotAuthorized {
        /// The DID URL, shortened.
        kid: String,
        /// The relationships that were asked, none of which holds the method.
        relationships: Vec<RelationshipKind>,
    },
    /// The method's key material does not read as a public key of a supported type.
    #[error("the key of verification method `{kid}` is unusable: {reason}")]
    UnusableKey {
        /// The DID URL, shortened.
        kid: String,
        /// What is wrong with the key material.
        reason: String,
    },
}

/// `` `authentication` or `assertionMethod` ``, for messages.
struct RelationshipList<'a>(&'a [RelationshipKind]);

impl fmt::Display for RelationshipList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("any relationship (none was asked)");
        }
        for (index, kind) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "`{}`", kind.property())?;
        }
        Ok(())
    }
}

/// The public key of verification method `kid`, resolved through `resolver`, provided the
/// DID's document authorizes it for at least one of `relationships` (tried in order; an empty
/// list authorizes nothing).
///
/// The DID is `kid`'s own: whether it is the DID the caller expected (the issuer, the avatar,
/// the client) is the caller's check, made before this one.
///
/// ```
/// # use std::sync::Arc;
/// # use did_core::document::RelationshipKind;
/// # use did_core::key::{KeyType, SecretKey};
/// # use did_core::method::{DID_KEY, key::did_key_verification_method};
/// # use did_core::resolution::dispatch::MethodDispatcher;
/// use did_core::resolution::key_lookup::{KeyLookupError, verification_key};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let resolver = MethodDispatcher::new().with_method("key", Arc::new(DID_KEY));
/// let key = SecretKey::generate(KeyType::Ed25519).public_key();
/// let kid = did_key_verification_method(&key);
/// let found = verification_key(&resolver, &kid, &[RelationshipKind::AssertionMethod]).await?;
/// assert_eq!(found, key);
/// // A did:key's key is no key agreement key.
/// let refused = verification_key(&resolver, &kid, &[RelationshipKind::KeyAgreement]).await;
/// assert!(matches!(refused, Err(KeyLookupError::NotAuthorized { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn verification_key(
    resolver: &dyn Resolver,
    kid: &DidUrl,
    relationships: &[RelationshipKind],
) -> Result<PublicKey, KeyLookupError> {
    let did = kid.did();
    let resolution = resolver
        .resolve(did, &ResolutionOptions::default())
        .await
        .map_err(|source| KeyLookupError::Unresolvable {
            did: excerpt(did.as_str()),
            source,
        })?;
    // DID Core §7.1.3: a deactivated DID no longer speaks for anyone.
    if resolution.document_metadata.deactivated {
        return Err(KeyLookupError::Deactivated {
            did: excerpt(did.as_str()),
        });
    }
    let document = &resolution.document;
    // DID Core §5.3: a key is usable for a purpose only through that relationship.
    let Some(method) = relationships
        .iter()
        .find_map(|kind| document.method_for(kid, *kind))
    else {
        let kid_text = excerpt(kid.as_str());
        return Err(if document.find_method(kid).is_some() {
            KeyLookupError::NotAuthorized {
                kid: kid_text,
                relationships: relationships.to_vec(),
            }
        } else {
            KeyLookupError::MethodNotFound { kid: kid_text }
        });
    };
    method
        .public_key()
        .map_err(|error| KeyLookupError::UnusableKey {
            kid: excerpt(kid.as_str()),
            reason: unusable_reason(error),
        })
}

/// What is wrong with a method's key material, without the method id the document error
/// repeats (the lookup error names it, shortened).
fn unusable_reason(error: DocumentError) -> String {
    match error {
        DocumentError::Key { source, .. } => source.to_string(),
        DocumentError::VerificationMethod { reason, .. } => reason,
        other => excerpt(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::resolution::fake::FixedResolver;
    use std::sync::Arc;

    use super::*;
    use crate::did::Did;
    use crate::document::{DidDocument, KeyMaterial, VerificationMethod};
    use crate::key::{KeyType, SecretKey};
    use crate::method::DID_KEY;
    use crate::method::key::did_key_verification_method;
    use crate::resolution::ErrorKind;
    use crate::resolution::dispatch::MethodDispatcher;

    use RelationshipKind::{AssertionMethod, Authentication, KeyAgreement};

    fn did() -> Did {
        Did::parse("did:example:party").unwrap()
    }

    /// A document whose `#key-1` is under `relationships`, the key, and `#key-1`.
    fn document_with(relationships: &[RelationshipKind]) -> (DidDocument, PublicKey, DidUrl) {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let url = did().with_fragment("key-1").unwrap();
        let mut document = DidDocument::new(did());
        document.add_method(
            VerificationMethod::multikey(url.clone(), did(), &key),
            relationships,
        );
        (document, key, url)
    }

    async fn lookup(
        resolver: &dyn Resolver,
        kid: &DidUrl,
        relationships: &[RelationshipKind],
    ) -> Result<PublicKey, KeyLookupError> {
        verification_key(resolver, kid, relationships).await
    }

    #[tokio::test]
    async fn finds_the_key_under_any_relationship_asked() {
        let (document, key, kid) = document_with(&[AssertionMethod]);
        let resolver = FixedResolver::live(document);
        assert_eq!(
            lookup(&resolver, &kid, &[AssertionMethod]).await,
            Ok(key.clone())
        );
        assert_eq!(
            lookup(&resolver, &kid, &[Authentication, AssertionMethod]).await,
            Ok(key)
        );
    }

    #[tokio::test]
    async fn finds_a_did_key_through_a_real_resolver() {
        let resolver = MethodDispatcher::new().with_method("key", Arc::new(DID_KEY));
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let kid = did_key_verification_method(&key);
        for relationship in [Authentication, AssertionMethod] {
            assert_eq!(
                lookup(&resolver, &kid, &[relationship]).await,
                Ok(key.clone())
            );
        }
    }

    #[tokio::test]
    async fn rejects_unresolvable_did() {
        let resolver = MethodDispatcher::new();
        let (_, _, kid) = document_with(&[Authentication]);
        let error = lookup(&resolver, &kid, &[Authentication])
            .await
            .unwrap_err();
        let KeyLookupError::Unresolvable { did, source } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(did, "did:example:party");
        assert_eq!(source.kind, ErrorKind::MethodNotSupported);
        assert!(error.to_string().contains("did:example:party"), "{error}");
    }

    #[tokio::test]
    async fn rejects_deactivated_did() {
        let (document, _, kid) = document_with(&[Authentication]);
        assert_eq!(
            lookup(
                &FixedResolver::deactivated(document),
                &kid,
                &[Authentication]
            )
            .await,
            Err(KeyLookupError::Deactivated {
                did: "did:example:party".into()
            })
        );
    }

    #[tokio::test]
    async fn rejects_method_the_document_lacks() {
        let (document, _, _) = document_with(&[Authentication]);
        let other = did().with_fragment("key-2").unwrap();
        assert_eq!(
            lookup(&FixedResolver::live(document), &other, &[Authentication]).await,
            Err(KeyLookupError::MethodNotFound {
                kid: "did:example:party#key-2".into()
            })
        );
    }

    #[tokio::test]
    async fn rejects_key_outside_the_relationships_asked() {
        let (document, _, kid) = document_with(&[Authentication, KeyAgreement]);
        let error = lookup(
            &FixedResolver::live(document.clone()),
            &kid,
            &[AssertionMethod],
        )
        .await
        .unwrap_err();
        assert_eq!(
            error,
            KeyLookupError::NotAuthorized {
                kid: "did:example:party#key-1".into(),
                relationships: vec![AssertionMethod],
            }
        );
        assert!(error.to_string().contains("`assertionMethod`"), "{error}");
        // A key listed only in `verificationMethod` is authorized for nothing.
        let (document, _, kid) = document_with(&[]);
        let error = lookup(
            &FixedResolver::live(document),
            &kid,
            &[Authentication, AssertionMethod],
        )
        .await
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`authentication` or `assertionMethod`"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn rejects_any_key_when_no_relationship_is_asked() {
        let (document, _, kid) = document_with(&[Authentication]);
        assert!(matches!(
            lookup(&FixedResolver::live(document), &kid, &[]).await,
            Err(KeyLookupError::NotAuthorized { .. })
        ));
    }

    #[tokio::test]
    async fn rejects_unusable_key_material() {
        let (mut document, _, kid) = document_with(&[Authentication]);
        document.verification_method[0].key_material =
            Some(KeyMaterial::Multibase("z-not-base58".into()));
        let error = lookup(
            &FixedResolver::live(document.clone()),
            &kid,
            &[Authentication],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, KeyLookupError::UnusableKey { kid, .. } if kid == "did:example:party#key-1"),
            "{error:?}"
        );
        document.verification_method[0].key_material = None;
        let error = lookup(&FixedResolver::live(document), &kid, &[Authentication])
            .await
            .unwrap_err();
        let KeyLookupError::UnusableKey { reason, .. } = &error else {
            panic!("{error:?}");
        };
        assert!(reason.contains("no publicKeyMultibase"), "{reason}");
    }

    #[tokio::test]
    async fn quotes_untrusted_ids_shortened() {
        let long = format!("did:example:{}", "a".repeat(200));
        let kid = Did::parse(&long).unwrap().with_fragment("key-1").unwrap();
        let resolver = FixedResolver::live(DidDocument::new(kid.did().clone()));
        let error = lookup(&resolver, &kid, &[Authentication])
            .await
            .unwrap_err();
        let KeyLookupError::MethodNotFound { kid: quoted } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(quoted.chars().count(), 65, "{quoted}");
        assert!(quoted.ends_with('…'));
        let error = lookup(
            &FixedResolver::deactivated(DidDocument::new(kid.did().clone())),
            &kid,
            &[],
        )
        .await
        .unwrap_err();
        assert!(error.to_string().len() < 200, "{error}");
    }
}
