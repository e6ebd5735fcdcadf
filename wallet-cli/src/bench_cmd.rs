//! `avid bench`: the main operations measured in this process beside the bare Ed25519
//! verification, so the overhead over the signature math is visible on the machine at hand.
//! The fixtures and operations are `vc_issuer::bench`'s, the same the criterion benches run,
//! under the same names.

use std::hint::black_box;
use std::time::{Duration, Instant};

use did_core::did::Did;
use did_core::key::{KeyType, SecretKey};
use did_core::method::{DID_KEY, key::did_key};
use serde_json::json;
use vc_issuer::bench::{AvatarFixture, BATCH_SIZE, Fixture};

use crate::cli::BenchArgs;
use crate::network;
use crate::output::{Failure, Output};

/// One measured operation.
struct Measurement {
    name: &'static str,
    ns_per_op: f64,
}

/// Runs `avid bench`.
pub fn run(args: &BenchArgs, out: &Output) -> Result<(), Failure> {
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 60.0) {
        return Err(Failure::usage("--seconds must be between 0 and 60"));
    }
    let budget = Duration::from_secs_f64(args.seconds);
    let runtime = network::runtime()?;
    let fixture = runtime
        .block_on(Fixture::new())
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    let avatar = runtime
        .block_on(AvatarFixture::new())
        .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    let verifier = avatar.verifier();
    let did = did_key(&SecretKey::generate(KeyType::Ed25519).public_key());
    let did_text = did.as_str().to_owned();

    let mut results = vec![
        measure("ed25519_verify", budget, 1, || {
            black_box(fixture.ed25519_verify());
        }),
        measure("did_parse", budget, 1, || {
            let _ = black_box(Did::parse(black_box(&did_text)));
        }),
        measure("did_key_resolve", budget, 1, || {
            let _ = black_box(DID_KEY.derive(black_box(&did)));
        }),
        measure("sd_jwt_issue", budget, 1, || {
            let _ = black_box(fixture.issue());
        }),
        measure("sd_jwt_present", budget, 1, || {
            let _ = black_box(fixture.present());
        }),
        measure("sd_jwt_kb_verify", budget, 1, || {
            let _ = black_box(runtime.block_on(fixture.verify()));
        }),
        measure("sd_jwt_kb_verify_trust", budget, 1, || {
            let _ = black_box(runtime.block_on(fixture.verify_with_trust()));
        }),
        measure("sd_jwt_kb_verify_batch", budget, BATCH_SIZE, || {
            let _ = black_box(runtime.block_on(fixture.verify_batch()));
        }),
        measure("avatar_link_issue", budget, 1, || {
            let _ = black_box(avatar.issue());
        }),
    ];
    let login = measure_with_setup(
        "avatar_login_verify",
        budget,
        // Not timed: the world begins a fresh transaction and the wallet answers it.
        || runtime.block_on(avatar.login_attempt(&verifier)),
        // Timed: the world checks the response, from `direct_post` body to `LoginResult`.
        |attempt| {
            let _ = black_box(runtime.block_on(verifier.check_response(&attempt.form, attempt.at)));
        },
    )
    .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    results.push(login);
    // Timed by the fixture: the world's response check and WebAuthn finish, not the wallet's
    // answers nor its passkey's signature between them.
    let passkey_login = measure_timed("avatar_login_verify_passkey", budget, || {
        runtime.block_on(avatar.passkey_login(&verifier))
    })
    .map_err(|err| Failure::rejected("internalError", err.to_string()))?;
    results.push(passkey_login);
    let baseline = results.first().map(|m| m.ns_per_op).unwrap_or(f64::NAN);

    if out.json() {
        let rows: Vec<_> = results
            .iter()
            .map(|m| {
                json!({
                    "name": m.name,
                    "ns_per_op": m.ns_per_op.round(),
                    "ops_per_sec": (1e9 / m.ns_per_op).round(),
                    "ratio_to_ed25519_verify": round2(m.ns_per_op / baseline),
                })
            })
            .collect();
        out.print_json(&json!(rows));
        return Ok(());
    }
    say!(
        "{:<24} {:>12} {:>12} {:>18}",
        "operation",
        "ns/op",
        "ops/s",
        "× ed25519_verify"
    );
    for m in &results {
        say!(
            "{:<24} {:>12.0} {:>12.0} {:>18.2}",
            m.name,
            m.ns_per_op,
            1e9 / m.ns_per_op,
            m.ns_per_op / baseline
        );
    }
    say!();
    if cfg!(debug_assertions) {
        say!(
            "This avid was built without optimizations, so these figures say little; measure \
             with: cargo run --release --bin avid -- bench"
        );
    }
    say!(
        "An SD-JWT+KB carries two signatures; the targets are sd_jwt_kb_verify ≤ 2.50 × and \
         sd_jwt_kb_verify_batch < 2.00 × ed25519_verify (per presentation, {BATCH_SIZE} at once)."
    );
    Ok(())
}

/// Runs `operation` (which does `per_call` operations) for about `budget` after a short
/// warm-up, and gives the mean time of one operation.
fn measure(
    name: &'static str,
    budget: Duration,
    per_call: usize,
    mut operation: impl FnMut(),
) -> Measurement {
    let warm_up = Instant::now();
    while warm_up.elapsed() < budget / 10 {
        operation();
    }
    let mut calls: u64 = 0;
    let started = Instant::now();
    while started.elapsed() < budget {
        for _ in 0..8 {
            operation();
        }
        calls += 8;
    }
    let elapsed = started.elapsed().as_nanos() as f64;
    Measurement {
        name,
        ns_per_op: elapsed / (calls as f64 * per_call as f64),
    }
}

/// Like [`measure`], for an operation that needs fresh input each time: `setup` makes it,
/// untimed, and only `operation` is timed, one call at a time; the budget counts both. The
/// first setup that fails ends the measurement with its error.
fn measure_with_setup<T, E>(
    name: &'static str,
    budget: Duration,
    mut setup: impl FnMut() -> Result<T, E>,
    mut operation: impl FnMut(T),
) -> Result<Measurement, E> {
    measure_timed(name, budget, || {
        let input = setup()?;
        let call = Instant::now();
        operation(input);
        Ok(call.elapsed())
    })
}

/// Like [`measure`], for an operation that times itself: `operation` runs whole and returns
/// the part of its time that counts, one call at a time; the budget counts all of it. The
/// first call that fails ends the measurement with its error.
fn measure_timed<E>(
    name: &'static str,
    budget: Duration,
    mut operation: impl FnMut() -> Result<Duration, E>,
) -> Result<Measurement, E> {
    let warm_up = Instant::now();
    while warm_up.elapsed() < budget / 10 {
        operation()?;
    }
    let mut calls: u64 = 0;
    let mut timed = Duration::ZERO;
    let started = Instant::now();
    while started.elapsed() < budget || calls == 0 {
        timed += operation()?;
        calls += 1;
    }
    Ok(Measurement {
        name,
        ns_per_op: timed.as_nanos() as f64 / calls as f64,
    })
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
