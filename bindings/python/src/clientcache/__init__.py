"""clientcache: cached boto3 clients and resources with deterministic,
cross-language identity.

The API of boto3-client-cache (``client``, ``resource``, ``Session``,
``ClientCache``, ``ClientCacheKey``, ...) over libclientcache, the same core
that the Go, Node and Rust bindings use: a key built here has the same
canonical form and fingerprint as one built in any of them. See
docs/identity.md for the identity rules and bindings/python/README.md.
"""
from ._native import library_path, version as core_version
from ._errors import (CacheError, ClientCacheError, ClientCacheExistsError,
                      ClientCacheNotFoundError, ResourceCacheError,
                      ResourceCacheExistsError, ResourceCacheNotFoundError)
from ._keys import ClientCacheKey, ResourceCacheKey
from ._cache import (CacheStats, ClientCache, LFUClientCache, LFUResourceCache,
                     LRUClientCache, LRUResourceCache, ResourceCache)
from ._session import (Session, SessionCache, SessionClientCache, SessionResourceCache,
                       client, get_default_session, resource, setup_default_session)

__version__ = "0.3.0"

__all__ = [
    "CacheError", "ClientCacheError", "ClientCacheExistsError", "ClientCacheNotFoundError",
    "ResourceCacheError", "ResourceCacheExistsError", "ResourceCacheNotFoundError",
    "ClientCacheKey", "ResourceCacheKey",
    "CacheStats", "ClientCache", "ResourceCache",
    "LRUClientCache", "LFUClientCache", "LRUResourceCache", "LFUResourceCache",
    "Session", "SessionCache", "SessionClientCache", "SessionResourceCache",
    "client", "resource", "setup_default_session", "get_default_session",
    "library_path", "core_version",
]
