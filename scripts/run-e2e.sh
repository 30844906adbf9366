#!/usr/bin/env bash
# scripts/run-e2e.sh — every e2e suite on every backend (`make e2e`, `make test`): each
# tests/e2e/*.test.mjs (or each file given) once per backend of E2E_BACKENDS (default
# "sqlite postgresql"), as one queue of (backend, suite) runs, E2E_JOBS of them at once
# (default 4). Most of an e2e suite's time is waiting (leases, retries, a browser, a
# second node), so two backends' passes one after the other left a CPU of this 2-CPU
# machine idle; one queue keeps both busy. The PostgreSQL runs need the throw-away
# cluster of scripts/pg-cluster.sh: the Makefile runs this script under it.
#
# Each run is `node --test` of one file with the ASan build ($PHAROS_BIN), its output kept
# and printed whole when it ends (so the log reads one suite at a time), a line per run on
# the way. A file has E2E_TIMEOUT_S (default 300) seconds in all (node's --test-timeout,
# which counts a file as one test); a run still going a minute after that (node leaves a
# file it timed out running when a hook waits) is killed, so no run hangs the queue. The longest suites go first, so none is left to run alone at the end. Ends with
# the count of tests passed and failed per backend; exit 1 if any run failed.
set -u
cd "$(dirname "$0")/.." || exit 2
backends=${E2E_BACKENDS:-sqlite postgresql}
jobs=${E2E_JOBS:-4}
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/e2e/*.test.mjs); fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Suites that take longest (a minute or more on PostgreSQL), started first.
long="a11y_console_browser a11y_public_browser admin_screens nodes nodes_schedule admin admin_browser
  oidc storm"
weight() {
  local name
  name=$(basename "$1" .test.mjs)
  case " $long " in *" $name "*) echo 0 ;; *) echo 1 ;; esac
}

queue=()
for b in $backends; do
  case $b in sqlite | postgresql) ;; *) echo "run-e2e: unknown backend $b" >&2; exit 2 ;; esac
  if [ "$b" = postgresql ] && [ "${PHAROS_TEST_PG:-}" != 1 ]; then
    echo "run-e2e: the postgresql runs need scripts/pg-cluster.sh run" >&2
    exit 2
  fi
  for f in "${files[@]}"; do
    # PostgreSQL's runs are the longer: before SQLite's of the same weight
    queue+=("$(weight "$f")$([ "$b" = postgresql ] && echo 0 || echo 1)	$b	$f")
  done
done

# Run I: backend B, file F; its log, status and seconds to $out/I.*.
one() {
  local i=$1 b=$2 f=$3 start rc
  local limit=${E2E_TIMEOUT_S:-300}
  start=$(date +%s)
  if [ "$b" = postgresql ]; then
    PHAROS_E2E_BACKEND=postgresql timeout -k 10 $((limit + 60)) \
      node --test --test-timeout=$((limit * 1000)) "$f" >"$out/$i.log" 2>&1
  else
    env -u PHAROS_E2E_BACKEND timeout -k 10 $((limit + 60)) \
      node --test --test-timeout=$((limit * 1000)) "$f" >"$out/$i.log" 2>&1
  fi
  rc=$?
  [ "$rc" = 124 ] && echo "run-e2e: killed after $((limit + 60)) s" >>"$out/$i.log"
  echo "$rc" >"$out/$i.rc"
  printf 'e2e: %-10s %-40s %s (%d s)\n' "$b" "$(basename "$f")" \
    "$([ "$rc" = 0 ] && echo ok || echo FAILED)" $(($(date +%s) - start)) >&2
}
export -f one
export out

printf '%s\n' "${queue[@]}" | sort -s -t '	' -k1,1 | cut -f2- | nl -ba -w1 -s '	' >"$out/queue"
xargs -P "$jobs" -d '\n' -n 1 bash -c 'IFS="	" read -r i b f <<<"$1"; one "$i" "$b" "$f"' _ <"$out/queue"

status=0
for b in $backends; do
  pass=0 fail=0
  while IFS='	' read -r i qb f; do
    [ "$qb" = "$b" ] || continue
    echo "== e2e $b: $f"
    cat "$out/$i.log"
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/$i.log" | tail -1)
    n=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/$i.log" | tail -1)
    pass=$((pass + ${p:-0})) fail=$((fail + ${n:-0}))
    [ "$(cat "$out/$i.rc" 2>/dev/null)" = 0 ] || { status=1; echo "== e2e $b: $f FAILED"; }
  done <"$out/queue"
  echo "e2e $b: $pass passed, $fail failed"
done
exit $status
