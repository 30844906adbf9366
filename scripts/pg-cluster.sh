#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (Debian's postgresql package).
#
#   scripts/pg-cluster.sh run CMD [ARG...]
#
# Makes a cluster in a new temporary directory (initdb: UTF-8, C collation, trust on
# its Unix socket only — no TCP port is opened), starts it, runs CMD with libpq's
# environment pointing at it (PGHOST = the socket directory, PGPORT, PGUSER=pharos,
# PGDATABASE=postgres), PHAROS_TEST_PG=1 and PHAROS_TEST_PG_OWNER (the server's user), then stops the cluster and removes the
# directory, whatever CMD did; exits with CMD's status.
#
# PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the
# system user `postgres` that the package creates, and runs as that user (runuser);
# otherwise it runs as the caller. The test cluster skips fsync (fsync=off,
# full_page_writes=off): the tests kill pharos, never PostgreSQL, and a database per
# test server is cheap that way. PG_CLUSTER_LOG=FILE keeps the server's log (every
# failed statement is in it) in FILE.
set -euo pipefail

[ "${1:-}" = run ] && [ $# -ge 2 ] || { echo "usage: $0 run CMD [ARG...]" >&2; exit 2; }
shift

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "$0: PostgreSQL is not installed (scripts/deps.sh test)" >&2; exit 1; }

as=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/pharos-pg-XXXXXX")
chmod 755 "$dir" # the socket directory: every test user may connect
chown "$owner" "$dir"
port=$((20000 + RANDOM % 20000)) # names the socket file only: no TCP
log="$dir/server.log"

stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  [ -z "${PG_CLUSTER_LOG:-}" ] || cp "$log" "$PG_CLUSTER_LOG" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 143' TERM INT

"${as[@]}" "$bindir/initdb" -D "$dir/data" -U pharos --auth=trust --encoding=UTF8 --locale=C \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 start -o \
  "-c listen_addresses='' -k $dir -p $port -c fsync=off -c full_page_writes=off \
   -c max_connections=400 -c shared_buffers=64MB" >/dev/null ||
  { cat "$log" >&2; exit 1; }

export PGHOST="$dir" PGPORT="$port" PGUSER=pharos PGDATABASE=postgres PHAROS_TEST_PG=1
export PHAROS_TEST_PG_OWNER="$owner" # the system user the server runs as (owns tablespaces)
echo "pg-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }') on $dir (port $port)" >&2
set +e
"$@"
rc=$?
set -e
exit "$rc"
