//! `avid-resolver`: serves DID resolution over HTTP. Configuration from flags or
//! `AVID_RESOLVER_*` variables; listens on 127.0.0.1:8080 by default; stops gracefully on
//! Ctrl-C or SIGTERM.

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use did_core::method::{self, DefaultResolverConfig};
use did_core::resolution::cache::CacheConfig;
use resolver_service::{AppState, router};

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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    match serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("avid-resolver: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
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
    let state = AppState::new(
        Arc::new(resolver),
        methods,
        resolver_service::test_identifiers(),
    );
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    eprintln!("avid-resolver listening on http://{}", config.listen);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| err.to_string())
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
