# clientcache task runner. `make help` lists the targets.
#
# Every target that needs a tool installs it when it is missing and says so
# (see scripts/ensure.sh). Area-specific targets live in mk/<area>.mk.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

ROOT        := $(abspath .)
PREFIX      ?= /usr/local
CARGO       ?= cargo
TARGET_DIR  := $(ROOT)/rust/target
LIB_DIR     := $(TARGET_DIR)/release
INCLUDE_DIR := $(ROOT)/include
ENSURE      := $(ROOT)/scripts/ensure.sh
WITH_S3     := $(ROOT)/scripts/with-s3-server.sh
export PATH := $(HOME)/.cargo/bin:/usr/local/go/bin:$(PATH)

# Consumed by the Go, Node and C builds: where libclientcache and its header are.
export CLIENTCACHE_LIB_DIR := $(LIB_DIR)
export CLIENTCACHE_INCLUDE_DIR := $(INCLUDE_DIR)
export CARGO_TARGET_DIR := $(TARGET_DIR)
# Tests, demos and benchmarks never look for cloud credentials or metadata:
# the SDKs must not probe the instance-metadata address from here.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: help build lib header test demo bench install clean
help:
	@echo "make build     build libclientcache (.so, .a) and the clientcache-key tool"
	@echo "make header    regenerate include/clientcache.h with cbindgen"
	@echo "make test      every suite: Rust, header, C (valgrind), Go, Node, Bazel, Nix"
	@echo "make demo      the main job: one short program per language, compared"
	@echo "make bench     benchmarks with ratios against peers measured in the same run"
	@echo "make install PREFIX=/dir   lib/, include/, lib/pkgconfig/clientcache.pc"

build: lib

# The shared and static library, built once and reused by every binding.
lib:
	@mkdir -p $(ROOT)/build
	@$(ENSURE) rust
	cd rust && $(CARGO) build --release --locked -p clientcache-ffi -p clientcache-cli

include $(sort $(wildcard mk/*.mk))

# Runs each suite even when an earlier one fails, then prints one summary line.
TEST_SUITES ?= $(sort $(TEST_SUITES_ALL))
test:
	@$(ROOT)/scripts/run-suites.sh $(TEST_SUITES)

demo:
	@$(ROOT)/scripts/demo.sh

bench: $(sort $(BENCH_ALL))

clean:
	rm -rf rust/target bindings/node/build build

# make print-VAR prints a variable's value (scripts/demo.sh reads GO_TAGS).
print-%:
	@echo '$($*)'
