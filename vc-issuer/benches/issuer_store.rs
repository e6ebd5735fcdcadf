//! Issuance throughput of the issuer store in SQLite beside the bare Ed25519 signature it wraps:
//! `issue_sqlite/copies_1` and `issue_sqlite/copies_4` are one whole issuance each (the
//! transaction that records the credential, draws a random free status index per copy, signs
//! each copy inside the transaction and appends the log entry, committed to a WAL file), and
//! `ed25519_sign` is one signature over a credential-sized payload (512 bytes). Per-element
//! times are per credential, so credentials per second is their inverse.
//!
//! Last measured (2 shared cores, dependencies at opt-level 2 as in the dev profile,
//! `--warm-up-time 1 --measurement-time 3`, a WAL file on the container's disk): ed25519_sign
//! 33.4 µs; issue_sqlite/copies_1 2.14 ms = 467 credentials/s; issue_sqlite/copies_4 3.54 ms =
//! 283 credentials/s (1 130 copies/s). Signing is 2–4 % of an issuance: the commit's disk sync
//! and the statements around it are the cost.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use did_core::jose::{Algorithm, Signer};
use did_core::key::{KeyType, SecretKey};
use tokio::runtime::{Builder, Runtime};
use vc_issuer::issuer::{IssuerStore, NewCredential, StoreConfig};

fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| panic!("a current-thread runtime: {error}"))
}

fn benches(c: &mut Criterion) {
    let runtime = runtime();
    let dir = std::env::temp_dir().join(format!("avid-bench-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("bench dir: {error}"));
    let config = StoreConfig::new("https://issuer.example/status")
        .unwrap_or_else(|error| panic!("config: {error}"));
    let store = runtime
        .block_on(IssuerStore::open_sqlite(&dir.join("issuer.db"), config))
        .unwrap_or_else(|error| panic!("open: {error}"));
    let key = SecretKey::generate(KeyType::Ed25519);
    let signer = key
        .signer(Algorithm::Ed25519)
        .unwrap_or_else(|error| panic!("signer: {error}"));
    let payload = [0x5a_u8; 512];

    let mut group = c.benchmark_group("issuer_store");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ed25519_sign", |b| {
        b.iter(|| {
            signer
                .sign(black_box(&payload))
                .map(|signature| signature.len())
        })
    });
    for copies in [1u32, 4] {
        let credential = NewCredential::new(
            "did:example:holder",
            "urn:avid:avatar-link:1",
            1_750_000_000,
        )
        .copies(copies)
        .expiring_at(1_760_000_000);
        group.bench_function(format!("issue_sqlite/copies_{copies}"), |b| {
            b.iter(|| {
                runtime
                    .block_on(store.issue(&credential, |registration| {
                        registration
                            .status
                            .iter()
                            .map(|_| signer.sign(black_box(&payload)))
                            .collect::<Result<Vec<_>, _>>()
                    }))
                    .unwrap_or_else(|error| panic!("issue: {error}"))
            })
        });
    }
    group.finish();
    runtime.block_on(store.close());
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(issuer_store, benches);
criterion_main!(issuer_store);
