//! `Did`: a decentralized identifier validated against DID Core §3.1, kept exactly as written.

use std::sync::Arc;

use super::error::DidError;
use super::grammar::{self, DidLayout};
use super::url::DidUrl;

/// A DID (`did:method:method-specific-id`) that is known to match the DID Core §3.1 ABNF.
///
/// The text is kept exactly as given: [`Did::as_str`] and `Display` return the input byte for
/// byte, and equality, ordering and hashing are those of that string (the simple string
/// comparison of RFC 3986 §6.2.1: nothing is case-folded or percent-decoded). Cloning copies a
/// reference count and two offsets. A `Did` taken from a [`DidUrl`] shares the URL's buffer instead of copying it.
///
/// ```
/// use did_core::did::Did;
///
/// let did = Did::parse("did:example:123456789abcdefghi")?;
/// assert_eq!(did.method(), "example");
/// assert_eq!(did.method_specific_id(), "123456789abcdefghi");
/// assert_eq!(did.with_fragment("keys-1")?.as_str(), "did:example:123456789abcdefghi#keys-1");
/// # Ok::<(), did_core::did::DidError>(())
/// ```
#[derive(Clone)]
pub struct Did {
    /// The validated input; may extend past `end` when shared with a [`DidUrl`].
    text: Arc<str>,
    /// Offset of the `:` that ends the method name.
    method_end: u32,
    /// Offset just past the method-specific id.
    end: u32,
}

impl Did {
    /// Parses a DID, refusing anything the DID Core §3.1 ABNF does not produce, including DID
    /// URLs (use [`DidUrl::parse`] for those) and input over
    /// [`MAX_DID_URL_LEN`](super::MAX_DID_URL_LEN) bytes. Allocates once, and only on success.
    pub fn parse(input: &str) -> Result<Did, DidError> {
        let layout = grammar::did(input)?;
        Ok(Did::from_layout(Arc::from(input), layout))
    }

    /// Wraps text that the grammar already accepted with this layout.
    pub(super) fn from_layout(text: Arc<str>, layout: DidLayout) -> Did {
        Did {
            text,
            method_end: offset(layout.method_end),
            end: offset(layout.did_end),
        }
    }

    /// The DID exactly as it was parsed.
    pub fn as_str(&self) -> &str {
        self.slice(0, self.end)
    }

    /// The method name, such as `key` or `web`: what selects the resolver.
    pub fn method(&self) -> &str {
        self.slice(METHOD_START, self.method_end)
    }

    /// Everything after the method name and its `:`, still percent-encoded as written; its
    /// meaning is up to the method (a multibase key for did:key, a host and path for did:web).
    pub fn method_specific_id(&self) -> &str {
        self.slice(self.method_end.saturating_add(1), self.end)
    }

    /// A key id read against this DID: `#fragment` (a relative DID URL, DID Core §3.2.2) is
    /// this DID with that fragment; anything else must be an absolute DID URL. Whether the
    /// result names *this* DID is the caller's check (`url.did() == self`), so that it can say
    /// which rule refused it.
    pub fn resolve_reference(&self, reference: &str) -> Result<DidUrl, DidError> {
        match reference.strip_prefix('#') {
            Some(fragment) => self.with_fragment(fragment),
            None => DidUrl::parse(reference),
        }
    }

    /// The DID URL `did#fragment`, such as the id of a verification method. `fragment` is
    /// given without its `#` and must match RFC 3986 §3.5 (pchar, `/`, `?`, percent-encoding);
    /// error offsets refer to the DID URL that would have been built.
    pub fn with_fragment(&self, fragment: &str) -> Result<DidUrl, DidError> {
        let did = self.as_str();
        let fragment_start = did.len() + 1;
        let len = fragment_start.saturating_add(fragment.len());
        if len > super::MAX_DID_URL_LEN {
            return Err(DidError::TooLong { len });
        }
        grammar::fragment(fragment).map_err(|err| err.shifted(fragment_start))?;
        let mut text = String::with_capacity(len);
        text.push_str(did);
        text.push('#');
        text.push_str(fragment);
        let did = Did {
            text: Arc::from(text),
            method_end: self.method_end,
            end: self.end,
        };
        Ok(DidUrl::from_parts(did, self.end, self.end, offset(len)))
    }

    /// Offset just past this DID in [`Did::shared_text`].
    pub(super) fn end(&self) -> u32 {
        self.end
    }

    /// A part of the text between two offsets found by the grammar.
    pub(super) fn slice(&self, start: u32, end: u32) -> &str {
        // The offsets come from the grammar and sit on ASCII delimiters, so `get` always
        // succeeds; the fallback keeps a logic error from becoming a panic.
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// Where the method name starts: just after `did:`.
const METHOD_START: u32 = 4;

/// An offset into text of at most `MAX_DID_URL_LEN` bytes, which always fits in `u32`.
pub(super) fn offset(n: usize) -> u32 {
    const _: () = assert!(super::MAX_DID_URL_LEN < u32::MAX as usize);
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::did::{DidPart, MAX_DID_URL_LEN};

    const DID_KEY: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

    fn part_of(input: &str) -> Option<DidPart> {
        Did::parse(input).err().and_then(|err| err.part())
    }

    #[test]
    fn parses_did_key_into_its_parts() {
        let did = Did::parse(DID_KEY).unwrap();
        assert_eq!(did.as_str(), DID_KEY);
        assert_eq!(did.to_string(), DID_KEY);
        assert_eq!(did.method(), "key");
        assert_eq!(
            did.method_specific_id(),
            "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        );
    }

    #[test]
    fn accepts_empty_inner_segments_of_method_specific_id() {
        // DID Core §3.1: *( *idchar ":" ) allows empty segments before the last one.
        let did = Did::parse("did:example::a").unwrap();
        assert_eq!(did.method_specific_id(), ":a");
        assert!(Did::parse("did:example:a::b").is_ok());
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(Did::parse(""), Err(DidError::EmptyInput));
    }

    #[test]
    fn rejects_upper_case_scheme() {
        assert_eq!(
            Did::parse("DID:example:123"),
            Err(DidError::NotDidScheme { offset: 0 })
        );
        assert_eq!(
            Did::parse("did-example:123"),
            Err(DidError::NotDidScheme { offset: 3 })
        );
        assert_eq!(Did::parse("did"), Err(DidError::NotDidScheme { offset: 3 }));
    }

    #[test]
    fn rejects_upper_case_method_name() {
        assert_eq!(
            Did::parse("did:Example:123"),
            Err(DidError::UpperCaseMethodName {
                offset: 4,
                found: 'E'
            })
        );
    }

    #[test]
    fn rejects_empty_method_name() {
        assert_eq!(
            Did::parse("did::123"),
            Err(DidError::EmptyPart {
                part: DidPart::MethodName,
                offset: 4
            })
        );
    }

    #[test]
    fn rejects_method_name_without_method_specific_id() {
        assert_eq!(
            Did::parse("did:example"),
            Err(DidError::MissingColon { offset: 11 })
        );
    }

    #[test]
    fn rejects_empty_method_specific_id() {
        assert_eq!(
            Did::parse("did:example:"),
            Err(DidError::EmptyPart {
                part: DidPart::MethodSpecificId,
                offset: 12
            })
        );
    }

    #[test]
    fn rejects_trailing_colon_in_method_specific_id() {
        assert_eq!(
            Did::parse("did:example:a:"),
            Err(DidError::TrailingColon { offset: 13 })
        );
        assert_eq!(
            Did::parse("did:example::"),
            Err(DidError::TrailingColon { offset: 12 })
        );
    }

    #[test]
    fn rejects_truncated_percent_encoding() {
        for input in [
            "did:example:a%",
            "did:example:a%4",
            "did:example:a%4g",
            "did:example:%%41",
        ] {
            assert!(
                matches!(
                    Did::parse(input),
                    Err(DidError::BadPercentEncoding {
                        part: DidPart::MethodSpecificId,
                        offset: _
                    })
                ),
                "{input}"
            );
        }
        assert!(Did::parse("did:example:a%4F%4f").is_ok());
    }

    #[test]
    fn rejects_non_ascii_homoglyph() {
        // Cyrillic 'е' (U+0435) looks like Latin 'e': accepting it would let two different
        // identifiers look the same to a person.
        assert_eq!(
            Did::parse("did:example:\u{435}ve"),
            Err(DidError::InvalidCharacter {
                part: DidPart::MethodSpecificId,
                offset: 12,
                found: '\u{435}'
            })
        );
        assert_eq!(part_of("did:\u{435}xample:1"), Some(DidPart::MethodName));
    }

    #[test]
    fn rejects_whitespace_and_control_characters() {
        for input in [
            " did:example:1",
            "did:example:1 ",
            "did:example:1\n",
            "did:example:1\0",
            "did:exa mple:1",
        ] {
            assert!(Did::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn rejects_did_url_where_did_expected() {
        for (input, part) in [
            ("did:example:1/path", DidPart::Path),
            ("did:example:1?versionId=1", DidPart::Query),
            ("did:example:1#key-1", DidPart::Fragment),
        ] {
            assert_eq!(
                Did::parse(input),
                Err(DidError::NotADid { part, offset: 13 })
            );
        }
    }

    #[test]
    fn rejects_oversized_input() {
        let long = format!("did:example:{}", "a".repeat(MAX_DID_URL_LEN));
        let err = Did::parse(&long).unwrap_err();
        assert_eq!(err, DidError::TooLong { len: long.len() });
        assert_eq!(
            err.to_string(),
            "too long: 65548 bytes, but a DID URL may have at most 65536 bytes"
        );
        assert_eq!((err.part(), err.offset()), (None, None));
        let longest = format!("did:example:{}", "a".repeat(MAX_DID_URL_LEN - 12));
        assert_eq!(
            Did::parse(&longest).unwrap().as_str().len(),
            MAX_DID_URL_LEN
        );
    }

    #[test]
    fn with_fragment_builds_verification_method_id() {
        let did = Did::parse(DID_KEY).unwrap();
        let url = did
            .with_fragment("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
            .unwrap();
        assert_eq!(url.did(), &did);
        assert_eq!(
            url.fragment(),
            Some("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
        );
        assert_eq!(
            url.as_str(),
            format!("{DID_KEY}#{}", did.method_specific_id())
        );
        assert_eq!(url, crate::did::DidUrl::parse(url.as_str()).unwrap());
    }

    #[test]
    fn with_fragment_on_did_of_longer_url_uses_the_did_only() {
        let url = crate::did::DidUrl::parse("did:example:123/path?q=1#old").unwrap();
        let new = url.did().with_fragment("new").unwrap();
        assert_eq!(new.as_str(), "did:example:123#new");
        assert_eq!((new.path(), new.query()), (None, None));
    }

    #[test]
    fn with_fragment_rejects_fragment_injection() {
        let did = Did::parse("did:example:123").unwrap();
        // A second '#', or a space, would make the result mean something else or not parse.
        assert_eq!(
            did.with_fragment("#key-1"),
            Err(DidError::InvalidCharacter {
                part: DidPart::Fragment,
                offset: 16,
                found: '#'
            })
        );
        assert_eq!(
            did.with_fragment("key 1").map_err(|err| err.offset()),
            Err(Some(19))
        );
        assert!(did.with_fragment("key%2").is_err());
        assert_eq!(did.with_fragment("").unwrap().fragment(), Some(""));
    }

    #[test]
    fn with_fragment_rejects_oversized_result() {
        let did = Did::parse("did:example:123").unwrap();
        assert!(matches!(
            did.with_fragment(&"a".repeat(MAX_DID_URL_LEN)),
            Err(DidError::TooLong { .. })
        ));
    }

    #[test]
    fn equality_and_hash_follow_the_text() {
        let url = crate::did::DidUrl::parse("did:example:123/path?x=1#frag").unwrap();
        let did = Did::parse("did:example:123").unwrap();
        // A DID that shares a DID URL's buffer is the same DID as one parsed on its own.
        assert_eq!(url.did(), &did);
        let set: HashSet<Did> = [did.clone(), url.did().clone()].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert!(set.contains("did:example:123"));
        assert_ne!(did, Did::parse("did:example:124").unwrap());
        assert!(did < Did::parse("did:example:124").unwrap());
    }

    #[test]
    fn resolves_relative_and_absolute_key_references() {
        let did = Did::parse("did:example:issuer").unwrap();
        assert_eq!(
            did.resolve_reference("#key-1").unwrap().as_str(),
            "did:example:issuer#key-1"
        );
        let other = did.resolve_reference("did:example:other#key-1").unwrap();
        assert_eq!(other.did().as_str(), "did:example:other");
        assert!(did.resolve_reference("key-1").is_err());
        assert!(did.resolve_reference("#bad fragment").is_err());
    }
}
