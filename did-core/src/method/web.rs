//! did:web (W3C CCG did:web Method Specification): the URL of a did:web DID's document
//! ([`did_web_url`], pure) and, with the `web` feature, the `WebResolver` that fetches it
//! through the [`crate::fetch`] guard and checks that it is the document of that DID.
//!
//! `did:web:example.com` → `https://example.com/.well-known/did.json`;
//! `did:web:example.com%3A8443:user:alice` → `https://example.com:8443/user/alice/did.json`.

use percent_encoding::percent_decode_str;
use url::Url;

use crate::did::Did;
use crate::excerpt::excerpt;
use crate::resolution::{ErrorKind, ResolutionError};

/// The method name.
pub const METHOD: &str = "web";

/// The `Accept` header of a did:web fetch: the DID Core JSON media type (§6.2) first, then
/// plain JSON, which is how most static hosts serve `did.json`.
pub const ACCEPT: &str = "application/did+json, application/json";

/// RFC 1035 §2.3.4: at most 255 octets on the wire, so 253 characters of text.
const MAX_DOMAIN_LEN: usize = 253;
/// RFC 1035 §2.3.4: a label is at most 63 octets.
const MAX_LABEL_LEN: usize = 63;

/// The HTTPS URL of the DID document of a did:web DID (did:web "Read (Resolve)" steps 1–5).
///
/// The domain name must be a host name of RFC 1123 §2.1 (letters, digits, hyphens; an IDN in
/// its `xn--` form), never an IP address, and may carry a port whose colon is percent-encoded
/// (`%3A`). Path segments are percent-decoded; empty segments, `.` and `..`, and segments
/// that decode to a `/` are refused, so one DID can never name the document of another path.
pub fn did_web_url(did: &Did) -> Result<Url, ResolutionError> {
    if did.method() != METHOD {
        return Err(invalid(
            did,
            format!("it is a did:{} DID, not did:web", did.method()),
        ));
    }
    // Step 1: the method-specific id is the domain name and an optional path, split by ':'.
    let mut parts = did.method_specific_id().split(':');
    let (host, port) = authority(did, parts.next().unwrap_or_default())?;
    let segments = parts
        .map(|segment| path_segment(did, segment))
        .collect::<Result<Vec<_>, _>>()?;

    // Steps 2 and 3: the port's colon decoded, `https://` prepended.
    let origin = match port {
        Some(port) => format!("https://{host}:{port}/"),
        None => format!("https://{host}/"),
    };
    let mut url = Url::parse(&origin)
        .map_err(|err| invalid(did, format!("{host} is not a valid host name: {err}")))?;
    // The URL parser must not have reinterpreted the name (IDNA mapping, numeric hosts): the
    // document fetched is the one of exactly this domain.
    if !url
        .host_str()
        .is_some_and(|parsed| parsed.eq_ignore_ascii_case(host))
    {
        return Err(invalid(
            did,
            format!("{host} is not a host name in canonical form"),
        ));
    }
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| invalid(did, "an https URL always has a path".to_owned()))?;
        path.clear();
        if segments.is_empty() {
            // Step 4: no path → the well-known location.
            path.push(".well-known");
        } else {
            path.extend(segments.iter().map(String::as_str));
        }
        // Step 5.
        path.push("did.json");
    }
    Ok(url)
}

/// The did:web DID of a document hosted at `location`, written `host[:port][/path…]`
/// (`issuer.example`, `localhost:8443`, `example.com/users/alice`): the inverse of
/// [`did_web_url`] (did:web "Create (Register)"). The host is lower-cased, the colon before a
/// port percent-encoded and each `/` of the path becomes a `:`. Path segments are limited to
/// RFC 3986 unreserved characters; the result must pass every check of [`did_web_url`].
pub fn did_web(location: &str) -> Result<Did, ResolutionError> {
    let refuse = |why: String| {
        ResolutionError::new(
            ErrorKind::InvalidDid,
            format!("{} cannot be a did:web location: {why}", excerpt(location)),
        )
    };
    let location = location.strip_suffix('/').unwrap_or(location);
    let (authority, path) = location.split_once('/').unwrap_or((location, ""));
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let mut id = format!("did:{METHOD}:{}", host.to_ascii_lowercase());
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(refuse(format!(
                "the port \"{}\" is not a number",
                excerpt(port)
            )));
        }
        id.push_str("%3A");
        id.push_str(port);
    }
    if !path.is_empty() {
        for segment in path.split('/') {
            let unreserved = segment
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte));
            if segment.is_empty() || !unreserved {
                return Err(refuse(format!(
                    "the path segment \"{}\" is empty or not made of letters, digits and -._~",
                    excerpt(segment)
                )));
            }
            id.push(':');
            id.push_str(segment);
        }
    }
    let did = Did::parse(&id).map_err(|err| refuse(err.to_string()))?;
    did_web_url(&did)?;
    Ok(did)
}

/// The domain name and port of the first part of the method-specific id.
fn authority<'a>(did: &Did, raw: &'a str) -> Result<(&'a str, Option<u16>), ResolutionError> {
    if raw.is_empty() {
        return Err(invalid(did, "it has no domain name".to_owned()));
    }
    // did:web "Method-specific identifier": a port's colon MUST be percent-encoded. Nothing
    // else in a domain name needs it, so any other escape is refused rather than decoded:
    // `%40` would smuggle in user information, and decoded aliases would give one host
    // several DIDs.
    let mut port_at = None;
    for (index, _) in raw.match_indices('%') {
        let escape = raw.get(index + 1..index + 3).unwrap_or_default();
        if escape.eq_ignore_ascii_case("3A") && port_at.is_none() {
            port_at = Some(index);
        } else if escape.eq_ignore_ascii_case("3A") {
            return Err(invalid(did, "the domain has more than one port".to_owned()));
        } else if escape == "40" {
            return Err(invalid(
                did,
                "user information ('@') is not allowed in a did:web domain".to_owned(),
            ));
        } else {
            return Err(invalid(
                did,
                format!(
                    "the domain percent-encodes %{escape}; only the colon before a port \
                     (%3A) may be encoded"
                ),
            ));
        }
    }
    let (host, port) = match port_at {
        Some(index) => (
            raw.get(..index).unwrap_or_default(),
            Some(port(did, raw.get(index + 3..).unwrap_or_default())?),
        ),
        None => (raw, None),
    };
    check_domain_name(did, host)?;
    Ok((host, port))
}

fn port(did: &Did, text: &str) -> Result<u16, ResolutionError> {
    let bad = || {
        invalid(
            did,
            format!("the port {text:?} is not a number from 1 to 65535"),
        )
    };
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(port) => Ok(port),
    }
}

/// did:web "Method-specific identifier": a fully qualified domain name (RFC 1035, RFC 1123)
/// and never an IP address.
fn check_domain_name(did: &Did, host: &str) -> Result<(), ResolutionError> {
    if host.is_empty() {
        return Err(invalid(
            did,
            "it has no domain name before the port".to_owned(),
        ));
    }
    if host.len() > MAX_DOMAIN_LEN {
        return Err(invalid(
            did,
            format!(
                "the domain name is {} characters; at most {MAX_DOMAIN_LEN} are allowed \
                 (RFC 1035 §2.3.4)",
                host.len()
            ),
        ));
    }
    let shown = excerpt(host);
    let mut last = "";
    for label in host.split('.') {
        let shown_label = excerpt(label);
        // RFC 1123 §2.1: letters, digits and hyphens; a hyphen neither first nor last.
        if label.is_empty() {
            return Err(invalid(
                did,
                format!("the domain name {shown} has an empty label"),
            ));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(invalid(
                did,
                format!("the domain label {shown_label} is longer than {MAX_LABEL_LEN} characters"),
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Err(invalid(
                did,
                format!(
                    "the domain name {shown} contains {bad:?}; a host name is letters, digits \
                     and hyphens (RFC 1123 §2.1), an internationalized one in its xn-- form"
                ),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid(
                did,
                format!("the domain label {shown_label} starts or ends with a hyphen"),
            ));
        }
        last = label;
    }
    // RFC 1123 §2.1: the top-level label is alphabetic, which is also how a host name is told
    // from an IPv4 address (the URL standard reads a numeric or 0x last label as one).
    let hexadecimal = last
        .get(..2)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("0x"))
        && last
            .get(2..)
            .is_some_and(|rest| rest.bytes().all(|byte| byte.is_ascii_hexdigit()));
    let numeric = hexadecimal || last.bytes().all(|byte| byte.is_ascii_digit());
    if numeric {
        return Err(invalid(
            did,
            format!(
                "{shown} is an IP address; a did:web DID MUST NOT include IP addresses (did:web \
                 \"Method-specific identifier\"), use the host's domain name"
            ),
        ));
    }
    Ok(())
}

/// One path segment: percent-decoded, and refused where it would name another path.
fn path_segment(did: &Did, raw: &str) -> Result<String, ResolutionError> {
    if raw.is_empty() {
        return Err(invalid(
            did,
            "it has an empty path segment ('::')".to_owned(),
        ));
    }
    let shown = excerpt(raw);
    let decoded = percent_decode_str(raw).decode_utf8().map_err(|_| {
        invalid(
            did,
            format!("the path segment {shown} is not UTF-8 once percent-decoded"),
        )
    })?;
    // RFC 3986 §5.2.4: a URL path drops `.` and `..` segments, which would move the document
    // out of the path the DID names.
    if decoded == "." || decoded == ".." {
        return Err(invalid(
            did,
            format!("the path segment {shown} is a dot segment ({decoded})"),
        ));
    }
    if decoded.contains(['/', '\\']) {
        return Err(invalid(
            did,
            format!("the path segment {shown} contains a slash once decoded"),
        ));
    }
    if decoded.chars().any(char::is_control) {
        return Err(invalid(
            did,
            format!("the path segment {shown} contains a control character"),
        ));
    }
    Ok(decoded.into_owned())
}

fn invalid(did: &Did, why: String) -> ResolutionError {
    ResolutionError::new(
        ErrorKind::InvalidDid,
        format!(
            "{} is not a valid did:web DID: {why}",
            excerpt(did.as_str())
        ),
    )
}

#[cfg(feature = "web")]
mod resolver {
    //! The resolver half of did:web: fetching the document through the guarded fetcher.

    use std::fmt;
    use std::sync::Arc;

    use async_trait::async_trait;
    use url::Url;

    use super::did_web_url;
    use crate::did::Did;
    use crate::document::{DidDocument, DocumentError};
    use crate::excerpt::excerpt;
    use crate::fetch::{FetchError, FetchPolicy, Fetcher, HttpFetcher};
    use crate::resolution::{ErrorKind, Resolution, ResolutionError, ResolutionOptions, Resolver};

    /// The `Accept` header of a did:web fetch.
    const ACCEPT: &str = super::ACCEPT;

    /// Resolves did:web DIDs: fetches the document through a [`Fetcher`] (by default the guarded
    /// [`HttpFetcher`]) and accepts it only if its `id` is the DID resolved.
    ///
    /// Errors map to the DID Resolution error set as follows: HTTP 404 and 410 are `notFound`;
    /// a malformed DID, `invalidDid`; everything else — a refusal of the fetch guard, a timeout,
    /// a body over the limit, a network failure, another status, a document that does not parse
    /// or whose `id` is another DID — is `internalError` with a detail saying what happened.
    /// A bad document is not `invalidDid`: that code means the *input* DID is malformed (DID Core
    /// §7.1.2) and answers 400 in the HTTP binding, blaming the caller for the host's fault.
    #[derive(Clone)]
    pub struct WebResolver {
        fetcher: Arc<dyn Fetcher>,
        localhost_over_http: bool,
    }

    impl WebResolver {
        /// A resolver over an [`HttpFetcher`] with `policy`. When the policy allows plain HTTP
        /// (e.g. [`FetchPolicy::local_testing`]), DIDs on `localhost` are fetched over `http://`
        /// (see [`WebResolver::localhost_over_http`]).
        pub fn new(policy: FetchPolicy) -> Result<WebResolver, FetchError> {
            let localhost_over_http = policy.allow_http;
            Ok(WebResolver {
                fetcher: Arc::new(HttpFetcher::new(policy)?),
                localhost_over_http,
            })
        }

        /// A resolver over any fetcher (a cache, a test double of the network). Always HTTPS.
        pub fn with_fetcher(fetcher: Arc<dyn Fetcher>) -> WebResolver {
            WebResolver {
                fetcher,
                localhost_over_http: false,
            }
        }

        /// Fetch documents of DIDs on `localhost` (and `*.localhost`, RFC 6761 §6.3: always this
        /// machine) over plain `http://`, for a development server without TLS. Every other host
        /// stays on HTTPS whatever this says; the fetcher's policy must still allow http and
        /// loopback.
        pub fn localhost_over_http(mut self, enabled: bool) -> WebResolver {
            self.localhost_over_http = enabled;
            self
        }

        /// The URL this resolver fetches for `did`: [`did_web_url`], or its `http://` form for
        /// `localhost` when [`WebResolver::localhost_over_http`] is on.
        pub fn document_url(&self, did: &Did) -> Result<Url, ResolutionError> {
            let mut url = did_web_url(did)?;
            if self.localhost_over_http && url.host_str().is_some_and(is_localhost) {
                url.set_scheme("http").map_err(|()| {
                    ResolutionError::new(
                        ErrorKind::InternalError,
                        format!("cannot fetch {url} over http"),
                    )
                })?;
            }
            Ok(url)
        }
    }

    fn is_localhost(host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        host == "localhost" || host.ends_with(".localhost")
    }

    impl fmt::Debug for WebResolver {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("WebResolver")
                .field("localhost_over_http", &self.localhost_over_http)
                .finish_non_exhaustive()
        }
    }

    #[async_trait]
    impl Resolver for WebResolver {
        async fn resolve(
            &self,
            did: &Did,
            options: &ResolutionOptions,
        ) -> Result<Resolution, ResolutionError> {
            options.representation()?;
            let url = self.document_url(did)?;
            // did:web "Read (Resolve)" step 6: an HTTP GET, here through the guard.
            let fetched = self.fetcher.get(&url, ACCEPT).await.map_err(|err| {
                ResolutionError::new(
                    ErrorKind::InternalError,
                    format!(
                        "could not fetch the did:web document of {}: {err}",
                        excerpt(did.as_str())
                    ),
                )
            })?;
            match fetched.status {
                200..=299 => {}
                404 | 410 => {
                    return Err(ResolutionError::new(
                        ErrorKind::NotFound,
                        format!(
                            "no DID document for {}: {} answered HTTP {}",
                            excerpt(did.as_str()),
                            excerpt(url.as_str()),
                            fetched.status
                        ),
                    ));
                }
                status => {
                    return Err(ResolutionError::new(
                        ErrorKind::InternalError,
                        format!(
                            "{} answered HTTP {status} for the did:web document of {}",
                            excerpt(url.as_str()),
                            excerpt(did.as_str())
                        ),
                    ));
                }
            }
            let document = DidDocument::from_json_bytes(&fetched.body)
                .map_err(|err| invalid_document(did, &url, &err))?;
            // did:web "Read (Resolve)": the id of the resolved document MUST match the DID being
            // resolved (and DID Core §7.1.1: the document is the DID subject's).
            if document.id.as_str() != did.as_str() {
                let mismatch = DocumentError::IdMismatch {
                    expected: excerpt(did.as_str()),
                    found: excerpt(document.id.as_str()),
                };
                return Err(invalid_document(did, &url, &mismatch));
            }
            Ok(Resolution::new(document))
        }
    }

    fn invalid_document(did: &Did, url: &Url, err: &DocumentError) -> ResolutionError {
        ResolutionError::new(
            ErrorKind::InternalError,
            format!(
                "invalid DID document for {} at {}: {err}",
                excerpt(did.as_str()),
                excerpt(url.as_str())
            ),
        )
    }
}

#[cfg(feature = "web")]
pub use resolver::WebResolver;

#[cfg(test)]
mod tests {
    use super::*;

    fn did(text: &str) -> Did {
        Did::parse(text).unwrap_or_else(|err| panic!("test DID {text}: {err}"))
    }

    fn url_of(text: &str) -> String {
        match did_web_url(&did(text)) {
            Ok(url) => url.to_string(),
            Err(err) => panic!("{text}: {err}"),
        }
    }

    fn refusal(text: &str) -> String {
        match did_web_url(&did(text)) {
            Ok(url) => panic!("{text} must be refused, got {url}"),
            Err(err) => {
                assert_eq!(err.kind, ErrorKind::InvalidDid, "{text}: {err}");
                err.detail
            }
        }
    }

    #[test]
    fn maps_the_spec_examples() {
        // did:web "Create (Register)" and "Optional Path Considerations" examples.
        assert_eq!(
            url_of("did:web:w3c-ccg.github.io"),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            url_of("did:web:w3c-ccg.github.io:user:alice"),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            url_of("did:web:example.com%3A3000:user:alice"),
            "https://example.com:3000/user/alice/did.json"
        );
        assert_eq!(
            url_of("did:web:example.com:u:bob"),
            "https://example.com/u/bob/did.json"
        );
        assert_eq!(
            url_of("did:web:example.com%3A3000"),
            "https://example.com:3000/.well-known/did.json"
        );
    }

    #[test]
    fn accepts_lower_case_port_escape_and_upper_case_host() {
        assert_eq!(
            url_of("did:web:localhost%3a8443"),
            "https://localhost:8443/.well-known/did.json"
        );
        assert_eq!(
            url_of("did:web:Example.COM"),
            "https://example.com/.well-known/did.json"
        );
    }

    #[test]
    fn percent_decodes_path_segments() {
        assert_eq!(
            url_of("did:web:example.com:users:j%C3%BCrgen:caf%C3%A9%20bar"),
            "https://example.com/users/j%C3%BCrgen/caf%C3%A9%20bar/did.json"
        );
        assert_eq!(
            url_of("did:web:example.com:a%7Eb"),
            "https://example.com/a~b/did.json"
        );
        // A literal '%' in a segment stays a '%', not an escape.
        assert_eq!(
            url_of("did:web:example.com:100%25"),
            "https://example.com/100%25/did.json"
        );
    }

    #[test]
    fn rejects_dot_segments() {
        for text in [
            "did:web:example.com:..:admin",
            "did:web:example.com:user:..",
            "did:web:example.com:.",
            "did:web:example.com:%2E%2E:admin",
            "did:web:example.com:%2e",
            "did:web:example.com:.%2E",
        ] {
            assert!(refusal(text).contains("dot segment"), "{text}");
        }
    }

    #[test]
    fn rejects_empty_path_segments() {
        assert!(refusal("did:web:example.com::alice").contains("empty path segment"));
        assert!(refusal("did:web:example.com:a::b").contains("empty path segment"));
    }

    #[test]
    fn rejects_encoded_slash_in_path_segment() {
        for text in [
            "did:web:example.com:a%2Fb",
            "did:web:example.com:a%2f..%2fb",
            "did:web:example.com:a%5Cb",
        ] {
            assert!(refusal(text).contains("slash"), "{text}");
        }
    }

    #[test]
    fn rejects_control_characters_and_bad_utf8_in_path() {
        assert!(refusal("did:web:example.com:a%00b").contains("control"));
        assert!(refusal("did:web:example.com:a%0Ab").contains("control"));
        assert!(refusal("did:web:example.com:%FF").contains("UTF-8"));
    }

    #[test]
    fn rejects_userinfo_in_host() {
        assert!(refusal("did:web:user%40example.com").contains("user information"));
        assert!(refusal("did:web:user%3Apass%40example.com").contains("user information"));
    }

    #[test]
    fn rejects_ip_address_hosts() {
        for text in [
            "did:web:127.0.0.1",
            "did:web:127.0.0.1%3A8080",
            "did:web:169.254.169.254",
            "did:web:10.0.0.1:user",
            "did:web:0x7f.1",
            "did:web:2130706433",
            "did:web:evil.0x7f",
        ] {
            assert!(refusal(text).contains("IP address"), "{text}");
        }
        // IPv6 literals need brackets, which only percent-encoding could carry.
        assert!(refusal("did:web:%5B%3A%3A1%5D").contains("may be encoded"));
    }

    #[test]
    fn rejects_other_percent_escapes_in_host() {
        assert!(refusal("did:web:ex%61mple.com").contains("may be encoded"));
        assert!(refusal("did:web:example.com%2Fevil").contains("may be encoded"));
        assert!(refusal("did:web:example.com%3A80%3A81").contains("more than one port"));
    }

    #[test]
    fn rejects_bad_ports() {
        for text in [
            "did:web:example.com%3A",
            "did:web:example.com%3A0",
            "did:web:example.com%3A65536",
            "did:web:example.com%3A123456",
            "did:web:example.com%3Ahttp",
            "did:web:example.com%3A-1",
        ] {
            assert!(refusal(text).contains("port"), "{text}");
        }
        assert!(refusal("did:web:%3A8080").contains("no domain name"));
    }

    #[test]
    fn rejects_invalid_domain_names() {
        for (text, why) in [
            ("did:web:exa_mple.com", "contains '_'"),
            ("did:web:-example.com", "hyphen"),
            ("did:web:example-.com", "hyphen"),
            ("did:web:example..com", "empty label"),
            ("did:web:.example.com", "empty label"),
            ("did:web:example.com.", "empty label"),
        ] {
            let detail = refusal(text);
            assert!(detail.contains(why), "{text}: {detail}");
        }
        let long_label = format!("did:web:{}.com", "a".repeat(64));
        assert!(refusal(&long_label).contains("longer than 63"));
        let long_name = format!("did:web:{}com", "a.".repeat(130));
        assert!(refusal(&long_name).contains("at most 253"));
    }

    #[test]
    fn rejects_other_methods() {
        assert!(
            refusal("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
                .contains("not did:web")
        );
    }

    #[cfg(feature = "web")]
    #[test]
    fn fetches_localhost_over_http_only_when_asked() {
        let resolver = match WebResolver::new(crate::fetch::FetchPolicy::local_testing()) {
            Ok(resolver) => resolver,
            Err(err) => panic!("{err}"),
        };
        let local = did("did:web:localhost%3A8080:alice");
        let remote = did("did:web:example.com");
        let shown = |resolver: &WebResolver, did: &Did| match resolver.document_url(did) {
            Ok(url) => url.to_string(),
            Err(err) => panic!("{err}"),
        };
        assert_eq!(
            shown(&resolver, &local),
            "http://localhost:8080/alice/did.json"
        );
        // Only localhost is downgraded; a public host stays on HTTPS.
        assert_eq!(
            shown(&resolver, &remote),
            "https://example.com/.well-known/did.json"
        );
        let strict = resolver.localhost_over_http(false);
        assert_eq!(
            shown(&strict, &local),
            "https://localhost:8080/alice/did.json"
        );
    }

    #[test]
    fn builds_the_did_of_a_location_and_back() {
        for (location, did, url) in [
            (
                "issuer.example",
                "did:web:issuer.example",
                "https://issuer.example/.well-known/did.json",
            ),
            (
                "Issuer.Example/",
                "did:web:issuer.example",
                "https://issuer.example/.well-known/did.json",
            ),
            (
                "localhost:8443",
                "did:web:localhost%3A8443",
                "https://localhost:8443/.well-known/did.json",
            ),
            (
                "example.com/users/alice",
                "did:web:example.com:users:alice",
                "https://example.com/users/alice/did.json",
            ),
        ] {
            let built = did_web(location).expect(location);
            assert_eq!(built.as_str(), did);
            assert_eq!(did_web_url(&built).expect(did).as_str(), url);
        }
    }

    #[test]
    fn rejects_locations_no_did_web_can_name() {
        for location in [
            "",
            "127.0.0.1",
            "example.com:notaport",
            "example.com:1:2",
            "example.com//alice",
            "example.com/a/../b",
            "example.com/a b",
            "example.com/a:b",
            "user@example.com",
            "https://example.com",
        ] {
            let error = did_web(location).expect_err(location);
            assert_eq!(error.kind, ErrorKind::InvalidDid, "{location}");
        }
    }
}
