#!/usr/bin/env bash
# diff_test.sh WANT GOT — passes when the two files are identical; otherwise
# prints the unified diff. Used by //:header_test.
set -euo pipefail
if diff -u "$1" "$2"; then
  echo "$1 is identical to $2"
else
  echo "FAIL: $1 differs from $2 (run 'make header' and commit include/clientcache.h)" >&2
  exit 1
fi
