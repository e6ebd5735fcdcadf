//! Claim paths: RFC 6901 JSON Pointers naming a claim, such as `/address/locality` or
//! `/avatars/1`, by which a holder chooses what to disclose and a verifier learns what was.

use std::fmt;
use std::str::FromStr;

use did_core::excerpt::excerpt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::error::SdJwtError;

/// A JSON Pointer (RFC 6901) into a set of claims.
///
/// Each segment is a member name or, where the claim is an array, a decimal index. The empty
/// pointer `""` is the whole claim set. Indices count the elements as the holder sees them:
/// with every disclosure applied and decoys left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ClaimPath {
    segments: Vec<String>,
}

impl ClaimPath {
    /// The path of the whole claim set, `""`.
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses an RFC 6901 JSON Pointer: empty, or `/` followed by segments separated by `/`,
    /// in which `~1` stands for `/` and `~0` for `~`.
    pub fn parse(pointer: &str) -> Result<Self, SdJwtError> {
        let invalid = |reason| SdJwtError::InvalidClaimPath {
            path: excerpt(pointer),
            reason,
        };
        if pointer.is_empty() {
            return Ok(Self::root());
        }
        // RFC 6901 §3: json-pointer = *( "/" reference-token ).
        let Some(rest) = pointer.strip_prefix('/') else {
            return Err(invalid("a claim path starts with `/`"));
        };
        let segments = rest
            .split('/')
            .map(|token| unescape(token).ok_or_else(|| invalid("`~` must be followed by 0 or 1")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { segments })
    }

    /// The path one level deeper, through `segment` (a member name or a decimal index).
    pub fn join(&self, segment: impl Into<String>) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment.into());
        Self { segments }
    }

    /// The unescaped segments, outermost first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// Whether this is the path of the whole claim set.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The claim this path names in `claims` (processed claims, as a verifier sees them):
    /// member names through objects, decimal indices through arrays. `None` when there is no
    /// such claim, and for the root path, which names the whole set rather than one claim.
    pub fn find<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        let (first, rest) = self.segments.split_first()?;
        rest.iter()
            .try_fold(claims.get(first)?, |value, segment| match value {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => items.get(parse_index(segment)?),
                _ => None,
            })
    }
}

/// RFC 6901 §4: `~1` then `~0`, so that `~01` reads as `~1`. `None` for a dangling `~`.
fn unescape(token: &str) -> Option<String> {
    if !token.contains('~') {
        return Some(token.to_owned());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Appends `/` and `segment` escaped per RFC 6901 §3 to `pointer`.
pub(crate) fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Appends `/` and the decimal `index` to `pointer`.
pub(crate) fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    pointer.push('/');
    let _ = write!(pointer, "{index}");
}

/// An RFC 6901 array index: `0`, or digits without a leading zero.
pub(crate) fn parse_index(segment: &str) -> Option<usize> {
    let canonical = segment == "0"
        || (!segment.is_empty()
            && !segment.starts_with('0')
            && segment.bytes().all(|b| b.is_ascii_digit()));
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pointer = String::new();
        for segment in &self.segments {
            push_segment(&mut pointer, segment);
        }
        f.write_str(&pointer)
    }
}

impl FromStr for ClaimPath {
    type Err = SdJwtError;

    fn from_str(pointer: &str) -> Result<Self, Self::Err> {
        Self::parse(pointer)
    }
}

impl Serialize for ClaimPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClaimPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pointer = String::deserialize(deserializer)?;
        Self::parse(&pointer).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rfc6901_pointers() {
        // RFC 6901 §5 examples.
        for (pointer, segments) in [
            ("", vec![]),
            ("/foo", vec!["foo"]),
            ("/foo/0", vec!["foo", "0"]),
            ("/", vec![""]),
            ("/a~1b", vec!["a/b"]),
            ("/m~0n", vec!["m~n"]),
            ("/~01", vec!["~1"]),
            ("/ü/ /\"", vec!["ü", " ", "\""]),
        ] {
            let path = ClaimPath::parse(pointer).unwrap();
            assert_eq!(path.segments(), segments.as_slice(), "{pointer}");
            assert_eq!(path.to_string(), pointer);
        }
    }

    #[test]
    fn finds_claims_through_objects_and_arrays() {
        let claims = serde_json::json!({
            "address": {"locality": "Schulpforta"},
            "avatars": [{"platform": "vrchat"}, {"platform": "resonite"}],
            "a/b": 1
        });
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        let find = |p: &str| ClaimPath::parse(p).unwrap().find(&claims).cloned();
        assert_eq!(find("/address/locality"), Some("Schulpforta".into()));
        assert_eq!(find("/avatars/1/platform"), Some("resonite".into()));
        assert_eq!(find("/a~1b"), Some(1.into()));
        for missing in [
            "",
            "/avatars/2",
            "/avatars/01",
            "/address/zip",
            "/a~1b/c",
            "/x",
        ] {
            assert_eq!(find(missing), None, "{missing}");
        }
    }

    #[test]
    fn rejects_pointer_without_leading_slash() {
        assert!(matches!(
            ClaimPath::parse("address/locality"),
            Err(SdJwtError::InvalidClaimPath { .. })
        ));
    }

    #[test]
    fn rejects_dangling_tilde() {
        for pointer in ["/a~", "/a~2", "/~x"] {
            assert!(ClaimPath::parse(pointer).is_err(), "{pointer}");
        }
    }

    #[test]
    fn array_indices_are_canonical_decimals() {
        assert_eq!(parse_index("0"), Some(0));
        assert_eq!(parse_index("17"), Some(17));
        for bad in [
            "",
            "01",
            "-1",
            "+1",
            "1a",
            "-",
            "1.0",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn join_escapes_on_display() {
        let path = ClaimPath::root().join("a/b").join("1");
        assert_eq!(path.to_string(), "/a~1b/1");
        assert_eq!(ClaimPath::parse(&path.to_string()).unwrap(), path);
    }
}
