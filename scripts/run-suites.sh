#!/usr/bin/env bash
# Runs `make <suite>` for each argument, keeps going after a failure, and ends
# with a table: each suite's result, test count and duration. Each suite's
# output is shown and kept in build/logs/<suite>.log; a suite silent for 30 s
# gets a line saying it is still running. Non-zero exit when any suite failed.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/progress.sh
. "$root/scripts/lib/progress.sh"
logs="$root/build/logs"
failed=0 rows=()
total_start=$SECONDS
for suite in "$@"; do
  printf '\n'
  if run_step "$suite" "$logs/$suite.log" show make --no-print-directory "$suite"; then
    result=ok
  else
    result=FAILED failed=$((failed + 1))
  fi
  rows+=("$(printf '%-16s %-7s %-24s %5ss' "$suite" "$result" "$(count_tests "$logs/$suite.log")" "$STEP_SECONDS")")
done
printf '\n%-16s %-7s %-24s %6s\n' suite result tests time
printf '%s\n' "${rows[@]}"
printf 'suites: %d passed, %d failed, %ss in all (logs: %s)\n' $(($# - failed)) "$failed" $((SECONDS - total_start)) "$logs"
[ "$failed" -eq 0 ]
