//! The Authorization Response (OpenID4VP 1.0 §8.1) as `direct_post` sends it (§8.2): the
//! `vp_token` — a JSON object from each Credential Query id to an array of presentations —
//! and the `state`, form-encoded.

use did_core::excerpt::excerpt;
use serde_json::{Map, Value};

use crate::report::{ErrorCode, ReportError};

/// Longest `direct_post` body read, in bytes: a few credentials with room to spare.
pub const MAX_RESPONSE_LEN: usize = 4 << 20;
/// Most presentations in one `vp_token`.
pub const MAX_PRESENTATIONS: usize = 32;

/// An Authorization Response carrying a VP Token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// `vp_token` (§8.1): Credential Query id → the presentations answering it, each a
    /// compact SD-JWT+KB for `dc+sd-jwt`.
    pub vp_token: Vec<(String, Vec<String>)>,
    /// `state`, as the request carried it.
    pub state: Option<String>,
}

impl AuthorizationResponse {
    /// The `application/x-www-form-urlencoded` body the wallet posts to the `response_uri`
    /// (§8.2), `vp_token` as a JSON string.
    pub fn to_form(&self) -> String {
        let token: Map<String, Value> = self
            .vp_token
            .iter()
            .map(|(id, presentations)| {
                (
                    id.clone(),
                    Value::Array(presentations.iter().cloned().map(Value::String).collect()),
                )
            })
            .collect();
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("vp_token", &Value::Object(token).to_string());
        if let Some(state) = &self.state {
            form.append_pair("state", state);
        }
        form.finish()
    }

    /// Reads a `direct_post` body (§8.2). Refused as `malformed`: an over-long body, a
    /// repeated parameter, an error response (§8.5), a `vp_token` that is not a JSON object
    /// of non-empty arrays of strings (§8.1), too many presentations. Unknown parameters are
    /// ignored (§8.1).
    pub fn from_form(body: &str) -> Result<Self, ReportError> {
        let malformed = |reason: String| ReportError::new(ErrorCode::Malformed, reason);
        if body.len() > MAX_RESPONSE_LEN {
            return Err(malformed(format!(
                "the response is over {MAX_RESPONSE_LEN} bytes"
            )));
        }
        let mut vp_token = None;
        let mut state = None;
        let mut error = None;
        for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
            let slot = match name.as_ref() {
                "vp_token" => &mut vp_token,
                "state" => &mut state,
                "error" => &mut error,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(malformed(format!(
                    "the parameter `{}` appears twice (RFC 6749 §3.1)",
                    excerpt(&name)
                )));
            }
        }
        if let Some(error) = error {
            return Err(malformed(format!(
                "the wallet answered with the error `{}` and no presentation (§8.5)",
                excerpt(&error)
            )));
        }
        let vp_token =
            vp_token.ok_or_else(|| malformed("the response has no `vp_token` (§8.1)".into()))?;
        let Ok(Value::Object(token)) = serde_json::from_str::<Value>(&vp_token) else {
            return Err(malformed(
                "`vp_token` must be a JSON object keyed by Credential Query id (§8.1)".into(),
            ));
        };
        let mut entries = Vec::with_capacity(token.len());
        let mut count = 0;
        for (id, presentations) in token {
            let presentations = presentations
                .as_array()
                .filter(|list| !list.is_empty())
                .and_then(|list| {
                    list.iter()
                        .map(|p| p.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    malformed(format!(
                        "`vp_token.{}` must be a non-empty array of presentations (§8.1)",
                        excerpt(&id)
                    ))
                })?;
            count += presentations.len();
            if count > MAX_PRESENTATIONS {
                return Err(malformed(format!(
                    "the `vp_token` holds more than {MAX_PRESENTATIONS} presentations"
                )));
            }
            entries.push((id, presentations));
        }
        Ok(Self {
            vp_token: entries,
            state,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_round_trips() {
        let response = AuthorizationResponse {
            vp_token: vec![("link".into(), vec!["eyJ~WyJ~eyJ".into()])],
            state: Some("s-1".into()),
        };
        let form = response.to_form();
        assert!(
            form.starts_with("vp_token=%7B%22link%22%3A%5B%22eyJ%7EWyJ%7EeyJ%22%5D%7D&state=s-1"),
            "{form}"
        );
        assert_eq!(AuthorizationResponse::from_form(&form).unwrap(), response);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_body(body in ".{0,300}") {
            let _ = AuthorizationResponse::from_form(&body);
            let _ = crate::openid4vp::RequestUrl::parse(&format!("openid4vp://?{body}"));
        }
    }

    #[test]
    fn rejects_malformed_vp_tokens() {
        for body in [
            "state=s",
            "vp_token=%5B%5D",
            "vp_token=%7B%22a%22%3A%22x%22%7D",
            "vp_token=%7B%22a%22%3A%5B%5D%7D",
            "vp_token=%7B%22a%22%3A%5B1%5D%7D",
            "vp_token=%7B%7D&vp_token=%7B%7D",
            "error=access_denied&state=s",
        ] {
            let error = AuthorizationResponse::from_form(body).unwrap_err();
            assert_eq!(error.code, ErrorCode::Malformed, "{body}");
        }
    }
}
