//! RFC 9901 vectors against `vc_issuer::sd_jwt`: the disclosures and digests of §4.2, the
//! example of §5 (issuance, presentation, `sd_hash`, processed payload) and the nested
//! examples of §6. The vector files name their source.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use vc_issuer::sd_jwt::{
    ClaimPath, Disclosure, HashAlgorithm, SdJwt, SdJwtError, SdJwtKb, VerifyOptions,
    verify_disclosures,
};

const DISCLOSURES: &str = include_str!("../vectors/rfc9901-disclosures.json");
const SECTION5: &str = include_str!("../vectors/rfc9901-section5.json");
const SECTION6: &str = include_str!("../vectors/rfc9901-section6.json");

fn load(text: &str) -> Value {
    serde_json::from_str(text).expect("vector files are JSON")
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is a string"))
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().expect("a JSON object")
}

fn array(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a JSON array")
}

fn alg(vectors: &Value) -> HashAlgorithm {
    HashAlgorithm::from_name(str_of(vectors, "hash_alg")).expect("a supported algorithm")
}

/// Checks a parsed disclosure against its `contents` array from the RFC.
fn assert_contents(disclosure: &Disclosure, contents: &Value) {
    let contents = array(contents);
    assert_eq!(Some(disclosure.salt()), contents[0].as_str());
    match contents.len() {
        3 => {
            assert_eq!(disclosure.claim_name(), contents[1].as_str());
            assert_eq!(disclosure.value(), &contents[2]);
        }
        2 => {
            assert!(disclosure.is_array_element());
            assert_eq!(disclosure.value(), &contents[1]);
        }
        n => panic!("contents of {n} elements"),
    }
}

/// Parses a `disclosures` list of a vector file, checking each against its contents and digest.
fn parse_listed(entries: &Value, alg: HashAlgorithm) -> Vec<Disclosure> {
    array(entries)
        .iter()
        .map(|entry| {
            let disclosure =
                Disclosure::parse(str_of(entry, "encoded")).expect("RFC disclosure parses");
            assert_contents(&disclosure, &entry["contents"]);
            assert_eq!(disclosure.digest(alg), str_of(entry, "digest"));
            disclosure
        })
        .collect()
}

/// Every digest embedded in a payload or disclosed value: `_sd` entries and `...` elements.
fn embedded_digests(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("_sd", Value::Array(digests)) => {
                        out.extend(digests.iter().filter_map(Value::as_str).map(String::from));
                    }
                    ("...", Value::String(digest)) => out.push(digest.clone()),
                    _ => embedded_digests(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| embedded_digests(item, out)),
        _ => {}
    }
}

fn sorted(strings: impl IntoIterator<Item = String>) -> Vec<String> {
    strings
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn rfc9901_4_2_disclosures_parse_and_hash_as_published() {
    let vectors = load(DISCLOSURES);
    let disclosures = parse_listed(&vectors["disclosures"], alg(&vectors));
    assert_eq!(disclosures.len(), 2);
}

#[test]
fn rfc9901_4_2_1_whitespace_variants_are_different_disclosures() {
    let vectors = load(DISCLOSURES);
    let alg = alg(&vectors);
    let variants = &vectors["variants"];
    let original = Disclosure::parse(str_of(variants, "same_contents_as")).expect("parses");
    let mut digests = BTreeSet::from([original.digest(alg)]);
    for variant in array(&variants["encodings"]) {
        let encoded = str_of(variant, "encoded");
        let disclosure = Disclosure::parse(encoded).expect("a valid encoding");
        assert_eq!(disclosure.salt(), original.salt());
        assert_eq!(disclosure.claim_name(), original.claim_name());
        assert_eq!(disclosure.value(), original.value());
        assert_eq!(
            disclosure.as_str(),
            encoded,
            "the string is kept as received"
        );
        assert!(
            digests.insert(disclosure.digest(alg)),
            "{}",
            str_of(variant, "description")
        );

        // A payload committing to the original does not accept the variant.
        let mut payload = Map::new();
        payload.insert("_sd".into(), Value::from(vec![original.digest(alg)]));
        assert_eq!(
            verify_disclosures(payload, &[disclosure], &VerifyOptions::default()),
            Err(SdJwtError::UnreferencedDisclosure { position: 1 })
        );
    }
}

#[test]
fn rfc9901_4_2_4_payloads_process_as_published() {
    let vectors = load(DISCLOSURES);
    for case in array(&vectors["payloads"]) {
        let presented: Vec<Disclosure> = array(&case["presented"])
            .iter()
            .map(|d| Disclosure::parse(d.as_str().expect("a string")).expect("parses"))
            .collect();
        let processed = verify_disclosures(
            object(&case["payload"]),
            &presented,
            &VerifyOptions::default(),
        )
        .expect("the RFC example verifies");
        assert_eq!(
            Value::Object(processed.claims),
            case["processed"],
            "§{}",
            str_of(case, "sections")
        );
    }
}

#[test]
fn rfc9901_5_issuer_jwt_carries_the_published_payload() {
    let vectors = load(SECTION5);
    let jwt = str_of(&vectors, "issuer_jwt");
    let encoded_payload = jwt.split('.').nth(1).expect("a compact JWS");
    let decoded: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded_payload).expect("base64url"))
            .expect("JSON");
    assert_eq!(decoded, vectors["payload"]);
}

#[test]
fn rfc9901_5_every_disclosure_digest_is_in_the_payload() {
    let vectors = load(SECTION5);
    let disclosures = parse_listed(&vectors["disclosures"], alg(&vectors));
    let mut embedded = Vec::new();
    embedded_digests(&vectors["payload"], &mut embedded);
    assert_eq!(embedded.len(), 10, "8 in `_sd`, 2 in `nationalities`");
    let computed: Vec<String> = disclosures
        .iter()
        .map(|d| d.digest(alg(&vectors)))
        .collect();
    assert_eq!(sorted(computed), sorted(embedded));
}

#[test]
fn rfc9901_5_1_issuance_round_trips_exactly() {
    let vectors = load(SECTION5);
    let issuance = str_of(&vectors, "issuance");
    let sd_jwt = SdJwt::parse(issuance).expect("the issued SD-JWT parses");
    assert_eq!(sd_jwt.issuer_jwt(), str_of(&vectors, "issuer_jwt"));
    let listed: Vec<&str> = array(&vectors["disclosures"])
        .iter()
        .map(|e| str_of(e, "encoded"))
        .collect();
    let parsed: Vec<&str> = sd_jwt
        .disclosures()
        .iter()
        .map(Disclosure::as_str)
        .collect();
    assert_eq!(parsed, listed);
    assert_eq!(sd_jwt.to_compact(), issuance);
    // A holder must refuse an SD-JWT+KB from the issuer, and this is not one.
    assert!(SdJwtKb::parse(issuance).is_err());
}

#[test]
fn rfc9901_5_2_sd_hash_matches_the_key_binding_jwt() {
    let vectors = load(SECTION5);
    let presentation = str_of(&vectors, "presentation");
    let sd_jwt_kb = SdJwtKb::parse(presentation).expect("the presentation parses");
    let expected = str_of(&vectors["key_binding_jwt_payload"], "sd_hash");
    assert_eq!(sd_jwt_kb.sd_jwt().sd_hash(alg(&vectors)), expected);
    assert_eq!(sd_jwt_kb.to_compact(), presentation);

    // The vector's KB-JWT payload is the one inside the presentation.
    let kb_payload = sd_jwt_kb
        .key_binding_jwt()
        .split('.')
        .nth(1)
        .expect("a compact JWS");
    let decoded: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(kb_payload).expect("base64url"))
            .expect("JSON");
    assert_eq!(decoded, vectors["key_binding_jwt_payload"]);

    // Where an SD-JWT is expected, the trailing KB-JWT is refused (RFC 9901 §4).
    assert_eq!(
        SdJwt::parse(presentation),
        Err(SdJwtError::UnexpectedKeyBindingJwt)
    );
}

#[test]
fn rfc9901_5_2_presentation_processes_to_the_published_payload() {
    let vectors = load(SECTION5);
    let sd_jwt_kb = SdJwtKb::parse(str_of(&vectors, "presentation")).expect("parses");
    for options in [VerifyOptions::default(), VerifyOptions::sd_jwt_vc()] {
        let processed = verify_disclosures(
            object(&vectors["payload"]),
            sd_jwt_kb.sd_jwt().disclosures(),
            &options,
        )
        .expect("the RFC presentation verifies");
        assert_eq!(processed.hash_alg, HashAlgorithm::Sha256);
        assert_eq!(
            Value::Object(processed.claims),
            vectors["processed_payload"]
        );
        let claimed = array(&vectors["presented_claims"])
            .iter()
            .filter_map(Value::as_str)
            .map(String::from);
        assert_eq!(sorted(processed.disclosed), sorted(claimed));
    }
}

#[test]
fn rfc9901_5_2_holder_selects_the_published_disclosures() {
    let vectors = load(SECTION5);
    let issued = SdJwt::parse(str_of(&vectors, "issuance")).expect("parses");
    let paths: Vec<ClaimPath> = array(&vectors["presented_claims"])
        .iter()
        .map(|p| ClaimPath::parse(p.as_str().expect("a string")).expect("a claim path"))
        .collect();
    let presented = issued
        .present(&object(&vectors["payload"]), &paths)
        .expect("presentable");
    let published = SdJwtKb::parse(str_of(&vectors, "presentation")).expect("parses");
    let ours = presented
        .disclosures()
        .iter()
        .map(|d| d.as_str().to_owned());
    let theirs = published
        .sd_jwt()
        .disclosures()
        .iter()
        .map(|d| d.as_str().to_owned());
    assert_eq!(sorted(ours), sorted(theirs));
}

#[test]
fn rfc9901_6_nested_examples_process_as_published() {
    let vectors = load(SECTION6);
    let alg = alg(&vectors);
    for example in array(&vectors["examples"]) {
        let section = str_of(example, "section");
        let disclosures = parse_listed(&example["disclosures"], alg);
        let processed = verify_disclosures(
            object(&example["payload"]),
            &disclosures,
            &VerifyOptions::default(),
        )
        .unwrap_or_else(|e| panic!("§{section}: {e}"));
        assert_eq!(
            Value::Object(processed.claims),
            example["processed_payload"],
            "§{section}"
        );
    }
}

#[test]
fn rfc9901_6_3_recursive_disclosure_needs_its_parent() {
    let vectors = load(SECTION6);
    let alg = alg(&vectors);
    let recursive = array(&vectors["examples"])
        .iter()
        .find(|e| str_of(e, "section") == "6.3")
        .expect("the §6.3 example");
    let disclosures = parse_listed(&recursive["disclosures"], alg);
    let (address, sub_claims): (Vec<_>, Vec<_>) = disclosures
        .into_iter()
        .partition(|d| d.claim_name() == Some("address"));

    // The parent alone discloses an address with no visible members.
    let processed = verify_disclosures(
        object(&recursive["payload"]),
        &address,
        &VerifyOptions::default(),
    )
    .expect("the parent alone verifies");
    assert_eq!(processed.claims["address"], Value::Object(Map::new()));

    // A child without its parent connects to nothing (RFC 9901 §4.2.6, §7.1 step 5).
    let locality: Vec<Disclosure> = sub_claims
        .into_iter()
        .filter(|d| d.claim_name() == Some("locality"))
        .collect();
    assert_eq!(
        verify_disclosures(
            object(&recursive["payload"]),
            &locality,
            &VerifyOptions::default()
        ),
        Err(SdJwtError::UnreferencedDisclosure { position: 1 })
    );
}
