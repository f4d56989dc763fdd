#!/usr/bin/env bash
# header_test.sh — body of //:header_test: generates the header with cbindgen
# (cbindgen.sh, the arguments of `make header`) into the test's temporary
# folder and compares it with the committed include/clientcache.h, which is
# what every C target compiles against and what `make install` ships.
#
# cbindgen runs here, at test time, rather than in a genrule, so that
# `bazel build //...` and the C tests never need it. Without cbindgen (or with
# another version) the test fails with one line naming the command that
# installs it.
set -euo pipefail
got="${TEST_TMPDIR:-$(mktemp -d)}/clientcache.h"
tools/bazel/cbindgen.sh "$got"
if diff -u include/clientcache.h "$got"; then
  echo "include/clientcache.h is what cbindgen generates from rust/ffi"
else
  echo "FAIL: include/clientcache.h differs from cbindgen's output (run 'make header' and commit it)" >&2
  exit 1
fi
