//! The one way untrusted text enters an error message: bounded, with control characters
//! escaped, so that an attacker's input can neither grow a message without limit nor forge a
//! line of a log.

use std::fmt::Write;

/// How many characters of untrusted input a message quotes before cutting it with `…`.
pub const MAX_EXCERPT_CHARS: usize = 64;

/// `text` for an error message: at most [`MAX_EXCERPT_CHARS`] characters (then `…`), with every
/// control character (line breaks, escape sequences, bidi overrides among the format
/// characters) written as a Rust-style escape such as `\n` or `\u{202e}`.
///
/// ```
/// use did_core::excerpt::excerpt;
///
/// assert_eq!(excerpt("did:key:z6Mk"), "did:key:z6Mk");
/// assert_eq!(excerpt("HS256\n[fake log line]"), "HS256\\n[fake log line]");
/// assert_eq!(excerpt(&"a".repeat(100)).chars().count(), 65);
/// ```
pub fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_EXCERPT_CHARS + 8));
    for (count, c) in text.chars().enumerate() {
        if count == MAX_EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if needs_escape(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (Unicode category Cc) and the invisible format characters that reorder or
/// hide text (bidi controls, zero-width characters, the BOM).
fn needs_escape(c: char) -> bool {
    match c {
        c if c.is_control() => true,
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(excerpt("none"), "none");
        assert_eq!(excerpt(""), "");
        assert_eq!(excerpt("Möbius ☃"), "Möbius ☃");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_EXCERPT_CHARS + 10);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), MAX_EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(
            excerpt(&"x".repeat(MAX_EXCERPT_CHARS)),
            "x".repeat(MAX_EXCERPT_CHARS)
        );
    }

    #[test]
    fn rejects_log_injection_by_escaping_control_characters() {
        let quoted = excerpt("alg\r\n2026-12-06 INFO admin logged in\u{1b}[2J");
        assert!(!quoted.chars().any(char::is_control), "{quoted}");
        assert!(quoted.contains("\\r\\n"), "{quoted}");
        assert!(quoted.contains("\\u{1b}"), "{quoted}");
    }

    #[test]
    fn escapes_bidi_overrides_and_invisible_characters() {
        let quoted = excerpt("did:example:\u{202e}gnp.exe\u{200b}");
        assert_eq!(quoted, "did:example:\\u{202e}gnp.exe\\u{200b}");
    }
}
