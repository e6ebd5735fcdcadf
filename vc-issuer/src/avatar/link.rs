//! Link proofs: an avatar DID and a holder DID each sign one statement, "this avatar, on this
//! platform, belongs to this holder", over a nonce of the issuer's; and the issuer's check of
//! both signatures.
//!
//! # The format
//!
//! A [`LinkProof`] is two compact JWS (RFC 7515 §7.1) over the same [`LinkStatement`], the JWT
//! claims `{iss: avatar DID, sub: holder DID, platform, nonce, iat, exp}`:
//!
//! - the avatar's, typed `avatar-link+jwt` (RFC 8725 §3.11), whose `kid` is a DID URL of the
//!   avatar DID (`iss`) naming a key under its `authentication` (DID Core §5.3.1);
//! - the holder's, typed the same, over the same claims, whose `kid` is a DID URL of the holder
//!   DID (`sub`) naming a key under the holder's `authentication`.
//!
//! One statement with two signatures, rather than a mirrored statement from the holder's side
//! (`iss` holder, `sub` avatar): a mirrored statement is byte for byte what the holder would
//! sign as the *avatar* of that DID, so one JWS could be read in two roles, and the checker
//! would need a field-by-field mirror rule that can drift. Here the claims always read one way,
//! the two signatures must cover equal claims, and each signature's role is fixed by the DID
//! its `kid` belongs to: `iss` for the avatar's, `sub` for the holder's. The two DIDs must
//! differ, so no key can sign in both roles.
//!
//! # The check
//!
//! [`verify_link_proof`] refuses, each time with [`ErrorCode::LinkProofInvalid`] and the
//! [`LinkProofPart`] that failed: another JWS type or algorithm, statements that differ,
//! another holder or platform than expected, a proof outside its validity or living too long, a
//! `kid` of another DID or a key outside `authentication`, a bad signature, and a nonce the
//! issuer did not issue or already consumed. The nonce is consumed last, once every other check
//! has passed, so that a forged proof cannot burn the nonce of an honest one.

use std::fmt;
use std::time::Duration;

use did_core::did::{Did, DidUrl};
use did_core::document::RelationshipKind;
use did_core::excerpt::excerpt;
use did_core::jose::{
    AlgorithmPolicy, JoseError, Signer, UnverifiedJws, decode_compact, header_has_typ, sign_compact,
};
use did_core::key::PublicKey;
use did_core::resolution::{Resolver, verification_key};
use did_core::time::Clock;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::nonce::{LinkNonces, MAX_NONCE_LEN};
use super::{AvatarError, Platform};
use crate::report::{ErrorCode, ReportError};

/// The `typ` of both JWS of a link proof (RFC 8725 §3.11: explicit typing, so that no other
/// JWT signed by these keys can pass for a link).
pub const LINK_TYP: &str = "avatar-link+jwt";

/// The claims both parties sign: the avatar `iss` belongs to the holder `sub` on `platform`.
/// Times are whole seconds: the JSON numbers `iat` and `exp` must be non-negative integers.
///
/// `Debug` shows the platform and the times, not the DIDs nor the nonce: logs carry no holder
/// DID (DESIGN, "Privacy").
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStatement {
    /// The avatar DID (`iss`).
    #[serde(rename = "iss")]
    pub avatar: Did,
    /// The holder DID (`sub`).
    #[serde(rename = "sub")]
    pub holder: Did,
    /// The platform the avatar lives on.
    pub platform: Platform,
    /// The issuer's nonce, used once.
    pub nonce: String,
    /// When the statement was made, in Unix seconds (RFC 7519 §4.1.6).
    pub iat: u64,
    /// When the statement stops being acceptable, in Unix seconds (RFC 7519 §4.1.4).
    pub exp: u64,
}

impl LinkStatement {
    /// The statement that `avatar` on `platform` belongs to `holder`, over the issuer's `nonce`,
    /// valid from `iat` until `exp`.
    pub fn new(
        avatar: Did,
        holder: Did,
        platform: Platform,
        nonce: String,
        iat: u64,
        exp: u64,
    ) -> Self {
        Self {
            avatar,
            holder,
            platform,
            nonce,
            iat,
            exp,
        }
    }

    /// This statement signed by `signer`, whose key is the verification method `kid`: a DID
    /// URL of the avatar DID (the avatar's signature) or of the holder DID (the holder's).
    /// The key must be under that DID's `authentication` for the proof to be accepted.
    pub fn sign(&self, signer: &dyn Signer, kid: &DidUrl) -> Result<String, AvatarError> {
        if kid.fragment().is_none_or(str::is_empty) || kid.query().is_some() {
            return Err(AvatarError::InvalidKid {
                reason: "the kid must be a DID and a #fragment naming a verification method",
            });
        }
        if kid.did() != &self.avatar && kid.did() != &self.holder {
            return Err(AvatarError::InvalidKid {
                reason: "the kid must be a key of the avatar DID or of the holder DID",
            });
        }
        let mut header = Map::new();
        header.insert("typ".into(), Value::String(LINK_TYP.into()));
        header.insert("kid".into(), Value::String(kid.to_string()));
        let payload = serde_json::to_vec(self).map_err(|error| {
            AvatarError::Jose(JoseError::Malformed(format!(
                "the link statement does not serialize: {error}"
            )))
        })?;
        Ok(sign_compact(&header, &payload, signer)?)
    }
}

impl fmt::Debug for LinkStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkStatement")
            .field("platform", &self.platform)
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .finish_non_exhaustive()
    }
}

/// The two signatures of a link statement: the avatar's and the holder's (module
/// documentation). Its JSON form is `{"avatar": "<JWS>", "holder": "<JWS>"}`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct LinkProof {
    avatar: String,
    holder: String,
}

impl LinkProof {
    /// The proof made of the avatar's JWS and the holder's JWS.
    pub fn new(avatar_jws: String, holder_jws: String) -> Self {
        Self {
            avatar: avatar_jws,
            holder: holder_jws,
        }
    }

    /// Reads the JSON form; a missing or non-string member is refused as the missing signature
    /// of that party.
    pub fn from_json(json: &Value) -> Result<Self, LinkProofError> {
        let member = |name: &str, part: LinkProofPart| {
            json.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| LinkProofError::new(part, format!("the `{name}` JWS is missing")))
        };
        Ok(Self {
            avatar: member("avatar", LinkProofPart::AvatarSignature)?,
            holder: member("holder", LinkProofPart::HolderSignature)?,
        })
    }

    /// The avatar's JWS.
    pub fn avatar_jws(&self) -> &str {
        &self.avatar
    }

    /// The holder's JWS.
    pub fn holder_jws(&self) -> &str {
        &self.holder
    }
}

impl fmt::Debug for LinkProof {
    /// The lengths only: a proof names the holder's DID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkProof")
            .field("avatar_jws_len", &self.avatar.len())
            .field("holder_jws_len", &self.holder.len())
            .finish()
    }
}

impl<'de> Deserialize<'de> for LinkProof {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Value::deserialize(deserializer)?;
        Self::from_json(&json).map_err(serde::de::Error::custom)
    }
}

/// What the issuer expects a link proof to say: whose avatar it is, and on which platform.
/// `Debug` shows the platform only.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkExpectations {
    /// The holder DID the credential will be issued to.
    pub holder: Did,
    /// The platform the avatar is being linked on.
    pub platform: Platform,
}

impl LinkExpectations {
    /// Expect an avatar of `holder` on `platform`.
    pub fn new(holder: Did, platform: Platform) -> Self {
        Self { holder, platform }
    }
}

impl fmt::Debug for LinkExpectations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkExpectations")
            .field("platform", &self.platform)
            .finish_non_exhaustive()
    }
}

/// How strictly link proofs are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkPolicy {
    /// The signature algorithms accepted for both JWS (RFC 8725 §3.1).
    pub algorithms: AlgorithmPolicy,
    /// How far the parties' clocks may be off from the issuer's.
    pub clock_skew: Duration,
    /// The longest a statement may be valid (`exp - iat`): a link proof is made for one
    /// issuance, not kept.
    pub max_lifetime: Duration,
}

impl Default for LinkPolicy {
    /// Every supported algorithm, 60 seconds of skew, statements valid at most 10 minutes.
    fn default() -> Self {
        Self {
            algorithms: AlgorithmPolicy::default(),
            clock_skew: Duration::from_secs(60),
            max_lifetime: Duration::from_secs(600),
        }
    }
}

/// The part of a link proof that failed a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LinkProofPart {
    /// The avatar's JWS: missing, malformed, mistyped, or its signature does not verify.
    AvatarSignature,
    /// The holder's JWS: missing, malformed, mistyped, or its signature does not verify.
    HolderSignature,
    /// The avatar's `kid`: not a key of the avatar DID, unresolvable, or outside its
    /// `authentication`.
    AvatarKey,
    /// The holder's `kid`: not a key of the holder DID, unresolvable, or outside its
    /// `authentication`.
    HolderKey,
    /// The statement: the two JWS sign different claims, or avatar and holder are one DID.
    Statement,
    /// The holder named is not the one expected.
    Holder,
    /// The platform named is not the one expected.
    Platform,
    /// The nonce: not issued by this issuer, already used, or expired.
    Nonce,
    /// The validity period: not yet valid, expired, or longer than the policy allows.
    Freshness,
}

impl LinkProofPart {
    /// The part as written in messages, e.g. `holder_signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AvatarSignature => "avatar_signature",
            Self::HolderSignature => "holder_signature",
            Self::AvatarKey => "avatar_key",
            Self::HolderKey => "holder_key",
            Self::Statement => "statement",
            Self::Holder => "holder",
            Self::Platform => "platform",
            Self::Nonce => "nonce",
            Self::Freshness => "freshness",
        }
    }
}

impl fmt::Display for LinkProofPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused link proof: the part that failed and why. Its report code is always
/// [`ErrorCode::LinkProofInvalid`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("link proof invalid ({part}): {reason}")]
pub struct LinkProofError {
    /// The part that failed.
    pub part: LinkProofPart,
    /// Why, with untrusted text shortened.
    pub reason: String,
}

impl LinkProofError {
    fn new(part: LinkProofPart, reason: impl Into<String>) -> Self {
        Self {
            part,
            reason: reason.into(),
        }
    }

    /// [`ErrorCode::LinkProofInvalid`].
    pub fn code(&self) -> ErrorCode {
        ErrorCode::LinkProofInvalid
    }
}

impl From<LinkProofError> for ReportError {
    fn from(error: LinkProofError) -> Self {
        ReportError::new(ErrorCode::LinkProofInvalid, error.to_string())
    }
}

/// A link statement whose proof [`verify_link_proof`] accepted: only that function makes one,
/// so an avatar-link credential cannot be built over an unchecked link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLink {
    statement: LinkStatement,
}

impl VerifiedLink {
    /// The avatar DID.
    pub fn avatar(&self) -> &Did {
        &self.statement.avatar
    }

    /// The holder DID.
    pub fn holder(&self) -> &Did {
        &self.statement.holder
    }

    /// The platform.
    pub fn platform(&self) -> &Platform {
        &self.statement.platform
    }

    /// The statement both parties signed.
    pub fn statement(&self) -> &LinkStatement {
        &self.statement
    }
}

/// Checks a link proof for `expected` at `now` (Unix seconds), and consumes its nonce.
///
/// Both DIDs are resolved through `resolver`; each JWS must be typed [`LINK_TYP`], use an
/// algorithm of `policy`, and verify under the key its `kid` names, which must be under the
/// `authentication` of its party's DID (DID Core §5.3.1) — the key decides the algorithm. The
/// two JWS must carry equal statements naming two different DIDs, the expected holder and
/// platform; the statement must be valid at `now` (with the policy's skew) and not live longer
/// than the policy allows; and its nonce must be one `nonces` issued and not yet consumed. The
/// nonce is consumed only when every other check has passed.
pub async fn verify_link_proof(
    proof: &LinkProof,
    expected: &LinkExpectations,
    nonces: &LinkNonces,
    resolver: &dyn Resolver,
    policy: &LinkPolicy,
    now: u64,
) -> Result<VerifiedLink, LinkProofError> {
    let link = check_link_proof(proof, expected, resolver, policy, now).await?;
    consume_nonce(nonces, &link.statement.nonce, now).await?;
    Ok(link)
}

/// Checks the link proofs of one issuance at `now`, each against its expectations as
/// [`verify_link_proof`] does, and consumes their nonce: the holder signs all its links over
/// the one nonce the issuer handed out for this issuance, so the proofs must all carry the
/// same nonce, which is consumed once, after every proof has passed. The error names the
/// position (from 0) of the proof that failed.
pub async fn verify_link_proofs(
    proofs: &[(&LinkProof, LinkExpectations)],
    nonces: &LinkNonces,
    resolver: &dyn Resolver,
    policy: &LinkPolicy,
    now: u64,
) -> Result<Vec<VerifiedLink>, (usize, LinkProofError)> {
    let mut links: Vec<VerifiedLink> = Vec::with_capacity(proofs.len());
    for (index, (proof, expected)) in proofs.iter().enumerate() {
        let link = check_link_proof(proof, expected, resolver, policy, now)
            .await
            .map_err(|error| (index, error))?;
        if links
            .first()
            .is_some_and(|first| first.statement.nonce != link.statement.nonce)
        {
            return Err((
                index,
                LinkProofError::new(
                    LinkProofPart::Nonce,
                    "the links of one issuance are signed over one nonce, and this one carries another",
                ),
            ));
        }
        links.push(link);
    }
    if let Some(first) = links.first() {
        consume_nonce(nonces, &first.statement.nonce, now)
            .await
            .map_err(|error| (0, error))?;
    }
    Ok(links)
}

async fn consume_nonce(nonces: &LinkNonces, nonce: &str, now: u64) -> Result<(), LinkProofError> {
    nonces
        .consume(nonce, now)
        .await
        .map_err(|error| LinkProofError::new(LinkProofPart::Nonce, error.to_string()))
}

/// Every check of [`verify_link_proof`] but the nonce's.
async fn check_link_proof(
    proof: &LinkProof,
    expected: &LinkExpectations,
    resolver: &dyn Resolver,
    policy: &LinkPolicy,
    now: u64,
) -> Result<VerifiedLink, LinkProofError> {
    use LinkProofPart as Part;

    let avatar_jws = decode(proof.avatar_jws(), Part::AvatarSignature, policy)?;
    let holder_jws = decode(proof.holder_jws(), Part::HolderSignature, policy)?;
    let statement = read_statement(&avatar_jws, Part::AvatarSignature)?;
    if read_statement(&holder_jws, Part::HolderSignature)? != statement {
        return Err(LinkProofError::new(
            Part::Statement,
            "the holder's JWS signs other claims than the avatar's; both must sign the same statement",
        ));
    }
    if statement.avatar == statement.holder {
        return Err(LinkProofError::new(
            Part::Statement,
            "the avatar DID and the holder DID are the same DID",
        ));
    }
    if statement.holder != expected.holder {
        return Err(LinkProofError::new(
            Part::Holder,
            "the statement links the avatar to another holder than the one this credential is for",
        ));
    }
    if statement.platform != expected.platform {
        return Err(LinkProofError::new(
            Part::Platform,
            format!(
                "the statement is for the platform `{}`, not `{}`",
                statement.platform, expected.platform
            ),
        ));
    }
    check_freshness(&statement, policy, now)?;

    let avatar_key = authentication_key(
        resolver,
        avatar_jws.header(),
        &statement.avatar,
        Part::AvatarKey,
    )
    .await?;
    let holder_key = authentication_key(
        resolver,
        holder_jws.header(),
        &statement.holder,
        Part::HolderKey,
    )
    .await?;
    avatar_jws.verify(&avatar_key).map_err(|error| {
        LinkProofError::new(
            Part::AvatarSignature,
            format!("the avatar's signature does not verify: {error}"),
        )
    })?;
    holder_jws.verify(&holder_key).map_err(|error| {
        LinkProofError::new(
            Part::HolderSignature,
            format!("the holder's signature does not verify: {error}"),
        )
    })?;

    Ok(VerifiedLink { statement })
}

/// One JWS of the proof, parsed but not verified, typed [`LINK_TYP`].
fn decode<'a>(
    jws: &'a str,
    part: LinkProofPart,
    policy: &LinkPolicy,
) -> Result<UnverifiedJws<'a>, LinkProofError> {
    if jws.is_empty() {
        return Err(LinkProofError::new(part, "the JWS is missing"));
    }
    let decoded = decode_compact(jws, &policy.algorithms)
        .map_err(|error| LinkProofError::new(part, format!("the JWS is refused: {error}")))?;
    // RFC 8725 §3.11: a JWS of another type, even by the right key, is no link proof.
    if !header_has_typ(decoded.header(), LINK_TYP) {
        let typ = decoded.header().get("typ").and_then(Value::as_str);
        return Err(LinkProofError::new(
            part,
            format!(
                "the JWS is typed `{}`, not `{LINK_TYP}`",
                excerpt(typ.unwrap_or("(none)"))
            ),
        ));
    }
    Ok(decoded)
}

fn read_statement(
    jws: &UnverifiedJws<'_>,
    part: LinkProofPart,
) -> Result<LinkStatement, LinkProofError> {
    let statement: LinkStatement = serde_json::from_slice(jws.payload()).map_err(|error| {
        LinkProofError::new(
            part,
            format!(
                "the payload is not a link statement {{iss, sub, platform, nonce, iat, exp}}: {}",
                excerpt(&error.to_string())
            ),
        )
    })?;
    if statement.nonce.is_empty() || statement.nonce.len() > MAX_NONCE_LEN {
        return Err(LinkProofError::new(
            LinkProofPart::Nonce,
            format!("the nonce must be 1 to {MAX_NONCE_LEN} bytes"),
        ));
    }
    Ok(statement)
}

fn check_freshness(
    statement: &LinkStatement,
    policy: &LinkPolicy,
    now: u64,
) -> Result<(), LinkProofError> {
    let stale = |reason: String| Err(LinkProofError::new(LinkProofPart::Freshness, reason));
    let clock = Clock::new(Some(now), policy.clock_skew);
    let (iat, exp) = (statement.iat, statement.exp);
    if exp <= iat {
        return stale(format!("`exp` ({exp}) is not after `iat` ({iat})"));
    }
    if exp - iat > policy.max_lifetime.as_secs() {
        return stale(format!(
            "the statement is valid for {} s, longer than the {} s allowed",
            exp - iat,
            policy.max_lifetime.as_secs()
        ));
    }
    // RFC 7519 §4.1.6: a statement made in the future is not made yet.
    if clock.is_before(iat) {
        return stale(format!("the statement is dated {iat}, after now ({now})"));
    }
    // RFC 7519 §4.1.4.
    if clock.has_expired(exp) {
        return stale(format!(
            "the statement expired at {exp}; now is {now}: make a new proof"
        ));
    }
    Ok(())
}

/// The key the `kid` of `header` names, if it is a key of `did` under `authentication`.
async fn authentication_key(
    resolver: &dyn Resolver,
    header: &Map<String, Value>,
    did: &Did,
    part: LinkProofPart,
) -> Result<PublicKey, LinkProofError> {
    let fail = |reason: String| LinkProofError::new(part, reason);
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("the JWS has no `kid` naming the signing key".into()))?;
    let url = DidUrl::parse(kid)
        .map_err(|_| fail(format!("`kid` `{}` is not a DID URL", excerpt(kid))))?;
    if url.did() != did {
        return Err(fail(format!(
            "`kid` `{}` is a key of another DID than the party that must sign",
            excerpt(kid)
        )));
    }
    // DID Core §5.3.1: proving control of a DID is what `authentication` keys are for.
    verification_key(resolver, &url, &[RelationshipKind::Authentication])
        .await
        .map_err(|error| fail(error.to_string()))
}

#[cfg(test)]
mod tests {
    use did_core::jose::Algorithm;
    use did_core::key::{KeyType, SecretKey};
    use did_core::method::key::{did_key, did_key_verification_method};

    use super::*;

    fn statement() -> LinkStatement {
        let avatar = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
        let holder = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
        let platform = Platform::new("vrchat").unwrap();
        LinkStatement::new(avatar, holder, platform, "n".into(), 100, 200)
    }

    #[test]
    fn statement_reads_as_jwt_claims() {
        let statement = statement();
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(json["iss"], statement.avatar.as_str());
        assert_eq!(json["sub"], statement.holder.as_str());
        assert_eq!(json["platform"], "vrchat");
        assert_eq!(json["iat"], 100);
        assert_eq!(
            serde_json::from_value::<LinkStatement>(json).unwrap(),
            statement
        );
    }

    #[test]
    fn debug_shows_no_did_nor_nonce() {
        let statement = statement();
        let expected = LinkExpectations::new(statement.holder.clone(), statement.platform.clone());
        for debug in [format!("{statement:?}"), format!("{expected:?}")] {
            assert!(debug.contains("vrchat"), "{debug}");
            assert!(!debug.contains("did:key"), "{debug}");
            assert!(!debug.contains("nonce"), "{debug}");
        }
    }

    #[test]
    fn rejects_kid_of_a_third_did() {
        let key = SecretKey::generate(KeyType::Ed25519);
        let signer = key.signer(Algorithm::Ed25519).unwrap();
        let kid = did_key_verification_method(&key.public_key());
        assert!(matches!(
            statement().sign(&signer, &kid),
            Err(AvatarError::InvalidKid { .. })
        ));
    }

    #[test]
    fn freshness_bounds() {
        let policy = LinkPolicy::default();
        let mut s = statement();
        assert!(check_freshness(&s, &policy, 150).is_ok());
        // Within the skew on both sides.
        assert!(check_freshness(&s, &policy, 41).is_ok());
        assert!(check_freshness(&s, &policy, 259).is_ok());
        for now in [39, 260] {
            assert_eq!(
                check_freshness(&s, &policy, now).map_err(|e| e.part),
                Err(LinkProofPart::Freshness),
                "{now}"
            );
        }
        s.exp = s.iat + 601;
        assert!(check_freshness(&s, &policy, 150).is_err());
        s.exp = s.iat;
        assert!(check_freshness(&s, &policy, 100).is_err());
    }

    #[test]
    fn proof_json_names_the_missing_signature() {
        let error = LinkProof::from_json(&serde_json::json!({"avatar": "a.b.c"})).unwrap_err();
        assert_eq!(error.part, LinkProofPart::HolderSignature);
        let error = LinkProof::from_json(&serde_json::json!({"holder": "a.b.c"})).unwrap_err();
        assert_eq!(error.part, LinkProofPart::AvatarSignature);
        let proof = LinkProof::new("x.y.z".into(), "u.v.w".into());
        let json = serde_json::to_value(&proof).unwrap();
        assert_eq!(LinkProof::from_json(&json), Ok(proof));
    }

    #[test]
    fn error_is_link_proof_invalid() {
        let error = LinkProofError::new(LinkProofPart::Nonce, "used");
        assert_eq!(
            ReportError::from(error.clone()).code,
            ErrorCode::LinkProofInvalid
        );
        assert_eq!(error.to_string(), "link proof invalid (nonce): used");
    }
}
