//! The hot paths of did-core beside the bare Ed25519 verification they are measured against:
//! DID parsing, did:key and did:jwk resolution, and compact JWS verification.
//!
//! Target (issue 2): resolving a did:key costs under a tenth of one Ed25519 verification. A
//! cold did:key resolution cannot reach it: did:key §3.1.2 requires the key to be validated as
//! a curve point (an Ed25519 decompression is one field exponentiation, about a ninth of a
//! verification by itself) and the X25519 key-agreement key costs one field inversion more.
//! The cached row is what a verifier pays for an issuer it has seen.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use did_core::did::{Did, DidUrl};
use did_core::jose::{self, Algorithm, AlgorithmPolicy};
use did_core::key::{KeyType, SecretKey};
use did_core::method::key::{did_key, did_key_verification_method};
use did_core::method::{DID_JWK, DID_KEY, jwk::did_jwk};
use did_core::resolution::cache::{CacheConfig, CachingResolver};
use did_core::resolution::{ResolutionOptions, Resolver, http};
use ed25519_dalek::{Signer as _, Verifier as _};
use serde_json::Map;

fn baseline(c: &mut Criterion) {
    let signing = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let verifying = signing.verifying_key();
    let message = [0x42u8; 300];
    let signature = signing.sign(&message);
    c.bench_function("ed25519_verify (baseline)", |b| {
        b.iter(|| verifying.verify(black_box(&message), black_box(&signature)))
    });
}

fn parse(c: &mut Criterion) {
    let secret = SecretKey::generate(KeyType::Ed25519);
    let did = did_key(&secret.public_key()).to_string();
    let url = did_key_verification_method(&secret.public_key()).to_string();
    c.bench_function("did_parse did:key", |b| {
        b.iter(|| Did::parse(black_box(&did)))
    });
    c.bench_function("did_url_parse did:key#fragment", |b| {
        b.iter(|| DidUrl::parse(black_box(&url)))
    });
}

fn resolve(c: &mut Criterion) {
    let ed25519 = SecretKey::generate(KeyType::Ed25519).public_key();
    let p256 = SecretKey::generate(KeyType::P256).public_key();
    let key_ed = did_key(&ed25519);
    let key_p256 = did_key(&p256);
    let jwk_ed = did_jwk(&ed25519);
    c.bench_function("did_key_resolve ed25519", |b| {
        b.iter(|| DID_KEY.derive(black_box(&key_ed)))
    });
    c.bench_function("did_key_resolve p256", |b| {
        b.iter(|| DID_KEY.derive(black_box(&key_p256)))
    });
    c.bench_function("did_jwk_resolve ed25519", |b| {
        b.iter(|| DID_JWK.derive(black_box(&jwk_ed)))
    });

    // What a verifier pays once the issuer's DID is warm: the cache in front of the methods.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let cache = CachingResolver::new(DID_KEY, CacheConfig::default());
    let options = ResolutionOptions::default();
    runtime
        .block_on(cache.resolve(&key_ed, &options))
        .expect("did:key resolves");
    c.bench_function("did_key_resolve ed25519 (cached)", |b| {
        b.iter(|| runtime.block_on(cache.resolve(black_box(&key_ed), &options)))
    });

    // What `GET /1.0/identifiers/{did}` costs a resolver service once the DID is warm, without
    // the server: the path read, the cached resolution, the result rendered to its body bytes.
    let path = key_ed.to_string();
    c.bench_function("http_resolve did:key (cached, rendered)", |b| {
        b.iter(|| {
            let url = http::did_url_from_path(black_box(&path), None).expect("a DID");
            let response = runtime.block_on(http::respond(&cache, &url, http::Wanted::Any));
            match response.body {
                http::Body::Json(body) => body.to_string(),
                http::Body::Redirect(location) => location,
            }
        })
    });
}

fn jws(c: &mut Criterion) {
    let secret = SecretKey::generate(KeyType::Ed25519);
    let public = secret.public_key();
    let signer = secret
        .signer(Algorithm::Ed25519)
        .expect("an Ed25519 key signs Ed25519");
    let payload = [0x42u8; 220];
    let token = jose::sign_compact(&Map::new(), &payload, &signer).expect("signs");
    let policy = AlgorithmPolicy::default();
    c.bench_function("jws_verify ed25519", |b| {
        b.iter(|| jose::verify_compact(black_box(&token), &public, &policy))
    });
}

criterion_group!(benches, baseline, parse, resolve, jws);
criterion_main!(benches);
