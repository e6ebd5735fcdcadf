//! Content negotiation of the DID Resolution HTTP binding: which media type the client asked
//! for in `Accept`, old and new names alike.

use did_core::resolution::{
    MEDIA_TYPE_DID, MEDIA_TYPE_DID_JSON, MEDIA_TYPE_DID_LD_JSON, MEDIA_TYPE_DID_RESOLUTION,
};

/// What the response body carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// The whole resolution result, as `application/did-resolution` (the new name).
    Result,
    /// The whole resolution result, as `application/ld+json;profile=…did-resolution` (the old
    /// name Universal Resolver clients send).
    LegacyResult,
    /// Only the document, in this media type.
    Document(&'static str),
}

impl Wanted {
    /// The `Content-Type` of the response.
    pub fn content_type(self) -> &'static str {
        match self {
            Wanted::Result => MEDIA_TYPE_DID_RESOLUTION,
            Wanted::LegacyResult => {
                "application/ld+json;profile=\"https://w3id.org/did-resolution\";charset=utf-8"
            }
            Wanted::Document(media_type) => media_type,
        }
    }
}

/// Picks the first media type of `accept` this service can produce, in the client's order
/// (q-values are honoured by sorting, stable for equal weights). `None`: nothing acceptable.
pub fn negotiate(accept: Option<&str>) -> Option<Wanted> {
    let Some(accept) = accept.filter(|value| !value.trim().is_empty()) else {
        return Some(Wanted::Result);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .map(|range| {
            let q = range
                .split(';')
                .skip(1)
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q, range.trim())
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().find_map(|(_, range)| media_range(range))
}

fn media_range(range: &str) -> Option<Wanted> {
    let essence = range
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let profile_is_resolution = range.contains("https://w3id.org/did-resolution");
    match essence.as_str() {
        MEDIA_TYPE_DID_RESOLUTION | "*/*" | "application/*" => Some(Wanted::Result),
        "application/ld+json" if profile_is_resolution => Some(Wanted::LegacyResult),
        MEDIA_TYPE_DID_LD_JSON | "application/ld+json" => {
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        }
        MEDIA_TYPE_DID_JSON | "application/json" => Some(Wanted::Document(MEDIA_TYPE_DID_JSON)),
        MEDIA_TYPE_DID => Some(Wanted::Document(MEDIA_TYPE_DID)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_accept_gives_the_resolution_result() {
        assert_eq!(negotiate(None), Some(Wanted::Result));
        assert_eq!(negotiate(Some("*/*")), Some(Wanted::Result));
    }

    #[test]
    fn old_and_new_media_types_are_understood() {
        assert_eq!(
            negotiate(Some(
                "application/ld+json;profile=\"https://w3id.org/did-resolution\""
            )),
            Some(Wanted::LegacyResult)
        );
        assert_eq!(
            negotiate(Some("application/did-resolution")),
            Some(Wanted::Result)
        );
        assert_eq!(
            negotiate(Some("application/did+ld+json")),
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        );
        assert_eq!(
            negotiate(Some("application/did")),
            Some(Wanted::Document(MEDIA_TYPE_DID))
        );
    }

    #[test]
    fn q_values_order_the_choice() {
        assert_eq!(
            negotiate(Some("application/did+json;q=0.5, application/did+ld+json")),
            Some(Wanted::Document(MEDIA_TYPE_DID_LD_JSON))
        );
        assert_eq!(negotiate(Some("application/did+json;q=0")), None);
    }

    #[test]
    fn unknown_media_type_is_not_acceptable() {
        assert_eq!(negotiate(Some("text/html")), None);
    }
}
