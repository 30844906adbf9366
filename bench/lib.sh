# bench/lib.sh — shared by the benchmark scripts (sourced, not run).
#
# start_pharos: starts "$BIN serve" on 127.0.0.1 with a free port, its log in
# $tmp/server.log, and waits (15 s at most) until it listens. Needs $BIN, $data, $db
# and $tmp; sets server_pid, port, url and threads. Exits the script if it fails.
start_pharos() {
  : >"$tmp/server.log" # exists before the background server opens it
  "$BIN" serve --data "$data" --database "sqlite:$db" --listen 127.0.0.1:0 2>>"$tmp/server.log" &
  server_pid=$!
  port=""
  for _ in $(seq 150); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start within 15 s" >&2; cat "$tmp/server.log" >&2; exit 1; }
  threads=$(sed -n 's/.*, \([0-9]*\) threads,.*/\1/p' "$tmp/server.log" | head -1)
  url="http://127.0.0.1:$port"
}
