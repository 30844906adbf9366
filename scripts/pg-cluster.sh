#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (Debian's postgresql package).
#
#   scripts/pg-cluster.sh run CMD [ARG...]
#
# Makes a cluster in a new temporary directory (initdb: UTF-8, C collation, trust on
# its Unix socket only — no TCP port is opened), starts it, runs CMD with libpq's
# environment pointing at it (PGHOST = the socket directory, PGPORT, PGUSER=pharos,
# PGDATABASE=postgres), PHAROS_TEST_PG=1 and PHAROS_TEST_PG_OWNER (the server's user),
# then stops the cluster and removes the directory, whatever CMD did; exits with CMD's
# status. PG_CLUSTER_OPTS adds server options (-c name=value …). PG_CLUSTER_LOG=FILE keeps the server's log (every failed statement is in
# it) in FILE.
#
#   scripts/pg-cluster.sh init DIR | start DIR | stop DIR [fast|immediate] | destroy DIR
#
# The same steps one at a time, for a test that stops and starts its own cluster (the
# database going away under a running server): init makes DIR (new or empty) a
# cluster, start starts it (DIR is also its socket directory; its port is in
# DIR/port) and prints the libpq URI of its "postgres" database, stop stops it
# (fast by default), destroy stops it and removes DIR.
#
# PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the system
# user `postgres` that the package creates, and runs as that user (runuser); otherwise
# it runs as the caller. The test clusters skip fsync (fsync=off, full_page_writes=off):
# the tests kill pharos, or stop PostgreSQL cleanly, never crash the machine, and a
# database per test server is cheap that way. PG_CLUSTER_FSYNC=on keeps PostgreSQL's
# durable defaults (the benchmarks: every commit waits for its WAL flush).
set -euo pipefail

usage() { echo "usage: $0 run CMD [ARG...] | init DIR | start DIR | stop DIR [fast|immediate] | destroy DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "$0: PostgreSQL is not installed (scripts/deps.sh test)" >&2; exit 1; }

as=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as=(runuser -u postgres --)
fi

cluster_init() { # DIR
  mkdir -p "$1"
  chmod 755 "$1" # the socket directory: every test user may connect
  chown "$owner" "$1"
  "${as[@]}" "$bindir/initdb" -D "$1/data" -U pharos --auth=trust --encoding=UTF8 --locale=C \
    --no-sync >"$1/initdb.log" 2>&1 || { cat "$1/initdb.log" >&2; return 1; }
  echo $((20000 + RANDOM % 20000)) >"$1/port" # names the socket file only: no TCP
}

cluster_start() { # DIR
  local port
  port=$(cat "$1/port")
  local durability="-c fsync=off -c full_page_writes=off"
  [ "${PG_CLUSTER_FSYNC:-off}" = on ] && durability="-c fsync=on -c synchronous_commit=on"
  "${as[@]}" "$bindir/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start -o \
    "-c listen_addresses='' -k $1 -p $port $durability \
     -c max_connections=400 -c shared_buffers=128MB ${PG_CLUSTER_OPTS:-}" >/dev/null ||
    { cat "$1/server.log" >&2; return 1; }
}

cluster_stop() { # DIR [MODE]
  "${as[@]}" "$bindir/pg_ctl" -D "$1/data" -m "${2:-fast}" -w stop >/dev/null 2>&1 || true
}

case "$1" in
  init) cluster_init "$2" ;;
  start)
    cluster_start "$2"
    echo "postgresql:///postgres?host=$2&port=$(cat "$2/port")&user=pharos" ;;
  stop) cluster_stop "$2" "${3:-fast}" ;;
  destroy)
    cluster_stop "$2" immediate
    rm -rf "$2" ;;
  run)
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/pharos-pg-XXXXXX")
    cleanup() {
      cluster_stop "$dir" immediate
      [ -z "${PG_CLUSTER_LOG:-}" ] || cp "$dir/server.log" "$PG_CLUSTER_LOG" 2>/dev/null || true
      rm -rf "$dir"
    }
    trap cleanup EXIT
    trap 'exit 143' TERM INT
    cluster_init "$dir"
    cluster_start "$dir"
    export PGHOST="$dir" PGPORT PGUSER=pharos PGDATABASE=postgres PHAROS_TEST_PG=1
    PGPORT=$(cat "$dir/port")
    export PHAROS_TEST_PG_OWNER="$owner"
    echo "pg-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }') on $dir (port $PGPORT)" >&2
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc" ;;
  *) usage ;;
esac
