//! The HTTP binding of DID Resolution, without the HTTP: what a resolver endpoint answers for a
//! DID or DID URL (`GET /1.0/identifiers/{did}` of the DIF Universal Resolver API), as plain
//! values that any server — or a command that prints the same results — turns into its own
//! response.
//!
//! It owns the rules both `avid-resolver` and `avid did resolve` follow: content negotiation over
//! the old and new media types ([`negotiate`]), reading the identifier from a request path
//! ([`did_url_from_path`]), the dereferencing result ([`dereferencing_result`]), and the status
//! of each outcome: 410 for a deactivated DID, 303 to a service endpoint asked as
//! `text/uri-list`, and the status of each error of the DID Resolution error set
//! ([`ErrorKind::http_status`]).
//!
//! Sections cited are those of the DID Resolution Candidate Recommendation (23 July 2026).
//!
//! ```
//! use did_core::resolution::http::{self, Body, Wanted};
//! use did_core::method::DID_KEY;
//!
//! # async fn example() {
//! let wanted = http::negotiate(Some("application/did+ld+json")).expect("acceptable");
//! let url = http::did_url_from_path(
//!     "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
//!     None,
//! )
//! .expect("a DID");
//! let response = http::respond(&DID_KEY, &url, wanted).await;
//! assert_eq!(response.status, 200);
//! assert_eq!(response.content_type, "application/did+ld+json");
//! assert!(matches!(response.body, Body::Json(_)));
//! # }
//! ```

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use super::dereference::{self, Dereferenced};
use super::{
    ErrorKind, MEDIA_TYPE_DID, MEDIA_TYPE_DID_JSON, MEDIA_TYPE_DID_LD_JSON,
    MEDIA_TYPE_DID_RESOLUTION, Resolution, ResolutionError, ResolutionOptions, ResolutionResult,
    Resolver,
};
use crate::did::DidUrl;
use crate::document::DidDocument;
use crate::excerpt::excerpt;

/// `application/problem+json` (RFC 9457): the body of an error when no result was asked for.
pub const MEDIA_TYPE_PROBLEM_JSON: &str = "application/problem+json";
/// `text/uri-list` (RFC 2483): the content type of a dereferenced service endpoint URL.
pub const MEDIA_TYPE_URI_LIST: &str = "text/uri-list";
/// `application/did-url-dereferencing`: the media type of a whole DID URL dereferencing result
/// (`dereferencingMetadata`, `contentStream`, `contentMetadata`).
pub const MEDIA_TYPE_DID_URL_DEREFERENCING: &str = "application/did-url-dereferencing";
/// The DID URL parameter that selects a service (DID Core §3.2.1).
const SERVICE_PARAMETER: &str = "service";
/// The `Content-Type` of a result in the old media type, as Universal Resolver clients expect.
const LEGACY_RESULT_CONTENT_TYPE: &str =
    "application/ld+json;profile=\"https://w3id.org/did-resolution\";charset=utf-8";
/// The profile that marks `application/ld+json` as a whole resolution result.
const RESOLUTION_PROFILE: &str = "https://w3id.org/did-resolution";

/// What the response body carries, from the client's `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wanted {
    /// No preference (no `Accept`, or `*/*`): the resolution result of a DID, and the bare
    /// resource a DID URL names, labelled with its own `contentType` (§12.1).
    Any,
    /// The whole resolution result, as `application/did-resolution` (the new name); for a DID
    /// URL, the whole dereferencing result.
    Result,
    /// The whole resolution result, as `application/ld+json;profile=…did-resolution` (the old
    /// name Universal Resolver clients send).
    LegacyResult,
    /// The whole DID URL dereferencing result, as `application/did-url-dereferencing`.
    Dereferencing,
    /// The service endpoint URL a DID URL selects, as `text/uri-list`: a 303 redirect to it.
    UriList,
    /// Only the document (or the dereferenced resource), in this media type.
    Document(&'static str),
}

impl Wanted {
    /// The `Content-Type` of a successful response.
    pub fn content_type(self) -> &'static str {
        match self {
            Wanted::Any | Wanted::Result => MEDIA_TYPE_DID_RESOLUTION,
            Wanted::Dereferencing => MEDIA_TYPE_DID_URL_DEREFERENCING,
            Wanted::UriList => MEDIA_TYPE_URI_LIST,
            Wanted::LegacyResult => LEGACY_RESULT_CONTENT_TYPE,
            Wanted::Document(media_type) => media_type,
        }
    }

    /// The resolution options that produce this: the document media type as `accept`, none
    /// for a whole result (whose document is then plain JSON).
    pub fn options(self) -> ResolutionOptions {
        ResolutionOptions {
            accept: match self {
                Wanted::Document(media_type) => Some(media_type.to_owned()),
                _ => None,
            },
        }
    }
}

/// Picks the first media type of `accept` this binding can produce, in the client's order of
/// preference (q-values sort it, stable for equal weights; `q=0` excludes). No `Accept` means
/// no preference ([`Wanted::Any`]). `None`: nothing acceptable (406).
pub fn negotiate(accept: Option<&str>) -> Option<Wanted> {
    let Some(accept) = accept.filter(|value| !value.trim().is_empty()) else {
        return Some(Wanted::Any);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .map(|range| {
            let q = range
                .split(';')
                .skip(1)
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q, range.trim())
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().find_map(|(_, range)| media_range(range))
}

fn media_range(range: &str) -> Option<Wanted> {
    let essence = range
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let profile_is_resolution = range.contains(RESOLUTION_PROFILE);
    match essence.as_str() {
        "*/*" | "application/*" => Some(Wanted::Any),
        MEDIA_TYPE_DID_RESOLUTION => Some(Wanted::Result),
        MEDIA_TYPE_DID_URL_DEREFERENCING => Some(Wanted::Dereferencing),
        MEDIA_TYPE_URI_LIST => Some(Wanted::UriList),
        "application/ld+json" if profile_is_resolution => Some(Wanted::LegacyResult),
        MEDIA_TYPE_DID_LD_JSON | "application/ld+json" => {
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        }
        MEDIA_TYPE_DID_JSON | "application/json" => Some(Wanted::Document(MEDIA_TYPE_DID_JSON)),
        MEDIA_TYPE_DID => Some(Wanted::Document(MEDIA_TYPE_DID)),
        _ => None,
    }
}

/// The DID URL a request names: `path` is the raw request path after the route prefix
/// (`/1.0/identifiers/`), `query` the raw query.
///
/// Taken as sent, so that a did:web port written `%3A` stays as it is. A client that
/// percent-encoded the DID URL (the Universal Resolver convention: `#` as `%23`, `?` as `%3F`,
/// `%` as `%25`), or whose text only parses once decoded, is decoded exactly once.
pub fn did_url_from_path(path: &str, query: Option<&str>) -> Result<DidUrl, ResolutionError> {
    let raw = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let encoded = ["%23", "%3F", "%3f", "%25"]
        .iter()
        .any(|escape| raw.contains(escape));
    let invalid = |err: &crate::did::DidError| {
        ResolutionError::new(
            ErrorKind::InvalidDid,
            format!("{} is not a DID or DID URL: {err}", excerpt(&raw)),
        )
    };
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

/// The HTTP status of a successful resolution: 410 Gone for a deactivated DID (DID Resolution,
/// HTTP binding: the document is still returned), 200 otherwise.
pub fn resolution_status(resolution: &Resolution) -> u16 {
    if resolution.document_metadata.deactivated {
        410
    } else {
        200
    }
}

/// The content type of a dereferenced resource: the representation asked for when it is the
/// document, `text/uri-list` for a service endpoint URL, `application/did+json` for a
/// verification method or service.
pub fn content_type(
    resource: &Dereferenced,
    options: &ResolutionOptions,
) -> Result<&'static str, ResolutionError> {
    Ok(match resource {
        Dereferenced::Document(..) => options.representation()?.media_type(),
        Dereferenced::Url(_) => MEDIA_TYPE_URI_LIST,
        Dereferenced::VerificationMethod(_) | Dereferenced::Service(_) => MEDIA_TYPE_DID_JSON,
    })
}

/// The DID URL dereferencing result (DID Resolution §"DID URL Dereferencing Result"):
/// `contentStream`, `dereferencingMetadata` (with `contentType`) and `contentMetadata`.
pub fn dereferencing_result(
    resource: &Dereferenced,
    options: &ResolutionOptions,
) -> Result<Value, ResolutionError> {
    let content = resource.to_json(options)?;
    let content_metadata = match resource {
        Dereferenced::Document(_, metadata) => metadata.to_json(),
        _ => Map::new(),
    };
    Ok(json!({
        "contentStream": content,
        "dereferencingMetadata": {"contentType": content_type(resource, options)?},
        "contentMetadata": content_metadata,
    }))
}

/// A response of the binding, ready for any HTTP server to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` of the body (unused for a redirect).
    pub content_type: &'static str,
    /// What to send.
    pub body: Body,
}

/// The body of a [`Response`].
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// A JSON body.
    Json(Value),
    /// A redirect to this URL (`Location`), with no body: a dereferenced service endpoint.
    Redirect(String),
}

impl Response {
    /// RFC 9457 problem details for `error`, with its status.
    pub fn problem(error: &ResolutionError) -> Response {
        Response {
            status: error.kind.http_status(),
            content_type: MEDIA_TYPE_PROBLEM_JSON,
            body: Body::Json(Value::Object(error.problem_details())),
        }
    }

    /// An error answered in the shape the client asked for: a resolution result carrying the
    /// error when it asked for results, problem details otherwise.
    pub fn error(wanted: Wanted, error: &ResolutionError) -> Response {
        match wanted {
            Wanted::Any | Wanted::Result | Wanted::LegacyResult => Response {
                status: error.kind.http_status(),
                content_type: wanted.content_type(),
                body: Body::Json(ResolutionResult::from_error(error).to_json()),
            },
            // §7: the error of a dereferencing is in its `dereferencingMetadata`.
            Wanted::Dereferencing => Response {
                status: error.kind.http_status(),
                content_type: MEDIA_TYPE_DID_URL_DEREFERENCING,
                body: Body::Json(json!({
                    "dereferencingMetadata": error.to_metadata(),
                    "contentStream": null,
                    "contentMetadata": {},
                })),
            },
            Wanted::UriList | Wanted::Document(_) => Response::problem(error),
        }
    }

    fn json(status: u16, content_type: &'static str, body: Value) -> Response {
        Response {
            status,
            content_type,
            body: Body::Json(body),
        }
    }
}

/// Resolves or dereferences `url` through `resolver` and answers as the HTTP binding does.
pub async fn respond(resolver: &dyn Resolver, url: &DidUrl, wanted: Wanted) -> Response {
    let options = wanted.options();
    if url.is_did() && !matches!(wanted, Wanted::Dereferencing | Wanted::UriList) {
        return match resolver.resolve(url.did(), &options).await {
            Err(error) => Response::error(wanted, &error),
            Ok(resolution) => {
                let status = resolution_status(&resolution);
                let result = ResolutionResult::new(Ok(resolution), &options);
                match (wanted, &result.did_document) {
                    (Wanted::Document(media_type), Some(document)) => {
                        Response::json(status, media_type, document.clone())
                    }
                    _ => Response::json(status, wanted.content_type(), result.to_json()),
                }
            }
        };
    }
    match dereference_for(resolver, url, wanted, &options).await {
        Ok(response) => response,
        Err(error) => Response::error(wanted, &error),
    }
}

/// Dereferences the DID URL `url` and answers in the shape `wanted`.
async fn dereference_for(
    resolver: &dyn Resolver,
    url: &DidUrl,
    wanted: Wanted,
    options: &ResolutionOptions,
) -> Result<Response, ResolutionError> {
    let selected_service = match url.query_param(SERVICE_PARAMETER) {
        Some(Ok(service)) => Some(service),
        // `select` refuses the malformed parameter with its own error.
        Some(Err(_)) | None => None,
    };
    if wanted == Wanted::UriList && selected_service.is_none() {
        return Err(ResolutionError::new(
            ErrorKind::RepresentationNotSupported,
            "text/uri-list answers only a DID URL that selects a service (`?service=`)",
        ));
    }
    let resolution = resolver.resolve(url.did(), options).await?;
    let document = resolution.document.clone();
    let metadata = resolution.document_metadata.clone();
    let resource = dereference::select(resolution.document, resolution.document_metadata, url)?;
    let resource = match (resource, selected_service) {
        // §5.4.1: the service endpoint URL only when `text/uri-list` is asked, as a redirect
        // with `Location` and no body.
        (Dereferenced::Url(target), Some(_)) if wanted == Wanted::UriList => {
            return Ok(Response {
                status: 303,
                content_type: MEDIA_TYPE_URI_LIST,
                body: Body::Redirect(target),
            });
        }
        (_, _) if wanted == Wanted::UriList => {
            return Err(ResolutionError::new(
                ErrorKind::RepresentationNotSupported,
                "the selected service's endpoint is not a single URL, so it has no text/uri-list",
            ));
        }
        // §5.4.1: otherwise, the DID document limited to the selected service.
        (Dereferenced::Url(_) | Dereferenced::Service(_), Some(service)) => {
            Dereferenced::Document(Box::new(limited_to_service(&document, &service)), metadata)
        }
        (resource, _) => resource,
    };
    let status = match &resource {
        Dereferenced::Document(_, metadata) if metadata.deactivated => 410,
        _ => 200,
    };
    Ok(match wanted {
        // §12.1: a bare resource is labelled with its own `contentType`.
        Wanted::Any => Response::json(
            status,
            content_type(&resource, options)?,
            resource.to_json(options)?,
        ),
        Wanted::Document(media_type) => {
            Response::json(status, media_type, resource.to_json(options)?)
        }
        Wanted::Result | Wanted::Dereferencing => Response::json(
            status,
            MEDIA_TYPE_DID_URL_DEREFERENCING,
            dereferencing_result(&resource, options)?,
        ),
        Wanted::LegacyResult | Wanted::UriList => Response::json(
            status,
            wanted.content_type(),
            dereferencing_result(&resource, options)?,
        ),
    })
}

/// `document` with only the service `selected` names (a fragment or a relative `#id`), and
/// none of its other properties: what a service selection without `text/uri-list` answers.
fn limited_to_service(document: &DidDocument, selected: &str) -> DidDocument {
    let mut limited = DidDocument::new(document.id.clone());
    limited.service = document
        .service
        .iter()
        .filter(|service| service.has_fragment(selected))
        .cloned()
        .collect();
    limited
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::DID_KEY;
    use crate::resolution::DocumentMetadata;

    #[test]
    fn no_accept_is_no_preference() {
        assert_eq!(negotiate(None), Some(Wanted::Any));
        assert_eq!(negotiate(Some("*/*")), Some(Wanted::Any));
        assert_eq!(Wanted::Any.content_type(), MEDIA_TYPE_DID_RESOLUTION);
    }

    #[test]
    fn dereferencing_and_uri_list_are_understood() {
        assert_eq!(
            negotiate(Some("application/did-url-dereferencing")),
            Some(Wanted::Dereferencing)
        );
        assert_eq!(negotiate(Some("text/uri-list")), Some(Wanted::UriList));
    }

    #[test]
    fn old_and_new_media_types_are_understood() {
        assert_eq!(
            negotiate(Some(
                "application/ld+json;profile=\"https://w3id.org/did-resolution\""
            )),
            Some(Wanted::LegacyResult)
        );
        assert_eq!(
            negotiate(Some("application/did-resolution")),
            Some(Wanted::Result)
        );
        assert_eq!(
            negotiate(Some("application/did+ld+json")),
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        );
        assert_eq!(
            negotiate(Some("application/did")),
            Some(Wanted::Document(MEDIA_TYPE_DID))
        );
    }

    #[test]
    fn q_values_order_the_choice() {
        assert_eq!(
            negotiate(Some("application/did+json;q=0.5, application/did+ld+json")),
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        );
        assert_eq!(negotiate(Some("application/did+json;q=0")), None);
    }

    #[test]
    fn unknown_media_type_is_not_acceptable() {
        assert_eq!(negotiate(Some("text/html")), None);
    }

    fn url(path: &str, query: Option<&str>) -> DidUrl {
        did_url_from_path(path, query).unwrap()
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
        let error = did_url_from_path("not-a-did", None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidDid);
        let error = did_url_from_path(&format!("x\n{}", "a".repeat(500)), None).unwrap_err();
        assert!(
            !error.detail.contains('\n') && error.detail.len() < 300,
            "{error}"
        );
    }

    #[test]
    fn a_deactivated_did_is_gone() {
        let did = crate::did::Did::parse("did:example:123").unwrap();
        let mut resolution = Resolution::new(DidDocument::new(did));
        assert_eq!(resolution_status(&resolution), 200);
        resolution.document_metadata = DocumentMetadata {
            deactivated: true,
            ..DocumentMetadata::default()
        };
        assert_eq!(resolution_status(&resolution), 410);
    }

    #[tokio::test]
    async fn errors_answer_with_their_status_in_the_shape_asked_for() {
        let url = url("did:key:notmultibase", None);
        let response = respond(&DID_KEY, &url, Wanted::Result).await;
        assert_eq!(response.status, 400);
        assert_eq!(response.content_type, MEDIA_TYPE_DID_RESOLUTION);
        let Body::Json(body) = &response.body else {
            panic!("{response:?}");
        };
        assert_eq!(
            body["didResolutionMetadata"]["error"]["type"],
            "https://www.w3.org/ns/did#INVALID_DID"
        );

        let response = respond(&DID_KEY, &url, Wanted::Document(MEDIA_TYPE_DID_JSON)).await;
        assert_eq!(response.content_type, MEDIA_TYPE_PROBLEM_JSON);
        let Body::Json(body) = &response.body else {
            panic!("{response:?}");
        };
        assert_eq!(body["type"], "https://www.w3.org/ns/did#INVALID_DID");
    }

    #[test]
    fn the_dereferencing_result_names_its_content_type() {
        let resource = Dereferenced::Url("https://files.example/x".into());
        let result = dereferencing_result(&resource, &ResolutionOptions::default()).unwrap();
        assert_eq!(result["contentStream"], "https://files.example/x");
        assert_eq!(
            result["dereferencingMetadata"]["contentType"],
            MEDIA_TYPE_URI_LIST
        );
        let did = crate::did::Did::parse("did:example:123").unwrap();
        let document =
            Dereferenced::Document(Box::new(DidDocument::new(did)), DocumentMetadata::default());
        let options = Wanted::Document(MEDIA_TYPE_DID_LD_JSON).options();
        let result = dereferencing_result(&document, &options).unwrap();
        assert_eq!(
            result["dereferencingMetadata"]["contentType"],
            MEDIA_TYPE_DID_LD_JSON
        );
        assert_eq!(result["contentStream"]["id"], "did:example:123");
    }
}
