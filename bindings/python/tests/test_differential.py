"""Random dict-protocol sequences run against boto3-client-cache itself and
against clientcache, for both eviction policies: every result, exception
class, key order and length must agree."""
import random

import pytest

import boto3_client_cache as orig
import clientcache as ours

REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1")
OPS = ("set", "set", "set", "getitem", "getitem", "get", "get_default", "contains", "del", "pop",
       "popitem", "len", "keys", "values", "items", "iter", "reversed", "max_size", "clear", "copy",
       "not_a_key")


class Side:
    """One implementation: its cache and keys, indexed alike."""

    def __init__(self, lib, policy, size):
        self.lib = lib
        self.cache = lib.ClientCache(policy, max_size=size)
        self.keys = [lib.ClientCacheKey("s3", region_name=r) for r in REGIONS]

    def index(self, key):
        return self.keys.index(key)


def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as err:  # noqa: BLE001 - the class is what we compare
        return ("raise", type(err).__name__)


def step(side, op, k, v, size, clients):
    c = side.cache
    key = side.keys[k]
    ix = side.index
    if op == "set":
        def f():
            c[key] = clients[v]
    elif op == "getitem":
        def f():
            return clients.index(c[key])
    elif op == "get":
        def f():
            got = c.get(key)
            return None if got is None else clients.index(got)
    elif op == "get_default":
        def f():
            return c.get(key, "default")
    elif op == "contains":
        def f():
            return key in c
    elif op == "del":
        def f():
            del c[key]
    elif op == "pop":
        def f():
            return clients.index(c.pop(key))
    elif op == "popitem":
        def f():
            got_key, got = c.popitem()
            return ix(got_key), clients.index(got)
    elif op == "len":
        def f():
            return len(c)
    elif op == "keys":
        def f():
            got = c.keys()
            assert isinstance(got, tuple)
            return [ix(x) for x in got]
    elif op == "values":
        def f():
            got = c.values()
            assert isinstance(got, tuple)
            return [clients.index(x) for x in got]
    elif op == "items":
        def f():
            return [(ix(a), clients.index(b)) for a, b in c.items()]
    elif op == "iter":
        def f():
            return [ix(x) for x in c]
    elif op == "reversed":
        def f():
            return [ix(x) for x in reversed(c)]
    elif op == "max_size":
        def f():
            c.max_size = size
            return c.max_size
    elif op == "clear":
        def f():
            c.clear()
    elif op == "copy":
        def f():
            side.cache = c.copy()
            return [ix(x) for x in side.cache.keys()], len(side.cache), side.cache.max_size
    elif op == "not_a_key":
        def f():
            return ("region" in c, c.get("region"), outcome(lambda: c["region"]),
                    outcome(lambda: c.pop("region")), outcome(lambda: c.__delitem__("region")))
    return outcome(f)


@pytest.mark.parametrize("policy", ["LRU", "LFU"])
@pytest.mark.parametrize("seed", range(12))
def test_random_sequences_agree(policy, seed, s3_clients):
    rng = random.Random(f"{policy}-{seed}")
    size = rng.randint(1, 5)
    a, b = Side(orig, policy, size), Side(ours, policy, size)
    longest = 0
    for i in range(250):
        op = rng.choice(OPS)
        k = rng.randrange(len(REGIONS))
        v = rng.randrange(len(s3_clients))
        new_size = rng.randint(1, 6)
        ra = step(a, op, k, v, new_size, s3_clients)
        rb = step(b, op, k, v, new_size, s3_clients)
        assert ra == rb, f"step {i}: {op} key {k}: boto3-client-cache {ra} != clientcache {rb}"
        assert len(a.cache) == len(b.cache), f"step {i}: {op}"
        assert [a.index(x) for x in a.cache.keys()] == [b.index(x) for x in b.cache.keys()], f"step {i}: {op}"
        assert a.cache.max_size == b.cache.max_size
        longest = max(longest, len(b.cache))
    assert longest >= 2  # the sequence exercised eviction order, not only empty caches


@pytest.mark.parametrize("policy", ["LRU", "LFU"])
def test_exception_classes_match_by_name(policy):
    for name in ("CacheError", "ClientCacheError", "ClientCacheExistsError", "ClientCacheNotFoundError",
                 "ResourceCacheError", "ResourceCacheExistsError", "ResourceCacheNotFoundError"):
        mine, theirs = getattr(ours, name), getattr(orig, name)
        assert [c.__name__ for c in mine.__mro__[:-2]] == [c.__name__ for c in theirs.__mro__[:-2]]
