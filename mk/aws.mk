# Rust high-level API (crate clientcache-aws in rust/aws) and its part of
# the demo.
#
#   make test-aws    the crate's tests (unit, integration, doc-tests) against
#                    moto's S3 server started on 127.0.0.1 for the run by
#                    scripts/with-s3-server.sh; CLIENTCACHE_REQUIRE_S3=1 makes
#                    the round-trip test fail instead of skipping if the
#                    server is missing. fmt + clippy run in test-rust. Then
#                    package-aws.
#   make package-aws `cargo package --no-verify` for the two published
#                    crates, clientcache and clientcache-aws: the manifests are
#                    publishable and the packages hold what they should (the
#                    library sources; tests and examples use repository files,
#                    hence cargo's "ignoring test/example" warnings). Verifying
#                    would compile the whole SDK once more from the packages;
#                    `make test-consumer` builds a crate of its own against
#                    clientcache-aws instead.
#   make bench-aws   cached client::<aws_sdk_s3::Client>() hits, params built
#                    per call (the natural call site; target <= 300 ns) and
#                    reused (<= 500 ns), vs aws_config load + Client::new per
#                    call (>= 200x): interleaved rounds, median and min-max,
#                    met / not met per row (examples/bench.rs)
#   make demo-aws    the Rust demo report (examples/demo.rs)
#
# On a fresh Debian machine scripts/ensure.sh installs rustfmt/clippy
# (rustup) and moto[server] (pip), and says so.

AWS_CARGO_FLAGS := --locked -p clientcache-aws

.PHONY: test-aws package-aws bench-aws demo-aws

test-aws: lib
	@$(ENSURE) rust moto
	@echo "== clientcache-aws tests (moto S3 server on 127.0.0.1)"
	cd rust && CLIENTCACHE_REQUIRE_S3=1 $(WITH_S3) $(CARGO) test --release $(AWS_CARGO_FLAGS)
	@$(MAKE) --no-print-directory package-aws

# --allow-dirty: a working tree with uncommitted changes packages as it is.
package-aws:
	@$(ENSURE) rust
	@echo "== cargo package: clientcache, clientcache-aws"
	cd rust && $(CARGO) package --no-verify --locked --allow-dirty -p clientcache -p clientcache-aws
	@cd rust && for c in clientcache clientcache-aws; do \
	  echo "$$c: $$($(CARGO) package --list --locked --allow-dirty -p $$c 2>/dev/null | wc -l) files packaged"; done

bench-aws:
	@$(ENSURE) rust
	@echo "building the clientcache-aws benchmark (release)" >&2
	cd rust && $(CARGO) build --release $(AWS_CARGO_FLAGS) --example bench --quiet
	@$(TARGET_DIR)/release/examples/bench

demo-aws:
	@$(ENSURE) rust
	@echo "building the Rust demo (release)" >&2
	@cd rust && $(CARGO) build --release $(AWS_CARGO_FLAGS) --example demo --quiet
	@$(TARGET_DIR)/release/examples/demo

TEST_SUITES_ALL += test-aws
BENCH_ALL += bench-aws
