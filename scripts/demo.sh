#!/usr/bin/env bash
# The main job on embedded defaults: create a did:key, a did:jwk and a did:peer, then resolve
# each one and dereference its first key, printing every step.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q --locked -p wallet-cli
avid="${CARGO_TARGET_DIR:-target}/debug/avid"
for method in key jwk peer; do
  echo "== avid did create --method $method"
  did=$("$avid" did create --method "$method")
  echo "$did"
  echo "== avid did resolve $did"
  "$avid" did resolve "$did"
done
echo "== avid did resolve --json (did:key, P-256)"
"$avid" did resolve --json "$("$avid" did create --key-type p256)"
