//! The service's metrics and their Prometheus text exposition (`GET /metrics`): requests by
//! route and status, a latency histogram, the resolution cache's counters, verification errors
//! by code and logins by outcome.
//!
//! Labels hold only route templates (`/1.0/identifiers/{*did}`), status codes, error codes and
//! fixed outcome names: never a DID, a claim or anything else a request carried.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use did_core::resolution::cache::CacheStats;
use vc_issuer::report::ErrorCode;

/// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is implied).
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The codes of the errors a verification report held, attached by the verification
/// handlers to their response so that [`Metrics::observe`] counts them.
#[derive(Clone, Debug, Default)]
pub struct VerificationErrors(pub Vec<ErrorCode>);

/// Where the resolution cache's counters are read from when `/metrics` is scraped.
pub type CacheStatsSource = Arc<dyn Fn() -> CacheStats + Send + Sync>;

/// The counters of one service. Cheap to update from every request; rendered on demand.
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    verification_errors: Mutex<BTreeMap<&'static str, u64>>,
    logins: Mutex<BTreeMap<&'static str, u64>>,
    cache: Option<CacheStatsSource>,
}

impl Metrics {
    /// Empty counters; the cache's are read from `cache` when given.
    pub fn new(cache: Option<CacheStatsSource>) -> Self {
        Metrics {
            requests: Mutex::default(),
            latency_buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            latency_count: AtomicU64::new(0),
            latency_sum_micros: AtomicU64::new(0),
            verification_errors: Mutex::default(),
            logins: Mutex::default(),
            cache,
        }
    }

    /// Counts one answered request: `route` is the matched route template (or `unmatched`),
    /// never the request's path, which may hold a DID.
    pub fn observe(&self, method: &Method, route: &str, response: &Response, elapsed: Duration) {
        let status = response.status();
        *lock(&self.requests)
            .entry((route.to_owned(), status.as_u16()))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
        if let Some(VerificationErrors(codes)) = response.extensions().get() {
            let mut errors = lock(&self.verification_errors);
            for code in codes {
                *errors.entry(code.as_str()).or_default() += 1;
            }
        }
        if let Some(outcome) = login_outcome(method, route, status) {
            *lock(&self.logins).entry(outcome).or_default() += 1;
        }
    }

    /// The Prometheus text exposition format (version 0.0.4) of every counter.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP avid_http_requests_total HTTP requests answered, by route template and status.\n");
        out.push_str("# TYPE avid_http_requests_total counter\n");
        for ((route, status), count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "avid_http_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                escape_label(route)
            );
        }
        out.push_str(
            "# HELP avid_http_request_duration_seconds Time from request to response head.\n",
        );
        out.push_str("# TYPE avid_http_request_duration_seconds histogram\n");
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "avid_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "avid_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             avid_http_request_duration_seconds_sum {sum}\n\
             avid_http_request_duration_seconds_count {count}"
        );
        if let Some(stats) = self.cache.as_ref().map(|source| source()) {
            for (name, help, value) in [
                (
                    "hits",
                    "Resolutions answered from the cache while fresh.",
                    stats.hits,
                ),
                (
                    "misses",
                    "Resolutions passed to the DID method.",
                    stats.misses,
                ),
                (
                    "stale_served",
                    "Expired documents served because the method failed.",
                    stats.stale_served,
                ),
                (
                    "negative_hits",
                    "Failures answered from the negative cache.",
                    stats.negative_hits,
                ),
                (
                    "evictions",
                    "Live entries dropped to stay within the bound.",
                    stats.evictions,
                ),
            ] {
                let _ = writeln!(
                    out,
                    "# HELP avid_resolution_cache_{name}_total {help}\n\
                     # TYPE avid_resolution_cache_{name}_total counter\n\
                     avid_resolution_cache_{name}_total {value}"
                );
            }
        }
        out.push_str(
            "# HELP avid_verification_errors_total Errors in verification reports, by code.\n",
        );
        out.push_str("# TYPE avid_verification_errors_total counter\n");
        for (code, count) in lock(&self.verification_errors).iter() {
            let _ = writeln!(
                out,
                "avid_verification_errors_total{{code=\"{}\"}} {count}",
                escape_label(code)
            );
        }
        out.push_str("# HELP avid_logins_total Login steps answered, by outcome.\n");
        out.push_str("# TYPE avid_logins_total counter\n");
        for (outcome, count) in lock(&self.logins).iter() {
            let _ = writeln!(out, "avid_logins_total{{outcome=\"{outcome}\"}} {count}");
        }
        out
    }
}

/// The outcome of a login step, read from its route and status: the wallet's `direct_post`
/// (200 accepted — granted or awaiting the passkey —, 4xx refused) and the passkey assertion
/// (200 granted, 4xx refused). 5xx answers are `error`.
fn login_outcome(method: &Method, route: &str, status: StatusCode) -> Option<&'static str> {
    let step = match (method, route) {
        (&Method::POST, "/login/responses") => "response",
        (&Method::POST, "/login/requests/{id}/passkey") => "passkey",
        (&Method::POST, "/login/requests") => "request",
        _ => return None,
    };
    Some(
        match (step, status.is_success(), status.is_client_error()) {
            ("request", true, _) => "requested",
            ("response", true, _) => "response_accepted",
            ("passkey", true, _) => "passkey_granted",
            (_, _, true) => match step {
                "request" => "request_refused",
                "response" => "response_refused",
                _ => "passkey_refused",
            },
            _ => "error",
        },
    )
}

/// A label value as the exposition format quotes it (`\`, `"` and newlines escaped).
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a counter map half-written: keep counting.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The `GET /metrics` route over `metrics`.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(metrics)
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain; version=0.0.4", body = String)))]
async fn render(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: StatusCode) -> Response {
        (status, "").into_response()
    }

    #[test]
    fn counts_requests_by_route_template_and_status() {
        let metrics = Metrics::new(None);
        let ok = answered(StatusCode::OK);
        metrics.observe(&Method::GET, "/health", &ok, Duration::from_millis(3));
        metrics.observe(&Method::GET, "/health", &ok, Duration::from_millis(30));
        let text = metrics.render();
        assert!(text.contains("avid_http_requests_total{route=\"/health\",status=\"200\"} 2\n"));
        assert!(text.contains("avid_http_request_duration_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(text.contains("avid_http_request_duration_seconds_bucket{le=\"0.05\"} 2\n"));
        assert!(text.contains("avid_http_request_duration_seconds_count 2\n"));
    }

    #[test]
    fn counts_verification_errors_by_code_and_login_steps_by_outcome() {
        let metrics = Metrics::new(Some(Arc::new(|| CacheStats {
            hits: 7,
            ..CacheStats::default()
        })));
        let mut refused = answered(StatusCode::UNPROCESSABLE_ENTITY);
        refused
            .extensions_mut()
            .insert(VerificationErrors(vec![ErrorCode::Malformed]));
        metrics.observe(
            &Method::POST,
            "/presentations/verify",
            &refused,
            Duration::ZERO,
        );
        let passkey = answered(StatusCode::BAD_REQUEST);
        metrics.observe(
            &Method::POST,
            "/login/requests/{id}/passkey",
            &passkey,
            Duration::ZERO,
        );
        metrics.observe(
            &Method::GET,
            "/login/requests/{id}/passkey",
            &passkey,
            Duration::ZERO,
        );
        let text = metrics.render();
        assert!(text.contains("avid_verification_errors_total{code=\"malformed\"} 1\n"));
        assert!(text.contains("avid_logins_total{outcome=\"passkey_refused\"} 1\n"));
        assert!(text.contains("avid_resolution_cache_hits_total 7\n"));
    }

    #[test]
    fn rejects_label_injection_through_a_route_name() {
        assert_eq!(escape_label("a\"} 1\nb"), "a\\\"} 1\\nb");
    }
}
