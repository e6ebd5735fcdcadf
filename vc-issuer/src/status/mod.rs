//! Credential status: the IETF Token Status List (draft-ietf-oauth-status-list, for SD-JWT VC)
//! and the W3C Bitstring Status List v1.0 (for VCDM 2.0) — issuing, updating, fetching and
//! checking them.
//!
//! The two formats look alike and differ where it matters: a Token Status List packs 1, 2, 4
//! or 8 bits per status from the least significant bit of each byte, compresses with ZLIB and
//! travels as a `statuslist+jwt`; a Bitstring Status List starts at the most significant bit,
//! compresses with GZIP, wraps the result in multibase, must hold at least 131,072 entries and
//! travels inside a VCDM 2.0 credential secured as `vc+jwt`. Reading either one bounds the
//! decompressed size, so a small hostile list cannot inflate into gigabytes.
//!
//! Each format has the same three parts, and they share one signed-envelope skeleton:
//!
//! | | Token Status List | Bitstring Status List |
//! |---|---|---|
//! | list | [`TokenStatusList`] | [`BitstringStatusList`] |
//! | signed envelope | [`StatusListToken`] (`statuslist+jwt`) | [`BitstringStatusListCredential`] (`vc+jwt`) |
//! | reference | [`StatusListReference`] (`status`) | [`BitstringStatusListEntry`] (`credentialStatus`) |
//!
//! Both envelopes are verified by one code path: parse the compact JWS, check its `typ`, find
//! the key of the credential's issuer through [`IssuerKeys`](crate::issuer_keys::IssuerKeys)
//! (Token Status List §11.3), verify, read the payload, check the time window at the
//! verifier's `now`. The one way to ask for a credential's status is [`StatusCheck::check`]
//! with a [`StatusReference`]; [`StatusListClient`] answers it over a
//! [`did_core::fetch::Fetcher`], caching lists within bounds. Every way of not getting a
//! trustworthy answer is a [`StatusError`], reported as `status_unavailable`; a status becomes
//! the report's verdict through [`StatusValue::verdict`]. Only the client does I/O, and no
//! code here reads the wall clock.
//!
//! ```
//! use vc_issuer::report::ErrorCode;
//! use vc_issuer::status::{StatusBits, StatusValue, TokenStatusList};
//!
//! let mut list = TokenStatusList::new(StatusBits::Two, 1024)?;
//! list.set(7, StatusValue::Suspended)?;
//! let encoded = list.encode()?; // {"bits": 2, "lst": "eNr…"}
//! let decoded = encoded.decode()?;
//! assert_eq!(decoded.get(7)?, StatusValue::Suspended);
//! assert_eq!(decoded.get(7)?.verdict().map_err(|e| e.code), Err(ErrorCode::Suspended));
//! # Ok::<(), vc_issuer::status::StatusListError>(())
//! ```

mod bitstring;
mod check;
mod client;
mod envelope;
mod error;
mod inflate;
mod token;
mod uri;
mod value;

pub use bitstring::{
    BitstringStatus, BitstringStatusList, BitstringStatusListCredential, BitstringStatusListEntry,
    CREDENTIAL_TYPE, ENTRY_TYPE, MAX_ENCODED_LIST_CHARS, MAX_STATUS_ENTRIES, MIN_ENTRIES,
    SUBJECT_TYPE, StatusMessage, StatusPurpose, StatusSize, VC_JWT_MEDIA_TYPE,
};
pub use check::{ListFreshness, StatusCheck, StatusReference};
pub use client::{StatusListClient, StatusListClientConfig};
pub use envelope::{DEFAULT_LEEWAY_SECS, StatusListValidation};
pub use error::{StatusError, StatusListError};
pub use inflate::MAX_DECOMPRESSED_BYTES;
pub use token::{
    MAX_LST_CHARS, STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP, StatusBits, StatusList,
    StatusListReference, StatusListToken, TokenStatusList, issue_status_list_token,
};
pub use uri::MAX_URI_LEN;
pub use value::StatusValue;
