//! A test double for code above did-core (feature `test-util`): a resolver that serves one
//! fixed document, live or deactivated, so tests can shape verification relationships by
//! hand without a DID method behind them.

use async_trait::async_trait;

use super::{Resolution, ResolutionError, ResolutionOptions, Resolver};
use crate::did::Did;
use crate::document::DidDocument;

/// Serves `document` for every DID asked, with `deactivated` in its document metadata.
#[derive(Clone, Debug)]
pub struct FixedResolver {
    /// The document served.
    pub document: DidDocument,
    /// Whether the document metadata says the DID is deactivated.
    pub deactivated: bool,
}

impl FixedResolver {
    /// A resolver serving `document` as live.
    pub fn live(document: DidDocument) -> Self {
        Self {
            document,
            deactivated: false,
        }
    }

    /// A resolver serving `document` as deactivated.
    pub fn deactivated(document: DidDocument) -> Self {
        Self {
            document,
            deactivated: true,
        }
    }
}

#[async_trait]
impl Resolver for FixedResolver {
    async fn resolve(
        &self,
        _did: &Did,
        _options: &ResolutionOptions,
    ) -> Result<Resolution, ResolutionError> {
        let mut resolution = Resolution::new(self.document.clone());
        resolution.document_metadata.deactivated = self.deactivated;
        Ok(resolution)
    }
}
