#!/usr/bin/env bash
# Every test hcp-kit has, from a fresh machine: installs what is missing,
# lints, runs the native, browser, interop, packaging and type tests, then the
# benchmarks (which print, never fail on a figure). Ends with one summary line.
source "$(dirname "$0")/lib.sh"

LOG_DIR="$CARGO_TARGET_DIR/test-logs"
mkdir -p "$LOG_DIR"
passed=0
failed=0

# Runs a test step, echoing its output, and adds its counts to the totals.
# Counts come from the runners' own summaries: cargo/wasm-bindgen-test
# "test result: ... N passed; M failed", node --test "# pass N" / "# fail M".
run_tests() {
  local name="$1"; shift
  step "$name"
  local log="$LOG_DIR/$(printf %s "$name" | tr -c "A-Za-z0-9._-" "-").log"
  set +e
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  local p f
  p=$(grep -hoE '(test result: [a-zA-Z]+\. [0-9]+ passed|^# pass [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  f=$(grep -hoE '([0-9]+ failed|^# fail [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  p=${p:-0}; f=${f:-0}
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then echo "no test ran in step '$name'"; f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "-- $name: $p passed, $f failed"
}

# Checks that are not test runners: any failure counts as one failed test.
run_check() {
  local name="$1"; shift
  step "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "-- $name: FAILED"; fi
}

bash scripts/install.sh

run_check "rustfmt" cargo fmt --all --check
run_check "clippy (native)" cargo clippy --workspace --all-targets --quiet -- -D warnings
run_check "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown -p hcp-kit --all-targets --features import --quiet -- -D warnings
run_check "clippy (wasm32, import module)" cargo clippy --target wasm32-unknown-unknown -p hcp-kit --no-default-features --features import --quiet -- -D warnings
run_check "clippy (wasm32, data-owner module)" cargo clippy --target wasm32-unknown-unknown -p hcp-kit --no-default-features --features dataowner --quiet -- -D warnings
run_tests "cargo test (native)" cargo test --workspace
# The same server tests against a real PostgreSQL (one database per test).
if pg_url="$(bash scripts/postgres.sh start)"; then
  run_tests "server tests on PostgreSQL" env HCP_TEST_POSTGRES="$pg_url" cargo test -p hcp-server --test api --test accounts --test medical --test search --test ops
  bash scripts/postgres.sh stop
else
  echo "-- could not start PostgreSQL"; failed=$((failed + 1))
fi
run_check "build pkg/ (release, size budget)" bash scripts/build.sh
run_check "d.ts typed and documented" node scripts/check-dts.mjs pkg/hcp_kit.d.ts
run_check "d.ts typed and documented (import)" node scripts/check-dts.mjs pkg/hcp_kit_import.d.ts
run_check "d.ts typed and documented (data owners)" node scripts/check-dts.mjs pkg/hcp_kit_dataowner.d.ts
run_check "tsc --noEmit (strict consumer)" tsc -p tests/ts/tsconfig.json
run_check "published types agree with the Rust types (ts-rs)" node scripts/check-types.mjs
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
run_tests "browser tests (wasm-bindgen-test, headless Chromium)" \
  wasm-pack test --headless --chrome --mode no-install -- --features import
run_tests "end-to-end (Playwright, Chromium)" node --test --test-concurrency=1 tests/e2e/
# The data owners' walk again on PostgreSQL: no marker in any of its tables.
if pg_url="$(bash scripts/postgres.sh start)"; then
  run_tests "data owners' page on PostgreSQL" env HCP_TEST_POSTGRES="$pg_url" node --test tests/e2e/care.test.mjs
  bash scripts/postgres.sh stop
else
  echo "-- could not start PostgreSQL"; failed=$((failed + 1))
fi
run_tests "packaging (npm pack consumer, README examples)" node --test tests/packaging/consumer.test.mjs
# Every consumer of the package README's table, from the packed tarball (its
# tools pinned in tests/packaging/package-lock.json, installed once and cached).
run_tests "packaging (consumer matrix)" node --test --test-concurrency=1 tests/packaging/matrix.test.mjs
run_tests "HcpClient against hcp-server (Node)" node --test tests/client/
# Two processes on PostgreSQL behind HAProxy, then one on SQLite: the walk,
# the shared throttle and sessions, kill -9 and a database restart checked;
# import and open-loop load measured (printed, not asserted).
run_check "scale-out under load and faults" bash scripts/scale.sh

# Every fuzz target briefly, from the committed seeds: a crash fails the run.
# (Long runs: `bash scripts/fuzz.sh 600`.)
run_check "fuzz smoke (5 targets x ${FUZZ_SMOKE_SECONDS:-20}s)" bash scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-20}"

step "benchmarks (report only)"
node benches/keygen.mjs || { echo "-- keygen benchmark failed to run"; failed=$((failed + 1)); }
node benches/import.mjs || { echo "-- import benchmark failed to run"; failed=$((failed + 1)); }
node benches/import-crossing.mjs || { echo "-- import crossing benchmark failed to run"; failed=$((failed + 1)); }
node benches/dataowner.mjs || { echo "-- data-owner benchmark failed to run"; failed=$((failed + 1)); }
cargo run -q --profile server -p hcp-server --example server_bench 100000 \
  || { echo "-- server import benchmark failed to run"; failed=$((failed + 1)); }

printf '\n'
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
