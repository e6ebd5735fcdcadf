//! JSON Web Keys: the public [`Jwk`] (RFC 7517 §4) and the private [`SecretJwk`], and their
//! conversion to and from keys (RFC 8037 §2 for OKP, RFC 7518 §6.2 for EC).

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{KeyError, KeyType, PublicKey, SecretKey};
use crate::base64url;

/// Members that hold private key material in a registered key type: `d` (EC, OKP, RSA), RSA's
/// `p`, `q`, `dp`, `dq`, `qi`, `oth` (RFC 7518 §6.3.2) and the symmetric key `k`
/// (RFC 7518 §6.4.1).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Members that [`Jwk`] holds in fields of its own rather than in `additional`.
const NAMED_MEMBERS: [&str; 8] = ["kty", "crv", "x", "y", "kid", "alg", "use", "key_ops"];

/// The longest `x`, `y` or `d` text accepted before decoding. Every supported coordinate or
/// secret is 32 bytes (43 characters); the margin lets a wrong length get its precise error.
const MAX_MEMBER_CHARS: usize = 128;

/// The length of every coordinate and secret of the supported key types.
const MEMBER_LEN: usize = 32;

/// A public JSON Web Key (RFC 7517 §4): `OKP` keys (RFC 8037 §2), `EC` keys (RFC 7518 §6.2),
/// or any other key type, kept as given so that it can be stored, shown and thumbprinted.
///
/// Reading one from JSON refuses private key members (`d` and the others of RFC 7518), so a
/// value of this type read from outside never carries a secret by accident (RFC 7517 §4).
/// Members this type has no field for are kept in `additional`, in their order.
#[derive(Clone, PartialEq, Eq)]
pub struct Jwk {
    /// `kty`: the key type, e.g. `OKP`, `EC` (RFC 7517 §4.1).
    pub kty: String,
    /// `crv`: the curve, e.g. `Ed25519`, `X25519`, `P-256` (RFC 8037 §2, RFC 7518 §6.2.1.1).
    pub crv: Option<String>,
    /// `x`: the public key (OKP) or its x coordinate (EC), base64url.
    pub x: Option<String>,
    /// `y`: the y coordinate of an EC key, base64url.
    pub y: Option<String>,
    /// `kid`: the key ID (RFC 7517 §4.5).
    pub kid: Option<String>,
    /// `alg`: the algorithm the key is meant for (RFC 7517 §4.4).
    pub alg: Option<String>,
    /// `use`: `sig` or `enc` (RFC 7517 §4.2).
    pub key_use: Option<String>,
    /// `key_ops`: the operations the key is meant for (RFC 7517 §4.3).
    pub key_ops: Option<Vec<String>>,
    /// Every other member, kept in its order: RSA's `n` and `e`, `x5c`, extensions. Members
    /// named by the fields above and private members are never serialized from here.
    pub additional: Map<String, Value>,
}

impl Jwk {
    /// The supported key type this JWK's `kty` and `crv` name.
    pub fn key_type(&self) -> Result<KeyType, KeyError> {
        match (self.kty.as_str(), self.crv.as_deref()) {
            ("OKP", Some("Ed25519")) => Ok(KeyType::Ed25519),
            ("OKP", Some("X25519")) => Ok(KeyType::X25519),
            ("EC", Some("P-256")) => Ok(KeyType::P256),
            _ => Err(KeyError::UnsupportedJwk {
                kty: self.kty.clone(),
                crv: self.crv.clone(),
            }),
        }
    }

    /// A string member given its name, whether it has a field here or sits in `additional`.
    pub(super) fn string_member(&self, name: &'static str) -> Result<Option<&str>, KeyError> {
        Ok(match name {
            "kty" => Some(self.kty.as_str()),
            "crv" => self.crv.as_deref(),
            "x" => self.x.as_deref(),
            "y" => self.y.as_deref(),
            "kid" => self.kid.as_deref(),
            "alg" => self.alg.as_deref(),
            "use" => self.key_use.as_deref(),
            other => match self.additional.get(other) {
                None => None,
                Some(Value::String(text)) => Some(text.as_str()),
                Some(_) => return Err(KeyError::BadJwkMember(name)),
            },
        })
    }

    /// Whether any private key member is present.
    fn has_private_member(&self) -> bool {
        PRIVATE_MEMBERS
            .iter()
            .any(|name| self.additional.contains_key(*name))
    }

    /// Builds a JWK from the members of a JSON object, refusing private members.
    fn from_members(members: Map<String, Value>) -> Result<Jwk, KeyError> {
        let mut sorted = JwkMembers::default();
        for (name, value) in members {
            sorted.insert(MemberName::from(name), value);
        }
        sorted.into_jwk()
    }
    /// Writes the members, with `d` after the public members when given.
    fn serialize_members<M: SerializeMap>(
        &self,
        map: &mut M,
        d: Option<&str>,
    ) -> Result<(), M::Error> {
        map.serialize_entry("kty", &self.kty)?;
        for (name, value) in [("crv", &self.crv), ("x", &self.x), ("y", &self.y)] {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        if let Some(d) = d {
            map.serialize_entry("d", d)?;
        }
        for (name, value) in [
            ("kid", &self.kid),
            ("alg", &self.alg),
            ("use", &self.key_use),
        ] {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        if let Some(ops) = &self.key_ops {
            map.serialize_entry("key_ops", ops)?;
        }
        for (name, value) in &self.additional {
            // A public JWK never writes a secret, and never writes a member twice.
            let name = name.as_str();
            if !PRIVATE_MEMBERS.contains(&name) && !NAMED_MEMBERS.contains(&name) {
                map.serialize_entry(name, value)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Jwk {
    /// Every member except private ones, which a `Jwk` should never hold but could if built
    /// in code: like serialization, `Debug` leaves them out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let additional: Map<String, Value> = self
            .additional
            .iter()
            .filter(|(name, _)| !PRIVATE_MEMBERS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("crv", &self.crv)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("key_use", &self.key_use)
            .field("key_ops", &self.key_ops)
            .field("additional", &additional)
            .finish()
    }
}

/// The name of a JWK member: one [`Jwk`] has a field for, or any other.
enum MemberName {
    Kty,
    Crv,
    X,
    Y,
    Kid,
    Alg,
    Use,
    KeyOps,
    Other(String),
}

impl MemberName {
    /// The named member `name` is, if any.
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "kty" => Self::Kty,
            "crv" => Self::Crv,
            "x" => Self::X,
            "y" => Self::Y,
            "kid" => Self::Kid,
            "alg" => Self::Alg,
            "use" => Self::Use,
            "key_ops" => Self::KeyOps,
            _ => return None,
        })
    }
}

impl From<String> for MemberName {
    fn from(name: String) -> Self {
        Self::named(&name).unwrap_or(Self::Other(name))
    }
}

impl<'de> Deserialize<'de> for MemberName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(MemberNameVisitor)
    }
}

/// Reads a member name without copying it when it is one of the named members.
struct MemberNameVisitor;

impl Visitor<'_> for MemberNameVisitor {
    type Value = MemberName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<MemberName, E> {
        Ok(MemberName::named(name).unwrap_or_else(|| MemberName::Other(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<MemberName, E> {
        Ok(MemberName::from(name))
    }
}

/// The members of a JSON object being read as a [`Jwk`], the named ones set aside. A member
/// given twice keeps its last value, as a JSON object read into a map does.
#[derive(Default)]
struct JwkMembers {
    kty: Option<Value>,
    crv: Option<Value>,
    x: Option<Value>,
    y: Option<Value>,
    kid: Option<Value>,
    alg: Option<Value>,
    key_use: Option<Value>,
    key_ops: Option<Value>,
    additional: Map<String, Value>,
}

impl JwkMembers {
    fn insert(&mut self, name: MemberName, value: Value) {
        let slot = match name {
            MemberName::Kty => &mut self.kty,
            MemberName::Crv => &mut self.crv,
            MemberName::X => &mut self.x,
            MemberName::Y => &mut self.y,
            MemberName::Kid => &mut self.kid,
            MemberName::Alg => &mut self.alg,
            MemberName::Use => &mut self.key_use,
            MemberName::KeyOps => &mut self.key_ops,
            MemberName::Other(name) => {
                self.additional.insert(name, value);
                return;
            }
        };
        *slot = Some(value);
    }

    /// The JWK, after the rules: no private member, `kty` present, every named member of its
    /// JSON type.
    fn into_jwk(self) -> Result<Jwk, KeyError> {
        // RFC 7517 §4: a public key is expected here; a secret is refused, never dropped.
        if PRIVATE_MEMBERS
            .iter()
            .any(|name| self.additional.contains_key(*name))
        {
            return Err(KeyError::PrivateKeyInPublicJwk);
        }
        let kty = string_member(self.kty, "kty")?.ok_or(KeyError::JwkMissing("kty"))?;
        let crv = string_member(self.crv, "crv")?;
        let x = string_member(self.x, "x")?;
        let y = string_member(self.y, "y")?;
        let kid = string_member(self.kid, "kid")?;
        let alg = string_member(self.alg, "alg")?;
        let key_use = string_member(self.key_use, "use")?;
        let key_ops = match self.key_ops {
            None => None,
            Some(Value::Array(items)) => Some(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::String(op) => Ok(op),
                        _ => Err(KeyError::BadJwkMember("key_ops")),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => return Err(KeyError::BadJwkMember("key_ops")),
        };
        Ok(Jwk {
            kty,
            crv,
            x,
            y,
            kid,
            alg,
            key_use,
            key_ops,
            additional: self.additional,
        })
    }
}

/// A member that must be a string when present.
fn string_member(value: Option<Value>, name: &'static str) -> Result<Option<String>, KeyError> {
    match value {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(KeyError::BadJwkMember(name)),
    }
}

impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.serialize_members(&mut map, None)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Jwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let members = deserializer.deserialize_map(JwkVisitor)?;
        members.into_jwk().map_err(de::Error::custom)
    }
}

/// Reads the members of a public JWK one by one, the named ones straight into their places
/// rather than through a map of every member: a verifier reads a JWK from every credential's
/// `cnf`. It reads and refuses exactly what reading the object into a map would, with the
/// same errors.
struct JwkVisitor;

impl<'de> Visitor<'de> for JwkVisitor {
    type Value = JwkMembers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    /// `null` reads as an empty object, as it does into a map; it then lacks `kty`.
    fn visit_unit<E: de::Error>(self) -> Result<JwkMembers, E> {
        Ok(JwkMembers::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<JwkMembers, A::Error> {
        let mut members = JwkMembers::default();
        while let Some(name) = access.next_key::<MemberName>()? {
            let value = access.next_value::<Value>()?;
            members.insert(name, value);
        }
        Ok(members)
    }
}

/// A private JSON Web Key: the public members of a [`Jwk`] and the private key `d`
/// (RFC 8037 §2 for OKP, RFC 7518 §6.2.2.1 for EC).
///
/// `d` zeroizes on drop and `Debug` shows `[redacted]` in its place. Serializing writes `d` in
/// the clear, as a JWK must: encrypt the result before it touches a disk.
#[derive(Clone)]
pub struct SecretJwk {
    public: Jwk,
    d: Zeroizing<String>,
}

impl SecretJwk {
    /// The public members, e.g. to publish the key's public half or read its `kid`.
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// The supported key type the JWK's `kty` and `crv` name.
    pub fn key_type(&self) -> Result<KeyType, KeyError> {
        self.public.key_type()
    }
}

impl fmt::Debug for SecretJwk {
    /// The public members and `d: [redacted]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretJwk")
            .field("kty", &self.public.kty)
            .field("crv", &self.public.crv)
            .field("x", &self.public.x)
            .field("y", &self.public.y)
            .field("kid", &self.public.kid)
            .field("d", &"[redacted]")
            .finish()
    }
}

impl Serialize for SecretJwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.public
            .serialize_members(&mut map, Some(self.d.as_str()))?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for SecretJwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SecretJwkVisitor)
    }
}

/// Reads a private JWK member by member, so that `d` goes straight into zeroizing memory
/// instead of through a `serde_json::Value` that would be dropped without being wiped.
struct SecretJwkVisitor;

impl<'de> Visitor<'de> for SecretJwkVisitor {
    type Value = SecretJwk;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a private JWK (a JSON object with a \"d\" member)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<SecretJwk, A::Error> {
        let mut d: Option<SecretMember> = None;
        let mut members = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            if name == "d" {
                if d.is_some() {
                    return Err(de::Error::duplicate_field("d"));
                }
                d = Some(access.next_value::<SecretMember>()?);
            } else {
                let value = access.next_value::<Value>()?;
                members.insert(name, value);
            }
        }
        let d = d.ok_or_else(|| de::Error::custom(KeyError::JwkMissing("d")))?;
        let public = Jwk::from_members(members).map_err(de::Error::custom)?;
        Ok(SecretJwk { public, d: d.0 })
    }
}

/// A JSON string read straight into zeroizing memory.
struct SecretMember(Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(SecretMemberVisitor)
    }
}

/// The visitor of [`SecretMember`]; its errors never quote the value.
struct SecretMemberVisitor;

impl Visitor<'_> for SecretMemberVisitor {
    type Value = SecretMember;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a base64url string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<SecretMember, E> {
        Ok(SecretMember(Zeroizing::new(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<SecretMember, E> {
        Ok(SecretMember(Zeroizing::new(text)))
    }
}

impl PublicKey {
    /// The public JWK of this key: `{"kty":"OKP","crv":"Ed25519"|"X25519","x":…}`
    /// (RFC 8037 §2) or `{"kty":"EC","crv":"P-256","x":…,"y":…}` (RFC 7518 §6.2.1).
    pub fn to_jwk(&self) -> Jwk {
        let key_type = self.key_type();
        let (x, y) = match self {
            PublicKey::Ed25519(key) => (base64url::encode(key.as_bytes()), None),
            PublicKey::X25519(key) => (base64url::encode(key.as_bytes()), None),
            PublicKey::P256(key) => {
                use p256::elliptic_curve::sec1::{Coordinates, ToEncodedPoint};
                let point = key.to_encoded_point(false);
                match point.coordinates() {
                    Coordinates::Uncompressed { x, y } => {
                        (base64url::encode(x), Some(base64url::encode(y)))
                    }
                    // `to_encoded_point(false)` of a public key (never the identity) is
                    // always uncompressed; the other arms cannot occur.
                    Coordinates::Identity
                    | Coordinates::Compressed { .. }
                    | Coordinates::Compact { .. } => (String::new(), None),
                }
            }
        };
        Jwk {
            kty: key_type.jwk_kty().to_owned(),
            crv: Some(key_type.jwk_crv().to_owned()),
            x: Some(x),
            y,
            kid: None,
            alg: None,
            key_use: None,
            key_ops: None,
            additional: Map::new(),
        }
    }

    /// Reads a public JWK of a supported type. A JWK carrying private key material is refused
    /// (RFC 7517 §4), and so are coordinates of the wrong size (RFC 7518 §6.2.1.2: "MUST be the
    /// full size of a coordinate").
    pub fn from_jwk(jwk: &Jwk) -> Result<PublicKey, KeyError> {
        if jwk.has_private_member() {
            return Err(KeyError::PrivateKeyInPublicJwk);
        }
        public_from_members(jwk.key_type()?, jwk)
    }
}

/// The public key that a JWK's public members (`x`, and `y` for EC) describe.
fn public_from_members(key_type: KeyType, jwk: &Jwk) -> Result<PublicKey, KeyError> {
    let x = decode_member("x", jwk.x.as_deref(), key_type)?;
    match key_type {
        KeyType::Ed25519 | KeyType::X25519 => {
            // RFC 8037 §2 defines no `y` for OKP keys.
            if jwk.y.is_some() {
                return Err(KeyError::UnexpectedJwkMember("y"));
            }
            PublicKey::from_bytes(key_type, x.as_slice())
        }
        KeyType::P256 => {
            let y = decode_member("y", jwk.y.as_deref(), key_type)?;
            let mut sec1 = Vec::with_capacity(1 + 2 * MEMBER_LEN);
            sec1.push(0x04);
            sec1.extend_from_slice(x.as_slice());
            sec1.extend_from_slice(y.as_slice());
            PublicKey::from_bytes(key_type, &sec1)
        }
    }
}

/// Decodes a base64url member that must hold exactly [`MEMBER_LEN`] bytes, without an
/// allocation when it does. The result is zeroizing because the same path reads `d`.
fn decode_member(
    name: &'static str,
    text: Option<&str>,
    key_type: KeyType,
) -> Result<Zeroizing<[u8; MEMBER_LEN]>, KeyError> {
    let text = text.ok_or(KeyError::JwkMissing(name))?;
    if text.len() > MAX_MEMBER_CHARS {
        return Err(KeyError::InputTooLarge {
            max: MAX_MEMBER_CHARS,
            got: text.len(),
        });
    }
    if let Some(bytes) = base64url::decode_array::<MEMBER_LEN>(text) {
        return Ok(Zeroizing::new(bytes));
    }
    // Not the encoding of exactly MEMBER_LEN bytes: say whether it is not base64url at all or
    // of another length.
    let bytes = Zeroizing::new(base64url::decode(text).ok_or(KeyError::BadBase64Url(name))?);
    Err(KeyError::WrongLength {
        key_type,
        expected: MEMBER_LEN,
        got: bytes.len(),
    })
}

impl SecretKey {
    /// The private JWK of this key: its public JWK plus `d` (RFC 8037 §2: the Ed25519 seed or
    /// the X25519 scalar; RFC 7518 §6.2.2.1: the P-256 scalar, 32 bytes big-endian).
    pub fn to_jwk(&self) -> SecretJwk {
        let d = Zeroizing::new(base64url::encode(&self.to_bytes()));
        SecretJwk {
            public: self.public_key().to_jwk(),
            d,
        }
    }

    /// Reads a private JWK of a supported type. Its public members are required (RFC 8037 §2:
    /// "x" MUST be present; RFC 7518 §6.2.2: the EC public members too) and must be the public
    /// key of `d`, so a JWK that pairs one key's secret with another's public key is refused.
    pub fn from_jwk(jwk: &SecretJwk) -> Result<SecretKey, KeyError> {
        let key_type = jwk.key_type()?;
        let d = decode_member("d", Some(jwk.d.as_str()), key_type)?;
        let secret = SecretKey::from_bytes(key_type, d.as_slice())?;
        if public_from_members(key_type, &jwk.public)? != secret.public_key() {
            return Err(KeyError::JwkKeyMismatch);
        }
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.1 (private) and A.2 (public) Ed25519 key.
    const A1_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const A1_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /// RFC 7515 Appendix A.3 P-256 key.
    const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    const A3_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";

    fn jwk(json: Value) -> Result<Jwk, serde_json::Error> {
        serde_json::from_value(json)
    }

    fn secret_jwk(json: Value) -> Result<SecretJwk, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn reads_rfc8037_public_and_private_key() {
        let public = jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": A1_X}))
            .expect("RFC 8037 A.2");
        let private =
            secret_jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": A1_D, "x": A1_X}))
                .expect("RFC 8037 A.1");
        let secret = SecretKey::from_jwk(&private).expect("valid private JWK");
        assert_eq!(PublicKey::from_jwk(&public), Ok(secret.public_key()));
        assert_eq!(secret.public_key().to_jwk(), public);
    }

    #[test]
    fn reads_rfc7515_p256_key() {
        let private = secret_jwk(
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": A3_X, "y": A3_Y, "d": A3_D}),
        )
        .expect("RFC 7515 A.3");
        let secret = SecretKey::from_jwk(&private).expect("valid private JWK");
        let public = secret.public_key().to_jwk();
        assert_eq!(public.x.as_deref(), Some(A3_X));
        assert_eq!(public.y.as_deref(), Some(A3_Y));
    }

    #[test]
    fn round_trips_jwk_for_each_type() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let secret = SecretKey::generate(key_type);
            let public = secret.public_key();
            let text = serde_json::to_string(&public.to_jwk()).expect("serializes");
            let parsed: Jwk = serde_json::from_str(&text).expect("parses");
            assert_eq!(PublicKey::from_jwk(&parsed), Ok(public.clone()));

            let text = serde_json::to_string(&secret.to_jwk()).expect("serializes");
            let parsed: SecretJwk = serde_json::from_str(&text).expect("parses");
            let again = SecretKey::from_jwk(&parsed).expect("own JWK");
            assert_eq!(again.public_key(), public);
        }
    }

    #[test]
    fn keeps_unknown_members_in_order() {
        let parsed = jwk(serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": A1_X, "kid": "key-1",
            "zeta": 1, "alpha": {"nested": true}, "use": "sig", "key_ops": ["verify"]
        }))
        .expect("valid");
        assert_eq!(parsed.kid.as_deref(), Some("key-1"));
        assert_eq!(parsed.key_use.as_deref(), Some("sig"));
        assert_eq!(parsed.key_ops, Some(vec!["verify".to_owned()]));
        let names: Vec<&str> = parsed.additional.keys().map(String::as_str).collect();
        assert_eq!(names, ["zeta", "alpha"]);
        let again: Jwk = serde_json::from_str(&serde_json::to_string(&parsed).expect("serializes"))
            .expect("parses");
        assert_eq!(again, parsed);
    }

    #[test]
    fn reads_exactly_what_a_map_of_the_members_reads() {
        // The member-by-member reader against the plain one: read into a map, then sorted.
        let through_map = |text: &str| {
            serde_json::from_str::<Map<String, Value>>(text)
                .and_then(|members| Jwk::from_members(members).map_err(de::Error::custom))
        };
        for text in [
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{A1_X}"}}"#),
            format!(r#"{{"x":"{A1_X}","zeta":[1],"kty":"OKP","alpha":null,"crv":"Ed25519"}}"#),
            // A member given twice keeps its last value, a named one as any other.
            format!(r#"{{"kty":"EC","kty":"OKP","crv":"Ed25519","x":"{A1_X}","z":1,"z":2}}"#),
            r#"{"kty":"OKP","kty":5}"#.to_owned(),
            r#"{"kty":"OKP","key_ops":["sign","verify"],"use":"sig","alg":"EdDSA","kid":"k"}"#
                .to_owned(),
            r#"{"kty":"OKP","key_ops":["sign",1]}"#.to_owned(),
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{A1_X}","d":"{A1_D}"}}"#),
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB","qi":"AQAB"}"#.to_owned(),
            r#"{"crv":"Ed25519"}"#.to_owned(),
            r#"{"kty":null}"#.to_owned(),
            "{}".to_owned(),
            "null".to_owned(),
            r#"["kty","OKP"]"#.to_owned(),
            r#""OKP""#.to_owned(),
            r#"{"kty":"OKP","#.to_owned(),
            r#"{"kty":"OKP"} trailing"#.to_owned(),
        ] {
            let direct = serde_json::from_str::<Jwk>(&text).map_err(|error| error.to_string());
            let expected = through_map(&text).map_err(|error| error.to_string());
            assert_eq!(direct, expected, "{text}");
            let value = serde_json::from_str::<Value>(&text);
            if let Ok(value) = value {
                let direct = Jwk::deserialize(&value).map_err(|error| error.to_string());
                let expected = Map::<String, Value>::deserialize(&value)
                    .and_then(|members| Jwk::from_members(members).map_err(de::Error::custom))
                    .map_err(|error: serde_json::Error| error.to_string());
                assert_eq!(direct, expected, "{text}");
            }
        }
    }

    #[test]
    fn rejects_d_in_public_jwk() {
        let json = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": A1_X, "d": A1_D});
        let err = jwk(json).expect_err("d refused");
        assert!(err.to_string().contains("private key material"), "{err}");
        assert!(!err.to_string().contains(A1_D), "{err}");
    }

    #[test]
    fn rejects_every_private_member_in_public_jwk() {
        for name in PRIVATE_MEMBERS {
            let mut json = serde_json::json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"});
            if let Some(object) = json.as_object_mut() {
                object.insert(name.to_owned(), Value::String("c2VjcmV0".to_owned()));
            }
            assert!(jwk(json).is_err(), "{name}");
        }
    }

    #[test]
    fn rejects_d_smuggled_into_public_jwk_fields() {
        // Built in code rather than parsed: `from_jwk` still refuses it, and serializing
        // never writes it.
        let mut smuggled = SecretKey::generate(KeyType::Ed25519).public_key().to_jwk();
        smuggled
            .additional
            .insert("d".to_owned(), Value::String(A1_D.to_owned()));
        assert_eq!(
            PublicKey::from_jwk(&smuggled),
            Err(KeyError::PrivateKeyInPublicJwk)
        );
        let text = serde_json::to_string(&smuggled).expect("serializes");
        assert!(!text.contains(A1_D), "{text}");
        let debug = format!("{smuggled:?}");
        assert!(!debug.contains(A1_D), "{debug}");
    }

    #[test]
    fn rejects_jwk_with_wrong_crv_or_kty() {
        for (kty, crv) in [
            ("OKP", Some("P-256")),
            ("EC", Some("Ed25519")),
            ("OKP", Some("Ed448")),
            ("EC", Some("secp256k1")),
            ("RSA", None),
            ("OKP", None),
            ("okp", Some("Ed25519")),
        ] {
            let key = Jwk {
                crv: crv.map(str::to_owned),
                kty: kty.to_owned(),
                ..PublicKey::from_jwk(
                    &jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": A1_X}))
                        .expect("valid"),
                )
                .expect("valid")
                .to_jwk()
            };
            assert_eq!(
                PublicKey::from_jwk(&key),
                Err(KeyError::UnsupportedJwk {
                    kty: kty.to_owned(),
                    crv: crv.map(str::to_owned)
                })
            );
        }
    }

    #[test]
    fn rejects_missing_or_malformed_members() {
        let missing_x = jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519"})).expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&missing_x),
            Err(KeyError::JwkMissing("x"))
        );
        let missing_y =
            jwk(serde_json::json!({"kty": "EC", "crv": "P-256", "x": A3_X})).expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&missing_y),
            Err(KeyError::JwkMissing("y"))
        );
        let padded =
            jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": format!("{A1_X}=")}))
                .expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&padded),
            Err(KeyError::BadBase64Url("x"))
        );
        let okp_with_y =
            jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": A1_X, "y": A1_X}))
                .expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&okp_with_y),
            Err(KeyError::UnexpectedJwkMember("y"))
        );
        assert!(jwk(serde_json::json!({"crv": "Ed25519", "x": A1_X})).is_err());
        assert!(jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": 5})).is_err());
        assert!(jwk(serde_json::json!({"kty": "OKP", "key_ops": "sign"})).is_err());
        assert!(jwk(serde_json::json!(["kty", "OKP"])).is_err());
    }

    #[test]
    fn rejects_truncated_coordinate() {
        // RFC 7518 §6.2.1.2: a coordinate with its leading zero octet stripped is refused.
        let short = base64url::encode(&[1u8; 31]);
        let key = jwk(serde_json::json!({"kty": "EC", "crv": "P-256", "x": short, "y": A3_Y}))
            .expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&key),
            Err(KeyError::WrongLength {
                key_type: KeyType::P256,
                expected: 32,
                got: 31
            })
        );
    }

    #[test]
    fn rejects_x_in_the_standard_base64_alphabet_or_too_long() {
        // The right length for 32 bytes, but `+` and `/` are not base64url (RFC 7515 §2).
        let standard = A1_X.replace('_', "/");
        assert_eq!(standard.len(), A1_X.len());
        let key = jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": standard}))
            .expect("parses");
        assert_eq!(PublicKey::from_jwk(&key), Err(KeyError::BadBase64Url("x")));
        let long = base64url::encode(&[7u8; 33]);
        let key =
            jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": long})).expect("parses");
        assert_eq!(
            PublicKey::from_jwk(&key),
            Err(KeyError::WrongLength {
                key_type: KeyType::Ed25519,
                expected: 32,
                got: 33
            })
        );
    }

    #[test]
    fn rejects_oversized_member_before_decoding() {
        let long = "A".repeat(MAX_MEMBER_CHARS + 4);
        let key =
            jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": long})).expect("parses");
        assert!(matches!(
            PublicKey::from_jwk(&key),
            Err(KeyError::InputTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_p256_jwk_point_not_on_curve() {
        let key = jwk(serde_json::json!({"kty": "EC", "crv": "P-256", "x": A3_X, "y": A3_X}))
            .expect("parses");
        assert_eq!(PublicKey::from_jwk(&key), Err(KeyError::NotOnCurve));
    }

    #[test]
    fn rejects_private_jwk_with_foreign_public_key() {
        let other = SecretKey::generate(KeyType::Ed25519).public_key().to_jwk();
        let json = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": A1_D, "x": other.x});
        let private = secret_jwk(json).expect("parses");
        assert_eq!(
            SecretKey::from_jwk(&private).map(|k| k.key_type()),
            Err(KeyError::JwkKeyMismatch)
        );
    }

    #[test]
    fn rejects_private_jwk_without_public_members() {
        let private = secret_jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": A1_D}))
            .expect("parses");
        assert_eq!(
            SecretKey::from_jwk(&private).map(|k| k.key_type()),
            Err(KeyError::JwkMissing("x"))
        );
    }

    #[test]
    fn rejects_private_jwk_without_d_or_with_two() {
        assert!(
            secret_jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": A1_X})).is_err()
        );
        let twice =
            format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{A1_D}","d":"{A1_D}","x":"{A1_X}"}}"#);
        assert!(serde_json::from_str::<SecretJwk>(&twice).is_err());
    }

    #[test]
    fn debug_of_secret_jwk_redacts_d() {
        let secret = SecretKey::generate(KeyType::P256);
        let private = secret.to_jwk();
        let debug = format!("{private:?}");
        assert!(!debug.contains(private.d.as_str()), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        let rfc =
            secret_jwk(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": A1_D, "x": A1_X}))
                .expect("parses");
        assert!(!format!("{rfc:?}").contains(A1_D));
    }

    #[test]
    fn secret_jwk_serializes_d_after_public_members() {
        let private = secret_jwk(
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": A1_D, "x": A1_X, "kid": "k"}),
        )
        .expect("parses");
        assert_eq!(
            serde_json::to_string(&private).expect("serializes"),
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{A1_X}","d":"{A1_D}","kid":"k"}}"#)
        );
        assert_eq!(private.public_jwk().kid.as_deref(), Some("k"));
    }
}
