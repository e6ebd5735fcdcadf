//! The avatar-link credential (`vct` `urn:avid:avatar-link:1`): an SD-JWT VC linking a
//! holder's avatars, each proven by a [`VerifiedLink`], with personal data disclosable claim by
//! claim, and its batch issuance.
//!
//! # What a verifier sees
//!
//! Always in plain (SD-JWT VC §2.2.2.3): `iss`, `iat`, `exp`, `vct`, `cnf.jwk` (the holder key,
//! factor 1) and `status` (a Token Status List entry). Disclosable one by one: `sub` (the
//! holder DID), `name`, `email`, `phone_number`, `birthdate`, `age_over_18`, the claims of
//! [`EXTRA_DISCLOSABLE_CLAIMS`], and each element `{platform, id, handle}` of `avatars`.
//!
//! # The fixed-length avatars array
//!
//! The `avatars` array always holds [`bound`](AvatarLinkCredential::with_avatar_bound) digests
//! (8 by default): one per avatar, and decoys for the rest, in random order. A verifier shown
//! one avatar learns neither how many others there are nor where they sit.
//!
//! The decoys are digests of array-element disclosures over fresh random values, whose
//! disclosures are thrown away before the credential leaves the issuer: a digest over a fresh
//! 128-bit salt and a random value, which nobody can open, is what RFC 9901 §4.2.5 asks of a
//! decoy. The SD-JWT core's own decoys ([`DecoyCount`](crate::sd_jwt::DecoyCount)) are drawn
//! per issuance for every `_sd` array and every array alike; a count that fills the avatars
//! array to its bound would then also grow the top-level `_sd` by the number of *missing*
//! avatars, telling the count it should hide. So this credential is issued without core decoys,
//! and pads its one array itself.
//!
//! # Batches
//!
//! [`issue_batch`](AvatarLinkCredential::issue_batch) signs k copies, each for its own holder
//! key and status entry, with fresh salts and decoys and its own signature, so two worlds that
//! each saw one copy cannot tell they are the same credential by its digests, salts, signature,
//! holder key or status index. What the copies do share: `iss`, `vct`, the status list `uri`,
//! and `iat`/`exp`; pass times rounded to a coarse unit (an hour, a day) so that they name a
//! crowd of credentials rather than one issuance. A world that requires the passkey factor
//! sees the passkey's credential id, a stable identifier across copies.

use std::collections::HashSet;
use std::fmt;

use did_core::did::{Did, DidUrl};
use did_core::excerpt::excerpt;
use did_core::jose::Signer;
use did_core::key::PublicKey;
use rand::RngCore;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value};

use super::AvatarError;
use super::link::VerifiedLink;
use crate::sd_jwt::{DisclosureFrame, SdJwt};
use crate::sd_jwt_vc::{SdJwtVcIssuer, UnsecuredPayload};
use crate::status::StatusListReference;

/// The credential type (`vct`, SD-JWT VC §2.2.2.1) of the avatar-link credential.
pub const AVATAR_LINK_VCT: &str = "urn:avid:avatar-link:1";

/// The number of entries of the avatars array unless set otherwise.
pub const DEFAULT_AVATAR_BOUND: usize = 8;

/// The largest bound of the avatars array accepted.
pub const MAX_AVATAR_BOUND: usize = 64;

/// Claims, beyond the personal data, that an issuer may add, each disclosable on its own:
/// `passkey`, the WebAuthn credential of factor 2 (`{credential_id, jwk, rp_id, origin,
/// backup_eligible}`), which [`PasskeyBinding::to_claim`](crate::mfa::PasskeyBinding::to_claim)
/// builds.
pub const EXTRA_DISCLOSABLE_CLAIMS: [&str; 1] = ["passkey"];

/// The longest handle or personal-data string, in characters.
const MAX_TEXT_CHARS: usize = 256;

/// An avatar as the credential lists it: the verified link (avatar DID and platform) and the
/// avatar's display name on the platform.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkedAvatar {
    link: VerifiedLink,
    handle: String,
}

impl LinkedAvatar {
    /// The avatar of `link`, shown as `handle` on its platform: 1 to 256 characters, no
    /// control characters.
    pub fn new(link: VerifiedLink, handle: impl Into<String>) -> Result<Self, AvatarError> {
        let handle = handle.into();
        check_text("handle", &handle)?;
        Ok(Self { link, handle })
    }

    /// The verified link.
    pub fn link(&self) -> &VerifiedLink {
        &self.link
    }

    /// The handle.
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The array element `{platform, id, handle}`.
    fn to_claim(&self) -> Value {
        let mut element = Map::new();
        element.insert(
            "platform".into(),
            Value::String(self.link.platform().to_string()),
        );
        element.insert("id".into(), Value::String(self.link.avatar().to_string()));
        element.insert("handle".into(), Value::String(self.handle.clone()));
        Value::Object(element)
    }
}

impl fmt::Debug for LinkedAvatar {
    /// The platform only: the DIDs and the handle identify a person.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedAvatar")
            .field("platform", self.link.platform())
            .finish_non_exhaustive()
    }
}

/// The personal data of the holder, each claim disclosable on its own. Names follow OpenID
/// Connect Core §5.1.
///
/// `Debug` names the claims present, never their values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PersonalData {
    /// `name`: the full name.
    pub name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `phone_number`, E.164 recommended (`+33…`).
    pub phone_number: Option<String>,
    /// `birthdate`, `YYYY-MM-DD` (OpenID Connect Core §5.1).
    pub birthdate: Option<String>,
    /// `age_over_18`.
    pub age_over_18: Option<bool>,
}

impl PersonalData {
    /// The claims present, checked: strings of 1 to 256 characters without control
    /// characters, an `email` with an `@`, a `birthdate` of the form `YYYY-MM-DD`.
    fn claims(&self) -> Result<Vec<(&'static str, Value)>, AvatarError> {
        let mut claims = Vec::with_capacity(5);
        for (name, value) in [
            ("name", &self.name),
            ("email", &self.email),
            ("phone_number", &self.phone_number),
            ("birthdate", &self.birthdate),
        ] {
            if let Some(value) = value {
                check_text(name, value)?;
                claims.push((name, Value::String(value.clone())));
            }
        }
        if self
            .email
            .as_ref()
            .is_some_and(|email| !email.contains('@'))
        {
            return Err(invalid_claim("email", "an e-mail address has an `@`"));
        }
        if self
            .birthdate
            .as_ref()
            .is_some_and(|date| !is_full_date(date))
        {
            return Err(invalid_claim(
                "birthdate",
                "a birthdate is written YYYY-MM-DD (OpenID Connect Core §5.1)",
            ));
        }
        if let Some(over_18) = self.age_over_18 {
            claims.push(("age_over_18", Value::Bool(over_18)));
        }
        Ok(claims)
    }
}

impl fmt::Debug for PersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present: Vec<&str> = [
            ("name", self.name.is_some()),
            ("email", self.email.is_some()),
            ("phone_number", self.phone_number.is_some()),
            ("birthdate", self.birthdate.is_some()),
            ("age_over_18", self.age_over_18.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect();
        f.debug_struct("PersonalData")
            .field("present", &present)
            .finish()
    }
}

/// What makes one copy of the credential its own: the holder key it is bound to (`cnf.jwk`)
/// and its entry in a Token Status List (`status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderBinding {
    /// The holder key of this copy.
    pub holder_key: PublicKey,
    /// The status entry of this copy.
    pub status: StatusListReference,
}

impl HolderBinding {
    /// A copy bound to `holder_key`, with the status entry `status`.
    pub fn new(holder_key: PublicKey, status: StatusListReference) -> Self {
        Self { holder_key, status }
    }
}

/// An avatar-link credential before it is signed: the holder, the avatars with their verified
/// links, the personal data, extra disclosable claims, the validity and the array bound.
#[derive(Clone, PartialEq)]
pub struct AvatarLinkCredential {
    holder: Did,
    avatars: Vec<LinkedAvatar>,
    personal: PersonalData,
    extra: Map<String, Value>,
    issued_at: u64,
    expires_at: u64,
    bound: usize,
}

impl fmt::Debug for AvatarLinkCredential {
    /// Counts and times; no DID and no claim value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvatarLinkCredential")
            .field("avatars", &self.avatars)
            .field("personal", &self.personal)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("bound", &self.bound)
            .finish_non_exhaustive()
    }
}

impl AvatarLinkCredential {
    /// A credential for `holder`, issued at `issued_at` and expiring at `expires_at` (Unix
    /// seconds), with no avatar yet and the default bound of [`DEFAULT_AVATAR_BOUND`].
    ///
    /// Every verifier sees `iat` and `exp`: a coarse time (rounded to the hour or the day)
    /// hides the moment of issuance among many.
    pub fn new(holder: Did, issued_at: u64, expires_at: u64) -> Self {
        Self {
            holder,
            avatars: Vec::new(),
            personal: PersonalData::default(),
            extra: Map::new(),
            issued_at,
            expires_at,
            bound: DEFAULT_AVATAR_BOUND,
        }
    }

    /// This credential, linking one more avatar.
    pub fn with_avatar(mut self, avatar: LinkedAvatar) -> Self {
        self.avatars.push(avatar);
        self
    }

    /// This credential, with the personal data `personal`.
    pub fn with_personal_data(mut self, personal: PersonalData) -> Self {
        self.personal = personal;
        self
    }

    /// This credential, with the extra disclosable `claims`, each one of
    /// [`EXTRA_DISCLOSABLE_CLAIMS`] (today `passkey`, which must be a JSON object).
    pub fn with_disclosable_claims(
        mut self,
        claims: Map<String, Value>,
    ) -> Result<Self, AvatarError> {
        for (name, value) in &claims {
            if !EXTRA_DISCLOSABLE_CLAIMS.contains(&name.as_str()) {
                return Err(AvatarError::InvalidClaim {
                    name: excerpt(name),
                    reason: "not a claim of the avatar-link credential",
                });
            }
            if !value.is_object() {
                return Err(AvatarError::InvalidClaim {
                    name: excerpt(name),
                    reason: "must be a JSON object",
                });
            }
        }
        self.extra = claims;
        Ok(self)
    }

    /// This credential, with its avatars array padded to `bound` entries (1 to
    /// [`MAX_AVATAR_BOUND`]).
    pub fn with_avatar_bound(mut self, bound: usize) -> Result<Self, AvatarError> {
        if bound == 0 || bound > MAX_AVATAR_BOUND {
            return Err(AvatarError::InvalidAvatarBound {
                bound,
                max: MAX_AVATAR_BOUND,
            });
        }
        self.bound = bound;
        Ok(self)
    }

    /// Signs one copy for `binding` with `signer`, whose key is the issuer's verification
    /// method `kid` (under the issuer DID's `assertionMethod`), and returns the compact SD-JWT
    /// for the holder.
    ///
    /// Refused: no avatar; more avatars than the bound; an avatar linked to another holder or
    /// given twice; personal data or extra claims that are not well formed; and whatever
    /// [`SdJwtVcIssuer::issue`] refuses (an `exp` not after `iat`, an X25519 holder key…).
    pub fn issue(
        &self,
        signer: &dyn Signer,
        kid: &DidUrl,
        binding: &HolderBinding,
    ) -> Result<String, AvatarError> {
        let avatars = self.checked_avatars()?;
        let personal = self.personal.claims()?;
        let issuer = SdJwtVcIssuer::new(signer, kid.clone())?;
        self.sign_copy(&issuer, &avatars, &personal, binding)
    }

    /// Signs `bindings.len()` copies, one per binding, each with its own salts, decoys and
    /// signature (module documentation). Two bindings with the same holder key or the same
    /// status entry are refused: the copies would be linkable by it.
    pub fn issue_batch(
        &self,
        signer: &dyn Signer,
        kid: &DidUrl,
        bindings: &[HolderBinding],
    ) -> Result<Vec<String>, AvatarError> {
        let mut keys = HashSet::with_capacity(bindings.len());
        let mut statuses = HashSet::with_capacity(bindings.len());
        for binding in bindings {
            if !keys.insert(binding.holder_key.to_multikey()) {
                return Err(AvatarError::LinkableCopies {
                    reason: "two copies are bound to the same holder key",
                });
            }
            if !statuses.insert(&binding.status) {
                return Err(AvatarError::LinkableCopies {
                    reason: "two copies have the same status list entry",
                });
            }
        }
        let avatars = self.checked_avatars()?;
        let personal = self.personal.claims()?;
        let issuer = SdJwtVcIssuer::new(signer, kid.clone())?;
        bindings
            .iter()
            .map(|binding| self.sign_copy(&issuer, &avatars, &personal, binding))
            .collect()
    }

    /// The avatars' claims, after the checks that do not depend on the copy.
    fn checked_avatars(&self) -> Result<Vec<Value>, AvatarError> {
        if self.avatars.is_empty() {
            return Err(AvatarError::NoAvatar);
        }
        if self.avatars.len() > self.bound {
            return Err(AvatarError::TooManyAvatars {
                count: self.avatars.len(),
                bound: self.bound,
                max: MAX_AVATAR_BOUND,
            });
        }
        let mut seen = HashSet::with_capacity(self.avatars.len());
        for (index, avatar) in self.avatars.iter().enumerate() {
            if avatar.link.holder() != &self.holder {
                return Err(AvatarError::AvatarOfAnotherHolder {
                    position: index + 1,
                });
            }
            if !seen.insert(avatar.link.avatar()) {
                return Err(AvatarError::DuplicateAvatar {
                    position: index + 1,
                });
            }
        }
        Ok(self.avatars.iter().map(LinkedAvatar::to_claim).collect())
    }

    fn sign_copy(
        &self,
        issuer: &SdJwtVcIssuer<'_>,
        avatars: &[Value],
        personal: &[(&'static str, Value)],
        binding: &HolderBinding,
    ) -> Result<String, AvatarError> {
        // Fresh decoy values for every copy, among which the avatars take random places.
        let mut decoys = HashSet::with_capacity(self.bound - avatars.len());
        let mut elements = avatars.to_vec();
        while elements.len() < self.bound {
            let mut bytes = [0u8; 16];
            OsRng.fill_bytes(&mut bytes);
            let decoy = did_core::base64url::encode(&bytes);
            decoys.insert(decoy.clone());
            elements.push(Value::String(decoy));
        }
        elements.shuffle(&mut OsRng);

        let mut claims = Map::new();
        let mut frame = DisclosureFrame::new();
        claims.insert("sub".into(), Value::String(self.holder.to_string()));
        frame = frame.disclose("sub");
        for (name, value) in personal {
            claims.insert((*name).into(), value.clone());
            frame = frame.disclose(*name);
        }
        for (name, value) in &self.extra {
            claims.insert(name.clone(), value.clone());
            frame = frame.disclose(name.clone());
        }
        claims.insert("avatars".into(), Value::Array(elements));
        frame = frame.nest("avatars", DisclosureFrame::new().disclose_all());

        let payload =
            UnsecuredPayload::new(AVATAR_LINK_VCT, binding.holder_key.clone(), self.issued_at)
                .with_claims(claims)
                .expiring_at(self.expires_at)
                .with_status(binding.status.to_status_claim());
        let issued = issuer.issue(payload, &frame)?;

        // The decoys' disclosures stay here: only their digests leave.
        let (jwt, disclosures) = SdJwt::parse(&issued)
            .map_err(crate::Error::from)?
            .into_parts();
        let kept = disclosures
            .into_iter()
            .filter(|disclosure| {
                !(disclosure.is_array_element()
                    && disclosure
                        .value()
                        .as_str()
                        .is_some_and(|value| decoys.contains(value)))
            })
            .collect();
        Ok(SdJwt::new(jwt, kept)
            .map_err(crate::Error::from)?
            .to_compact())
    }
}

fn invalid_claim(name: &'static str, reason: &'static str) -> AvatarError {
    AvatarError::InvalidClaim {
        name: name.into(),
        reason,
    }
}

/// 1 to [`MAX_TEXT_CHARS`] characters, none of them a control character or a bidirectional
/// formatting character: a handle is shown to other people, and a right-to-left override in
/// it would make it read as another (Unicode TR9 §2, "Trojan Source", CVE-2021-42574).
fn check_text(name: &'static str, text: &str) -> Result<(), AvatarError> {
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid_claim(name, "must be 1 to 256 characters"));
    }
    let bidi = |c: char| matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if text.chars().any(|c| c.is_control() || bidi(c)) {
        return Err(invalid_claim(
            name,
            "must not hold control or bidirectional formatting characters",
        ));
    }
    Ok(())
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31 (OpenID Connect Core §5.1 `birthdate`,
/// ISO 8601 full-date).
fn is_full_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && digits(0..4).is_some()
        && digits(5..7).is_some_and(|month| (1..=12).contains(&month))
        && digits(8..10).is_some_and(|day| (1..=31).contains(&day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_full_dates_only() {
        for ok in ["1990-01-31", "2000-12-01", "0000-06-15"] {
            assert!(is_full_date(ok), "{ok}");
        }
        for bad in [
            "1990-1-31",
            "1990-13-01",
            "1990-00-10",
            "1990-01-32",
            "19900131",
            "1990/01/31",
            "1990-01-3١",
        ] {
            assert!(!is_full_date(bad), "{bad}");
        }
    }

    #[test]
    fn personal_data_is_checked_and_hidden_from_debug() {
        let personal = PersonalData {
            name: Some("Alice Example".into()),
            email: Some("alice@example.com".into()),
            ..PersonalData::default()
        };
        assert_eq!(personal.claims().map(|c| c.len()), Ok(2));
        let debug = format!("{personal:?}");
        assert!(debug.contains("email") && !debug.contains("alice@"));

        for bad in [
            PersonalData {
                email: Some("alice.example.com".into()),
                ..PersonalData::default()
            },
            PersonalData {
                birthdate: Some("31/01/1990".into()),
                ..PersonalData::default()
            },
            PersonalData {
                name: Some("Alice\u{202e}".into()),
                ..PersonalData::default()
            },
            PersonalData {
                name: Some(String::new()),
                ..PersonalData::default()
            },
        ] {
            assert!(matches!(
                bad.claims(),
                Err(AvatarError::InvalidClaim { .. })
            ));
        }
    }

    #[test]
    fn rejects_extra_claims_outside_the_allow_list() {
        let holder = Did::parse("did:example:holder").unwrap();
        let credential = AvatarLinkCredential::new(holder, 1, 2);
        let mut claims = Map::new();
        claims.insert("iss".into(), Value::String("did:example:forged".into()));
        assert!(matches!(
            credential.clone().with_disclosable_claims(claims),
            Err(AvatarError::InvalidClaim { .. })
        ));
        let mut claims = Map::new();
        claims.insert("passkey".into(), Value::String("not an object".into()));
        assert!(credential.clone().with_disclosable_claims(claims).is_err());
        let mut claims = Map::new();
        claims.insert("passkey".into(), serde_json::json!({"credential_id": "x"}));
        assert!(credential.with_disclosable_claims(claims).is_ok());
    }

    #[test]
    fn rejects_bounds_out_of_range() {
        let holder = Did::parse("did:example:holder").unwrap();
        let credential = AvatarLinkCredential::new(holder, 1, 2);
        for bound in [0, MAX_AVATAR_BOUND + 1] {
            assert!(credential.clone().with_avatar_bound(bound).is_err());
        }
        assert!(credential.with_avatar_bound(MAX_AVATAR_BOUND).is_ok());
    }
}
