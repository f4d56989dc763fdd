#!/usr/bin/env bash
# make demo: builds libclientcache, runs one short program per language (C,
# Go, Node, Python, Rust), then checks that all five computed the same fingerprint
# and label for the same key — and that both match the independent Python
# reference in tests/vectors/keys.json. Fails loudly otherwise.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=lib/progress.sh
. "$root/scripts/lib/progress.sh"
# Each step's build and install output is kept here; the reports are shown.
out="$root/build/logs/demo"
mkdir -p "$out"

# Installs and tool versions that a step's log records, shown on the console.
show_installs() { grep -h '^ensure:' "$@" 2>/dev/null | sed 's/^/  /'; }

banner() { printf '\n\033[1m%s\033[0m\n' "$*"; }

banner "clientcache demo — one cache core, five languages"
echo "Each step prints when it starts and ends; build output goes to $out/."
if ! run_step "build libclientcache (cargo)" "$out/build.log" quiet make --no-print-directory lib; then
  tail -40 "$out/build.log"; echo "demo: building the library failed" >&2; exit 1
fi
show_installs "$out/build.log"

# The languages' own builds do not depend on each other: run them side by
# side (downloads and single-threaded steps overlap), then run the demos one
# after another so their timings are not disturbed.
echo "Building the Go, Node and Rust demos side by side..."
prepare() {
  case $1 in
    go) make --no-print-directory -s go-deps && tags=$(make --no-print-directory -s -C "$root" print-GO_TAGS) && (cd bindings/go/cmd && go build $tags -o /dev/null ./clientcache-demo) ;;
    node) make --no-print-directory -s node-addon ;;
    rust) (cd rust && cargo build --release --locked -p clientcache-aws --example demo) ;;
  esac
}
prep_pids=()
for lang in go node rust; do
  run_step "build the $lang demo" "$out/prepare-$lang.log" quiet prepare "$lang" &
  prep_pids+=($!)
done
for pid in "${prep_pids[@]}"; do wait "$pid" || true; done # a failure shows in its demo below
show_installs "$out"/prepare-*.log

langs=(c go node python rust)
declare -A target=([c]=demo-c [go]=demo-go [node]=demo-node [python]=demo-python [rust]=demo-aws)
declare -A title=([c]="C (the C ABI directly)" [go]="Go (cgo binding + aws-sdk-go-v2)" [node]="Node (N-API addon + AWS SDK v3)" [python]="Python (ctypes binding + boto3)" [rust]="Rust (clientcache-aws + aws-sdk-s3)")
failed=0
for lang in "${langs[@]}"; do
  banner "── ${title[$lang]} ──"
  # Build/installation chatter goes to the step's log; the report is shown.
  if run_step "build and run the $lang demo" "$out/$lang.log" quiet \
      bash -c 'make --no-print-directory -s "$1" >"$2"' _ "${target[$lang]}" "$out/$lang.txt"; then
    show_installs "$out/$lang.log"
    cat "$out/$lang.txt"
  else
    show_installs "$out/$lang.log"
    cat "$out/$lang.txt"; tail -40 "$out/$lang.log"
    echo "!! the $lang demo failed (full log: $out/$lang.log)" >&2
    failed=1
  fi
done

expected_fp="$(python3 -c 'import json,sys; d=json.load(open("tests/vectors/keys.json")); print(next(v["fingerprint"] for v in d["vectors"] if v["name"]=="demo key"))')"
expected_label="$(python3 -c 'import json,sys; d=json.load(open("tests/vectors/keys.json")); print(next(v["label"] for v in d["vectors"] if v["name"]=="demo key"))')"

banner "── Identity check: the same key in every language ──"
printf '  %-8s %-34s %s\n' "language" "fingerprint" "label matches"
for lang in "${langs[@]}"; do
  fp="$(grep -Eo '^\s*fingerprint:\s+[0-9a-f]{32}\s*$' "$out/$lang.txt" | awk '{print $2}' | head -1)"
  label="$(grep -E '^\s*label:\s+' "$out/$lang.txt" | head -1 | sed -E 's/^\s*label:\s+//')"
  ok_label=no
  [ "$label" = "$expected_label" ] && ok_label=yes
  printf '  %-8s %-34s %s\n' "$lang" "${fp:-<missing>}" "$ok_label"
  if [ "$fp" != "$expected_fp" ] || [ "$ok_label" != yes ]; then failed=1; fi
done
printf '  %-8s %-34s\n' "reference" "$expected_fp (independent Python reference, tests/vectors)"

if [ "$failed" -ne 0 ]; then
  echo
  echo "DEMO FAILED: a language disagreed on identity or its demo did not run (see above)." >&2
  exit 1
fi
echo
echo "All five languages agree: $expected_fp"
echo "  $expected_label"
