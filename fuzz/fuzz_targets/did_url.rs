//! DID and DID URL parsing (W3C DID Core §3.1, §3.2): no input panics, and whatever parses
//! gives back exactly its input, whole and put together from its parts.

#![no_main]

use did_core::did::{Did, DidUrl};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let did = Did::parse(input);
    match DidUrl::parse(input) {
        Ok(url) => {
            assert_eq!(url.to_string(), input);
            assert_eq!(url.as_str(), input);
            // The ABNF admits ASCII only (non-ASCII must be percent-encoded).
            assert!(input.is_ascii(), "accepted non-ASCII {input:?}");
            let mut rebuilt = url.did().as_str().to_owned();
            rebuilt.push_str(url.path().unwrap_or(""));
            if let Some(query) = url.query() {
                rebuilt.push('?');
                rebuilt.push_str(query);
                // Reading a parameter by any of the names present never panics.
                for pair in query.split('&') {
                    let name = pair.split_once('=').map_or(pair, |(name, _)| name);
                    let _ = url.query_param(name);
                }
            }
            if let Some(fragment) = url.fragment() {
                rebuilt.push('#');
                rebuilt.push_str(fragment);
            }
            assert_eq!(rebuilt, input);
            // A DID is exactly a DID URL with no path, query or fragment.
            assert_eq!(did.is_ok(), url.is_did(), "{input:?}");
            let reparsed = Did::parse(url.did().as_str()).expect("the DID part of a DID URL");
            assert_eq!(&reparsed, url.did());
        }
        Err(err) => {
            assert!(did.is_err(), "a DID that is not a DID URL: {input:?}");
            assert!(
                err.offset().is_some_and(|offset| offset <= input.len()),
                "{err}"
            );
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }
    if let Ok(did) = did {
        assert_eq!(did.to_string(), input);
        assert_eq!(
            format!("did:{}:{}", did.method(), did.method_specific_id()),
            input
        );
        let url = did.with_fragment("key-1").expect("a plain fragment");
        assert_eq!(url.as_str(), format!("{input}#key-1"));
    }
});
