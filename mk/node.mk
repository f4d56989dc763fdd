# Node binding (bindings/node: Node-API addon in C + JS API) and its
# part of the demo.
#
#   make test-node    npm ci, build the addon, run `node --test` (key and
#                     high-level vectors, strict input, key diff, cache
#                     semantics, hits served from JS against a core-only
#                     cache (random sequences), the session memo,
#                     getOrCreateAsync and close(), expiry and
#                     dispose on an injected clock, sessions that expire
#                     clients before their credentials and drop them on
#                     credential errors from a stub S3 on 127.0.0.1, the
#                     session key memo, redaction, release accounting, the
#                     README examples, strict TypeScript over index.d.ts,
#                     index.d.mts and examples/async.js, the library lookup
#                     (scripts/paths.js) and package.json, ESM and CommonJS
#                     exports alike, SDK classes loaded from the application
#                     first, and an S3 round trip against moto's
#                     server on 127.0.0.1; CLIENTCACHE_REQUIRE_S3=1 makes a
#                     missing server a failure, not a skip)
#   make bench-node   interleaved rounds, medians and their min–max spread,
#                     met / not met per target row: get-hit vs lru-cache
#                     (≤ 2.0×; an empty Node-API call and an LFU hit beside
#                     it), cached client('s3', cfg) with the same and with a
#                     fresh config object (≤ 500 ns each) vs new S3Client,
#                     an awaited getOrCreateAsync hit vs the synchronous
#                     get / getOrCreate hits (≤ 1.2×), a get hit on a cache
#                     with a ttl vs without, both through the core (≤ 1.15×)
#   make demo-node    the Node demo report (bindings/node/demo.js)
#   make test-node-consumer
#                     the package as a user gets it: `make install` into a
#                     temporary prefix, `npm pack`, then in a fresh project
#                     `npm install @aws-sdk/client-s3 <tarball>` with
#                     PKG_CONFIG_PATH at the prefix (the addon links the
#                     installed shared library), CommonJS and ESM scripts
#                     round-tripping an object through moto, `tsc --noEmit`
#                     (strict, nodenext) on typed imports, and a rebuild with
#                     CLIENTCACHE_LINK=static (bindings/node/consumer-test.sh)
#
# On a fresh Debian machine scripts/ensure.sh installs node + npm, a C
# toolchain (node-gyp needs make and g++) and moto[server], and says so.
# node-gyp builds against the headers installed with Node itself
# (scripts/build.js passes --nodedir=<Node's prefix>): nothing is downloaded.
# Here the addon links rust/target/release/libclientcache.a statically
# (CLIENTCACHE_LINK=static; the root Makefile exports CLIENTCACHE_LIB_DIR and
# CLIENTCACHE_INCLUDE_DIR), so the .node file needs no rpath or
# LD_LIBRARY_PATH; an installed package links the shared library by default
# (bindings/node/scripts/paths.js, bindings/node/README.md).

NODE_DIR := $(ROOT)/bindings/node
NODE_STAMP := $(NODE_DIR)/node_modules/.clientcache-npm-ci

.PHONY: test-node test-node-consumer bench-node demo-node node-addon

# npm ci only when package-lock.json changed since the last install.
$(NODE_STAMP): $(NODE_DIR)/package-lock.json $(NODE_DIR)/package.json
	@$(ENSURE) node
	@echo "node: installing npm dependencies (npm ci --ignore-scripts: @aws-sdk/client-s3, lru-cache, typescript, @types/node)" >&2
	cd $(NODE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
	@touch $@

# Always rebuilt (about a second): the library it links may have changed.
node-addon: lib $(NODE_STAMP)
	@$(ENSURE) node cc
	@echo "node: building the addon (node-gyp, against Node's own headers)" >&2
	cd $(NODE_DIR) && CLIENTCACHE_LINK=static node scripts/build.js >&2

test-node: node-addon
	@$(ENSURE) moto
	@echo "== Node binding tests (moto S3 server on 127.0.0.1)"
	cd $(NODE_DIR) && CLIENTCACHE_REQUIRE_S3=1 $(WITH_S3) node --test test/*.test.js

bench-node: node-addon
	@cd $(NODE_DIR) && node --expose-gc bench/bench.js

demo-node: node-addon
	@cd $(NODE_DIR) && node --expose-gc demo.js

# The library goes into a fresh temporary prefix (make install, which the
# test finds only through pkg-config); the script removes its own project.
test-node-consumer: lib
	@$(ENSURE) node cc pkg-config moto
	@echo "== Node package from its npm pack tarball in a fresh project (library from make install + pkg-config)"
	@prefix=$$(mktemp -d -t clientcache-prefix-XXXXXX); trap 'rm -rf "$$prefix"' EXIT; \
	$(MAKE) --no-print-directory -C $(ROOT) install PREFIX="$$prefix" >/dev/null; \
	$(WITH_S3) $(NODE_DIR)/consumer-test.sh "$$prefix"

TEST_SUITES_ALL += test-node test-node-consumer
BENCH_ALL += bench-node
