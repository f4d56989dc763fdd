#!/usr/bin/env bash
# cbindgen.sh OUT_H — body of the //:clientcache_h genrule: generates the C
# header from rust/ffi with the arguments `make header` uses (mk/rust.mk),
# into Bazel's output tree. //:header_test compares it with the committed
# include/clientcache.h. Unsandboxed, like cargo_build.sh (cbindgen runs
# `cargo metadata` on the real workspace).
set -euo pipefail
out="$PWD/$1"
manifest="$(readlink -f rust/Cargo.toml)"
root="${manifest%/rust/Cargo.toml}"
export PATH="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="$root/rust/target"
command -v cbindgen >/dev/null || {
  echo "cbindgen.sh: cbindgen not found; run 'scripts/ensure.sh cbindgen' (make test-bazel does)" >&2
  exit 1
}
cd "$root/rust"
cbindgen --quiet --config ffi/cbindgen.toml --crate clientcache-ffi ffi --output "$out"
