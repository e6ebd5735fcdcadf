//! The IETF Token Status List (draft-ietf-oauth-status-list), for SD-JWT VC: the list
//! ([`TokenStatusList`]), the signed envelope it travels in (the `statuslist+jwt` Status List
//! Token), and the reference a Referenced Token carries into it (the `status` claim).

mod envelope;
mod list;
mod reference;

pub use envelope::{
    STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP, StatusListToken, issue_status_list_token,
};
pub use list::{MAX_LST_CHARS, StatusBits, StatusList, TokenStatusList};
pub use reference::StatusListReference;
