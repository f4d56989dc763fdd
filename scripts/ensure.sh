#!/usr/bin/env bash
# ensure.sh TOOL... — install each named tool when it is missing, saying what
# is installed and how. Idempotent; safe to call from every make target.
set -euo pipefail
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    echo "ensure: apt-get update" >&2
    apt-get update -qq >&2
    apt_updated=1
  fi
  echo "ensure: installing Debian packages: $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

for tool in "$@"; do
  case "$tool" in
    rust)
      command -v cargo >/dev/null || { echo "ensure: cargo is required (rustup)" >&2; exit 1; }
      # rustup only where the components are missing (a Nix dev shell has
      # them without rustup).
      cargo fmt --version >/dev/null 2>&1 || { echo "ensure: installing rustfmt (rustup)" >&2; rustup component add rustfmt >&2; }
      cargo clippy --version >/dev/null 2>&1 || { echo "ensure: installing clippy (rustup)" >&2; rustup component add clippy >&2; }
      ;;
    cbindgen)
      want=0.29.4
      if ! cbindgen --version 2>/dev/null | grep -q " $want\$"; then
        echo "ensure: installing cbindgen $want (cargo install --locked)" >&2
        cargo install --locked --quiet cbindgen --version "$want" >&2
      fi
      ;;
    valgrind) command -v valgrind >/dev/null || apt_install valgrind ;;
    pkg-config) command -v pkg-config >/dev/null || apt_install pkg-config ;;
    patchelf) command -v patchelf >/dev/null || apt_install patchelf ;;
    cc) command -v cc >/dev/null || apt_install build-essential ;;
    go)
      # Debian 12's golang-go is 1.19, too old for the module (go.mod asks for
      # 1.24): never install it; name the minimum instead.
      min=1.24
      have=$(go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9]*\.[0-9]*\).*/\1/p')
      if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$min" "$have" | sort -V | head -1)" != "$min" ]; then
        echo "ensure: Go >= $min is required (found: ${have:-none}); install it from the Go project's release archives into /usr/local/go" >&2
        exit 1
      fi
      ;;
    node) command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm ;;
    bazel) command -v bazel >/dev/null || apt_install bazel-bootstrap ;;
    nix) command -v nix >/dev/null || apt_install nix-bin ;;
    moto)
      # Import check rather than `command -v`: pyenv keeps shims after uninstall.
      if ! python3 -c 'import moto.server, flask, flask_cors' >/dev/null 2>&1; then
        echo "ensure: installing moto[server] (pip) for the local S3-compatible test server" >&2
        python3 -m pip install --quiet 'moto[server]' >&2
      fi
      ;;
    rfc8785)
      # An independent RFC 8785 implementation for the canonical-form
      # differential test.
      if ! python3 -c 'import rfc8785' >/dev/null 2>&1; then
        echo "ensure: installing rfc8785 (pip), an independent RFC 8785 implementation" >&2
        python3 -m pip install --quiet rfc8785 >&2
      fi
      ;;
    *) echo "ensure: unknown tool $tool" >&2; exit 2 ;;
  esac
done
