#!/usr/bin/env bash
# The product on this machine: installs what is missing, builds pkg/, and
# serves the HCP tab on loopback (HCP_PORT, default 8080).
source "$(dirname "$0")/lib.sh"
bash scripts/install.sh
bash scripts/build.sh
step "serve"
exec node scripts/serve.mjs
