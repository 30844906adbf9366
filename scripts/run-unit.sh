#!/usr/bin/env bash
# Runs each cmocka unit-test binary given on the command line (the Makefile gives the
# plain and the ASan+UBSan builds) and ends with one "N passed, N failed" line. Exit 1
# if any failed. Under scripts/pg-cluster.sh (PHAROS_TEST_PG=1) the tests that open a
# database (test_store_*, test_app_*) run a second time on PostgreSQL
# (PHAROS_TEST_BACKEND=postgresql, tests/unit/testutil.h).
set -u
pass=0; fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run() {
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $*"; fi
}
for t in "$@"; do
  run "$t"
  case "$(basename "$t")" in
    test_store_*|test_app_*)
      [ "${PHAROS_TEST_PG:-}" = 1 ] && run env PHAROS_TEST_BACKEND=postgresql "$t" ;;
  esac
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
