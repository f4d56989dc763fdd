"""Concurrency: one client per key however many threads ask; other keys are
never blocked by a slow build; the dict protocol holds under contention."""
import random
import threading
import time

import boto3.session
import pytest

import clientcache
from clientcache import ClientCache, ClientCacheKey
from clientcache._native import value_stats


@pytest.fixture
def counted_builds(monkeypatch):
    """Counts boto3 client builds and makes each one slow, to widen races."""
    builds = []
    real = boto3.session.Session.client

    def slow_client(self, *args, **kwargs):
        builds.append((args, kwargs.get("region_name")))
        time.sleep(0.05)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", slow_client)
    return builds


def run_threads(count, target):
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_32_threads_one_key_build_one_client(counted_builds):
    results = run_threads(32, lambda i: clientcache.client("s3", region_name="us-west-2"))
    assert len(counted_builds) == 1
    assert all(r is results[0] for r in results)
    cache = clientcache.get_default_session().cache["client"]["LRU"]
    s = cache.stats()
    assert s.insertions == 1 and s.len == 1
    assert s.hits + s.misses == 32


def test_32_threads_eight_keys(counted_builds):
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
               "eu-central-1", "ap-south-1"]
    session = clientcache.Session()
    results = run_threads(32, lambda i: session.client("s3", region_name=regions[i % 8]))
    assert len(counted_builds) == 8
    for i, r in enumerate(results):
        assert r is results[i % 8]
        assert r.meta.region_name == regions[i % 8]


def test_a_slow_build_does_not_block_other_keys(monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = boto3.session.Session.client

    def client(self, service_name, *args, **kwargs):
        if kwargs.get("region_name") == "slow-1":
            started.set()
            assert release.wait(10)
        return real(self, service_name, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", client)
    session = clientcache.Session()
    slow = threading.Thread(target=lambda: session.client("s3", region_name="slow-1"))
    slow.start()
    assert started.wait(10)
    t0 = time.monotonic()
    fast = session.client("s3", region_name="us-east-1")  # while slow-1 is still building
    assert time.monotonic() - t0 < 5
    assert fast.meta.region_name == "us-east-1"
    release.set()
    slow.join(10)
    assert len(session.cache["client"]["LRU"]) == 2


def test_waiters_share_a_failure(monkeypatch):
    calls = []
    gate = threading.Event()

    def failing(self, *args, **kwargs):
        calls.append(1)
        gate.wait(0.2)
        raise RuntimeError("cannot build")

    monkeypatch.setattr(boto3.session.Session, "client", failing)
    session = clientcache.Session()
    outcomes = []

    def call(i):
        try:
            session.client("s3", region_name="us-east-1")
        except RuntimeError:
            outcomes.append("own")
        except clientcache.ClientCacheError as err:
            assert err.code == "FACTORY_FAILED" and "cannot build" in str(err)
            outcomes.append("shared")
        return None

    run_threads(8, call)
    assert len(outcomes) == 8
    assert outcomes.count("own") == len(calls) >= 1
    assert len(session.cache["client"]["LRU"]) == 0


def test_dict_protocol_under_contention(s3_clients):
    cache = ClientCache("LFU", max_size=4)
    keys = [ClientCacheKey("s3", region_name=f"r{i}") for i in range(10)]
    before = value_stats()

    def hammer(i):
        rng = random.Random(i)
        for _ in range(400):
            k = rng.choice(keys)
            op = rng.randrange(6)
            try:
                if op == 0:
                    cache[k] = s3_clients[i % 3]
                elif op == 1:
                    cache.get(k)
                elif op == 2:
                    cache.pop(k, None)
                elif op == 3:
                    cache.items()
                elif op == 4:
                    cache.get_or_create(k, lambda: s3_clients[0])
                else:
                    k in cache and len(cache)
            except clientcache.ClientCacheExistsError:
                pass
        return True

    assert all(run_threads(16, hammer))
    assert len(cache) <= 4
    assert value_stats()["live"] - before["live"] == len(cache)
    cache.clear()
    assert value_stats()["live"] == before["live"]
    assert value_stats()["unknown_releases"] == 0
