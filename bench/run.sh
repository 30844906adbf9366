#!/usr/bin/env bash
# bench/run.sh — runs every benchmark script bench/NN_name.sh in order (`make bench`)
# and prints one table at the end. `bench/run.sh WORD` runs only the scripts whose
# name contains WORD; PHAROS_BIN=build-x/pharos bench/run.sh benchmarks another build.
#
# Contract for a benchmark script (add bench/20_public_page.sh, bench/30_fanout.sh … and
# they are picked up):
#   - it takes the binary from $PHAROS_BIN (exported here, default build/pharos);
#   - it prints table rows on stdout, tab-separated, in the columns
#       benchmark, run, req/s, p50 ms, p99 ms, errors, result
#     ("-" where a column does not apply), and note lines starting with "#";
#   - progress and diagnostics go to stderr;
#   - it talks only to 127.0.0.1, stops everything it started (trap on EXIT),
#     and exits non-zero when its own check fails.
# Each script runs under `timeout` (BENCH_TIMEOUT seconds, default 300), which
# signals the script's whole process group when it overruns.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

export PHAROS_BIN=${PHAROS_BIN:-build/pharos}
limit=${BENCH_TIMEOUT:-300}
only=${1:-}

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
status=0

for script in bench/[0-9][0-9]_*.sh; do
  [ -e "$script" ] || continue
  [ -z "$only" ] || [[ "$script" == *"$only"* ]] || continue
  echo "== $script" >&2
  start=$(date +%s)
  timeout -k 10 "$limit" "$script" >>"$rows"
  rc=$?
  echo "== $script: exit $rc after $(($(date +%s) - start)) s" >&2
  if [ "$rc" -ne 0 ]; then
    status=1
    why="exit $rc"
    [ "$rc" -eq 124 ] && why="timed out after ${limit}s"
    printf '%s\t-\t-\t-\t-\t-\tFAILED (%s)\n' "$(basename "$script" .sh)" "$why" >>"$rows"
  fi
done

cpus=$(nproc)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "pharos benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ), $("$PHAROS_BIN" --version 2>/dev/null || echo "$PHAROS_BIN")"
echo "machine: $cpus CPUs (${model:-unknown}); the load generator and the server share these $cpus cores"
echo
{
  printf 'benchmark\trun\treq/s\tp50 ms\tp99 ms\terrors\tresult\n'
  grep -v '^#' "$rows"
} | awk -F'\t' '
  { n++; for (i = 1; i <= NF; i++) { cell[n, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
    if (NF > nf) nf = NF }
  END {
    for (r = 1; r <= n; r++) {
      line = ""
      for (i = 1; i <= nf; i++) {
        fmt = (i >= 3 && i <= 6) ? "%" w[i] "s" : "%-" w[i] "s"
        line = line (i > 1 ? "  " : "") sprintf(fmt, cell[r, i])
      }
      sub(/ +$/, "", line); print line
      if (r == 1) {
        line = ""
        for (i = 1; i <= nf; i++) { d = sprintf("%" w[i] "s", ""); gsub(/ /, "-", d); line = line (i > 1 ? "  " : "") d }
        print line
      }
    }
  }'
if grep -q '^#' "$rows"; then
  echo
  sed -n 's/^# \{0,1\}//p' "$rows"
fi
exit $status
