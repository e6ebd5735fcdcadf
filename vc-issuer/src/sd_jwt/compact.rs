//! The compact serialization: `<Issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~`, optionally
//! followed by a key binding JWT, and the `sd_hash` that binds one to the other (RFC 9901 §4,
//! §4.3.1).
//!
//! Parsing is strict and bounded: it refuses what the ABNF of §4 does not allow (an empty
//! disclosure, a JWT that is not three base64url parts), so that formatting a parsed value gives
//! back the exact input and `sd_hash` can be computed from it.

use super::disclosure::Disclosure;
use super::error::SdJwtError;
use super::hash::HashAlgorithm;
use super::{MAX_DISCLOSURES, MAX_SD_JWT_LEN};

/// An SD-JWT: the issuer-signed JWT and the disclosures that go with it, as issued to a holder
/// or presented without key binding.
///
/// The JWT is kept as the string received; its signature is checked by the JOSE layer, and
/// [`verify_disclosures`](super::verify_disclosures) takes the payload that check yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwt {
    issuer_jwt: String,
    disclosures: Vec<Disclosure>,
}

impl SdJwt {
    /// Puts together an issuer-signed JWT and its disclosures, checking the JWT's compact
    /// shape and the number of disclosures.
    pub fn new(issuer_jwt: String, disclosures: Vec<Disclosure>) -> Result<Self, SdJwtError> {
        if !is_compact_jws(&issuer_jwt) {
            return Err(SdJwtError::MalformedIssuerJwt);
        }
        if disclosures.len() > MAX_DISCLOSURES {
            return Err(SdJwtError::TooManyDisclosures {
                max: MAX_DISCLOSURES,
            });
        }
        let sd_jwt = Self {
            issuer_jwt,
            disclosures,
        };
        if sd_jwt.compact_len() > MAX_SD_JWT_LEN {
            return Err(SdJwtError::TooLarge {
                len: sd_jwt.compact_len(),
                max: MAX_SD_JWT_LEN,
            });
        }
        Ok(sd_jwt)
    }

    /// Parses an SD-JWT, which ends in `~` (RFC 9901 §4). Anything after the last `~` is a key
    /// binding JWT and is refused: "a Verifier that expects an SD-JWT MUST verify that the
    /// final tilde-separated component is empty", and a holder must refuse an SD-JWT+KB from
    /// an issuer (§7.2).
    pub fn parse(compact: &str) -> Result<Self, SdJwtError> {
        Ok(Parts::sd_jwt(compact)?.into_sd_jwt())
    }

    /// The issuer-signed JWT, as received or given.
    pub fn issuer_jwt(&self) -> &str {
        &self.issuer_jwt
    }

    /// The disclosures, in the order they were sent.
    pub fn disclosures(&self) -> &[Disclosure] {
        &self.disclosures
    }

    /// The issuer-signed JWT and the disclosures, taken apart.
    pub fn into_parts(self) -> (String, Vec<Disclosure>) {
        (self.issuer_jwt, self.disclosures)
    }

    /// The compact serialization, `<JWT>~<D1>~…~<DN>~`.
    ///
    /// This is the credential itself, salts included: store and send it, do not log it.
    pub fn to_compact(&self) -> String {
        let mut out = String::with_capacity(self.compact_len());
        out.push_str(&self.issuer_jwt);
        out.push('~');
        for disclosure in &self.disclosures {
            out.push_str(disclosure.as_str());
            out.push('~');
        }
        out
    }

    /// `sd_hash` for a key binding JWT over this SD-JWT (RFC 9901 §4.3.1): the base64url hash
    /// of the US-ASCII compact serialization, up to and including the last `~`, with the
    /// algorithm of the payload's `_sd_alg`.
    pub fn sd_hash(&self, alg: HashAlgorithm) -> String {
        let mut parts = Vec::with_capacity(2 + 2 * self.disclosures.len());
        parts.push(self.issuer_jwt.as_str());
        parts.push("~");
        for disclosure in &self.disclosures {
            parts.push(disclosure.as_str());
            parts.push("~");
        }
        alg.digest_parts(&parts)
    }

    fn compact_len(&self) -> usize {
        self.issuer_jwt.len()
            + 1
            + self
                .disclosures
                .iter()
                .map(|d| d.as_str().len() + 1)
                .sum::<usize>()
    }
}

/// An SD-JWT+KB: an SD-JWT and the key binding JWT the holder signed over it (RFC 9901 §4,
/// §4.3). The key binding JWT is kept as received; the JOSE layer checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwtKb {
    sd_jwt: SdJwt,
    key_binding_jwt: String,
}

impl SdJwtKb {
    /// Puts together an SD-JWT and the key binding JWT signed over its
    /// [`sd_hash`](SdJwt::sd_hash).
    pub fn new(sd_jwt: SdJwt, key_binding_jwt: String) -> Result<Self, SdJwtError> {
        if !is_compact_jws(&key_binding_jwt) {
            return Err(SdJwtError::MalformedKeyBindingJwt);
        }
        let len = sd_jwt.compact_len() + key_binding_jwt.len();
        if len > MAX_SD_JWT_LEN {
            return Err(SdJwtError::TooLarge {
                len,
                max: MAX_SD_JWT_LEN,
            });
        }
        Ok(Self {
            sd_jwt,
            key_binding_jwt,
        })
    }

    /// Parses an SD-JWT+KB (RFC 9901 §4): "a Verifier that expects an SD-JWT+KB MUST verify
    /// that its final tilde-separated component is a valid KB-JWT". Whether to expect one is
    /// the verifier's policy, never the input's (§7.3 step 1).
    pub fn parse(compact: &str) -> Result<Self, SdJwtError> {
        let parts = Parts::sd_jwt_kb(compact)?;
        let key_binding_jwt = parts.key_binding_jwt.to_owned();
        Ok(Self {
            sd_jwt: parts.into_sd_jwt(),
            key_binding_jwt,
        })
    }

    /// The SD-JWT the key binding JWT is bound to.
    pub fn sd_jwt(&self) -> &SdJwt {
        &self.sd_jwt
    }

    /// The key binding JWT, as received or given.
    pub fn key_binding_jwt(&self) -> &str {
        &self.key_binding_jwt
    }

    /// The SD-JWT and the key binding JWT, taken apart.
    pub fn into_parts(self) -> (SdJwt, String) {
        (self.sd_jwt, self.key_binding_jwt)
    }

    /// The compact serialization, `<JWT>~<D1>~…~<DN>~<KB-JWT>`.
    pub fn to_compact(&self) -> String {
        let mut out = self.sd_jwt.to_compact();
        out.push_str(&self.key_binding_jwt);
        out
    }
}

/// A compact SD-JWT or SD-JWT+KB taken apart without copying: the JWTs as slices of it, the
/// disclosures parsed. [`SdJwt::parse`] and [`SdJwtKb::parse`] copy them out; a verifier, which
/// needs them once, uses them as they are.
pub(crate) struct Parts<'a> {
    /// The issuer-signed JWT.
    pub(crate) issuer_jwt: &'a str,
    /// The disclosures, in the order they were sent.
    pub(crate) disclosures: Vec<Disclosure>,
    /// Everything up to and including the last `~`: what `sd_hash` covers (RFC 9901 §4.3.1).
    pub(crate) sd_jwt: &'a str,
    /// What follows the last `~`: the key binding JWT, or nothing.
    pub(crate) key_binding_jwt: &'a str,
}

impl<'a> Parts<'a> {
    /// The parts of an SD-JWT, as [`SdJwt::parse`] accepts it.
    pub(crate) fn sd_jwt(compact: &'a str) -> Result<Self, SdJwtError> {
        let parts = split(compact)?;
        if !parts.key_binding_jwt.is_empty() {
            return Err(SdJwtError::UnexpectedKeyBindingJwt);
        }
        Ok(parts)
    }

    /// The parts of an SD-JWT+KB, as [`SdJwtKb::parse`] accepts it.
    pub(crate) fn sd_jwt_kb(compact: &'a str) -> Result<Self, SdJwtError> {
        let parts = split(compact)?;
        if parts.key_binding_jwt.is_empty() {
            return Err(SdJwtError::MissingKeyBindingJwt);
        }
        if !is_compact_jws(parts.key_binding_jwt) {
            return Err(SdJwtError::MalformedKeyBindingJwt);
        }
        Ok(parts)
    }

    fn into_sd_jwt(self) -> SdJwt {
        SdJwt {
            issuer_jwt: self.issuer_jwt.to_owned(),
            disclosures: self.disclosures,
        }
    }
}

/// Splits a compact SD-JWT or SD-JWT+KB into its parts; what follows the last `~` is left to
/// the caller to judge.
fn split(compact: &str) -> Result<Parts<'_>, SdJwtError> {
    if compact.len() > MAX_SD_JWT_LEN {
        return Err(SdJwtError::TooLarge {
            len: compact.len(),
            max: MAX_SD_JWT_LEN,
        });
    }
    // RFC 9901 §4: SD-JWT = JWT "~" *(DISCLOSURE "~"); SD-JWT-KB = SD-JWT KB-JWT.
    let Some((head, key_binding_jwt)) = compact.rsplit_once('~') else {
        return Err(SdJwtError::MissingSeparator);
    };
    let sd_jwt = compact.get(..=head.len()).unwrap_or(compact);
    let mut components = head.split('~');
    let issuer_jwt = components.next().unwrap_or_default();
    if !is_compact_jws(issuer_jwt) {
        return Err(SdJwtError::MalformedIssuerJwt);
    }
    // One allocation: a disclosure is a hundred bytes, and growing the vector copies them.
    let count = count_tildes(head);
    let mut disclosures = Vec::with_capacity(count.min(MAX_DISCLOSURES));
    for (index, component) in components.enumerate() {
        if index >= MAX_DISCLOSURES {
            return Err(SdJwtError::TooManyDisclosures {
                max: MAX_DISCLOSURES,
            });
        }
        if component.is_empty() {
            return Err(SdJwtError::EmptyDisclosure {
                position: index + 1,
            });
        }
        disclosures.push(Disclosure::parse(component)?);
    }
    Ok(Parts {
        issuer_jwt,
        disclosures,
        sd_jwt,
        key_binding_jwt,
    })
}

/// How many `~` separate the components of `head`, counted 255 bytes at a time into a `u8`
/// (which cannot overflow), a loop the compiler turns into wide compares.
fn count_tildes(head: &str) -> usize {
    head.as_bytes()
        .chunks(usize::from(u8::MAX))
        .map(|chunk| {
            usize::from(
                chunk
                    .iter()
                    .fold(0u8, |count, byte| count + u8::from(*byte == b'~')),
            )
        })
        .sum()
}

/// RFC 9901 §4 ABNF: JWT = BASE64URL "." BASE64URL "." BASE64URL, BASE64URL = 1*(ALPHA /
/// DIGIT / "-" / "_"). One leniency: an empty signature part is let through to the JOSE layer,
/// which refuses it anyway, because the only JWT with an empty signature is an unsecured one
/// (RFC 7519 §6) and its header says why it is refused: `alg: none` is then reported as
/// `alg_not_allowed`, not as an unexplained `malformed`.
fn is_compact_jws(jwt: &str) -> bool {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    [header, payload]
        .iter()
        .all(|part| !part.is_empty() && is_base64url(part))
        && is_base64url(signature)
}

/// Whether every byte is in the base64url alphabet (RFC 4648 §5). Written as a fold without
/// early exit so that the compiler checks many bytes per instruction: this runs over every
/// presentation a verifier receives.
fn is_base64url(text: &str) -> bool {
    text.bytes().fold(true, |valid, byte| {
        valid & (byte.is_ascii_alphanumeric() | (byte == b'-') | (byte == b'_'))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJfc2QiOltdfQ.c2ln";

    fn disclosure(value: serde_json::Value) -> Disclosure {
        Disclosure::new_array_element(value).unwrap()
    }

    #[test]
    fn formats_and_parses_back_exactly() {
        let sd_jwt = SdJwt::new(
            JWT.into(),
            vec![disclosure(json!(1)), disclosure(json!("x"))],
        )
        .unwrap();
        let compact = sd_jwt.to_compact();
        assert!(compact.ends_with('~'));
        assert_eq!(compact.matches('~').count(), 3);
        let parsed = SdJwt::parse(&compact).unwrap();
        assert_eq!(parsed, sd_jwt);
        assert_eq!(parsed.to_compact(), compact);

        let without = SdJwt::parse(&format!("{JWT}~")).unwrap();
        assert!(without.disclosures().is_empty());
    }

    #[test]
    fn sd_hash_covers_the_presentation_up_to_the_last_tilde() {
        let sd_jwt = SdJwt::new(JWT.into(), vec![disclosure(json!(1))]).unwrap();
        for alg in HashAlgorithm::ALL {
            assert_eq!(sd_jwt.sd_hash(alg), alg.digest(&sd_jwt.to_compact()));
        }
        let kb = SdJwtKb::new(sd_jwt.clone(), "a.b.c".into()).unwrap();
        let parsed = SdJwtKb::parse(&kb.to_compact()).unwrap();
        assert_eq!(parsed.key_binding_jwt(), "a.b.c");
        assert_eq!(
            parsed.sd_jwt().sd_hash(HashAlgorithm::Sha256),
            sd_jwt.sd_hash(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn parts_are_slices_of_what_parse_copies() {
        let sd_jwt = SdJwt::new(
            JWT.into(),
            vec![disclosure(json!(1)), disclosure(json!("x"))],
        )
        .unwrap();
        let presented = SdJwtKb::new(sd_jwt.clone(), "a.b.c".into())
            .unwrap()
            .to_compact();
        let parts = Parts::sd_jwt_kb(&presented).unwrap();
        assert_eq!(parts.issuer_jwt, JWT);
        assert_eq!(parts.disclosures, sd_jwt.disclosures());
        assert_eq!(parts.sd_jwt, sd_jwt.to_compact());
        assert_eq!(parts.key_binding_jwt, "a.b.c");
        let compact = sd_jwt.to_compact();
        let parts = Parts::sd_jwt(&compact).unwrap();
        assert_eq!(
            (parts.sd_jwt, parts.key_binding_jwt),
            (compact.as_str(), "")
        );
        // The same refusals as the copying parsers.
        assert_eq!(
            Parts::sd_jwt(&presented).map(|p| p.key_binding_jwt),
            Err(SdJwtError::UnexpectedKeyBindingJwt)
        );
        assert_eq!(
            Parts::sd_jwt_kb(&compact).map(|p| p.key_binding_jwt),
            Err(SdJwtError::MissingKeyBindingJwt)
        );
    }

    #[test]
    fn counts_tildes_across_chunks() {
        for len in [0, 1, 254, 255, 256, 600] {
            let text: String = (0..len)
                .map(|i| if i % 3 == 0 { '~' } else { 'a' })
                .collect();
            assert_eq!(count_tildes(&text), text.matches('~').count(), "{len}");
        }
        assert_eq!(count_tildes(&"~".repeat(1000)), 1000);
    }

    #[test]
    fn debug_shows_no_salt_or_value() {
        let secret = Disclosure::new_property("email", json!("alice@example.com")).unwrap();
        let salt = secret.salt().to_owned();
        let sd_jwt = SdJwt::new(JWT.into(), vec![secret]).unwrap();
        let debug = format!("{sd_jwt:?}");
        assert!(debug.contains("email"));
        assert!(!debug.contains(&salt) && !debug.contains("alice@"));
    }

    #[test]
    fn sd_hash_changes_with_the_disclosures_sent() {
        let one = SdJwt::new(JWT.into(), vec![disclosure(json!(1))]).unwrap();
        let none = SdJwt::new(JWT.into(), vec![]).unwrap();
        assert_ne!(
            one.sd_hash(HashAlgorithm::Sha256),
            none.sd_hash(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn rejects_key_binding_jwt_where_an_sd_jwt_is_expected() {
        assert_eq!(
            SdJwt::parse(&format!("{JWT}~a.b.c")),
            Err(SdJwtError::UnexpectedKeyBindingJwt)
        );
    }

    #[test]
    fn rejects_stripped_key_binding_jwt() {
        // An attacker removing the KB-JWT must not turn an SD-JWT+KB into an accepted SD-JWT
        // when the verifier expects key binding (RFC 9901 §9.5).
        assert_eq!(
            SdJwtKb::parse(&format!("{JWT}~")),
            Err(SdJwtError::MissingKeyBindingJwt)
        );
        assert_eq!(
            SdJwtError::MissingKeyBindingJwt.code(),
            crate::report::ErrorCode::KeyBindingRequired
        );
    }

    #[test]
    fn rejects_malformed_key_binding_jwt() {
        for kb in ["a.b", "a..c", ".b.c", "a.b.c.d", "a.b.c d"] {
            assert_eq!(
                SdJwtKb::parse(&format!("{JWT}~{kb}")),
                Err(SdJwtError::MalformedKeyBindingJwt),
                "{kb}"
            );
        }
    }

    #[test]
    fn rejects_plain_jwt() {
        assert_eq!(SdJwt::parse(JWT), Err(SdJwtError::MissingSeparator));
        assert_eq!(SdJwtKb::parse(JWT), Err(SdJwtError::MissingSeparator));
    }

    #[test]
    fn leaves_an_empty_signature_part_to_the_jose_layer() {
        // An unsecured JWT has an empty signature part; its header (`alg: none`) is what the
        // verifier refuses, so the parser hands it on rather than calling it malformed.
        let parsed = SdJwt::parse("eyJhbGciOiJub25lIn0.eyJfc2QiOltdfQ.~").expect("parses");
        assert_eq!(parsed.issuer_jwt(), "eyJhbGciOiJub25lIn0.eyJfc2QiOltdfQ.");
        assert_eq!(
            SdJwt::parse("eyJhbGciOiJub25lIn0..~"),
            Err(SdJwtError::MalformedIssuerJwt)
        );
        let kb = SdJwtKb::parse(&format!("{JWT}~eyJhbGciOiJub25lIn0.e30.")).expect("parses");
        assert_eq!(kb.key_binding_jwt(), "eyJhbGciOiJub25lIn0.e30.");
    }

    #[test]
    fn rejects_malformed_issuer_jwt() {
        for jwt in ["", "a.b", "a.b.c.d", "a.b=.c", "a.b.c+", "a .b.c"] {
            assert_eq!(
                SdJwt::parse(&format!("{jwt}~")),
                Err(SdJwtError::MalformedIssuerJwt),
                "{jwt}"
            );
        }
        assert!(SdJwt::new("a.b".into(), vec![]).is_err());
    }

    #[test]
    fn rejects_empty_disclosure() {
        let d = disclosure(json!(1));
        assert_eq!(
            SdJwt::parse(&format!("{JWT}~{}~~", d.as_str())),
            Err(SdJwtError::EmptyDisclosure { position: 2 })
        );
        assert_eq!(
            SdJwt::parse(&format!("{JWT}~~")),
            Err(SdJwtError::EmptyDisclosure { position: 1 })
        );
    }

    #[test]
    fn rejects_invalid_disclosure_inside() {
        assert_eq!(
            SdJwt::parse(&format!("{JWT}~!!!~")),
            Err(SdJwtError::DisclosureNotBase64url)
        );
    }

    #[test]
    fn rejects_oversized_sd_jwt() {
        let huge = format!("{JWT}~{}~", "A".repeat(MAX_SD_JWT_LEN));
        assert!(matches!(
            SdJwt::parse(&huge),
            Err(SdJwtError::TooLarge { .. })
        ));
    }

    #[test]
    fn rejects_too_many_disclosures() {
        let d = disclosure(json!(0));
        let many = format!(
            "{JWT}~{}",
            format!("{}~", d.as_str()).repeat(MAX_DISCLOSURES + 1)
        );
        assert_eq!(
            SdJwt::parse(&many),
            Err(SdJwtError::TooManyDisclosures {
                max: MAX_DISCLOSURES
            })
        );
        let list = vec![d; MAX_DISCLOSURES + 1];
        assert!(SdJwt::new(JWT.into(), list).is_err());
    }
}
