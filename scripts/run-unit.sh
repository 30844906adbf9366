#!/usr/bin/env bash
# Runs each cmocka unit-test binary given on the command line (the Makefile gives the
# plain and the ASan+UBSan builds) and ends with one "N passed, N failed" line. Exit 1
# if any failed. Under scripts/pg-cluster.sh (PHAROS_TEST_PG=1) the tests that open a
# database (test_store_*, test_app_*) of the ASan build run a second time on PostgreSQL
# (PHAROS_TEST_BACKEND=postgresql, tests/unit/testutil.h): the sanitizers watch that run
# too, and the plain build's SQLite run already covers the optimised code.
# Runs UNIT_JOBS at once (default: the number of CPUs); the runs' outputs are printed whole,
# in order, once all have ended, so the log reads one test at a time.
set -u
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
jobs_max=${UNIT_JOBS:-$(nproc)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

runs=()
for t in "$@"; do
  runs+=("$t")
  case "$t" in
    */asan/tests/test_store_* | */asan/tests/test_app_*)
      [ "${PHAROS_TEST_PG:-}" = 1 ] && runs+=("PG $t") ;;
  esac
done

# Runs run number I (its words: an optional "PG", then the binary); its log and result
# go to $out/I.log and $out/I.rc.
one() {
  local i=$1 spec=$2
  if [ "${spec%% *}" = PG ]; then
    env PHAROS_TEST_BACKEND=postgresql "${spec#PG }" >"$out/$i.log" 2>&1
  else
    "$spec" >"$out/$i.log" 2>&1
  fi
  echo $? >"$out/$i.rc"
}

export -f one
export out
for i in "${!runs[@]}"; do printf '%s\t%s\n' "$i" "${runs[$i]}"; done |
  xargs -P "$jobs_max" -d '\n' -n 1 bash -c 'one "${1%%$(printf "\t")*}" "${1#*$(printf "\t")}"' _

pass=0 fail=0
for i in "${!runs[@]}"; do
  cat "$out/$i.log"
  if [ "$(cat "$out/$i.rc" 2>/dev/null)" = 0 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAILED: ${runs[$i]}"
  fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
