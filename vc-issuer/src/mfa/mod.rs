//! The passkey factor (factor 2) of the avatar-link credential: WebAuthn registration by the
//! issuer, the signed `passkey` claim, and WebAuthn authentication by a verifier, through
//! `webauthn-rs` 0.6.
//!
//! The flow (DESIGN.md, "Two-factor avatar login", steps 3–4):
//!
//! 1. At issuance, the issuer runs a WebAuthn registration for the holder
//!    ([`PasskeyRegistrar`]: its relying party id and origin, user verification required) and
//!    signs the result into the credential as the disclosable `passkey` claim
//!    ([`PasskeyBinding`]: credential id, public key as a JWK, RP ID, origin).
//! 2. A world that requires the factor asks for the claim. After verifying the presentation it
//!    takes the binding ([`require_passkey`]: `factor_missing` if it was not disclosed) and
//!    starts a WebAuthn authentication for exactly that credential id, bound to its login
//!    transaction ([`PasskeyVerifier::start_authentication`]).
//! 3. The wallet's authenticator answers; the world finishes the assertion
//!    ([`require_assertion`], [`PasskeyVerifier::finish_authentication`]) against the bound key,
//!    RP ID and origin: signature, user verification, and the counter kept per credential id.
//!
//! Challenges are single use and expire ([`DEFAULT_CHALLENGE_TTL_SECS`], two minutes). The
//! ceremonies are pure over their inputs: `now` is passed in as Unix seconds, and the state
//! between a start and its finish sits in a [`SingleUseStore`](crate::single_use::SingleUseStore)
//! and a [`CounterStore`], with in-memory defaults; the states serialize (`webauthn-rs`'s
//! `danger-allow-state-serialisation`) so that a database can keep them.
//!
//! # Privacy
//!
//! The credential id is a stable identifier of the holder: a world that requires the passkey
//! factor sees it in the disclosed claim and in every assertion, and can recognise the holder
//! by it across logins, and two such worlds can link the holder through it. That is why the
//! claim is selectively disclosable: a world that does not require the factor never sees it.
//!
//! # Relying party
//!
//! The world checks the assertion as a relying party for the issuer's RP ID and origin. A
//! native wallet (the `avid` CLI) can answer for any RP ID; a browser answers only on the
//! issuer's origin, or where the issuer lists the world's origin as a related origin (WebAuthn
//! Level 3, "Related Origin Requests"), which this verifier does not accept yet.
//!
//! # Example
//!
//! The whole ceremony, with `webauthn-authenticator-rs`'s software passkey as the holder's
//! authenticator:
//!
//! ```
//! use serde_json::Map;
//! use vc_issuer::mfa::{PasskeyRegistrar, PasskeyVerifier, RelyingParty, require_passkey};
//! use webauthn_authenticator_rs::WebauthnAuthenticator;
//! use webauthn_authenticator_rs::prelude::Url;
//! use webauthn_authenticator_rs::softpasskey::SoftPasskey;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let now = 1_780_000_000;
//! let origin = Url::parse("https://issuer.avid.example")?;
//! let mut authenticator = SoftPasskey::new(true);
//!
//! // The issuer registers the holder's passkey and signs the binding into the credential…
//! let relying_party = RelyingParty::new("avid.example", origin.as_str(), "avid issuer")?;
//! let registrar = PasskeyRegistrar::in_memory(relying_party)?;
//! let options = registrar.start_registration("holder-42", now).await?;
//! let response = authenticator
//!     .do_registration(origin.clone(), options)
//!     .map_err(|error| format!("{error:?}"))?;
//! let binding = registrar.finish_registration("holder-42", &response, now + 10).await?;
//! let mut disclosed = Map::new();
//! disclosed.insert("passkey".to_owned(), binding.to_claim());
//!
//! // …and a world that requires the factor authenticates that passkey at login.
//! let verifier = PasskeyVerifier::in_memory();
//! let binding = require_passkey(&disclosed).map_err(|error| error.message)?;
//! let request = verifier.start_authentication(&binding, "login-7", now + 3600).await?;
//! let assertion = authenticator
//!     .do_authentication(origin, request)
//!     .map_err(|error| format!("{error:?}"))?;
//! let verified = verifier.finish_authentication("login-7", &assertion, now + 3630).await?;
//! assert_eq!(&verified.credential_id, binding.credential_id());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok(())
//! # }
//! ```

mod authentication;
mod binding;
mod error;
mod registration;
mod store;

pub use authentication::{PasskeyVerifier, VerifiedAssertion, require_assertion, require_passkey};
pub use binding::{
    BindingError, CredentialId, MAX_CREDENTIAL_ID_LEN, PASSKEY_CLAIM, PasskeyBinding,
};
pub use error::PasskeyError;
pub use registration::{PasskeyRegistrar, RelyingParty};
pub use store::{CounterStore, DEFAULT_COUNTER_LIMITS, InMemoryCounterStore, StoreError};
/// The WebAuthn messages of the ceremonies, as `webauthn-rs` defines them: the options sent to
/// a client and the responses it sends back, all JSON.
pub use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, WebauthnError,
};

/// How long a challenge can be answered, in seconds: two minutes.
pub const DEFAULT_CHALLENGE_TTL_SECS: u64 = 120;

/// The longest holder or transaction id a ceremony is kept under.
pub const MAX_CEREMONY_ID_LEN: usize = 512;

/// Refuses an empty or overlong holder or transaction id before it keys a store.
fn check_ceremony_id(id: &str) -> Result<(), PasskeyError> {
    if id.is_empty() || id.len() > MAX_CEREMONY_ID_LEN {
        return Err(PasskeyError::CeremonyIdLength {
            max: MAX_CEREMONY_ID_LEN,
            got: id.len(),
        });
    }
    Ok(())
}
