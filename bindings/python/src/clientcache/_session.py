"""High-level API: a boto3 Session whose client() and resource() are cached,
and module-level client() / resource()."""
from __future__ import annotations

import copy
from hashlib import sha256 as _sha256
import threading
from ctypes import byref, c_void_p
from threading import get_ident

import boto3
import boto3.session

from . import _native as n
from ._cache import ClientCache, ResourceCache, _MISSING
from ._errors import FAMILY
from ._keys import ClientCacheKey, ResourceCacheKey, _build
from ._params import SECRETS, SESSION_NAMES, bind, dumps, merge, session_params

__all__ = ["Session", "SessionCache", "SessionClientCache", "SessionResourceCache",
           "client", "resource", "setup_default_session", "get_default_session"]

_Boto3Session = boto3.session.Session
_MEMO_SIZE = 256
# Only calls made of these types are memoized: no int/float (1 == True), no
# objects (a Config can be changed in place); secrets only as digests (see
# _memoizable and _secret_memo_id).
_MEMO_TYPES = frozenset((str, bool, type(None)))
_SECRET_POSITIONS = 6  # service, region, api_version, use_ssl, verify, endpoint, then secrets


class SessionClientCache:
    """A session's client caches, one per eviction policy: ``.LRU``, ``.LFU``."""

    def __init__(self, ttl=None):
        self.LRU = ClientCache("LRU", ttl=ttl)
        self.LFU = ClientCache("LFU", ttl=ttl)

    def __getitem__(self, policy):
        return getattr(self, policy)


class SessionResourceCache:
    """A session's resource caches, one per eviction policy: ``.LRU``, ``.LFU``."""

    def __init__(self, ttl=None):
        self.LRU = ResourceCache("LRU", ttl=ttl)
        self.LFU = ResourceCache("LFU", ttl=ttl)

    def __getitem__(self, policy):
        return getattr(self, policy)


class SessionCache:
    """``session.cache["client"]["LRU"]`` and the like."""

    def __init__(self, ttl=None):
        self.client = SessionClientCache(ttl)
        self.resource = SessionResourceCache(ttl)

    def __getitem__(self, kind):
        return getattr(self, kind)


def _plain_copy(value):
    """Copies dicts and lists (recursively), shares everything else."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value


def _own_config(config):
    """A Config the SDK may write into: botocore rewrites the retries dict it
    is given in place (max_attempts -> total_max_attempts, mode added), which
    would change the key of the caller's next call with the same objects."""
    new = copy.copy(config)
    for name, value in vars(config).items():
        if isinstance(value, (dict, list)):
            setattr(new, name, _plain_copy(value))
    return new


def _sdk_arguments(args, kwargs):
    """args and kwargs for boto3, with any Config replaced by its own copy."""
    from botocore.config import Config

    if len(args) > 9 and isinstance(args[9], Config):
        args = args[:9] + (_own_config(args[9]),) + args[10:]
    if isinstance(kwargs.get("config"), Config):
        kwargs = dict(kwargs, config=_own_config(kwargs["config"]))
    return args, kwargs


def _memoizable(args, kwargs):
    """True when a call may enter the memo: plain str / bool / None values
    only (no number: 1 == True; no object: a Config can be changed in place)
    and no secret (a memo entry outlives the client that holds it)."""
    if len(args) > _SECRET_POSITIONS:
        return False
    for value in args:
        if type(value) not in _MEMO_TYPES:
            return False
    for name, value in kwargs.items():
        if type(value) not in _MEMO_TYPES or (value is not None and name in SECRETS):
            return False
    return True


_SECRET_IDS = object()  # first member of every memo id made by _secret_memo_id


def _secret_memo_id(args, kwargs):
    """The memo id of a call with credentials, or None. The id holds the
    SHA-256 digest of each secret, never its text, so a memo entry keeps no
    clear-text secret; the key itself is still built by the core from the
    call. Only calls of str / bool / None values qualify, and every value is
    checked before the lookup, so no other type can meet an entry."""
    if len(args) > _SECRET_POSITIONS + 3:  # a positional Config or more
        return None
    out = [_SECRET_IDS]
    for i, value in enumerate(args):
        kind = type(value)
        if kind not in _MEMO_TYPES:
            return None
        if i >= _SECRET_POSITIONS and value is not None:
            if kind is not str:
                return None
            value = _sha256(value.encode("utf-8", "surrogatepass")).digest()
        out.append(value)
    out.append(None)  # separates positional from keyword arguments
    for name, value in kwargs.items():
        kind = type(value)
        if kind not in _MEMO_TYPES:
            return None
        if name in SECRETS and value is not None:
            if kind is not str:
                return None
            value = _sha256(value.encode("utf-8", "surrogatepass")).digest()
        out.append((name, value))
    return tuple(out)


def _exact_types(args, kwargs, types):
    return tuple(map(type, args)) + tuple(map(type, kwargs.values())) == types


class Session(_Boto3Session):
    """A boto3 Session whose ``client()`` and ``resource()`` return cached
    objects: the same arguments (merged over this session's own options)
    give the same object, built once even when many threads ask at once.

    Each session has its own caches (``session.cache["client"]["LRU"]``, ...).
    ``cache_ttl`` (seconds; keyword only, not passed to boto3) is the
    lifetime of every client and resource in them, from its creation;
    None (default) keeps them until evicted.
    """

    def __init__(self, *args, cache_ttl=None, **kwargs):
        super().__init__(*args, **kwargs)
        given = dict(zip(SESSION_NAMES, args))
        given.update(kwargs)
        self._defaults = session_params(given)
        self._setup_caches(cache_ttl)

    def _setup_caches(self, cache_ttl=None):
        self.cache = SessionCache(cache_ttl)
        self._policies = {
            n.KIND_CLIENT: {None: self.cache.client.LRU, "LRU": self.cache.client.LRU,
                            "LFU": self.cache.client.LFU},
            n.KIND_RESOURCE: {None: self.cache.resource.LRU, "LRU": self.cache.resource.LRU,
                              "LFU": self.cache.resource.LFU},
        }
        # Memo of recent calls' keys: call arguments -> key. Building a key
        # (JSON, the core's parse and SHA-256) costs microseconds; equal
        # arguments always give an equal key, and the memo only holds calls
        # of plain str/bool/None values without secrets. Bounded, per session.
        self._memo = ({}, {})
        self._memo_lock = threading.Lock()
        self._resource_builders = set()

    # ------------------------------------------------------------ keys
    def _key(self, kind, args, kwargs):
        service, params = bind(kind, args, kwargs)
        params = merge(self._defaults, params)
        cls = ResourceCacheKey if kind else ClientCacheKey
        key = cls.__new__(cls)
        key._init(_build(kind, service, dumps(params) if params else None), service)
        return key

    def client_key(self, *args, **kwargs):
        """The ClientCacheKey that ``self.client(*args, **kwargs)`` uses."""
        return self._key(n.KIND_CLIENT, args, kwargs)

    def resource_key(self, *args, **kwargs):
        """The ResourceCacheKey that ``self.resource(*args, **kwargs)`` uses."""
        return self._key(n.KIND_RESOURCE, args, kwargs)

    def _memo_key(self, kind, args, kwargs):
        """The key of a call, through the memo.

        Without secrets, a memo id is the call's arguments as given; an
        entry is only made for a _memoizable call and remembers the argument
        types when one is a bool, so that equal-but-different values (True
        and 1) never share an entry. With secrets, see _secret_memo_id."""
        memo = self._memo[kind]
        if len(args) > _SECRET_POSITIONS or (kwargs and not SECRETS.isdisjoint(kwargs)):
            mid = _secret_memo_id(args, kwargs)
            entry = memo.get(mid) if mid is not None else None
            if entry is not None:
                return entry[0]
            types = None
        else:
            try:
                mid = (args, tuple(kwargs.items())) if kwargs else args
                entry = memo.get(mid)
            except TypeError:  # an unhashable argument: never memoized
                mid = entry = None
            if entry is not None and (entry[1] is None or _exact_types(args, kwargs, entry[1])):
                return entry[0]
            if mid is not None and not _memoizable(args, kwargs):
                mid = None
            types = None
            if mid is not None and (any(type(v) is bool for v in args)
                                    or any(type(v) is bool for v in kwargs.values())):
                types = tuple(map(type, args)) + tuple(map(type, kwargs.values()))
        key = self._key(kind, args, kwargs)
        if mid is not None:
            with self._memo_lock:
                if len(memo) >= _MEMO_SIZE:
                    memo.pop(next(iter(memo)), None)
                memo[mid] = (key, types)
        return key

    def _cached(self, kind, args, kwargs, eviction_policy, max_size):
        cache = self._policies[kind].get(eviction_policy)
        if cache is None:
            raise FAMILY[kind][0](f"invalid eviction policy {eviction_policy!r}; valid: 'LRU', 'LFU'",
                                  code="INVALID_ARGUMENT", param="eviction_policy")
        key = self._memo_key(kind, args, kwargs)
        # The hit path: one short call to see the key is there (it counts no
        # lookup), one get (a hit, promoting), the lease read and freed.
        ptr, kptr = cache._ptr, key._ptr
        value = _MISSING
        if _contains(ptr, kptr):
            lease = c_void_p()
            if _get(ptr, kptr, byref(lease)) == 0:
                value = _values[_lease_value(lease)][1]
                _lease_free(lease)
        if value is _MISSING:
            if kind:
                value = cache._build(key, lambda: self._build_resource(args, kwargs))
            else:
                value = cache._build(key, lambda: self._build_client(args, kwargs))
        if max_size is not None and max_size != cache.max_size:
            cache.max_size = max_size
        return value

    # ------------------------------------------------------------ API
    def client(self, *args, eviction_policy=None, max_size=None, **kwargs):
        """The cached client for boto3's ``client(*args, **kwargs)``; built
        on a miss. ``eviction_policy`` picks this session's LRU (default) or
        LFU cache; ``max_size``, when given, resizes that cache."""
        if self._resource_builders and get_ident() in self._resource_builders:
            # boto3's resource() asking for its own client: not cached apart.
            return _Boto3Session.client(self, *args, **kwargs)
        return self._cached(n.KIND_CLIENT, args, kwargs, eviction_policy, max_size)

    def resource(self, *args, eviction_policy=None, max_size=None, **kwargs):
        """The cached resource for boto3's ``resource(*args, **kwargs)``."""
        return self._cached(n.KIND_RESOURCE, args, kwargs, eviction_policy, max_size)

    def _build_client(self, args, kwargs):
        args, kwargs = _sdk_arguments(args, kwargs)
        return _Boto3Session.client(self, *args, **kwargs)

    def _build_resource(self, args, kwargs):
        args, kwargs = _sdk_arguments(args, kwargs)
        me = get_ident()
        self._resource_builders.add(me)
        try:
            return _Boto3Session.resource(self, *args, **kwargs)
        finally:
            self._resource_builders.discard(me)


_get = n.fastlib.clientcache_cache_get
_contains = n.fastlib.clientcache_cache_contains
_lease_value = n.fastlib.clientcache_lease_value
_lease_free = n.fastlib.clientcache_lease_free
_values = n._values


class _DefaultSessionView(Session):
    """A caching Session over a plain boto3 Session (one made by
    ``boto3.setup_default_session``): clients and resources are built by
    that session itself, and the key defaults are what was given to it
    explicitly (region, profile, static credentials), read once."""

    def __init__(self, plain):
        # Not boto3's Session.__init__: that would register boto3's event
        # handlers a second time on the plain session's botocore session.
        self._plain = plain
        self._session = plain._session
        core = plain._session
        explicit = core.instance_variables()
        given = {"region_name": explicit.get("region"), "profile_name": explicit.get("profile")}
        creds = getattr(core, "_credentials", None)
        if creds is not None and getattr(creds, "method", None) == "explicit":
            given.update(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                         aws_session_token=creds.token)
        self._defaults = session_params(given)
        self._setup_caches()

    def __getattr__(self, name):  # anything else is the plain session's
        if name.startswith("__") or name == "_plain":
            raise AttributeError(name)
        return getattr(self._plain, name)

    def _build_client(self, args, kwargs):
        args, kwargs = _sdk_arguments(args, kwargs)
        return self._plain.client(*args, **kwargs)

    def _build_resource(self, args, kwargs):
        args, kwargs = _sdk_arguments(args, kwargs)
        return self._plain.resource(*args, **kwargs)


_default_lock = threading.Lock()
_own_default = [None]
_views = [None]  # (plain boto3 session, its caching view)


def setup_default_session(**kwargs):
    """Makes a caching Session boto3's default session (``boto3.client``
    then caches too) and returns it."""
    boto3.DEFAULT_SESSION = Session(**kwargs)
    return boto3.DEFAULT_SESSION


def get_default_session():
    """The Session behind module-level client() / resource(): boto3's default
    session when it is a caching Session; a caching view of it when it is a
    plain boto3 Session; else one of this module's own (boto3's default
    session is left as it is)."""
    current = boto3.DEFAULT_SESSION
    if current is None:
        own = _own_default[0]
        if own is None:
            with _default_lock:
                own = _own_default[0]
                if own is None:
                    own = _own_default[0] = Session()
        return own
    if isinstance(current, Session):
        return current
    view = _views[0]
    if view is None or view[0] is not current:
        with _default_lock:
            view = _views[0]
            if view is None or view[0] is not current:
                view = _views[0] = (current, _DefaultSessionView(current))
    return view[1]


def client(*args, eviction_policy=None, max_size=None, **kwargs):
    """The cached client for ``boto3.client(*args, **kwargs)`` from the
    default session (see get_default_session)."""
    session = boto3.DEFAULT_SESSION
    if session is None:
        session = _own_default[0] or get_default_session()
    elif not isinstance(session, Session):
        session = get_default_session()
    if type(session).client is not Session.client or (
            session._resource_builders and get_ident() in session._resource_builders):
        # An overridden client(), or boto3's resource() asking for its client.
        return session.client(*args, eviction_policy=eviction_policy, max_size=max_size, **kwargs)
    return session._cached(0, args, kwargs, eviction_policy, max_size)


def resource(*args, eviction_policy=None, max_size=None, **kwargs):
    """The cached resource for ``boto3.resource(*args, **kwargs)``."""
    return get_default_session().resource(*args, eviction_policy=eviction_policy, max_size=max_size, **kwargs)
