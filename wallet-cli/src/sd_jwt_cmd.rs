//! `avid sd-jwt issue` and `avid sd-jwt present`: SD-JWT VCs for people who hold raw keys in
//! JWK files. The issuing and presenting rules are `vc_issuer::sd_jwt_vc`'s.

use did_core::did::DidUrl;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::SecretKey;
use did_core::method::{jwk::did_jwk_verification_method, key::did_key_verification_method};
use serde_json::{Value, json};
use vc_issuer::sd_jwt::{ClaimPath, DecoyCount, DisclosureFrame, HashAlgorithm};
use vc_issuer::sd_jwt_vc::{HolderCredential, KeyBindingRequest, SdJwtVcIssuer, UnsecuredPayload};
use vc_issuer::status::StatusListReference;
use vc_issuer::time::unix_now;

use crate::cli::{IssueArgs, IssuerDidMethod, PresentArgs, SdJwtCommand};
use crate::input;
use crate::output::{Failure, Output};

/// Runs one `avid sd-jwt` subcommand.
pub fn run(command: SdJwtCommand, out: &Output) -> Result<(), Failure> {
    match command {
        SdJwtCommand::Issue(args) => issue(&args, out),
        SdJwtCommand::Present(args) => present(&args, out),
    }
}

fn issue(args: &IssueArgs, out: &Output) -> Result<(), Failure> {
    let issuer_key = input::read_secret_key(&args.issuer_key)?;
    let holder_key = input::read_public_key(&args.holder_key)?;
    let claims = input::read_json_object(&args.claims, "the credential's claims")?;
    let frame = match &args.frame {
        Some(path) => {
            let json = Value::Object(input::read_json_object(path, "a disclosure frame")?);
            DisclosureFrame::from_json(&json).map_err(|err| Failure::usage(err.to_string()))?
        }
        None => DisclosureFrame::for_paths(&claims, &claim_paths(&args.sd)?)
            .map_err(|err| Failure::usage(err.to_string()))?,
    };
    let kid = match &args.kid {
        Some(kid) => DidUrl::parse(kid)
            .map_err(|err| Failure::usage(format!("--kid is not a DID URL: {err}")))?,
        None => issuer_kid(&issuer_key, args.issuer_did),
    };
    let signer = signer_for(&issuer_key, args.alg.as_deref())?;
    let decoys = DecoyCount::fixed(args.decoys).map_err(|err| Failure::usage(err.to_string()))?;
    let hash_alg =
        HashAlgorithm::from_name(&args.sd_alg).map_err(|err| Failure::usage(err.to_string()))?;
    let issuer = SdJwtVcIssuer::new(&signer, kid.clone())
        .map_err(|err| Failure::usage(err.to_string()))?
        .with_decoys(decoys)
        .with_hash_alg(hash_alg);

    let issued_at = unix_now();
    let mut payload = UnsecuredPayload::new(args.vct.clone(), holder_key, issued_at)
        .with_claims(claims)
        .expiring_at(issued_at.saturating_add(args.valid_for));
    if let (Some(uri), Some(index)) = (&args.status_list_uri, args.status_index) {
        let reference = StatusListReference::new(index, uri)
            .map_err(|err| Failure::usage(format!("--status-list-uri: {err}")))?;
        payload = payload.with_status(reference.to_status_claim());
    }
    let credential = issuer
        .issue(payload, &frame)
        .map_err(|err| Failure::rejected("issuance_refused", err.to_string()))?;
    if out.json() {
        out.print_json(&json!({
            "credential": credential,
            "issuer": kid.did().as_str(),
            "kid": kid.as_str(),
        }));
    } else {
        say!("{credential}");
    }
    Ok(())
}

fn present(args: &PresentArgs, out: &Output) -> Result<(), Failure> {
    let text = input::read_text(&args.credential)?;
    let credential = HolderCredential::parse(&text)
        .map_err(|err| Failure::rejected("malformed", err.to_string()))?;
    let paths = claim_paths(&args.disclose)?;
    let presentation = match (&args.holder_key, &args.aud, &args.nonce) {
        (Some(key_file), Some(aud), Some(nonce)) => {
            let holder_key = input::read_secret_key(key_file)?;
            let signer = signer_for(&holder_key, args.alg.as_deref())?;
            let request = KeyBindingRequest::new(aud.clone(), nonce.clone(), unix_now());
            credential.present_with_key_binding(&paths, &request, &signer)
        }
        _ => credential.present(&paths),
    }
    .map_err(|err| Failure::rejected("presentation_refused", err.to_string()))?;
    if out.json() {
        out.print_json(&json!({"presentation": presentation}));
    } else {
        say!("{presentation}");
    }
    Ok(())
}

fn claim_paths(paths: &[String]) -> Result<Vec<ClaimPath>, Failure> {
    paths
        .iter()
        .map(|path| ClaimPath::parse(path).map_err(|err| Failure::usage(err.to_string())))
        .collect()
}

/// The verification method of a raw issuer key: its did:key or did:jwk.
fn issuer_kid(key: &SecretKey, method: IssuerDidMethod) -> DidUrl {
    let public = key.public_key();
    match method {
        IssuerDidMethod::Key => did_key_verification_method(&public),
        IssuerDidMethod::Jwk => did_jwk_verification_method(&public),
    }
}

/// The signer of a key: with the algorithm `--alg` names, or the one avid prefers for the
/// key's type. The key decides which algorithms it signs with (did-core refuses a mismatch).
fn signer_for(key: &SecretKey, alg: Option<&str>) -> Result<LocalSigner, Failure> {
    let algorithm = match alg {
        Some(name) => Algorithm::from_name(name).ok_or_else(|| {
            Failure::usage(format!("--alg {name} is not an algorithm avid signs with"))
        })?,
        None => Algorithm::preferred_for(key.key_type()).ok_or_else(|| {
            Failure::usage(format!(
                "a {} key cannot sign; use an Ed25519 or P-256 key",
                key.key_type()
            ))
        })?,
    };
    key.signer(algorithm).map_err(|err| match alg {
        Some(name) => Failure::usage(format!(
            "--alg {name}: {err}; an Ed25519 key signs with Ed25519 or EdDSA, a P-256 key with ES256"
        )),
        None => Failure::usage(err.to_string()),
    })
}
