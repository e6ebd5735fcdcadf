#!/usr/bin/env bash
# The main job: `avid demo`, the whole story on embedded defaults — an issuer checks a holder's
# link proofs for two avatars and binds its passkey, a third-party world served on loopback
# logs the avatar in over OpenID4VP with both factors, a replay and a revoked credential are
# refused, and the issuer's log is audited. It builds only the `avid` binary (no test tooling)
# and leaves nothing behind unless asked: scripts/demo.sh --keep DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q --locked -p wallet-cli --bin avid
exec "${CARGO_TARGET_DIR:-target}/debug/avid" demo "$@"
