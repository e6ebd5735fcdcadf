//! The Status List Token (draft-ietf-oauth-status-list §5.1): a JWT typed `statuslist+jwt`
//! whose `status_list` claim carries a Token Status List — issued here, and read here as §8.3
//! asks once the shared envelope ([`crate::status::envelope`]) has checked its type, key,
//! signature and time window. No I/O: the caller fetches the token.

use did_core::excerpt::excerpt;
use did_core::jose::{self, AlgorithmPolicy, Signer};
use did_core::key::PublicKey;
use serde::Deserialize as _;
use serde_json::{Map, Value, json};

use crate::status::envelope::{
    self, SignedStatusList, StatusListValidation, Validity, numeric_date, optional_str,
};
use crate::status::uri::check_uri;
use crate::status::{StatusError, StatusList, TokenStatusList};

/// The `typ` of a Status List Token (§5.1).
pub const STATUS_LIST_JWT_TYP: &str = "statuslist+jwt";

/// The media type a Status List Token is requested and served as (§8.1, §8.2).
pub const STATUS_LIST_JWT_MEDIA_TYPE: &str = "application/statuslist+jwt";

/// Signs a Status List Token (§5.1) for the list at `uri`: header `typ: statuslist+jwt` and
/// `kid`; claims `sub` (= `uri`), `iat`, `exp` and `ttl` when given (both RECOMMENDED), and
/// `status_list`.
///
/// Times are seconds since the Unix epoch. `ttl`, how long a verifier may cache the token,
/// must be positive (§5.1), and `exp` after `iat`.
pub fn issue_status_list_token(
    list: &TokenStatusList,
    uri: &str,
    signer: &dyn Signer,
    kid: &str,
    iat: u64,
    exp: Option<u64>,
    ttl: Option<u64>,
) -> Result<String, StatusError> {
    check_uri(uri, "sub")?;
    if kid.is_empty() {
        return Err(StatusError::MissingKid);
    }
    if ttl == Some(0) {
        return Err(StatusError::InvalidClaim {
            claim: "ttl",
            problem: "must be a positive number of seconds".to_owned(),
        });
    }
    if exp.is_some_and(|exp| exp <= iat) {
        return Err(StatusError::InvalidClaim {
            claim: "exp",
            problem: "must be later than iat".to_owned(),
        });
    }
    let mut claims = Map::new();
    claims.insert("sub".to_owned(), json!(uri));
    claims.insert("iat".to_owned(), json!(iat));
    if let Some(exp) = exp {
        claims.insert("exp".to_owned(), json!(exp));
    }
    if let Some(ttl) = ttl {
        claims.insert("ttl".to_owned(), json!(ttl));
    }
    let status_list =
        serde_json::to_value(list.encode()?).map_err(|err| StatusError::InvalidClaim {
            claim: "status_list",
            problem: format!("does not serialize: {err}"),
        })?;
    claims.insert("status_list".to_owned(), status_list);
    let payload = serde_json::to_vec(&claims).map_err(|err| StatusError::InvalidClaim {
        claim: "status_list",
        problem: format!("does not serialize: {err}"),
    })?;

    let mut header = Map::new();
    header.insert("typ".to_owned(), json!(STATUS_LIST_JWT_TYP));
    header.insert("kid".to_owned(), json!(kid));
    Ok(jose::sign_compact(&header, &payload, signer)?)
}

/// A verified Status List Token: its claims, and the list decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListToken {
    /// The URI of the token, equal to the `uri` it was checked against.
    pub sub: String,
    /// The issuer, if the token names one.
    pub iss: Option<String>,
    /// When the token was issued.
    pub iat: u64,
    /// When the token expires, if it says.
    pub exp: Option<u64>,
    /// How long, in seconds, the token may be cached before a fresh copy SHOULD be fetched.
    pub ttl: Option<u64>,
    /// The Status List Aggregation URI (§9.2), if given.
    pub aggregation_uri: Option<String>,
    /// The status list.
    pub list: TokenStatusList,
    /// When the token becomes valid, if it says (`nbf`).
    pub nbf: Option<u64>,
}

impl StatusListToken {
    /// Verifies a compact Status List Token fetched from `uri` under a `key` the caller
    /// already trusts, through the same envelope checks as every fetched list: `alg` within
    /// `policy` (never `none` or a MAC: §5.1 rule 2 wants an asymmetric signature), `typ`
    /// `statuslist+jwt` (§5.1, RFC 8725 §3.11), a `kid`, the signature, the claims of
    /// §8.3 steps 4–5 and the time window at `validation`'s clock.
    ///
    /// A verifier of credentials does not pick the key itself: the status client finds it
    /// through the credential issuer's keys.
    pub fn verify(
        token: &str,
        key: &PublicKey,
        uri: &str,
        policy: &AlgorithmPolicy,
        validation: &StatusListValidation,
    ) -> Result<StatusListToken, StatusError> {
        envelope::verify_signed_list_with_key(token, key, uri, policy, validation)
    }
}

impl SignedStatusList for StatusListToken {
    const TYPES: &'static [&'static str] = &[STATUS_LIST_JWT_TYP];
    // §5.1: `typ` REQUIRED.
    const TYP_REQUIRED: bool = true;
    const MEDIA_TYPE: &'static str = STATUS_LIST_JWT_MEDIA_TYPE;

    /// §5.1 and §8.3 steps 4–5: `sub` equal to `uri` (the `uri` of the Referenced Token),
    /// `iat` present, `exp` and `nbf` NumericDates, `ttl` positive, and a `status_list` whose
    /// list decompresses within the limit.
    fn from_payload(
        claims: Map<String, Value>,
        uri: &str,
        max_list_bytes: usize,
    ) -> Result<Self, StatusError> {
        // §5.1: `sub` REQUIRED; §8.3 step 4a: it MUST equal the Referenced Token's `uri`,
        // compared as plain strings (RFC 3986 §6.2.1), so that a list signed for other tokens
        // cannot be served in its place.
        let sub = optional_str(&claims, "sub")?.ok_or(StatusError::MissingClaim("sub"))?;
        if sub != uri {
            return Err(StatusError::SubjectMismatch {
                expected: excerpt(uri),
                found: excerpt(sub),
            });
        }
        // §5.1: `iat` REQUIRED.
        let iat = numeric_date(&claims, "iat")?.ok_or(StatusError::MissingClaim("iat"))?;
        // §8.3 step 4c: `exp`, when present, is checked (RFC 7519 §4.1.4); §5.1 rule 3: valid
        // in every other respect per RFC 7519, which includes `nbf`.
        let exp = numeric_date(&claims, "exp")?;
        let nbf = numeric_date(&claims, "nbf")?;
        // §5.1: `ttl`, if present, MUST be a positive number.
        let ttl = match claims.get("ttl") {
            None => None,
            Some(ttl) => Some(ttl.as_u64().filter(|ttl| *ttl > 0).ok_or_else(|| {
                StatusError::InvalidClaim {
                    claim: "ttl",
                    problem: "is not a positive integer number of seconds".to_owned(),
                }
            })?),
        };
        let iss = optional_str(&claims, "iss")?.map(str::to_owned);
        // §5.1: `status_list` REQUIRED, as §4.2 defines it; §8.3 step 5 decompresses it.
        let status_list = claims
            .get("status_list")
            .ok_or(StatusError::MissingClaim("status_list"))?;
        let status_list = StatusList::deserialize_claim(status_list)?;
        let list =
            TokenStatusList::decode_with_limit(status_list.bits, &status_list.lst, max_list_bytes)?;
        Ok(StatusListToken {
            sub: sub.to_owned(),
            iss,
            iat,
            exp,
            ttl,
            aggregation_uri: status_list.aggregation_uri,
            list,
            nbf,
        })
    }

    /// A token issued in the future is refused like one not yet valid.
    fn validity(&self) -> Validity {
        Validity {
            starts: Some(self.nbf.map_or(self.iat, |nbf| nbf.max(self.iat))),
            ends: self.exp,
        }
    }

    /// `iss` is optional in a Status List Token.
    fn issuer(&self) -> Option<&str> {
        self.iss.as_deref()
    }
}

impl StatusList {
    /// The `status_list` claim as a [`StatusList`]: an object with `bits` of 1, 2, 4 or 8 and
    /// `lst` a string (§4.2).
    fn deserialize_claim(claim: &Value) -> Result<StatusList, StatusError> {
        StatusList::deserialize(claim).map_err(|err| StatusError::InvalidClaim {
            claim: "status_list",
            problem: format!("is not a Status List object: {err}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{StatusBits, StatusListError, StatusValue};
    use did_core::jose::{Algorithm, JoseError};
    use did_core::key::{KeyType, SecretKey};

    const URI: &str = "https://example.com/statuslists/1";
    const NOW: u64 = 1_686_920_170;
    const DEFAULT_LEEWAY: u64 = crate::status::DEFAULT_LEEWAY_SECS;

    fn list() -> TokenStatusList {
        let mut list = TokenStatusList::new(StatusBits::Two, 64).expect("ok");
        list.set(3, StatusValue::Invalid).expect("in range");
        list.set(5, StatusValue::Suspended).expect("in range");
        list
    }

    fn issue(key: &SecretKey, exp: Option<u64>, ttl: Option<u64>) -> String {
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        issue_status_list_token(
            &list(),
            URI,
            &signer,
            "did:example:issuer#key-1",
            NOW,
            exp,
            ttl,
        )
        .expect("issues")
    }

    fn verify(token: &str, key: &SecretKey, now: u64) -> Result<StatusListToken, StatusError> {
        StatusListToken::verify(
            token,
            &key.public_key(),
            URI,
            &AlgorithmPolicy::default(),
            &StatusListValidation::at(now),
        )
    }

    /// Signs arbitrary header and claims, for tokens `issue_status_list_token` refuses to make.
    fn sign_raw(key: &SecretKey, header: Value, claims: Value) -> String {
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let Value::Object(header) = header else {
            panic!("header must be an object")
        };
        let payload = serde_json::to_vec(&claims).expect("serializes");
        jose::sign_compact(&header, &payload, &signer).expect("signs")
    }

    fn good_claims() -> Value {
        json!({"sub": URI, "iat": NOW, "exp": NOW + 3600, "ttl": 300,
               "status_list": list().encode().expect("encodes")})
    }

    fn good_header() -> Value {
        json!({"typ": "statuslist+jwt", "kid": "k"})
    }

    #[test]
    fn issues_and_verifies() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&key, Some(NOW + 3600), Some(43_200));
        let verified = verify(&token, &key, NOW).expect("verifies");
        assert_eq!(verified.sub, URI);
        assert_eq!(
            (verified.iat, verified.exp, verified.ttl),
            (NOW, Some(NOW + 3600), Some(43_200))
        );
        assert_eq!(verified.list, list());
        assert_eq!(verified.list.get(3), Ok(StatusValue::Invalid));
        assert_eq!(verified.list.get(5), Ok(StatusValue::Suspended));
    }

    #[test]
    fn accepts_full_media_type_as_typ() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = sign_raw(
            &key,
            json!({"typ": "Application/StatusList+JWT", "kid": "k"}),
            good_claims(),
        );
        assert!(verify(&token, &key, NOW).is_ok());
    }

    #[test]
    fn rejects_token_signed_by_another_key() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let other = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&other, None, None);
        assert_eq!(
            verify(&token, &key, NOW),
            Err(StatusError::Jose(JoseError::BadSignature))
        );
    }

    #[test]
    fn rejects_alg_none() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&key, None, None);
        let claims = token.split('.').nth(1).expect("payload");
        // {"alg":"none","typ":"statuslist+jwt","kid":"k"}
        let unsigned =
            format!("eyJhbGciOiJub25lIiwidHlwIjoic3RhdHVzbGlzdCtqd3QiLCJraWQiOiJrIn0.{claims}.");
        assert!(matches!(
            verify(&unsigned, &key, NOW),
            Err(StatusError::Jose(_))
        ));
    }

    #[test]
    fn rejects_wrong_typ() {
        let key = SecretKey::generate(KeyType::Ed25519);
        for typ in [
            json!("JWT"),
            json!("dc+sd-jwt"),
            json!("statuslist+cwt"),
            json!(7),
        ] {
            let token = sign_raw(&key, json!({"typ": typ, "kid": "k"}), good_claims());
            assert!(matches!(
                verify(&token, &key, NOW),
                Err(StatusError::WrongType {
                    expected: "statuslist+jwt",
                    ..
                })
            ));
        }
        let token = sign_raw(&key, json!({"kid": "k"}), good_claims());
        assert_eq!(
            verify(&token, &key, NOW),
            Err(StatusError::WrongType {
                expected: "statuslist+jwt",
                found: None
            })
        );
    }

    #[test]
    fn rejects_token_without_kid() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = sign_raw(&key, json!({"typ": "statuslist+jwt"}), good_claims());
        assert_eq!(verify(&token, &key, NOW), Err(StatusError::MissingKid));
    }

    #[test]
    fn rejects_substituted_list_for_other_uri() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let mut claims = good_claims();
        claims["sub"] = json!("https://example.com/statuslists/2");
        let token = sign_raw(&key, good_header(), claims);
        assert!(matches!(
            verify(&token, &key, NOW),
            Err(StatusError::SubjectMismatch { .. })
        ));
        // The comparison is exact: no normalisation of case, trailing slash or default port.
        for sub in [
            "https://EXAMPLE.com/statuslists/1",
            "https://example.com/statuslists/1/",
            "https://example.com:443/statuslists/1",
        ] {
            let mut claims = good_claims();
            claims["sub"] = json!(sub);
            let token = sign_raw(&key, good_header(), claims);
            assert!(verify(&token, &key, NOW).is_err(), "{sub}");
        }
    }

    #[test]
    fn rejects_expired_token() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&key, Some(NOW + 100), None);
        assert!(verify(&token, &key, NOW + 100 + DEFAULT_LEEWAY).is_err());
        assert_eq!(
            verify(&token, &key, NOW + 100 + DEFAULT_LEEWAY),
            Err(StatusError::Expired {
                expired_at: NOW + 100,
                now: NOW + 100 + DEFAULT_LEEWAY
            })
        );
        assert!(verify(&token, &key, NOW + 100 + DEFAULT_LEEWAY - 1).is_ok());
    }

    #[test]
    fn rejects_token_issued_in_the_future() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&key, None, None);
        assert!(matches!(
            verify(&token, &key, NOW - DEFAULT_LEEWAY - 1),
            Err(StatusError::NotYetValid { .. })
        ));
    }

    #[test]
    fn rejects_token_before_nbf() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let mut claims = good_claims();
        claims["nbf"] = json!(NOW + 600);
        let token = sign_raw(&key, good_header(), claims);
        assert!(matches!(
            verify(&token, &key, NOW),
            Err(StatusError::NotYetValid { .. })
        ));
    }

    #[test]
    fn rejects_missing_or_malformed_claims() {
        let key = SecretKey::generate(KeyType::Ed25519);
        for (claim, value) in [
            ("sub", Value::Null),
            ("sub", json!(1)),
            ("iat", Value::Null),
            ("iat", json!("1686920170")),
            ("exp", json!("soon")),
            ("ttl", json!(0)),
            ("ttl", json!(-300)),
            ("ttl", json!(1.5)),
            ("ttl", json!("300")),
            ("status_list", Value::Null),
            ("status_list", json!("eNrbuRgAAhcBXQ")),
            ("status_list", json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"})),
            ("status_list", json!({"bits": 1})),
            ("iss", json!(["a"])),
        ] {
            let mut claims = good_claims();
            if let Some(object) = claims.as_object_mut() {
                if value.is_null() {
                    object.remove(claim);
                } else {
                    object.insert(claim.to_owned(), value.clone());
                }
            }
            let token = sign_raw(&key, good_header(), claims);
            assert!(
                matches!(
                    verify(&token, &key, NOW),
                    Err(StatusError::MissingClaim(_) | StatusError::InvalidClaim { .. })
                ),
                "{claim}: {value}"
            );
        }
    }

    #[test]
    fn rejects_duplicate_claim_names() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let Value::Object(header) = good_header() else {
            panic!("object")
        };
        let payload = format!(
            r#"{{"sub":"https://example.com/statuslists/2","sub":"{URI}","iat":{NOW},"status_list":{{"bits":1,"lst":"eNrbuRgAAhcBXQ"}}}}"#
        );
        let token = jose::sign_compact(&header, payload.as_bytes(), &signer).expect("signs");
        assert!(matches!(
            verify(&token, &key, NOW),
            Err(StatusError::Jose(JoseError::DuplicateMember(_)))
        ));
    }

    #[test]
    fn rejects_decompression_bomb_in_token() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let big = TokenStatusList::new(StatusBits::Eight, 1 << 20).expect("ok");
        let mut claims = good_claims();
        claims["status_list"] = serde_json::to_value(big.encode().expect("ok")).expect("json");
        let token = sign_raw(&key, good_header(), claims);
        let validation = StatusListValidation {
            max_list_bytes: 64 * 1024,
            ..StatusListValidation::at(NOW)
        };
        let policy = AlgorithmPolicy::default();
        assert_eq!(
            StatusListToken::verify(&token, &key.public_key(), URI, &policy, &validation),
            Err(StatusError::List(StatusListError::DecompressedTooLarge {
                max: 64 * 1024
            }))
        );
    }

    #[test]
    fn refuses_to_issue_nonsense() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).expect("fits");
        let list = list();
        let issue = |uri: &str, kid: &str, exp: Option<u64>, ttl: Option<u64>| {
            issue_status_list_token(&list, uri, &signer, kid, NOW, exp, ttl)
        };
        assert!(issue("statuslists/1", "k", None, None).is_err());
        assert_eq!(issue(URI, "", None, None), Err(StatusError::MissingKid));
        assert!(issue(URI, "k", None, Some(0)).is_err());
        assert!(issue(URI, "k", Some(NOW), None).is_err());
        assert!(issue(URI, "k", Some(NOW + 1), Some(1)).is_ok());
    }

    #[test]
    fn issued_header_and_claims_follow_section_5_1() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let token = issue(&key, Some(NOW + 3600), Some(43_200));
        let jws = jose::verify_compact(&token, &key.public_key(), &AlgorithmPolicy::default())
            .expect("verifies");
        assert_eq!(
            Value::Object(jws.header),
            json!({"alg": "Ed25519", "typ": "statuslist+jwt", "kid": "did:example:issuer#key-1"})
        );
        let claims: Value = serde_json::from_slice(&jws.payload).expect("json");
        assert_eq!(
            claims,
            json!({"sub": URI, "iat": NOW, "exp": NOW + 3600, "ttl": 43_200,
                   "status_list": list().encode().expect("encodes")})
        );
    }
}
