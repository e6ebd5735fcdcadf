//! Property tests of the whole round trip: random claims and frames are issued, any subset of
//! the disclosable claims is presented, and verification must yield exactly that subset.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{
    ClaimPath, DecoyCount, DisclosureFrame, IssuanceOptions, SdJwt, VerifyOptions, issue_payload,
    verify_disclosures,
};

/// Member names, including the RFC 6901 escapes, a digit-only name and the frame's `*`.
const NAMES: [&str; 8] = ["a", "b", "name", "x/y", "t~n", "é", "0", "*"];

const JWT: &str = "eyJhbGciOiJFZERTQSJ9.e30.c2ln";

fn claim_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z é~/]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), inner, 0..4)
                .prop_map(|map| Value::Object(
                    map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
        ]
    })
}

fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), claim_value(), 0..6)
        .prop_map(|map| map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Draws a frame over `value` from `bits`, listing the disclosable paths it creates.
fn derive_frame(
    value: &Value,
    path: &ClaimPath,
    bits: &mut impl Iterator<Item = bool>,
    disclosable: &mut Vec<ClaimPath>,
) -> DisclosureFrame {
    let mut frame = DisclosureFrame::new();
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return frame,
    };
    for (index, (key, child)) in children.into_iter().enumerate() {
        let child_path = path.join(key.clone());
        let nested = derive_frame(child, &child_path, bits, disclosable);
        if !nested.is_empty() {
            frame = frame.nest(key.clone(), nested);
        }
        if bits.next().unwrap_or(false) {
            frame = match value {
                Value::Array(_) => frame.disclose_element(index),
                _ => frame.disclose(key),
            };
            disclosable.push(child_path);
        }
    }
    frame
}

fn is_prefix(prefix: &ClaimPath, path: &ClaimPath) -> bool {
    path.segments().starts_with(prefix.segments())
}

/// The claims a verifier should see, and the paths (in its view) of the disclosed claims.
fn expected_view(
    value: &Value,
    original: &ClaimPath,
    seen_as: &ClaimPath,
    hidden: &dyn Fn(&ClaimPath) -> Option<bool>,
    disclosed: &mut Vec<String>,
) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                let child_original = original.join(key.clone());
                let child_seen = seen_as.join(key.clone());
                match hidden(&child_original) {
                    Some(true) => continue,
                    Some(false) => disclosed.push(child_seen.to_string()),
                    None => {}
                }
                let view = expected_view(child, &child_original, &child_seen, hidden, disclosed);
                out.insert(key.clone(), view);
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out = Vec::new();
            for (index, child) in items.iter().enumerate() {
                let child_original = original.join(index.to_string());
                let child_seen = seen_as.join(out.len().to_string());
                match hidden(&child_original) {
                    Some(true) => continue,
                    Some(false) => disclosed.push(child_seen.to_string()),
                    None => {}
                }
                out.push(expected_view(
                    child,
                    &child_original,
                    &child_seen,
                    hidden,
                    disclosed,
                ));
            }
            Value::Array(out)
        }
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn presenting_any_subset_verifies_to_exactly_that_subset(
        claims in claims(),
        frame_bits in prop::collection::vec(any::<bool>(), 64),
        chosen_bits in prop::collection::vec(any::<bool>(), 64),
        decoys in 0usize..3,
    ) {
        let mut disclosable = Vec::new();
        let root = ClaimPath::root();
        let frame = derive_frame(
            &Value::Object(claims.clone()),
            &root,
            &mut frame_bits.iter().copied().cycle(),
            &mut disclosable,
        );
        let options = IssuanceOptions {
            decoys: DecoyCount::between(0, decoys).unwrap(),
            ..IssuanceOptions::default()
        };
        let (payload, disclosures) = issue_payload(claims.clone(), &frame, &options).unwrap();
        prop_assert_eq!(disclosures.len(), disclosable.len());
        let issued = SdJwt::parse(&SdJwt::new(JWT.into(), disclosures).unwrap().to_compact()).unwrap();

        // With every disclosure, the verifier sees the original claims.
        let all = verify_disclosures(payload.clone(), issued.disclosures(), &VerifyOptions::default()).unwrap();
        prop_assert_eq!(&all.claims, &claims);

        // With a chosen subset, exactly that subset, its parents and its contents.
        let chosen: Vec<ClaimPath> = disclosable
            .iter()
            .zip(chosen_bits.iter().cycle())
            .filter(|(_, chosen)| **chosen)
            .map(|(path, _)| path.clone())
            .collect();
        let presented = issued.present(&payload, &chosen).unwrap();
        let received = SdJwt::parse(&presented.to_compact()).unwrap();
        let processed = verify_disclosures(payload, received.disclosures(), &VerifyOptions::default()).unwrap();

        let is_disclosable = |path: &ClaimPath| disclosable.contains(path);
        let revealed = |path: &ClaimPath| chosen.iter().any(|c| is_prefix(c, path) || is_prefix(path, c));
        let hidden = |path: &ClaimPath| is_disclosable(path).then(|| !revealed(path));
        let mut expected_paths = Vec::new();
        let expected = expected_view(&Value::Object(claims), &root, &root, &hidden, &mut expected_paths);
        prop_assert_eq!(Value::Object(processed.claims), expected);
        let mut got_paths = processed.disclosed;
        got_paths.sort();
        expected_paths.sort();
        prop_assert_eq!(received.disclosures().len(), expected_paths.len());
        prop_assert_eq!(got_paths, expected_paths);
    }
}

/// A digest from `pool` most of the time, else junk.
fn hostile_digest(pool: Vec<String>) -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        40 => prop::sample::select(pool).prop_map(Value::from),
        8 => "[A-Za-z0-9_-]{0,4}".prop_map(Value::from),
        1 => Just(Value::Null),
    ]
}

fn stand_in(digest: Value) -> Value {
    let mut map = Map::new();
    map.insert("...".into(), digest);
    Value::Object(map)
}

/// An object with members from `member`, an optional `_sd` of hostile digests and, rarely, a
/// nested `_sd_alg`.
fn hostile_object(
    member: impl Strategy<Value = Value> + Clone,
    pool: Vec<String>,
) -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), member, 0..4),
        prop::option::of(prop::collection::vec(hostile_digest(pool), 0..4)),
        prop::bool::weighted(0.03),
    )
        .prop_map(|(members, sd, sd_alg)| {
            let mut map: Map<String, Value> = members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            if let Some(sd) = sd {
                map.insert("_sd".into(), Value::Array(sd));
            }
            if sd_alg {
                map.insert("_sd_alg".into(), Value::from("sha-256"));
            }
            map
        })
}

/// A payload built to trip the verifier: `_sd` arrays and `{"...": …}` elements whose digests
/// come from `pool` (or are junk), at random places and depths, weighted towards shapes that
/// verify so that the accepting paths are exercised too.
fn hostile_payload(pool: Vec<String>) -> impl Strategy<Value = Map<String, Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        (-5i64..5).prop_map(Value::from),
        "[a-z]{0,3}".prop_map(Value::from),
    ];
    let nested_pool = pool.clone();
    let value = leaf.prop_recursive(4, 32, 4, move |inner| {
        let element = prop_oneof![
            2 => inner.clone(),
            2 => hostile_digest(nested_pool.clone()).prop_map(stand_in),
            // Rarely, a stand-in with a second key.
            1 => hostile_digest(nested_pool.clone()).prop_map(|d| {
                let mut value = stand_in(d);
                if let Value::Object(map) = &mut value {
                    map.insert("x".into(), Value::Null);
                }
                value
            }),
        ];
        prop_oneof![
            1 => prop::collection::vec(element, 0..4).prop_map(Value::Array),
            1 => hostile_object(inner, nested_pool.clone()).prop_map(Value::Object),
        ]
    });
    hostile_object(value, pool)
}

/// Five disclosures, the same on every call (fixed salts), of both kinds and with values
/// that hold `_sd` and `...` themselves.
fn disclosure_pool() -> Vec<super::Disclosure> {
    let names = [Some("a"), Some("b"), Some("name"), None, None];
    let values = [
        Value::from(1),
        serde_json::json!({"a": 1}),
        serde_json::json!([1, 2]),
        serde_json::json!({"_sd": []}),
        serde_json::json!([{"...": "x"}]),
    ];
    names
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (name, value))| {
            super::Disclosure::with_salt(format!("salt{i}"), name.map(String::from), value)
        })
        .collect::<Result<_, _>>()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No input makes a parser panic (DESIGN.md, "Security rules").
    #[test]
    fn parsers_never_panic(text in "\\PC{0,64}|[A-Za-z0-9_~.-]{0,120}") {
        let _ = SdJwt::parse(&text);
        let _ = super::SdJwtKb::parse(&text);
        let _ = super::Disclosure::parse(&text);
        let _ = ClaimPath::parse(&text);
        let _ = text.parse::<DisclosureFrame>();
        let _ = super::HashAlgorithm::from_name(&text);
    }

    /// Any JSON array, base64url-encoded, parses to a disclosure or to a typed error.
    #[test]
    fn disclosure_parse_never_panics_on_json(elements in prop::collection::vec(claim_value(), 0..5)) {
        use base64::Engine;
        let json = serde_json::to_vec(&elements).unwrap();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        if let Ok(disclosure) = super::Disclosure::parse(&encoded) {
            prop_assert!(elements.len() == 2 || elements.len() == 3);
            prop_assert_eq!(disclosure.as_str(), encoded.as_str());
        }
    }

    /// Hostile payloads and disclosure lists give a result or a typed error, never a panic,
    /// and an accepted result never keeps `_sd`, `_sd_alg` or a `...` stand-in.
    #[test]
    fn verify_never_panics_on_hostile_payloads(
        (payload, sent, referenced_only) in {
            let pool = disclosure_pool();
            let digests: Vec<String> = pool.iter().map(|d| d.digest(super::HashAlgorithm::Sha256)).collect();
            (
                hostile_payload(digests),
                prop_oneof![
                    4 => prop::sample::subsequence((0usize..5).collect::<Vec<_>>(), 0..=5),
                    1 => prop::collection::vec(0usize..5, 0..6),
                ],
                prop::bool::weighted(0.7),
            )
        }
    ) {
        let pool = disclosure_pool();
        let text = Value::Object(payload.clone()).to_string();
        let sent: Vec<super::Disclosure> = sent
            .iter()
            .filter_map(|&i| pool.get(i).cloned())
            // Mostly send disclosures the payload mentions somewhere, so that some verify.
            .filter(|d| !referenced_only || text.contains(&d.digest(super::HashAlgorithm::Sha256)))
            .collect();
        for options in [VerifyOptions::default(), VerifyOptions::sd_jwt_vc()] {
            if let Ok(processed) = verify_disclosures(payload.clone(), &sent, &options) {
                let text = Value::Object(processed.claims).to_string();
                prop_assert!(!text.contains("\"_sd\"") && !text.contains("\"_sd_alg\"") && !text.contains("\"...\""));
            }
        }
        let paths = [ClaimPath::root(), ClaimPath::parse("/a").unwrap(), ClaimPath::parse("/a/0").unwrap()];
        let _ = super::select_disclosures(&payload, &sent, &paths);
    }

    /// Both ways of processing disclosures — the verifier's, which moves names and values out
    /// of them, and the copying one — accept exactly the hostile payloads and disclosure lists
    /// (duplicates included) that RFC 9901 §7.1 accepts, with the Processed SD-JWT Payload it
    /// defines, and refuse the others with the same error.
    #[test]
    fn processing_gives_the_rfc_9901_payload_by_either_path(
        (payload, sent, referenced_only) in {
            let pool = disclosure_pool();
            let digests: Vec<String> = pool.iter().map(|d| d.digest(super::HashAlgorithm::Sha256)).collect();
            (
                hostile_payload(digests),
                prop_oneof![
                    4 => prop::sample::subsequence((0usize..5).collect::<Vec<_>>(), 0..=5),
                    1 => prop::collection::vec(0usize..5, 0..6),
                ],
                prop::bool::weighted(0.7),
            )
        }
    ) {
        let pool = disclosure_pool();
        let text = Value::Object(payload.clone()).to_string();
        let sent: Vec<super::Disclosure> = sent
            .iter()
            .filter_map(|&i| pool.get(i).cloned())
            .filter(|d| !referenced_only || text.contains(&d.digest(super::HashAlgorithm::Sha256)))
            .collect();
        // The payloads use only the names of NAMES, none of them a claim that SD-JWT VC
        // forbids to disclose, so both option sets must give the RFC's answer.
        let expected = rfc_9901_processing(&payload, &sent);
        for options in [VerifyOptions::default(), VerifyOptions::sd_jwt_vc()] {
            let copied = verify_disclosures(payload.clone(), &sent, &options)
                .map(|processed| (processed.claims, processed.hash_alg));
            let mut owned = sent.clone();
            let moved = super::process_disclosures(payload.clone(), &mut owned, &options, None);
            prop_assert_eq!(
                moved.as_ref().ok().map(|(claims, _)| claims),
                expected.as_ref(),
                "moved: {:?}", moved
            );
            prop_assert_eq!(moved, copied);
        }
    }
}

/// RFC 9901 §7.1 steps 3–5 written out plainly from the specification's words, independent of
/// the verifier's walk: `None` when the SD-JWT must be rejected, else the processed payload.
fn rfc_9901_processing(
    payload: &Map<String, Value>,
    disclosures: &[super::Disclosure],
) -> Option<Map<String, Value>> {
    struct Reference<'a> {
        by_digest: std::collections::HashMap<String, &'a super::Disclosure>,
        met: std::collections::HashSet<String>,
        used: std::collections::HashSet<String>,
    }
    impl Reference<'_> {
        /// §7.1 step 4: a digest appears at most once, whether or not it is disclosed.
        fn meet(&mut self, digest: &str) -> Option<Option<(Option<String>, Value)>> {
            if !self.met.insert(digest.to_owned()) {
                return None;
            }
            Some(self.by_digest.get(digest).map(|disclosure| {
                self.used.insert(digest.to_owned());
                (
                    disclosure.claim_name().map(str::to_owned),
                    disclosure.value().clone(),
                )
            }))
        }

        fn value(&mut self, value: &Value) -> Option<Value> {
            match value {
                Value::Object(map) => self.object(map).map(Value::Object),
                Value::Array(items) => self.array(items).map(Value::Array),
                other => Some(other.clone()),
            }
        }

        fn object(&mut self, map: &Map<String, Value>) -> Option<Map<String, Value>> {
            // §4.1.1: `_sd_alg` only at the top level; §4.1: `...` only in an array element.
            if map.contains_key("_sd_alg") || map.contains_key("...") {
                return None;
            }
            let mut out = Map::new();
            for (name, value) in map.iter().filter(|(name, _)| *name != "_sd") {
                out.insert(name.clone(), self.value(value)?);
            }
            let Some(sd) = map.get("_sd") else {
                return Some(out);
            };
            // §4.2.4.1: an array of strings.
            for digest in sd.as_array()? {
                // Step 3.3.1: a digest without a disclosure is left alone.
                let Some((name, value)) = self.meet(digest.as_str()?)? else {
                    continue;
                };
                // Step 3.3.2.1: a property disclosure; 3.3.2.3: no claim overridden.
                let name = name?;
                if out.contains_key(&name) {
                    return None;
                }
                let value = self.value(&value)?;
                out.insert(name, value);
            }
            Some(out)
        }

        fn array(&mut self, items: &[Value]) -> Option<Vec<Value>> {
            let mut out = Vec::new();
            for item in items {
                match item.as_object().filter(|map| map.contains_key("...")) {
                    // Step 3.2.2: `{"...": digest}`, and nothing else, stands for an element.
                    Some(stand_in) => {
                        if stand_in.len() != 1 {
                            return None;
                        }
                        // Step 3.4: an element without its disclosure is removed.
                        let Some((name, value)) = self.meet(stand_in["..."].as_str()?)? else {
                            continue;
                        };
                        // Step 3.3.3.1: an array element disclosure.
                        if name.is_some() {
                            return None;
                        }
                        out.push(self.value(&value)?);
                    }
                    None => out.push(self.value(item)?),
                }
            }
            Some(out)
        }
    }

    let mut by_digest = std::collections::HashMap::new();
    for disclosure in disclosures {
        // §4: a disclosure is sent at most once.
        if by_digest
            .insert(disclosure.digest(super::HashAlgorithm::Sha256), disclosure)
            .is_some()
        {
            return None;
        }
    }
    let mut reference = Reference {
        by_digest,
        met: Default::default(),
        used: Default::default(),
    };
    let mut top = payload.clone();
    top.remove("_sd_alg");
    let processed = reference.object(&top)?;
    // Step 5: every disclosure sent is referenced.
    (reference.used.len() == reference.by_digest.len()).then_some(processed)
}
