//! The service's metrics and their Prometheus text exposition (`GET /metrics`): requests by
//! route and status, a latency histogram, the resolution cache's counters, verification errors
//! by code, logins by outcome, and the trust gauges of the issuers the operator watches.
//!
//! Labels hold only route templates (`/1.0/identifiers/{*did}`), status codes, error codes,
//! fixed outcome names and the DIDs of the issuers the operator's trust configuration watches
//! (a bounded list): never a DID, a claim or anything else a request carried.

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
use vc_issuer::trust::{Indicator, Level};

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

/// Where the trust gauges are read from when `/metrics` is scraped.
pub type TrustGaugeSource = Arc<dyn Fn() -> TrustGauges + Send + Sync>;

/// The trust gauges of the watched issuers ([`crate::trust`]).
#[derive(Clone, Debug, Default)]
pub struct TrustGauges {
    /// Each watched issuer, in the operator's configuration.
    pub issuers: Vec<IssuerGauges>,
    /// How many times a watched issuer fell below the alert threshold.
    pub alerts_total: u64,
}

/// The gauges of one watched issuer.
#[derive(Clone, Debug)]
pub struct IssuerGauges {
    /// The issuer's DID (a label value: the operator chose it).
    pub issuer: String,
    /// Its level at its latest evaluation, if evaluated.
    pub level: Option<Level>,
    /// Its index at its latest evaluation, if evaluated.
    pub index: Option<f64>,
    /// Its indicators' scores at its latest evaluation.
    pub indicators: Vec<(Indicator, f64)>,
    /// Whether it is below the alert threshold now.
    pub alert: bool,
}

/// The counters of one service. Cheap to update from every request; rendered on demand.
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    verification_errors: Mutex<BTreeMap<&'static str, u64>>,
    logins: Mutex<BTreeMap<&'static str, u64>>,
    cache: Option<CacheStatsSource>,
    trust: Option<TrustGaugeSource>,
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
            trust: None,
        }
    }

    /// The same counters, with the trust gauges read from `trust` at each scrape.
    pub fn with_trust(mut self, trust: TrustGaugeSource) -> Self {
        self.trust = Some(trust);
        self
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
        if let Some(gauges) = self.trust.as_ref().map(|source| source()) {
            render_trust(&mut out, &gauges);
        }
        out
    }
}

/// The trust gauges: index, level (0 none … 3 high), indicators and alert of each watched
/// issuer evaluated so far, and the alerts raised.
fn render_trust(out: &mut String, gauges: &TrustGauges) {
    let evaluated = || gauges.issuers.iter().filter(|g| g.index.is_some());
    out.push_str("# HELP avid_trust_index The trust index of each watched issuer at its latest evaluation.\n");
    out.push_str("# TYPE avid_trust_index gauge\n");
    for g in evaluated() {
        let index = g.index.unwrap_or_default();
        let _ = writeln!(
            out,
            "avid_trust_index{{issuer=\"{}\"}} {index}",
            escape_label(&g.issuer)
        );
    }
    out.push_str("# HELP avid_trust_level The trust level of each watched issuer: 0 none, 1 low, 2 substantial, 3 high.\n");
    out.push_str("# TYPE avid_trust_level gauge\n");
    for g in evaluated() {
        let level = match g.level {
            Some(Level::High) => 3,
            Some(Level::Substantial) => 2,
            Some(Level::Low) => 1,
            Some(Level::None) | None => 0,
        };
        let _ = writeln!(
            out,
            "avid_trust_level{{issuer=\"{}\"}} {level}",
            escape_label(&g.issuer)
        );
    }
    out.push_str(
        "# HELP avid_trust_indicator The score of each indicator of each watched issuer.\n",
    );
    out.push_str("# TYPE avid_trust_indicator gauge\n");
    for g in evaluated() {
        for (indicator, score) in &g.indicators {
            let _ = writeln!(
                out,
                "avid_trust_indicator{{issuer=\"{}\",indicator=\"{indicator}\"}} {score}",
                escape_label(&g.issuer)
            );
        }
    }
    out.push_str(
        "# HELP avid_trust_alert 1 while a watched issuer is below the alert threshold.\n",
    );
    out.push_str("# TYPE avid_trust_alert gauge\n");
    for g in &gauges.issuers {
        let _ = writeln!(
            out,
            "avid_trust_alert{{issuer=\"{}\"}} {}",
            escape_label(&g.issuer),
            u8::from(g.alert)
        );
    }
    let _ = writeln!(
        out,
        "# HELP avid_trust_alerts_total Times a watched issuer fell below the alert threshold.\n\
         # TYPE avid_trust_alerts_total counter\n\
         avid_trust_alerts_total {}",
        gauges.alerts_total
    );
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
    fn renders_the_trust_gauges_of_watched_issuers() {
        let metrics = Metrics::new(None).with_trust(Arc::new(|| TrustGauges {
            issuers: vec![
                IssuerGauges {
                    issuer: "did:web:a.example".into(),
                    level: Some(Level::Low),
                    index: Some(0.5),
                    indicators: vec![(Indicator::Stability, 0.25)],
                    alert: true,
                },
                IssuerGauges {
                    issuer: "did:web:b.example".into(),
                    level: None,
                    index: None,
                    indicators: vec![],
                    alert: false,
                },
            ],
            alerts_total: 3,
        }));
        let text = metrics.render();
        assert!(text.contains("avid_trust_index{issuer=\"did:web:a.example\"} 0.5\n"));
        assert!(text.contains("avid_trust_level{issuer=\"did:web:a.example\"} 1\n"));
        assert!(text.contains(
            "avid_trust_indicator{issuer=\"did:web:a.example\",indicator=\"stability\"} 0.25\n"
        ));
        assert!(text.contains("avid_trust_alert{issuer=\"did:web:a.example\"} 1\n"));
        assert!(text.contains("avid_trust_alert{issuer=\"did:web:b.example\"} 0\n"));
        assert!(
            !text.contains("avid_trust_index{issuer=\"did:web:b.example\""),
            "not evaluated, no index"
        );
        assert!(text.contains("avid_trust_alerts_total 3\n"));
        assert!(!Metrics::new(None).render().contains("avid_trust"));
    }

    #[test]
    fn rejects_label_injection_through_a_route_name() {
        assert_eq!(escape_label("a\"} 1\nb"), "a\\\"} 1\\nb");
    }
}
