//! A status list publisher for the tests: an axum server on 127.0.0.1 that answers each path
//! with what a test put there, and remembers how often and with which `Accept` it was asked.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the server answers on one path.
#[derive(Clone)]
pub struct Published {
    status: StatusCode,
    content_type: &'static str,
    body: String,
}

/// What the server saw on one path.
#[derive(Clone, Default)]
pub struct Seen {
    /// How many requests the path had.
    pub hits: usize,
    /// The `Accept` of the last one.
    pub accept: Option<String>,
}

#[derive(Clone, Default)]
struct Site {
    published: Arc<Mutex<HashMap<String, Published>>>,
    seen: Arc<Mutex<HashMap<String, Seen>>>,
}

async fn serve(State(site): State<Site>, uri: Uri, headers: HeaderMap) -> impl IntoResponse {
    let path = uri.path().to_owned();
    {
        let mut seen = site.seen.lock().expect("lock");
        let entry = seen.entry(path.clone()).or_default();
        entry.hits += 1;
        entry.accept = headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .map(str::to_owned);
    }
    match site.published.lock().expect("lock").get(&path).cloned() {
        Some(published) => (
            published.status,
            [(header::CONTENT_TYPE, published.content_type)],
            published.body,
        ),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain")],
            "not found".to_owned(),
        ),
    }
}

/// An axum server on 127.0.0.1 publishing whatever a test puts on it.
pub struct Publisher {
    address: SocketAddr,
    site: Site,
    task: JoinHandle<()>,
}

impl Publisher {
    pub async fn start() -> Publisher {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let site = Site::default();
        let router = Router::new().fallback(serve).with_state(site.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Publisher {
            address,
            site,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn publish(&self, path: &str, content_type: &'static str, body: String) {
        self.publish_with_status(path, StatusCode::OK, content_type, body);
    }

    pub fn publish_with_status(
        &self,
        path: &str,
        status: StatusCode,
        content_type: &'static str,
        body: String,
    ) {
        self.site.published.lock().expect("lock").insert(
            path.to_owned(),
            Published {
                status,
                content_type,
                body,
            },
        );
    }

    pub fn seen(&self, path: &str) -> Seen {
        self.site
            .seen
            .lock()
            .expect("lock")
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
