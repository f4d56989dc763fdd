"""The high-level API: Session, client(), resource(), the default session,
and the key memo of the hit path (it must never be stale nor collide)."""
import boto3
import pytest
from botocore.config import Config

import boto3_client_cache
import clientcache
from clientcache import ClientCacheError, ClientCacheKey, ResourceCacheError, Session


def test_session_caches_per_policy_and_resizes():
    session = Session(region_name="us-east-1")
    a = session.client("s3")
    assert session.client("s3") is a
    assert session.client("s3", eviction_policy="LFU") is not a
    assert len(session.cache["client"]["LRU"]) == 1
    assert len(session.cache["client"]["LFU"]) == 1
    session.client("s3", region_name="eu-west-1", max_size=1)
    assert session.cache["client"]["LRU"].max_size == 1
    assert session.cache.client.LRU.keys() == (session.client_key("s3", region_name="eu-west-1"),)
    with pytest.raises(ClientCacheError):
        session.client("s3", eviction_policy="FIFO")
    with pytest.raises(ResourceCacheError):
        session.resource("s3", eviction_policy="MRU")


def test_session_is_a_boto3_session():
    session = Session(region_name="eu-west-2")
    assert isinstance(session, boto3.session.Session)
    assert session.region_name == "eu-west-2"
    boto3.setup_default_session(region_name="eu-west-3")
    view = clientcache.get_default_session()
    assert isinstance(view, Session) and view.region_name == "eu-west-3"
    assert "s3" in view.get_available_services()


def test_module_client_uses_an_overridden_session_client():
    calls = []

    class Traced(Session):
        def client(self, *args, **kwargs):
            calls.append(args)
            return super().client(*args, **kwargs)

    boto3.DEFAULT_SESSION = Traced(region_name="us-east-1")
    a = clientcache.client("s3")
    assert clientcache.client("s3") is a and calls == [("s3",), ("s3",)]


def test_sessions_do_not_share_caches():
    assert Session().client("s3") is not Session().client("s3")


def test_session_defaults_are_part_of_the_key():
    east = Session(region_name="us-east-1")
    assert east.client_key("s3") == ClientCacheKey("s3", region_name="us-east-1")
    assert east.client_key("s3", region_name="eu-west-1") == ClientCacheKey("s3", region_name="eu-west-1")
    assert east.client("s3").meta.region_name == "us-east-1"


def test_resource_is_cached_and_its_client_is_not_cached_apart():
    session = Session(region_name="us-east-1")
    r = session.resource("s3")
    assert session.resource("s3") is r
    assert r.meta.client.meta.region_name == "us-east-1"
    assert len(session.cache["resource"]["LRU"]) == 1
    assert len(session.cache["client"]["LRU"]) == 0
    assert clientcache.resource("s3", region_name="us-west-2") is clientcache.resource("s3", region_name="us-west-2")


def test_client_without_any_default_session():
    assert boto3.DEFAULT_SESSION is None
    a = clientcache.client("s3", region_name="us-west-2")
    assert a is clientcache.client("s3", region_name="us-west-2")
    assert boto3.DEFAULT_SESSION is None  # boto3's default session is left alone


def test_client_after_boto3_setup_default_session():
    boto3.setup_default_session(region_name="eu-central-1")
    a = clientcache.client("s3")
    assert a is clientcache.client("s3")
    assert a.meta.region_name == "eu-central-1"
    (key,) = clientcache.get_default_session().cache["client"]["LRU"].keys()
    assert key == ClientCacheKey("s3", region_name="eu-central-1")
    # A new boto3 default session: a new view with its own caches.
    boto3.setup_default_session(region_name="ap-south-1")
    b = clientcache.client("s3")
    assert b is not a and b.meta.region_name == "ap-south-1"


def test_client_after_boto3_setup_default_session_with_credentials():
    boto3.setup_default_session(aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    clientcache.client("s3", region_name="us-east-1")
    (key,) = clientcache.get_default_session().cache["client"]["LRU"].keys()
    assert key == ClientCacheKey("s3", region_name="us-east-1", aws_access_key_id="AKID",
                                 aws_secret_access_key="SECRET")


def test_the_original_fails_after_boto3_setup_default_session():
    """The defect this fixes: boto3-client-cache's client() needs its own
    default session and breaks on boto3's."""
    boto3.setup_default_session(region_name="eu-central-1")
    try:
        boto3_client_cache.client("s3")
    except TypeError:
        pass
    else:  # pragma: no cover - depends on the installed version
        pytest.skip("this boto3-client-cache version handles boto3's default session")


def test_setup_default_session_installs_a_caching_session():
    session = clientcache.setup_default_session(region_name="us-east-2")
    assert boto3.DEFAULT_SESSION is session and isinstance(session, clientcache.Session)
    assert clientcache.client("s3") is session.client("s3")
    assert boto3.client("s3") is session.client("s3")


def test_callers_config_is_never_modified():
    retries = {"max_attempts": 2}
    config = Config(retries=retries)
    session = Session()
    a = session.client("s3", region_name="us-west-2", config=config)
    assert retries == {"max_attempts": 2}
    assert session.client("s3", region_name="us-west-2", config=config) is a
    assert session.client("s3", "us-west-2", None, None, None, None, None, None, None, config) is a
    assert session.client("s3", region_name="us-west-2", config=Config(retries={"total_max_attempts": 3})) is a


# ------------------------------------------------------------ the memo
def test_memo_distinguishes_equal_but_different_values():
    session = Session()
    with pytest.raises(ClientCacheError):
        session.client("s3", use_ssl=1)  # not a bool: refused, never memoized
    a = session.client("s3", use_ssl=True)
    with pytest.raises(ClientCacheError):
        session.client("s3", use_ssl=1)  # True == 1 must not reach the memo entry of use_ssl=True
    assert session.client("s3", use_ssl=True) is a
    assert session.client("s3") is not a


def test_memo_never_returns_a_client_for_other_arguments():
    session = Session()
    seen = {}
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        for call in (lambda r: session.client("s3", region_name=r),
                     lambda r: session.client("s3", r),
                     lambda r: session.client(service_name="s3", region_name=r)):
            c = call(region)
            assert c.meta.region_name == region
            assert seen.setdefault(region, c) is c
    assert session.client("sqs", region_name="us-east-1").meta.service_model.service_name == "sqs"


def test_memo_follows_eviction_and_clear():
    session = Session()
    a = session.client("s3", region_name="us-east-1", max_size=1)
    session.client("s3", region_name="us-west-2")  # evicts us-east-1
    b = session.client("s3", region_name="us-east-1")
    assert b is not a and b.meta.region_name == "us-east-1"
    session.cache["client"]["LRU"].clear()
    assert session.client("s3", region_name="us-east-1") is not b


def test_memo_is_bounded_and_skips_secrets_and_objects():
    session = Session()
    for i in range(300):
        session.client_key("s3", region_name=f"r{i}")
        session.client("s3", region_name=f"r{i % 3}")
    assert len(session._memo[0]) <= 256
    session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    session.client("s3", "us-east-1", None, None, None, None, "AKID", "SECRET")
    session.client("s3", config=Config(read_timeout=5))
    for memo_id in session._memo[0]:
        assert "SECRET" not in repr(memo_id) and "Config" not in repr(memo_id)


def test_memo_with_credentials_holds_digests_only():
    session = Session()
    secret, other = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "another-secret-value"
    a = session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=secret)
    assert session.client("s3", region_name="us-east-1", aws_access_key_id="AKID",
                          aws_secret_access_key=secret) is a
    assert session.client("s3", "us-east-1", None, None, None, None, "AKID", secret) is a
    b = session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=other)
    assert b is not a
    assert session.client("s3", region_name="us-east-1", aws_access_key_id="AKID",
                          aws_secret_access_key=other) is b
    c = session.client("s3", region_name="us-east-1", aws_access_key_id="AKID2", aws_secret_access_key=secret)
    assert c is not a and c is not b
    d = session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=secret,
                       aws_session_token="TOKEN")
    assert d not in (a, b, c)
    assert session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=secret,
                          use_ssl=True) is not a
    with pytest.raises(ClientCacheError):
        session.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=secret,
                       use_ssl=1)
    with pytest.raises(ClientCacheError):
        session.client("s3", aws_access_key_id="AKID", aws_secret_access_key=12345)

    def strings(value):
        if isinstance(value, tuple):
            for item in value:
                yield from strings(item)
        elif isinstance(value, (str, bytes)):
            yield value

    for memo_id in session._memo[0]:
        for text in strings(memo_id):
            assert text not in (secret, other, "TOKEN", secret.encode(), other.encode())
            assert not (isinstance(text, str) and secret in text)


def test_memo_sees_a_changed_config_object():
    session = Session()
    config = Config(read_timeout=5)
    a = session.client("s3", config=config)
    config.read_timeout = 7
    config._user_provided_options["read_timeout"] = 7
    b = session.client("s3", config=config)
    assert b is not a
    assert session.client_key("s3", config=config) == ClientCacheKey("s3", config=Config(read_timeout=7))
