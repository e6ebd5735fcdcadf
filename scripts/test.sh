#!/usr/bin/env bash
# The whole test suite of avid, as CI runs it: formatting, lints with warnings as errors, docs
# without broken links, every fuzz target for a few seconds, every test of every crate
# (nextest), and the documentation examples.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A platform that only parses and verifies builds did-core without HTTP (`web`) or ssi (`pkh`).
cargo clippy -p did-core --no-default-features --all-targets --locked -- -D warnings
cargo test -p did-core --no-default-features --lib --locked --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
# Every fuzz target for a bounded time (cargo-fuzz on the stable toolchain; it installs
# cargo-fuzz if missing). Before the tests, so that their summaries close the log.
scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
cargo nextest run --workspace --all-targets --locked --no-fail-fast
cargo test --workspace --doc --locked
