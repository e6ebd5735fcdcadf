//! Reading what the user hands `avid`: a file or `-` for stdin, bounded in size, and the JSON
//! and JWK files built on that. Errors name the file and say what was expected.

use std::io::Read;
use std::path::Path;

use did_core::key::{Jwk, PublicKey, SecretJwk, SecretKey};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::output::Failure;

/// The largest input `avid` reads: a credential is at most 1 MiB (RFC 9901 sizes are far
/// below), and so is any claims or key file.
pub const MAX_INPUT_BYTES: u64 = 1 << 20;

/// The text of `path`, or of stdin for `-`, without surrounding whitespace. It is wiped from
/// memory when dropped, since some inputs (key files) are secrets.
pub fn read_text(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let name = path.display().to_string();
    let mut text = Zeroizing::new(String::new());
    let read = if name == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_string(&mut text)
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_string(&mut text))
    };
    read.map_err(|err| Failure::usage(format!("cannot read {name}: {err}")))?;
    if text.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::usage(format!(
            "{name} is larger than {MAX_INPUT_BYTES} bytes; avid reads no input that large"
        )));
    }
    Ok(Zeroizing::new(text.trim().to_owned()))
}

/// A credential or presentation to verify, from `path` or stdin for `-`, without surrounding
/// whitespace. Its size is the verifier's to judge: an input over
/// [`vc_issuer::verify::MAX_INPUT_LEN`] is read only that far (and one byte more) and handed on,
/// so that the verifier refuses it with a report (`malformed`) like any other bad credential.
pub fn read_presentation(path: &Path) -> Result<String, Failure> {
    let name = path.display().to_string();
    let limit = vc_issuer::verify::MAX_INPUT_LEN as u64 + 1;
    let mut bytes = Vec::new();
    let read = if name == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|err| Failure::usage(format!("cannot read {name}: {err}")))?;
    let text = if bytes.len() as u64 == limit {
        // Cut anywhere, perhaps inside a character: only the length matters now.
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        String::from_utf8(bytes)
            .map_err(|err| Failure::usage(format!("cannot read {name}: {err}")))?
    };
    Ok(text.trim().to_owned())
}

/// A JSON object read from `path`.
pub fn read_json_object(path: &Path, what: &str) -> Result<Map<String, Value>, Failure> {
    let text = read_text(path)?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(Failure::usage(format!(
            "{} must hold a JSON object ({what})",
            path.display()
        ))),
        Err(err) => Err(Failure::usage(format!(
            "{} is not JSON ({what}): {err}",
            path.display()
        ))),
    }
}

/// A secret key from a JWK file (as `avid did create --json --show-secret` prints under
/// `secretJwk`); the text and the key are both wiped when dropped.
pub fn read_secret_key(path: &Path) -> Result<SecretKey, Failure> {
    let text = read_text(path)?;
    let jwk: SecretJwk = serde_json::from_str(&text).map_err(|err| {
        Failure::usage(format!(
            "{} is not a private JWK (kty, crv, x, d): {err}",
            path.display()
        ))
    })?;
    SecretKey::from_jwk(&jwk).map_err(|err| Failure::usage(format!("{}: {err}", path.display())))
}

/// A public key from a JWK file; a private JWK is refused, so a holder's secret never has to
/// travel to an issuer.
pub fn read_public_key(path: &Path) -> Result<PublicKey, Failure> {
    let text = read_text(path)?;
    let jwk: Jwk = serde_json::from_str(&text).map_err(|err| {
        Failure::usage(format!(
            "{} is not a public JWK (kty, crv, x): {err}",
            path.display()
        ))
    })?;
    PublicKey::from_jwk(&jwk).map_err(|err| Failure::usage(format!("{}: {err}", path.display())))
}
