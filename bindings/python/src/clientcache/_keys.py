"""ClientCacheKey / ResourceCacheKey: immutable keys built by the core."""
from __future__ import annotations

import ctypes
import json
from ctypes import byref, c_void_p

from . import _native as n
from ._errors import FAMILY
from ._params import bind, data, dumps, invalid

__all__ = ["ClientCacheKey", "ResourceCacheKey"]

_key_new = n.fastlib.clientcache_key_new
_key_free = n.fastlib.clientcache_key_free
_key_canonical = n.fastlib.clientcache_key_canonical
_key_fingerprint = n.fastlib.clientcache_key_fingerprint
_key_label = n.fastlib.clientcache_key_label
_key_clone = n.fastlib.clientcache_key_clone
_create_buffer = ctypes.create_string_buffer
_KINDS = ("client", "resource")


def _build(kind, service_name, params_json):
    """A new core key handle (int) from a service name and params JSON text."""
    if not isinstance(service_name, str):
        raise invalid(kind, f"service_name must be a str, not a {type(service_name).__name__}",
                      "service_name")
    svc = service_name.encode("utf-8", "surrogatepass")
    if params_json is None:
        text = None
        size = 0
    else:
        text = params_json.encode("utf-8", "surrogatepass") if isinstance(params_json, str) else bytes(params_json)
        size = len(text)
    out = c_void_p()
    st = _key_new(kind, svc, len(svc), text, size, byref(out))
    if st != n.OK:
        message = n.last_error()
        raise FAMILY[kind][0](message or n.status_name(st), code=n.status_name(st))
    return out.value


class _CacheKey:
    """A key: (kind, service name, params), canonicalized by the core.

    Equal keys have byte-identical canonical forms, in every language.
    Secrets are digested by the core when the key is built: the key object
    keeps no clear-text secret, and the arguments are not kept at all.
    """

    __slots__ = ("_ptr", "_canonical", "_hash", "_fingerprint", "_label", "service_name")
    _kind = 0

    def __init__(self, *args, **kwargs):
        kind = self._kind
        service, params = bind(kind, args, kwargs)
        self._init(_build(kind, service, dumps(params) if params else None), service)

    def _init(self, ptr, service):
        self._ptr = ptr
        self.service_name = service
        buf = _create_buffer(256)
        size = ctypes.c_size_t(0)
        st = _key_canonical(ptr, buf, 256, byref(size))
        if st == n.BUFFER_TOO_SMALL:
            buf = _create_buffer(size.value + 1)
            st = _key_canonical(ptr, buf, size.value + 1, byref(size))
        if st != n.OK:  # pragma: no cover - the core always has the text
            raise RuntimeError(n.status_name(st))
        self._canonical = buf.raw[:size.value].decode("utf-8")
        self._hash = hash(self._canonical)
        self._fingerprint = None
        self._label = None

    @classmethod
    def from_json(cls, service_name, params_json=None):
        """A key from a params JSON text (str or bytes) in the vocabulary of
        docs/identity.md, passed to the core verbatim (None: no params)."""
        self = cls.__new__(cls)
        self._init(_build(cls._kind, service_name, params_json), service_name)
        return self

    @classmethod
    def from_params(cls, service_name, params=None):
        """A key from a params dict in the vocabulary of docs/identity.md
        (`region_name`, ..., `config` as plain data), with no SDK mapping."""
        if params is not None and not isinstance(params, dict):
            raise invalid(cls._kind, f"params must be a dict, not a {type(params).__name__}", "params")
        text = None if params is None else dumps(data(params, "params", cls._kind))
        return cls.from_json(service_name, text)

    @classmethod
    def _from_borrowed(cls, ptr):
        """Wraps a new reference to a key the core lent us."""
        self = cls.__new__(cls)
        self._init(_key_clone(ptr), None)
        # The service name is part of the canonical form.
        self.service_name = json.loads(self._canonical)["service_name"]
        return self

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            self._ptr = None
            try:
                _key_free(ptr)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    # -- identity
    @property
    def canonical(self):
        """The RFC 8785 canonical form (secrets only as SHA-256 digests)."""
        return self._canonical

    key = canonical  # boto3-client-cache's name for the identity of a key

    @property
    def fingerprint(self):
        """First 16 bytes of SHA-256 of the canonical form, 32 hex digits."""
        fp = self._fingerprint
        if fp is None:
            buf = _create_buffer(33)
            _key_fingerprint(self._ptr, buf)
            fp = self._fingerprint = buf.value.decode("ascii")
        return fp

    @property
    def label(self):
        """For people and logs: ``s3(region_name="us-west-2")``; secrets ``***``."""
        label = self._label
        if label is None:
            label = self._label = n.read_text(_key_label, self._ptr)
        return label

    def diff(self, other):
        """Where this key and other differ, as the core computes it: a list
        of ``{"path": ..., "left": ..., "right": ...}``, one per differing
        path (``kind``, ``service_name``, a parameter, then ``.member`` and
        ``[index]`` steps), ``left`` from this key and ``right`` from
        other, as parsed JSON; a side is left out where the path is absent
        there. Secrets are ``"***"``. Equal keys give ``[]``."""
        if not isinstance(other, _CacheKey):
            raise invalid(self._kind, f"diff() needs a ClientCacheKey or ResourceCacheKey, "
                                      f"not a {type(other).__name__}")
        fn = getattr(n.fastlib, "clientcache_key_diff", None)
        if fn is None or fn.argtypes is None:
            raise FAMILY[self._kind][0](f"this libclientcache ({n.library_path}) has no "
                                        "clientcache_key_diff; rebuild it with `make lib`",
                                        code="UNSUPPORTED")
        return json.loads(n.read_text(fn, self._ptr, other._ptr))

    @property
    def kind(self):
        return _KINDS[self._kind]

    cache_type = kind  # boto3-client-cache's name

    def __eq__(self, other):
        if type(other) is type(self) or isinstance(other, _CacheKey):
            return other._kind == self._kind and other._canonical == self._canonical
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return self._hash

    def __str__(self):
        return self.label

    def __repr__(self):
        return f"{type(self).__name__}({self.label})"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds no clear-text secrets to rebuild from)")


class ClientCacheKey(_CacheKey):
    """The key of a client: ``ClientCacheKey("s3", region_name="us-west-2")``
    takes boto3's ``client()`` arguments, positionally or by keyword,
    including a ``botocore.config.Config``."""

    __slots__ = ()
    _kind = n.KIND_CLIENT


class ResourceCacheKey(_CacheKey):
    """The key of a resource: takes boto3's ``resource()`` arguments."""

    __slots__ = ()
    _kind = n.KIND_RESOURCE


KEY_CLASSES = {n.KIND_CLIENT: ClientCacheKey, n.KIND_RESOURCE: ResourceCacheKey}
