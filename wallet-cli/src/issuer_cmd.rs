//! `avid issuer init` and `avid issuer did-document`: thin over
//! [`vc_issuer::issuer_dir`], which holds every rule of the issuer directory.

use std::path::Path;

use did_core::key::store::KeyStoreError;
use serde_json::{Value, json};
use vc_issuer::issuer_dir::{IssuerDirError, IssuerDirectory, IssuerSettings};

use vc_issuer::status::StatusValue;

use crate::cli::{IssuerArgs, IssuerCommand, IssuerInitArgs};
use crate::issuer_store_cmd::OpenIssuer;
use crate::network;
use crate::output::{Failure, Output};
use crate::passphrase::{self, Purpose};

/// Runs one `avid issuer` subcommand.
pub fn run(args: IssuerArgs, passphrase_file: Option<&Path>, out: &Output) -> Result<(), Failure> {
    let dir = args.issuer_dir.ok_or_else(|| {
        Failure::usage("no issuer directory: give --issuer-dir DIR or set AVID_ISSUER_DIR")
    })?;
    let command = match args.command {
        IssuerCommand::Init(init_args) => {
            return init(
                &dir,
                &init_args,
                args.database.as_deref(),
                passphrase_file,
                out,
            );
        }
        IssuerCommand::DidDocument => return did_document(&dir, out),
        store_command => store_command,
    };
    let runtime = network::runtime()?;
    runtime.block_on(async {
        let issuer = OpenIssuer::open(&dir, args.database.as_deref()).await?;
        match command {
            IssuerCommand::LinkNonce => issuer.link_nonce(out).await,
            IssuerCommand::PasskeyChallenge(challenge) => {
                issuer.passkey_challenge(&challenge.holder, out).await
            }
            IssuerCommand::Issue(issue) => issuer.issue(&issue, passphrase_file, out).await,
            IssuerCommand::Revoke(id) => issuer.set_status(&id, StatusValue::Invalid, out).await,
            IssuerCommand::Suspend(id) => issuer.set_status(&id, StatusValue::Suspended, out).await,
            IssuerCommand::Reinstate(id) => issuer.set_status(&id, StatusValue::Valid, out).await,
            IssuerCommand::List => issuer.list(out).await,
            IssuerCommand::StatusList(list) => {
                issuer.status_list(&list, passphrase_file, out).await
            }
            IssuerCommand::Audit => issuer.audit(out).await,
            IssuerCommand::Init(_) | IssuerCommand::DidDocument => Ok(()),
        }
    })
}

fn init(
    dir: &Path,
    args: &IssuerInitArgs,
    database: Option<&str>,
    passphrase_file: Option<&Path>,
    out: &Output,
) -> Result<(), Failure> {
    let settings = IssuerSettings {
        did_web: args.did_web.clone(),
        rp_id: args.rp_id.clone(),
        origin: args.origin.clone(),
        name: args.name.clone(),
        status_list_base: args.status_list_base.clone(),
        status_list_size: args.status_list_size,
    };
    // Refuse bad settings and an occupied directory before asking for a passphrase that
    // would not be used; `init` checks both again.
    settings.check().map_err(|err| failure(&err))?;
    IssuerDirectory::ensure_vacant(dir).map_err(|err| failure(&err))?;
    let keys = dir.join(vc_issuer::issuer_dir::KEYS_FILE);
    let passphrase =
        passphrase::obtain(passphrase_file, Purpose::New, &keys.display().to_string())?;
    let issuer = IssuerDirectory::init(dir, &settings, &passphrase).map_err(|err| failure(&err))?;
    // The store starts its log with the key's creation.
    network::runtime()?.block_on(async {
        OpenIssuer::open(dir, database)
            .await?
            .record_key_created()
            .await
    })?;
    let config = issuer.config();
    let document_url = issuer.did_document_url();
    if out.json() {
        let relying_party = config.relying_party();
        out.print_json(&json!({
            "did": config.did().as_str(),
            "kid": config.kid().as_str(),
            "name": config.name(),
            "rpId": relying_party.map(|rp| rp.rp_id()),
            "origin": relying_party.map(|rp| rp.origin()),
            "statusListBase": config.status_list_base(),
            "issuerDir": path_text(issuer.dir()),
            "config": path_text(&issuer.config_path()),
            "keys": path_text(&issuer.keys_path()),
            "store": path_text(&issuer.store_path()),
            "didDocumentUrl": document_url.as_ref().map(|url| url.as_str()),
        }));
    } else {
        say!("{}", config.did());
        tell!("created the issuer in {}", issuer.dir().display());
        tell!("  signs as   {}", config.kid());
        if let Some(rp) = config.relying_party() {
            tell!("  passkeys   rp id {}, origin {}", rp.rp_id(), rp.origin());
        }
        if let Some(url) = &document_url {
            tell!(
                "  host the output of `avid issuer did-document` at {url} for the DID to resolve"
            );
        }
        tell!("  keep the passphrase: without it the signing key cannot be recovered");
    }
    Ok(())
}

fn did_document(dir: &Path, out: &Output) -> Result<(), Failure> {
    let issuer = IssuerDirectory::open(dir).map_err(|err| failure(&err))?;
    let document = issuer.did_json().map_err(|err| failure(&err))?;
    // The document is the output in both modes: `> did.json` gives the file to host.
    out.print_json(&document);
    if !out.json()
        && let Some(url) = issuer.did_document_url()
    {
        tell!("serve this at {url}");
    }
    Ok(())
}

fn path_text(path: &Path) -> Value {
    Value::String(path.display().to_string())
}

/// The failure for an issuer directory error: settings the user gave are a usage error (2),
/// everything else a failure (1), each with a stable code.
pub fn failure(error: &IssuerDirError) -> Failure {
    let code = match error {
        IssuerDirError::BadSetting(_) => return Failure::usage(error.to_string()),
        IssuerDirError::AlreadyExists { .. } => "alreadyExists",
        IssuerDirError::NotAnIssuerDirectory { .. } => "notAnIssuerDirectory",
        IssuerDirError::BadConfig { .. } => "badConfig",
        IssuerDirError::NewerFormat { .. } => "newerFormat",
        IssuerDirError::KeyStore(KeyStoreError::WrongPassphrase { .. }) => "wrongPassphrase",
        IssuerDirError::KeyStore(KeyStoreError::NewerVersion { .. }) => "newerFormat",
        IssuerDirError::KeyStore(_) => "keyStore",
        IssuerDirError::MissingKey { .. } | IssuerDirError::KeyMismatch { .. } => "keyMismatch",
        _ => "io",
    };
    Failure::rejected(code, error.to_string())
}
