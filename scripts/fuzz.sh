#!/usr/bin/env bash
# Fuzzes the parsers of avid that read bytes from the network (fuzz/fuzz_targets), on the stable
# toolchain: builds every target with cargo-fuzz (`-s none`: no sanitizer, which would need
# nightly), seeds it from the spec vectors, and runs each one for a bounded time. Fails when any
# target finds a crash, a failed property or a hang; libFuzzer saves the input under
# fuzz/artifacts/<target>/.
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]
#   SECONDS  how long each target runs (default 20)
#   TARGET   the targets to run (default: all of them)
# Environment:
#   FUZZ_TARGET_DIR  where cargo-fuzz builds (default fuzz/target); kept apart from the
#                    workspace's target dir, whose crates are built without coverage flags
#   FUZZ_ARGS        more libFuzzer options, e.g. "-max_len=65536"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds="${1:-20}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS [TARGET...]]" >&2
  exit 2
fi

command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$root/fuzz/target}"

cd "$root/fuzz"
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

python3 seed_corpus.py "$root/fuzz/corpus" >/dev/null
# One build of every target: cargo compiles their shared crates once, on all cores.
cargo fuzz build -s none

failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "regressions/$target"
  echo "== $target: ${seconds}s"
  # New inputs go to the first directory, the generated corpus; regressions/ is only read.
  # -timeout: one input running 10 s is a hang, and a failure.
  # shellcheck disable=SC2086
  if ! cargo fuzz run -s none "$target" "corpus/$target" "regressions/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    ${FUZZ_ARGS:-} 2>"$CARGO_TARGET_DIR/fuzz-$target.log"; then
    tail -n 60 "$CARGO_TARGET_DIR/fuzz-$target.log" >&2
    failed+=("$target")
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' \
    "$CARGO_TARGET_DIR/fuzz-$target.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found failures in: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds}s each, no failure"
