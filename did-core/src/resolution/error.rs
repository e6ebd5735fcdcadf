//! The error vocabulary of DID resolution and dereferencing (DID Core §7.1.2 and §7.2.2, DID
//! Resolution "Errors"), with the HTTP status of the DID Resolution HTTP binding and the RFC 9457
//! problem-details form.

use serde_json::{Map, Value};

/// One error of the DID Resolution error set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `invalidDid`: the input is not a conformant DID (DID Core §3.1).
    InvalidDid,
    /// `invalidDidUrl`: the input is not a conformant DID URL (DID Core §3.2).
    InvalidDidUrl,
    /// `notFound`: the DID document, or the resource a DID URL names, was not found.
    NotFound,
    /// `representationNotSupported`: the `accept` media type cannot be produced.
    RepresentationNotSupported,
    /// `methodNotSupported`: no resolver for this DID method.
    MethodNotSupported,
    /// `invalidOptions`: the resolution options are not valid.
    InvalidOptions,
    /// `invalidPublicKey`: the key a DID encodes is not valid (did:key §3.1.x).
    InvalidPublicKey,
    /// `invalidPublicKeyLength`: the key a DID encodes has the wrong length.
    InvalidPublicKeyLength,
    /// `unsupportedPublicKeyType`: the key type a DID encodes is not supported.
    UnsupportedPublicKeyType,
    /// `featureNotSupported`: a DID URL feature (such as a path) this resolver does not offer.
    FeatureNotSupported,
    /// `internalError`: anything else, such as an unreachable did:web host.
    InternalError,
}

impl ErrorKind {
    /// The registered keyword, as DID Core 1.0 and the Universal Resolver write it.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "invalidDid",
            ErrorKind::InvalidDidUrl => "invalidDidUrl",
            ErrorKind::NotFound => "notFound",
            ErrorKind::RepresentationNotSupported => "representationNotSupported",
            ErrorKind::MethodNotSupported => "methodNotSupported",
            ErrorKind::InvalidOptions => "invalidOptions",
            ErrorKind::InvalidPublicKey => "invalidPublicKey",
            ErrorKind::InvalidPublicKeyLength => "invalidPublicKeyLength",
            ErrorKind::UnsupportedPublicKeyType => "unsupportedPublicKeyType",
            ErrorKind::FeatureNotSupported => "featureNotSupported",
            ErrorKind::InternalError => "internalError",
        }
    }

    /// The problem type URI of DID Resolution (RFC 9457 `type`), e.g.
    /// `https://www.w3.org/ns/did#NOT_FOUND`.
    pub fn problem_type(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "https://www.w3.org/ns/did#INVALID_DID",
            ErrorKind::InvalidDidUrl => "https://www.w3.org/ns/did#INVALID_DID_URL",
            ErrorKind::NotFound => "https://www.w3.org/ns/did#NOT_FOUND",
            ErrorKind::RepresentationNotSupported => {
                "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"
            }
            ErrorKind::MethodNotSupported => "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED",
            ErrorKind::InvalidOptions => "https://www.w3.org/ns/did#INVALID_OPTIONS",
            ErrorKind::InvalidPublicKey => "https://www.w3.org/ns/did#INVALID_PUBLIC_KEY",
            ErrorKind::InvalidPublicKeyLength => {
                "https://www.w3.org/ns/did#INVALID_PUBLIC_KEY_LENGTH"
            }
            ErrorKind::UnsupportedPublicKeyType => {
                "https://www.w3.org/ns/did#UNSUPPORTED_PUBLIC_KEY_TYPE"
            }
            ErrorKind::FeatureNotSupported => "https://www.w3.org/ns/did#FEATURE_NOT_SUPPORTED",
            ErrorKind::InternalError => "https://www.w3.org/ns/did#INTERNAL_ERROR",
        }
    }

    /// The HTTP status of the DID Resolution HTTP binding for this error.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidDid
            | ErrorKind::InvalidDidUrl
            | ErrorKind::InvalidOptions
            | ErrorKind::InvalidPublicKey
            | ErrorKind::InvalidPublicKeyLength
            | ErrorKind::UnsupportedPublicKeyType => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::RepresentationNotSupported => 406,
            ErrorKind::MethodNotSupported | ErrorKind::FeatureNotSupported => 501,
            ErrorKind::InternalError => 500,
        }
    }

    /// A short title for the problem-details object.
    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::InvalidDid => "Invalid DID",
            ErrorKind::InvalidDidUrl => "Invalid DID URL",
            ErrorKind::NotFound => "Not found",
            ErrorKind::RepresentationNotSupported => "Representation not supported",
            ErrorKind::MethodNotSupported => "DID method not supported",
            ErrorKind::InvalidOptions => "Invalid resolution options",
            ErrorKind::InvalidPublicKey => "Invalid public key",
            ErrorKind::InvalidPublicKeyLength => "Invalid public key length",
            ErrorKind::UnsupportedPublicKeyType => "Unsupported public key type",
            ErrorKind::FeatureNotSupported => "Feature not supported",
            ErrorKind::InternalError => "Internal error",
        }
    }
}

/// A failed resolution or dereferencing: the error kind and what exactly went wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}): {detail}", kind.title(), kind.code())]
pub struct ResolutionError {
    /// The error of the DID Resolution error set.
    pub kind: ErrorKind,
    /// What went wrong, for a person to act on. Never holds secrets.
    pub detail: String,
}

impl ResolutionError {
    /// An error of `kind` with a detail message.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> ResolutionError {
        ResolutionError {
            kind,
            detail: detail.into(),
        }
    }

    /// The stable keyword, e.g. `notFound`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The RFC 9457 problem-details object for this error.
    pub fn problem_details(&self) -> Map<String, Value> {
        let mut problem = Map::new();
        problem.insert(
            "type".into(),
            Value::String(self.kind.problem_type().into()),
        );
        problem.insert("title".into(), Value::String(self.kind.title().into()));
        problem.insert("status".into(), Value::from(self.kind.http_status()));
        problem.insert("detail".into(), Value::String(self.detail.clone()));
        problem
    }

    /// `didResolutionMetadata` (or `dereferencingMetadata`) for this error: `error` is the
    /// RFC 9457 problem-details object whose `type` is the error's URI (DID Resolution CR
    /// §4.4, §7), no longer the DID Core 1.0 keyword.
    pub fn to_metadata(&self) -> Map<String, Value> {
        let mut metadata = Map::new();
        metadata.insert("error".into(), Value::Object(self.problem_details()));
        metadata
    }
}
