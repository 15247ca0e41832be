#!/usr/bin/env bash
# Scale-out under load and faults (tests/scale/run.mjs): two hcp-server
# processes on a throwaway PostgreSQL behind HAProxy, then one on SQLite,
# loopback only. Needs the package built (scripts/build.sh), haproxy and oha
# (scripts/install.sh). HCP_LOAD_SECONDS, HCP_LOAD_RATE and HCP_SCALE_ROWS
# shrink it for a quick look (defaults: 30 s at 1,000 requests/s, 100,000 rows).
source "$(dirname "$0")/lib.sh"

step "server (profile server, as the server benchmark)"
cargo build --profile server -q -p hcp-server

export HCP_PG_DIR=/tmp/hcp-kit-pg-scale HCP_PG_PORT=55434
pg_url="$(bash scripts/postgres.sh start)"
trap 'bash scripts/postgres.sh stop' EXIT
step "scale-out (PostgreSQL at $pg_url)"
HCP_SCALE_PG="$pg_url" timeout 1200 node tests/scale/run.mjs
