//! The compact SD-JWT and SD-JWT+KB and their disclosures (RFC 9901 §4): no input panics;
//! whatever parses formats back to exactly its input (`sd_hash` is computed over it), and no
//! input is both an SD-JWT and an SD-JWT+KB.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vc_issuer::sd_jwt::{Disclosure, HashAlgorithm, SdJwt, SdJwtKb};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(disclosure) = Disclosure::parse(text) {
        assert_eq!(disclosure.as_str(), text);
        assert_eq!(
            disclosure.is_array_element(),
            disclosure.claim_name().is_none()
        );
        assert_eq!(disclosure.digest(HashAlgorithm::Sha256).len(), 43);
    }
    let sd_jwt = SdJwt::parse(text);
    let sd_jwt_kb = SdJwtKb::parse(text);
    assert!(
        sd_jwt.is_err() || sd_jwt_kb.is_err(),
        "both an SD-JWT and an SD-JWT+KB"
    );
    if let Ok(sd_jwt) = sd_jwt {
        assert_eq!(sd_jwt.to_compact(), text);
        let rebuilt = SdJwt::new(
            sd_jwt.issuer_jwt().to_owned(),
            sd_jwt.disclosures().to_vec(),
        )
        .expect("the parts of a parsed SD-JWT make one");
        assert_eq!(rebuilt, sd_jwt);
        assert_eq!(
            sd_jwt.sd_hash(HashAlgorithm::Sha256),
            HashAlgorithm::Sha256.digest(text)
        );
    }
    if let Ok(sd_jwt_kb) = sd_jwt_kb {
        assert_eq!(sd_jwt_kb.to_compact(), text);
        let sd_jwt = sd_jwt_kb.sd_jwt();
        let prefix = sd_jwt.to_compact();
        assert!(text.starts_with(&prefix));
        assert_eq!(&text[prefix.len()..], sd_jwt_kb.key_binding_jwt());
    }
});
