#!/usr/bin/env bash
# The main job on embedded defaults: create a did:key, a did:jwk and a did:peer and resolve
# each one, dereference a key by its DID URL, and show a whole resolution result as JSON.
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
did=$("$avid" did create)
url="$did#${did#did:key:}"
echo "== avid did resolve $url   (dereference one verification method)"
"$avid" did resolve --json "$url"
echo "== avid did resolve --json (did:key, P-256)"
"$avid" did resolve --json "$("$avid" did create --key-type p256)"
