//! The command line of `avid`: every subcommand, flag and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::wallet_cmd::args as wallet_args;

/// avid: decentralized identity across metaverse platforms.
#[derive(Debug, Parser)]
#[command(name = "avid", version, about, propagate_version = true)]
pub struct Cli {
    /// Print machine-readable JSON instead of human text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the passphrase from FILE (`-` for stdin; one trailing newline is dropped). Without
    /// it, AVID_PASSPHRASE is used, else a prompt on the terminal.
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The holder wallet directory. Default: $XDG_DATA_HOME/avid, else ~/.local/share/avid.
    #[arg(long, global = true, env = "AVID_WALLET", value_name = "DIR")]
    pub wallet: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and resolve DIDs.
    #[command(subcommand)]
    Did(DidCommand),
    /// Issue and present SD-JWT VCs with raw keys held in JWK files.
    #[command(subcommand, name = "sd-jwt")]
    SdJwt(SdJwtCommand),
    /// Measure the trust in an issuer (ITU-T XSTR.trust-metaverse §8.6): its level and six
    /// indicators, from a probe of its DID.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Verify an SD-JWT, an SD-JWT+KB or a vc+jwt: exit 0 verified, 1 rejected.
    #[command(
        after_help = "Example:\n  avid verify presentation --require-key-binding \
        --aud https://world.example --nonce n-42 --trusted-issuer did:key:z6Mk…"
    )]
    Verify(VerifyArgs),
    /// Measure the main operations beside a bare Ed25519 verification, in this process.
    #[command(after_help = "Example:\n  cargo run --release --bin avid -- bench --json")]
    Bench(BenchArgs),
    /// Print a shell completion script for bash, zsh or fish.
    #[command(
        after_help = "Example:\n  avid completions bash > ~/.local/share/bash-completion/completions/avid"
    )]
    Completions(CompletionsArgs),
    /// Run the whole story on this machine: an issuer, a holder with two avatars and a
    /// passkey, a world that logs the avatar in with both factors, a replay and a revocation
    /// refused. Each step runs the `avid` command a person would type and says what each
    /// party saw.
    #[command(after_help = "Examples:\n  avid demo\n  avid demo --keep ./avid-demo")]
    Demo(DemoArgs),
    /// Run a persistent issuer from its directory: keys, DID, relying party and store.
    Issuer(IssuerArgs),
    /// Create the holder wallet: an encrypted directory with a first holder DID.
    ///
    /// Every key, the software passkey and the credentials are sealed under the passphrase
    /// (Argon2id, XChaCha20-Poly1305); only ids and metadata stay readable (wallet.json).
    #[command(
        after_help = "Examples:\n  avid init\n  avid init --wallet ./wallet --passphrase-file ./passphrase"
    )]
    Init(wallet_args::InitArgs),
    /// Change the wallet's passphrase.
    #[command(subcommand)]
    Passphrase(wallet_args::PassphraseCommand),
    /// The wallet's avatars: add, list, and the link proofs an issuer asks for.
    #[command(subcommand)]
    Avatar(wallet_args::AvatarCommand),
    /// The wallet's software passkey (a hardware security key is stronger).
    #[command(subcommand)]
    Passkey(wallet_args::PasskeyCommand),
    /// The wallet's credentials: import, list, show, delete.
    #[command(subcommand)]
    Credential(wallet_args::CredentialCommand),
    /// Present a credential: an SD-JWT+KB disclosing the claims named, for one verifier.
    Present(wallet_args::PresentArgs),
    /// Log in to a world: answer its OpenID4VP request with the wallet's credentials.
    ///
    /// Shows who asks and exactly which claims would be disclosed, and asks before sending
    /// (--yes for scripts); then posts the response and answers the world's passkey step.
    Login(wallet_args::LoginArgs),
}

/// Arguments of `avid completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `avid demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the issuer, the wallet and the files exchanged in DIR (new or empty) instead of a
    /// temporary directory that is removed at the end.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

/// `avid issuer …`
#[derive(Debug, Args)]
pub struct IssuerArgs {
    /// The issuer directory.
    #[arg(long, global = true, env = "AVID_ISSUER_DIR", value_name = "DIR")]
    pub issuer_dir: Option<PathBuf>,
    /// The issuer's database, for an issuer on several nodes: `postgres://user@host/db`.
    /// Default: the SQLite file issuer.db in the issuer directory.
    #[arg(long, global = true, env = "AVID_ISSUER_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: IssuerCommand,
}

/// The subcommands of `avid issuer`.
#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Create an issuer directory: its signing key, DID and configuration.
    ///
    /// A new Ed25519 signing key sealed under a passphrase (keys.avid) and the public
    /// configuration (issuer.json). The issuer is a did:key, or a did:web with --did-web.
    /// Refuses a directory that exists and is not empty.
    #[command(after_help = "Examples:\n  \
        avid issuer init --issuer-dir ./issuer\n  \
        avid issuer init --issuer-dir ./issuer --did-web issuer.example \
        --passphrase-file ./passphrase\n  \
        avid issuer init --issuer-dir ./issuer --rp-id avid.example \
        --origin https://issuer.avid.example")]
    Init(IssuerInitArgs),
    /// Print the issuer's DID document (for did:web, the did.json to host).
    ///
    /// For a did:web issuer, the did.json to host where the DID resolves. Needs no passphrase.
    #[command(
        name = "did-document",
        after_help = "Example:\n  avid issuer did-document --issuer-dir ./issuer > did.json"
    )]
    DidDocument,
    /// Hand out a single-use nonce for a holder's link proofs (valid ten minutes).
    #[command(
        name = "link-nonce",
        after_help = "Example:\n  avid issuer link-nonce --issuer-dir ./issuer"
    )]
    LinkNonce,
    /// Start the WebAuthn registration of a holder's passkey (user verification required).
    ///
    /// Prints the registration options for the holder's authenticator; the state waits in the
    /// store, single use, for ten minutes.
    #[command(
        name = "passkey-challenge",
        after_help = "Example:\n  avid issuer passkey-challenge --issuer-dir ./issuer \
        --holder did:key:z6Mk… > challenge.json"
    )]
    PasskeyChallenge(IssuerPasskeyChallengeArgs),
    /// Issue an avatar-link credential over a holder's link proofs.
    ///
    /// Checks every link proof (and spends its nonce) and the passkey registration, then
    /// records the credential, draws its status indexes at random and signs its copies in one
    /// transaction. Prints one credential per line.
    #[command(
        after_help = "Example:\n  avid issuer issue --issuer-dir ./issuer --links request.json \
        --claims claims.json --passkey-registration registration.json"
    )]
    Issue(IssuerIssueArgs),
    /// Revoke a credential: final, every copy.
    #[command(after_help = "Example:\n  avid issuer revoke --issuer-dir ./issuer Qm3x…")]
    Revoke(IssuerCredentialArgs),
    /// Suspend a credential, every copy, until it is reinstated.
    #[command(after_help = "Example:\n  avid issuer suspend --issuer-dir ./issuer Qm3x…")]
    Suspend(IssuerCredentialArgs),
    /// Reinstate a suspended credential.
    #[command(after_help = "Example:\n  avid issuer reinstate --issuer-dir ./issuer Qm3x…")]
    Reinstate(IssuerCredentialArgs),
    /// List the issued credentials with their status.
    #[command(after_help = "Example:\n  avid issuer list --issuer-dir ./issuer --json")]
    List,
    /// Sign a status list as it stands, for any static host.
    #[command(
        name = "status-list",
        after_help = "Example:\n  avid issuer status-list --issuer-dir ./issuer --list 1 --out statuslists/1"
    )]
    StatusList(IssuerStatusListArgs),
    /// Check the issuer's log: recompute its hash chain and name the first entry that does not
    /// match (exit 1). Needs no passphrase: run it on a copy of the store.
    #[command(after_help = "Example:\n  avid issuer audit --issuer-dir ./issuer")]
    Audit,
}

/// Arguments of `avid issuer passkey-challenge`.
#[derive(Debug, Args)]
pub struct IssuerPasskeyChallengeArgs {
    /// The holder's DID: the registration is kept for it.
    #[arg(long, value_name = "DID")]
    pub holder: String,
}

/// Arguments of `avid issuer issue`.
#[derive(Debug, Args)]
pub struct IssuerIssueArgs {
    /// The holder's issuance request (`avid avatar link` prints it): the holder DID, the link
    /// proofs and handles of its avatars, and a holder key per copy. `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub links: PathBuf,
    /// The personal claims, a JSON object with any of name, email, phone_number, birthdate
    /// (YYYY-MM-DD) and age_over_18.
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// The holder authenticator's answer to `avid issuer passkey-challenge`: binds the passkey
    /// (factor 2) into the credential.
    #[arg(long, value_name = "FILE")]
    pub passkey_registration: Option<PathBuf>,
    /// How many copies to sign (batch issuance): must match the holder keys of the request.
    #[arg(long, value_name = "K")]
    pub copies: Option<u32>,
    /// How long the credential is valid, in days.
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub valid_days: u64,
    /// Resolve did:web avatars over plain HTTP and on loopback (tests only).
    #[arg(long)]
    pub allow_http: bool,
}

/// The credential an `avid issuer revoke|suspend|reinstate` acts on.
#[derive(Debug, Args)]
pub struct IssuerCredentialArgs {
    /// The credential's id, as `avid issuer issue` and `avid issuer list` print it. Ids are
    /// random base64url and may start with `-`.
    #[arg(allow_hyphen_values = true)]
    pub id: String,
}

/// Arguments of `avid issuer status-list`.
#[derive(Debug, Args)]
pub struct IssuerStatusListArgs {
    /// The list's number (its URI ends with it).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub list: u64,
    /// Write the token to FILE (atomically) instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How long verifiers may cache the list (`ttl`), in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub ttl: u64,
    /// How long the token is valid (`exp`), in seconds: publish a new one before.
    #[arg(long, value_name = "SECONDS", default_value_t = 86_400)]
    pub valid_for: u64,
}

/// Arguments of `avid issuer init`.
#[derive(Debug, Args)]
pub struct IssuerInitArgs {
    /// Make the issuer did:web, its did.json hosted at this place: `issuer.example`,
    /// `localhost:8443`, `example.com/issuers/one`.
    #[arg(long, value_name = "HOST[:PORT][/PATH]")]
    pub did_web: Option<String>,
    /// The WebAuthn relying party id passkeys are registered for (a domain; with --origin).
    /// Default for did:web: its host.
    #[arg(long, value_name = "ID", requires = "origin")]
    pub rp_id: Option<String>,
    /// The origin of the issuer's pages, within the relying party id (with --rp-id). Default
    /// for did:web: https:// and its host.
    #[arg(long, value_name = "URL", requires = "rp_id")]
    pub origin: Option<String>,
    /// The issuer's name, shown to people by passkey prompts.
    #[arg(long)]
    pub name: Option<String>,
    /// Where the issuer's status lists will be served: list N at URL/N. Default for did:web:
    /// https:// and its host, /statuslists. A did:key issuer needs it to issue.
    #[arg(long, value_name = "URL")]
    pub status_list_base: Option<String>,
    /// How many entries each status list holds (default 131072). A small list tells
    /// verifiers that few credentials exist: for tests only.
    #[arg(long, value_name = "N")]
    pub status_list_size: Option<u64>,
}

/// `avid sd-jwt …`
#[derive(Debug, Subcommand)]
pub enum SdJwtCommand {
    /// Issue an SD-JWT VC (`typ: dc+sd-jwt`) signed by the issuer key, bound to the holder key.
    #[command(after_help = "Example:\n  avid sd-jwt issue --issuer-key issuer.jwk \
        --holder-key holder.pub.jwk --claims claims.json --vct urn:avid:avatar-link:1 --sd /name")]
    Issue(IssueArgs),
    /// Present a credential: disclose the claims named, optionally with a key binding JWT.
    #[command(
        after_help = "Example:\n  avid sd-jwt present credential --disclose /name \
        --holder-key holder.jwk --aud https://world.example --nonce n-42"
    )]
    Present(PresentArgs),
}

/// The DID an issuer's raw key is known by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IssuerDidMethod {
    /// did:key of the issuer key (kid `did:key:z…#z…`).
    Key,
    /// did:jwk of the issuer key (kid `did:jwk:…#0`).
    Jwk,
}

/// Arguments of `avid sd-jwt issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The issuer's private key, a JWK file.
    #[arg(long, value_name = "FILE")]
    pub issuer_key: PathBuf,
    /// The holder's public key, a JWK file: it goes into `cnf.jwk` (RFC 7800).
    #[arg(long, value_name = "FILE")]
    pub holder_key: PathBuf,
    /// The claims, a JSON object file (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub claims: PathBuf,
    /// The credential type (`vct`).
    #[arg(long)]
    pub vct: String,
    /// A disclosure frame file (see `vc_issuer::sd_jwt::DisclosureFrame`).
    #[arg(long, value_name = "FILE", conflicts_with = "sd")]
    pub frame: Option<PathBuf>,
    /// A claim to make selectively disclosable, as a path: `/name`, `/avatars/*`,
    /// `/address/locality`. Repeat for each.
    #[arg(long, value_name = "PATH")]
    pub sd: Vec<String>,
    /// How the issuer is named when no --kid is given.
    #[arg(long, value_enum, default_value = "key")]
    pub issuer_did: IssuerDidMethod,
    /// The verification method that signs (a DID URL), when the issuer has a DID of its own.
    #[arg(long)]
    pub kid: Option<String>,
    /// How long the credential is valid, in seconds.
    #[arg(long, default_value_t = 365 * 24 * 3600)]
    pub valid_for: u64,
    /// The digest algorithm of the disclosures, `_sd_alg` (RFC 9901 §4.1.1).
    #[arg(long, default_value = "sha-256", value_parser = ["sha-256", "sha-384", "sha-512"])]
    pub sd_alg: String,
    /// Decoy digests to add to each `_sd` array (RFC 9901 §4.2.5).
    #[arg(long, default_value_t = 0)]
    pub decoys: usize,
    /// The Token Status List the credential's status lives in (with --status-index).
    #[arg(long, requires = "status_index")]
    pub status_list_uri: Option<String>,
    /// The credential's index in that list.
    #[arg(long, requires = "status_list_uri")]
    pub status_index: Option<u64>,
    /// The JWS algorithm the issuer signs with: `Ed25519` (RFC 9864, the default for an
    /// Ed25519 key), `EdDSA` (its RFC 8037 name, which many deployed verifiers still expect)
    /// or `ES256` (the default for a P-256 key).
    #[arg(long, value_parser = SIGNING_ALGORITHMS)]
    pub alg: Option<String>,
}

/// The `alg` values `--alg` takes (RFC 7515 §4.1.1: case-sensitive).
const SIGNING_ALGORITHMS: [&str; 3] = ["Ed25519", "EdDSA", "ES256"];

/// Arguments of `avid sd-jwt present`.
#[derive(Debug, Args)]
pub struct PresentArgs {
    /// The issued SD-JWT (`-` for stdin).
    pub credential: PathBuf,
    /// A claim to disclose, as a path (`/avatars/1`, `/age_over_18`); its parents come along.
    #[arg(long, value_name = "PATH")]
    pub disclose: Vec<String>,
    /// The holder's private key, a JWK file: appends a key binding JWT (needs --aud, --nonce).
    #[arg(long, value_name = "FILE", requires_all = ["aud", "nonce"])]
    pub holder_key: Option<PathBuf>,
    /// The verifier the key binding JWT is for.
    #[arg(long, requires = "holder_key")]
    pub aud: Option<String>,
    /// The verifier's nonce for this transaction.
    #[arg(long, requires = "holder_key")]
    pub nonce: Option<String>,
    /// The JWS algorithm of the key binding JWT, as for `avid sd-jwt issue --alg`.
    #[arg(long, requires = "holder_key", value_parser = SIGNING_ALGORITHMS)]
    pub alg: Option<String>,
}

/// `avid trust …`
#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Evaluate an issuer without a credential: resolve its DID, measure what that tells, and
    /// print the level with a line per indicator (its score and weakest factor). Exit 0 when
    /// the level is above `none`, 1 when it is `none` (the evaluation is printed either way),
    /// 2 for a DID or configuration that cannot be used.
    #[command(
        after_help = "Examples:\n  avid trust evaluate did:web:issuer.example\n  \
        avid trust evaluate did:key:z6Mk… --config model.json --json"
    )]
    Evaluate(TrustEvaluateArgs),
}

/// Arguments of `avid trust evaluate`.
#[derive(Debug, Args)]
pub struct TrustEvaluateArgs {
    /// The issuer's DID.
    pub did: String,
    /// The model's configuration (JSON, the `model` member of avid-resolver's trust file:
    /// weights, levels, priors; docs/trust.md). Default: the documented defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The verifier's trust list: an issuer DID on it (repeat for each). With it, the issuer's
    /// standing is measured (taken_over); without it, it is unknown.
    #[arg(long, value_name = "DID")]
    pub trusted_issuer: Vec<String>,
    /// Let did:web use plain http:// and loopback addresses (local testing).
    #[arg(long)]
    pub allow_http: bool,
}

/// Arguments of `avid verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The credential or presentation (`-` for stdin).
    pub input: PathBuf,
    /// The nonce the key binding JWT must carry.
    #[arg(long)]
    pub nonce: Option<String>,
    /// The audience the key binding JWT must carry (this verifier).
    #[arg(long)]
    pub aud: Option<String>,
    /// Refuse a presentation without a valid key binding JWT (needs --nonce and --aud).
    #[arg(long)]
    pub require_key_binding: bool,
    /// Accept only credentials from this issuer DID. Repeat for each; without it any issuer
    /// whose DID resolves is accepted, with a warning.
    #[arg(long, value_name = "DID")]
    pub trusted_issuer: Vec<String>,
    /// The credential type (`vct`) required.
    #[arg(long)]
    pub vct: Option<String>,
    /// A claim that must be present, as a path. Repeat for each.
    #[arg(long, value_name = "PATH")]
    pub require_claim: Vec<String>,
    /// Verify as of this Unix time instead of now.
    #[arg(long, value_name = "UNIX-SECONDS")]
    pub at: Option<u64>,
    /// Let DID and status list fetches use plain http:// and loopback addresses (local testing).
    #[arg(long)]
    pub allow_http: bool,
}

/// Arguments of `avid bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Seconds spent measuring each operation.
    #[arg(long, default_value_t = 1.0)]
    pub seconds: f64,
}

/// `avid did …`
#[derive(Debug, Subcommand)]
pub enum DidCommand {
    /// Create a new DID from a freshly generated key and print it.
    ///
    /// With a wallet (avid init), a did:key is kept there, its key sealed; without one, or with
    /// --show-secret, the DID (and its key) is only printed.
    #[command(
        after_help = "Examples:\n  avid did create\n  avid did create --method jwk --show-secret"
    )]
    Create(CreateArgs),
    /// List the wallet's DIDs (no passphrase needed).
    #[command(after_help = "Example:\n  avid did list --json")]
    List,
    /// Show one of the wallet's DIDs: its role and key.
    #[command(after_help = "Example:\n  avid did show did:key:z6Mk…")]
    Show(wallet_args::DidShowArgs),
    /// Resolve a DID to its document, or dereference a DID URL to the resource it names.
    #[command(after_help = "Examples:\n  avid did resolve did:web:example.com\n  \
        avid did resolve --json 'did:key:z6Mk…#z6Mk…'")]
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
    /// Also print the secret key as a JWK (on the second line, or as `secretJwk` with --json).
    /// Anyone who sees it can act as this DID.
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
