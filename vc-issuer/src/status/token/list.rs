//! The Token Status List of the IETF OAuth draft (draft-ietf-oauth-status-list §4): statuses of
//! 1, 2, 4 or 8 bits packed least-significant-bit first, ZLIB-compressed, and its JSON form
//! `{"bits", "lst"}`.

use std::fmt;

use did_core::base64url;
use serde::{Deserialize, Serialize};

use crate::status::inflate::{self, Container, MAX_DECOMPRESSED_BYTES};
use crate::status::{StatusListError, StatusValue};

/// The longest `lst` decoded: base64url of a 16 MiB list that did not compress at all, with
/// room for the DEFLATE framing. Longer input is refused before any decoding.
pub const MAX_LST_CHARS: usize = (MAX_DECOMPRESSED_BYTES / 3 + 1024) * 4;

/// The number of bits per status of a Token Status List: 1, 2, 4 or 8 (§4.1 step 1), so that
/// every status sits inside one byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum StatusBits {
    /// 1 bit: `VALID` or `INVALID`.
    One,
    /// 2 bits: up to 4 statuses, room for `SUSPENDED`.
    Two,
    /// 4 bits: up to 16 statuses.
    Four,
    /// 8 bits: up to 256 statuses.
    Eight,
}

impl StatusBits {
    /// Every allowed value, smallest first.
    pub const ALL: [StatusBits; 4] = [
        StatusBits::One,
        StatusBits::Two,
        StatusBits::Four,
        StatusBits::Eight,
    ];

    /// The number of bits.
    pub fn get(self) -> u8 {
        match self {
            StatusBits::One => 1,
            StatusBits::Two => 2,
            StatusBits::Four => 4,
            StatusBits::Eight => 8,
        }
    }

    /// The `bits` member of a Status List, which JSON carries as any integer.
    pub fn from_u64(bits: u64) -> Result<StatusBits, StatusListError> {
        match bits {
            1 => Ok(StatusBits::One),
            2 => Ok(StatusBits::Two),
            4 => Ok(StatusBits::Four),
            8 => Ok(StatusBits::Eight),
            other => Err(StatusListError::InvalidBits(other)),
        }
    }

    /// The mask of one status, in the low bits.
    fn mask(self) -> u8 {
        match self {
            StatusBits::Eight => u8::MAX,
            narrow => (1u8 << narrow.get()) - 1,
        }
    }
}

impl TryFrom<u8> for StatusBits {
    type Error = StatusListError;

    fn try_from(bits: u8) -> Result<Self, Self::Error> {
        StatusBits::from_u64(u64::from(bits))
    }
}

impl From<StatusBits> for u8 {
    fn from(bits: StatusBits) -> Self {
        bits.get()
    }
}

impl fmt::Display for StatusBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

/// The JSON form of a Status List (§4.2): the bits per status and the compressed list,
/// base64url-encoded. This is the `status_list` claim of a Status List Token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusList {
    /// The number of bits per Referenced Token.
    pub bits: StatusBits,
    /// The status list: base64url (no padding) of the ZLIB-compressed byte array.
    pub lst: String,
    /// Where to fetch the Status List Aggregation (§9), if the issuer offers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_uri: Option<String>,
}

impl StatusList {
    /// Decodes the list, under the default size limit.
    pub fn decode(&self) -> Result<TokenStatusList, StatusListError> {
        TokenStatusList::decode(self.bits, &self.lst)
    }
}

/// A Token Status List in memory: the uncompressed byte array and its bits per status.
///
/// Statuses are packed from the least significant bit of each byte up (§4.1 step 3): with
/// 1 bit per status, index 0 is bit 0 of byte 0 and index 7 is bit 7 of byte 0 — the opposite
/// bit order of the W3C [`BitstringStatusList`](crate::status::BitstringStatusList).
///
/// ```
/// use vc_issuer::status::{StatusBits, StatusValue, TokenStatusList};
///
/// // draft-ietf-oauth-status-list §4.2: statuses 0, 3, 4, 5, 7, 8, 9, 13 and 15 are INVALID.
/// let list = TokenStatusList::decode(StatusBits::One, "eNrbuRgAAhcBXQ")?;
/// assert_eq!(list.as_bytes(), &[0xB9, 0xA3]);
/// assert_eq!(list.get(0)?, StatusValue::Invalid);
/// assert_eq!(list.get(1)?, StatusValue::Valid);
/// assert!(list.get(16).is_err());
/// # Ok::<(), vc_issuer::status::StatusListError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TokenStatusList {
    bits: StatusBits,
    bytes: Vec<u8>,
}

impl TokenStatusList {
    /// A list with room for at least `len` statuses, all `VALID` (0x00, the value §13.3
    /// recommends as default so that unused indexes look like valid tokens).
    ///
    /// The byte array is rounded up to whole bytes, so [`len`](Self::len) may exceed `len`;
    /// §13.4 recommends sizes whose bits divide into bytes.
    pub fn new(bits: StatusBits, len: usize) -> Result<TokenStatusList, StatusListError> {
        let too_large = StatusListError::ListTooLarge {
            len,
            max: MAX_DECOMPRESSED_BYTES,
        };
        let total_bits = len
            .checked_mul(usize::from(bits.get()))
            .ok_or_else(|| too_large.clone())?;
        let byte_len = total_bits.div_ceil(8);
        if byte_len > MAX_DECOMPRESSED_BYTES {
            return Err(too_large);
        }
        Ok(TokenStatusList {
            bits,
            bytes: vec![0; byte_len],
        })
    }

    /// A list over an uncompressed byte array (§4.1 steps 2–3).
    pub fn from_bytes(
        bits: StatusBits,
        bytes: Vec<u8>,
    ) -> Result<TokenStatusList, StatusListError> {
        if bytes.len() > MAX_DECOMPRESSED_BYTES {
            return Err(StatusListError::DecompressedTooLarge {
                max: MAX_DECOMPRESSED_BYTES,
            });
        }
        Ok(TokenStatusList { bits, bytes })
    }

    /// Decodes `lst` (base64url of the ZLIB-compressed byte array) under the default limit of
    /// [`MAX_DECOMPRESSED_BYTES`].
    pub fn decode(bits: StatusBits, lst: &str) -> Result<TokenStatusList, StatusListError> {
        TokenStatusList::decode_with_limit(bits, lst, MAX_DECOMPRESSED_BYTES)
    }

    /// Decodes `lst`, refusing a list that decompresses to more than `max_bytes` — the guard
    /// against a decompression bomb (§11.1 asks for care in decoding; a few kilobytes of `lst`
    /// can expand to gigabytes).
    pub fn decode_with_limit(
        bits: StatusBits,
        lst: &str,
        max_bytes: usize,
    ) -> Result<TokenStatusList, StatusListError> {
        if lst.len() > MAX_LST_CHARS {
            return Err(StatusListError::EncodedTooLarge {
                max: MAX_LST_CHARS,
                got: lst.len(),
            });
        }
        // §4.2: `lst` is base64url as RFC 7515 §2 defines it — no padding, no line breaks.
        let compressed = base64url::decode(lst).ok_or_else(|| {
            StatusListError::InvalidBase64("an invalid character, padding or length".to_owned())
        })?;
        let bytes = inflate::decompress(Container::Zlib, &compressed, max_bytes)?;
        Ok(TokenStatusList { bits, bytes })
    }

    /// The JSON form: ZLIB at the highest compression level (§4.1 step 4), base64url.
    pub fn encode(&self) -> Result<StatusList, StatusListError> {
        let compressed = inflate::compress(Container::Zlib, &self.bytes)?;
        Ok(StatusList {
            bits: self.bits,
            lst: base64url::encode(&compressed),
            aggregation_uri: None,
        })
    }

    /// The bits per status.
    pub fn bits(&self) -> StatusBits {
        self.bits
    }

    /// How many statuses the list holds: every index below this is readable.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8 / usize::from(self.bits.get())
    }

    /// Whether the list holds no status at all.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The uncompressed byte array.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `index`, or [`StatusListError::IndexOutOfRange`] (§8.3 step 6: an index
    /// out of bounds allows no statement about the token).
    pub fn get(&self, index: u64) -> Result<StatusValue, StatusListError> {
        let (byte, shift) = self.locate(index)?;
        Ok(StatusValue::from((byte >> shift) & self.bits.mask()))
    }

    /// Sets the status at `index`. The value must fit the list's bits per status: a 1-bit
    /// list cannot say `SUSPENDED` (§4.1).
    pub fn set(&mut self, index: u64, status: StatusValue) -> Result<(), StatusListError> {
        let value = status.value();
        if value > self.bits.mask() {
            return Err(StatusListError::ValueTooWide {
                value,
                bits: self.bits.get(),
            });
        }
        let (position, shift) = self.position(index)?;
        let (mask, len) = (self.bits.mask(), self.len());
        let byte = self
            .bytes
            .get_mut(position)
            .ok_or(StatusListError::IndexOutOfRange { index, len })?;
        *byte = (*byte & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// The byte holding `index` and the shift of its status in that byte.
    fn locate(&self, index: u64) -> Result<(u8, u32), StatusListError> {
        let (position, shift) = self.position(index)?;
        let byte = self
            .bytes
            .get(position)
            .copied()
            .ok_or_else(|| self.out_of_range(index))?;
        Ok((byte, shift))
    }

    /// §4.1 step 3: byte `index * bits / 8`, counted from the least significant bit.
    fn position(&self, index: u64) -> Result<(usize, u32), StatusListError> {
        let bits = u64::from(self.bits.get());
        let bit = index
            .checked_mul(bits)
            .ok_or_else(|| self.out_of_range(index))?;
        let position = usize::try_from(bit / 8).map_err(|_| self.out_of_range(index))?;
        if position >= self.bytes.len() {
            return Err(self.out_of_range(index));
        }
        // `bit % 8` is below 8, so the cast cannot truncate.
        Ok((position, (bit % 8) as u32))
    }

    fn out_of_range(&self, index: u64) -> StatusListError {
        StatusListError::IndexOutOfRange {
            index,
            len: self.len(),
        }
    }
}

impl fmt::Debug for TokenStatusList {
    /// The shape of the list, not its (possibly megabytes of) content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStatusList")
            .field("bits", &self.bits.get())
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §4.1, the 1-bit example: the statuses of indexes 0..16 and their byte array.
    const ONE_BIT: [u8; 16] = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    /// §4.1, the 2-bit example: indexes 0..12.
    const TWO_BIT: [u8; 12] = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];

    fn list_of(bits: StatusBits, statuses: &[u8]) -> TokenStatusList {
        let mut list = TokenStatusList::new(bits, statuses.len()).expect("small list");
        for (index, status) in (0u64..).zip(statuses) {
            list.set(index, StatusValue::from(*status)).expect("fits");
        }
        list
    }

    #[test]
    fn packs_least_significant_bit_first() {
        assert_eq!(list_of(StatusBits::One, &ONE_BIT).as_bytes(), &[0xB9, 0xA3]);
        assert_eq!(
            list_of(StatusBits::Two, &TWO_BIT).as_bytes(),
            &[0xC9, 0x44, 0xF9]
        );
    }

    #[test]
    fn index_zero_is_the_low_bit() {
        let mut list = TokenStatusList::new(StatusBits::One, 8).expect("ok");
        list.set(0, StatusValue::Invalid).expect("in range");
        assert_eq!(list.as_bytes(), &[0b0000_0001]);
        list.set(7, StatusValue::Invalid).expect("in range");
        assert_eq!(list.as_bytes(), &[0b1000_0001]);
    }

    #[test]
    fn encodes_the_spec_examples_byte_for_byte() {
        // §4.1 gives the compressed arrays; flate2 at the best level reproduces them.
        let one = list_of(StatusBits::One, &ONE_BIT)
            .encode()
            .expect("encodes");
        assert_eq!(one.lst, "eNrbuRgAAhcBXQ");
        let two = list_of(StatusBits::Two, &TWO_BIT)
            .encode()
            .expect("encodes");
        assert_eq!(two.lst, "eNo76fITAAPfAgc");
    }

    #[test]
    fn round_trips_every_bits_value() {
        for bits in StatusBits::ALL {
            let max = bits.mask();
            let mut list = TokenStatusList::new(bits, 1000).expect("ok");
            for index in 0..1000u64 {
                let value = u8::try_from(index * 7 % (u64::from(max) + 1)).expect("small");
                list.set(index, StatusValue::from(value)).expect("fits");
            }
            let encoded = list.encode().expect("encodes");
            assert_eq!(encoded.bits, bits);
            let decoded = encoded.decode().expect("decodes");
            assert_eq!(decoded, list);
            for index in 0..1000u64 {
                let value = u8::try_from(index * 7 % (u64::from(max) + 1)).expect("small");
                assert_eq!(decoded.get(index), Ok(StatusValue::from(value)));
            }
        }
    }

    #[test]
    fn set_leaves_neighbours_alone() {
        for bits in StatusBits::ALL {
            let mut list = TokenStatusList::new(bits, 16).expect("ok");
            for index in 0..16 {
                list.set(index, StatusValue::from(bits.mask()))
                    .expect("fits");
            }
            list.set(5, StatusValue::Valid).expect("fits");
            for index in 0..16 {
                let expected = if index == 5 { 0 } else { bits.mask() };
                assert_eq!(list.get(index), Ok(StatusValue::from(expected)));
            }
        }
    }

    #[test]
    fn len_counts_statuses_not_bytes() {
        assert_eq!(
            TokenStatusList::new(StatusBits::One, 16).expect("ok").len(),
            16
        );
        assert_eq!(
            TokenStatusList::new(StatusBits::One, 10).expect("ok").len(),
            16
        );
        assert_eq!(
            TokenStatusList::new(StatusBits::Eight, 10)
                .expect("ok")
                .len(),
            10
        );
        assert_eq!(
            TokenStatusList::new(StatusBits::Four, 3).expect("ok").len(),
            4
        );
    }

    #[test]
    fn rejects_out_of_range_index() {
        let mut list = TokenStatusList::new(StatusBits::Two, 8).expect("ok");
        for index in [8, 9, 1 << 40, u64::MAX] {
            assert_eq!(
                list.get(index),
                Err(StatusListError::IndexOutOfRange { index, len: 8 })
            );
            assert_eq!(
                list.set(index, StatusValue::Invalid),
                Err(StatusListError::IndexOutOfRange { index, len: 8 })
            );
        }
    }

    #[test]
    fn rejects_value_wider_than_bits() {
        let mut list = TokenStatusList::new(StatusBits::One, 8).expect("ok");
        assert_eq!(
            list.set(0, StatusValue::Suspended),
            Err(StatusListError::ValueTooWide { value: 2, bits: 1 })
        );
        let mut list = TokenStatusList::new(StatusBits::Four, 8).expect("ok");
        assert!(list.set(0, StatusValue::Other(0x0F)).is_ok());
        assert!(list.set(0, StatusValue::Other(0x10)).is_err());
    }

    #[test]
    fn rejects_invalid_bits() {
        for bits in [0, 3, 5, 16, 255] {
            assert_eq!(
                StatusBits::try_from(bits),
                Err(StatusListError::InvalidBits(u64::from(bits)))
            );
        }
        let json = serde_json::json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"});
        assert!(serde_json::from_value::<StatusList>(json).is_err());
    }

    #[test]
    fn rejects_oversized_list() {
        assert!(matches!(
            TokenStatusList::new(StatusBits::Eight, MAX_DECOMPRESSED_BYTES + 1),
            Err(StatusListError::ListTooLarge { .. })
        ));
        assert!(matches!(
            TokenStatusList::new(StatusBits::Eight, usize::MAX),
            Err(StatusListError::ListTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_decompression_bomb() {
        // 17 MiB of zeros: a `lst` of some 23 KB that must not be inflated past the limit.
        let bomb = inflate::compress(
            Container::Zlib,
            &vec![0; MAX_DECOMPRESSED_BYTES + (1 << 20)],
        )
        .expect("compresses");
        let lst = base64url::encode(&bomb);
        assert!(lst.len() < 32 * 1024);
        assert_eq!(
            TokenStatusList::decode(StatusBits::One, &lst),
            Err(StatusListError::DecompressedTooLarge {
                max: MAX_DECOMPRESSED_BYTES
            })
        );
        let small = TokenStatusList::new(StatusBits::One, 8192)
            .and_then(|list| list.encode())
            .expect("encodes");
        assert_eq!(
            TokenStatusList::decode_with_limit(StatusBits::One, &small.lst, 1023),
            Err(StatusListError::DecompressedTooLarge { max: 1023 })
        );
    }

    #[test]
    fn rejects_truncated_lst() {
        // Cut in the text: some lengths are not base64url at all, the rest inflate short.
        let lst = "eNrbuRgAAhcBXQ";
        for cut in [1, 3, 6, lst.len() - 2] {
            let truncated = lst.get(..lst.len() - cut).expect("ascii");
            assert!(
                TokenStatusList::decode(StatusBits::One, truncated).is_err(),
                "{truncated} decoded"
            );
        }
        // Cut in the compressed bytes: the stream ends early or fails its Adler-32 checksum.
        let compressed = base64url::decode(lst).expect("spec example");
        for cut in 1..compressed.len() {
            let truncated = base64url::encode(compressed.get(..cut).expect("in range"));
            assert!(matches!(
                TokenStatusList::decode(StatusBits::One, &truncated),
                Err(StatusListError::Decompression { .. })
            ));
        }
    }

    #[test]
    fn rejects_padded_or_standard_base64() {
        for lst in [
            "eNrbuRgAAhcBXQ==",
            "eNrbuRgAAhcBXQ\n",
            "eNo76fITAAPfAgc+",
            "eNo7/fITAAPfAgc",
        ] {
            assert!(matches!(
                TokenStatusList::decode(StatusBits::One, lst),
                Err(StatusListError::InvalidBase64(_))
            ));
        }
    }

    #[test]
    fn rejects_gzip_in_place_of_zlib() {
        let gzip = inflate::compress(Container::Gzip, &[0xB9, 0xA3]).expect("ok");
        assert!(matches!(
            TokenStatusList::decode(StatusBits::One, &base64url::encode(&gzip)),
            Err(StatusListError::Decompression { .. })
        ));
    }

    #[test]
    fn rejects_overlong_lst_before_decoding() {
        let lst = "A".repeat(MAX_LST_CHARS + 1);
        assert_eq!(
            TokenStatusList::decode(StatusBits::One, &lst),
            Err(StatusListError::EncodedTooLarge {
                max: MAX_LST_CHARS,
                got: MAX_LST_CHARS + 1
            })
        );
    }

    #[test]
    fn debug_shows_shape_only() {
        let list = TokenStatusList::new(StatusBits::Two, 8).expect("ok");
        assert_eq!(format!("{list:?}"), "TokenStatusList { bits: 2, len: 8 }");
    }
}
