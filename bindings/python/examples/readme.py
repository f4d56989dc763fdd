# The Python example of the README; tests/test_examples.py runs it and checks
# its output, so it stays true.
import boto3
from botocore.config import Config

from clientcache import (ClientCache, ClientCacheExistsError, ClientCacheKey,
                         ClientCacheNotFoundError, client)

# One call: the cached boto3 client for this configuration (built on the first call).
s3 = client("s3", region_name="us-west-2", config=Config(retries={"max_attempts": 2}))
print(s3 is client("s3", config=Config(retries={"total_max_attempts": 3}), region_name="us-west-2"))  # True

# Explicit keys take boto3's client() arguments; secrets never leave the core in clear.
key = ClientCacheKey("s3", region_name="us-west-2",
                     aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                     aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
print(key.label)  # secrets are never shown
print(key.fingerprint)  # bf992e455d517b9cfd3b0e77a8774514 in Rust, C, Go and Node too

cache = ClientCache("LFU", max_size=2)
cache[key] = boto3.client("s3", region_name="us-west-2")
print(type(cache[key]).__name__)  # S3

try:
    cache[key] = boto3.client("s3", region_name="us-west-2")
except ClientCacheExistsError as err:
    print(type(err).__name__, err.code)
try:
    cache[ClientCacheKey("s3", region_name="eu-west-1")]
except ClientCacheNotFoundError as err:
    print(type(err).__name__, err.code)

# get_or_create: the factory runs only on a miss, once however many threads ask.
eu = cache.get_or_create(ClientCacheKey("s3", region_name="eu-west-1"),
                         lambda: boto3.client("s3", region_name="eu-west-1"))
print(len(cache), cache.stats().hits, eu is cache.get(ClientCacheKey("s3", region_name="eu-west-1")))
