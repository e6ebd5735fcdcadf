//! The structural verification of an SD-JWT (RFC 9901 §7.1 steps 3–5), the pure core of
//! `vc_issuer::sd_jwt`, over inputs the fuzzer can make digests match in.
//!
//! Input: the issuer-signed payload (a JSON object) on the first line, then one disclosure per
//! line as its JSON array text. Each disclosure is base64url-encoded into the wire form; a
//! string `#N` anywhere in the payload, or in a later disclosure, becomes the digest of
//! disclosure N, so that the fuzzer reaches the walk instead of stopping at unknown digests.
//!
//! Checked beyond "no panic": the processed claims keep no `_sd` or `_sd_alg`; every disclosed
//! JSON Pointer points into them and each disclosure is disclosed once; the result does not
//! depend on the order the disclosures were sent in; and the SD-JWT VC options, which only add
//! refusals, never accept what the plain options refuse.

#![no_main]

use did_core::base64url;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use vc_issuer::sd_jwt::{
    Disclosure, HashAlgorithm, VerifyOptions, payload_hash_algorithm, verify_disclosures,
};

/// Replaces every string `#N` with the digest of disclosure N, when there is one; returns
/// whether anything was replaced.
fn link(value: &mut Value, digests: &[String]) -> bool {
    match value {
        Value::String(text) => {
            let index = text.strip_prefix('#').and_then(|n| n.parse::<usize>().ok());
            match index.and_then(|index| digests.get(index)) {
                Some(digest) => {
                    *text = digest.clone();
                    true
                }
                None => false,
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |linked, item| link(item, digests) | linked),
        Value::Object(members) => members
            .values_mut()
            .fold(false, |linked, item| link(item, digests) | linked),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Whether `_sd` or `_sd_alg` is left anywhere in `value`.
fn has_sd_member(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(has_sd_member),
        Value::Object(members) => members
            .iter()
            .any(|(name, item)| name == "_sd" || name == "_sd_alg" || has_sd_member(item)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    let Some(Ok(Value::Object(mut payload))) = lines.next().map(serde_json::from_str::<Value>)
    else {
        return;
    };
    let alg = payload_hash_algorithm(&payload).unwrap_or(HashAlgorithm::Sha256);
    let mut disclosures = Vec::new();
    let mut digests = Vec::new();
    for line in lines {
        let Ok(mut array) = serde_json::from_str::<Value>(line) else {
            return;
        };
        // A line without references is encoded as it is, so that the fuzzer also explores
        // how a disclosure's JSON is written (white space, escapes, duplicate names).
        let encoded = if link(&mut array, &digests) {
            base64url::encode(&serde_json::to_vec(&array).expect("JSON writes"))
        } else {
            base64url::encode(line.as_bytes())
        };
        let Ok(disclosure) = Disclosure::parse(&encoded) else {
            return;
        };
        digests.push(disclosure.digest(alg));
        disclosures.push(disclosure);
    }
    let mut linked = Value::Object(std::mem::take(&mut payload));
    link(&mut linked, &digests);
    let Value::Object(payload) = linked else {
        return;
    };

    let plain = verify_disclosures(payload.clone(), &disclosures, &VerifyOptions::default());
    let vc = verify_disclosures(payload.clone(), &disclosures, &VerifyOptions::sd_jwt_vc());
    if let Ok(vc) = &vc {
        assert_eq!(
            plain.as_ref().ok(),
            Some(vc),
            "the VC options accepted more"
        );
    }
    let Ok(processed) = plain else {
        return;
    };
    let claims = Value::Object(processed.claims.clone());
    assert!(!has_sd_member(&claims), "an _sd member survived");
    assert_eq!(processed.disclosed.len(), disclosures.len());
    for pointer in &processed.disclosed {
        assert!(
            claims.pointer(pointer).is_some(),
            "{pointer} is not in the claims"
        );
    }
    let mut reversed = disclosures;
    reversed.reverse();
    let again = verify_disclosures(payload, &reversed, &VerifyOptions::default())
        .expect("the same disclosures in another order");
    assert_eq!(again, processed);
});
