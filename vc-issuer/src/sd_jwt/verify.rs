//! Structural verification: from the verified issuer-signed payload and the disclosures sent, to
//! the Processed SD-JWT Payload, applying every rule of RFC 9901 §7.1 steps 3 to 5.
//!
//! This runs after the JOSE layer has checked the issuer's signature (§7.1 step 2) and hands
//! over the payload; it does no I/O and no signature math. Each digest is looked up in a table
//! of the disclosures' digests built once and sorted, the payload is rewritten in place, and
//! duplicates are caught without copying a digest: a disclosed one by its disclosure having
//! been referenced already, any other by the set of digests met that name no disclosure.

use std::collections::HashSet;

use did_core::excerpt::excerpt;
use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::claim_path::{push_index, push_segment};
use super::disclosure::Disclosure;
use super::error::SdJwtError;
use super::hash::{EncodedDigest, HashAlgorithm};
use super::{MAX_DEPTH, MAX_DISCLOSURES};

/// What the verifier requires beyond RFC 9901 itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyOptions {
    /// Top-level claims that must never be selectively disclosable, such as
    /// [`SD_JWT_VC_NEVER_DISCLOSABLE`](super::SD_JWT_VC_NEVER_DISCLOSABLE): a disclosure of one,
    /// or any digest inside one, is refused.
    pub never_disclosable: Vec<String>,
}

impl VerifyOptions {
    /// The options of an SD-JWT VC verifier: the SD-JWT VC never-disclosable claims.
    pub fn sd_jwt_vc() -> Self {
        Self {
            never_disclosable: super::SD_JWT_VC_NEVER_DISCLOSABLE
                .map(String::from)
                .to_vec(),
        }
    }
}

/// The Processed SD-JWT Payload (RFC 9901 §7.1) and what the verifier learnt on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessedPayload {
    /// The claims: plain claims and disclosed claims in place, with `_sd`, `_sd_alg` and the
    /// undisclosed array elements removed.
    pub claims: Map<String, Value>,
    /// JSON Pointers (RFC 6901) into `claims` of every disclosed claim, in the order the
    /// payload was walked; array indices count the elements of the processed arrays.
    pub disclosed: Vec<String>,
    /// The hash algorithm of the digests, from `_sd_alg` or the default; `sd_hash` uses it too.
    pub hash_alg: HashAlgorithm,
}

/// The hash algorithm of an issuer-signed payload: `_sd_alg`, or `sha-256` when absent
/// (RFC 9901 §4.1.1).
pub fn payload_hash_algorithm(payload: &Map<String, Value>) -> Result<HashAlgorithm, SdJwtError> {
    match payload.get("_sd_alg") {
        None => Ok(HashAlgorithm::Sha256),
        Some(Value::String(name)) => HashAlgorithm::from_name(name),
        Some(other) => Err(SdJwtError::UnsupportedHashAlg {
            name: excerpt(&other.to_string()),
        }),
    }
}

/// Rebuilds the claims of an SD-JWT from its verified payload and the disclosures sent
/// (RFC 9901 §7.1 steps 3–5).
///
/// Refused, each with its own [`SdJwtError`]: an unknown `_sd_alg` or one below the top level;
/// an `_sd` that is not an array of strings; a `...` element with another key or a non-string
/// digest, or a `...` key outside an array element; an array-element disclosure named from
/// `_sd` or a property disclosure from an array; a disclosed claim name already present at its
/// level; any digest met twice, decoys included; the same disclosure sent twice; a disclosure
/// no digest refers to (including a nested one whose parent was not sent); a disclosure of, or
/// any digest inside, a never-disclosable claim; nesting deeper than [`MAX_DEPTH`].
pub fn verify_disclosures(
    payload: Map<String, Value>,
    disclosures: &[Disclosure],
    options: &VerifyOptions,
) -> Result<ProcessedPayload, SdJwtError> {
    let mut disclosed = Vec::with_capacity(disclosures.len());
    let (claims, hash_alg) = process(
        payload,
        Source::Borrowed(disclosures),
        options,
        Some(&mut disclosed),
    )?;
    Ok(ProcessedPayload {
        claims,
        disclosed,
        hash_alg,
    })
}

/// [`verify_disclosures`] for a verifier that is done with the disclosures once it has the
/// claims: their names and values are moved into the claims instead of copied, and the JSON
/// Pointers of the disclosed claims are collected into `disclosed` only when given. Returns
/// the claims and the hash algorithm; the rules and errors are exactly those of
/// [`verify_disclosures`].
pub(crate) fn process_disclosures(
    payload: Map<String, Value>,
    disclosures: &mut [Disclosure],
    options: &VerifyOptions,
    disclosed: Option<&mut Vec<String>>,
) -> Result<(Map<String, Value>, HashAlgorithm), SdJwtError> {
    process(payload, Source::Owned(disclosures), options, disclosed)
}

fn process(
    mut payload: Map<String, Value>,
    source: Source<'_>,
    options: &VerifyOptions,
    disclosed: Option<&mut Vec<String>>,
) -> Result<(Map<String, Value>, HashAlgorithm), SdJwtError> {
    // §7.1 step 2.4 and step 3.6: understand `_sd_alg`, then drop it from the result.
    let hash_alg = payload_hash_algorithm(&payload)?;
    payload.remove("_sd_alg");
    let count = source.disclosures().len();
    if count > MAX_DISCLOSURES {
        return Err(SdJwtError::TooManyDisclosures {
            max: MAX_DISCLOSURES,
        });
    }
    let by_digest = DigestTable::new(source.disclosures(), hash_alg)?;
    let mut walk = Walk {
        source,
        by_digest,
        referenced: vec![false; count],
        undisclosed: HashSet::new(),
        disclosed,
        never_disclosable: &options.never_disclosable,
        path: String::with_capacity(64),
    };
    walk.object(&mut payload, 0, Scope::TopLevel)?;
    // §7.1 step 5: every disclosure must hang off a digest, directly or through its parents.
    if let Some(position) = walk.referenced.iter().position(|referenced| !referenced) {
        return Err(SdJwtError::UnreferencedDisclosure {
            position: position + 1,
        });
    }
    Ok((payload, hash_alg))
}

/// Where in the payload an object or array sits, for the rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The payload itself, the only place `_sd_alg` may be.
    TopLevel,
    /// Anywhere below.
    Nested,
    /// Inside a never-disclosable claim, where no digest may appear.
    NeverDisclosable,
}

impl Scope {
    fn below(self) -> Self {
        match self {
            Self::TopLevel | Self::Nested => Self::Nested,
            Self::NeverDisclosable => Self::NeverDisclosable,
        }
    }
}

/// Where the walk takes the disclosed names and values from.
enum Source<'a> {
    /// Disclosures the caller keeps: names and values are copied.
    Borrowed(&'a [Disclosure]),
    /// Disclosures the caller is done with: names and values are moved out, each at most once
    /// because a digest met twice is refused before its disclosure is used.
    Owned(&'a mut [Disclosure]),
}

impl Source<'_> {
    fn disclosures(&self) -> &[Disclosure] {
        match self {
            Self::Borrowed(disclosures) => disclosures,
            Self::Owned(disclosures) => disclosures,
        }
    }

    /// The claim name (none for an array element) and value of the disclosure at `index`.
    fn claim(&mut self, index: usize) -> Option<(Option<String>, Value)> {
        match self {
            Self::Borrowed(disclosures) => disclosures.get(index).map(|disclosure| {
                (
                    disclosure.claim_name().map(str::to_owned),
                    disclosure.value().clone(),
                )
            }),
            Self::Owned(disclosures) => disclosures.get_mut(index).map(Disclosure::take_claim),
        }
    }
}

/// The digests of the disclosures sent, each with the disclosure's position, sorted so that a
/// lookup is a binary search over inline digests: no hashing and no allocation per digest.
struct DigestTable(Vec<(EncodedDigest, usize)>);

impl DigestTable {
    fn new(disclosures: &[Disclosure], hash_alg: HashAlgorithm) -> Result<Self, SdJwtError> {
        // §7.1 step 3.1: the digest of each disclosure as sent.
        let mut table: Vec<(EncodedDigest, usize)> = disclosures
            .iter()
            .map(|disclosure| disclosure.encoded_digest(hash_alg))
            .zip(0..)
            .collect();
        table.sort_unstable_by(|(a, i), (b, j)| a.as_bytes().cmp(b.as_bytes()).then(i.cmp(j)));
        // RFC 9901 §4: a holder must not send a disclosure more than once. Equal digests are
        // now neighbours, and the first disclosure sent again, in the order sent, is the one
        // with the smallest position among those that follow an equal digest.
        let first_repeat = table
            .windows(2)
            .filter_map(|pair| match pair {
                [(a, _), (b, position)] if a == b => Some(*position),
                _ => None,
            })
            .min();
        if let Some(position) = first_repeat {
            return Err(SdJwtError::DuplicateDisclosure {
                position: position + 1,
            });
        }
        Ok(Self(table))
    }

    /// The position of the disclosure whose digest is `digest`, if one was sent.
    fn find(&self, digest: &str) -> Option<usize> {
        let at = self
            .0
            .binary_search_by(|(candidate, _)| candidate.as_bytes().cmp(digest.as_bytes()))
            .ok()?;
        self.0.get(at).map(|(_, index)| *index)
    }
}

/// One pass over the payload (§7.1 steps 3.2–3.5, with step 4 checked as digests are met).
struct Walk<'a> {
    source: Source<'a>,
    by_digest: DigestTable,
    /// Which disclosures a digest has named so far.
    referenced: Vec<bool>,
    /// Every digest met so far that names no disclosure sent: decoys and hidden claims.
    undisclosed: HashSet<String>,
    /// JSON Pointers of the disclosed claims, when the caller wants them.
    disclosed: Option<&'a mut Vec<String>>,
    never_disclosable: &'a [String],
    /// JSON Pointer of the value being processed, in the processed claims.
    path: String,
}

impl Walk<'_> {
    fn error_path(&self) -> String {
        excerpt(&self.path)
    }

    fn check_depth(&self, depth: usize) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(SdJwtError::TooDeep {
                path: self.error_path(),
                max: MAX_DEPTH,
            });
        }
        Ok(())
    }

    /// Records `digest`, refusing it if met before (RFC 9901 §4.1 and §7.1 step 4: a digest
    /// appears once in the whole SD-JWT); returns the position of the disclosure it names, if
    /// that was sent.
    fn meet(&mut self, digest: String, scope: Scope) -> Result<Option<usize>, SdJwtError> {
        if scope == Scope::NeverDisclosable {
            return Err(SdJwtError::ForbiddenDisclosure {
                path: self.error_path(),
            });
        }
        let Some(index) = self.by_digest.find(&digest) else {
            if !self.undisclosed.insert(digest) {
                return Err(SdJwtError::DuplicateDigest {
                    path: self.error_path(),
                });
            }
            // §7.1 step 3.3.1: a decoy, or a claim the holder keeps hidden.
            return Ok(None);
        };
        // A disclosed digest has been met before exactly when its disclosure is referenced.
        let Some(referenced) = self.referenced.get_mut(index) else {
            return Ok(None);
        };
        if std::mem::replace(referenced, true) {
            return Err(SdJwtError::DuplicateDigest {
                path: self.error_path(),
            });
        }
        Ok(Some(index))
    }

    /// Records the claim at the current path as disclosed, if the caller wants the list.
    fn record_disclosed(&mut self) {
        if let Some(disclosed) = &mut self.disclosed {
            disclosed.push(self.path.clone());
        }
    }

    fn value(&mut self, value: &mut Value, depth: usize, scope: Scope) -> Result<(), SdJwtError> {
        match value {
            Value::Object(map) => self.object(map, depth, scope),
            Value::Array(items) => self.array(items, depth, scope),
            _ => Ok(()),
        }
    }

    fn object(
        &mut self,
        map: &mut Map<String, Value>,
        depth: usize,
        scope: Scope,
    ) -> Result<(), SdJwtError> {
        self.check_depth(depth)?;
        // One look at each name rather than a hash lookup per reserved name.
        let (mut has_sd_alg, mut has_ellipsis, mut has_sd) = (false, false, false);
        for key in map.keys() {
            match key.as_str() {
                "_sd_alg" => has_sd_alg = true,
                "..." => has_ellipsis = true,
                "_sd" => has_sd = true,
                _ => {}
            }
        }
        // RFC 9901 §4.1.1: `_sd_alg` only at the top level (removed there before the walk).
        if has_sd_alg {
            return Err(SdJwtError::MisplacedReservedKey {
                key: "_sd_alg",
                path: self.error_path(),
            });
        }
        // RFC 9901 §4.1 rule 7: `...` only as the single key of an array element.
        if has_ellipsis {
            return Err(SdJwtError::MisplacedReservedKey {
                key: "...",
                path: self.error_path(),
            });
        }
        let sd = if has_sd { map.remove("_sd") } else { None };
        for (key, value) in map.iter_mut() {
            let below = if scope == Scope::TopLevel && self.never_disclosable.contains(key) {
                Scope::NeverDisclosable
            } else {
                scope.below()
            };
            let len = self.path.len();
            push_segment(&mut self.path, key);
            self.value(value, depth + 1, below)?;
            self.path.truncate(len);
        }
        let Some(sd) = sd else {
            return Ok(());
        };
        // RFC 9901 §4.2.4.1: `_sd` is an array of strings.
        let Value::Array(digests) = sd else {
            return Err(SdJwtError::SdNotArrayOfStrings {
                path: self.error_path(),
            });
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(SdJwtError::SdNotArrayOfStrings {
                    path: self.error_path(),
                });
            };
            let Some(index) = self.meet(digest, scope)? else {
                continue;
            };
            let Some((name, mut value)) = self.source.claim(index) else {
                continue;
            };
            // §7.1 step 3.3.2.1: only a three-element disclosure goes in an object.
            let Some(name) = name else {
                return Err(SdJwtError::ArrayElementDisclosureInObject {
                    path: self.error_path(),
                });
            };
            // §7.1 step 3.3.2.2 (`_sd`, `...`) was enforced when the disclosure was parsed.
            let len = self.path.len();
            push_segment(&mut self.path, &name);
            // §7.1 step 3.3.2.3: a disclosed claim never overrides one already there.
            let Entry::Vacant(slot) = map.entry(name) else {
                return Err(SdJwtError::ClaimCollision {
                    path: self.error_path(),
                });
            };
            if scope == Scope::TopLevel && self.never_disclosable.contains(slot.key()) {
                return Err(SdJwtError::ForbiddenDisclosure {
                    path: self.error_path(),
                });
            }
            self.record_disclosed();
            // §7.1 step 3.3.2.5: the disclosed value may hold digests of its own.
            self.value(&mut value, depth + 1, scope.below())?;
            self.path.truncate(len);
            // §7.1 step 3.3.2.4.
            slot.insert(value);
        }
        Ok(())
    }

    fn array(
        &mut self,
        items: &mut Vec<Value>,
        depth: usize,
        scope: Scope,
    ) -> Result<(), SdJwtError> {
        self.check_depth(depth)?;
        let mut processed = Vec::with_capacity(items.len());
        for item in std::mem::take(items) {
            let len = self.path.len();
            push_index(&mut self.path, processed.len());
            let mut value = match array_digest(item) {
                ArrayElement::Plain(value) => value,
                ArrayElement::Malformed => {
                    return Err(SdJwtError::MalformedArrayDigest {
                        path: self.error_path(),
                    });
                }
                ArrayElement::Digest(digest) => {
                    let claim = match self.meet(digest, scope)? {
                        Some(index) => self.source.claim(index),
                        None => None,
                    };
                    let Some((name, value)) = claim else {
                        // §7.1 step 3.4: an element without its disclosure is left out.
                        self.path.truncate(len);
                        continue;
                    };
                    // §7.1 step 3.3.3.1: only a two-element disclosure goes in an array.
                    if name.is_some() {
                        return Err(SdJwtError::PropertyDisclosureInArray {
                            path: self.error_path(),
                        });
                    }
                    self.record_disclosed();
                    value
                }
            };
            // §7.1 step 3.3.3.3: recurse into the element.
            self.value(&mut value, depth + 1, scope.below())?;
            self.path.truncate(len);
            processed.push(value);
        }
        *items = processed;
        Ok(())
    }
}

/// An array element: plain, a `{"...": digest}` stand-in, or an object misusing `...`.
enum ArrayElement {
    Plain(Value),
    Digest(String),
    Malformed,
}

/// RFC 9901 §4.2.4.2 and §7.1 step 3.2.2: an element is a digest when it is an object with the
/// single key `...` whose value is a string; any other object with `...` is malformed.
fn array_digest(item: Value) -> ArrayElement {
    match item {
        Value::Object(mut map) if map.contains_key("...") => {
            if map.len() != 1 {
                return ArrayElement::Malformed;
            }
            match map.remove("...") {
                Some(Value::String(digest)) => ArrayElement::Digest(digest),
                _ => ArrayElement::Malformed,
            }
        }
        plain => ArrayElement::Plain(plain),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ALG: HashAlgorithm = HashAlgorithm::Sha256;

    fn property(name: &str, value: Value) -> Disclosure {
        Disclosure::new_property(name, value).unwrap()
    }

    fn element(value: Value) -> Disclosure {
        Disclosure::new_array_element(value).unwrap()
    }

    fn digest(disclosure: &Disclosure) -> Value {
        Value::String(disclosure.digest(ALG))
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("test payloads must be objects"),
        }
    }

    fn verify(payload: Value, disclosures: &[Disclosure]) -> Result<ProcessedPayload, SdJwtError> {
        verify_disclosures(object(payload), disclosures, &VerifyOptions::default())
    }

    /// Both paths on one input: the copying one's result, after checking that the moving one
    /// agrees with it.
    fn verify_both(
        payload: Value,
        disclosures: &[Disclosure],
        options: &VerifyOptions,
    ) -> Result<(Map<String, Value>, HashAlgorithm), SdJwtError> {
        let copied = verify_disclosures(object(payload.clone()), disclosures, options)
            .map(|processed| (processed.claims, processed.hash_alg));
        let mut owned = disclosures.to_vec();
        let moved = process_disclosures(object(payload), &mut owned, options, None);
        assert_eq!(moved, copied);
        copied
    }

    #[test]
    fn rebuilds_flat_structured_and_recursive_claims() {
        let name = property("name", json!("Alice"));
        let de = element(json!("DE"));
        let fr = element(json!("FR"));
        let locality = property("locality", json!("Schulpforta"));
        let address = property(
            "address",
            json!({"_sd": [digest(&locality)], "country": "DE"}),
        );
        let payload = json!({
            "_sd": [digest(&name), digest(&address), "decoy-digest-not-sent"],
            "_sd_alg": "sha-256",
            "iss": "did:example:issuer",
            "nationalities": [{"...": digest(&de)}, "US", {"...": digest(&fr)}, {"...": "decoy"}],
        });
        let all = [
            name.clone(),
            de.clone(),
            fr.clone(),
            locality.clone(),
            address.clone(),
        ];
        let processed = verify(payload.clone(), &all).unwrap();
        assert_eq!(
            Value::Object(processed.claims),
            json!({
                "iss": "did:example:issuer",
                "name": "Alice",
                "address": {"country": "DE", "locality": "Schulpforta"},
                "nationalities": ["DE", "US", "FR"],
            })
        );
        let mut disclosed = processed.disclosed;
        disclosed.sort();
        assert_eq!(
            disclosed,
            [
                "/address",
                "/address/locality",
                "/name",
                "/nationalities/0",
                "/nationalities/2"
            ]
        );

        // A subset: the parent without its child, one nationality.
        let processed = verify(payload, &[address, fr]).unwrap();
        assert_eq!(
            Value::Object(processed.claims),
            json!({
                "iss": "did:example:issuer",
                "address": {"country": "DE"},
                "nationalities": ["US", "FR"],
            })
        );
        assert_eq!(processed.disclosed, ["/nationalities/1", "/address"]);
    }

    #[test]
    fn removes_empty_sd_and_keeps_empty_object() {
        let processed = verify(json!({"a": {"_sd": []}}), &[]).unwrap();
        assert_eq!(Value::Object(processed.claims), json!({"a": {}}));
        assert_eq!(processed.hash_alg, HashAlgorithm::Sha256);
    }

    #[test]
    fn uses_the_payload_hash_algorithm() {
        let name = property("name", json!("Alice"));
        let payload = json!({"_sd_alg": "sha-512", "_sd": [name.digest(HashAlgorithm::Sha512)]});
        let processed = verify(payload, std::slice::from_ref(&name)).unwrap();
        assert_eq!(processed.claims["name"], "Alice");
        assert_eq!(processed.hash_alg, HashAlgorithm::Sha512);
        // The same disclosure does not match under the default algorithm.
        let payload = json!({"_sd": [name.digest(HashAlgorithm::Sha512)]});
        assert_eq!(
            verify(payload, &[name]),
            Err(SdJwtError::UnreferencedDisclosure { position: 1 })
        );
    }

    #[test]
    fn rejects_duplicate_digest() {
        let name = property("name", json!("Alice"));
        let inner = property("x", json!(1));
        let de = element(json!("DE"));
        let cases = [
            // Same level, disclosed.
            (
                json!({"_sd": [digest(&name), digest(&name)]}),
                vec![name.clone()],
            ),
            // Same level, undisclosed: decoys count too.
            (json!({"_sd": ["decoy", "decoy"]}), vec![]),
            // Top level and nested.
            (json!({"_sd": ["d"], "a": {"_sd": ["d"]}}), vec![]),
            // Object and array.
            (json!({"_sd": ["d"], "list": [{"...": "d"}]}), vec![]),
            // In arrays.
            (
                json!({"list": [{"...": digest(&de)}, {"...": digest(&de)}]}),
                vec![de.clone()],
            ),
            (
                json!({"list": [{"...": "decoy"}], "other": [{"...": "decoy"}]}),
                vec![],
            ),
            // Through a disclosure: the payload and a disclosed value repeat a digest.
            (
                json!({"_sd": [digest(&inner), digest(&property_holding(&inner))]}),
                vec![inner.clone(), property_holding(&inner)],
            ),
        ];
        for (payload, disclosures) in cases {
            let error = verify(payload.clone(), &disclosures).unwrap_err();
            assert!(
                matches!(error, SdJwtError::DuplicateDigest { .. }),
                "{payload}: {error}"
            );
        }
    }

    fn property_holding(inner: &Disclosure) -> Disclosure {
        // Fixed salt so that the helper returns the same disclosure each call.
        Disclosure::with_salt(
            "fixed".into(),
            Some("outer".into()),
            json!({"_sd": [digest(inner)]}),
        )
        .unwrap()
    }

    #[test]
    fn rejects_duplicate_disclosure() {
        let name = property("name", json!("Alice"));
        let payload = json!({"_sd": [digest(&name)]});
        assert_eq!(
            verify(payload, &[name.clone(), name]),
            Err(SdJwtError::DuplicateDisclosure { position: 2 })
        );
    }

    #[test]
    fn rejects_unreferenced_disclosure() {
        let name = property("name", json!("Alice"));
        let stranger = property("admin", json!(true));
        let payload = json!({"_sd": [digest(&name)]});
        assert_eq!(
            verify(payload, &[name, stranger]),
            Err(SdJwtError::UnreferencedDisclosure { position: 2 })
        );
    }

    #[test]
    fn rejects_child_without_parent() {
        let locality = property("locality", json!("Schulpforta"));
        let address = property("address", json!({"_sd": [digest(&locality)]}));
        let payload = json!({"_sd": [digest(&address)]});
        assert_eq!(
            verify(payload, &[locality]),
            Err(SdJwtError::UnreferencedDisclosure { position: 1 })
        );
    }

    #[test]
    fn rejects_claim_collision() {
        let forged = property("email", json!("mallory@example.com"));
        let twin_a = property("name", json!("A"));
        let twin_b = property("name", json!("B"));
        for (payload, disclosures) in [
            (
                json!({"email": "alice@example.com", "_sd": [digest(&forged)]}),
                vec![forged.clone()],
            ),
            (
                json!({"_sd": [digest(&twin_a), digest(&twin_b)]}),
                vec![twin_a, twin_b],
            ),
            (
                json!({"address": {"email": "x", "_sd": [digest(&forged)]}}),
                vec![forged.clone()],
            ),
        ] {
            let error = verify(payload.clone(), &disclosures).unwrap_err();
            assert!(
                matches!(error, SdJwtError::ClaimCollision { .. }),
                "{payload}"
            );
        }
    }

    #[test]
    fn rejects_array_disclosure_as_property() {
        let de = element(json!("DE"));
        let payload = json!({"_sd": [digest(&de)]});
        assert_eq!(
            verify(payload, &[de]),
            Err(SdJwtError::ArrayElementDisclosureInObject { path: "".into() })
        );
    }

    #[test]
    fn rejects_property_disclosure_as_array_element() {
        let name = property("name", json!("Alice"));
        let payload = json!({"list": ["a", {"...": digest(&name)}]});
        assert_eq!(
            verify(payload, &[name]),
            Err(SdJwtError::PropertyDisclosureInArray {
                path: "/list/1".into()
            })
        );
    }

    #[test]
    fn rejects_nested_sd_alg() {
        for payload in [
            json!({"address": {"_sd_alg": "sha-256"}}),
            json!({"list": [{"_sd_alg": "md5"}]}),
        ] {
            let error = verify(payload.clone(), &[]).unwrap_err();
            assert!(
                matches!(
                    error,
                    SdJwtError::MisplacedReservedKey { key: "_sd_alg", .. }
                ),
                "{payload}"
            );
        }
        // Smuggled in through a disclosed value.
        let sneaky = property("address", json!({"_sd_alg": "sha-256"}));
        let error = verify(json!({"_sd": [digest(&sneaky)]}), &[sneaky]).unwrap_err();
        assert!(matches!(
            error,
            SdJwtError::MisplacedReservedKey { key: "_sd_alg", .. }
        ));
    }

    #[test]
    fn rejects_unknown_sd_alg() {
        for alg in [
            json!("md5"),
            json!("sha-256-32"),
            json!("SHA-256"),
            json!(256),
            json!(null),
        ] {
            let error = verify(json!({"_sd_alg": alg}), &[]).unwrap_err();
            assert!(
                matches!(error, SdJwtError::UnsupportedHashAlg { .. }),
                "{alg}"
            );
        }
    }

    #[test]
    fn rejects_sd_that_is_not_an_array_of_strings() {
        for sd in [
            json!("digest"),
            json!({"a": "b"}),
            json!([1]),
            json!(["ok", null]),
        ] {
            let error = verify(json!({"_sd": sd}), &[]).unwrap_err();
            assert!(
                matches!(error, SdJwtError::SdNotArrayOfStrings { .. }),
                "{sd}"
            );
        }
    }

    #[test]
    fn rejects_ellipsis_object_with_extra_keys() {
        let de = element(json!("DE"));
        for item in [
            json!({"...": digest(&de), "extra": 1}),
            json!({"...": 5}),
            json!({"...": ["d"]}),
        ] {
            let error =
                verify(json!({"list": [item.clone()]}), std::slice::from_ref(&de)).unwrap_err();
            assert_eq!(
                error,
                SdJwtError::MalformedArrayDigest {
                    path: "/list/0".into()
                },
                "{item}"
            );
        }
    }

    #[test]
    fn rejects_ellipsis_as_claim_name() {
        // `...` as a key of an object that is not an array element.
        for payload in [json!({"...": "digest"}), json!({"a": {"...": "digest"}})] {
            let error = verify(payload.clone(), &[]).unwrap_err();
            assert!(
                matches!(error, SdJwtError::MisplacedReservedKey { key: "...", .. }),
                "{payload}"
            );
        }
    }

    #[test]
    fn rejects_disclosure_of_never_disclosable_claim() {
        let options = VerifyOptions::sd_jwt_vc();
        let iss = property("iss", json!("did:example:mallory"));
        let jwk = property("jwk", json!({"kty": "OKP"}));
        let status_entry = element(json!({"idx": 1}));
        let cases = [
            (json!({"_sd": [digest(&iss)]}), vec![iss.clone()], "/iss"),
            (
                json!({"cnf": {"_sd": [digest(&jwk)]}}),
                vec![jwk.clone()],
                "/cnf",
            ),
            (json!({"cnf": {"_sd": ["decoy"]}}), vec![], "/cnf"),
            (
                json!({"status": {"list": [{"...": digest(&status_entry)}]}}),
                vec![status_entry],
                "/status/list/0",
            ),
        ];
        for (payload, disclosures, path) in cases {
            let error =
                verify_disclosures(object(payload.clone()), &disclosures, &options).unwrap_err();
            assert_eq!(
                error,
                SdJwtError::ForbiddenDisclosure { path: path.into() },
                "{payload}"
            );
        }
        // The same names below the top level are ordinary claims.
        let nested = property("iss", json!("x"));
        let payload = json!({"org": {"_sd": [digest(&nested)]}});
        let processed = verify_disclosures(object(payload), &[nested], &options).unwrap();
        assert_eq!(processed.claims["org"]["iss"], "x");
    }

    #[test]
    fn rejects_payload_nested_too_deep() {
        let mut value = json!(1);
        for _ in 0..=MAX_DEPTH {
            value = json!({ "a": value });
        }
        assert!(matches!(
            verify(json!({"deep": value}), &[]),
            Err(SdJwtError::TooDeep { .. })
        ));
        // Depth built up through a chain of recursive disclosures is bounded the same way.
        let mut disclosures = Vec::new();
        let mut digest_value = None;
        for _ in 0..=MAX_DEPTH + 1 {
            let value = match digest_value.take() {
                Some(d) => json!({"_sd": [d]}),
                None => json!(1),
            };
            let d = property("n", value);
            digest_value = Some(digest(&d));
            disclosures.push(d);
        }
        let payload = json!({"_sd": [digest_value]});
        assert!(matches!(
            verify(payload, &disclosures),
            Err(SdJwtError::TooDeep { .. })
        ));
    }

    #[test]
    fn moving_path_refuses_each_attack_as_the_copying_path_does() {
        // The attacks of the tests above, through both paths.
        let name = property("name", json!("Alice"));
        let de = element(json!("DE"));
        let forged = property("email", json!("mallory@example.com"));
        let iss = property("iss", json!("did:example:mallory"));
        let sneaky = property("address", json!({"_sd_alg": "sha-256"}));
        let cases = [
            (
                json!({"_sd": [digest(&name), digest(&name)]}),
                vec![name.clone()],
            ),
            (json!({"_sd": ["decoy", "decoy"]}), vec![]),
            (json!({"_sd": ["d"], "list": [{"...": "d"}]}), vec![]),
            (
                json!({"list": [{"...": digest(&de)}, {"...": digest(&de)}]}),
                vec![de.clone()],
            ),
            (
                json!({"_sd": [digest(&name)]}),
                vec![name.clone(), name.clone()],
            ),
            (
                json!({"_sd": [digest(&name)]}),
                vec![name.clone(), de.clone()],
            ),
            (
                json!({"email": "a@example.com", "_sd": [digest(&forged)]}),
                vec![forged],
            ),
            (json!({"_sd": [digest(&de)]}), vec![de.clone()]),
            (
                json!({"list": ["a", {"...": digest(&name)}]}),
                vec![name.clone()],
            ),
            (json!({"_sd": [digest(&sneaky)]}), vec![sneaky]),
            (json!({"_sd": [digest(&iss)]}), vec![iss]),
            (json!({"cnf": {"_sd": ["decoy"]}}), vec![]),
            (json!({"_sd": "digest"}), vec![]),
            (
                json!({"list": [{"...": digest(&de), "extra": 1}]}),
                vec![de.clone()],
            ),
            (json!({"a": {"...": "digest"}}), vec![]),
            (json!({"_sd_alg": "md5"}), vec![]),
            (
                json!({"_sd": [digest(&name), "decoy"], "list": [{"...": digest(&de)}, "US"]}),
                vec![de, name],
            ),
        ];
        for (payload, disclosures) in cases {
            for options in [VerifyOptions::default(), VerifyOptions::sd_jwt_vc()] {
                let _ = verify_both(payload.clone(), &disclosures, &options);
            }
        }
    }

    #[test]
    fn rejects_duplicate_disclosure_naming_the_first_repeat() {
        let a = property("a", json!(1));
        let b = property("b", json!(2));
        let payload = json!({"_sd": [digest(&a), digest(&b)]});
        // b (position 2) is sent again at 4 and a at 5: the first repeat is at 4.
        let sent = [
            a.clone(),
            b.clone(),
            element(json!(3)),
            b.clone(),
            a.clone(),
        ];
        assert_eq!(
            verify_both(payload, &sent, &VerifyOptions::default()),
            Err(SdJwtError::DuplicateDisclosure { position: 4 })
        );
    }

    #[test]
    fn rejects_too_many_disclosures() {
        let many = vec![element(json!(1)); MAX_DISCLOSURES + 1];
        assert!(matches!(
            verify(json!({}), &many),
            Err(SdJwtError::TooManyDisclosures { .. })
        ));
    }
}
