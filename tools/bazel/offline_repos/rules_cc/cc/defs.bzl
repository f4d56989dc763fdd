"""Offline stand-in for rules_cc's //cc:defs.bzl.

Each macro calls the C/C++ rule built into Bazel 4, which is what rules_cc
itself does for these rules. Covers the names loaded by this repository's
BUILD files and by @bazel_tools in Bazel 4.2.3. With network access, the real
rules_cc replaces this (remove its local_repository from //:WORKSPACE).
"""

def cc_binary(**attrs):
    native.cc_binary(**attrs)

def cc_import(**attrs):
    native.cc_import(**attrs)

def cc_library(**attrs):
    native.cc_library(**attrs)

def cc_test(**attrs):
    native.cc_test(**attrs)

def cc_proto_library(**attrs):
    native.cc_proto_library(**attrs)

def cc_toolchain(**attrs):
    native.cc_toolchain(**attrs)

def cc_toolchain_suite(**attrs):
    native.cc_toolchain_suite(**attrs)

def objc_library(**attrs):
    native.objc_library(**attrs)
