//! Status values of the Token Status List (§7) and what each means for a verification report.

use std::fmt;

use crate::report::ErrorCode;

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

    /// The verification report code this status raises, or `None` for `VALID`.
    ///
    /// `INVALID` is `revoked` and `SUSPENDED` is `suspended`. A value this verifier cannot
    /// interpret says nothing it can rely on, so it fails closed as `status_unavailable`
    /// (Token Status List §8.3: when no statement can be made, the token SHOULD be rejected).
    pub fn code(self) -> Option<ErrorCode> {
        match self {
            StatusValue::Valid => None,
            StatusValue::Invalid => Some(ErrorCode::Revoked),
            StatusValue::Suspended => Some(ErrorCode::Suspended),
            StatusValue::Other(_) => Some(ErrorCode::StatusUnavailable),
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

    #[test]
    fn registered_values_map_to_report_codes() {
        assert_eq!(StatusValue::from(0).code(), None);
        assert_eq!(StatusValue::from(1).code(), Some(ErrorCode::Revoked));
        assert_eq!(StatusValue::from(2).code(), Some(ErrorCode::Suspended));
    }

    #[test]
    fn unknown_value_fails_closed() {
        for byte in [0x03, 0x0C, 0x0F, 0x10, 0xFF] {
            let status = StatusValue::from(byte);
            assert!(!status.is_valid());
            assert_eq!(status.code(), Some(ErrorCode::StatusUnavailable));
        }
    }

    #[test]
    fn displays_registered_names() {
        assert_eq!(StatusValue::Invalid.to_string(), "INVALID");
        assert_eq!(StatusValue::Other(3).to_string(), "0x03");
    }
}
