//! The verifier's side of the passkey factor: from the disclosed `passkey` claim to a WebAuthn
//! authentication bound to one login transaction, and its finish against the key the issuer
//! signed, with the signature counter kept per credential id.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use webauthn_rs::prelude::{PasskeyAuthentication, PublicKeyCredential, RequestChallengeResponse};

use super::binding::{CredentialId, PASSKEY_CLAIM, PasskeyBinding};
use super::error::PasskeyError;
use super::registration::webauthn_for;
use super::store::{CounterStore, InMemoryCounterStore};
use super::{DEFAULT_CHALLENGE_TTL_SECS, check_ceremony_id};
use crate::report::ReportError;
use crate::single_use::{InMemorySingleUseStore, Purpose, SingleUseError, SingleUseStore, Taken};

/// How many times a counter update is retried when other assertions of the same credential
/// keep updating it in between.
const COUNTER_ATTEMPTS: usize = 4;

/// The `passkey` binding of a verified presentation, for a verifier that requires the second
/// factor: `factor_missing` when the claim was not disclosed, `malformed` when it does not
/// parse.
///
/// `disclosed_claims` are the claims of a presentation whose issuer signature, disclosures and
/// key binding were already verified: the binding is only as trustworthy as that signature.
pub fn require_passkey(
    disclosed_claims: &Map<String, Value>,
) -> Result<PasskeyBinding, ReportError> {
    let claim = disclosed_claims
        .get(PASSKEY_CLAIM)
        .ok_or(PasskeyError::ClaimNotDisclosed)?;
    PasskeyBinding::from_claim(claim).map_err(|error| PasskeyError::from(error).into())
}

/// The WebAuthn assertion in a wallet's answer, for a verifier that requires the second
/// factor: `factor_missing` when there is none (absent or `null`), `malformed` when it is not
/// the JSON of a `PublicKeyCredential`.
pub fn require_assertion(response: Option<&Value>) -> Result<PublicKeyCredential, PasskeyError> {
    match response {
        None | Some(Value::Null) => Err(PasskeyError::NoAssertion),
        Some(value) => PublicKeyCredential::deserialize(value).map_err(|error| {
            PasskeyError::MalformedResponse(did_core::excerpt::excerpt(&error.to_string()))
        }),
    }
}

/// What a verifier keeps between the start and the finish of an authentication.
#[derive(Serialize, Deserialize)]
struct PendingAuthentication {
    binding: PasskeyBinding,
    state: PasskeyAuthentication,
}

/// A passkey assertion that verified: the second factor is proved for this transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The credential that signed (the one the issuer bound).
    pub credential_id: CredentialId,
    /// The authenticator's signature counter, now kept for the credential (0 when the
    /// authenticator keeps none).
    pub counter: u32,
}

/// The verifier's WebAuthn authentication: one pending challenge per login transaction, single
/// use, expiring after [`DEFAULT_CHALLENGE_TTL_SECS`] unless configured otherwise.
///
/// The verifier acts as a relying party for the issuer's RP ID, with the issuer's origin as
/// the only allowed one: a native wallet can answer for any RP ID, a browser only on the
/// issuer's origin (or where the issuer lists the world's origin as a WebAuthn related origin,
/// which this verifier does not accept yet).
pub struct PasskeyVerifier {
    ceremonies: Arc<dyn SingleUseStore>,
    counters: Arc<dyn CounterStore>,
    challenge_ttl_secs: u64,
}

impl fmt::Debug for PasskeyVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyVerifier")
            .field("challenge_ttl_secs", &self.challenge_ttl_secs)
            .finish_non_exhaustive()
    }
}

impl PasskeyVerifier {
    /// A verifier keeping its pending challenges in `ceremonies` and the counters in
    /// `counters`.
    pub fn new(ceremonies: Arc<dyn SingleUseStore>, counters: Arc<dyn CounterStore>) -> Self {
        Self {
            ceremonies,
            counters,
            challenge_ttl_secs: DEFAULT_CHALLENGE_TTL_SECS,
        }
    }

    /// A verifier keeping everything in memory.
    pub fn in_memory() -> Self {
        Self::new(
            Arc::new(InMemorySingleUseStore::default()),
            Arc::new(InMemoryCounterStore::new()),
        )
    }

    /// The same verifier with challenges that expire `seconds` after they are issued.
    pub fn with_challenge_ttl(mut self, seconds: u64) -> Self {
        self.challenge_ttl_secs = seconds;
        self
    }

    /// How long a challenge can be answered, in seconds.
    pub fn challenge_ttl(&self) -> u64 {
        self.challenge_ttl_secs
    }

    /// Starts a WebAuthn authentication of the credential in `binding` for the login
    /// `transaction_id` at `now` (Unix seconds). Gives the options to send to the wallet: the
    /// allow-list holds exactly the bound credential id, and user verification is required.
    /// One challenge per transaction: a second start for the same transaction is refused.
    pub async fn start_authentication(
        &self,
        binding: &PasskeyBinding,
        transaction_id: &str,
        now: u64,
    ) -> Result<RequestChallengeResponse, PasskeyError> {
        check_ceremony_id(transaction_id)?;
        let webauthn = webauthn_for(binding.scope(), None, self.challenge_ttl_secs)?;
        let (options, state) = webauthn.start_passkey_authentication(&[binding.to_passkey()?])?;
        let pending = serde_json::to_vec(&PendingAuthentication {
            binding: binding.clone(),
            state,
        })
        .map_err(|_| PasskeyError::State)?;
        let expires_at = now.saturating_add(self.challenge_ttl_secs);
        self.ceremonies
            .put(
                Purpose::PasskeyAuthentication,
                transaction_id,
                pending,
                expires_at,
                now,
            )
            .await
            .map_err(|error| match error {
                SingleUseError::Duplicate => PasskeyError::ChallengeAlreadyIssued,
                other => other.into(),
            })?;
        Ok(options)
    }

    /// Finishes the authentication pending for `transaction_id` with the wallet's `assertion`
    /// at `now`. The challenge must be this transaction's, fresh and unused; `webauthn-rs`
    /// checks the credential id, the client data (type, challenge, origin), the RP ID hash,
    /// the user presence and verification flags, and the signature with the bound key; then
    /// the signature counter must grow (WebAuthn Level 3 §7.2 step 22).
    ///
    /// The pending challenge is consumed whatever the outcome, so an assertion is accepted at
    /// most once and a failed attempt needs a new challenge.
    pub async fn finish_authentication(
        &self,
        transaction_id: &str,
        assertion: &PublicKeyCredential,
        now: u64,
    ) -> Result<VerifiedAssertion, PasskeyError> {
        check_ceremony_id(transaction_id)?;
        let pending = match self
            .ceremonies
            .take(Purpose::PasskeyAuthentication, transaction_id, now)
            .await?
        {
            Taken::Fresh(bytes) => bytes,
            Taken::Expired => return Err(PasskeyError::ChallengeExpired),
            Taken::Used | Taken::Unknown => return Err(PasskeyError::NoPendingChallenge),
        };
        let pending: PendingAuthentication =
            serde_json::from_slice(&pending).map_err(|_| PasskeyError::State)?;
        let webauthn = webauthn_for(pending.binding.scope(), None, self.challenge_ttl_secs)?;
        let result = webauthn.finish_passkey_authentication(assertion, &pending.state)?;
        let credential_id = pending.binding.credential_id().clone();
        let counter = result.counter();
        self.advance_counter(&credential_id, counter, now).await?;
        Ok(VerifiedAssertion {
            credential_id,
            counter,
        })
    }

    /// Keeps `received` as the counter of `credential_id` if it is acceptable: WebAuthn
    /// Level 3 §7.2 step 22 — when the received or the kept counter is non-zero, the received
    /// one must be greater, else the authenticator may be cloned and the assertion is refused.
    /// Two zeros mean an authenticator without a counter.
    async fn advance_counter(
        &self,
        credential_id: &CredentialId,
        received: u32,
        now: u64,
    ) -> Result<(), PasskeyError> {
        for _ in 0..COUNTER_ATTEMPTS {
            let kept = self.counters.get(credential_id, now).await?;
            let stored = kept.unwrap_or(0);
            if received == 0 && stored == 0 {
                return Ok(());
            }
            if received <= stored {
                return Err(PasskeyError::CounterNotIncreasing { stored, received });
            }
            if self
                .counters
                .compare_and_set(credential_id, kept, received, now)
                .await?
            {
                return Ok(());
            }
        }
        Err(PasskeyError::CounterContended)
    }
}
