//! did:pkh (W3C CCG did:pkh Method Specification), answered by `ssi`'s implementation behind
//! our [`Resolver`] trait: the long tail of DID methods is `ssi`'s strength, so avid reuses it
//! rather than re-deriving blockchain account formats.

use async_trait::async_trait;
use ssi::dids::{DIDPKH, DIDResolver};

use crate::did::Did;
use crate::document::DidDocument;
use crate::excerpt::excerpt;
use crate::resolution::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};

/// Resolves did:pkh through `ssi`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PkhResolver;

#[async_trait]
impl Resolver for PkhResolver {
    async fn resolve(
        &self,
        did: &Did,
        options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        options.representation()?;
        let ssi_did = ssi::dids::DID::new(did.as_str().as_bytes()).map_err(|_| {
            ResolutionError::new(
                ErrorKind::InvalidDid,
                format!("ssi does not accept {}", excerpt(did.as_str())),
            )
        })?;
        let output = DIDPKH.resolve(ssi_did).await.map_err(|err| {
            let kind = match err.kind() {
                ssi::dids::resolution::ErrorKind::NotFound => ErrorKind::NotFound,
                ssi::dids::resolution::ErrorKind::MethodNotSupported => {
                    ErrorKind::MethodNotSupported
                }
                ssi::dids::resolution::ErrorKind::InvalidMethodSpecificId
                | ssi::dids::resolution::ErrorKind::InvalidData => ErrorKind::InvalidDid,
                _ => ErrorKind::InternalError,
            };
            ResolutionError::new(kind, format!("{}: {err}", excerpt(did.as_str())))
        })?;
        let json = serde_json::to_value(output.document.document()).map_err(|err| {
            ResolutionError::new(
                ErrorKind::InternalError,
                format!("{}: {err}", excerpt(did.as_str())),
            )
        })?;
        let document = DidDocument::from_json(&json).map_err(|err| {
            ResolutionError::new(
                ErrorKind::InternalError,
                format!(
                    "ssi gave a document for {} that avid cannot read: {err}",
                    excerpt(did.as_str())
                ),
            )
        })?;
        Ok(Resolution::new(document))
    }
}
