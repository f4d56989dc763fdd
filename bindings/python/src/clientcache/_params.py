"""boto3 call arguments -> key params (the vocabulary of docs/identity.md).

This layer only says in JSON what the caller passed; every identity rule
(vocabulary, null = absent, number equality, secret digests, canonical form)
is applied by the core when it builds the key from the JSON text.
"""
from __future__ import annotations

import json
import math
import threading
import weakref

from ._errors import FAMILY

# boto3.session.Session.client / .resource, in positional order.
CLIENT_SIGNATURE = ("service_name", "region_name", "api_version", "use_ssl", "verify",
                    "endpoint_url", "aws_access_key_id", "aws_secret_access_key",
                    "aws_session_token", "config", "aws_account_id")
RESOURCE_SIGNATURE = CLIENT_SIGNATURE[:-1]
SIGNATURES = {0: CLIENT_SIGNATURE, 1: RESOURCE_SIGNATURE}
SECRETS = frozenset(("aws_access_key_id", "aws_secret_access_key", "aws_session_token"))
# Names that boto3-client-cache's keys skip (they choose the cache, not the client).
CACHE_OPTIONS = frozenset(("eviction_policy", "max_size"))
# Credential metadata: not identity (docs/identity.md, "SDK options").
NOT_IDENTITY = frozenset(("aws_account_id",))

_dumps = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode


def invalid(kind, message, param=None):
    return FAMILY[kind][0](message, code="INVALID_ARGUMENT", param=param)


def dumps(params):
    """JSON text of a params dict built by this module (already checked)."""
    return _dumps(params)


# ------------------------------------------------------------ instances
_instance_lock = threading.Lock()
_instance_ids = {}  # id(obj) -> (n, obj or None)
_instance_counter = [0]


def instance_id(obj):
    """"instance:<n>": n is given to obj the first time it is seen and never
    reused for another object (the entry goes when obj is collected)."""
    oid = id(obj)
    entry = _instance_ids.get(oid)
    if entry is not None:
        return entry[0]
    with _instance_lock:
        entry = _instance_ids.get(oid)
        if entry is not None:
            return entry[0]
        _instance_counter[0] += 1
        text = f"instance:{_instance_counter[0]}"
        try:
            weakref.finalize(obj, _instance_ids.pop, oid, None)
            _instance_ids[oid] = (text, None)
        except TypeError:
            # Not weakly referenceable: keep it alive so that its id is
            # never reused by another object.
            _instance_ids[oid] = (text, obj)
        return text


# ------------------------------------------------------------ values
def data(value, path, kind, depth=0):
    """A JSON-ready copy of value. Data (None, bool, int, float, str, dict
    with str keys, list, tuple) is kept as is; a value that is data without
    an exact JSON form (NaN, a set, bytes, a non-string dict key) is an
    error naming path; any other object is recorded by instance."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise invalid(kind, f"{path}: {value!r} has no JSON form", path)
        return float(value)
    if depth > 64:
        raise invalid(kind, f"{path}: nested deeper than 64 levels", path)
    if isinstance(value, dict):
        out = {}
        for name, member in value.items():
            if not isinstance(name, str):
                raise invalid(kind, f"{path}: a {type(name).__name__} member name has no JSON form", path)
            out[name] = data(member, f"{path}.{name}", kind, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [data(item, f"{path}[{i}]", kind, depth + 1) for i, item in enumerate(value)]
    if isinstance(value, (set, frozenset, bytes, bytearray, memoryview, complex)):
        raise invalid(kind, f"{path}: a {type(value).__name__} has no exact JSON form", path)
    return instance_id(value)


def config_params(config, kind):
    """botocore Config -> the `config` member of the params (or None).

    Only the options the caller gave count (Config records them); each goes
    under its own name, with two rewrites from docs/identity.md: legacy
    retries.max_attempts n becomes total_max_attempts n + 1 (unless
    total_max_attempts is given too, which botocore then uses), and options
    given as None are unset.
    """
    from botocore.config import Config

    if not isinstance(config, Config):
        raise invalid(kind, f"config must be a botocore.config.Config, not a {type(config).__name__}",
                      "config")
    options = getattr(config, "_user_provided_options", None)
    if options is None:  # not built by Config.__init__: compare with the defaults
        options = {name: getattr(config, name, default) for name, default in Config.OPTION_DEFAULTS.items()
                   if getattr(config, name, default) != default}
    out = {}
    for name, value in options.items():
        if value is None:
            continue
        if name == "retries" and isinstance(value, dict):
            value = dict(value)
            legacy = value.pop("max_attempts", None)
            if legacy is not None and value.get("total_max_attempts") is None:
                if isinstance(legacy, bool) or not isinstance(legacy, int):
                    raise invalid(kind, "config.retries.max_attempts must be an integer",
                                  "config.retries.max_attempts")
                value["total_max_attempts"] = legacy + 1
            value = {k: v for k, v in value.items() if v is not None}
        out[name] = data(value, f"config.{name}", kind, 1)
    return out or None


_SCALARS = (str, bool, int, float, type(None))


def top_level(name, value, kind):
    """A vocabulary parameter's value, as JSON data (the core checks types)."""
    if value is None or type(value) in _SCALARS:
        if type(value) is float and not math.isfinite(value):
            raise invalid(kind, f"{name}: {value!r} has no JSON form", name)
        return value
    if isinstance(value, (str, bool, int, float)):
        return data(value, name, kind)
    raise invalid(kind, f"{name}: a {type(value).__name__} cannot be part of a key", name)


def bind(kind, args, kwargs):
    """(service_name, params) from boto3's client()/resource() arguments,
    given positionally or by keyword. Raises TypeError for a call boto3
    itself would refuse (unknown name, too many or repeated arguments)."""
    names = SIGNATURES[kind]
    if len(args) > len(names):
        raise TypeError(f"takes at most {len(names)} arguments ({len(args)} given)")
    bound = dict(zip(names, args))
    for name, value in kwargs.items():
        if name in CACHE_OPTIONS:
            continue
        if name not in names:
            raise TypeError(f"got an unexpected keyword argument {name!r}")
        if name in bound:
            raise TypeError(f"got multiple values for argument {name!r}")
        bound[name] = value
    if "service_name" not in bound:
        raise TypeError("missing required argument 'service_name'")
    service = bound.pop("service_name")
    if not isinstance(service, str):
        raise invalid(kind, f"service_name must be a str, not a {type(service).__name__}", "service_name")
    params = {}
    for name, value in bound.items():
        if value is None or name in NOT_IDENTITY:
            continue
        if name == "config":
            value = config_params(value, kind)
            if value is not None:
                params["config"] = value
        else:
            params[name] = top_level(name, value, kind)
    return service, params


# boto3.session.Session.__init__ options that enter the key.
SESSION_NAMES = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                 "region_name", "botocore_session", "profile_name", "aws_account_id")


def session_params(kwargs):
    """Session defaults -> params (merged under each call's params)."""
    params = {}
    for name, value in kwargs.items():
        if value is None or name in NOT_IDENTITY:
            continue
        if name == "botocore_session":
            params.setdefault("config", {})["botocore_session"] = instance_id(value)
        else:
            params[name] = top_level(name, value, 0)
    return params


def merge(defaults, params):
    """The call wins, option by option (config members too)."""
    if not defaults:
        return params
    out = dict(defaults)
    for name, value in params.items():
        if name == "config" and isinstance(out.get("config"), dict):
            out["config"] = {**out["config"], **value}
        else:
            out[name] = value
    return out
