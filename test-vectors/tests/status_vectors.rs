//! Status list vectors: the IETF Token Status List draft's §4 examples, its Appendix C lists
//! of 2^20 entries at 1, 2, 4 and 8 bits and its §8.2 Status List Token
//! (`vectors/status-token-list.json`), and the W3C Bitstring Status List v1.0 examples with
//! the bit layout of §7.1 (`vectors/status-bitstring.json`) — each run against
//! `vc_issuer::status`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use did_core::jose::{AlgorithmPolicy, JoseError};
use did_core::key::{Jwk, PublicKey};
use serde_json::Value;
use vc_issuer::status::{
    BitstringStatusList, BitstringStatusListCredential, BitstringStatusListEntry, MIN_ENTRIES,
    StatusBits, StatusError, StatusListError, StatusListToken, StatusListValidation, StatusPurpose,
    StatusSize, StatusValue, TokenStatusList,
};

const TOKEN_LIST: &str = include_str!("../vectors/status-token-list.json");
const BITSTRING: &str = include_str!("../vectors/status-bitstring.json");

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

/// The cases under `pointer`; each must exist and be non-empty, or the test proves nothing.
fn cases<'a>(vectors: &'a Value, pointer: &str) -> &'a [Value] {
    let cases = vectors
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{pointer} is missing or not an array"));
    assert!(!cases.is_empty(), "{pointer} is empty");
    cases
}

fn text<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string in {case}"))
}

fn number(case: &Value, field: &str) -> u64 {
    case[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} is not a number in {case}"))
}

/// A value the draft prints over several lines: the concatenation of the lines.
fn joined(case: &Value, field: &str) -> String {
    match &case[field] {
        Value::String(text) => text.clone(),
        Value::Array(lines) => lines
            .iter()
            .map(|line| line.as_str().expect("each line is a string"))
            .collect(),
        other => panic!("{field} is neither a string nor lines: {other}"),
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("vector hex"))
        .collect()
}

/// `[index, value]` pairs.
fn pairs(case: &Value, field: &str) -> Vec<(u64, u64)> {
    case[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array in {case}"))
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([index, value]) => (
                index.as_u64().expect("index"),
                value.as_u64().expect("value"),
            ),
            _ => panic!("{pair} is not an [index, value] pair"),
        })
        .collect()
}

fn bits(case: &Value) -> StatusBits {
    StatusBits::from_u64(number(case, "bits")).expect("vector bits")
}

fn status(value: u64) -> StatusValue {
    StatusValue::from(u8::try_from(value).expect("a status fits a byte"))
}

// ---- IETF Token Status List ----

#[test]
fn token_status_list_section_4_examples() {
    let v = vectors(TOKEN_LIST);
    for case in cases(&v, "/section_4") {
        let name = text(case, "name");
        let lst = text(case, "lst");
        // `lst` is the base64url of the compressed array (§4.2).
        assert_eq!(
            URL_SAFE_NO_PAD.decode(lst).expect("base64url"),
            hex(text(case, "compressed")),
            "{name}"
        );
        let list = TokenStatusList::decode(bits(case), lst).expect("decodes");
        assert_eq!(list.as_bytes(), hex(text(case, "byte_array")), "{name}");
        let statuses: Vec<u64> = case["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .map(|value| value.as_u64().expect("status"))
            .collect();
        assert_eq!(list.len(), statuses.len(), "{name}");
        let mut rebuilt = TokenStatusList::new(bits(case), statuses.len()).expect("list");
        for (index, value) in (0u64..).zip(&statuses) {
            assert_eq!(list.get(index), Ok(status(*value)), "{name} [{index}]");
            rebuilt.set(index, status(*value)).expect("fits");
        }
        // Built from the statuses, the list compresses to the draft's exact bytes.
        assert_eq!(rebuilt.encode().expect("encodes").lst, lst, "{name}");
    }
}

#[test]
fn token_status_list_appendix_c() {
    let v = vectors(TOKEN_LIST);
    for case in cases(&v, "/appendix_c") {
        let name = text(case, "name");
        let list = TokenStatusList::decode(bits(case), &joined(case, "lst")).expect("decodes");
        let size = usize::try_from(number(case, "size")).expect("size");
        assert_eq!(list.len(), size, "{name}");
        let expected: std::collections::HashMap<u64, u64> =
            pairs(case, "statuses").into_iter().collect();
        assert!(!expected.is_empty(), "{name}");
        for index in 0..size as u64 {
            let value = expected.get(&index).copied().unwrap_or(0);
            assert_eq!(list.get(index), Ok(status(value)), "{name} [{index}]");
        }
        assert!(list.get(size as u64).is_err(), "{name}: one past the end");
        // What avid encodes, avid decodes to the same list.
        let encoded = list.encode().expect("encodes");
        assert_eq!(encoded.decode().expect("decodes"), list, "{name}");
    }
}

#[test]
fn token_status_list_appendix_c_bit_order_is_lsb_first() {
    // C.1 sets index 0: with LSB-first packing that is 0x01 in byte 0, never 0x80.
    let v = vectors(TOKEN_LIST);
    let c1 = &cases(&v, "/appendix_c")[0];
    let list = TokenStatusList::decode(bits(c1), &joined(c1, "lst")).expect("decodes");
    assert_eq!(list.as_bytes().first(), Some(&0x01));
}

#[test]
fn status_list_token_of_section_8_2() {
    let v = vectors(TOKEN_LIST);
    let case = &v["status_list_token"];
    let expected = &case["expected"];
    let jwk: Jwk = serde_json::from_value(case["public_jwk"].clone()).expect("JWK");
    let key = PublicKey::from_jwk(&jwk).expect("P-256 key");
    let jws = joined(case, "jws");
    let uri = text(case, "uri");
    let iat = number(expected, "iat");
    let exp = number(expected, "exp");
    let policy = AlgorithmPolicy::default();
    let verify = |jws: &str, uri: &str, now: u64| {
        StatusListToken::verify(jws, &key, uri, &policy, &StatusListValidation::at(now))
    };

    let header = jws.split('.').next().expect("header");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64url")).expect("JSON");
    assert_eq!(header["kid"].as_str(), Some(text(expected, "kid")));
    let token = verify(&jws, uri, iat).expect("the draft's token verifies under the draft's key");
    assert_eq!(token.sub, uri);
    assert_eq!(token.iss.as_deref(), Some(text(expected, "iss")));
    assert_eq!((token.iat, token.exp), (iat, Some(exp)));
    assert_eq!(token.ttl, Some(number(expected, "ttl")));
    assert_eq!(token.list.bits(), bits(expected));
    for (index, value) in (0u64..).zip(expected["statuses"].as_array().expect("statuses")) {
        assert_eq!(
            token.list.get(index),
            Ok(status(value.as_u64().expect("status")))
        );
    }

    // The same token is refused for another list, once expired, and when altered.
    assert!(matches!(
        verify(&jws, "https://example.com/statuslists/2", iat),
        Err(StatusError::SubjectMismatch { .. })
    ));
    assert!(matches!(
        verify(&jws, uri, exp + 3600),
        Err(StatusError::Expired { .. })
    ));
    let (signing_input, signature) = jws.rsplit_once('.').expect("three parts");
    let mut forged = signature.to_owned();
    let last = if forged.ends_with('g') { "w" } else { "g" };
    forged.replace_range(forged.len() - 1.., last);
    assert_eq!(
        verify(&format!("{signing_input}.{forged}"), uri, iat),
        Err(StatusError::Jose(JoseError::BadSignature))
    );
}

// ---- W3C Bitstring Status List ----

fn entry(case: &Value) -> BitstringStatusListEntry {
    BitstringStatusListEntry::from_json(&case["entry"])
        .unwrap_or_else(|err| panic!("{}: {err}", text(case, "name")))
}

#[test]
fn bitstring_status_list_credentials() {
    let v = vectors(BITSTRING);
    for case in cases(&v, "/status_list_credentials") {
        let name = text(case, "name");
        let Value::Object(json) = &case["credential"] else {
            panic!("{name}: credential is not an object")
        };
        let credential = BitstringStatusListCredential::from_json(json.clone()).expect("valid");
        assert_eq!(
            credential.valid_from,
            Some(i64::try_from(number(case, "valid_from_unix")).expect("time")),
            "{name}"
        );
        // Written back, the credential is the example.
        assert_eq!(
            credential.to_json().expect("json"),
            case["credential"],
            "{name}"
        );
        let size = StatusSize::new(number(case, "status_size")).expect("size");
        let validation =
            StatusListValidation::at(credential.valid_from.map_or(0, |t| t.unsigned_abs()));
        let list = credential.decode_list(size, &validation).expect("decodes");
        assert_eq!(list.len() as u64, number(case, "entries"), "{name}");
        let set: std::collections::HashMap<u64, u64> = pairs(case, "values").into_iter().collect();
        for index in 0..list.len() as u64 {
            let value = u64::from(list.get(index).expect("in range"));
            assert_eq!(
                value,
                set.get(&index).copied().unwrap_or(0),
                "{name} [{index}]"
            );
        }
        for check in cases(case, "/checks") {
            let entry = BitstringStatusListEntry::from_json(&check["entry"]).expect("entry");
            let status = credential.status(&list, &entry).expect("answers");
            assert_eq!(u64::from(status.status), number(check, "status"), "{name}");
            assert_eq!(Some(status.valid), check["valid"].as_bool(), "{name}");
            assert_eq!(
                status.message.as_deref(),
                check["message"].as_str(),
                "{name}"
            );
        }
    }
}

#[test]
fn bitstring_status_list_entries() {
    let v = vectors(BITSTRING);
    for case in cases(&v, "/entries/valid") {
        let name = text(case, "name");
        let entry = entry(case);
        assert_eq!(
            entry.status_purpose,
            StatusPurpose::from(text(case, "purpose")),
            "{name}"
        );
        assert_eq!(entry.status_list_index, number(case, "index"), "{name}");
        assert_eq!(
            u64::from(entry.status_size.get()),
            number(case, "status_size"),
            "{name}"
        );
        if case.get("messages").is_some() {
            for (status, message) in
                case["messages"]
                    .as_array()
                    .expect("messages")
                    .iter()
                    .map(|pair| {
                        (
                            u8::try_from(pair[0].as_u64().expect("status")).expect("byte"),
                            pair[1].as_str().expect("message"),
                        )
                    })
            {
                assert_eq!(entry.message_for(status), Some(message), "{name}");
            }
        }
        assert_eq!(entry.to_json(), case["entry"], "{name}");
    }
    for case in cases(&v, "/entries/credential_status_arrays") {
        let entries =
            BitstringStatusListEntry::all_from_credential_status(&case["credentialStatus"])
                .expect("entries");
        let indexes: Vec<u64> = entries.iter().map(|e| e.status_list_index).collect();
        let expected: Vec<u64> = case["indexes"]
            .as_array()
            .expect("indexes")
            .iter()
            .map(|index| index.as_u64().expect("index"))
            .collect();
        assert_eq!(indexes, expected, "{}", text(case, "name"));
    }
}

#[test]
fn bitstring_status_list_rejects_invalid_entries() {
    let v = vectors(BITSTRING);
    for case in cases(&v, "/entries/invalid") {
        let name = text(case, "name");
        match BitstringStatusListEntry::from_json(&case["entry"]) {
            Err(StatusListError::InvalidReference { member, .. }) => {
                assert_eq!(member, text(case, "member"), "{name}")
            }
            Err(StatusListError::InvalidStatusSize(_)) => {
                assert_eq!(text(case, "member"), "statusSize", "{name}")
            }
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn bitstring_status_list_bit_order_is_msb_first() {
    let v = vectors(BITSTRING);
    for case in cases(&v, "/bit_order") {
        let name = text(case, "name");
        let size = StatusSize::new(number(case, "status_size")).expect("size");
        let mut list = BitstringStatusList::new(size, MIN_ENTRIES).expect("list");
        for (index, value) in pairs(case, "values") {
            list.set(index, u8::try_from(value).expect("byte"))
                .expect("fits");
        }
        let bytes = list.as_bytes();
        if let Some(first) = case["first_bytes"].as_str() {
            let first = hex(first);
            assert_eq!(&bytes[..first.len()], first.as_slice(), "{name}");
            assert!(bytes[first.len()..].iter().all(|b| *b == 0), "{name}");
        }
        if let Some(last) = case["last_bytes"].as_str() {
            let last = hex(last);
            assert_eq!(
                &bytes[bytes.len() - last.len()..],
                last.as_slice(),
                "{name}"
            );
            assert!(
                bytes[..bytes.len() - last.len()].iter().all(|b| *b == 0),
                "{name}"
            );
        }
        let decoded =
            BitstringStatusList::decode(&list.encode().expect("encodes"), size).expect("decodes");
        for (index, value) in pairs(case, "values") {
            assert_eq!(
                u64::from(decoded.get(index).expect("in range")),
                value,
                "{name}"
            );
        }
    }
}

#[test]
fn bitstring_status_list_length_errors() {
    let v = vectors(BITSTRING);
    for case in cases(&v, "/length_errors") {
        let size = StatusSize::new(number(case, "status_size")).expect("size");
        assert_eq!(
            BitstringStatusList::decode(text(case, "encodedList"), size),
            Err(StatusListError::BelowMinimum {
                entries: usize::try_from(number(case, "entries")).expect("entries"),
                minimum: MIN_ENTRIES
            }),
            "{}",
            text(case, "name")
        );
    }
}
