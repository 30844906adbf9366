#!/usr/bin/env bash
# bench/26_language_page.sh — GET / of a page whose default language is English, for a
# reader whose browser asks for German (Accept-Language: de-DE,de;q=0.9,en;q=0.8; SPEC
# §16), against nginx serving the same bytes as a static file, in the same run (issue 15:
# the goal stays >= 1.0x, because each language is an entry of the snapshot rendered once
# per change, so a request parses two headers and sends bytes it has: no per-request
# rendering, no database).
#
# Starts $PHAROS_BIN serve (bench/lib.sh), fills the page as 20_public_page.sh does
# (fill_public_page), offers the six languages with en the default. The German page it then
# serves (plain and gzip, checked: <html lang="de">, Content-Language, Vary) goes to nginx
# (start_nginx_static). For c = 64 and 256 gzip connections wrk measures both, BENCH_ROUNDS
# rounds alternating who goes first; the table shows the medians and the ratios. Every
# measured answer must be a 200 (wrk counts others as errors).
# Knobs: BENCH_DURATION (default 5s), BENCH_ROUNDS (default 3), BENCH_THREADS (wrk -t, 2).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
NAME="language page"
LANG_HEADER="Accept-Language: de-DE,de;q=0.9,en;q=0.8"

for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-lang-XXXXXX")
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
api_call PATCH page '{"default_language":"en","languages":["en","de","fr","es","pt-BR","ja"]}' >/dev/null

www="$tmp/www"
mkdir -p "$www"
curl -sS --noproxy '*' -H "$LANG_HEADER" -D "$tmp/headers" -o "$www/index.html" "$url/"
curl -sS --noproxy '*' -H "$LANG_HEADER" -H 'Accept-Encoding: gzip' -o "$www/index.html.gz" "$url/"
grep -q '<html lang="de">' "$www/index.html" || { log "the page is not in German"; exit 1; }
grep -q 'data-overall-status=' "$www/index.html" || { log "unexpected page"; exit 1; }
grep -qi '^content-language: de' "$tmp/headers" || { log "no Content-Language: de"; exit 1; }
grep -qi '^vary: .*accept-language' "$tmp/headers" || { log "no Vary: Accept-Language"; exit 1; }
curl -sS --noproxy '*' -o "$tmp/en.html" "$url/"
grep -q '<html lang="en">' "$tmp/en.html" || { log "the default is not English"; exit 1; }
gzip -t "$www/index.html.gz" 2>/dev/null || { log "the gzip copy is not gzip"; exit 1; }
touch -r "$www/index.html" "$www/index.html.gz"
chmod -R a+rX "$www"
start_nginx_static "$www" "$threads" 4096
log "pharos on $url, nginx on 127.0.0.1:$nport, $threads workers each; page $(stat -c %s "$www/index.html") bytes, $(stat -c %s "$www/index.html.gz") gzipped"

status=0
for conns in 64 256; do
  log "wrk -t$WRK_THREADS -c$conns -d$DURATION gzip, $ROUNDS rounds"
  rounds_vs_nginx "$NAME" "GET / c=$conns gzip, $LANG_HEADER pharos" "GET / c=$conns gzip, $LANG_HEADER nginx" \
    "$url" "$conns" "$LANG_HEADER"
  [ "$rounds_err" = 0 ] || status=1
done
echo "# $NAME: the page of 20_public_page.sh offering six languages, default en; every request asks" \
  "for German by Accept-Language (an entry of the snapshot of its own); pharos $threads threads, nginx $threads workers."
log "server log: $(grep -c ' ERROR ' "$tmp/server.log" || true) errors"
exit $status
