"""Benchmark: clientcache beside boto3-client-cache, in the same process.

Each measurement runs in interleaved rounds (A then B, then B then A, ...)
and reports the median round, so that drift on a shared machine hits both
sides alike. Run by `make bench-python`.
"""
import gc
import statistics
import sys
import time

import boto3

import boto3_client_cache as orig
import clientcache as ours

ROUNDS = 15
TARGET_HIT = 10.0


def per_call_ns(fn, calls):
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        return (time.perf_counter_ns() - t0) / calls
    finally:
        gc.enable()


def compare(name, ours_fn, orig_fn, calls, before_ours=None, before_orig=None):
    ours_fn(), orig_fn()  # warm
    a, b = [], []
    for r in range(ROUNDS):
        order = [(a, ours_fn, before_ours), (b, orig_fn, before_orig)]
        if r % 2:
            order.reverse()
        for out, fn, before in order:
            if before:
                before()
            out.append(per_call_ns(fn, calls))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{name:<46} {fmt(ma):>10} {fmt(mb):>12} {mb / ma:>8.1f}x")
    return ma, mb


def fmt(ns):
    return f"{ns / 1000:.2f} µs" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


def main():
    from importlib.metadata import version

    print(f"clientcache {ours.__version__} (core {ours.core_version}, {ours.library_path}), "
          f"boto3-client-cache {version('boto3-client-cache')}, boto3 {boto3.__version__}, "
          f"Python {sys.version.split()[0]}")
    print(f"median of {ROUNDS} interleaved rounds; ratio = boto3-client-cache / clientcache\n")
    print(f"{'what':<46} {'clientcache':>10} {'boto3-client-cache':>12} {'ratio':>8}")

    # Both libraries' module-level client() read boto3.DEFAULT_SESSION; give
    # each its own between rounds (outside the timed loops).
    boto3.DEFAULT_SESSION = None
    orig.client("s3", region_name="us-west-2")
    orig_default = boto3.DEFAULT_SESSION

    def use_ours():
        boto3.DEFAULT_SESSION = None

    def use_orig():
        boto3.DEFAULT_SESSION = orig_default

    use_ours()
    first = ours.client("s3", region_name="us-west-2")
    hit, orig_hit = compare('cached client("s3", region_name=...) hit',
                            lambda: ours.client("s3", region_name="us-west-2"),
                            lambda: orig.client("s3", region_name="us-west-2"), 20000, use_ours, use_orig)
    use_ours()
    assert ours.client("s3", region_name="us-west-2") is first

    ours_session, orig_session = ours.Session(region_name="us-west-2"), orig.Session(region_name="us-west-2")
    compare('Session.client("s3") hit', lambda: ours_session.client("s3"),
            lambda: orig_session.client("s3"), 20000)
    key, orig_key = compare('ClientCacheKey("s3", region_name=...)',
                            lambda: ours.ClientCacheKey("s3", region_name="us-west-2"),
                            lambda: orig.ClientCacheKey("s3", region_name="us-west-2"), 20000)
    ck, ok = ours.ClientCacheKey("s3", region_name="us-west-2"), orig.ClientCacheKey("s3", region_name="us-west-2")
    c, o = ours.ClientCache(), orig.ClientCache()
    c[ck] = o[ok] = first
    compare("cache[key] hit", lambda: c[ck], lambda: o[ok], 50000)
    secret = dict(region_name="us-west-2", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    use_ours()
    compare('client("s3", <region + static credentials>) hit', lambda: ours.client("s3", **secret),
            lambda: orig.client("s3", **secret), 5000, use_ours, use_orig)
    plain = boto3.session.Session()  # no cache: a client built per call
    build = statistics.median(per_call_ns(lambda: plain.client("s3", region_name="us-west-2"), 20)
                              for _ in range(5))
    print(f"\nfor scale: boto3 Session.client('s3') built per call: {fmt(build)} "
          f"({build / hit:,.0f}x the cached hit)")
    ratio = orig_hit / hit
    verdict = "met" if ratio >= TARGET_HIT else "NOT met"
    print(f"target: cached client() hit >= {TARGET_HIT:.0f}x faster than boto3-client-cache: "
          f"{ratio:.1f}x, {verdict}")
    print(f"key construction: {orig_key / key:.1f}x boto3-client-cache (no target)")


if __name__ == "__main__":
    main()
