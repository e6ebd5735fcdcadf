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
