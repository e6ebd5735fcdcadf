//! `GET /1.0/identifiers/{did-or-did-url}`: resolve a DID or dereference a DID URL, with the
//! status codes of the DID Resolution HTTP binding and RFC 9457 problem details on errors.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use did_core::did::DidUrl;
use did_core::resolution::dereference::{self, Dereferenced};
use did_core::resolution::{ErrorKind, ResolutionError, ResolutionOptions, ResolutionResult};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::AppState;
use crate::negotiation::{Wanted, negotiate};

const PREFIX: &str = "/1.0/identifiers/";

/// Resolves the DID (URL) in the request path.
pub async fn resolve(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok());
    let Some(wanted) = negotiate(accept) else {
        let error = ResolutionError::new(
            ErrorKind::RepresentationNotSupported,
            format!("cannot answer with {}", accept.unwrap_or_default()),
        );
        return problem(&error);
    };
    let url = match did_url_from_request(uri.path(), uri.query()) {
        Ok(url) => url,
        Err(error) => return error_response(wanted, &error),
    };
    let options = ResolutionOptions {
        accept: match wanted {
            Wanted::Document(media_type) => Some(media_type.to_owned()),
            Wanted::Result | Wanted::LegacyResult => None,
        },
    };

    if url.is_did() {
        return match state.resolver.resolve(url.did(), &options).await {
            Err(error) => error_response(wanted, &error),
            Ok(resolution) => {
                let status = status_for(resolution.document_metadata.deactivated);
                let result = ResolutionResult::new(Ok(resolution), &options);
                match (wanted, result.did_document.as_ref()) {
                    (Wanted::Document(media_type), Some(document)) => {
                        json_response(status, media_type, document)
                    }
                    _ => json_response(status, wanted.content_type(), &result.to_json()),
                }
            }
        };
    }

    match dereference::dereference(state.resolver.as_ref(), &url, &options).await {
        Ok(Dereferenced::Url(target)) => {
            // DID Resolution HTTP binding: a dereferenced service endpoint is a redirect.
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&target) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Ok(resource) => match resource.to_json(&options) {
            Ok(content) => {
                let media_type = match wanted {
                    Wanted::Document(media_type) => media_type,
                    Wanted::Result | Wanted::LegacyResult => "application/did+json",
                };
                let body = match wanted {
                    Wanted::Document(_) => content,
                    Wanted::Result | Wanted::LegacyResult => json!({
                        "contentStream": content,
                        "dereferencingMetadata": {"contentType": media_type},
                        "contentMetadata": {},
                    }),
                };
                json_response(StatusCode::OK, wanted.content_type(), &body)
            }
            Err(error) => error_response(wanted, &error),
        },
        Err(error) => error_response(wanted, &error),
    }
}

/// The DID URL in the request: the raw path after the prefix plus the raw query, so that a
/// did:web port sent as `%3A` stays as sent. A client that percent-encoded the DID URL (the
/// Universal Resolver convention: `#` as `%23`, `?` as `%3F`, `%` as `%25`), or whose text only
/// parses once decoded, is decoded exactly once.
fn did_url_from_request(path: &str, query: Option<&str>) -> Result<DidUrl, ResolutionError> {
    let raw = path.strip_prefix(PREFIX).unwrap_or(path);
    let raw = match query {
        Some(query) => format!("{raw}?{query}"),
        None => raw.to_owned(),
    };
    let encoded = ["%23", "%3F", "%3f", "%25"]
        .iter()
        .any(|escape| raw.contains(escape));
    let decode = || -> Result<DidUrl, ResolutionError> {
        let decoded = percent_decode_str(&raw).decode_utf8().map_err(|_| {
            ResolutionError::new(
                ErrorKind::InvalidDid,
                "the DID URL is not UTF-8 once decoded",
            )
        })?;
        DidUrl::parse(&decoded).map_err(|err| invalid(&err))
    };
    if encoded {
        return decode();
    }
    DidUrl::parse(&raw).or_else(|first| decode().map_err(|_| invalid(&first)))
}

fn invalid(err: &did_core::did::DidError) -> ResolutionError {
    ResolutionError::new(ErrorKind::InvalidDid, err.to_string())
}

fn status_for(deactivated: bool) -> StatusCode {
    // DID Resolution HTTP binding: a deactivated DID answers 410 with its document.
    if deactivated {
        StatusCode::GONE
    } else {
        StatusCode::OK
    }
}

/// An error answered in the shape the client asked for: a resolution result carrying the
/// error when it asked for results, RFC 9457 problem details otherwise.
fn error_response(wanted: Wanted, error: &ResolutionError) -> Response {
    match wanted {
        Wanted::Result | Wanted::LegacyResult => json_response(
            http_status(error),
            wanted.content_type(),
            &ResolutionResult::from_error(error).to_json(),
        ),
        Wanted::Document(_) => problem(error),
    }
}

fn problem(error: &ResolutionError) -> Response {
    json_response(
        http_status(error),
        "application/problem+json",
        &Value::Object(error.problem_details()),
    )
}

fn http_status(error: &ResolutionError) -> StatusCode {
    StatusCode::from_u16(error.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn json_response(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str, query: Option<&str>) -> DidUrl {
        did_url_from_request(&format!("{PREFIX}{path}"), query).unwrap()
    }

    #[test]
    fn keeps_an_encoded_did_web_port_as_sent() {
        let parsed = url("did:web:localhost%3A8443", None);
        assert_eq!(parsed.did().method_specific_id(), "localhost%3A8443");
    }

    #[test]
    fn decodes_an_encoded_fragment_once() {
        let parsed = url("did:key:z6Mkabc%23z6Mkabc", None);
        assert_eq!(parsed.fragment(), Some("z6Mkabc"));
        let parsed = url("did:web:localhost%253A8443%23key-1", None);
        assert_eq!(parsed.did().method_specific_id(), "localhost%3A8443");
        assert_eq!(parsed.fragment(), Some("key-1"));
    }

    #[test]
    fn decodes_a_fully_encoded_did() {
        let parsed = url("did%3Akey%3Az6Mkabc", None);
        assert_eq!(parsed.as_str(), "did:key:z6Mkabc");
    }

    #[test]
    fn carries_the_http_query_into_the_did_url() {
        let parsed = url(
            "did:web:example.com",
            Some("service=files&relativeRef=%2Fa"),
        );
        assert_eq!(parsed.query(), Some("service=files&relativeRef=%2Fa"));
    }

    #[test]
    fn refuses_what_is_no_did_either_way() {
        let error = did_url_from_request(&format!("{PREFIX}not-a-did"), None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidDid);
    }
}
