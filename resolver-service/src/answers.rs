//! The rendered answers of `GET /1.0/identifiers/{did}` for DIDs of the derived methods
//! ([`did_core::method::DERIVED_METHODS`]: did:key, did:jwk, did:peer), kept as the bytes that
//! were sent. Their documents are computed from the identifier alone, so the same request
//! always gets the same answer: rendering it again (cloning the cached document, building the
//! result, serializing it) would be the service's whole cost of a warm resolution. Only
//! successful answers are kept, in the project's bounded cache; other methods always go
//! through the resolver and its cache, whose lifetimes decide what they answer.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode};
use did_core::cache::{CacheLimits, Lifetime, TtlCache};
use did_core::resolution::http::Wanted;

/// The most answers kept (a did:key answer is about 1 KiB).
const MAX_ANSWERS: usize = 10_000;

/// An answer as sent: status, content type (or `Location` for a redirect) and body bytes.
#[derive(Clone, Debug)]
pub(crate) struct Rendered {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) location: Option<HeaderValue>,
    pub(crate) body: Bytes,
}

/// The request an answer is kept under: the path and query as sent, and what was asked for.
type AnswerKey = (String, Wanted);

/// The kept answers and how often one was served.
pub(crate) struct RenderedAnswers {
    entries: Mutex<TtlCache<AnswerKey, Rendered>>,
    hits: AtomicU64,
}

impl RenderedAnswers {
    pub(crate) fn new() -> Self {
        RenderedAnswers {
            entries: Mutex::new(TtlCache::new(CacheLimits::entries(MAX_ANSWERS))),
            hits: AtomicU64::new(0),
        }
    }

    /// The answer kept for `request` asked as `wanted`, if any.
    pub(crate) fn get(&self, request: &str, wanted: Wanted) -> Option<Arc<Rendered>> {
        let key = (request.to_owned(), wanted);
        let found = self.lock().get_fresh(&key, 0);
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Keeps `answer` for `request` asked as `wanted` when `method` derives its documents and
    /// the answer is a success.
    pub(crate) fn keep(&self, request: &str, wanted: Wanted, method: &str, answer: &Rendered) {
        if answer.status != StatusCode::OK || !did_core::method::is_derived(method) {
            return;
        }
        // Time plays no part: a derived answer never expires, it only makes room.
        self.lock().insert(
            (request.to_owned(), wanted),
            Arc::new(answer.clone()),
            1,
            Lifetime::until(u64::MAX),
            0,
        );
    }

    /// How many requests were answered from here.
    pub(crate) fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TtlCache<AnswerKey, Rendered>> {
        // Losing a kept answer costs one rendering; a poisoned lock must not stop resolution.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: StatusCode) -> Rendered {
        Rendered {
            status,
            content_type: Some(HeaderValue::from_static("application/did-resolution")),
            location: None,
            body: Bytes::from_static(b"{}"),
        }
    }

    #[test]
    fn keeps_a_derived_dids_success_and_serves_it_as_a_hit() {
        let answers = RenderedAnswers::new();
        let request = "/1.0/identifiers/did:key:z6Mk";
        answers.keep(request, Wanted::Any, "key", &answer(StatusCode::OK));
        assert_eq!(answers.get(request, Wanted::Any).unwrap().body, "{}");
        assert_eq!(answers.hits(), 1);
        // Another representation of the same DID is another answer.
        assert!(answers.get(request, Wanted::Result).is_none());
        assert_eq!(answers.hits(), 1);
    }

    #[test]
    fn never_keeps_a_fetched_document_or_a_failure() {
        let answers = RenderedAnswers::new();
        // did:web's document lives on its host: the resolver's cache decides how long it holds.
        answers.keep("/w", Wanted::Any, "web", &answer(StatusCode::OK));
        // A failure may be the resolver's own (a limit, an outage), not the DID's.
        answers.keep(
            "/k",
            Wanted::Any,
            "key",
            &answer(StatusCode::INTERNAL_SERVER_ERROR),
        );
        answers.keep("/g", Wanted::Any, "key", &answer(StatusCode::GONE));
        for request in ["/w", "/k", "/g"] {
            assert!(answers.get(request, Wanted::Any).is_none(), "{request}");
        }
        assert_eq!(answers.hits(), 0);
    }
}
