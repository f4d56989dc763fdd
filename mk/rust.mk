# Rust core and C ABI: formatting, lints, tests, header freshness, install.

CBINDGEN_ARGS := --config ffi/cbindgen.toml --crate clientcache-ffi ffi

.PHONY: header test-rust test-header
header:
	@$(ENSURE) cbindgen
	cd rust && cbindgen $(CBINDGEN_ARGS) --output $(INCLUDE_DIR)/clientcache.h

# fmt + clippy (warnings denied) over the whole workspace, then the core,
# FFI and CLI tests (the aws crate's tests need the S3 server: see
# mk/aws.mk). Tests build in the release profile that `make lib`, the demos
# and the consumer suite use, so no crate is compiled in a second profile.
test-rust:
	@$(ENSURE) rust
	cd rust && $(CARGO) fmt --all --check
	cd rust && $(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	cd rust && $(CARGO) test --release --locked -p clientcache -p clientcache-ffi -p clientcache-cli

# The committed header must be what cbindgen generates from the sources.
test-header:
	@$(ENSURE) cbindgen
	@mkdir -p $(ROOT)/build && cd rust && cbindgen $(CBINDGEN_ARGS) --output $(ROOT)/build/clientcache.h.fresh
	@if diff -u $(INCLUDE_DIR)/clientcache.h $(ROOT)/build/clientcache.h.fresh; then \
	  echo "include/clientcache.h is up to date"; \
	else \
	  echo "include/clientcache.h is stale: run 'make header' and commit it" >&2; exit 1; \
	fi
	@python3 $(ROOT)/scripts/check-header.py $(INCLUDE_DIR)/clientcache.h

# The canonical form against an independent RFC 8785 implementation, over
# 25 000 random params (random doubles, exact decimal ties, exponent
# thresholds, names across the BMP/astral boundary, control characters).
.PHONY: test-identity
test-identity: lib
	@$(ENSURE) rfc8785
	python3 $(ROOT)/tests/jcs/differential.py $(LIB_DIR)/clientcache-key --count 25000

TEST_SUITES_ALL += test-rust test-header test-identity

# make install PREFIX=/dir: the shared library as libclientcache.so.VERSION
# with the SONAME libclientcache.so.MAJOR (and the two usual symlinks), the
# static library, the header and a pkg-config file; both libraries without
# debug info. Into the standard prefixes (/usr/local, /usr) as root, ldconfig
# runs, so programs find the library with no environment variable; for any
# other prefix, link with -Wl,-rpath,$(pkg-config --variable=libdir clientcache)
# (or set LD_LIBRARY_PATH). `make uninstall PREFIX=/dir` removes it all.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' rust/Cargo.toml | head -1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libclientcache.so.$(MAJOR)
INSTALLED_LIB := $(DESTDIR)$(PREFIX)/lib
.PHONY: install uninstall
install: lib
	@$(ENSURE) patchelf
	install -d $(INSTALLED_LIB)/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(LIB_DIR)/libclientcache.so $(INSTALLED_LIB)/libclientcache.so.$(VERSION)
	patchelf --set-soname $(SONAME) $(INSTALLED_LIB)/libclientcache.so.$(VERSION)
	strip --strip-debug $(INSTALLED_LIB)/libclientcache.so.$(VERSION)
	ln -sfn libclientcache.so.$(VERSION) $(INSTALLED_LIB)/$(SONAME)
	ln -sfn $(SONAME) $(INSTALLED_LIB)/libclientcache.so
	install -m 644 $(LIB_DIR)/libclientcache.a $(INSTALLED_LIB)/libclientcache.a
	strip --strip-debug $(INSTALLED_LIB)/libclientcache.a
	install -m 644 $(INCLUDE_DIR)/clientcache.h $(DESTDIR)$(PREFIX)/include/clientcache.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' clientcache.pc.in \
	  > $(INSTALLED_LIB)/pkgconfig/clientcache.pc
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && { [ "$(PREFIX)" = /usr/local ] || [ "$(PREFIX)" = /usr ]; }; then \
	  echo "ldconfig (so programs find $(SONAME) in $(PREFIX)/lib)"; ldconfig; \
	fi
	@echo "installed libclientcache $(VERSION) ($(SONAME)) into $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(INSTALLED_LIB)/libclientcache.so.$(VERSION) $(INSTALLED_LIB)/$(SONAME) \
	  $(INSTALLED_LIB)/libclientcache.so $(INSTALLED_LIB)/libclientcache.a \
	  $(INSTALLED_LIB)/pkgconfig/clientcache.pc $(DESTDIR)$(PREFIX)/include/clientcache.h
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && { [ "$(PREFIX)" = /usr/local ] || [ "$(PREFIX)" = /usr ]; }; then ldconfig; fi
	@echo "removed libclientcache from $(DESTDIR)$(PREFIX)"
