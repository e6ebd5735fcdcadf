//! JWS algorithms: the three avid signs and verifies, and the allow-list a verifier applies.
//!
//! There is deliberately no variant for `none` or for any symmetric (`HS*`) algorithm, so no
//! policy can ever allow them: a header naming one is refused before any key is touched.

use std::fmt;

use crate::key::KeyType;

/// A JWS signature algorithm avid supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `Ed25519`: EdDSA over edwards25519, the fully-specified name of RFC 9864.
    Ed25519,
    /// `EdDSA`: the polymorphic name of RFC 8037 §3.1 (deprecated by RFC 9864, still widely
    /// used); with avid's keys it always means Ed25519.
    EdDsa,
    /// `ES256`: ECDSA over P-256 with SHA-256 (RFC 7518 §3.4).
    Es256,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Algorithm; 3] = [Algorithm::Ed25519, Algorithm::EdDsa, Algorithm::Es256];

    /// The `alg` header value.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Es256 => "ES256",
        }
    }

    /// The algorithm an `alg` header value names, if it is one avid supports. The match is
    /// exact: RFC 7515 §4.1.1 makes `alg` values case-sensitive.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The algorithm avid signs with for a key type: the fully-specified `Ed25519` of RFC 9864
    /// §2.2 rather than the polymorphic `EdDSA`, and `ES256` for P-256. `None` for X25519,
    /// which cannot sign.
    pub fn preferred_for(key_type: KeyType) -> Option<Algorithm> {
        match key_type {
            KeyType::Ed25519 => Some(Algorithm::Ed25519),
            KeyType::P256 => Some(Algorithm::Es256),
            KeyType::X25519 => None,
        }
    }

    /// The only key type that signs and verifies with this algorithm.
    pub fn key_type(&self) -> KeyType {
        match self {
            Algorithm::Ed25519 | Algorithm::EdDsa => KeyType::Ed25519,
            Algorithm::Es256 => KeyType::P256,
        }
    }

    /// The length of this algorithm's signatures: 64 bytes for Ed25519 (RFC 8032 §5.1.6) and
    /// for ES256, whose R || S form is two 32-byte integers (RFC 7518 §3.4).
    pub fn signature_len(&self) -> usize {
        SIGNATURE_LEN
    }
}

/// The signature length shared by every supported algorithm.
pub(crate) const SIGNATURE_LEN: usize = 64;

impl fmt::Display for Algorithm {
    /// The `alg` header value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The algorithms a verifier accepts (RFC 8725 §3.1: "libraries MUST enable the caller to
/// specify a supported set of algorithms").
///
/// The default accepts all three supported algorithms. `none` and the symmetric algorithms can
/// never be added: [`Algorithm`] has no variant for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    allowed: [bool; 3],
}

impl AlgorithmPolicy {
    /// A policy that accepts exactly `algorithms`.
    pub fn new(algorithms: &[Algorithm]) -> Self {
        let mut allowed = [false; 3];
        for (slot, algorithm) in allowed.iter_mut().zip(Algorithm::ALL) {
            *slot = algorithms.contains(&algorithm);
        }
        AlgorithmPolicy { allowed }
    }

    /// Whether the policy accepts `algorithm`.
    pub fn allows(&self, algorithm: Algorithm) -> bool {
        Algorithm::ALL
            .iter()
            .zip(self.allowed)
            .any(|(a, allowed)| allowed && *a == algorithm)
    }
}

impl Default for AlgorithmPolicy {
    /// Accepts `Ed25519`, `EdDSA` and `ES256`.
    fn default() -> Self {
        AlgorithmPolicy::new(&Algorithm::ALL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for algorithm in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(algorithm.name()), Some(algorithm));
            assert_eq!(algorithm.to_string(), algorithm.name());
        }
    }

    #[test]
    fn rejects_alg_none_and_symmetric_names() {
        for name in [
            "none", "None", "HS256", "HS384", "HS512", "RS256", "ES256K", "",
        ] {
            assert_eq!(Algorithm::from_name(name), None, "{name}");
        }
    }

    #[test]
    fn rejects_alg_in_other_case() {
        // RFC 7515 §4.1.1: case-sensitive.
        assert_eq!(Algorithm::from_name("eddsa"), None);
        assert_eq!(Algorithm::from_name("es256"), None);
        assert_eq!(Algorithm::from_name("ED25519"), None);
    }

    #[test]
    fn key_types_follow_the_algorithm() {
        assert_eq!(Algorithm::Ed25519.key_type(), KeyType::Ed25519);
        assert_eq!(Algorithm::EdDsa.key_type(), KeyType::Ed25519);
        assert_eq!(Algorithm::Es256.key_type(), KeyType::P256);
    }

    #[test]
    fn default_policy_allows_all_three() {
        let policy = AlgorithmPolicy::default();
        assert!(Algorithm::ALL.iter().all(|a| policy.allows(*a)));
    }

    #[test]
    fn policy_allows_only_what_it_lists() {
        let policy = AlgorithmPolicy::new(&[Algorithm::Ed25519]);
        assert!(policy.allows(Algorithm::Ed25519));
        assert!(!policy.allows(Algorithm::EdDsa));
        assert!(!policy.allows(Algorithm::Es256));
        let empty = AlgorithmPolicy::new(&[]);
        assert!(Algorithm::ALL.iter().all(|a| !empty.allows(*a)));
    }
}
