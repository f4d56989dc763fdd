"""tests/vectors/keys.json through the Python API: every language must give
these canonical forms, fingerprints, labels and errors."""
import json

import pytest

from clientcache import (ClientCacheError, ClientCacheKey, ResourceCacheError,
                         ResourceCacheKey)
from conftest import load_vectors

DOC = load_vectors("keys.json")
KEYS = {"client": ClientCacheKey, "resource": ResourceCacheKey}
ERRORS = {"client": ClientCacheError, "resource": ResourceCacheError}


def test_canonical_version():
    assert DOC["canonical_version"] == 1


@pytest.mark.parametrize("vec", DOC["vectors"], ids=lambda v: v["name"])
def test_vector_from_json_text(vec):
    key = KEYS[vec["kind"]].from_json(vec["service_name"], vec["params_json"])
    assert key.canonical == vec["canonical"]
    assert key.fingerprint == vec["fingerprint"]
    assert key.label == vec["label"]
    assert str(key) == vec["label"]
    assert key.kind == vec["kind"]


@pytest.mark.parametrize("vec", DOC["vectors"], ids=lambda v: v["name"])
def test_vector_from_python_data(vec):
    """The params parsed into Python values and serialized again give the
    same key (host round trip)."""
    assert vec["host_roundtrip"]
    params = None if vec["params_json"] is None else json.loads(vec["params_json"])
    key = KEYS[vec["kind"]].from_params(vec["service_name"], params)
    assert key.canonical == vec["canonical"]
    assert key.fingerprint == vec["fingerprint"]


def _params(vec):
    return {} if vec["params_json"] is None else json.loads(vec["params_json"])


@pytest.mark.parametrize("vec", [v for v in DOC["vectors"]
                                 if not {"config", "profile_name"} & set(_params(v))],
                         ids=lambda v: v["name"])
def test_vector_as_boto3_arguments(vec):
    """Vectors without a config (or profile, a Session option), spelled as
    boto3 keyword arguments and as positional arguments, give the same key."""
    params = _params(vec)
    cls = KEYS[vec["kind"]]
    by_keyword = cls(vec["service_name"], **params)
    assert by_keyword.fingerprint == vec["fingerprint"]
    assert by_keyword.label == vec["label"]
    order = ("region_name", "api_version", "use_ssl", "verify", "endpoint_url", "aws_access_key_id",
             "aws_secret_access_key", "aws_session_token")
    positional = [params.get(name) for name in order]
    while positional and positional[-1] is None:
        positional.pop()
    by_position = cls(vec["service_name"], *positional)
    assert by_position == by_keyword
    assert hash(by_position) == hash(by_keyword)
    assert by_position.canonical == vec["canonical"]


@pytest.mark.parametrize("vec", [v for v in DOC["vectors"]
                                 if "profile_name" in _params(v) and "config" not in _params(v)],
                         ids=lambda v: v["name"])
def test_vector_profile_through_a_session(vec):
    from clientcache import Session

    params = _params(vec)
    session = Session(profile_name=params.pop("profile_name"))
    make = session.client_key if vec["kind"] == "client" else session.resource_key
    assert make(vec["service_name"], **params).fingerprint == vec["fingerprint"]


def test_vectors_equal_exactly_when_canonical_equal():
    keys = [KEYS[v["kind"]].from_json(v["service_name"], v["params_json"]) for v in DOC["vectors"]]
    for a, va in zip(keys, DOC["vectors"]):
        for b, vb in zip(keys, DOC["vectors"]):
            assert (a == b) == (va["canonical"] == vb["canonical"] and va["kind"] == vb["kind"])


@pytest.mark.parametrize("vec", DOC["errors"], ids=lambda v: v["name"])
def test_error_vector(vec):
    with pytest.raises(ERRORS[vec["kind"]]) as info:
        KEYS[vec["kind"]].from_json(vec["service_name"], vec["params_json"])
    assert info.value.code == vec["status"]
    assert vec["message_contains"].lower() in str(info.value).lower()


def test_secret_never_in_key_outputs():
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    key = ClientCacheKey("s3", region_name="us-west-2", aws_secret_access_key=secret,
                         aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
    for text in (key.canonical, key.label, str(key), repr(key), key.fingerprint):
        assert secret not in text and "AKIAIOSFODNN7EXAMPLE" not in text
    # The key object keeps no argument: only core-made texts and the handle.
    assert not hasattr(key, "__dict__")
    for slot in ("_canonical", "_label", "_fingerprint", "service_name"):
        assert secret not in str(getattr(key, slot))
