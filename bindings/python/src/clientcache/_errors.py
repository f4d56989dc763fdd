"""Exception classes: the same names and hierarchy as boto3-client-cache."""
from __future__ import annotations

__all__ = [
    "CacheError",
    "ClientCacheError",
    "ClientCacheExistsError",
    "ClientCacheNotFoundError",
    "ResourceCacheError",
    "ResourceCacheExistsError",
    "ResourceCacheNotFoundError",
]


class CacheError(Exception):
    """Base class of every clientcache error.

    ``code`` is the core's status name when the error comes from the core
    (``"NOT_FOUND"``, ``"EXISTS"``, ``"INVALID_ARGUMENT"``,
    ``"KIND_MISMATCH"``, ``"FACTORY_FAILED"``), else None. ``param`` names the
    offending parameter when known. Messages never contain a secret.
    """

    def __init__(self, message=None, *, code=None, status_code=None, details=None,
                 param=None, value=None):
        self.message = message or ""
        self.code = code
        self.status_code = status_code
        self.details = details
        self.param = param
        self.value = value
        super().__init__(self.message)

    def __str__(self):
        extra = [f"{name}={getattr(self, name)!r}"
                 for name in ("code", "status_code", "param", "value", "details")
                 if getattr(self, name) is not None]
        if not extra:
            return self.message
        return f"{self.message} ({', '.join(extra)})" if self.message else ", ".join(extra)

    def __repr__(self):
        parts = [repr(self.message)]
        parts += [f"{name}={getattr(self, name)!r}"
                  for name in ("code", "status_code", "param", "value", "details")
                  if getattr(self, name) is not None]
        return f"{type(self).__name__}({', '.join(parts)})"


class ClientCacheError(CacheError):
    """An error of a client cache or client key."""


class ClientCacheExistsError(ClientCacheError):
    """The key is already in the cache (a cache never overwrites)."""


class ClientCacheNotFoundError(ClientCacheError):
    """The key is not in the cache, or the cache is empty."""


class ResourceCacheError(CacheError):
    """An error of a resource cache or resource key."""


class ResourceCacheExistsError(ResourceCacheError):
    """The key is already in the cache (a cache never overwrites)."""


class ResourceCacheNotFoundError(ResourceCacheError):
    """The key is not in the cache, or the cache is empty."""


# kind (0 client, 1 resource) -> (base, exists, not found)
FAMILY = {
    0: (ClientCacheError, ClientCacheExistsError, ClientCacheNotFoundError),
    1: (ResourceCacheError, ResourceCacheExistsError, ResourceCacheNotFoundError),
}
