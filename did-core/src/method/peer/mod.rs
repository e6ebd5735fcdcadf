//! did:peer (DIF Peer DID Method Specification): numalgo 0, 2 and 4, whose documents are
//! derived from the DID alone, and the refusal of numalgo 1 and 3, whose documents only the
//! peers that exchanged them hold.
//!
//! - numalgo 0, "inception key without doc": one key, a did:key in disguise ([`did_peer_0`]).
//! - numalgo 2, "multiple inception key without doc": keys, each with a purpose code, and
//!   abbreviated services, all in the DID ([`did_peer_2`]).
//! - numalgo 4, "short form and long form": a whole input document in the long form, and its
//!   hash as the short form ([`did_peer_4`]). The short form alone resolves to `notFound`: the
//!   document is in the long form, which a stateless resolver has not seen
//!   ([`resolve_short_form`] resolves it for a caller that kept the long form).
//!
//! Every part of a did:peer is bounded before it is decoded: each key (by the key module), the
//! number of elements of a numalgo 2 DID, and the length and entries of a numalgo 4 document
//! (base58 decoding is quadratic, and every identifier of the resolved document repeats the
//! long form).

mod multiformat;
mod numalgo0;
mod numalgo2;
mod numalgo4;

use crate::did::{Did, DidError};
use crate::key::KeyType;
use crate::resolution::{ErrorKind, Resolution, ResolutionError};

pub use numalgo0::did_peer_0;
pub use numalgo2::{Purpose, did_peer_2, did_peer_2_for_key, did_peer_3};
pub use numalgo4::{did_peer_4, resolve_short_form};

/// Most elements (keys and services together) in one did:peer:2.
pub const MAX_ELEMENTS: usize = 64;
/// Most entries (verification methods, relationship entries and services together) in one
/// did:peer:4 input document.
pub const MAX_DOCUMENT_ENTRIES: usize = 128;
/// Longest encoded document (`z…` after the hash) of a did:peer:4 long form, in characters.
///
/// Base58 decoding is quadratic in the length: measured here, 1 KiB takes about 0.3 ms,
/// 8 KiB about 17 ms and 47 KiB over half a second, so a DID near the 64 KiB syntax limit
/// would let anyone burn that much CPU per resolution. Real documents (a few keys and a
/// DIDComm service; the specification's example is 1.1 KiB) fit many times over.
pub const MAX_ENCODED_DOCUMENT_LEN: usize = 8 * 1024;

/// Why a did:peer could not be created from the inputs given.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// A did:peer:2 needs at least one element (Peer DID §Method 2 ABNF: `1*element`).
    #[error("a did:peer:2 needs at least one key or service")]
    NoElements,
    /// More elements than [`MAX_ELEMENTS`].
    #[error("a did:peer:2 holds at most {max} keys and services; {count} were given")]
    TooManyElements {
        /// How many keys and services were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The key cannot do what its purpose asks: an X25519 key cannot sign, an Ed25519 key
    /// cannot agree on a key.
    #[error(
        "{key_type} keys cannot serve {} (purpose code {}); use an X25519 or P-256 key for \
         encryption and an Ed25519 or P-256 key for the others",
        purpose.relationship().property(),
        purpose.code()
    )]
    KeyPurposeMismatch {
        /// The type of the key given.
        key_type: KeyType,
        /// The purpose it was given for.
        purpose: Purpose,
    },
    /// A service is not a JSON object.
    #[error("service {index} is not a JSON object")]
    ServiceNotObject {
        /// The position of the service, from 1.
        index: usize,
    },
    /// A service `id` is not a relative reference (Peer DID §Method 2: "service `id`
    /// attributes MUST be relative").
    #[error("service {index} has the id {id}; it must be relative, such as \"#didcomm\"")]
    ServiceIdNotRelative {
        /// The position of the service, from 1.
        index: usize,
        /// The id found, shortened if long.
        id: String,
    },
    /// A service member appears twice once abbreviations are applied (`t` and `type`), so
    /// two readers could see two different services.
    #[error("service {index} has the member {name} twice once abbreviations are expanded")]
    ServiceDuplicateMember {
        /// The position of the service, from 1.
        index: usize,
        /// The member name after expansion.
        name: String,
    },
    /// A service nests objects deeper than the limit.
    #[error("service {index} nests deeper than {max} levels")]
    ServiceTooDeep {
        /// The position of the service, from 1.
        index: usize,
        /// The limit.
        max: usize,
    },
    /// A did:peer:4 input document is not a JSON object.
    #[error("the did:peer:4 input document must be a JSON object")]
    InputDocumentNotObject,
    /// A did:peer:4 input document carries an `id` (Peer DID §Method 4 "Creating a DID": the
    /// document MUST NOT include an `id` at the root).
    #[error("the did:peer:4 input document must not carry an id: the DID is not known yet")]
    InputDocumentHasId,
    /// A member of a did:peer:4 input document that must be a list is not.
    #[error("{member} of the did:peer:4 input document must be a list")]
    NotAList {
        /// The member.
        member: &'static str,
    },
    /// An identifier of a did:peer:4 input document is not relative (Peer DID §Method 4
    /// "Creating a DID": all identifiers within the document MUST be relative).
    #[error("{member} id {id} must be relative, such as \"#key-1\"")]
    IdNotRelative {
        /// Where the identifier was found.
        member: &'static str,
        /// The id found (`null` if missing or not a string), shortened if long.
        id: String,
    },
    /// The did:peer:4 input document lists more than [`MAX_DOCUMENT_ENTRIES`] entries.
    #[error("the did:peer:4 input document has {count} entries; at most {max} are accepted")]
    TooManyEntries {
        /// Verification methods, relationship entries and services together.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The encoded did:peer:4 document is longer than [`MAX_ENCODED_DOCUMENT_LEN`].
    #[error("the encoded did:peer:4 document is {size} characters; at most {max} are accepted")]
    DocumentTooLarge {
        /// Length of the encoded document, or of its bytes before encoding.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The input could not be written as JSON.
    #[error("the input cannot be written as JSON: {0}")]
    Json(String),
    /// The DID built is not a valid DID (too long, most likely).
    #[error("the DID built is not valid: {0}")]
    Did(#[from] DidError),
    /// The DID given is not a did:peer:2 (for [`did_peer_3`]).
    #[error("a did:peer:3 is derived from a did:peer:2; {0} is not one")]
    NotNumalgo2(String),
    /// The DID built does not resolve: the inputs do not make a valid DID document (a
    /// service without `serviceEndpoint`, a verification method without key material, …).
    #[error("the inputs do not make a DID that resolves: {0}")]
    NotResolvable(#[source] ResolutionError),
}

impl PeerError {
    /// This error as the `invalidDid` of a resolution: the same rule broken by a DID read
    /// from outside rather than by inputs given to a constructor.
    fn invalid_did(&self) -> ResolutionError {
        ResolutionError::new(ErrorKind::InvalidDid, self.to_string())
    }
}

fn invalid_did(detail: impl Into<String>) -> ResolutionError {
    ResolutionError::new(ErrorKind::InvalidDid, detail)
}

/// Resolves a did:peer by its numalgo, the first character of the method-specific id (Peer
/// DID §"Method Specific Identifier").
pub(super) fn resolve(did: &Did) -> Result<Resolution, ResolutionError> {
    let id = did.method_specific_id();
    let mut chars = id.chars();
    let numalgo = chars.next();
    let rest = chars.as_str();
    match numalgo {
        Some('0') => numalgo0::resolve(did, rest),
        Some('2') => numalgo2::resolve(did, rest),
        Some('4') => numalgo4::resolve(did, rest),
        // Peer DID §"Method 1" and §"Method 3": the DID is a hash; the document is exchanged
        // between peers and stored by them. A well-formed one is simply not known here.
        Some(numalgo @ ('1' | '3')) => {
            multiformat::decode_sha256_multihash(rest)?;
            Err(ResolutionError::new(
                ErrorKind::NotFound,
                format!(
                    "did:peer:{numalgo} documents are exchanged between peers, not derived from \
                     the DID; this resolver keeps no store of them"
                ),
            ))
        }
        Some(other) => Err(invalid_did(format!(
            "did:peer numalgo {:?} is not defined; the Peer DID Method Specification defines \
             0 to 4",
            other
        ))),
        None => Err(invalid_did("a did:peer needs a numalgo after did:peer:")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(did: &str) -> Result<Resolution, ResolutionError> {
        resolve(&Did::parse(did).expect("a syntactically valid DID"))
    }

    #[test]
    fn rejects_undefined_numalgo() {
        for did in [
            "did:peer:9z6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc",
            "did:peer:5zQmd8CpeFPci817KDsbSAKWcXAE2mjvCQSasRewvbSF54Bd",
            "did:peer:xz6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc",
        ] {
            let err = resolve_text(did).expect_err(did);
            assert_eq!(err.kind, ErrorKind::InvalidDid, "{did}: {err}");
        }
    }

    #[test]
    fn numalgo_1_and_3_are_not_found_without_the_peer_store() {
        for did in [
            "did:peer:1zQmZMygzYqNwU6Uhmewx5Xepf2VLp5S4HLSwwgf2aiKZuwa",
            // Peer DID §Method 3 example.
            "did:peer:3zQmS19jtYDvGtKVrJhQnRFpBQAx3pJ9omx2HpNrcXFuRCz9",
        ] {
            let err = resolve_text(did).expect_err(did);
            assert_eq!(err.kind, ErrorKind::NotFound, "{did}: {err}");
        }
    }

    #[test]
    fn rejects_malformed_numalgo_1_and_3() {
        for did in [
            "did:peer:1",
            "did:peer:1z6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc",
            "did:peer:3zQmS19jtYDvGtKVrJhQnRFpBQAx3pJ9omx2Hp",
        ] {
            let err = resolve_text(did).expect_err(did);
            assert_eq!(err.kind, ErrorKind::InvalidDid, "{did}: {err}");
        }
    }
}
