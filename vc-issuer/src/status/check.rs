//! The one public way to ask for a credential's status: [`StatusCheck::check`] with a
//! [`StatusReference`] — the `status` claim of an SD-JWT VC or the `credentialStatus` of a
//! VCDM 2.0 credential, and the credential's issuer — at the verifier's `now`.

use async_trait::async_trait;
use serde_json::Value;

use super::bitstring::quote_names;
use super::{StatusError, StatusListError, StatusListReference, StatusValue};

/// A credential's status reference as the verifier holds it, with the issuer of the credential
/// (verified by then), whose own list alone may answer for it (Token Status List §11.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StatusReference<'a> {
    /// The `status` claim of an SD-JWT VC (SD-JWT VC §2.4), read for its `status_list`
    /// member: an IETF Token Status List (Token Status List §6.1).
    Token {
        /// The `status` claim.
        claim: &'a Value,
        /// The credential's `iss`.
        issuer: &'a str,
    },
    /// The `credentialStatus` of a VCDM 2.0 credential (VCDM 2.0 §4.10): one or more W3C
    /// Bitstring Status List entries (Bitstring Status List §2.1).
    Bitstring {
        /// The `credentialStatus` member.
        credential_status: &'a Value,
        /// The credential's `issuer`.
        issuer: &'a str,
    },
}

/// Looks up the status of a credential.
///
/// Fetching a status list is I/O, so it sits behind this trait: the verifier stays a pure
/// function of its input and its `now`. [`StatusListClient`](super::StatusListClient) is the
/// implementation over the network.
#[async_trait]
pub trait StatusCheck: Send + Sync {
    /// The status `reference` points at, as of `now` (Unix seconds, the verifier's time):
    ///
    /// - a Token Status List: the Referenced Token's status (Token Status List §8.3);
    /// - Bitstring Status List entries: each checked (§3.2), a set `revocation` status as
    ///   [`StatusValue::Invalid`] and a set `suspension` status as
    ///   [`StatusValue::Suspended`]. A revocation decides at once; a suspension outweighs an
    ///   entry that could not be checked, which outweighs the valid ones.
    ///
    /// A mechanism this verifier does not implement, a malformed reference, and any failure to
    /// get a trustworthy list are a [`StatusError`]: no statement about the status can be
    /// made. Turn the answer into the report's verdict with [`StatusValue::verdict`] and
    /// [`StatusError::code`].
    async fn check(
        &self,
        reference: &StatusReference<'_>,
        now: u64,
    ) -> Result<StatusValue, StatusError>;

    /// [`check`](Self::check), saying how fresh the list that answered was (for the trust
    /// evidence of a verification). A checker that keeps no such record says nothing.
    async fn check_with_freshness(
        &self,
        reference: &StatusReference<'_>,
        now: u64,
    ) -> Result<(StatusValue, Option<ListFreshness>), StatusError> {
        Ok((self.check(reference, now).await?, None))
    }
}

/// How fresh the status list behind an answer was: the publisher's own limits and when the
/// verifier fetched it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListFreshness {
    /// When the publisher made the list: a token's `iat` (Token Status List §5.1), a list
    /// credential's `validFrom`.
    pub issued_at: Option<i64>,
    /// When the verifier fetched it (earlier than `now` when it came from a cache).
    pub fetched_at: u64,
    /// The publisher's `ttl` in seconds.
    pub ttl: Option<u64>,
    /// The end of the list's validity: a token's `exp`, a list credential's `validUntil`.
    pub exp: Option<i64>,
    /// Whether the list can say "suspended" as well as "revoked".
    pub suspendable: bool,
}

/// The Token Status List reference in an SD-JWT VC's `status` claim. Token Status List §6.1:
/// `status` holds one member per mechanism; other members are other mechanisms for the same
/// token, and `status_list` answers for it. Without it there is nothing this verifier can
/// check.
pub(crate) fn token_reference(claim: &Value) -> Result<StatusListReference, StatusError> {
    match claim {
        Value::Object(members) if members.contains_key("status_list") => {
            Ok(StatusListReference::from_status_claim(claim)?)
        }
        Value::Object(members) if members.is_empty() => Err(StatusError::UnsupportedMechanism {
            found: "an empty status object".to_owned(),
        }),
        Value::Object(members) => Err(StatusError::UnsupportedMechanism {
            found: format!(
                "the status member(s) {}",
                quote_names(members.keys().map(String::as_str))
            ),
        }),
        _ => Err(StatusListError::invalid_reference("status", "is not a JSON object").into()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_sd_jwt_vc_status_claim() {
        // Token Status List §6.2, the example Referenced Token's `status`.
        let status = json!({"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}});
        assert_eq!(
            token_reference(&status),
            Ok(StatusListReference::new(0, "https://example.com/statuslists/1").expect("uri"))
        );
    }

    #[test]
    fn rejects_unknown_status_mechanism() {
        for (status, named) in [
            (json!({"identifier_list": {"id": "1"}}), "identifier_list"),
            (json!({}), "empty"),
        ] {
            match token_reference(&status) {
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
    fn rejects_malformed_status_claims() {
        for status in [
            json!("https://example.com/statuslists/1"),
            json!(7),
            json!(null),
            json!([{"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}}]),
            json!({"status_list": {"idx": -1, "uri": "https://example.com/statuslists/1"}}),
        ] {
            assert!(
                matches!(
                    token_reference(&status),
                    Err(StatusError::List(StatusListError::InvalidReference { .. }))
                ),
                "{status}"
            );
        }
    }
}
