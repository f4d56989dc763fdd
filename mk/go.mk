# Go: the cgo binding in bindings/go (package clientcache + awscache over
# aws-sdk-go-v2).
#
#   make test-go   go vet, then `go test -race ./...` under the local S3 test
#                  server (moto) with CLIENTCACHE_REQUIRE_S3=1 (a missing
#                  endpoint fails instead of skipping), then each fuzz target
#                  for GO_FUZZTIME executions (one `go test -fuzz` per
#                  target), then the
#                  pkg-config build: `make install` into a temporary prefix
#                  and the Example functions built with
#                  -tags clientcache_pkgconfig
#   make test-go-fuzz  only the bounded fuzzing (GO_FUZZTIME=250000x each)
#   make bench-go  cmd/clientcache-bench: get-hit vs hashicorp/golang-lru,
#                  the GetOrCreate and GetOrCreateContext hits vs the Get hit
#                  (interleaved rounds, median ratios), and the cached S3
#                  client vs building one per call, with ratios
#   make demo-go   cmd/clientcache-demo, the Go section of `make demo`
#
# By default cgo links rust/target/release/libclientcache.so (with an rpath),
# so every target depends on `lib`. On a fresh Debian machine
# scripts/ensure.sh installs Go, a C compiler, pkg-config and moto (and says
# so); the Go modules come from the Go module proxy (`go mod download`).

GO          ?= go
GO_DIR      := $(ROOT)/bindings/go
GO_TEST_ENV := CLIENTCACHE_REQUIRE_S3=1 CLIENTCACHE_REQUIRE_VECTORS=1
# Fuzz targets of package clientcache, each fuzzed on its own for GO_FUZZTIME
# (go test accepts one -fuzz target per run). The budget is a count of
# executions (about 15 s each here), not a duration: Go 1.26's fuzz
# coordinator can fail a duration-bounded run with a bare "context deadline
# exceeded" at the deadline, having found nothing (fixed in Go 1.27). For
# the same reason minimizing a new input is capped by count (by default it
# takes up to 60 s and pauses the workers). A failing input is written to
# bindings/go/testdata/fuzz/<target>/ and replays in every later go test.
GO_FUZZ_TARGETS := FuzzNewClientKey FuzzNewClientKeyJSON
GO_FUZZTIME     ?= 250000x

.PHONY: test-go test-go-fuzz test-go-pkgconfig bench-go demo-go go-deps

go-deps:
	@$(ENSURE) go cc
	@echo "go: downloading the Go modules of bindings/go (go mod download)" >&2
	cd $(GO_DIR) && $(GO) mod download

test-go: lib go-deps
	@$(ENSURE) moto
	@echo "== go vet"
	cd $(GO_DIR) && $(GO) vet ./...
	@echo "== go test -race ./... (against a local moto S3 server)"
	cd $(GO_DIR) && $(GO_TEST_ENV) $(WITH_S3) $(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory test-go-fuzz
	@$(MAKE) --no-print-directory test-go-pkgconfig

test-go-fuzz: lib go-deps
	@for target in $(GO_FUZZ_TARGETS); do \
	  echo "== go test -run='^$$' -fuzz='^'$$target'$$' -fuzztime=$(GO_FUZZTIME) -fuzzminimizetime=500x -parallel=2 .   (in bindings/go)"; \
	  (cd $(GO_DIR) && CLIENTCACHE_REQUIRE_VECTORS=1 $(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(GO_FUZZTIME) -fuzzminimizetime=500x -parallel=2 .) || exit 1; \
	done

# The documented way to link an installed library: pkg-config + build tag.
# The go build cache does not key cgo packages on what pkg-config prints
# (only on the CGO_* variables), so a cached build would keep linking with an
# old -L path: the prefix is a fixed folder, and it also goes into
# CGO_LDFLAGS so that the cache entry is tied to it.
GO_PKGCONFIG_PREFIX := $(ROOT)/build/go-pkgconfig-prefix

test-go-pkgconfig: lib go-deps
	@$(ENSURE) pkg-config
	@echo "== go test -tags clientcache_pkgconfig (library from make install + pkg-config)"
	@rm -rf $(GO_PKGCONFIG_PREFIX)
	@$(MAKE) --no-print-directory -C $(ROOT) install PREFIX=$(GO_PKGCONFIG_PREFIX) >/dev/null
	cd $(GO_DIR) && PKG_CONFIG_PATH=$(GO_PKGCONFIG_PREFIX)/lib/pkgconfig LD_LIBRARY_PATH=$(GO_PKGCONFIG_PREFIX)/lib \
	  CGO_LDFLAGS="-O2 -g -L$(GO_PKGCONFIG_PREFIX)/lib" \
	  $(GO) test -tags clientcache_pkgconfig -count=1 -v -run 'Example|TestVectors$$' . | grep -E '^(--- |ok|FAIL|PASS)' | grep -v -- '--- PASS: TestVectors/'

bench-go: lib go-deps
	cd $(GO_DIR) && $(GO) run ./cmd/clientcache-bench

demo-go: lib go-deps
	@cd $(GO_DIR) && $(GO) run ./cmd/clientcache-demo

TEST_SUITES_ALL += test-go
BENCH_ALL += bench-go
