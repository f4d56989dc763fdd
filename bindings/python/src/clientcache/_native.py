"""ctypes declarations of libclientcache's C ABI (include/clientcache.h) and
the table that lets the cache hold Python objects.

Library discovery, first match wins:
  1. CLIENTCACHE_LIB: the path of the shared library itself;
  2. CLIENTCACHE_LIB_DIR: a directory holding libclientcache.so (.dylib);
  3. pkg-config: the libdir of the `clientcache` package;
  4. the platform's standard loader (LD_LIBRARY_PATH, ld.so.cache, ...).

Values: the cache stores `void *` values. A Python object is put in
`_values` under a fresh integer handle (never 0, never reused) and the
handle is what the C side holds; the release callback, which the core calls
exactly once per inserted value, drops the entry.
"""
from __future__ import annotations

import ctypes
import itertools
import os
import shutil
import subprocess
import sys
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_bool, c_char_p,
                    c_int32, c_size_t, c_uint32, c_uint64, c_void_p)

__all__ = ["lib", "fastlib", "library_path"]

if sys.platform == "darwin":
    _SONAME = "libclientcache.dylib"
elif sys.platform == "win32":
    _SONAME = "clientcache.dll"
else:
    _SONAME = "libclientcache.so"


def _pkg_config_libdir():
    exe = shutil.which("pkg-config")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "clientcache"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def _candidates():
    """(description, path or soname) pairs, in search order."""
    env_lib = os.environ.get("CLIENTCACHE_LIB")
    if env_lib:
        yield f"CLIENTCACHE_LIB={env_lib}", env_lib
        return  # an explicit file is the only choice: no silent fallback
    env_dir = os.environ.get("CLIENTCACHE_LIB_DIR")
    if env_dir:
        yield f"CLIENTCACHE_LIB_DIR={env_dir}", os.path.join(env_dir, _SONAME)
    libdir = _pkg_config_libdir()
    if libdir:
        yield f"pkg-config clientcache (libdir {libdir})", os.path.join(libdir, _SONAME)
    yield "the standard library search path", _SONAME


def _load():
    tried = []
    for what, path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{what}: {path} does not exist")
            continue
        try:
            return path, ctypes.CDLL(path), ctypes.PyDLL(path)
        except OSError as err:
            tried.append(f"{what}: {err}")
    raise ImportError(
        "clientcache: cannot load the libclientcache shared library. Build it with "
        "`make lib` (or install it with `make install`) and point CLIENTCACHE_LIB at the "
        f"file or CLIENTCACHE_LIB_DIR at its directory. Tried: {'; '.join(tried)}",
        name="clientcache")


library_path, lib, fastlib = _load()

# Status codes (clientcache_status).
OK, NOT_FOUND, EXISTS, INVALID_ARGUMENT, KIND_MISMATCH, NULL_POINTER = 0, 1, 2, 3, 4, 5
BUFFER_TOO_SMALL, FACTORY_FAILED, PANIC = 6, 7, 8
KIND_CLIENT, KIND_RESOURCE = 0, 1
POLICY_LRU, POLICY_LFU = 0, 1


class Stats(Structure):
    _fields_ = [(name, c_uint64) for name in
                ("hits", "misses", "insertions", "evictions", "removals", "len", "max_size")]


class StatsEx(Structure):
    _fields_ = [("size", c_size_t)] + [(name, c_uint64) for name in (
        "hits", "misses", "insertions", "evictions", "removals", "expirations", "len", "max_size")]


RELEASE_FN = CFUNCTYPE(None, c_void_p, c_void_p)
FACTORY_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p, POINTER(c_void_p))
FACTORY_TTL_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p, POINTER(c_void_p), POINTER(c_uint64))
LISTENER_FN = CFUNCTYPE(None, c_void_p, c_void_p, c_uint32, c_void_p)
CLOCK_FN = CFUNCTYPE(c_uint64, c_void_p)

TTL_DEFAULT, TTL_NEVER = 0, 2**64 - 1
# clientcache_cause, as the Python API names them.
CAUSES = ("evicted", "expired", "removed", "replaced", "cleared")


class CacheOptions(Structure):
    _fields_ = [("size", c_size_t), ("kind", c_uint32), ("policy", c_uint32),
                ("max_size", c_size_t), ("ttl_ns", c_uint64),
                ("release", RELEASE_FN), ("release_ctx", c_void_p),
                ("listener", LISTENER_FN), ("listener_ctx", c_void_p),
                ("clock", CLOCK_FN), ("clock_ctx", c_void_p)]

_p = c_void_p
_pp = POINTER(c_void_p)
_SIGNATURES = {
    "clientcache_version": (c_char_p, []),
    "clientcache_status_name": (c_char_p, [c_uint32]),
    "clientcache_last_error": (c_uint32, [c_char_p, c_size_t, POINTER(c_size_t)]),
    "clientcache_cache_new": (c_uint32, [c_uint32, c_uint32, c_size_t, RELEASE_FN, _p, _pp]),
    "clientcache_cache_free": (None, [_p]),
    "clientcache_cache_insert": (c_uint32, [_p, _p, _p]),
    "clientcache_cache_get": (c_uint32, [_p, _p, _pp]),
    "clientcache_cache_peek": (c_uint32, [_p, _p, _pp]),
    "clientcache_cache_contains": (c_bool, [_p, _p]),
    "clientcache_cache_remove": (c_uint32, [_p, _p, _pp]),
    "clientcache_cache_pop_victim": (c_uint32, [_p, _pp, _pp]),
    "clientcache_cache_get_or_insert_with": (c_uint32, [_p, _p, FACTORY_FN, _p, _pp]),
    "clientcache_cache_len": (c_size_t, [_p]),
    "clientcache_cache_max_size": (c_size_t, [_p]),
    "clientcache_cache_set_max_size": (c_uint32, [_p, c_size_t]),
    "clientcache_cache_clear": (c_uint32, [_p]),
    "clientcache_cache_copy": (c_uint32, [_p, _pp]),
    "clientcache_cache_stats": (c_uint32, [_p, POINTER(Stats)]),
    "clientcache_cache_snapshot": (c_uint32, [_p, _pp]),
    "clientcache_snapshot_len": (c_size_t, [_p]),
    "clientcache_snapshot_key": (_p, [_p, c_size_t]),
    "clientcache_snapshot_free": (None, [_p]),
    "clientcache_lease_value": (_p, [_p]),
    "clientcache_lease_free": (None, [_p]),
    "clientcache_cache_new_with_options": (c_uint32, [POINTER(CacheOptions), _pp]),
    "clientcache_cache_insert_with_ttl": (c_uint32, [_p, _p, _p, c_uint64]),
    "clientcache_cache_get_or_insert_with_ttl": (c_uint32, [_p, _p, FACTORY_TTL_FN, _p, _pp]),
    "clientcache_cache_purge_expired": (c_uint32, [_p, POINTER(c_size_t)]),
    "clientcache_cache_stats_ex": (c_uint32, [_p, POINTER(StatsEx)]),
    "clientcache_cause_name": (c_char_p, [c_uint32]),
    "clientcache_key_new": (c_uint32, [c_uint32, c_char_p, c_size_t, c_char_p, c_size_t, _pp]),
    "clientcache_key_clone": (_p, [_p]),
    "clientcache_key_free": (None, [_p]),
    "clientcache_key_equal": (c_bool, [_p, _p]),
    "clientcache_key_kind": (c_uint32, [_p]),
    "clientcache_key_fingerprint": (c_uint32, [_p, c_char_p]),
    "clientcache_key_label": (c_uint32, [_p, c_char_p, c_size_t, POINTER(c_size_t)]),
    "clientcache_key_canonical": (c_uint32, [_p, c_char_p, c_size_t, POINTER(c_size_t)]),
}
# Newer functions: absent from an older library, and then reported when used.
_OPTIONAL = {
    "clientcache_key_diff": (c_uint32, [_p, _p, c_char_p, c_size_t, POINTER(c_size_t)]),
}
for _dll in (lib, fastlib):
    for _name, (_res, _args) in _SIGNATURES.items():
        _fn = getattr(_dll, _name)
        _fn.restype = _res
        _fn.argtypes = _args
    for _name, (_res, _args) in _OPTIONAL.items():
        _fn = getattr(_dll, _name, None)
        if _fn is not None:
            _fn.restype = _res
            _fn.argtypes = _args

# `lib` (CDLL) drops the GIL during each call: needed wherever the core may
# wait for another thread (get_or_insert_with waits for a factory, which runs
# Python). `fastlib` (PyDLL) keeps the GIL: used for the short calls that
# never wait on Python code (the core's own lock is never held while it calls
# back into Python), saving a GIL release and re-acquire per call.


def status_name(status):
    return lib.clientcache_status_name(status).decode("ascii")


def last_error():
    """The message of the last failing call on this thread."""
    n = c_size_t(0)
    lib.clientcache_last_error(None, 0, byref(n))
    buf = ctypes.create_string_buffer(n.value + 1)
    if lib.clientcache_last_error(buf, len(buf), byref(n)) != OK:
        return ""
    return buf.value.decode("utf-8", "replace")


def read_text(fn, *keys):
    """A text the core writes about keys (two-call size protocol)."""
    buf = ctypes.create_string_buffer(256)
    n = c_size_t(0)
    st = fn(*keys, buf, 256, byref(n))
    if st == BUFFER_TOO_SMALL:
        buf = ctypes.create_string_buffer(n.value + 1)
        st = fn(*keys, buf, n.value + 1, byref(n))
    if st != OK:
        raise RuntimeError(f"clientcache: reading a key text failed ({status_name(st)})")
    return buf.raw[:n.value].decode("utf-8")


# ---------------------------------------------------------------- values
# handle -> (key object, value). Entries are added before insertion and
# dropped by the release callback, exactly once per inserted handle.
_values = {}
_handles = itertools.count(1)
_counters = {"released": 0, "unknown_releases": 0}


def new_handle(key, value):
    h = next(_handles)
    _values[h] = (key, value)
    return h


def drop_handle(h):
    """Forget a handle the core never took (a failed insert)."""
    _values.pop(h, None)


def _release(value, _ctx):
    # Runs on whichever thread dropped the last reference, with the GIL
    # (ctypes takes it), never under a cache lock. Must not raise.
    if _values.pop(value, None) is None:
        _counters["unknown_releases"] += 1
    else:
        _counters["released"] += 1


release_callback = RELEASE_FN(_release)  # kept alive for the process' lifetime


def value_stats():
    """Accounting for tests: live handles, releases, releases of unknown handles."""
    return {"live": len(_values), "released": _counters["released"],
            "unknown_releases": _counters["unknown_releases"]}


version = lib.clientcache_version().decode("ascii")
