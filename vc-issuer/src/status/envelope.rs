//! The signed envelope both kinds of status list travel in, verified by one code path: parse
//! the compact JWS, check its explicit type, find the key of the credential's issuer, verify
//! the signature, read the payload, and check its time window at the caller's `now`.
//!
//! A Status List Token (`statuslist+jwt`, Token Status List §5.1) and a Bitstring Status List
//! credential (`vc+jwt`, VC-JOSE-COSE §3.1.1) differ only in what [`SignedStatusList`] says:
//! their `typ`, how the payload is read, and which issuer it names.

use did_core::excerpt::excerpt;
use did_core::jose::{self, AlgorithmPolicy, UnverifiedJws};
use did_core::key::PublicKey;
use did_core::time::Clock;
use serde_json::{Map, Value};

use super::StatusError;
use super::inflate::MAX_DECOMPRESSED_BYTES;
use crate::issuer_keys::{IssuerKeyRequest, IssuerKeys};

/// The default allowance for clock skew between issuer and verifier, in seconds (RFC 7519
/// §4.1.4–4.1.5 allow "some small leeway").
pub const DEFAULT_LEEWAY_SECS: u64 = 60;

/// The clock of a check and the size limit it applies to the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusListValidation {
    /// The verifier's time and the skew it allows on each side of a validity window.
    pub clock: Clock,
    /// The largest decompressed list accepted, in bytes.
    pub max_list_bytes: usize,
}

impl StatusListValidation {
    /// A check at `now` (Unix seconds) with the default leeway and size limit.
    pub fn at(now: u64) -> Self {
        StatusListValidation {
            clock: Clock {
                now,
                skew: DEFAULT_LEEWAY_SECS,
            },
            max_list_bytes: MAX_DECOMPRESSED_BYTES,
        }
    }
}

/// When a signed list may be relied on, in Unix seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Validity {
    /// Not before this: the latest of `iat` and `nbf`, or `validFrom`.
    pub(crate) starts: Option<u64>,
    /// Not at or after this: `exp`, or `validUntil`.
    pub(crate) ends: Option<u64>,
}

impl Validity {
    /// RFC 7519 §4.1.4–§4.1.5 (and VCDM 2.0 §4.9 for `validFrom` / `validUntil`): refused
    /// before its start and from its end on, within the clock's skew.
    fn check(self, clock: &Clock) -> Result<(), StatusError> {
        if let Some(starts) = self.starts.filter(|starts| clock.is_before(*starts)) {
            return Err(StatusError::NotYetValid {
                valid_from: starts,
                now: clock.now,
            });
        }
        if let Some(ends) = self.ends.filter(|ends| clock.has_expired(*ends)) {
            return Err(StatusError::Expired {
                expired_at: ends,
                now: clock.now,
            });
        }
        Ok(())
    }
}

/// What one kind of signed status list adds to the shared envelope.
pub(crate) trait SignedStatusList: Sized {
    /// The explicit types (`typ`, RFC 8725 §3.11) the JWS may carry, the canonical one first.
    const TYPES: &'static [&'static str];
    /// Whether the JWS must carry `typ` at all.
    const TYP_REQUIRED: bool;
    /// The media type the list is requested as.
    const MEDIA_TYPE: &'static str;

    /// Reads the payload of a list whose signature verified, fetched from `url`.
    fn from_payload(
        payload: Map<String, Value>,
        url: &str,
        max_list_bytes: usize,
    ) -> Result<Self, StatusError>;

    /// When the list may be relied on.
    fn validity(&self) -> Validity;

    /// The issuer the verified list names, if it names one.
    fn issuer(&self) -> Option<&str>;
}

/// A signed status list parsed, its type and `kid` checked, nothing else trusted yet.
struct Envelope<'a> {
    jws: UnverifiedJws<'a>,
    kid: String,
    payload: Map<String, Value>,
}

impl<'a> Envelope<'a> {
    /// The JOSE layer refuses `alg: none`, MACs and algorithms outside `policy`; then the
    /// explicit type and a `kid`, and a payload that is one JSON object with unique names
    /// (RFC 7519 §4).
    fn parse<L: SignedStatusList>(
        compact: &'a str,
        policy: &AlgorithmPolicy,
    ) -> Result<Envelope<'a>, StatusError> {
        let jws = jose::decode_compact(compact.trim_ascii(), policy)?;
        check_typ::<L>(jws.header())?;
        let kid = match jws.header().get("kid") {
            Some(Value::String(kid)) if !kid.is_empty() => kid.clone(),
            _ => return Err(StatusError::MissingKid),
        };
        let payload = jose::parse_json_object(jws.payload())?;
        Ok(Envelope { jws, kid, payload })
    }

    /// Verifies the signature under `key` (no claim is acted on before this), reads the
    /// payload and checks its time window.
    fn open<L: SignedStatusList>(
        self,
        key: &PublicKey,
        url: &str,
        validation: &StatusListValidation,
    ) -> Result<L, StatusError> {
        self.jws.verify(key)?;
        let list = L::from_payload(self.payload, url, validation.max_list_bytes)?;
        list.validity().check(&validation.clock)?;
        Ok(list)
    }
}

/// RFC 7515 §4.1.9 through [`jose::header_has_typ`]: `statuslist+jwt` and
/// `application/StatusList+JWT` are one type.
fn check_typ<L: SignedStatusList>(header: &Map<String, Value>) -> Result<(), StatusError> {
    let expected = L::TYPES.first().copied().unwrap_or_default();
    match header.get("typ") {
        None if !L::TYP_REQUIRED => Ok(()),
        _ if L::TYPES.iter().any(|typ| jose::header_has_typ(header, typ)) => Ok(()),
        None => Err(StatusError::WrongType {
            expected,
            found: None,
        }),
        Some(Value::String(typ)) => Err(StatusError::WrongType {
            expected,
            found: Some(excerpt(typ)),
        }),
        Some(other) => Err(StatusError::WrongType {
            expected,
            found: Some(excerpt(&other.to_string())),
        }),
    }
}

/// The one way a fetched status list is verified, for a credential of `issuer`.
///
/// The list speaks for `issuer` or not at all (Token Status List §11.3: the Status Issuer
/// should be the Referenced Token's issuer, its key found by the same key resolution): the key
/// is the one `keys` gives for `issuer` and the header's `kid` — exactly how the credential's
/// own key was found, so a key the issuer did not publish can sign nothing here — and a
/// verified list that names another issuer is refused.
pub(crate) async fn verify_signed_list<L: SignedStatusList>(
    compact: &str,
    url: &str,
    issuer: &str,
    keys: &dyn IssuerKeys,
    policy: &AlgorithmPolicy,
    validation: &StatusListValidation,
) -> Result<L, StatusError> {
    let envelope = Envelope::parse::<L>(compact, policy)?;
    let key = keys
        .issuer_key(&IssuerKeyRequest::new(
            issuer,
            Some(&envelope.kid),
            validation.clock.now,
        ))
        .await
        .map_err(|error| StatusError::KeyUnavailable {
            kid: excerpt(&envelope.kid),
            reason: format!("the list must be signed by the credential's issuer: {error}"),
        })?;
    let list = envelope.open::<L>(&key, url, validation)?;
    // Compared as plain strings, as `iss` values are (RFC 3986 §6.2.1).
    if let Some(named) = list.issuer()
        && named != issuer
    {
        return Err(StatusError::IssuerMismatch {
            expected: excerpt(issuer),
            found: excerpt(named),
        });
    }
    Ok(list)
}

/// The same path with the key already known: for a verifier that pins a key, and for test
/// vectors that come with theirs.
pub(crate) fn verify_signed_list_with_key<L: SignedStatusList>(
    compact: &str,
    key: &PublicKey,
    url: &str,
    policy: &AlgorithmPolicy,
    validation: &StatusListValidation,
) -> Result<L, StatusError> {
    Envelope::parse::<L>(compact, policy)?.open(key, url, validation)
}

/// An optional string member.
pub(crate) fn optional_str<'a>(
    claims: &'a Map<String, Value>,
    claim: &'static str,
) -> Result<Option<&'a str>, StatusError> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(StatusError::InvalidClaim {
            claim,
            problem: "is not a string".to_owned(),
        }),
    }
}

/// An optional NumericDate claim (RFC 7519 §2), read by [`did_core::time::numeric_date`].
pub(crate) fn numeric_date(
    claims: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<u64>, StatusError> {
    claims
        .get(claim)
        .map(|value| {
            did_core::time::numeric_date(value).ok_or_else(|| StatusError::InvalidClaim {
                claim,
                problem: "is not a NumericDate (seconds since the Unix epoch)".to_owned(),
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_window_allows_leeway_and_no_more() {
        let clock = StatusListValidation::at(1000).clock;
        let ending = |ends| Validity {
            starts: None,
            ends: Some(ends),
        };
        let starting = |starts| Validity {
            starts: Some(starts),
            ends: None,
        };
        assert!(ending(1000 - DEFAULT_LEEWAY_SECS + 1).check(&clock).is_ok());
        assert_eq!(
            ending(1000 - DEFAULT_LEEWAY_SECS).check(&clock),
            Err(StatusError::Expired {
                expired_at: 1000 - DEFAULT_LEEWAY_SECS,
                now: 1000
            })
        );
        assert!(starting(1000 + DEFAULT_LEEWAY_SECS).check(&clock).is_ok());
        assert!(matches!(
            starting(1000 + DEFAULT_LEEWAY_SECS + 1).check(&clock),
            Err(StatusError::NotYetValid { .. })
        ));
        let strict = Clock { now: 1000, skew: 0 };
        assert!(ending(1000).check(&strict).is_err());
        assert!(ending(1001).check(&strict).is_ok());
    }

    #[test]
    fn rejects_claims_of_the_wrong_type() {
        let Value::Object(claims) = serde_json::json!({"a": 5, "b": "5", "c": -5, "d": 7}) else {
            panic!("object")
        };
        assert_eq!(numeric_date(&claims, "a"), Ok(Some(5)));
        assert!(numeric_date(&claims, "b").is_err());
        assert!(numeric_date(&claims, "c").is_err());
        assert_eq!(numeric_date(&claims, "absent"), Ok(None));
        assert!(optional_str(&claims, "d").is_err());
        assert_eq!(optional_str(&claims, "b"), Ok(Some("5")));
    }
}
