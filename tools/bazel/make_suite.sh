#!/usr/bin/env bash
# make_suite.sh TARGET — body of the sh_test wrappers for the Rust, Go and Node
# suites: runs `make TARGET` in the real source tree, so Bazel runs the very
# commands the make fragments (mk/<area>.mk) run — same flags, same S3 test
# server wrapper, same CLIENTCACHE_REQUIRE_S3=1 — and shares their build
# output (rust/target, Go's build cache, bindings/node/build) instead of
# building a second copy.
#
# The tests are tagged "manual" (`bazel test //...` skips them; `make test`
# runs the same make targets directly; `bazel test //:all_tests` runs them),
# "local" (unsandboxed: they write into the source tree's
# build folders) and "external" (their results are never cached by Bazel: they
# depend on toolchains, registries and a live S3 test server that Bazel does
# not track). The runfiles entry for //:Makefile is a symlink into the real
# tree; that is how the tree is found.
set -euo pipefail
target="${1:?usage: make_suite.sh MAKE_TARGET}"
makefile="$(readlink -f Makefile)"
root="$(dirname "$makefile")"
echo "make_suite.sh: make -C $root $target"
exec make -C "$root" --no-print-directory "$target"
