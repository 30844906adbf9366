#!/usr/bin/env bash
# bench/25_private_page.sh — GET / of a page that asks for a password (SPEC §16), for a
# visitor who entered it (their access cookie on every request), against nginx serving
# the same bytes as a static file, in the same run (issue 15, "Measure": the goal stays
# >= 1.0x, because the check is a MAC over the cookie and the bytes still come from the
# snapshot: no per-request rendering, no database).
#
# Starts $PHAROS_BIN serve (bench/lib.sh), fills the page as 20_public_page.sh does
# (fill_public_page), makes it a password page, enters the password through POST /access
# like a browser and keeps the cookie. The page it then serves (plain and gzip) goes to
# nginx (start_nginx_static). For c = 64 and 256 gzip connections wrk measures both,
# BENCH_ROUNDS rounds alternating who goes first; the table shows the medians and the
# ratios. A request without the cookie must get the door (401), and every measured answer
# must be a 200 (wrk counts others as errors).
# Knobs: BENCH_DURATION (default 5s), BENCH_ROUNDS (default 3), BENCH_THREADS (wrk -t, 2).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
NAME="password page"

for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-private-XXXXXX")
chmod 755 "$tmp"
data="$tmp/data"
db="$data/pharos.db"
server_pid="" nginx_pid=""
stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop_pid "$nginx_pid"
  stop_pid "$server_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
log() { echo "[$NAME] $*" >&2; }

token=$("$BIN" token create --name bench --data "$data" --database "sqlite:$db")
start_pharos
fill_public_page 20
api_call PATCH page '{"visibility":"password","password":"bench-password-1"}' >/dev/null

# the door, then the password as a browser gives it
door=$(curl -sS --noproxy '*' -o "$tmp/door.html" -w '%{http_code}' "$url/")
[ "$door" = 401 ] || { log "GET / without the cookie answered $door, not the door"; exit 1; }
csrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$tmp/door.html" | head -1)
cookie=$(curl -sS --noproxy '*' -o /dev/null -D - -X POST --data-urlencode "csrf_token=$csrf" \
  --data-urlencode 'password=bench-password-1' "$url/access" |
  sed -n 's/^[Ss]et-[Cc]ookie: \(pharos_access=[^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || { log "POST /access gave no cookie"; exit 1; }

www="$tmp/www"
mkdir -p "$www"
curl -sS --noproxy '*' -H "Cookie: $cookie" -o "$www/index.html" "$url/"
curl -sS --noproxy '*' -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' -o "$www/index.html.gz" "$url/"
grep -q 'data-overall-status=' "$www/index.html" || { log "the cookie did not open the page"; exit 1; }
gzip -t "$www/index.html.gz" 2>/dev/null || { log "the gzip copy is not gzip"; exit 1; }
touch -r "$www/index.html" "$www/index.html.gz"
chmod -R a+rX "$www"
start_nginx_static "$www" "$threads" 4096
log "pharos on $url, nginx on 127.0.0.1:$nport, $threads workers each"

status=0
for conns in 64 256; do
  log "wrk -t$WRK_THREADS -c$conns -d$DURATION gzip, $ROUNDS rounds"
  rounds_vs_nginx "$NAME" "GET / c=$conns gzip, signed-in visitor" "GET / c=$conns gzip, nginx" \
    "$url" "$conns" "Cookie: $cookie"
  [ "$rounds_err" = 0 ] || status=1
done
echo "# $NAME: the page of 20_public_page.sh with visibility password; every request carries the" \
  "visitor's access cookie (a MAC checked per request); pharos $threads threads, nginx $threads workers."
log "server log: $(grep -c ' ERROR ' "$tmp/server.log" || true) errors"
exit $status
