//! The URI rule both kinds of status reference share: a status list is named by an absolute
//! URI of bounded length (Token Status List §6.2; Bitstring Status List §2.1 `statusListCredential`
//! is a URL).

use did_core::excerpt::excerpt;

use super::StatusListError;

/// The longest status list URI accepted, in bytes.
pub const MAX_URI_LEN: usize = 2048;

/// Refuses `uri`, found in `member`, unless it is an absolute URI (RFC 3986, with a scheme) of
/// at most [`MAX_URI_LEN`] bytes.
pub(crate) fn check_uri(uri: &str, member: &'static str) -> Result<(), StatusListError> {
    if uri.len() > MAX_URI_LEN {
        return Err(StatusListError::invalid_reference(
            member,
            format!("is {} bytes, over the limit of {MAX_URI_LEN}", uri.len()),
        ));
    }
    url::Url::parse(uri).map(|_| ()).map_err(|err| {
        StatusListError::invalid_reference(
            member,
            format!("`{}` is not an absolute URI: {err}", excerpt(uri)),
        )
    })
}
