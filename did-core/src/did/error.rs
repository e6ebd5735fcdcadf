//! Why a string is not a DID or DID URL: the broken ABNF part, the byte offset, the problem.

use std::fmt;

use super::MAX_DID_URL_LEN;

/// The part of a DID URL that an error is about, one per rule of the DID Core §3.1/§3.2 ABNF.
///
/// Errors name the part so that a user (or a resolver returning `invalidDid`) can say *where*
/// an identifier went wrong, not only *that* it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DidPart {
    /// The literal `did:` that opens every DID.
    Scheme,
    /// `method-name`: lower-case letters and digits between `did:` and the next `:`.
    MethodName,
    /// `method-specific-id`: colon-separated `idchar` segments after the method name.
    MethodSpecificId,
    /// `path-abempty` of RFC 3986 §3.3: `/`-separated segments after the DID.
    Path,
    /// `query` of RFC 3986 §3.4: after `?`, up to `#`.
    Query,
    /// `fragment` of RFC 3986 §3.5: after `#`, to the end.
    Fragment,
}

impl DidPart {
    /// The name of the ABNF rule this part must match, as DID Core and RFC 3986 spell it
    /// (`method-specific-id`, `path-abempty`, …); used by the spec test vectors.
    pub fn rule_name(self) -> &'static str {
        match self {
            Self::Scheme => "scheme",
            Self::MethodName => "method-name",
            Self::MethodSpecificId => "method-specific-id",
            Self::Path => "path-abempty",
            Self::Query => "query",
            Self::Fragment => "fragment",
        }
    }
}

impl fmt::Display for DidPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scheme => "scheme",
            Self::MethodName => "method name",
            Self::MethodSpecificId => "method-specific id",
            Self::Path => "path",
            Self::Query => "query",
            Self::Fragment => "fragment",
        })
    }
}

/// A string that is not a valid DID or DID URL, or a DID URL query value that cannot be decoded.
///
/// Every variant except [`DidError::TooLong`] knows the [`DidPart`] and byte offset where the
/// input stopped matching the grammar; [`DidError::part`] and [`DidError::offset`] expose them.
/// Building an error never allocates and never echoes more than the one offending character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    /// The input is empty.
    #[error("empty input: a DID starts with \"did:\"")]
    EmptyInput,
    /// The input is longer than [`MAX_DID_URL_LEN`] bytes and was not looked at.
    #[error("too long: {len} bytes, but a DID URL may have at most {MAX_DID_URL_LEN} bytes")]
    TooLong {
        /// Length of the refused input, in bytes.
        len: usize,
    },
    /// The input does not start with the lower-case scheme `did:`.
    #[error(
        "not a DID: expected \"did:\" but the input differs at byte {offset} (the scheme is lower-case)"
    )]
    NotDidScheme {
        /// First byte that differs from `did:`.
        offset: usize,
    },
    /// A method name with an upper-case letter, such as `did:Example:123`.
    #[error(
        "upper-case method name: {found:?} at byte {offset}; method names are lower-case letters and digits"
    )]
    UpperCaseMethodName {
        /// Byte offset of the letter.
        offset: usize,
        /// The upper-case letter.
        found: char,
    },
    /// The method name runs to the end of the input without the `:` that must follow it.
    #[error("missing ':' after the method name at byte {offset}, then the method-specific id")]
    MissingColon {
        /// Where the `:` was expected (the end of the input).
        offset: usize,
    },
    /// A part that needs at least one character has none (`did::123`, `did:example:`).
    #[error("empty {part} at byte {offset}")]
    EmptyPart {
        /// The empty part: [`DidPart::MethodName`] or [`DidPart::MethodSpecificId`].
        part: DidPart,
        /// Where the part should have started.
        offset: usize,
    },
    /// A character that the grammar of `part` does not allow at all.
    #[error("invalid character {found:?} at byte {offset} in the {part}{}", hint(*part, *found))]
    InvalidCharacter {
        /// The part whose grammar the character breaks.
        part: DidPart,
        /// Byte offset of the character.
        offset: usize,
        /// The character itself.
        found: char,
    },
    /// A `%` that is not followed by two hexadecimal digits.
    #[error(
        "bad percent-encoding at byte {offset} in the {part}: '%' must be followed by two hex digits"
    )]
    BadPercentEncoding {
        /// The part that holds the `%`.
        part: DidPart,
        /// Byte offset of the `%`.
        offset: usize,
    },
    /// A method-specific id whose last segment is empty (`did:example:123:`).
    #[error(
        "the method-specific id ends with ':' at byte {offset}; its last segment must not be empty"
    )]
    TrailingColon {
        /// Byte offset of the final `:`.
        offset: usize,
    },
    /// A DID URL with a path, query or fragment where a plain DID is required.
    #[error(
        "not a plain DID: a {part} starts at byte {offset}; a DID has no path, query or fragment"
    )]
    NotADid {
        /// The part that follows the DID.
        part: DidPart,
        /// Byte offset of its `/`, `?` or `#`.
        offset: usize,
    },
    /// A query parameter value that is not UTF-8 once percent-decoded.
    #[error("the query parameter value at byte {offset} is not UTF-8 once percent-decoded")]
    InvalidUtf8 {
        /// Byte offset of the value in the DID URL.
        offset: usize,
    },
}

/// A hint for the two invalid characters users most often meet.
fn hint(part: DidPart, found: char) -> &'static str {
    if !found.is_ascii() {
        // DID Core §3.1 / RFC 3986 §2.1: everything outside the ASCII grammar is percent-encoded.
        "; non-ASCII characters must be percent-encoded"
    } else if found == '#' && part == DidPart::Fragment {
        "; a DID URL has at most one '#'"
    } else {
        ""
    }
}

impl DidError {
    /// The part of the DID URL at fault; `None` only for [`DidError::TooLong`], which concerns
    /// the whole input.
    pub fn part(&self) -> Option<DidPart> {
        match self {
            Self::TooLong { .. } => None,
            Self::EmptyInput | Self::NotDidScheme { .. } => Some(DidPart::Scheme),
            Self::UpperCaseMethodName { .. } | Self::MissingColon { .. } => {
                Some(DidPart::MethodName)
            }
            Self::TrailingColon { .. } => Some(DidPart::MethodSpecificId),
            Self::InvalidUtf8 { .. } => Some(DidPart::Query),
            Self::EmptyPart { part, .. }
            | Self::InvalidCharacter { part, .. }
            | Self::BadPercentEncoding { part, .. }
            | Self::NotADid { part, .. } => Some(*part),
        }
    }

    /// The byte offset in the input where the problem is; `None` only for
    /// [`DidError::TooLong`].
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::TooLong { .. } => None,
            Self::EmptyInput => Some(0),
            Self::NotDidScheme { offset }
            | Self::UpperCaseMethodName { offset, .. }
            | Self::MissingColon { offset }
            | Self::EmptyPart { offset, .. }
            | Self::InvalidCharacter { offset, .. }
            | Self::BadPercentEncoding { offset, .. }
            | Self::TrailingColon { offset }
            | Self::NotADid { offset, .. }
            | Self::InvalidUtf8 { offset } => Some(*offset),
        }
    }

    /// The same error with its offset moved by `by` bytes, for text checked on its own before
    /// it is appended to a DID (see `Did::with_fragment`).
    pub(super) fn shifted(mut self, by: usize) -> Self {
        match &mut self {
            Self::TooLong { .. } | Self::EmptyInput => {}
            Self::NotDidScheme { offset }
            | Self::UpperCaseMethodName { offset, .. }
            | Self::MissingColon { offset }
            | Self::EmptyPart { offset, .. }
            | Self::InvalidCharacter { offset, .. }
            | Self::BadPercentEncoding { offset, .. }
            | Self::TrailingColon { offset }
            | Self::NotADid { offset, .. }
            | Self::InvalidUtf8 { offset } => *offset = offset.saturating_add(by),
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_part_offset_and_character() {
        let err = DidError::InvalidCharacter {
            part: DidPart::MethodSpecificId,
            offset: 12,
            found: 'X',
        };
        assert_eq!(
            err.to_string(),
            "invalid character 'X' at byte 12 in the method-specific id"
        );
    }

    #[test]
    fn display_escapes_control_characters() {
        // A log line must not be split or recoloured by the input it reports.
        let err = DidError::InvalidCharacter {
            part: DidPart::Path,
            offset: 3,
            found: '\n',
        };
        assert_eq!(
            err.to_string(),
            "invalid character '\\n' at byte 3 in the path"
        );
    }

    #[test]
    fn display_hints_at_percent_encoding_for_non_ascii() {
        let err = DidError::InvalidCharacter {
            part: DidPart::MethodSpecificId,
            offset: 8,
            found: 'é',
        };
        assert!(
            err.to_string()
                .ends_with("non-ASCII characters must be percent-encoded")
        );
    }

    #[test]
    fn shifted_moves_offset_only() {
        let err = DidError::BadPercentEncoding {
            part: DidPart::Fragment,
            offset: 2,
        }
        .shifted(10);
        assert_eq!(err.offset(), Some(12));
        assert_eq!(err.part(), Some(DidPart::Fragment));
    }
}
