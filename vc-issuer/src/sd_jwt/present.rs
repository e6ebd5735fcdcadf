//! Presentation by the holder: choosing the disclosures to send by claim path, with every parent
//! disclosure a chosen claim needs and none twice (RFC 9901 §4.2.6, §7.2).

use std::collections::HashMap;

use did_core::excerpt::excerpt;
use serde_json::{Map, Value};

use super::MAX_DEPTH;
use super::claim_path::{ClaimPath, parse_index};
use super::compact::SdJwt;
use super::disclosure::Disclosure;
use super::error::SdJwtError;
use super::verify::payload_hash_algorithm;

impl SdJwt {
    /// The SD-JWT to send a verifier when disclosing the claims at `paths`: the same issuer
    /// JWT with only the disclosures [`select_disclosures`] picks, in their issued order.
    ///
    /// `payload` is the issuer-signed JWT's payload, which the holder verified on receipt
    /// (RFC 9901 §7.2).
    pub fn present(
        &self,
        payload: &Map<String, Value>,
        paths: &[ClaimPath],
    ) -> Result<SdJwt, SdJwtError> {
        let chosen = select_disclosures(payload, self.disclosures(), paths)?;
        SdJwt::new(
            self.issuer_jwt().to_owned(),
            chosen.into_iter().cloned().collect(),
        )
    }
}

/// The disclosures that reveal the claims at `paths`, in the order of `disclosures`.
///
/// A path names a claim as the holder sees it, every disclosure applied and decoys left out
/// (`/avatars/1` is the second avatar). Choosing it discloses that claim and everything
/// selectively disclosable inside it, and brings in every disclosure on the way to it, since a
/// nested disclosure without its parent would be refused (§4.2.6, §7.2 step 2). A disclosure
/// needed by several paths is sent once (§4). A path that names no claim, or a claim that is
/// always visible and holds nothing disclosable, is an error: it would disclose nothing.
pub fn select_disclosures<'a>(
    payload: &Map<String, Value>,
    disclosures: &'a [Disclosure],
    paths: &[ClaimPath],
) -> Result<Vec<&'a Disclosure>, SdJwtError> {
    let alg = payload_hash_algorithm(payload)?;
    let mut by_digest = HashMap::with_capacity(disclosures.len());
    for (index, disclosure) in disclosures.iter().enumerate() {
        if by_digest.insert(disclosure.digest(alg), index).is_some() {
            return Err(SdJwtError::DuplicateDisclosure {
                position: index + 1,
            });
        }
    }
    let mut selector = Selector {
        disclosures,
        by_digest,
        selected: vec![false; disclosures.len()],
        expanded: vec![false; disclosures.len()],
    };
    for path in paths {
        let (node, route) = selector.resolve(payload, path)?;
        let mut needed = route;
        selector.collect(node, 0, &mut needed)?;
        if needed.is_empty() {
            return Err(SdJwtError::NothingToDisclose {
                path: excerpt(&path.to_string()),
            });
        }
        for index in needed {
            if let Some(selected) = selector.selected.get_mut(index) {
                *selected = true;
            }
        }
    }
    Ok(disclosures
        .iter()
        .zip(&selector.selected)
        .filter_map(|(disclosure, selected)| selected.then_some(disclosure))
        .collect())
}

/// A place in the claims as the holder sees them.
#[derive(Clone, Copy)]
enum Node<'a> {
    Object(&'a Map<String, Value>),
    Array(&'a [Value]),
    Leaf,
}

impl<'a> Node<'a> {
    fn of(value: &'a Value) -> Self {
        match value {
            Value::Object(map) => Self::Object(map),
            Value::Array(items) => Self::Array(items),
            _ => Self::Leaf,
        }
    }
}

struct Selector<'a> {
    disclosures: &'a [Disclosure],
    by_digest: HashMap<String, usize>,
    selected: Vec<bool>,
    /// Disclosures whose contents were already collected, so that a shared subtree is walked
    /// once however many paths reach it.
    expanded: Vec<bool>,
}

impl<'a> Selector<'a> {
    fn disclosure(&self, digest: &Value) -> Option<(usize, &'a Disclosure)> {
        let index = *self.by_digest.get(digest.as_str()?)?;
        let disclosures: &'a [Disclosure] = self.disclosures;
        disclosures.get(index).map(|disclosure| (index, disclosure))
    }

    /// The property disclosure for `name` among the `_sd` digests of `map`.
    fn member(&self, map: &Map<String, Value>, name: &str) -> Option<(usize, &'a Disclosure)> {
        let digests = map.get("_sd")?.as_array()?;
        digests
            .iter()
            .filter_map(|digest| self.disclosure(digest))
            .find(|(_, disclosure)| disclosure.claim_name() == Some(name))
    }

    /// An array element as the holder sees it: a plain element, or a stand-in whose
    /// array-element disclosure the holder has, with that disclosure; `None` for the others.
    fn visible<'v>(&self, item: &'v Value) -> Option<(&'v Value, Option<usize>)>
    where
        'a: 'v,
    {
        match stand_in_digest(item) {
            None => Some((item, None)),
            Some(digest) => {
                let (index, disclosure) = self.disclosure(digest)?;
                disclosure
                    .is_array_element()
                    .then(|| (disclosure.value(), Some(index)))
            }
        }
    }

    /// Follows `path` from the payload, returning where it leads and the disclosures passed.
    fn resolve<'v>(
        &self,
        payload: &'v Map<String, Value>,
        path: &ClaimPath,
    ) -> Result<(Node<'v>, Vec<usize>), SdJwtError>
    where
        'a: 'v,
    {
        let not_found = || SdJwtError::ClaimPathNotFound {
            path: excerpt(&path.to_string()),
        };
        let mut node = Node::Object(payload);
        let mut route = Vec::new();
        for segment in path.segments() {
            node = match node {
                Node::Object(map) => match map.get(segment.as_str()).filter(|_| segment != "_sd") {
                    Some(value) => Node::of(value),
                    None => {
                        let (index, disclosure) =
                            self.member(map, segment).ok_or_else(not_found)?;
                        route.push(index);
                        Node::of(disclosure.value())
                    }
                },
                Node::Array(items) => {
                    let wanted = parse_index(segment).ok_or_else(not_found)?;
                    let (value, index) = items
                        .iter()
                        .filter_map(|item| self.visible(item))
                        .nth(wanted)
                        .ok_or_else(not_found)?;
                    route.extend(index);
                    Node::of(value)
                }
                Node::Leaf => return Err(not_found()),
            };
        }
        Ok((node, route))
    }

    /// Adds every disclosure inside `node` to `needed`.
    fn collect(
        &mut self,
        node: Node<'_>,
        depth: usize,
        needed: &mut Vec<usize>,
    ) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(SdJwtError::TooDeep {
                path: String::new(),
                max: MAX_DEPTH,
            });
        }
        match node {
            Node::Object(map) => {
                for (key, value) in map {
                    if key != "_sd" {
                        self.collect(Node::of(value), depth + 1, needed)?;
                    }
                }
                let digests = map.get("_sd").and_then(Value::as_array);
                for digest in digests.into_iter().flatten() {
                    if let Some((index, disclosure)) = self.disclosure(digest)
                        && disclosure.claim_name().is_some()
                    {
                        self.expand(index, disclosure, depth, needed)?;
                    }
                }
            }
            Node::Array(items) => {
                for item in items {
                    match stand_in_digest(item) {
                        None => self.collect(Node::of(item), depth + 1, needed)?,
                        Some(digest) => {
                            if let Some((index, disclosure)) = self.disclosure(digest)
                                && disclosure.is_array_element()
                            {
                                self.expand(index, disclosure, depth, needed)?;
                            }
                        }
                    }
                }
            }
            Node::Leaf => {}
        }
        Ok(())
    }

    fn expand(
        &mut self,
        index: usize,
        disclosure: &'a Disclosure,
        depth: usize,
        needed: &mut Vec<usize>,
    ) -> Result<(), SdJwtError> {
        needed.push(index);
        match self.expanded.get_mut(index) {
            Some(expanded) if !*expanded => *expanded = true,
            _ => return Ok(()),
        }
        self.collect(Node::of(disclosure.value()), depth + 1, needed)
    }
}

/// The digest of a `{"...": digest}` array element (RFC 9901 §4.2.4.2), if `item` is one.
fn stand_in_digest(item: &Value) -> Option<&Value> {
    let map = item.as_object()?;
    if map.len() == 1 { map.get("...") } else { None }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::frame::DisclosureFrame;
    use super::super::issue::{DecoyCount, IssuanceOptions, issue_payload};
    use super::super::verify::{VerifyOptions, verify_disclosures};
    use super::*;

    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.e30.c2ln";

    fn credential() -> (Map<String, Value>, SdJwt) {
        let claims = json!({
            "iss": "did:example:issuer",
            "name": "Alice",
            "email": "alice@example.com",
            "address": {"locality": "Schulpforta", "country": "DE"},
            "avatars": [
                {"platform": "vrchat", "handle": "al"},
                {"platform": "resonite", "handle": "alice"},
                {"platform": "roblox", "handle": "a1"}
            ],
        });
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        let frame = DisclosureFrame::from_json(&json!({
            "_sd": ["name", "email", "address"],
            "address": {"_sd": ["locality"]},
            "avatars": {"_sd": "*", "*": {"_sd": ["handle"]}}
        }))
        .unwrap();
        let options = IssuanceOptions {
            decoys: DecoyCount::between(1, 3).unwrap(),
            ..IssuanceOptions::default()
        };
        let (payload, disclosures) = issue_payload(claims, &frame, &options).unwrap();
        (payload, SdJwt::new(JWT.into(), disclosures).unwrap())
    }

    fn present(
        payload: &Map<String, Value>,
        sd_jwt: &SdJwt,
        paths: &[&str],
    ) -> Result<Value, SdJwtError> {
        let paths: Vec<ClaimPath> = paths.iter().map(|p| ClaimPath::parse(p).unwrap()).collect();
        let presented = sd_jwt.present(payload, &paths)?;
        let processed = verify_disclosures(
            payload.clone(),
            presented.disclosures(),
            &VerifyOptions::default(),
        )?;
        Ok(Value::Object(processed.claims))
    }

    #[test]
    fn presents_one_array_element_with_its_content() {
        let (payload, sd_jwt) = credential();
        let claims = present(&payload, &sd_jwt, &["/avatars/1"]).unwrap();
        assert_eq!(
            claims,
            json!({"iss": "did:example:issuer", "avatars": [{"platform": "resonite", "handle": "alice"}]})
        );
    }

    #[test]
    fn presents_a_nested_claim_with_its_parent_only() {
        let (payload, sd_jwt) = credential();
        let claims = present(&payload, &sd_jwt, &["/address/locality"]).unwrap();
        assert_eq!(
            claims["address"],
            json!({"locality": "Schulpforta", "country": "DE"})
        );
        // The parent alone: the child stays hidden.
        let paths = [ClaimPath::parse("/avatars/0").unwrap()];
        let chosen = select_disclosures(&payload, sd_jwt.disclosures(), &paths).unwrap();
        assert_eq!(chosen.len(), 2, "the avatar and its handle");
    }

    #[test]
    fn sends_each_disclosure_once() {
        let (payload, sd_jwt) = credential();
        let paths: Vec<ClaimPath> = ["/address", "/address/locality", "/address", "/name"]
            .iter()
            .map(|p| ClaimPath::parse(p).unwrap())
            .collect();
        let chosen = select_disclosures(&payload, sd_jwt.disclosures(), &paths).unwrap();
        assert_eq!(chosen.len(), 3);
        let claims = present(
            &payload,
            &sd_jwt,
            &["/address", "/address/locality", "/name"],
        )
        .unwrap();
        assert_eq!(claims["name"], "Alice");
    }

    #[test]
    fn presents_nothing_but_plain_claims_when_asked_for_nothing() {
        let (payload, sd_jwt) = credential();
        let claims = present(&payload, &sd_jwt, &[]).unwrap();
        assert_eq!(claims, json!({"iss": "did:example:issuer", "avatars": []}));
        let everything = present(&payload, &sd_jwt, &[""]).unwrap();
        assert_eq!(everything["avatars"].as_array().unwrap().len(), 3);
        assert_eq!(everything["email"], "alice@example.com");
    }

    #[test]
    fn rejects_path_to_missing_claim() {
        let (payload, sd_jwt) = credential();
        for path in [
            "/phone",
            "/avatars/3",
            "/avatars/01",
            "/avatars/x",
            "/name/first",
            "/_sd",
            "/address/zip",
        ] {
            assert!(
                matches!(
                    present(&payload, &sd_jwt, &[path]),
                    Err(SdJwtError::ClaimPathNotFound { .. })
                ),
                "{path}"
            );
        }
    }

    #[test]
    fn rejects_path_with_nothing_to_disclose() {
        let (payload, sd_jwt) = credential();
        assert_eq!(
            present(&payload, &sd_jwt, &["/iss"]),
            Err(SdJwtError::NothingToDisclose {
                path: "/iss".into()
            })
        );
    }

    #[test]
    fn shared_subtrees_are_walked_once() {
        // A malicious issuer could reference one disclosure from many places; the walk must
        // stay linear (and the verifier refuses the duplicate digests anyway).
        let leaf = Disclosure::new_array_element(json!(0)).unwrap();
        let mut disclosures = vec![leaf];
        for _ in 0..40 {
            let Some(last) = disclosures.last() else {
                unreachable!()
            };
            let d = last.digest(super::super::HashAlgorithm::Sha256);
            let next = Disclosure::new_array_element(json!([{"...": d}, {"...": d}])).unwrap();
            disclosures.push(next);
        }
        let Some(top) = disclosures.last() else {
            unreachable!()
        };
        let payload = json!({"list": [{"...": top.digest(super::super::HashAlgorithm::Sha256)}]});
        let Value::Object(payload) = payload else {
            unreachable!()
        };
        let chosen = select_disclosures(
            &payload,
            &disclosures,
            &[ClaimPath::parse("/list").unwrap()],
        )
        .unwrap();
        assert_eq!(chosen.len(), disclosures.len());
    }
}
