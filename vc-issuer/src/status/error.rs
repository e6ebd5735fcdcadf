//! The errors of status lists: [`StatusListError`] for building, encoding and reading a list
//! or a reference to one.

/// Why a status list, or a reference into one, could not be built, encoded or read.
///
/// Values quoted from the input are shortened to [`MAX_QUOTED_CHARS`] characters and shown with
/// `{:?}`, so a message neither grows without bound nor carries control characters into a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusListError {
    /// `bits` is not 1, 2, 4 or 8 (Token Status List §4.1 step 1).
    #[error("a Token Status List uses 1, 2, 4 or 8 bits per status, not {0}")]
    InvalidBits(u64),
    /// `statusSize` is not between 1 and 8 (Bitstring Status List §2.1 requires an integer
    /// greater than zero; avid reads statuses of at most one byte).
    #[error("statusSize must be an integer from 1 to 8, not {0}")]
    InvalidStatusSize(u64),
    /// A status value does not fit the list's bits per status.
    #[error("the status value {value:#04x} does not fit in {bits} bit(s)")]
    ValueTooWide {
        /// The value to store.
        value: u8,
        /// The bits per status of the list.
        bits: u8,
    },
    /// The index is not in the list (Token Status List §8.3 step 6, Bitstring Status List
    /// §3.2 step 10 `RANGE_ERROR`).
    #[error("index {index} is outside the status list, which holds {len} statuses")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// How many statuses the list holds.
        len: usize,
    },
    /// A list of this many statuses would exceed the size limit.
    #[error("a status list of {len} statuses would exceed the limit of {max} bytes")]
    ListTooLarge {
        /// The number of statuses asked for.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A Bitstring Status List shorter than the herd-privacy minimum (Bitstring Status List
    /// §3.2 step 9, `STATUS_LIST_LENGTH_ERROR`).
    #[error(
        "the bitstring holds {entries} entries, below the minimum of {minimum} that herd privacy requires"
    )]
    BelowMinimum {
        /// The number of entries the list holds.
        entries: usize,
        /// The minimum number of entries.
        minimum: usize,
    },
    /// The encoded list is longer than the limit; it was not decoded.
    #[error("the encoded status list is {got} characters, over the limit of {max}")]
    EncodedTooLarge {
        /// The limit in characters.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// `lst` is not base64url without padding (Token Status List §4.2, RFC 7515 §2).
    #[error("the status list `lst` is not base64url without padding: {0}")]
    InvalidBase64(String),
    /// `encodedList` is not multibase base64url without padding, prefix `u` (Bitstring Status
    /// List §2.2).
    #[error("the encodedList is not multibase base64url (prefix \"u\", no padding): {0}")]
    InvalidMultibase(String),
    /// The list inflates past the limit: a decompression bomb, or a list too large to hold.
    #[error("the status list decompresses to more than {max} bytes; refused")]
    DecompressedTooLarge {
        /// The limit in bytes.
        max: usize,
    },
    /// The compressed list is truncated, corrupt, fails its checksum or has trailing bytes.
    #[error("the status list is not a valid {container} stream: {reason}")]
    Decompression {
        /// `ZLIB` or `GZIP`.
        container: &'static str,
        /// What the decoder found.
        reason: String,
    },
    /// Compression failed while encoding (writing to memory; not expected to happen).
    #[error("compressing the status list failed: {0}")]
    Compression(String),
    /// A reference to a status list is malformed (Token Status List §6.2, Bitstring Status List
    /// §2.1): a member is missing or has the wrong type or value.
    #[error("invalid status reference: `{member}` {problem}")]
    InvalidReference {
        /// The JSON member at fault, e.g. `status_list.idx` or `statusListIndex`.
        member: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

impl StatusListError {
    /// The verification report code: a list or reference that cannot be read is `malformed`.
    pub fn code(&self) -> &'static str {
        "malformed"
    }
}

/// The longest piece of input an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 64;

/// `text`, cut to [`MAX_QUOTED_CHARS`] characters (with `…` when cut), for an error message.
pub(crate) fn quoted(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()),
    }
}
