//! `GET /1.0/identifiers/{did-or-did-url}`: resolve a DID or dereference a DID URL. Every rule
//! (negotiation, reading the path, statuses, bodies) is did-core's
//! [`did_core::resolution::http`] binding; this handler only moves its answer onto the wire.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use did_core::excerpt::excerpt;
use did_core::resolution::http::{self, Body};
use did_core::resolution::{ErrorKind, ResolutionError};

use crate::AppState;

const PREFIX: &str = "/1.0/identifiers/";

/// Resolves the DID (URL) in the request path.
#[utoipa::path(get, path = "/1.0/identifiers/{did}", tag = "resolution",
    params(("did" = String, Path, description = "A DID or DID URL, its fragment sent as `%23`"),
        ("Accept" = Option<String>, Header, description = "application/did-resolution, application/did-url-dereferencing, application/did, application/did+ld+json, application/did+json, text/uri-list")),
    responses((status = 200, description = "The resolution or dereferencing result, or the bare resource"),
        (status = 303, description = "`text/uri-list`: the selected service endpoint in `Location`"),
        (status = 400, description = "Not a DID or DID URL (problem details)"),
        (status = 404, description = "Not found"), (status = 406, description = "No acceptable representation"),
        (status = 410, description = "Deactivated"), (status = 501, description = "Method not supported"),
        (status = 500, description = "Resolution failed")))]
pub async fn resolve(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok());
    let Some(wanted) = http::negotiate(accept) else {
        let error = ResolutionError::new(
            ErrorKind::RepresentationNotSupported,
            format!("cannot answer with {}", excerpt(accept.unwrap_or_default())),
        );
        return send(http::Response::problem(&error));
    };
    let path = uri.path().strip_prefix(PREFIX).unwrap_or(uri.path());
    let response = match http::did_url_from_path(path, uri.query()) {
        Ok(url) => http::respond(state.resolver.as_ref(), &url, wanted).await,
        Err(error) => http::Response::error(wanted, &error),
    };
    send(response)
}

fn send(response: http::Response) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match response.body {
        Body::Redirect(target) => {
            let mut sent = status.into_response();
            if let Ok(location) = HeaderValue::from_str(&target) {
                sent.headers_mut().insert(header::LOCATION, location);
            }
            sent
        }
        Body::Json(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(response.content_type),
            )],
            body.to_string(),
        )
            .into_response(),
    }
}
