# Node binding (bindings/node: Node-API addon in C + JS API) and its
# part of the demo.
#
#   make test-node    npm ci, build the addon, run `node --test` (key and
#                     high-level vectors, strict input, key diff, cache
#                     semantics, getOrCreateAsync and close(), expiry and
#                     dispose on an injected clock, sessions that expire
#                     clients before their credentials and drop them on
#                     credential errors from a stub S3 on 127.0.0.1, the
#                     session key memo, redaction, release accounting, the
#                     README examples, strict TypeScript over index.d.ts and
#                     examples/async.js, and an S3 round trip against moto's
#                     server on 127.0.0.1; CLIENTCACHE_REQUIRE_S3=1 makes a
#                     missing server a failure, not a skip)
#   make bench-node   get-hit vs lru-cache, cached client('s3') vs new
#                     S3Client, an awaited getOrCreateAsync hit vs the
#                     synchronous get / getOrCreate hits (target ≤ 1.2×), a
#                     get hit on a cache with a ttl vs without (≤ 1.15×)
#   make demo-node    the Node demo report (bindings/node/demo.js)
#
# On a fresh Debian machine scripts/ensure.sh installs node + npm, a C
# toolchain (node-gyp needs make and g++) and moto[server], and says so.
# node-gyp builds against the headers installed with Node itself
# (scripts/build.js passes --nodedir=<Node's prefix>): nothing is downloaded.
# The addon links rust/target/release/libclientcache.a statically, so the
# .node file needs no rpath or LD_LIBRARY_PATH.

NODE_DIR := $(ROOT)/bindings/node
NODE_STAMP := $(NODE_DIR)/node_modules/.clientcache-npm-ci

.PHONY: test-node bench-node demo-node node-addon

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
	cd $(NODE_DIR) && node scripts/build.js >&2

test-node: node-addon
	@$(ENSURE) moto
	@echo "== Node binding tests (moto S3 server on 127.0.0.1)"
	cd $(NODE_DIR) && CLIENTCACHE_REQUIRE_S3=1 $(WITH_S3) node --test test/*.test.js

bench-node: node-addon
	@cd $(NODE_DIR) && node --expose-gc bench/bench.js

demo-node: node-addon
	@cd $(NODE_DIR) && node --expose-gc demo.js

TEST_SUITES_ALL += test-node
BENCH_ALL += bench-node
