//! What the holder disclosed, by claim name, and what the issuer let it withhold: observed on
//! an SD-JWT VC's issuer-signed payload before its disclosures are processed (RFC 9901 §4.2:
//! digests in `_sd` and `{"...": digest}` array elements) and on the processed claims after.
//! Names and counts only, for the trust evidence ([`Observed`]); never a claim value.

use std::collections::BTreeMap;

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

/// The issuer-signed payload's shape before processing: each plain top-level claim with its
/// number of plain elements (an array) or plain members (an object).
pub(super) struct PlainShape {
    plain: BTreeMap<String, Plain>,
    digests: usize,
}

enum Plain {
    /// An array with this many plain elements.
    Array(usize),
    /// An object with this many plain members.
    Object(usize),
    Scalar,
}

impl PlainShape {
    /// The shape of `payload`.
    pub(super) fn of(payload: &Map<String, Value>) -> Self {
        let plain = payload
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "_sd" | "_sd_alg"))
            .map(|(name, value)| {
                let shape = match value {
                    Value::Array(elements) => {
                        Plain::Array(elements.iter().filter(|e| !is_array_digest(e)).count())
                    }
                    Value::Object(members) => {
                        Plain::Object(members.keys().filter(|name| *name != "_sd").count())
                    }
                    _ => Plain::Scalar,
                };
                (name.clone(), shape)
            })
            .collect();
        PlainShape {
            plain,
            digests: count_member_digests(payload),
        }
    }

    /// Records in `observed` the claims of `processed` that disclosures brought, and the
    /// counts of withholdable and always-visible claims.
    pub(super) fn observe(&self, processed: &Map<String, Value>, observed: &mut Observed) {
        observed.selectively_disclosable = self.digests;
        observed.always_visible = self
            .plain
            .keys()
            .filter(|name| !REGISTERED.contains(&name.as_str()))
            .count();
        observed.disclosed = processed
            .iter()
            .filter(
                |(name, value)| match (self.plain.get(name.as_str()), value) {
                    (None, _) => true,
                    (Some(Plain::Array(plain)), Value::Array(now)) => now.len() > *plain,
                    (Some(Plain::Object(plain)), Value::Object(now)) => now.len() > *plain,
                    _ => false,
                },
            )
            .map(|(name, _)| name.clone())
            .collect();
    }
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
    fn names_what_disclosures_brought_and_counts_what_could_be_withheld() {
        let payload = json!({
            "iss": "did:example:issuer", "vct": "urn:x", "_sd": ["d1", "d2", "d3"],
            "avatars": [{"...": "d4"}, {"...": "d5"}],
            "address": {"_sd": ["d6"], "country": "DE"},
            "plain_name": "visible",
        });
        let shape = PlainShape::of(payload.as_object().unwrap());
        let processed = json!({
            "iss": "did:example:issuer", "vct": "urn:x", "age_over_18": true,
            "avatars": [{"platform": "b"}],
            "address": {"country": "DE"},
            "plain_name": "visible",
        });
        let mut observed = Observed::default();
        shape.observe(processed.as_object().unwrap(), &mut observed);
        assert_eq!(observed.selectively_disclosable, 6);
        // `address` and `plain_name`: the registered `iss` and `vct` do not count.
        assert_eq!(observed.always_visible, 3);
        // `address` holds a digest, but nothing of it was disclosed.
        assert_eq!(observed.disclosed, ["age_over_18", "avatars"]);
        let with_street = json!({"iss": "i", "address": {"country": "DE", "street": "x"}});
        shape.observe(with_street.as_object().unwrap(), &mut observed);
        assert_eq!(observed.disclosed, ["address"]);
    }

    #[test]
    fn a_presentation_without_disclosures_discloses_nothing() {
        let payload = json!({"iss": "i", "avatars": [{"...": "d"}], "_sd": ["d2"]});
        let shape = PlainShape::of(payload.as_object().unwrap());
        let processed = json!({"iss": "i", "avatars": []});
        let mut observed = Observed::default();
        shape.observe(processed.as_object().unwrap(), &mut observed);
        assert!(observed.disclosed.is_empty());
    }
}
