//! The `avid issuer` commands over the issuer's store: link nonces, passkey challenges,
//! issuance, status changes, the register, status lists and the audit of the log. Thin over
//! [`vc_issuer::issuer`], which holds every rule.

use std::path::Path;
use std::time::Duration;

use did_core::did::Did;
use did_core::jose::{Algorithm, LocalSigner};
use did_core::key::store::{Replace, write_atomically};
use did_core::time::unix_now;
use serde_json::{Map, Value, json};
use vc_issuer::avatar::PersonalData;
use vc_issuer::issuer::issuance::{
    AvatarIssuer, ISSUER_CHALLENGE_TTL, IssuanceError, read_issuance_request,
};
use vc_issuer::issuer::{IssuerStore, KeyEvent, StoreConfig, StoreError};
use vc_issuer::issuer_dir::IssuerDirectory;
use vc_issuer::mfa::RegisterPublicKeyCredential;
use vc_issuer::status::StatusValue;

use crate::cli::{IssuerCredentialArgs, IssuerIssueArgs, IssuerStatusListArgs};
use crate::input::{read_json_object, read_text};
use crate::issuer_cmd::failure as directory_failure;
use crate::network;
use crate::output::{Failure, Output};
use crate::passphrase::{self, Purpose};

/// How many credentials `avid issuer list` reads at a time.
const LIST_PAGE: u32 = 500;

/// An issuer directory and its store, opened.
pub struct OpenIssuer {
    directory: IssuerDirectory,
    store: IssuerStore,
}

impl OpenIssuer {
    /// Opens the issuer in `dir` and its store: `database` when given, else the SQLite file of
    /// the directory. An issuer that has not said where its status lists are served opens no
    /// new list.
    pub async fn open(dir: &Path, database: Option<&str>) -> Result<OpenIssuer, Failure> {
        let directory = IssuerDirectory::open(dir).map_err(|err| directory_failure(&err))?;
        let mut config = match directory.config().status_list_base() {
            Some(base) => StoreConfig::new(base).map_err(|err| store_failure(&err))?,
            None => StoreConfig::without_new_lists(),
        };
        if let Some(size) = directory.config().status_list_size() {
            config = config.list_size(size).map_err(|err| store_failure(&err))?;
        }
        let store = match database {
            Some(url) => IssuerStore::open(url, config).await,
            None => IssuerStore::open_sqlite(&directory.store_path(), config).await,
        }
        .map_err(|err| store_failure(&err))?;
        Ok(OpenIssuer { directory, store })
    }

    /// The issuer's signing key, unlocked with the passphrase.
    fn signer(&self, passphrase_file: Option<&Path>) -> Result<LocalSigner, Failure> {
        let keys = self.directory.keys_path();
        let passphrase = passphrase::obtain(
            passphrase_file,
            Purpose::Unlock,
            &keys.display().to_string(),
        )?;
        let key = self
            .directory
            .unlock(&passphrase)
            .map_err(|err| directory_failure(&err))?;
        key.signer(Algorithm::Ed25519)
            .map_err(|err| Failure::rejected("keyStore", err.to_string()))
    }

    /// Logs that the issuer's signing key was created and put to use.
    pub async fn record_key_created(&self) -> Result<(), Failure> {
        self.store
            .record_key_event(
                KeyEvent::Created,
                self.directory.config().kid().as_str(),
                unix_now(),
            )
            .await
            .map_err(|err| store_failure(&err))
    }

    /// `avid issuer link-nonce`.
    pub async fn link_nonce(&self, out: &Output) -> Result<(), Failure> {
        let nonce = self
            .store
            .link_nonces()
            .issue(unix_now())
            .await
            .map_err(|err| Failure::rejected("store", err.to_string()))?;
        let valid_for = ISSUER_CHALLENGE_TTL.as_secs();
        if out.json() {
            out.print_json(&json!({"nonce": nonce, "validFor": valid_for}));
        } else {
            say!("{nonce}");
            tell!("valid once, for {valid_for} s: the holder signs its link proofs over it");
        }
        Ok(())
    }

    /// `avid issuer passkey-challenge --holder DID`.
    pub async fn passkey_challenge(&self, holder: &str, out: &Output) -> Result<(), Failure> {
        let holder = Did::parse(holder)
            .map_err(|err| Failure::usage(format!("--holder is not a DID: {err}")))?;
        let relying_party = self
            .directory
            .config()
            .relying_party()
            .ok_or_else(|| issuance_failure(&IssuanceError::NoRelyingParty))?;
        let options = self
            .store
            .passkey_registrar(relying_party)
            .map_err(|err| issuance_failure(&err))?
            .start_registration(holder.as_str(), unix_now())
            .await
            .map_err(|err| issuance_failure(&err.into()))?;
        // The options are the output in both modes: the holder's authenticator reads them.
        out.print_json(&serde_json::to_value(&options).unwrap_or(Value::Null));
        if !out.json() {
            tell!(
                "answer within {} s with the holder's authenticator (`avid passkey register`)",
                ISSUER_CHALLENGE_TTL.as_secs()
            );
        }
        Ok(())
    }

    /// `avid issuer issue`.
    pub async fn issue(
        &self,
        args: &IssuerIssueArgs,
        passphrase_file: Option<&Path>,
        out: &Output,
    ) -> Result<(), Failure> {
        let request = read_issuance_request(&Value::Object(read_json_object(
            &args.links,
            "issuance request",
        )?))
        .map_err(|err| Failure::usage(err.to_string()))?;
        let copies = request.holder_keys.len().max(1);
        if let Some(asked) = args.copies
            && asked as usize != copies
        {
            return Err(Failure::usage(format!(
                "--copies {asked}, but the request gives {copies} holder key(s): one per copy"
            )));
        }
        let personal = match &args.claims {
            Some(path) => personal_data(read_json_object(path, "claims")?)?,
            None => PersonalData::default(),
        };
        let registration = match &args.passkey_registration {
            Some(path) => Some(
                serde_json::from_str::<RegisterPublicKeyCredential>(&read_text(path)?).map_err(
                    |err| {
                        Failure::usage(format!(
                            "{} is not a WebAuthn registration response: {err}",
                            path.display()
                        ))
                    },
                )?,
            ),
            None => None,
        };
        let signer = self.signer(passphrase_file)?;
        let resolver = network::resolver(args.allow_http)?;
        let config = self.directory.config();
        let issued = AvatarIssuer::new(
            &self.store,
            &signer,
            config.kid(),
            config.relying_party(),
            resolver.as_ref(),
        )
        .with_validity(Duration::from_secs(args.valid_days.saturating_mul(86_400)))
        .issue(&request, personal, registration.as_ref(), unix_now())
        .await
        .map_err(|err| issuance_failure(&err))?;
        if out.json() {
            out.print_json(&json!({"id": issued.id, "credentials": issued.credentials}));
        } else {
            for credential in &issued.credentials {
                say!("{credential}");
            }
            tell!(
                "issued {} ({} cop{})",
                issued.id,
                issued.credentials.len(),
                if issued.credentials.len() == 1 {
                    "y"
                } else {
                    "ies"
                }
            );
        }
        Ok(())
    }

    /// `avid issuer revoke|suspend|reinstate <ID>`: the status every copy takes.
    pub async fn set_status(
        &self,
        args: &IssuerCredentialArgs,
        status: StatusValue,
        out: &Output,
    ) -> Result<(), Failure> {
        let now = unix_now();
        match status {
            StatusValue::Invalid => self.store.revoke(&args.id, now).await,
            StatusValue::Suspended => self.store.suspend(&args.id, now).await,
            _ => self.store.reinstate(&args.id, now).await,
        }
        .map_err(|err| store_failure(&err))?;
        let record = self
            .store
            .credential(&args.id)
            .await
            .map_err(|err| store_failure(&err))?;
        if out.json() {
            out.print_json(&json!({"id": record.id, "status": status_name(record.status)}));
        } else {
            say!("{} {}", record.id, status_name(record.status));
            tell!(
                "publish the status list again (`avid issuer status-list`) for verifiers to see it"
            );
        }
        Ok(())
    }

    /// `avid issuer list`.
    pub async fn list(&self, out: &Output) -> Result<(), Failure> {
        let mut rows = Vec::new();
        let mut offset = 0;
        loop {
            let ids = self
                .store
                .credential_ids(offset, LIST_PAGE)
                .await
                .map_err(|err| store_failure(&err))?;
            for id in &ids {
                let record = self
                    .store
                    .credential(id)
                    .await
                    .map_err(|err| store_failure(&err))?;
                rows.push(json!({
                    "id": record.id,
                    "holder": record.holder,
                    "vct": record.vct,
                    "copies": record.references.len(),
                    "status": status_name(record.status),
                    "issuedAt": record.issued_at,
                    "expiresAt": record.expires_at,
                }));
            }
            if ids.len() < LIST_PAGE as usize {
                break;
            }
            offset += u64::from(LIST_PAGE);
        }
        if out.json() {
            out.print_json(&Value::Array(rows));
        } else {
            for row in &rows {
                say!(
                    "{}  {:<9} {} cop(ies)  issued {}  {}",
                    row["id"].as_str().unwrap_or_default(),
                    row["status"].as_str().unwrap_or_default(),
                    row["copies"],
                    row["issuedAt"],
                    row["holder"].as_str().unwrap_or_default()
                );
            }
            tell!("{} credential(s)", rows.len());
        }
        Ok(())
    }

    /// `avid issuer status-list`.
    pub async fn status_list(
        &self,
        args: &IssuerStatusListArgs,
        passphrase_file: Option<&Path>,
        out: &Output,
    ) -> Result<(), Failure> {
        let signer = self.signer(passphrase_file)?;
        let token = self
            .store
            .status_list_token(
                args.list,
                &signer,
                self.directory.config().kid().as_str(),
                unix_now(),
                args.ttl,
                args.valid_for,
            )
            .await
            .map_err(|err| store_failure(&err))?;
        match &args.out {
            Some(path) => {
                publish(path, token.as_bytes())?;
                if out.json() {
                    out.print_json(
                        &json!({"list": args.list, "written": path.display().to_string()}),
                    );
                } else {
                    tell!("wrote status list {} to {}", args.list, path.display());
                }
            }
            None if out.json() => out.print_json(&json!({"list": args.list, "token": token})),
            None => say!("{token}"),
        }
        Ok(())
    }

    /// `avid issuer audit`: exit 1 at the first entry that does not match.
    pub async fn audit(&self, out: &Output) -> Result<(), Failure> {
        let report = self
            .store
            .audit()
            .await
            .map_err(|err| store_failure(&err))?;
        if let Some(broken) = &report.first_break {
            return Err(
                Failure::rejected("logTampered", broken.to_string()).with_details(json!({
                    "entries": report.entries,
                    "firstBreak": broken.seq,
                    "problem": broken.problem.to_string(),
                })),
            );
        }
        if out.json() {
            out.print_json(&json!({
                "entries": report.entries,
                "head": {"seq": report.head.seq, "hash": report.head.hash},
                "intact": true,
            }));
        } else {
            say!("the log is intact: {} entries", report.entries);
            tell!("head {} {}", report.head.seq, report.head.hash);
        }
        Ok(())
    }
}

/// Writes a public file for a static host: atomically (a host never serves half a list), then
/// readable by all, since anyone may fetch it.
fn publish(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let failed = |err: String| Failure::rejected("io", format!("{}: {err}", path.display()));
    write_atomically(path, bytes, Replace::Existing).map_err(|err| failed(err.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .map_err(|err| failed(err.to_string()))?;
    }
    Ok(())
}

/// The personal data of a `--claims` object: only the claims the credential knows.
fn personal_data(mut claims: Map<String, Value>) -> Result<PersonalData, Failure> {
    let mut text = |name: &str| -> Result<Option<String>, Failure> {
        match claims.remove(name) {
            None => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(Failure::usage(format!("claim `{name}` must be a string"))),
        }
    };
    let personal = PersonalData {
        name: text("name")?,
        email: text("email")?,
        phone_number: text("phone_number")?,
        birthdate: text("birthdate")?,
        age_over_18: match claims.remove("age_over_18") {
            None => None,
            Some(Value::Bool(value)) => Some(value),
            Some(_) => return Err(Failure::usage("claim `age_over_18` must be true or false")),
        },
    };
    if let Some(name) = claims.keys().next() {
        return Err(Failure::usage(format!(
            "claim `{}` is not one of the avatar-link credential (name, email, phone_number, birthdate, age_over_18)",
            did_core::excerpt::excerpt(name)
        )));
    }
    Ok(personal)
}

fn status_name(status: StatusValue) -> &'static str {
    match status {
        StatusValue::Valid => "valid",
        StatusValue::Invalid => "revoked",
        StatusValue::Suspended => "suspended",
        _ => "other",
    }
}

/// The failure for a store error: an unknown credential or list, or a forbidden change, is a
/// rejection with its own code; a bad configuration a usage error.
fn store_failure(error: &StoreError) -> Failure {
    let code = match error {
        StoreError::UnknownCredential(_) => "unknownCredential",
        StoreError::UnknownStatusList(_) => "unknownStatusList",
        StoreError::ForbiddenTransition { .. } | StoreError::SuspensionUnsupported(_) => {
            "forbiddenTransition"
        }
        StoreError::InvalidConfig(_) | StoreError::UnsupportedDatabase(_) => {
            return Failure::usage(error.to_string());
        }
        StoreError::Corrupt(_) => "storeCorrupt",
        _ => "store",
    };
    Failure::rejected(code, error.to_string())
}

/// The failure for an issuance error, with the report code where there is one.
fn issuance_failure(error: &IssuanceError) -> Failure {
    let code = match error {
        IssuanceError::Request(_) => return Failure::usage(error.to_string()),
        IssuanceError::Link { .. } => "link_proof_invalid",
        IssuanceError::Passkey(passkey) => passkey.code().as_str(),
        IssuanceError::NoRelyingParty => return Failure::usage(error.to_string()),
        IssuanceError::Store(store) => return store_failure(store),
        _ => "issuanceFailed",
    };
    Failure::rejected(code, error.to_string())
}
