#!/usr/bin/env bash
# bench/40_spike.sh — the public page under a spike (issue 11, "Measure"): GET / at
# 1,000 and 10,000 concurrent keep-alive connections, against nginx serving the same
# bytes in the same run, while the admin API applies 50 status changes per second.
#
# Raises the descriptor limit to the hard one (ulimit -n; the load and both servers need
# a descriptor per connection) and checks that pharos's server.max_connections (which
# follows that limit) leaves room for the largest level, else sets
# PHAROS_SERVER_MAX_CONNECTIONS. Starts $PHAROS_BIN serve on 127.0.0.1 (free port,
# temporary data dir) with the page of bench/20_public_page.sh (4 groups, 20 services, 3
# open incidents, 90 days of history: fill_public_page in bench/lib.sh), saves the page it
# serves (plain and gzip) for nginx (start_nginx_static: Debian nginx-light, as many
# workers as pharos has threads, one reuseport socket each, backlog 1024 like pharos,
# sendfile, gzip_static, no access log).
#
# Each level runs BENCH_ROUNDS times (default 3), alternating which server goes first;
# each run is wrk -t$BENCH_THREADS -cLEVEL -d$BENCH_SPIKE_DURATION with
# "Accept-Encoding: gzip", as a browser sends it. During every pharos run
# bench/spike_changes.mjs sends PUT /admin/api/v1/service/put/{id}/{status}/ 50 times a
# second, open loop (on time whether or not the earlier ones were answered, over
# keep-alive connections), each a real change (the 17 services no incident holds in turn,
# statuses in a cycle), so the page pharos serves changes 50 times a second; after the
# run, GET / must show every service's status as the API reports it. nginx serves the bytes saved before the runs (the
# page as pharos served it then, a few bytes from what it serves during the changes).
# During each run a sampler reads the server's VmRSS (pharos; nginx: master and workers
# added up) and counts the server's established connections (ss) every 0.5 s; the CPU
# the server used (utime + stime from /proc) gives its CPU time per request.
#
# The table shows the medians of the rounds (req/s, p50, p99) and, per server and level,
# the errors of all its rounds: wrk's non-2xx responses and socket errors (connect, read,
# write, timeout: a response more than 5 s after its request; wrk 4 leaves those out of its
# latencies and counts requests still unanswered at the end nowhere, so the table also shows
# how many connections the server had open) and the machine's listen queue overflows.
# The goal (issue 11): pharos/nginx req/s >= 1.0 and pharos p99 <= nginx p99 at both
# levels, no errors, pharos RSS < 64 MB. Exits non-zero when pharos has errors, a status
# change fails, or the page does not show the statuses the API reports (a missed ratio is
# reported, not failed, as in 20_public_page).
#
# Prints table rows for bench/run.sh on stdout and "#" notes; progress goes to stderr.
# Knobs: BENCH_SPIKE_LEVELS (default "1000 10000"), BENCH_SPIKE_DURATION (default 10s),
# BENCH_ROUNDS (default 3), BENCH_THREADS (wrk -t, default 2), BENCH_SPIKE_RATE (status
# changes per second, default 50; 0: none, the control), BENCH_KEEP=1 (keep the temporary directory: logs, wrk
# output, samples), PHAROS_SERVER_THREADS (default: the number of CPUs;
# nginx gets as many workers).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
LEVELS=${BENCH_SPIKE_LEVELS:-1000 10000}
DURATION=${BENCH_SPIKE_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
RATE=${BENCH_SPIKE_RATE:-50}
SERVICES=20
RSS_GOAL_MB=64
NAME="spike"

for tool in wrk sqlite3 curl nginx ss node; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }
log() { echo "[$NAME] $*" >&2; }

dur_s=${DURATION%s}
[[ "$dur_s" =~ ^[0-9]+$ ]] || { echo "$0: BENCH_SPIKE_DURATION must be whole seconds (10s)" >&2; exit 2; }
max_level=0
for l in $LEVELS; do if [ "$l" -gt "$max_level" ]; then max_level=$l; fi; done

# --- descriptors --------------------------------------------------------------------
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=$(cat /proc/sys/fs/nr_open)
ulimit -n "$hard"
fds=$(ulimit -n)
need=$((max_level + 256)) # wrk: a socket per connection, plus its own few
[ "$fds" -ge "$need" ] ||
  { echo "$0: ulimit -n is $fds (hard limit), $need are needed for $max_level connections" >&2; exit 1; }
# pharos's default: the limit less max(64, limit / 8) (src/core/config.c)
reserve=$((fds / 8 > 64 ? fds / 8 : 64))
want_conns=$((max_level + 512)) # the load, the status changes (open loop: as many connections as PUTs in flight), checks
if [ $((fds - reserve)) -lt "$want_conns" ]; then
  export PHAROS_SERVER_MAX_CONNECTIONS=$want_conns
  log "ulimit -n $fds: server.max_connections would be $((fds - reserve)); setting $want_conns"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-spike-XXXXXX")
chmod 755 "$tmp" # nginx workers may run as another user
data="$tmp/data"
db="$data/pharos.db"
server_pid="" nginx_pid="" changes_pid="" sampler_pid=""

stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop_pid "$changes_pid"
  stop_pid "$sampler_pid"
  stop_pid "$nginx_pid"
  stop_pid "$server_pid"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "[spike] kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# --- pharos, data, nginx ---------------------------------------------------------------
token=$("$BIN" token create --name bench --data "$data" --database "sqlite:$db")
start_pharos
max_conns=$(sed -n 's/.*at most \([0-9]*\) connections.*/\1/p' "$tmp/server.log" | head -1)
[ -n "$max_conns" ] && [ "$max_conns" -ge "$want_conns" ] ||
  { log "pharos allows ${max_conns:-?} connections, $want_conns are needed"; exit 1; }
log "pharos pid $server_pid on $url, $threads threads, at most $max_conns connections (ulimit -n $fds)"
fill_public_page "$SERVICES"

www="$tmp/www"
mkdir -p "$www"
curl -sS --noproxy '*' -o "$www/index.html" "$url/"
curl -sS --noproxy '*' -H 'Accept-Encoding: gzip' -o "$www/index.html.gz" "$url/"
gzip -t "$www/index.html.gz" 2>/dev/null || { log "the gzip copy is not gzip"; exit 1; }
[ "$(grep -o 'data-service-id=' "$www/index.html" | wc -l)" = "$SERVICES" ] || { log "not $SERVICES services"; exit 1; }
touch -r "$www/index.html" "$www/index.html.gz"
chmod -R a+rX "$www"
plain_bytes=$(stat -c %s "$www/index.html")
gz_bytes=$(stat -c %s "$www/index.html.gz")
start_nginx_static "$www" "$threads" $((max_level + 1024))
cmp -s <(curl -sS --noproxy '*' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$nport/") "$www/index.html.gz" ||
  { log "nginx does not serve the gzip copy"; exit 1; }
log "nginx pid $nginx_pid on 127.0.0.1:$nport, $threads workers; page $plain_bytes bytes, $gz_bytes gzipped"

# --- helpers ---------------------------------------------------------------------------
clk=$(getconf CLK_TCK)
server_pids() { # the processes of server $1 (p|n)
  if [ "$1" = p ]; then echo "$server_pid"; else
    echo "$nginx_pid" $(cat "/proc/$nginx_pid/task/$nginx_pid/children" 2>/dev/null); fi
}
cpu_ticks() { # utime + stime of the processes given
  local t=0 p
  for p in "$@"; do
    t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
# sampler OUT PORT PIDS...: every 0.5 s (at most 4 minutes) a line "rss_kb established".
sampler() {
  local out=$1 port=$2 i p rss est
  shift 2
  for i in $(seq 480); do
    rss=$(for p in "$@"; do cat "/proc/$p/status"; done 2>/dev/null | awk '/^VmRSS/ { s += $2 } END { print s + 0 }')
    est=$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)
    echo "$rss $est" >>"$out"
    sleep 0.5
  done
}
# The status changes: bench/spike_changes.mjs, services in turn, statuses in a cycle
# (change number $change_k goes on across runs, so each PUT changes its service); not the
# three services that the open incidents hold (services[1..3]), whose status they set.
change_k=0
changed=("${services[0]}" "${services[@]:4}")
# check_page LEVEL: every service's status on GET / is the one the API reports.
check_page() {
  local want got
  want=$(api_call GET services | grep -o '"id":[0-9]*,[^}]*"status":"[a-z_]*"' |
    sed 's/"id":\([0-9]*\),.*"status":"\([a-z_]*\)"/\1 \2/' | sort)
  got=$(curl -sS --noproxy '*' -m 10 "$url/" | grep -o 'data-service-id="[0-9]*" data-status="[a-z_]*"' |
    sed 's/data-service-id="\([0-9]*\)" data-status="\([a-z_]*\)"/\1 \2/' | sort)
  if [ "$(echo "$want" | wc -l)" != "$SERVICES" ] || [ "$want" != "$got" ]; then
    log "after the run at c=$level, GET / does not show the statuses the API reports:"
    diff <(echo "$want") <(echo "$got") >&2 || true
    echo x >>"$tmp/stale"
  fi
}
# listen_overflows: the kernel's count of connections dropped at a full accept queue
# (TcpExt ListenOverflows: the whole machine's, so other loads add to it).
listen_overflows() {
  awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1 }
    else for (i = 2; i <= NF; i++) if (k[i] == "ListenOverflows") print $i }' /proc/net/netstat 2>/dev/null || echo 0
}
# wrk_parse FILE: "rps p50_ms p99_ms non2xx connect read write timeout requests"
wrk_parse() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { reqs = $1 }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { n2 += $NF }
    /Socket errors:/ { gsub(/,/, ""); c += $4; r += $6; w += $8; t += $10 }
    END { printf "%.0f %.2f %.2f %d %d %d %d %d %d\n", rps, p50, p99, n2, c, r, w, t, reqs }' "$1"
}

# run_one WHO(p|n) LEVEL: one wrk run against one server; appends
# "rps p50 p99 non2xx connect read write timeout requests cpu_us_per_req max_rss_kb max_est
#  listen_overflows"
# to $tmp/res-WHO-LEVEL, and for pharos the PUT lines to $tmp/puts-LEVEL.
run_one() {
  local who=$1 level=$2 target sport pids t0 t1 n res rss est c0 c1 o0 o1
  if [ "$who" = p ]; then target=$url sport=$port; else target="http://127.0.0.1:$nport" sport=$nport; fi
  pids=$(server_pids "$who")
  : >"$tmp/sample"
  # shellcheck disable=SC2086
  sampler "$tmp/sample" "$sport" $pids &
  sampler_pid=$!
  if [ "$who" = p ] && [ "$RATE" != 0 ]; then
    c0=$(date +%s%N)
    SPIKE_TOKEN=$token node bench/spike_changes.mjs "$url" "$RATE" $((dur_s + 30)) "$change_k" "${changed[@]}" >"$tmp/puts" &
    changes_pid=$!
  fi
  o0=$(listen_overflows)
  # shellcheck disable=SC2086
  t0=$(cpu_ticks $pids)
  timeout -k 5 $((dur_s + 60)) wrk -t"$WRK_THREADS" -c"$level" -d"$DURATION" --timeout 5s --latency \
    -H 'Accept-Encoding: gzip' "$target/" >"$tmp/wrk.txt" 2>&1 || { cat "$tmp/wrk.txt" >&2; exit 1; }
  # shellcheck disable=SC2086
  t1=$(cpu_ticks $pids)
  o1=$(listen_overflows)
  stop_pid "$sampler_pid"; sampler_pid=""
  if [ "$who" = p ] && [ "$RATE" != 0 ]; then
    kill "$changes_pid" 2>/dev/null || true # it stops sending, waits for its answers, prints
    c1=$(date +%s%N)
    wait "$changes_pid" || true
    changes_pid=""
    n=$(grep -c . "$tmp/puts" || true)
    cat "$tmp/puts" >>"$tmp/puts-$level"
    echo "$n $(((c1 - c0) / 1000000))" >>"$tmp/putcount-$level"
    change_k=$((change_k + n))
    check_page "$level"
  fi
  res=$(wrk_parse "$tmp/wrk.txt")
  read -r rss est < <(awk '$1 > r { r = $1 } $2 > e { e = $2 } END { print r + 0, e + 0 }' "$tmp/sample")
  echo "$res" "$(awk -v a="$t0" -v b="$t1" -v hz="$clk" -v n="${res##* }" \
    'BEGIN { printf "%.1f", (n > 0 ? (b - a) * 1e6 / hz / n : 0) }')" "$rss" "$est" $((o1 - o0)) >>"$tmp/res-$who-$level"
  log "  $([ "$who" = p ] && echo pharos || echo nginx): $(awk '{ printf "%s req/s, p99 %s ms, %s µs CPU/req, RSS %d MiB, %s conns, %d errors, %s listen overflows", $1, $3, $10, $11 / 1024, $12, $4 + $5 + $6 + $7 + $8, $13 }' <(tail -1 "$tmp/res-$who-$level"))"
}

# --- load ------------------------------------------------------------------------------
bench_start=$(date +%s)
for level in $LEVELS; do
  for round in $(seq "$ROUNDS"); do
    log "wrk -t$WRK_THREADS -c$level -d$DURATION, gzip, round $round/$ROUNDS"
    order="p n"
    [ $((round % 2)) = 0 ] && order="n p"
    for who in $order; do
      run_one "$who" "$level"
      sleep 1 # the closed connections leave both sides
    done
  done
done

# --- table -------------------------------------------------------------------------------
status=0
col() { awk -v c="$1" '{ print $c }' "$2"; }
sum() { awk -v c="$1" '{ s += $c } END { print s + 0 }' "$2"; }
# agg FILE: the rounds of one server at one level (lines of run_one):
# "rps p50 p99 (medians) errors non2xx connect read write timeout (sums) cpu (median)
#  rss_mib (max) conns (median) listen_overflows (sum) rounds (req/s of each, comma-separated)"
agg() {
  local f=$1
  echo "$(median $(col 1 "$f")) $(median $(col 2 "$f")) $(median $(col 3 "$f"))" \
    "$(awk '{ s += $4 + $5 + $6 + $7 + $8 } END { print s + 0 }' "$f")" \
    "$(sum 4 "$f") $(sum 5 "$f") $(sum 6 "$f") $(sum 7 "$f") $(sum 8 "$f")" \
    "$(median $(col 10 "$f")) $(awk '$11 > m { m = $11 } END { printf "%d", m / 1024 }' "$f")" \
    "$(median $(col 12 "$f")) $(sum 13 "$f") $(col 1 "$f" | paste -sd, -)"
}
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")
for level in $LEVELS; do
  read -r p_rps p_p50 p_p99 p_err p_n2 p_c p_r p_w p_t p_cpu p_rss p_est p_ovf p_rounds < <(agg "$tmp/res-p-$level")
  read -r n_rps n_p50 n_p99 n_err n_n2 n_c n_r n_w n_t n_cpu n_rss n_est n_ovf n_rounds < <(agg "$tmp/res-n-$level")
  verdict=$(awk -v a="$p_rps" -v b="$n_rps" -v c="$p_p99" -v d="$n_p99" -v e="$p_err" -v m="$p_rss" -v g="$RSS_GOAL_MB" 'BEGIN {
      r = b > 0 ? a / b : 0; q = d > 0 ? c / d : 0
      printf "ratio %.2fx nginx req/s, p99 %.2fx nginx; goal %s", r, q, (r >= 1.0 && c <= d && e == 0 && m < g) ? "met" : "MISSED" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "c=$level pharos$([ "$RATE" != 0 ] || echo ', no changes')" "$p_rps" "$p_p50" "$p_p99" "$p_err" \
    "$verdict; RSS max $p_rss MiB; $p_cpu µs CPU/req; $p_est conns open; errors: non-2xx $p_n2, connect $p_c, read $p_r, write $p_w, timeout $p_t; listen queue overflows $p_ovf (rounds: $p_rounds req/s)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "c=$level nginx" "$n_rps" "$n_p50" "$n_p99" "$n_err" \
    "same bytes, static file; RSS max $n_rss MiB (master+workers); $n_cpu µs CPU/req; $n_est conns open; errors: non-2xx $n_n2, connect $n_c, read $n_r, write $n_w, timeout $n_t; listen queue overflows $n_ovf (rounds: $n_rounds req/s)"
  [ "$p_err" = 0 ] || status=1

  if [ "$RATE" = 0 ]; then continue; fi
  # the status changes during this level's pharos runs
  puts="$tmp/puts-$level"
  nput=$(grep -c . "$puts" || true)
  bad=$(awk '$1 !~ /^2/' "$puts" | wc -l)
  achieved=$(awk '{ n += $1; ms += $2 } END { printf "%.1f", (ms > 0 ? n * 1000 / ms : 0) }' "$tmp/putcount-$level")
  read -r u50 u99 umax < <(awk '{ printf "%.2f\n", $2 }' "$puts" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%s %s %s\n", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)], v[NR] }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "c=$level status changes" "$achieved" "$u50" "$u99" "$bad" \
    "$nput PUTs over the $ROUNDS pharos runs (goal $RATE/s, open loop: bench/spike_changes.mjs); max ${umax} ms"
  [ "$bad" = 0 ] && [ "$nput" -gt 0 ] || status=1
done
changes_note="$RATE status changes/s through the API during each pharos run (after it, GET / shows every status the API reports)"
[ "$RATE" != 0 ] || changes_note="no status changes (BENCH_SPIKE_RATE=0: the control)"
rss_ok=$([ $((hwm / 1024)) -lt "$RSS_GOAL_MB" ] && echo "under the ${RSS_GOAL_MB} MB goal" || echo "goal < ${RSS_GOAL_MB} MB MISSED")
printf '%s\t%s\t-\t-\t-\t-\t%s\n' "$NAME" "pharos memory" \
  "peak (VmHWM) $((hwm / 1024)) MiB over the whole run, $rss_ok; VmRSS now $(($(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status") / 1024)) MiB"
if [ -s "$tmp/stale" ]; then status=1; fi
echo "# $NAME: GET / (gzip) of the page of 20_public_page ($plain_bytes bytes, $gz_bytes gzipped) at" \
  "c = $LEVELS keep-alive connections: wrk -t$WRK_THREADS -d$DURATION --timeout 5s, medians of $ROUNDS" \
  "alternating rounds; pharos $threads threads (at most $max_conns connections, ulimit -n $fds), nginx" \
  "$threads workers; $changes_note;" \
  "errors = non-2xx + socket errors of all rounds (a timeout: a response more than 5 s after its" \
  "request, which wrk leaves out of the latencies; a request unanswered at the end counts nowhere);" \
  "listen queue overflows = the machine's TcpExt ListenOverflows during the runs; pharos writes an access log line per request, nginx none;" \
  "$(($(date +%s) - bench_start)) s of load."
log "server log: $(grep -c ' ERROR ' "$tmp/server.log" || true) errors, $(grep -c ' WARN ' "$tmp/server.log" || true) warnings"
grep -E ' (ERROR|WARN) ' "$tmp/server.log" | grep -v ' PUT \| GET ' | head -5 >&2 || true
exit $status
