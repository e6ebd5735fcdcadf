//! What makes `Did` and `DidUrl` behave as the strings they validate: comparison, hashing,
//! formatting, conversion and serde, all through the exact text.
//!
//! Equality, ordering and hashing agree with those of `str`, so `Borrow<str>` holds and a map
//! keyed by DIDs can be searched with a `&str`.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use super::error::DidError;
use super::identifier::Did;
use super::url::DidUrl;

macro_rules! string_traits {
    ($ty:ident, $expecting:literal) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $ty {}

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Hash for $ty {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $ty {
            fn cmp(&self, other: &Self) -> Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($ty))
                    .field(&self.as_str())
                    .finish()
            }
        }

        impl FromStr for $ty {
            type Err = DidError;

            fn from_str(input: &str) -> Result<Self, DidError> {
                Self::parse(input)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = DidError;

            fn try_from(input: &str) -> Result<Self, DidError> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = DidError;

            fn try_from(input: String) -> Result<Self, DidError> {
                Self::parse(&input)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            /// Deserializes from a string and validates it; a bad string is a serde error that
            /// carries the `DidError` text.
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TextVisitor;

                impl Visitor<'_> for TextVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: de::Error>(self, input: &str) -> Result<$ty, E> {
                        $ty::parse(input).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(TextVisitor)
            }
        }
    };
}

string_traits!(Did, "a DID string such as \"did:example:123\"");
string_traits!(DidUrl, "a DID URL string such as \"did:example:123#key-1\"");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn display_and_debug_show_exact_input() {
        let url = DidUrl::parse("did:example:123/a%2Fb?x=%41#f").unwrap();
        assert_eq!(url.to_string(), "did:example:123/a%2Fb?x=%41#f");
        assert_eq!(
            format!("{url:?}"),
            "DidUrl(\"did:example:123/a%2Fb?x=%41#f\")"
        );
        let did = Did::parse("did:example:123").unwrap();
        assert_eq!(format!("{did:?}"), "Did(\"did:example:123\")");
        assert_eq!(format!("[{did:>17}]"), "[  did:example:123]");
    }

    #[test]
    fn conversions_agree_with_parse() {
        let did: Did = "did:example:123".parse().unwrap();
        assert_eq!(Did::try_from("did:example:123").unwrap(), did);
        assert_eq!(Did::try_from(String::from("did:example:123")).unwrap(), did);
        assert_eq!(did.as_ref() as &str, "did:example:123");
        assert_eq!(did, "did:example:123");
        assert!("did:example:123#x".parse::<Did>().is_err());
        assert!(DidUrl::try_from("did:example:123#x").is_ok());
        assert!(DidUrl::try_from(String::from("DID:example:123")).is_err());
    }

    #[test]
    fn orders_as_strings() {
        let set: BTreeSet<DidUrl> = ["did:b:1", "did:a:2#x", "did:a:2", "did:a:10"]
            .into_iter()
            .map(|s| DidUrl::parse(s).unwrap())
            .collect();
        let sorted: Vec<&str> = set.iter().map(DidUrl::as_str).collect();
        assert_eq!(sorted, ["did:a:10", "did:a:2", "did:a:2#x", "did:b:1"]);
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let url = DidUrl::parse("did:example:123?service=agent#key-1").unwrap();
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(json, "\"did:example:123?service=agent#key-1\"");
        assert_eq!(serde_json::from_str::<DidUrl>(&json).unwrap(), url);
        let did: Did = serde_json::from_str("\"did:example:123\"").unwrap();
        assert_eq!(serde_json::to_value(&did).unwrap(), "did:example:123");
    }

    #[test]
    fn deserialize_rejects_invalid_did() {
        let err = serde_json::from_str::<Did>("\"did:Example:123\"").unwrap_err();
        assert!(err.to_string().contains("upper-case method name"), "{err}");
        assert!(serde_json::from_str::<Did>("\"did:example:123#key-1\"").is_err());
        assert!(serde_json::from_str::<DidUrl>("42").is_err());
        // Escapes are decoded by JSON before validation: "\u0020" is a space, refused.
        assert!(serde_json::from_str::<DidUrl>("\"did:example:1\\u0020\"").is_err());
    }
}
