#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60). Needs a nightly toolchain and
# cargo-fuzz (`rustup toolchain install nightly; cargo install cargo-fuzz`). Not in CI.
# A crash is saved under fuzz/artifacts/TARGET/; turn it into a test in tests/fuzz_smoke.rs.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
status=0
for target in payload election image_intake layout escpos_status; do
  echo "== $target: ${seconds} s"
  mkdir -p "corpus/$target"
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144; then
    echo "!! $target: crash, see fuzz/artifacts/$target/"
    status=1
  fi
done
exit $status
