//! Verification of a presented credential: policy in, [`VerificationReport`] out. One entry
//! point, [`verify_credential`], takes an SD-JWT VC (with or without key binding) or a VCDM 2.0
//! `vc+jwt`, tells them apart, and applies every MUST of RFC 9901 §7.1 and §7.3, the SD-JWT VC
//! rules, and the verifier's policy; [`verify_batch`] does the same for many at once and
//! checks their Ed25519 signatures in one batch. [`Verifier`] holds what both need (issuer
//! keys and a status check) and builds the usual one for DID issuers.
//!
//! The report's `claims` are, for an SD-JWT VC, the Processed SD-JWT Payload of RFC 9901
//! §7.1: the plain claims and the disclosed ones in place, `_sd`, `_sd_alg` and the
//! undisclosed array elements removed. `iss`, `vct`, `iat`, `exp`, `status` and `cnf` stay:
//! a relying party needs the issuer and type to interpret the rest, and the holder key in
//! `cnf` to bind a session to the holder; it is also what both specifications show a
//! verifier ending up with. For a `vc+jwt` they are the credential itself.
//!
//! ```
//! # use std::sync::Arc;
//! # use did_core::jose::Algorithm;
//! # use did_core::key::{KeyType, SecretKey};
//! # use did_core::method::{DID_KEY, key::did_key_verification_method};
//! # use did_core::resolution::dispatch::MethodDispatcher;
//! # use serde_json::{Map, json};
//! # use vc_issuer::sd_jwt::{ClaimPath, DisclosureFrame};
//! # use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
//! use vc_issuer::issuer_keys::DidIssuerKeys;
//! use vc_issuer::verify::{VerificationPolicy, verify_credential};
//!
//! # let issuer_key = SecretKey::generate(KeyType::Ed25519);
//! # let kid = did_key_verification_method(&issuer_key.public_key());
//! # let signer = issuer_key.signer(Algorithm::Ed25519)?;
//! # let holder = SecretKey::generate(KeyType::Ed25519);
//! # let mut claims = Map::new();
//! # claims.insert("age_over_18".into(), json!(true));
//! # let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder.public_key(), 1_700_000_000).with_claims(claims);
//! # let issued = SdJwtVcIssuer::new(&signer, kid)?.issue(payload, &DisclosureFrame::new().disclose("age_over_18"))?;
//! # let request = KeyBindingRequest::new("https://world.example", "n-0S6_WzA2Mj", 1_700_000_100);
//! # let presentation = HolderCredential::parse(&issued)?.present_with_key_binding(
//! #     &[ClaimPath::parse("/age_over_18")?], &request, &holder.signer(Algorithm::Ed25519)?)?;
//! let resolver = Arc::new(MethodDispatcher::new().with_method("key", Arc::new(DID_KEY)));
//! let keys = DidIssuerKeys::new(resolver);
//! let policy = VerificationPolicy::key_binding("https://world.example", "n-0S6_WzA2Mj")
//!     .expecting_vct("urn:avid:avatar-link:1")
//!     .at(1_700_000_120);
//! let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! let report = runtime.block_on(verify_credential(&presentation, &policy, &keys, None))?;
//! assert!(report.verified, "{:?}", report.errors);
//! assert_eq!(report.claims.as_ref().map(|c| c["age_over_18"].clone()), Some(json!(true)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod disclosed;
mod policy;
mod sd_jwt_vc;
mod status;
mod trust;
mod vc_jwt;

pub use batch::verify_batch;
pub use policy::VerificationPolicy;
pub use trust::{TrustContext, VerifierTrust};

use std::sync::Arc;

use did_core::excerpt::excerpt;
use did_core::fetch::Fetcher;
use did_core::jose::{JoseError, UnverifiedJws, VerifiedJws, verify_batch as verify_jws_batch};
use did_core::key::PublicKey;
use did_core::resolution::Resolver;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::issuer_keys::{DidIssuerKeys, IssuerKeyRequest, IssuerKeys};
use crate::report::{ErrorCode, ReportError, VerificationReport, checks};
use crate::sd_jwt::{ClaimPath, MAX_SD_JWT_LEN};
use crate::status::{StatusCheck, StatusListClient};
use crate::time::{Clock, numeric_date};
use crate::trust::{TrustEngine, TrustModel};
use status::{StatusClaim, check_status};

/// The longest input a verifier reads, in bytes: an SD-JWT (RFC 9901 bounds nothing; this
/// crate bounds it at [`MAX_SD_JWT_LEN`]) or a compact JWS (did-core bounds it the same).
/// A longer input is refused as `malformed` before anything is parsed.
pub const MAX_INPUT_LEN: usize = MAX_SD_JWT_LEN;

/// A verifier: where issuer keys come from and how a credential's status is asked, so that
/// every program that verifies (the `avid` CLI, `avid-resolver`, a platform embedding this
/// crate) builds the same one and calls [`verify`](Self::verify).
pub struct Verifier {
    /// The issuer keys, for the credentials and for their status lists.
    pub keys: Arc<dyn IssuerKeys>,
    /// The status check; without one the status step is skipped with a warning.
    pub status: Option<Arc<dyn StatusCheck>>,
    /// The trust evaluation each report carries; without one, none is made.
    pub trust: Option<VerifierTrust>,
}

impl Verifier {
    /// The verifier of DID issuers: keys from the DID documents `resolver` resolves (under
    /// `assertionMethod`, cached), and status lists fetched through `fetcher` and signed by
    /// the credential's own issuer, whose key is found through that same key cache (Token
    /// Status List §11.3).
    pub fn for_dids(resolver: Arc<dyn Resolver>, fetcher: Arc<dyn Fetcher>) -> Self {
        let keys: Arc<dyn IssuerKeys> = Arc::new(DidIssuerKeys::new(Arc::clone(&resolver)));
        let status = StatusListClient::new(fetcher, Arc::clone(&keys));
        // Every report carries its trust evaluation, from a history of this verifier's own.
        let trust = VerifierTrust {
            engine: Arc::new(TrustEngine::in_memory(TrustModel::default())),
            resolver,
        };
        Self {
            keys,
            status: Some(Arc::new(status)),
            trust: Some(trust),
        }
    }

    /// This verifier, evaluating trust with `trust` (a shared engine, a configured model, a
    /// database history).
    pub fn with_trust(mut self, trust: VerifierTrust) -> Self {
        self.trust = Some(trust);
        self
    }

    /// Verifies `input` under `policy`, as [`verify_credential`] does.
    pub async fn verify(
        &self,
        input: &str,
        policy: &VerificationPolicy,
    ) -> Result<VerificationReport, Error> {
        self.verify_in(input, policy, &TrustContext::default())
            .await
    }

    /// Verifies `input` under `policy`, as [`verify_credential`] does, and evaluates trust
    /// knowing `context` (the claims asked for, a binding proved beyond the report).
    pub async fn verify_in(
        &self,
        input: &str,
        policy: &VerificationPolicy,
        context: &TrustContext,
    ) -> Result<VerificationReport, Error> {
        let started = std::time::Instant::now();
        let mut report =
            verify_credential(input, policy, self.keys.as_ref(), self.status.as_deref()).await?;
        if let Some(trust) = &self.trust {
            let context = TrustContext {
                elapsed: Some(started.elapsed()),
                ..context.clone()
            };
            trust.evaluate(&mut report, policy, &context).await;
        }
        Ok(report)
    }

    /// Verifies each of `inputs` under `policy`, as [`verify_batch`] does.
    pub async fn verify_batch(
        &self,
        inputs: &[&str],
        policy: &VerificationPolicy,
    ) -> Result<Vec<VerificationReport>, Error> {
        let mut reports =
            verify_batch(inputs, policy, self.keys.as_ref(), self.status.as_deref()).await?;
        if let Some(trust) = &self.trust {
            for report in &mut reports {
                trust
                    .evaluate(report, policy, &TrustContext::default())
                    .await;
            }
        }
        Ok(reports)
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("status", &self.status.is_some())
            .field("trust", &self.trust.is_some())
            .finish_non_exhaustive()
    }
}

/// A new report with room for every check of a full verification, so that recording them
/// never reallocates.
fn new_report() -> VerificationReport {
    let mut report = VerificationReport::new();
    report.checks.reserve(24);
    report
}

/// The warning for a verification without a trust list.
const NO_TRUST_LIST_WARNING: &str = "issuer not on a trust list: the policy trusts any issuer whose key can be established, so the signature proves who issued the credential, not that the issuer is one to believe";

/// Verifies a presented credential: an SD-JWT VC (`<JWT>~<D1>~…~` or an SD-JWT+KB) or a VCDM
/// 2.0 `vc+jwt`, told apart by their form and then by their header's `typ`.
///
/// Issuer keys come from `keys` (typically [`DidIssuerKeys`]),
/// the status from `status` when the credential has a status reference. Every verdict on the
/// input is in the report; the error is only for a `policy` that cannot be applied
/// ([`VerificationPolicy::validate`]). The input is taken exactly as received: `sd_hash`
/// covers it byte for byte, so trim transport whitespace before calling.
///
/// The issuer's and the holder's Ed25519 signatures are checked together as a batch of two,
/// which costs less than two single checks; a failed batch is retried one by one, so the
/// report still names the signature that failed.
pub async fn verify_credential(
    input: &str,
    policy: &VerificationPolicy,
    keys: &dyn IssuerKeys,
    status: Option<&dyn StatusCheck>,
) -> Result<VerificationReport, Error> {
    policy.validate()?;
    // The one clock of this verification, read once.
    let clock = policy.clock();
    let mut ready = match prepare(input, policy, clock, keys).await {
        Ok(ready) => ready,
        Err(report) => return Ok(report),
    };
    let signatures = ready.verify_signatures();
    Ok(match ready.check(signatures, policy, clock) {
        Ok(checked) => checked.conclude(policy, clock, status).await,
        Err(report) => report,
    })
}

/// A credential whose issuer key (and holder key) are known and whose signatures are all that
/// stands between it and the remaining checks.
#[expect(
    clippy::large_enum_variant,
    reason = "one per verification, moved once; boxing would add an allocation to the hot path"
)]
enum Ready<'a> {
    SdJwtVc(sd_jwt_vc::Ready<'a>),
    VcJwt(vc_jwt::Ready<'a>),
}

/// The report refusing an input longer than [`MAX_INPUT_LEN`], before anything is parsed.
fn refuse_oversize(input: &str) -> Option<VerificationReport> {
    if input.len() <= MAX_INPUT_LEN {
        return None;
    }
    let mut report = new_report();
    report.fail(
        checks::FORMAT,
        ReportError::new(
            ErrorCode::Malformed,
            format!(
                "the input is {} bytes long, more than the {MAX_INPUT_LEN} a verifier reads; it cannot be a credential",
                input.len()
            ),
        ),
    );
    Some(report.finish(None))
}

/// Everything up to the signatures; a report when the input was refused on the way.
async fn prepare<'a>(
    input: &'a str,
    policy: &VerificationPolicy,
    clock: Clock,
    keys: &dyn IssuerKeys,
) -> Result<Ready<'a>, VerificationReport> {
    if let Some(report) = refuse_oversize(input) {
        return Err(report);
    }
    // RFC 9901 §4: an SD-JWT always carries a `~`; a compact JWS never does.
    if input.contains('~') {
        sd_jwt_vc::prepare(input, policy, clock, keys)
            .await
            .map(Ready::SdJwtVc)
    } else {
        vc_jwt::prepare(input, policy, clock, keys)
            .await
            .map(Ready::VcJwt)
    }
}

/// The signature work of one credential: the issuer's JWS and, for an SD-JWT+KB, the key
/// binding JWT, each with the key that must verify it.
struct SignatureJobs<'a, 'k> {
    issuer: (UnverifiedJws<'a>, &'k PublicKey),
    key_binding: Option<(UnverifiedJws<'a>, &'k PublicKey)>,
}

/// The outcome of a credential's signature jobs.
struct SignatureResults {
    issuer: Result<VerifiedJws, JoseError>,
    key_binding: Option<Result<VerifiedJws, JoseError>>,
}

impl<'a> Ready<'a> {
    fn take_jobs(&mut self) -> Option<SignatureJobs<'a, '_>> {
        match self {
            Self::SdJwtVc(ready) => ready.take_jobs(),
            Self::VcJwt(ready) => ready.take_jobs(),
        }
    }

    /// Checks this credential's signatures: the issuer's and the key binding JWT's together
    /// as a batch of two, or the issuer's alone.
    fn verify_signatures(&mut self) -> SignatureResults {
        match self.take_jobs() {
            Some(SignatureJobs {
                issuer,
                key_binding: Some(key_binding),
            }) => {
                let mut results = verify_jws_batch(vec![issuer, key_binding]).into_iter();
                SignatureResults {
                    issuer: results.next().unwrap_or(Err(JoseError::BadSignature)),
                    key_binding: Some(results.next().unwrap_or(Err(JoseError::BadSignature))),
                }
            }
            Some(SignatureJobs {
                issuer: (jws, key),
                key_binding: None,
            }) => SignatureResults {
                issuer: jws.verify(key),
                key_binding: None,
            },
            None => SignatureResults {
                issuer: Err(JoseError::BadSignature),
                key_binding: None,
            },
        }
    }

    /// Everything after the signatures up to the status step, which is all synchronous: the
    /// one step that may wait (for a status list) runs in [`Checked::conclude`], so that the
    /// future of a verification holds no more than the claims and the report across it.
    #[expect(
        clippy::result_large_err,
        reason = "the report is the verdict, returned once per verification; boxing it would add an allocation"
    )]
    fn check(
        self,
        signatures: SignatureResults,
        policy: &VerificationPolicy,
        clock: Clock,
    ) -> Result<Checked, VerificationReport> {
        match self {
            Self::SdJwtVc(ready) => ready.check(signatures, policy, clock),
            Self::VcJwt(ready) => ready.check(signatures, policy, clock),
        }
    }
}

/// A credential that passed every check before the status step.
struct Checked {
    report: VerificationReport,
    claims: Map<String, Value>,
    /// The claim holding the status reference: `status` for an SD-JWT VC (SD-JWT VC §2.4),
    /// `credentialStatus` for a VCDM 2.0 credential (VCDM 2.0 §4.10).
    status_claim: StatusClaim,
    /// The credential's issuer, whose own key must sign its status list.
    issuer: Option<String>,
}

impl Checked {
    /// The status step and the policy's required claims, then the verdict.
    async fn conclude(
        self,
        policy: &VerificationPolicy,
        clock: Clock,
        status: Option<&dyn StatusCheck>,
    ) -> VerificationReport {
        let Checked {
            mut report,
            claims,
            status_claim,
            issuer,
        } = self;
        let date = |name: &str| {
            claims
                .get(name)
                .and_then(numeric_date)
                .and_then(|at| i64::try_from(at).ok())
        };
        report.observed.issued_at = date("iat");
        report.observed.expires_at = date("exp");
        if !check_status(
            &claims,
            status_claim,
            issuer.as_deref(),
            status,
            clock.now,
            &mut report,
        )
        .await
        {
            return report.finish(None);
        }
        if !check_required_claims(&claims, &policy.required_claims, &mut report) {
            return report.finish(None);
        }
        report.finish(Some(claims))
    }
}

/// Checks the trust list and finds the issuer's key (RFC 9901 §7.1 step 2.3); records
/// `trusted_issuer` and `issuer_key`.
async fn issuer_key(
    iss: &str,
    kid: Option<&str>,
    policy: &VerificationPolicy,
    clock: Clock,
    keys: &dyn IssuerKeys,
    report: &mut VerificationReport,
) -> Option<PublicKey> {
    report.observed.issuer = Some(iss.to_owned());
    match &policy.trusted_issuers {
        // Before resolution: an untrusted DID is not even looked up (no did:web fetch).
        Some(trusted) if trusted.iter().any(|did| did.as_str() == iss) => {
            report.pass(checks::TRUSTED_ISSUER)
        }
        Some(_) => {
            report.fail(
                checks::TRUSTED_ISSUER,
                ReportError::new(
                    ErrorCode::UntrustedIssuer,
                    format!(
                        "the issuer `{}` is not on this verifier's trust list",
                        excerpt(iss)
                    ),
                ),
            );
            return None;
        }
        None => {
            report.skip(checks::TRUSTED_ISSUER);
            report.warn(NO_TRUST_LIST_WARNING);
        }
    }
    let request = IssuerKeyRequest::new(iss, kid, clock.now);
    match keys.issuer_key(&request).await {
        Ok(key) => {
            report.pass(checks::ISSUER_KEY);
            Some(key)
        }
        Err(error) => {
            report.fail(
                checks::ISSUER_KEY,
                ReportError::new(error.code(), error.to_string()),
            );
            None
        }
    }
}

/// Records the issuer signature's outcome (RFC 9901 §7.1 step 2.2, §9.1).
fn issuer_signature(
    result: Result<VerifiedJws, JoseError>,
    report: &mut VerificationReport,
) -> bool {
    match result {
        Ok(_) => {
            report.pass(checks::ISSUER_SIGNATURE);
            true
        }
        Err(error) => {
            report.fail(
                checks::ISSUER_SIGNATURE,
                ReportError::new(
                    ErrorCode::BadSignature,
                    format!("the issuer's signature does not verify; the credential was altered or not signed by its issuer: {error}"),
                ),
            );
            false
        }
    }
}

/// The `kid` header as a string, if present.
fn kid(header: &Map<String, Value>) -> Result<Option<&str>, ReportError> {
    match header.get("kid") {
        None => Ok(None),
        Some(Value::String(kid)) => Ok(Some(kid)),
        Some(_) => Err(ReportError::new(
            ErrorCode::Malformed,
            "the `kid` header must be a string (RFC 7515 §4.1.4)",
        )),
    }
}

/// The JWT validity claims of `claims` (RFC 7519 §4.1.3–§4.1.6; RFC 9901 §7.1 step 6): `exp`
/// and `nbf` against the clock, `iat` not in the future, and `aud`, when present, naming this
/// verifier. Times of the wrong type are malformed.
fn check_jwt_validity(
    claims: &Map<String, Value>,
    clock: &Clock,
    audience: Option<&str>,
) -> Result<(), ReportError> {
    let date = |name: &str| -> Result<Option<u64>, ReportError> {
        claims
            .get(name)
            .map(|value| {
                numeric_date(value).ok_or_else(|| {
                    ReportError::new(
                        ErrorCode::Malformed,
                        format!("`{name}` is not a NumericDate (RFC 7519 §2)"),
                    )
                })
            })
            .transpose()
    };
    if let Some(exp) = date("exp")?
        && clock.has_expired(exp)
    {
        return Err(ReportError::new(
            ErrorCode::Expired,
            format!(
                "the credential expired at {exp} (now {}); ask the issuer for a new one",
                clock.now
            ),
        ));
    }
    if let Some(nbf) = date("nbf")?
        && clock.is_before(nbf)
    {
        return Err(ReportError::new(
            ErrorCode::NotYetValid,
            format!(
                "the credential is not valid before {nbf} (now {})",
                clock.now
            ),
        ));
    }
    if let Some(iat) = date("iat")?
        && clock.is_before(iat)
    {
        return Err(ReportError::new(
            ErrorCode::NotYetValid,
            format!(
                "the credential was issued in the future (iat {iat}, now {}); check the clocks",
                clock.now
            ),
        ));
    }
    // RFC 7519 §4.1.3: a verifier that is not among the audiences MUST reject.
    if let Some(aud) = claims.get("aud") {
        let names_us = |candidate: &Value| audience.is_some_and(|us| candidate == us);
        let ok = match aud {
            Value::Array(audiences) => audiences.iter().any(names_us),
            single => names_us(single),
        };
        if !ok {
            return Err(ReportError::new(
                ErrorCode::AudMismatch,
                "the credential is addressed to another audience than this verifier (RFC 7519 §4.1.3)",
            ));
        }
    }
    Ok(())
}

/// Records `required_claims`: each path of the policy must lead to a claim.
fn check_required_claims(
    claims: &Map<String, Value>,
    required: &[ClaimPath],
    report: &mut VerificationReport,
) -> bool {
    if required.is_empty() {
        return true;
    }
    let mut missing = required
        .iter()
        .filter(|path| !path.is_root() && path.find(claims).is_none());
    let Some(first) = missing.next() else {
        report.pass(checks::REQUIRED_CLAIMS);
        return true;
    };
    let error = |path: &ClaimPath| {
        ReportError::new(
            ErrorCode::MissingClaim,
            format!(
                "the claim `{}` is required but was not presented; ask the holder to disclose it",
                excerpt(&path.to_string())
            ),
        )
    };
    report.fail(checks::REQUIRED_CLAIMS, error(first));
    report.errors.extend(missing.map(error));
    false
}
