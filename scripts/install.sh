#!/usr/bin/env bash
# Installs what building and testing hcp-kit needs, skipping what is already
# there at the right version. Safe to run any number of times.
source "$(dirname "$0")/lib.sh"

WASM_BINDGEN_VERSION="$(sed -nE 's/^wasm-bindgen = "=([0-9.]+)"/\1/p' Cargo.toml)"
WASM_PACK_VERSION="0.15.1"

step "system packages"
apt_missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || apt_missing+=(chromium)
have chromedriver || apt_missing+=(chromium-driver)
have openssl || apt_missing+=(openssl)
have node || apt_missing+=(nodejs npm)
have gzip || apt_missing+=(gzip)
# The server's tests also run against a real PostgreSQL (scripts/postgres.sh).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_missing+=(postgresql)
# The scale-out run puts the server processes behind HAProxy (scripts/scale.sh).
have haproxy || apt_missing+=(haproxy)
if [ ${#apt_missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi
echo "chromium: $(chromium --version 2>/dev/null | head -1)"

step "rust toolchain"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# The CLI must be exactly the pinned crate version, or the glue it writes does not match.
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi
# oha: the open-loop load generator of scripts/scale.sh (latency correction).
OHA_VERSION="1.16.0"
if [ "$(oha --version 2>/dev/null)" != "oha $OHA_VERSION" ]; then
  cargo install oha --version "$OHA_VERSION" --locked --force
fi
echo "$(wasm-bindgen --version), $(wasm-pack --version), $(oha --version)"

step "npm packages"
stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
echo "npm packages up to date"
