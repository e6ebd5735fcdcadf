//! The issuance request a holder's wallet hands an issuer: the holder DID, the link proof of
//! each avatar with its platform and handle, and, for a batch, one public key per copy. One
//! type for both sides, so that what the wallet writes is what the issuer reads.

use did_core::did::Did;
use did_core::key::Jwk;
use serde::{Deserialize, Serialize};

use super::{LinkProof, Platform};

/// One avatar of an issuance request: the link proof of the avatar and the holder, the
/// platform it claims (which its signed statement must name) and the avatar's handle there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRequest {
    /// The platform the avatar lives on.
    pub platform: Platform,
    /// The avatar's handle on its platform.
    pub handle: String,
    /// The two signatures of the link statement.
    #[serde(flatten)]
    pub proof: LinkProof,
}

/// What a holder's wallet sends an issuer: the holder DID, the links of its avatars, and,
/// for a batch, one public key per copy. Its JSON form is
/// `{"holder": DID, "holder_keys": [JWK, …], "links": [{"platform", "handle", "avatar",
/// "holder"}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuanceRequest {
    /// The holder's DID: the `sub` of every link statement and of the credential.
    pub holder: Did,
    /// One holder key per copy; empty for one copy bound to the holder's did:key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holder_keys: Vec<Jwk>,
    /// The avatars to link.
    pub links: Vec<LinkRequest>,
}
