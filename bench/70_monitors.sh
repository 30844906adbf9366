#!/usr/bin/env bash
# bench/70_monitors.sh — 1,000 http monitors every 10 s against a local target (issue 13,
# "Measure"): checks per second achieved, schedule jitter p99, the server's CPU share and
# RSS, and the public page's throughput against nginx serving the same bytes while the
# monitors run (it must stay ≥ 1.0×).
#
# pharos (SQLite) gets the public page of bench/20_public_page.sh (20 services, 3 open
# incidents, 90 days of history) and MONITORS http monitors written straight into the
# database, each on its own URL /m/ID of a target nginx (one worker, `return 200`), their
# first checks spread over the first interval. The target's access log records each
# request's time in milliseconds ($msec): a monitor's schedule jitter is how far each gap
# between two of its checks is from its interval. After a warm-up, a quiet window of
# WINDOW seconds is measured: checks/s (target requests), jitter p50/p99, pharos's CPU
# (user + system over the window, in % of one core); then, the monitors still running,
# wrk measures GET / on pharos and on a second nginx serving the page's bytes (three
# rounds each, alternating), and the peak RSS is read.
# CHARTS of the services show their response time (two SVG charts each on the page, drawn
# from 90 days of seeded figures), and the roll-ups the prober writes once a minute make
# the page be rebuilt about once a minute meanwhile.
# Knobs: BENCH_MONITORS (default 1000), BENCH_INTERVAL (10), BENCH_WINDOW (30),
# BENCH_DURATION (5s per wrk run), BENCH_THREADS (wrk -t, 2), BENCH_CHARTS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
MONITORS=${BENCH_MONITORS:-1000}
INTERVAL=${BENCH_INTERVAL:-10}
WINDOW=${BENCH_WINDOW:-30}
CHARTS=${BENCH_CHARTS:-5}
DURATION=${BENCH_DURATION:-5s}
WRK_THREADS=${BENCH_THREADS:-2}
NAME="monitors"

for tool in wrk sqlite3 curl nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-monitors-XXXXXX")
chmod 755 "$tmp"
data="$tmp/data"
db="$data/pharos.db"
server_pid="" nginx_pid="" target_pid=""
stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop_pid "$target_pid"
  stop_pid "$nginx_pid"
  stop_pid "$server_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
log() { echo "[$NAME] $*" >&2; }

# --- the target: nginx answering 200 on /m/ID, logging each request's time -------------
tport=$(free_port)
mkdir -p "$tmp/target"
cat >"$tmp/target/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $tmp/target/nginx.pid;
error_log $tmp/target/error.log warn;
events { worker_connections 4096; }
http {
  log_format t '\$msec \$uri \$status';
  access_log $tmp/target/access.log t;
  client_body_temp_path $tmp/target/body;
  proxy_temp_path $tmp/target/proxy;
  fastcgi_temp_path $tmp/target/fastcgi;
  uwsgi_temp_path $tmp/target/uwsgi;
  scgi_temp_path $tmp/target/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$tport;
    location /m/ { default_type text/plain; return 200 "ok\n"; }
  }
}
CONF
"$NGINX" -p "$tmp/target" -c "$tmp/target/nginx.conf" 2>>"$tmp/target/error.log" &
target_pid=$!
for _ in $(seq 50); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$tport/m/0" && break; sleep 0.1; done

# --- pharos, its page and the monitors -------------------------------------------------
token=$("$BIN" token create --name bench --data "$data" --database "sqlite:$db")
start_pharos
log "pharos pid $server_pid on $url, $threads threads; target nginx on $tport"
fill_public_page 20
now=$(date +%s)
{
  echo "BEGIN;"
  for i in $(seq "$MONITORS"); do
    sid=${services[$(((i - 1) % ${#services[@]}))]}
    echo "INSERT INTO monitors (page_id, service_id, name, kind, target, interval_s, timeout_ms, expect_status, tls_warn_days, failures_before, successes_before, status_on_failure, incident, next_check_at, created_at, updated_at) VALUES (1, $sid, 'm$i', 'http', 'http://127.0.0.1:$tport/m/$i', $INTERVAL, 5000, '200-399', 14, 3, 2, 'major_outage', 'none', $((now + 2 + (i * 7919) % INTERVAL)), $now, $now);"
  done
  # the first CHARTS services show their response time, with 90 days of figures behind
  # the first monitor of each (as the prober leaves them: 24 h of minutes, 89 days)
  for i in $(seq "$CHARTS"); do
    sid=${services[$((i - 1))]}
    echo "UPDATE services SET show_response_time = 1 WHERE id = $sid;"
    echo "INSERT INTO monitor_rollups (monitor_id, minute, checks, failures, p50_ms, p95_ms) WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < 1440) SELECT $i, $((now - now % 60)) - k * 60, 6, 0, 100 + k % 60, 300 + k % 120 FROM m;"
    echo "INSERT INTO monitor_days (monitor_id, day, checks, failures, p50_ms, p95_ms) WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < 89) SELECT $i, $((now - now % 86400)) - k * 86400, 8640, 0, 100 + k, 300 + 2 * k FROM m;"
  done
  echo "COMMIT;"
} | sqlite3 -cmd '.timeout 10000' "$db"
api_call PATCH page '{"brand_color":"#0b5cad"}' >/dev/null # a wake: the prober looks now
log "$MONITORS monitors every $INTERVAL s"

# --- the page's bytes for nginx --------------------------------------------------------
www="$tmp/www"
mkdir -p "$www"
curl -sS --noproxy '*' -o "$www/index.html" "$url/"
curl -sS --noproxy '*' -H 'Accept-Encoding: gzip' -o "$www/index.html.gz" "$url/"
touch -r "$www/index.html" "$www/index.html.gz"
chmod -R a+rX "$www"
start_nginx_static "$www" "$threads" 4096

# --- warm-up, the quiet window, then the page under load with the monitors running ------
sleep $((INTERVAL + 2))
cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
t0=$(date +%s.%N)
c0=$(cpu)
sleep "$WINDOW"
t1=$(date +%s.%N)
c1=$(cpu)
p_rps=() n_rps=() p_p99=() n_p99=() p_err=0
l0=$(date +%s.%N)
for round in 1 2 3; do
  order="p n"
  [ $((round % 2)) = 0 ] && order="n p"
  for who in $order; do
    if [ "$who" = p ]; then
      read -r rps _ p99 err < <(wrk_run "$url" 64 1 "$tmp/wrk-p.txt")
      p_rps+=("$rps") p_p99+=("$p99") p_err=$((p_err + err))
    else
      read -r rps _ p99 _ < <(wrk_run "http://127.0.0.1:$nport" 64 1 "$tmp/wrk-n.txt")
      n_rps+=("$rps") n_p99+=("$p99")
    fi
  done
done
l1=$(date +%s.%N)
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")
failed=$(sqlite3 -cmd '.timeout 10000' "$db" "SELECT COUNT(*) FROM monitor_results WHERE ok = 0")
ticks=$(getconf CLK_TCK)

# checks in the window and each monitor's gaps, from the target's log
loaded=$(awk -v t0="$l0" -v t1="$l1" '$3 == 200 && $1 >= t0 && $1 < t1 { n++ } END { printf "%.0f", n / (t1 - t0) }' "$tmp/target/access.log")
checks=$(awk -v t0="$t0" -v t1="$t1" -v iv="$INTERVAL" -v gaps="$tmp/gaps.txt" '
  $3 == 200 && $2 ~ /^\/m\// {
    if ($1 >= t0 && $1 < t1) n++
    if (($2 in last) && $1 >= t0 && $1 < t1) { d = ($1 - last[$2] - iv) * 1000; print (d < 0 ? -d : d) > gaps }
    last[$2] = $1
  }
  END { close(gaps); print n + 0 }' "$tmp/target/access.log")
read -r j50 j99 jmax < <(sort -g "$tmp/gaps.txt" | awk '{ v[NR] = $1 } END {
  if (NR == 0) { print "- - -"; exit }
  printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)], v[NR] }')
span=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
rate=$(awk -v n="$checks" -v s="$span" 'BEGIN { printf "%.0f", n / s }')
cpu_pct=$(awk -v a="$c0" -v b="$c1" -v s="$span" -v t="$ticks" 'BEGIN { printf "%.1f", (b - a) / t / s * 100 }')
pr=$(median "${p_rps[@]}") nr=$(median "${n_rps[@]}") p9=$(median "${p_p99[@]}") n9=$(median "${n_p99[@]}")
ratio=$(awk -v a="$pr" -v b="$nr" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
want=$(awk -v m="$MONITORS" -v i="$INTERVAL" 'BEGIN { printf "%.0f", m / i }')

printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "$MONITORS http monitors every $INTERVAL s" "$rate" "$j50" "$j99" "$failed" \
  "checks/s (of $want due); p50/p99 columns: schedule jitter in ms (max $jmax); pharos CPU ${cpu_pct}% of a core, peak RSS $((hwm / 1024)) MiB"
printf '%s\t%s\t%s\t-\t%s\t%s\t%s\n' "$NAME" "GET / while they run, c=64 gzip, pharos" "$pr" "$p9" "$p_err" \
  "ratio $ratio x nginx req/s (goal ≥ 1.0: $(awk -v r="$ratio" 'BEGIN { print (r >= 1.0 ? "met" : "MISSED") }')); the monitors meanwhile: $loaded checks/s; rounds: ${p_rps[*]}"
printf '%s\t%s\t%s\t-\t%s\t-\t%s\n' "$NAME" "GET / while they run, c=64 gzip, nginx" "$nr" "$n9" "same bytes, static file; rounds: ${n_rps[*]}"
echo "# $NAME: checks/s, jitter and CPU over a quiet window of ${span} s after a warm-up of an interval, then 3 alternating wrk rounds per server with the monitors running; jitter = |gap between a monitor's two checks − interval| at the target (nginx \$msec); errors column = failed checks"
[ "$failed" = 0 ] || exit 1
