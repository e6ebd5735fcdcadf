//! Operating the service: the layer every request passes — a concurrency limit that
//! answers 503 with `Retry-After` when full, a per-request timeout, the request metrics and one
//! structured log line per request — and the settings that drive it ([`OpsArgs`]).
//!
//! The log line names the method, the route template, the status and the latency: never the
//! path (it may hold a DID), a header, or a body.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::body::ApiError;
use crate::metrics::{self, Metrics};

/// The operating limits, as flags or `AVID_RESOLVER_*` variables.
#[derive(Clone, Debug, clap::Args)]
pub struct OpsArgs {
    /// Requests served at once; more are answered 503 with `Retry-After` (0 refuses all).
    #[arg(long, env = "AVID_RESOLVER_MAX_CONCURRENCY", default_value_t = 512)]
    pub max_concurrency: usize,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "AVID_RESOLVER_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds a client refused for load is told to wait (`Retry-After`).
    #[arg(long, env = "AVID_RESOLVER_RETRY_AFTER", default_value_t = 1)]
    pub retry_after: u64,
    /// The most detailed log level written to stderr (error, warn, info, debug, trace).
    #[arg(long, env = "AVID_RESOLVER_LOG_LEVEL", default_value = "info")]
    pub log_level: tracing::Level,
}

impl Default for OpsArgs {
    fn default() -> Self {
        OpsArgs {
            max_concurrency: 512,
            request_timeout: 30,
            retry_after: 1,
            log_level: tracing::Level::INFO,
        }
    }
}

/// What [`guard`] shares between requests.
struct Ops {
    permits: Arc<Semaphore>,
    timeout: Duration,
    retry_after: HeaderValue,
    metrics: Arc<Metrics>,
}

/// `app` with `/metrics` served from `metrics` and `/openapi.json` answering `api`, and every
/// route behind the limits of `args`, counted in `metrics` and logged.
pub fn serve_with(
    app: Router,
    args: &OpsArgs,
    metrics: Arc<Metrics>,
    api: &utoipa::openapi::OpenApi,
) -> Router {
    let ops = Arc::new(Ops {
        permits: Arc::new(Semaphore::new(args.max_concurrency)),
        timeout: Duration::from_secs(args.request_timeout),
        retry_after: HeaderValue::from(args.retry_after),
        metrics: Arc::clone(&metrics),
    });
    app.merge(metrics::router(metrics))
        .merge(crate::openapi::router(api))
        .layer(middleware::from_fn_with_state(ops, guard))
}

/// Writes the structured log lines (`tracing`, to stderr) at `args.log_level` and above.
/// Does nothing when a subscriber is already installed.
pub fn init_logging(args: &OpsArgs) {
    let _ = tracing_subscriber::fmt()
        .with_max_level(args.log_level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

async fn guard(State(ops): State<Arc<Ops>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = match Arc::clone(&ops.permits).try_acquire_owned() {
        Err(_) => {
            let mut response = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "the service is serving as many requests as it may; retry later",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, ops.retry_after.clone());
            response
        }
        Ok(_permit) => match tokio::time::timeout(ops.timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "the request took longer than {} s",
                    ops.timeout.as_secs_f64()
                ),
            )
            .into_response(),
        },
    };
    let elapsed = started.elapsed();
    ops.metrics.observe(&method, &route, &response, elapsed);
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}
