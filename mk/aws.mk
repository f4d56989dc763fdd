# Rust high-level API (crate clientcache-aws in rust/aws) and its part of
# the demo.
#
#   make test-aws    the crate's tests (unit, integration, doc-tests) against
#                    moto's S3 server started on 127.0.0.1 for the run by
#                    scripts/with-s3-server.sh; CLIENTCACHE_REQUIRE_S3=1 makes
#                    the round-trip test fail instead of skipping if the
#                    server is missing. fmt + clippy run in test-rust.
#   make bench-aws   cached client::<aws_sdk_s3::Client>() hit vs aws_config
#                    load + Client::new per call (examples/bench.rs)
#   make demo-aws    the Rust demo report (examples/demo.rs)
#
# On a fresh Debian machine scripts/ensure.sh installs rustfmt/clippy
# (rustup) and moto[server] (pip), and says so.

AWS_CARGO_FLAGS := --locked -p clientcache-aws

.PHONY: test-aws bench-aws demo-aws

test-aws: lib
	@$(ENSURE) rust moto
	@echo "== clientcache-aws tests (moto S3 server on 127.0.0.1)"
	cd rust && CLIENTCACHE_REQUIRE_S3=1 $(WITH_S3) $(CARGO) test $(AWS_CARGO_FLAGS)

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
