//! Public keys: one enum over the three key types, with the raw, multicodec and Multikey forms
//! and the Ed25519 to X25519 map that did:key key agreement uses.

use std::fmt;

use super::{KeyError, KeyType, multicodec};

/// A public key of one of the supported types.
///
/// Every constructor that reads bytes checks that they are a usable key: on the curve, not of
/// small order, canonically encoded. A value of this type is therefore always safe to verify
/// with or to agree a key with.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An Ed25519 verifying key (RFC 8032).
    Ed25519(ed25519_dalek::VerifyingKey),
    /// An X25519 public key (RFC 7748).
    X25519(x25519_dalek::PublicKey),
    /// A P-256 public key (SEC1 point, never the identity).
    P256(p256::PublicKey),
}

/// The length of an Ed25519 or X25519 public key.
const CURVE25519_KEY_LEN: usize = 32;
/// The length of a compressed SEC1 P-256 point: tag byte and x coordinate.
const P256_COMPRESSED_LEN: usize = 33;
/// The length of an uncompressed SEC1 P-256 point: tag byte and both coordinates.
const P256_UNCOMPRESSED_LEN: usize = 65;

/// The u-coordinates of every X25519 point of order 1, 2, 4 or 8, in all their 255-bit
/// encodings, with bit 255 clear (RFC 7748 §5 masks it before use).
///
/// Curve25519 is the group Z/8 × Z/ℓ and its twist Z/4 × Z/ℓ'; the points killed by the
/// cofactor have u = 0, 1, p−1 and two order-8 values. Of these, 0 and 1 also have the
/// non-canonical encodings p and p+1 (RFC 7748 §5 requires accepting non-canonical u). A
/// shared secret computed with any of them is all zeros whatever the private key (RFC 7748 §6.1).
const X25519_SMALL_ORDER: [[u8; 32]; 7] = [
    // 0
    [0; 32],
    // 1
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // 325606250916557431795983626356110631294008115727848805560023387167927233504 (order 8)
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    // 39382357235489614581723060781553021112529911719440698176882885853963445705823 (order 8)
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    // p − 1
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p (= 0)
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p + 1 (= 1)
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

impl PublicKey {
    /// The type of this key.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::X25519(_) => KeyType::X25519,
            PublicKey::P256(_) => KeyType::P256,
        }
    }

    /// The raw key: 32 bytes for Ed25519 and X25519, the 33-byte compressed SEC1 point for
    /// P-256 (the form Multikey and did:key use).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(key) => key.as_bytes().to_vec(),
            PublicKey::X25519(key) => key.as_bytes().to_vec(),
            PublicKey::P256(key) => {
                use p256::elliptic_curve::sec1::ToEncodedPoint;
                key.to_encoded_point(true).as_bytes().to_vec()
            }
        }
    }

    /// Reads a raw key of the given type: 32 bytes for Ed25519 and X25519; for P-256 a
    /// compressed (33 bytes) or uncompressed (65 bytes) SEC1 point.
    pub fn from_bytes(key_type: KeyType, bytes: &[u8]) -> Result<PublicKey, KeyError> {
        match key_type {
            KeyType::Ed25519 => ed25519_from_bytes(bytes).map(PublicKey::Ed25519),
            KeyType::X25519 => x25519_from_bytes(bytes).map(PublicKey::X25519),
            KeyType::P256 => p256_from_bytes(bytes).map(PublicKey::P256),
        }
    }

    /// The multicodec form: the varint code of the key type (`ed25519-pub` 0xed, `x25519-pub`
    /// 0xec, `p256-pub` 0x1200) followed by [`to_bytes`](Self::to_bytes).
    pub fn to_multicodec(&self) -> Vec<u8> {
        let raw = self.to_bytes();
        let mut out = Vec::with_capacity(raw.len() + 2);
        multicodec::write_prefix(self.key_type(), &mut out);
        out.extend_from_slice(&raw);
        out
    }

    /// Reads the multicodec form. The bytes after the prefix must be exactly one key: trailing
    /// bytes are refused, and P-256 must be the 33-byte compressed point (Controlled
    /// Identifiers §2.2.2: the prefix 0x8024 "followed by the 33-byte compressed public key
    /// data").
    pub fn from_multicodec(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let (key_type, raw) = multicodec::split(bytes)?;
        if key_type == KeyType::P256 && raw.len() != P256_COMPRESSED_LEN {
            return Err(KeyError::WrongLength {
                key_type,
                expected: P256_COMPRESSED_LEN,
                got: raw.len(),
            });
        }
        PublicKey::from_bytes(key_type, raw)
    }

    /// The Multikey text of this key (Controlled Identifiers §2.2.2): multibase base58btc of the
    /// multicodec form, e.g. `z6Mk…` for Ed25519. This is also the method-specific id of
    /// did:key.
    pub fn to_multikey(&self) -> String {
        multicodec::encode_multikey(&self.to_multicodec())
    }

    /// Reads a Multikey text. Only base58btc (prefix `z`) is accepted.
    pub fn from_multikey(text: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_multicodec(&multicodec::decode_multikey(text)?)
    }

    /// For an Ed25519 key, the X25519 key of the same key pair (the birational map from the
    /// Edwards to the Montgomery form of Curve25519, RFC 7748 §4.1), which did:key uses for
    /// key agreement. `None` for other types.
    pub fn to_x25519(&self) -> Option<PublicKey> {
        match self {
            PublicKey::Ed25519(key) => Some(PublicKey::X25519(x25519_dalek::PublicKey::from(
                key.to_montgomery().to_bytes(),
            ))),
            PublicKey::X25519(_) | PublicKey::P256(_) => None,
        }
    }
}

impl fmt::Debug for PublicKey {
    /// The key type and the Multikey text: short, and enough to compare keys by eye.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.key_type(), self.to_multikey())
    }
}

/// Reads an Ed25519 public key, as RFC 8032 §5.1.3 decodes a point, and refuses small order.
fn ed25519_from_bytes(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
    let bytes: &[u8; CURVE25519_KEY_LEN] = bytes.try_into().map_err(|_| KeyError::WrongLength {
        key_type: KeyType::Ed25519,
        expected: CURVE25519_KEY_LEN,
        got: bytes.len(),
    })?;
    // RFC 8032 §5.1.3 step 1: "If the resulting value is >= p, decoding fails." dalek reduces
    // such a y instead, which would give one key two encodings.
    if !is_canonical_field_element(bytes) {
        return Err(KeyError::NonCanonical(KeyType::Ed25519));
    }
    let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?;
    // A small-order key verifies forged signatures on many messages; RFC 8032 does not forbid
    // it, but no honest key is one (and `PublicKey::verify` refuses it again).
    if key.is_weak() {
        return Err(KeyError::SmallOrder(KeyType::Ed25519));
    }
    Ok(key)
}

/// Whether the low 255 bits of a little-endian encoding are below p = 2^255 − 19.
fn is_canonical_field_element(bytes: &[u8; 32]) -> bool {
    let [first, middle @ .., last] = bytes;
    !(last & 0x7f == 0x7f && middle.iter().all(|b| *b == 0xff) && *first >= 0xed)
}

/// Reads an X25519 public key and refuses the points of small order.
fn x25519_from_bytes(bytes: &[u8]) -> Result<x25519_dalek::PublicKey, KeyError> {
    let bytes: [u8; CURVE25519_KEY_LEN] = bytes.try_into().map_err(|_| KeyError::WrongLength {
        key_type: KeyType::X25519,
        expected: CURVE25519_KEY_LEN,
        got: bytes.len(),
    })?;
    let mut masked = bytes;
    if let Some(last) = masked.last_mut() {
        // RFC 7748 §5: "implementations of X25519 ... MUST mask the most significant bit".
        *last &= 0x7f;
    }
    if X25519_SMALL_ORDER.contains(&masked) {
        return Err(KeyError::SmallOrder(KeyType::X25519));
    }
    // RFC 7748 §5 masks bit 255 and reduces u mod p when *computing*, so u, u with bit 255
    // set and u + p are one key-agreement key. As an identifier each would be another
    // did:key for that key: only the canonical encoding (bit 255 clear, u < p) is read.
    if bytes != masked || !is_canonical_field_element(&bytes) {
        return Err(KeyError::NonCanonical(KeyType::X25519));
    }
    Ok(x25519_dalek::PublicKey::from(bytes))
}

/// Reads a SEC1 P-256 point, compressed (tag 02 or 03) or uncompressed (tag 04); the identity
/// and points off the curve are refused by `p256` itself.
///
/// `p256` also reads the 33-byte "compact" form (tag 05, x alone, y chosen by convention),
/// which SEC1 §2.3.3 does not define: read here, it would give one key a second did:key and
/// let a credential signed under the key verify under the alias.
fn p256_from_bytes(bytes: &[u8]) -> Result<p256::PublicKey, KeyError> {
    let tag_fits = match (bytes.len(), bytes.first()) {
        (P256_COMPRESSED_LEN, Some(0x02 | 0x03)) | (P256_UNCOMPRESSED_LEN, Some(0x04)) => true,
        (P256_COMPRESSED_LEN | P256_UNCOMPRESSED_LEN, _) => false,
        _ => {
            return Err(KeyError::WrongLength {
                key_type: KeyType::P256,
                expected: P256_COMPRESSED_LEN,
                got: bytes.len(),
            });
        }
    };
    if !tag_fits {
        return Err(KeyError::NonCanonical(KeyType::P256));
    }
    p256::PublicKey::from_sec1_bytes(bytes).map_err(|_| KeyError::NotOnCurve)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// did:key spec (W3C CCG, "Test Vectors") Ed25519 example.
    const ED25519_MULTIKEY: &str = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    /// did:key spec P-256 example.
    const P256_MULTIKEY: &str = "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169";

    fn sample(key_type: KeyType) -> PublicKey {
        crate::key::SecretKey::generate(key_type).public_key()
    }

    #[test]
    fn round_trips_each_type_through_every_form() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let key = sample(key_type);
            assert_eq!(key.key_type(), key_type);
            assert_eq!(
                PublicKey::from_bytes(key_type, &key.to_bytes()),
                Ok(key.clone())
            );
            assert_eq!(
                PublicKey::from_multicodec(&key.to_multicodec()),
                Ok(key.clone())
            );
            assert_eq!(
                PublicKey::from_multikey(&key.to_multikey()),
                Ok(key.clone())
            );
        }
    }

    #[test]
    fn multikey_prefixes_name_the_key_type() {
        assert!(sample(KeyType::Ed25519).to_multikey().starts_with("z6Mk"));
        assert!(sample(KeyType::X25519).to_multikey().starts_with("z6LS"));
        assert!(sample(KeyType::P256).to_multikey().starts_with("zDn"));
    }

    #[test]
    fn reads_did_key_spec_examples() {
        for (text, key_type) in [
            (ED25519_MULTIKEY, KeyType::Ed25519),
            (P256_MULTIKEY, KeyType::P256),
        ] {
            let key = PublicKey::from_multikey(text).expect("spec example parses");
            assert_eq!(key.key_type(), key_type);
            assert_eq!(key.to_multikey(), text);
        }
    }

    #[test]
    fn p256_accepts_uncompressed_and_emits_compressed() {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let PublicKey::P256(point) = sample(KeyType::P256) else {
            unreachable!("sample(P256) is a P-256 key")
        };
        let uncompressed = point.to_encoded_point(false);
        let key = PublicKey::from_bytes(KeyType::P256, uncompressed.as_bytes()).expect("valid");
        assert_eq!(key.to_bytes().len(), P256_COMPRESSED_LEN);
        assert_eq!(key, PublicKey::P256(point));
    }

    #[test]
    fn rejects_truncated_key() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let multicodec = sample(key_type).to_multicodec();
            let truncated = &multicodec[..multicodec.len() - 1];
            assert!(
                matches!(
                    PublicKey::from_multicodec(truncated),
                    Err(KeyError::WrongLength { key_type: t, got, .. })
                        if t == key_type && got == multicodec.len() - 3
                ),
                "{key_type}"
            );
        }
    }

    #[test]
    fn rejects_extra_bytes_after_key() {
        for key_type in [KeyType::Ed25519, KeyType::X25519, KeyType::P256] {
            let mut multicodec = sample(key_type).to_multicodec();
            multicodec.push(0);
            assert!(
                matches!(
                    PublicKey::from_multicodec(&multicodec),
                    Err(KeyError::WrongLength { .. })
                ),
                "{key_type}"
            );
            let text = multicodec::encode_multikey(&multicodec);
            assert!(matches!(
                PublicKey::from_multikey(&text),
                Err(KeyError::WrongLength { .. })
            ));
        }
    }

    #[test]
    fn rejects_uncompressed_p256_in_multicodec() {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let PublicKey::P256(point) = sample(KeyType::P256) else {
            unreachable!("sample(P256) is a P-256 key")
        };
        let mut bytes = vec![0x80, 0x24];
        bytes.extend_from_slice(point.to_encoded_point(false).as_bytes());
        assert_eq!(
            PublicKey::from_multicodec(&bytes),
            Err(KeyError::WrongLength {
                key_type: KeyType::P256,
                expected: 33,
                got: 65
            })
        );
    }

    #[test]
    fn rejects_wrong_multicodec() {
        let mut bytes = vec![0xe7, 0x01];
        bytes.extend_from_slice(&[2; 33]);
        assert_eq!(
            PublicKey::from_multicodec(&bytes),
            Err(KeyError::UnknownMulticodec(0xe7))
        );
    }

    #[test]
    fn rejects_ed25519_key_read_as_another_type() {
        // The same 32 bytes under the x25519 codec are a different key: the codec decides.
        let mut ed = sample(KeyType::Ed25519).to_bytes();
        // Bit 255 is the sign of x for Ed25519 and never set in a canonical X25519 key.
        if let Some(last) = ed.last_mut() {
            *last &= 0x7f;
        }
        let mut bytes = vec![0xec, 0x01];
        bytes.extend_from_slice(&ed);
        assert_eq!(
            PublicKey::from_multicodec(&bytes).map(|k| k.key_type()),
            Ok(KeyType::X25519)
        );
        let mut p256 = vec![0x80, 0x24];
        p256.extend_from_slice(&ed);
        assert!(matches!(
            PublicKey::from_multicodec(&p256),
            Err(KeyError::WrongLength { .. })
        ));
    }

    #[test]
    fn rejects_ed25519_point_not_on_curve() {
        // About half of all y have no x on edwards25519; take the first small one dalek refuses
        // so the test shows our error for a real off-curve encoding.
        let off_curve = (2u8..64)
            .map(|y| {
                let mut bytes = [0u8; 32];
                bytes[0] = y;
                bytes
            })
            .find(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_err())
            .expect("some small y is off the curve");
        assert_eq!(
            PublicKey::from_bytes(KeyType::Ed25519, &off_curve),
            Err(KeyError::NotOnCurve)
        );
    }

    #[test]
    fn rejects_small_order_ed25519_key() {
        // The identity (y = 1) and the order-2 point (y = −1 = p − 1).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut order_two = [0xffu8; 32];
        order_two[0] = 0xec;
        order_two[31] = 0x7f;
        for bytes in [identity, order_two] {
            assert_eq!(
                PublicKey::from_bytes(KeyType::Ed25519, &bytes),
                Err(KeyError::SmallOrder(KeyType::Ed25519))
            );
        }
    }

    #[test]
    fn rejects_non_canonical_ed25519_encoding() {
        // Find y = p + k (k small) that dalek would decode to a point of large order, so the
        // test shows our canonical check, not a decoding failure, refusing it.
        let mut found = 0;
        for k in 2u8..19 {
            let mut bytes = [0xffu8; 32];
            bytes[0] = 0xed + k;
            bytes[31] = 0x7f;
            let decoded = ed25519_dalek::VerifyingKey::from_bytes(&bytes);
            if decoded.is_ok_and(|key| !key.is_weak()) {
                found += 1;
                assert_eq!(
                    PublicKey::from_bytes(KeyType::Ed25519, &bytes),
                    Err(KeyError::NonCanonical(KeyType::Ed25519))
                );
            }
        }
        assert!(
            found > 0,
            "no non-canonical encoding of a valid point found"
        );
    }

    #[test]
    fn canonical_check_accepts_the_largest_canonical_value() {
        let mut p_minus_one = [0xffu8; 32];
        p_minus_one[0] = 0xec;
        p_minus_one[31] = 0x7f;
        assert!(is_canonical_field_element(&p_minus_one));
        let mut p = p_minus_one;
        p[0] = 0xed;
        assert!(!is_canonical_field_element(&p));
        // The sign bit (bit 255) is not part of y.
        let mut signed = p_minus_one;
        signed[31] = 0xff;
        assert!(is_canonical_field_element(&signed));
    }

    #[test]
    fn rejects_small_order_x25519_key() {
        let secret = x25519_dalek::StaticSecret::random_from_rng(rand::rngs::OsRng);
        for point in X25519_SMALL_ORDER {
            // Each listed value really is of small order: the shared secret is all zeros.
            let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(point));
            assert!(!shared.was_contributory(), "{point:02x?}");
            assert_eq!(
                PublicKey::from_bytes(KeyType::X25519, &point),
                Err(KeyError::SmallOrder(KeyType::X25519))
            );
            // Bit 255 is ignored by X25519, so setting it must not smuggle the point in.
            let mut high = point;
            high[31] |= 0x80;
            assert_eq!(
                PublicKey::from_bytes(KeyType::X25519, &high),
                Err(KeyError::SmallOrder(KeyType::X25519))
            );
        }
    }

    #[test]
    fn rejects_x25519_alias_with_bit_255_set() {
        let key = sample(KeyType::X25519);
        let mut alias = key.to_bytes();
        alias[31] |= 0x80;
        assert_eq!(
            PublicKey::from_bytes(KeyType::X25519, &alias),
            Err(KeyError::NonCanonical(KeyType::X25519))
        );
        let mut multicodec = vec![0xec, 0x01];
        multicodec.extend_from_slice(&alias);
        let text = multicodec::encode_multikey(&multicodec);
        assert_eq!(
            PublicKey::from_multikey(&text),
            Err(KeyError::NonCanonical(KeyType::X25519))
        );
    }

    #[test]
    fn rejects_x25519_alias_u_plus_p() {
        // u = 9 (the base point) written as 9 + p = 2^255 - 10: the same point mod p.
        let mut alias = [0xff_u8; 32];
        alias[0] = 0xf6;
        alias[31] = 0x7f;
        assert_eq!(
            PublicKey::from_bytes(KeyType::X25519, &alias),
            Err(KeyError::NonCanonical(KeyType::X25519))
        );
        let mut nine = [0_u8; 32];
        nine[0] = 9;
        assert!(PublicKey::from_bytes(KeyType::X25519, &nine).is_ok());
    }

    #[test]
    fn rejects_p256_compact_and_other_sec1_tags() {
        let key = sample(KeyType::P256);
        let compressed = key.to_bytes();
        // The "compact" form p256 would read: tag 05 and the x coordinate.
        for tag in [0x05_u8, 0x00, 0x04, 0x06, 0x07] {
            let mut alias = compressed.clone();
            alias[0] = tag;
            assert_eq!(
                PublicKey::from_bytes(KeyType::P256, &alias),
                Err(KeyError::NonCanonical(KeyType::P256)),
                "tag {tag:#04x}"
            );
            let mut multicodec = vec![0x80, 0x24];
            multicodec.extend_from_slice(&alias);
            assert_eq!(
                PublicKey::from_multicodec(&multicodec),
                Err(KeyError::NonCanonical(KeyType::P256)),
                "tag {tag:#04x}"
            );
        }
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let PublicKey::P256(point) = key else {
            unreachable!("sample(P256) is a P-256 key")
        };
        let mut hybrid = point.to_encoded_point(false).as_bytes().to_vec();
        hybrid[0] = 0x06;
        assert_eq!(
            PublicKey::from_bytes(KeyType::P256, &hybrid),
            Err(KeyError::NonCanonical(KeyType::P256))
        );
    }

    #[test]
    fn rejects_p256_point_not_on_curve() {
        let PublicKey::P256(point) = sample(KeyType::P256) else {
            unreachable!("sample(P256) is a P-256 key")
        };
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let mut bytes = point.to_encoded_point(false).as_bytes().to_vec();
        if let Some(last) = bytes.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            PublicKey::from_bytes(KeyType::P256, &bytes),
            Err(KeyError::NotOnCurve)
        );
    }

    #[test]
    fn rejects_p256_identity() {
        // SEC1 §2.3.3 encodes the identity as the single octet 0x00: refused by length here
        // and by `p256` as well. The all-zero coordinates a JWK could carry are off the curve
        // (0 ≠ b), so the identity has no other way in.
        assert_eq!(
            PublicKey::from_bytes(KeyType::P256, &[0]),
            Err(KeyError::WrongLength {
                key_type: KeyType::P256,
                expected: 33,
                got: 1
            })
        );
        assert!(p256::PublicKey::from_sec1_bytes(&[0]).is_err());
        let mut zeros = [0u8; 65];
        zeros[0] = 0x04;
        assert_eq!(
            PublicKey::from_bytes(KeyType::P256, &zeros),
            Err(KeyError::NotOnCurve)
        );
    }

    #[test]
    fn ed25519_maps_to_the_x25519_key_of_its_secret() {
        let secret = crate::key::SecretKey::generate(KeyType::Ed25519);
        let via_public = secret.public_key().to_x25519();
        let via_secret = secret.to_x25519().map(|s| s.public_key());
        assert!(via_public.is_some());
        assert_eq!(via_public, via_secret);
        assert_eq!(sample(KeyType::P256).to_x25519(), None);
        assert_eq!(sample(KeyType::X25519).to_x25519(), None);
    }

    #[test]
    fn debug_shows_type_and_multikey() {
        let key = PublicKey::from_multikey(ED25519_MULTIKEY).expect("spec example parses");
        assert_eq!(
            format!("{key:?}"),
            format!("PublicKey(Ed25519, {ED25519_MULTIKEY})")
        );
    }
}
