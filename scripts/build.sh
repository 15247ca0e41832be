#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-opt from the pinned npm
# binaryen (wasm-pack's own download is disabled in Cargo.toml), the package.json
# template, and the size report that fails above the budget.
source "$(dirname "$0")/lib.sh"

step "wasm-pack build (release, --target web)"
wasm-pack build --target web --release --mode no-install --out-dir pkg --no-pack
# Kept with its names for twiggy; wasm-opt strips them.
cp pkg/hcp_kit_bg.wasm "$CARGO_TARGET_DIR/hcp_kit_bg.pre-opt.wasm"

step "wasm-opt -Oz"
wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  pkg/hcp_kit_bg.wasm -o pkg/hcp_kit_bg.wasm

step "package.json"
node scripts/write-package-json.mjs

step "size"
node scripts/size-report.mjs pkg/hcp_kit_bg.wasm
