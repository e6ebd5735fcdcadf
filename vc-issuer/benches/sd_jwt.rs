//! SD-JWT VC and avatar hot paths beside the bare Ed25519 verification they are measured
//! against, all on the fixtures of `vc_issuer::bench` (the ones `avid bench` uses).
//!
//! `avatar_link_issue` issues an avatar-link credential (3 avatars padded to 8, 5 personal
//! claims) over links whose proofs the fixture checked once. `avatar_login_verify` is a world
//! checking one login response (one avatar and `age_over_18`) with
//! `LoginVerifier::check_response`: transaction taken, presentation verified with key binding,
//! status from the cached list, DCQL query satisfied. `avatar_login_verify_passkey` is the same
//! login with the passkey factor: the response check, which starts a WebAuthn authentication
//! of the disclosed passkey, then `LoginVerifier::finish_passkey` verifying the assertion (an
//! ES256 signature) and the counter; the wallet's work between the two is not timed.
//!
//! Targets: `sd_jwt_kb_verify` ≤ 1.25 × two `ed25519_verify`; `sd_jwt_kb_verify_batch` (per
//! presentation) < two `ed25519_verify`. Async work runs on a current-thread Tokio runtime,
//! whose cost is part of what is measured (`block_on` of a ready future: 0.14 µs).
//!
//! Last measured (2 shared cores, `--warm-up-time 1 --measurement-time 3`): ed25519_verify
//! 28.7 µs; sd_jwt_issue 23.2 µs; sd_jwt_present 22.0 µs; sd_jwt_kb_verify 71.3 µs = 1.24 ×
//! two bare verifications; sd_jwt_kb_verify_batch/64 2.95 ms = 46.1 µs per presentation =
//! 0.80 × two bare verifications.

#![allow(missing_docs)] // criterion_group! generates undocumented functions.

use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use tokio::runtime::{Builder, Runtime};
use vc_issuer::bench::{AvatarFixture, BATCH_SIZE, Fixture};

fn runtime() -> Runtime {
    Builder::new_current_thread()
        .build()
        .unwrap_or_else(|error| panic!("a current-thread runtime: {error}"))
}

fn fixture(runtime: &Runtime) -> Fixture {
    runtime
        .block_on(Fixture::new())
        .unwrap_or_else(|error| panic!("the fixtures verify: {error}"))
}

fn benches(c: &mut Criterion) {
    let runtime = runtime();
    let fixture = fixture(&runtime);
    let avatar = runtime
        .block_on(AvatarFixture::new())
        .unwrap_or_else(|error| panic!("the avatar fixtures verify: {error}"));

    c.bench_function("ed25519_verify", |b| {
        b.iter(|| assert!(black_box(&fixture).ed25519_verify()))
    });
    c.bench_function("sd_jwt_issue", |b| {
        b.iter(|| black_box(&fixture).issue().map(|issued| issued.len()))
    });
    c.bench_function("sd_jwt_present", |b| {
        b.iter(|| {
            black_box(&fixture)
                .present()
                .map(|presented| presented.len())
        })
    });
    c.bench_function("sd_jwt_kb_verify", |b| {
        b.iter(|| {
            let report = runtime.block_on(black_box(&fixture).verify());
            assert!(report.is_ok_and(|report| report.verified));
        })
    });
    c.bench_function("sd_jwt_kb_verify_trust", |b| {
        b.iter(|| {
            let report = runtime.block_on(black_box(&fixture).verify_with_trust());
            assert!(report.is_ok_and(|report| report.verified && report.trust.is_some()));
        })
    });
    let mut group = c.benchmark_group("sd_jwt_kb_verify_batch");
    // The time is per batch; the throughput line gives presentations per second.
    group.throughput(Throughput::Elements(BATCH_SIZE as u64));
    group.bench_function(format!("{BATCH_SIZE}"), |b| {
        b.iter(|| {
            let reports = runtime.block_on(black_box(&fixture).verify_batch());
            assert!(reports.is_ok_and(|reports| reports.iter().all(|r| r.verified)));
        })
    });
    group.finish();

    c.bench_function("avatar_link_issue", |b| {
        b.iter(|| black_box(&avatar).issue().map(|issued| issued.len()))
    });
    let verifier = avatar.verifier();
    c.bench_function("avatar_login_verify", |b| {
        b.iter_batched(
            // Not timed: the world begins a fresh transaction and the wallet answers it.
            || {
                runtime
                    .block_on(avatar.login_attempt(&verifier))
                    .unwrap_or_else(|error| panic!("a login attempt: {error}"))
            },
            // Timed: the world checks the response, from `direct_post` body to `LoginResult`.
            |attempt| {
                let result = runtime.block_on(verifier.check_response(&attempt.form, attempt.at));
                assert!(result.is_ok_and(|result| result.granted()));
            },
            // A batch's transactions are all begun before the first is checked; batches stay
            // far below the 4 800 live transactions the fixture's store keeps.
            BatchSize::SmallInput,
        )
    });
    c.bench_function("avatar_login_verify_passkey", |b| {
        // Timed: only the world's work (the response check and the WebAuthn finish); the
        // wallet's answers, its passkey's signature included, run between the timed parts.
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    runtime
                        .block_on(avatar.passkey_login(&verifier))
                        .unwrap_or_else(|error| panic!("a passkey login: {error}"))
                })
                .sum()
        })
    });
}

criterion_group!(sd_jwt, benches);
criterion_main!(sd_jwt);
