//! The `passkey` claim (factor 2): the WebAuthn credential an issuer registered for a holder, as
//! it is signed into the avatar-link credential, and its conversion to and from the credential
//! that `webauthn-rs` checks assertions against.
//!
//! Its JSON form, in this member order:
//!
//! ```json
//! {
//!   "credential_id": "base64url of the credential id",
//!   "jwk": {"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "alg": "ES256"},
//!   "rp_id": "avid.example",
//!   "origin": "https://issuer.avid.example",
//!   "backup_eligible": false
//! }
//! ```
//!
//! `backup_eligible` is the BE flag the authenticator set at registration (WebAuthn Level 3
//! §6.1, "Backup Eligibility"), which never changes for a credential. A verifier needs it to
//! accept a synced passkey (BE and BS set) while still refusing a credential that claims to be
//! backed up without being eligible, so the issuer signs it with the rest.

use std::fmt;

use did_core::base64url;
use did_core::excerpt::excerpt;
use did_core::jose::Algorithm;
use did_core::key::{Jwk, KeyError, KeyType, PublicKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use url::{Host, Url};
use webauthn_rs::prelude::{
    AttestationFormat, COSEAlgorithm, COSEEC2Key, COSEKey, COSEKeyType, COSEOKPKey, Credential,
    ECDSACurve, EDDSACurve, ParsedAttestation, Passkey,
};

/// The name of the claim that carries a [`PasskeyBinding`] in an avatar-link credential.
pub const PASSKEY_CLAIM: &str = "passkey";

/// The longest credential id WebAuthn allows (Level 3 §4, "Credential ID": at most 1023 bytes;
/// §7.1 step 23 refuses a longer one at registration).
pub const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// The longest DNS name (RFC 1035 §2.3.4), and so the longest relying party id.
const MAX_RP_ID_LEN: usize = 253;

/// The longest origin accepted: a scheme, a DNS name and a port.
const MAX_ORIGIN_LEN: usize = 300;

/// The members of the claim, in the order they are written.
const MEMBERS: [&str; 5] = ["credential_id", "jwk", "rp_id", "origin", "backup_eligible"];

/// Why a passkey binding, or a relying party setting, was refused.
///
/// Messages name members, never their values beyond a short [`excerpt`] of a host name: a
/// credential id is a stable identifier of the holder and stays out of logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// The claim's value is not a JSON object.
    #[error("the `passkey` claim must be a JSON object")]
    NotAnObject,
    /// A member is absent.
    #[error("the `passkey` claim has no `{0}` member")]
    Missing(&'static str),
    /// A member has the wrong JSON type.
    #[error("the `passkey` claim's `{0}` member has the wrong JSON type")]
    WrongType(&'static str),
    /// A member the claim does not define is present.
    #[error("the `passkey` claim has a member it does not define; expected only {MEMBERS:?}")]
    UnknownMember,
    /// `credential_id` is not base64url without padding.
    #[error("`credential_id` is not base64url without padding")]
    CredentialIdEncoding,
    /// The credential id is empty or longer than WebAuthn allows.
    #[error(
        "a credential id must be 1 to {MAX_CREDENTIAL_ID_LEN} bytes (WebAuthn §4), got {0} bytes"
    )]
    CredentialIdLength(usize),
    /// `jwk` is not a public JWK (it has private members, or members of the wrong type).
    #[error("`jwk` is not a public JWK: {0}")]
    BadJwk(String),
    /// `jwk` is not a usable public key.
    #[error("`jwk` is not a usable public key: {0}")]
    Key(#[from] KeyError),
    /// The key is of a type a passkey cannot have (X25519 does not sign).
    #[error("a passkey key must be P-256 (ES256) or Ed25519 (EdDSA), not {0}")]
    UnsupportedKeyType(KeyType),
    /// The JWK's `alg` does not name the algorithm of its key.
    #[error("`jwk.alg` must name the algorithm of the key ({expected}), got `{got}`")]
    AlgMismatch {
        /// The algorithm the key type signs with.
        expected: &'static str,
        /// The `alg` that was given, excerpted.
        got: String,
    },
    /// The COSE key an authenticator registered is of an algorithm the claim cannot carry.
    #[error(
        "the authenticator registered a {0:?} key; a passkey must be ES256 (P-256) or EdDSA (Ed25519)"
    )]
    UnsupportedCoseKey(COSEAlgorithm),
    /// `rp_id` is not a domain name in its canonical (lowercase, ASCII) form.
    #[error("`rp_id` must be a domain name in lowercase ASCII, got `{0}`")]
    BadRpId(String),
    /// `origin` is not an `https` origin (or `http://localhost`), or carries a path, query,
    /// fragment or user information.
    #[error("`origin` must be an https origin (scheme, host and optional port only), got `{0}`")]
    BadOrigin(String),
    /// The relying party id is not the origin's host nor a parent domain of it (WebAuthn
    /// Level 3 §5.1.3 step 8: the RP ID must be a registrable domain suffix of, or equal to,
    /// the origin's effective domain).
    #[error("`rp_id` `{rp_id}` is not the host of `origin` nor a parent domain of it")]
    RpIdNotSuffixOfOrigin {
        /// The relying party id, excerpted.
        rp_id: String,
    },
}

/// A WebAuthn credential id: 1 to 1023 opaque bytes chosen by the authenticator.
///
/// It is not a secret, but it is a stable identifier of the holder's passkey: a world that
/// requires the passkey factor learns it, and can recognise the holder by it across logins.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(Vec<u8>);

impl CredentialId {
    /// A credential id from its bytes, refused when empty or longer than 1023 bytes.
    pub fn new(bytes: Vec<u8>) -> Result<Self, BindingError> {
        if bytes.is_empty() || bytes.len() > MAX_CREDENTIAL_ID_LEN {
            return Err(BindingError::CredentialIdLength(bytes.len()));
        }
        Ok(Self(bytes))
    }

    /// Reads the base64url form (no padding) used in the claim.
    pub fn from_base64url(text: &str) -> Result<Self, BindingError> {
        // Four characters carry three bytes: anything longer cannot decode to an allowed id.
        if text.len() > base64url::encoded_len(MAX_CREDENTIAL_ID_LEN) {
            // Unpadded base64url: every four characters are three bytes.
            return Err(BindingError::CredentialIdLength(text.len() * 3 / 4));
        }
        let bytes = base64url::decode(text).ok_or(BindingError::CredentialIdEncoding)?;
        Self::new(bytes)
    }

    /// The bytes of the id.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base64url form (no padding), as written in the claim.
    pub fn to_base64url(&self) -> String {
        base64url::encode(&self.0)
    }
}

/// Shows the length only: the id identifies a holder, and Debug output ends up in logs.
impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({} bytes)", self.0.len())
    }
}

/// A relying party id: a domain name in canonical form (WebAuthn Level 3 §5.1.3: "a valid
/// domain string").
#[derive(Debug, Clone, PartialEq, Eq)]
struct RpId(String);

impl RpId {
    fn parse(text: &str) -> Result<Self, BindingError> {
        let bad = || BindingError::BadRpId(excerpt(text));
        if text.is_empty() || text.len() > MAX_RP_ID_LEN {
            return Err(bad());
        }
        // The canonical form only: what `Host::parse` would rewrite (case, IDNA, a trailing
        // dot) would be another string in the authenticator's SHA-256 of the RP ID.
        match Host::parse(text) {
            Ok(Host::Domain(domain)) if domain == text && !text.ends_with('.') => Ok(Self(domain)),
            _ => Err(bad()),
        }
    }
}

/// A web origin a WebAuthn client reports in its client data: `https://host[:port]`, or
/// `http://localhost[:port]`, the one non-https secure context (WebAuthn Level 3 §5.1.3 needs
/// a secure context).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin(Url);

impl Origin {
    fn parse(text: &str) -> Result<Self, BindingError> {
        let bad = || BindingError::BadOrigin(excerpt(text));
        if text.len() > MAX_ORIGIN_LEN {
            return Err(bad());
        }
        let url = Url::parse(text).map_err(|_| bad())?;
        let secure = matches!(
            (url.scheme(), url.host()),
            ("https", Some(Host::Domain(_))) | ("http", Some(Host::Domain("localhost")))
        );
        // An origin is scheme, host and port; `Url` writes the empty path as "/".
        let bare = url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !secure || !bare {
            return Err(bad());
        }
        Ok(Self(url))
    }

    /// The ASCII serialization of the origin (HTML "serialization of an origin"), as clients
    /// write it into `clientDataJSON`: no trailing slash.
    fn serialize(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

/// Checks that `rp_id` is the origin's host or a parent domain of it (WebAuthn Level 3 §5.1.3
/// step 8). A parent must be followed by a dot, so `example.com` is not a suffix of
/// `badexample.com`.
fn check_rp_id_scope(rp_id: &RpId, origin: &Origin) -> Result<(), BindingError> {
    let host = origin.host();
    let within = host == rp_id.0
        || host
            .strip_suffix(rp_id.0.as_str())
            .is_some_and(|prefix| prefix.ends_with('.'));
    if within {
        Ok(())
    } else {
        Err(BindingError::RpIdNotSuffixOfOrigin {
            rp_id: excerpt(&rp_id.0),
        })
    }
}

/// The relying party a passkey is registered with: its id (the scope of the credential, hashed
/// into every assertion) and the origin the issuer's pages run at, both checked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    rp_id: RpId,
    origin: Origin,
}

impl Scope {
    pub(crate) fn parse(rp_id: &str, origin: &str) -> Result<Self, BindingError> {
        let rp_id = RpId::parse(rp_id)?;
        let origin = Origin::parse(origin)?;
        check_rp_id_scope(&rp_id, &origin)?;
        Ok(Self { rp_id, origin })
    }

    pub(crate) fn rp_id(&self) -> &str {
        &self.rp_id.0
    }

    pub(crate) fn origin_url(&self) -> &Url {
        &self.origin.0
    }

    pub(crate) fn origin(&self) -> String {
        self.origin.serialize()
    }
}

/// The `passkey` claim: the WebAuthn credential the issuer registered for the holder, with the
/// relying party it is scoped to.
///
/// A value of this type is always consistent: the key is a P-256 or Ed25519 signing key, the
/// credential id has a length WebAuthn allows, and the RP ID is a domain that the origin is
/// within. Build one with [`PasskeyBinding::new`], from a registration
/// ([`PasskeyRegistrar::finish_registration`](super::PasskeyRegistrar::finish_registration)),
/// or from a disclosed claim ([`PasskeyBinding::from_claim`]).
#[derive(Clone, PartialEq, Eq)]
pub struct PasskeyBinding {
    credential_id: CredentialId,
    public_key: PublicKey,
    scope: Scope,
    backup_eligible: bool,
}

impl PasskeyBinding {
    /// A binding of `credential_id` and its `public_key` to the relying party `rp_id` at
    /// `origin`; `backup_eligible` is the BE flag of the registration.
    pub fn new(
        credential_id: CredentialId,
        public_key: PublicKey,
        rp_id: &str,
        origin: &str,
        backup_eligible: bool,
    ) -> Result<Self, BindingError> {
        check_signing_key(&public_key)?;
        Ok(Self {
            credential_id,
            public_key,
            scope: Scope::parse(rp_id, origin)?,
            backup_eligible,
        })
    }

    pub(crate) fn from_parts(
        credential_id: CredentialId,
        public_key: PublicKey,
        scope: Scope,
        backup_eligible: bool,
    ) -> Result<Self, BindingError> {
        check_signing_key(&public_key)?;
        Ok(Self {
            credential_id,
            public_key,
            scope,
            backup_eligible,
        })
    }

    /// The WebAuthn credential id.
    pub fn credential_id(&self) -> &CredentialId {
        &self.credential_id
    }

    /// The credential's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The public key as the claim writes it: a JWK with its `alg` (`ES256` or `Ed25519`).
    pub fn jwk(&self) -> Jwk {
        let key_type = self.public_key.key_type();
        let mut jwk = self.public_key.to_jwk();
        jwk.alg = Algorithm::preferred_for(key_type).map(|alg| alg.name().to_owned());
        jwk
    }

    /// The relying party id the credential is scoped to.
    pub fn rp_id(&self) -> &str {
        self.scope.rp_id()
    }

    /// The origin of the issuer's pages, as clients write it (`https://host[:port]`).
    pub fn origin(&self) -> String {
        self.scope.origin()
    }

    /// Whether the authenticator declared the credential backup eligible at registration.
    pub fn backup_eligible(&self) -> bool {
        self.backup_eligible
    }

    pub(crate) fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The claim's JSON value, to be signed into the credential under [`PASSKEY_CLAIM`].
    pub fn to_claim(&self) -> Value {
        // A `Jwk` always serializes (to an object of strings); the fallback is never taken.
        let jwk = serde_json::to_value(self.jwk()).unwrap_or(Value::Null);
        let mut members = Map::new();
        members.insert(
            "credential_id".into(),
            self.credential_id.to_base64url().into(),
        );
        members.insert("jwk".into(), jwk);
        members.insert("rp_id".into(), self.rp_id().into());
        members.insert("origin".into(), self.origin().into());
        members.insert("backup_eligible".into(), self.backup_eligible.into());
        Value::Object(members)
    }

    /// Reads the value of a disclosed `passkey` claim. Every member is required and no other
    /// is accepted: the issuer signed exactly these.
    pub fn from_claim(value: &Value) -> Result<Self, BindingError> {
        let members = value.as_object().ok_or(BindingError::NotAnObject)?;
        if members.keys().any(|name| !MEMBERS.contains(&name.as_str())) {
            return Err(BindingError::UnknownMember);
        }
        let text = |name: &'static str| -> Result<&str, BindingError> {
            members
                .get(name)
                .ok_or(BindingError::Missing(name))?
                .as_str()
                .ok_or(BindingError::WrongType(name))
        };
        let credential_id = CredentialId::from_base64url(text("credential_id")?)?;
        let jwk_value = members.get("jwk").ok_or(BindingError::Missing("jwk"))?;
        if !jwk_value.is_object() {
            return Err(BindingError::WrongType("jwk"));
        }
        let jwk = Jwk::deserialize(jwk_value)
            .map_err(|error| BindingError::BadJwk(excerpt(&error.to_string())))?;
        let public_key = public_key_from_jwk(&jwk)?;
        let scope = Scope::parse(text("rp_id")?, text("origin")?)?;
        let backup_eligible = members
            .get("backup_eligible")
            .ok_or(BindingError::Missing("backup_eligible"))?
            .as_bool()
            .ok_or(BindingError::WrongType("backup_eligible"))?;
        Self::from_parts(credential_id, public_key, scope, backup_eligible)
    }

    /// The credential `webauthn-rs` checks an assertion against, rebuilt from this binding.
    ///
    /// A verifier never saw the registration, so it cannot hold the `Passkey` that
    /// `finish_passkey_registration` returned to the issuer. `webauthn-rs` 0.6 lets a caller
    /// build one from a [`Credential`] with its `danger-credential-internals` feature; the
    /// danger is that a credential assembled from untrusted parts would make the library check
    /// an assertion against a key the relying party never registered. Here it is sound because
    /// every part that an assertion is checked against comes from the issuer's signature over
    /// the `passkey` claim, verified before this binding exists: the credential id (the only
    /// one allowed), the public key (the signature), the relying party id and origin (the
    /// [`Webauthn`](webauthn_rs::Webauthn) instance built from them), and the backup
    /// eligibility. The rest is fixed by policy, not taken from anyone: user verification was
    /// required at registration and is required again, no attestation is kept (the issuer
    /// judged the authenticator when it registered it), and the signature counter starts at
    /// zero in the credential because the verifier keeps the real one per credential id in its
    /// [`CounterStore`](super::CounterStore).
    pub(crate) fn to_passkey(&self) -> Result<Passkey, BindingError> {
        let credential = Credential {
            cred_id: self.credential_id.as_bytes().to_vec(),
            cred: cose_key_from_public_key(&self.public_key)?,
            counter: 0,
            transports: None,
            user_verified: true,
            backup_eligible: self.backup_eligible,
            // Only compared to decide whether the stored credential needs updating.
            backup_state: false,
            // `Default` of webauthn-rs's `UserVerificationPolicy` is `Required` (its type is
            // not re-exported): an assertion without the UV flag is refused.
            registration_policy: Default::default(),
            extensions: Default::default(),
            attestation: ParsedAttestation::default(),
            attestation_format: AttestationFormat::None,
        };
        Ok(Passkey::from(credential))
    }
}

/// Shows the relying party and the key type, not the credential id nor the key: both identify
/// the holder, and Debug output ends up in logs.
impl fmt::Debug for PasskeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyBinding")
            .field("credential_id", &self.credential_id)
            .field("key_type", &self.public_key.key_type())
            .field("rp_id", &self.rp_id())
            .field("origin", &self.origin())
            .field("backup_eligible", &self.backup_eligible)
            .finish()
    }
}

impl Serialize for PasskeyBinding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_claim().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PasskeyBinding {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_claim(&value).map_err(serde::de::Error::custom)
    }
}

/// Refuses a key that cannot sign (X25519).
fn check_signing_key(key: &PublicKey) -> Result<(), BindingError> {
    match key.key_type() {
        KeyType::P256 | KeyType::Ed25519 => Ok(()),
        other => Err(BindingError::UnsupportedKeyType(other)),
    }
}

/// The signing key a claim's JWK describes; its `alg`, when present, must be the key's.
fn public_key_from_jwk(jwk: &Jwk) -> Result<PublicKey, BindingError> {
    let key = PublicKey::from_jwk(jwk)?;
    check_signing_key(&key)?;
    if let Some(alg) = jwk.alg.as_deref() {
        let matches = Algorithm::from_name(alg).is_some_and(|a| a.key_type() == key.key_type());
        if !matches {
            return Err(BindingError::AlgMismatch {
                expected: Algorithm::preferred_for(key.key_type()).map_or("none", |a| a.name()),
                got: excerpt(alg),
            });
        }
    }
    Ok(key)
}

/// The COSE key (RFC 9053 §7.1 EC2, §7.2 OKP) of a passkey's public key.
pub(crate) fn cose_key_from_public_key(key: &PublicKey) -> Result<COSEKey, BindingError> {
    let jwk = key.to_jwk();
    let coordinate = |member: Option<&str>| -> Vec<u8> {
        member
            .and_then(base64url::decode_array::<32>)
            .map(|bytes| bytes.to_vec())
            .unwrap_or_default()
    };
    match key.key_type() {
        KeyType::P256 => Ok(COSEKey {
            type_: COSEAlgorithm::ES256,
            key: COSEKeyType::EC_EC2(COSEEC2Key {
                curve: ECDSACurve::SECP256R1,
                x: coordinate(jwk.x.as_deref()),
                y: coordinate(jwk.y.as_deref()),
            }),
        }),
        KeyType::Ed25519 => Ok(COSEKey {
            type_: COSEAlgorithm::EDDSA,
            key: COSEKeyType::EC_OKP(COSEOKPKey {
                curve: EDDSACurve::ED25519,
                x: key.to_bytes(),
            }),
        }),
        other => Err(BindingError::UnsupportedKeyType(other)),
    }
}

/// The public key of a COSE key an authenticator registered: ES256 over P-256 or EdDSA over
/// Ed25519, each checked on its curve by [`PublicKey`].
pub(crate) fn public_key_from_cose_key(key: &COSEKey) -> Result<PublicKey, BindingError> {
    match (&key.type_, &key.key) {
        (COSEAlgorithm::ES256, COSEKeyType::EC_EC2(ec)) if ec.curve == ECDSACurve::SECP256R1 => {
            let jwk = Jwk {
                kty: KeyType::P256.jwk_kty().to_owned(),
                crv: Some(KeyType::P256.jwk_crv().to_owned()),
                x: Some(base64url::encode(&ec.x)),
                y: Some(base64url::encode(&ec.y)),
                kid: None,
                alg: None,
                key_use: None,
                key_ops: None,
                additional: Map::new(),
            };
            Ok(PublicKey::from_jwk(&jwk)?)
        }
        (COSEAlgorithm::EDDSA, COSEKeyType::EC_OKP(okp)) if okp.curve == EDDSACurve::ED25519 => {
            Ok(PublicKey::from_bytes(KeyType::Ed25519, &okp.x)?)
        }
        (algorithm, _) => Err(BindingError::UnsupportedCoseKey(*algorithm)),
    }
}

#[cfg(test)]
mod tests {
    use did_core::key::SecretKey;
    use serde_json::json;

    use super::*;

    fn binding(key_type: KeyType) -> PasskeyBinding {
        PasskeyBinding::new(
            CredentialId::new(vec![7; 16]).unwrap(),
            SecretKey::generate(key_type).public_key(),
            "avid.example",
            "https://issuer.avid.example",
            false,
        )
        .unwrap()
    }

    #[test]
    fn the_claim_round_trips_for_both_key_types() {
        for key_type in [KeyType::P256, KeyType::Ed25519] {
            let binding = binding(key_type);
            let claim = binding.to_claim();
            assert_eq!(PasskeyBinding::from_claim(&claim).unwrap(), binding);
            let members: Vec<&str> = claim
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(members, MEMBERS);
        }
    }

    #[test]
    fn the_claim_writes_the_jwk_with_its_algorithm() {
        let claim = binding(KeyType::P256).to_claim();
        assert_eq!(claim["jwk"]["kty"], "EC");
        assert_eq!(claim["jwk"]["crv"], "P-256");
        assert_eq!(claim["jwk"]["alg"], "ES256");
        assert_eq!(claim["origin"], "https://issuer.avid.example");
        let claim = binding(KeyType::Ed25519).to_claim();
        assert_eq!(claim["jwk"]["kty"], "OKP");
        assert_eq!(claim["jwk"]["alg"], "Ed25519");
    }

    #[test]
    fn the_cose_key_round_trips_for_both_key_types() {
        for key_type in [KeyType::P256, KeyType::Ed25519] {
            let key = SecretKey::generate(key_type).public_key();
            let cose = cose_key_from_public_key(&key).unwrap();
            assert_eq!(public_key_from_cose_key(&cose).unwrap(), key);
        }
    }

    #[test]
    fn rejects_an_x25519_key() {
        let key = SecretKey::generate(KeyType::X25519).public_key();
        let refused = PasskeyBinding::new(
            CredentialId::new(vec![1]).unwrap(),
            key.clone(),
            "avid.example",
            "https://avid.example",
            false,
        );
        assert_eq!(
            refused,
            Err(BindingError::UnsupportedKeyType(KeyType::X25519))
        );
        let mut claim = binding(KeyType::P256).to_claim();
        claim["jwk"] = serde_json::to_value(key.to_jwk()).unwrap();
        assert_eq!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::UnsupportedKeyType(KeyType::X25519))
        );
    }

    #[test]
    fn rejects_an_rsa_cose_key() {
        let rsa = COSEKey {
            type_: COSEAlgorithm::RS256,
            key: COSEKeyType::RSA(webauthn_rs::prelude::COSERSAKey {
                n: vec![1; 256],
                e: [1, 0, 1],
            }),
        };
        assert_eq!(
            public_key_from_cose_key(&rsa),
            Err(BindingError::UnsupportedCoseKey(COSEAlgorithm::RS256))
        );
    }

    #[test]
    fn rejects_an_alg_of_another_key_type() {
        let mut claim = binding(KeyType::P256).to_claim();
        claim["jwk"]["alg"] = json!("Ed25519");
        assert!(matches!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::AlgMismatch {
                expected: "ES256",
                ..
            })
        ));
    }

    #[test]
    fn rejects_a_private_key_in_the_jwk() {
        let mut claim = binding(KeyType::Ed25519).to_claim();
        claim["jwk"]["d"] = json!(base64url::encode(&[1; 32]));
        assert!(matches!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::BadJwk(_))
        ));
    }

    #[test]
    fn rejects_missing_and_mistyped_members() {
        let claim = binding(KeyType::P256).to_claim();
        for name in MEMBERS {
            let mut without = claim.clone();
            without.as_object_mut().unwrap().remove(name);
            assert_eq!(
                PasskeyBinding::from_claim(&without),
                Err(BindingError::Missing(name))
            );
            let mut mistyped = claim.clone();
            mistyped[name] = json!(42);
            assert_eq!(
                PasskeyBinding::from_claim(&mistyped),
                Err(BindingError::WrongType(name))
            );
        }
        assert_eq!(
            PasskeyBinding::from_claim(&json!("passkey")),
            Err(BindingError::NotAnObject)
        );
    }

    #[test]
    fn rejects_an_unknown_member() {
        let mut claim = binding(KeyType::P256).to_claim();
        claim["counter"] = json!(0);
        assert_eq!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::UnknownMember)
        );
    }

    #[test]
    fn rejects_bad_credential_ids() {
        let mut claim = binding(KeyType::P256).to_claim();
        claim["credential_id"] = json!("AAAA=");
        assert_eq!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::CredentialIdEncoding)
        );
        claim["credential_id"] = json!("");
        assert_eq!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::CredentialIdLength(0))
        );
        claim["credential_id"] = json!(base64url::encode(&[0; MAX_CREDENTIAL_ID_LEN + 1]));
        assert!(matches!(
            PasskeyBinding::from_claim(&claim),
            Err(BindingError::CredentialIdLength(_))
        ));
        claim["credential_id"] = json!(base64url::encode(&[0; MAX_CREDENTIAL_ID_LEN]));
        assert!(PasskeyBinding::from_claim(&claim).is_ok());
    }

    #[test]
    fn rejects_an_rp_id_outside_the_origin() {
        for (rp_id, origin) in [
            ("example.com", "https://badexample.com"),
            ("login.avid.example", "https://avid.example"),
            ("other.example", "https://issuer.avid.example"),
        ] {
            assert!(
                matches!(
                    Scope::parse(rp_id, origin),
                    Err(BindingError::RpIdNotSuffixOfOrigin { .. })
                ),
                "{rp_id} at {origin}"
            );
        }
        assert!(Scope::parse("avid.example", "https://avid.example:8443").is_ok());
        assert!(Scope::parse("localhost", "http://localhost:8080").is_ok());
    }

    #[test]
    fn rejects_origins_that_are_not_bare_secure_origins() {
        for origin in [
            "http://issuer.avid.example",
            "https://issuer.avid.example/login",
            "https://issuer.avid.example/?q=1",
            "https://issuer.avid.example/#f",
            "https://user@issuer.avid.example",
            "https://192.0.2.1",
            "issuer.avid.example",
        ] {
            assert!(
                matches!(
                    Scope::parse("avid.example", origin),
                    Err(BindingError::BadOrigin(_))
                ),
                "{origin}"
            );
        }
    }

    #[test]
    fn rejects_rp_ids_that_are_not_canonical_domains() {
        for rp_id in ["", "Avid.Example", "avid.example.", "192.0.2.1", "a b"] {
            assert!(
                matches!(
                    Scope::parse(rp_id, "https://avid.example"),
                    Err(BindingError::BadRpId(_))
                ),
                "{rp_id:?}"
            );
        }
    }

    #[test]
    fn debug_shows_no_credential_id_nor_key() {
        let binding = binding(KeyType::Ed25519);
        let shown = format!("{binding:?}");
        assert!(!shown.contains(&binding.credential_id().to_base64url()));
        assert!(!shown.contains(binding.jwk().x.as_deref().unwrap()));
        assert!(shown.contains("16 bytes"));
    }

    #[test]
    fn the_rebuilt_credential_carries_the_signed_parts() {
        let binding = binding(KeyType::P256);
        let credential = Credential::from(binding.to_passkey().unwrap());
        assert_eq!(
            credential.cred_id.as_ref() as &[u8],
            binding.credential_id().as_bytes()
        );
        assert_eq!(
            public_key_from_cose_key(&credential.cred).unwrap(),
            *binding.public_key()
        );
        assert!(credential.user_verified);
        assert!(!credential.backup_eligible);
        assert_eq!(credential.counter, 0);
    }
}
