//! Issuance: from claims and a disclosure frame to the payload the issuer signs and the
//! disclosures it hands to the holder (RFC 9901 §4.2.4–§4.2.6).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::excerpt::excerpt;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::claim_path::{parse_index, push_index, push_segment};
use super::disclosure::{Disclosure, RESERVED_NAMES};
use super::error::SdJwtError;
use super::frame::DisclosureFrame;
use super::hash::HashAlgorithm;
use super::{MAX_DECOYS, MAX_DEPTH};

/// Claims an SD-JWT VC must keep in plain at the top level (SD-JWT VC draft -19 §2.2.2.3,
/// "Registered JWT Claims": they, "including any of their sub-claims", "MUST NOT be included
/// in Disclosures"). `vct#integrity` and `aka_vcts` are in the current draft's list beside the
/// six that RFC 9901 §9.7 and older drafts name.
pub const SD_JWT_VC_NEVER_DISCLOSABLE: [&str; 8] = [
    "iss",
    "nbf",
    "exp",
    "cnf",
    "vct",
    "vct#integrity",
    "aka_vcts",
    "status",
];

/// How many decoy digests to add to each `_sd` array and to each array with disclosable
/// elements: a number drawn uniformly from `min..=max` each time (RFC 9901 §4.2.5).
///
/// A fixed count hides nothing (the verifier subtracts it), so a range is the useful setting
/// when the number of claims or array elements is itself private, as it is for avatars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecoyCount {
    min: usize,
    max: usize,
}

impl DecoyCount {
    /// No decoys.
    pub const NONE: Self = Self { min: 0, max: 0 };

    /// Exactly `count` decoys each time.
    pub fn fixed(count: usize) -> Result<Self, SdJwtError> {
        Self::between(count, count)
    }

    /// Between `min` and `max` decoys each time, both included; `max` at most [`MAX_DECOYS`].
    pub fn between(min: usize, max: usize) -> Result<Self, SdJwtError> {
        if min > max || max > MAX_DECOYS {
            return Err(SdJwtError::InvalidDecoyCount {
                min,
                max,
                limit: MAX_DECOYS,
            });
        }
        Ok(Self { min, max })
    }

    /// Fewest decoys added.
    pub fn min(self) -> usize {
        self.min
    }

    /// Most decoys added.
    pub fn max(self) -> usize {
        self.max
    }

    fn draw(self) -> usize {
        if self.min == self.max {
            self.min
        } else {
            OsRng.gen_range(self.min..=self.max)
        }
    }
}

/// What the issuer decides beyond the frame: hash algorithm, decoys, and the top-level claims
/// that must stay in plain whatever the frame says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssuanceOptions {
    /// Algorithm of the digests, written to `_sd_alg`.
    pub hash_alg: HashAlgorithm,
    /// Decoy digests per `_sd` array and per array with disclosable elements.
    pub decoys: DecoyCount,
    /// Top-level claims that the frame must not make disclosable, nor anything inside them.
    pub never_disclosable: Vec<String>,
}

impl IssuanceOptions {
    /// Options for an SD-JWT VC: SHA-256, no decoys, and [`SD_JWT_VC_NEVER_DISCLOSABLE`] kept
    /// in plain.
    pub fn sd_jwt_vc() -> Self {
        Self {
            never_disclosable: SD_JWT_VC_NEVER_DISCLOSABLE.map(String::from).to_vec(),
            ..Self::default()
        }
    }
}

/// Makes the claims that `frame` names selectively disclosable, and returns the payload to
/// sign with the disclosures for the holder.
///
/// Disclosable object members move into disclosures and leave their digests in a sorted `_sd`
/// array (RFC 9901 §4.2.4.1); disclosable array elements become `{"...": digest}` in place
/// (§4.2.4.2); a member or element that is disclosable and also has a nested frame becomes a
/// recursive disclosure whose value carries the digests of its own members (§4.2.6). Decoys
/// are added per [`IssuanceOptions::decoys`] (§4.2.5); array decoys go to random positions and
/// real elements keep their order. `_sd_alg` is written at the top level only (§4.1.1).
///
/// Refused: claims that already use `_sd`, `...` or `_sd_alg` anywhere (§4.1 rule 7); a frame
/// naming a claim or element that does not exist; a frame whose shape does not fit the claims;
/// a frame that touches a never-disclosable claim; claims nested deeper than
/// [`MAX_DEPTH`].
///
/// # Panics
/// Only if the operating system's random number generator is unavailable.
pub fn issue_payload(
    mut claims: Map<String, Value>,
    frame: &DisclosureFrame,
    options: &IssuanceOptions,
) -> Result<(Map<String, Value>, Vec<Disclosure>), SdJwtError> {
    let mut path = String::new();
    check_reserved(&claims, 0, &mut path)?;
    check_never_disclosable(&claims, frame, &options.never_disclosable)?;
    let mut issuer = Issuer {
        alg: options.hash_alg,
        decoys: options.decoys,
        disclosures: Vec::new(),
        path,
    };
    issuer.apply_to_object(&mut claims, frame, 0)?;
    claims.insert(
        "_sd_alg".into(),
        Value::String(options.hash_alg.name().into()),
    );
    Ok((claims, issuer.disclosures))
}

/// RFC 9901 §4.1 rule 7: `_sd` and `...` only convey digests, and `_sd_alg` is written by the
/// issuance itself; input claims that already use them would be misread by every verifier.
fn check_reserved(
    claims: &Map<String, Value>,
    depth: usize,
    path: &mut String,
) -> Result<(), SdJwtError> {
    if depth > MAX_DEPTH {
        return Err(SdJwtError::TooDeep {
            path: excerpt(path),
            max: MAX_DEPTH,
        });
    }
    for (key, value) in claims {
        let len = path.len();
        push_segment(path, key);
        if let Some(reserved) = RESERVED_NAMES.iter().find(|name| **name == key) {
            return Err(SdJwtError::MisplacedReservedKey {
                key: reserved,
                path: excerpt(path),
            });
        }
        check_reserved_value(value, depth + 1, path)?;
        path.truncate(len);
    }
    Ok(())
}

fn check_reserved_value(value: &Value, depth: usize, path: &mut String) -> Result<(), SdJwtError> {
    match value {
        Value::Object(map) => check_reserved(map, depth, path),
        Value::Array(items) => {
            if depth > MAX_DEPTH {
                return Err(SdJwtError::TooDeep {
                    path: excerpt(path),
                    max: MAX_DEPTH,
                });
            }
            for (index, item) in items.iter().enumerate() {
                let len = path.len();
                push_index(path, index);
                check_reserved_value(item, depth + 1, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// RFC 9901 §9.7 and SD-JWT VC draft -19 §2.2.2.3: validity-critical claims stay in plain,
/// and so does everything inside them (a disclosable `cnf.jwk` would hide the holder key just
/// as well).
fn check_never_disclosable(
    claims: &Map<String, Value>,
    frame: &DisclosureFrame,
    never_disclosable: &[String],
) -> Result<(), SdJwtError> {
    let forbidden = |name: &str| {
        let mut path = String::new();
        push_segment(&mut path, name);
        SdJwtError::ForbiddenDisclosure {
            path: excerpt(&path),
        }
    };
    for name in never_disclosable {
        let named = frame.names.contains(name);
        let covered_by_every = frame.every && claims.contains_key(name);
        let nested = frame.nested.get(name).is_some_and(|sub| !sub.is_empty());
        if named || covered_by_every || nested {
            return Err(forbidden(name));
        }
    }
    Ok(())
}

/// The state of one issuance: where we are, and the disclosures made so far.
struct Issuer {
    alg: HashAlgorithm,
    decoys: DecoyCount,
    disclosures: Vec<Disclosure>,
    /// JSON Pointer of the claim being processed, for error messages.
    path: String,
}

impl Issuer {
    fn too_deep(&self) -> SdJwtError {
        SdJwtError::TooDeep {
            path: excerpt(&self.path),
            max: MAX_DEPTH,
        }
    }

    fn apply_to_value(
        &mut self,
        value: &mut Value,
        frame: &DisclosureFrame,
        depth: usize,
    ) -> Result<(), SdJwtError> {
        match value {
            Value::Object(map) => self.apply_to_object(map, frame, depth),
            Value::Array(items) => self.apply_to_array(items, frame, depth),
            _ if frame.is_empty() => Ok(()),
            _ => Err(SdJwtError::FrameTypeMismatch {
                path: excerpt(&self.path),
                expected: "an object or an array",
            }),
        }
    }

    fn apply_to_object(
        &mut self,
        map: &mut Map<String, Value>,
        frame: &DisclosureFrame,
        depth: usize,
    ) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        if !frame.indices.is_empty() {
            return Err(SdJwtError::FrameTypeMismatch {
                path: excerpt(&self.path),
                expected: "an array",
            });
        }
        // Members first, so that a disclosable member carries its own members' digests
        // (recursive disclosure, RFC 9901 §4.2.6).
        for (key, nested) in &frame.nested {
            let len = self.path.len();
            push_segment(&mut self.path, key);
            let Some(value) = map.get_mut(key) else {
                return Err(SdJwtError::FrameClaimMissing {
                    path: excerpt(&self.path),
                });
            };
            self.apply_to_value(value, nested, depth + 1)?;
            self.path.truncate(len);
        }
        let names: Vec<String> = if frame.every {
            map.keys().cloned().collect()
        } else {
            frame.names.clone()
        };
        let mut digests = Vec::with_capacity(names.len() + self.decoys.max());
        for name in names {
            let Some(value) = map.remove(&name) else {
                let mut path = self.path.clone();
                push_segment(&mut path, &name);
                return Err(SdJwtError::FrameClaimMissing {
                    path: excerpt(&path),
                });
            };
            let disclosure = Disclosure::new_property(name, value)?;
            digests.push(Value::String(disclosure.digest(self.alg)));
            self.disclosures.push(disclosure);
        }
        if digests.is_empty() {
            return Ok(());
        }
        for _ in 0..self.decoys.draw() {
            digests.push(Value::String(decoy_digest(self.alg)));
        }
        // RFC 9901 §4.2.4.1: hide the original order of the claims; sorting does it.
        digests.sort_unstable_by(|a, b| a.as_str().cmp(&b.as_str()));
        map.insert("_sd".into(), Value::Array(digests));
        Ok(())
    }

    fn apply_to_array(
        &mut self,
        items: &mut Vec<Value>,
        frame: &DisclosureFrame,
        depth: usize,
    ) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        if !frame.names.is_empty() {
            return Err(SdJwtError::FrameTypeMismatch {
                path: excerpt(&self.path),
                expected: "an object",
            });
        }
        let every_element = frame.nested.get("*");
        for (key, nested) in &frame.nested {
            if key == "*" {
                continue;
            }
            let Some(index) = parse_index(key) else {
                return Err(SdJwtError::InvalidFrame {
                    path: excerpt(&self.path),
                    reason: format!("`{}` is not an element index of this array", excerpt(key)),
                });
            };
            if every_element.is_some() {
                return Err(SdJwtError::InvalidFrame {
                    path: excerpt(&self.path),
                    reason: format!("element {index} has its own frame beside the `*` frame"),
                });
            }
            let len = self.path.len();
            push_index(&mut self.path, index);
            let Some(item) = items.get_mut(index) else {
                return Err(SdJwtError::FrameClaimMissing {
                    path: excerpt(&self.path),
                });
            };
            self.apply_to_value(item, nested, depth + 1)?;
            self.path.truncate(len);
        }
        if let Some(nested) = every_element {
            for (index, item) in items.iter_mut().enumerate() {
                let len = self.path.len();
                push_index(&mut self.path, index);
                self.apply_to_value(item, nested, depth + 1)?;
                self.path.truncate(len);
            }
        }
        let selected: Vec<usize> = if frame.every {
            (0..items.len()).collect()
        } else {
            frame.indices.clone()
        };
        if selected.is_empty() {
            return Ok(());
        }
        for index in selected {
            let Some(slot) = items.get_mut(index) else {
                let mut path = self.path.clone();
                push_index(&mut path, index);
                return Err(SdJwtError::FrameClaimMissing {
                    path: excerpt(&path),
                });
            };
            let disclosure = Disclosure::new_array_element(std::mem::take(slot))?;
            *slot = array_digest(disclosure.digest(self.alg));
            self.disclosures.push(disclosure);
        }
        for _ in 0..self.decoys.draw() {
            let position = OsRng.gen_range(0..=items.len());
            items.insert(position, array_digest(decoy_digest(self.alg)));
        }
        Ok(())
    }
}

/// `{"...": digest}`, the stand-in for a disclosable array element (RFC 9901 §4.2.4.2).
fn array_digest(digest: String) -> Value {
    let mut map = Map::new();
    map.insert("...".into(), Value::String(digest));
    Value::Object(map)
}

/// RFC 9901 §4.2.5: a decoy is the digest of fresh random data, indistinguishable from the
/// digest of a disclosure.
fn decoy_digest(alg: HashAlgorithm) -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let mut seed = URL_SAFE_NO_PAD.encode(bytes);
    bytes.zeroize();
    let digest = alg.digest(&seed);
    seed.zeroize();
    digest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("test claims must be an object"),
        }
    }

    fn frame(json: Value) -> DisclosureFrame {
        DisclosureFrame::from_json(&json).unwrap()
    }

    #[test]
    fn hides_named_members_behind_sorted_digests() {
        let claims =
            object(json!({"sub": "did:example:alice", "name": "Alice", "email": "a@example.com"}));
        let (payload, disclosures) = issue_payload(
            claims,
            &frame(json!({"_sd": ["name", "email"]})),
            &IssuanceOptions::default(),
        )
        .unwrap();
        assert_eq!(payload["sub"], "did:example:alice");
        assert!(payload.get("name").is_none() && payload.get("email").is_none());
        assert_eq!(payload["_sd_alg"], "sha-256");
        let sd: Vec<&str> = payload["_sd"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        let mut sorted = sd.clone();
        sorted.sort_unstable();
        assert_eq!(sd, sorted);
        assert_eq!(disclosures.len(), 2);
        for disclosure in &disclosures {
            assert!(sd.contains(&disclosure.digest(HashAlgorithm::Sha256).as_str()));
        }
    }

    #[test]
    fn replaces_array_elements_in_place() {
        let claims = object(json!({"nationalities": ["DE", "FR", "US"]}));
        let (payload, disclosures) = issue_payload(
            claims,
            &frame(json!({"nationalities": {"_sd": [1]}})),
            &IssuanceOptions::default(),
        )
        .unwrap();
        let array = payload["nationalities"].as_array().unwrap();
        assert_eq!(array[0], "DE");
        assert_eq!(array[2], "US");
        assert_eq!(
            array[1]["..."],
            disclosures[0].digest(HashAlgorithm::Sha256)
        );
        assert!(disclosures[0].is_array_element());
    }

    #[test]
    fn nests_recursive_disclosures() {
        let claims = object(json!({"address": {"locality": "Schulpforta", "country": "DE"}}));
        let options = IssuanceOptions {
            hash_alg: HashAlgorithm::Sha384,
            ..IssuanceOptions::default()
        };
        let (payload, disclosures) = issue_payload(
            claims,
            &frame(json!({"_sd": ["address"], "address": {"_sd": ["locality"]}})),
            &options,
        )
        .unwrap();
        assert_eq!(payload["_sd_alg"], "sha-384");
        assert_eq!(disclosures.len(), 2);
        let address = disclosures
            .iter()
            .find(|d| d.claim_name() == Some("address"))
            .unwrap();
        let locality = disclosures
            .iter()
            .find(|d| d.claim_name() == Some("locality"))
            .unwrap();
        assert_eq!(address.value()["country"], "DE");
        assert_eq!(
            address.value()["_sd"][0],
            locality.digest(HashAlgorithm::Sha384)
        );
        assert_eq!(payload["_sd"][0], address.digest(HashAlgorithm::Sha384));
    }

    #[test]
    fn every_element_with_nested_frames() {
        let claims = object(json!({"avatars": [
            {"platform": "a", "handle": "x"},
            {"platform": "b", "handle": "y"}
        ]}));
        let (payload, disclosures) = issue_payload(
            claims,
            &frame(json!({"avatars": {"_sd": "*", "*": {"_sd": ["handle"]}}})),
            &IssuanceOptions::default(),
        )
        .unwrap();
        assert_eq!(disclosures.len(), 4);
        let avatars = payload["avatars"].as_array().unwrap();
        assert_eq!(avatars.len(), 2);
        assert!(avatars.iter().all(|a| a.get("...").is_some()));
    }

    #[test]
    fn adds_decoys_within_the_range() {
        let claims = object(json!({"a": 1, "b": 2, "list": [1, 2]}));
        let options = IssuanceOptions {
            decoys: DecoyCount::between(2, 3).unwrap(),
            ..IssuanceOptions::default()
        };
        for _ in 0..20 {
            let (payload, disclosures) = issue_payload(
                claims.clone(),
                &frame(json!({"_sd": ["a"], "list": {"_sd": [0]}})),
                &options,
            )
            .unwrap();
            assert_eq!(disclosures.len(), 2);
            let sd = payload["_sd"].as_array().unwrap().len();
            assert!((3..=4).contains(&sd), "{sd}");
            let list = payload["list"].as_array().unwrap();
            assert!((4..=5).contains(&list.len()));
            // The plain element keeps its place relative to the real one.
            let plain = list.iter().position(|v| v == &json!(2)).unwrap();
            let element = disclosures.iter().find(|d| d.is_array_element()).unwrap();
            let real = list
                .iter()
                .position(|v| v["..."] == element.digest(HashAlgorithm::Sha256))
                .unwrap();
            assert!(real < plain);
        }
    }

    #[test]
    fn rejects_invalid_decoy_count() {
        assert!(DecoyCount::between(3, 2).is_err());
        assert!(DecoyCount::fixed(MAX_DECOYS + 1).is_err());
        assert_eq!(DecoyCount::fixed(2).unwrap().min(), 2);
    }

    #[test]
    fn rejects_frame_naming_missing_claim() {
        let claims = object(json!({"name": "Alice", "list": [1]}));
        for (frame_json, path) in [
            (json!({"_sd": ["email"]}), "/email"),
            (json!({"address": {"_sd": ["locality"]}}), "/address"),
            (json!({"list": {"_sd": [1]}}), "/list/1"),
            (json!({"list": {"3": {}}}), "/list/3"),
        ] {
            let error = issue_payload(
                claims.clone(),
                &frame(frame_json),
                &IssuanceOptions::default(),
            )
            .unwrap_err();
            assert_eq!(error, SdJwtError::FrameClaimMissing { path: path.into() });
        }
    }

    #[test]
    fn rejects_frame_of_the_wrong_shape() {
        let claims = object(json!({"name": "Alice", "list": [1], "obj": {"a": 1}}));
        for frame_json in [
            json!({"name": {"_sd": ["x"]}}),
            json!({"list": {"_sd": ["x"]}}),
            json!({"obj": {"_sd": [0]}}),
            json!({"list": {"x": {}}}),
            json!({"list": {"*": {}, "0": {}}}),
        ] {
            assert!(
                issue_payload(
                    claims.clone(),
                    &frame(frame_json.clone()),
                    &IssuanceOptions::default()
                )
                .is_err(),
                "{frame_json}"
            );
        }
    }

    #[test]
    fn rejects_disclosure_of_never_disclosable_claim() {
        let claims = object(json!({
            "iss": "did:example:issuer", "vct": "urn:avid:avatar-link:1",
            "cnf": {"jwk": {"kty": "OKP"}}, "name": "Alice"
        }));
        let options = IssuanceOptions::sd_jwt_vc();
        for (frame_json, path) in [
            (json!({"_sd": ["iss"]}), "/iss"),
            (json!({"_sd": ["name", "vct"]}), "/vct"),
            (json!({"cnf": {"_sd": ["jwk"]}}), "/cnf"),
            (json!({"_sd": "*"}), "/iss"),
        ] {
            let error = issue_payload(claims.clone(), &frame(frame_json), &options).unwrap_err();
            assert_eq!(error, SdJwtError::ForbiddenDisclosure { path: path.into() });
        }
        // Nested claims of the same name elsewhere are the issuer's to choose.
        let nested = object(json!({"iss": "x", "org": {"iss": "y"}}));
        assert!(issue_payload(nested, &frame(json!({"org": {"_sd": ["iss"]}})), &options).is_ok());
    }

    #[test]
    fn rejects_reserved_names_in_input_claims() {
        for claims in [
            json!({"_sd": ["x"]}),
            json!({"_sd_alg": "sha-256"}),
            json!({"a": {"...": "x"}}),
            json!({"a": [{"b": {"_sd": []}}]}),
        ] {
            let error = issue_payload(
                object(claims.clone()),
                &DisclosureFrame::new(),
                &IssuanceOptions::default(),
            )
            .unwrap_err();
            assert!(
                matches!(error, SdJwtError::MisplacedReservedKey { .. }),
                "{claims}"
            );
        }
    }

    #[test]
    fn rejects_claims_nested_too_deep() {
        let mut value = json!(1);
        for _ in 0..=MAX_DEPTH + 1 {
            value = json!([value]);
        }
        let error = issue_payload(
            object(json!({"deep": value})),
            &DisclosureFrame::new(),
            &IssuanceOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(error, SdJwtError::TooDeep { .. }));
    }
}
