//! JWK thumbprints: RFC 7638 §3 (SHA-256 over the required members, in lexicographic order,
//! without whitespace) and the RFC 9278 thumbprint URI.

use sha2::{Digest, Sha256};

use super::{Jwk, KeyError};
use crate::base64url;

/// RFC 9278: the URN prefix of a SHA-256 JWK thumbprint URI.
const THUMBPRINT_URI_PREFIX: &str = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:";

/// The required members of each key type the thumbprint knows, already in the lexicographic
/// order of their names that RFC 7638 §3.3 requires: RFC 7638 §3.2 for `EC` and `RSA`,
/// RFC 8037 §2 for `OKP`.
const REQUIRED_MEMBERS: [(&str, &[&str]); 3] = [
    ("EC", &["crv", "kty", "x", "y"]),
    ("OKP", &["crv", "kty", "x"]),
    ("RSA", &["e", "kty", "n"]),
];

impl Jwk {
    /// The RFC 7638 thumbprint of this key: base64url (no padding) of the SHA-256 of its
    /// required members, ordered by name, as JSON without whitespace. Optional members (`kid`,
    /// `alg`, `use`, …) do not change it. Works for `EC`, `OKP` and `RSA` keys, whether or not
    /// avid can use the key itself.
    pub fn thumbprint(&self) -> Result<String, KeyError> {
        let input = self.thumbprint_input()?;
        Ok(base64url::encode(&Sha256::digest(input.as_bytes())))
    }

    /// The RFC 9278 JWK thumbprint URI of this key:
    /// `urn:ietf:params:oauth:jwk-thumbprint:sha-256:` followed by [`thumbprint`](Self::thumbprint).
    pub fn thumbprint_uri(&self) -> Result<String, KeyError> {
        Ok(format!("{THUMBPRINT_URI_PREFIX}{}", self.thumbprint()?))
    }

    /// The JSON text RFC 7638 §3 hashes: `{"crv":…,"kty":…,"x":…}` for an OKP key. Exposed
    /// for test vectors and for thumbprints under other hash functions (RFC 7638 §3.4).
    pub fn thumbprint_input(&self) -> Result<String, KeyError> {
        let required = REQUIRED_MEMBERS
            .iter()
            .find(|(kty, _)| *kty == self.kty)
            .map(|(_, members)| *members)
            .ok_or_else(|| KeyError::UnsupportedJwk {
                kty: self.kty.clone(),
                crv: self.crv.clone(),
            })?;
        let mut input = String::with_capacity(256);
        input.push('{');
        for (i, name) in required.iter().enumerate() {
            let value = self
                .string_member(name)?
                .ok_or(KeyError::JwkMissing(name))?;
            if i > 0 {
                input.push(',');
            }
            // RFC 7638 §3.3: the values are JSON strings with only the escapes JSON requires,
            // which is what serde_json writes.
            input.push_str(&json_string(name)?);
            input.push(':');
            input.push_str(&json_string(value)?);
        }
        input.push('}');
        Ok(input)
    }
}

/// A JSON string literal, escaped as RFC 8259 §7 requires and no more.
fn json_string(text: &str) -> Result<String, KeyError> {
    // Serializing a `str` cannot fail; the error arm only keeps this function total.
    serde_json::to_string(text).map_err(|_| KeyError::BadJwkMember("thumbprint member"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyType, SecretKey};

    #[test]
    fn required_members_are_in_lexicographic_order() {
        for (kty, members) in REQUIRED_MEMBERS {
            assert!(members.windows(2).all(|w| w[0] < w[1]), "{kty}");
            assert!(members.contains(&"kty"), "{kty}");
        }
    }

    #[test]
    fn input_has_no_whitespace_and_only_required_members() {
        let mut jwk = SecretKey::generate(KeyType::P256).public_key().to_jwk();
        jwk.kid = Some("ignored".to_owned());
        jwk.additional
            .insert("ext".to_owned(), serde_json::Value::Bool(true));
        let input = jwk.thumbprint_input().expect("EC key");
        assert!(
            input.starts_with(r#"{"crv":"P-256","kty":"EC","x":""#),
            "{input}"
        );
        assert!(!input.contains(' ') && !input.contains("kid") && !input.contains("ext"));
        let parsed: serde_json::Value = serde_json::from_str(&input).expect("valid JSON");
        assert_eq!(parsed.as_object().map(|o| o.len()), Some(4));
    }

    #[test]
    fn optional_members_do_not_change_the_thumbprint() {
        let bare = SecretKey::generate(KeyType::Ed25519).public_key().to_jwk();
        let mut decorated = bare.clone();
        decorated.kid = Some("key-1".to_owned());
        decorated.alg = Some("Ed25519".to_owned());
        decorated.key_use = Some("sig".to_owned());
        assert_eq!(decorated.thumbprint(), bare.thumbprint());
    }

    #[test]
    fn different_keys_have_different_thumbprints() {
        let a = SecretKey::generate(KeyType::Ed25519).public_key().to_jwk();
        let b = SecretKey::generate(KeyType::Ed25519).public_key().to_jwk();
        assert_ne!(a.thumbprint(), b.thumbprint());
    }

    #[test]
    fn thumbprint_uri_has_the_rfc9278_prefix() {
        let jwk = SecretKey::generate(KeyType::X25519).public_key().to_jwk();
        let uri = jwk.thumbprint_uri().expect("OKP key");
        let thumbprint = jwk.thumbprint().expect("OKP key");
        assert_eq!(
            uri,
            format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{thumbprint}")
        );
        assert_eq!(thumbprint.len(), 43);
    }

    #[test]
    fn rejects_thumbprint_without_required_member() {
        let mut jwk = SecretKey::generate(KeyType::P256).public_key().to_jwk();
        jwk.y = None;
        assert_eq!(jwk.thumbprint(), Err(KeyError::JwkMissing("y")));
        let rsa: Jwk =
            serde_json::from_value(serde_json::json!({"kty": "RSA", "n": "AQAB"})).expect("parses");
        assert_eq!(rsa.thumbprint(), Err(KeyError::JwkMissing("e")));
        let bad: Jwk =
            serde_json::from_value(serde_json::json!({"kty": "RSA", "n": "AQAB", "e": 3}))
                .expect("parses");
        assert_eq!(bad.thumbprint(), Err(KeyError::BadJwkMember("e")));
    }

    #[test]
    fn rejects_thumbprint_of_unknown_kty() {
        let jwk: Jwk = serde_json::from_value(serde_json::json!({"kty": "oct2"})).expect("parses");
        assert!(matches!(
            jwk.thumbprint(),
            Err(KeyError::UnsupportedJwk { .. })
        ));
    }
}
