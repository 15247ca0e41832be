#!/usr/bin/env bash
# Builds the package with the "import" feature into target/pkg-import, with the
# import worker, for the import tests and benchmarks. Not the published
# package: that is pkg/, which leaves import out until it fits the size budget.
source "$(dirname "$0")/lib.sh"
OUT="$CARGO_TARGET_DIR/pkg-import"
step "wasm-pack build (release, --features import)"
wasm-pack build --target web --release --mode no-install --out-dir "$OUT" --no-pack -- --features import
wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$OUT/hcp_kit_bg.wasm" -o "$OUT/hcp_kit_bg.wasm"
cp js/worker.js js/worker.d.ts js/node.js "$OUT/"
# Reported, not gated: this build is known to be over budget (see README).
SIZE_BUDGET_REPORT_ONLY=1 node scripts/size-report.mjs "$OUT/hcp_kit_bg.wasm"
