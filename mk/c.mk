# C: the C suite (tests/c), the README's C example and the C demo
# (examples/c). Issues 2 and 7.
#
#   make test-c          build libclientcache, build the suite against
#                        include/ + rust/target/release (rpath), run it, run it
#                        again under valgrind memcheck (no errors, nothing
#                        definitely lost), once more linked with the static
#                        library, then test-c-install
#   make test-c-install  `make install PREFIX=<tmp>`, build examples/c/example.c
#                        with `pkg-config --cflags --libs clientcache` and run it
#   make demo-c          the C demo (examples/c/demo.c)
#   make bench-c         the demo's timing section only, with more iterations
#
# On a fresh Debian machine scripts/ensure.sh installs a C compiler, valgrind
# and pkg-config from apt (and says so).

C_BUILD_DIR := $(ROOT)/build/c
C_CFLAGS    := -std=c11 -Wall -Wextra -Werror -Wpedantic -O2 -g -pthread
C_LINK      := -L$(LIB_DIR) -Wl,-rpath,$(LIB_DIR) -lclientcache -pthread
C_TEST_SRCS := $(sort $(wildcard $(ROOT)/tests/c/*.c))
C_VALGRIND  := valgrind --error-exitcode=1 --leak-check=full \
               --errors-for-leak-kinds=definite --show-leak-kinds=definite
C_TEST_ENV  := CLIENTCACHE_VECTORS=$(ROOT)/tests/vectors/keys.json

.PHONY: test-c test-c-build test-c-install demo-c bench-c

test-c-build: lib
	@$(ENSURE) cc
	@mkdir -p $(C_BUILD_DIR)
	$(CC) $(C_CFLAGS) -I$(INCLUDE_DIR) -o $(C_BUILD_DIR)/c_suite $(C_TEST_SRCS) $(C_LINK)

test-c: lib
	@$(ENSURE) cc valgrind pkg-config
	@$(MAKE) --no-print-directory test-c-build
	@echo "== C suite"
	$(C_TEST_ENV) $(C_BUILD_DIR)/c_suite
	@echo "== C suite under valgrind memcheck (zero errors, nothing definitely lost)"
	$(C_TEST_ENV) CLIENTCACHE_C_SLOW=1 $(C_VALGRIND) $(C_BUILD_DIR)/c_suite
	@echo "== C suite linked with the static library"
	$(CC) $(C_CFLAGS) -I$(INCLUDE_DIR) -o $(C_BUILD_DIR)/c_suite_static $(C_TEST_SRCS) \
	  $(LIB_DIR)/libclientcache.a -lpthread -ldl -lm
	$(C_TEST_ENV) $(C_BUILD_DIR)/c_suite_static | tail -n 1
	@$(MAKE) --no-print-directory test-c-install

test-c-install: lib
	@$(ENSURE) cc pkg-config
	@echo "== make install into a temporary prefix, then the C example via pkg-config"
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory -C $(ROOT) install PREFIX="$$tmp" >/dev/null; \
	for f in lib/libclientcache.so lib/libclientcache.a include/clientcache.h \
	         lib/pkgconfig/clientcache.pc; do \
	  test -f "$$tmp/$$f" || { echo "make install did not produce $$f" >&2; exit 1; }; \
	  echo "installed: <prefix>/$$f"; \
	done; \
	flags=$$(PKG_CONFIG_PATH="$$tmp/lib/pkgconfig" pkg-config --cflags --libs clientcache); \
	echo "pkg-config --cflags --libs clientcache: $$flags"; \
	$(CC) $(C_CFLAGS) -o "$$tmp/example" $(ROOT)/examples/c/example.c $$flags; \
	LD_LIBRARY_PATH="$$tmp/lib" "$$tmp/example"; \
	echo "C example: ok (built with pkg-config against the installed shared library)"; \
	static_libs=$$(PKG_CONFIG_PATH="$$tmp/lib/pkgconfig" pkg-config --static --libs-only-l clientcache | sed 's/-lclientcache//'); \
	$(CC) $(C_CFLAGS) -o "$$tmp/example-static" $(ROOT)/examples/c/example.c \
	  $$(PKG_CONFIG_PATH="$$tmp/lib/pkgconfig" pkg-config --cflags clientcache) \
	  "$$tmp/lib/libclientcache.a" $$static_libs; \
	! ldd "$$tmp/example-static" | grep -q libclientcache; \
	"$$tmp/example-static" >/dev/null; \
	echo "C example: ok (linked with the installed static library, pkg-config --static: $$static_libs)"

$(C_BUILD_DIR)/demo: $(ROOT)/examples/c/demo.c $(INCLUDE_DIR)/clientcache.h
	@mkdir -p $(C_BUILD_DIR)
	$(CC) $(C_CFLAGS) -I$(INCLUDE_DIR) -o $@ $< $(C_LINK)

demo-c: lib
	@$(ENSURE) cc
	@$(MAKE) --no-print-directory -B $(C_BUILD_DIR)/demo >/dev/null
	@$(C_BUILD_DIR)/demo

bench-c: lib
	@$(ENSURE) cc
	@$(MAKE) --no-print-directory -B $(C_BUILD_DIR)/demo >/dev/null
	@$(C_BUILD_DIR)/demo --bench

TEST_SUITES_ALL += test-c
BENCH_ALL += bench-c
