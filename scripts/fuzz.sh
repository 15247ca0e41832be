#!/usr/bin/env bash
# Runs the libFuzzer targets in fuzz/ (cargo-fuzz, stable toolchain, no
# sanitizer: Rust's own checks and our assertions are the oracle).
#   bash scripts/fuzz.sh [seconds per target, default 600] [target ...]
# The test command runs every target briefly as a smoke test; the long runs
# are reported on the issue.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(import csv xlsx rules keyfile crypto)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
cd fuzz
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  [ "$t" = import ] && seeds=(../crates/hcp-core/tests/fixtures/import)
  [ "$t" = csv ] && seeds=(../crates/hcp-core/tests/fixtures/import)
  [ "$t" = xlsx ] && seeds=(seeds/xlsx)
  [ "$t" = crypto ] && seeds=(seeds/crypto)
  step "fuzz $t for ${SECONDS_PER_TARGET}s"
  log="$CARGO_TARGET_DIR/fuzz-$t.log"
  if ! cargo fuzz run -s none "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    grep -E "panicked|ERROR|SUMMARY|Test unit written|out-of-memory|deadly" "$log" | cut -c1-300 | head -20
    echo "fuzz target $t FAILED (crash input under fuzz/artifacts/$t/)"
    exit 1
  fi
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done )" "$log" || tail -n 3 "$log"
done
