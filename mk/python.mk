# Python binding (bindings/python: package `clientcache`, the API of
# boto3-client-cache over libclientcache through ctypes).
#
#   make test-python    a fresh venv in build/python/venv, `pip install
#                       ./bindings/python` plus the test dependencies
#                       (pytest, boto3, boto3-client-cache), then pytest:
#                       key and high-level vectors, cache semantics and
#                       release accounting, random sequences compared with
#                       boto3-client-cache itself, 32-thread single flight,
#                       expiry and on_evict causes on an injected clock,
#                       the original's README examples, and an S3 round trip
#                       against moto's server on 127.0.0.1
#                       (CLIENTCACHE_REQUIRE_S3=1: a missing server fails)
#   make bench-python   cached client() hit and key construction beside
#                       boto3-client-cache, interleaved rounds, medians
#   make demo-python    the Python demo report (bindings/python/demo.py)
#   make python-wheel   build/python/dist/clientcache-*.whl: a pure-Python
#                       wheel that loads libclientcache at import time
#                       (CLIENTCACHE_LIB, CLIENTCACHE_LIB_DIR, pkg-config,
#                       or the standard loader)
#
# The package finds the library through CLIENTCACHE_LIB_DIR, which the
# Makefile exports (rust/target/release).

PY_DIR := $(ROOT)/bindings/python
PY_BUILD := $(ROOT)/build/python
PY_VENV := $(PY_BUILD)/venv
PY_BIN := $(PY_VENV)/bin/python
# boto3-client-cache is pinned: it is the behaviour model the tests compare with.
PY_TEST_DEPS := pytest boto3 boto3-client-cache==2.1.19

.PHONY: test-python bench-python demo-python python-wheel python-venv python-tool

python-tool:
	@if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then \
	  echo "python: installing Debian packages python3 python3-venv (apt-get)" >&2; \
	  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >&2; \
	fi

# Always fresh: what a new user gets from `pip install ./bindings/python`.
python-venv: lib python-tool
	@rm -rf $(PY_VENV)
	@mkdir -p $(PY_BUILD)
	@echo "python: creating a fresh venv in build/python/venv" >&2
	python3 -m venv $(PY_VENV)
	@echo "python: installing (pip) ./bindings/python and the test dependencies: $(PY_TEST_DEPS)" >&2
	$(PY_BIN) -m pip install --quiet --disable-pip-version-check ./bindings/python $(PY_TEST_DEPS) >&2
	@rm -rf $(PY_DIR)/build $(PY_DIR)/src/clientcache.egg-info

test-python: python-venv
	@$(ENSURE) moto
	@echo "== Python binding tests (moto S3 server on 127.0.0.1)"
	cd $(PY_DIR) && CLIENTCACHE_REQUIRE_S3=1 $(WITH_S3) $(PY_BIN) -m pytest -q -p no:cacheprovider tests

bench-python: python-venv
	@cd $(PY_DIR) && nice $(PY_BIN) bench/bench.py

demo-python: python-venv
	@cd $(PY_DIR) && $(PY_BIN) demo.py

python-wheel: python-tool
	@mkdir -p $(PY_BUILD)/dist
	@echo "python: building the wheel (pip wheel; fetches setuptools and wheel for the isolated build)" >&2
	python3 -m pip wheel --quiet --no-deps --disable-pip-version-check -w $(PY_BUILD)/dist ./bindings/python >&2
	@rm -rf $(PY_DIR)/build $(PY_DIR)/src/clientcache.egg-info
	@ls $(PY_BUILD)/dist/clientcache-*.whl

TEST_SUITES_ALL += test-python
BENCH_ALL += bench-python
