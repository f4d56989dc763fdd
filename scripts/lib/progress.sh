# progress.sh — sourced by run-suites.sh and demo.sh: run one long step with
# a start line, an end line with its duration, a "still running" line after
# every 30 s without output, and its full output kept in a log file.
#
#   run_step NAME LOG show|quiet COMMAND...
#     show:  output goes to the console and to LOG
#     quiet: output goes to LOG only (its path is printed on failure)
# Returns the command's status; STEP_SECONDS holds the duration.

PROGRESS_QUIET_SECONDS=${PROGRESS_QUIET_SECONDS:-30}

run_step() {
  local name=$1 log=$2 mode=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  : >"$log"
  local start=$SECONDS
  printf '▶ %s (log: %s)\n' "$name" "$log"
  if [ "$mode" = show ]; then
    "$@" > >(tee -a "$log") 2>&1 &
  else
    "$@" >>"$log" 2>&1 &
  fi
  local pid=$!
  # Watch the log: a line whenever it has been quiet for a while.
  (
    last_size=-1 quiet=0
    while kill -0 "$pid" 2>/dev/null; do
      sleep 5
      size=$(stat -c %s "$log" 2>/dev/null || echo 0)
      if [ "$size" = "$last_size" ] || [ "$mode" = quiet ]; then
        quiet=$((quiet + 5))
      else
        quiet=0
      fi
      last_size=$size
      if [ "$quiet" -ge "$PROGRESS_QUIET_SECONDS" ]; then
        last=$(tail -n 1 "$log" 2>/dev/null | cut -c1-100)
        printf '  … %s still running (%ss)%s\n' "$name" $((SECONDS - start)) "${last:+ — last: $last}"
        quiet=0
      fi
    done
  ) &
  local watcher=$!
  wait "$pid"
  local status=$?
  kill "$watcher" 2>/dev/null
  wait "$watcher" 2>/dev/null
  STEP_SECONDS=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    printf '✔ %s (%ss)\n' "$name" "$STEP_SECONDS"
  else
    printf '✘ %s FAILED (%ss) — full log: %s\n' "$name" "$STEP_SECONDS" "$log"
  fi
  return "$status"
}

# Counts the tests a suite's log reports, from the summary lines each test
# runner prints (cargo, the C suite, go test -v, node --test, pytest).
count_tests() {
  local log=$1
  python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
passed = failed = 0
for m in re.finditer(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
    passed += int(m[1]); failed += int(m[2])
for m in re.finditer(r"^(\d+) passed, (\d+) failed$", text, re.M):          # C suite
    passed += int(m[1]); failed += int(m[2])
passed += len(re.findall(r"^\s*--- PASS", text, re.M))                       # go test -v
failed += len(re.findall(r"^\s*--- FAIL", text, re.M))
for m in re.finditer(r"^# pass (\d+)$", text, re.M):                          # node --test
    passed += int(m[1])
for m in re.finditer(r"^# fail (\d+)$", text, re.M):
    failed += int(m[1])
for m in re.finditer(r"^=*\s*(?:(\d+) failed, )?(\d+) passed\b.* in [0-9.]+s", text, re.M):  # pytest
    passed += int(m[2]); failed += int(m[1] or 0)
for m in re.finditer(r"^\w+: all (\d+) steps passed", text, re.M):            # step scripts
    passed += int(m[1])
packages = len(re.findall(r"^ok\s+\S+\s+[0-9.]+s", text, re.M))              # go test
failed += len(re.findall(r"^FAIL\s+\S+\s+[0-9.]+s", text, re.M))
for m in re.finditer(r"Executed (\d+) out of (\d+) tests?: (\d+) tests? pass", text):  # bazel
    passed += int(m[3]); failed += int(m[1]) - int(m[3])
for m in re.finditer(r"^RFC 8785 differential: (\d+)/(\d+)", text, re.M):
    passed += int(m[1]); failed += int(m[2]) - int(m[1])
summary = f"{passed} passed, {failed} failed" if passed or failed else ""
if packages:
    summary += f"{'; ' if summary else ''}{packages} Go packages ok"
print(summary or "-")
PY
}
