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
//! The module is layered like the protocols, and only the last layer does I/O:
//!
//! - lists: [`TokenStatusList`] and [`BitstringStatusList`], with [`StatusValue`];
//! - references into them: [`StatusListReference`] (the `status` claim) and
//!   [`BitstringStatusListEntry`] (`credentialStatus`);
//! - signed lists: [`issue_status_list_token`] and [`UnverifiedStatusListToken`];
//!   [`BitstringStatusListCredential`] and [`UnverifiedBitstringStatusListCredential`] — parse,
//!   let the caller find the key by `kid`, then verify;
//! - [`StatusListClient`]: fetch through a [`did_core::fetch::Fetcher`], find the key through
//!   [`StatusListKeys`], verify, cache within bounds, answer. Every way of not getting a
//!   trustworthy answer is a [`StatusError`], reported as `status_unavailable`;
//! - verification: the client is the verifier's [`StatusCheck`](crate::verify::StatusCheck),
//!   and [`IssuerStatusListKeys`] requires every list to be signed by the credential's own
//!   issuer, its key found as the credential's is (a DID's `assertionMethod`).
//!   [`StatusListClient::for_dids`] builds that client.
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
mod check;
mod client;
mod credential;
mod entry;
mod error;
mod inflate;
mod issuer_list_keys;
mod keys;
mod reference;
mod token;
mod token_list;
mod validation;
mod value;

pub use bitstring::{BitstringStatusList, MAX_ENCODED_LIST_CHARS, MIN_ENTRIES, StatusSize};
pub use check::MAX_STATUS_ENTRIES;
pub use client::{StatusListClient, StatusListClientConfig};
pub use credential::{
    BitstringStatus, BitstringStatusListCredential, CREDENTIAL_TYPE, SUBJECT_TYPE,
    UnverifiedBitstringStatusListCredential, VC_JWT_MEDIA_TYPE, VC_JWT_TYP, VCDM2_CONTEXT,
};
pub use entry::{BitstringStatusListEntry, ENTRY_TYPE, StatusMessage, StatusPurpose};
pub use error::{MAX_QUOTED_CHARS, StatusError, StatusListError};
pub use inflate::MAX_DECOMPRESSED_BYTES;
pub use issuer_list_keys::IssuerStatusListKeys;
pub use keys::{KeyRequest, StaticStatusListKeys, StatusListKeys};
pub use reference::{MAX_URI_LEN, StatusListReference};
pub use token::{
    STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP, StatusListToken, UnverifiedStatusListToken,
    issue_status_list_token,
};
pub use token_list::{MAX_LST_CHARS, StatusBits, StatusList, TokenStatusList};
pub use validation::{DEFAULT_LEEWAY_SECS, StatusListValidation};
pub use value::StatusValue;
