#!/usr/bin/env bash
# consumer-test.sh PREFIX — the Go binding used the way another module uses
# it (bindings/go/README.md, "Using the binding from another module"): in a
# fresh temporary folder, a new Go module that requires the binding and
# awscache through `replace` directives pointing at this checkout, built
# against the library INSTALLED in PREFIX (`make install PREFIX=...`)
# through pkg-config, the default link mode. It caches an S3 client against
# the local S3 test server and round-trips an object, and checks with
# readelf that the program has no RUNPATH/RPATH into the source tree; then
# the same with -tags clientcache_static (no libclientcache.so needed at
# run time). Run under scripts/with-s3-server.sh (`make test-go-consumer`).
set -euo pipefail
prefix="${1:?usage: consumer-test.sh PREFIX (a make install prefix)}"
prefix="$(cd "$prefix" && pwd)"
root="$(cd "$(dirname "$0")/../.." && pwd)"
: "${CLIENTCACHE_TEST_S3_ENDPOINT:?run under scripts/with-s3-server.sh}"
step() { printf 'consumer/go: %s\n' "$*"; }

[ -f "$prefix/lib/pkgconfig/clientcache.pc" ] || { echo "consumer/go: no $prefix/lib/pkgconfig/clientcache.pc (run make install PREFIX=$prefix)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export GOFLAGS=-mod=mod
unset CGO_CFLAGS CGO_LDFLAGS LD_LIBRARY_PATH

step "pkg-config --cflags --libs clientcache: $(pkg-config --cflags --libs clientcache)"
step "new module example.com/consumer in $work"
cd "$work"
go mod init example.com/consumer >/dev/null 2>&1
cat >>go.mod <<MOD

require (
	github.com/clientcache/clientcache/bindings/go v0.0.0-00010101000000-000000000000
	github.com/clientcache/clientcache/bindings/go/awscache v0.0.0-00010101000000-000000000000
)

replace (
	github.com/clientcache/clientcache/bindings/go => $root/bindings/go
	github.com/clientcache/clientcache/bindings/go/awscache => $root/bindings/go/awscache
)
MOD
cat >main.go <<'GO'
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

func main() {
	ctx := context.Background()
	endpoint := os.Getenv("CLIENTCACHE_TEST_S3_ENDPOINT")
	sess, err := awscache.NewSession(awscache.WithTTL(time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	opts := []awscache.Option{awscache.WithEndpoint(endpoint), awscache.WithRegion("us-east-1"),
		awscache.WithStaticCredentials("testing", "testing", ""), awscache.WithPathStyle()}
	c, err := awscache.S3(ctx, sess, opts...)
	if err != nil {
		log.Fatal(err)
	}
	again, err := awscache.S3(ctx, sess, opts...)
	if err != nil || again != c {
		log.Fatalf("second lookup: a different client (%v)", err)
	}
	bucket := fmt.Sprintf("consumer-go-%d", time.Now().UnixNano())
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		log.Fatal(err)
	}
	body := []byte("hello from a Go module outside the checkout")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader(body)}); err != nil {
		log.Fatal(err)
	}
	out, err := again.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil {
		log.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) {
		log.Fatalf("round trip: %q", got)
	}
	st, _ := sess.Cache(clientcache.LRU).Stats()
	fmt.Printf("libclientcache %s: S3 round trip ok through one cached client (%d build, %d hit)\n",
		clientcache.Version(), st.Insertions, st.Hits)
}
GO
step "go mod tidy (the module's requirements; the binding comes from the replace directives)"
cp "$root/bindings/go/awscache/go.sum" go.sum
go mod tidy

check_paths() {
  local bin="$1" dyn
  dyn="$(readelf -d "$bin")"
  step "readelf -d $(basename "$bin"): $(printf '%s\n' "$dyn" | grep -E 'NEEDED|RPATH|RUNPATH' | sed -E 's/.*\((NEEDED|RPATH|RUNPATH)\)[^:]*: /\1 /' | tr '\n' ' ')"
  if grep -E 'RPATH|RUNPATH' <<<"$dyn" | grep -F "$root" >/dev/null; then
    echo "consumer/go: FAIL: $bin has a RUNPATH/RPATH into the source tree ($root)" >&2
    exit 1
  fi
}

step "go build (default: pkg-config, the installed library), rpath to the prefix only"
CGO_LDFLAGS="-Wl,-rpath,$prefix/lib" go build -o app .
check_paths app
deps="$(ldd ./app)"
if ! grep -q "libclientcache.so.* => $prefix/lib/" <<<"$deps"; then
  echo "consumer/go: FAIL: app does not load libclientcache from $prefix/lib:" >&2
  printf '%s\n' "$deps" >&2
  exit 1
fi
step "ldd: $(grep libclientcache <<<"$deps" | sed 's/^[[:space:]]*//')"
step "run app against $CLIENTCACHE_TEST_S3_ENDPOINT"
./app

step "go build -tags clientcache_static (libclientcache.a and its Libs.private)"
go build -tags clientcache_static -o app-static .
check_paths app-static
if grep -q 'NEEDED.*libclientcache' <<<"$(readelf -d app-static)"; then
  echo "consumer/go: FAIL: app-static still needs libclientcache.so" >&2
  exit 1
fi
step "run app-static"
./app-static
step "ok"
