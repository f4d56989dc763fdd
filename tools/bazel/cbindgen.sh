#!/usr/bin/env bash
# cbindgen.sh OUT_H — generates the C header from rust/ffi with the arguments
# `make header` uses (mk/rust.mk), into OUT_H. Run by //:header_test (at test
# time, so that `bazel build //...` never needs cbindgen) and by the manual
# //:clientcache_h genrule. Unsandboxed: cbindgen runs `cargo metadata` on the
# real workspace, found through the rust/Cargo.toml symlink of the runfiles
# tree or execroot.
#
# cbindgen is looked up on PATH only (.bazelrc passes the client's PATH to
# actions and tests), at the version scripts/ensure.sh pins: another version
# may format the header differently. When it is missing the script prints one
# line naming the command that installs it, and fails.
set -euo pipefail
out="$1"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
manifest="$(readlink -f rust/Cargo.toml)"
root="${manifest%/rust/Cargo.toml}"

want="$(sed -n '/^ *cbindgen)/,/;;/s/^ *want=\([0-9.]*\).*/\1/p' "$root/scripts/ensure.sh")"
have="$(cbindgen --version 2>/dev/null | sed -n 's/^cbindgen //p' || true)"
if [ "$have" != "$want" ]; then
  echo "cbindgen.sh: cbindgen $want is not on PATH (found: ${have:-none}); install it with 'scripts/ensure.sh cbindgen' (puts it in ~/.cargo/bin, which must be on PATH)" >&2
  exit 1
fi
# cbindgen runs `cargo metadata`; rustup's default location when cargo is not
# on PATH.
command -v cargo >/dev/null || export PATH="$PATH:${CARGO_HOME:-${HOME:-/root}/.cargo}/bin"
export CARGO_TARGET_DIR="$root/rust/target"
cd "$root/rust"
cbindgen --quiet --config ffi/cbindgen.toml --crate clientcache-ffi ffi --output "$out"
