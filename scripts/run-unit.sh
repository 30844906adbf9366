#!/usr/bin/env bash
# Runs each cmocka unit-test binary given on the command line, plain and under
# ASan+UBSan, and ends with one "N passed, N failed" line. Exit 1 if any failed.
set -u
pass=0; fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "$@"; do
  if "$t"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
