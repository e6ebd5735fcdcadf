//! DID URL dereferencing (DID Core §7.2, DID Resolution "DID URL Dereferencing"): from a DID URL
//! to the resource it names — the document, one verification method or service (by fragment),
//! or a service endpoint selected with the `service` and `relativeRef` parameters (DID Core
//! §3.2.1).

use serde_json::Value;

use super::{DocumentMetadata, ErrorKind, ResolutionError, ResolutionOptions, Resolver};
use crate::did::DidUrl;
use crate::document::{DidDocument, Service, VerificationMethod};

/// The resource a DID URL names.
#[derive(Clone, Debug, PartialEq)]
pub enum Dereferenced {
    /// The whole DID document (the DID URL was a bare DID).
    Document(Box<DidDocument>, DocumentMetadata),
    /// A verification method found by its fragment.
    VerificationMethod(Box<VerificationMethod>),
    /// A service found by its fragment, or selected by `service` when its endpoint is not a
    /// single URL.
    Service(Box<Service>),
    /// A URL built from a service endpoint (`service` + optional `relativeRef`).
    Url(String),
}

impl Dereferenced {
    /// The JSON form of the resource (DID Resolution `contentStream`), rendered with the
    /// representation asked for when it is a document.
    pub fn to_json(&self, options: &ResolutionOptions) -> Result<Value, ResolutionError> {
        Ok(match self {
            Dereferenced::Document(document, _) => options.representation()?.render(document),
            Dereferenced::VerificationMethod(method) => {
                let mut holder = DidDocument::new(method.controller.clone());
                holder.verification_method.push(method.as_ref().clone());
                holder
                    .to_json()
                    .get("verificationMethod")
                    .and_then(|methods| methods.get(0))
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            Dereferenced::Service(service) => {
                serde_json::to_value(service.as_ref()).unwrap_or(Value::Null)
            }
            Dereferenced::Url(url) => Value::String(url.clone()),
        })
    }
}

/// The DID URL parameters this crate interprets (DID Core §3.2.1).
const SERVICE: &str = "service";
const RELATIVE_REF: &str = "relativeRef";

/// Dereferences `url` through `resolver`.
pub async fn dereference(
    resolver: &dyn Resolver,
    url: &DidUrl,
    options: &ResolutionOptions,
) -> Result<Dereferenced, ResolutionError> {
    let resolution = resolver.resolve(url.did(), options).await?;
    select(resolution.document, resolution.document_metadata, url)
}

/// Picks the resource `url` names out of an already resolved document.
pub fn select(
    document: DidDocument,
    metadata: DocumentMetadata,
    url: &DidUrl,
) -> Result<Dereferenced, ResolutionError> {
    if let Some(path) = url.path() {
        return Err(ResolutionError::new(
            ErrorKind::FeatureNotSupported,
            format!(
                "DID URL paths ({path}) are not defined by did:{}",
                url.did().method()
            ),
        ));
    }
    if let Some(query) = url.query() {
        return select_service_endpoint(&document, url, query);
    }
    let Some(fragment) = url.fragment() else {
        return Ok(Dereferenced::Document(Box::new(document), metadata));
    };
    if let Some(method) = document.find_method(url) {
        return Ok(Dereferenced::VerificationMethod(Box::new(method.clone())));
    }
    if let Some(service) = document
        .service
        .iter()
        .find(|service| service.has_fragment(fragment))
    {
        return Ok(Dereferenced::Service(Box::new(service.clone())));
    }
    Err(ResolutionError::new(
        ErrorKind::NotFound,
        format!(
            "{} has no verification method or service #{fragment}",
            document.id
        ),
    ))
}

fn select_service_endpoint(
    document: &DidDocument,
    url: &DidUrl,
    query: &str,
) -> Result<Dereferenced, ResolutionError> {
    let param = |name: &str| -> Result<Option<String>, ResolutionError> {
        url.query_param(name)
            .transpose()
            .map_err(|err| ResolutionError::new(ErrorKind::InvalidDidUrl, format!("{name}: {err}")))
    };
    for pair in query.split('&') {
        let name = pair.split('=').next().unwrap_or_default();
        if name != SERVICE && name != RELATIVE_REF {
            return Err(ResolutionError::new(
                ErrorKind::FeatureNotSupported,
                format!("the DID URL parameter {name:?} is not supported"),
            ));
        }
    }
    let Some(wanted) = param(SERVICE)? else {
        return Err(ResolutionError::new(
            ErrorKind::InvalidDidUrl,
            "relativeRef needs a service parameter (DID Core §3.2.1)",
        ));
    };
    let service = document
        .service
        .iter()
        .find(|service| service.has_fragment(&wanted))
        .ok_or_else(|| {
            ResolutionError::new(
                ErrorKind::NotFound,
                format!("{} has no service {wanted}", document.id),
            )
        })?;
    let Value::String(endpoint) = &service.service_endpoint else {
        return Ok(Dereferenced::Service(Box::new(service.clone())));
    };
    let base = url::Url::parse(endpoint).map_err(|err| {
        ResolutionError::new(
            ErrorKind::InternalError,
            format!("service {wanted} has an endpoint that is not a URL: {err}"),
        )
    })?;
    let mut target = match param(RELATIVE_REF)? {
        // RFC 3986 §5.2: the relative reference is resolved against the endpoint.
        Some(relative) => base.join(&relative).map_err(|err| {
            ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!("relativeRef {relative:?} does not resolve against {endpoint}: {err}"),
            )
        })?,
        None => base,
    };
    // DID Resolution: a fragment on the DID URL carries over to the output URL.
    if let (Some(fragment), None) = (url.fragment(), target.fragment()) {
        target.set_fragment(Some(fragment));
    }
    Ok(Dereferenced::Url(target.into()))
}
