//! The status step of credential verification over status lists: [`StatusCheck`] for
//! [`StatusListClient`], from a credential's status reference — the `status` claim of an SD-JWT
//! VC or the `credentialStatus` of a VCDM 2.0 credential — to one [`CredentialStatus`].

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::client::unix_now;
use super::entry::has_type;
use super::error::quoted;
use super::reference::invalid;
use super::{
    BitstringStatus, BitstringStatusListEntry, ENTRY_TYPE, StatusError, StatusListClient,
    StatusListReference, StatusValue,
};
use crate::report::ErrorCode;
use crate::verify::{CredentialStatus, StatusCheck};

/// The most `credentialStatus` entries checked for one credential. Each entry may cost a
/// fetch, so a credential cannot make its verifier fetch without bound; the specification's
/// own examples carry one or two (a revocation and a suspension list).
pub const MAX_STATUS_ENTRIES: usize = 8;

/// The most member names or types an error quotes from a status reference it cannot check.
const MAX_QUOTED_NAMES: usize = 4;

/// A status reference, read: which mechanism, pointing where.
#[derive(Debug, PartialEq)]
enum StatusMechanism {
    /// The `status_list` member of an SD-JWT VC `status` claim (Token Status List §6.1).
    TokenStatusList(StatusListReference),
    /// The `BitstringStatusListEntry` entries of a `credentialStatus` (Bitstring Status List
    /// §2.1), one or more.
    Bitstring(Vec<BitstringStatusListEntry>),
}

/// Reads a status reference as the verifier receives it, without knowing which kind of
/// credential it came from: an object with a `status_list` member is an SD-JWT VC `status`
/// claim; an object with a `type`, or an array, is a VCDM 2.0 `credentialStatus` (VCDM 2.0
/// §4.10: each entry has a `type`).
fn read_mechanism(status: &Value) -> Result<StatusMechanism, StatusError> {
    match status {
        // Token Status List §6.1: `status` holds one member per mechanism; other members are
        // other mechanisms for the same token, and this one answers for it.
        Value::Object(members) if members.contains_key("status_list") => Ok(
            StatusMechanism::TokenStatusList(StatusListReference::from_status_claim(status)?),
        ),
        Value::Object(members) if members.contains_key("type") => {
            bitstring_entries(std::slice::from_ref(status))
        }
        Value::Array(entries) => bitstring_entries(entries),
        Value::Object(members) if members.is_empty() => Err(StatusError::UnsupportedMechanism {
            found: "an empty status object".to_owned(),
        }),
        Value::Object(members) => Err(StatusError::UnsupportedMechanism {
            found: format!(
                "the status member(s) {}",
                quote_names(members.keys().map(String::as_str))
            ),
        }),
        _ => Err(invalid("status", "is neither a JSON object nor an array").into()),
    }
}

/// The entries of a `credentialStatus`. Every entry must be a `BitstringStatusListEntry`:
/// each entry is a status of its own (a revocation, a suspension), so one this verifier cannot
/// check could be the one that revokes the credential — it fails closed.
fn bitstring_entries(entries: &[Value]) -> Result<StatusMechanism, StatusError> {
    if entries.is_empty() {
        return Err(invalid("credentialStatus", "is an empty array").into());
    }
    if entries.len() > MAX_STATUS_ENTRIES {
        return Err(StatusError::TooManyEntries {
            count: entries.len(),
            max: MAX_STATUS_ENTRIES,
        });
    }
    entries
        .iter()
        .map(|entry| match entry {
            Value::Object(members) if has_type(members, ENTRY_TYPE) => {
                Ok(BitstringStatusListEntry::from_json(entry)?)
            }
            Value::Object(members) => Err(StatusError::UnsupportedMechanism {
                found: describe_type(members),
            }),
            _ => Err(invalid(
                "credentialStatus",
                "holds an entry that is not a JSON object",
            )
            .into()),
        })
        .collect::<Result<_, _>>()
        .map(StatusMechanism::Bitstring)
}

/// The `type` of a status entry, for an error message.
fn describe_type(entry: &Map<String, Value>) -> String {
    match entry.get("type") {
        Some(Value::String(kind)) => format!("the status type {}", quote_names([kind.as_str()])),
        Some(Value::Array(kinds)) => format!(
            "the status type {}",
            quote_names(kinds.iter().filter_map(Value::as_str))
        ),
        _ => "a status entry without a type".to_owned(),
    }
}

/// Up to [`MAX_QUOTED_NAMES`] names, each shortened and quoted.
fn quote_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let mut quoted_names: Vec<String> = names
        .by_ref()
        .take(MAX_QUOTED_NAMES)
        .map(|name| format!("{:?}", quoted(name)))
        .collect();
    if names.next().is_some() {
        quoted_names.push("…".to_owned());
    }
    quoted_names.join(", ")
}

impl From<StatusValue> for CredentialStatus {
    /// Token Status List §7.1: `INVALID` is a revocation, `SUSPENDED` a suspension; any other
    /// value is kept as its number for the verifier to refuse.
    fn from(value: StatusValue) -> Self {
        match value {
            StatusValue::Valid => CredentialStatus::Valid,
            StatusValue::Invalid => CredentialStatus::Revoked,
            StatusValue::Suspended => CredentialStatus::Suspended,
            StatusValue::Other(value) => CredentialStatus::Other(value),
        }
    }
}

/// What one Bitstring Status List entry says about the credential.
fn bitstring_verdict(status: &BitstringStatus) -> Result<CredentialStatus, StatusError> {
    match status.code() {
        // Unset, or set for `refresh` / `message`, which do not invalidate (§2.1).
        None => Ok(CredentialStatus::Valid),
        Some(ErrorCode::Revoked) => Ok(CredentialStatus::Revoked),
        Some(ErrorCode::Suspended) => Ok(CredentialStatus::Suspended),
        Some(_) => Err(StatusError::UnknownPurpose {
            purpose: quoted(status.purpose.as_str()),
            status: status.status,
        }),
    }
}

impl StatusListClient {
    /// The status of a credential from its status reference `status`, at `now` (seconds since
    /// the Unix epoch), for a credential of `issuer` when known (see
    /// [`check_issued_by_at`](Self::check_issued_by_at)):
    ///
    /// - an SD-JWT VC `status` claim with a `status_list` member (Token Status List §6.1): the
    ///   Referenced Token's status, `INVALID` as [`CredentialStatus::Revoked`] and `SUSPENDED`
    ///   as [`CredentialStatus::Suspended`];
    /// - a VCDM 2.0 `credentialStatus`, one `BitstringStatusListEntry` or an array of them
    ///   (Bitstring Status List §2.1): each entry checked, a set `revocation` status as
    ///   `Revoked`, a set `suspension` status as `Suspended`. A revocation decides at once; a
    ///   suspension outweighs an entry that could not be checked, which outweighs the valid
    ///   ones.
    ///
    /// A mechanism this client does not implement, a malformed reference, and any failure to
    /// get a trustworthy list are errors: no statement about the status can be made.
    pub async fn credential_status_at(
        &self,
        status: &Value,
        issuer: Option<&str>,
        now: i64,
    ) -> Result<CredentialStatus, StatusError> {
        match read_mechanism(status)? {
            StatusMechanism::TokenStatusList(reference) => self
                .token_status(&reference, issuer, now)
                .await
                .map(CredentialStatus::from),
            StatusMechanism::Bitstring(entries) => {
                let mut suspended = false;
                let mut failure = None;
                for entry in &entries {
                    let verdict = self
                        .bitstring_status(entry, issuer, now)
                        .await
                        .and_then(|status| bitstring_verdict(&status));
                    match verdict {
                        Ok(CredentialStatus::Revoked) => return Ok(CredentialStatus::Revoked),
                        Ok(CredentialStatus::Suspended) => suspended = true,
                        Ok(_) => {}
                        Err(error) => {
                            failure.get_or_insert(error);
                        }
                    }
                }
                if suspended {
                    return Ok(CredentialStatus::Suspended);
                }
                failure.map_or(Ok(CredentialStatus::Valid), Err)
            }
        }
    }
}

/// The client as the verifier's status step. The inherent
/// [`StatusListClient::check`] takes a parsed [`StatusListReference`]; this trait's `check`
/// takes the raw reference, so call it as `StatusCheck::check(&client, &status)`, or hand the
/// client to [`verify_credential`](crate::verify::verify_credential), which calls
/// [`check_for_issuer`](StatusCheck::check_for_issuer).
#[async_trait]
impl StatusCheck for StatusListClient {
    /// The status of a credential whose issuer is not given: only a key source that does not
    /// need it (pinned keys) can answer.
    async fn check(&self, status: &Value) -> Result<CredentialStatus, String> {
        self.credential_status_at(status, None, unix_now())
            .await
            .map_err(|error| error.to_string())
    }

    /// The status of a credential of `issuer`, whose status list must be `issuer`'s own.
    async fn check_for_issuer(
        &self,
        status: &Value,
        issuer: &str,
    ) -> Result<CredentialStatus, String> {
        self.credential_status_at(status, Some(issuer), unix_now())
            .await
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::status::{StatusListError, StatusPurpose};

    const LIST: &str = "https://example.com/credentials/status/3";

    fn entry(purpose: &str, index: u64) -> Value {
        json!({
            "id": format!("{LIST}#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index.to_string(),
            "statusListCredential": LIST
        })
    }

    #[test]
    fn reads_the_sd_jwt_vc_status_claim() {
        // Token Status List §6.2, the example Referenced Token's `status`.
        let status = json!({"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}});
        assert_eq!(
            read_mechanism(&status),
            Ok(StatusMechanism::TokenStatusList(
                StatusListReference::new(0, "https://example.com/statuslists/1").expect("uri")
            ))
        );
    }

    #[test]
    fn reads_one_credential_status_entry_or_an_array() {
        let one = read_mechanism(&entry("revocation", 94567));
        assert!(
            matches!(&one, Ok(StatusMechanism::Bitstring(entries)) if entries.len() == 1),
            "{one:?}"
        );
        // Bitstring Status List §A.3: a revocation and a suspension entry side by side.
        let two = read_mechanism(&json!([entry("revocation", 1), entry("suspension", 2)]));
        match two {
            Ok(StatusMechanism::Bitstring(entries)) => {
                let purposes: Vec<_> = entries.iter().map(|e| &e.status_purpose).collect();
                assert_eq!(
                    purposes,
                    [&StatusPurpose::Revocation, &StatusPurpose::Suspension]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_unknown_status_mechanism() {
        for (status, named) in [
            (json!({"identifier_list": {"id": "1"}}), "identifier_list"),
            (
                json!({"type": "StatusList2021Entry", "statusListIndex": "1"}),
                "StatusList2021Entry",
            ),
            (json!({}), "empty"),
        ] {
            match read_mechanism(&status) {
                Err(error @ StatusError::UnsupportedMechanism { .. }) => {
                    let message = error.to_string();
                    assert!(message.contains(named), "{message}");
                    assert!(message.contains("Token Status List"), "{message}");
                }
                other => panic!("{status} gave {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_unknown_entry_beside_a_known_one() {
        // The unknown entry might be the one that revokes: no partial answer.
        let status = json!([
            entry("revocation", 1),
            {"type": ["CustomRevocation"], "anything": true}
        ]);
        assert!(matches!(
            read_mechanism(&status),
            Err(StatusError::UnsupportedMechanism { .. })
        ));
    }

    #[test]
    fn rejects_status_entry_flood() {
        let entries: Vec<Value> = (0..=MAX_STATUS_ENTRIES as u64)
            .map(|index| entry("revocation", index))
            .collect();
        assert_eq!(
            read_mechanism(&Value::Array(entries)),
            Err(StatusError::TooManyEntries {
                count: MAX_STATUS_ENTRIES + 1,
                max: MAX_STATUS_ENTRIES
            })
        );
    }

    #[test]
    fn rejects_malformed_status_references() {
        for status in [
            json!("https://example.com/statuslists/1"),
            json!(7),
            json!(null),
            json!([]),
            json!([entry("revocation", 1), "not an entry"]),
            json!({"status_list": {"idx": -1, "uri": "https://example.com/statuslists/1"}}),
            json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}),
        ] {
            assert!(
                matches!(
                    read_mechanism(&status),
                    Err(StatusError::List(StatusListError::InvalidReference { .. }))
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn quotes_few_and_short_names() {
        let long = "m".repeat(500);
        let names = ["a", long.as_str(), "c", "d", "e", "f"];
        let quoted_names = quote_names(names);
        assert!(quoted_names.ends_with('…'), "{quoted_names}");
        assert!(quoted_names.len() < 120, "{quoted_names}");
    }

    #[test]
    fn maps_token_status_values() {
        assert_eq!(
            CredentialStatus::from(StatusValue::Valid),
            CredentialStatus::Valid
        );
        assert_eq!(
            CredentialStatus::from(StatusValue::Invalid),
            CredentialStatus::Revoked
        );
        assert_eq!(
            CredentialStatus::from(StatusValue::Suspended),
            CredentialStatus::Suspended
        );
        assert_eq!(
            CredentialStatus::from(StatusValue::Other(3)),
            CredentialStatus::Other(3)
        );
    }

    #[test]
    fn maps_bitstring_purposes() {
        let status = |purpose: &str, value: u8| BitstringStatus {
            purpose: StatusPurpose::from(purpose),
            status: value,
            valid: value == 0,
            message: None,
        };
        assert_eq!(
            bitstring_verdict(&status("revocation", 0)),
            Ok(CredentialStatus::Valid)
        );
        assert_eq!(
            bitstring_verdict(&status("revocation", 1)),
            Ok(CredentialStatus::Revoked)
        );
        assert_eq!(
            bitstring_verdict(&status("suspension", 1)),
            Ok(CredentialStatus::Suspended)
        );
        // §2.1: `refresh` never invalidates; `message` informs.
        assert_eq!(
            bitstring_verdict(&status("refresh", 1)),
            Ok(CredentialStatus::Valid)
        );
        assert_eq!(
            bitstring_verdict(&status("message", 1)),
            Ok(CredentialStatus::Valid)
        );
        assert!(matches!(
            bitstring_verdict(&status("embargo", 1)),
            Err(StatusError::UnknownPurpose { status: 1, .. })
        ));
    }
}
