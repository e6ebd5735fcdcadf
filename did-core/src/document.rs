//! DID documents (DID Core §5): verification methods, verification relationships, services,
//! `alsoKnownAs` and `controller`, with their JSON (`application/did+json`) and JSON-LD
//! (`application/did+ld+json`) representations (DID Core §6).
//!
//! A document read from the outside (did:web, a resolver over HTTP) goes through
//! [`DidDocument::from_json`], which bounds its size and checks the rules of §5 that a verifier
//! leans on: the `id` is a DID, every verification method's `id` is a DID URL, and its key
//! material parses. Relative references (`#key-1`) are resolved against the document `id`
//! (DID Core §3.2.2) so that code after this point only sees absolute DID URLs.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::did::{Did, DidError, DidUrl};
use crate::excerpt::excerpt;
use crate::key::{Jwk, KeyError, PublicKey};

/// The base context of the JSON-LD representation (DID Core §6.3.1).
pub const DID_CONTEXT_V1: &str = "https://www.w3.org/ns/did/v1";
/// The context that defines `Multikey` (W3C Controlled Identifiers §2.2.2).
pub const MULTIKEY_CONTEXT_V1: &str = "https://w3id.org/security/multikey/v1";
/// The context that defines `JsonWebKey` (W3C Controlled Identifiers §2.2.3).
pub const JWK_CONTEXT_V1: &str = "https://w3id.org/security/jwk/v1";

/// Largest DID document accepted from outside (did:web bodies, HTTP resolvers).
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// Most verification methods or services accepted in one document.
pub const MAX_ENTRIES: usize = 256;

/// Why a DID document was refused.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The bytes were not a JSON object of the DID document shape.
    #[error("the DID document is not valid JSON of the DID Core shape: {0}")]
    Json(String),
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the DID document is {size} bytes; at most {max} are accepted")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A list holds more than [`MAX_ENTRIES`] entries.
    #[error("the DID document lists {count} {what}; at most {max} are accepted")]
    TooManyEntries {
        /// Which list.
        what: &'static str,
        /// How many it holds.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An identifier in the document is not a DID or DID URL.
    #[error("{field} is not a valid DID or DID URL: {source}")]
    Identifier {
        /// The member that held it.
        field: &'static str,
        /// What was wrong with it.
        source: DidError,
    },
    /// The document `id` is not the DID that was resolved (DID Core §7.1.1).
    #[error("the document id {found} is not the resolved DID {expected}")]
    IdMismatch {
        /// The DID that was resolved.
        expected: String,
        /// The `id` found in the document.
        found: String,
    },
    /// A verification method carries no usable key material.
    #[error("verification method {id}: {reason}")]
    VerificationMethod {
        /// The method's id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two verification methods (in `verificationMethod` or embedded in a relationship) have
    /// the same id, so a `kid` naming it could mean either key.
    #[error("two verification methods have the id {id}")]
    DuplicateVerificationMethodId {
        /// The id, shortened if long.
        id: String,
    },
    /// Two services have the same id (DID Core §5.4: "a conforming DID document MUST NOT
    /// include multiple service entries with the same id").
    #[error("two services have the id {id} (DID Core §5.4)")]
    DuplicateServiceId {
        /// The id, shortened if long.
        id: String,
    },
    /// The key material of a verification method did not parse.
    #[error("verification method {id}: {source}")]
    Key {
        /// The method's id.
        id: String,
        /// The key error.
        source: KeyError,
    },
}

/// The key material of a verification method (DID Core §5.2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `publicKeyMultibase`: a multibase multicodec key (Controlled Identifiers §2.2.2).
    Multibase(String),
    /// `publicKeyJwk`: a public JWK (Controlled Identifiers §2.2.3; never with `d`).
    Jwk(Box<Jwk>),
}

/// A verification method (DID Core §5.2).
#[derive(Clone, Debug, PartialEq)]
pub struct VerificationMethod {
    /// Absolute DID URL of the method, usually `did#fragment`.
    pub id: DidUrl,
    /// The method type: `Multikey`, `JsonWebKey`, or a legacy type such as
    /// `Ed25519VerificationKey2020`.
    pub type_: String,
    /// The DID that controls the method.
    pub controller: Did,
    /// The public key, as carried in the document; `None` for methods that name a key some
    /// other way (e.g. did:pkh's `blockchainAccountId`, kept in `extra`).
    pub key_material: Option<KeyMaterial>,
    /// Members this crate does not interpret, kept for round trips.
    pub extra: Map<String, Value>,
}

/// `Multikey`, the verification method type of W3C Controlled Identifiers §2.2.2.
pub const MULTIKEY: &str = "Multikey";
/// `JsonWebKey`, the verification method type of W3C Controlled Identifiers §2.2.3.
pub const JSON_WEB_KEY: &str = "JsonWebKey";

impl VerificationMethod {
    /// A `Multikey` method for `key`, controlled by `controller`.
    pub fn multikey(id: DidUrl, controller: Did, key: &PublicKey) -> VerificationMethod {
        VerificationMethod {
            id,
            type_: MULTIKEY.to_owned(),
            controller,
            key_material: Some(KeyMaterial::Multibase(key.to_multikey())),
            extra: Map::new(),
        }
    }

    /// A `JsonWebKey` method for `key`, controlled by `controller`.
    pub fn json_web_key(id: DidUrl, controller: Did, key: &PublicKey) -> VerificationMethod {
        VerificationMethod {
            id,
            type_: JSON_WEB_KEY.to_owned(),
            controller,
            key_material: Some(KeyMaterial::Jwk(Box::new(key.to_jwk()))),
            extra: Map::new(),
        }
    }

    /// The public key of this method, parsed from its key material.
    pub fn public_key(&self) -> Result<PublicKey, DocumentError> {
        let parsed = match &self.key_material {
            Some(KeyMaterial::Multibase(text)) => PublicKey::from_multikey(text),
            Some(KeyMaterial::Jwk(jwk)) => PublicKey::from_jwk(jwk),
            None => {
                return Err(DocumentError::VerificationMethod {
                    id: excerpt(self.id.as_str()),
                    reason: "it carries no publicKeyMultibase or publicKeyJwk".into(),
                });
            }
        };
        parsed.map_err(|source| DocumentError::Key {
            id: excerpt(self.id.as_str()),
            source,
        })
    }

    fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".into(), Value::String(self.id.to_string()));
        object.insert("type".into(), Value::String(self.type_.clone()));
        object.insert(
            "controller".into(),
            Value::String(self.controller.to_string()),
        );
        match &self.key_material {
            Some(KeyMaterial::Multibase(text)) => {
                object.insert("publicKeyMultibase".into(), Value::String(text.clone()));
            }
            Some(KeyMaterial::Jwk(jwk)) => {
                let jwk = serde_json::to_value(jwk.as_ref()).unwrap_or(Value::Null);
                object.insert("publicKeyJwk".into(), jwk);
            }
            None => {}
        }
        for (name, value) in &self.extra {
            object.insert(name.clone(), value.clone());
        }
        Value::Object(object)
    }

    fn from_json(value: &Value, base: &Did) -> Result<VerificationMethod, DocumentError> {
        let Value::Object(object) = value else {
            return Err(DocumentError::Json(
                "a verification method must be an object".into(),
            ));
        };
        let id = object_string(object, "id", "verificationMethod.id")?;
        let id = absolute_did_url(id, base, "verificationMethod.id")?;
        let type_ = object_string(object, "type", "verificationMethod.type")?.to_owned();
        let controller = object_string(object, "controller", "verificationMethod.controller")?;
        let controller = Did::parse(controller).map_err(|source| DocumentError::Identifier {
            field: "verificationMethod.controller",
            source,
        })?;
        // DID Core §5.2.1: exactly one of the key material members.
        let key_material = match (object.get("publicKeyMultibase"), object.get("publicKeyJwk")) {
            (Some(Value::String(text)), None) => Some(KeyMaterial::Multibase(text.clone())),
            (None, Some(jwk @ Value::Object(_))) => {
                let jwk: Jwk = serde_json::from_value(jwk.clone()).map_err(|err| {
                    DocumentError::VerificationMethod {
                        id: excerpt(id.as_str()),
                        reason: format!("publicKeyJwk is not a JWK: {}", excerpt(&err.to_string())),
                    }
                })?;
                Some(KeyMaterial::Jwk(Box::new(jwk)))
            }
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(DocumentError::VerificationMethod {
                    id: excerpt(id.as_str()),
                    reason: "it carries both publicKeyMultibase and publicKeyJwk (DID Core §5.2.1)"
                        .into(),
                });
            }
            _ => {
                return Err(DocumentError::VerificationMethod {
                    id: excerpt(id.as_str()),
                    reason: "publicKeyMultibase must be a string and publicKeyJwk an object".into(),
                });
            }
        };
        let extra = object
            .iter()
            .filter(|(name, _)| {
                !matches!(
                    name.as_str(),
                    "id" | "type" | "controller" | "publicKeyMultibase" | "publicKeyJwk"
                )
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let method = VerificationMethod {
            id,
            type_,
            controller,
            key_material,
            extra,
        };
        // Key material that does not parse (or a JWK with private members) is refused here,
        // before anything can use it.
        if method.key_material.is_some() {
            method.public_key()?;
        }
        Ok(method)
    }
}

/// An entry of a verification relationship (DID Core §5.3): a reference to a method defined
/// elsewhere, or a method embedded in place.
#[derive(Clone, Debug, PartialEq)]
pub enum Relationship {
    /// A DID URL naming a verification method.
    Reference(DidUrl),
    /// A verification method usable only for this relationship.
    Embedded(Box<VerificationMethod>),
}

impl Relationship {
    /// The DID URL this entry stands for.
    pub fn id(&self) -> &DidUrl {
        match self {
            Relationship::Reference(id) => id,
            Relationship::Embedded(method) => &method.id,
        }
    }
}

/// The verification relationships of DID Core §5.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationshipKind {
    /// `authentication` (§5.3.1).
    Authentication,
    /// `assertionMethod` (§5.3.2): signing credentials.
    AssertionMethod,
    /// `keyAgreement` (§5.3.3).
    KeyAgreement,
    /// `capabilityInvocation` (§5.3.4).
    CapabilityInvocation,
    /// `capabilityDelegation` (§5.3.5).
    CapabilityDelegation,
}

impl RelationshipKind {
    /// Every relationship, in the order DID Core lists them.
    pub const ALL: [RelationshipKind; 5] = [
        RelationshipKind::Authentication,
        RelationshipKind::AssertionMethod,
        RelationshipKind::KeyAgreement,
        RelationshipKind::CapabilityInvocation,
        RelationshipKind::CapabilityDelegation,
    ];

    /// The member name in a DID document.
    pub fn property(self) -> &'static str {
        match self {
            RelationshipKind::Authentication => "authentication",
            RelationshipKind::AssertionMethod => "assertionMethod",
            RelationshipKind::KeyAgreement => "keyAgreement",
            RelationshipKind::CapabilityInvocation => "capabilityInvocation",
            RelationshipKind::CapabilityDelegation => "capabilityDelegation",
        }
    }
}

/// A service (DID Core §5.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The service id: a URI, usually `did#fragment`.
    pub id: String,
    /// One type or several.
    #[serde(rename = "type")]
    pub type_: Value,
    /// A URI, a map or a set of them.
    #[serde(rename = "serviceEndpoint")]
    pub service_endpoint: Value,
    /// Members this crate does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Service {
    /// Whether the service id's fragment is `fragment` (as `did#fragment` or `#fragment`).
    pub fn has_fragment(&self, fragment: &str) -> bool {
        self.id
            .rsplit_once('#')
            .is_some_and(|(_, found)| found == fragment)
    }
}

/// A DID document (DID Core §5).
#[derive(Clone, Debug, PartialEq)]
pub struct DidDocument {
    /// The DID subject (§5.1.1).
    pub id: Did,
    /// Other URIs for the subject (§5.1.3); avid lists avatar identities here.
    pub also_known_as: Vec<String>,
    /// DIDs that may change this document (§5.1.2).
    pub controller: Vec<Did>,
    /// Verification methods defined by this document (§5.2).
    pub verification_method: Vec<VerificationMethod>,
    /// `authentication` entries (§5.3.1).
    pub authentication: Vec<Relationship>,
    /// `assertionMethod` entries (§5.3.2).
    pub assertion_method: Vec<Relationship>,
    /// `keyAgreement` entries (§5.3.3).
    pub key_agreement: Vec<Relationship>,
    /// `capabilityInvocation` entries (§5.3.4).
    pub capability_invocation: Vec<Relationship>,
    /// `capabilityDelegation` entries (§5.3.5).
    pub capability_delegation: Vec<Relationship>,
    /// Services (§5.4).
    pub service: Vec<Service>,
    /// Members this crate does not interpret, kept for round trips (but never `@context`).
    pub extra: Map<String, Value>,
}

impl DidDocument {
    /// An empty document for `id`.
    pub fn new(id: Did) -> DidDocument {
        DidDocument {
            id,
            also_known_as: Vec::new(),
            controller: Vec::new(),
            verification_method: Vec::new(),
            authentication: Vec::new(),
            assertion_method: Vec::new(),
            key_agreement: Vec::new(),
            capability_invocation: Vec::new(),
            capability_delegation: Vec::new(),
            service: Vec::new(),
            extra: Map::new(),
        }
    }

    /// The entries of one verification relationship.
    pub fn relationship(&self, kind: RelationshipKind) -> &[Relationship] {
        match kind {
            RelationshipKind::Authentication => &self.authentication,
            RelationshipKind::AssertionMethod => &self.assertion_method,
            RelationshipKind::KeyAgreement => &self.key_agreement,
            RelationshipKind::CapabilityInvocation => &self.capability_invocation,
            RelationshipKind::CapabilityDelegation => &self.capability_delegation,
        }
    }

    fn relationship_mut(&mut self, kind: RelationshipKind) -> &mut Vec<Relationship> {
        match kind {
            RelationshipKind::Authentication => &mut self.authentication,
            RelationshipKind::AssertionMethod => &mut self.assertion_method,
            RelationshipKind::KeyAgreement => &mut self.key_agreement,
            RelationshipKind::CapabilityInvocation => &mut self.capability_invocation,
            RelationshipKind::CapabilityDelegation => &mut self.capability_delegation,
        }
    }

    /// Adds `method` and references it from each of `relationships`.
    pub fn add_method(&mut self, method: VerificationMethod, relationships: &[RelationshipKind]) {
        for kind in relationships {
            self.relationship_mut(*kind)
                .push(Relationship::Reference(method.id.clone()));
        }
        self.verification_method.push(method);
    }

    /// Finds a verification method by its DID URL, defined in `verificationMethod` or embedded
    /// in a relationship.
    pub fn find_method(&self, id: &DidUrl) -> Option<&VerificationMethod> {
        self.verification_method
            .iter()
            .find(|method| &method.id == id)
            .or_else(|| {
                RelationshipKind::ALL
                    .iter()
                    .flat_map(|kind| self.relationship(*kind))
                    .find_map(|entry| match entry {
                        Relationship::Embedded(method) if &method.id == id => Some(method.as_ref()),
                        _ => None,
                    })
            })
    }

    /// The verification method `id`, only if the document authorizes it for `kind`
    /// (DID Core §5.3: a key is usable for a purpose only through that relationship).
    pub fn method_for(&self, id: &DidUrl, kind: RelationshipKind) -> Option<&VerificationMethod> {
        self.relationship(kind)
            .iter()
            .find(|entry| entry.id() == id)
            .and_then(|entry| match entry {
                Relationship::Embedded(method) => Some(method.as_ref()),
                Relationship::Reference(id) => self.find_method(id),
            })
    }

    /// Every verification method authorized for `kind`, in document order.
    pub fn methods_for(&self, kind: RelationshipKind) -> impl Iterator<Item = &VerificationMethod> {
        self.relationship(kind)
            .iter()
            .filter_map(move |entry| match entry {
                Relationship::Embedded(method) => Some(method.as_ref()),
                Relationship::Reference(id) => self.find_method(id),
            })
    }

    /// The plain JSON representation (`application/did+json`, DID Core §6.2): no `@context`.
    pub fn to_json(&self) -> Value {
        Value::Object(self.members())
    }

    /// The JSON-LD representation (`application/did+ld+json`, DID Core §6.3): the members plus
    /// an `@context` that defines every verification method type used.
    pub fn to_json_ld(&self) -> Value {
        let mut object = Map::new();
        object.insert("@context".into(), Value::Array(self.contexts()));
        object.extend(self.members());
        Value::Object(object)
    }

    fn contexts(&self) -> Vec<Value> {
        let mut contexts = vec![Value::String(DID_CONTEXT_V1.into())];
        let all_methods = self.verification_method.iter().chain(
            RelationshipKind::ALL
                .iter()
                .flat_map(|kind| self.relationship(*kind))
                .filter_map(|entry| match entry {
                    Relationship::Embedded(method) => Some(method.as_ref()),
                    Relationship::Reference(_) => None,
                }),
        );
        for method in all_methods {
            let context = match method.type_.as_str() {
                MULTIKEY => MULTIKEY_CONTEXT_V1,
                JSON_WEB_KEY => JWK_CONTEXT_V1,
                _ => continue,
            };
            if !contexts.iter().any(|known| known == context) {
                contexts.push(Value::String(context.into()));
            }
        }
        contexts
    }

    fn members(&self) -> Map<String, Value> {
        let mut object = Map::new();
        object.insert("id".into(), Value::String(self.id.to_string()));
        if !self.also_known_as.is_empty() {
            object.insert(
                "alsoKnownAs".into(),
                Value::Array(
                    self.also_known_as
                        .iter()
                        .map(|uri| Value::String(uri.clone()))
                        .collect(),
                ),
            );
        }
        match self.controller.as_slice() {
            [] => {}
            [one] => {
                object.insert("controller".into(), Value::String(one.to_string()));
            }
            many => {
                object.insert(
                    "controller".into(),
                    Value::Array(
                        many.iter()
                            .map(|did| Value::String(did.to_string()))
                            .collect(),
                    ),
                );
            }
        }
        if !self.verification_method.is_empty() {
            object.insert(
                "verificationMethod".into(),
                Value::Array(
                    self.verification_method
                        .iter()
                        .map(VerificationMethod::to_json)
                        .collect(),
                ),
            );
        }
        for kind in RelationshipKind::ALL {
            let entries = self.relationship(kind);
            if entries.is_empty() {
                continue;
            }
            let entries = entries
                .iter()
                .map(|entry| match entry {
                    Relationship::Reference(id) => Value::String(id.to_string()),
                    Relationship::Embedded(method) => method.to_json(),
                })
                .collect();
            object.insert(kind.property().into(), Value::Array(entries));
        }
        if !self.service.is_empty() {
            object.insert(
                "service".into(),
                serde_json::to_value(&self.service).unwrap_or(Value::Null),
            );
        }
        for (name, value) in &self.extra {
            object.insert(name.clone(), value.clone());
        }
        object
    }

    /// Checks that no two verification methods and no two services share an id, as every
    /// document read from outside or built from a DID must: DID Core §5.4 makes a duplicate
    /// service id a consumer MUST, and a duplicate method id would make every `kid` lookup
    /// ambiguous. Relative service ids (`#x`) are compared in their absolute form.
    pub fn check_unique_ids(&self) -> Result<(), DocumentError> {
        let mut methods = HashSet::new();
        let embedded = RelationshipKind::ALL
            .iter()
            .flat_map(|kind| self.relationship(*kind))
            .filter_map(|entry| match entry {
                Relationship::Embedded(method) => Some(method.as_ref()),
                Relationship::Reference(_) => None,
            });
        for method in self.verification_method.iter().chain(embedded) {
            if !methods.insert(method.id.as_str()) {
                return Err(DocumentError::DuplicateVerificationMethodId {
                    id: excerpt(method.id.as_str()),
                });
            }
        }
        let mut services = HashSet::new();
        for service in &self.service {
            let absolute = if service.id.starts_with('#') {
                format!("{}{}", self.id, service.id)
            } else {
                service.id.clone()
            };
            if !services.insert(absolute) {
                return Err(DocumentError::DuplicateServiceId {
                    id: excerpt(&service.id),
                });
            }
        }
        Ok(())
    }

    /// Parses a document received from outside, bounded in size and checked against DID Core
    /// §5. Relative DID URLs are made absolute against the document `id`.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<DidDocument, DocumentError> {
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge {
                size: bytes.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        let value: Value =
            serde_json::from_slice(bytes).map_err(|err| DocumentError::Json(err.to_string()))?;
        DidDocument::from_json(&value)
    }

    /// Parses a document from a JSON value (JSON or JSON-LD representation).
    pub fn from_json(value: &Value) -> Result<DidDocument, DocumentError> {
        let Value::Object(object) = value else {
            return Err(DocumentError::Json(
                "a DID document must be a JSON object".into(),
            ));
        };
        let id = object_string(object, "id", "id")?;
        let id = Did::parse(id).map_err(|source| DocumentError::Identifier {
            field: "id",
            source,
        })?;
        let mut document = DidDocument::new(id);

        for (name, value) in object {
            match name.as_str() {
                "id" | "@context" => {}
                "alsoKnownAs" => {
                    document.also_known_as = string_set(value, "alsoKnownAs")?;
                }
                "controller" => {
                    document.controller = string_set(value, "controller")?
                        .iter()
                        .map(|text| {
                            Did::parse(text).map_err(|source| DocumentError::Identifier {
                                field: "controller",
                                source,
                            })
                        })
                        .collect::<Result<_, _>>()?;
                }
                "verificationMethod" => {
                    let entries = bounded_array(value, "verificationMethod")?;
                    document.verification_method = entries
                        .iter()
                        .map(|entry| VerificationMethod::from_json(entry, &document.id))
                        .collect::<Result<_, _>>()?;
                }
                "service" => {
                    let entries = bounded_array(value, "service")?;
                    document.service = entries
                        .iter()
                        .map(|entry| {
                            serde_json::from_value(entry.clone()).map_err(|err| {
                                DocumentError::Json(format!(
                                    "service: {}",
                                    excerpt(&err.to_string())
                                ))
                            })
                        })
                        .collect::<Result<_, _>>()?;
                }
                other => {
                    if let Some(kind) = RelationshipKind::ALL
                        .into_iter()
                        .find(|kind| kind.property() == other)
                    {
                        let entries = bounded_array(value, kind.property())?;
                        let parsed = entries
                            .iter()
                            .map(|entry| relationship_from_json(entry, &document.id))
                            .collect::<Result<Vec<_>, _>>()?;
                        *document.relationship_mut(kind) = parsed;
                    } else {
                        document.extra.insert(other.to_owned(), value.clone());
                    }
                }
            }
        }
        document.check_unique_ids()?;
        Ok(document)
    }
}

impl Serialize for DidDocument {
    /// Serializes the plain JSON representation; use [`DidDocument::to_json_ld`] for JSON-LD.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.members().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DidDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        DidDocument::from_json(&value).map_err(serde::de::Error::custom)
    }
}

fn relationship_from_json(value: &Value, base: &Did) -> Result<Relationship, DocumentError> {
    match value {
        Value::String(text) => Ok(Relationship::Reference(absolute_did_url(
            text,
            base,
            "verification relationship",
        )?)),
        Value::Object(_) => Ok(Relationship::Embedded(Box::new(
            VerificationMethod::from_json(value, base)?,
        ))),
        _ => Err(DocumentError::Json(
            "a verification relationship entry must be a DID URL or a verification method".into(),
        )),
    }
}

/// DID Core §3.2.2: a relative DID URL is resolved against the DID of the document.
fn absolute_did_url(text: &str, base: &Did, field: &'static str) -> Result<DidUrl, DocumentError> {
    let parsed = if text.starts_with('#') {
        DidUrl::parse(&format!("{base}{text}"))
    } else {
        DidUrl::parse(text)
    };
    parsed.map_err(|source| DocumentError::Identifier { field, source })
}

fn object_string<'a>(
    object: &'a Map<String, Value>,
    name: &str,
    field: &'static str,
) -> Result<&'a str, DocumentError> {
    match object.get(name) {
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(DocumentError::Json(format!("{field} must be a string"))),
        None => Err(DocumentError::Json(format!("{field} is required"))),
    }
}

fn bounded_array<'a>(value: &'a Value, what: &'static str) -> Result<&'a [Value], DocumentError> {
    let Value::Array(entries) = value else {
        return Err(DocumentError::Json(format!("{what} must be an array")));
    };
    if entries.len() > MAX_ENTRIES {
        return Err(DocumentError::TooManyEntries {
            what,
            count: entries.len(),
            max: MAX_ENTRIES,
        });
    }
    Ok(entries)
}

/// A string or a set of strings (DID Core §5.1.2 `controller`, §5.1.3 `alsoKnownAs`).
fn string_set(value: &Value, what: &'static str) -> Result<Vec<String>, DocumentError> {
    match value {
        Value::String(text) => Ok(vec![text.clone()]),
        Value::Array(_) => bounded_array(value, what)?
            .iter()
            .map(|entry| match entry {
                Value::String(text) => Ok(text.clone()),
                _ => Err(DocumentError::Json(format!(
                    "{what} must hold only strings"
                ))),
            })
            .collect(),
        _ => Err(DocumentError::Json(format!(
            "{what} must be a string or an array of strings"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::key::{KeyType, SecretKey};

    const DID: &str = "did:example:123";

    fn multikey() -> String {
        SecretKey::generate(KeyType::Ed25519)
            .public_key()
            .to_multikey()
    }

    #[test]
    fn resolves_relative_ids_against_the_document_id() {
        let key = multikey();
        let document = DidDocument::from_json(&json!({
            "id": DID,
            "verificationMethod": [{
                "id": "#key-1", "type": "Multikey", "controller": DID,
                "publicKeyMultibase": key,
            }],
            "assertionMethod": ["#key-1"],
        }))
        .unwrap();
        let id = DidUrl::parse("did:example:123#key-1").unwrap();
        assert_eq!(document.verification_method[0].id, id);
        assert!(
            document
                .method_for(&id, RelationshipKind::AssertionMethod)
                .is_some()
        );
        assert!(
            document
                .method_for(&id, RelationshipKind::Authentication)
                .is_none()
        );
    }

    #[test]
    fn rejects_duplicate_service_ids() {
        let service = |id: &str, endpoint: &str| json!({"id": id, "type": "LinkedDomains", "serviceEndpoint": endpoint});
        for (first, second) in [
            ("#files", "#files"),
            ("#files", "did:example:123#files"),
            ("did:example:123#files", "did:example:123#files"),
        ] {
            let result = DidDocument::from_json(&json!({
                "id": DID,
                "service": [service(first, "https://a.example"), service(second, "https://b.example")],
            }));
            assert!(
                matches!(result, Err(DocumentError::DuplicateServiceId { .. })),
                "{first} and {second}: {result:?}"
            );
        }
        let distinct = DidDocument::from_json(&json!({
            "id": DID,
            "service": [service("#a", "https://a.example"), service("did:example:other#a", "https://b.example")],
        }));
        assert!(distinct.is_ok(), "{distinct:?}");
    }

    #[test]
    fn rejects_duplicate_verification_method_ids() {
        let method = |id: &str| json!({"id": id, "type": "Multikey", "controller": DID, "publicKeyMultibase": multikey()});
        for document in [
            json!({"id": DID, "verificationMethod": [method("#key-1"), method("#key-1")]}),
            json!({"id": DID, "verificationMethod": [method("#key-1"), method("did:example:123#key-1")]}),
            json!({"id": DID, "verificationMethod": [method("#key-1")], "authentication": [method("#key-1")]}),
            json!({"id": DID, "authentication": [method("#k")], "assertionMethod": [method("#k")]}),
        ] {
            let result = DidDocument::from_json(&document);
            assert!(
                matches!(
                    result,
                    Err(DocumentError::DuplicateVerificationMethodId { .. })
                ),
                "{document}: {result:?}"
            );
        }
    }

    #[test]
    fn embedded_methods_serve_only_their_relationship() {
        let document = DidDocument::from_json(&json!({
            "id": DID,
            "authentication": [{
                "id": "#auth", "type": "Multikey", "controller": DID,
                "publicKeyMultibase": multikey(),
            }],
        }))
        .unwrap();
        let id = DidUrl::parse("did:example:123#auth").unwrap();
        assert!(document.find_method(&id).is_some());
        assert!(
            document
                .method_for(&id, RelationshipKind::Authentication)
                .is_some()
        );
        assert!(
            document
                .method_for(&id, RelationshipKind::AssertionMethod)
                .is_none()
        );
    }

    #[test]
    fn rejects_method_with_two_kinds_of_key_material() {
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let error = DidDocument::from_json(&json!({
            "id": DID,
            "verificationMethod": [{
                "id": "#k", "type": "Multikey", "controller": DID,
                "publicKeyMultibase": key.to_multikey(), "publicKeyJwk": key.to_jwk(),
            }],
        }))
        .unwrap_err();
        assert!(
            matches!(error, DocumentError::VerificationMethod { .. }),
            "{error}"
        );
    }

    #[test]
    fn rejects_private_key_in_public_key_jwk() {
        let secret = SecretKey::generate(KeyType::Ed25519);
        let error = DidDocument::from_json(&json!({
            "id": DID,
            "verificationMethod": [{
                "id": "#k", "type": "JsonWebKey", "controller": DID,
                "publicKeyJwk": secret.to_jwk(),
            }],
        }))
        .unwrap_err();
        assert!(
            matches!(error, DocumentError::VerificationMethod { .. }),
            "{error}"
        );
    }

    #[test]
    fn rejects_key_material_that_does_not_parse() {
        let error = DidDocument::from_json(&json!({
            "id": DID,
            "verificationMethod": [{
                "id": "#k", "type": "Multikey", "controller": DID,
                "publicKeyMultibase": "z6MkTRUNCATED",
            }],
        }))
        .unwrap_err();
        assert!(matches!(error, DocumentError::Key { .. }), "{error}");
    }

    #[test]
    fn rejects_invalid_ids() {
        for (document, field) in [
            (json!({"id": "not-a-did"}), "id"),
            (json!({"id": DID, "controller": "DID:bad"}), "controller"),
            (
                json!({"id": DID, "verificationMethod": [{"id": "k", "type": "Multikey", "controller": DID}]}),
                "verificationMethod.id",
            ),
            (
                json!({"id": DID, "authentication": ["not a DID URL"]}),
                "verification relationship",
            ),
        ] {
            let result = DidDocument::from_json(&document);
            assert!(
                matches!(&result, Err(DocumentError::Identifier { field: found, .. }) if *found == field),
                "{document}: {result:?}"
            );
        }
        for document in [
            json!({"id": DID, "authentication": [42]}),
            json!({"id": 7}),
            json!([]),
        ] {
            let result = DidDocument::from_json(&document);
            assert!(
                matches!(result, Err(DocumentError::Json(_))),
                "{document}: {result:?}"
            );
        }
    }

    #[test]
    fn rejects_oversized_documents_and_lists() {
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(matches!(
            DidDocument::from_json_bytes(&big),
            Err(DocumentError::TooLarge { .. })
        ));
        let many: Vec<Value> = (0..=MAX_ENTRIES).map(|n| json!(format!("#k{n}"))).collect();
        assert!(matches!(
            DidDocument::from_json(&json!({"id": DID, "authentication": many})),
            Err(DocumentError::TooManyEntries { .. })
        ));
    }

    #[test]
    fn method_without_key_material_is_kept_but_has_no_public_key() {
        let document = DidDocument::from_json(&json!({
            "id": DID,
            "verificationMethod": [{
                "id": "#acct", "type": "BlockchainVerificationMethod2021", "controller": DID,
                "blockchainAccountId": "eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a",
            }],
        }))
        .unwrap();
        let method = &document.verification_method[0];
        assert!(method.key_material.is_none());
        assert!(method.public_key().is_err());
        assert_eq!(
            document.to_json()["verificationMethod"][0]["blockchainAccountId"],
            "eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"
        );
    }

    #[test]
    fn json_and_json_ld_round_trip() {
        let did = Did::parse(DID).unwrap();
        let key = SecretKey::generate(KeyType::P256).public_key();
        let mut document = DidDocument::new(did.clone());
        document
            .also_known_as
            .push("https://world.example/@alice".into());
        document.controller.push(did.clone());
        document.add_method(
            VerificationMethod::json_web_key(did.with_fragment("jwk").unwrap(), did.clone(), &key),
            &[RelationshipKind::AssertionMethod],
        );
        document.add_method(
            VerificationMethod::multikey(did.with_fragment("mk").unwrap(), did.clone(), &key),
            &[RelationshipKind::Authentication],
        );
        document.service.push(Service {
            id: format!("{DID}#files"),
            type_: json!("LinkedDomains"),
            service_endpoint: json!("https://files.example/"),
            extra: Map::new(),
        });

        let plain = document.to_json();
        assert!(
            plain.get("@context").is_none(),
            "DID Core §6.2: JSON has no @context"
        );
        assert_eq!(DidDocument::from_json(&plain).unwrap(), document);

        let linked = document.to_json_ld();
        assert_eq!(
            linked["@context"],
            json!([DID_CONTEXT_V1, JWK_CONTEXT_V1, MULTIKEY_CONTEXT_V1])
        );
        assert_eq!(DidDocument::from_json(&linked).unwrap(), document);
    }
}
