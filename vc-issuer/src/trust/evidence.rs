//! What one verification saw, as the trust model needs it: filled by the verifier, read by
//! the factors. Plain data (serde, so golden vectors and the service can carry it); no claim
//! values and no holder identifier ever enter it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::factor::Factor;

/// The evidence of one verification of one credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustEvidence {
    /// When the verification ran (Unix seconds): the `now` of every freshness and decay.
    pub now: i64,
    /// The issuer's DID (the DID of the `kid`, when the key named one): the key of the history.
    pub issuer: String,
    /// The credential's `iat`, if it had one.
    pub credential_issued_at: Option<i64>,
    /// The credential's `exp`, if it had one.
    pub credential_expires_at: Option<i64>,
    /// What became of the credential's status reference.
    pub status: StatusEvidence,
    /// How the issuer's DID document was obtained for this verification.
    pub issuer_resolution: ResolutionEvidence,
    /// What this verification cost, in milliseconds, if measured.
    pub verification_ms: Option<f64>,
    /// The profile checks (typ, vct, never-disclosable claims, data model …) by name.
    #[serde(default)]
    pub profile: ProfileEvidence,
    /// What the verifier asked for and what the holder disclosed, when the verifier stated it.
    pub disclosure: Option<DisclosureEvidence>,
    /// The binding of the credential to its holder that this presentation proved.
    pub binding: Binding,
    /// The issuer's standing on the verifier's trust list.
    pub trust_list: TrustListEvidence,
    /// Whether the issuer's DID method lets it rotate keys in place (did:web, did:webvh yes;
    /// did:key, did:jwk no); `None` when the method is not known to the verifier.
    pub issuer_updatable: Option<bool>,
    /// What is evaluated: one verification's credential (the default), or the issuer alone,
    /// without a credential ([`EvaluationScope::Issuer`]).
    #[serde(default, skip_serializing_if = "EvaluationScope::is_credential")]
    pub scope: EvaluationScope,
}

impl TrustEvidence {
    /// The evidence of a verification at `now` of a credential from `issuer` about which
    /// nothing else is known yet: every other member says "not seen" and is filled in by the
    /// verifier as it learns more.
    pub fn new(now: i64, issuer: impl Into<String>) -> Self {
        TrustEvidence {
            now,
            issuer: issuer.into(),
            credential_issued_at: None,
            credential_expires_at: None,
            status: StatusEvidence::NotChecked,
            issuer_resolution: ResolutionEvidence {
                source: ResolutionSource::Failed,
                latency_ms: None,
            },
            verification_ms: None,
            profile: ProfileEvidence::default(),
            disclosure: None,
            binding: Binding::None,
            trust_list: TrustListEvidence::NotConfigured,
            issuer_updatable: None,
            scope: EvaluationScope::Credential,
        }
    }

    /// The evidence of an evaluation of `issuer` alone at `now`, without a credential (ITU-T
    /// XSTR.trust-metaverse §8.5 "evaluate", as a verifier runs it on its configured issuers):
    /// the factors that need a credential ([`CREDENTIAL_FACTORS`]) are not measured.
    pub fn of_issuer(now: i64, issuer: impl Into<String>) -> Self {
        TrustEvidence {
            scope: EvaluationScope::Issuer,
            ..TrustEvidence::new(now, issuer)
        }
    }
}

/// The factors measured from a credential and its presentation (its age and status list, the
/// cost of its verification, its profile, its disclosures and binding): an evaluation of an
/// issuer alone has no evidence for them.
pub const CREDENTIAL_FACTORS: [Factor; 8] = [
    Factor::Timeliness,
    Factor::Resource,
    Factor::Supervision,
    Factor::Compliance,
    Factor::Reset,
    Factor::Flexibility,
    Factor::Privacy,
    Factor::AssetSafety,
];

/// What an evaluation is of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationScope {
    /// The issuer of one verified credential: every factor is measured.
    #[default]
    Credential,
    /// The issuer alone, without a credential: the [`CREDENTIAL_FACTORS`] are not measured
    /// (full uncertainty, never a confident score) and count neither in the index, nor in the
    /// uncertainty, nor in the level; an indicator left without a measured factor (security)
    /// is reported but does not count either.
    Issuer,
}

impl EvaluationScope {
    /// Whether this is the default scope (kept out of JSON, so that credential evaluations
    /// read as before).
    pub fn is_credential(&self) -> bool {
        *self == EvaluationScope::Credential
    }

    /// Whether `factor` is measured in this scope.
    pub fn measures(self, factor: Factor) -> bool {
        match self {
            EvaluationScope::Credential => true,
            EvaluationScope::Issuer => !CREDENTIAL_FACTORS.contains(&factor),
        }
    }
}

/// What became of the credential's status reference (IETF Token Status List, W3C Bitstring
/// Status List).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StatusEvidence {
    /// The credential names no status list: it can be neither revoked nor suspended.
    NotReferenced,
    /// The credential names a status list and the verifier's policy did not check it.
    NotChecked,
    /// The status list could not be obtained or did not verify.
    Unavailable,
    /// The status list was obtained, verified and read.
    Checked {
        /// The list token's `iat` (Token Status List §5.1), or the list credential's
        /// `validFrom`.
        token_issued_at: Option<i64>,
        /// When the verifier fetched the list (earlier than `now` if it came from a cache).
        fetched_at: i64,
        /// The publisher's `ttl` (seconds): how long the list may be used before refetching.
        ttl: Option<u64>,
        /// The list token's `exp`: after it the list must not be used at all.
        exp: Option<i64>,
        /// Whether the list can say "suspended" as well as "revoked" (a 2-bit Token Status
        /// List, or a Bitstring list with purpose `suspension`).
        suspendable: bool,
    },
}

/// How the issuer's DID document was obtained, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionEvidence {
    /// Where the document came from.
    pub source: ResolutionSource,
    /// How long the resolution took, in milliseconds, if measured (NaN and ∞ count as not
    /// measured and too slow respectively).
    pub latency_ms: Option<f64>,
}

/// Where the issuer's DID document came from (the resolver cache's fresh and stale windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResolutionSource {
    /// Resolved from its source just now (or computed from the DID, as for did:key).
    Network,
    /// From the cache, within its time to live.
    FreshCache,
    /// From the cache past its time to live, because the source failed (stale-if-error).
    StaleCache {
        /// Seconds since the entry went stale.
        stale_for: u64,
        /// The length of the stale-if-error window, in seconds.
        stale_window: u64,
    },
    /// Not obtained.
    Failed,
}

/// The profile checks a credential went through, by name (`typ`, `vct`, `forbidden_disclosure`
/// …): names of checks, never claim values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileEvidence {
    /// The checks that passed.
    pub passed: Vec<String>,
    /// The checks that failed.
    pub failed: Vec<String>,
}

/// What the verifier asked for and what the holder disclosed: claim names (top-level names or
/// claim paths, as long as both sides use the same form), never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureEvidence {
    /// The claims the verifier asked for (the DCQL query's claims, the policy's required
    /// claims).
    pub requested: BTreeSet<String>,
    /// The selectively disclosable claims the holder disclosed.
    pub disclosed: BTreeSet<String>,
    /// How many claims of the credential are selectively disclosable (including undisclosed
    /// ones the verifier counted as digests, excluding decoys where it can tell).
    pub selectively_disclosable: usize,
    /// How many claims the issuer made always visible (beyond the registered JWT claims).
    pub always_visible: usize,
}

/// How the credential is bound to the holder, as proved by this presentation: the ranks of
/// NIST SP 800-63-4 authenticator assurance, in increasing strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// No holder binding was proved: a bearer credential.
    None,
    /// A key binding JWT proved possession of the holder key (`cnf`).
    HolderKey,
    /// The holder key and the passkey the issuer bound (WebAuthn, user verification).
    HolderKeyAndPasskey,
    /// A holder key that the wallet attests to be non-exportable hardware.
    HardwareKey,
}

/// The issuer's standing on the verifier's trust list (ETSI TS 119 612 trusted lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TrustListEvidence {
    /// The verifier has no trust list.
    NotConfigured,
    /// The issuer is listed, since the given time when the list says so.
    Listed {
        /// When the issuer's listing began (the list's status starting time).
        since: Option<i64>,
    },
    /// The list was read and the issuer is not on it.
    NotListed,
    /// The list could not be obtained or is stale: never counted as listed.
    Unavailable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_round_trips_through_json() {
        let mut evidence = TrustEvidence::new(1_750_000_000, "did:web:issuer.example");
        evidence.status = StatusEvidence::Checked {
            token_issued_at: Some(1_749_990_000),
            fetched_at: 1_749_999_000,
            ttl: Some(3_600),
            exp: None,
            suspendable: true,
        };
        evidence.issuer_resolution.source = ResolutionSource::StaleCache {
            stale_for: 10,
            stale_window: 100,
        };
        evidence.trust_list = TrustListEvidence::Listed { since: None };
        let json = serde_json::to_value(&evidence).unwrap();
        assert_eq!(json["status"]["checked"]["ttl"], 3_600);
        assert_eq!(
            json["issuer_resolution"]["source"]["stale_cache"]["stale_for"],
            10
        );
        assert_eq!(
            json["trust_list"]["listed"]["since"],
            serde_json::Value::Null
        );
        assert_eq!(json["binding"], "none");
        assert_eq!(
            serde_json::from_value::<TrustEvidence>(json).unwrap(),
            evidence
        );
    }

    #[test]
    fn bindings_are_ranked_by_strength() {
        assert!(Binding::None < Binding::HolderKey);
        assert!(Binding::HolderKey < Binding::HolderKeyAndPasskey);
        assert!(Binding::HolderKeyAndPasskey < Binding::HardwareKey);
    }
}
