//! The issuer's side of the passkey factor: the relying party settings, and the WebAuthn
//! registration that gives the [`PasskeyBinding`] to sign into the holder's credential.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    COSEAlgorithm, CreationChallengeResponse, Credential, PasskeyRegistration,
    RegisterPublicKeyCredential, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::binding::{BindingError, CredentialId, PasskeyBinding, Scope, public_key_from_cose_key};
use super::error::PasskeyError;
use super::{DEFAULT_CHALLENGE_TTL_SECS, check_ceremony_id};
use crate::single_use::{InMemorySingleUseStore, Purpose, SingleUseStore, Taken};

/// The relying party an issuer registers passkeys for: its id (the domain a credential is
/// scoped to), the origin of the issuer's pages, and the name a client shows to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    scope: Scope,
    name: String,
}

impl RelyingParty {
    /// The relying party `rp_id` (a domain, e.g. `avid.example`) serving its pages at `origin`
    /// (e.g. `https://issuer.avid.example`), shown to people as `name`. The origin must be
    /// within the RP ID (WebAuthn Level 3 §5.1.3 step 8).
    pub fn new(rp_id: &str, origin: &str, name: &str) -> Result<Self, BindingError> {
        Ok(Self {
            scope: Scope::parse(rp_id, origin)?,
            name: name.to_owned(),
        })
    }

    /// The relying party id.
    pub fn rp_id(&self) -> &str {
        self.scope.rp_id()
    }

    /// The origin, as clients write it (`https://host[:port]`).
    pub fn origin(&self) -> String {
        self.scope.origin()
    }

    /// The name shown to people.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A `webauthn-rs` instance for one relying party: its id, its single allowed origin (no
/// subdomains, no other port), and the timeout it tells clients.
pub(crate) fn webauthn_for(
    scope: &Scope,
    name: Option<&str>,
    challenge_ttl_secs: u64,
) -> Result<Webauthn, PasskeyError> {
    let mut builder = WebauthnBuilder::new(scope.rp_id(), scope.origin_url())?
        .timeout(Duration::from_secs(challenge_ttl_secs));
    if let Some(name) = name {
        builder = builder.rp_name(name);
    }
    Ok(builder.build()?)
}

/// What the issuer keeps between the start and the finish of a registration, under its
/// challenge.
#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    holder_id: String,
    state: PasskeyRegistration,
}

/// The client data of a WebAuthn response, as far as finding its ceremony needs.
#[derive(Deserialize)]
struct ClientData {
    challenge: String,
}

/// The key a registration is kept under: its challenge, base64url as clients echo it.
fn challenge_key(challenge: &[u8]) -> String {
    did_core::base64url::encode(challenge)
}

/// The challenge a registration response answers, read from its client data (WebAuthn Level 3
/// §5.8.1); `webauthn-rs` checks it against the kept state afterwards.
fn answered_challenge(response: &RegisterPublicKeyCredential) -> Result<String, PasskeyError> {
    let client_data: ClientData =
        serde_json::from_slice(response.response.client_data_json.as_ref()).map_err(|_| {
            PasskeyError::MalformedResponse("the client data is not WebAuthn client data".into())
        })?;
    let challenge = did_core::base64url::decode(&client_data.challenge).ok_or_else(|| {
        PasskeyError::MalformedResponse("the client data's challenge is not base64url".into())
    })?;
    Ok(challenge_key(&challenge))
}

/// The issuer's WebAuthn registration: each ceremony kept under its challenge, single use,
/// expiring after [`DEFAULT_CHALLENGE_TTL_SECS`] unless configured otherwise. A holder may
/// have several pending at once (a retry does not wait for the first to expire).
///
/// The registration requires user verification (WebAuthn `userVerification: "required"`), so
/// the passkey is itself two factors (the device and the person's PIN or biometric), and asks
/// only for ES256 keys, the algorithm a [`PasskeyBinding`] carries that authenticators make.
pub struct PasskeyRegistrar {
    relying_party: RelyingParty,
    webauthn: Webauthn,
    ceremonies: Arc<dyn SingleUseStore>,
    challenge_ttl_secs: u64,
}

impl fmt::Debug for PasskeyRegistrar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyRegistrar")
            .field("relying_party", &self.relying_party)
            .field("challenge_ttl_secs", &self.challenge_ttl_secs)
            .finish_non_exhaustive()
    }
}

impl PasskeyRegistrar {
    /// A registrar for `relying_party` keeping its pending ceremonies in `ceremonies`.
    pub fn new(
        relying_party: RelyingParty,
        ceremonies: Arc<dyn SingleUseStore>,
    ) -> Result<Self, PasskeyError> {
        Self::with_challenge_ttl(relying_party, ceremonies, DEFAULT_CHALLENGE_TTL_SECS)
    }

    /// A registrar for `relying_party` keeping its pending ceremonies in memory.
    pub fn in_memory(relying_party: RelyingParty) -> Result<Self, PasskeyError> {
        Self::new(relying_party, Arc::new(InMemorySingleUseStore::default()))
    }

    /// A registrar whose challenges expire `challenge_ttl_secs` after they are issued.
    pub fn with_challenge_ttl(
        relying_party: RelyingParty,
        ceremonies: Arc<dyn SingleUseStore>,
        challenge_ttl_secs: u64,
    ) -> Result<Self, PasskeyError> {
        let webauthn = webauthn_for(
            &relying_party.scope,
            Some(&relying_party.name),
            challenge_ttl_secs,
        )?;
        Ok(Self {
            relying_party,
            webauthn,
            ceremonies,
            challenge_ttl_secs,
        })
    }

    /// The relying party this registrar registers for.
    pub fn relying_party(&self) -> &RelyingParty {
        &self.relying_party
    }

    /// Starts registering a passkey for `holder_id` (the issuer's name for the holder, shown by
    /// the authenticator as the account name) at `now` (Unix seconds). Gives the options to
    /// send to the holder's client.
    ///
    /// The WebAuthn user handle is random, so the authenticator stores nothing that links the
    /// credential to the holder's DID.
    pub async fn start_registration(
        &self,
        holder_id: &str,
        now: u64,
    ) -> Result<CreationChallengeResponse, PasskeyError> {
        check_ceremony_id(holder_id)?;
        let (mut options, state) =
            self.webauthn
                .start_passkey_registration(Uuid::new_v4(), holder_id, holder_id, None)?;
        // webauthn-rs offers ES384 and RS256 as well; a binding's JWK carries ES256 or
        // Ed25519, so only ES256 is asked for (the state still checks the key's algorithm).
        options
            .public_key
            .pub_key_cred_params
            .retain(|param| param.alg == COSEAlgorithm::ES256 as i64);
        let key = challenge_key(options.public_key.challenge.as_ref());
        let pending = serde_json::to_vec(&PendingRegistration {
            holder_id: holder_id.to_owned(),
            state,
        })
        .map_err(|_| PasskeyError::State)?;
        let expires_at = now.saturating_add(self.challenge_ttl_secs);
        self.ceremonies
            .put(Purpose::PasskeyRegistration, &key, pending, expires_at, now)
            .await?;
        Ok(options)
    }

    /// Finishes the registration that `response` answers (found by its challenge) for
    /// `holder_id` at `now`: the challenge must be fresh, unused and issued for this holder,
    /// the origin and RP ID hash the relying party's, and user verification performed. Gives
    /// the binding to sign as the `passkey` claim.
    ///
    /// The pending registration is consumed whatever the outcome: a failed attempt starts
    /// again with a new challenge.
    pub async fn finish_registration(
        &self,
        holder_id: &str,
        response: &RegisterPublicKeyCredential,
        now: u64,
    ) -> Result<PasskeyBinding, PasskeyError> {
        check_ceremony_id(holder_id)?;
        let key = answered_challenge(response)?;
        let pending = match self
            .ceremonies
            .take(Purpose::PasskeyRegistration, &key, now)
            .await?
        {
            Taken::Fresh(bytes) => bytes,
            Taken::Expired => return Err(PasskeyError::ChallengeExpired),
            Taken::Used | Taken::Unknown => return Err(PasskeyError::NoPendingChallenge),
        };
        let pending: PendingRegistration =
            serde_json::from_slice(&pending).map_err(|_| PasskeyError::State)?;
        if pending.holder_id != holder_id {
            return Err(PasskeyError::NoPendingChallenge);
        }
        let passkey = self
            .webauthn
            .finish_passkey_registration(response, &pending.state)?;
        let credential = Credential::from(passkey);
        let public_key = public_key_from_cose_key(&credential.cred)?;
        let credential_id = CredentialId::new(credential.cred_id.to_vec())?;
        Ok(PasskeyBinding::from_parts(
            credential_id,
            public_key,
            self.relying_party.scope.clone(),
            credential.backup_eligible,
        )?)
    }
}
