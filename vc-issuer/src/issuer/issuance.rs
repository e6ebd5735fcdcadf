//! Issuing avatar-link credentials from the persistent issuer: the link nonces and passkey
//! registrations it hands out (single use, kept in its store so that any node finishes what
//! another started), the check of a holder's issuance request (every link proof, the passkey
//! registration), and the signing of the credential's copies inside the store's issuance
//! transaction, so that a failure leaves no credential, no status index and no log entry.

use std::sync::Arc;
use std::time::Duration;

use did_core::did::DidUrl;
use did_core::excerpt::excerpt;
use did_core::jose::Signer;
use did_core::key::PublicKey;
use did_core::resolution::Resolver;
use serde::Deserialize;
use serde_json::Value;

use super::{IssueError, IssuerStore, NewCredential, StoreError};
use crate::avatar::{
    AVATAR_LINK_VCT, AvatarError, AvatarLinkCredential, HolderBinding, IssuanceRequest,
    LinkExpectations, LinkNonces, LinkPolicy, LinkProof, LinkProofError, LinkedAvatar,
    PersonalData, verify_link_proofs,
};
use crate::mfa::{
    PASSKEY_CLAIM, PasskeyError, PasskeyRegistrar, RegisterPublicKeyCredential, RelyingParty,
};
use crate::single_use::SingleUseStore;

/// How long a link nonce or a passkey registration challenge of the issuer can be answered:
/// ten minutes, time for a person to run the wallet between two issuer commands.
pub const ISSUER_CHALLENGE_TTL: Duration = Duration::from_secs(600);

/// How long an avatar-link credential is valid by default: one year.
pub const DEFAULT_VALIDITY: Duration = Duration::from_secs(365 * 86_400);

/// The most links one issuance request may carry: the avatars array's largest bound.
const MAX_LINKS: usize = crate::avatar::MAX_AVATAR_BOUND;

/// Reads the JSON form of an issuance request.
pub fn read_issuance_request(json: &Value) -> Result<IssuanceRequest, IssuanceError> {
    IssuanceRequest::deserialize(json).map_err(|error| {
        IssuanceError::Request(format!(
            "not an issuance request {{holder, holder_keys?, links}}: {}",
            excerpt(&error.to_string())
        ))
    })
}

/// The holder key of each copy `request` asks for: the keys given, or the key of the
/// holder's did:key.
fn copy_keys(request: &IssuanceRequest) -> Result<Vec<PublicKey>, IssuanceError> {
    if request.holder_keys.is_empty() {
        let key = did_core::method::key::decode(&request.holder).map_err(|_| {
            IssuanceError::Request(
                "the holder is not a did:key, so the request must give `holder_keys`".into(),
            )
        })?;
        return Ok(vec![key]);
    }
    request
        .holder_keys
        .iter()
        .map(|jwk| {
            PublicKey::from_jwk(jwk).map_err(|error| {
                IssuanceError::Request(format!("a holder key is not usable: {error}"))
            })
        })
        .collect()
}

/// A credential the issuer registered and signed: its id in the register and its copies.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// The credential's id in the register (what `revoke`, `suspend` and `reinstate` take).
    pub id: String,
    /// The compact SD-JWTs, one per copy.
    pub credentials: Vec<String>,
}

impl std::fmt::Debug for Issued {
    /// The id and the number of copies; never the credentials, which carry personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("id", &self.id)
            .field("copies", &self.credentials.len())
            .finish()
    }
}

/// Why an issuance step failed. Nothing is recorded by a failed issuance; the nonces of link
/// proofs that were checked are spent, so the holder signs again over fresh ones.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssuanceError {
    /// The issuance request is malformed or incomplete.
    #[error("the issuance request is invalid: {0}")]
    Request(String),
    /// A link proof does not hold (`link_proof_invalid`).
    #[error("link {index}: {source}")]
    Link {
        /// The link's position in the request, from 1.
        index: usize,
        /// Why.
        source: LinkProofError,
    },
    /// The passkey registration failed, or the issuer has no relying party for one.
    #[error(transparent)]
    Passkey(#[from] PasskeyError),
    /// The issuer was set up without a passkey relying party.
    #[error(
        "this issuer has no passkey relying party; give it one (`avid issuer init --rp-id … --origin …`)"
    )]
    NoRelyingParty,
    /// The credential could not be built or signed.
    #[error(transparent)]
    Credential(#[from] AvatarError),
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IssuerStore {
    /// The issuer's link nonces, kept in this store for [`ISSUER_CHALLENGE_TTL`], so that
    /// any node of the issuer checks a proof over a nonce another node handed out.
    pub fn link_nonces(&self) -> LinkNonces {
        LinkNonces::new(self.shared(), ISSUER_CHALLENGE_TTL)
    }

    /// The issuer's passkey registrations for `relying_party` (user verification required),
    /// their state kept in this store, single use, for [`ISSUER_CHALLENGE_TTL`].
    pub fn passkey_registrar(
        &self,
        relying_party: &RelyingParty,
    ) -> Result<PasskeyRegistrar, IssuanceError> {
        Ok(PasskeyRegistrar::with_challenge_ttl(
            relying_party.clone(),
            self.shared(),
            ISSUER_CHALLENGE_TTL.as_secs(),
        )?)
    }

    fn shared(&self) -> Arc<dyn SingleUseStore> {
        Arc::new(self.clone())
    }
}

/// The persistent issuer of avatar-link credentials: its store, its signing key and
/// verification method, its passkey relying party, and the resolver that checks link proofs.
pub struct AvatarIssuer<'a> {
    store: &'a IssuerStore,
    signer: &'a dyn Signer,
    kid: &'a DidUrl,
    relying_party: Option<&'a RelyingParty>,
    resolver: &'a dyn Resolver,
    validity: Duration,
}

impl std::fmt::Debug for AvatarIssuer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvatarIssuer")
            .field("kid", &self.kid.as_str())
            .field("relying_party", &self.relying_party)
            .field("validity", &self.validity)
            .finish_non_exhaustive()
    }
}

impl<'a> AvatarIssuer<'a> {
    /// The issuer signing with `signer` as `kid`, recording in `store`, registering passkeys
    /// for `relying_party` (if it has one), resolving avatar and holder DIDs with `resolver`.
    pub fn new(
        store: &'a IssuerStore,
        signer: &'a dyn Signer,
        kid: &'a DidUrl,
        relying_party: Option<&'a RelyingParty>,
        resolver: &'a dyn Resolver,
    ) -> Self {
        Self {
            store,
            signer,
            kid,
            relying_party,
            resolver,
            validity: DEFAULT_VALIDITY,
        }
    }

    /// This issuer, issuing credentials valid for `validity`.
    pub fn with_validity(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    fn registrar(&self) -> Result<PasskeyRegistrar, IssuanceError> {
        let relying_party = self.relying_party.ok_or(IssuanceError::NoRelyingParty)?;
        self.store.passkey_registrar(relying_party)
    }

    /// Issues the avatar-link credential `request` asks for, with `personal` data and, when
    /// given, the passkey the holder's authenticator registered (`registration`, answering a
    /// registration started with [`IssuerStore::passkey_registrar`] for the same holder):
    /// every link proof is checked (all signed over the one nonce of this issuance, then
    /// spent), the registration finished, then the credential is registered, its status
    /// indexes drawn and its copies signed in one store transaction.
    pub async fn issue(
        &self,
        request: &IssuanceRequest,
        personal: PersonalData,
        registration: Option<&RegisterPublicKeyCredential>,
        now: u64,
    ) -> Result<Issued, IssuanceError> {
        if request.links.is_empty() || request.links.len() > MAX_LINKS {
            return Err(IssuanceError::Request(format!(
                "an issuance links 1 to {MAX_LINKS} avatars"
            )));
        }
        let keys = copy_keys(request)?;
        let copies = u32::try_from(keys.len())
            .map_err(|_| IssuanceError::Request("too many holder keys".into()))?;
        let expires_at = now.saturating_add(self.validity.as_secs());
        let mut credential = AvatarLinkCredential::new(request.holder.clone(), now, expires_at)
            .with_personal_data(personal);
        let proofs: Vec<(&LinkProof, LinkExpectations)> = request
            .links
            .iter()
            .map(|link| {
                let expected = LinkExpectations::new(request.holder.clone(), link.platform.clone());
                (&link.proof, expected)
            })
            .collect();
        let verified = verify_link_proofs(
            &proofs,
            &self.store.link_nonces(),
            self.resolver,
            &LinkPolicy::default(),
            now,
        )
        .await
        .map_err(|(position, source)| IssuanceError::Link {
            index: position + 1,
            source,
        })?;
        for (link, verified) in request.links.iter().zip(verified) {
            credential = credential.with_avatar(LinkedAvatar::new(verified, &link.handle)?);
        }
        if let Some(registration) = registration {
            let binding = self
                .registrar()?
                .finish_registration(request.holder.as_str(), registration, now)
                .await?;
            let claims =
                serde_json::Map::from_iter([(PASSKEY_CLAIM.to_owned(), binding.to_claim())]);
            credential = credential.with_disclosable_claims(claims)?;
        }
        let record = NewCredential::new(request.holder.as_str(), AVATAR_LINK_VCT, now)
            .copies(copies)
            .expiring_at(expires_at);
        let (registered, credentials) = self
            .store
            .issue(&record, |registered| {
                let bindings: Vec<HolderBinding> = keys
                    .iter()
                    .zip(&registered.status)
                    .map(|(key, status)| HolderBinding::new(key.clone(), status.clone()))
                    .collect();
                credential.issue_batch(self.signer, self.kid, &bindings)
            })
            .await
            .map_err(|error| match error {
                IssueError::Store(error) => IssuanceError::Store(error),
                IssueError::Sign(error) => IssuanceError::Credential(error),
            })?;
        Ok(Issued {
            id: registered.id,
            credentials,
        })
    }
}
