//! Credential status: the IETF Token Status List (draft-ietf-oauth-status-list, for SD-JWT VC)
//! and the W3C Bitstring Status List v1.0 (for VCDM 2.0) — building, encoding and reading the
//! lists, and the references that point into them.
//!
//! The two formats look alike and differ where it matters: a Token Status List packs 1, 2, 4
//! or 8 bits per status from the least significant bit of each byte and compresses with ZLIB;
//! a Bitstring Status List starts at the most significant bit, compresses with GZIP, wraps the
//! result in multibase and must hold at least 131,072 entries. Reading either one bounds the
//! decompressed size, so a small hostile list cannot inflate into gigabytes.
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
//! assert_eq!(decoded.get(7)?.code(), Some(ErrorCode::Suspended));
//! # Ok::<(), vc_issuer::status::StatusListError>(())
//! ```

mod bitstring;
mod cache;
mod client;
mod credential;
mod datetime;
mod entry;
mod error;
mod inflate;
mod keys;
mod reference;
mod token;
mod token_list;
mod validation;
mod value;

pub use bitstring::{BitstringStatusList, MAX_ENCODED_LIST_CHARS, MIN_ENTRIES, StatusSize};
pub use client::{StatusListClient, StatusListClientConfig};
pub use credential::{
    BitstringStatus, BitstringStatusListCredential, CREDENTIAL_TYPE, SUBJECT_TYPE,
    UnverifiedBitstringStatusListCredential, VC_JWT_MEDIA_TYPE, VC_JWT_TYP, VCDM2_CONTEXT,
};
pub use entry::{BitstringStatusListEntry, ENTRY_TYPE, StatusMessage, StatusPurpose};
pub use error::{MAX_QUOTED_CHARS, StatusError, StatusListError};
pub use inflate::MAX_DECOMPRESSED_BYTES;
pub use keys::{KeyRequest, StaticStatusListKeys, StatusListKeys};
pub use reference::{MAX_URI_LEN, StatusListReference};
pub use token::{
    STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP, StatusListToken, UnverifiedStatusListToken,
    issue_status_list_token,
};
pub use token_list::{MAX_LST_CHARS, StatusBits, StatusList, TokenStatusList};
pub use validation::{DEFAULT_LEEWAY_SECS, StatusListValidation};
pub use value::StatusValue;
