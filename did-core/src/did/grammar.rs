//! The DID Core §3.1/§3.2 ABNF as a single forward scan: where each part of a DID URL ends, or
//! the first byte that breaks the grammar.
//!
//! ```text
//! did                = "did:" method-name ":" method-specific-id
//! method-name        = 1*method-char
//! method-char        = %x61-7A / DIGIT
//! method-specific-id = *( *idchar ":" ) 1*idchar
//! idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
//! pct-encoded        = "%" HEXDIG HEXDIG
//! did-url            = did path-abempty [ "?" query ] [ "#" fragment ]
//! ```
//! with `path-abempty`, `query` and `fragment` from RFC 3986 §3.3–§3.5:
//! ```text
//! path-abempty = *( "/" segment )        segment = *pchar
//! query        = *( pchar / "/" / "?" )   fragment = *( pchar / "/" / "?" )
//! pchar        = unreserved / pct-encoded / sub-delims / ":" / "@"
//! unreserved   = ALPHA / DIGIT / "-" / "." / "_" / "~"
//! sub-delims   = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
//! ```
//! Every rule above is ASCII, so the scan works on bytes with one table lookup per byte and
//! never allocates. Any byte of a multi-byte UTF-8 character is outside every class and is
//! reported as an invalid character.

use super::MAX_DID_URL_LEN;
use super::error::{DidError, DidPart};

/// `method-char`: lower-case letters and digits (DID Core §3.1).
const METHOD_CHAR: u8 = 1;
/// `idchar` without `pct-encoded`: ALPHA / DIGIT / "." / "-" / "_" (DID Core §3.1).
const ID_CHAR: u8 = 1 << 1;
/// `pchar` without `pct-encoded`: unreserved / sub-delims / ":" / "@" (RFC 3986 §3.3).
const PCHAR: u8 = 1 << 2;
const SLASH: u8 = 1 << 3;
const QUESTION_MARK: u8 = 1 << 4;
const NUMBER_SIGN: u8 = 1 << 5;
const COLON: u8 = 1 << 6;
/// `HEXDIG` (RFC 5234 Appendix B.1; its literals are case-insensitive, RFC 5234 §2.3).
const HEXDIG: u8 = 1 << 7;

/// The classes of each byte; bytes ≥ 0x80 belong to none.
const CLASSES: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        let alpha = b.is_ascii_alphabetic();
        let digit = b.is_ascii_digit();
        let unreserved = alpha || digit || matches!(b, b'-' | b'.' | b'_' | b'~');
        let sub_delim = matches!(
            b,
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        );
        let mut class = 0;
        if b.is_ascii_lowercase() || digit {
            class |= METHOD_CHAR;
        }
        if alpha || digit || matches!(b, b'.' | b'-' | b'_') {
            class |= ID_CHAR;
        }
        if unreserved || sub_delim || b == b':' || b == b'@' {
            class |= PCHAR;
        }
        if b.is_ascii_hexdigit() {
            class |= HEXDIG;
        }
        class |= match b {
            b'/' => SLASH,
            b'?' => QUESTION_MARK,
            b'#' => NUMBER_SIGN,
            b':' => COLON,
            _ => 0,
        };
        table[i] = class;
        i += 1;
    }
    table
}

fn is(byte: u8, class: u8) -> bool {
    CLASSES[usize::from(byte)] & class != 0
}

/// One repeated-character rule: which bytes it takes (besides `pct-encoded`, always allowed)
/// and which bytes end it and begin the next part.
struct Rule {
    part: DidPart,
    allowed: u8,
    ends_before: u8,
}

/// `method-specific-id`: idchar and ":"; ends where the DID URL's path, query or fragment begins.
const METHOD_SPECIFIC_ID: Rule = Rule {
    part: DidPart::MethodSpecificId,
    allowed: ID_CHAR | COLON,
    ends_before: SLASH | QUESTION_MARK | NUMBER_SIGN,
};
/// `path-abempty`: pchar and "/" (RFC 3986 §3.3).
const PATH: Rule = Rule {
    part: DidPart::Path,
    allowed: PCHAR | SLASH,
    ends_before: QUESTION_MARK | NUMBER_SIGN,
};
/// `query`: pchar, "/" and "?" (RFC 3986 §3.4).
const QUERY: Rule = Rule {
    part: DidPart::Query,
    allowed: PCHAR | SLASH | QUESTION_MARK,
    ends_before: NUMBER_SIGN,
};
/// `fragment`: pchar, "/" and "?" (RFC 3986 §3.5); it runs to the end, so a second "#" is an
/// invalid character.
const FRAGMENT: Rule = Rule {
    part: DidPart::Fragment,
    allowed: PCHAR | SLASH | QUESTION_MARK,
    ends_before: 0,
};

/// Where the parts of a valid DID end, as byte offsets into the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DidLayout {
    /// Offset of the `:` after the method name.
    pub method_end: usize,
    /// Offset just past the method-specific id.
    pub did_end: usize,
}

/// Where the parts of a valid DID URL end. A part is absent when it is empty *and* its
/// delimiter is absent: the path when `path_end == did.did_end`, the query when
/// `query_end == path_end`, the fragment when `query_end == input.len()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DidUrlLayout {
    pub did: DidLayout,
    /// Offset just past the path (where `?`, `#` or the end is).
    pub path_end: usize,
    /// Offset just past the query (where `#` or the end is).
    pub query_end: usize,
}

/// Checks that `input` is a DID URL and finds its parts.
pub(super) fn did_url(input: &str) -> Result<DidUrlLayout, DidError> {
    let did = did_prefix(input)?;
    let path_end = scan(input, did.did_end, &PATH)?;
    let query_end = match input.as_bytes().get(path_end) {
        Some(b'?') => scan(input, path_end + 1, &QUERY)?,
        _ => path_end,
    };
    if let Some(b'#') = input.as_bytes().get(query_end) {
        scan(input, query_end + 1, &FRAGMENT)?;
    }
    Ok(DidUrlLayout {
        did,
        path_end,
        query_end,
    })
}

/// Checks that `input` is a DID: a DID URL without path, query or fragment.
pub(super) fn did(input: &str) -> Result<DidLayout, DidError> {
    let did = did_prefix(input)?;
    let part = match input.as_bytes().get(did.did_end) {
        None => return Ok(did),
        Some(b'/') => DidPart::Path,
        Some(b'?') => DidPart::Query,
        // The method-specific-id scan only stops early before '/', '?' or '#'.
        Some(_) => DidPart::Fragment,
    };
    Err(DidError::NotADid {
        part,
        offset: did.did_end,
    })
}

/// Checks `fragment` (without its `#`) on its own, as DID Core §3.2 / RFC 3986 §3.5 allow it.
/// Error offsets are relative to `fragment`.
pub(super) fn fragment(fragment: &str) -> Result<(), DidError> {
    scan(fragment, 0, &FRAGMENT).map(|_| ())
}

/// The `did` rule at the start of `input`: scheme, method name, method-specific id. Stops
/// before a `/`, `?` or `#`; any other byte that is not part of the DID is an error.
fn did_prefix(input: &str) -> Result<DidLayout, DidError> {
    if input.is_empty() {
        return Err(DidError::EmptyInput);
    }
    // Checked before any other work, so that the cost of refusing is constant.
    if input.len() > MAX_DID_URL_LEN {
        return Err(DidError::TooLong { len: input.len() });
    }
    let method_start = scheme(input)?;
    let method_end = method_name(input, method_start)?;
    let id_start = method_end + 1;
    let did_end = scan(input, id_start, &METHOD_SPECIFIC_ID)?;
    // DID Core §3.1: method-specific-id = *( *idchar ":" ) 1*idchar — at least one character,
    // and the last segment is not empty. Empty inner segments (`did:example::123`) are allowed.
    match input.as_bytes().get(id_start..did_end) {
        Some([]) | None => Err(DidError::EmptyPart {
            part: DidPart::MethodSpecificId,
            offset: id_start,
        }),
        Some([.., b':']) => Err(DidError::TrailingColon {
            offset: did_end - 1,
        }),
        Some(_) => Ok(DidLayout {
            method_end,
            did_end,
        }),
    }
}

/// DID Core §3.1: the DID scheme is the literal `did:`. RFC 5234 §2.3 reads ABNF literals
/// case-insensitively and RFC 3986 §3.1 lets consumers fold scheme case, but DIDs are compared
/// as exact strings, so only the canonical lower-case spelling is accepted: `DID:` would
/// otherwise name the same subject with a different string. Returns where the method name starts.
fn scheme(input: &str) -> Result<usize, DidError> {
    const SCHEME: &[u8] = b"did:";
    let bytes = input.as_bytes();
    match SCHEME.iter().zip(bytes).position(|(want, got)| want != got) {
        Some(offset) => Err(DidError::NotDidScheme { offset }),
        None if bytes.len() < SCHEME.len() => Err(DidError::NotDidScheme {
            offset: bytes.len(),
        }),
        None => Ok(SCHEME.len()),
    }
}

/// DID Core §3.1: method-name = 1*method-char, method-char = %x61-7A / DIGIT, then ":".
/// Returns the offset of that ":".
fn method_name(input: &str, start: usize) -> Result<usize, DidError> {
    let bytes = input.as_bytes();
    let mut i = start;
    loop {
        match bytes.get(i) {
            Some(&b) if is(b, METHOD_CHAR) => i += 1,
            Some(b':') if i == start => {
                return Err(DidError::EmptyPart {
                    part: DidPart::MethodName,
                    offset: start,
                });
            }
            Some(b':') => return Ok(i),
            Some(b) if b.is_ascii_uppercase() => {
                return Err(DidError::UpperCaseMethodName {
                    offset: i,
                    found: char::from(*b),
                });
            }
            Some(_) => return Err(invalid_character(input, i, DidPart::MethodName)),
            None => return Err(DidError::MissingColon { offset: i }),
        }
    }
}

/// Scans `rule` from `start` to the first byte that ends it (or the end of the input) and
/// returns that offset. `pct-encoded` (RFC 3986 §2.1) is accepted in every rule.
fn scan(input: &str, start: usize, rule: &Rule) -> Result<usize, DidError> {
    let bytes = input.as_bytes();
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if is(b, rule.allowed) {
            i += 1;
        } else if b == b'%' {
            // pct-encoded = "%" HEXDIG HEXDIG
            match bytes.get(i + 1..i + 3) {
                Some(&[hi, lo]) if is(hi, HEXDIG) && is(lo, HEXDIG) => i += 3,
                _ => {
                    return Err(DidError::BadPercentEncoding {
                        part: rule.part,
                        offset: i,
                    });
                }
            }
        } else if is(b, rule.ends_before) {
            break;
        } else {
            return Err(invalid_character(input, i, rule.part));
        }
    }
    Ok(i)
}

/// The error for the character starting at byte `offset`. Every byte before it matched an
/// ASCII rule, so `offset` is a character boundary.
fn invalid_character(input: &str, offset: usize, part: DidPart) -> DidError {
    let found = input
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    DidError::InvalidCharacter {
        part,
        offset,
        found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNRESERVED_PUNCTUATION: &str = "-._~";
    const SUB_DELIMS: &str = "!$&'()*+,;=";

    /// RFC 3986 §3.3 pchar without pct-encoded, written from the RFC text independently of the
    /// class table.
    fn is_pchar(c: char) -> bool {
        c.is_ascii_alphanumeric()
            || UNRESERVED_PUNCTUATION.contains(c)
            || SUB_DELIMS.contains(c)
            || c == ':'
            || c == '@'
    }

    fn all_ascii() -> impl Iterator<Item = char> {
        (0u8..128).map(char::from)
    }

    #[test]
    fn method_name_takes_exactly_lower_case_letters_and_digits() {
        for c in all_ascii() {
            let input = format!("did:a{c}b:123");
            let ok = c.is_ascii_lowercase() || c.is_ascii_digit();
            // ':' ends the method name early, so "did:a:b:123" is a valid DID of method "a".
            if c == ':' {
                continue;
            }
            assert_eq!(did(&input).is_ok(), ok, "{input:?}");
        }
    }

    #[test]
    fn method_specific_id_takes_exactly_idchar_and_colon() {
        for c in all_ascii() {
            let input = format!("did:example:a{c}b");
            let ok = c.is_ascii_alphanumeric() || ".-_:".contains(c);
            let result = did(&input);
            if "/?#".contains(c) {
                assert!(matches!(result, Err(DidError::NotADid { .. })), "{input:?}");
            } else {
                assert_eq!(result.is_ok(), ok, "{input:?}");
            }
        }
    }

    #[test]
    fn path_takes_exactly_pchar_and_slash() {
        for c in all_ascii() {
            let input = format!("did:example:123/a{c}b");
            let ok = is_pchar(c) || "/?#".contains(c);
            assert_eq!(did_url(&input).is_ok(), ok, "{input:?}");
        }
    }

    #[test]
    fn query_takes_exactly_pchar_slash_and_question_mark() {
        for c in all_ascii() {
            let input = format!("did:example:123?a{c}b");
            let ok = is_pchar(c) || "/?#".contains(c);
            assert_eq!(did_url(&input).is_ok(), ok, "{input:?}");
        }
    }

    #[test]
    fn fragment_takes_exactly_pchar_slash_and_question_mark() {
        for c in all_ascii() {
            let input = format!("did:example:123#a{c}b");
            let ok = is_pchar(c) || "/?".contains(c);
            assert_eq!(did_url(&input).is_ok(), ok, "{input:?}");
        }
    }

    #[test]
    fn no_byte_outside_ascii_is_in_any_class() {
        assert!(CLASSES[128..].iter().all(|&class| class == 0));
    }

    #[test]
    fn layout_marks_absent_and_empty_parts_apart() {
        let layout = did_url("did:a:b").unwrap();
        assert_eq!(
            (layout.did.did_end, layout.path_end, layout.query_end),
            (7, 7, 7)
        );
        let layout = did_url("did:a:b?#").unwrap();
        assert_eq!((layout.path_end, layout.query_end), (7, 8));
    }
}
