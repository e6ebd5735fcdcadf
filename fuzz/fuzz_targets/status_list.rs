//! Status list decoding: the IETF Token Status List `lst` (ZLIB, §4.2), the W3C Bitstring
//! Status List `encodedList` (multibase base64url of GZIP, §2.2, §3.4) and the `status_list`
//! JSON object. No input panics; a list that decodes encodes to a text that decodes to the same
//! list; every index below its length reads and the first one past it does not.
//!
//! The first byte picks the format and the bits per status; the rest is the text. Lists are
//! decoded under a 256 KiB limit rather than the default 16 MiB: the code paths are the same,
//! and the fuzzer runs many more inputs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vc_issuer::status::{BitstringStatusList, StatusBits, StatusList, StatusSize, TokenStatusList};

const LIMIT: usize = 256 << 10;

fn token_list(bits: StatusBits, lst: &str) {
    let Ok(list) = TokenStatusList::decode_with_limit(bits, lst, LIMIT) else {
        return;
    };
    assert!(list.as_bytes().len() <= LIMIT);
    assert_eq!(
        list.len(),
        list.as_bytes().len() * 8 / usize::from(bits.get())
    );
    let encoded = list.encode().expect("a decoded list encodes");
    assert_eq!(encoded.bits, bits);
    let again = TokenStatusList::decode_with_limit(bits, &encoded.lst, LIMIT)
        .expect("an encoded list decodes");
    assert!(again == list, "the list does not round-trip");
    let len = u64::try_from(list.len()).expect("a length fits");
    if len > 0 {
        list.get(len - 1).expect("the last index reads");
    }
    assert!(list.get(len).is_err(), "an index past the end read");
}

fn bitstring_list(size: StatusSize, encoded_list: &str) {
    let Ok(list) = BitstringStatusList::decode_with_limit(encoded_list, size, LIMIT) else {
        return;
    };
    assert!(list.as_bytes().len() <= LIMIT);
    let encoded = list.encode().expect("a decoded list encodes");
    let again = BitstringStatusList::decode_with_limit(&encoded, size, LIMIT)
        .expect("an encoded list decodes");
    assert!(again == list, "the list does not round-trip");
    let len = u64::try_from(list.len()).expect("a length fits");
    let last = list.get(len - 1).expect("the last index reads");
    assert!(usize::from(last) < size.values());
    assert!(list.get(len).is_err(), "an index past the end read");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 16 {
        // 0–3: `lst` with 1, 2, 4 or 8 bits per status.
        mode @ 0..=3 => token_list(StatusBits::ALL[usize::from(mode)], text),
        // 4–11: `encodedList` with a statusSize of 1 to 8.
        mode @ 4..=11 => {
            let size = StatusSize::new(u64::from(mode - 3)).expect("1 to 8");
            bitstring_list(size, text);
        }
        // 12–15: the `status_list` object of a Status List Token.
        _ => {
            if let Ok(status_list) = serde_json::from_str::<StatusList>(text) {
                token_list(status_list.bits, &status_list.lst);
            }
        }
    }
});
