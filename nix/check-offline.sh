#!/usr/bin/env bash
# check-offline.sh — what `make test-nix` can honestly check about flake.nix
# on a machine with Debian's nix-bin (2.8) and no way to fetch nixpkgs:
#
#  1. every .nix file parses (nix-instantiate --parse);
#  2. `nix flake check --no-build` passes with nixpkgs replaced by the offline
#     stand-in nix/offline/nixpkgs-stub: Nix evaluates the outputs' structure
#     for both systems, instantiates every package, check and dev shell as a
#     derivation, checks the overlay's shape, and the stand-in reads
#     rust/Cargo.lock as nixpkgs' importCargoLock would;
#  3. the evaluated outputs are the expected ones: package/check/shell names,
#     the library version equals rust/Cargo.toml's, the source filter keeps
#     the sources and drops build output;
#  4. nix/go-vendor-hash.nix (buildGoModule's vendorHash) matches the NAR hash
#     of `go mod vendor` for bindings/go/go.sum.
#
# It cannot check that real nixpkgs accepts the arguments or that anything
# builds; see docs/building.md. Runs as root against the local /nix/store
# (no daemon needed), or through a running nix-daemon.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
nixx() { nix --extra-experimental-features 'nix-command flakes' "$@"; }
stub=(--no-write-lock-file --override-input nixpkgs "path:$root/nix/offline/nixpkgs-stub")
flake="$root"
if ! git -C "$root" ls-files --error-unmatch flake.nix >/dev/null 2>&1; then
  # Nix only sees git-tracked files of a git checkout.
  echo "check-offline: flake.nix is not tracked by git; checking the folder as a path: flake" >&2
  flake="path:$root"
fi

echo "nix: $(nix --version)"
tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

echo "== 1. parse"
count=0
while IFS= read -r f; do
  nix-instantiate --parse "$f" >/dev/null
  count=$((count + 1))
done < <(git ls-files --cached --others --exclude-standard -- '*.nix' 2>/dev/null ||
         find . -name '*.nix' -not -path './rust/target/*' -not -path '*/node_modules/*' -not -path './bazel-*')
echo "parsed $count .nix files"

echo "== 2. nix flake check --no-build (nixpkgs = offline stand-in)"
log="$tmp/flake-check.log"
status=0
nixx flake check --no-build "${stub[@]}" "$flake" >"$log" 2>&1 || status=$?
# Drop the expected noise: a dirty working tree, and the lock entry for the
# stand-in that is deliberately not written.
grep -v -e '^warning: Git tree .* is dirty$' -e '^warning: not writing modified lock file' \
  -e "^• Added input 'nixpkgs':" -e "^    'path:" "$log" || true
[ "$status" -eq 0 ] || { echo "check-offline: nix flake check failed" >&2; exit 1; }
echo "flake check: ok"

echo "== 3. outputs"
version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' rust/Cargo.toml | head -n1)"
FLAKE="$flake" STUB="$root/nix/offline/nixpkgs-stub" VERSION="$version" python3 - <<'PY'
import json, os, subprocess, sys

def ev(attr, fn):
    cmd = ["nix", "--extra-experimental-features", "nix-command flakes", "eval", "--json",
           "--no-write-lock-file", "--override-input", "nixpkgs", "path:" + os.environ["STUB"],
           os.environ["FLAKE"] + "#" + attr, "--apply", fn]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"check-offline: nix eval {attr} failed:\n{r.stderr}")
    return json.loads(r.stdout)

sys_ = "x86_64-linux"
s = {
    "systems": ev("packages", "builtins.attrNames"),
    "packages": ev(f"packages.{sys_}", "builtins.attrNames"),
    "checks": ev(f"checks.{sys_}", "builtins.attrNames"),
    "devShells": ev(f"devShells.{sys_}", "builtins.attrNames"),
    "shellTools": ev(f"devShells.{sys_}.default", "d: map (p: p.name) d.stubArgs.packages"),
    "libName": ev(f"packages.{sys_}.default", "p: p.name"),
    "srcTop": ev(f"packages.{sys_}.default", "p: builtins.attrNames (builtins.readDir p.stubArgs.src)"),
}
print(json.dumps(s, indent=1))
want = {
    "systems": ["aarch64-linux", "x86_64-linux"],
    "packages": ["clientcache-go", "clientcache-node", "default", "libclientcache"],
    "checks": ["c", "clientcache-go", "clientcache-node", "header", "libclientcache", "rust"],
    "devShells": ["default"],
}
bad = [f"{k}: {s[k]} != {v}" for k, v in want.items() if s[k] != v]
if s["libName"] != "libclientcache-" + os.environ["VERSION"]:
    bad.append(f"libName {s['libName']} does not carry rust/Cargo.toml's version {os.environ['VERSION']}")
for tool in ["cargo", "rustc", "cbindgen", "go", "nodejs", "bazel_7", "valgrind", "pkg-config", "gnumake"]:
    if tool not in s["shellTools"]:
        bad.append(f"dev shell lacks {tool}")
top = set(s["srcTop"])
for keep in ["rust", "include", "bindings", "tests", "scripts", "Makefile", "flake.nix"]:
    if keep not in top:
        bad.append(f"flake source lacks {keep}")
for drop in [n for n in top if n.startswith("bazel-") or n in (".git", "build", ".tmp")]:
    bad.append(f"flake source keeps build output {drop}")
if bad:
    print("check-offline: unexpected flake outputs:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print("outputs as expected")
PY

echo "== 4. Go vendorHash"
want="$(sed -n 's/^"\(sha256-.*\)"$/\1/p' nix/go-vendor-hash.nix)"
{ git ls-files --cached --others --exclude-standard -- bindings/go 2>/dev/null ||
  find bindings/go -type f -not -path '*/vendor/*'; } | while IFS= read -r f; do
  mkdir -p "$tmp/go/$(dirname "$f")"; cp "$f" "$tmp/go/$f"
done
# As buildGoModule's goModules derivation does: `go mod vendor`, then the
# vendor folder (or an empty one) is the fixed output.
(cd "$tmp/go/bindings/go" && GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod vendor)
mkdir -p "$tmp/go/bindings/go/vendor"
got="$(nixx hash path --sri --type sha256 "$tmp/go/bindings/go/vendor")"
if [ "$got" != "$want" ]; then
  echo "check-offline: nix/go-vendor-hash.nix is stale: it says $want, go.sum gives $got" >&2
  exit 1
fi
echo "vendorHash $got matches bindings/go/go.sum"
echo "flake: offline checks passed (not built: see docs/building.md)"
