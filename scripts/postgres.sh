#!/usr/bin/env bash
# A throwaway PostgreSQL for the server's tests: `start` makes a cluster in a
# temporary directory (trust auth, loopback only, fsync off) and prints its
# admin URL; `stop` removes it. Postgres refuses to run as root, so under root
# the cluster belongs to the `postgres` account Debian's package creates.
source "$(dirname "$0")/lib.sh"

PG_BIN="$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -1)"
PG_DIR="${HCP_PG_DIR:-/tmp/hcp-kit-pg}"
PG_PORT="${HCP_PG_PORT:-55433}"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR" && mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    ;;
  stop)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    ;;
  # The database restarting under load (scripts/scale.sh): down and up again
  # with its data kept.
  halt)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null
    ;;
  resume)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null
    ;;
  *) echo "usage: $0 start|stop|halt|resume" >&2; exit 2 ;;
esac
