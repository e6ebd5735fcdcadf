#!/usr/bin/env bash
# The whole test suite of avid, as CI runs it: formatting, lints with warnings as errors, docs
# without broken links, every test of every crate (nextest), and the documentation examples.
# Fuzzing builds every dependency a second time with coverage instrumentation, which does not
# fit CI's time budget on two cores beside the rest: FUZZ_SECONDS=N runs every fuzz target for
# N seconds as well (scripts/fuzz.sh runs them on its own).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A platform that only parses and verifies builds did-core without HTTP (`web`) or ssi (`pkh`).
cargo clippy -p did-core --no-default-features --all-targets --locked -- -D warnings
cargo test -p did-core --no-default-features --lib --locked --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# Every fuzz target for a bounded time when asked (cargo-fuzz on the stable toolchain; it
# installs cargo-fuzz if missing). Before the tests, so that their summaries close the log.
if [ -n "${FUZZ_SECONDS:-}" ]; then
  scripts/fuzz.sh "$FUZZ_SECONDS"
fi
cargo nextest run --workspace --all-targets --locked --no-fail-fast
cargo test --workspace --doc --locked
