#!/usr/bin/env bash
# consumer-test.sh PREFIX
#
# The Node package as a user gets it, against the libclientcache that
# `make install PREFIX=PREFIX` put there (run by `make test-node-consumer`,
# under scripts/with-s3-server.sh, which sets CLIENTCACHE_TEST_S3_ENDPOINT):
#
#   1. `npm pack` this folder;
#   2. in a fresh project (`npm init -y`), installing the tarball with no
#      library in sight fails with the message naming pkg-config and
#      CLIENTCACHE_PREFIX;
#   3. `npm install @aws-sdk/client-s3@<the devDependency's version> <tarball>`
#      with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig: the addon builds against
#      the installed shared library, with a RUNPATH to PREFIX/lib;
#   4. test/consumer/app.cjs and app.mjs (CommonJS and ESM): client() and
#      ClientCache, `client('s3', …) instanceof S3Client`, an object to the
#      S3 test server and back;
#   5. `tsc --noEmit` (strict, module nodenext) on test/consumer/app.mts and
#      app.cts: named imports, client('s3', …) typed S3Client with no cast;
#   6. `npm install-scripts approve clientcache` where npm has it (npm 11:
#      install scripts of dependencies need an approval in package.json);
#   7. `npm rebuild clientcache` with CLIENTCACHE_LINK=static: no
#      libclientcache in the addon's needed libraries, app.cjs again.
#
# npm reuses its cache (--prefer-offline): the registry is asked only for
# what the cache lacks. The project lives in a temporary folder, removed at
# the end (with its package-lock.json).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/lib/pkgconfig/clientcache.pc" ]; then
  echo "usage: consumer-test.sh PREFIX   (PREFIX: from make install PREFIX=..., with lib/pkgconfig/clientcache.pc)" >&2
  exit 2
fi
prefix="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
: "${CLIENTCACHE_TEST_S3_ENDPOINT:?run under scripts/with-s3-server.sh (make test-node-consumer does)}"

# Only what a user has: no repository paths (the root Makefile exports these),
# no loader path; the library is found through pkg-config.
unset CLIENTCACHE_LIB_DIR CLIENTCACHE_INCLUDE_DIR CLIENTCACHE_PREFIX CLIENTCACHE_LINK LD_LIBRARY_PATH PKG_CONFIG_LIBDIR
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
npm_install=(npm install --prefer-offline --no-audit --no-fund --loglevel=error)

work="$(mktemp -d -t clientcache-consumer-XXXXXX)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS steps=0
# Each step's checks pass before the next step starts (set -e, fail).
step() { steps=$((steps + 1)); printf -- '-- [%3ss] %s\n' "$((SECONDS - start))" "$*"; }
fail() { echo "consumer-test: FAIL: $*" >&2; exit 1; }
# Runs an npm command with its output in a log: shows the addon build's own
# lines (clientcache: ...), and everything when the command fails.
logged() {
  local log="$work/npm.log"
  if ! "$@" >"$log" 2>&1; then cat "$log" >&2; fail "$*"; fi
  grep -E '^clientcache:' "$log" | sed 's/^/   | /' || true
}

dev_version() { node -p "require('$here/package.json').devDependencies['$1']"; }
sdk_version="$(dev_version @aws-sdk/client-s3)"
ts_version="$(dev_version typescript)"
types_node_version="$(dev_version @types/node)"

step "libclientcache $(pkg-config --modversion clientcache) in $prefix: pkg-config --cflags --libs clientcache = $(pkg-config --cflags --libs clientcache)"

step "npm pack (bindings/node)"
tarball="$work/$(cd "$here" && npm pack --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tarball" ] || fail "npm pack made no tarball"
contents="$(tar tzf "$tarball" | sed 's|^package/||' | sort)"
echo "$(basename "$tarball"): $(echo "$contents" | wc -l) files: $(echo "$contents" | tr '\n' ' ')"
for f in package.json index.js index.mjs index.d.ts index.d.mts binding.gyp scripts/build.js scripts/paths.js src/module.c lib/aws.js README.md LICENSE; do
  grep -qx "$f" <<<"$contents" || fail "the tarball lacks $f"
done
if grep -E '^(test|node_modules|build|bench|examples)/|^\.npmrc$' <<<"$contents"; then fail "the tarball holds files a user does not need"; fi

mkdir "$work/app"
cd "$work/app"
step "npm init -y (fresh project $work/app)"
npm init -y >/dev/null

step "npm install <tarball> with no library in sight fails, naming both ways to point at one"
if out="$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=/nonexistent "${npm_install[@]}" --no-save "$tarball" 2>&1)"; then
  fail "the install succeeded without a library"
fi
for want in 'libclientcache was not found' 'PKG_CONFIG_PATH=' 'CLIENTCACHE_PREFIX=' 'CLIENTCACHE_LIB_DIR='; do
  grep -qF -- "$want" <<<"$out" || { echo "$out" >&2; fail "the error does not say '$want'"; }
done
grep -F 'libclientcache was not found' -A 6 <<<"$out" | sed 's/^/   | /'
rm -rf node_modules package-lock.json

step "npm install @aws-sdk/client-s3@$sdk_version $(basename "$tarball")   (PKG_CONFIG_PATH=$PKG_CONFIG_PATH)"
logged "${npm_install[@]}" --foreground-scripts "@aws-sdk/client-s3@$sdk_version" "$tarball"
addon=node_modules/clientcache/build/Release/clientcache.node
[ -f "$addon" ] || fail "the addon was not built ($addon)"
[ ! -e node_modules/clientcache/node_modules/@aws-sdk ] || fail "clientcache got its own copy of @aws-sdk"
dynamic="$(readelf -d "$addon")"
needed="$(grep -o 'Shared library: \[libclientcache[^]]*\]' <<<"$dynamic" | sed 's/.*\[\(.*\)\]/\1/')" \
  || fail "the addon does not need libclientcache (shared link expected)"
runpath="$(grep -o 'Library runpath: \[[^]]*\]' <<<"$dynamic" | sed 's/.*\[\(.*\)\]/\1/')" || true
[ "$runpath" = "$prefix/lib" ] || fail "RUNPATH is '$runpath', not $prefix/lib"
step "addon linked to the installed shared library: NEEDED $needed, RUNPATH $runpath"

# npm 11 runs a dependency's install script with a notice until the project
# approves it (package.json "allowScripts"); record the approval as a user
# would, so that the rebuild below passes even with --strict-allow-scripts.
strict=()
if npm install-scripts --help >/dev/null 2>&1; then
  step "npm install-scripts approve clientcache (the install script builds the addon)"
  logged npm install-scripts approve clientcache
  node -e "const a = require('./package.json').allowScripts || {}; if (!Object.keys(a).some((k) => k.includes('clientcache'))) process.exit(1)" \
    || fail "no allowScripts entry for clientcache"
  strict=(--strict-allow-scripts)
fi

step "node app.cjs (CommonJS)"
cp "$here/test/consumer/app.cjs" "$here/test/consumer/app.mjs" "$here/test/consumer/app.mts" \
   "$here/test/consumer/app.cts" "$here/test/consumer/tsconfig.json" .
node app.cjs

step "node app.mjs (ESM)"
node app.mjs

step "npm install --save-dev typescript@$ts_version @types/node@$types_node_version, then tsc --noEmit (strict, module nodenext) on app.mts and app.cts"
logged "${npm_install[@]}" --save-dev "typescript@$ts_version" "@types/node@$types_node_version"
npx --no-install tsc -p tsconfig.json
echo "tsc: ok (client('s3', …) is an S3Client in ESM and CommonJS TypeScript)"

step "CLIENTCACHE_LINK=static npm rebuild clientcache (the documented static option)"
logged env CLIENTCACHE_LINK=static npm rebuild clientcache "${strict[@]}" --foreground-scripts --loglevel=error
dynamic="$(readelf -d "$addon")"
if grep -q 'libclientcache' <<<"$dynamic"; then fail "the static build still needs libclientcache"; fi
if grep -q 'runpath\|rpath' <<<"$dynamic"; then fail "the static build has an rpath"; fi
node app.cjs

step "ok: the packed package installs, builds against the installed library, and works from CommonJS, ESM and TypeScript"
# The summary line scripts/run-suites.sh counts (as for the C suite).
echo "$((steps - 1)) passed, 0 failed"
