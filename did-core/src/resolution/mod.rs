//! DID resolution (W3C DID Resolution, DID Core §7): the [`Resolver`] trait every method
//! implements, its options, results and metadata, the error vocabulary, and the pieces built on
//! the trait — a [`dispatch::MethodDispatcher`] that routes by method, a
//! [`cache::CachingResolver`] that wraps any resolver, DID URL [`dereference`]-ing, and the
//! [`http`] binding that servers and commands answer with.

pub mod cache;
pub mod dereference;
pub mod dispatch;
mod error;
#[cfg(any(test, feature = "test-util"))]
pub mod fake;
pub mod http;
pub mod key_lookup;
mod metadata;

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::did::Did;
use crate::document::DidDocument;
use crate::excerpt::excerpt;

pub use error::{ErrorKind, ResolutionError};
pub use key_lookup::{KeyLookupError, verification_key};
pub use metadata::DocumentMetadata;

/// `application/did+json`: the JSON representation (DID Core §6.2).
pub const MEDIA_TYPE_DID_JSON: &str = "application/did+json";
/// `application/did+ld+json`: the JSON-LD representation (DID Core §6.3).
pub const MEDIA_TYPE_DID_LD_JSON: &str = "application/did+ld+json";
/// `application/did`: the media type of DID Core 1.1 for a DID document.
pub const MEDIA_TYPE_DID: &str = "application/did";
/// `application/did-resolution`: a whole resolution result (DID Resolution, HTTP binding).
pub const MEDIA_TYPE_DID_RESOLUTION: &str = "application/did-resolution";
/// The older media type of a whole resolution result, still sent by Universal Resolver clients.
pub const MEDIA_TYPE_LD_JSON_RESOLUTION: &str =
    "application/ld+json;profile=\"https://w3id.org/did-resolution\"";

/// The representation a caller asked for through the `accept` option (DID Core §7.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Representation {
    /// `application/did+json` (or no preference).
    #[default]
    Json,
    /// `application/did+ld+json`.
    JsonLd,
    /// `application/did` (DID Core 1.1), rendered as JSON-LD with its context.
    Did,
}

impl Representation {
    /// The representation for a media type, or `None` if this resolver cannot produce it.
    pub fn from_media_type(media_type: &str) -> Option<Representation> {
        let essence = media_type.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            MEDIA_TYPE_DID_JSON | "application/json" | "*/*" => Some(Representation::Json),
            MEDIA_TYPE_DID_LD_JSON | "application/ld+json" => Some(Representation::JsonLd),
            MEDIA_TYPE_DID => Some(Representation::Did),
            _ => None,
        }
    }

    /// The media type to report as `contentType`.
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::Json => MEDIA_TYPE_DID_JSON,
            Representation::JsonLd => MEDIA_TYPE_DID_LD_JSON,
            Representation::Did => MEDIA_TYPE_DID,
        }
    }

    /// The document in this representation.
    pub fn render(self, document: &DidDocument) -> Value {
        match self {
            Representation::Json => document.to_json(),
            Representation::JsonLd | Representation::Did => document.to_json_ld(),
        }
    }
}

/// DID resolution options (DID Core §7.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolutionOptions {
    /// The media type the caller wants the document in (`accept`).
    pub accept: Option<String>,
}

impl ResolutionOptions {
    /// The representation asked for, or `representationNotSupported`.
    pub fn representation(&self) -> Result<Representation, ResolutionError> {
        match &self.accept {
            None => Ok(Representation::Json),
            Some(accept) => Representation::from_media_type(accept).ok_or_else(|| {
                ResolutionError::new(
                    ErrorKind::RepresentationNotSupported,
                    format!("cannot represent a DID document as {}", excerpt(accept)),
                )
            }),
        }
    }
}

/// A successful resolution: the document and its metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The DID document.
    pub document: DidDocument,
    /// DID document metadata (DID Core §7.1.3).
    pub document_metadata: DocumentMetadata,
}

impl Resolution {
    /// A resolution with no document metadata.
    pub fn new(document: DidDocument) -> Resolution {
        Resolution {
            document,
            document_metadata: DocumentMetadata::default(),
        }
    }
}

/// Resolves DIDs. Every DID method implements it; so do the dispatcher and the cache, so they
/// nest freely. Implementations must not panic on any DID and must bound the work they do.
#[async_trait]
pub trait Resolver: Send + Sync {
    /// Resolves `did` (DID Core §7.1): the document and its metadata, or an error of the DID
    /// Resolution error set.
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError>;

    /// Resolves `did` as [`resolve`](Self::resolve) does and says where the answer came
    /// from, for a verifier that weighs it (the trust evidence of `vc_issuer::trust`). A
    /// resolver without a cache answers from the origin.
    /// The resolution is shared: a cache hands out the one it keeps, copying nothing.
    async fn resolve_served(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> (Result<Arc<Resolution>, ResolutionError>, Served) {
        (
            self.resolve(did, options).await.map(Arc::new),
            Served::Origin,
        )
    }
}

/// Where a resolver's answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Served {
    /// From the method itself (for a derived method, computed from the DID), or a failure
    /// of it.
    Origin,
    /// From a cache, within its time to live (a remembered failure included).
    Fresh,
    /// From a cache past its time to live, because the method failed (stale-if-error).
    Stale {
        /// Seconds since the document went stale.
        stale_for: u64,
        /// The length of the stale-if-error window, in seconds.
        window: u64,
    },
}

/// The DID resolution result data structure of DID Resolution §4 (`didDocument`,
/// `didResolutionMetadata`, `didDocumentMetadata`), ready to serialize.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolutionResult {
    /// The document, in the representation asked for; `None` on error.
    pub did_document: Option<Value>,
    /// `didResolutionMetadata`: `contentType` on success, `error` (a problem-details object)
    /// on failure.
    pub did_resolution_metadata: Map<String, Value>,
    /// `didDocumentMetadata`.
    pub did_document_metadata: Map<String, Value>,
}

impl ResolutionResult {
    /// Builds the result structure for `outcome`, rendering the document as `options` asked.
    pub fn new(
        outcome: Result<Resolution, ResolutionError>,
        options: &ResolutionOptions,
    ) -> ResolutionResult {
        let outcome = outcome.and_then(|resolution| Ok((options.representation()?, resolution)));
        match outcome {
            Ok((representation, resolution)) => {
                let mut resolution_metadata = Map::new();
                resolution_metadata.insert(
                    "contentType".into(),
                    Value::String(representation.media_type().into()),
                );
                ResolutionResult {
                    did_document: Some(representation.render(&resolution.document)),
                    did_resolution_metadata: resolution_metadata,
                    did_document_metadata: resolution.document_metadata.to_json(),
                }
            }
            Err(error) => ResolutionResult::from_error(&error),
        }
    }

    /// The result structure of a failed resolution.
    pub fn from_error(error: &ResolutionError) -> ResolutionResult {
        ResolutionResult {
            did_document: None,
            did_resolution_metadata: error.to_metadata(),
            did_document_metadata: Map::new(),
        }
    }

    /// The error's type URI (e.g. `https://www.w3.org/ns/did#NOT_FOUND`), if resolution
    /// failed.
    pub fn error_type(&self) -> Option<&str> {
        self.did_resolution_metadata
            .get("error")
            .and_then(|error| error.get("type"))
            .and_then(Value::as_str)
    }

    /// The JSON form of the result.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert(
            "didDocument".into(),
            self.did_document.clone().unwrap_or(Value::Null),
        );
        object.insert(
            "didResolutionMetadata".into(),
            Value::Object(self.did_resolution_metadata.clone()),
        );
        object.insert(
            "didDocumentMetadata".into(),
            Value::Object(self.did_document_metadata.clone()),
        );
        Value::Object(object)
    }
}
