#!/usr/bin/env bash
# The whole test suite of avid, as CI runs it: formatting, lints with warnings as errors, every
# test of every crate (nextest), the documentation examples, and docs without broken links.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A platform that only parses and verifies builds did-core without HTTP (`web`) or ssi (`pkh`).
cargo clippy -p did-core --no-default-features --all-targets --locked -- -D warnings
cargo test -p did-core --no-default-features --lib --locked --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
cargo nextest run --workspace --all-targets --locked --no-fail-fast
cargo test --workspace --doc --locked
