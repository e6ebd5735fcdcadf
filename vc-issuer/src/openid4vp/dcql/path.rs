//! Claims path pointers (OpenID4VP 1.0 §7): arrays of member names, array indices and `null`
//! (every element), and their processing against a JSON credential (§7.1.1) into the
//! concrete claims they select, each with its RFC 6901 [`ClaimPath`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::sd_jwt::ClaimPath;

/// One component of a claims path pointer (§7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathComponent {
    /// A string: the member of that name.
    Key(String),
    /// A non-negative integer: the element at that index.
    Index(usize),
    /// `null`: every element of the array.
    All,
}

impl PathComponent {
    /// The component `key`.
    pub fn key(key: impl Into<String>) -> Self {
        Self::Key(key.into())
    }
}

impl Serialize for PathComponent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Key(key) => serializer.serialize_str(key),
            Self::Index(index) => serializer.serialize_u64(*index as u64),
            Self::All => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for PathComponent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // §7: "a non-empty array of strings, nulls and non-negative integers".
        match Value::deserialize(deserializer)? {
            Value::String(key) => Ok(Self::Key(key)),
            Value::Null => Ok(Self::All),
            Value::Number(number) => number
                .as_u64()
                .and_then(|index| usize::try_from(index).ok())
                .map(Self::Index)
                .ok_or_else(|| {
                    serde::de::Error::custom(
                        "a claims path index must be a non-negative integer (§7)",
                    )
                }),
            _ => Err(serde::de::Error::custom(
                "a claims path holds strings, nulls and non-negative integers (§7)",
            )),
        }
    }
}

/// A claim a claims path pointer selected: where it is and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected<'a> {
    /// The claim's own path, every `null` resolved to an index.
    pub path: ClaimPath,
    /// The claim's value.
    pub value: &'a Value,
}

/// Processes `pointer` against `claims` (§7.1.1) and returns the selected claims, in document
/// order. `None` where the specification says to "abort processing and return an error": a
/// component applied to a value of the wrong type, or an empty selection at the end — for a
/// wallet or a verifier alike, the claim is not there.
pub fn process_path<'a>(
    claims: &'a Map<String, Value>,
    pointer: &[PathComponent],
) -> Option<Vec<Selected<'a>>> {
    let (first, rest) = pointer.split_first()?;
    // Step 1 selects the root object; a first component that is not a key would abort.
    let PathComponent::Key(key) = first else {
        return None;
    };
    let mut selection: Vec<Selected<'a>> = claims
        .get(key)
        .map(|value| Selected {
            path: ClaimPath::root().join(key.as_str()),
            value,
        })
        .into_iter()
        .collect();
    for component in rest {
        let mut next = Vec::with_capacity(selection.len());
        for Selected { path, value } in selection {
            match (component, value) {
                (PathComponent::Key(key), Value::Object(object)) => {
                    // §7.1.1 step 2.1: a missing key drops the element from the selection.
                    if let Some(value) = object.get(key) {
                        next.push(Selected {
                            path: path.join(key.as_str()),
                            value,
                        });
                    }
                }
                (PathComponent::All, Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(index, value)| Selected {
                        path: path.join(index.to_string()),
                        value,
                    }));
                }
                (PathComponent::Index(index), Value::Array(items)) => {
                    if let Some(value) = items.get(*index) {
                        next.push(Selected {
                            path: path.join(index.to_string()),
                            value,
                        });
                    }
                }
                // §7.1.1 steps 2.1–2.3: the wrong type aborts processing.
                _ => return None,
            }
        }
        selection = next;
    }
    // §7.1.1 step 3: an empty selection is an error.
    (!selection.is_empty()).then_some(selection)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pointer(json: Value) -> Vec<PathComponent> {
        serde_json::from_value(json).unwrap()
    }

    fn select(claims: &Value, path: Value) -> Option<Vec<String>> {
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        process_path(claims, &pointer(path))
            .map(|selected| selected.iter().map(|s| s.path.to_string()).collect())
    }

    #[test]
    fn wildcard_selects_every_element() {
        let claims = json!({"avatars": [{"platform": "A"}, {"x": 1}, {"platform": "B"}]});
        assert_eq!(
            select(&claims, json!(["avatars", null, "platform"])),
            Some(vec![
                "/avatars/0/platform".to_owned(),
                "/avatars/2/platform".to_owned()
            ])
        );
        assert_eq!(
            select(&claims, json!(["avatars", 1])),
            Some(vec!["/avatars/1".to_owned()])
        );
        assert_eq!(select(&claims, json!(["avatars", 3])), None);
    }

    #[test]
    fn rejects_components_of_the_wrong_type() {
        let claims = json!({"name": "Alice", "list": [1, 2], "obj": {"a": 1}});
        assert_eq!(select(&claims, json!(["name", "first"])), None);
        assert_eq!(select(&claims, json!(["name", null])), None);
        assert_eq!(select(&claims, json!(["obj", 0])), None);
        assert_eq!(select(&claims, json!(["list", "a"])), None);
        assert_eq!(select(&claims, json!([0])), None);
        assert_eq!(select(&claims, json!(["missing"])), None);
        assert!(serde_json::from_value::<Vec<PathComponent>>(json!([-1])).is_err());
        assert!(serde_json::from_value::<Vec<PathComponent>>(json!([{}])).is_err());
    }

    #[test]
    fn serializes_as_given() {
        let path = pointer(json!(["avatars", null, 2]));
        assert_eq!(
            path,
            vec![
                PathComponent::key("avatars"),
                PathComponent::All,
                PathComponent::Index(2)
            ]
        );
        assert_eq!(
            serde_json::to_value(&path).unwrap(),
            json!(["avatars", null, 2])
        );
    }
}
