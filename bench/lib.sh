# bench/lib.sh — shared by the benchmark scripts (sourced, not run).
#
# start_pharos: starts "$BIN serve" on 127.0.0.1 with a free port, its log in
# $tmp/server.log, and waits (15 s at most) until it listens. Needs $BIN, $data, $db
# (or PHAROS_STORAGE_DATABASE, another database URL) and $tmp; sets server_pid, port, url
# and threads. Exits the script if it fails.
start_pharos() {
  : >"$tmp/server.log" # exists before the background server opens it
  "$BIN" serve --data "$data" --database "${PHAROS_STORAGE_DATABASE:-sqlite:$db}" --listen 127.0.0.1:0 2>>"$tmp/server.log" &
  server_pid=$!
  port=""
  for _ in $(seq 150); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start within 15 s" >&2; cat "$tmp/server.log" >&2; exit 1; }
  threads=$(sed -n 's/.*, \([0-9]*\) threads[, ].*/\1/p' "$tmp/server.log" | head -1)
  url="http://127.0.0.1:$port"
}

# free_port: a loopback port that no socket uses, below the ephemeral range (where a
# client's connection may hold any port, as the spike's tens of thousands do).
free_port() {
  local lo p
  lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$lo" -gt 11000 ] || lo=61000
  p=$((10000 + (RANDOM * 32768 + RANDOM) % (lo - 11000)))
  while [ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null | head -1)" ] ||
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# median of the arguments (numbers).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# api_call METHOD ROUTE [JSON]: one admin API call with $token against $url; prints the
# body, exits the script on a non-2xx.
api_call() {
  local out code
  out=$(curl -sS --noproxy '*' -m 10 -w '\n%{http_code}' -X "$1" -H "Authorization-Token: $token" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$url/admin/api/v1/$2")
  code=${out##*$'\n'}
  [[ "$code" == 2* ]] || { echo "$1 $2 failed: $out" >&2; exit 1; }
  printf '%s' "${out%$'\n'*}"
}
id_of() { grep -o '"id":[0-9]*' | head -1 | cut -d: -f2; }
# need_ids VALUE...: exits the script when one is empty (an api_call inside $(...) that
# failed exits only its subshell).
need_ids() { local v; for v in "$@"; do [ -n "$v" ] || { echo "an API call failed" >&2; exit 1; }; done; }

# fill_public_page N (N >= 4): the page bench/20_public_page.sh measures, through the API of the
# running server ($url, $token) and sqlite3 on $db (psql on $PG_URL when set): 4 groups, N services, 3 open
# incidents (each with an update), 90 days of status history, then one public change so
# that the snapshot holds the history. Sets the array `services` (their ids).
fill_public_page() {
  local n=$1 g gid i inc now sid k d st t
  local groups=()
  for g in "Core platform" "Data" "Integrations" "Regions"; do
    groups+=("$(api_call POST groups "{\"name\":\"$g\"}" | id_of)")
  done
  need_ids "${groups[@]}"
  services=()
  for i in $(seq "$n"); do
    gid=${groups[$(((i - 1) % 4))]}
    services+=("$(api_call POST services "{\"name\":\"Service $i\",\"description\":\"component $i\",\"group_id\":$gid}" | id_of)")
  done
  need_ids "${services[@]}"
  for i in 1 2 3; do
    inc=$(api_call POST incidents "{\"title\":\"Incident $i: elevated errors\",\"message\":\"We are **investigating** elevated error rates on service $i.\",\"services\":[{\"id\":${services[$i]},\"status\":\"partial_outage\"}],\"notify\":false}" | id_of)
    need_ids "$inc"
    api_call POST "incidents/$inc/updates" '{"stage":"identified","message":"The cause is known; a fix is rolling out.","notify":false}' >/dev/null
  done
  now=$(date +%s)
  {
    echo "BEGIN;"
    echo "UPDATE service_status_log SET started_at = $((now - 95 * 86400)) WHERE id IN (SELECT MIN(id) FROM service_status_log GROUP BY service_id);"
    for sid in "${services[@]}"; do
      for k in 1 2 3 4 5 6; do
        d=$(((sid * 7 + k * 13) % 88 + 2))
        st=$(echo "degraded_performance partial_outage major_outage under_maintenance degraded_performance partial_outage" | cut -d' ' -f"$k")
        t=$((now - d * 86400 + k * 3000))
        echo "INSERT INTO service_status_log (service_id, status, started_at) VALUES ($sid, '$st', $t), ($sid, 'operational', $((t + 1800 + k * 600)));"
      done
    done
    echo "COMMIT;"
  } | if [ -n "${PG_URL:-}" ]; then psql -X -q -v ON_ERROR_STOP=1 "$PG_URL"; else sqlite3 "$db"; fi ||
    { echo "writing the history failed" >&2; exit 1; }
  api_call PATCH page '{"brand_color":"#0b5cad"}' >/dev/null
}

# start_nginx_static WWW WORKERS CONNECTIONS: Debian's nginx (our own process, temporary
# config under $tmp/nginx, `daemon off`) serving WWW/index.html at / (and
# WWW/index.html.gz with gzip_static) on a free loopback port, with WORKERS workers,
# each allowed CONNECTIONS connections and as many descriptors as this shell may open;
# one listening socket per worker (reuseport) with a backlog of 1024, as pharos has.
# Sets nginx_pid and nport; exits the script if nginx does not serve the file.
start_nginx_static() {
  local www=$1 workers=$2 conns=$3 nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  nport=$(free_port)
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
worker_rlimit_nofile $(ulimit -n);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections $conns; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  open_file_cache max=100 inactive=60s;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nport reuseport backlog=1024;
    root $www;
    gzip_static on;
    gzip_vary on;
    location = / { try_files /index.html =404; }
  }
}
CONF
  "$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>>"$tmp/nginx/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$nport/" && break; sleep 0.1; done
  cmp -s <(curl -sS --noproxy '*' "http://127.0.0.1:$nport/") "$www/index.html" ||
    { echo "nginx does not serve the page" >&2; cat "$tmp/nginx/error.log" >&2; exit 1; }
}

# wrk_run URL CONNS GZIP(0|1) OUT [HEADER]: one wrk run of $WRK_THREADS threads for
# $DURATION on URL/ (with HEADER, e.g. a cookie, when given); prints "rps p50_ms p99_ms
# errors" (non-2xx and socket errors).
wrk_run() {
  local hdr=()
  [ "$3" = 1 ] && hdr=(-H 'Accept-Encoding: gzip')
  [ -n "${5:-}" ] && hdr+=(-H "$5")
  timeout -k 5 120 wrk -t"$WRK_THREADS" -c"$2" -d"$DURATION" --timeout 5s --latency "${hdr[@]}" "$1/" >"$4" 2>&1 ||
    { cat "$4" >&2; exit 1; }
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err }' "$4"
}

# rounds_vs_nginx NAME P_LABEL N_LABEL P_URL CONNS [HEADER]: $ROUNDS rounds of wrk -cCONNS
# with gzip (and HEADER) on pharos at P_URL and on nginx (start_nginx_static's $nport),
# alternating which goes first so the machine's drift falls on both; prints the two table
# rows (medians; the ratios and the goal: at least nginx's req/s) and sets rounds_err to
# pharos's errors.
rounds_vs_nginx() {
  local name=$1 plabel=$2 nlabel=$3 purl=$4 conns=$5 header=${6:-} round who order
  local p_rps=() p_p99=() n_rps=() n_p99=() n_err=0 rps p50 p99 err pr p9 nr n9 verdict
  rounds_err=0
  for round in $(seq "$ROUNDS"); do
    order="p n"
    [ $((round % 2)) = 0 ] && order="n p"
    for who in $order; do
      if [ "$who" = p ]; then
        read -r rps p50 p99 err < <(wrk_run "$purl" "$conns" 1 "$tmp/wrk-p.txt" "$header")
        p_rps+=("$rps") p_p99+=("$p99") rounds_err=$((rounds_err + err))
      else
        read -r rps p50 p99 err < <(wrk_run "http://127.0.0.1:$nport" "$conns" 1 "$tmp/wrk-n.txt" "$header")
        n_rps+=("$rps") n_p99+=("$p99") n_err=$((n_err + err))
      fi
    done
  done
  pr=$(median "${p_rps[@]}") p9=$(median "${p_p99[@]}") nr=$(median "${n_rps[@]}") n9=$(median "${n_p99[@]}")
  verdict=$(awk -v a="$pr" -v b="$nr" -v c="$p9" -v d="$n9" 'BEGIN {
    r = b > 0 ? a / b : 0; q = d > 0 ? c / d : 0
    printf "ratio %.2fx nginx req/s, p99 %.2fx nginx; goal %s", r, q, (r >= 1.0 ? "met" : "MISSED") }')
  printf '%s\t%s\t%s\t-\t%s\t%s\t%s\n' "$name" "$plabel" "$pr" "$p9" "$rounds_err" \
    "$verdict (rounds: ${p_rps[*]} req/s)"
  printf '%s\t%s\t%s\t-\t%s\t%s\t%s\n' "$name" "$nlabel" "$nr" "$n9" "$n_err" \
    "same bytes, static file (rounds: ${n_rps[*]} req/s)"
}
