//! The W3C Bitstring Status List v1.0, for VCDM 2.0 credentials: the list
//! ([`BitstringStatusList`]), the signed envelope it travels in (a
//! `BitstringStatusListCredential` secured as `vc+jwt`), and the entry a credential carries
//! into it (`credentialStatus` of type `BitstringStatusListEntry`).

mod entry;
mod envelope;
mod list;

pub(crate) use entry::quote_names;
pub use entry::{
    BitstringStatusListEntry, ENTRY_TYPE, MAX_STATUS_ENTRIES, StatusMessage, StatusPurpose,
};
pub use envelope::{
    BitstringStatus, BitstringStatusListCredential, CREDENTIAL_TYPE, SUBJECT_TYPE,
    VC_JWT_MEDIA_TYPE,
};
pub use list::{BitstringStatusList, MAX_ENCODED_LIST_CHARS, MIN_ENTRIES, StatusSize};
