"""ClientCache / ResourceCache semantics of clientcache itself: errors,
stats, sizes, copies, kinds, and that every value is released exactly once."""
import gc

import boto3
import pytest

import clientcache
from clientcache import (CacheError, ClientCache, ClientCacheError, ClientCacheExistsError,
                         ClientCacheKey, ClientCacheNotFoundError, ResourceCache,
                         ResourceCacheError, ResourceCacheExistsError, ResourceCacheKey,
                         ResourceCacheNotFoundError)
from clientcache._native import value_stats


def key(region):
    return ClientCacheKey("s3", region_name=region)


def test_hierarchy():
    assert issubclass(ClientCacheExistsError, ClientCacheError)
    assert issubclass(ClientCacheNotFoundError, ClientCacheError)
    assert issubclass(ClientCacheError, CacheError)
    assert issubclass(ResourceCacheExistsError, ResourceCacheError)
    assert issubclass(ResourceCacheNotFoundError, ResourceCacheError)
    assert issubclass(ResourceCacheError, CacheError)
    assert not issubclass(ResourceCacheError, ClientCacheError)


def test_dict_protocol_lru(s3_clients):
    a, b, c = s3_clients
    cache = ClientCache(max_size=2)
    assert cache.max_size == 2 and len(cache) == 0 and cache.eviction_policy == "LRU"
    cache[key("us-east-1")] = a
    cache[key("us-west-2")] = b
    assert cache[key("us-east-1")] is a  # promotes: us-west-2 is the next victim
    assert cache.keys() == (key("us-west-2"), key("us-east-1"))
    cache[key("eu-west-1")] = c  # evicts us-west-2
    assert key("us-west-2") not in cache
    assert list(cache) == [key("us-east-1"), key("eu-west-1")]
    assert list(reversed(cache)) == [key("eu-west-1"), key("us-east-1")]
    assert cache.values() == (a, c)
    assert cache.items() == ((key("us-east-1"), a), (key("eu-west-1"), c))
    with pytest.raises(ClientCacheExistsError):
        cache[key("us-east-1")] = b
    assert cache[key("us-east-1")] is a  # unchanged
    with pytest.raises(ClientCacheNotFoundError):
        cache[key("ap-south-1")]
    assert cache.get(key("ap-south-1")) is None
    assert cache.get(key("ap-south-1"), "x") == "x"
    assert cache.pop(key("eu-west-1")) is c
    assert cache.pop(key("eu-west-1"), None) is None
    with pytest.raises(ClientCacheNotFoundError):
        cache.pop(key("eu-west-1"))
    with pytest.raises(ClientCacheNotFoundError):
        del cache[key("eu-west-1")]
    assert cache.popitem() == (key("us-east-1"), a)
    with pytest.raises(ClientCacheNotFoundError):
        cache.popitem()


def test_lfu_order(s3_clients):
    a, b, c = s3_clients
    cache = ClientCache("LFU", max_size=2)
    cache[key("us-east-1")] = a
    cache[key("us-west-2")] = b
    cache[key("us-east-1")]
    cache[key("us-east-1")]
    cache[key("us-west-2")]
    cache[key("eu-west-1")] = c  # us-west-2 used less: evicted
    assert cache.keys() == (key("eu-west-1"), key("us-east-1"))


def test_keys_are_the_inserted_objects(s3_clients):
    cache = ClientCache()
    k = key("us-east-1")
    cache[k] = s3_clients[0]
    assert cache.keys()[0] is k


def test_errors_for_wrong_types(s3_clients):
    cache = ClientCache()
    with pytest.raises(ClientCacheError):
        cache["not a key"] = s3_clients[0]
    with pytest.raises(ClientCacheError) as info:
        cache[key("us-east-1")] = "not a client"
    assert not isinstance(info.value, (ClientCacheExistsError, ClientCacheNotFoundError))
    with pytest.raises(ClientCacheNotFoundError):
        cache["not a key"]
    assert "not a key" not in cache
    rcache = ResourceCache()
    with pytest.raises(ResourceCacheError):
        rcache[ResourceCacheKey("s3")] = s3_clients[0]  # a client is not a resource
    resource = boto3.resource("s3", region_name="us-east-1")
    with pytest.raises(ClientCacheError):
        cache[key("us-east-1")] = resource  # nor the reverse
    rcache[ResourceCacheKey("s3")] = resource
    assert rcache[ResourceCacheKey("s3")] is resource
    with pytest.raises(ResourceCacheExistsError):
        rcache[ResourceCacheKey("s3")] = resource


def test_kind_mismatch(s3_clients):
    cache = ClientCache()
    rkey = ResourceCacheKey("s3", region_name="us-east-1")
    with pytest.raises(ClientCacheError) as info:
        cache[rkey] = s3_clients[0]
    assert info.value.code == "KIND_MISMATCH"
    # A key of the other kind is a mistake, not a miss (only `in` answers False).
    assert rkey not in cache
    for use in (lambda: cache[rkey], lambda: cache.get(rkey), lambda: cache.pop(rkey),
                lambda: cache.pop(rkey, None), lambda: cache.__delitem__(rkey),
                lambda: cache.get_or_create(rkey, lambda: s3_clients[0])):
        with pytest.raises(ClientCacheError) as info:
            use()
        assert info.value.code == "KIND_MISMATCH"
        assert not isinstance(info.value, ClientCacheNotFoundError)
    rcache = ResourceCache()
    with pytest.raises(ResourceCacheError) as info:
        rcache[ClientCacheKey("s3")]
    assert info.value.code == "KIND_MISMATCH"
    assert ClientCacheKey("s3") != ResourceCacheKey("s3")


def test_bad_policy_and_sizes():
    with pytest.raises(ClientCacheError):
        ClientCache("FIFO")
    with pytest.raises(ResourceCacheError):
        ResourceCache("lru")
    for bad in (0, -1, 1.5, True, "3"):
        with pytest.raises(ClientCacheError):
            ClientCache(max_size=bad)
    cache = ClientCache()
    assert cache.max_size == 10
    with pytest.raises(ClientCacheError):
        cache.max_size = 0


def test_shrinking_evicts_victims(s3_clients):
    cache = ClientCache(max_size=5)
    for i, region in enumerate(("us-east-1", "us-east-2", "us-west-1", "us-west-2")):
        cache[key(region)] = s3_clients[i % 3]
    cache.max_size = 2
    assert cache.keys() == (key("us-west-1"), key("us-west-2"))
    assert cache.stats().evictions == 2


def test_stats(s3_clients):
    cache = ClientCache(max_size=1)
    cache[key("us-east-1")] = s3_clients[0]
    cache[key("us-east-1")]
    cache.get(key("us-west-2"))
    cache[key("us-west-2")] = s3_clients[1]
    cache.pop(key("us-west-2"))
    s = cache.stats()
    assert (s.hits, s.misses, s.insertions, s.evictions, s.removals, s.len, s.max_size) == (1, 1, 2, 1, 1, 0, 1)
    assert s._asdict()["hits"] == 1


def test_copy_is_independent_and_shares_values(s3_clients):
    cache = ClientCache("LFU", max_size=3)
    cache[key("us-east-1")] = s3_clients[0]
    cache[key("us-west-2")] = s3_clients[1]
    cache[key("us-east-1")]
    dup = cache.copy()
    assert type(dup) is type(cache) and dup.eviction_policy == "LFU" and dup.max_size == 3
    assert dup.keys() == cache.keys() and dup[key("us-west-2")] is s3_clients[1]
    del cache[key("us-east-1")]
    assert key("us-east-1") in dup
    assert dup.stats().insertions == 0


def test_copy_module(s3_clients):
    import copy
    import pickle

    cache = ClientCache()
    cache[key("us-east-1")] = s3_clients[0]
    assert copy.copy(cache).keys() == cache.keys()
    with pytest.raises(TypeError):
        copy.deepcopy(cache)
    with pytest.raises(TypeError):
        pickle.dumps(cache)
    k = key("us-east-1")
    assert copy.copy(k) is k and copy.deepcopy(k) is k


def test_str(s3_clients):
    cache = ClientCache()
    assert str(cache) == "LRUClientCache(empty)"
    cache[key("us-east-1")] = s3_clients[0]
    assert 's3(region_name="us-east-1")' in str(cache)


def test_values_released_exactly_once(s3_clients):
    gc.collect()
    before = value_stats()
    cache = ClientCache(max_size=2)
    for region in ("us-east-1", "us-east-2", "us-west-1", "us-west-2"):
        cache[key(region)] = s3_clients[0]  # two evicted
    with pytest.raises(ClientCacheExistsError):
        cache[key("us-west-2")] = s3_clients[1]  # refused: never taken
    dup = cache.copy()
    cache.pop(key("us-west-1"))  # still in dup
    assert value_stats()["released"] - before["released"] == 2
    cache.clear()
    del cache
    assert value_stats()["live"] - before["live"] == 2  # dup holds both
    del dup
    gc.collect()
    after = value_stats()
    assert after["live"] == before["live"]
    assert after["released"] - before["released"] == 4
    assert after["unknown_releases"] == 0


def test_single_flight_failure_reaches_the_caller():
    cache = ClientCache()

    class Boom(Exception):
        pass

    def fail():
        raise Boom("no")

    with pytest.raises(Boom):
        cache.get_or_create(key("us-east-1"), fail)
    with pytest.raises(ClientCacheError):
        cache.get_or_create(key("us-east-1"), lambda: "not a client")
    assert len(cache) == 0
    assert value_stats()["unknown_releases"] == 0


def test_factory_asking_for_its_own_key_is_an_error(s3_clients):
    cache = ClientCache()
    k = key("us-east-1")
    seen = []

    def reenter():
        with pytest.raises(ClientCacheError) as info:
            cache.get_or_create(k, lambda: s3_clients[0])
        seen.append(info.value.code)
        return s3_clients[1]

    assert cache.get_or_create(k, reenter) is s3_clients[1]
    assert seen == ["INVALID_ARGUMENT"]


def test_keys_hold_no_arguments():
    from botocore.config import Config

    k = ClientCacheKey("s3", "us-west-2", config=Config(user_agent_extra="x"),
                       aws_secret_access_key="SECRET-123")
    assert not hasattr(k, "__dict__")
    assert "SECRET-123" not in repr(k) and "SECRET-123" not in k.canonical
    with pytest.raises(TypeError):
        import pickle
        pickle.dumps(k)


def test_key_diff():
    a = ClientCacheKey("s3", region_name="us-west-2", aws_secret_access_key="SECRET-1")
    b = ClientCacheKey("s3", region_name="eu-west-1", aws_secret_access_key="SECRET-2",
                       api_version="2006-03-01")
    diff = a.diff(b)
    assert [d["path"] for d in diff] == ["api_version", "aws_secret_access_key", "region_name"]
    assert diff[0] == {"path": "api_version", "right": "2006-03-01"}
    assert diff[1] == {"path": "aws_secret_access_key", "left": "***", "right": "***"}
    assert diff[2] == {"path": "region_name", "left": "us-west-2", "right": "eu-west-1"}
    assert "SECRET" not in repr(diff)
    assert a.diff(ClientCacheKey("s3", "us-west-2", aws_secret_access_key="SECRET-1")) == []
    assert [d["path"] for d in ClientCacheKey("s3").diff(ResourceCacheKey("sqs"))] == ["kind", "service_name"]
    with pytest.raises(ClientCacheError):
        a.diff("s3")


def test_key_signature_errors():
    with pytest.raises(TypeError):
        ClientCacheKey()
    with pytest.raises(TypeError):
        ClientCacheKey("s3", regin_name="us-west-2")
    with pytest.raises(TypeError):
        ClientCacheKey("s3", "us-west-2", region_name="us-east-1")
    with pytest.raises(TypeError):
        ClientCacheKey(*(["s3"] + [None] * 11))
    with pytest.raises(ClientCacheError):
        ClientCacheKey("S3")
    with pytest.raises(ClientCacheError):
        ClientCacheKey("s3", region_name=5)
    with pytest.raises(ClientCacheError):
        ClientCacheKey("s3", config={"retries": {"max_attempts": 3}})  # a dict is not a Config
    with pytest.raises(TypeError):
        ResourceCacheKey("s3", aws_account_id="1")  # resource() has no such argument
    # boto3-client-cache's cache options are accepted and ignored
    assert ClientCacheKey("s3", eviction_policy="LFU", max_size=3) == ClientCacheKey("s3")


def test_library_metadata():
    assert clientcache.core_version
    assert clientcache.library_path


def test_package_version_matches_the_library():
    # One release number for the library and every binding: the workspace
    # version in rust/Cargo.toml, the wheel's and the module's.
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[3]
    workspace = re.search(r'^version = "([^"]+)"', (root / "rust/Cargo.toml").read_text(), re.M)
    project = re.search(r'^version = "([^"]+)"',
                        (root / "bindings/python/pyproject.toml").read_text(), re.M)
    assert workspace and project
    assert clientcache.__version__ == workspace.group(1) == project.group(1)
    assert clientcache.core_version.startswith(workspace.group(1))
