//! The reference from a Referenced Token to its Token Status List: the `status` claim with its
//! `status_list` member `{idx, uri}` (draft-ietf-oauth-status-list §6.1–§6.2).

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::status::StatusListError;
use crate::status::uri::check_uri;

/// Where the status of a Referenced Token is: the index `idx` in the Status List Token that
/// `uri` identifies (§6.2). Made by [`new`](Self::new) or read from a token by
/// [`from_status_claim`](Self::from_status_claim), both of which check the URI.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StatusListReference {
    /// The index of the token's status in the list.
    pub idx: u64,
    /// The URI of the Status List Token; its `sub` must equal this (§5.1).
    pub uri: String,
}

impl StatusListReference {
    /// A reference, with `uri` checked as for a parsed one.
    pub fn new(idx: u64, uri: &str) -> Result<StatusListReference, StatusListError> {
        check_uri(uri, "status_list.uri")?;
        Ok(StatusListReference {
            idx,
            uri: uri.to_owned(),
        })
    }

    /// Reads the `status` claim of a Referenced Token (§6.2): a JSON object with a
    /// `status_list` member holding a non-negative integer `idx` and a URI `uri`. Other status
    /// mechanisms in the same object are left alone.
    pub fn from_status_claim(status: &Value) -> Result<StatusListReference, StatusListError> {
        let status = status
            .as_object()
            .ok_or_else(|| invalid("status", "is not a JSON object"))?;
        let status_list = status
            .get("status_list")
            .ok_or_else(|| invalid("status.status_list", "is missing"))?
            .as_object()
            .ok_or_else(|| invalid("status.status_list", "is not a JSON object"))?;
        let idx = status_list
            .get("idx")
            .ok_or_else(|| invalid("status.status_list.idx", "is missing"))?
            .as_u64()
            .ok_or_else(|| invalid("status.status_list.idx", "is not a non-negative integer"))?;
        let uri = status_list
            .get("uri")
            .ok_or_else(|| invalid("status.status_list.uri", "is missing"))?
            .as_str()
            .ok_or_else(|| invalid("status.status_list.uri", "is not a string"))?;
        check_uri(uri, "status.status_list.uri")?;
        Ok(StatusListReference {
            idx,
            uri: uri.to_owned(),
        })
    }

    /// The `status` claim that carries this reference, for an issuer to put in a token.
    pub fn to_status_claim(&self) -> Value {
        let mut status = Map::new();
        status.insert(
            "status_list".to_owned(),
            json!({ "idx": self.idx, "uri": self.uri }),
        );
        Value::Object(status)
    }
}

fn invalid(member: &'static str, problem: &str) -> StatusListError {
    StatusListError::invalid_reference(member, problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::MAX_URI_LEN;

    #[test]
    fn reads_the_spec_example() {
        // draft-ietf-oauth-status-list §6.2, the example Referenced Token.
        let status = json!({"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}});
        let reference = StatusListReference::from_status_claim(&status).expect("valid");
        assert_eq!(reference.idx, 0);
        assert_eq!(reference.uri, "https://example.com/statuslists/1");
        assert_eq!(reference.to_status_claim(), status);
    }

    #[test]
    fn ignores_other_status_mechanisms() {
        let status = json!({
            "status_list": {"idx": 412, "uri": "https://example.com/statuslists/1"},
            "other_mechanism": {"anything": true}
        });
        assert_eq!(
            StatusListReference::from_status_claim(&status).map(|r| r.idx),
            Ok(412)
        );
    }

    #[test]
    fn rejects_malformed_references() {
        let uri = "https://example.com/statuslists/1";
        for (status, member) in [
            (json!("https://example.com/statuslists/1"), "status"),
            (json!({}), "status.status_list"),
            (json!({"status_list": [0, uri]}), "status.status_list"),
            (
                json!({"status_list": {"uri": uri}}),
                "status.status_list.idx",
            ),
            (
                json!({"status_list": {"idx": -1, "uri": uri}}),
                "status.status_list.idx",
            ),
            (
                json!({"status_list": {"idx": 1.5, "uri": uri}}),
                "status.status_list.idx",
            ),
            (
                json!({"status_list": {"idx": "0", "uri": uri}}),
                "status.status_list.idx",
            ),
            (json!({"status_list": {"idx": 0}}), "status.status_list.uri"),
            (
                json!({"status_list": {"idx": 0, "uri": 7}}),
                "status.status_list.uri",
            ),
            (
                json!({"status_list": {"idx": 0, "uri": "/statuslists/1"}}),
                "status.status_list.uri",
            ),
            (
                json!({"status_list": {"idx": 0, "uri": ""}}),
                "status.status_list.uri",
            ),
        ] {
            match StatusListReference::from_status_claim(&status) {
                Err(StatusListError::InvalidReference { member: got, .. }) => {
                    assert_eq!(got, member, "{status}")
                }
                other => panic!("{status} gave {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_overlong_uri() {
        let uri = format!("https://example.com/{}", "a".repeat(MAX_URI_LEN));
        assert!(StatusListReference::new(0, &uri).is_err());
        let status = json!({"status_list": {"idx": 0, "uri": uri}});
        assert!(StatusListReference::from_status_claim(&status).is_err());
    }
}
