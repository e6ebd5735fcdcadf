//! Every way an SD-JWT can be refused, at issuance, presentation or verification. The report
//! code of each variant is assigned where the report is defined (`report`), so this pure core
//! depends on nothing above it.
//!
//! Messages never carry a salt, a disclosure string or a claim value: a rejected presentation
//! must not leak what the holder chose to hide into a log. They do carry JSON Pointer paths
//! (RFC 6901) into the claims, cut to a bounded length, so the user can find the fault.

/// Why an SD-JWT (RFC 9901) or one of its parts was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdJwtError {
    // --- Compact serialization (RFC 9901 §4) -------------------------------------------------
    /// The compact serialization is longer than [`MAX_SD_JWT_LEN`](super::MAX_SD_JWT_LEN).
    #[error(
        "the SD-JWT is {len} bytes long, more than the {max} accepted; it cannot be a credential this verifier handles"
    )]
    TooLarge {
        /// Length received, in bytes.
        len: usize,
        /// Largest length accepted.
        max: usize,
    },
    /// More disclosures than [`MAX_DISCLOSURES`](super::MAX_DISCLOSURES).
    #[error("the SD-JWT carries more than {max} disclosures; present fewer claims")]
    TooManyDisclosures {
        /// Largest number accepted.
        max: usize,
    },
    /// No `~` after the issuer-signed JWT: this is a plain JWT, not an SD-JWT.
    #[error("not an SD-JWT: the issuer-signed JWT must be followed by `~` (RFC 9901 §4)")]
    MissingSeparator,
    /// The issuer-signed JWT is not three non-empty base64url parts joined by dots.
    #[error("the issuer-signed JWT is not a compact JWS of three base64url parts (RFC 9901 §4)")]
    MalformedIssuerJwt,
    /// The key binding JWT is not three non-empty base64url parts joined by dots.
    #[error(
        "the key binding JWT after the last `~` is not a compact JWS of three base64url parts (RFC 9901 §4)"
    )]
    MalformedKeyBindingJwt,
    /// Two `~` with nothing between them.
    #[error(
        "disclosure {position} of the SD-JWT is empty (`~~`); each disclosure is a base64url string (RFC 9901 §4)"
    )]
    EmptyDisclosure {
        /// 1-based position among the disclosures.
        position: usize,
    },
    /// An SD-JWT was expected (ending in `~`) but a key binding JWT follows the last `~`.
    #[error(
        "expected an SD-JWT ending in `~`, found a key binding JWT after it; an issuer must send the SD-JWT without one (RFC 9901 §7.2)"
    )]
    UnexpectedKeyBindingJwt,
    /// An SD-JWT+KB was expected but nothing follows the last `~`.
    #[error(
        "key binding is required but the presentation has no key binding JWT after its last `~` (RFC 9901 §7.3 step 2)"
    )]
    MissingKeyBindingJwt,

    // --- Disclosures (RFC 9901 §4.2.1, §4.2.2, §7.1 step 3) ---------------------------------
    /// One disclosure is longer than [`MAX_DISCLOSURE_LEN`](super::MAX_DISCLOSURE_LEN).
    #[error("a disclosure is {len} bytes long, more than the {max} accepted")]
    DisclosureTooLarge {
        /// Length of the disclosure string.
        len: usize,
        /// Largest length accepted.
        max: usize,
    },
    /// A disclosure is not unpadded base64url.
    #[error("a disclosure is not unpadded base64url (RFC 9901 §4.2.1)")]
    DisclosureNotBase64url,
    /// A disclosure does not decode to UTF-8 JSON.
    #[error("a disclosure does not decode to UTF-8 JSON (RFC 9901 §4.2.1)")]
    DisclosureNotJson,
    /// A disclosure is JSON but not an array of two or three elements.
    #[error(
        "a disclosure must be a JSON array of 3 elements (salt, claim name, value) or 2 (salt, array element); this one has {found} (RFC 9901 §4.2.1, §4.2.2)"
    )]
    DisclosureShape {
        /// What was found: the element count, or `"no array"`.
        found: String,
    },
    /// The first element of a disclosure is not a string.
    #[error("the salt of a disclosure must be a JSON string (RFC 9901 §4.2.1)")]
    SaltNotString,
    /// The claim name of a three-element disclosure is not a string.
    #[error("the claim name of a disclosure must be a JSON string (RFC 9901 §4.2.1)")]
    ClaimNameNotString,
    /// A disclosure names `_sd`, `...` or `_sd_alg`, or an issuer's input claims use one of
    /// them, which only SD-JWT itself may write.
    #[error(
        "`{name}` is reserved by SD-JWT and cannot be used as a claim name (RFC 9901 §4.1, §4.2.1)"
    )]
    ReservedClaimName {
        /// The reserved name.
        name: String,
    },
    /// A reserved key appears somewhere SD-JWT does not put it.
    #[error(
        "`{key}` at `{path}` is reserved by SD-JWT and is not allowed there (RFC 9901 §4.1, §4.1.1)"
    )]
    MisplacedReservedKey {
        /// The reserved key: `_sd_alg` below the top level, or `...` outside an array element.
        key: &'static str,
        /// Where it was found.
        path: String,
    },

    // --- Hash algorithm (RFC 9901 §4.1.1, §9.4) ---------------------------------------------
    /// `_sd_alg` names an algorithm this implementation does not accept.
    #[error(
        "unsupported `_sd_alg` `{name}`; accepted: sha-256, sha-384, sha-512 (RFC 9901 §4.1.1)"
    )]
    UnsupportedHashAlg {
        /// The name found, cut to a bounded length.
        name: String,
    },

    // --- Digests in the payload (RFC 9901 §4.2.4, §7.1 steps 3–5) ---------------------------
    /// An `_sd` key that is not an array of strings.
    #[error("`_sd` at `{path}` must be an array of digest strings (RFC 9901 §4.2.4.1)")]
    SdNotArrayOfStrings {
        /// The object holding the `_sd` key.
        path: String,
    },
    /// An array element `{"...": …}` with another key or a non-string digest.
    #[error(
        "the array element at `{path}` uses `...` but is not exactly {{\"...\": \"<digest>\"}} (RFC 9901 §4.2.4.2)"
    )]
    MalformedArrayDigest {
        /// The array element.
        path: String,
    },
    /// A digest under `_sd` matched an array-element disclosure.
    #[error(
        "a digest in `_sd` at `{path}` matches an array-element disclosure, which has no claim name (RFC 9901 §7.1 step 3.3.2.1)"
    )]
    ArrayElementDisclosureInObject {
        /// The object holding the `_sd` key.
        path: String,
    },
    /// A `{"...": digest}` element matched an object-property disclosure.
    #[error(
        "the array element at `{path}` matches an object-property disclosure, which cannot stand in an array (RFC 9901 §7.1 step 3.3.3.1)"
    )]
    PropertyDisclosureInArray {
        /// The array element.
        path: String,
    },
    /// A disclosed claim has the name of a claim already at that level.
    #[error(
        "the disclosed claim `{path}` already exists at that level (RFC 9901 §7.1 step 3.3.2.3)"
    )]
    ClaimCollision {
        /// Where the disclosed claim would go.
        path: String,
    },
    /// The same digest appears twice in the payload, directly or through disclosures.
    #[error(
        "the digest at `{path}` appears more than once in the SD-JWT (RFC 9901 §4.1, §7.1 step 4)"
    )]
    DuplicateDigest {
        /// Where the second occurrence was found.
        path: String,
    },
    /// The same disclosure was sent twice.
    #[error("disclosure {position} is sent more than once (RFC 9901 §4)")]
    DuplicateDisclosure {
        /// 1-based position of the second copy.
        position: usize,
    },
    /// A disclosure whose digest is nowhere in the payload or in the other disclosures sent.
    #[error(
        "disclosure {position} is not referenced by any digest in the issuer-signed JWT or in the other disclosures sent; if it is nested, send its parent too (RFC 9901 §7.1 step 5)"
    )]
    UnreferencedDisclosure {
        /// 1-based position of the disclosure.
        position: usize,
    },
    /// A claim that must always be visible is selectively disclosable, or has selectively
    /// disclosable content.
    #[error("`{path}` must never be selectively disclosable (RFC 9901 §9.7, SD-JWT VC §2.2.2.3)")]
    ForbiddenDisclosure {
        /// The claim, or the digest found inside it.
        path: String,
    },
    /// Claims nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    #[error("the claims at `{path}` are nested more than {max} levels deep")]
    TooDeep {
        /// Where the limit was reached.
        path: String,
        /// Deepest nesting accepted.
        max: usize,
    },

    // --- Issuance (RFC 9901 §4.2) ------------------------------------------------------------
    /// The disclosure frame is not of the documented JSON shape.
    #[error("invalid disclosure frame at `{path}`: {reason}")]
    InvalidFrame {
        /// Where in the frame.
        path: String,
        /// What is wrong, in words.
        reason: String,
    },
    /// The frame names a claim or element the claims do not have.
    #[error("the disclosure frame names `{path}`, which is not in the claims")]
    FrameClaimMissing {
        /// The missing claim.
        path: String,
    },
    /// The frame treats a claim as an object or array, and it is not.
    #[error("the disclosure frame expects {expected} at `{path}`, the claims have something else")]
    FrameTypeMismatch {
        /// The claim.
        path: String,
        /// `"an object"`, `"an array"`, or `"an object or an array"`.
        expected: &'static str,
    },
    /// More decoys requested than [`MAX_DECOYS`](super::MAX_DECOYS), or `min > max`.
    #[error(
        "decoy count {min}..={max} is invalid: min must not exceed max, and max must not exceed {limit}"
    )]
    InvalidDecoyCount {
        /// Fewest decoys requested.
        min: usize,
        /// Most decoys requested.
        max: usize,
        /// Largest count accepted.
        limit: usize,
    },

    // --- Presentation (RFC 9901 §7.2) --------------------------------------------------------
    /// A claim path is not an RFC 6901 JSON Pointer.
    #[error("`{path}` is not a claim path: {reason} (RFC 6901)")]
    InvalidClaimPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A claim path points at no claim of the credential.
    #[error("the credential has no claim at `{path}`")]
    ClaimPathNotFound {
        /// The path given.
        path: String,
    },
    /// A claim path points at a claim that is always visible and has nothing disclosable in it.
    #[error(
        "`{path}` is always visible in this credential and has nothing selectively disclosable; there is nothing to choose"
    )]
    NothingToDisclose {
        /// The path given.
        path: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_no_disclosure_content() {
        let error = SdJwtError::DisclosureShape {
            found: "4 elements".into(),
        };
        assert!(error.to_string().contains("4 elements"));
    }
}
