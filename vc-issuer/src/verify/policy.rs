//! The verification policy: what a relying party requires of a presentation, decided by the
//! relying party alone and never by what the presentation carries (RFC 9901 §7.3 step 1).

use std::time::Duration;

use did_core::did::Did;
use did_core::jose::AlgorithmPolicy;

use crate::error::Error;
use crate::sd_jwt::ClaimPath;
use crate::time::Clock;

/// What a verifier requires. Build one per transaction: the nonce changes every time.
///
/// ```
/// use vc_issuer::verify::VerificationPolicy;
///
/// let policy = VerificationPolicy::key_binding("https://world.example", "n-0S6_WzA2Mj")
///     .expecting_vct("urn:avid:avatar-link:1");
/// assert!(policy.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationPolicy {
    /// The signature algorithms accepted for the issuer-signed JWT and the key binding JWT
    /// (RFC 8725 §3.1; `none` and symmetric algorithms can never be allowed).
    pub algorithms: AlgorithmPolicy,
    /// Whether the holder must prove possession of the credential's key with a key binding
    /// JWT (RFC 9901 §7.3 step 1). When true, `expected_audience` and `expected_nonce` must be
    /// set: a key binding JWT that is not tied to this verifier and this transaction proves
    /// nothing (§7.3 step 5.6).
    pub require_key_binding: bool,
    /// The `aud` the key binding JWT must carry: this verifier's identifier.
    pub expected_audience: Option<String>,
    /// The `nonce` the key binding JWT must carry: the one this verifier sent for this
    /// transaction.
    pub expected_nonce: Option<String>,
    /// The time to verify at, in Unix seconds; `None` reads the system clock.
    pub now: Option<u64>,
    /// How far the issuer's or holder's clock may be off from the verifier's.
    pub clock_skew: Duration,
    /// How old a key binding JWT may be (RFC 9901 §7.3 step 5.5, "an acceptable window").
    pub max_kb_age: Duration,
    /// The issuers trusted, by DID. `None` accepts any issuer whose key can be established,
    /// and says so in a warning: the signature then proves who issued, not that the issuer
    /// is one to believe.
    pub trusted_issuers: Option<Vec<Did>>,
    /// Claims that must be present (plain or disclosed) for the presentation to be accepted.
    pub required_claims: Vec<ClaimPath>,
    /// The credential type (`vct`) required of an SD-JWT VC.
    pub expected_vct: Option<String>,
}

impl Default for VerificationPolicy {
    /// No key binding, every supported algorithm, 60 seconds of clock skew, key binding JWTs
    /// up to 5 minutes old, no trust list, nothing required.
    fn default() -> Self {
        Self {
            algorithms: AlgorithmPolicy::default(),
            require_key_binding: false,
            expected_audience: None,
            expected_nonce: None,
            now: None,
            clock_skew: Duration::from_secs(60),
            max_kb_age: Duration::from_secs(300),
            trusted_issuers: None,
            required_claims: Vec::new(),
            expected_vct: None,
        }
    }
}

impl VerificationPolicy {
    /// A policy that requires key binding to `audience` (this verifier) and `nonce` (this
    /// transaction), with the other defaults of [`Default`].
    pub fn key_binding(audience: impl Into<String>, nonce: impl Into<String>) -> Self {
        Self {
            require_key_binding: true,
            expected_audience: Some(audience.into()),
            expected_nonce: Some(nonce.into()),
            ..Self::default()
        }
    }

    /// This policy, requiring the credential type `vct`.
    pub fn expecting_vct(mut self, vct: impl Into<String>) -> Self {
        self.expected_vct = Some(vct.into());
        self
    }

    /// This policy, accepting only the issuers in `issuers`.
    pub fn trusting(mut self, issuers: Vec<Did>) -> Self {
        self.trusted_issuers = Some(issuers);
        self
    }

    /// This policy, requiring the claims at `paths`.
    pub fn requiring(mut self, paths: Vec<ClaimPath>) -> Self {
        self.required_claims = paths;
        self
    }

    /// This policy, verifying at the Unix time `now` instead of the system clock.
    pub fn at(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }

    /// Refuses a policy that cannot be applied: key binding required without both an
    /// expected audience and an expected nonce (either may not be empty), or an empty trust
    /// list, which would refuse every issuer (use `None` to accept any).
    pub fn validate(&self) -> Result<(), Error> {
        let set = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        if self.require_key_binding && !set(&self.expected_audience) {
            return Err(Error::InvalidPolicy {
                reason: "key binding is required but no expected audience is set: a key binding JWT must be checked against this verifier's identifier (RFC 9901 §7.3 step 5.6)",
            });
        }
        if self.require_key_binding && !set(&self.expected_nonce) {
            return Err(Error::InvalidPolicy {
                reason: "key binding is required but no expected nonce is set: without a fresh nonce a key binding JWT can be replayed (RFC 9901 §7.3 step 5.6)",
            });
        }
        if self.trusted_issuers.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::InvalidPolicy {
                reason: "the trust list is empty and would refuse every issuer; list the trusted issuer DIDs, or use None to accept any issuer",
            });
        }
        Ok(())
    }

    /// The clock this policy verifies against.
    pub(crate) fn clock(&self) -> Clock {
        Clock::new(self.now, self.clock_skew)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_key_binding_policy_without_nonce_or_audience() {
        let mut policy = VerificationPolicy::key_binding("https://verifier.example", "nonce");
        assert!(policy.validate().is_ok());
        policy.expected_nonce = None;
        assert!(matches!(
            policy.validate(),
            Err(Error::InvalidPolicy { .. })
        ));
        let mut policy = VerificationPolicy::key_binding("", "nonce");
        assert!(policy.validate().is_err());
        policy.expected_audience = Some("https://verifier.example".into());
        policy.expected_nonce = Some(String::new());
        assert!(policy.validate().is_err());
    }

    #[test]
    fn rejects_empty_trust_list() {
        let policy = VerificationPolicy::default().trusting(Vec::new());
        assert!(policy.validate().is_err());
        assert!(VerificationPolicy::default().validate().is_ok());
    }
}
