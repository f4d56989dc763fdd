"""make demo-python: the Python part of `make demo`. A report: the demo
key's identity, a real boto3 client cached and hit, an LRU and an LFU
eviction, the exists / not-found errors, the stats, and the cost of building
a boto3 client on every call against the cached lookup. No network and no
AWS account: building a boto3 client does no I/O."""
import json
import statistics
import sys
import time

import boto3
from botocore.config import Config

import clientcache as cc
from clientcache import ClientCache, ClientCacheKey

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def region_of(key):
    return json.loads(key.canonical)["params"].get("region_name")


def order(cache):
    return "  <  ".join(region_of(k) for k in cache.keys())


def short(err):
    return f"{type(err).__name__} ({err.code}): {err.message}"


def per_call(fn, calls):
    best = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        best.append((time.perf_counter() - t0) / calls)
    return statistics.median(best)


def fmt(seconds):
    return f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def main():
    print(f"Python — clientcache binding, libclientcache {cc.core_version}, boto3 {boto3.__version__}, "
          f"Python {sys.version.split()[0]}")
    print("=" * 74)
    print()

    # 1. The demo key: raw vocabulary params (as every language's demo builds it).
    params = {"region_name": "us-west-2", "config": {"retries": {"max_attempts": 3, "mode": "standard"}},
              "aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
    key = ClientCacheKey.from_params("s3", params)
    raw = ClientCacheKey.from_json("s3", json.dumps(params))
    print("Demo key (client, s3, us-west-2, retries, static credentials)")
    print(f"  fingerprint:  {key.fingerprint}")
    print(f"  label:        {key.label}")
    print(f"  same key from the raw JSON text: {'yes' if key == raw else 'NO'}")
    leaked = any(SECRET_KEY in t for t in (key.label, key.canonical, repr(key)))
    print(f"  secret in label / canonical / repr: {'YES (bug)' if leaked else 'no'}")
    print()

    # 2. A real boto3 client, cached and hit.
    cache = ClientCache("LRU", max_size=2)
    s3 = boto3.client("s3", region_name="us-west-2", aws_access_key_id=ACCESS_KEY,
                      aws_secret_access_key=SECRET_KEY)
    cache[key] = s3
    print("Cached client: a boto3 S3 client under the demo key (ClientCache, LRU, max_size 2)")
    print(f"  cache[key] = client   stored:  {type(s3).__name__}, {len(cache)} entry")
    print(f"  cache[key]            hit:     same object: {'yes' if cache[key] is s3 else 'NO'}")
    print()

    # 3. Evictions.
    lru = ClientCache("LRU", max_size=2)
    keys = {r: ClientCacheKey("s3", region_name=r) for r in ("us-east-1", "us-west-2", "eu-west-1")}
    lru[keys["us-east-1"]] = s3
    lru[keys["us-west-2"]] = s3
    lru[keys["us-east-1"]]
    lru[keys["eu-west-1"]] = s3
    print("LRU, max_size 2: put us-east-1, us-west-2; get us-east-1; put eu-west-1")
    print(f"  evicted us-west-2: {'yes' if keys['us-west-2'] not in lru else 'NO'};  victim order: {order(lru)}")
    lfu = ClientCache("LFU", max_size=2)
    lfu[keys["us-east-1"]] = s3
    lfu[keys["us-west-2"]] = s3
    for _ in range(3):
        lfu[keys["us-west-2"]]
    lfu[keys["eu-west-1"]] = s3
    print("LFU, max_size 2: put us-east-1, us-west-2; get us-west-2 x3; put eu-west-1")
    print(f"  evicted us-east-1: {'yes' if keys['us-east-1'] not in lfu else 'NO'};  victim order: {order(lfu)}")
    print()

    # 4. Errors.
    print("Errors")
    try:
        cache[key] = s3
    except cc.ClientCacheExistsError as err:
        print(f"  insert again:   {short(err)}")
    try:
        cache[ClientCacheKey("s3", region_name="ap-south-1")]
    except cc.ClientCacheNotFoundError as err:
        print(f"  missing key:    {short(err)}")
    try:
        ClientCacheKey("s3", region_name=5)
    except cc.ClientCacheError as err:
        print(f"  bad parameter:  {short(err)}")
    print()

    # 5. Stats.
    s = lru.stats()
    print(f"Stats of the LRU cache: hits {s.hits}, misses {s.misses}, insertions {s.insertions}, "
          f"evictions {s.evictions}, len {s.len}, max_size {s.max_size}")
    print()

    # 6. The cost of a client per call against the cached lookup.
    plain = boto3.session.Session()
    config = Config(retries={"total_max_attempts": 3, "mode": "standard"})
    build = per_call(lambda: plain.client("s3", region_name="us-west-2", config=config), 10)
    cc.client("s3", region_name="us-west-2")
    hit = per_call(lambda: cc.client("s3", region_name="us-west-2"), 20000)
    print("Building a boto3 client per call vs the cached client() (median of 5 runs)")
    print(f"  boto3 Session.client('s3', ...)        {fmt(build):>10}")
    print(f"  clientcache.client('s3', ...) hit      {fmt(hit):>10}   ({build / hit:,.0f}x faster)")


if __name__ == "__main__":
    main()
