//! The holder's commands over the wallet of `vc_issuer::wallet`: `init`, `passphrase change`,
//! `did create|list|show` (in a wallet), `avatar`, `passkey`, `credential`, `present`. They
//! find the wallet, unlock it, call the library and print.

pub mod args;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use did_core::key::KeyType;
use did_core::key::store::KeyStoreError;
use did_core::method::key::did_key_verification_method;
use did_core::time::unix_now;
use serde_json::{Value, json};
use vc_issuer::issuer_keys::DidIssuerKeys;
use vc_issuer::mfa::CreationChallengeResponse;
use vc_issuer::sd_jwt::ClaimPath;
use vc_issuer::wallet::{Index, Wallet, WalletError, default_dir};

use self::args::{
    AvatarCommand, ChangeArgs, CredentialCommand, CredentialImportArgs, DidShowArgs,
    PasskeyCommand, PasskeyRegisterArgs, PresentArgs,
};
use crate::output::{Failure, Output};
use crate::passphrase::{self, Purpose};
use crate::{input, network};

/// Where the wallet is and how to unlock it: `--wallet` (or AVID_WALLET) and
/// `--passphrase-file`.
pub struct Context<'a> {
    /// The wallet directory given, if any.
    pub wallet: Option<&'a Path>,
    /// The passphrase file given, if any.
    pub passphrase_file: Option<&'a Path>,
    /// How to print.
    pub out: &'a Output,
}

impl Context<'_> {
    /// The wallet directory: the one given, else the default under the user's data directory.
    pub fn dir(&self) -> Result<PathBuf, Failure> {
        match self.wallet {
            Some(dir) => Ok(dir.to_owned()),
            None => default_dir().ok_or_else(|| {
                Failure::usage(
                    "no wallet directory: give --wallet DIR or set AVID_WALLET (HOME is not set)",
                )
            }),
        }
    }

    /// Whether a wallet exists where this context points.
    pub fn wallet_exists(&self) -> bool {
        self.dir()
            .is_ok_and(|dir| dir.join(vc_issuer::wallet::STORE_FILE).exists())
    }

    /// The wallet, unlocked with the passphrase from the usual sources.
    pub fn unlock(&self) -> Result<Wallet, Failure> {
        let dir = self.dir()?;
        if !dir.join(vc_issuer::wallet::STORE_FILE).exists() {
            return Err(failure(WalletError::NotFound { dir }));
        }
        let passphrase =
            passphrase::obtain(self.passphrase_file, Purpose::Unlock, "the avid wallet")?;
        progress("unlocking the wallet (key derivation)…");
        Wallet::open(&dir, &passphrase).map_err(failure)
    }

    /// The public index, read without the passphrase.
    fn index(&self) -> Result<Index, Failure> {
        Wallet::read_index(&self.dir()?).map_err(failure)
    }
}

/// Tells a person at a terminal that a slow step is running; scripts see nothing.
pub fn progress(message: &str) {
    if std::io::stderr().is_terminal() {
        tell!("{message}");
    }
}

/// The failure for a wallet error: a usage error (exit 2) for bad input or no wallet, a
/// rejection (exit 1) otherwise.
pub fn failure(error: WalletError) -> Failure {
    let message = match &error {
        WalletError::Store(KeyStoreError::WrongPassphrase { .. }) => format!(
            "{error}; nothing was changed. Check the passphrase (--passphrase-file, AVID_PASSPHRASE or the prompt)"
        ),
        _ => error.to_string(),
    };
    let mut failure = Failure::rejected(error.code(), message);
    failure.usage = error.is_usage();
    failure
}

/// `avid init`
pub fn init(ctx: &Context<'_>) -> Result<(), Failure> {
    let dir = ctx.dir()?;
    if dir.join(vc_issuer::wallet::STORE_FILE).exists() {
        return Err(failure(WalletError::AlreadyExists { dir }));
    }
    let passphrase = passphrase::obtain(ctx.passphrase_file, Purpose::New, "the new avid wallet")?;
    progress("sealing the wallet (key derivation)…");
    let wallet = Wallet::init(&dir, &passphrase).map_err(failure)?;
    let holder = wallet.index().dids.first().cloned().unwrap_or_default();
    if ctx.out.json() {
        ctx.out
            .print_json(&json!({"wallet": dir.display().to_string(), "holder": holder}));
    } else {
        say!("created the wallet {}", dir.display());
        say!("holder DID {holder}");
    }
    Ok(())
}

/// `avid passphrase change`
pub fn change_passphrase(args: &ChangeArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let mut wallet = ctx.unlock()?;
    if args.new_passphrase_file.is_none() && std::env::var_os(passphrase::PASSPHRASE_VAR).is_some()
    {
        // AVID_PASSPHRASE holds the current passphrase: the new one must come from elsewhere.
        return Err(Failure::usage(format!(
            "{} holds the current passphrase; give the new one with --new-passphrase-file FILE",
            passphrase::PASSPHRASE_VAR
        )));
    }
    let new = passphrase::obtain(
        args.new_passphrase_file.as_deref(),
        Purpose::New,
        "the avid wallet",
    )?;
    progress("re-encrypting the wallet (key derivation)…");
    wallet.change_passphrase(&new).map_err(failure)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({"changed": true}));
    } else {
        say!("the wallet is sealed under the new passphrase");
    }
    Ok(())
}

/// `avid did create` into the wallet: a did:key of `key_type` whose key is sealed there.
pub fn did_create(key_type: KeyType, ctx: &Context<'_>) -> Result<(), Failure> {
    let mut wallet = ctx.unlock()?;
    let did = wallet.create_did(key_type).map_err(failure)?;
    wallet.save().map_err(failure)?;
    if ctx.out.json() {
        ctx.out.print_json(
            &json!({"did": did.as_str(), "keyType": key_type.to_string(), "stored": true}),
        );
    } else {
        say!("{did}");
    }
    Ok(())
}

/// `avid did list`
pub fn did_list(ctx: &Context<'_>) -> Result<(), Failure> {
    let index = ctx.index()?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({"dids": index.dids}));
    } else {
        for (position, did) in index.dids.iter().enumerate() {
            let role = if position == 0 { "  (holder)" } else { "" };
            say!("{did}{role}");
        }
    }
    Ok(())
}

/// `avid did show`
pub fn did_show(args: &DidShowArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let index = ctx.index()?;
    let position = index
        .dids
        .iter()
        .position(|did| *did == args.did)
        .ok_or_else(|| {
            failure(WalletError::Unknown {
                what: "did",
                id: args.did.clone(),
            })
        })?;
    let public = did_core::did::Did::parse(&args.did)
        .map_err(|err| Failure::rejected("invalidDid", err.to_string()))
        .and_then(|did| {
            did_core::method::key::decode(&did)
                .map_err(|err| Failure::rejected("invalidDid", err.to_string()))
        })?;
    let kid = did_key_verification_method(&public);
    let role = if position == 0 { "holder" } else { "other" };
    if ctx.out.json() {
        ctx.out.print_json(&json!({
            "did": args.did,
            "role": role,
            "verificationMethod": kid.as_str(),
            "publicJwk": public.to_jwk(),
        }));
    } else {
        say!("{}", args.did);
        say!("  role     {role}");
        say!("  key      {kid} ({})", public.key_type());
    }
    Ok(())
}

/// `avid avatar …`
pub fn avatar(command: AvatarCommand, ctx: &Context<'_>) -> Result<(), Failure> {
    match command {
        AvatarCommand::Add(args) => {
            let mut wallet = ctx.unlock()?;
            let id = wallet
                .add_avatar(&args.platform, &args.handle, args.did.as_deref())
                .map_err(failure)?;
            wallet.save().map_err(failure)?;
            let avatar = wallet
                .avatars()
                .iter()
                .find(|avatar| avatar.id == id)
                .cloned()
                .ok_or_else(|| Failure::rejected("internalError", "the avatar vanished"))?;
            if ctx.out.json() {
                ctx.out.print_json(&json!({
                    "id": avatar.id, "platform": avatar.platform, "handle": avatar.handle,
                    "did": avatar.did,
                }));
            } else {
                say!(
                    "{}  {}  {}  {}",
                    avatar.id,
                    avatar.platform,
                    avatar.handle,
                    avatar.did
                );
            }
            Ok(())
        }
        AvatarCommand::List => {
            let index = ctx.index()?;
            if ctx.out.json() {
                ctx.out.print_json(&json!({"avatars": index.avatars}));
            } else {
                for avatar in &index.avatars {
                    say!("{}  {}  {}", avatar.id, avatar.platform, avatar.did);
                }
            }
            Ok(())
        }
        AvatarCommand::Link(args) => {
            let mut wallet = ctx.unlock()?;
            let request = wallet
                .link(&args.nonce, args.copies, &args.avatars, unix_now())
                .map_err(failure)?;
            wallet.save().map_err(failure)?;
            let body = serde_json::to_value(&request)
                .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
            // The request is a file for the issuer: the same JSON with or without --json.
            ctx.out.print_json(&body);
            Ok(())
        }
    }
}

/// `avid passkey …`
pub fn passkey(command: PasskeyCommand, ctx: &Context<'_>) -> Result<(), Failure> {
    let PasskeyCommand::Register(args) = command;
    register_passkey(&args, ctx)
}

fn register_passkey(args: &PasskeyRegisterArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let text = input::read_text(&args.challenge)?;
    let options: CreationChallengeResponse = serde_json::from_str(&text).map_err(|err| {
        Failure::usage(format!(
            "{} is not WebAuthn registration options ({{\"publicKey\": …}}, from `avid issuer passkey-challenge`): {err}",
            args.challenge.display()
        ))
    })?;
    let mut wallet = ctx.unlock()?;
    let response = wallet
        .register_passkey(options, args.origin.as_deref())
        .map_err(failure)?;
    wallet.save().map_err(failure)?;
    let body = serde_json::to_value(&response)
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    ctx.out.print_json(&body);
    Ok(())
}

/// `avid credential …`
pub fn credential(command: CredentialCommand, ctx: &Context<'_>) -> Result<(), Failure> {
    match command {
        CredentialCommand::Import(args) => import(&args, ctx),
        CredentialCommand::List => {
            let index = ctx.index()?;
            if ctx.out.json() {
                ctx.out
                    .print_json(&json!({"credentials": index.credentials}));
            } else {
                for credential in &index.credentials {
                    say!(
                        "{}  {}  from {}  {} of {} copies unused",
                        credential.id,
                        credential.vct.as_deref().unwrap_or("-"),
                        credential.issuer.as_deref().unwrap_or("-"),
                        credential.unused_copies,
                        credential.copies
                    );
                }
            }
            Ok(())
        }
        CredentialCommand::Show(args) => {
            let wallet = ctx.unlock()?;
            let record = wallet.credential(&args.id).map_err(failure)?.clone();
            let claims = wallet.claims(&args.id).map_err(failure)?;
            if ctx.out.json() {
                ctx.out.print_json(&json!({
                    "id": record.id, "vct": record.vct, "issuer": record.issuer,
                    "copies": record.copies.len(), "claims": claims,
                }));
            } else {
                say!("{}  {}", record.id, record.vct.as_deref().unwrap_or("-"));
                say!("  issuer   {}", record.issuer.as_deref().unwrap_or("-"));
                say!("  copies   {}", record.copies.len());
                ctx.out.print_json(&Value::Object(claims));
            }
            Ok(())
        }
        CredentialCommand::Delete(args) => {
            let mut wallet = ctx.unlock()?;
            wallet.delete_credential(&args.id).map_err(failure)?;
            wallet.save().map_err(failure)?;
            if ctx.out.json() {
                ctx.out.print_json(&json!({"deleted": args.id}));
            } else {
                say!("deleted {}", args.id);
            }
            Ok(())
        }
    }
}

/// The copies in an import: `{"id": …, "credentials": […]}` (`avid issuer issue --json`) or
/// one compact SD-JWT per line.
fn import_input(text: &str) -> Result<(Option<String>, Vec<String>), Failure> {
    if text.starts_with('{') {
        let json: Value = serde_json::from_str(text)
            .map_err(|err| Failure::usage(format!("the credential file is not JSON: {err}")))?;
        let credentials = json
            .get("credentials")
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                Failure::usage("the JSON must be {\"id\": …, \"credentials\": [\"<SD-JWT>\", …]}")
            })?;
        let id = json.get("id").and_then(Value::as_str).map(str::to_owned);
        return Ok((id, credentials));
    }
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    Ok((None, lines))
}

fn import(args: &CredentialImportArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let text = input::read_text(&args.input)?;
    let (id, copies) = import_input(&text)?;
    let keys = DidIssuerKeys::new(network::resolver(args.allow_http)?);
    let runtime = network::runtime()?;
    let mut wallet = ctx.unlock()?;
    let id = runtime
        .block_on(wallet.import(&copies, id.as_deref(), &keys, unix_now()))
        .map_err(failure)?;
    wallet.save().map_err(failure)?;
    let record = wallet.credential(&id).map_err(failure)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({
            "id": id, "vct": record.vct, "issuer": record.issuer, "copies": record.copies.len(),
        }));
    } else {
        say!(
            "imported {id} ({}, {} copies) from {}",
            record.vct.as_deref().unwrap_or("-"),
            record.copies.len(),
            record.issuer.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// `avid present`
pub fn present(args: &PresentArgs, ctx: &Context<'_>) -> Result<(), Failure> {
    let paths = args
        .disclose
        .iter()
        .map(|path| ClaimPath::parse(path).map_err(|err| Failure::usage(err.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let mut wallet = ctx.unlock()?;
    let presentation = wallet
        .present(&args.credential, &paths, &args.aud, &args.nonce, unix_now())
        .map_err(failure)?;
    wallet.save().map_err(failure)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({"presentation": presentation}));
    } else {
        say!("{presentation}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_import_forms() {
        let (id, copies) = import_input("a~\n\n b~ \n").expect("lines");
        assert_eq!((id, copies), (None, vec!["a~".to_owned(), "b~".to_owned()]));
        let (id, copies) =
            import_input(r#"{"id": "c-1", "credentials": ["x~", "y~"]}"#).expect("json");
        assert_eq!(id.as_deref(), Some("c-1"));
        assert_eq!(copies, vec!["x~".to_owned(), "y~".to_owned()]);
        assert!(import_input(r#"{"credentials": [1]}"#).is_err());
    }
}
