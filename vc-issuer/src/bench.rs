//! The fixtures and single operations that performance is measured on, shared by
//! `benches/sd_jwt.rs` and `avid bench` so that both measure exactly the same work: an
//! avatar-link-like SD-JWT VC with five disclosures from a did:key issuer, presented with a
//! key binding JWT, verified in full from a warm issuer key cache, alone and in batches, beside
//! the bare Ed25519 verification that bounds it from below; and the avatar operations
//! ([`AvatarFixture`]): issuing an avatar-link credential over verified links, and a world
//! checking an avatar login response.

use std::sync::Arc;

mod avatar;

pub use avatar::{AvatarFixture, FixtureError, LOGIN_PLATFORM, LoginAttempt, RESPONSE_URI};

use did_core::did::DidUrl;
use did_core::jose::{Algorithm, LocalSigner, Signer as _};
use did_core::key::{KeyType, SecretKey};
use did_core::method::key::did_key_verification_method;
use did_core::method::{DID_JWK, DID_KEY};
use did_core::resolution::Resolver;
use did_core::resolution::cache::{CacheConfig, CachingResolver};
use did_core::resolution::dispatch::MethodDispatcher;
use ed25519_dalek::{Signer as _, Verifier as _};
use serde_json::{Map, Value, json};

use crate::avatar::AVATAR_LINK_VCT;
use crate::error::Error;
use crate::issuer_keys::DidIssuerKeys;
use crate::report::VerificationReport;
use crate::sd_jwt::{ClaimPath, DisclosureFrame};
use crate::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use crate::trust::{TrustEngine, TrustModel};
use crate::verify::{VerificationPolicy, Verifier, VerifierTrust, verify_batch, verify_credential};

/// How many presentations one batch verifies.
pub const BATCH_SIZE: usize = 64;

/// The verifier the fixtures' key binding JWTs are made for.
pub const AUDIENCE: &str = "https://world.example";

/// The nonce of the fixtures' transaction.
pub const NONCE: &str = "n-0S6_WzA2Mj";

/// The Unix time the fixtures are issued at; they are presented 5 s and verified 10 s later.
pub const ISSUED_AT: u64 = 1_750_000_000;

/// The five selectively disclosable claims of the fixture credential.
const DISCLOSED: [&str; 5] = ["name", "email", "phone_number", "birthdate", "age_over_18"];

/// One holder's credential, and what presenting it needs.
struct Holder {
    signer: LocalSigner,
    credential: HolderCredential,
}

/// Everything the measured operations need, built once.
pub struct Fixture {
    baseline_key: ed25519_dalek::VerifyingKey,
    baseline_message: [u8; 300],
    baseline_signature: ed25519_dalek::Signature,
    issuer_signer: LocalSigner,
    kid: DidUrl,
    holders: Vec<Holder>,
    frame: DisclosureFrame,
    paths: Vec<ClaimPath>,
    request: KeyBindingRequest,
    presentation: String,
    batch: Vec<String>,
    keys: DidIssuerKeys,
    policy: VerificationPolicy,
    /// The same verification with a trust evaluation, as `avid-resolver` runs it: a cached
    /// resolver to probe the issuer through, an in-memory history that fills up as it runs.
    trusting: Verifier,
}

fn claims(index: usize) -> Map<String, Value> {
    let claims = json!({
        "sub": format!("did:example:holder-{index}"),
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "phone_number": "+1-202-555-0101",
        "birthdate": "1990-05-04",
        "age_over_18": true,
    });
    claims.as_object().cloned().unwrap_or_default()
}

impl Fixture {
    /// Builds the fixtures: an Ed25519 did:key issuer, [`BATCH_SIZE`] holders each with a
    /// credential and a presentation of all five claims, and a verifier that trusts the
    /// issuer and whose issuer key cache is warmed by one verification (which must succeed
    /// without warnings).
    pub async fn new() -> Result<Self, Error> {
        let baseline_signing = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let baseline_message = [0x42u8; 300];
        let baseline_signature = baseline_signing.sign(&baseline_message);

        let issuer_secret = SecretKey::generate(KeyType::Ed25519);
        let kid = did_key_verification_method(&issuer_secret.public_key());
        let issuer_signer = issuer_secret.signer(Algorithm::Ed25519)?;
        let frame = DISCLOSED
            .iter()
            .fold(DisclosureFrame::new(), |frame, name| frame.disclose(*name));
        let paths = DISCLOSED
            .iter()
            .map(|name| ClaimPath::parse(&format!("/{name}")))
            .collect::<Result<Vec<_>, _>>()?;
        let request = KeyBindingRequest::new(AUDIENCE, NONCE, ISSUED_AT + 5);

        let issuer = SdJwtVcIssuer::new(&issuer_signer, kid.clone())?;
        let mut holders = Vec::with_capacity(BATCH_SIZE);
        let mut batch = Vec::with_capacity(BATCH_SIZE);
        for index in 0..BATCH_SIZE {
            let secret = SecretKey::generate(KeyType::Ed25519);
            let payload = UnsecuredPayload::new(AVATAR_LINK_VCT, secret.public_key(), ISSUED_AT)
                .with_claims(claims(index))
                .expiring_at(ISSUED_AT + 365 * 86_400);
            let credential = HolderCredential::parse(&issuer.issue(payload, &frame)?)?;
            let signer = secret.signer(Algorithm::Ed25519)?;
            batch.push(credential.present_with_key_binding(&paths, &request, &signer)?);
            holders.push(Holder { signer, credential });
        }
        let presentation = batch.first().cloned().unwrap_or_default();

        let resolver = Arc::new(
            MethodDispatcher::new()
                .with_method(DID_KEY.name(), Arc::new(DID_KEY))
                .with_method(DID_JWK.name(), Arc::new(DID_JWK)),
        );
        // A production verifier trusts named issuers; so does this one.
        let policy = VerificationPolicy::key_binding(AUDIENCE, NONCE)
            .expecting_vct(AVATAR_LINK_VCT)
            .trusting(vec![kid.did().clone()])
            .at(ISSUED_AT + 10);
        let cached: Arc<dyn Resolver> = Arc::new(CachingResolver::new(
            MethodDispatcher::new().with_method(DID_KEY.name(), Arc::new(DID_KEY)),
            CacheConfig::default(),
        ));
        let trusting = Verifier {
            keys: Arc::new(DidIssuerKeys::new(Arc::clone(&cached))),
            status: None,
            trust: Some(VerifierTrust {
                engine: Arc::new(TrustEngine::in_memory(TrustModel::default())),
                resolver: cached,
            }),
        };
        let fixture = Self {
            baseline_key: baseline_signing.verifying_key(),
            baseline_message,
            baseline_signature,
            issuer_signer,
            kid,
            holders,
            frame,
            paths,
            request,
            presentation,
            batch,
            keys: DidIssuerKeys::new(resolver),
            policy,
            trusting,
        };
        let warm = fixture.verify().await?;
        match warm.errors.into_iter().next() {
            None if warm.verified && warm.warnings.is_empty() => Ok(fixture),
            None => Err(Error::InvalidCredential {
                reason: "the fixture presentation did not verify cleanly".into(),
            }),
            Some(error) => Err(Error::Refused(error)),
        }
    }

    /// The bare baseline: one Ed25519 verification of a 300-byte message with an
    /// already-decoded key, as ed25519-dalek does it. Returns whether it verified.
    pub fn ed25519_verify(&self) -> bool {
        self.baseline_key
            .verify(&self.baseline_message, &self.baseline_signature)
            .is_ok()
    }

    /// Issues one credential with five selectively disclosable claims.
    pub fn issue(&self) -> Result<String, Error> {
        let holder_key = self
            .holders
            .first()
            .map(|holder| holder.signer.public_key())
            .ok_or_else(|| Error::InvalidCredential {
                reason: "no holder".into(),
            })?;
        let payload = UnsecuredPayload::new(AVATAR_LINK_VCT, holder_key, ISSUED_AT)
            .with_claims(claims(0))
            .expiring_at(ISSUED_AT + 365 * 86_400);
        SdJwtVcIssuer::new(&self.issuer_signer, self.kid.clone())?.issue(payload, &self.frame)
    }

    /// Presents the five claims of one credential with a key binding JWT.
    pub fn present(&self) -> Result<String, Error> {
        let holder = self
            .holders
            .first()
            .ok_or_else(|| Error::InvalidCredential {
                reason: "no holder".into(),
            })?;
        holder
            .credential
            .present_with_key_binding(&self.paths, &self.request, &holder.signer)
    }

    /// Verifies one SD-JWT+KB in full: parsing, issuer key from the warm cache, both
    /// signatures, disclosures, validity, `vct`, key binding.
    pub async fn verify(&self) -> Result<VerificationReport, Error> {
        verify_credential(&self.presentation, &self.policy, &self.keys, None).await
    }

    /// [`verify`](Self::verify), then the trust evaluation of the issuer (its DID probed
    /// through the verifier's cache, its history read and extended) into the report.
    pub async fn verify_with_trust(&self) -> Result<VerificationReport, Error> {
        self.trusting.verify(&self.presentation, &self.policy).await
    }

    /// Verifies [`BATCH_SIZE`] SD-JWT+KBs from different holders as one batch.
    pub async fn verify_batch(&self) -> Result<Vec<VerificationReport>, Error> {
        let inputs: Vec<&str> = self.batch.iter().map(String::as_str).collect();
        verify_batch(&inputs, &self.policy, &self.keys, None).await
    }

    /// The presentation [`verify`](Self::verify) checks.
    pub fn presentation(&self) -> &str {
        &self.presentation
    }
}
