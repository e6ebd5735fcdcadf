#!/usr/bin/env bash
# Installs what building and testing avid needs on a fresh Debian machine with a Rust toolchain:
# the OpenSSL headers and pkg-config (josekit links OpenSSL), and cargo-nextest. Idempotent:
# it installs only what is missing.
set -euo pipefail

missing=()
for pkg in pkg-config libssl-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
