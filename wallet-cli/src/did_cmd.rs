//! `avid did create` and `avid did resolve`.

use did_core::did::DidUrl;
use did_core::document::{DidDocument, RelationshipKind};
use did_core::key::{KeyType, SecretKey};
use did_core::method;
use did_core::resolution::dereference::{self, Dereferenced};
use did_core::resolution::http;
use did_core::resolution::{ErrorKind, ResolutionError, ResolutionOptions, ResolutionResult};
use serde_json::{Value, json};

use crate::cli::{CreateArgs, CreateKeyType, CreateMethod, DidCommand, ResolveArgs};
use crate::network;
use crate::output::{Failure, Output};
use crate::wallet_cmd;

/// Runs one `avid did` subcommand.
pub fn run(command: DidCommand, wallet: &wallet_cmd::Context<'_>) -> Result<(), Failure> {
    let out = wallet.out;
    match command {
        // With a wallet, a did:key is kept there; otherwise (or asked for the secret, or
        // another method) the DID is printed as before.
        DidCommand::Create(args)
            if !args.show_secret && args.method == CreateMethod::Key && wallet.wallet_exists() =>
        {
            wallet_cmd::did_create(key_type(args.key_type), wallet)
        }
        DidCommand::Create(args) => create(&args, out),
        DidCommand::Resolve(args) => resolve(&args, out),
        DidCommand::List => wallet_cmd::did_list(wallet),
        DidCommand::Show(args) => wallet_cmd::did_show(&args, wallet),
    }
}

fn key_type(key_type: CreateKeyType) -> KeyType {
    match key_type {
        CreateKeyType::Ed25519 => KeyType::Ed25519,
        CreateKeyType::P256 => KeyType::P256,
    }
}

fn create(args: &CreateArgs, out: &Output) -> Result<(), Failure> {
    let key_type = key_type(args.key_type);
    let secret = SecretKey::generate(key_type);
    let public = secret.public_key();
    let did = match args.method {
        CreateMethod::Key => method::key::did_key(&public),
        CreateMethod::Jwk => method::jwk::did_jwk(&public),
        CreateMethod::Peer => method::peer::did_peer_2_for_key(&public)
            .map_err(|err| Failure::rejected("internalError", err.to_string()))?,
    };
    if out.json() {
        let mut body = json!({
            "did": did.as_str(),
            "keyType": key_type.to_string(),
            "publicJwk": public.to_jwk(),
        });
        if args.show_secret {
            body["secretJwk"] = secret_jwk_json(&secret);
        }
        out.print_json(&body);
    } else {
        say!("{did}");
        if args.show_secret {
            // One line, so that a script can read the DID and the key apart.
            tell!("the second line is the secret key: keep it private, it controls this DID");
            say!("{}", secret_jwk_json(&secret));
        }
    }
    Ok(())
}

fn secret_jwk_json(secret: &SecretKey) -> Value {
    serde_json::to_value(secret.to_jwk()).unwrap_or(Value::Null)
}

fn resolve(args: &ResolveArgs, out: &Output) -> Result<(), Failure> {
    let options = ResolutionOptions {
        accept: args.accept.clone(),
    };
    let url = DidUrl::parse(&args.did_or_url).map_err(|err| {
        let error = ResolutionError::new(ErrorKind::InvalidDid, err.to_string());
        resolution_failure(&error)
    })?;
    let resolver = network::resolver(args.allow_http)?;
    let runtime = network::runtime()?;

    if url.is_did() {
        let outcome = runtime.block_on(resolver.resolve(url.did(), &options));
        let result = ResolutionResult::new(outcome.clone(), &options);
        let resolution = outcome.map_err(|error| resolution_failure(&error))?;
        if out.json() {
            out.print_json(&result.to_json());
        } else {
            print_document(&resolution.document);
        }
        return Ok(());
    }

    let dereferenced = runtime
        .block_on(dereference::dereference(resolver.as_ref(), &url, &options))
        .map_err(|error| resolution_failure(&error))?;
    if out.json() {
        let result = http::dereferencing_result(&dereferenced, &options)
            .map_err(|error| resolution_failure(&error))?;
        out.print_json(&result);
    } else if let Dereferenced::Url(url) = &dereferenced {
        say!("{url}");
    } else {
        let content = dereferenced
            .to_json(&options)
            .map_err(|error| resolution_failure(&error))?;
        out.print_json(&content);
    }
    Ok(())
}

fn resolution_failure(error: &ResolutionError) -> Failure {
    let result = ResolutionResult::from_error(error);
    Failure::rejected(error.code(), error.detail.clone()).with_details(result.to_json())
}

/// A short human summary: the DID, each verification method with its key type and the
/// relationships that authorize it, the services, and `alsoKnownAs`.
fn print_document(document: &DidDocument) {
    say!("{}", document.id);
    for method in &document.verification_method {
        let key_type = method
            .public_key()
            .map(|key| key.key_type().to_string())
            .unwrap_or_else(|_| "unknown key".into());
        let purposes: Vec<&str> = RelationshipKind::ALL
            .into_iter()
            .filter(|kind| {
                document
                    .relationship(*kind)
                    .iter()
                    .any(|entry| entry.id() == &method.id)
            })
            .map(RelationshipKind::property)
            .collect();
        say!("  key      {} ({}, {key_type})", method.id, method.type_);
        say!("           for {}", purposes.join(", "));
    }
    for service in &document.service {
        say!("  service  {} {}", service.id, service.service_endpoint);
    }
    for uri in &document.also_known_as {
        say!("  alias    {uri}");
    }
}
