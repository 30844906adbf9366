#!/usr/bin/env bash
# bench/10_status_updates.sh — status updates through the eStatus endpoint
# PUT /admin/api/v1/service/put/{id}/{status}/ under load (issue "server foundation").
#
# Starts $PHAROS_BIN serve on 127.0.0.1 (free port, temporary data dir on disk),
# creates a token and 100 services, then runs wrk with bench/status_updates.lua:
# a throughput run (-c32) and a latency run (-c8), every request changing a
# status so that each 200 is one committed row of service_status_log. Then it
# kills the server with SIGKILL and checks that every acknowledged update is in
# the database (durability, SPEC §12).
#
# Prints table rows for bench/run.sh on stdout (tab-separated: benchmark, run,
# req/s, p50 ms, p99 ms, errors, result) and "#" note lines; progress goes to stderr.
# The result column also gives the server's CPU use during the run and, measured just
# before it, the load average and the disk's sync write latency: the machine may be
# shared, and every acknowledged update waits for one disk sync.
# Knobs: BENCH_DURATION (default 15s), BENCH_THREADS (wrk -t, default 2),
# PHAROS_SERVER_THREADS (server threads; default: number of CPUs), BENCH_DATABASE (a
# postgresql:// URL of an empty database: the same runs on PostgreSQL, bench/60_nodes.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
DURATION=${BENCH_DURATION:-15s}
WRK_THREADS=${BENCH_THREADS:-2}
SERVICES=100
TARGET_RPS=2000
TARGET_P99_MS=10
DATABASE=${BENCH_DATABASE:-}
NAME="status updates${DATABASE:+ (PostgreSQL)}${PHAROS_SERVER_THREADS:+, $PHAROS_SERVER_THREADS threads}"

for tool in wrk sqlite3 curl ${DATABASE:+psql}; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-XXXXXX")
data="$tmp/data"
db="$data/pharos.db"
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

log() { echo "[$NAME] $*" >&2; }

fs=$(stat -f -c %T "$tmp")
[ "$fs" != tmpfs ] || log "warning: $tmp is on tmpfs, so fsync costs nothing; set TMPDIR to a disk"

# --- server, token, services ------------------------------------------------
dburl=${DATABASE:-sqlite:$db}
# dbq SQL: one value from the server's database
dbq() { if [ -n "$DATABASE" ]; then psql -X -At "$DATABASE" -c "$1"; else sqlite3 "$db" "$1"; fi; }
token=$("$BIN" token create --name bench --data "$data" --database "$dburl")
PHAROS_STORAGE_DATABASE=$dburl start_pharos
log "server pid $server_pid on $url, $threads threads, data in $data ($fs)"

ids=""
for i in $(seq "$SERVICES"); do
  out=$(curl -sS --noproxy '*' -m 10 -w '\n%{http_code}' -X POST \
    -H "Authorization-Token: $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench service $i\"}" "$url/admin/api/v1/services")
  code=${out##*$'\n'}
  id=$(printf '%s' "${out%$'\n'*}" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  if [ "$code" != 201 ] || [ -z "$id" ]; then log "creating service $i failed: $out"; exit 1; fi
  ids="$ids${ids:+,}$id"
done
initial_rows=$(dbq "SELECT COUNT(*) FROM service_status_log")
log "created $SERVICES services ($initial_rows status rows)"

# --- load ------------------------------------------------------------------
# put ID STATUS: one update through curl; prints the HTTP status.
put() {
  curl -sS --noproxy '*' -m 10 -o /dev/null -w '%{http_code}' -X PUT \
    -H "Authorization-Token: $token" "$url/admin/api/v1/service/put/$1/$2/"
}
# Before each run every service is set to under_maintenance, a status the Lua
# script never sets, so the first update of each service in the run is a change.
reset_statuses() {
  local id
  for id in ${ids//,/ }; do
    [ "$(put "$id" under_maintenance)" = 200 ] || { log "reset of service $id failed"; exit 1; }
    acked=$((acked + 1))
  done
}
# The disk's synchronous 4 KiB write latency in ms (200 writes with O_DSYNC in the data
# dir's file system): each committed update costs at least one such sync, so this
# says how busy the disk is (other work on the machine) when a run starts.
sync_write_ms() {
  dd if=/dev/zero of="$tmp/sync-probe" bs=4k count=200 oflag=dsync 2>&1 |
    awk -F', ' '/copied/ { split($(NF-1), t, " "); printf "%.2f", t[1] * 1000 / 200 }'
  rm -f "$tmp/sync-probe"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$2"; }

acked=0
# run CONNECTIONS LABEL: one wrk run; prints its table row.
run() {
  local conns=$1 label=$2 out="$tmp/wrk-c$1.txt"
  reset_statuses
  local t0 c0 c1 t1 load sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  sync=$(sync_write_ms)
  log "wrk -t$WRK_THREADS -c$conns -d$DURATION ($label); before it: load average $load, disk sync write ${sync} ms"
  t0=$(date +%s.%N)
  c0=$(cpu_ticks)
  BENCH_TOKEN=$token BENCH_IDS=$ids BENCH_THREADS=$WRK_THREADS \
    timeout -k 5 120 wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --timeout 5s --latency \
    -s bench/status_updates.lua "$url" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  c1=$(cpu_ticks)
  t1=$(date +%s.%N)
  grep -q '^RESULT ' "$out" || { cat "$out" >&2; exit 1; }
  sed -n '/Latency Distribution/,/^RESULT/p' "$out" | grep -v '^RESULT' >&2 || true
  local rps p50 p99 ok non2xx sockerr timeouts cpu result
  rps=$(get rps "$out"); p50=$(get p50_ms "$out"); p99=$(get p99_ms "$out")
  ok=$(get ok "$out"); non2xx=$(get non2xx "$out")
  sockerr=$(get socket_errors "$out"); timeouts=$(get timeouts "$out")
  acked=$((acked + ok))
  cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')
  if awk -v r="$rps" -v p="$p99" -v tr="$TARGET_RPS" -v tp="$TARGET_P99_MS" \
    'BEGIN { exit !(r >= tr && p < tp) }'; then
    result="target met"
  else
    result="target MISSED"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "c=$conns $label" "$rps" "$p50" "$p99" \
    "$((non2xx + sockerr + timeouts))" "$result; ${ok} acked; server CPU ${cpu}%; before: load ${load}, sync write ${sync} ms"
}

run 32 throughput
run 8 latency

# --- durability: SIGKILL, then count ------------------------------------------
log "kill -9 $server_pid, then count rows"
stop_server
rows=$(dbq "SELECT COUNT(*) FROM service_status_log")
audits=$(dbq "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status'")
if [ -n "$DATABASE" ]; then integrity=ok; else integrity=$(dbq "PRAGMA integrity_check"); fi
need=$((initial_rows + acked))
if [ "$rows" -ge "$need" ] && [ "$audits" -ge "$acked" ] && [ "$integrity" = ok ]; then
  verdict="PASS"
else
  verdict="FAIL"
fi
printf '%s\t%s\t-\t-\t-\t-\t%s\n' "$NAME" "durability after kill -9" \
  "$verdict: $rows status rows >= $initial_rows initial + $acked acked; $audits audit rows >= $acked; integrity $integrity"
engine="SQLite WAL, synchronous=FULL"
[ -z "$DATABASE" ] || engine="PostgreSQL, synchronous_commit on, fsync on"
echo "# $NAME: $SERVICES services, every 200 is one committed status change ($engine);" \
  "server $threads threads; wrk -t$WRK_THREADS -d$DURATION on the same machine;" \
  "target >= $TARGET_RPS/s with p99 < $TARGET_P99_MS ms"
echo "# $NAME: wrk keeps c requests in flight, so the mean latency is c / throughput" \
  "(Little's law): at c=32, p99 < $TARGET_P99_MS ms needs well over $((32 * 1000 / TARGET_P99_MS))/s."
log "server log: $(wc -l <"$tmp/server.log") lines, $(grep -c ' ERROR ' "$tmp/server.log" || true) errors"
[ "$verdict" = PASS ]
