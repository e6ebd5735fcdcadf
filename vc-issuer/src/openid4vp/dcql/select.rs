//! Evaluation of a DCQL query (OpenID4VP 1.0 §6.4): the wallet's choice of credentials and of
//! the minimal claims to disclose, and the verifier's check that what arrived satisfies the
//! query.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::path::process_path;
use super::{ClaimsQuery, CredentialQuery, DcqlError, DcqlQuery, SD_JWT_VC_FORMAT};
use crate::sd_jwt::ClaimPath;

/// A credential a query is evaluated against: its format, its type, and its claims — for the
/// wallet every claim it could disclose, for the verifier the claims it received.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The Credential Format Identifier.
    pub format: &'a str,
    /// The SD-JWT VC type (`vct`), for a `dc+sd-jwt` credential.
    pub vct: Option<&'a str>,
    /// The claims, every disclosure applied.
    pub claims: &'a Map<String, Value>,
}

impl<'a> Candidate<'a> {
    /// An SD-JWT VC of type `vct` with `claims`.
    pub fn sd_jwt_vc(vct: Option<&'a str>, claims: &'a Map<String, Value>) -> Self {
        Self {
            format: SD_JWT_VC_FORMAT,
            vct,
            claims,
        }
    }
}

/// The wallet's answer to a query: which credential answers which Credential Query, and what
/// to disclose of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// One entry per credential to present, in the order of the query's `credentials`.
    pub credentials: Vec<SelectedCredential>,
}

/// One credential chosen for one Credential Query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedCredential {
    /// The Credential Query's `id`: the key of the presentation in `vp_token`.
    pub query_id: String,
    /// The position of the chosen credential among the candidates.
    pub candidate: usize,
    /// The claims to disclose, as concrete paths: exactly those the query selects, so that
    /// nothing else selectively disclosable is sent (§6.4: "Wallets MUST NOT send selectively
    /// disclosable claims that have not been selected").
    pub paths: Vec<ClaimPath>,
}

/// A presented credential that satisfies its Credential Query, with the concrete paths of the
/// claims the query selected in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCredential {
    /// The Credential Query's `id`.
    pub query_id: String,
    /// The claims the query asked for, found in the presentation.
    pub paths: Vec<ClaimPath>,
}

impl DcqlQuery {
    /// The wallet's side of §6.4: for each Credential Query the first candidate (every
    /// matching one if `multiple`) of the right format and type that holds the claims asked
    /// for — the first claim set it can satisfy, claims whose value is not among `values`
    /// treated as absent — and then the Credential Queries to answer: all of them without
    /// `credential_sets`, otherwise the first satisfiable option of every required set and
    /// of every optional set that has one. Nothing is returned if a required query or set
    /// cannot be satisfied (§6.4.2).
    pub fn select(&self, candidates: &[Candidate<'_>]) -> Result<Selection, DcqlError> {
        let answers: Vec<Vec<SelectedCredential>> = self
            .credentials
            .iter()
            .map(|query| {
                let mut matching = candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, candidate)| query.matches_type(candidate))
                    .filter_map(|(index, candidate)| {
                        Some(SelectedCredential {
                            query_id: query.id.clone(),
                            candidate: index,
                            paths: query.claims_in(candidate.claims)?,
                        })
                    });
                if query.multiple {
                    matching.collect()
                } else {
                    matching.next().into_iter().collect()
                }
            })
            .collect();
        let answered: HashSet<&str> = self
            .credentials
            .iter()
            .zip(&answers)
            .filter(|(_, answer)| !answer.is_empty())
            .map(|(query, _)| query.id.as_str())
            .collect();
        let wanted = self.wanted(&answered)?;
        Ok(Selection {
            credentials: self
                .credentials
                .iter()
                .zip(answers)
                .filter(|(query, _)| wanted.contains(query.id.as_str()))
                .flat_map(|(_, answer)| answer)
                .collect(),
        })
    }

    /// The verifier's side of §8.6 step 2.2 and step 3: every presentation, keyed by its
    /// Credential Query id, must be of the type asked for and hold the claims asked for, and
    /// the ids presented must satisfy the query as a whole (every Credential Query without
    /// `credential_sets`, an option of every required set otherwise). A claim restricted by
    /// `values` counts only with one of them: §6.4.1 forbids the verifier to rely on the
    /// wallet's filtering, so it checks the values itself.
    pub fn check_presented(
        &self,
        presented: &[(&str, Candidate<'_>)],
    ) -> Result<Vec<CheckedCredential>, DcqlError> {
        let mut checked = Vec::with_capacity(presented.len());
        for (query_id, candidate) in presented {
            let Some(query) = self.credential(query_id) else {
                return Err(DcqlError::Unsatisfiable {
                    reason: format!(
                        "a presentation is keyed `{}`, which no Credential Query has",
                        did_core::excerpt::excerpt(query_id)
                    ),
                });
            };
            if !query.matches_type(candidate) {
                return Err(DcqlError::Unsatisfiable {
                    reason: format!(
                        "the credential presented for `{query_id}` is not of the format and type asked for"
                    ),
                });
            }
            let paths = query.claims_present(candidate.claims).map_err(|missing| {
                DcqlError::Unsatisfiable {
                    reason: format!(
                        "the credential presented for `{query_id}` lacks the claim {missing}"
                    ),
                }
            })?;
            checked.push(CheckedCredential {
                query_id: query.id.clone(),
                paths,
            });
        }
        let answered: HashSet<&str> = presented.iter().map(|(id, _)| *id).collect();
        self.wanted(&answered)?;
        Ok(checked)
    }

    /// The Credential Query ids to return given those that can be answered (§6.4.2).
    fn wanted<'q>(&'q self, answered: &HashSet<&str>) -> Result<HashSet<&'q str>, DcqlError> {
        let Some(sets) = &self.credential_sets else {
            if let Some(query) = self
                .credentials
                .iter()
                .find(|query| !answered.contains(query.id.as_str()))
            {
                return Err(DcqlError::Unsatisfiable {
                    reason: format!("nothing answers the Credential Query `{}`", query.id),
                });
            }
            return Ok(self.credentials.iter().map(|q| q.id.as_str()).collect());
        };
        let mut wanted = HashSet::new();
        for (index, set) in sets.iter().enumerate() {
            let option = set
                .options
                .iter()
                .find(|option| option.iter().all(|id| answered.contains(id.as_str())));
            match option {
                Some(option) => wanted.extend(option.iter().map(String::as_str)),
                None if set.required => {
                    return Err(DcqlError::Unsatisfiable {
                        reason: format!(
                            "no option of the required credential set {index} can be answered"
                        ),
                    });
                }
                None => {}
            }
        }
        Ok(wanted)
    }
}

impl CredentialQuery {
    /// Whether `candidate` has this query's format and, for an SD-JWT VC, one of its
    /// `vct_values` (§B.3.5; type inheritance is not followed: avid's types extend nothing).
    fn matches_type(&self, candidate: &Candidate<'_>) -> bool {
        if candidate.format != self.format {
            return false;
        }
        if self.format != SD_JWT_VC_FORMAT {
            return true;
        }
        match (self.vct_values(), candidate.vct) {
            (Some(values), Some(vct)) => values.contains(&vct),
            _ => false,
        }
    }

    /// The claims to disclose from `claims` (§6.4.1): none without `claims`, all of them
    /// without `claim_sets`, else those of the first claim set that can be satisfied. `None`
    /// when the query cannot be satisfied.
    fn claims_in(&self, claims: &Map<String, Value>) -> Option<Vec<ClaimPath>> {
        let Some(queries) = &self.claims else {
            return Some(Vec::new());
        };
        let resolve = |query: &ClaimsQuery| resolve(query, claims);
        match &self.claim_sets {
            None => collect(queries.iter().map(resolve)),
            Some(sets) => sets.iter().find_map(|set| {
                collect(
                    set.iter()
                        .filter_map(|id| queries.iter().find(|q| q.id.as_deref() == Some(id)))
                        .map(resolve),
                )
            }),
        }
    }

    /// The verifier's reading of [`claims_in`](Self::claims_in): the same rules; on failure,
    /// the path of the (first) claim missing.
    fn claims_present(&self, claims: &Map<String, Value>) -> Result<Vec<ClaimPath>, String> {
        let Some(queries) = &self.claims else {
            return Ok(Vec::new());
        };
        let describe = |query: &ClaimsQuery| {
            serde_json::to_string(&query.path).unwrap_or_else(|_| "(unprintable)".into())
        };
        let sets: Vec<Vec<&ClaimsQuery>> = match &self.claim_sets {
            None => vec![queries.iter().collect()],
            Some(sets) => sets
                .iter()
                .map(|set| {
                    set.iter()
                        .filter_map(|id| queries.iter().find(|q| q.id.as_deref() == Some(id)))
                        .collect()
                })
                .collect(),
        };
        let mut first_missing = None;
        for set in sets {
            match collect(set.iter().map(|query| resolve(query, claims))) {
                Some(paths) => return Ok(paths),
                None => {
                    first_missing.get_or_insert_with(|| {
                        set.iter()
                            .find(|query| resolve(query, claims).is_none())
                            .map(|query| describe(query))
                            .unwrap_or_default()
                    });
                }
            }
        }
        Err(first_missing.unwrap_or_default())
    }
}

/// The concrete paths `query` selects in `claims`, only the claims whose value is one of
/// `values` (§6.4.1: the others are "treated the same as if [they] did not exist").
fn resolve(query: &ClaimsQuery, claims: &Map<String, Value>) -> Option<Vec<ClaimPath>> {
    let selected = process_path(claims, &query.path)?;
    let paths: Vec<ClaimPath> = selected
        .into_iter()
        .filter(|selected| {
            query
                .values
                .as_ref()
                .is_none_or(|values| values.iter().any(|v| v.matches(selected.value)))
        })
        .map(|selected| selected.path)
        .collect();
    (!paths.is_empty()).then_some(paths)
}

/// All paths of all resolved queries, each once; `None` if any query is unresolved.
fn collect(resolved: impl Iterator<Item = Option<Vec<ClaimPath>>>) -> Option<Vec<ClaimPath>> {
    let mut paths: Vec<ClaimPath> = Vec::new();
    for query_paths in resolved {
        for path in query_paths? {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    Some(paths)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const VCT: &str = crate::avatar::AVATAR_LINK_VCT;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn query(credentials: Value) -> DcqlQuery {
        DcqlQuery::from_json(&json!({"credentials": credentials})).unwrap()
    }

    fn link(claims: Value) -> Value {
        json!([{"id": "link", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}, "claims": claims}])
    }

    fn strings(paths: &[ClaimPath]) -> Vec<String> {
        paths.iter().map(ToString::to_string).collect()
    }

    fn held() -> Map<String, Value> {
        object(json!({
            "sub": "did:example:holder",
            "avatars": [
                {"platform": "A", "id": "did:example:a", "handle": "alice_a"},
                {"platform": "B", "id": "did:example:b", "handle": "alice_b"},
                {"platform": "C", "id": "did:example:c", "handle": "alice_c"}
            ],
            "age_over_18": true,
            "name": "Alice"
        }))
    }

    #[test]
    fn selects_only_avatars_of_the_platform_asked_for() {
        let claims = held();
        let query = query(link(json!([
            {"path": ["avatars", null, "platform"], "values": ["B"]},
            {"path": ["age_over_18"], "values": [true]}
        ])));
        let selection = query
            .select(&[Candidate::sd_jwt_vc(Some(VCT), &claims)])
            .unwrap();
        assert_eq!(selection.credentials.len(), 1);
        assert_eq!(
            strings(&selection.credentials[0].paths),
            ["/avatars/1/platform", "/age_over_18"]
        );
    }

    #[test]
    fn a_value_not_held_makes_the_query_unsatisfiable() {
        let claims = held();
        let query = query(link(json!([
            {"path": ["avatars", null, "platform"], "values": ["Z"]}
        ])));
        assert!(matches!(
            query.select(&[Candidate::sd_jwt_vc(Some(VCT), &claims)]),
            Err(DcqlError::Unsatisfiable { .. })
        ));
    }

    #[test]
    fn skips_credentials_of_another_type() {
        let claims = held();
        let query = query(link(json!([{"path": ["name"]}])));
        let candidates = [
            Candidate::sd_jwt_vc(Some("urn:other"), &claims),
            Candidate::sd_jwt_vc(Some(VCT), &claims),
        ];
        let selection = query.select(&candidates).unwrap();
        assert_eq!(selection.credentials[0].candidate, 1);
        assert!(query.select(&candidates[..1]).is_err());
    }

    #[test]
    fn no_claims_means_nothing_to_disclose() {
        let claims = held();
        let query =
            query(json!([{"id": "link", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}}]));
        let selection = query
            .select(&[Candidate::sd_jwt_vc(Some(VCT), &claims)])
            .unwrap();
        assert!(selection.credentials[0].paths.is_empty());
    }

    #[test]
    fn claim_sets_take_the_first_satisfiable_option() {
        let claims = held();
        let query = DcqlQuery::from_json(&json!({"credentials": [{
            "id": "link", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]},
            "claims": [
                {"id": "birth", "path": ["birthdate"]},
                {"id": "age", "path": ["age_over_18"]},
                {"id": "name", "path": ["name"]}
            ],
            "claim_sets": [["birth"], ["age", "name"]]
        }]}))
        .unwrap();
        let selection = query
            .select(&[Candidate::sd_jwt_vc(Some(VCT), &claims)])
            .unwrap();
        assert_eq!(
            strings(&selection.credentials[0].paths),
            ["/age_over_18", "/name"]
        );
    }

    #[test]
    fn credential_sets_drop_unanswerable_optional_sets() {
        let claims = held();
        let query = DcqlQuery::from_json(&json!({
            "credentials": [
                {"id": "link", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}, "claims": [{"path": ["name"]}]},
                {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:pid"]}}
            ],
            "credential_sets": [
                {"options": [["pid"], ["link"]]},
                {"options": [["pid"]], "required": false}
            ]
        }))
        .unwrap();
        let selection = query
            .select(&[Candidate::sd_jwt_vc(Some(VCT), &claims)])
            .unwrap();
        assert_eq!(selection.credentials.len(), 1);
        assert_eq!(selection.credentials[0].query_id, "link");
    }

    #[test]
    fn multiple_returns_every_match() {
        let claims = held();
        let mut json = link(json!([{"path": ["name"]}]));
        json[0]["multiple"] = json!(true);
        let query = query(json);
        let candidates = [
            Candidate::sd_jwt_vc(Some(VCT), &claims),
            Candidate::sd_jwt_vc(Some(VCT), &claims),
        ];
        assert_eq!(query.select(&candidates).unwrap().credentials.len(), 2);
    }

    #[test]
    fn rejects_presentation_missing_a_claim() {
        let query = query(link(json!([
            {"path": ["avatars", null, "platform"], "values": ["B"]},
            {"path": ["age_over_18"]}
        ])));
        let presented = object(json!({"avatars": [{"platform": "B"}]}));
        let error = query
            .check_presented(&[("link", Candidate::sd_jwt_vc(Some(VCT), &presented))])
            .unwrap_err();
        assert!(error.to_string().contains("age_over_18"), "{error}");
        let complete = object(json!({"avatars": [{"platform": "B"}], "age_over_18": true}));
        let checked = query
            .check_presented(&[("link", Candidate::sd_jwt_vc(Some(VCT), &complete))])
            .unwrap();
        assert_eq!(
            strings(&checked[0].paths),
            ["/avatars/0/platform", "/age_over_18"]
        );
    }

    #[test]
    fn rejects_presentation_under_an_unknown_id_or_type() {
        let query = query(link(json!([{"path": ["name"]}])));
        let presented = object(json!({"name": "Alice"}));
        assert!(
            query
                .check_presented(&[("other", Candidate::sd_jwt_vc(Some(VCT), &presented))])
                .is_err()
        );
        assert!(
            query
                .check_presented(&[("link", Candidate::sd_jwt_vc(Some("urn:x"), &presented))])
                .is_err()
        );
        assert!(
            query.check_presented(&[]).is_err(),
            "a required query unanswered"
        );
    }
}
