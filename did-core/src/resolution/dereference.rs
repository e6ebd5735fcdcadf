//! DID URL dereferencing (DID Core §7.2, DID Resolution "DID URL Dereferencing"): from a DID URL
//! to the resource it names — the document, one verification method or service (by fragment),
//! or a service endpoint selected with the `service` and `relativeRef` parameters (DID Core
//! §3.2.1).

use serde_json::Value;

use super::{DocumentMetadata, ErrorKind, ResolutionError, ResolutionOptions, Resolver};
use crate::did::DidUrl;
use crate::document::{DidDocument, Service, VerificationMethod};
use crate::excerpt::excerpt;

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
                "DID URL paths ({}) are not defined by did:{}",
                excerpt(path),
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
            "{} has no verification method or service #{}",
            excerpt(document.id.as_str()),
            excerpt(fragment)
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
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.split('&') {
        let name = pair.split('=').next().unwrap_or_default();
        // Two values of one parameter would let two readers pick two different endpoints.
        if seen.contains(&name) {
            return Err(ResolutionError::new(
                ErrorKind::InvalidDidUrl,
                format!("the DID URL parameter \"{}\" is given twice", excerpt(name)),
            ));
        }
        seen.push(name);
        if name != SERVICE && name != RELATIVE_REF {
            return Err(ResolutionError::new(
                ErrorKind::FeatureNotSupported,
                format!(
                    "the DID URL parameter \"{}\" is not supported",
                    excerpt(name)
                ),
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
                format!(
                    "{} has no service {}",
                    excerpt(document.id.as_str()),
                    excerpt(&wanted)
                ),
            )
        })?;
    let Value::String(endpoint) = &service.service_endpoint else {
        return Ok(Dereferenced::Service(Box::new(service.clone())));
    };
    let base = url::Url::parse(endpoint).map_err(|err| {
        ResolutionError::new(
            ErrorKind::InternalError,
            format!(
                "service {} has an endpoint that is not a URL: {err}",
                excerpt(&wanted)
            ),
        )
    })?;
    let mut target = match param(RELATIVE_REF)? {
        Some(relative) => resolve_relative_ref(&base, &relative)?,
        None => base,
    };
    // DID Resolution: a fragment on the DID URL carries over to the output URL.
    if let (Some(fragment), None) = (url.fragment(), target.fragment()) {
        target.set_fragment(Some(fragment));
    }
    Ok(Dereferenced::Url(target.into()))
}

/// Resolves `relative` against the service endpoint `base` (RFC 3986 §5.2), refusing what
/// would leave the endpoint's origin.
///
/// DID Core §3.2.1 defines `relativeRef` as "a relative URI reference according to RFC 3986
/// Section 4.2" that is resolved against the service endpoint: an absolute URI (of any scheme)
/// is not one, and a network-path reference (`//host/…`) replaces the endpoint's authority,
/// so either would let whoever writes the DID URL send the caller anywhere. The result must
/// also keep the endpoint's scheme, host and port, which covers what a URL parser reads more
/// liberally than RFC 3986 (a `\` read as `/`, tabs and line breaks dropped).
fn resolve_relative_ref(base: &url::Url, relative: &str) -> Result<url::Url, ResolutionError> {
    let refuse = |why: &str| {
        ResolutionError::new(
            ErrorKind::InvalidDidUrl,
            format!(
                "relativeRef \"{}\" {why} (DID Core §3.2.1, RFC 3986 §4.2)",
                excerpt(relative)
            ),
        )
    };
    if relative.starts_with("//") {
        return Err(refuse(
            "is a network-path reference; it must stay on the service endpoint's host",
        ));
    }
    // RFC 3986 §4.2: in a relative reference the first path segment holds no ':', otherwise
    // it reads as a scheme.
    let first_segment = relative.split(['/', '?', '#']).next().unwrap_or_default();
    if first_segment.contains(':') {
        return Err(refuse("is an absolute URI, not a relative reference"));
    }
    if let Some(bad) = relative.chars().find(|c| !is_uri_char(*c)) {
        return Err(refuse(&format!(
            "holds {}, which no URI reference may carry",
            excerpt(&bad.to_string())
        )));
    }
    // RFC 3986 §5.2: the reference is resolved against the endpoint.
    let target = base.join(relative).map_err(|err| {
        refuse(&format!(
            "does not resolve against the service endpoint: {err}"
        ))
    })?;
    if target.origin() != base.origin() || target.scheme() != base.scheme() {
        return Err(refuse("leaves the service endpoint's origin"));
    }
    Ok(target)
}

/// The characters of RFC 3986 §2 (unreserved, reserved and `%` of a percent-encoding).
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::did::Did;
    use crate::document::DidDocument;
    use crate::key::{KeyType, SecretKey};
    use crate::method::key::did_key;

    fn document() -> DidDocument {
        let did = Did::parse("did:example:123").unwrap();
        DidDocument::from_json(&json!({
            "id": did.as_str(),
            "verificationMethod": [{
                "id": "#key-1", "type": "Multikey", "controller": did.as_str(),
                "publicKeyMultibase": SecretKey::generate(KeyType::Ed25519).public_key().to_multikey(),
            }],
            "service": [
                {"id": "#files", "type": "LinkedDomains", "serviceEndpoint": "https://files.example/base/"},
                {"id": "#hub", "type": "DIDCommMessaging", "serviceEndpoint": {"uri": "https://hub.example"}},
            ],
        }))
        .unwrap()
    }

    fn select_url(url: &str) -> Result<Dereferenced, ResolutionError> {
        select(
            document(),
            DocumentMetadata::default(),
            &DidUrl::parse(url).unwrap(),
        )
    }

    #[test]
    fn bare_did_gives_the_document() {
        assert!(matches!(
            select_url("did:example:123"),
            Ok(Dereferenced::Document(..))
        ));
    }

    #[test]
    fn fragment_gives_the_method_or_service() {
        assert!(matches!(
            select_url("did:example:123#key-1"),
            Ok(Dereferenced::VerificationMethod(_))
        ));
        assert!(matches!(
            select_url("did:example:123#hub"),
            Ok(Dereferenced::Service(_))
        ));
        let error = select_url("did:example:123#nope").unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound);
    }

    #[test]
    fn service_and_relative_ref_build_the_endpoint_url() {
        assert_eq!(
            select_url("did:example:123?service=files").unwrap(),
            Dereferenced::Url("https://files.example/base/".into())
        );
        // DID Core §3.2.1 example: relativeRef is percent-encoded in the DID URL.
        assert_eq!(
            select_url("did:example:123?service=files&relativeRef=%2Fresume.pdf").unwrap(),
            Dereferenced::Url("https://files.example/resume.pdf".into())
        );
        assert_eq!(
            select_url("did:example:123?service=files&relativeRef=doc#part-2").unwrap(),
            Dereferenced::Url("https://files.example/base/doc#part-2".into())
        );
        assert!(matches!(
            select_url("did:example:123?service=hub"),
            Ok(Dereferenced::Service(_))
        ));
    }

    #[test]
    fn rejects_relative_ref_that_leaves_the_endpoint() {
        for relative in [
            // Absolute URIs of any scheme.
            "https%3A%2F%2Fevil.example%2F",
            "http%3A%2F%2Ffiles.example%2F",
            "javascript%3Aalert(1)",
            "data%3Atext%2Fhtml%2Cx",
            // Network-path references.
            "%2F%2Fevil.example%2Fx",
            "%2F%2Ffiles.example%40evil.example",
            // What a URL parser reads as one.
            "%5C%5Cevil.example",
            "%2F%5Cevil.example",
            "%2F%09%2Fevil.example",
        ] {
            let url = format!("did:example:123?service=files&relativeRef={relative}");
            let error = select_url(&url).expect_err(&url);
            assert_eq!(error.kind, ErrorKind::InvalidDidUrl, "{url}: {error}");
        }
        // A second relativeRef is not a way around the check.
        for relative in [
            "x&relativeRef=%2F%2Fevil.example",
            "%2F%2Fevil.example&relativeRef=x",
        ] {
            let url = format!("did:example:123?service=files&relativeRef={relative}");
            let error = select_url(&url).expect_err(&url);
            assert_eq!(error.kind, ErrorKind::InvalidDidUrl, "{url}: {error}");
        }
    }

    #[test]
    fn keeps_dot_segments_on_the_endpoint_origin() {
        // `..` may climb the endpoint's path (RFC 3986 §5.2.4) but never its host.
        assert_eq!(
            select_url("did:example:123?service=files&relativeRef=..%2F..%2Fx").unwrap(),
            Dereferenced::Url("https://files.example/x".into())
        );
        assert_eq!(
            select_url("did:example:123?service=files&relativeRef=%3Fq%3D1").unwrap(),
            Dereferenced::Url("https://files.example/base/?q=1".into())
        );
    }

    #[test]
    fn rejects_unknown_service_and_relative_ref_alone() {
        assert_eq!(
            select_url("did:example:123?service=none").unwrap_err().kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            select_url("did:example:123?relativeRef=%2Fx")
                .unwrap_err()
                .kind,
            ErrorKind::InvalidDidUrl
        );
    }

    #[test]
    fn rejects_paths_and_unknown_parameters_as_unsupported() {
        assert_eq!(
            select_url("did:example:123/some/path").unwrap_err().kind,
            ErrorKind::FeatureNotSupported
        );
        assert_eq!(
            select_url("did:example:123?versionId=4").unwrap_err().kind,
            ErrorKind::FeatureNotSupported
        );
    }

    #[tokio::test]
    async fn dereferences_through_a_resolver() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let did = did_key(&key);
        let url = crate::method::key::did_key_verification_method(&key);
        assert_eq!(url.did(), &did);
        let found = dereference(&crate::method::DID_KEY, &url, &ResolutionOptions::default())
            .await
            .unwrap();
        let Dereferenced::VerificationMethod(method) = found else {
            panic!("expected a verification method, got {found:?}");
        };
        assert_eq!(method.public_key().unwrap(), key);
    }
}
