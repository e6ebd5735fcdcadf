//! `DidUrl`: a DID with optional path, query and fragment, validated against DID Core §3.2.

use std::sync::Arc;

use percent_encoding::percent_decode_str;

use super::error::DidError;
use super::grammar;
use super::identifier::{Did, offset};

/// A DID URL (`did path-abempty [ "?" query ] [ "#" fragment ]`) that is known to match the
/// DID Core §3.2 ABNF: the id of a verification method (`did:example:123#key-1`), a service
/// endpoint reference (`did:example:123?service=agent&relativeRef=/credentials`), or a plain DID.
///
/// Like [`Did`], it keeps the input exactly (`Display` gives it back byte for byte), compares
/// as that string, and clones cheaply. Components are returned as written, still
/// percent-encoded; only [`DidUrl::query_param`] decodes.
///
/// ```
/// use did_core::did::DidUrl;
///
/// let url = DidUrl::parse("did:example:123?service=agent&relativeRef=/credentials#degree")?;
/// assert_eq!(url.did().as_str(), "did:example:123");
/// assert_eq!(url.path(), None);
/// assert_eq!(url.query(), Some("service=agent&relativeRef=/credentials"));
/// assert_eq!(url.fragment(), Some("degree"));
/// assert_eq!(url.query_param("relativeRef").transpose()?.as_deref(), Some("/credentials"));
/// # Ok::<(), did_core::did::DidError>(())
/// ```
#[derive(Clone)]
pub struct DidUrl {
    /// The DID at the start; its text is this URL's whole text.
    did: Did,
    /// Offset just past the path (where `?`, `#` or the end is).
    path_end: u32,
    /// Offset just past the query (where `#` or the end is).
    query_end: u32,
    /// Offset just past the DID URL: the text may be longer when it came from
    /// `From<Did>` on a DID that was itself taken from a longer DID URL.
    end: u32,
}

impl DidUrl {
    /// Parses a DID URL, refusing anything the DID Core §3.2 ABNF does not produce and input
    /// over [`MAX_DID_URL_LEN`](super::MAX_DID_URL_LEN) bytes. A plain DID is a valid DID URL.
    /// Allocates once, and only on success.
    pub fn parse(input: &str) -> Result<DidUrl, DidError> {
        let layout = grammar::did_url(input)?;
        let did = Did::from_layout(Arc::from(input), layout.did);
        Ok(DidUrl::from_parts(
            did,
            offset(layout.path_end),
            offset(layout.query_end),
            offset(input.len()),
        ))
    }

    /// Assembles a DID URL from offsets that the grammar produced for `did`'s shared text.
    pub(super) fn from_parts(did: Did, path_end: u32, query_end: u32, end: u32) -> DidUrl {
        DidUrl {
            did,
            path_end,
            query_end,
            end,
        }
    }

    /// The DID URL exactly as it was parsed.
    pub fn as_str(&self) -> &str {
        self.did.slice(0, self.end)
    }

    /// The DID this URL starts with: what a resolver resolves before dereferencing the rest.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The `path-abempty` (RFC 3986 §3.3) including its leading `/`; `None` when empty.
    pub fn path(&self) -> Option<&str> {
        let did_end = self.did.end();
        (self.path_end > did_end).then(|| self.did.slice(did_end, self.path_end))
    }

    /// The query (RFC 3986 §3.4) without its `?`; `None` when there is no `?`, `Some("")` when
    /// the `?` is followed by nothing.
    pub fn query(&self) -> Option<&str> {
        (self.query_end > self.path_end).then(|| {
            self.did
                .slice(self.path_end.saturating_add(1), self.query_end)
        })
    }

    /// The fragment (RFC 3986 §3.5) without its `#`; `None` when there is no `#`, `Some("")`
    /// when the `#` is followed by nothing.
    pub fn fragment(&self) -> Option<&str> {
        (self.end > self.query_end)
            .then(|| self.did.slice(self.query_end.saturating_add(1), self.end))
    }

    /// True when the URL is a plain DID: no path, no query, no fragment (not even an empty
    /// `?` or `#`).
    pub fn is_did(&self) -> bool {
        self.end == self.did.end()
    }

    /// The first value of the query parameter `name`, percent-decoded; `None` when absent.
    ///
    /// This is how the DID parameters of DID Core §3.2.1 (`service`, `relativeRef`,
    /// `versionId`, `versionTime`, `hl`) are read. The query is split into `&`-separated
    /// `name=value` pairs; a name without `=` has the empty value. Names are compared after
    /// percent-decoding. `+` is kept as `+`: DID URLs use RFC 3986 percent-encoding, not HTML
    /// form encoding. A value that is not UTF-8 once decoded is an error, not a lossy string.
    pub fn query_param(&self, name: &str) -> Option<Result<String, DidError>> {
        let query = self.query()?;
        let mut pair_start = (self.path_end as usize).saturating_add(1);
        for pair in query.split('&') {
            let (key, value, value_start) = match pair.split_once('=') {
                Some((key, value)) => (key, value, pair_start + key.len() + 1),
                None => (pair, "", pair_start + pair.len()),
            };
            if percent_decode_str(key).eq(name.bytes()) {
                return Some(
                    percent_decode_str(value)
                        .decode_utf8()
                        .map(|value| value.into_owned())
                        .map_err(|_| DidError::InvalidUtf8 {
                            offset: value_start,
                        }),
                );
            }
            pair_start += pair.len() + 1;
        }
        None
    }
}

impl From<Did> for DidUrl {
    /// A DID is the DID URL with no path, query or fragment; no copy is made.
    fn from(did: Did) -> DidUrl {
        let end = did.end();
        DidUrl::from_parts(did, end, end, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did::DidPart;

    /// Asserts how `input` splits into DID, path, query and fragment.
    fn assert_parts(
        input: &str,
        did: &str,
        path: Option<&str>,
        query: Option<&str>,
        fragment: Option<&str>,
    ) {
        let url = DidUrl::parse(input).unwrap();
        assert_eq!(url.as_str(), input);
        assert_eq!(url.did().as_str(), did, "{input}");
        assert_eq!(
            (url.path(), url.query(), url.fragment()),
            (path, query, fragment),
            "{input}"
        );
    }

    #[test]
    fn splits_did_core_examples_into_parts() {
        // DID Core §3.2: the path, query and fragment examples.
        assert_parts(
            "did:example:123456/path",
            "did:example:123456",
            Some("/path"),
            None,
            None,
        );
        assert_parts(
            "did:example:123456?versionId=1",
            "did:example:123456",
            None,
            Some("versionId=1"),
            None,
        );
        assert_parts(
            "did:example:123#public-key-0",
            "did:example:123",
            None,
            None,
            Some("public-key-0"),
        );
        assert_parts(
            "did:example:123?service=agent&relativeRef=/credentials#degree",
            "did:example:123",
            None,
            Some("service=agent&relativeRef=/credentials"),
            Some("degree"),
        );
    }

    #[test]
    fn tells_empty_query_and_fragment_from_absent_ones() {
        let url = DidUrl::parse("did:example:123?#").unwrap();
        assert_eq!(
            (url.path(), url.query(), url.fragment()),
            (None, Some(""), Some(""))
        );
        assert!(!url.is_did());
        let url = DidUrl::parse("did:example:123/").unwrap();
        assert_eq!(url.path(), Some("/"));
        assert!(DidUrl::parse("did:example:123").unwrap().is_did());
    }

    #[test]
    fn accepts_question_mark_and_slash_in_query_and_fragment() {
        let url = DidUrl::parse("did:example:123/a//b?x=/y?z#/f?g").unwrap();
        assert_eq!(url.path(), Some("/a//b"));
        assert_eq!(url.query(), Some("x=/y?z"));
        assert_eq!(url.fragment(), Some("/f?g"));
    }

    #[test]
    fn rejects_second_fragment_delimiter() {
        assert_eq!(
            DidUrl::parse("did:example:123#key-1#key-2"),
            Err(DidError::InvalidCharacter {
                part: DidPart::Fragment,
                offset: 21,
                found: '#'
            })
        );
    }

    #[test]
    fn rejects_characters_outside_rfc3986() {
        for (input, part, offset, found) in [
            ("did:example:123/a b", DidPart::Path, 17, ' '),
            ("did:example:123/a[0]", DidPart::Path, 17, '['),
            ("did:example:123?a=<script>", DidPart::Query, 18, '<'),
            ("did:example:123?a=\"x\"", DidPart::Query, 18, '"'),
            ("did:example:123#a\\b", DidPart::Fragment, 17, '\\'),
            ("did:example:123#caf\u{e9}", DidPart::Fragment, 19, '\u{e9}'),
            ("did:example:123/\u{202e}txt", DidPart::Path, 16, '\u{202e}'),
        ] {
            assert_eq!(
                DidUrl::parse(input),
                Err(DidError::InvalidCharacter {
                    part,
                    offset,
                    found
                }),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_truncated_percent_encoding_in_every_component() {
        for (input, part) in [
            ("did:example:123/a%2", DidPart::Path),
            ("did:example:123?a=%", DidPart::Query),
            ("did:example:123#%g0", DidPart::Fragment),
        ] {
            assert!(
                matches!(
                    DidUrl::parse(input),
                    Err(DidError::BadPercentEncoding { part: p, .. }) if p == part
                ),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_characters_after_method_specific_id() {
        // Only '/', '?' or '#' may follow the DID; anything else is part of a bad id.
        assert_eq!(
            DidUrl::parse("did:example:123;x=1"),
            Err(DidError::InvalidCharacter {
                part: DidPart::MethodSpecificId,
                offset: 15,
                found: ';'
            })
        );
    }

    #[test]
    fn query_param_decodes_did_parameters() {
        // DID Test Suite, did-example-didwg.json: relativeRef percent-encoded.
        let url =
            DidUrl::parse("did:example:123?service=agent&relativeRef=%2Fpath%2Fto%2Fresource")
                .unwrap();
        assert_eq!(url.query_param("service"), Some(Ok("agent".into())));
        assert_eq!(
            url.query_param("relativeRef"),
            Some(Ok("/path/to/resource".into()))
        );
        assert_eq!(url.query_param("versionId"), None);
        assert_eq!(url.query_param("serv"), None);
    }

    #[test]
    fn query_param_takes_first_value_and_keeps_plus() {
        let url = DidUrl::parse("did:example:123?hl=a+b&hl=c&flag&vers%69onId=2").unwrap();
        assert_eq!(url.query_param("hl"), Some(Ok("a+b".into())));
        assert_eq!(url.query_param("flag"), Some(Ok(String::new())));
        assert_eq!(url.query_param("versionId"), Some(Ok("2".into())));
        assert_eq!(
            DidUrl::parse("did:example:123").unwrap().query_param("hl"),
            None
        );
    }

    #[test]
    fn query_param_rejects_invalid_utf8() {
        let url = DidUrl::parse("did:example:123?a=1&versionId=%FF%FE").unwrap();
        assert_eq!(
            url.query_param("versionId"),
            Some(Err(DidError::InvalidUtf8 { offset: 30 }))
        );
        assert_eq!(url.query_param("a"), Some(Ok("1".into())));
    }

    #[test]
    fn did_of_url_converts_back_to_plain_did_url() {
        let url = DidUrl::parse("did:example:123/path?q#f").unwrap();
        let plain = DidUrl::from(url.did().clone());
        assert_eq!(plain.as_str(), "did:example:123");
        assert!(plain.is_did());
        assert_eq!(
            (plain.path(), plain.query(), plain.fragment()),
            (None, None, None)
        );
        assert_eq!(plain, DidUrl::parse("did:example:123").unwrap());
    }
}
