#!/usr/bin/env bash
# c.sh PREFIX — a C program of a user's own, in a temporary folder, against
# libclientcache installed into PREFIX (by `make install PREFIX=...`), built
# the way the README says; then, when run as root, the same against an
# install into /usr/local, where it must run with no environment variable.
set -euo pipefail
prefix=$1
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { printf 'consumer/c: %s\n' "$*"; }

cat >"$work/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <clientcache.h>

int main(void) {
    clientcache_key *key = NULL;
    clientcache_cache *cache = NULL;
    clientcache_lease *lease = NULL;
    const char *params = "{\"region_name\":\"us-west-2\"}";
    static int client = 42; /* stands in for an SDK client */
    char fp[33];
    int ok = clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, params, strlen(params), &key) == 0 &&
             clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 10, NULL, NULL, &cache) == 0 &&
             clientcache_cache_insert(cache, key, &client) == 0 &&
             clientcache_cache_get(cache, key, &lease) == 0 &&
             *(int *)clientcache_lease_value(lease) == 42 &&
             clientcache_key_fingerprint(key, fp) == 0;
    char version[32];
    snprintf(version, sizeof version, "%d.%d.%d", CLIENTCACHE_VERSION_MAJOR, CLIENTCACHE_VERSION_MINOR,
             CLIENTCACHE_VERSION_PATCH);
    ok = ok && strcmp(version, clientcache_version()) == 0;
    printf("libclientcache %s, fingerprint %s: %s\n", clientcache_version(), ok ? fp : "-", ok ? "ok" : "FAILED");
    clientcache_lease_free(lease);
    clientcache_cache_free(cache);
    clientcache_key_free(key);
    return ok ? 0 : 1;
}
C

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
step "pkg-config --cflags --libs clientcache: $(pkg-config --cflags --libs clientcache)"
libdir="$(pkg-config --variable=libdir clientcache)"
step "installed: $(cd "$libdir" && ls libclientcache.* | tr '\n' ' ')"
step "SONAME: $(readelf -d "$libdir/libclientcache.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"

step "cc main.c \$(pkg-config --cflags --libs clientcache) -Wl,-rpath,\$(pkg-config --variable=libdir clientcache)"
cc -std=c11 -Wall -Werror -o "$work/main" "$work/main.c" $(pkg-config --cflags --libs clientcache) -Wl,-rpath,"$libdir"
readelf -d "$work/main" | grep -q 'NEEDED.*\[libclientcache.so.0\]' || { echo "consumer/c: the program does not need libclientcache.so.0" >&2; exit 1; }
if readelf -d "$work/main" | grep -E 'R(UN)?PATH' | grep -q "$root"; then
  echo "consumer/c: the program has a run-time path into the source tree" >&2; exit 1
fi
out="$(env -u LD_LIBRARY_PATH "$work/main")"
step "run with no environment variable: $out"

step "static: cc main.c \$(pkg-config --cflags clientcache) -Wl,-Bstatic -lclientcache -Wl,-Bdynamic \$(pkg-config --static --libs-only-l clientcache)"
cc -std=c11 -Wall -Werror -o "$work/main-static" "$work/main.c" $(pkg-config --cflags clientcache) \
  -L"$libdir" -Wl,-Bstatic -lclientcache -Wl,-Bdynamic $(pkg-config --static --libs-only-l clientcache | sed 's/-lclientcache//')
! ldd "$work/main-static" | grep -q libclientcache
out="$("$work/main-static")"
step "run the static program: $out"

if [ "$(id -u)" = 0 ] && [ -w /usr/local/lib ] && [ ! -e /usr/local/lib/libclientcache.so ]; then
  step "make install PREFIX=/usr/local (a standard prefix: ldconfig runs)"
  make --no-print-directory -s -C "$root" install PREFIX=/usr/local >/dev/null
  trap 'make --no-print-directory -s -C "$root" uninstall PREFIX=/usr/local >/dev/null; rm -rf "$work"' EXIT
  cc -std=c11 -Wall -Werror -o "$work/main-std" "$work/main.c" $(PKG_CONFIG_PATH= pkg-config --cflags --libs clientcache)
  out="$(env -u LD_LIBRARY_PATH "$work/main-std")"
  step "cc main.c \$(pkg-config --cflags --libs clientcache); run with no environment variable: $out"
  step "make uninstall PREFIX=/usr/local"
else
  step "skipped the /usr/local install (not root, or a libclientcache is already there)"
fi
step "ok"
