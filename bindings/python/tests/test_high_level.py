"""tests/vectors/high-level.json: each case's `python` spelling through
clientcache.Session(**session).client(service, **client) must give the key
that every other language gives for the same configuration."""
import pytest
from botocore.config import Config

from clientcache import ClientCacheKey, Session
from conftest import load_vectors

DOC = load_vectors("high-level.json")
CASES = [c for c in DOC["cases"] if c["python"] is not None]
ORDER = ("region_name", "api_version", "use_ssl", "verify", "endpoint_url", "aws_access_key_id",
         "aws_secret_access_key", "aws_session_token", "config")


def native(value):
    """{"Config": {...}} -> botocore Config(**...)."""
    if isinstance(value, dict) and set(value) == {"Config"}:
        return Config(**value["Config"])
    return value


def client_kwargs(case):
    return {name: native(value) for name, value in case["python"]["client"].items()}


def test_cases_without_a_python_spelling():
    """Every case has a Python spelling except those boto3 cannot say
    (botocore has no "path style off" switch). A new case without one is
    reported as a warning, to be spelled in tests/vectors/high_level_cases.py."""
    import warnings

    missing = {c["name"] for c in DOC["cases"]} - {c["name"] for c in CASES}
    unsayable = {"path style off is the default"}
    if missing - unsayable:
        warnings.warn(f"high-level cases without a Python spelling: {sorted(missing - unsayable)}")
    assert len(CASES) >= 26


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_keyword_spelling(case):
    session = Session(**case["python"]["session"])
    key = session.client_key(case["service_name"], **client_kwargs(case))
    assert key.canonical == case["canonical"]
    assert key.fingerprint == case["fingerprint"]
    assert key.label == case["label"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_positional_spelling(case):
    """boto3's client() arguments given positionally (Config included) give
    the same key as by keyword."""
    kwargs = client_kwargs(case)
    args = [kwargs.pop(name, None) for name in ORDER]
    while args and args[-1] is None:
        args.pop()
    session = Session(**case["python"]["session"])
    assert session.client_key(case["service_name"], *args, **kwargs).fingerprint == case["fingerprint"]
    if not case["python"]["session"]:
        assert ClientCacheKey(case["service_name"], *args).fingerprint == case["fingerprint"]
        assert ClientCacheKey(case["service_name"], **client_kwargs(case)).fingerprint == case["fingerprint"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_cached_client_is_built_under_that_key(case):
    """The real call builds a real boto3 client and caches it under the key."""
    session = Session(**case["python"]["session"])
    made = session.client(case["service_name"], **client_kwargs(case))
    assert made is session.client(case["service_name"], **client_kwargs(case))
    (key,) = session.cache["client"]["LRU"].keys()
    assert key.fingerprint == case["fingerprint"]
    assert made.meta.service_model.service_name == case["service_name"]


@pytest.mark.parametrize("pair", DOC["must_differ"], ids=lambda p: " / ".join(p))
def test_must_differ(pair):
    by_name = {c["name"]: c for c in CASES}
    a, b = (by_name.get(name) for name in pair)
    if a is None or b is None:
        pytest.skip("no Python spelling")
    ka = Session(**a["python"]["session"]).client_key(a["service_name"], **client_kwargs(a))
    kb = Session(**b["python"]["session"]).client_key(b["service_name"], **client_kwargs(b))
    assert ka != kb and ka.fingerprint != kb.fingerprint


def test_legacy_and_total_attempts_agree():
    total = ClientCacheKey("s3", config=Config(retries={"total_max_attempts": 4}))
    legacy = ClientCacheKey("s3", config=Config(retries={"max_attempts": 3}))
    both = ClientCacheKey("s3", config=Config(retries={"max_attempts": 9, "total_max_attempts": 4}))
    assert total == legacy == both


def test_empty_config_is_no_config():
    assert ClientCacheKey("s3", config=Config()) == ClientCacheKey("s3")
    assert ClientCacheKey("s3", config=Config(region_name=None)) == ClientCacheKey("s3")


def test_other_config_options_go_under_config_by_name():
    key = ClientCacheKey("s3", config=Config(max_pool_connections=20, proxies={"https": "http://proxy:3128"}))
    assert key.label == 's3(config={"max_pool_connections":20,"proxies":{"https":"http://proxy:3128"}})'


def test_objects_are_identified_by_instance():
    from botocore import UNSIGNED

    a = ClientCacheKey("s3", config=Config(signature_version=UNSIGNED))
    b = ClientCacheKey("s3", config=Config(signature_version=UNSIGNED))
    assert a == b and '"instance:' in a.canonical

    class Provider:
        pass

    p1, p2 = Provider(), Provider()
    k1 = ClientCacheKey("s3", config=Config(user_agent_extra="x", client_context_params={"p": p1}))
    k2 = ClientCacheKey("s3", config=Config(user_agent_extra="x", client_context_params={"p": p2}))
    assert k1 != k2
    assert k1 == ClientCacheKey("s3", config=Config(user_agent_extra="x", client_context_params={"p": p1}))


def test_session_botocore_session_is_identified_by_instance():
    import botocore.session

    core = botocore.session.get_session()
    a = Session(botocore_session=core).client_key("s3")
    assert a == Session(botocore_session=core).client_key("s3")
    assert a != Session(botocore_session=botocore.session.get_session()).client_key("s3")
    assert a != Session().client_key("s3")


def test_account_id_is_not_identity():
    assert ClientCacheKey("s3", aws_account_id="123456789012") == ClientCacheKey("s3")
