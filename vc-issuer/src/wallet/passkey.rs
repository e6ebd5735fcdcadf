//! The wallet's software passkey: a WebAuthn authenticator in software
//! (`webauthn-authenticator-rs`'s `SoftToken`), kept sealed in the wallet's key store between
//! ceremonies. A hardware security key keeps its private key where no program can read it; this
//! one is only as safe as the wallet's passphrase and the machine.

use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softtoken::SoftToken;
use zeroize::Zeroizing;

use super::WalletError;
use crate::mfa::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

/// A software WebAuthn authenticator, restored from and saved to its sealed bytes.
pub struct SoftwarePasskey {
    token: SoftToken,
}

impl std::fmt::Debug for SoftwarePasskey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftwarePasskey(<sealed>)")
    }
}

impl SoftwarePasskey {
    /// A new authenticator with no credential yet. It reports user verification as done: the
    /// wallet's passphrase, asked before it is used, stands for it.
    pub fn generate() -> Result<Self, WalletError> {
        let (token, _ca) = SoftToken::new(true).map_err(passkey_error)?;
        Ok(Self { token })
    }

    /// The authenticator from the bytes [`to_bytes`](Self::to_bytes) gave.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, WalletError> {
        let token = SoftToken::from_cbor(bytes).map_err(passkey_error)?;
        Ok(Self { token })
    }

    /// Its private keys and counter, to seal in the key store.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, WalletError> {
        self.token
            .to_cbor()
            .map(Zeroizing::new)
            .map_err(passkey_error)
    }

    /// Answers an issuer's registration `options` as a client on `origin` (default:
    /// `https://` and the options' relying party id).
    pub fn register(
        &mut self,
        options: CreationChallengeResponse,
        origin: Option<&str>,
    ) -> Result<RegisterPublicKeyCredential, WalletError> {
        let origin = origin_for(origin, &options.public_key.rp.id)?;
        self.token
            .do_registration(origin, options)
            .map_err(passkey_error)
    }

    /// Answers a verifier's authentication `options` as a client on `origin` (default:
    /// `https://` and the options' relying party id, the issuer's).
    pub fn authenticate(
        &mut self,
        options: RequestChallengeResponse,
        origin: Option<&str>,
    ) -> Result<PublicKeyCredential, WalletError> {
        let origin = origin_for(origin, &options.public_key.rp_id)?;
        self.token
            .do_authentication(origin, options)
            .map_err(passkey_error)
    }
}

/// `origin`, or `https://RP_ID`: a passkey is scoped to its relying party id (WebAuthn §5.1.3
/// step 8 requires the RP ID to be a registrable suffix of the origin's host).
fn origin_for(origin: Option<&str>, rp_id: &str) -> Result<Url, WalletError> {
    let text = match origin {
        Some(origin) => origin.to_owned(),
        None => format!("https://{rp_id}"),
    };
    Url::parse(&text).map_err(|_| {
        WalletError::Invalid(format!(
            "the origin \"{}\" is not a URL; give --origin https://HOST",
            did_core::excerpt::excerpt(&text)
        ))
    })
}

fn passkey_error(error: impl std::fmt::Debug) -> WalletError {
    WalletError::Passkey(format!("{error:?}"))
}
