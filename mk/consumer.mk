# The consumer suite: the library used the way a user uses it, outside the
# checkout, in temporary folders (the Go and Node steps are
# test-go-consumer and test-node-consumer in their own files):
#
#   make test-consumer   `make install` into a temporary prefix; a C program
#                        built with pkg-config that runs with no environment
#                        variable (and, as root, the same from /usr/local);
#                        a fresh Rust crate caching an S3 and a DynamoDB
#                        client against the local server.

.PHONY: test-consumer
test-consumer: lib
	@$(ENSURE) cc pkg-config
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "consumer: make install PREFIX=<tmp>"; \
	$(MAKE) --no-print-directory -s -C $(ROOT) install PREFIX="$$tmp/prefix" >/dev/null; \
	$(ROOT)/tests/consumer/c.sh "$$tmp/prefix"
	$(WITH_S3) $(ROOT)/tests/consumer/rust.sh

TEST_SUITES_ALL += test-consumer
