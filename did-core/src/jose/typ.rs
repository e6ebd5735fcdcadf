//! The JOSE `typ` header (RFC 7515 §4.1.9) compared as the media type it names, so that every
//! explicitly typed JWT (`dc+sd-jwt`, `kb+jwt`, `vc+jwt`, `statuslist+jwt`,
//! `oauth-authz-req+jwt`, …) is recognised by one rule (RFC 8725 §3.11).

use serde_json::{Map, Value};

/// Whether a `typ` value names the media type `expected` (written either way: `kb+jwt` or
/// `application/kb+jwt`).
///
/// RFC 7515 §4.1.9: "A recipient using the media type value MUST treat it as if
/// 'application/' were prepended to any 'typ' value not containing a '/'". RFC 6838 §4.2: type
/// and subtype names are case-insensitive. A value with parameters (`;`) names no type this
/// project expects and never matches.
///
/// ```
/// use did_core::jose::typ_matches;
///
/// assert!(typ_matches("kb+jwt", "kb+jwt"));
/// assert!(typ_matches("application/KB+JWT", "kb+jwt"));
/// assert!(!typ_matches("text/kb+jwt", "kb+jwt"));
/// assert!(!typ_matches("jwt", "kb+jwt"));
/// ```
pub fn typ_matches(typ: &str, expected: &str) -> bool {
    full_media_type(typ).is_some_and(|(kind, subtype)| {
        full_media_type(expected).is_some_and(|(want_kind, want_subtype)| {
            kind.eq_ignore_ascii_case(want_kind) && subtype.eq_ignore_ascii_case(want_subtype)
        })
    })
}

/// Whether `header` carries a `typ` that [`typ_matches`] `expected`; `false` when there is no
/// `typ` or it is not a string.
pub fn header_has_typ(header: &Map<String, Value>, expected: &str) -> bool {
    header
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(|typ| typ_matches(typ, expected))
}

/// `(type, subtype)` of a media type, with `application` when no `/` is written; `None` for a
/// value with parameters, empty parts or more than one `/`.
fn full_media_type(value: &str) -> Option<(&str, &str)> {
    if value.contains([';', ' ', '\t']) {
        return None;
    }
    let (kind, subtype) = value.split_once('/').unwrap_or(("application", value));
    (!kind.is_empty() && !subtype.is_empty() && !subtype.contains('/')).then_some((kind, subtype))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_full_forms_are_one_type() {
        for expected in ["dc+sd-jwt", "kb+jwt", "vc+jwt", "statuslist+jwt"] {
            let full = format!("application/{expected}");
            assert!(typ_matches(expected, expected));
            assert!(typ_matches(&full, expected));
            assert!(typ_matches(expected, &full));
            assert!(typ_matches(&full.to_uppercase(), expected));
        }
    }

    #[test]
    fn rejects_other_types() {
        for typ in [
            "JWT",
            "text/kb+jwt",
            "kb+jwt; charset=utf-8",
            "application/",
            "/kb+jwt",
            "application/kb+jwt/x",
            "",
            "kb+jwt ",
        ] {
            assert!(!typ_matches(typ, "kb+jwt"), "{typ:?}");
        }
    }

    #[test]
    fn header_without_a_string_typ_has_no_type() {
        let header = serde_json::json!({"typ": 1})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(!header_has_typ(&header, "kb+jwt"));
        assert!(!header_has_typ(&Map::new(), "kb+jwt"));
        let header = serde_json::json!({"typ": "application/kb+jwt"});
        assert!(header_has_typ(
            header.as_object().unwrap_or(&Map::new()),
            "kb+jwt"
        ));
    }
}
