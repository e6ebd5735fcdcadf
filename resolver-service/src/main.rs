//! `avid-resolver`: serves DID resolution over HTTP. Configuration from flags or
//! `AVID_RESOLVER_*` variables; listens on 127.0.0.1:8080 by default; stops gracefully on
//! Ctrl-C or SIGTERM.

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use did_core::did::Did;
use did_core::fetch::{FetchPolicy, Fetcher, HttpFetcher};
use did_core::key::store::Passphrase;
use did_core::method::{self, DefaultResolverConfig};
use did_core::resolution::Resolver;
use did_core::resolution::cache::CacheConfig;
use resolver_service::login::{self, LoginService, VerifierKey};
use resolver_service::metrics::Metrics;
use resolver_service::publish::{self, Publisher};
use resolver_service::trust::{self, TrustLifecycle, TrustSettings};
use resolver_service::{AppState, openapi, ops, router, verify};
use vc_issuer::issuer::{IssuerStore, SqlTrustHistory, StoreConfig};
use vc_issuer::mfa::PasskeyVerifier;
use vc_issuer::single_use::{InMemorySingleUseStore, SingleUseStore};
use vc_issuer::trust::{HistoryLimits, MemoryTrustHistory, TrustEngine, TrustHistoryStore};
use vc_issuer::verify::{Verifier, VerifierTrust};

/// avid-resolver: DID resolution over HTTP (Universal Resolver API).
#[derive(Debug, Parser)]
#[command(name = "avid-resolver", version, about)]
struct Config {
    /// Address to listen on.
    #[arg(long, env = "AVID_RESOLVER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Let did:web use plain http:// and loopback or private addresses (local testing only).
    #[arg(long, env = "AVID_RESOLVER_ALLOW_HTTP")]
    allow_http: bool,
    /// How long a resolved document is cached, in seconds.
    #[arg(long, env = "AVID_RESOLVER_CACHE_TTL", default_value_t = 300)]
    cache_ttl: u64,
    /// How many documents the cache holds at most.
    #[arg(long, env = "AVID_RESOLVER_CACHE_ENTRIES", default_value_t = 10_000)]
    cache_entries: usize,
    /// An issuer whose avatar-link credentials the login accepts (a DID; repeatable). The
    /// `/login/*` routes are served only when at least one is given.
    #[arg(
        long = "trusted-issuer",
        env = "AVID_RESOLVER_TRUSTED_ISSUERS",
        value_delimiter = ','
    )]
    trusted_issuers: Vec<String>,
    /// The private JWK whose did:key signs the login's request objects; a new key is made at
    /// every start without it.
    #[arg(long, env = "AVID_RESOLVER_VERIFIER_KEY")]
    verifier_key: Option<std::path::PathBuf>,
    /// The URL the service is reached at, for the `request_uri` and `response_uri` of logins
    /// (default: `http://` + the listen address).
    #[arg(long, env = "AVID_RESOLVER_PUBLIC_URL")]
    public_url: Option<String>,
    /// The database that replicas share (`postgres://…`, or `sqlite://PATH?mode=rwc`): login
    /// transactions and outcomes, WebAuthn challenges and passkey counters live there instead
    /// of in memory. Every replica needs the same `--verifier-key`.
    #[arg(long, env = "AVID_RESOLVER_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// An issuer directory (`avid issuer init`) to publish: its current Status List Tokens at
    /// the path of its `statusListBase`, and its `did.json` if it is a did:web. Its store is
    /// `--database` if given, else the directory's SQLite file.
    #[arg(long, env = "AVID_RESOLVER_ISSUER_DIR")]
    issuer_dir: Option<std::path::PathBuf>,
    /// The file holding the passphrase of the issuer's key (else `AVID_PASSPHRASE`).
    #[arg(long, requires = "issuer_dir")]
    passphrase_file: Option<std::path::PathBuf>,
    /// The trust configuration (JSON: model, policy, watched issuers, interval, alert
    /// threshold; docs/trust.md). Reloaded on SIGHUP and when the file changes; a file that
    /// does not validate stops the start (exit 2), or at a reload leaves the previous one.
    #[arg(long, env = "AVID_RESOLVER_TRUST_CONFIG")]
    trust_config: Option<std::path::PathBuf>,
    /// Where the trust history is kept: a SQLite file (created, owner-only) or a database URL
    /// (`sqlite://…`, `postgres://…`). Default: `--database` when given (replicas share it),
    /// else `trust-history.db` beside `--trust-config`, else memory (lost at exit).
    #[arg(long, env = "AVID_RESOLVER_TRUST_HISTORY", hide_env_values = true)]
    trust_history: Option<String>,
    /// Limits, timeouts and logging.
    #[command(flatten)]
    ops: resolver_service::ops::OpsArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    // A trust configuration that does not validate is a usage error, told before anything runs.
    let trust = match &config.trust_config {
        None => TrustSettings::default(),
        Some(path) => match TrustSettings::load(path) {
            Ok(settings) => settings,
            Err(err) => {
                eprintln!("avid-resolver: --trust-config {}: {err}", path.display());
                return std::process::ExitCode::from(2);
            }
        },
    };
    match serve(config, trust).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("avid-resolver: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config, trust: TrustSettings) -> Result<(), String> {
    let login_key = if config.trusted_issuers.is_empty() {
        None
    } else {
        Some(login_key(&config)?)
    };
    let resolver = method::default_resolver(DefaultResolverConfig {
        allow_local: config.allow_http,
        cache: CacheConfig {
            ttl: Duration::from_secs(config.cache_ttl),
            max_entries: config.cache_entries,
            ..CacheConfig::default()
        },
    })
    .map_err(|err| err.to_string())?;
    let methods = resolver.inner().methods().map(str::to_owned).collect();
    let resolver = Arc::new(resolver);
    let cache = Arc::clone(&resolver);
    let resolver: Arc<dyn Resolver> = resolver;
    let fetch_policy = if config.allow_http {
        FetchPolicy::local_testing()
    } else {
        FetchPolicy::default()
    };
    let fetcher: Arc<dyn Fetcher> =
        Arc::new(HttpFetcher::new(fetch_policy).map_err(|err| err.to_string())?);
    let state = AppState::new(
        Arc::clone(&resolver),
        methods,
        resolver_service::test_identifiers(),
    );
    let engine = Arc::new(TrustEngine::new(
        trust.model.clone(),
        trust_history(&config, trust.model.config().history).await?,
    ));
    let trusted_list = (!config.trusted_issuers.is_empty())
        .then(|| config.trusted_issuers.iter().cloned().collect());
    let lifecycle = Arc::new(TrustLifecycle::new(
        Arc::clone(&engine),
        Arc::clone(&resolver),
        trusted_list,
        trust,
        config.trust_config.clone(),
    ));
    let counted = state.clone();
    let watched = Arc::clone(&lifecycle);
    let metrics = Arc::new(
        Metrics::new(Some(Arc::new(move || counted.cache_stats(cache.stats()))))
            .with_trust(Arc::new(move || watched.gauges())),
    );
    let mut app = router(state)
        .merge(verify::router(
            Arc::new(
                Verifier::for_dids(Arc::clone(&resolver), Arc::clone(&fetcher))
                    .with_trust(verifier_trust(&engine, &resolver)),
            ),
            Some(lifecycle.policy_source()),
        ))
        .merge(trust::router(Arc::clone(&lifecycle)));
    if let Some(key) = login_key {
        let verifier = Verifier::for_dids(Arc::clone(&resolver), fetcher)
            .with_trust(verifier_trust(&engine, &resolver));
        let login = login_service(&config, key, verifier)
            .await?
            .with_trust_policy(lifecycle.policy_source());
        eprintln!(
            "avid-resolver: logins are requested by {}",
            login.verifier_did()
        );
        app = app.merge(login::router(Arc::new(login)));
    } else {
        eprintln!("avid-resolver: no --trusted-issuer, so /login/* is not served");
    }
    let mut api = openapi::description();
    if let Some(dir) = &config.issuer_dir {
        let passphrase = issuer_passphrase(&config)?;
        let publisher = Publisher::open(dir, config.database.as_deref(), &passphrase)
            .await
            .map_err(|err| format!("--issuer-dir {}: {err}", dir.display()))?;
        eprintln!("avid-resolver: publishing the issuer in {}", dir.display());
        publisher.describe(&mut api);
        app = app.merge(publish::router(Arc::new(publisher)));
    }
    ops::init_logging(&config.ops);
    // Evaluations at start-up, then periodic; reloads on SIGHUP and when the file changes.
    let trust_loop = tokio::spawn(Arc::clone(&lifecycle).run(trust::RELOAD_POLL));
    let app = ops::serve_with(app, &config.ops, metrics, &api);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    eprintln!("avid-resolver listening on http://{}", config.listen);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| err.to_string());
    trust_loop.abort();
    served
}

/// The service's one trust engine (its model reloaded with the file, its history in the
/// database) for a verifier: every verification records into and evaluates against it.
fn verifier_trust(engine: &Arc<TrustEngine>, resolver: &Arc<dyn Resolver>) -> VerifierTrust {
    VerifierTrust {
        engine: Arc::clone(engine),
        resolver: Arc::clone(resolver),
    }
}

/// The store of the trust history: `--trust-history` (a file or a URL), else `--database`,
/// else `trust-history.db` beside `--trust-config`, else memory.
async fn trust_history(
    config: &Config,
    limits: HistoryLimits,
) -> Result<Arc<dyn TrustHistoryStore>, String> {
    let is_url = |text: &str| {
        ["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|scheme| text.starts_with(scheme))
    };
    // Errors name the flag and the database's failure, never a URL (it may hold a password).
    let opened = match (
        &config.trust_history,
        &config.database,
        &config.trust_config,
    ) {
        (Some(target), _, _) if is_url(target) => SqlTrustHistory::open(target, limits)
            .await
            .map_err(|err| format!("--trust-history: {err}"))?,
        (Some(path), _, _) => SqlTrustHistory::open_sqlite(std::path::Path::new(path), limits)
            .await
            .map_err(|err| format!("--trust-history {path}: {err}"))?,
        (None, Some(url), _) => SqlTrustHistory::open(url, limits)
            .await
            .map_err(|err| format!("--database (trust history): {err}"))?,
        (None, None, Some(file)) => {
            let path = file
                .parent()
                .unwrap_or(std::path::Path::new("."))
                .join("trust-history.db");
            SqlTrustHistory::open_sqlite(&path, limits)
                .await
                .map_err(|err| format!("trust history {}: {err}", path.display()))?
        }
        (None, None, None) => return Ok(Arc::new(MemoryTrustHistory::new(limits))),
    };
    Ok(Arc::new(opened))
}

/// The key that signs the login's request objects: `--verifier-key`, else a new one. Read
/// before any database is opened, so that a usage error is told at once.
fn login_key(config: &Config) -> Result<VerifierKey, String> {
    Ok(match &config.verifier_key {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            VerifierKey::from_jwk_json(&text).map_err(|err| err.to_string())?
        }
        // Replicas with keys of their own would each sign as another verifier.
        None if config.database.is_some() => {
            return Err("--database needs --verifier-key: every replica signs with one key".into());
        }
        None => VerifierKey::generate(),
    })
}

/// The login service the configuration describes: in memory (one node), or on the shared
/// database of `--database` (replicas).
async fn login_service(
    config: &Config,
    key: VerifierKey,
    verifier: Verifier,
) -> Result<LoginService, String> {
    let trusted = config
        .trusted_issuers
        .iter()
        .map(|issuer| Did::parse(issuer).map_err(|err| format!("--trusted-issuer {issuer}: {err}")))
        .collect::<Result<Vec<_>, _>>()?;
    let base_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen));
    let Some(url) = &config.database else {
        return LoginService::new(
            &base_url,
            key,
            verifier,
            trusted,
            Arc::new(InMemorySingleUseStore::default()),
            Arc::new(PasskeyVerifier::in_memory()),
        )
        .map_err(|err| err.to_string());
    };
    // The error names the database's failure, never its URL (which may hold a password).
    let store = IssuerStore::open(url, StoreConfig::without_new_lists())
        .await
        .map_err(|err| format!("--database: {err}"))?;
    let shared = Arc::new(store.clone());
    Ok(LoginService::new(
        &base_url,
        key,
        verifier,
        trusted,
        Arc::clone(&shared) as Arc<dyn SingleUseStore>,
        Arc::new(PasskeyVerifier::new(
            Arc::clone(&shared) as Arc<dyn SingleUseStore>,
            shared,
        )),
    )
    .map_err(|err| err.to_string())?
    .sharing_logins_in(store))
}

/// The passphrase of the published issuer's key: `--passphrase-file`, else `AVID_PASSPHRASE`.
fn issuer_passphrase(config: &Config) -> Result<Passphrase, String> {
    match &config.passphrase_file {
        Some(path) => {
            let contents = zeroize::Zeroizing::new(
                std::fs::read(path)
                    .map_err(|err| format!("cannot read {}: {err}", path.display()))?,
            );
            Passphrase::from_file_contents(&contents).map_err(|err| err.to_string())
        }
        None => {
            let text = zeroize::Zeroizing::new(std::env::var("AVID_PASSPHRASE").map_err(|_| {
                "--issuer-dir needs --passphrase-file or AVID_PASSPHRASE".to_owned()
            })?);
            Passphrase::new(text.as_str()).map_err(|err| err.to_string())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
