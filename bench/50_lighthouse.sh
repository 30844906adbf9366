#!/usr/bin/env bash
# bench/50_lighthouse.sh — Lighthouse's four scores (performance, accessibility, best
# practices, SEO) for GET / of a pharos server with a few services and an open incident
# (issue 11, "Measure").
#
# Lighthouse is the npm package pinned in bench/package.json and bench/package-lock.json
# (the benchmarks' own lock file, apart from the tests' package-lock.json), installed into
# bench/node_modules with `npm ci --prefix bench` when missing or stale; it drives Debian's
# Chromium (CHROME_PATH=/usr/bin/chromium, scripts/deps.sh bench installs it).
#
# Offline: after the install, the script runs itself again in a network namespace of its
# own (unshare -n) whose only interface is loopback, so neither Chromium nor Lighthouse
# can reach anything but the pharos server on 127.0.0.1; where unshare is refused it goes
# on in the machine's namespace and says so. Either way Chromium gets
# --disable-background-networking, --disable-component-update, --disable-sync, a host
# resolver that resolves no name, and a proxy that does not exist (loopback bypasses it),
# and the check fails when Lighthouse's network-requests audit shows a request to
# anything but the server. Lighthouse's own error reporting is off.
#
# Starts $PHAROS_BIN serve on 127.0.0.1 (free port, temporary data dir), creates a group
# with 3 services, 2 ungrouped services and an incident (with an update) on one of them
# through the API, then runs Lighthouse BENCH_LH_RUNS times (default 3) with its default
# settings (mobile, simulated throttling) and as many times with --preset=desktop. The table
# gets one row each: the median score of each category (and the lowest, when lower), the
# median lab metrics, the number of requests to another origin in the errors column; a
# note names each audit that lost points.
#
# Prints table rows for bench/run.sh on stdout and "#" notes; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BIN=${PHAROS_BIN:-build/pharos}
RUNS=${BENCH_LH_RUNS:-3}
NAME="lighthouse"
log() { echo "[$NAME] $*" >&2; }
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

if [ -z "${PHAROS_LH_NETNS:-}" ]; then
  for tool in node npm curl; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
  done
  [ -x "$CHROME_PATH" ] || { echo "$0: $CHROME_PATH is missing (scripts/deps.sh bench)" >&2; exit 1; }
  [ -x "$BIN" ] || { echo "$0: $BIN is not built (make)" >&2; exit 1; }
  stamp=bench/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ bench/package-lock.json -nt "$stamp" ]; then
    log "npm ci --prefix bench (lighthouse)"
    npm ci --prefix bench --no-audit --no-fund --loglevel=error >&2
  fi
  if unshare -n true 2>/dev/null; then
    exec unshare -n env PHAROS_LH_NETNS=1 bash "$0" "$@"
  fi
  log "unshare -n is refused here: running in the machine's network namespace"
  export PHAROS_LH_NETNS=none
fi
where="the machine's network namespace"
if [ "$PHAROS_LH_NETNS" = 1 ]; then
  ip link set lo up
  where="a network namespace with loopback only"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pharos-bench-lh-XXXXXX")
data="$tmp/data"
db="$data/pharos.db"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

token=$("$BIN" token create --name bench --data "$data" --database "sqlite:$db")
start_pharos
log "pharos pid $server_pid on $url, in $where"
gid=$(api_call POST groups '{"name":"Platform"}' | id_of)
need_ids "$gid"
ids=()
for n in API Website Dashboard; do
  ids+=("$(api_call POST services "{\"name\":\"$n\",\"description\":\"The $n.\",\"group_id\":$gid}" | id_of)")
done
for n in "E-mail delivery" "Webhooks"; do
  ids+=("$(api_call POST services "{\"name\":\"$n\"}" | id_of)")
done
need_ids "${ids[@]}"
inc=$(api_call POST incidents "{\"title\":\"Elevated API error rates\",\"message\":\"We are **investigating** elevated error rates on the API.\",\"services\":[{\"id\":${ids[0]},\"status\":\"partial_outage\"}],\"notify\":false}" | id_of)
need_ids "$inc"
api_call POST "incidents/$inc/updates" '{"stage":"identified","message":"The cause is known; a fix is rolling out.","notify":false}' >/dev/null
grep -q 'data-overall-status="partial_outage"' <(curl -sS --noproxy '*' "$url/") || { log "unexpected page"; exit 1; }

chrome_flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
chrome_flags+=" --disable-sync --no-first-run --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
chrome_flags+=" --proxy-server=http://127.0.0.1:9"
start=$(date +%s)
groups=()
for preset in mobile desktop; do
  files=()
  for i in $(seq "$RUNS"); do
    out="$tmp/lh-$preset-$i.json"
    log "lighthouse $url/ ($preset, run $i/$RUNS)"
    extra=()
    [ "$preset" = desktop ] && extra=(--preset=desktop)
    timeout -k 5 120 bench/node_modules/.bin/lighthouse "$url/" --quiet --no-enable-error-reporting \
      --only-categories=performance,accessibility,best-practices,seo "${extra[@]}" \
      --max-wait-for-load=30000 --output=json --output-path="$out" --chrome-flags="$chrome_flags" >&2 ||
      log "lighthouse exited $? ($preset, run $i)"
    files+=("$out")
  done
  groups+=("GET /=$(IFS=,; echo "${files[*]}")")
done
status=0
node bench/lighthouse_summary.mjs "$url" "${groups[@]}" || status=1
echo "# $NAME: GET / with 5 services (3 in a group) and an open incident; Lighthouse" \
  "$(node -p 'require("./bench/node_modules/lighthouse/package.json").version') with" \
  "$("$CHROME_PATH" --version 2>/dev/null | head -1), in $where; $((RUNS * 2)) runs in $(($(date +%s) - start)) s."
exit $status
