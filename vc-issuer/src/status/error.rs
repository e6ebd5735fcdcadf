//! The errors of status lists: [`StatusListError`] for building, encoding and reading a list
//! or a reference to one, and [`StatusError`] for fetching, verifying and checking one.

use did_core::fetch::FetchError;
use did_core::jose::JoseError;

use crate::report::{ErrorCode, ReportError};

/// Why a status list, or a reference into one, could not be built, encoded or read.
///
/// Values quoted from the input go through [`did_core::excerpt::excerpt`], so a message neither
/// grows without bound nor carries control characters into a log.
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
    /// A malformed reference: `member` and what is wrong with it.
    pub(crate) fn invalid_reference(member: &'static str, problem: impl Into<String>) -> Self {
        StatusListError::InvalidReference {
            member,
            problem: problem.into(),
        }
    }

    /// The verification report code: a list or a reference that cannot be read is
    /// `malformed`.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Malformed
    }
}

/// Why the status of a credential could not be established: the status list could not be
/// fetched, its signature or claims did not verify, or it does not answer for the entry.
///
/// Every variant is `status_unavailable` in a verification report: the spec-mandated answer
/// when "no statement about the status of the Referenced Token can be made" (Token Status List
/// §8.3) or the list cannot be retrieved or verified (Bitstring Status List §3.2,
/// `STATUS_RETRIEVAL_ERROR` / `STATUS_VERIFICATION_ERROR`). A revoked or suspended credential
/// is not an error: it is a status, returned as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// The status list could not be fetched, or the server did not answer with a success.
    #[error("fetching the status list {url} failed: {source}")]
    Fetch {
        /// The URL fetched (shortened).
        url: String,
        /// What the fetcher reported.
        source: FetchError,
    },
    /// The response is not UTF-8 text, so it cannot be a compact JWS.
    #[error("the status list {url} is not UTF-8 text")]
    NotText {
        /// The URL fetched (shortened).
        url: String,
    },
    /// The JWS is malformed, uses an algorithm outside the policy, or its signature does not
    /// verify under the issuer's key.
    #[error("the status list JWS was refused: {0}")]
    Jose(#[from] JoseError),
    /// The JWS header's `typ` is not the one this kind of status list must carry (Token
    /// Status List §5.1: `statuslist+jwt`; VC-JOSE-COSE §3.1.1: `vc+jwt`).
    #[error("the status list JWS has typ {}; expected `{expected}`", found.as_deref().map_or_else(|| "(none)".to_owned(), |typ| format!("`{typ}`")))]
    WrongType {
        /// The type required.
        expected: &'static str,
        /// The `typ` found, if any (shortened).
        found: Option<String>,
    },
    /// The JWS header has no `kid`, so the issuer's key cannot be looked up.
    #[error("the status list JWS header has no \"kid\"; the signing key cannot be identified")]
    MissingKid,
    /// No key could be found for the JWS header's `kid`.
    #[error("no key for kid `{kid}`: {reason}")]
    KeyUnavailable {
        /// The `kid` of the header (shortened).
        kid: String,
        /// Why the lookup failed.
        reason: String,
    },
    /// A required claim or credential member is absent.
    #[error("the status list has no `{0}`")]
    MissingClaim(&'static str),
    /// A claim or credential member has the wrong type or value.
    #[error("the status list's `{claim}` {problem}")]
    InvalidClaim {
        /// The claim or member, e.g. `ttl` or `credentialSubject.type`.
        claim: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The Status List Token's `sub` is not the URI it was fetched from (Token Status List
    /// §8.3 step 4a): a list for other tokens, substituted.
    #[error("the Status List Token is for `{found}`, not for `{expected}`, where it was fetched")]
    SubjectMismatch {
        /// The URI from the Referenced Token (shortened).
        expected: String,
        /// The token's `sub` (shortened).
        found: String,
    },
    /// The status list credential names another list as its `id`: a list for other
    /// credentials, substituted.
    #[error("the status list credential is `{found}`, not `{expected}`, where it was fetched")]
    CredentialIdMismatch {
        /// The `statusListCredential` URL of the entry (shortened).
        expected: String,
        /// The credential's `id` (shortened).
        found: String,
    },
    /// The status list has expired (`exp`, RFC 7519 §4.1.4; `validUntil`, VCDM 2.0 §4.9).
    #[error("the status list expired at {expired_at} (Unix time; now {now})")]
    Expired {
        /// When it expired.
        expired_at: u64,
        /// The time of the check.
        now: u64,
    },
    /// The status list is not valid yet (`nbf`, RFC 7519 §4.1.5; `validFrom`, VCDM 2.0 §4.9),
    /// or claims to have been issued in the future (`iat`).
    #[error("the status list is not valid before {valid_from} (Unix time; now {now})")]
    NotYetValid {
        /// When it becomes valid.
        valid_from: u64,
        /// The time of the check.
        now: u64,
    },
    /// The Bitstring Status List does not serve the entry's purpose (Bitstring Status List
    /// §3.2 step 5).
    #[error("the status list serves {}, not the entry's purpose `{expected}`", found.iter().map(|purpose| format!("`{purpose}`")).collect::<Vec<_>>().join(", "))]
    PurposeMismatch {
        /// The entry's `statusPurpose` (shortened).
        expected: String,
        /// The list's `statusPurpose` values (each shortened).
        found: Vec<String>,
    },
    /// The status list is issued by someone else than the credential: a list anyone may sign
    /// is a list anyone may use to revoke, or reinstate, another issuer's credentials (Token
    /// Status List §11.3; a Bitstring Status List credential names its `issuer`).
    #[error(
        "the status list is issued by `{found}`, not by the credential's issuer `{expected}`; only the issuer may speak for the status of its credentials"
    )]
    IssuerMismatch {
        /// The credential's issuer (shortened).
        expected: String,
        /// The issuer the status list names (shortened).
        found: String,
    },
    /// The credential's status reference uses no mechanism this verifier can check.
    #[error(
        "the credential's status uses {found}, which this verifier cannot check; it supports the Token Status List (`status.status_list`) and the Bitstring Status List (`BitstringStatusListEntry`)"
    )]
    UnsupportedMechanism {
        /// What was found instead: member names or entry types (shortened).
        found: String,
    },
    /// The credential carries more status entries than a verifier checks: each one is a
    /// fetch, so their number is bounded.
    #[error("the credential has {count} status entries; at most {max} are checked")]
    TooManyEntries {
        /// How many the credential has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A Bitstring Status List sets the credential's status for a purpose this verifier does
    /// not know, so it cannot tell what the status means.
    #[error(
        "the status list sets status {status:#04x} for the purpose `{purpose}`, which this verifier does not understand"
    )]
    UnknownPurpose {
        /// The entry's `statusPurpose` (shortened).
        purpose: String,
        /// The status value set.
        status: u8,
    },
    /// The status list credential breaks a rule of the VCDM 2.0 data model, as
    /// [`w3c::parse_credential`](crate::w3c::parse_credential) reads it.
    #[error("the status list credential is not a VCDM 2.0 credential: {0}")]
    Credential(#[from] crate::w3c::CredentialError),
    /// The list itself cannot be read, or has no status at the index.
    #[error(transparent)]
    List(#[from] StatusListError),
}

impl StatusError {
    /// The verification report code of this failure, the one the report carries: always
    /// `status_unavailable`, since every variant means no trustworthy statement about the
    /// status could be made (Token Status List §8.3; Bitstring Status List §3.2).
    pub fn code(&self) -> ErrorCode {
        ErrorCode::StatusUnavailable
    }
}

impl From<&StatusError> for ReportError {
    fn from(error: &StatusError) -> Self {
        ReportError::new(error.code(), error.to_string())
    }
}

impl From<StatusError> for ReportError {
    fn from(error: StatusError) -> Self {
        ReportError::from(&error)
    }
}

impl From<&StatusListError> for ReportError {
    fn from(error: &StatusListError) -> Self {
        ReportError::new(error.code(), error.to_string())
    }
}
