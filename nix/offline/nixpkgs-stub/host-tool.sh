# host-tool.sh — builder of the stand-in's tool packages (pkgs.cargo,
# pkgs.cbindgen, pkgs.pkg-config, the stdenv's basic tools, ...): $out/bin
# holds symlinks to the host's programs, so a derivation sees exactly the
# tools its inputs name, as in nixpkgs, but they are the host's toolchains.
#
# Attributes: bins (programs that must exist), optionalBins (linked when
# found), wrapCC (1: cc/gcc/c++/g++ become wrappers that add a run-time search
# path for every -L<dir> under /nix/store, as nixpkgs' ld-wrapper does),
# requireImport (python3: modules that must import; the S3 test server).
#
# Runs unsandboxed as the user who runs `nix build` (no build users), so the
# host's toolchains are found where that user's shell finds them: rustup's
# toolchain (~/.cargo/bin, resolved to the toolchain's own binaries), cargo
# installs (~/.cargo/bin), /usr/local/go/bin, /usr/local/bin, /usr/bin, /bin.
set -eu -o pipefail
export PATH=/usr/bin:/bin
home="$(getent passwd "$(id -u)" | cut -d: -f6)"
search="$home/.cargo/bin:/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin"

rust_sysroot=
rust_bin() { # the toolchain's own binary, so rustup is not needed at run time
  if [ -z "$rust_sysroot" ]; then
    rust_sysroot="$(HOME="$home" PATH="$search" rustc --print sysroot 2>/dev/null)" || {
      echo "host-tool: no Rust toolchain (rustc) on $search; install rustup's stable toolchain" >&2
      exit 1
    }
  fi
  [ -x "$rust_sysroot/bin/$1" ] && echo "$rust_sysroot/bin/$1"
}

find_bin() {
  case "$1" in
    cargo|rustc|rustdoc|rustfmt|cargo-fmt|cargo-clippy|clippy-driver) rust_bin "$1" ;;
    *) PATH="$search" type -P "$1" ;; # a path, never a shell builtin
  esac
}

mkdir -p "$out/bin"
link() { # link NAME REQUIRED
  local path
  if ! path="$(find_bin "$1")" || [ -z "$path" ]; then
    [ "$2" = 1 ] || return 0
    echo "host-tool: '$1' is not installed on this machine (looked in $search); scripts/ensure.sh installs the project's tools" >&2
    exit 1
  fi
  case "$1" in
    cc|gcc|c++|g++)
      if [ "${wrapCC:-}" = 1 ]; then
        printf '%s\n' '#!/bin/bash' \
          '# Like nixpkgs'"'"' ld-wrapper: a library linked from /nix/store (-L<dir>) is found at run time.' \
          'link=1 extra=()' \
          'for a in "$@"; do case "$a" in -c|-S|-E|-M|-MM) link=0 ;; esac; done' \
          'if [ "$link" = 1 ]; then for a in "$@"; do case "$a" in -L/nix/store/*) extra+=("-Wl,-rpath,${a#-L}") ;; esac; done; fi' \
          "exec $path \"\$@\" \"\${extra[@]}\"" > "$out/bin/$1"
        chmod +x "$out/bin/$1"
        return 0
      fi ;;
  esac
  if [ "$(head -c 2 "$path")" = '#!' ]; then
    # A script may find its helpers through $0 (Debian's valgrind runs
    # "$0.bin"): run it from its own place.
    printf '#!/bin/sh\nexec %s "$@"\n' "$path" >"$out/bin/$1"
    chmod +x "$out/bin/$1"
  else
    ln -s "$path" "$out/bin/$1"
  fi
}
for b in ${bins:-}; do link "$b" 1; done
for b in ${optionalBins:-}; do link "$b" 0; done
for m in ${requireImport:-}; do
  "$out/bin/python3" -c "import $m" 2>/dev/null || {
    echo "host-tool: python3 cannot import $m; 'scripts/ensure.sh moto' installs the S3 test server" >&2
    exit 1
  }
done
