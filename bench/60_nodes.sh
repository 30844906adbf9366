#!/usr/bin/env bash
# bench/60_nodes.sh — pharos on PostgreSQL and several nodes (issue 12, "Measure").
#
# Starts a PostgreSQL cluster of its own (scripts/pg-cluster.sh, with PostgreSQL's durable
# defaults: fsync on, synchronous_commit on; socket only) and measures, on this machine:
#   1. status updates through PUT /admin/api/v1/service/put/{id}/{status}/ at c=32 and
#      c=8 on PostgreSQL: bench/10_status_updates.sh with BENCH_DATABASE (its SQLite rows,
#      from the same `make bench`, are the reference), with the kill -9 durability check,
#      with the default server.threads and with twice as many;
#   2. two nodes on one database: GET / of node B against nginx serving the same bytes
#      (c=64, gzip; BENCH_ROUNDS alternating rounds, medians), node A idle beside it;
#   3. a change acknowledged by node A served by node B: bench/nodes_fresh.mjs, 100
#      changes, p50/p99 (SPEC §13: within 200 ms).
# The fan-out by two nodes is bench/65_nodes_fanout.sh.
#
# Prints table rows for bench/run.sh on stdout and "#" notes; progress goes to stderr.
# Knobs: BENCH_DURATION (default 5s per wrk run), BENCH_ROUNDS (default 3), BENCH_THREADS.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
SERVICES=20
NAME="nodes"
export PG_CLUSTER_FSYNC=on

for tool in wrk psql curl node nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }
log() { echo "[$NAME] $*" >&2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-nodes-XXXXXX")
chmod 755 "$tmp"
cluster="$tmp/pg"
pids=()
stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  for p in "${pids[@]}"; do stop_pid "$p"; done
  scripts/pg-cluster.sh destroy "$cluster" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

scripts/pg-cluster.sh init "$cluster"
admin=$(scripts/pg-cluster.sh start "$cluster")
dburl() { echo "${admin/\/postgres\?//$1?}"; }
for d in updates updates2 nodes; do psql -X -q "$admin" -c "CREATE DATABASE $d" >/dev/null; done
log "PostgreSQL $(psql -X -At "$admin" -c 'SHOW server_version') on $cluster (fsync on)"

# --- 1. status updates on PostgreSQL -------------------------------------------------
# With the default server.threads (one per CPU), then with twice as many, which was the
# advice while the workers waited on the database for writes; now the writes run on
# offload threads (http/defer.h) and the default is the advice (docs/deployment.md).
BENCH_DATABASE=$(dburl updates) BENCH_DURATION=${BENCH_UPDATES_DURATION:-15s} bench/10_status_updates.sh
BENCH_DATABASE=$(dburl updates2) BENCH_DURATION=${BENCH_UPDATES_DURATION:-15s} \
  PHAROS_SERVER_THREADS=$((2 * $(nproc))) bench/10_status_updates.sh

# --- 2 and 3. two nodes ----------------------------------------------------------------
PG_URL=$(dburl nodes)
export PHAROS_STORAGE_DATABASE=$PG_URL
key="$tmp/secret.key"
head -c 32 /dev/urandom >"$key"
chmod 600 "$key"
# node ID: a data directory with the shared key, a server on a free port; sets $url
node_start() {
  data="$tmp/node-$1"
  mkdir -p "$data"
  cp "$key" "$data/secret.key"
  PHAROS_SERVER_NODE_ID=$1 start_pharos
  pids+=("$server_pid")
  mv "$tmp/server.log" "$tmp/server-$1.log"
}
mkdir -p "$tmp/node-a"
cp "$key" "$tmp/node-a/secret.key"
token=$("$BIN" token create --name bench --data "$tmp/node-a" --database "$PG_URL")
node_start a
url_a=$url
node_start b
url_b=$url
url=$url_a
log "node a on $url_a, node b on $url_b, $threads threads each"
fill_public_page "$SERVICES"

www="$tmp/www"
mkdir -p "$www"
curl -sS --noproxy '*' -o "$www/index.html" "$url_b/"
curl -sS --noproxy '*' -H 'Accept-Encoding: gzip' -o "$www/index.html.gz" "$url_b/"
[ "$(grep -o 'data-service-id=' "$www/index.html" | wc -l)" = "$SERVICES" ] || { log "node b does not serve the page"; exit 1; }
touch -r "$www/index.html" "$www/index.html.gz"
chmod -R a+rX "$www"
start_nginx_static "$www" "$threads" 4096
pids+=("$nginx_pid")

rounds_vs_nginx "$NAME" "GET / c=64 gzip, node b of 2 (PostgreSQL)" "GET / c=64 gzip, nginx" "$url_b" 64
p_err=$rounds_err

read -r f50 f99 fmax fover < <(FRESH_TOKEN=$token node bench/nodes_fresh.mjs "$url_a" "$url_b" "${services[5]}" 100)
printf '%s\t%s\t-\t%s\t%s\t-\t%s\n' "$NAME" "change on node a served by node b" "$f50" "$f99" \
  "100 changes; max ${fmax} ms; $fover over 200 ms (SPEC §13: within 200 ms)"
echo "# $NAME: PostgreSQL $(psql -X -At "$admin" -c 'SHOW server_version') on this machine's disk, socket only, fsync and" \
  "synchronous_commit on; nodes of $threads threads each on the same 2 cores as wrk and PostgreSQL."
for n in a b; do log "node $n log: $(grep -c ' ERROR ' "$tmp/server-$n.log" || true) errors"; done
[ "$p_err" = 0 ] && [ "$fover" = 0 ]
