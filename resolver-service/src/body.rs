//! Reading request bodies: the JSON a client posts, refused before parsing when it nests
//! deeper than [`MAX_JSON_DEPTH`], and the JSON error bodies the service answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// How deep a posted JSON document may nest (objects and arrays). No request of this service
/// needs more than a handful of levels; a deeper one is an attempt on the parser's stack.
pub const MAX_JSON_DEPTH: usize = 32;

/// The longest JSON body the service reads outside `direct_post`, in bytes.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// An error answered as JSON: an OAuth-style `error` code and a description for people
/// (RFC 6749 §5.2 shape, as OpenID4VP 1.0 §8.5 uses it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable error code.
    pub code: &'static str,
    /// What went wrong, untrusted text already excerpted.
    pub description: String,
}

impl ApiError {
    /// An error with `status`, `code` and `description`.
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 404 `not_found`.
    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", description)
    }

    /// 500 `server_error`, whose description is for the operator and carries no secret.
    pub fn server(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            description,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code,
            error_description: &self.description,
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The body of an [`ApiError`] on the wire (and in `/openapi.json`).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// The stable error code.
    #[schema(example = "invalid_request")]
    pub error: &'a str,
    /// What went wrong, for people.
    pub error_description: &'a str,
}

/// Parses `bytes` as JSON, refusing first a document nested deeper than [`MAX_JSON_DEPTH`]
/// (counted on the raw text, so that the parser never descends that far) and then anything
/// that is not JSON.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(ApiError::invalid(format!(
                        "the JSON body nests deeper than {MAX_JSON_DEPTH} levels"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    serde_json::from_slice(bytes)
        .map_err(|error| ApiError::invalid(format!("the body is not JSON: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_deep_json_before_parsing() {
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH + 1),
            "]".repeat(MAX_JSON_DEPTH + 1)
        );
        assert!(parse_json(deep.as_bytes()).is_err());
        let fine = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(parse_json(fine.as_bytes()).is_ok());
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let text = format!("{{\"a\": \"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert!(parse_json(text.as_bytes()).is_ok());
    }

    #[test]
    fn rejects_what_is_not_json() {
        assert_eq!(
            parse_json(b"{nope").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }
}
