//! The W3C Bitstring Status List v1.0: a bitstring of at least 131,072 entries, read
//! most-significant-bit first, GZIP-compressed and multibase base64url-encoded as
//! `encodedList` (§2.2, §3.3, §3.4).

use std::fmt;

use multibase::Base;

use crate::status::StatusListError;
use crate::status::inflate::{self, Container, MAX_DECOMPRESSED_BYTES};

/// The fewest entries a Bitstring Status List may hold (§3.2 step 2, `minimumNumberOfEntries`):
/// 131,072, so that one credential hides among many (herd privacy, §6.1).
pub const MIN_ENTRIES: usize = 131_072;

/// The longest `encodedList` decoded: multibase base64url of a 16 MiB bitstring that did not
/// compress at all, with room for the GZIP framing. Longer input is refused before decoding.
pub const MAX_ENCODED_LIST_CHARS: usize = (MAX_DECOMPRESSED_BYTES / 3 + 1024) * 4 + 1;

/// The size of one status entry in bits (`statusSize`, §2.1): 1 unless the entry says more.
///
/// The specification only requires an integer greater than zero; avid reads entries of up to
/// 8 bits, one byte's worth of statuses, which is also the most any `statusMessage` array of
/// `2^statusSize` elements could reasonably describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusSize(u8);

impl StatusSize {
    /// One bit per entry, the default when `statusSize` is absent (§2.1).
    pub const ONE: StatusSize = StatusSize(1);

    /// A status size of `bits` bits, 1 to 8.
    pub fn new(bits: u64) -> Result<StatusSize, StatusListError> {
        match u8::try_from(bits) {
            Ok(size @ 1..=8) => Ok(StatusSize(size)),
            _ => Err(StatusListError::InvalidStatusSize(bits)),
        }
    }

    /// The number of bits.
    pub fn get(self) -> u8 {
        self.0
    }

    /// How many distinct statuses an entry can hold: `2^statusSize`, the length a
    /// `statusMessage` array must have (§2.1).
    pub fn values(self) -> usize {
        1 << self.0
    }
}

impl Default for StatusSize {
    fn default() -> Self {
        StatusSize::ONE
    }
}

impl fmt::Display for StatusSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A Bitstring Status List in memory: the uncompressed bitstring and the size of its entries.
///
/// Index 0 is the left-most bit of the bitstring — the most significant bit of the first byte
/// (§2.2, §7.1) — the opposite bit order of the IETF
/// [`TokenStatusList`](crate::status::TokenStatusList). An entry of `statusSize` bits starts at bit
/// `statusListIndex × statusSize` (§3.3 step 2) and is read left to right, its first bit the
/// most significant.
#[derive(Clone, PartialEq, Eq)]
pub struct BitstringStatusList {
    status_size: StatusSize,
    bytes: Vec<u8>,
}

impl BitstringStatusList {
    /// A list of at least `len` entries of `status_size` bits, every bit 0 (§3.3 step 1).
    ///
    /// `len` must be at least [`MIN_ENTRIES`]: a shorter list would single out the credentials
    /// in it.
    pub fn new(
        status_size: StatusSize,
        len: usize,
    ) -> Result<BitstringStatusList, StatusListError> {
        if len < MIN_ENTRIES {
            return Err(StatusListError::BelowMinimum {
                entries: len,
                minimum: MIN_ENTRIES,
            });
        }
        let too_large = StatusListError::ListTooLarge {
            len,
            max: MAX_DECOMPRESSED_BYTES,
        };
        let total_bits = len
            .checked_mul(usize::from(status_size.get()))
            .ok_or_else(|| too_large.clone())?;
        let byte_len = total_bits.div_ceil(8);
        if byte_len > MAX_DECOMPRESSED_BYTES {
            return Err(too_large);
        }
        Ok(BitstringStatusList {
            status_size,
            bytes: vec![0; byte_len],
        })
    }

    /// Decodes an `encodedList` under the default limit of [`MAX_DECOMPRESSED_BYTES`].
    pub fn decode(
        encoded_list: &str,
        status_size: StatusSize,
    ) -> Result<BitstringStatusList, StatusListError> {
        BitstringStatusList::decode_with_limit(encoded_list, status_size, MAX_DECOMPRESSED_BYTES)
    }

    /// The Bitstring Expansion Algorithm (§3.4) with the length check of the Validate
    /// Algorithm (§3.2 step 9): multibase-decode, GZIP-decompress — refusing more than
    /// `max_bytes`, the guard against a decompression bomb — and refuse a list of fewer than
    /// [`MIN_ENTRIES`] entries of `status_size` bits.
    pub fn decode_with_limit(
        encoded_list: &str,
        status_size: StatusSize,
        max_bytes: usize,
    ) -> Result<BitstringStatusList, StatusListError> {
        if encoded_list.len() > MAX_ENCODED_LIST_CHARS {
            return Err(StatusListError::EncodedTooLarge {
                max: MAX_ENCODED_LIST_CHARS,
                got: encoded_list.len(),
            });
        }
        // §2.2: multibase base64url without padding, whose prefix is `u`. Checked before
        // decoding so that no other base is ever run — base58 decoding is quadratic in the
        // input length.
        if !encoded_list.starts_with('u') {
            let prefix: String = encoded_list.chars().take(1).collect();
            return Err(StatusListError::InvalidMultibase(format!(
                "the prefix is {prefix:?}, not \"u\""
            )));
        }
        let compressed = match multibase::decode(encoded_list) {
            Ok((Base::Base64Url, bytes)) => bytes,
            Ok((base, _)) => {
                return Err(StatusListError::InvalidMultibase(format!(
                    "decoded as {base:?}"
                )));
            }
            Err(err) => return Err(StatusListError::InvalidMultibase(err.to_string())),
        };
        let bytes = inflate::decompress(Container::Gzip, &compressed, max_bytes)?;
        let list = BitstringStatusList { status_size, bytes };
        if list.len() < MIN_ENTRIES {
            return Err(StatusListError::BelowMinimum {
                entries: list.len(),
                minimum: MIN_ENTRIES,
            });
        }
        Ok(list)
    }

    /// The `encodedList` value: GZIP at the highest level, then multibase base64url without
    /// padding (§3.3 step 3).
    pub fn encode(&self) -> Result<String, StatusListError> {
        let compressed = inflate::compress(Container::Gzip, &self.bytes)?;
        Ok(multibase::encode(Base::Base64Url, compressed))
    }

    /// The size of each entry.
    pub fn status_size(&self) -> StatusSize {
        self.status_size
    }

    /// How many entries the list holds: every index below this is readable.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8 / usize::from(self.status_size.get())
    }

    /// Whether the list holds no entry (never true of a list this type builds or decodes).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The uncompressed bitstring.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `index`, or [`StatusListError::IndexOutOfRange`] (§3.2 step 10,
    /// `RANGE_ERROR`).
    pub fn get(&self, index: u64) -> Result<u8, StatusListError> {
        let first = self.first_bit(index)?;
        let mut value = 0u8;
        for bit in first..first + usize::from(self.status_size.get()) {
            let byte = self
                .bytes
                .get(bit / 8)
                .copied()
                .ok_or_else(|| self.out_of_range(index))?;
            value = (value << 1) | ((byte >> (7 - bit % 8)) & 1);
        }
        Ok(value)
    }

    /// Sets the status at `index`; the value must fit in `statusSize` bits.
    pub fn set(&mut self, index: u64, value: u8) -> Result<(), StatusListError> {
        let size = self.status_size.get();
        if usize::from(value) >= self.status_size.values() {
            return Err(StatusListError::ValueTooWide { value, bits: size });
        }
        let first = self.first_bit(index)?;
        let len = self.len();
        for (offset, bit) in (first..first + usize::from(size)).enumerate() {
            // The entry's first bit carries its most significant bit.
            let set = (value >> (usize::from(size) - 1 - offset)) & 1 == 1;
            let byte = self
                .bytes
                .get_mut(bit / 8)
                .ok_or(StatusListError::IndexOutOfRange { index, len })?;
            let mask = 0x80u8 >> (bit % 8);
            if set {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
        Ok(())
    }

    /// The position of the entry's first bit: `index × statusSize` (§3.3 step 2).
    fn first_bit(&self, index: u64) -> Result<usize, StatusListError> {
        let position = usize::try_from(index)
            .ok()
            .filter(|index| *index < self.len())
            .ok_or_else(|| self.out_of_range(index))?;
        // `position < len`, so `position × statusSize` is below the bitstring's length in bits.
        Ok(position * usize::from(self.status_size.get()))
    }

    fn out_of_range(&self, index: u64) -> StatusListError {
        StatusListError::IndexOutOfRange {
            index,
            len: self.len(),
        }
    }
}

impl fmt::Debug for BitstringStatusList {
    /// The shape of the list, not its (at least 16 KB of) content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BitstringStatusList")
            .field("status_size", &self.status_size.get())
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{StatusBits, StatusValue, TokenStatusList};

    fn size(bits: u64) -> StatusSize {
        StatusSize::new(bits).expect("valid size")
    }

    #[test]
    fn index_zero_is_the_left_most_bit() {
        let mut list = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("ok");
        list.set(0, 1).expect("in range");
        assert_eq!(list.as_bytes().first(), Some(&0b1000_0000));
        list.set(7, 1).expect("in range");
        assert_eq!(list.as_bytes().first(), Some(&0b1000_0001));
        let last = u64::try_from(MIN_ENTRIES - 1).expect("fits");
        list.set(last, 1).expect("in range");
        assert_eq!(list.as_bytes().last(), Some(&0b0000_0001));
    }

    #[test]
    fn bit_order_differs_from_token_status_list() {
        // The same set of revoked indexes gives mirrored bytes: MSB-first here, LSB-first there.
        let revoked = [0u64, 3, 4, 5, 7, 8, 9, 13, 15];
        let mut bitstring = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES).expect("ok");
        let mut token = TokenStatusList::new(StatusBits::One, 16).expect("ok");
        for index in revoked {
            bitstring.set(index, 1).expect("in range");
            token.set(index, StatusValue::Invalid).expect("in range");
        }
        assert_eq!(token.as_bytes(), &[0xB9, 0xA3]);
        assert_eq!(bitstring.as_bytes().get(..2), Some(&[0x9D, 0xC5][..]));
        for (token_byte, bitstring_byte) in token.as_bytes().iter().zip(bitstring.as_bytes()) {
            assert_eq!(token_byte.reverse_bits(), *bitstring_byte);
        }
    }

    #[test]
    fn multi_bit_entries_read_left_to_right() {
        let mut list = BitstringStatusList::new(size(2), MIN_ENTRIES).expect("ok");
        list.set(0, 0b01).expect("fits");
        list.set(1, 0b10).expect("fits");
        list.set(3, 0b11).expect("fits");
        assert_eq!(list.as_bytes().first(), Some(&0b01_10_00_11));
        assert_eq!(list.get(0), Ok(0b01));
        assert_eq!(list.get(1), Ok(0b10));
        assert_eq!(list.get(2), Ok(0b00));
        assert_eq!(list.get(3), Ok(0b11));
    }

    #[test]
    fn entries_may_straddle_bytes() {
        let mut list = BitstringStatusList::new(size(3), MIN_ENTRIES).expect("ok");
        // Entry 2 covers bits 6, 7 and 8: the last two bits of byte 0, the first of byte 1.
        list.set(2, 0b101).expect("fits");
        assert_eq!(
            list.as_bytes().get(..2),
            Some(&[0b0000_0010, 0b1000_0000][..])
        );
        assert_eq!(list.get(2), Ok(0b101));
        assert_eq!(list.get(1), Ok(0));
        assert_eq!(list.get(3), Ok(0));
    }

    #[test]
    fn round_trips_every_status_size() {
        for bits in 1..=8 {
            let status_size = size(bits);
            let mut list = BitstringStatusList::new(status_size, MIN_ENTRIES).expect("ok");
            let modulus = status_size.values() as u64;
            for index in (0..MIN_ENTRIES as u64).step_by(97) {
                let value = u8::try_from((index / 97) % modulus).expect("small");
                list.set(index, value).expect("fits");
            }
            let encoded = list.encode().expect("encodes");
            assert!(encoded.starts_with('u'));
            let decoded = BitstringStatusList::decode(&encoded, status_size).expect("decodes");
            assert_eq!(decoded, list);
            for index in (0..MIN_ENTRIES as u64).step_by(97) {
                let value = u8::try_from((index / 97) % modulus).expect("small");
                assert_eq!(decoded.get(index), Ok(value));
            }
        }
    }

    #[test]
    fn decodes_the_spec_example() {
        // Bitstring Status List v1.0 §2.2, Example 3: 16 KB of zeros.
        let list = BitstringStatusList::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            StatusSize::ONE,
        )
        .expect("decodes");
        assert_eq!(list.len(), MIN_ENTRIES);
        assert!(list.as_bytes().iter().all(|byte| *byte == 0));
        assert_eq!(list.get(94567), Ok(0));
    }

    #[test]
    fn rejects_bitstring_below_minimum() {
        assert_eq!(
            BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES - 1),
            Err(StatusListError::BelowMinimum {
                entries: MIN_ENTRIES - 1,
                minimum: MIN_ENTRIES
            })
        );
        // An encoded list one byte short of 16 KB.
        let short = multibase::encode(
            Base::Base64Url,
            inflate::compress(Container::Gzip, &[0; 16 * 1024 - 1]).expect("ok"),
        );
        assert!(matches!(
            BitstringStatusList::decode(&short, StatusSize::ONE),
            Err(StatusListError::BelowMinimum { .. })
        ));
        // 16 KB holds 131,072 entries of 1 bit but only 65,536 of 2 bits (§3.2 step 9).
        let example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        assert_eq!(
            BitstringStatusList::decode(example, size(2)),
            Err(StatusListError::BelowMinimum {
                entries: 65_536,
                minimum: MIN_ENTRIES
            })
        );
    }

    #[test]
    fn rejects_out_of_range_index() {
        let mut list = BitstringStatusList::new(size(4), MIN_ENTRIES).expect("ok");
        let len = MIN_ENTRIES;
        for index in [len as u64, len as u64 + 1, u64::MAX] {
            assert_eq!(
                list.get(index),
                Err(StatusListError::IndexOutOfRange { index, len })
            );
            assert_eq!(
                list.set(index, 1),
                Err(StatusListError::IndexOutOfRange { index, len })
            );
        }
    }

    #[test]
    fn rejects_value_wider_than_status_size() {
        let mut list = BitstringStatusList::new(size(2), MIN_ENTRIES).expect("ok");
        assert_eq!(
            list.set(0, 4),
            Err(StatusListError::ValueTooWide { value: 4, bits: 2 })
        );
    }

    #[test]
    fn rejects_invalid_status_size() {
        for bits in [0, 9, 256, u64::MAX] {
            assert_eq!(
                StatusSize::new(bits),
                Err(StatusListError::InvalidStatusSize(bits))
            );
        }
    }

    #[test]
    fn rejects_decompression_bomb() {
        let bomb = multibase::encode(
            Base::Base64Url,
            inflate::compress(Container::Gzip, &vec![0; MAX_DECOMPRESSED_BYTES + 1]).expect("ok"),
        );
        assert_eq!(
            BitstringStatusList::decode(&bomb, StatusSize::ONE),
            Err(StatusListError::DecompressedTooLarge {
                max: MAX_DECOMPRESSED_BYTES
            })
        );
    }

    #[test]
    fn rejects_truncated_encoded_list() {
        let encoded = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES)
            .and_then(|list| list.encode())
            .expect("encodes");
        for cut in [1, 4, 12] {
            let truncated = encoded.get(..encoded.len() - cut).expect("ascii");
            assert!(BitstringStatusList::decode(truncated, StatusSize::ONE).is_err());
        }
    }

    #[test]
    fn rejects_other_multibase_prefixes() {
        let encoded = BitstringStatusList::new(StatusSize::ONE, MIN_ENTRIES)
            .and_then(|list| list.encode())
            .expect("encodes");
        let bytes = multibase::decode(&encoded).expect("multibase").1;
        for base in [
            Base::Base64UrlPad,
            Base::Base64,
            Base::Base58Btc,
            Base::Base16Lower,
        ] {
            assert!(matches!(
                BitstringStatusList::decode(&multibase::encode(base, &bytes), StatusSize::ONE),
                Err(StatusListError::InvalidMultibase(_))
            ));
        }
        // Bare base64url without the multibase prefix.
        let bare = encoded.get(1..).expect("ascii");
        assert!(matches!(
            BitstringStatusList::decode(bare, StatusSize::ONE),
            Err(StatusListError::InvalidMultibase(_))
        ));
        assert!(matches!(
            BitstringStatusList::decode("", StatusSize::ONE),
            Err(StatusListError::InvalidMultibase(_))
        ));
    }

    #[test]
    fn rejects_zlib_in_place_of_gzip() {
        let zlib = multibase::encode(
            Base::Base64Url,
            inflate::compress(Container::Zlib, &[0; 16 * 1024]).expect("ok"),
        );
        assert!(matches!(
            BitstringStatusList::decode(&zlib, StatusSize::ONE),
            Err(StatusListError::Decompression { .. })
        ));
    }
}
