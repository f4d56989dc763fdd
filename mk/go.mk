# Go: the cgo binding in bindings/go, three modules: the core binding
# (package clientcache, standard library only), bindings/go/awscache
# (aws-sdk-go-v2) and bindings/go/cmd (the benchmark and the demo, with
# hashicorp/golang-lru for the comparison). The last two use the core from
# the checkout through replace directives.
#
#   make test-go   go vet, then `go test -race ./...` in each module under
#                  the local S3 test server (moto) with CLIENTCACHE_REQUIRE_S3=1
#                  (a missing endpoint fails instead of skipping), then each
#                  fuzz target for GO_FUZZTIME executions (one `go test
#                  -fuzz` per target), then the pkg-config build: `make
#                  install` into a temporary prefix, the Example functions
#                  built the default way (pkg-config) and with
#                  -tags clientcache_static
#   make test-go-fuzz  only the bounded fuzzing (GO_FUZZTIME=250000x each)
#   make test-go-consumer  bindings/go/consumer-test.sh: `make install` into a
#                  temporary prefix, then a fresh Go module outside the
#                  checkout (replace directives to it) built against the
#                  installed library through pkg-config (and statically),
#                  caching an S3 client against moto; readelf checks that
#                  no RUNPATH points into the source tree
#   make bench-go  cmd/clientcache-bench: every benchmark interleaved in
#                  41 rounds of 20 ms; medians with their min–max spread and
#                  met / not met: Get hit ≤ 2.0× hashicorp/golang-lru (an
#                  empty cgo call beside it), GetOrCreateContext hit ≤ 1.2×
#                  Get hit, awscache.S3 with WithRegion(r) built per call
#                  ≤ 300 ns, building the client per call ≥ 100× the
#                  cached lookup (bindings/go/README.md, "Performance")
#   make demo-go   cmd/clientcache-demo, the Go section of `make demo`
#
# Inside the repository every target builds with -tags clientcache_inrepo
# (GO_TAGS), which links rust/target/release/libclientcache.so with an
# rpath to that folder, so every target depends on `lib`. Without the tag
# (what a user gets) the binding links an installed library through
# pkg-config (bindings/go/link_*.go). On a fresh Debian machine
# scripts/ensure.sh installs Go, a C compiler, pkg-config and moto (and says
# so); the Go modules come from the Go module proxy (`go mod download`).

GO          ?= go
GO_DIR      := $(ROOT)/bindings/go
# The modules, as folders of GO_DIR.
GO_MODULES  := . awscache cmd
GO_TAGS     := -tags clientcache_inrepo
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

.PHONY: test-go test-go-fuzz test-go-pkgconfig test-go-consumer bench-go demo-go go-deps

go-deps:
	@$(ENSURE) go cc
	@echo "go: downloading the Go modules of bindings/go/awscache and bindings/go/cmd (go mod download)" >&2
	cd $(GO_DIR)/awscache && $(GO) mod download
	cd $(GO_DIR)/cmd && $(GO) mod download

test-go: lib go-deps
	@$(ENSURE) moto
	@for m in $(GO_MODULES); do \
	  echo "== go vet $(GO_TAGS) ./...   (module bindings/go/$$m)"; \
	  (cd $(GO_DIR)/$$m && $(GO) vet $(GO_TAGS) ./...) || exit 1; \
	done
	@echo "== go test -race $(GO_TAGS) ./... in each module (against a local moto S3 server)"
	cd $(GO_DIR) && $(GO_TEST_ENV) $(WITH_S3) sh -c 'for m in $(GO_MODULES); do (cd $$m && $(GO) test $(GO_TAGS) -race -count=1 ./...) || exit 1; done'
	@$(MAKE) --no-print-directory test-go-fuzz
	@$(MAKE) --no-print-directory test-go-pkgconfig

test-go-fuzz: lib go-deps
	@for target in $(GO_FUZZ_TARGETS); do \
	  echo "== go test -run='^$$' -fuzz='^'$$target'$$' -fuzztime=$(GO_FUZZTIME) -fuzzminimizetime=500x -parallel=2 .   (in bindings/go)"; \
	  (cd $(GO_DIR) && CLIENTCACHE_REQUIRE_VECTORS=1 $(GO) test $(GO_TAGS) -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(GO_FUZZTIME) -fuzzminimizetime=500x -parallel=2 .) || exit 1; \
	done

# The default way to link: an installed library through pkg-config (no
# tag), and the static one (-tags clientcache_static). The go build cache
# does not key cgo packages on what pkg-config prints (only on the CGO_*
# variables), so a cached build would keep linking with an old -L path: the
# prefix is a fixed folder, and it also goes into CGO_LDFLAGS so that the
# cache entry is tied to it.
GO_PKGCONFIG_PREFIX := $(ROOT)/build/go-pkgconfig-prefix

test-go-pkgconfig: lib go-deps
	@$(ENSURE) pkg-config
	@echo "== go test (default link: the library from make install, through pkg-config)"
	@rm -rf $(GO_PKGCONFIG_PREFIX)
	@$(MAKE) --no-print-directory -C $(ROOT) install PREFIX=$(GO_PKGCONFIG_PREFIX) >/dev/null
	cd $(GO_DIR) && out=$$(PKG_CONFIG_PATH=$(GO_PKGCONFIG_PREFIX)/lib/pkgconfig LD_LIBRARY_PATH=$(GO_PKGCONFIG_PREFIX)/lib \
	  CGO_LDFLAGS="-O2 -g -L$(GO_PKGCONFIG_PREFIX)/lib" \
	  $(GO) test -count=1 -v -run 'Example|TestVectors$$' . 2>&1); st=$$?; \
	  printf '%s\n' "$$out" | grep -E '^(--- |ok|FAIL|PASS)' | grep -v -- '--- PASS: TestVectors/'; \
	  [ $$st = 0 ] || { printf '%s\n' "$$out"; exit $$st; }
	@echo "== go test -tags clientcache_static (libclientcache.a from make install)"
	cd $(GO_DIR) && out=$$(PKG_CONFIG_PATH=$(GO_PKGCONFIG_PREFIX)/lib/pkgconfig \
	  CGO_LDFLAGS="-O2 -g -L$(GO_PKGCONFIG_PREFIX)/lib" \
	  $(GO) test -tags clientcache_static -count=1 -v -run 'Example' . 2>&1); st=$$?; \
	  printf '%s\n' "$$out" | grep -E '^(ok|FAIL)'; \
	  [ $$st = 0 ] || { printf '%s\n' "$$out"; exit $$st; }

# A Go module of a user's own, outside the checkout, against an installed
# library (bindings/go/consumer-test.sh prints each step).
test-go-consumer: lib go-deps
	@$(ENSURE) moto pkg-config
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "consumer/go: make install PREFIX=<tmp>"; \
	$(MAKE) --no-print-directory -s -C $(ROOT) install PREFIX="$$tmp/prefix" >/dev/null && \
	$(WITH_S3) $(GO_DIR)/consumer-test.sh "$$tmp/prefix"

bench-go: lib go-deps
	cd $(GO_DIR)/cmd && $(GO) run $(GO_TAGS) ./clientcache-bench

demo-go: lib go-deps
	@cd $(GO_DIR)/cmd && $(GO) run $(GO_TAGS) ./clientcache-demo

TEST_SUITES_ALL += test-go test-go-consumer
BENCH_ALL += bench-go
