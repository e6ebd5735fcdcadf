//! Publishing for an issuer (issue 10, item 6): `avid-resolver --issuer-dir` serves the
//! issuer's current Status List Token at the URI its credentials name, signed from the store
//! as it stands, and the did:web issuer's `did.json` where did:web resolution fetches it.

use std::convert::Infallible;

use did_core::did::Did;
use did_core::fetch::FetchPolicy;
use did_core::jose::AlgorithmPolicy;
use did_core::key::store::Passphrase;
use did_core::method::web::WebResolver;
use did_core::resolution::{ResolutionOptions, Resolver as _};
use did_core::time::unix_now;
use vc_issuer::issuer::{IssuerStore, NewCredential, StoreConfig};
use vc_issuer::issuer_dir::{IssuerDirectory, IssuerSettings};
use vc_issuer::status::{
    STATUS_LIST_JWT_MEDIA_TYPE, StatusListReference, StatusListToken, StatusListValidation,
    StatusValue,
};

mod support;

use support::service::{Service, free_port, start_on};

const PASSPHRASE: &str = "correct horse battery staple";

/// A did:web issuer hosted at `localhost:PORT`, its lists at `/statuslists/N` there.
struct Published {
    _work: tempfile::TempDir,
    directory: IssuerDirectory,
    store: IssuerStore,
    _service: Service,
    list_base: String,
}

impl Published {
    async fn start() -> Published {
        let work = tempfile::tempdir().unwrap();
        let port = free_port();
        let list_base = format!("http://localhost:{port}/statuslists");
        let settings = IssuerSettings {
            did_web: Some(format!("localhost:{port}")),
            status_list_base: Some(list_base.clone()),
            status_list_size: Some(64),
            ..IssuerSettings::default()
        };
        let dir = work.path().join("issuer");
        let directory =
            IssuerDirectory::init(&dir, &settings, &Passphrase::new(PASSPHRASE).unwrap()).unwrap();
        // The issuer's own store, as `avid issuer issue` and `revoke` open it.
        let config = StoreConfig::new(&list_base)
            .and_then(|config| config.list_size(64))
            .unwrap();
        let store = IssuerStore::open_sqlite(&directory.store_path(), config)
            .await
            .unwrap();
        let passphrase_file = work.path().join("passphrase");
        std::fs::write(&passphrase_file, format!("{PASSPHRASE}\n")).unwrap();
        let service = start_on(
            port,
            &[
                "--issuer-dir",
                dir.to_str().unwrap(),
                "--passphrase-file",
                passphrase_file.to_str().unwrap(),
            ],
        )
        .await;
        Published {
            _work: work,
            directory,
            store,
            _service: service,
            list_base,
        }
    }

    /// Issues one credential; its status reference.
    async fn issue(&self) -> (String, StatusListReference) {
        let credential = NewCredential::new("did:example:holder", "urn:avid:test", unix_now());
        let (registered, reference) = self
            .store
            .issue(&credential, |registered| {
                Ok::<_, Infallible>(registered.status[0].clone())
            })
            .await
            .unwrap();
        (registered.id, reference)
    }

    /// The status of `reference` in the token the service serves now, verified.
    async fn status(&self, reference: &StatusListReference) -> StatusValue {
        let response = reqwest::get(&reference.uri).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            STATUS_LIST_JWT_MEDIA_TYPE
        );
        let token = response.text().await.unwrap();
        let verified = StatusListToken::verify(
            &token,
            self.directory.config().public_key(),
            &reference.uri,
            &AlgorithmPolicy::default(),
            &StatusListValidation::at(unix_now()),
        )
        .expect("the served token verifies under the issuer's key");
        verified.list.get(reference.idx).unwrap()
    }
}

#[tokio::test]
async fn serves_the_current_status_list_so_a_revocation_shows_in_the_next_token() {
    let issuer = Published::start().await;
    let (id, reference) = issuer.issue().await;
    assert_eq!(reference.uri, format!("{}/1", issuer.list_base));
    assert_eq!(issuer.status(&reference).await, StatusValue::Valid);

    issuer.store.revoke(&id, unix_now()).await.unwrap();
    assert_eq!(issuer.status(&reference).await, StatusValue::Invalid);

    for missing in ["2", "x", "-1"] {
        let response = reqwest::get(format!("{}/{missing}", issuer.list_base))
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "list {missing}");
    }
}

#[tokio::test]
async fn serves_the_did_web_document_that_resolves() {
    let issuer = Published::start().await;
    let did: &Did = issuer.directory.config().did();
    let resolver = WebResolver::new(FetchPolicy::local_testing()).unwrap();
    let resolution = resolver
        .resolve(did, &ResolutionOptions::default())
        .await
        .expect("the did:web resolves from the service");
    assert_eq!(resolution.document.id, *did);
    let key = resolution
        .document
        .verification_method
        .iter()
        .find(|method| method.id == *issuer.directory.config().kid())
        .expect("the document names the issuer's kid");
    assert_eq!(
        key.public_key().unwrap(),
        *issuer.directory.config().public_key()
    );
}

#[tokio::test]
async fn describes_the_issuers_paths_in_openapi() {
    let issuer = Published::start().await;
    let base = issuer.list_base.trim_end_matches("/statuslists");
    let api: serde_json::Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lists = &api["paths"]["/statuslists/{number}"]["get"];
    assert!(
        lists["responses"]["200"]["content"][STATUS_LIST_JWT_MEDIA_TYPE].is_object(),
        "{api}"
    );
    assert_eq!(lists["parameters"][0]["name"], "number");
    let did_json = &api["paths"]["/.well-known/did.json"]["get"];
    assert!(did_json["responses"]["200"]["content"]["application/did+json"].is_object());
    // The routes every service has are still there.
    assert!(api["paths"]["/1.0/identifiers/{did}"].is_object());
}

#[tokio::test]
async fn rejects_publishing_with_a_wrong_passphrase() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("issuer");
    IssuerDirectory::init(
        &dir,
        &IssuerSettings::default(),
        &Passphrase::new(PASSPHRASE).unwrap(),
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--issuer-dir",
            dir.to_str().unwrap(),
        ])
        .env_clear()
        .env("AVID_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--issuer-dir"), "{stderr}");
    assert!(!stderr.contains("not the passphrase"), "never repeated");
}
