#!/usr/bin/env bash
# check.sh — `make test-nix`: evaluates flake.nix and runs its builds, on a
# machine with Debian's nix-bin (2.8) and no way to fetch nixpkgs. nixpkgs is
# replaced (--override-input) by the offline stand-in nix/offline/nixpkgs-stub,
# whose stdenv and Rust builders run the flake's own phases on the host's
# toolchains, with Nix's sandbox off and no build users. One line per step;
# each step's full output is in build/nix/<step>.log.
#
#  1. a snapshot of the working tree (see snapshot() below) is the flake;
#  2. every crate of rust/Cargo.lock is in ~/.cargo/registry (cargo fetch,
#     which downloads only when one is missing): the stand-in's
#     importCargoLock copies them from there;
#  3. every .nix file parses;
#  4. `nix flake check --no-build`: every output of both systems evaluates and
#     instantiates;
#  5. the outputs are the expected ones (names, version, the source filter
#     drops build output);
#  6. nix/go-vendor-hash.nix: bindings/go has nothing to vendor, and the
#     awscache module's hash is that of its Go download cache (proxyVendor);
#  7. one `nix build` of the flake's default package (libclientcache: every
#     crate checked against Cargo.lock's checksum, cargo build, cargo test,
#     install and the flake's postInstall), checks.header and checks.c;
#  8. the output holds lib/libclientcache.so.<version> (SONAME
#     libclientcache.so.<major>, and the two links), lib/libclientcache.a,
#     include/clientcache.h, lib/pkgconfig/clientcache.pc, as `make install`
#     lays them out, without debug information;
#  9. the installed header equals include/clientcache.h (checks.header, the
#     same comparison inside Nix, passed too);
# 10. clientcache.pc has the expected fields, and a small C program compiles
#     and links against the output through it (shared and static) and runs;
# 11. checks.c ran: the C suite built through pkg-config, run plain and under
#     valgrind.
#
# What this does and does not prove: docs/building.md, "Nix". Runs as root
# against the local /nix/store (no daemon).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
system=x86_64-linux
logs="$root/build/nix"
mkdir -p "$logs"
nixx() {
  nix --extra-experimental-features 'nix-command flakes' \
    --option sandbox false --option build-users-group '' --option substituters '' "$@"
}
tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
snap="$tmp/src"
flake="path:$snap"
over=(--no-write-lock-file --override-input nixpkgs "path:$snap/nix/offline/nixpkgs-stub")

n=0 total=11 start=$SECONDS
# step NAME DESCRIPTION FUNCTION: runs FUNCTION (in a subshell, with `set -e`
# in force) with its output in build/nix/NAME.log and prints one line, with
# the last line FUNCTION wrote to fd 3; on failure shows the log's end and
# stops.
step() {
  local name="$1" what="$2" t0=$SECONDS status note
  shift 2
  n=$((n + 1))
  : >"$tmp/note"
  set +e
  (set -e; "$@") >"$logs/$name.log" 2>&1 3>"$tmp/note"
  status=$?
  set -e
  note="$(tail -n 1 "$tmp/note")"
  if [ "$status" -ne 0 ]; then
    printf 'nix %2d/%d %-11s FAILED after %ds: %s\n' "$n" "$total" "$name" $((SECONDS - t0)) "$what" >&2
    tail -n 30 "$logs/$name.log" | sed 's/^/    /' >&2
    echo "    (full output: $logs/$name.log)" >&2
    exit 1
  fi
  printf 'nix %2d/%d %-11s ok %4ds  %s%s\n' "$n" "$total" "$name" $((SECONDS - t0)) "$what" "${note:+: $note}"
}

# The flake is evaluated from a snapshot of the working tree: every tracked
# file and every new file git does not ignore, as `git add -A` would make them
# visible to Nix. A git flake would see tracked files only, so another
# person's new, not yet added source file would break the build; and the
# snapshot keeps all steps on the same sources while others edit the tree.
snapshot() {
  mkdir -p "$snap"
  git ls-files -z --cached --others --exclude-standard |
    tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$snap"
  echo "$(find "$snap" -type f | wc -l) files, $(du -sh "$snap" | cut -f1)" >&3
  # Build output the flake's source filter must leave out (checked in step 5).
  mkdir -p "$snap/rust/target" "$snap/build" "$snap/bazel-probe" "$snap/bindings/node/node_modules"
  touch "$snap/rust/target/probe" "$snap/build/probe" "$snap/bazel-probe/probe" \
    "$snap/bindings/node/node_modules/probe" "$snap/result-probe"
}

crates() {
  # All platforms' crates (importCargoLock vendors the whole lock file), not
  # only those a build on this machine downloads.
  if (cd "$snap/rust" && cargo fetch --locked --offline); then
    echo "all in ~/.cargo/registry already" >&3
  else
    (cd "$snap/rust" && cargo fetch --locked)
    echo "fetched the missing ones into ~/.cargo/registry" >&3
  fi
}

parse() {
  local count=0 f
  while IFS= read -r f; do
    nix-instantiate --parse "$snap/$f" >/dev/null
    count=$((count + 1))
  done < <(cd "$snap" && find . -name '*.nix' | sort)
  echo "$count files" >&3
}

flake_check() {
  nixx flake check --no-build "${over[@]}" "$flake"
}

outputs() {
  local version
  version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$snap/rust/Cargo.toml" | head -n1)"
  FLAKE="$flake" STUB="$snap/nix/offline/nixpkgs-stub" VERSION="$version" python3 - <<'PY'
import json, os, subprocess, sys

def ev(attr, fn):
    cmd = ["nix", "--extra-experimental-features", "nix-command flakes", "eval", "--json",
           "--no-write-lock-file", "--override-input", "nixpkgs", "path:" + os.environ["STUB"],
           os.environ["FLAKE"] + "#" + attr, "--apply", fn]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"nix eval {attr} failed:\n{r.stderr}")
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
    "srcRust": ev(f"packages.{sys_}.default", "p: builtins.attrNames (builtins.readDir (p.stubArgs.src + \"/rust\"))"),
    "srcNode": ev(f"packages.{sys_}.default", "p: builtins.attrNames (builtins.readDir (p.stubArgs.src + \"/bindings/node\"))"),
}
print(json.dumps(s, indent=1))
want = {
    "systems": ["aarch64-linux", "x86_64-linux"],
    "packages": ["clientcache-go", "clientcache-go-awscache", "clientcache-node", "default", "libclientcache"],
    "checks": ["c", "clientcache-go", "clientcache-go-awscache", "clientcache-node", "header", "libclientcache", "rust"],
    "devShells": ["default"],
}
bad = [f"{k}: {s[k]} != {v}" for k, v in want.items() if s[k] != v]
if s["libName"] != "libclientcache-" + os.environ["VERSION"]:
    bad.append(f"libName {s['libName']} does not carry rust/Cargo.toml's version {os.environ['VERSION']}")
tools = {t.removeprefix("host-") for t in s["shellTools"]}
for tool in ["cargo", "rustc", "cbindgen", "go", "nodejs", "bazel_7", "valgrind", "pkg-config", "patchelf", "gnumake"]:
    if tool not in tools:
        bad.append(f"dev shell lacks {tool}")
top = set(s["srcTop"])
for keep in ["rust", "include", "bindings", "tests", "scripts", "Makefile", "flake.nix", "clientcache.pc.in"]:
    if keep not in top:
        bad.append(f"flake source lacks {keep}")
for drop in [n for n in top if n.startswith(("bazel-", "result")) or n in (".git", "build", ".tmp")]:
    bad.append(f"flake source keeps build output {drop}")
if "target" in s["srcRust"]:
    bad.append("flake source keeps rust/target")
if "node_modules" in s["srcNode"]:
    bad.append("flake source keeps bindings/node/node_modules")
if bad:
    sys.exit("unexpected flake outputs:\n  " + "\n  ".join(bad))
print("outputs as expected")
PY
  echo "packages, checks, dev shell, version $version, source without build output" >&3
}

vendor_hash() {
  local core awscache got mod_cache
  core="$(nixx eval --raw -f "$snap/nix/go-vendor-hash.nix" core 2>/dev/null || echo null)"
  awscache="$(nixx eval --raw -f "$snap/nix/go-vendor-hash.nix" awscache)"
  mkdir -p "$tmp/go/bindings"
  cp -r "$snap/bindings/go" "$tmp/go/bindings/"
  export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
  # bindings/go (vendorHash = null): `go mod vendor` must find nothing to
  # vendor, as buildGoModule requires of a module without a hash.
  (cd "$tmp/go/bindings/go" && go mod vendor)
  if [ -d "$tmp/go/bindings/go/vendor" ] && [ -n "$(ls -A "$tmp/go/bindings/go/vendor")" ]; then
    got="$(nixx hash path --sri --type sha256 "$tmp/go/bindings/go/vendor")"
    echo "nix/go-vendor-hash.nix: core is $core, but bindings/go now has dependencies: $got"
    return 1
  fi
  [ "$core" = null ] || { echo "nix/go-vendor-hash.nix: core should be null (nothing to vendor)"; return 1; }
  # bindings/go/awscache (proxyVendor): as buildGoModule's goModules does,
  # `go mod download` into an empty module cache, whose cache/download
  # folder (without sumdb/) is the fixed output. Modules come from this
  # machine's Go module cache (filled by `make test-go`), not the network.
  mod_cache="$(go env GOMODCACHE)"
  (cd "$tmp/go/bindings/go/awscache" &&
    GOMODCACHE="$tmp/gomod" GOPROXY="file://$mod_cache/cache/download" GOSUMDB=off go mod download) || {
    echo "missing Go modules: run 'cd bindings/go/awscache && go mod download' (make test-go does)"
    return 1
  }
  rm -rf "$tmp/gomod/cache/download/sumdb"
  got="$(nixx hash path --sri --type sha256 "$tmp/gomod/cache/download")"
  if [ "$got" != "$awscache" ]; then
    echo "nix/go-vendor-hash.nix is stale: awscache is $awscache, bindings/go/awscache/go.sum gives $got"
    return 1
  fi
  echo "core: nothing to vendor; awscache: $got" >&3
}

build() {
  # One `nix build`, so the three derivations come from one evaluation of
  # the snapshot: the flake's default package (as plain `nix build` builds
  # it), checks.header and checks.c. -L puts every build log here; --json
  # prints the outputs (stdout, kept apart from the log).
  nixx build "${over[@]}" -L --max-jobs 2 --cores 2 --no-link --json \
    "$flake" "$flake#checks.$system.header" "$flake#checks.$system.c" >"$tmp/built.json"
  cat "$tmp/built.json"
  # Stable names, registered as GC roots, for what was built (the order of
  # the JSON list is not the order of the arguments).
  local path
  for path in $(python3 -c 'import json, sys; print(*[b["outputs"]["out"] for b in json.load(open(sys.argv[1]))])' "$tmp/built.json"); do
    case "$path" in
      *-libclientcache-*) link=result ;;
      *-clientcache-header-fresh) link=result-header ;;
      *-clientcache-c-suite-*) link=result-c ;;
      *) echo "unexpected output $path"; return 1 ;;
    esac
    rm -f "$logs/$link"
    nix-store --realise "$path" --add-root "$logs/$link" --indirect >/dev/null
  done
  readlink "$logs/result" >&3
}

files() {
  local out version major soname f missing=0 nsym
  out="$(readlink -f "$logs/result")"
  version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$snap/rust/Cargo.toml" | head -n1)"
  major="${version%%.*}"
  ls -lR "$out"
  for f in "lib/libclientcache.so.$version" lib/libclientcache.a include/clientcache.h lib/pkgconfig/clientcache.pc; do
    if [ -f "$out/$f" ] && [ ! -L "$out/$f" ]; then echo "ok: $f"; else echo "missing: $out/$f"; missing=1; fi
  done
  [ "$missing" = 0 ]
  # The shared library as `make install` lays it out (mk/rust.mk).
  [ "$(readlink "$out/lib/libclientcache.so")" = "libclientcache.so.$major" ]
  [ "$(readlink "$out/lib/libclientcache.so.$major")" = "libclientcache.so.$version" ]
  soname="$(readelf -d "$out/lib/libclientcache.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
  [ "$soname" = "libclientcache.so.$major" ] || { echo "SONAME is '$soname', want libclientcache.so.$major"; return 1; }
  echo "ok: links libclientcache.so -> .so.$major -> .so.$version, SONAME $soname"
  # No debug information left (the fixup phase strips, as make install does).
  for f in "lib/libclientcache.so.$version" lib/libclientcache.a; do
    if readelf -S "$out/$f" 2>/dev/null | grep -q '\.debug_info'; then echo "$f keeps debug information"; return 1; fi
  done
  echo "ok: no .debug_info"
  nsym="$(nm -D --defined-only "$out/lib/libclientcache.so" | grep -c ' T clientcache_')"
  echo "ok: $nsym clientcache_* functions exported"
  echo ".so.$version (SONAME $soname, links), .a, header, .pc; no debug info; $nsym functions exported" >&3
}

header() {
  local out
  out="$(readlink -f "$logs/result")"
  diff -u "$snap/include/clientcache.h" "$out/include/clientcache.h"
  [ -d "$logs/result-header" ] # checks.header: the same comparison, inside Nix
  echo "equals include/clientcache.h; checks.header passed" >&3
}

pc() {
  local out version pcf
  out="$(readlink -f "$logs/result")"
  pcf="$out/lib/pkgconfig/clientcache.pc"
  local bad=0
  version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$snap/rust/Cargo.toml" | head -n1)"
  cat "$pcf"
  export PKG_CONFIG_PATH="$out/lib/pkgconfig"
  expect() { # expect WHAT GOT WANT (pkg-config ends its lines with a space)
    set -- "$1" "${2%" "}" "$3"
    if [ "$2" = "$3" ]; then echo "ok: $1 = $2"; else echo "FAIL: $1 is '$2', want '$3'"; bad=1; fi
  }
  expect prefix "$(pkg-config --variable=prefix clientcache)" "$out"
  expect Version "$(pkg-config --modversion clientcache)" "$version"
  expect Cflags "$(pkg-config --cflags clientcache)" "-I$out/include"
  expect Libs "$(pkg-config --libs clientcache)" "-L$out/lib -lclientcache"
  expect "Libs --static" "$(pkg-config --static --libs clientcache)" "-L$out/lib -lclientcache -lpthread -ldl -lm"
  [ "$bad" = 0 ]

  cat >"$tmp/hello.c" <<'C'
/* Links against the built libclientcache: version, a key, a cache. */
#include <clientcache.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  struct clientcache_key *key = NULL;
  struct clientcache_cache *cache = NULL;
  if (strcmp(clientcache_version(), WANT_VERSION) != 0) {
    fprintf(stderr, "version %s, want %s\n", clientcache_version(), WANT_VERSION);
    return 1;
  }
  if (clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, NULL, 0, &key) != CLIENTCACHE_STATUS_OK ||
      clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 4, NULL, NULL, &cache) !=
          CLIENTCACHE_STATUS_OK ||
      clientcache_cache_len(cache) != 0) {
    fprintf(stderr, "clientcache calls failed\n");
    return 1;
  }
  clientcache_cache_free(cache);
  clientcache_key_free(key);
  printf("libclientcache %s: key and cache created\n", clientcache_version());
  return 0;
}
C
  # Shared: found at run time through the output's lib folder (rpath).
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror -DWANT_VERSION="\"$version\"" "$tmp/hello.c" -o "$tmp/hello" \
    $(pkg-config --cflags --libs clientcache) -Wl,-rpath,"$out/lib"
  ldd "$tmp/hello" | grep -F "libclientcache.so.${version%%.*} => $out/lib/libclientcache.so.${version%%.*}"
  "$tmp/hello"
  # Static: the .a plus pkg-config's Libs.private.
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror -DWANT_VERSION="\"$version\"" "$tmp/hello.c" -o "$tmp/hello-static" \
    $(pkg-config --cflags clientcache) "$out/lib/libclientcache.a" $(pkg-config --static --libs-only-l clientcache | sed 's/-lclientcache//')
  if ldd "$tmp/hello-static" | grep -q libclientcache; then echo "static program loads libclientcache.so"; return 1; fi
  "$tmp/hello-static"
  echo "prefix, Version $version, Cflags, Libs; a C program links (shared, static) and runs" >&3
}

c_suite() {
  [ -d "$logs/result-c" ] # checks.c built, i.e. passed
  grep '^clientcache-c-suite> ' "$logs/build.log" | tee /dev/stderr | grep -q . || {
    echo "checks.c: no output in build.log (already built before: Nix did not run it again)" >&3
    return 0
  }
  local runs clean
  runs="$(grep -c '^clientcache-c-suite> [0-9]* passed, 0 failed' "$logs/build.log" || true)"
  clean="$(grep -c '^clientcache-c-suite> ==[0-9]*== ERROR SUMMARY: 0 errors' "$logs/build.log" || true)"
  echo "$runs run(s) with 0 failures, $clean under valgrind with 0 errors" >&3
}

echo "nix: $(nix --version), nixpkgs = offline stand-in (nix/offline/nixpkgs-stub), sandbox off; logs in ${logs#"$root"/}/"
step snapshot "the working tree, with files not yet added to git" snapshot
step crates "the crates of rust/Cargo.lock are in cargo's cache" crates
step parse "every .nix file parses" parse
step flake-check "nix flake check --no-build: all outputs of both systems evaluate" flake_check
step outputs "the flake's outputs are the expected ones" outputs
step go-vendor "nix/go-vendor-hash.nix matches the Go modules" vendor_hash
step build "nix build: libclientcache, checks.header, checks.c built by the flake's derivations" build
step files "the output's files" files
step header "the installed header" header
step pc "clientcache.pc and a C program against the output" pc
step c-suite "checks.c: the C suite through pkg-config, plain and under valgrind" c_suite
echo "nix: all $total steps passed in $((SECONDS - start))s (nixpkgs' own toolchains, its sandbox and flake.lock are not covered: see docs/building.md)"
