//! Status values of the Token Status List (§7), the status every check answers with, and the
//! one mapping from a status to the verification report's verdict.

use std::fmt;

use crate::report::{ErrorCode, ReportError};

/// The status of one Referenced Token (Token Status List §7.1).
///
/// The three registered values have names; every other value (0x03 and 0x0C–0x0F are
/// application-specific, the rest reserved) is kept as its number, so nothing the issuer wrote
/// is lost even when this verifier cannot interpret it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusValue {
    /// 0x00 `VALID`: the token is valid, correct or legal.
    Valid,
    /// 0x01 `INVALID`: the token is revoked, annulled, taken back, recalled or cancelled.
    Invalid,
    /// 0x02 `SUSPENDED`: the token is temporarily invalid.
    Suspended,
    /// Any other value, application-specific or reserved.
    Other(u8),
}

impl StatusValue {
    /// The value as stored in the list.
    pub fn value(self) -> u8 {
        match self {
            StatusValue::Valid => 0x00,
            StatusValue::Invalid => 0x01,
            StatusValue::Suspended => 0x02,
            StatusValue::Other(value) => value,
        }
    }

    /// Whether the token may be accepted on its status alone: only `VALID` says so.
    pub fn is_valid(self) -> bool {
        self == StatusValue::Valid
    }

    /// The verdict of the verification report on a credential with this status: `Ok` for
    /// `VALID` only.
    ///
    /// `INVALID` is `revoked` and `SUSPENDED` is `suspended` (Token Status List §7.1; a set
    /// Bitstring Status List `revocation` or `suspension` bit is read as these). A value this
    /// verifier cannot interpret says nothing it can rely on, so it fails closed as
    /// `status_unavailable` (Token Status List §8.3: when no statement can be made, the token
    /// SHOULD be rejected).
    pub fn verdict(self) -> Result<(), ReportError> {
        match self {
            StatusValue::Valid => Ok(()),
            StatusValue::Invalid => Err(ReportError::new(
                ErrorCode::Revoked,
                "the issuer has revoked this credential",
            )),
            StatusValue::Suspended => Err(ReportError::new(
                ErrorCode::Suspended,
                "the issuer has suspended this credential; it may be reinstated later",
            )),
            StatusValue::Other(value) => Err(ReportError::new(
                ErrorCode::StatusUnavailable,
                format!(
                    "the credential has status {value:#04x}, which this verifier does not understand"
                ),
            )),
        }
    }
}

impl From<u8> for StatusValue {
    fn from(value: u8) -> Self {
        match value {
            0x00 => StatusValue::Valid,
            0x01 => StatusValue::Invalid,
            0x02 => StatusValue::Suspended,
            other => StatusValue::Other(other),
        }
    }
}

impl From<StatusValue> for u8 {
    fn from(value: StatusValue) -> Self {
        value.value()
    }
}

impl fmt::Display for StatusValue {
    /// The registered name (`VALID`, `INVALID`, `SUSPENDED`), or the value in hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusValue::Valid => f.write_str("VALID"),
            StatusValue::Invalid => f.write_str("INVALID"),
            StatusValue::Suspended => f.write_str("SUSPENDED"),
            StatusValue::Other(value) => write!(f, "{value:#04x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for byte in 0..=u8::MAX {
            assert_eq!(StatusValue::from(byte).value(), byte);
        }
    }

    fn code(status: StatusValue) -> Option<ErrorCode> {
        status.verdict().err().map(|error| error.code)
    }

    #[test]
    fn registered_values_map_to_report_codes() {
        assert_eq!(code(StatusValue::from(0)), None);
        assert_eq!(code(StatusValue::from(1)), Some(ErrorCode::Revoked));
        assert_eq!(code(StatusValue::from(2)), Some(ErrorCode::Suspended));
    }

    #[test]
    fn rejects_unknown_status_value() {
        for byte in [0x03, 0x0C, 0x0F, 0x10, 0xFF] {
            let status = StatusValue::from(byte);
            assert!(!status.is_valid());
            assert_eq!(code(status), Some(ErrorCode::StatusUnavailable));
            let message = status.verdict().err().map(|error| error.message);
            assert!(message.is_some_and(|m| m.contains(&format!("{byte:#04x}"))));
        }
    }

    #[test]
    fn displays_registered_names() {
        assert_eq!(StatusValue::Invalid.to_string(), "INVALID");
        assert_eq!(StatusValue::Other(3).to_string(), "0x03");
    }
}
