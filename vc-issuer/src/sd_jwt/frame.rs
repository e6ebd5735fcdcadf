//! The disclosure frame: the issuer's statement of which claims are selectively disclosable, at
//! any depth, in a JSON shape that mirrors the claims so that it can live in a file.
//!
//! # The JSON shape
//!
//! A frame is a JSON object laid over one object or array of the claims:
//!
//! - `"_sd"` says which members of this object, or which elements of this array, are
//!   selectively disclosable: an array of member names (`["name", "email"]`), an array of
//!   element indices (`[0, 1]`), or `"*"` for all of them.
//! - Every other key opens a frame for one member (by name) or one element (by its decimal
//!   index, `"0"`), or for every element of an array (`"*"`).
//!
//! ```json
//! {
//!   "_sd": ["name", "email", "address"],
//!   "avatars": { "_sd": "*", "*": { "_sd": ["handle"] } },
//!   "address": { "_sd": ["locality", "postal_code"] }
//! }
//! ```
//!
//! makes `name`, `email` and `address` disclosable; each avatar disclosable on its own, and
//! inside each avatar its `handle`; and, recursively (RFC 9901 §4.2.6), `locality` and
//! `postal_code` inside the disclosable `address`.
//!
//! # Why this shape
//!
//! - It mirrors the claims, so a reader sees at once where each decision applies, and it reuses
//!   `_sd`, the key RFC 9901 §4.2.4.1 puts at the same place in the issued payload. SD-JWT
//!   forbids `_sd` as a claim name, so the key can never clash with a claim.
//! - The frame applies to one claim set and names what exists: a frame that names a claim the
//!   claims lack is an error, not a silent no-op, so a typo cannot leave a claim in plain.
//! - Names and indices are told apart by JSON type (`"0"` is a member, `0` an element), so an
//!   object with a member called `"0"` is not ambiguous.
//! - `"*"` covers arrays whose length varies per credential (one element per avatar) without
//!   regenerating the frame, which is what a frame kept in a file needs.

use std::collections::BTreeMap;

use did_core::excerpt::excerpt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::MAX_DEPTH;
use super::claim_path::{ClaimPath, push_segment};
use super::disclosure::RESERVED_NAMES;
use super::error::SdJwtError;

/// The key of a frame that lists what is disclosable at that level.
const SD: &str = "_sd";
/// The `_sd` value and the nested key that mean "every member / every element".
const EVERY: &str = "*";

/// Which claims an issuer makes selectively disclosable, level by level (see the module
/// documentation for the JSON shape and [`issue_payload`](super::issue_payload) for its use).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisclosureFrame {
    pub(crate) every: bool,
    pub(crate) names: Vec<String>,
    pub(crate) indices: Vec<usize>,
    pub(crate) nested: BTreeMap<String, DisclosureFrame>,
}

impl DisclosureFrame {
    /// A frame that makes nothing disclosable.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the member `name` of this object selectively disclosable.
    pub fn disclose(mut self, name: impl Into<String>) -> Self {
        self.names.push(name.into());
        self
    }

    /// Makes element `index` of this array selectively disclosable.
    pub fn disclose_element(mut self, index: usize) -> Self {
        self.indices.push(index);
        self
    }

    /// Makes every member of this object, or every element of this array, selectively
    /// disclosable.
    pub fn disclose_all(mut self) -> Self {
        self.every = true;
        self
    }

    /// Applies `frame` to the member `key` of this object, to the element whose decimal index
    /// is `key`, or, with `"*"`, to every element of this array.
    pub fn nest(mut self, key: impl Into<String>, frame: DisclosureFrame) -> Self {
        self.nested.insert(key.into(), frame);
        self
    }

    /// Whether this frame makes nothing disclosable, at this level or below.
    pub fn is_empty(&self) -> bool {
        !self.every
            && self.names.is_empty()
            && self.indices.is_empty()
            && self.nested.values().all(DisclosureFrame::is_empty)
    }

    /// Reads a frame from its JSON shape (module documentation). Unknown shapes, duplicate
    /// entries, reserved names and nesting deeper than [`MAX_DEPTH`] are errors.
    pub fn from_json(json: &Value) -> Result<Self, SdJwtError> {
        let mut path = String::new();
        parse(json, 0, &mut path)
    }

    /// The JSON shape of this frame, which [`from_json`](Self::from_json) reads back.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        if self.every {
            map.insert(SD.into(), Value::String(EVERY.into()));
        } else if !self.names.is_empty() || !self.indices.is_empty() {
            let entries = self
                .names
                .iter()
                .map(|name| Value::String(name.clone()))
                .chain(self.indices.iter().map(|&index| Value::from(index)))
                .collect();
            map.insert(SD.into(), Value::Array(entries));
        }
        for (key, frame) in &self.nested {
            map.insert(key.clone(), frame.to_json());
        }
        Value::Object(map)
    }
}

impl DisclosureFrame {
    /// The frame that makes each claim `paths` point at selectively disclosable in `claims`:
    /// a path to an object member discloses that member, a path to an array element that
    /// element, and `*` in place of an index every element of that array. Parents stay plain
    /// unless a path names them too, which nests the disclosures (RFC 9901 §4.2.6).
    ///
    /// ```
    /// use serde_json::json;
    /// use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
    ///
    /// let claims = json!({"name": "Alice", "avatars": [{"platform": "vrchat"}]});
    /// let paths = ["/name", "/avatars/*"].map(|p| ClaimPath::parse(p).unwrap());
    /// let frame = DisclosureFrame::for_paths(claims.as_object().unwrap(), &paths)?;
    /// assert_eq!(frame.to_json(), json!({"_sd": ["name"], "avatars": {"_sd": "*"}}));
    /// # Ok::<(), vc_issuer::sd_jwt::SdJwtError>(())
    /// ```
    pub fn for_paths(claims: &Map<String, Value>, paths: &[ClaimPath]) -> Result<Self, SdJwtError> {
        let mut frame = DisclosureFrame::new();
        for path in paths {
            let Some((last, parents)) = path.segments().split_last() else {
                return Err(invalid("", "the root cannot be made disclosable"));
            };
            let mut level = &mut frame;
            let mut value = Some(ClaimsValue::Object(claims));
            let mut walked = String::new();
            for segment in parents {
                walked.push('/');
                walked.push_str(segment);
                value = step(value, segment, &walked)?;
                level = level.nested.entry(segment.clone()).or_default();
            }
            walked.push('/');
            walked.push_str(last);
            match (value, last.as_str()) {
                (Some(ClaimsValue::Array(_)), EVERY) => level.every = true,
                (Some(ClaimsValue::Array(elements)), index) => {
                    let index = array_index(index, elements.len(), &walked)?;
                    if !level.indices.contains(&index) {
                        level.indices.push(index);
                    }
                }
                (Some(ClaimsValue::Object(members)), name) => {
                    if !members.contains_key(name) {
                        return Err(SdJwtError::FrameClaimMissing {
                            path: excerpt(&walked),
                        });
                    }
                    if !level.names.iter().any(|known| known == name) {
                        level.names.push(name.to_owned());
                    }
                }
                (None, _) => {
                    return Err(SdJwtError::FrameTypeMismatch {
                        path: excerpt(&walked),
                        expected: "an object or an array",
                    });
                }
            }
        }
        Ok(frame)
    }
}

/// A container of the claims, as [`DisclosureFrame::for_paths`] walks them; `*` walks into
/// the first element as the shape every element shares.
enum ClaimsValue<'a> {
    Object(&'a Map<String, Value>),
    Array(&'a [Value]),
}

fn container(value: &Value) -> Option<ClaimsValue<'_>> {
    match value {
        Value::Object(members) => Some(ClaimsValue::Object(members)),
        Value::Array(elements) => Some(ClaimsValue::Array(elements)),
        _ => None,
    }
}

fn step<'a>(
    value: Option<ClaimsValue<'a>>,
    segment: &str,
    walked: &str,
) -> Result<Option<ClaimsValue<'a>>, SdJwtError> {
    let missing = || SdJwtError::FrameClaimMissing {
        path: excerpt(walked),
    };
    let child = match value {
        Some(ClaimsValue::Object(members)) => members.get(segment).ok_or_else(missing)?,
        Some(ClaimsValue::Array(elements)) if segment == EVERY => {
            elements.first().ok_or_else(missing)?
        }
        Some(ClaimsValue::Array(elements)) => {
            let index = array_index(segment, elements.len(), walked)?;
            elements.get(index).ok_or_else(missing)?
        }
        None => {
            return Err(SdJwtError::FrameTypeMismatch {
                path: excerpt(walked),
                expected: "an object or an array",
            });
        }
    };
    Ok(container(child))
}

fn array_index(segment: &str, len: usize, walked: &str) -> Result<usize, SdJwtError> {
    // RFC 6901 §4: an array index is decimal digits without leading zeros.
    let well_formed = segment == "0"
        || (!segment.is_empty()
            && !segment.starts_with('0')
            && segment.bytes().all(|b| b.is_ascii_digit()));
    match segment.parse::<usize>() {
        Ok(index) if well_formed && index < len => Ok(index),
        _ => Err(SdJwtError::FrameClaimMissing {
            path: excerpt(walked),
        }),
    }
}

fn invalid(path: &str, reason: impl Into<String>) -> SdJwtError {
    SdJwtError::InvalidFrame {
        path: excerpt(path),
        reason: reason.into(),
    }
}

fn parse(json: &Value, depth: usize, path: &mut String) -> Result<DisclosureFrame, SdJwtError> {
    if depth > MAX_DEPTH {
        return Err(SdJwtError::TooDeep {
            path: excerpt(path),
            max: MAX_DEPTH,
        });
    }
    let Value::Object(map) = json else {
        return Err(invalid(path, "a frame is a JSON object"));
    };
    let mut frame = DisclosureFrame::default();
    for (key, value) in map {
        if key == SD {
            parse_selection(value, path, &mut frame)?;
            continue;
        }
        if RESERVED_NAMES.contains(&key.as_str()) {
            return Err(SdJwtError::ReservedClaimName { name: key.clone() });
        }
        let len = path.len();
        push_segment(path, key);
        let nested = parse(value, depth + 1, path)?;
        path.truncate(len);
        frame.nested.insert(key.clone(), nested);
    }
    Ok(frame)
}

fn parse_selection(
    value: &Value,
    path: &str,
    frame: &mut DisclosureFrame,
) -> Result<(), SdJwtError> {
    let entries = match value {
        Value::String(s) if s == EVERY => {
            frame.every = true;
            return Ok(());
        }
        Value::Array(entries) => entries,
        _ => {
            return Err(invalid(
                path,
                "`_sd` is an array of member names or of element indices, or \"*\"",
            ));
        }
    };
    for entry in entries {
        match entry {
            Value::String(name) => {
                if RESERVED_NAMES.contains(&name.as_str()) {
                    return Err(SdJwtError::ReservedClaimName { name: name.clone() });
                }
                if frame.names.contains(name) {
                    return Err(invalid(
                        path,
                        format!("`_sd` lists `{}` twice", excerpt(name)),
                    ));
                }
                frame.names.push(name.clone());
            }
            Value::Number(number) => {
                let index = number
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| invalid(path, "an element index is a non-negative integer"))?;
                if frame.indices.contains(&index) {
                    return Err(invalid(path, format!("`_sd` lists element {index} twice")));
                }
                frame.indices.push(index);
            }
            _ => {
                return Err(invalid(
                    path,
                    "`_sd` entries are member names (strings) or element indices (integers)",
                ));
            }
        }
    }
    if !frame.names.is_empty() && !frame.indices.is_empty() {
        return Err(invalid(
            path,
            "`_sd` mixes member names and element indices; a claim is an object or an array",
        ));
    }
    Ok(())
}

impl Serialize for DisclosureFrame {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DisclosureFrame {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Value::deserialize(deserializer)?;
        Self::from_json(&json).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for DisclosureFrame {
    type Err = SdJwtError;

    /// Reads a frame from JSON text, such as the contents of a frame file.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| invalid("", format!("not JSON: {}", excerpt(&e.to_string()))))?;
        Self::from_json(&json)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let frame: DisclosureFrame = r#"{
            "_sd": ["name", "email", "address"],
            "avatars": { "_sd": "*", "*": { "_sd": ["handle"] } },
            "address": { "_sd": ["locality", "postal_code"] }
        }"#
        .parse()
        .unwrap();
        let built = DisclosureFrame::new()
            .disclose("name")
            .disclose("email")
            .disclose("address")
            .nest(
                "avatars",
                DisclosureFrame::new()
                    .disclose_all()
                    .nest("*", DisclosureFrame::new().disclose("handle")),
            )
            .nest(
                "address",
                DisclosureFrame::new()
                    .disclose("locality")
                    .disclose("postal_code"),
            );
        assert_eq!(frame, built);
        assert_eq!(DisclosureFrame::from_json(&frame.to_json()).unwrap(), frame);
    }

    #[test]
    fn reads_element_indices_apart_from_member_names() {
        let frame =
            DisclosureFrame::from_json(&json!({"avatars": {"_sd": [0, 1]}, "m": {"_sd": ["0"]}}))
                .unwrap();
        assert_eq!(frame.nested["avatars"].indices, [0, 1]);
        assert_eq!(frame.nested["m"].names, ["0"]);
    }

    #[test]
    fn rejects_mixed_names_and_indices() {
        let error = DisclosureFrame::from_json(&json!({"_sd": ["a", 0]})).unwrap_err();
        assert!(matches!(error, SdJwtError::InvalidFrame { .. }));
    }

    #[test]
    fn rejects_duplicate_frame_entries() {
        assert!(DisclosureFrame::from_json(&json!({"_sd": ["a", "a"]})).is_err());
        assert!(DisclosureFrame::from_json(&json!({"_sd": [1, 1]})).is_err());
    }

    #[test]
    fn rejects_malformed_frames() {
        for json in [
            json!([]),
            json!({"_sd": "name"}),
            json!({"_sd": [true]}),
            json!({"_sd": [-1]}),
            json!({"_sd": [1.5]}),
            json!({"address": ["locality"]}),
            json!({"address": true}),
        ] {
            assert!(DisclosureFrame::from_json(&json).is_err(), "{json}");
        }
        assert!("not json".parse::<DisclosureFrame>().is_err());
    }

    #[test]
    fn rejects_sd_as_claim_name_in_frame() {
        for json in [
            json!({"_sd": ["_sd"]}),
            json!({"_sd": ["..."]}),
            json!({"...": {}}),
            json!({"_sd_alg": {}}),
        ] {
            assert!(
                matches!(
                    DisclosureFrame::from_json(&json),
                    Err(SdJwtError::ReservedClaimName { .. })
                ),
                "{json}"
            );
        }
    }

    #[test]
    fn rejects_frame_nested_too_deep() {
        let mut json = json!({});
        for _ in 0..=MAX_DEPTH + 1 {
            json = json!({ "a": json });
        }
        assert!(matches!(
            DisclosureFrame::from_json(&json),
            Err(SdJwtError::TooDeep { .. })
        ));
    }

    #[test]
    fn empty_frames_are_empty() {
        assert!(DisclosureFrame::new().is_empty());
        assert!(
            DisclosureFrame::new()
                .nest("a", DisclosureFrame::new())
                .is_empty()
        );
        assert!(
            !DisclosureFrame::new()
                .nest("a", DisclosureFrame::new().disclose_all())
                .is_empty()
        );
    }
}

#[cfg(test)]
mod for_paths_tests {
    use serde_json::json;

    use super::*;

    fn frame_for(claims: Value, paths: &[&str]) -> Result<DisclosureFrame, SdJwtError> {
        let paths: Vec<ClaimPath> = paths.iter().map(|p| ClaimPath::parse(p).unwrap()).collect();
        DisclosureFrame::for_paths(claims.as_object().unwrap(), &paths)
    }

    #[test]
    fn members_elements_and_every_element() {
        let claims = json!({
            "name": "Alice",
            "address": {"locality": "Paris", "country": "FR"},
            "avatars": [{"platform": "a", "handle": "x"}, {"platform": "b", "handle": "y"}],
            "tags": ["p", "q"],
        });
        let frame = frame_for(
            claims,
            &[
                "/name",
                "/address",
                "/address/locality",
                "/avatars/*",
                "/avatars/*/handle",
                "/tags/1",
            ],
        )
        .unwrap();
        assert_eq!(
            frame.to_json(),
            json!({
                "_sd": ["name", "address"],
                "address": {"_sd": ["locality"]},
                "avatars": {"_sd": "*", "*": {"_sd": ["handle"]}},
                "tags": {"_sd": [1]},
            })
        );
    }

    #[test]
    fn the_same_path_twice_is_named_once() {
        let frame = frame_for(json!({"name": "A"}), &["/name", "/name"]).unwrap();
        assert_eq!(frame.to_json(), json!({"_sd": ["name"]}));
    }

    #[test]
    fn rejects_paths_to_missing_claims() {
        for path in ["/nope", "/tags/2", "/tags/01", "/tags/-1", "/name/x"] {
            let result = frame_for(json!({"name": "A", "tags": [1, 2]}), &[path]);
            assert!(result.is_err(), "{path} should be refused");
        }
    }

    #[test]
    fn rejects_the_root() {
        assert!(frame_for(json!({"name": "A"}), &[""]).is_err());
    }
}
