//! DID and DID URL syntax: the validated newtypes [`Did`] and [`DidUrl`] of W3C DID Core 1.0
//! §3.1 and §3.2.
//!
//! Parse once at the boundary; afterwards the type proves the text matches the ABNF, so the
//! rest of avid (resolvers, documents, credentials) never re-checks it. Parsing is one forward
//! pass over the bytes with a single allocation for the accepted text, and every refusal is a
//! [`DidError`] that names the broken [`DidPart`] and the byte offset.
//!
//! What is enforced, and where:
//! - the lower-case `did:` scheme and `method-name` (DID Core §3.1);
//! - `method-specific-id`: `idchar` and `:`, not empty, last segment not empty (DID Core §3.1);
//! - `pct-encoded` is `%` and two hex digits, everywhere (RFC 3986 §2.1);
//! - `path-abempty`, `query` and `fragment` character sets (RFC 3986 §3.3–§3.5, via DID Core
//!   §3.2), so a second `#` or any non-ASCII character is refused;
//! - at most [`MAX_DID_URL_LEN`] bytes.
//!
//! Method-specific rules (what a did:key or did:web id must look like) belong to the methods.
//!
//! ```
//! use did_core::did::{Did, DidPart, DidUrl};
//!
//! let url: DidUrl = "did:example:123?versionTime=2021-05-10T17:00:00Z".parse()?;
//! assert_eq!(url.did().method(), "example");
//! assert_eq!(url.query_param("versionTime").transpose()?.as_deref(), Some("2021-05-10T17:00:00Z"));
//!
//! let err = Did::parse("did:example:123:").unwrap_err();
//! assert_eq!(err.part(), Some(DidPart::MethodSpecificId));
//! # Ok::<(), did_core::did::DidError>(())
//! ```

mod error;
mod grammar;
mod identifier;
mod text;
mod url;

pub use error::{DidError, DidPart};
pub use identifier::Did;
pub use url::DidUrl;

/// The longest DID URL accepted, in bytes. did:peer:4 long forms carry a whole DID document and
/// run to kilobytes, so the bound is generous; it exists so that no input is unbounded.
pub const MAX_DID_URL_LEN: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift64), so the test is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            let len = items.len() as u64;
            items
                .get(usize::try_from(self.next() % len).unwrap())
                .copied()
                .unwrap()
        }
    }

    /// Random inputs built from the pieces parsers get wrong never panic, and whatever is
    /// accepted reassembles from its parts into exactly the input.
    #[test]
    fn never_panics_and_parts_reassemble() {
        const PIECES: &[&str] = &[
            "did:", "DID:", "did", ":", "::", "example", "key", "Ex", "a", "Z9", ".", "-", "_",
            "~", "%", "%4", "%41", "%zz", "%FF", "/", "//", "?", "??", "#", "##", "=", "&", "@",
            "!", ";", " ", "\n", "\0", "é", "\u{202e}", "[", "]", "\\", "\"", "'",
        ];
        const PREFIXES: &[&str] = &["", "did:", "did:example:", "did:key:z6Mk", "did:web:a:b"];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = 0;
        for _ in 0..50_000 {
            let count = rng.next() % 10;
            let mut input = String::from(rng.pick(PREFIXES));
            for _ in 0..count {
                input.push_str(rng.pick(PIECES));
            }
            match DidUrl::parse(&input) {
                Ok(url) => {
                    accepted += 1;
                    let mut rebuilt = url.did().as_str().to_owned();
                    rebuilt.push_str(url.path().unwrap_or(""));
                    if let Some(query) = url.query() {
                        rebuilt.push('?');
                        rebuilt.push_str(query);
                    }
                    if let Some(fragment) = url.fragment() {
                        rebuilt.push('#');
                        rebuilt.push_str(fragment);
                    }
                    assert_eq!(rebuilt, input);
                    assert!(input.is_ascii());
                    assert_eq!(Did::parse(&input).is_ok(), url.is_did(), "{input:?}");
                }
                Err(err) => {
                    // The offset points into the input and the Display text is one line.
                    assert!(err.offset().is_some_and(|offset| offset <= input.len()));
                    assert!(!err.to_string().contains('\n'), "{err}");
                    assert!(Did::parse(&input).is_err());
                }
            }
        }
        // The generator must exercise both outcomes for the test to mean anything.
        assert!(accepted > 1_000, "only {accepted} inputs accepted");
    }
}
