#!/usr/bin/env bash
# The main job on embedded defaults, every step printed:
#  1. DIDs: create a did:key, a did:jwk and a did:peer, resolve each, dereference a key.
#  2. Credentials: an issuer signs an avatar-link SD-JWT VC for a holder (two avatars, name,
#     e-mail, age_over_18, each selectively disclosable); the holder shows a world one avatar
#     and age_over_18 with a key binding JWT; the world verifies it against its trust list and
#     nonce, and a replay with another nonce is rejected.
# Raw keys live in a private temporary directory that is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q --locked -p wallet-cli
avid="${CARGO_TARGET_DIR:-target}/debug/avid"
step() { printf '\n== %s\n' "$*"; }

for method in key jwk peer; do
  step "avid did create --method $method"
  did=$("$avid" did create --method "$method")
  echo "$did"
  step "avid did resolve $did"
  "$avid" did resolve "$did"
done
did=$("$avid" did create)
step "avid did resolve --json $did#…   (dereference one verification method)"
"$avid" did resolve --json "$did#${did#did:key:}"

work=$(umask 077 && mktemp -d)
trap 'rm -rf "$work"' EXIT
{ read -r issuer_did; read -r issuer_jwk; } < <("$avid" did create --show-secret 2>/dev/null)
{ read -r holder_did; read -r holder_jwk; } < <("$avid" did create --show-secret 2>/dev/null)
printf '%s\n' "$issuer_jwk" > "$work/issuer.jwk"
printf '%s\n' "$holder_jwk" > "$work/holder.jwk"
# The holder hands the issuer its public key only: the JWK without "d".
sed -E 's/,?"d":"[^"]*"//' "$work/holder.jwk" > "$work/holder.pub.jwk"
cat > "$work/claims.json" <<'JSON'
{
  "sub": "HOLDER",
  "name": "Alice Liddell",
  "email": "alice@example.com",
  "age_over_18": true,
  "avatars": [
    {"platform": "vrchat", "id": "did:example:vrchat-alice", "handle": "alice"},
    {"platform": "resonite", "id": "did:example:resonite-ali", "handle": "ali"}
  ]
}
JSON
sed -i "s/HOLDER/$holder_did/" "$work/claims.json"
echo
echo "issuer $issuer_did"
echo "holder $holder_did"

step "avid sd-jwt issue   (name, email, age_over_18 and each avatar selectively disclosable)"
"$avid" sd-jwt issue --issuer-key "$work/issuer.jwk" --holder-key "$work/holder.pub.jwk" \
  --claims "$work/claims.json" --vct urn:avid:avatar-link:1 \
  --sd /name --sd /email --sd /age_over_18 --sd '/avatars/*' --decoys 2 > "$work/credential"
cut -c1-120 "$work/credential"; echo "…"

nonce="n-$RANDOM$RANDOM"
step "avid sd-jwt present   (the resonite avatar and age_over_18, bound to world.example and nonce $nonce)"
"$avid" sd-jwt present "$work/credential" --disclose /avatars/1 --disclose /age_over_18 \
  --holder-key "$work/holder.jwk" --aud https://world.example --nonce "$nonce" > "$work/presentation"
cut -c1-120 "$work/presentation"; echo "…"

step "avid verify   (the world: key binding required, its nonce, the issuer on its trust list)"
"$avid" verify "$work/presentation" --require-key-binding --aud https://world.example \
  --nonce "$nonce" --trusted-issuer "$issuer_did" --vct urn:avid:avatar-link:1

step "avid verify   (a replay in another transaction: must be rejected)"
if "$avid" verify "$work/presentation" --require-key-binding --aud https://world.example \
  --nonce "another-$nonce" --trusted-issuer "$issuer_did"; then
  echo "a replayed presentation verified: this is a bug" >&2
  exit 1
fi
