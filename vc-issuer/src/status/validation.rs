//! What a verifier checks on every signed status list, whatever its format: the time window
//! (with a leeway for clock skew), the size limit, the JWS `typ` and `kid`, and the claim
//! types of JWT (RFC 7519 NumericDate).

use did_core::jose::UnverifiedJws;
use serde_json::{Map, Value};

use super::StatusError;
use super::error::quoted;
use super::inflate::MAX_DECOMPRESSED_BYTES;

/// The default allowance for clock skew between issuer and verifier, in seconds (RFC 7519
/// §4.1.4–4.1.5 allow "some small leeway").
pub const DEFAULT_LEEWAY_SECS: i64 = 60;

/// The time of a check and the limits it applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusListValidation {
    /// The time of the check, in seconds since the Unix epoch.
    pub now: i64,
    /// The allowance for clock skew, in seconds, on each side of a validity window.
    pub leeway: i64,
    /// The largest decompressed list accepted, in bytes.
    pub max_list_bytes: usize,
}

impl StatusListValidation {
    /// A check at `now` with the default leeway and size limit.
    pub fn at(now: i64) -> Self {
        StatusListValidation {
            now,
            leeway: DEFAULT_LEEWAY_SECS,
            max_list_bytes: MAX_DECOMPRESSED_BYTES,
        }
    }

    /// Refuses a list whose end of validity has passed. RFC 7519 §4.1.4: the current time
    /// MUST be before `exp`; the same holds for `validUntil` (VCDM 2.0 §4.9).
    pub(crate) fn check_not_expired(&self, expires_at: i64) -> Result<(), StatusError> {
        if self.now.saturating_sub(self.leeway) >= expires_at {
            return Err(StatusError::Expired {
                expired_at: expires_at,
                now: self.now,
            });
        }
        Ok(())
    }

    /// Refuses a list not valid yet (RFC 7519 §4.1.5 `nbf`; VCDM 2.0 §4.9 `validFrom`) or
    /// issued in the future (`iat`).
    pub(crate) fn check_started(&self, valid_from: i64) -> Result<(), StatusError> {
        if self.now.saturating_add(self.leeway) < valid_from {
            return Err(StatusError::NotYetValid {
                valid_from,
                now: self.now,
            });
        }
        Ok(())
    }
}

/// Checks the JWS `typ` against the media types a kind of token may carry. RFC 7515 §4.1.9:
/// media types compare without regard to case, and `application/` may be left out —
/// `statuslist+jwt` and `application/statuslist+jwt` are the same type. A missing `typ` passes
/// only when `required` is false.
pub(crate) fn check_typ(
    jws: &UnverifiedJws<'_>,
    accepted: &[&'static str],
    required: bool,
) -> Result<(), StatusError> {
    let expected = accepted.first().copied().unwrap_or_default();
    let found = match jws.header().get("typ") {
        None if !required => return Ok(()),
        None => None,
        Some(Value::String(typ)) => {
            let lower = typ.to_ascii_lowercase();
            let essence = lower.strip_prefix("application/").unwrap_or(&lower);
            if accepted.contains(&essence) {
                return Ok(());
            }
            Some(quoted(typ))
        }
        Some(other) => Some(quoted(&other.to_string())),
    };
    Err(StatusError::WrongType { expected, found })
}

/// The JWS header's `kid`: required, since it is how the signer's key is found.
pub(crate) fn kid(jws: &UnverifiedJws<'_>) -> Result<String, StatusError> {
    match jws.header().get("kid") {
        Some(Value::String(kid)) if !kid.is_empty() => Ok(kid.clone()),
        _ => Err(StatusError::MissingKid),
    }
}

/// A NumericDate claim (RFC 7519 §2): a JSON number of seconds, fractions dropped.
pub(crate) fn numeric_date(
    claims: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<i64>, StatusError> {
    let Some(value) = claims.get(claim) else {
        return Ok(None);
    };
    let invalid = || StatusError::InvalidClaim {
        claim,
        problem: "is not a NumericDate (seconds since the Unix epoch)".to_owned(),
    };
    match value {
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(seconds), _) => Ok(Some(seconds)),
            // A fraction: floor, inside the range of i64 (whose bounds f64 can hold exactly).
            (None, Some(seconds))
                if seconds.is_finite()
                    && seconds >= i64::MIN as f64
                    && seconds < i64::MAX as f64 =>
            {
                Ok(Some(seconds.floor() as i64))
            }
            _ => Err(invalid()),
        },
        _ => Err(invalid()),
    }
}

/// An optional string claim.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn reads_numeric_dates() {
        let claims =
            claims(json!({"a": 1686920170, "b": 1686920170.9, "c": -5, "d": "1", "e": 1e300}));
        assert_eq!(numeric_date(&claims, "a"), Ok(Some(1_686_920_170)));
        assert_eq!(numeric_date(&claims, "b"), Ok(Some(1_686_920_170)));
        assert_eq!(numeric_date(&claims, "c"), Ok(Some(-5)));
        assert_eq!(numeric_date(&claims, "absent"), Ok(None));
        assert!(numeric_date(&claims, "d").is_err());
        assert!(numeric_date(&claims, "e").is_err());
    }

    #[test]
    fn time_window_allows_leeway_and_no_more() {
        let validation = StatusListValidation::at(1000);
        assert!(
            validation
                .check_not_expired(1000 - DEFAULT_LEEWAY_SECS + 1)
                .is_ok()
        );
        assert!(
            validation
                .check_not_expired(1000 - DEFAULT_LEEWAY_SECS)
                .is_err()
        );
        assert!(validation.check_started(1000 + DEFAULT_LEEWAY_SECS).is_ok());
        assert!(
            validation
                .check_started(1000 + DEFAULT_LEEWAY_SECS + 1)
                .is_err()
        );
        let strict = StatusListValidation {
            leeway: 0,
            ..validation
        };
        assert!(strict.check_not_expired(1000).is_err());
        assert!(strict.check_not_expired(1001).is_ok());
    }
}
