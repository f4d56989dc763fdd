"""Offline stand-in for rules_java's //java:defs.bzl.

@bazel_tools (Bazel 4.2.3) loads these names while setting up its Java
toolchain packages; this repository has no Java target. Each macro calls the
rule built into Bazel 4. With network access, the real rules_java replaces
this (remove its local_repository from //:WORKSPACE).
"""

def java_binary(**attrs):
    native.java_binary(**attrs)

def java_import(**attrs):
    native.java_import(**attrs)

def java_library(**attrs):
    native.java_library(**attrs)

def java_plugin(**attrs):
    native.java_plugin(**attrs)

def java_proto_library(**attrs):
    native.java_proto_library(**attrs)

def java_runtime(**attrs):
    native.java_runtime(**attrs)

def java_test(**attrs):
    native.java_test(**attrs)

def java_toolchain(**attrs):
    native.java_toolchain(**attrs)
