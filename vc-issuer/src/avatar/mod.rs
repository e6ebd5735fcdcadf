//! Avatar identities linked to a holder: the link proofs that show an avatar DID and a holder
//! DID agree to be linked ([`link`]), the issuer's single-use nonces they carry ([`nonce`]),
//! and the avatar-link credential issued over them ([`credential`]).
//!
//! The flow, issuer and parties in one place (each step is a pure function over its inputs, the
//! resolver and the nonce store aside):
//!
//! ```
//! use std::sync::Arc;
//! use did_core::jose::Algorithm;
//! use did_core::key::{KeyType, SecretKey};
//! use did_core::method::key::{did_key, did_key_verification_method};
//! use did_core::method::DID_KEY;
//! use did_core::resolution::dispatch::MethodDispatcher;
//! use vc_issuer::avatar::{
//!     AvatarLinkCredential, HolderBinding, LinkExpectations, LinkPolicy, LinkProof, LinkStatement,
//!     LinkNonces, LinkedAvatar, PersonalData, Platform, verify_link_proof,
//! };
//! use vc_issuer::status::StatusListReference;
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let now = 1_750_000_000;
//! let resolver = MethodDispatcher::new().with_method("key", Arc::new(DID_KEY));
//! let nonces = LinkNonces::in_memory();
//!
//! // The holder, and one avatar of theirs on the platform `vrchat`.
//! let holder_key = SecretKey::generate(KeyType::Ed25519);
//! let holder = did_key(&holder_key.public_key());
//! let avatar_key = SecretKey::generate(KeyType::Ed25519);
//! let avatar = did_key(&avatar_key.public_key());
//! let platform = Platform::new("vrchat")?;
//!
//! // The issuer hands out a nonce; the avatar and the holder each sign the same statement.
//! let nonce = nonces.issue(now).await?;
//! let statement = LinkStatement::new(avatar, holder.clone(), platform.clone(), nonce, now, now + 300);
//! let proof = LinkProof::new(
//!     statement.sign(
//!         &avatar_key.signer(Algorithm::Ed25519)?,
//!         &did_key_verification_method(&avatar_key.public_key()),
//!     )?,
//!     statement.sign(
//!         &holder_key.signer(Algorithm::Ed25519)?,
//!         &did_key_verification_method(&holder_key.public_key()),
//!     )?,
//! );
//!
//! // The issuer checks the proof, then issues the credential over it.
//! let expected = LinkExpectations::new(holder.clone(), platform);
//! let link = verify_link_proof(&proof, &expected, &nonces, &resolver, &LinkPolicy::default(), now)
//!     .await?;
//! let issuer_key = SecretKey::generate(KeyType::Ed25519);
//! let credential = AvatarLinkCredential::new(holder, now, now + 86_400)
//!     .with_avatar(LinkedAvatar::new(link, "Alice")?)
//!     .with_personal_data(PersonalData { age_over_18: Some(true), ..PersonalData::default() });
//! let binding = HolderBinding::new(
//!     holder_key.public_key(),
//!     StatusListReference::new(17, "https://issuer.example/statuslists/1")?,
//! );
//! let issued = credential.issue(
//!     &issuer_key.signer(Algorithm::Ed25519)?,
//!     &did_key_verification_method(&issuer_key.public_key()),
//!     &binding,
//! )?;
//! assert!(issued.ends_with('~'));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod credential;
mod error;
pub mod link;
pub mod nonce;
mod platform;
mod request;

pub use credential::{
    AVATAR_LINK_VCT, AvatarLinkCredential, DEFAULT_AVATAR_BOUND, EXTRA_DISCLOSABLE_CLAIMS,
    HolderBinding, LinkedAvatar, MAX_AVATAR_BOUND, PersonalData,
};
pub use error::AvatarError;
pub use link::{
    LINK_TYP, LinkExpectations, LinkPolicy, LinkProof, LinkProofError, LinkProofPart,
    LinkStatement, VerifiedLink, verify_link_proof, verify_link_proofs,
};
pub use nonce::{LinkNonces, NonceError};
pub use platform::{MAX_PLATFORM_LEN, Platform};
pub use request::{IssuanceRequest, LinkRequest};
