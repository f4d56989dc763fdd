#!/usr/bin/env bash
# Runs `make <suite>` for each argument, keeps going after a failure, and ends
# with one summary line. Exit status is non-zero when any suite failed.
set -u
passed=0 failed=0 failures=()
for suite in "$@"; do
  printf '\n==== %s ====\n' "$suite"
  start=$SECONDS
  if make --no-print-directory "$suite"; then
    passed=$((passed + 1)); printf '==== %s: ok (%ss)\n' "$suite" $((SECONDS - start))
  else
    failed=$((failed + 1)); failures+=("$suite"); printf '==== %s: FAILED (%ss)\n' "$suite" $((SECONDS - start))
  fi
done
echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
