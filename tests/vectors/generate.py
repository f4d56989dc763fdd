#!/usr/bin/env python3
"""Generates keys.json: the cross-language identity vectors (docs/identity.md).

This is an independent reference implementation of canonical version 1 in
Python (standard library only), so the vectors do not merely echo the Rust
core. Run `python3 tests/vectors/generate.py` after editing CASES/ERRORS;
`--check` verifies that the committed file is what this script produces.
"""
import hashlib
import json
import math
import sys
from pathlib import Path

SECRETS = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}

# name, kind, service_name, params_json (raw text or None)
CASES = [
    ("no params (NULL)", "client", "s3", None),
    ("empty object", "client", "s3", "{}"),
    ("all top-level nulls", "client", "s3", '{"region_name": null, "config": null, "verify": null}'),
    ("region only", "client", "s3", '{"region_name":"us-west-2"}'),
    ("region with whitespace", "client", "s3", ' {\n\t"region_name" :  "us-west-2"\r\n} '),
    ("null beside a value", "client", "s3", '{"region_name":"us-west-2","endpoint_url":null}'),
    ("resource kind", "resource", "s3", '{"region_name":"us-west-2"}'),
    ("service with dash", "client", "sso-oidc", '{"region_name":"eu-central-1"}'),
    ("service with digits", "client", "route53", None),
    ("service of 64 chars", "client", "a" + "b1-" * 21, None),
    ("dynamodb endpoint", "client", "dynamodb", '{"endpoint_url":"http://127.0.0.1:8000","region_name":"us-east-1"}'),
    ("api_version", "client", "sqs", '{"api_version":"2012-11-05"}'),
    ("use_ssl false", "client", "s3", '{"use_ssl":false}'),
    ("use_ssl true", "client", "s3", '{"use_ssl":true}'),
    ("verify false", "client", "s3", '{"verify":false}'),
    ("verify CA bundle path", "client", "s3", '{"verify":"/etc/ssl/certs/ca-certificates.crt"}'),
    ("profile", "client", "s3", '{"profile_name":"dev"}'),
    ("access key id is digested", "client", "s3", '{"aws_access_key_id":"AKIAIOSFODNN7EXAMPLE"}'),
    ("secret key is digested", "client", "s3", '{"aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'),
    ("session token is digested", "client", "sts", '{"aws_session_token":"FwoGZXIvYXdzEXAMPLE//token=="}'),
    ("all three secrets", "client", "s3", '{"aws_access_key_id":"AKID","aws_secret_access_key":"secret","aws_session_token":"token","region_name":"us-west-2"}'),
    ("empty secret", "client", "s3", '{"aws_secret_access_key":""}'),
    ("unicode secret", "client", "s3", '{"aws_secret_access_key":"p\\u00e4ss\\u00fcw\\u00f6rd-\\ud83d\\udd11"}'),
    ("demo key", "client", "s3", '{"region_name":"us-west-2","config":{"retries":{"max_attempts":3,"mode":"standard"}},"aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'),
    ("demo key, other member order", "client", "s3", '{"aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","config":{"retries":{"mode":"standard","max_attempts":3}},"region_name":"us-west-2"}'),
    ("integer 5", "client", "s3", '{"config":{"retries":{"max_attempts":5}}}'),
    ("float 5.0 is integer 5", "client", "s3", '{"config":{"retries":{"max_attempts":5.0}}}'),
    ("exponent 5e0 is integer 5", "client", "s3", '{"config":{"retries":{"max_attempts":0.5e1}}}'),
    ("negative zero is zero", "client", "s3", '{"config":{"n":-0.0}}'),
    ("fractions", "client", "s3", '{"config":{"connect_timeout":0.5,"read_timeout":2.25,"x":-1.5}}'),
    ("small and large numbers", "client", "s3", '{"config":{"a":1e-7,"b":0.000001,"c":4.35e-20,"d":123456.789,"e":5e-324}}'),
    ("max safe integers", "client", "s3", '{"config":{"max":9007199254740991,"min":-9007199254740991}}'),
    ("shortest float text", "client", "s3", '{"config":{"third":0.3333333333333333,"tenth":0.1000000000000000055511151231257827}}'),
    ("bools and nested null kept", "client", "s3", '{"config":{"enabled":true,"disabled":false,"proxy":null}}'),
    ("array order matters A", "client", "s3", '{"config":{"order":[1,2,3]}}'),
    ("array order matters B", "client", "s3", '{"config":{"order":[3,2,1]}}'),
    ("nested arrays and objects", "client", "s3", '{"config":{"x":[{"b":1,"a":[true,null,"s"]},[],{}]}}'),
    ("deep nesting", "client", "s3", '{"config":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":"deep"}}}}}}}}}'),
    ("member order inside config", "client", "s3", '{"config":{"s3":{"addressing_style":"path","use_accelerate_endpoint":false},"retries":{"mode":"adaptive","max_attempts":10}}}'),
    ("string escapes", "client", "s3", '{"config":{"s":"quote \\" backslash \\\\ slash \\/ nl \\n tab \\t cr \\r bs \\b ff \\f"}}'),
    ("control characters", "client", "s3", '{"config":{"s":"\\u0000\\u0001\\u001f\\u007f"}}'),
    ("unicode text", "client", "s3", '{"config":{"user_agent_extra":"caf\\u00e9 \\u65e5\\u672c \\ud83d\\ude80 \\u2028"}}'),
    ("raw UTF-8 text", "client", "s3", '{"config":{"user_agent_extra":"café 日本 🚀"}}'),
    ("unicode member names sort by UTF-16", "client", "s3", '{"config":{"\\ufb33":1,"\\ud83d\\ude00":2,"z":3,"A":4,"\\u00e9":5,"":6}}'),
    ("endpoint with query", "client", "s3", '{"endpoint_url":"https://s3.example.test:9000/path?x=1&y=%20"}'),
    ("decimal tie goes to the even digit", "client", "s3", '{"config":{"x":2586107838255.15625}}'),
    ("more exact decimal ties", "client", "s3", '{"config":{"a":5e-324,"b":0.3000000000000000444089209850062616169452667236328125,"c":4503599627370495.5,"d":0.1e-6}}'),
    ("exponent thresholds", "client", "s3", '{"config":{"a":123456789012.5,"b":0.0000015,"c":0.000001,"d":9.999999999999998e-7,"e":1e-7,"f":-2.5e-7}}'),
    ("everything", "resource", "dynamodb", '{"api_version":"2012-08-10","aws_access_key_id":"AKID","aws_secret_access_key":"SECRET","aws_session_token":"TOKEN","config":{"retries":{"max_attempts":4}},"endpoint_url":"http://localhost:8000","profile_name":"p","region_name":"ap-south-1","use_ssl":false,"verify":"/tmp/ca.pem"}'),
]

# name, kind, service_name, params_json, status, message fragment
ERRORS = [
    ("unknown parameter", "client", "s3", '{"regin_name":"us-west-2"}', "INVALID_ARGUMENT", "regin_name"),
    ("unknown parameter config-like", "client", "s3", '{"retries":{"max_attempts":3}}', "INVALID_ARGUMENT", "retries"),
    ("empty service name", "client", "", None, "INVALID_ARGUMENT", "service_name"),
    ("uppercase service name", "client", "S3", None, "INVALID_ARGUMENT", "service_name"),
    ("service name starting with a digit", "client", "3s", None, "INVALID_ARGUMENT", "service_name"),
    ("service name with underscore", "client", "s3_control", None, "INVALID_ARGUMENT", "service_name"),
    ("service name of 65 chars", "client", "a" * 65, None, "INVALID_ARGUMENT", "service_name"),
    ("service name with space", "client", "s3 ", None, "INVALID_ARGUMENT", "service_name"),
    ("region_name not a string", "client", "s3", '{"region_name":5}', "INVALID_ARGUMENT", "region_name"),
    ("use_ssl not a bool", "client", "s3", '{"use_ssl":"true"}', "INVALID_ARGUMENT", "use_ssl"),
    ("verify a number", "client", "s3", '{"verify":1}', "INVALID_ARGUMENT", "verify"),
    ("config an array", "client", "s3", '{"config":[1]}', "INVALID_ARGUMENT", "config"),
    ("secret not a string", "client", "s3", '{"aws_secret_access_key":12345}', "INVALID_ARGUMENT", "aws_secret_access_key"),
    ("duplicate top-level name", "client", "s3", '{"region_name":"a","region_name":"b"}', "INVALID_ARGUMENT", "duplicate"),
    ("duplicate top-level name with null", "client", "s3", '{"region_name":null,"region_name":"b"}', "INVALID_ARGUMENT", "duplicate"),
    ("duplicate nested name", "client", "s3", '{"config":{"retries":{"mode":"a","mode":"b"}}}', "INVALID_ARGUMENT", "duplicate"),
    ("integer above 2^53-1", "client", "s3", '{"config":{"n":9007199254740992}}', "INVALID_ARGUMENT", "config"),
    ("integer below -(2^53-1)", "client", "s3", '{"config":{"n":-9007199254740993}}', "INVALID_ARGUMENT", "config"),
    ("integral float above 2^53-1", "client", "s3", '{"config":{"n":1e300}}', "INVALID_ARGUMENT", "config"),
    ("number overflowing to infinity", "client", "s3", '{"config":{"n":1e400}}', "INVALID_ARGUMENT", "config"),
    ("NaN literal", "client", "s3", '{"config":{"n":NaN}}', "INVALID_ARGUMENT", "malformed"),
    ("Infinity literal", "client", "s3", '{"config":{"n":Infinity}}', "INVALID_ARGUMENT", "malformed"),
    ("leading zero", "client", "s3", '{"config":{"n":01}}', "INVALID_ARGUMENT", "malformed"),
    ("trailing comma", "client", "s3", '{"region_name":"x",}', "INVALID_ARGUMENT", "malformed"),
    ("single quotes", "client", "s3", "{'region_name':'x'}", "INVALID_ARGUMENT", "malformed"),
    ("unterminated object", "client", "s3", '{"region_name":"x"', "INVALID_ARGUMENT", "malformed"),
    ("trailing garbage", "client", "s3", '{} {}', "INVALID_ARGUMENT", "malformed"),
    ("lone surrogate escape", "client", "s3", '{"region_name":"\\ud800"}', "INVALID_ARGUMENT", "surrogate"),
    ("raw control character in string", "client", "s3", '{"region_name":"a\tb"}', "INVALID_ARGUMENT", "malformed"),
    ("params an array", "client", "s3", '[]', "INVALID_ARGUMENT", "object"),
    ("params a string", "client", "s3", '"us-west-2"', "INVALID_ARGUMENT", "object"),
    ("params null literal", "client", "s3", 'null', "INVALID_ARGUMENT", "object"),
    ("empty text is not JSON", "client", "s3", ' ', "INVALID_ARGUMENT", "malformed"),
    ("nesting deeper than 64", "client", "s3", '{"config":' + '[' * 70 + ']' * 70 + '}', "INVALID_ARGUMENT", "64"),
]


def es_number(x):
    """ECMAScript Number.prototype.toString for a finite double."""
    if x == 0:
        return "0"
    if x < 0:
        return "-" + es_number(-x)
    r = repr(float(x))  # Python's repr gives the shortest round-trip digits
    mant, _, exp = r.partition("e")
    intpart, _, frac = mant.partition(".")
    if exp:  # d.ddd e±X
        digits, n = intpart + frac, int(exp) + 1
    elif intpart != "0":  # ddd.ddd
        digits, n = intpart + frac, len(intpart)
    else:  # 0.000ddd
        stripped = frac.lstrip("0")
        digits, n = stripped, -(len(frac) - len(stripped))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def jcs_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return es_number(v)
    if isinstance(v, str):
        return jcs_string(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(jcs_string(k) + ":" + jcs(x) for k, x in items) + "}"
    raise TypeError(type(v))


def normalize(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        assert math.isfinite(v)
        if float(v).is_integer():
            assert abs(v) <= 2**53 - 1
            return int(v)
        return float(v)
    if isinstance(v, list):
        return [normalize(x) for x in v]
    return {k: normalize(x) for k, x in v.items()}


def key_outputs(kind, service, params_json):
    params = json.loads(params_json) if params_json is not None else {}
    norm = {}
    for name, value in params.items():
        if value is None:
            continue
        if name in SECRETS:
            norm[name] = "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()
        else:
            norm[name] = normalize(value)
    canonical = jcs({"kind": kind, "params": norm, "service_name": service, "version": 1})
    fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    label = service + "(" + ", ".join(
        name + "=" + ("***" if name in SECRETS else jcs(norm[name])) for name in sorted(norm)
    ) + ")"
    return canonical, fingerprint, label


def build():
    vectors = []
    for name, kind, service, params_json in CASES:
        canonical, fingerprint, label = key_outputs(kind, service, params_json)
        vectors.append({
            "name": name, "kind": kind, "service_name": service, "params_json": params_json,
            "host_roundtrip": True,
            "canonical": canonical, "fingerprint": fingerprint, "label": label,
        })
    errors = [
        {"name": name, "kind": kind, "service_name": service, "params_json": params_json,
         "status": status, "message_contains": fragment}
        for name, kind, service, params_json, status, fragment in ERRORS
    ]
    doc = {
        "canonical_version": 1,
        "about": "Identity vectors (docs/identity.md), generated by tests/vectors/generate.py; "
                 "params_json is passed verbatim, null meaning no params.",
        "vectors": vectors,
        "errors": errors,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def build_high_level():
    from high_level_cases import HIGH_LEVEL, MUST_DIFFER

    cases = []
    by_name = {}
    for c in HIGH_LEVEL:
        assert c["name"] not in by_name, c["name"]
        canonical, fingerprint, label = key_outputs("client", c["service_name"], json.dumps(c["params"]))
        spelled = [lang for lang in ("go", "node", "rust", "python") if c[lang] is not None]
        assert len(spelled) >= 2, c["name"]
        entry = dict(c, canonical=canonical, fingerprint=fingerprint, label=label)
        by_name[c["name"]] = entry
        cases.append(entry)
    for a, b in MUST_DIFFER:
        assert by_name[a]["fingerprint"] != by_name[b]["fingerprint"], (a, b)
    doc = {
        "canonical_version": 1,
        "about": "High-level identity vectors: each case is one SDK client configuration written "
                 "natively for Go (awscache), Node (client()/Session), Python (client()/Session) "
                 "and Rust (clientcache-aws), "
                 "and the key it must give. Generated by tests/vectors/generate.py from "
                 "high_level_cases.py; the mapping is documented in docs/identity.md.",
        "cases": cases,
        "must_differ": [list(pair) for pair in MUST_DIFFER],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    here = Path(__file__).parent
    sys.path.insert(0, str(here))
    outputs = {here / "keys.json": build(), here / "high-level.json": build_high_level()}
    for out, text in outputs.items():
        rel = f"tests/vectors/{out.name}"
        if "--check" in sys.argv:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                sys.exit(f"{rel} is stale: run python3 tests/vectors/generate.py")
            print(f"{rel} is up to date")
        else:
            out.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
