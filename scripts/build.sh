#!/usr/bin/env bash
# Builds the npm package into pkg/: two wasm modules (see `[features]` in
# Cargo.toml), wasm-opt from the pinned npm binaryen (wasm-pack's own download
# is disabled in Cargo.toml), the package.json template, the worker and Node
# entries, and the size report (each module fails the build above 250 KB gzipped).
source "$(dirname "$0")/lib.sh"

# optimize FILE [wasm-opt options]
optimize() {
  local wasm="$1"
  shift
  wasm-opt -Oz "$@" --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$wasm" -o "$wasm"
}

step "wasm-pack build: hcp_kit (keys, HcpClient)"
# wasm-pack adds snippets and never removes one: a moved snippet would ship twice.
rm -rf pkg/snippets
wasm-pack build --target web --release --mode no-install --out-dir pkg --no-pack
# Kept with its names for twiggy; wasm-opt strips them.
cp pkg/hcp_kit_bg.wasm "$CARGO_TARGET_DIR/hcp_kit_bg.pre-opt.wasm"
optimize pkg/hcp_kit_bg.wasm
# The package's own entry (scripts/write-entries.mjs) wraps the glue.
mv pkg/hcp_kit.js pkg/hcp_kit_glue.js
mv pkg/hcp_kit.d.ts pkg/hcp_kit_glue.d.ts

# The import module: only the import, all of it at opt-level 3 (measured: ~30%
# faster than "z" on the 100k-row benchmark, and no bigger after wasm-opt),
# and without the panic hook (the module has no other use for it).
step "wasm-pack build: hcp_kit_import (parseImport, rejectionsCsv)"
IMPORT_OUT="$CARGO_TARGET_DIR/pkg-import-module"
rm -rf "$IMPORT_OUT"
wasm-pack build --target web --release --mode no-install --out-dir "$IMPORT_OUT" \
  --out-name hcp_kit_import --no-pack -- --no-default-features --features import \
  --config 'profile.release.opt-level=3'
cp "$IMPORT_OUT/hcp_kit_import_bg.wasm" "$CARGO_TARGET_DIR/hcp_kit_import_bg.pre-opt.wasm"
cp "$IMPORT_OUT/hcp_kit_import.js" pkg/hcp_kit_import_glue.js
# Its JS snippets (file modules, named by path: no clash with the main one's).
mkdir -p pkg/snippets && cp -r "$IMPORT_OUT/snippets/." pkg/snippets/
cp "$IMPORT_OUT/hcp_kit_import.d.ts" pkg/hcp_kit_import_glue.d.ts
for f in hcp_kit_import_bg.wasm hcp_kit_import_bg.wasm.d.ts; do
  cp "$IMPORT_OUT/$f" pkg/
done
# wasm-opt inlines a function called from one place whatever its size; here
# only small ones (200 bytes). Chromium compiles a function whole on its first
# call, and an .xlsx's first parse waited for calamine's .xls, .xlsb and .ods
# readers, inlined into the function that picks the reader (measured: 30 ms
# of baseline compiling in the first call, 14 ms with this; 1.9 KB smaller).
optimize pkg/hcp_kit_import_bg.wasm --one-caller-inline-max-function-size 200

# The data owners' module: the DataOwner session (HPKE, AES-GCM, the
# entities), for pages that handle encrypted medical data. Opening an
# exchange key is mostly HPKE's ECDH, so the curve arithmetic is optimized
# for speed where it is instantiated: field and big integers at 3, p256 and
# hpke at 2 (measured: 1.20 -> 1.06 ms per exchange key, 235 -> 243 KB gz;
# p256 at 3 was 1.05 ms but over budget). Signatures are checked with
# WebCrypto, so the module carries no ECDSA verification. Measured and left:
# the hashes and AES at 3 (no gain on the exchange key, +11 KB), 32-bit limbs
# (`--cfg cpubits="32"`: 35% slower).
step "wasm-pack build: hcp_kit_dataowner (DataOwner)"
OWNER_OUT="$CARGO_TARGET_DIR/pkg-dataowner-module"
rm -rf "$OWNER_OUT"
wasm-pack build --target web --release --mode no-install --out-dir "$OWNER_OUT" \
  --out-name hcp_kit_dataowner --no-pack -- --no-default-features --features dataowner \
  --config 'profile.release.package.primefield.opt-level=3' --config 'profile.release.package.crypto-bigint.opt-level=3' --config 'profile.release.package.p256.opt-level=2' --config 'profile.release.package.hpke.opt-level=2'
cp "$OWNER_OUT/hcp_kit_dataowner_bg.wasm" "$CARGO_TARGET_DIR/hcp_kit_dataowner_bg.pre-opt.wasm"
cp "$OWNER_OUT/hcp_kit_dataowner.js" pkg/hcp_kit_dataowner_glue.js
cp "$OWNER_OUT/hcp_kit_dataowner.d.ts" pkg/hcp_kit_dataowner_glue.d.ts
for f in hcp_kit_dataowner_bg.wasm hcp_kit_dataowner_bg.wasm.d.ts; do
  cp "$OWNER_OUT/$f" pkg/
done
optimize pkg/hcp_kit_dataowner_bg.wasm

step "package.json, entries (init guard, Node, CommonJS) and the worker"
cp js/worker.js js/worker.d.ts js/import-report.js js/import-report.d.ts pkg/
node scripts/write-entries.mjs
node scripts/write-templates.mjs
node scripts/write-package-json.mjs

step "size"
node scripts/size-report.mjs pkg/hcp_kit_bg.wasm
node scripts/size-report.mjs pkg/hcp_kit_import_bg.wasm
node scripts/size-report.mjs pkg/hcp_kit_dataowner_bg.wasm
