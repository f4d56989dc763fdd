# Bazel: `bazel build //...` and `bazel test //...`, offline, with Debian's
# bazel-bootstrap (Bazel 4.2.3) and the local stand-ins for the rule
# repositories Bazel would download (tools/bazel/offline_repos; see WORKSPACE,
# .bazelrc, docs/building.md, section "Bazel").
#
# Depends on `lib` so that cargo has already built rust/target; the
# //:libclientcache genrule runs the same cargo command into the same
# CARGO_TARGET_DIR and finds everything fresh (the crates are compiled once).
#
# `bazel test //...` runs Bazel's own tests: the C suite as cc_tests (against
# the shared and the static library) and //:header_test (cbindgen's output
# equals include/clientcache.h). The sh_tests that wrap `make test-rust`,
# `make test-aws`, `make test-go` and `make test-node` are tagged `manual`,
# so they do not run here: `make test` runs those targets itself, once. A
# Bazel-only user runs them with `bazel test //:all_tests`.
#
# Installs (scripts/ensure.sh) Debian's bazel-bootstrap (ensure.sh also
# installs bazel-bootstrap-source, which the build no longer reads), a C
# compiler, and cbindgen (//:header_test runs it; nothing else in Bazel needs
# it).
#
# BAZEL_FLAGS adds options to both commands, e.g.
#   make test-bazel BAZEL_FLAGS='--nocache_test_results'

BAZEL ?= bazel
BAZEL_FLAGS ?=

.PHONY: test-bazel
test-bazel: lib
	@$(ENSURE) bazel cc cbindgen
	@echo "bazel: Debian bazel-bootstrap $$(dpkg-query -W -f='$${Version}' bazel-bootstrap 2>/dev/null || echo '(not from apt)'), offline"
	cd $(ROOT) && $(BAZEL) build $(BAZEL_FLAGS) //...
	cd $(ROOT) && $(BAZEL) test $(BAZEL_FLAGS) //...

TEST_SUITES_ALL += test-bazel
