//! `GET /1.0/identifiers/{did-or-did-url}`: resolve a DID or dereference a DID URL. Every rule
//! (negotiation, reading the path, statuses, bodies) is did-core's
//! [`did_core::resolution::http`] binding; this handler only moves its answer onto the wire.

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use did_core::excerpt::excerpt;
use did_core::resolution::http::{self, Body};
use did_core::resolution::{ErrorKind, ResolutionError};

use crate::AppState;
use crate::answers::Rendered;

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
        return send(&render(http::Response::problem(&error)));
    };
    let request = uri
        .path_and_query()
        .map_or(uri.path(), |whole| whole.as_str());
    if let Some(kept) = state.answers.get(request, wanted) {
        return send(&kept);
    }
    let path = uri.path().strip_prefix(PREFIX).unwrap_or(uri.path());
    let answer = match http::did_url_from_path(path, uri.query()) {
        Ok(url) => {
            let answer = render(http::respond(state.resolver.as_ref(), &url, wanted).await);
            state
                .answers
                .keep(request, wanted, url.did().method(), &answer);
            answer
        }
        Err(error) => render(http::Response::error(wanted, &error)),
    };
    send(&answer)
}

/// The binding's answer as it goes on the wire.
fn render(response: http::Response) -> Rendered {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match response.body {
        Body::Redirect(target) => Rendered {
            status,
            content_type: None,
            location: HeaderValue::from_str(&target).ok(),
            body: Bytes::new(),
        },
        Body::Json(body) => Rendered {
            status,
            content_type: Some(HeaderValue::from_static(response.content_type)),
            location: None,
            body: Bytes::from(body.to_string()),
        },
    }
}

fn send(answer: &Rendered) -> Response {
    let mut sent = (answer.status, answer.body.clone()).into_response();
    let headers = sent.headers_mut();
    if let Some(content_type) = &answer.content_type {
        headers.insert(header::CONTENT_TYPE, content_type.clone());
    }
    if let Some(location) = &answer.location {
        headers.insert(header::LOCATION, location.clone());
    }
    sent
}
