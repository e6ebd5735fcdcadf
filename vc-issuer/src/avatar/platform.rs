//! The name of a platform an avatar lives on, validated once so that comparing two names is
//! comparing two strings.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::AvatarError;

/// The longest platform name, in bytes.
pub const MAX_PLATFORM_LEN: usize = 64;

/// The name of a metaverse platform (`vrchat`, `resonite`, `worlds.example.com`).
///
/// A name is 1 to [`MAX_PLATFORM_LEN`] bytes of lowercase ASCII letters, digits, `.`, `-` and
/// `_`, starting with a letter or a digit. One spelling per platform, so the link proof's
/// platform and the issuer's expectation are compared byte for byte, with no case folding or
/// Unicode normalisation to disagree about.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Platform(String);

impl Platform {
    /// The platform `name`, if it is spelled as [`Platform`] requires.
    pub fn new(name: &str) -> Result<Self, AvatarError> {
        let well_formed = !name.is_empty()
            && name.len() <= MAX_PLATFORM_LEN
            && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if well_formed {
            Ok(Self(name.to_owned()))
        } else {
            Err(AvatarError::InvalidPlatform {
                name: did_core::excerpt::excerpt(name),
            })
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Platform({})", self.0)
    }
}

impl TryFrom<String> for Platform {
    type Error = AvatarError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::new(&name)
    }
}

impl From<Platform> for String {
    fn from(platform: Platform) -> Self {
        platform.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names_and_domains() {
        for name in [
            "vrchat",
            "resonite",
            "worlds.example.com",
            "a",
            "2nd-life_x",
        ] {
            assert_eq!(Platform::new(name).map(|p| p.to_string()), Ok(name.into()));
        }
    }

    #[test]
    fn rejects_other_spellings() {
        let long = "a".repeat(MAX_PLATFORM_LEN + 1);
        for name in [
            "",
            "VRChat",
            "-x",
            ".x",
            "vr chat",
            "vrchat\n",
            "é",
            long.as_str(),
        ] {
            assert!(Platform::new(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn rejects_bad_names_in_json() {
        assert!(serde_json::from_str::<Platform>("\"VRChat\"").is_err());
        assert_eq!(
            serde_json::from_str::<Platform>("\"vrchat\"").ok(),
            Platform::new("vrchat").ok()
        );
    }
}
