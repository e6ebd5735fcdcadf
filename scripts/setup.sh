#!/usr/bin/env bash
# Installs what building avid needs on a fresh Debian machine with a Rust toolchain: the OpenSSL
# headers and pkg-config (josekit and webauthn-rs link OpenSSL) and a C/C++ compiler (the
# bundled SQLite). With --tests, also what the tests need: PostgreSQL (the issuer store's tests
# start a throwaway cluster of their own), Python and a C++ compiler for the fuzz targets
# (libFuzzer, seeded from the vectors by a script), the distribution's Chromium and its
# chromedriver (the login page's real-browser test, wallet-cli/tests/login_page_browser.rs),
# and cargo-nextest. cargo-fuzz is installed by scripts/fuzz.sh when it runs. Idempotent: it
# installs only what is missing.
set -euo pipefail

packages=(pkg-config libssl-dev g++)
tests=false
case "${1:-}" in
  --tests) tests=true; packages+=(python3 postgresql chromium chromium-driver) ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--tests]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if $tests; then
  command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
fi
