//! Client Identifiers with their Client Identifier Prefix (OpenID4VP 1.0 §5.9): the two avid
//! speaks, `redirect_uri:` (an unsigned request whose response goes to the identifier itself)
//! and `decentralized_identifier:` (a request signed by a key of the verifier's DID).

use std::fmt;

use did_core::did::Did;
use did_core::excerpt::excerpt;
use url::Url;

use super::error::Openid4vpError;

/// The prefix of a Client Identifier that is the verifier's Redirect (or Response) URI.
pub const REDIRECT_URI_PREFIX: &str = "redirect_uri";
/// The prefix of a Client Identifier that is the verifier's DID.
pub const DECENTRALIZED_IDENTIFIER_PREFIX: &str = "decentralized_identifier";

/// A Client Identifier with its prefix. `Display` gives the whole `client_id`, prefix
/// included: the value a key binding JWT's `aud` must carry (§14.1.4 "Always Use the Full
/// Client Identifier").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientId {
    /// `redirect_uri:<uri>` (§5.9.3): the verifier is whoever receives at `<uri>`; its
    /// requests cannot be signed.
    RedirectUri(Url),
    /// `decentralized_identifier:<did>` (§5.9.3): the verifier is the DID's subject and signs
    /// its requests with a key of the DID.
    DecentralizedIdentifier(Did),
}

impl ClientId {
    /// A `redirect_uri:` Client Identifier for the Response URI `uri`.
    pub fn redirect_uri(uri: &str) -> Result<Self, Openid4vpError> {
        verifier_url(uri)
            .map(Self::RedirectUri)
            .map_err(|reason| Openid4vpError::InvalidClientId { reason })
    }

    /// Reads a `client_id` (§5.9.1): the prefix is what precedes the first `:`. A value
    /// without a supported prefix is refused, pre-registered clients included: avid knows
    /// none.
    pub fn parse(client_id: &str) -> Result<Self, Openid4vpError> {
        let unsupported = || Openid4vpError::UnsupportedClientIdPrefix {
            client_id: excerpt(client_id),
        };
        let (prefix, original) = client_id.split_once(':').ok_or_else(unsupported)?;
        match prefix {
            REDIRECT_URI_PREFIX => Self::redirect_uri(original),
            DECENTRALIZED_IDENTIFIER_PREFIX => Did::parse(original)
                .map(Self::DecentralizedIdentifier)
                .map_err(|error| Openid4vpError::InvalidClientId {
                    reason: format!(
                        "`{}` is not a DID (§5.9.3 decentralized_identifier): {error}",
                        excerpt(original)
                    ),
                }),
            _ => Err(unsupported()),
        }
    }

    /// The prefix, without its colon.
    pub fn prefix(&self) -> &'static str {
        match self {
            Self::RedirectUri(_) => REDIRECT_URI_PREFIX,
            Self::DecentralizedIdentifier(_) => DECENTRALIZED_IDENTIFIER_PREFIX,
        }
    }

    /// Whether requests of this client must be signed (§5.9.3): `decentralized_identifier:`
    /// requests must, `redirect_uri:` ones cannot.
    pub fn requires_signed_request(&self) -> bool {
        matches!(self, Self::DecentralizedIdentifier(_))
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RedirectUri(uri) => write!(f, "{REDIRECT_URI_PREFIX}:{uri}"),
            Self::DecentralizedIdentifier(did) => {
                write!(f, "{DECENTRALIZED_IDENTIFIER_PREFIX}:{did}")
            }
        }
    }
}

/// A Response URI (§8.2) or Request URI (§5.10): an absolute `https` URL — or `http` on a
/// loopback host, for a world tested on one machine — without a fragment (RFC 6749 §3.1.2),
/// written exactly as parsed. `Err` says what is wrong.
pub(crate) fn verifier_url(uri: &str) -> Result<Url, String> {
    let invalid = |why: &str| format!("the URI `{}` {why}", excerpt(uri));
    let url = Url::parse(uri).map_err(|_| invalid("is not an absolute URL"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(invalid("must use https (http only on a loopback host)")),
    }
    if url.fragment().is_some() {
        return Err(invalid("must not have a fragment (RFC 6749 §3.1.2)"));
    }
    // The identifier is compared as a string (§5.9.3): refuse any URL the parser would
    // rewrite, so that what was signed or shown is what is compared.
    if url.as_str() != uri {
        return Err(invalid(
            "is not in normalized form; write it as a URL parser would",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_both_prefixes() {
        for client_id in [
            "redirect_uri:https://world.example/login/responses",
            "decentralized_identifier:did:example:123",
        ] {
            let parsed = ClientId::parse(client_id).unwrap();
            assert_eq!(parsed.to_string(), client_id);
        }
        assert!(
            ClientId::parse("decentralized_identifier:did:example:123")
                .unwrap()
                .requires_signed_request()
        );
    }

    #[test]
    fn rejects_unknown_prefixes_and_pre_registered_clients() {
        for client_id in [
            "x509_san_dns:client.example.org",
            "verifier_attestation:verifier.example",
            "origin:https://world.example",
            "example-client",
            "https://world.example/cb",
        ] {
            assert!(
                matches!(
                    ClientId::parse(client_id),
                    Err(Openid4vpError::UnsupportedClientIdPrefix { .. })
                ),
                "{client_id}"
            );
        }
    }

    #[test]
    fn rejects_client_ids_that_do_not_belong_to_their_prefix() {
        for client_id in [
            "decentralized_identifier:https://world.example",
            "redirect_uri:world.example/cb",
            "redirect_uri:http://world.example/cb",
            "redirect_uri:https://world.example/cb#frag",
            "redirect_uri:HTTPS://World.example/cb",
        ] {
            assert!(
                matches!(
                    ClientId::parse(client_id),
                    Err(Openid4vpError::InvalidClientId { .. })
                ),
                "{client_id}"
            );
        }
        assert!(ClientId::parse("redirect_uri:http://127.0.0.1:8080/cb").is_ok());
    }
}
