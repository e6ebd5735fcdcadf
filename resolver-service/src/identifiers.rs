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
    let accept = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok());
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

/// The DID URL in the request: the raw path after the prefix plus the raw query (so that
/// `%3A` in a did:web port is kept as sent). A client that percent-encoded the whole DID URL
/// (`did%3Akey%3A…`) is understood too.
fn did_url_from_request(path: &str, query: Option<&str>) -> Result<DidUrl, ResolutionError> {
    let raw = path.strip_prefix(PREFIX).unwrap_or(path);
    let raw = match query {
        Some(query) => format!("{raw}?{query}"),
        None => raw.to_owned(),
    };
    DidUrl::parse(&raw).or_else(|first| {
        let decoded = percent_decode_str(&raw)
            .decode_utf8()
            .map_err(|_| invalid(&first))?;
        DidUrl::parse(&decoded).map_err(|_| invalid(&first))
    })
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
