#!/usr/bin/env bash
# cargo_build.sh OUT_SO OUT_A — the body of the //:libclientcache genrule.
#
# Runs exactly the command `make lib` runs (cargo build --release --locked
# -p clientcache-ffi in rust/, CARGO_TARGET_DIR = <repo>/rust/target), so
# cargo's build output is shared with make: whichever runs second finds the
# crates fresh and compiles nothing. Then copies the two libraries into
# Bazel's output tree.
#
# The genrule runs unsandboxed (local = True): the action's working directory
# is Bazel's execroot, whose rust/ entry is a symlink to the real source tree,
# which is how the real tree (and its rust/target) is found.
set -euo pipefail
out_so="$PWD/$1"
out_a="$PWD/$2"

manifest="$(readlink -f rust/Cargo.toml)"
root="${manifest%/rust/Cargo.toml}"
# cargo from PATH (.bazelrc passes the client's), else rustup's default place.
command -v cargo >/dev/null || export PATH="$PATH:${CARGO_HOME:-${HOME:-/root}/.cargo}/bin"
export CARGO_TARGET_DIR="$root/rust/target"
command -v cargo >/dev/null || {
  echo "cargo_build.sh: cargo is not on PATH nor in ~/.cargo/bin; install the Rust toolchain (rustup), then rerun" >&2
  exit 1
}

cd "$root/rust"
cargo build --release --locked -p clientcache-ffi
cp -f "$CARGO_TARGET_DIR/release/libclientcache.so" "$out_so"
cp -f "$CARGO_TARGET_DIR/release/libclientcache.a" "$out_a"
