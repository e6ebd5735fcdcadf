//! The command line of the holder's commands: `init`, `passphrase`, `did list|show`, `avatar`,
//! `passkey`, `credential`, `present` and `login`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Arguments of `avid init`.
#[derive(Debug, Args)]
pub struct InitArgs {}

/// `avid passphrase …`
#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Re-encrypt the whole wallet under a new passphrase, atomically.
    ///
    /// The current passphrase comes from --passphrase-file, AVID_PASSPHRASE or a prompt; the
    /// new one from --new-passphrase-file or a prompt (asked twice). On any failure the wallet
    /// keeps the old passphrase.
    #[command(
        after_help = "Example:\n  avid passphrase change --new-passphrase-file ./new-passphrase"
    )]
    Change(ChangeArgs),
}

/// Arguments of `avid passphrase change`.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Read the new passphrase from FILE (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

/// Arguments of `avid did show`.
#[derive(Debug, Args)]
pub struct DidShowArgs {
    /// The DID, as `avid did list` prints it.
    pub did: String,
}

/// `avid avatar …`
#[derive(Debug, Subcommand)]
pub enum AvatarCommand {
    /// Add an avatar: its platform, its handle there, and its DID (a new did:key by default).
    ///
    /// The avatar's key is sealed in the wallet. With --did, a DID made by `avid did create`
    /// becomes the avatar's (it can no longer be the holder DID).
    #[command(after_help = "Examples:\n  \
        avid avatar add --platform resonite --handle alice_res\n  \
        avid avatar add --platform vrchat --handle alice_vr --did did:key:z6Mk…")]
    Add(AvatarAddArgs),
    /// List the avatars (no passphrase needed).
    #[command(after_help = "Example:\n  avid avatar list --json")]
    List,
    /// Print the issuance request for an issuer: a link proof per avatar over its nonce.
    ///
    /// Each proof is one statement ("this avatar on this platform is this holder's") signed by
    /// the avatar key and by the holder key. With --copies K, K fresh holder keys are made for
    /// a batch of K unlinkable copies. Hand the output to `avid issuer issue --links FILE`.
    #[command(
        after_help = "Example:\n  avid avatar link --nonce \"$NONCE\" --copies 3 > links.json"
    )]
    Link(AvatarLinkArgs),
}

/// Arguments of `avid avatar add`.
#[derive(Debug, Args)]
pub struct AvatarAddArgs {
    /// The platform the avatar lives on (`resonite`, `vrchat`, …).
    #[arg(long)]
    pub platform: String,
    /// The avatar's name on that platform.
    #[arg(long)]
    pub handle: String,
    /// Use this DID of the wallet's as the avatar's, instead of a new one.
    #[arg(long, conflicts_with = "generate")]
    pub did: Option<String>,
    /// Make a new did:key for the avatar (the default).
    #[arg(long)]
    pub generate: bool,
}

/// Arguments of `avid avatar link`.
#[derive(Debug, Args)]
pub struct AvatarLinkArgs {
    /// The issuer's nonce (from `avid issuer link-nonce`). Random base64url: it may begin
    /// with `-`, so it is taken as a value whatever it starts with.
    #[arg(long, allow_hyphen_values = true)]
    pub nonce: String,
    /// How many copies of the credential to ask for, each bound to its own new key.
    #[arg(long, default_value_t = 1)]
    pub copies: usize,
    /// Link only this avatar (its id from `avid avatar list`). Repeat for each; default all.
    #[arg(long = "avatar", value_name = "ID")]
    pub avatars: Vec<String>,
}

/// `avid passkey …`
#[derive(Debug, Subcommand)]
pub enum PasskeyCommand {
    /// Answer an issuer's passkey registration with the wallet's software passkey.
    ///
    /// The software passkey is a WebAuthn authenticator whose private key is sealed in the
    /// wallet. A hardware security key is stronger: its key never leaves the device, while this
    /// one is only as safe as your passphrase and this machine.
    #[command(after_help = "Example:\n  \
        avid issuer passkey-challenge --holder did:key:z6Mk… > challenge.json\n  \
        avid passkey register --challenge challenge.json > registration.json")]
    Register(PasskeyRegisterArgs),
}

/// Arguments of `avid passkey register`.
#[derive(Debug, Args)]
pub struct PasskeyRegisterArgs {
    /// The issuer's registration options (`{"publicKey": …}`), a file or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub challenge: PathBuf,
    /// The origin to answer as (default: https:// and the options' relying party id).
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
}

/// `avid credential …`
#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Import a credential: checks the issuer's signature and that it is bound to a wallet key.
    ///
    /// Reads what `avid issuer issue` prints: one compact SD-JWT per line (the copies of one
    /// credential), or its --json form.
    #[command(after_help = "Example:\n  avid issuer issue … | avid credential import -")]
    Import(CredentialImportArgs),
    /// List the credentials (no passphrase needed).
    #[command(after_help = "Example:\n  avid credential list --json")]
    List,
    /// Show a credential's claims.
    #[command(after_help = "Example:\n  avid credential show credential-4")]
    Show(CredentialIdArgs),
    /// Delete a credential and the keys of its copies.
    #[command(after_help = "Example:\n  avid credential delete credential-4")]
    Delete(CredentialIdArgs),
}

/// Arguments of `avid credential import`.
#[derive(Debug, Args)]
pub struct CredentialImportArgs {
    /// The credential file, or `-` for stdin.
    pub input: PathBuf,
    /// Let did:web issuer lookups use plain http:// and loopback addresses (local testing).
    #[arg(long)]
    pub allow_http: bool,
}

/// A credential id argument.
#[derive(Debug, Args)]
pub struct CredentialIdArgs {
    /// The credential's id, from `avid credential list` (it may start with `-`).
    #[arg(allow_hyphen_values = true)]
    pub id: String,
}

/// Arguments of `avid present`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
    avid present --credential credential-4 --disclose /age_over_18 --disclose /avatars/0 \
    --nonce n-123 --aud https://world.example")]
pub struct PresentArgs {
    /// The credential's id.
    #[arg(long)]
    pub credential: String,
    /// A claim to disclose, as a path (`/age_over_18`, `/avatars/0`). Repeat for each.
    #[arg(long, value_name = "PATH")]
    pub disclose: Vec<String>,
    /// The verifier's nonce (taken as a value even if it begins with `-`).
    #[arg(long, allow_hyphen_values = true)]
    pub nonce: String,
    /// The verifier the presentation is for (the key binding JWT's `aud`).
    #[arg(long)]
    pub aud: String,
}

/// Arguments of `avid login`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    avid login 'openid4vp://?client_id=decentralized_identifier:did:web:world.example&request_uri=https://world.example/login/requests/42/request'\n  \
    avid login ./request.txt --yes")]
pub struct LoginArgs {
    /// The request: an `openid4vp://` URL, an https URL carrying `request_uri`, or a file
    /// holding either (`-` for stdin).
    pub request: String,
    /// Consent without asking (for scripts): the claims shown are sent.
    #[arg(long)]
    pub yes: bool,
    /// Let the request, response and DID fetches use plain http:// and loopback addresses
    /// (local testing only).
    #[arg(long)]
    pub allow_http: bool,
    /// The origin the passkey answers as (default: https:// and the relying party id).
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
    /// Also write the exact `direct_post` body sent to the world (`vp_token`, `state`) to
    /// FILE: the bytes the world received, to inspect what it learned.
    #[arg(long, value_name = "FILE")]
    pub save_response: Option<std::path::PathBuf>,
}
