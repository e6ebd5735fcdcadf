//! The command line of `avid`: every subcommand, flag and its help text.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// avid: decentralized identity across metaverse platforms.
#[derive(Debug, Parser)]
#[command(name = "avid", version, about, propagate_version = true)]
pub struct Cli {
    /// Print machine-readable JSON instead of human text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and resolve DIDs.
    #[command(subcommand)]
    Did(DidCommand),
}

/// `avid did …`
#[derive(Debug, Subcommand)]
pub enum DidCommand {
    /// Create a new DID from a freshly generated key and print it.
    Create(CreateArgs),
    /// Resolve a DID to its document, or dereference a DID URL to the resource it names.
    Resolve(ResolveArgs),
}

/// The DID methods `avid did create` can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CreateMethod {
    /// did:key: the public key is the DID.
    Key,
    /// did:jwk: the public JWK is the DID.
    Jwk,
    /// did:peer numalgo 2: signing key plus (for Ed25519) a derived key-agreement key.
    Peer,
}

/// The key types `avid did create` can generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CreateKeyType {
    /// Ed25519 (EdDSA signatures; X25519 key agreement derived from it).
    Ed25519,
    /// NIST P-256 (ES256 signatures).
    P256,
}

/// Arguments of `avid did create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The DID method.
    #[arg(long, value_enum, default_value = "key")]
    pub method: CreateMethod,
    /// The key type to generate.
    #[arg(long, value_enum, default_value = "ed25519")]
    pub key_type: CreateKeyType,
    /// Also print the secret key as a JWK. Anyone who sees it can act as this DID.
    #[arg(long)]
    pub show_secret: bool,
}

/// Arguments of `avid did resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The DID (`did:key:z6Mk…`) or DID URL (`did:key:z6Mk…#z6Mk…`, `did:web:host?service=x`).
    pub did_or_url: String,
    /// Let did:web use plain http:// and loopback or private addresses (local testing only).
    #[arg(long)]
    pub allow_http: bool,
    /// The representation to ask for: application/did+json or application/did+ld+json.
    #[arg(long)]
    pub accept: Option<String>,
}
