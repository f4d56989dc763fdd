"""boto3-client-cache's own README and docstring examples, run against
clientcache with only the import changed (`boto3_client_cache` ->
`clientcache`)."""
import boto3
import pytest


def test_high_level_client():
    from clientcache import client

    s3 = client("s3", region_name="us-west-2")
    s3_again = client("s3", region_name="us-west-2")
    assert s3 is s3_again


def test_high_level_session():
    from clientcache import Session

    session = Session(profile_name="default")
    s3 = session.client("s3")
    s3_again = session.client("s3")
    assert s3 is s3_again


def test_session_docstring_examples():
    from clientcache import Session, client, setup_default_session

    session = Session(region_name="us-east-1")
    s3_client = session.client("s3")
    assert s3_client is session.client("s3")

    s3_resource = session.resource("s3", eviction_policy="LFU", max_size=20)
    assert s3_resource is session.resource("s3", eviction_policy="LFU", max_size=20)

    setup_default_session(region_name="us-east-1")
    s3_client = client("s3")
    assert s3_client is client("s3")


def test_client_after_boto3_default_session():
    """The same example after boto3.setup_default_session(): works here."""
    from clientcache import client

    boto3.setup_default_session()
    s3 = client("s3", region_name="us-west-2")
    assert s3 is client("s3", region_name="us-west-2")


def test_low_level_api_and_error_semantics():
    from clientcache import (ClientCache, ClientCacheError, ClientCacheExistsError, ClientCacheKey,
                             ClientCacheNotFoundError)

    cache = ClientCache(max_size=30)
    kwargs = {"service_name": "s3", "region_name": "us-west-2"}
    key = ClientCacheKey(**kwargs)
    cache[key] = boto3.client(**kwargs)
    s3_client = cache[key]
    assert s3_client is cache[ClientCacheKey("s3", region_name="us-west-2")]

    with pytest.raises(ClientCacheExistsError):
        cache[key] = boto3.client(**kwargs)
    with pytest.raises(ClientCacheNotFoundError):
        cache[ClientCacheKey(service_name="ec2", region_name="us-west-2")]
    assert cache.get(ClientCacheKey(service_name="ec2", region_name="us-west-2")) is None
    with pytest.raises(ClientCacheError):
        cache["this is not a ClientCacheKey"]
    with pytest.raises(ClientCacheError):
        cache[ClientCacheKey("s3")] = "this is not a boto3 client"


def test_cache_docstring_examples():
    from clientcache import ClientCache, ClientCacheKey, ResourceCache, ResourceCacheKey

    lfu = ClientCache("LFU", max_size=2)
    key = ClientCacheKey("s3", region_name="us-west-2")
    lfu[key] = boto3.client("s3", region_name="us-west-2")
    assert key in lfu and len(lfu) == 1

    resources = ResourceCache()
    rkey = ResourceCacheKey("s3", region_name="us-west-2")
    resources[rkey] = boto3.resource("s3", region_name="us-west-2")
    assert resources[rkey] is resources.get(rkey)
