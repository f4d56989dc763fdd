"""ClientCache / ResourceCache: dict-like, bounded, thread-safe caches whose
identity, eviction order, sizes and counters all live in the core."""
from __future__ import annotations

import ctypes
import itertools
import math
import threading
import weakref
from collections import OrderedDict
from ctypes import byref, c_size_t, c_void_p
from typing import NamedTuple

from . import _native as n
from ._errors import FAMILY
from ._keys import KEY_CLASSES, _CacheKey

__all__ = ["ClientCache", "ResourceCache", "LRUClientCache", "LFUClientCache",
           "LRUResourceCache", "LFUResourceCache", "CacheStats"]

_f = n.fastlib
_get = _f.clientcache_cache_get
_peek = _f.clientcache_cache_peek
_contains = _f.clientcache_cache_contains
_insert = _f.clientcache_cache_insert
_remove = _f.clientcache_cache_remove
_lease_value = _f.clientcache_lease_value
_lease_free = _f.clientcache_lease_free
_len = _f.clientcache_cache_len
# May wait for a factory running on another thread: must drop the GIL.
_get_or_insert_with = n.lib.clientcache_cache_get_or_insert_with
_get_or_insert_with_ttl = n.lib.clientcache_cache_get_or_insert_with_ttl
_insert_with_ttl = _f.clientcache_cache_insert_with_ttl
_values = n._values
_POLICIES = {"LRU": n.POLICY_LRU, "LFU": n.POLICY_LFU}
_MISSING = object()


class CacheStats(NamedTuple):
    """Counters and sizes of a cache, read from the core in one call."""
    hits: int
    misses: int
    insertions: int
    evictions: int
    removals: int
    len: int
    max_size: int
    #: Entries whose lifetime ended (last, so that older code that unpacks
    #: the first seven fields by position keeps working).
    expirations: int = 0


def _value_types(kind):
    if kind == n.KIND_CLIENT:
        from botocore.client import BaseClient
        return BaseClient
    from boto3.resources.base import ServiceResource
    return ServiceResource


# ------------------------------------------------------------ expiry hooks
_pending = threading.local()


def _report_hook_error():
    err, _pending.err = _pending.err, None
    raise err


# Calling this from Python sends the exception it raises where any exception
# from a ctypes callback goes: to sys.unraisablehook, with a genuine
# UnraisableHookArgs (the default hook prints it to stderr).
_report_callback = ctypes.CFUNCTYPE(None)(_report_hook_error)


def _report(err):
    """An exception from a user hook, which must never reach the core."""
    _pending.err = err
    try:
        _report_callback()
    except BaseException:  # pragma: no cover - a raising unraisablehook
        pass


class _Hooks:
    """A cache's on_evict and test clock, shared by the cache and its copies
    (the core gives copies the same listener and clock), which hold it.
    _hooks finds it by an integer id, the C context, only weakly: an
    on_evict that refers to its own cache makes a cycle that the garbage
    collector can still free. The core calls the hooks only during calls
    made through a live cache object, or from the cache's __del__, while it
    still holds them."""
    __slots__ = ("id", "on_evict", "clock", "last_now", "__weakref__")

    def __init__(self, on_evict, clock):
        self.id = next(_hook_ids)
        self.on_evict, self.clock, self.last_now = on_evict, clock, 0


_hooks = weakref.WeakValueDictionary()
_hook_ids = itertools.count(1)
# Hooks of caches being freed (id -> [hooks, frees in progress]), held
# strongly for the duration of the free: the garbage collector clears weak
# references to a cycle before it runs the cycle's __del__, and "cleared"
# must still reach on_evict then.
_freeing = {}
_freeing_lock = threading.RLock()  # reentrant: a __del__ may run inside another


def _find_hooks(ctx):
    hooks = _hooks.get(ctx)
    if hooks is None:
        held = _freeing.get(ctx)
        hooks = held[0] if held is not None else None
    return hooks


def _listener(_key, value, cause, ctx):
    # Runs on the thread that made the value leave, never under the cache
    # lock, before the release callback drops the handle: the entry is still
    # in _values here (this function never removes it, so the release
    # callback always finds it). Must not raise.
    hooks = _find_hooks(ctx)
    if hooks is None or hooks.on_evict is None:
        return
    entry = _values.get(value)
    if entry is None:  # pragma: no cover - cannot happen
        return
    name = n.CAUSES[cause] if cause < len(n.CAUSES) else f"cause-{cause}"
    try:
        hooks.on_evict(entry[0], entry[1], name)
    except BaseException as err:  # noqa: B902 - reported, never raised into the core
        _report(err)


def _clock(ctx):
    # Called by the core under its lock (see the _clock argument). Must not
    # raise and must never go backwards: a failure or a smaller reading
    # repeats the last value.
    hooks = _find_hooks(ctx)
    if hooks is None:  # pragma: no cover - cannot happen
        return 0
    try:
        now = int(hooks.clock())
    except BaseException as err:  # noqa: B902
        _report(err)
        return hooks.last_now
    if now > hooks.last_now:
        hooks.last_now = min(now, n.TTL_NEVER - 1)
    return hooks.last_now


# Alive for the process' lifetime: the core may call them for as long as any
# cache or copy made with them lives.
_listener_callback = n.LISTENER_FN(_listener)
_clock_callback = n.CLOCK_FN(_clock)


def _ttl_ns(ttl, family, param="ttl"):
    """Seconds (a positive int or float, or math.inf for never) to the
    core's nanoseconds (at least 1)."""
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or math.isnan(ttl) or ttl <= 0:
        raise family(f"{param} must be a positive number of seconds (math.inf: never), not {ttl!r}",
                     code="INVALID_ARGUMENT", param=param)
    if ttl == math.inf:
        return n.TTL_NEVER
    return min(max(1, math.ceil(ttl * 1e9)), n.TTL_NEVER - 1)


# ------------------------------------------------------------ factories
class _Flight:
    __slots__ = ("build", "key", "vtype", "kind", "error", "ttl_ns")

    def __init__(self, build, key, vtype, kind, ttl_ns=None):
        self.build, self.key, self.vtype, self.kind, self.error = build, key, vtype, kind, None
        self.ttl_ns = ttl_ns


_flights = {}
_flight_ids = itertools.count(1)
# The last failure of each key's factory, for the callers that waited on it
# (bounded; they raise FACTORY_FAILED with its description). Only the type
# name and message are kept: a traceback would keep the caller's frames, and
# with them its arguments, alive.
_failures = OrderedDict()
_failures_lock = threading.Lock()


def _factory(_key, ctx, out):
    # Runs on the calling thread of get_or_create, inside the core, without
    # the cache lock. Must not raise: any failure is stored and reported.
    flight = _flights.get(ctx)
    if flight is None:  # pragma: no cover - cannot happen
        return 1
    try:
        value = flight.build()
        if not isinstance(value, flight.vtype):
            raise FAMILY[flight.kind][0](
                f"the factory returned a {type(value).__name__}, not a boto3 {('client', 'resource')[flight.kind]}",
                code="INVALID_ARGUMENT")
        out[0] = n.new_handle(flight.key, value)
        return 0
    except BaseException as err:  # noqa: B902 - re-raised by the caller
        flight.error = err
        with _failures_lock:
            _failures[flight.key] = f"{type(err).__name__}: {err}"
            _failures.move_to_end(flight.key)
            while len(_failures) > 64:
                _failures.popitem(last=False)
        return 1


def _factory_ttl(key, ctx, out, out_ttl):
    rc = _factory(key, ctx, out)
    if rc == 0:
        out_ttl[0] = _flights[ctx].ttl_ns
    return rc


_factory_callback = n.FACTORY_FN(_factory)  # alive for the process' lifetime
_factory_ttl_callback = n.FACTORY_TTL_FN(_factory_ttl)


class _Cache:
    """Shared implementation; use ClientCache or ResourceCache."""

    _kind = n.KIND_CLIENT
    _fixed_policy = None

    def __init__(self, eviction_policy=None, max_size=None, *, ttl=None, on_evict=None, _clock=None):
        policy = self._fixed_policy or eviction_policy or "LRU"
        family = FAMILY[self._kind]
        if not isinstance(policy, str) or policy not in _POLICIES:
            raise family[0](f"unsupported eviction policy {policy!r}; supported: LRU, LFU",
                            code="INVALID_ARGUMENT", param="eviction_policy")
        size = 10 if max_size is None else self._check_size(max_size)
        if on_evict is not None and not callable(on_evict):
            raise family[0](f"on_evict must be callable, not {type(on_evict).__name__}",
                            code="INVALID_ARGUMENT", param="on_evict")
        if _clock is not None and not callable(_clock):
            raise family[0](f"_clock must be callable, not {type(_clock).__name__}",
                            code="INVALID_ARGUMENT", param="_clock")
        ttl_ns = n.TTL_DEFAULT if ttl is None else _ttl_ns(ttl, family[0])
        if ttl_ns == n.TTL_NEVER:
            ttl_ns = n.TTL_DEFAULT  # the cache's "no lifetime"
        self.ttl = None if ttl_ns == n.TTL_DEFAULT else ttl
        out = c_void_p()
        hooks = None
        if ttl_ns == n.TTL_DEFAULT and on_evict is None and _clock is None:
            st = n.lib.clientcache_cache_new(self._kind, _POLICIES[policy], size, n.release_callback,
                                             None, byref(out))
        else:
            opts = n.CacheOptions(size=ctypes.sizeof(n.CacheOptions), kind=self._kind,
                                  policy=_POLICIES[policy], max_size=size, ttl_ns=ttl_ns,
                                  release=n.release_callback)
            if on_evict is not None or _clock is not None:
                hooks = _Hooks(on_evict, _clock)
                if on_evict is not None:
                    opts.listener, opts.listener_ctx = _listener_callback, hooks.id
                if _clock is not None:
                    opts.clock, opts.clock_ctx = _clock_callback, hooks.id
                _hooks[hooks.id] = hooks
            st = n.lib.clientcache_cache_new_with_options(byref(opts), byref(out))
        if st != n.OK:
            if hooks is not None:
                _hooks.pop(hooks.id, None)
            raise family[0](n.last_error(), code=n.status_name(st))
        self._init(out.value, policy, hooks)

    def _init(self, ptr, policy, hooks=None):
        self._hooks = hooks
        self._ptr = ptr
        self.eviction_policy = policy
        self.cache_type = ("client", "resource")[self._kind]
        fam = FAMILY[self._kind]
        self._err, self._exists_err, self._not_found_err = fam
        self._key_class = KEY_CLASSES[self._kind]
        self._vtype = _value_types(self._kind)

    def _check_size(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise FAMILY[self._kind][0](f"max_size must be an integer of at least 1, not {value!r}",
                                        code="INVALID_ARGUMENT", param="max_size")
        return value

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            self._ptr = None
            hooks = getattr(self, "_hooks", None)
            try:
                # Tells on_evict "cleared" for each value still held.
                if hooks is not None:
                    with _freeing_lock:
                        _freeing.setdefault(hooks.id, [hooks, 0])[1] += 1
                n.lib.clientcache_cache_free(ptr)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass
            finally:
                if hooks is not None:
                    try:
                        with _freeing_lock:
                            held = _freeing[hooks.id]
                            held[1] -= 1
                            if held[1] == 0:
                                del _freeing[hooks.id]
                    except Exception:  # pragma: no cover - interpreter shutdown
                        pass

    # ------------------------------------------------------------ helpers
    def _not_found(self, what="the key is not in the cache"):
        return self._not_found_err(what, code="NOT_FOUND")

    def _status_error(self, st):
        message = n.last_error() or n.status_name(st)
        if st == n.EXISTS:
            return self._exists_err(message, code="EXISTS")
        if st == n.NOT_FOUND:
            return self._not_found_err(message, code="NOT_FOUND")
        return self._err(message, code=n.status_name(st))

    def _lookup(self, key, fn):
        """The value under key (promoting with _get), or _MISSING."""
        lease = c_void_p()
        if fn(self._ptr, key._ptr, byref(lease)) != n.OK:
            return _MISSING
        h = _lease_value(lease)
        value = _values[h][1]
        _lease_free(lease)
        return value

    def _entries(self):
        """[(key, value)] in victim order (the next victim first)."""
        snap = c_void_p()
        st = _f.clientcache_cache_snapshot(self._ptr, byref(snap))
        if st != n.OK:
            raise self._status_error(st)
        out = []
        lease = c_void_p()
        try:
            count = _f.clientcache_snapshot_len(snap)
            for i in range(count):
                kp = _f.clientcache_snapshot_key(snap, i)
                # Skips an entry removed by another thread since the snapshot.
                if _peek(self._ptr, kp, byref(lease)) == n.OK:
                    out.append(_values[_lease_value(lease)])
                    _lease_free(lease)
        finally:
            _f.clientcache_snapshot_free(snap)
        return out

    # ------------------------------------------------------------ dict protocol
    def __getitem__(self, key):
        if isinstance(key, _CacheKey):
            lease = c_void_p()
            st = _get(self._ptr, key._ptr, byref(lease))
            if st == n.OK:
                value = _values[_lease_value(lease)][1]
                _lease_free(lease)
                return value
            if st != n.NOT_FOUND:  # a key of the other kind is a mistake, not a miss
                raise self._status_error(st)
        raise self._not_found()

    def get(self, key, default=None):
        """The value under key (promoting it), or default."""
        if isinstance(key, _CacheKey):
            lease = c_void_p()
            st = _get(self._ptr, key._ptr, byref(lease))
            if st == n.OK:
                value = _values[_lease_value(lease)][1]
                _lease_free(lease)
                return value
            if st != n.NOT_FOUND:
                raise self._status_error(st)
        return default

    def __setitem__(self, key, value):
        if not isinstance(key, _CacheKey):
            raise self._err(f"a cache key must be a {self._key_class.__name__}, not a {type(key).__name__}",
                            code="INVALID_ARGUMENT")
        if not isinstance(value, self._vtype):
            raise self._err(f"a {self.cache_type} cache holds boto3 {self.cache_type}s, "
                            f"not a {type(value).__name__}", code="INVALID_ARGUMENT")
        h = n.new_handle(key, value)
        st = _insert(self._ptr, key._ptr, h)
        if st != n.OK:
            n.drop_handle(h)
            raise self._status_error(st)

    def set(self, key, value, ttl=None):
        """``cache[key] = value`` with the entry's own lifetime: ``ttl``
        seconds from now (``math.inf``: never expires; None: the cache's
        ``ttl``). Raises the ExistsError if key is present."""
        ttl_ns = n.TTL_DEFAULT if ttl is None else _ttl_ns(ttl, self._err)
        if not isinstance(key, _CacheKey):
            raise self._err(f"a cache key must be a {self._key_class.__name__}, not a {type(key).__name__}",
                            code="INVALID_ARGUMENT")
        if not isinstance(value, self._vtype):
            raise self._err(f"a {self.cache_type} cache holds boto3 {self.cache_type}s, "
                            f"not a {type(value).__name__}", code="INVALID_ARGUMENT")
        h = n.new_handle(key, value)
        st = _insert_with_ttl(self._ptr, key._ptr, h, ttl_ns)
        if st != n.OK:
            n.drop_handle(h)
            raise self._status_error(st)

    def purge_expired(self):
        """Drops every expired entry now (each told to on_evict as
        "expired") and returns how many. Expired entries also leave whenever
        an operation meets them, and are never returned."""
        count = c_size_t(0)
        st = _f.clientcache_cache_purge_expired(self._ptr, byref(count))
        if st != n.OK:
            raise self._status_error(st)
        return count.value

    def __delitem__(self, key):
        if not isinstance(key, _CacheKey):
            raise self._not_found()
        st = _remove(self._ptr, key._ptr, None)
        if st != n.OK:
            raise self._not_found() if st == n.NOT_FOUND else self._status_error(st)

    def pop(self, key, default=_MISSING):
        """Removes key and returns its value; NotFoundError (or default) on a miss."""
        if isinstance(key, _CacheKey):
            lease = c_void_p()
            st = _remove(self._ptr, key._ptr, byref(lease))
            if st == n.OK:
                value = _values[_lease_value(lease)][1]
                _lease_free(lease)
                return value
            if st != n.NOT_FOUND:
                raise self._status_error(st)
        if default is _MISSING:
            raise self._not_found()
        return default

    def popitem(self):
        """Removes and returns the next victim as (key, value)."""
        lease = c_void_p()
        if _f.clientcache_cache_pop_victim(self._ptr, None, byref(lease)) != n.OK:
            raise self._not_found("the cache is empty")
        entry = _values[_lease_value(lease)]
        _lease_free(lease)
        return entry

    def __contains__(self, key):
        return isinstance(key, _CacheKey) and bool(_contains(self._ptr, key._ptr))

    def __len__(self):
        return _len(self._ptr)

    def __iter__(self):
        return iter(self.keys())

    def __reversed__(self):
        return reversed(self.keys())

    def keys(self):
        """The keys, next victim first (a snapshot tuple)."""
        return tuple(k for k, _ in self._entries())

    def values(self):
        """The values, next victim's first (a snapshot tuple)."""
        return tuple(v for _, v in self._entries())

    def items(self):
        """(key, value) pairs, next victim first (a snapshot tuple)."""
        return tuple(self._entries())

    def clear(self):
        st = _f.clientcache_cache_clear(self._ptr)
        if st != n.OK:
            raise self._status_error(st)

    def copy(self):
        """A shallow copy: same policy, capacity and victim order, sharing the
        values; counters start at zero."""
        out = c_void_p()
        st = _f.clientcache_cache_copy(self._ptr, byref(out))
        if st != n.OK:
            raise self._status_error(st)
        new = type(self).__new__(type(self))
        new._init(out.value, self.eviction_policy, self._hooks)
        new.ttl = self.ttl
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        raise TypeError(f"a {type(self).__name__} cannot be deep-copied (its values are live SDK "
                        "objects); copy() makes a shallow copy")

    def __reduce__(self):
        raise TypeError(f"a {type(self).__name__} cannot be pickled: it holds live SDK objects")

    @property
    def max_size(self):
        """Capacity; setting it smaller evicts victims until the entries fit."""
        return _f.clientcache_cache_max_size(self._ptr)

    @max_size.setter
    def max_size(self, value):
        st = _f.clientcache_cache_set_max_size(self._ptr, self._check_size(value))
        if st != n.OK:
            raise self._status_error(st)

    def stats(self):
        """CacheStats(hits, misses, insertions, evictions, removals, len,
        max_size, expirations)."""
        s = n.StatsEx(size=ctypes.sizeof(n.StatsEx))
        st = _f.clientcache_cache_stats_ex(self._ptr, byref(s))
        if st != n.OK:
            raise self._status_error(st)
        return CacheStats(s.hits, s.misses, s.insertions, s.evictions, s.removals, s.len, s.max_size,
                          s.expirations)

    # ------------------------------------------------------------ single flight
    def get_or_create(self, key, factory, ttl=None):
        """The value under key; on a miss, factory() builds it, once: other
        threads asking for the same key meanwhile wait for that value (or
        that failure); other keys are never blocked. ``ttl`` (seconds,
        ``math.inf``: never) is the lifetime of a value built here; None
        gives it the cache's ``ttl``."""
        ttl_ns = None if ttl is None else _ttl_ns(ttl, self._err)
        if not isinstance(key, _CacheKey):
            raise self._err(f"a cache key must be a {self._key_class.__name__}, not a {type(key).__name__}",
                            code="INVALID_ARGUMENT")
        if _contains(self._ptr, key._ptr):
            value = self._lookup(key, _get)
            if value is not _MISSING:
                return value
        return self._build(key, factory, ttl_ns)

    def _build(self, key, factory, ttl_ns=None):
        """get_or_insert_with: single-flight build on a miss (or the value,
        if another thread put it there meanwhile)."""
        flight = _Flight(factory, key, self._vtype, self._kind, ttl_ns)
        fid = next(_flight_ids)
        _flights[fid] = flight
        lease = c_void_p()
        try:
            if ttl_ns is None:
                st = _get_or_insert_with(self._ptr, key._ptr, _factory_callback, fid, byref(lease))
            else:
                st = _get_or_insert_with_ttl(self._ptr, key._ptr, _factory_ttl_callback, fid,
                                             byref(lease))
        finally:
            del _flights[fid]
        if st == n.OK:
            value = _values[_lease_value(lease)][1]
            _lease_free(lease)
            return value
        if flight.error is not None:  # this thread ran the factory
            raise flight.error
        if st == n.FACTORY_FAILED:
            cause = _failures.get(key)
            raise self._err(f"building the {self.cache_type} for {key.label} failed in another thread"
                            + (f" ({cause})" if cause is not None else ""), code="FACTORY_FAILED")
        raise self._status_error(st)

    # ------------------------------------------------------------ display
    def __str__(self):
        name = f"{self.eviction_policy}{self.cache_type.capitalize()}Cache"
        keys = self.keys()
        if not keys:
            return f"{name}(empty)"
        return name + ":\n" + "\n".join(f"   - Session.{self.cache_type}({k.label})" for k in keys)

    __repr__ = __str__


class ClientCache(_Cache):
    """A bounded, thread-safe LRU or LFU cache of boto3 clients, used like a
    dict: ``cache[ClientCacheKey("s3", region_name="us-west-2")] = client``.

    ``eviction_policy`` is ``"LRU"`` (default) or ``"LFU"``; ``max_size``
    (default 10) is at least 1. Inserting a present key raises
    ClientCacheExistsError; a missing key raises ClientCacheNotFoundError.

    ``ttl`` (seconds) is the lifetime of every entry from its insertion
    (None: no expiry; ``set(key, value, ttl=...)`` gives one entry its own).
    ``on_evict(key, value, cause)`` is called once for every value that
    leaves, with cause "evicted", "expired", "removed", "replaced" or
    "cleared"; it runs outside the cache's lock and may use the cache; what
    it raises goes to ``sys.unraisablehook``. ``_clock`` is for tests only:
    a callable returning monotonic nanoseconds, read by the core under the
    cache's lock (so such a cache must be used by one thread at a time).
    """

    _kind = n.KIND_CLIENT


class ResourceCache(_Cache):
    """Like ClientCache, for boto3 resources and ResourceCacheKey."""

    _kind = n.KIND_RESOURCE


class LRUClientCache(ClientCache):
    _fixed_policy = "LRU"

    def __init__(self, max_size=None, **options):
        super().__init__("LRU", max_size, **options)


class LFUClientCache(ClientCache):
    _fixed_policy = "LFU"

    def __init__(self, max_size=None, **options):
        super().__init__("LFU", max_size, **options)


class LRUResourceCache(ResourceCache):
    _fixed_policy = "LRU"

    def __init__(self, max_size=None, **options):
        super().__init__("LRU", max_size, **options)


class LFUResourceCache(ResourceCache):
    _fixed_policy = "LFU"

    def __init__(self, max_size=None, **options):
        super().__init__("LFU", max_size, **options)
