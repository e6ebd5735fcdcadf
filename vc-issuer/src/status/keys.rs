//! Finding the key that signed a status list: the [`StatusListKeys`] trait a verifier
//! implements (over DID resolution, a trust list, a pinned key) and [`StaticStatusListKeys`],
//! a fixed map from `kid` to key.

use std::collections::HashMap;

use async_trait::async_trait;
use did_core::key::PublicKey;

use super::StatusError;
use super::error::quoted;

/// What is known, before verification, about the signer of a status list: enough to look up
/// its key, nothing to trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRequest<'a> {
    /// The JWS header's `kid`, typically a DID URL naming a verification method.
    pub kid: &'a str,
    /// The issuer the (unverified) list names: `iss` of a Status List Token, `issuer` of a
    /// status list credential. A lookup should only return a key the issuer controls.
    pub issuer: Option<&'a str>,
    /// The URL the list was fetched from.
    pub list_url: &'a str,
    /// The issuer of the credential whose status is being checked, when the caller knows it
    /// (the verifier always does). Token Status List §11.3 recommends that the list be signed
    /// the way the credential is, so a lookup may demand a key of this issuer and no other.
    pub credential_issuer: Option<&'a str>,
}

/// Gives the public key that must have signed a status list.
///
/// This is where trust is decided: Token Status List §11.3 leaves key resolution and trust to
/// the ecosystem. An implementation resolves `kid` (e.g. a DID URL through DID resolution),
/// checks that the key belongs to an issuer it trusts for the list, and returns it; the
/// signature is then verified with that key and nothing else — never a key from the JWS header.
#[async_trait]
pub trait StatusListKeys: Send + Sync {
    /// The key for `request`, or [`StatusError::KeyUnavailable`] saying why there is none.
    async fn public_key(&self, request: &KeyRequest<'_>) -> Result<PublicKey, StatusError>;
}

/// A fixed set of keys by `kid`: for a verifier that pins its issuers' keys, and for tests.
#[derive(Clone, Debug, Default)]
pub struct StaticStatusListKeys {
    keys: HashMap<String, PublicKey>,
}

impl StaticStatusListKeys {
    /// An empty set.
    pub fn new() -> Self {
        StaticStatusListKeys::default()
    }

    /// The set with `key` under `kid` (replacing any key already there).
    pub fn with_key(mut self, kid: impl Into<String>, key: PublicKey) -> Self {
        self.keys.insert(kid.into(), key);
        self
    }
}

#[async_trait]
impl StatusListKeys for StaticStatusListKeys {
    async fn public_key(&self, request: &KeyRequest<'_>) -> Result<PublicKey, StatusError> {
        self.keys
            .get(request.kid)
            .cloned()
            .ok_or_else(|| StatusError::KeyUnavailable {
                kid: quoted(request.kid),
                reason: "no key is configured under this kid".to_owned(),
            })
    }
}
