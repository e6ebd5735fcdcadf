//! DID document metadata (DID Core §7.1.3): the properties a method reports about a document.

use serde_json::{Map, Value};

/// DID document metadata (DID Core §7.1.3). Unset members are left out of the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentMetadata {
    /// `created`: when the document was created (XML datetime, UTC).
    pub created: Option<String>,
    /// `updated`: when the document was last updated.
    pub updated: Option<String>,
    /// `deactivated`: the DID has been deactivated (the HTTP binding answers 410).
    pub deactivated: bool,
    /// `versionId`: the version of this document.
    pub version_id: Option<String>,
    /// `equivalentId`: other DIDs that are the same subject (e.g. a did:peer:4 short form).
    pub equivalent_id: Vec<String>,
    /// `canonicalId`: the canonical DID of the subject.
    pub canonical_id: Option<String>,
}

impl DocumentMetadata {
    /// The JSON object of the metadata.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut object = Map::new();
        let mut put = |name: &str, value: &Option<String>| {
            if let Some(value) = value {
                object.insert(name.into(), Value::String(value.clone()));
            }
        };
        put("created", &self.created);
        put("updated", &self.updated);
        put("versionId", &self.version_id);
        put("canonicalId", &self.canonical_id);
        if self.deactivated {
            object.insert("deactivated".into(), Value::Bool(true));
        }
        if !self.equivalent_id.is_empty() {
            object.insert(
                "equivalentId".into(),
                Value::Array(
                    self.equivalent_id
                        .iter()
                        .map(|id| Value::String(id.clone()))
                        .collect(),
                ),
            );
        }
        object
    }
}
