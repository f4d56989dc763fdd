"""A real S3 round trip (create bucket, put, get) through a cached client,
against the local moto server that scripts/with-s3-server.sh starts on
127.0.0.1. Without the server this is skipped, unless
CLIENTCACHE_REQUIRE_S3=1 (as `make test-python` sets) makes it a failure."""
import os

import pytest

import clientcache
from botocore.config import Config

ENDPOINT = os.environ.get("CLIENTCACHE_TEST_S3_ENDPOINT")


@pytest.fixture
def endpoint():
    if not ENDPOINT:
        if os.environ.get("CLIENTCACHE_REQUIRE_S3") == "1":
            pytest.fail("CLIENTCACHE_TEST_S3_ENDPOINT is not set (run under scripts/with-s3-server.sh)")
        pytest.skip("no local S3 server (scripts/with-s3-server.sh sets CLIENTCACHE_TEST_S3_ENDPOINT)")
    return ENDPOINT


def test_round_trip_through_a_cached_client(endpoint):
    params = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="testing",
                  aws_secret_access_key="testing",
                  config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 2}))
    s3 = clientcache.client("s3", **params)
    assert s3 is clientcache.client("s3", **params)
    s3.create_bucket(Bucket="clientcache-python")
    s3.put_object(Bucket="clientcache-python", Key="hello.txt", Body=b"hello from python")
    again = clientcache.client("s3", **params)
    body = again.get_object(Bucket="clientcache-python", Key="hello.txt")["Body"].read()
    assert body == b"hello from python"
    (key,) = clientcache.get_default_session().cache["client"]["LRU"].keys()
    assert "testing" not in key.label and "***" in key.label


def test_resource_round_trip(endpoint):
    session = clientcache.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                  region_name="us-east-1")
    s3 = session.resource("s3", endpoint_url=endpoint)
    assert s3 is session.resource("s3", endpoint_url=endpoint)
    bucket = s3.Bucket("clientcache-python-resource")
    bucket.create()
    bucket.put_object(Key="k", Body=b"v")
    assert s3.Object("clientcache-python-resource", "k").get()["Body"].read() == b"v"
