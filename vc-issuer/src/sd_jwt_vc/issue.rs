//! Issuance of an SD-JWT VC by a DID issuer: the Unsecured Payload (SD-JWT VC §1.4) and a
//! disclosure frame in, the compact SD-JWT out, signed with `typ: dc+sd-jwt` and a `kid` that
//! names the issuer's assertion key.

use std::fmt;

use did_core::did::{Did, DidUrl};
use did_core::jose::{Signer, sign_compact};
use did_core::key::{KeyType, PublicKey};
use serde_json::{Map, Value};

use super::SD_JWT_VC_TYP;
use crate::error::Error;
use crate::sd_jwt::{
    DecoyCount, DisclosureFrame, HashAlgorithm, IssuanceOptions, SdJwt, issue_payload,
};

/// The registered claims the issuer writes from [`UnsecuredPayload`]'s own fields, and which
/// the free-form claims therefore must not hold.
const SET_BY_ISSUER: [&str; 7] = ["iss", "iat", "nbf", "exp", "vct", "cnf", "status"];

/// What an SD-JWT VC says, before it is secured: the type, the holder key, the validity
/// period, the status reference, and the claims about the subject.
///
/// `Debug` lists the names of the claims but not their values: they are personal data, and
/// a log is no place for them.
#[derive(Clone, PartialEq)]
pub struct UnsecuredPayload {
    /// `vct`, the credential type (SD-JWT VC §2.2.2.1): a case-sensitive collision-resistant
    /// name such as `urn:avid:avatar-link:1`.
    pub vct: String,
    /// The claims about the subject (`sub`, `name`, `avatars`, …), selectively disclosable as
    /// the frame says.
    pub claims: Map<String, Value>,
    /// The holder's key, written to `cnf.jwk` (RFC 7800 §3.2) so that key binding can prove
    /// possession of it.
    pub holder_key: PublicKey,
    /// `iat`, in Unix seconds.
    pub issued_at: u64,
    /// `exp`, in Unix seconds; `None` for a credential that never expires.
    pub expires_at: Option<u64>,
    /// `nbf`, in Unix seconds.
    pub not_before: Option<u64>,
    /// `status`, the reference into a status list (IETF Token Status List §6.1), e.g.
    /// `{"status_list": {"idx": 7, "uri": "https://…"}}`.
    pub status: Option<Value>,
}

impl UnsecuredPayload {
    /// A payload of type `vct` for the holder of `holder_key`, issued at `issued_at`, with no
    /// claims yet.
    pub fn new(vct: impl Into<String>, holder_key: PublicKey, issued_at: u64) -> Self {
        Self {
            vct: vct.into(),
            claims: Map::new(),
            holder_key,
            issued_at,
            expires_at: None,
            not_before: None,
            status: None,
        }
    }

    /// This payload with `claims` about the subject.
    pub fn with_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = claims;
        self
    }

    /// This payload, expiring at `exp`.
    pub fn expiring_at(mut self, exp: u64) -> Self {
        self.expires_at = Some(exp);
        self
    }

    /// This payload, valid only from `nbf`.
    pub fn valid_from(mut self, nbf: u64) -> Self {
        self.not_before = Some(nbf);
        self
    }

    /// This payload, with the status reference `status`.
    pub fn with_status(mut self, status: Value) -> Self {
        self.status = Some(status);
        self
    }
}

impl fmt::Debug for UnsecuredPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnsecuredPayload")
            .field("vct", &self.vct)
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .field("holder_key", &self.holder_key)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("not_before", &self.not_before)
            .field("status", &self.status)
            .finish()
    }
}

/// An issuer of SD-JWT VCs: a signer and the DID URL of its key in the issuer's DID document,
/// which becomes the header's `kid` and, by its DID, the payload's `iss`.
pub struct SdJwtVcIssuer<'s> {
    signer: &'s dyn Signer,
    kid: DidUrl,
    options: IssuanceOptions,
}

impl fmt::Debug for SdJwtVcIssuer<'_> {
    /// The key's identity and the issuance options; a signer has nothing else to show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdJwtVcIssuer")
            .field("kid", &self.kid)
            .field("algorithm", &self.signer.algorithm())
            .field("options", &self.options)
            .finish()
    }
}

impl<'s> SdJwtVcIssuer<'s> {
    /// An issuer signing with `signer`, whose key is the verification method `kid`. The DID
    /// URL must have a fragment: a verifier looks the key up by it in the issuer's DID
    /// document (SD-JWT VC draft -08 §3.5), under `assertionMethod`.
    pub fn new(signer: &'s dyn Signer, kid: DidUrl) -> Result<Self, Error> {
        if kid.fragment().is_none_or(str::is_empty) || kid.query().is_some() {
            return Err(Error::InvalidCredential {
                reason: format!(
                    "the kid `{kid}` must name a verification method: the issuer's DID and a #fragment"
                ),
            });
        }
        Ok(Self {
            signer,
            kid,
            options: IssuanceOptions::sd_jwt_vc(),
        })
    }

    /// This issuer, adding decoy digests as `decoys` says (RFC 9901 §4.2.5). Decoys hide how
    /// many claims or avatars a credential holds.
    pub fn with_decoys(mut self, decoys: DecoyCount) -> Self {
        self.options.decoys = decoys;
        self
    }

    /// This issuer, hashing disclosures with `hash_alg` (RFC 9901 §4.1.1).
    pub fn with_hash_alg(mut self, hash_alg: HashAlgorithm) -> Self {
        self.options.hash_alg = hash_alg;
        self
    }

    /// The issuer's DID, written to `iss`.
    pub fn issuer(&self) -> &Did {
        self.kid.did()
    }

    /// Issues `payload` with the claims `frame` names made selectively disclosable, and
    /// returns the compact SD-JWT for the holder, `<JWT>~<D1>~…~<DN>~`.
    ///
    /// Refused: claims that hold a claim the issuer sets itself (`iss`, `iat`, `nbf`, `exp`,
    /// `vct`, `cnf`, `status`); an empty `vct`; `exp` not after `iat`; an X25519 holder key,
    /// which could never sign a key binding JWT; and everything [`issue_payload`] refuses,
    /// notably a frame that makes a never-disclosable claim disclosable (SD-JWT VC §2.2.2.3).
    pub fn issue(
        &self,
        payload: UnsecuredPayload,
        frame: &DisclosureFrame,
    ) -> Result<String, Error> {
        let UnsecuredPayload {
            vct,
            claims,
            holder_key,
            issued_at,
            expires_at,
            not_before,
            status,
        } = payload;
        if let Some(name) = SET_BY_ISSUER.into_iter().find(|n| claims.contains_key(*n)) {
            return Err(Error::RegisteredClaim { name });
        }
        if vct.is_empty() {
            return Err(Error::InvalidCredential {
                reason: "`vct` is required and must not be empty (SD-JWT VC §2.2.2.1)".into(),
            });
        }
        if expires_at.is_some_and(|exp| exp <= issued_at) {
            return Err(Error::InvalidCredential {
                reason: "`exp` must be after `iat`".into(),
            });
        }
        if holder_key.key_type() == KeyType::X25519 {
            return Err(Error::HolderKeyCannotSign {
                key_type: KeyType::X25519,
            });
        }
        let holder_jwk = serde_json::to_value(holder_key.to_jwk()).map_err(|error| {
            Error::InvalidCredential {
                reason: format!("the holder key does not serialize: {error}"),
            }
        })?;

        let mut all = Map::with_capacity(claims.len() + SET_BY_ISSUER.len());
        all.insert("iss".into(), Value::String(self.issuer().to_string()));
        all.insert("iat".into(), Value::from(issued_at));
        if let Some(nbf) = not_before {
            all.insert("nbf".into(), Value::from(nbf));
        }
        if let Some(exp) = expires_at {
            all.insert("exp".into(), Value::from(exp));
        }
        all.insert("vct".into(), Value::String(vct));
        let mut cnf = Map::new();
        cnf.insert("jwk".into(), holder_jwk);
        all.insert("cnf".into(), Value::Object(cnf));
        if let Some(status) = status {
            all.insert("status".into(), status);
        }
        all.extend(claims);

        let (signed, disclosures) = issue_payload(all, frame, &self.options)?;
        let mut header = Map::new();
        // SD-JWT VC §2.2.1 and RFC 8725 §3.11: explicit typing.
        header.insert("typ".into(), Value::String(SD_JWT_VC_TYP.into()));
        header.insert("kid".into(), Value::String(self.kid.to_string()));
        let body = serde_json::to_vec(&signed).map_err(|error| Error::InvalidCredential {
            reason: format!("the payload does not serialize: {error}"),
        })?;
        let jwt = sign_compact(&header, &body, self.signer)?;
        Ok(SdJwt::new(jwt, disclosures)?.to_compact())
    }
}

#[cfg(test)]
mod tests {
    use did_core::jose::{Algorithm, AlgorithmPolicy, decode_compact, parse_json_object};
    use did_core::key::SecretKey;
    use did_core::method::key::did_key_verification_method;
    use serde_json::json;

    use super::*;
    use crate::sd_jwt::SdJwtError;

    fn issuer_parts() -> (SecretKey, DidUrl) {
        let key = SecretKey::generate(KeyType::Ed25519);
        let kid = did_key_verification_method(&key.public_key());
        (key, kid)
    }

    fn holder() -> PublicKey {
        SecretKey::generate(KeyType::Ed25519).public_key()
    }

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn issues_typed_header_and_registered_claims() {
        let (key, kid) = issuer_parts();
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid.clone()).unwrap();
        let holder_key = holder();
        let payload = UnsecuredPayload::new("urn:avid:avatar-link:1", holder_key.clone(), 1000)
            .with_claims(object(json!({"name": "Alice", "age_over_18": true})))
            .expiring_at(2000)
            .valid_from(1000)
            .with_status(json!({"status_list": {"idx": 3, "uri": "https://s.example/1"}}));
        let frame = DisclosureFrame::new()
            .disclose("name")
            .disclose("age_over_18");
        let compact = issuer.issue(payload, &frame).unwrap();
        let sd_jwt = SdJwt::parse(&compact).unwrap();
        assert_eq!(sd_jwt.disclosures().len(), 2);

        let jws = decode_compact(sd_jwt.issuer_jwt(), &AlgorithmPolicy::default()).unwrap();
        assert_eq!(jws.header()["typ"], "dc+sd-jwt");
        assert_eq!(jws.header()["kid"], kid.as_str());
        assert_eq!(jws.header()["alg"], "Ed25519");
        let claims = parse_json_object(jws.payload()).unwrap();
        assert_eq!(claims["iss"], kid.did().as_str());
        assert_eq!(claims["iat"], 1000);
        assert_eq!(claims["exp"], 2000);
        assert_eq!(claims["nbf"], 1000);
        assert_eq!(claims["vct"], "urn:avid:avatar-link:1");
        assert_eq!(claims["_sd_alg"], "sha-256");
        assert_eq!(claims["status"]["status_list"]["idx"], 3);
        assert_eq!(
            claims["cnf"]["jwk"],
            serde_json::to_value(holder_key.to_jwk()).unwrap()
        );
        assert!(
            claims.get("name").is_none(),
            "disclosable claims are hidden"
        );
        assert_eq!(claims["_sd"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn debug_shows_no_claim_value() {
        let (key, kid) = issuer_parts();
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid.clone()).unwrap();
        assert!(format!("{issuer:?}").contains(kid.as_str()));
        let payload = UnsecuredPayload::new("urn:x", holder(), 1)
            .with_claims(object(json!({"email": "alice@example.com"})));
        let debug = format!("{payload:?}");
        assert!(debug.contains("email") && !debug.contains("alice@"));
    }

    #[test]
    fn rejects_registered_claims_in_subject_claims() {
        let (key, kid) = issuer_parts();
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid).unwrap();
        for name in SET_BY_ISSUER {
            let mut claims = Map::new();
            claims.insert(name.into(), json!("forged"));
            let payload = UnsecuredPayload::new("urn:x", holder(), 1).with_claims(claims);
            assert_eq!(
                issuer.issue(payload, &DisclosureFrame::new()),
                Err(Error::RegisteredClaim { name })
            );
        }
    }

    #[test]
    fn rejects_disclosable_never_disclosable_claim() {
        let (key, kid) = issuer_parts();
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid).unwrap();
        for name in ["vct", "cnf", "iss", "exp"] {
            let payload = UnsecuredPayload::new("urn:x", holder(), 1).expiring_at(5);
            let error = issuer
                .issue(payload, &DisclosureFrame::new().disclose(name))
                .unwrap_err();
            assert!(
                matches!(error, Error::SdJwt(SdJwtError::ForbiddenDisclosure { .. })),
                "{name}: {error}"
            );
        }
    }

    #[test]
    fn rejects_unusable_inputs() {
        let (key, kid) = issuer_parts();
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid.clone()).unwrap();
        let cases = [
            UnsecuredPayload::new("", holder(), 1),
            UnsecuredPayload::new("urn:x", holder(), 10).expiring_at(10),
            UnsecuredPayload::new(
                "urn:x",
                SecretKey::generate(KeyType::X25519).public_key(),
                1,
            ),
        ];
        for payload in cases {
            assert!(issuer.issue(payload, &DisclosureFrame::new()).is_err());
        }
        assert!(SdJwtVcIssuer::new(&signer, DidUrl::from(kid.did().clone())).is_err());
    }

    #[test]
    fn issues_p256_and_without_disclosures() {
        let key = SecretKey::generate(KeyType::P256);
        let kid = did_key_verification_method(&key.public_key());
        let signer = key.signer(Algorithm::Es256).unwrap();
        let issuer = SdJwtVcIssuer::new(&signer, kid).unwrap();
        let compact = issuer
            .issue(
                UnsecuredPayload::new("urn:x", holder(), 1),
                &DisclosureFrame::new(),
            )
            .unwrap();
        let sd_jwt = SdJwt::parse(&compact).unwrap();
        assert!(sd_jwt.disclosures().is_empty());
        let jws = decode_compact(sd_jwt.issuer_jwt(), &AlgorithmPolicy::default()).unwrap();
        // SD-JWT VC §2.2.2.5: no `_sd` without selectively disclosable claims.
        assert!(
            parse_json_object(jws.payload())
                .unwrap()
                .get("_sd")
                .is_none()
        );
        assert_eq!(jws.header()["alg"], "ES256");
    }
}
