//! Publishing for an issuer: the service serves an issuer directory's current Status List
//! Tokens at the URIs its credentials name (`statusListBase` of `issuer.json`, then `/N`), and
//! the `did.json` of a did:web issuer where did:web resolution fetches it.
//!
//! Each token is signed on request from the store as it stands (Token Status List §5.1), so a
//! revocation shows in the next fetch; the store's rules (which copy sits where, which status
//! wins) stay in [`IssuerStore::status_list_token`]. The issuer's key is unlocked once, at
//! start, with the passphrase the operator gives.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::KeyType;
use did_core::key::store::Passphrase;
use did_core::time::unix_now;
use serde_json::Value;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Required, ResponseBuilder, Schema};
use vc_issuer::issuer::{IssuerStore, StoreConfig, StoreError};
use vc_issuer::issuer_dir::IssuerDirectory;
use vc_issuer::status::STATUS_LIST_JWT_MEDIA_TYPE;

use crate::body::ApiError;

/// How long a verifier may cache a served Status List Token (its `ttl`, §5.1), in seconds:
/// short, so that a revocation reaches verifiers soon.
pub const TOKEN_TTL_SECS: u64 = 300;

/// How long a served Status List Token is valid (its `exp`), in seconds.
pub const TOKEN_LIFETIME_SECS: u64 = 86_400;

/// Why the issuer cannot be published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The issuer directory cannot be read, or its key not unlocked.
    #[error("the issuer directory: {0}")]
    Directory(#[from] vc_issuer::issuer_dir::IssuerDirError),
    /// The issuer's store cannot be opened.
    #[error("the issuer store: {0}")]
    Store(#[from] StoreError),
    /// The issuer's key cannot sign Status List Tokens.
    #[error("the issuer key cannot sign status lists: {0}")]
    Key(String),
    /// A URL of `issuer.json` (the status list base, the did:web location) has no usable path.
    #[error("the issuer's {0} is not a URL the service can serve")]
    Url(&'static str),
}

/// An issuer the service publishes: its store, its unlocked signing key and its documents.
pub struct Publisher {
    store: IssuerStore,
    signer: LocalSigner,
    kid: String,
    /// The path lists are served under (`/statuslists`), if the issuer has lists.
    lists_path: Option<String>,
    /// The path and body of the did:web issuer's `did.json`.
    did_json: Option<(String, Value)>,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("kid", &self.kid)
            .field("lists_path", &self.lists_path)
            .finish_non_exhaustive()
    }
}

/// The paths the service's own routes live under: an issuer's documents may not take them.
const SERVICE_PATHS: [&str; 7] = [
    "/1.0",
    "/login",
    "/credentials",
    "/presentations",
    "/health",
    "/metrics",
    "/openapi.json",
];

/// The path of `url` without a trailing `/`, if it is an absolute http(s) URL whose path is
/// not one of the service's own.
fn path_of(url: &str, what: &'static str) -> Result<String, PublishError> {
    let parsed = url::Url::parse(url).map_err(|_| PublishError::Url(what))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(PublishError::Url(what));
    }
    let path = parsed.path().trim_end_matches('/').to_owned();
    let taken = SERVICE_PATHS.iter().any(|own| {
        path.strip_prefix(own)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    if taken {
        return Err(PublishError::Url(what));
    }
    Ok(path)
}

impl Publisher {
    /// The issuer in `dir`, its store on `database` (else the directory's SQLite file), its
    /// key unlocked with `passphrase`. The store is opened to read and sign only: it never
    /// opens a new list.
    pub async fn open(
        dir: &Path,
        database: Option<&str>,
        passphrase: &Passphrase,
    ) -> Result<Publisher, PublishError> {
        let directory = IssuerDirectory::open(dir)?;
        let config = directory.config();
        let lists_path = config
            .status_list_base()
            .map(|base| path_of(base, "status list base"))
            .transpose()?;
        let did_json = match directory.did_document_url() {
            Some(url) => Some((
                path_of(url.as_str(), "did:web location")?,
                directory.did_json()?,
            )),
            None => None,
        };
        let key = directory.unlock(passphrase)?;
        let algorithm = match key.key_type() {
            KeyType::Ed25519 => Algorithm::Ed25519,
            KeyType::P256 => Algorithm::Es256,
            other => return Err(PublishError::Key(format!("{other:?}"))),
        };
        let signer = key
            .signer(algorithm)
            .map_err(|error| PublishError::Key(error.to_string()))?;
        let store = match database {
            Some(url) => IssuerStore::open(url, StoreConfig::without_new_lists()).await?,
            None => {
                IssuerStore::open_sqlite(&directory.store_path(), StoreConfig::without_new_lists())
                    .await?
            }
        };
        Ok(Publisher {
            store,
            signer,
            kid: config.kid().as_str().to_owned(),
            lists_path,
            did_json,
        })
    }

    /// The issuer's current Status List Token `number`, signed now.
    pub async fn status_list_token(&self, number: u64) -> Result<String, StoreError> {
        self.store
            .status_list_token(
                number,
                &self.signer,
                &self.kid,
                unix_now(),
                TOKEN_TTL_SECS,
                TOKEN_LIFETIME_SECS,
            )
            .await
    }
}

impl Publisher {
    /// Adds the routes of [`router`] to `api`, the service's OpenAPI description: they are
    /// this issuer's paths, known only once its directory is read.
    pub fn describe(&self, api: &mut OpenApi) {
        let get_one = |summary: &str, media_type: &str, missing: Option<&str>| {
            let mut operation = OperationBuilder::new()
                .tag("publishing")
                .summary(Some(summary))
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description(summary)
                        .content(media_type, Content::new(None::<Schema>)),
                );
            if let Some(missing) = missing {
                operation = operation
                    .parameter(
                        ParameterBuilder::new()
                            .name("number")
                            .parameter_in(ParameterIn::Path)
                            .required(Required::True)
                            .description(Some("The list's number, as in the credentials' `uri`")),
                    )
                    .response("404", ResponseBuilder::new().description(missing));
            }
            operation.build()
        };
        if let Some(path) = &self.lists_path {
            api.paths.add_path_operation(
                format!("{path}/{{number}}"),
                vec![HttpMethod::Get],
                get_one(
                    "The issuer's current Status List Token, signed now",
                    STATUS_LIST_JWT_MEDIA_TYPE,
                    Some("No status list of this number"),
                ),
            );
        }
        if let Some((path, _)) = &self.did_json {
            api.paths.add_path_operation(
                path,
                vec![HttpMethod::Get],
                get_one(
                    "The did:web issuer's DID document",
                    "application/did+json",
                    None,
                ),
            );
        }
    }
}

/// The routes of `publisher`: `{lists path}/{n}` for each status list, and the did:web
/// issuer's `did.json` at its path.
pub fn router(publisher: Arc<Publisher>) -> Router {
    let mut router = Router::new();
    if let Some(path) = &publisher.lists_path {
        router = router.route(&format!("{path}/{{number}}"), get(status_list));
    }
    if let Some((path, _)) = &publisher.did_json {
        router = router.route(path, get(did_json));
    }
    router.with_state(publisher)
}

/// `GET {lists path}/{n}`: the Status List Token (`application/statuslist+jwt`, §8.1).
async fn status_list(
    State(publisher): State<Arc<Publisher>>,
    UrlPath(number): UrlPath<String>,
) -> Response {
    let Ok(number) = number.parse::<u64>() else {
        return ApiError::not_found("no status list of this name").into_response();
    };
    match publisher.status_list_token(number).await {
        Ok(token) => ([(header::CONTENT_TYPE, STATUS_LIST_JWT_MEDIA_TYPE)], token).into_response(),
        Err(StoreError::UnknownStatusList(_)) => {
            ApiError::not_found("no status list of this number").into_response()
        }
        Err(error) => ApiError::server(error.to_string()).into_response(),
    }
}

/// `GET /.well-known/did.json` (or the did:web path): the issuer's DID document.
async fn did_json(State(publisher): State<Arc<Publisher>>) -> Response {
    match &publisher.did_json {
        Some((_, document)) => (
            [(header::CONTENT_TYPE, "application/did+json")],
            document.to_string(),
        )
            .into_response(),
        None => ApiError::not_found("this issuer is not a did:web").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::{PublishError, path_of};

    #[test]
    fn serves_an_issuer_url_at_its_path() {
        let path = path_of("https://issuer.example/statuslists/", "base").unwrap();
        assert_eq!(path, "/statuslists");
        assert_eq!(path_of("https://issuer.example", "base").unwrap(), "");
        assert_eq!(
            path_of("https://h/login-lists", "base").unwrap(),
            "/login-lists"
        );
    }

    #[test]
    fn rejects_an_issuer_url_over_the_services_own_routes() {
        for url in [
            "https://issuer.example/login",
            "https://issuer.example/1.0/identifiers",
            "https://issuer.example/health/",
            // Two routes merged onto one path would stop the service at start-up.
            "https://issuer.example/metrics",
            "https://issuer.example/openapi.json",
            "ftp://issuer.example/lists",
            "https://issuer.example/lists?x=1",
            "not a url",
        ] {
            assert!(
                matches!(path_of(url, "base"), Err(PublishError::Url("base"))),
                "{url}"
            );
        }
    }
}
