//! The trust lifecycle of the service (ITU-T XSTR.trust-metaverse §8.5: evaluate, supervise,
//! react, reconfigure, loop; the triggers of §8.6.2): evaluations of the configured issuers at
//! start-up and then periodically, on demand (`POST /trust/evaluate`), each issuer's history
//! and latest evaluations (`GET /trust/issuers/{did}`), the gauges `/metrics` exports for the
//! configured issuers, the alert when one drops below the configured threshold, and the
//! configuration file reloaded without a restart (on `SIGHUP` and when the file changes).
//!
//! Every measurement is the library's ([`TrustEngine::evaluate_issuer`]); this module only
//! schedules evaluations, keeps their results for reading and turns them into gauges.
//!
//! The configuration file (JSON, unknown members refused):
//!
//! ```json
//! {
//!   "model": {},
//!   "policy": {"min_level": "low"},
//!   "issuers": ["did:web:issuer.example"],
//!   "interval": 3600,
//!   "alert_below": {"level": "substantial"}
//! }
//! ```
//!
//! `model` is a [`TrustConfig`] (every member optional), `policy` a [`TrustPolicy`] for the
//! verifications that use the engine, `issuers` the DIDs watched (at most
//! [`MAX_WATCHED_ISSUERS`]: they are the only DIDs `/metrics` names), `interval` the seconds
//! between periodic evaluations (default [`DEFAULT_INTERVAL_SECS`]), and `alert_below` either
//! `{"level": …}` or `{"index": …}`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use did_core::did::Did;
use did_core::excerpt::excerpt;
use did_core::resolution::Resolver;
use did_core::time::unix_now;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vc_issuer::trust::{
    Level, TrustConfig, TrustConfigError, TrustEngine, TrustError, TrustEvaluation,
    TrustListEvidence, TrustModel, TrustPolicy,
};

use crate::body::{ApiError, parse_json};
use crate::metrics::{IssuerGauges, TrustGauges};

/// The seconds between periodic evaluations when the file names none: an hour, so that a
/// 30-day half-life sees hundreds of probes and an outage is noticed within the hour.
pub const DEFAULT_INTERVAL_SECS: u64 = 3_600;

/// The most issuers a configuration may watch: each is a label value in `/metrics`, and an
/// operator's list, never a request's, so the cardinality stays bounded.
pub const MAX_WATCHED_ISSUERS: usize = 256;

/// The largest configuration file read, in bytes.
pub const MAX_TRUST_FILE: u64 = 1 << 20;

/// How many of an issuer's latest evaluations are kept for `GET /trust/issuers/{did}`.
pub const KEPT_EVALUATIONS: usize = 16;

/// How many issuers' latest evaluations are kept (on-demand evaluations may name any DID).
pub const KEPT_ISSUERS: usize = 1_024;

/// How long latest evaluations are kept, in seconds: a week.
const KEEP_EVALUATIONS_SECS: u64 = 7 * 86_400;

/// How often the configuration file's modification time is looked at.
pub const RELOAD_POLL: Duration = Duration::from_secs(2);

/// The largest `POST /trust/evaluate` body, in bytes: one DID.
const MAX_EVALUATE_BODY: usize = 8 * 1024;

/// When a watched issuer's evaluation raises the alert.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AlertThreshold {
    /// Below this level.
    Level(Level),
    /// Below this index, in [0, 1].
    Index(f64),
}

impl AlertThreshold {
    /// Whether `evaluation` falls below the threshold.
    pub fn is_below(&self, evaluation: &TrustEvaluation) -> bool {
        match *self {
            AlertThreshold::Level(level) => evaluation.level < level,
            AlertThreshold::Index(index) => evaluation.index < index,
        }
    }
}

/// A validated trust configuration file.
#[derive(Debug, Clone)]
pub struct TrustSettings {
    /// The model evaluations use.
    pub model: TrustModel,
    /// The policy verifications that use the engine apply, if any.
    pub policy: Option<TrustPolicy>,
    /// The issuers evaluated at start-up and periodically, and exported in `/metrics`.
    pub issuers: Vec<Did>,
    /// The time between periodic evaluations.
    pub interval: Duration,
    /// When a watched issuer raises the alert, if ever.
    pub alert_below: Option<AlertThreshold>,
}

impl Default for TrustSettings {
    /// The default model, no policy, no watched issuer, no alert.
    fn default() -> Self {
        TrustSettings {
            model: TrustModel::default(),
            policy: None,
            issuers: Vec::new(),
            interval: Duration::from_secs(DEFAULT_INTERVAL_SECS),
            alert_below: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    #[serde(default)]
    model: TrustConfig,
    #[serde(default)]
    policy: Option<TrustPolicy>,
    #[serde(default)]
    issuers: Vec<String>,
    #[serde(default = "default_interval")]
    interval: u64,
    #[serde(default)]
    alert_below: Option<AlertThreshold>,
}

fn default_interval() -> u64 {
    DEFAULT_INTERVAL_SECS
}

/// Why a trust configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustFileError {
    /// The file cannot be read.
    #[error("cannot read the trust configuration: {0}")]
    Read(#[from] std::io::Error),
    /// The file is larger than [`MAX_TRUST_FILE`].
    #[error("the trust configuration is larger than {MAX_TRUST_FILE} bytes")]
    TooLarge,
    /// Not JSON of the configuration's shape.
    #[error("the trust configuration is not valid: {0}")]
    Json(String),
    /// The model's configuration does not validate.
    #[error("model: {0}")]
    Model(TrustConfigError),
    /// The policy does not validate.
    #[error("policy: {0}")]
    Policy(TrustConfigError),
    /// A watched issuer is not a DID.
    #[error("issuers: {0}")]
    Issuer(String),
    /// More watched issuers than [`MAX_WATCHED_ISSUERS`].
    #[error("issuers: {0} given, at most {MAX_WATCHED_ISSUERS} may be watched")]
    TooManyIssuers(usize),
    /// The interval is 0.
    #[error("interval must be at least 1 second")]
    BadInterval,
    /// The alert index is outside [0, 1].
    #[error("alert_below.index is {0}: it must be a number in [0, 1]")]
    BadThreshold(f64),
}

impl TrustSettings {
    /// The settings in `text` (the file's JSON), validated whole.
    pub fn from_json(text: &str) -> Result<Self, TrustFileError> {
        let file: TrustFile =
            serde_json::from_str(text).map_err(|err| TrustFileError::Json(err.to_string()))?;
        let model = TrustModel::new(file.model).map_err(TrustFileError::Model)?;
        if let Some(policy) = &file.policy {
            policy.validate().map_err(TrustFileError::Policy)?;
        }
        if file.issuers.len() > MAX_WATCHED_ISSUERS {
            return Err(TrustFileError::TooManyIssuers(file.issuers.len()));
        }
        let mut seen = BTreeSet::new();
        let mut issuers = Vec::new();
        for text in &file.issuers {
            let did = Did::parse(text)
                .map_err(|err| TrustFileError::Issuer(format!("{}: {err}", excerpt(text))))?;
            if !seen.insert(did.as_str().to_owned()) {
                return Err(TrustFileError::Issuer(format!(
                    "{} is listed twice",
                    excerpt(text)
                )));
            }
            issuers.push(did);
        }
        if file.interval == 0 {
            return Err(TrustFileError::BadInterval);
        }
        if let Some(AlertThreshold::Index(index)) = file.alert_below
            && !(0.0..=1.0).contains(&index)
        {
            return Err(TrustFileError::BadThreshold(index));
        }
        Ok(TrustSettings {
            model,
            policy: file.policy,
            issuers,
            interval: Duration::from_secs(file.interval),
            alert_below: file.alert_below,
        })
    }

    /// The settings in the file at `path` (at most [`MAX_TRUST_FILE`] bytes).
    pub fn load(path: &Path) -> Result<Self, TrustFileError> {
        let mut text = String::new();
        std::fs::File::open(path)?
            .take(MAX_TRUST_FILE + 1)
            .read_to_string(&mut text)?;
        if text.len() as u64 > MAX_TRUST_FILE {
            return Err(TrustFileError::TooLarge);
        }
        TrustSettings::from_json(&text)
    }
}

/// What `/metrics` shows of one watched issuer.
#[derive(Debug, Default)]
struct Watched {
    latest: Option<TrustEvaluation>,
    alert: bool,
}

/// Where a route reads the trust policy it applies: the configuration in force, so that a
/// reload reaches verifications and logins without a restart (§8.5 "reconfigure").
pub type PolicySource = Arc<dyn Fn() -> Option<TrustPolicy> + Send + Sync>;

/// The service's trust: its engine, the settings it runs under, the latest evaluations and
/// the state of the watched issuers.
pub struct TrustLifecycle {
    engine: Arc<TrustEngine>,
    resolver: Arc<dyn Resolver>,
    trust_list: Option<BTreeSet<String>>,
    settings: RwLock<Arc<TrustSettings>>,
    file: Option<PathBuf>,
    file_stamp: Mutex<Option<(SystemTime, u64)>>,
    latest: Mutex<TtlCache<String, VecDeque<TrustEvaluation>>>,
    watched: Mutex<BTreeMap<String, Watched>>,
    alerts_total: AtomicU64,
}

impl std::fmt::Debug for TrustLifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustLifecycle")
            .field("engine", &self.engine)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl TrustLifecycle {
    /// The lifecycle of `engine` (reconfigured to `settings`' model), resolving issuers
    /// through `resolver`. `trust_list` is the verifier's list of trusted issuers (their
    /// standing is the evidence of taken_over; `None`: no list). `file` is where `settings`
    /// came from, reloaded by [`TrustLifecycle::reload`].
    pub fn new(
        engine: Arc<TrustEngine>,
        resolver: Arc<dyn Resolver>,
        trust_list: Option<BTreeSet<String>>,
        settings: TrustSettings,
        file: Option<PathBuf>,
    ) -> Self {
        engine.reconfigure(settings.model.clone());
        let file_stamp = Mutex::new(file.as_deref().and_then(stamp));
        let lifecycle = TrustLifecycle {
            engine,
            resolver,
            trust_list,
            settings: RwLock::new(Arc::new(TrustSettings::default())),
            file,
            file_stamp,
            latest: Mutex::new(TtlCache::new(CacheLimits::entries(KEPT_ISSUERS))),
            watched: Mutex::default(),
            alerts_total: AtomicU64::new(0),
        };
        lifecycle.install(settings);
        lifecycle
    }

    /// The engine, with its model and history: the one verifications share.
    pub fn engine(&self) -> &Arc<TrustEngine> {
        &self.engine
    }

    /// The trust policy in force, read anew at each call (a reload changes it).
    pub fn policy_source(self: &Arc<Self>) -> PolicySource {
        let lifecycle = Arc::clone(self);
        Arc::new(move || lifecycle.settings().policy.clone())
    }

    /// The settings in force.
    pub fn settings(&self) -> Arc<TrustSettings> {
        Arc::clone(&self.settings.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts `settings` in force: the watched issuers follow the list (an issuer dropped from
    /// it leaves `/metrics`), the engine the model.
    fn install(&self, settings: TrustSettings) {
        self.engine.reconfigure(settings.model.clone());
        {
            let mut watched = lock(&self.watched);
            let wanted: BTreeSet<&str> = settings.issuers.iter().map(Did::as_str).collect();
            watched.retain(|issuer, _| wanted.contains(issuer.as_str()));
            for issuer in wanted {
                watched.entry(issuer.to_owned()).or_default();
            }
        }
        *self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(settings);
    }

    /// Evaluates `issuer` now, keeps the evaluation, and for a watched issuer updates its
    /// gauges and its alert.
    pub async fn evaluate(&self, issuer: &Did) -> Result<TrustEvaluation, TrustError> {
        let trust_list = match &self.trust_list {
            None => TrustListEvidence::NotConfigured,
            Some(list) if list.contains(issuer.as_str()) => {
                TrustListEvidence::Listed { since: None }
            }
            Some(_) => TrustListEvidence::NotListed,
        };
        let now = unix_now();
        let evaluation = self
            .engine
            .evaluate_issuer(
                self.resolver.as_ref(),
                issuer,
                i64::try_from(now).unwrap_or(i64::MAX),
                trust_list,
            )
            .await?;
        self.keep(issuer.as_str(), &evaluation, now);
        self.supervise(issuer.as_str(), &evaluation);
        Ok(evaluation)
    }

    fn keep(&self, issuer: &str, evaluation: &TrustEvaluation, now: u64) {
        let mut latest = lock(&self.latest);
        let mut kept = latest
            .get(issuer, now)
            .map(|cached| cached.value.as_ref().clone())
            .unwrap_or_default();
        kept.push_front(evaluation.clone());
        kept.truncate(KEPT_EVALUATIONS);
        let lifetime = Lifetime::from_now(now, KEEP_EVALUATIONS_SECS, 0);
        latest.insert(issuer.to_owned(), Arc::new(kept), 1, lifetime, now);
    }

    /// §8.5 "supervise" and "react": a watched issuer's gauges follow its latest evaluation,
    /// and a drop below the threshold raises the alert (once, until it recovers).
    fn supervise(&self, issuer: &str, evaluation: &TrustEvaluation) {
        let threshold = self.settings().alert_below;
        let mut watched = lock(&self.watched);
        let Some(state) = watched.get_mut(issuer) else {
            return;
        };
        let below = threshold.is_some_and(|t| t.is_below(evaluation));
        if below && !state.alert {
            self.alerts_total.fetch_add(1, Ordering::Relaxed);
            // A watched issuer is the operator's choice, not a holder: naming it is no PII.
            tracing::warn!(
                issuer = %issuer,
                level = %evaluation.level,
                index = evaluation.index,
                "trust alert: a watched issuer fell below the alert threshold"
            );
        } else if !below && state.alert {
            tracing::info!(
                issuer = %issuer,
                level = %evaluation.level,
                index = evaluation.index,
                "trust alert cleared: the issuer is back above the threshold"
            );
        }
        state.alert = below;
        state.latest = Some(evaluation.clone());
    }

    /// Evaluates every watched issuer, one after the other; a failure is logged and the
    /// others still run.
    pub async fn evaluate_watched(&self) {
        for issuer in self.settings().issuers.clone() {
            if let Err(err) = self.evaluate(&issuer).await {
                tracing::error!(issuer = %issuer, error = %err, "trust evaluation failed");
            }
        }
    }

    /// Reads the configuration file again and puts it in force (§8.5 "reconfigure"). A file
    /// that does not validate leaves the settings in force as they were. `Ok(false)` when the
    /// lifecycle has no file.
    pub fn reload(&self) -> Result<bool, TrustFileError> {
        let Some(path) = &self.file else {
            return Ok(false);
        };
        *lock(&self.file_stamp) = stamp(path);
        let settings = TrustSettings::load(path)?;
        let digest = settings.model.config().digest();
        self.install(settings);
        tracing::info!(config_digest = %digest, "trust configuration reloaded");
        Ok(true)
    }

    /// Reloads when the file's modification time or size changed since it was last read.
    fn file_changed(&self) -> bool {
        let Some(path) = &self.file else {
            return false;
        };
        stamp(path) != *lock(&self.file_stamp)
    }

    /// Reloads and, when the file validates, evaluates the watched issuers under it.
    async fn reload_and_evaluate(&self) {
        match self.reload() {
            Ok(true) => self.evaluate_watched().await,
            Ok(false) => {}
            Err(err) => {
                tracing::error!(error = %err, "trust configuration not reloaded; the previous one stays");
            }
        }
    }

    /// The loop (§8.5 "loop"): the watched issuers evaluated at once, then every interval;
    /// the file reloaded when it changes (looked at every `poll`) and on `SIGHUP`. Runs
    /// until the task is dropped.
    pub async fn run(self: Arc<Self>, poll: Duration) {
        self.evaluate_watched().await;
        let mut last = tokio::time::Instant::now();
        #[cfg(unix)]
        let mut hangup = match &self.file {
            Some(_) => tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok(),
            None => None,
        };
        loop {
            #[cfg(unix)]
            let hung_up = async {
                match hangup.as_mut() {
                    Some(signal) => signal.recv().await,
                    None => std::future::pending().await,
                }
            };
            #[cfg(not(unix))]
            let hung_up = std::future::pending::<Option<()>>();
            tokio::select! {
                _ = hung_up => {
                    tracing::info!("SIGHUP: reloading the trust configuration");
                    self.reload_and_evaluate().await;
                }
                _ = tokio::time::sleep(poll) => {
                    if self.file_changed() {
                        self.reload_and_evaluate().await;
                    }
                }
            }
            if last.elapsed() >= self.settings().interval {
                last = tokio::time::Instant::now();
                self.evaluate_watched().await;
            }
        }
    }

    /// The gauges of the watched issuers, for `/metrics`.
    pub fn gauges(&self) -> TrustGauges {
        let issuers = lock(&self.watched)
            .iter()
            .map(|(issuer, state)| IssuerGauges {
                issuer: issuer.clone(),
                level: state.latest.as_ref().map(|e| e.level),
                index: state.latest.as_ref().map(|e| e.index),
                indicators: state.latest.as_ref().map_or_else(Vec::new, |e| {
                    e.indicators
                        .iter()
                        .map(|(indicator, i)| (*indicator, i.score))
                        .collect()
                }),
                alert: state.alert,
            })
            .collect();
        TrustGauges {
            issuers,
            alerts_total: self.alerts_total.load(Ordering::Relaxed),
        }
    }

    /// What the service knows of `issuer`: its history (raw events, oldest first), its
    /// latest evaluations (newest first), whether it is watched and alerting.
    pub async fn issuer_report(&self, issuer: &Did) -> Result<Value, TrustError> {
        let history = self.engine.history().history(issuer.as_str()).await?;
        let evaluations: Vec<TrustEvaluation> = lock(&self.latest)
            .get(issuer.as_str(), unix_now())
            .map(|cached| cached.value.iter().cloned().collect())
            .unwrap_or_default();
        let alert = lock(&self.watched)
            .get(issuer.as_str())
            .map(|state| state.alert);
        Ok(json!({
            "issuer": issuer.as_str(),
            "watched": alert.is_some(),
            "alert": alert.unwrap_or(false),
            "first_seen": history.first_seen(),
            "events": history.events(),
            "evaluations": evaluations,
        }))
    }
}

/// The modification time and size of the file at `path`, if it can be read.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere leaves at worst a stale evaluation: keep serving.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The `/trust/*` routes over `lifecycle`.
pub fn router(lifecycle: Arc<TrustLifecycle>) -> Router {
    Router::new()
        .route("/trust/evaluate", post(evaluate))
        .route("/trust/issuers/{*did}", get(issuer))
        .layer(DefaultBodyLimit::max(MAX_EVALUATE_BODY))
        .with_state(lifecycle)
}

/// The body of `POST /trust/evaluate`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluateRequest {
    issuer: String,
}

/// Evaluates an issuer now.
#[utoipa::path(post, path = "/trust/evaluate", tag = "trust",
    request_body(content = Object, description = "`{\"issuer\": \"did:…\"}`: the issuer's DID",
        example = json!({"issuer": "did:web:issuer.example"})),
    responses((status = 200, description = "The evaluation of the issuer alone (`scope: issuer`): level, index, uncertainty and every indicator with its factors and their evidence", body = Object),
        (status = 400, description = "Not a JSON body `{\"issuer\": DID}`", body = crate::body::ErrorBody),
        (status = 503, description = "The trust history is unavailable", body = crate::body::ErrorBody)))]
async fn evaluate(State(lifecycle): State<Arc<TrustLifecycle>>, body: Bytes) -> Response {
    let request: EvaluateRequest = match parse_json(&body).and_then(|value| {
        serde_json::from_value(value).map_err(|err| {
            ApiError::invalid(format!("the body must be {{\"issuer\": DID}}: {err}"))
        })
    }) {
        Ok(request) => request,
        Err(err) => return err.into_response(),
    };
    let issuer = match Did::parse(&request.issuer) {
        Ok(did) => did,
        Err(err) => {
            return ApiError::invalid(format!("{} is not a DID: {err}", excerpt(&request.issuer)))
                .into_response();
        }
    };
    match lifecycle.evaluate(&issuer).await {
        Ok(evaluation) => (StatusCode::OK, axum::Json(evaluation)).into_response(),
        Err(err) => unavailable(&err),
    }
}

/// An issuer's history and latest evaluations.
#[utoipa::path(get, path = "/trust/issuers/{did}", tag = "trust",
    params(("did" = String, Path, description = "The issuer's DID, as sent (a did:web port as `%3A`)")),
    responses((status = 200, description = "`{issuer, watched, alert, first_seen, events, evaluations}`: the raw events of the history, oldest first, and the latest evaluations, newest first", body = Object),
        (status = 400, description = "Not a DID", body = crate::body::ErrorBody),
        (status = 503, description = "The trust history is unavailable", body = crate::body::ErrorBody)))]
async fn issuer(
    State(lifecycle): State<Arc<TrustLifecycle>>,
    OriginalUri(uri): OriginalUri,
) -> Response {
    // Taken as sent, so that a did:web port written `%3A` names the same DID as in the file.
    let path = uri
        .path()
        .strip_prefix("/trust/issuers/")
        .unwrap_or_default();
    let issuer = match did_core::resolution::http::did_url_from_path(path, uri.query()) {
        Ok(url) if url.is_did() => url.did().clone(),
        Ok(url) => {
            return ApiError::invalid(format!("{} is a DID URL, not a DID", excerpt(url.as_str())))
                .into_response();
        }
        Err(err) => return ApiError::invalid(err.to_string()).into_response(),
    };
    match lifecycle.issuer_report(&issuer).await {
        Ok(report) => (StatusCode::OK, axum::Json(report)).into_response(),
        Err(err) => unavailable(&err),
    }
}

fn unavailable(err: &TrustError) -> Response {
    tracing::error!(error = %err, "trust history unavailable");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "trust_history_unavailable",
        "the trust history is unavailable; retry later",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_whole_file_and_defaults_the_rest() {
        let settings = TrustSettings::from_json(
            r#"{"issuers": ["did:web:issuer.example"], "alert_below": {"index": 0.4},
                "policy": {"min_level": "low"}, "model": {"half_life_secs": 86400}}"#,
        )
        .unwrap();
        assert_eq!(settings.issuers.len(), 1);
        assert_eq!(
            settings.interval,
            Duration::from_secs(DEFAULT_INTERVAL_SECS)
        );
        assert_eq!(settings.alert_below, Some(AlertThreshold::Index(0.4)));
        assert_eq!(settings.model.config().half_life_secs, 86_400.0);
        let empty = TrustSettings::from_json("{}").unwrap();
        assert_eq!(empty.model, TrustModel::default());
        assert!(empty.issuers.is_empty() && empty.alert_below.is_none());
    }

    #[test]
    fn rejects_a_file_that_does_not_validate() {
        let bad = |text: &str| TrustSettings::from_json(text).unwrap_err();
        assert!(matches!(bad(r#"{"surprise": 1}"#), TrustFileError::Json(_)));
        assert!(matches!(
            bad(r#"{"model": {"half_life_secs": -1}}"#),
            TrustFileError::Model(_)
        ));
        assert!(matches!(
            bad(r#"{"policy": {"min_level": "low", "min_indicators": {"security": 2}}}"#),
            TrustFileError::Policy(_)
        ));
        assert!(matches!(
            bad(r#"{"issuers": ["nope"]}"#),
            TrustFileError::Issuer(_)
        ));
        assert!(matches!(
            bad(r#"{"issuers": ["did:web:a", "did:web:a"]}"#),
            TrustFileError::Issuer(_)
        ));
        assert!(matches!(
            bad(r#"{"interval": 0}"#),
            TrustFileError::BadInterval
        ));
        assert!(matches!(
            bad(r#"{"alert_below": {"index": 1.5}}"#),
            TrustFileError::BadThreshold(_)
        ));
        assert!(matches!(
            bad(r#"{"alert_below": {"level": "middling"}}"#),
            TrustFileError::Json(_)
        ));
        let many: Vec<String> = (0..=MAX_WATCHED_ISSUERS)
            .map(|i| format!("did:web:issuer{i}.example"))
            .collect();
        assert!(matches!(
            bad(&json!({ "issuers": many }).to_string()),
            TrustFileError::TooManyIssuers(_)
        ));
    }

    #[test]
    fn the_alert_threshold_compares_level_or_index() {
        let model = TrustModel::default();
        let history = vc_issuer::trust::IssuerHistory::empty("did:example:a");
        let evidence = vc_issuer::trust::TrustEvidence::of_issuer(1_000, "did:example:a");
        let evaluation = model.evaluate(&evidence, &history).unwrap();
        assert_eq!(evaluation.level, Level::None);
        assert!(AlertThreshold::Level(Level::Low).is_below(&evaluation));
        assert!(!AlertThreshold::Level(Level::None).is_below(&evaluation));
        assert!(AlertThreshold::Index(1.0).is_below(&evaluation));
        assert!(!AlertThreshold::Index(0.0).is_below(&evaluation));
    }

    #[test]
    fn gauges_name_only_watched_issuers() {
        let settings =
            TrustSettings::from_json(r#"{"issuers": ["did:web:watched.example"]}"#).unwrap();
        let engine = Arc::new(TrustEngine::in_memory(TrustModel::default()));
        let lifecycle = TrustLifecycle::new(
            engine,
            Arc::new(did_core::method::DID_KEY),
            None,
            settings,
            None,
        );
        let gauges = lifecycle.gauges();
        assert_eq!(gauges.issuers.len(), 1);
        assert_eq!(gauges.issuers[0].issuer, "did:web:watched.example");
        assert!(gauges.issuers[0].index.is_none(), "not evaluated yet");
        // Reconfigured without it, the issuer leaves the gauges.
        lifecycle.install(TrustSettings::default());
        assert!(lifecycle.gauges().issuers.is_empty());
    }
}
