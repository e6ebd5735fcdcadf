//! What the issuer let the holder withhold: counted on an SD-JWT VC's issuer-signed payload
//! before its disclosures are processed (RFC 9901 §4.2: digests in `_sd` and `{"...": digest}`
//! array elements) — the digests, and the plain claims beyond the registered ones. What the
//! holder did disclose the processing itself records ([`Observed::disclosed`]). Counts only,
//! for the trust evidence; never a claim value.

use serde_json::{Map, Value};

use crate::report::Observed;

/// Claims every SD-JWT VC carries for the verifier rather than about the subject (RFC 7519
/// §4.1, RFC 9901 §4.1, SD-JWT VC §2.2.2): not counted as data the issuer made visible.
const REGISTERED: [&str; 12] = [
    "iss",
    "nbf",
    "exp",
    "iat",
    "jti",
    "aud",
    "cnf",
    "vct",
    "vct#integrity",
    "status",
    "_sd",
    "_sd_alg",
];

/// Records in `observed` how many digests `payload` holds at any level (decoys included: a
/// verifier cannot tell them apart) and how many claims it makes always visible.
pub(super) fn count_withholdable(payload: &Map<String, Value>, observed: &mut Observed) {
    observed.selectively_disclosable = count_member_digests(payload);
    observed.always_visible = payload
        .keys()
        .filter(|name| !REGISTERED.contains(&name.as_str()))
        .count();
}

/// An array element that stands for a disclosable one (RFC 9901 §4.2.4.2).
fn is_array_digest(element: &Value) -> bool {
    matches!(element, Value::Object(members) if members.len() == 1 && members.contains_key("..."))
}

/// The digests in the members of an object at any depth.
fn count_member_digests(members: &Map<String, Value>) -> usize {
    members
        .iter()
        .map(|(name, member)| match (name.as_str(), member) {
            ("_sd", Value::Array(digests)) => digests.len(),
            _ => count_digests(member),
        })
        .sum()
}

/// The digests in `value` at any depth: `_sd` entries and array-element digests.
fn count_digests(value: &Value) -> usize {
    match value {
        Value::Object(members) => count_member_digests(members),
        Value::Array(elements) => elements
            .iter()
            .map(|element| {
                if is_array_digest(element) {
                    1
                } else {
                    count_digests(element)
                }
            })
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn counts_the_digests_at_every_level_and_the_plain_claims_beyond_the_registered() {
        let payload = json!({
            "iss": "did:example:issuer", "vct": "urn:x", "_sd": ["d1", "d2", "d3"],
            "avatars": [{"...": "d4"}, {"...": "d5"}],
            "address": {"_sd": ["d6"], "country": "DE"},
            "plain_name": "visible",
        });
        let mut observed = Observed::default();
        count_withholdable(payload.as_object().unwrap(), &mut observed);
        assert_eq!(observed.selectively_disclosable, 6);
        // `avatars`, `address` and `plain_name`: the registered `iss`, `vct`, `_sd` do not count.
        assert_eq!(observed.always_visible, 3);
    }
}
