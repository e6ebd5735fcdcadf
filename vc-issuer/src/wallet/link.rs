//! The issuance request a holder hands an issuer: the link proofs of its avatars and,
//! for a batch, one public key per copy (the "issuance request" of the wallet–issuer contract).

use did_core::did::Did;
use did_core::key::Jwk;
use serde::{Deserialize, Serialize};

use crate::avatar::{LinkProof, Platform};

/// What `avid avatar link` prints and `avid issuer issue --links` reads:
///
/// ```json
/// {"holder": "did:key:z…", "holder_keys": [{JWK}, …],
///  "links": [{"platform": "resonite", "handle": "alice_res", "avatar": "<JWS>", "holder": "<JWS>"}]}
/// ```
///
/// Without `holder_keys`, the single copy is bound to the holder DID's own key. The issuer
/// reads the same JSON as `issuer::issuance::IssuanceRequest` (feature `issuer-store`); the
/// wallet's tests check that what it writes, the issuer accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuanceRequest {
    /// The holder DID: the `sub` of every link statement.
    pub holder: Did,
    /// One public key per batch copy; empty for a single copy bound to the holder DID.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holder_keys: Vec<Jwk>,
    /// The link proofs, one per avatar.
    pub links: Vec<IssuanceLink>,
}

/// One avatar's link proof and its handle on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuanceLink {
    /// The platform the avatar lives on (also inside the signed statement, which must agree).
    pub platform: Platform,
    /// The avatar's display name on its platform (the platform and the avatar DID are inside
    /// the signed statement).
    pub handle: String,
    /// The two signatures over the link statement.
    #[serde(flatten)]
    pub proof: LinkProof,
}
