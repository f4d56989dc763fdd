# Bazel (issue 6): `bazel build //...` and `bazel test //...`, offline, with
# Debian's bazel-bootstrap (Bazel 4.2.3) and the mock rule repositories of
# bazel-bootstrap-source (see .bazelrc, WORKSPACE, docs/building.md).
#
# Depends on `lib` so that cargo has already built rust/target; the
# //:libclientcache genrule runs the same cargo command into the same
# CARGO_TARGET_DIR and finds everything fresh (the crates are compiled once).
# `bazel test //...` runs the C suite as cc_tests (shared and static library)
# and the Rust, Go and Node suites as sh_tests that call `make test-rust`,
# `make test-go` and `make test-node` (tools/bazel/make_suite.sh).
#
# Installs (scripts/ensure.sh) Debian's bazel-bootstrap + bazel-bootstrap-source,
# a C compiler, and cbindgen (the //:clientcache_h genrule runs it); the
# wrapped suites install their own tools through their make targets.
#
# BAZEL_FLAGS adds options to both commands, e.g.
#   make test-bazel BAZEL_FLAGS='--test_tag_filters=-external'
# runs only the Bazel-native tests (the C suite).

BAZEL ?= bazel
BAZEL_FLAGS ?=

.PHONY: test-bazel
test-bazel: lib
	@$(ENSURE) bazel cc cbindgen
	@echo "bazel: Debian bazel-bootstrap $$(dpkg-query -W -f='$${Version}' bazel-bootstrap 2>/dev/null || echo '(not from apt)'), offline"
	cd $(ROOT) && $(BAZEL) build $(BAZEL_FLAGS) //...
	cd $(ROOT) && $(BAZEL) test $(BAZEL_FLAGS) //...

TEST_SUITES_ALL += test-bazel
