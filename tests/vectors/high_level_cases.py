"""High-level identity cases: one SDK client configuration per case, written
natively for each language's high-level layer, and the key params it must map
to (boto3 vocabulary, see docs/identity.md, "SDK options"). generate.py turns
them into high-level.json with the expected canonical form, fingerprint and
label; the Go, Node and Rust high-level suites check every case.

Native spellings:
- go:   {"session": [op, ...], "options": [op, ...]}, op = [awscache option
        name, args...]; durations are given in milliseconds (`…Ms` names).
- node: {"session": {...}, "config": {...}}: the SDK v3 client configuration
        (plain JSON), for `new Session(session).client(service, config)`.
- rust: {"session": [op, ...], "params": [op, ...]}: SessionBuilder and
        ClientParams builder methods; durations in milliseconds (`…_ms`).
- python: {"session": {...}, "client": {...}}: keyword arguments of
        `clientcache.Session(**session).client(service_name, **client)` (the
        boto3 names); a botocore Config is written {"Config": {options}} and
        stands for `botocore.config.Config(**options)`; durations in seconds.
A language whose SDK has no spelling for a case omits its entry.
"""

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//session+token=="
ENDPOINT = "http://127.0.0.1:9000"


def case(name, service, params, go=None, node=None, rust=None, python=None):
    return {"name": name, "service_name": service, "params": params,
            "go": go, "node": node, "rust": rust, "python": python}


def go(options=(), session=()):
    return {"session": list(session), "options": list(options)}


def node(config=None, session=None):
    return {"session": session or {}, "config": config or {}}


def rust(params=(), session=()):
    return {"session": list(session), "params": list(params)}


def python(client=None, session=None, **config):
    """Session kwargs, client kwargs; config options become {"Config": {...}}."""
    client = dict(client or {})
    if config:
        client["config"] = {"Config": config}
    return {"session": session or {}, "client": client}


CREDS = {"aws_access_key_id": AKID, "aws_secret_access_key": SECRET}
CREDS_TOKEN = dict(CREDS, aws_session_token=TOKEN)

HIGH_LEVEL = [
    case("no options", "s3", {}, go(), node(), rust(),
         python=python()),
    case("region", "s3", {"region_name": "us-west-2"},
         go([["WithRegion", "us-west-2"]]), node({"region": "us-west-2"}),
         rust([["region_name", "us-west-2"]]),
         python=python({"region_name": "us-west-2"})),
    case("region, another service", "dynamodb", {"region_name": "eu-central-1"},
         go([["WithRegion", "eu-central-1"]]), node({"region": "eu-central-1"}),
         rust([["region_name", "eu-central-1"]]),
         python=python({"region_name": "eu-central-1"})),
    case("endpoint and region", "s3", {"region_name": "us-east-1", "endpoint_url": ENDPOINT},
         go([["WithEndpoint", ENDPOINT], ["WithRegion", "us-east-1"]]),
         node({"endpoint": ENDPOINT, "region": "us-east-1"}),
         rust([["endpoint_url", ENDPOINT], ["region_name", "us-east-1"]]),
         python=python({"endpoint_url": ENDPOINT, "region_name": "us-east-1"})),
    case("static credentials", "s3", dict(CREDS, region_name="us-west-2"),
         go([["WithRegion", "us-west-2"], ["WithStaticCredentials", AKID, SECRET, ""]]),
         node({"region": "us-west-2", "credentials": {"accessKeyId": AKID, "secretAccessKey": SECRET}}),
         rust([["region_name", "us-west-2"], ["credentials", AKID, SECRET, None]]),
         python=python(dict(CREDS, region_name="us-west-2"))),
    case("static credentials with a session token", "s3", dict(CREDS_TOKEN, region_name="us-west-2"),
         go([["WithRegion", "us-west-2"], ["WithStaticCredentials", AKID, SECRET, TOKEN]]),
         node({"region": "us-west-2",
               "credentials": {"accessKeyId": AKID, "secretAccessKey": SECRET, "sessionToken": TOKEN}}),
         rust([["region_name", "us-west-2"], ["credentials", AKID, SECRET, TOKEN]]),
         python=python(dict(CREDS_TOKEN, region_name="us-west-2"))),
    case("profile", "s3", {"profile_name": "dev"},
         go([["WithProfile", "dev"]]), node({"profile": "dev"}), rust([["profile_name", "dev"]]),
         python=python(session={"profile_name": "dev"})),
    case("max attempts (total, first attempt included)", "s3",
         {"region_name": "us-west-2", "config": {"retries": {"total_max_attempts": 3}}},
         go([["WithRegion", "us-west-2"], ["WithRetryMaxAttempts", 3]]),
         node({"region": "us-west-2", "maxAttempts": 3}),
         rust([["region_name", "us-west-2"], ["max_attempts", 3]]),
         python=python({"region_name": "us-west-2"}, retries={"max_attempts": 2})),
    case("retry mode", "s3", {"config": {"retries": {"mode": "adaptive"}}},
         go([["WithRetryMode", "adaptive"]]), node({"retryMode": "adaptive"}),
         rust([["retry_mode", "adaptive"]]),
         python=python(retries={"mode": "adaptive"})),
    case("retry mode and max attempts", "s3",
         {"region_name": "us-west-2", "config": {"retries": {"mode": "standard", "total_max_attempts": 3}}},
         go([["WithRegion", "us-west-2"], ["WithRetries", "standard", 3]]),
         node({"region": "us-west-2", "maxAttempts": 3, "retryMode": "standard"}),
         rust([["region_name", "us-west-2"], ["max_attempts", 3], ["retry_mode", "standard"]]),
         python=python({"region_name": "us-west-2"}, retries={"mode": "standard", "total_max_attempts": 3})),
    case("connect timeout 1.5 s", "s3", {"config": {"connect_timeout": 1.5}},
         go([["WithConnectTimeoutMs", 1500]]), node({"requestHandler": {"connectionTimeout": 1500}}),
         rust([["connect_timeout_ms", 1500]]),
         python=python(connect_timeout=1.5)),
    case("connect timeout 1.234 s", "s3", {"config": {"connect_timeout": 1.234}},
         go([["WithConnectTimeoutMs", 1234]]), node({"requestHandler": {"connectionTimeout": 1234}}),
         rust([["connect_timeout_ms", 1234]]),
         python=python(connect_timeout=1.234)),
    case("read timeout 30 s", "s3", {"config": {"read_timeout": 30}},
         go([["WithReadTimeoutMs", 30000]]), node({"requestHandler": {"requestTimeout": 30000}}),
         rust([["read_timeout_ms", 30000]]),
         python=python(read_timeout=30)),
    case("both timeouts", "sqs", {"region_name": "us-east-2", "config": {"connect_timeout": 0.25, "read_timeout": 12.5}},
         go([["WithRegion", "us-east-2"], ["WithReadTimeoutMs", 12500], ["WithConnectTimeoutMs", 250]]),
         node({"region": "us-east-2", "requestHandler": {"requestTimeout": 12500, "connectionTimeout": 250}}),
         rust([["region_name", "us-east-2"], ["connect_timeout_ms", 250], ["read_timeout_ms", 12500]]),
         python=python({"region_name": "us-east-2"}, connect_timeout=0.25, read_timeout=12.5)),
    case("path-style addressing", "s3", {"endpoint_url": ENDPOINT, "config": {"s3": {"addressing_style": "path"}}},
         go([["WithEndpoint", ENDPOINT], ["WithPathStyle"]]),
         node({"endpoint": ENDPOINT, "forcePathStyle": True}),
         rust([["endpoint_url", ENDPOINT], ["force_path_style", True]]),
         python=python({"endpoint_url": ENDPOINT}, s3={"addressing_style": "path"})),
    case("path style off is the default", "s3", {"region_name": "us-west-2"},
         go([["WithRegion", "us-west-2"]]), node({"region": "us-west-2", "forcePathStyle": False}),
         rust([["region_name", "us-west-2"], ["force_path_style", False]])),
    case("FIPS endpoint", "s3", {"region_name": "us-east-1", "config": {"use_fips_endpoint": True}},
         go([["WithRegion", "us-east-1"], ["WithFIPS", True]]),
         node({"region": "us-east-1", "useFipsEndpoint": True}),
         rust([["region_name", "us-east-1"], ["use_fips", True]]),
         python=python({"region_name": "us-east-1"}, use_fips_endpoint=True)),
    case("FIPS explicitly off", "s3", {"region_name": "us-east-1", "config": {"use_fips_endpoint": False}},
         go([["WithRegion", "us-east-1"], ["WithFIPS", False]]),
         node({"region": "us-east-1", "useFipsEndpoint": False}),
         rust([["region_name", "us-east-1"], ["use_fips", False]]),
         python=python({"region_name": "us-east-1"}, use_fips_endpoint=False)),
    case("dual-stack endpoint", "s3", {"region_name": "us-east-1", "config": {"use_dualstack_endpoint": True}},
         go([["WithRegion", "us-east-1"], ["WithDualStack", True]]),
         node({"region": "us-east-1", "useDualstackEndpoint": True}),
         rust([["region_name", "us-east-1"], ["use_dual_stack", True]]),
         python=python({"region_name": "us-east-1"}, use_dualstack_endpoint=True)),
    case("application id for the user agent", "s3", {"config": {"user_agent_appid": "billing-svc/2.1"}},
         go([["WithAppID", "billing-svc/2.1"]]), node({"userAgentAppId": "billing-svc/2.1"}),
         rust([["app_id", "billing-svc/2.1"]]),
         python=python(user_agent_appid="billing-svc/2.1")),
    case("session default region", "s3", {"region_name": "us-east-1"},
         go([], [["WithRegion", "us-east-1"]]), node({}, {"region": "us-east-1"}),
         rust([], [["region", "us-east-1"]]),
         python=python({}, {"region_name": "us-east-1"})),
    case("call overrides the session region", "s3", {"region_name": "eu-west-1"},
         go([["WithRegion", "eu-west-1"]], [["WithRegion", "us-east-1"]]),
         node({"region": "eu-west-1"}, {"region": "us-east-1"}),
         rust([["region_name", "eu-west-1"]], [["region", "us-east-1"]]),
         python=python({"region_name": "eu-west-1"}, {"region_name": "us-east-1"})),
    case("session credentials with a token, call region", "dynamodb", dict(CREDS_TOKEN, region_name="ap-south-1"),
         go([["WithRegion", "ap-south-1"]], [["WithStaticCredentials", AKID, SECRET, TOKEN]]),
         node({"region": "ap-south-1"},
              {"credentials": {"accessKeyId": AKID, "secretAccessKey": SECRET, "sessionToken": TOKEN}}),
         rust([["region_name", "ap-south-1"]], [["credentials", AKID, SECRET, TOKEN]]),
         python=python({"region_name": "ap-south-1"}, dict(CREDS_TOKEN))),
    case("session profile, call endpoint", "s3", {"profile_name": "test", "endpoint_url": ENDPOINT},
         go([["WithEndpoint", ENDPOINT]], [["WithProfile", "test"]]),
         node({"endpoint": ENDPOINT}, {"profile": "test"}),
         rust([["endpoint_url", ENDPOINT]], [["profile_name", "test"]]),
         python=python({"endpoint_url": ENDPOINT}, {"profile_name": "test"})),
    case("session region and retries, call timeout", "s3",
         {"region_name": "us-west-1", "config": {"retries": {"total_max_attempts": 5, "mode": "standard"},
                                                 "read_timeout": 2}},
         go([["WithReadTimeoutMs", 2000]], [["WithRegion", "us-west-1"], ["WithRetries", "standard", 5]]),
         node({"requestHandler": {"requestTimeout": 2000}},
              {"region": "us-west-1", "maxAttempts": 5, "retryMode": "standard"}),
         rust([["read_timeout_ms", 2000]], [["region", "us-west-1"], ["max_attempts", 5], ["retry_mode", "standard"]]),
         python=python({}, {"region_name": "us-west-1"},
                retries={"total_max_attempts": 5, "mode": "standard"}, read_timeout=2)),
    case("everything", "s3",
         dict(CREDS_TOKEN, region_name="eu-north-1", endpoint_url=ENDPOINT,
              config={"retries": {"mode": "adaptive", "total_max_attempts": 4}, "connect_timeout": 2,
                      "read_timeout": 10, "s3": {"addressing_style": "path"},
                      "user_agent_appid": "svc"}),
         go([["WithRegion", "eu-north-1"], ["WithEndpoint", ENDPOINT],
             ["WithStaticCredentials", AKID, SECRET, TOKEN], ["WithRetries", "adaptive", 4],
             ["WithConnectTimeoutMs", 2000], ["WithReadTimeoutMs", 10000], ["WithPathStyle"],
             ["WithAppID", "svc"]]),
         node({"region": "eu-north-1", "endpoint": ENDPOINT,
               "credentials": {"accessKeyId": AKID, "secretAccessKey": SECRET, "sessionToken": TOKEN},
               "maxAttempts": 4, "retryMode": "adaptive",
               "requestHandler": {"connectionTimeout": 2000, "requestTimeout": 10000},
               "forcePathStyle": True, "userAgentAppId": "svc"}),
         rust([["region_name", "eu-north-1"], ["endpoint_url", ENDPOINT], ["credentials", AKID, SECRET, TOKEN],
               ["max_attempts", 4], ["retry_mode", "adaptive"], ["connect_timeout_ms", 2000],
               ["read_timeout_ms", 10000], ["force_path_style", True], ["app_id", "svc"]]),
         python=python(dict(CREDS_TOKEN, region_name="eu-north-1", endpoint_url=ENDPOINT),
                retries={"mode": "adaptive", "max_attempts": 3}, connect_timeout=2, read_timeout=10,
                s3={"addressing_style": "path"}, user_agent_appid="svc")),
    case("plain HTTP (use_ssl false)", "s3", {"region_name": "us-west-2", "use_ssl": False},
         None, node({"region": "us-west-2", "tls": False}),
         rust([["region_name", "us-west-2"], ["use_ssl", False]]),
         python=python({"region_name": "us-west-2", "use_ssl": False})),
]

# Pairs whose keys must differ: the same client only if everything matches.
MUST_DIFFER = [
    ("static credentials", "static credentials with a session token"),
    ("max attempts (total, first attempt included)", "retry mode and max attempts"),
    ("connect timeout 1.5 s", "connect timeout 1.234 s"),
    ("session default region", "call overrides the session region"),
    ("FIPS endpoint", "FIPS explicitly off"),
    ("region", "plain HTTP (use_ssl false)"),
    ("no options", "profile"),
]
