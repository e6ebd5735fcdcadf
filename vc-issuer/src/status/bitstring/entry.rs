//! The `credentialStatus` entry of a VCDM 2.0 credential that points into a Bitstring Status
//! List: `BitstringStatusListEntry` with its purpose, index, list URL, size and messages
//! (Bitstring Status List v1.0 §2.1).

use did_core::excerpt::excerpt;
use serde_json::{Map, Value, json};

use super::StatusSize;
use crate::status::uri::check_uri;
use crate::status::{StatusError, StatusListError};

fn invalid(member: &'static str, problem: impl Into<String>) -> StatusListError {
    StatusListError::invalid_reference(member, problem)
}

/// The `type` of the entry (§2.1).
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";

/// The most `credentialStatus` entries checked for one credential. Each entry may cost a
/// fetch, so a credential cannot make its verifier fetch without bound; the specification's
/// own examples carry one or two (a revocation and a suspension list).
pub const MAX_STATUS_ENTRIES: usize = 8;

/// The most type names an error quotes from an entry it cannot check.
const MAX_QUOTED_NAMES: usize = 4;

/// The most digits a `statusListIndex` may have before it is refused unread: more than any
/// index into a list that fits in memory.
const MAX_INDEX_DIGITS: usize = 32;

/// The `statusPurpose` values §2.1 defines; any other string is allowed and passed through.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// `refresh`: an updated credential is available; does not invalidate.
    Refresh,
    /// `revocation`: the credential is cancelled, for good.
    Revocation,
    /// `suspension`: the credential is not to be accepted for now.
    Suspension,
    /// `message`: the status carries one of the entry's `statusMessage` values.
    Message,
    /// Any other purpose; its meaning is the issuer's.
    Other(String),
}

impl StatusPurpose {
    /// The purpose as written in JSON.
    pub fn as_str(&self) -> &str {
        match self {
            StatusPurpose::Refresh => "refresh",
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
            StatusPurpose::Message => "message",
            StatusPurpose::Other(other) => other,
        }
    }
}

impl From<&str> for StatusPurpose {
    fn from(purpose: &str) -> Self {
        match purpose {
            "refresh" => StatusPurpose::Refresh,
            "revocation" => StatusPurpose::Revocation,
            "suspension" => StatusPurpose::Suspension,
            "message" => StatusPurpose::Message,
            other => StatusPurpose::Other(other.to_owned()),
        }
    }
}

/// One element of `statusMessage` (§2.1): a status value and the message for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    /// The status value, written in JSON as hexadecimal with a `0x` prefix.
    pub status: u8,
    /// A message for developers; §2.1 says it SHOULD NOT be shown to end users.
    pub message: String,
}

/// A `credentialStatus` entry of type `BitstringStatusListEntry` (§2.1), validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitstringStatusListEntry {
    /// The entry's own identifier; never the URL of the list.
    pub id: Option<String>,
    /// What a set status means.
    pub status_purpose: StatusPurpose,
    /// The position of the credential's status in the list.
    pub status_list_index: u64,
    /// The URL of the `BitstringStatusListCredential`.
    pub status_list_credential: String,
    /// The size of the status in bits; 1 when absent.
    pub status_size: StatusSize,
    /// The meaning of each status value; present whenever `statusSize` is above 1.
    pub status_message: Option<Vec<StatusMessage>>,
    /// URLs of material about the status (`statusReference`), passed through.
    pub status_reference: Option<Value>,
}

impl BitstringStatusListEntry {
    /// Reads and validates one entry. A value that breaks a MUST of §2.1 is refused (the
    /// specification's `MALFORMED_VALUE_ERROR`, §3).
    pub fn from_json(entry: &Value) -> Result<BitstringStatusListEntry, StatusListError> {
        let entry = entry
            .as_object()
            .ok_or_else(|| invalid("credentialStatus", "is not a JSON object"))?;
        if !has_type(entry, ENTRY_TYPE) {
            return Err(invalid("type", format!("must be {ENTRY_TYPE:?}")));
        }
        let status_purpose = required_str(entry, "statusPurpose")?;
        if status_purpose.is_empty() {
            return Err(invalid("statusPurpose", "is empty"));
        }
        let status_list_index = parse_index(required_str(entry, "statusListIndex")?)?;
        let status_list_credential = required_str(entry, "statusListCredential")?;
        check_uri(status_list_credential, "statusListCredential")?;
        let id = match entry.get("id") {
            None => None,
            Some(Value::String(id)) if id == status_list_credential => {
                return Err(invalid("id", "must not be the URL of the status list"));
            }
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => return Err(invalid("id", "is not a string")),
        };
        let status_size = match entry.get("statusSize") {
            None => StatusSize::ONE,
            Some(size) => {
                let bits = size
                    .as_u64()
                    .ok_or_else(|| invalid("statusSize", "is not a positive integer"))?;
                StatusSize::new(bits)?
            }
        };
        let status_message = match entry.get("statusMessage") {
            None if status_size.get() > 1 => {
                return Err(invalid(
                    "statusMessage",
                    "must be present when statusSize is greater than 1",
                ));
            }
            None => None,
            Some(messages) => Some(parse_messages(messages, status_size)?),
        };
        Ok(BitstringStatusListEntry {
            id,
            status_purpose: StatusPurpose::from(status_purpose),
            status_list_index,
            status_list_credential: status_list_credential.to_owned(),
            status_size,
            status_message,
            status_reference: entry.get("statusReference").cloned(),
        })
    }

    /// Every entry of a credential's `credentialStatus`, which may be one object or an array
    /// of them (VCDM 2.0 §4.10), each a `BitstringStatusListEntry`.
    ///
    /// Each entry is a status of its own (a revocation, a suspension), so an entry of a type
    /// this verifier cannot check could be the one that revokes the credential: it fails
    /// closed ([`StatusError::UnsupportedMechanism`]), as does an empty array. At most
    /// [`MAX_STATUS_ENTRIES`] are read, since each may cost a fetch.
    pub fn all_from_credential_status(
        credential_status: &Value,
    ) -> Result<Vec<BitstringStatusListEntry>, StatusError> {
        let entries = match credential_status {
            Value::Array(entries) => entries.as_slice(),
            Value::Object(_) => std::slice::from_ref(credential_status),
            _ => {
                return Err(
                    invalid("credentialStatus", "is neither a JSON object nor an array").into(),
                );
            }
        };
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
            .collect()
    }

    /// The message for a status value: from `statusMessage` if present, else `set` / `unset`
    /// for 1 and 0 (§2.1).
    pub fn message_for(&self, status: u8) -> Option<&str> {
        match &self.status_message {
            Some(messages) => messages
                .iter()
                .find(|message| message.status == status)
                .map(|message| message.message.as_str()),
            None => match status {
                0 => Some("unset"),
                1 => Some("set"),
                _ => None,
            },
        }
    }

    /// The entry as JSON, for an issuer to put in `credentialStatus`.
    pub fn to_json(&self) -> Value {
        let mut entry = Map::new();
        if let Some(id) = &self.id {
            entry.insert("id".to_owned(), json!(id));
        }
        entry.insert("type".to_owned(), json!(ENTRY_TYPE));
        entry.insert(
            "statusPurpose".to_owned(),
            json!(self.status_purpose.as_str()),
        );
        entry.insert(
            "statusListIndex".to_owned(),
            json!(self.status_list_index.to_string()),
        );
        entry.insert(
            "statusListCredential".to_owned(),
            json!(self.status_list_credential),
        );
        if self.status_size != StatusSize::ONE {
            entry.insert("statusSize".to_owned(), json!(self.status_size.get()));
        }
        if let Some(messages) = &self.status_message {
            let messages: Vec<Value> = messages
                .iter()
                .map(|m| json!({"status": format!("{:#x}", m.status), "message": m.message}))
                .collect();
            entry.insert("statusMessage".to_owned(), Value::Array(messages));
        }
        if let Some(reference) = &self.status_reference {
            entry.insert("statusReference".to_owned(), reference.clone());
        }
        Value::Object(entry)
    }
}

/// Whether `type` is `expected` or an array that contains it.
pub(crate) fn has_type(object: &Map<String, Value>, expected: &str) -> bool {
    match object.get("type") {
        Some(Value::String(value)) => value == expected,
        Some(Value::Array(values)) => values.iter().any(|value| value == expected),
        _ => false,
    }
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

/// Up to [`MAX_QUOTED_NAMES`] names, each an excerpt in backticks.
pub(crate) fn quote_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let mut quoted: Vec<String> = names
        .by_ref()
        .take(MAX_QUOTED_NAMES)
        .map(|name| format!("`{}`", excerpt(name)))
        .collect();
    if names.next().is_some() {
        quoted.push("…".to_owned());
    }
    quoted.join(", ")
}

fn required_str<'a>(
    entry: &'a Map<String, Value>,
    member: &'static str,
) -> Result<&'a str, StatusListError> {
    entry
        .get(member)
        .ok_or_else(|| invalid(member, "is missing"))?
        .as_str()
        .ok_or_else(|| invalid(member, "is not a string"))
}

/// §2.1: an integer greater than or equal to 0, expressed as a string in base 10.
fn parse_index(index: &str) -> Result<u64, StatusListError> {
    if index.is_empty() || !index.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid(
            "statusListIndex",
            "must be a base-10 integer written as a string, e.g. \"94567\"",
        ));
    }
    if index.len() > MAX_INDEX_DIGITS {
        return Err(invalid(
            "statusListIndex",
            "is too large for any status list",
        ));
    }
    index
        .parse()
        .map_err(|_| invalid("statusListIndex", "is too large for any status list"))
}

/// §2.1: an array of exactly `2^statusSize` objects, each with a `status` (hex, `0x` prefix)
/// and a `message` string.
fn parse_messages(
    messages: &Value,
    status_size: StatusSize,
) -> Result<Vec<StatusMessage>, StatusListError> {
    let messages = messages
        .as_array()
        .ok_or_else(|| invalid("statusMessage", "is not an array"))?;
    if messages.len() != status_size.values() {
        return Err(invalid(
            "statusMessage",
            format!(
                "has {} elements; a statusSize of {status_size} needs exactly {}",
                messages.len(),
                status_size.values()
            ),
        ));
    }
    messages
        .iter()
        .map(|message| {
            let message = message
                .as_object()
                .ok_or_else(|| invalid("statusMessage", "has an element that is not an object"))?;
            let status = message
                .get("status")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("statusMessage", "has an element without a string `status`"))?;
            let value = status
                .strip_prefix("0x")
                .filter(|hex| !hex.is_empty() && hex.len() <= 2)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .filter(|value| usize::from(*value) < status_size.values())
                .ok_or_else(|| {
                    invalid(
                        "statusMessage",
                        format!(
                            "has a `status` that is not a hexadecimal value below {:#x} with a 0x prefix",
                            status_size.values()
                        ),
                    )
                })?;
            let text = message
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("statusMessage", "has an element without a string `message`"))?;
            Ok(StatusMessage {
                status: value,
                message: text.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revocation_entry() -> Value {
        // Bitstring Status List v1.0 §A.1, Example 4.
        json!({
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        })
    }

    #[test]
    fn reads_the_spec_example() {
        let entry = BitstringStatusListEntry::from_json(&revocation_entry()).expect("valid");
        assert_eq!(entry.status_purpose, StatusPurpose::Revocation);
        assert_eq!(entry.status_list_index, 94567);
        assert_eq!(entry.status_size, StatusSize::ONE);
        assert_eq!(entry.message_for(1), Some("set"));
        assert_eq!(entry.message_for(0), Some("unset"));
        assert_eq!(entry.to_json(), revocation_entry());
    }

    #[test]
    fn reads_a_message_entry() {
        // §2.1 Example 2, with the elided fourth message written out.
        let json = json!({
            "id": "https://example.com/credentials/status/8#492847",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": "492847",
            "statusSize": 2,
            "statusListCredential": "https://example.com/credentials/status/8",
            "statusMessage": [
                {"status": "0x0", "message": "pending_review"},
                {"status": "0x1", "message": "accepted"},
                {"status": "0x2", "message": "rejected"},
                {"status": "0x3", "message": "undefined"}
            ],
            "statusReference": "https://example.org/status-dictionary/"
        });
        let entry = BitstringStatusListEntry::from_json(&json).expect("valid");
        assert_eq!(entry.status_purpose, StatusPurpose::Message);
        assert_eq!(entry.status_size.get(), 2);
        assert_eq!(entry.message_for(2), Some("rejected"));
        assert_eq!(entry.to_json(), json);
    }

    #[test]
    fn reads_every_entry_of_a_credential_status_array() {
        // §A.3, Example 6.
        let status = json!([
            revocation_entry(),
            {
                "id": "https://example.com/credentials/status/4#12345",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "12345",
                "statusListCredential": "https://example.com/credentials/status/4"
            }
        ]);
        let entries = BitstringStatusListEntry::all_from_credential_status(&status).expect("ok");
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries.get(1).map(|e| &e.status_purpose),
            Some(&StatusPurpose::Suspension)
        );
    }

    fn with(member: &str, value: Value) -> Value {
        let mut entry = revocation_entry();
        if let Some(object) = entry.as_object_mut() {
            if value.is_null() {
                object.remove(member);
            } else {
                object.insert(member.to_owned(), value);
            }
        }
        entry
    }

    fn rejected_member(entry: &Value) -> &'static str {
        match BitstringStatusListEntry::from_json(entry) {
            Err(StatusListError::InvalidReference { member, .. }) => member,
            other => panic!("{entry} gave {other:?}"),
        }
    }

    #[test]
    fn rejects_malformed_entries() {
        for (member, value, expected) in [
            ("type", json!("StatusList2021Entry"), "type"),
            ("statusPurpose", Value::Null, "statusPurpose"),
            ("statusPurpose", json!(""), "statusPurpose"),
            ("statusListIndex", json!(94567), "statusListIndex"),
            ("statusListIndex", json!("-1"), "statusListIndex"),
            ("statusListIndex", json!("0x10"), "statusListIndex"),
            ("statusListIndex", json!(" 1"), "statusListIndex"),
            ("statusListIndex", json!(""), "statusListIndex"),
            (
                "statusListIndex",
                json!("99999999999999999999"),
                "statusListIndex",
            ),
            (
                "statusListCredential",
                json!("status/3"),
                "statusListCredential",
            ),
            ("statusListCredential", Value::Null, "statusListCredential"),
            ("id", json!(7), "id"),
        ] {
            assert_eq!(rejected_member(&with(member, value)), expected, "{member}");
        }
        assert!(matches!(
            BitstringStatusListEntry::from_json(&with("statusSize", json!(0))),
            Err(StatusListError::InvalidStatusSize(0))
        ));
    }

    #[test]
    fn rejects_entry_whose_id_is_the_list() {
        let entry = with("id", json!("https://example.com/credentials/status/3"));
        assert_eq!(rejected_member(&entry), "id");
    }

    #[test]
    fn rejects_multi_bit_entry_without_messages() {
        assert_eq!(
            rejected_member(&with("statusSize", json!(2))),
            "statusMessage"
        );
    }

    #[test]
    fn rejects_wrong_number_of_messages() {
        let mut entry = with("statusSize", json!(2));
        if let Some(object) = entry.as_object_mut() {
            object.insert(
                "statusMessage".to_owned(),
                json!([{"status": "0x0", "message": "a"}, {"status": "0x1", "message": "b"}]),
            );
        }
        assert_eq!(rejected_member(&entry), "statusMessage");
        // One bit, but three messages.
        let entry = with(
            "statusMessage",
            json!([
                {"status": "0x0", "message": "a"},
                {"status": "0x1", "message": "b"},
                {"status": "0x2", "message": "c"}
            ]),
        );
        assert_eq!(rejected_member(&entry), "statusMessage");
    }

    #[test]
    fn rejects_malformed_message_status() {
        for status in ["0", "1", "0x", "0x2", "0X1", "0x001", "0xg"] {
            let entry = with(
                "statusMessage",
                json!([
                    {"status": "0x0", "message": "unset"},
                    {"status": status, "message": "set"}
                ]),
            );
            assert_eq!(rejected_member(&entry), "statusMessage", "{status}");
        }
    }

    #[test]
    fn rejects_malformed_credential_status() {
        for status in [
            json!("https://example.com/credentials/status/3"),
            json!(7),
            json!(null),
            json!([]),
            json!([revocation_entry(), "not an entry"]),
            json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}),
        ] {
            assert!(
                matches!(
                    BitstringStatusListEntry::all_from_credential_status(&status),
                    Err(StatusError::List(StatusListError::InvalidReference { .. }))
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn rejects_entry_of_another_status_type() {
        for status in [
            json!({"type": "StatusList2021Entry", "statusListIndex": "1"}),
            json!([revocation_entry(), {"type": ["CustomRevocation"]}]),
            json!({"statusListIndex": "1"}),
        ] {
            assert!(
                matches!(
                    BitstringStatusListEntry::all_from_credential_status(&status),
                    Err(StatusError::UnsupportedMechanism { .. })
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn quotes_few_short_and_escaped_names() {
        let long = "m".repeat(500);
        let names = ["a\nforged log line", long.as_str(), "c", "d", "e", "f"];
        let quoted = quote_names(names);
        assert!(quoted.ends_with('…'), "{quoted}");
        assert!(quoted.chars().count() < 200, "{quoted}");
        let forged = quote_names(["a\nb"]);
        assert!(!forged.contains('\n'), "{forged}");
    }
}
