#!/usr/bin/env bash
# The product on this machine: installs what is missing, builds pkg/, and
# starts the reference backend on an embedded SQLite demo database, serving
# the HCP tab (HCP_PORT, default 8080). Prints the URL and the demo login.
source "$(dirname "$0")/lib.sh"
bash scripts/install.sh
bash scripts/build.sh
step "hcp-server (profile \"server\")"
cargo build --profile server -p hcp-server
mkdir -p "$CARGO_TARGET_DIR/demo"
exec "$CARGO_TARGET_DIR/server/hcp-server" --demo \
  --listen "127.0.0.1:${HCP_PORT:-8080}" \
  --database-url "$CARGO_TARGET_DIR/demo/hcp-demo.sqlite" \
  --www www --pkg pkg
