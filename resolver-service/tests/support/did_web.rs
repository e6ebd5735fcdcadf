//! A did:web host on loopback (`did:web:localhost%3APORT`): serves its `did.json`, an
//! Ed25519 key under `assertionMethod`, after an optional delay, while it is `up` (503
//! otherwise), and counts the requests it gets.
#![allow(dead_code)] // Each test binary uses the part it needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use did_core::key::{KeyType, SecretKey};
use serde_json::json;

/// The host: its DID, whether it serves, how often it was asked.
pub struct DidWebHost {
    /// The DID it hosts.
    pub did: String,
    /// Whether it answers with the document (else 503); switch it to take the host down.
    pub up: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
}

impl DidWebHost {
    /// A host on a free loopback port, serving from the start when `serving`, answering each
    /// request after `delay`.
    pub async fn start(serving: bool, delay: Duration) -> DidWebHost {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let did = format!("did:web:localhost%3A{port}");
        let key = SecretKey::generate(KeyType::Ed25519).public_key();
        let document = json!({
            "id": did,
            "verificationMethod": [{"id": "#key-1", "type": "Multikey", "controller": did,
                "publicKeyMultibase": key.to_multikey()}],
            "assertionMethod": ["#key-1"],
        })
        .to_string();
        let requests = Arc::new(AtomicUsize::new(0));
        let up = Arc::new(AtomicBool::new(serving));
        let (counted, live) = (Arc::clone(&requests), Arc::clone(&up));
        let app = axum::Router::new().route(
            "/.well-known/did.json",
            axum::routing::get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                let (document, live) = (document.clone(), live.load(Ordering::SeqCst));
                async move {
                    tokio::time::sleep(delay).await;
                    if live {
                        (axum::http::StatusCode::OK, document)
                    } else {
                        (axum::http::StatusCode::SERVICE_UNAVAILABLE, String::new())
                    }
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        DidWebHost { did, up, requests }
    }

    /// How many requests it got.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
