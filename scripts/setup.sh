#!/usr/bin/env bash
# Installs what building and testing avid needs on a fresh Debian machine with a Rust toolchain:
# the OpenSSL headers and pkg-config (josekit links OpenSSL), a C++ compiler and Python (the
# fuzz targets build libFuzzer and are seeded from the vectors by a script), PostgreSQL (the
# issuer store's tests start a throwaway cluster of their own), and cargo-nextest.
# cargo-fuzz is installed by scripts/fuzz.sh when it runs. Idempotent: it installs only what is
# missing.
set -euo pipefail

missing=()
for pkg in pkg-config libssl-dev g++ python3 postgresql; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
