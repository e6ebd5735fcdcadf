//! One disclosure: the salted claim an issuer hides behind a digest, created with a fresh salt
//! or parsed from the exact string a holder sent (RFC 9901 §4.2.1–§4.2.3).

use std::fmt;
use std::hash::{Hash, Hasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::MAX_DISCLOSURE_LEN;
use super::error::SdJwtError;
use super::hash::{EncodedDigest, HashAlgorithm};

/// Bytes of OS randomness in a salt: the 128 bits RFC 9901 §9.3 recommends.
const SALT_BYTES: usize = 16;

/// Names only SD-JWT itself writes: `_sd` and `...` carry digests (RFC 9901 §4.1 rule 7,
/// §4.2.1), `_sd_alg` is a plain top-level claim (§4.1.1) and so can never be disclosed.
pub(crate) const RESERVED_NAMES: [&str; 3] = ["_sd", "...", "_sd_alg"];

/// A disclosure: salt, claim name (for an object property) or none (for an array element), and
/// value, together with the exact base64url string they were read from or written to.
///
/// Digests are computed over that string, never over a re-encoding: two encodings of the same
/// array are different disclosures with different digests (RFC 9901 §4.2.1). The salt and the
/// string are wiped on drop, and `Debug` shows neither them nor the value, because a disclosure
/// in a log is a disclosure to whoever reads the log. There is deliberately no `Display`:
/// use [`as_str`](Self::as_str) where the wire form is meant.
#[derive(Clone)]
pub struct Disclosure {
    encoded: String,
    salt: String,
    claim_name: Option<String>,
    value: Value,
}

impl Disclosure {
    /// A disclosure for the object property `name: value`, with a fresh 128-bit salt from the
    /// operating system (RFC 9901 §4.2.1).
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable, as key
    /// generation would.
    pub fn new_property(name: impl Into<String>, value: Value) -> Result<Self, SdJwtError> {
        Self::with_salt(fresh_salt(), Some(name.into()), value)
    }

    /// A disclosure for an array element, with a fresh 128-bit salt (RFC 9901 §4.2.2).
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable.
    pub fn new_array_element(value: Value) -> Result<Self, SdJwtError> {
        Self::with_salt(fresh_salt(), None, value)
    }

    /// A disclosure with a chosen salt. Crate-private: outside tests, a salt must come from
    /// [`fresh_salt`] so that no caller can weaken it.
    pub(crate) fn with_salt(
        salt: String,
        claim_name: Option<String>,
        value: Value,
    ) -> Result<Self, SdJwtError> {
        if let Some(name) = claim_name.as_deref() {
            check_claim_name(name)?;
        }
        // RFC 9901 §4.2.1: base64url of the UTF-8 JSON array [salt, name, value] or §4.2.2
        // [salt, value]. serde_json writes it compactly; any JSON spelling would do.
        let json = match claim_name.as_deref() {
            Some(name) => serde_json::to_vec(&(&salt, name, &value)),
            None => serde_json::to_vec(&(&salt, &value)),
        }
        .map_err(|_| SdJwtError::DisclosureNotJson)?;
        let mut json = json;
        let encoded = URL_SAFE_NO_PAD.encode(&json);
        json.zeroize();
        if encoded.len() > MAX_DISCLOSURE_LEN {
            return Err(SdJwtError::DisclosureTooLarge {
                len: encoded.len(),
                max: MAX_DISCLOSURE_LEN,
            });
        }
        Ok(Self {
            encoded,
            salt,
            claim_name,
            value,
        })
    }

    /// Parses a disclosure exactly as received (RFC 9901 §7.1 step 3): unpadded base64url of a
    /// UTF-8 JSON array of two or three elements, the salt a string, the claim name (if any) a
    /// string that SD-JWT does not reserve.
    pub fn parse(encoded: &str) -> Result<Self, SdJwtError> {
        if encoded.len() > MAX_DISCLOSURE_LEN {
            return Err(SdJwtError::DisclosureTooLarge {
                len: encoded.len(),
                max: MAX_DISCLOSURE_LEN,
            });
        }
        // RFC 7515 §2 base64url: no padding, and the engine refuses non-canonical final bits.
        let mut bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| SdJwtError::DisclosureNotBase64url)?;
        let parsed = serde_json::from_slice::<DisclosureJson>(&bytes);
        bytes.zeroize();
        let DisclosureJson(Some(DisclosureArray { elements, count })) =
            parsed.map_err(|_| SdJwtError::DisclosureNotJson)?
        else {
            return Err(SdJwtError::DisclosureShape {
                found: "no array".into(),
            });
        };
        let (salt, claim_name, value) = match (elements, count) {
            // RFC 9901 §4.2.2: [salt, value].
            ([Some(salt), Some(value), None], 2) => (salt, None, value),
            // RFC 9901 §4.2.1: [salt, claim name, value].
            ([Some(salt), Some(name), Some(value)], 3) => (salt, Some(name), value),
            _ => {
                return Err(SdJwtError::DisclosureShape {
                    found: format!("{count} elements"),
                });
            }
        };
        let Value::String(salt) = salt else {
            return Err(SdJwtError::SaltNotString);
        };
        let claim_name = match claim_name {
            None => None,
            Some(Value::String(name)) => {
                check_claim_name(&name)?;
                Some(name)
            }
            Some(_) => return Err(SdJwtError::ClaimNameNotString),
        };
        Ok(Self {
            encoded: encoded.to_owned(),
            salt,
            claim_name,
            value,
        })
    }

    /// The disclosure as sent on the wire: the base64url string digests are computed over.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The salt. Only the holder should ever see the salt of a claim it does not disclose
    /// (RFC 9901 §4.2.1).
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The claim name of an object-property disclosure, `None` for an array element.
    pub fn claim_name(&self) -> Option<&str> {
        self.claim_name.as_deref()
    }

    /// Whether this disclosure is for an array element (two-element form, RFC 9901 §4.2.2).
    pub fn is_array_element(&self) -> bool {
        self.claim_name.is_none()
    }

    /// The disclosed value, which may itself hold digests (recursive disclosure, §4.2.6).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The digest of this disclosure under `alg` (RFC 9901 §4.2.3).
    pub fn digest(&self, alg: HashAlgorithm) -> String {
        alg.digest(&self.encoded)
    }

    /// [`digest`](Self::digest), held inline.
    pub(super) fn encoded_digest(&self, alg: HashAlgorithm) -> EncodedDigest {
        alg.encoded_digest(&[&self.encoded])
    }

    /// Moves the claim name and value out, for a verifier that puts them into the processed
    /// payload and has no further use for the disclosure; what is left is the wire form and
    /// the salt, which are still wiped on drop.
    pub(super) fn take_claim(&mut self) -> (Option<String>, Value) {
        (self.claim_name.take(), std::mem::take(&mut self.value))
    }
}

impl Drop for Disclosure {
    fn drop(&mut self) {
        // The value is arbitrary JSON and stays as it is; the salt is what keeps an undisclosed
        // value from being guessed (RFC 9901 §9.3), and the string contains it.
        self.encoded.zeroize();
        self.salt.zeroize();
    }
}

impl ZeroizeOnDrop for Disclosure {}

impl fmt::Debug for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disclosure")
            .field("claim_name", &self.claim_name)
            .field("salt", &"<redacted>")
            .field("value", &"<redacted>")
            .finish()
    }
}

/// Two disclosures are the same when their strings are: that is what their digests commit to.
impl PartialEq for Disclosure {
    fn eq(&self, other: &Self) -> bool {
        self.encoded == other.encoded
    }
}

impl Eq for Disclosure {}

impl Hash for Disclosure {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.encoded.hash(state);
    }
}

/// The JSON of a disclosure as read: for an array, its first three elements and how many it
/// has, without collecting them into a vector; `None` for any other value. Whatever is read
/// is read in full, so it is refused as JSON exactly when a `Value` would be.
struct DisclosureJson(Option<DisclosureArray>);

/// The first three elements of a disclosure array and its length.
struct DisclosureArray {
    elements: [Option<Value>; 3],
    count: usize,
}

impl<'de> Deserialize<'de> for DisclosureJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DisclosureJsonVisitor)
    }
}

struct DisclosureJsonVisitor;

impl<'de> Visitor<'de> for DisclosureJsonVisitor {
    type Value = DisclosureJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<DisclosureJson, A::Error> {
        let mut elements = [None, None, None];
        let mut count = 0;
        while let Some(element) = access.next_element::<Value>()? {
            if let Some(slot) = elements.get_mut(count) {
                *slot = Some(element);
            }
            count += 1;
        }
        Ok(DisclosureJson(Some(DisclosureArray { elements, count })))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<DisclosureJson, A::Error> {
        while access.next_entry::<String, Value>()?.is_some() {}
        Ok(DisclosureJson(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<DisclosureJson, E> {
        Ok(DisclosureJson(None))
    }
}

/// 128 bits from the OS CSPRNG, base64url-encoded (RFC 9901 §4.2.1, §9.3).
fn fresh_salt() -> String {
    let mut bytes = [0u8; SALT_BYTES];
    OsRng.fill_bytes(&mut bytes);
    let salt = URL_SAFE_NO_PAD.encode(bytes);
    bytes.zeroize();
    salt
}

/// RFC 9901 §4.2.1 and §7.1 step 3.3.2.2: a claim name is never `_sd` or `...`; `_sd_alg`
/// belongs only to the top level of the payload in plain (§4.1.1).
fn check_claim_name(name: &str) -> Result<(), SdJwtError> {
    if RESERVED_NAMES.contains(&name) {
        return Err(SdJwtError::ReservedClaimName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn encode(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    /// The parser as it was, reading the whole array into a `Value` first: the reference
    /// the streaming parser must agree with.
    fn parse_through_value(encoded: &str) -> Result<(String, Option<String>, Value), SdJwtError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| SdJwtError::DisclosureNotBase64url)?;
        let Value::Array(elements) =
            serde_json::from_slice::<Value>(&bytes).map_err(|_| SdJwtError::DisclosureNotJson)?
        else {
            return Err(SdJwtError::DisclosureShape {
                found: "no array".into(),
            });
        };
        let count = elements.len();
        let mut elements = elements.into_iter();
        let (salt, name, value) = match (
            elements.next(),
            elements.next(),
            elements.next(),
            elements.next(),
        ) {
            (Some(salt), Some(value), None, None) => (salt, None, value),
            (Some(salt), Some(name), Some(value), None) => (salt, Some(name), value),
            _ => {
                return Err(SdJwtError::DisclosureShape {
                    found: format!("{count} elements"),
                });
            }
        };
        let Value::String(salt) = salt else {
            return Err(SdJwtError::SaltNotString);
        };
        let name = match name {
            None => None,
            Some(Value::String(name)) => {
                check_claim_name(&name)?;
                Some(name)
            }
            Some(_) => return Err(SdJwtError::ClaimNameNotString),
        };
        Ok((salt, name, value))
    }

    #[test]
    fn rejects_what_reading_through_a_value_rejects() {
        let deep = format!("[\"s\",\"n\",{}1{}]", "[".repeat(200), "]".repeat(200));
        let mut texts: Vec<Vec<u8>> = [
            r#"["s","n",1]"#,
            r#"["s",1]"#,
            r#"["s",{"a":[1,2,{"b":null}]}]"#,
            r#"["s"]"#,
            r#"[]"#,
            r#"["s","n",1,2]"#,
            r#"["s","n",1,{"a":[1,2,{"b":null}]},5]"#,
            r#"[1,"n",1]"#,
            r#"["s",2,3]"#,
            r#"["s","_sd",1]"#,
            r#"["s","...",1]"#,
            r#"["s","_sd_alg",1]"#,
            r#"{"a":1}"#,
            r#"{"a":1,"a":[2]}"#,
            r#""str""#,
            "1",
            "1.5",
            "-1",
            "1e400",
            "123456789012345678901234567890",
            "true",
            "null",
            "[",
            r#"["s","n",1]x"#,
            r#"["s","n",1] "#,
            r#" ["s","n",1]"#,
            r#"["s","n","\ud800"]"#,
            r#"["s","n",1,"\ud800"]"#,
            r#"["s","n",1,]"#,
            r#"{"a":}"#,
            "",
        ]
        .iter()
        .map(|text| text.as_bytes().to_vec())
        .collect();
        texts.push(deep.into_bytes());
        texts.push(b"[\"s\",\"n\",\"\xff\"]".to_vec());
        texts.push(b"[\"\xc3\x28\",1]".to_vec());
        for text in texts {
            let encoded = URL_SAFE_NO_PAD.encode(&text);
            let streamed = Disclosure::parse(&encoded).map(|d| {
                (
                    d.salt().to_owned(),
                    d.claim_name().map(str::to_owned),
                    d.value().clone(),
                )
            });
            assert_eq!(
                streamed,
                parse_through_value(&encoded),
                "{}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn parses_the_rfc_property_disclosure() {
        // RFC 9901 §4.2.1.
        let disclosure = Disclosure::parse(
            "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
        )
        .unwrap();
        assert_eq!(disclosure.salt(), "_26bc4LT-ac6q2KI6cBW5es");
        assert_eq!(disclosure.claim_name(), Some("family_name"));
        assert_eq!(disclosure.value(), &json!("Möbius"));
        assert!(!disclosure.is_array_element());
    }

    #[test]
    fn parses_the_rfc_array_element_disclosure() {
        // RFC 9901 §4.2.2.
        let disclosure = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0").unwrap();
        assert_eq!(disclosure.salt(), "lklxF5jMYlGTPUovMNIvCA");
        assert_eq!(disclosure.claim_name(), None);
        assert_eq!(disclosure.value(), &json!("FR"));
        assert!(disclosure.is_array_element());
    }

    #[test]
    fn created_disclosures_parse_back_identically() {
        let value = json!({"platform": "vrchat", "handle": "ÿ~/\"", "n": [1, null, true]});
        let created = Disclosure::new_property("avatar", value.clone()).unwrap();
        let parsed = Disclosure::parse(created.as_str()).unwrap();
        assert_eq!(parsed, created);
        assert_eq!(parsed.salt(), created.salt());
        assert_eq!(parsed.claim_name(), Some("avatar"));
        assert_eq!(parsed.value(), &value);

        let element = Disclosure::new_array_element(json!(42)).unwrap();
        let parsed = Disclosure::parse(element.as_str()).unwrap();
        assert!(parsed.is_array_element());
        assert_eq!(parsed.value(), &json!(42));
    }

    #[test]
    fn fresh_salts_are_128_bits_and_distinct() {
        let a = Disclosure::new_array_element(json!(1)).unwrap();
        let b = Disclosure::new_array_element(json!(1)).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(a.salt()).unwrap().len(), SALT_BYTES);
        assert_ne!(a.salt(), b.salt());
        assert_ne!(
            a.digest(HashAlgorithm::Sha256),
            b.digest(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn debug_hides_salt_and_value() {
        let disclosure = Disclosure::new_property("email", json!("alice@example.com")).unwrap();
        let debug = format!("{disclosure:?}");
        assert!(debug.contains("email"));
        assert!(!debug.contains("alice"));
        assert!(!debug.contains(disclosure.salt()));
        assert!(!debug.contains(disclosure.as_str()));
    }

    #[test]
    fn rejects_sd_as_claim_name() {
        let encoded = encode(r#"["salt", "_sd", ["digest"]]"#);
        assert_eq!(
            Disclosure::parse(&encoded),
            Err(SdJwtError::ReservedClaimName { name: "_sd".into() })
        );
        assert!(Disclosure::new_property("_sd", json!([])).is_err());
    }

    #[test]
    fn rejects_ellipsis_as_claim_name() {
        let encoded = encode(r#"["salt", "...", "digest"]"#);
        assert_eq!(
            Disclosure::parse(&encoded),
            Err(SdJwtError::ReservedClaimName { name: "...".into() })
        );
        assert!(Disclosure::new_property("...", json!("x")).is_err());
    }

    #[test]
    fn rejects_sd_alg_as_claim_name() {
        let encoded = encode(r#"["salt", "_sd_alg", "md5"]"#);
        assert!(matches!(
            Disclosure::parse(&encoded),
            Err(SdJwtError::ReservedClaimName { .. })
        ));
    }

    #[test]
    fn rejects_wrong_disclosure_length() {
        for json in [
            r#"[]"#,
            r#"["salt"]"#,
            r#"["salt", "name", "value", "extra"]"#,
        ] {
            let error = Disclosure::parse(&encode(json)).unwrap_err();
            assert!(
                matches!(error, SdJwtError::DisclosureShape { .. }),
                "{json}"
            );
        }
    }

    #[test]
    fn rejects_disclosure_that_is_not_an_array() {
        for json in [r#"{"salt": "s", "name": "v"}"#, r#""salt""#, "null", "3"] {
            assert_eq!(
                Disclosure::parse(&encode(json)),
                Err(SdJwtError::DisclosureShape {
                    found: "no array".into()
                }),
                "{json}"
            );
        }
    }

    #[test]
    fn rejects_non_string_salt() {
        for json in [
            r#"[1, "name", "value"]"#,
            r#"[null, "value"]"#,
            r#"[["s"], "v"]"#,
        ] {
            assert_eq!(
                Disclosure::parse(&encode(json)),
                Err(SdJwtError::SaltNotString)
            );
        }
    }

    #[test]
    fn rejects_non_string_claim_name() {
        for json in [r#"["salt", 1, "value"]"#, r#"["salt", null, "value"]"#] {
            assert_eq!(
                Disclosure::parse(&encode(json)),
                Err(SdJwtError::ClaimNameNotString)
            );
        }
    }

    #[test]
    fn rejects_padded_or_non_url_base64() {
        // `["s", "~~~"]`: base64url `WyJzIiwgIn5-fiJd` is accepted, the standard alphabet not.
        assert!(Disclosure::parse("WyJzIiwgIn5-fiJd").is_ok());
        for encoded in [
            "WyJzIiwgIn5+fiJd",
            "WyJzIiwgIn5-fiJd==",
            "WyJzIiwgIn5-fiJd=",
            "not base64!",
        ] {
            assert_eq!(
                Disclosure::parse(encoded),
                Err(SdJwtError::DisclosureNotBase64url),
                "{encoded}"
            );
        }
    }

    #[test]
    fn rejects_non_json_and_non_utf8() {
        assert_eq!(
            Disclosure::parse(&encode("[\"salt\", ")),
            Err(SdJwtError::DisclosureNotJson)
        );
        let latin1 = URL_SAFE_NO_PAD.encode(b"[\"s\", \"M\xf6bius\"]");
        assert_eq!(
            Disclosure::parse(&latin1),
            Err(SdJwtError::DisclosureNotJson)
        );
    }

    #[test]
    fn rejects_oversized_disclosure() {
        let huge = "A".repeat(MAX_DISCLOSURE_LEN + 1);
        assert!(matches!(
            Disclosure::parse(&huge),
            Err(SdJwtError::DisclosureTooLarge { .. })
        ));
        let value = json!("x".repeat(MAX_DISCLOSURE_LEN));
        assert!(matches!(
            Disclosure::new_array_element(value),
            Err(SdJwtError::DisclosureTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_deeply_nested_disclosure_without_overflowing() {
        let json = format!("[\"s\", {}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            Disclosure::parse(&encode(&json)),
            Err(SdJwtError::DisclosureNotJson)
        );
    }

    #[test]
    fn whitespace_variants_are_different_disclosures() {
        // RFC 9901 §4.2.1: same content, different strings, different digests.
        let spaced = Disclosure::parse(&encode(r#"["s", "n", 1]"#)).unwrap();
        let tight = Disclosure::parse(&encode(r#"["s","n",1]"#)).unwrap();
        assert_eq!(spaced.value(), tight.value());
        assert_ne!(spaced, tight);
        assert_ne!(
            spaced.digest(HashAlgorithm::Sha256),
            tight.digest(HashAlgorithm::Sha256)
        );
    }
}
