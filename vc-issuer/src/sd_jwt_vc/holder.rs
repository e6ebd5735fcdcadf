//! The holder's side of an SD-JWT VC (RFC 9901 §7.2): receive the credential from the issuer
//! and check it, then present chosen claims, with a key binding JWT when the verifier asks.

use did_core::jose::{AlgorithmPolicy, Signer, decode_compact, parse_json_object};
use did_core::key::PublicKey;
use serde_json::{Map, Value};

use super::key_binding::create_key_binding_jwt;
use super::{SD_JWT_VC_OPTIONS, holder_key, issuer_jwt_type, jws_error};
use crate::error::Error;
use crate::issuer_keys::{IssuerKeyRequest, IssuerKeys};
use crate::report::{ErrorCode, ReportError};
use crate::sd_jwt::{
    ClaimPath, HashAlgorithm, SdJwt, SdJwtKb, payload_hash_algorithm, verify_disclosures,
};

/// What a verifier asked the holder to bind a presentation to (RFC 9901 §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingRequest {
    /// `aud`: the verifier's identifier.
    pub audience: String,
    /// `nonce`: the verifier's nonce for this transaction.
    pub nonce: String,
    /// `iat`: when the key binding JWT is made, in Unix seconds.
    pub issued_at: u64,
}

impl KeyBindingRequest {
    /// A request to bind to `audience` and `nonce` at `issued_at`.
    pub fn new(audience: impl Into<String>, nonce: impl Into<String>, issued_at: u64) -> Self {
        Self {
            audience: audience.into(),
            nonce: nonce.into(),
            issued_at,
        }
    }
}

/// An SD-JWT VC as its holder keeps it: the issued SD-JWT with every disclosure, and the
/// issuer-signed payload read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct HolderCredential {
    sd_jwt: SdJwt,
    header: Map<String, Value>,
    payload: Map<String, Value>,
    hash_alg: HashAlgorithm,
}

impl HolderCredential {
    /// Reads an SD-JWT VC received from an issuer and checks its structure, without its
    /// signature: an SD-JWT and not an SD-JWT+KB (RFC 9901 §7.2), typed `dc+sd-jwt` (or the
    /// legacy `vc+sd-jwt`), every disclosure referenced by a digest and none forbidden
    /// (§7.1 steps 3–5). Use [`receive`](Self::receive) to check the signature too.
    pub fn parse(compact: &str) -> Result<Self, Error> {
        let sd_jwt = SdJwt::parse(compact)?;
        // Any supported algorithm: the algorithm policy is applied by `verify_issuer`.
        let jws = decode_compact(sd_jwt.issuer_jwt(), &AlgorithmPolicy::default())
            .map_err(|error| jws_error("the issuer-signed JWT is refused", &error))?;
        issuer_jwt_type(jws.header())?;
        let payload = parse_json_object(jws.payload()).map_err(|error| {
            ReportError::new(
                ErrorCode::Malformed,
                format!("the issuer-signed JWT payload is not a JSON object: {error}"),
            )
        })?;
        let hash_alg = payload_hash_algorithm(&payload)?;
        verify_disclosures(payload.clone(), sd_jwt.disclosures(), &SD_JWT_VC_OPTIONS)?;
        let header = jws.header().clone();
        Ok(Self {
            sd_jwt,
            header,
            payload,
            hash_alg,
        })
    }

    /// Reads an SD-JWT VC as [`parse`](Self::parse) does and verifies the issuer's signature
    /// (RFC 9901 §7.2 step 1, §7.1 step 2): the algorithm in `algorithms`, the key found
    /// through `keys` from `iss` and `kid`, as known at `now` (Unix seconds).
    pub async fn receive(
        compact: &str,
        keys: &dyn IssuerKeys,
        algorithms: &AlgorithmPolicy,
        now: u64,
    ) -> Result<Self, Error> {
        let credential = Self::parse(compact)?;
        credential.verify_issuer(keys, algorithms, now).await?;
        Ok(credential)
    }

    /// Verifies the issuer's signature over this credential with the key `keys` finds for
    /// its `iss` and `kid` at `now` (Unix seconds).
    pub async fn verify_issuer(
        &self,
        keys: &dyn IssuerKeys,
        algorithms: &AlgorithmPolicy,
        now: u64,
    ) -> Result<(), Error> {
        let jws = decode_compact(self.sd_jwt.issuer_jwt(), algorithms)
            .map_err(|error| jws_error("the issuer-signed JWT is refused", &error))?;
        let iss = self.issuer().ok_or_else(|| {
            ReportError::new(
                ErrorCode::IssuerUnresolvable,
                "the credential has no `iss`, so its issuer's key cannot be found",
            )
        })?;
        let kid = self.header.get("kid").and_then(Value::as_str);
        let key = keys
            .issuer_key(&IssuerKeyRequest::new(iss, kid, now))
            .await?;
        jws.verify(&key).map_err(|error| {
            Error::Refused(ReportError::new(
                ErrorCode::BadSignature,
                format!("the issuer's signature does not verify: {error}"),
            ))
        })?;
        Ok(())
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> Option<&str> {
        self.payload.get("iss").and_then(Value::as_str)
    }

    /// The credential type (`vct`).
    pub fn vct(&self) -> Option<&str> {
        self.payload.get("vct").and_then(Value::as_str)
    }

    /// The issuer-signed payload, with the digests in place of the disclosable claims.
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }

    /// Every claim, each disclosure applied: what the holder could disclose.
    pub fn claims(&self) -> Result<Map<String, Value>, Error> {
        let processed = verify_disclosures(
            self.payload.clone(),
            self.sd_jwt.disclosures(),
            &SD_JWT_VC_OPTIONS,
        )?;
        Ok(processed.claims)
    }

    /// The holder key the credential is bound to (`cnf.jwk`).
    pub fn holder_key(&self) -> Result<PublicKey, Error> {
        holder_key(&self.payload).map_err(|reason| Error::NoHolderKey { reason })
    }

    /// The credential as issued, every disclosure included: store it, do not log it.
    pub fn to_compact(&self) -> String {
        self.sd_jwt.to_compact()
    }

    /// The SD-JWT disclosing the claims at `paths` and nothing else (RFC 9901 §7.2 steps
    /// 1–4), for a verifier that does not require key binding.
    pub fn present(&self, paths: &[ClaimPath]) -> Result<String, Error> {
        Ok(self.sd_jwt.present(&self.payload, paths)?.to_compact())
    }

    /// The SD-JWT+KB disclosing the claims at `paths`, with a key binding JWT signed by
    /// `signer` for `request` (RFC 9901 §7.2 step 5). `signer` must hold the credential's
    /// holder key: a verifier would refuse anything else, so it is refused here first.
    pub fn present_with_key_binding(
        &self,
        paths: &[ClaimPath],
        request: &KeyBindingRequest,
        signer: &dyn Signer,
    ) -> Result<String, Error> {
        if signer.public_key() != self.holder_key()? {
            return Err(Error::HolderKeyMismatch);
        }
        let presented = self.sd_jwt.present(&self.payload, paths)?;
        let key_binding_jwt = create_key_binding_jwt(
            &presented,
            self.hash_alg,
            &request.audience,
            &request.nonce,
            request.issued_at,
            signer,
        )?;
        Ok(SdJwtKb::new(presented, key_binding_jwt)?.to_compact())
    }
}
