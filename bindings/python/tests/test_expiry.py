"""Expiry and eviction causes: cache-wide and per-entry TTLs on an injected
clock (no sleeps), expired entries as the first victims, the `expirations`
counter, and on_evict told exactly once per value with the right cause
through every way out, with the handle table back to empty at the end."""
import gc
import math
import threading
from collections import Counter
from pathlib import Path

import boto3
import pytest

import clientcache
from clientcache import (ClientCache, ClientCacheError, ClientCacheKey, LFUClientCache,
                         LRUClientCache, ResourceCache, ResourceCacheKey, Session)
from clientcache import _cache, _native
from clientcache._native import value_stats

SECOND = 1_000_000_000
POLICIES = ("LRU", "LFU")


def key(region):
    return ClientCacheKey("s3", region_name=region)


REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2")


class Clock:
    """The test clock: nanoseconds, moved by hand."""

    def __init__(self):
        self.now = 0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += int(seconds * SECOND)


class Recorder:
    """An on_evict that records (key label, value, cause)."""

    def __init__(self):
        self.events = []

    def __call__(self, k, value, cause):
        self.events.append((k.label, value, cause))

    def causes(self):
        return [(label, cause) for label, _, cause in self.events]


def label(region):
    return key(region).label


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def clean_handles():
    """The handle table and the hook registry end as they started."""
    gc.collect()
    before = value_stats()
    yield
    gc.collect()
    after = value_stats()
    assert after["live"] == before["live"]
    assert after["unknown_releases"] == 0
    assert not _cache._freeing


def test_cause_names_match_the_core():
    for code, name in enumerate(_native.CAUSES):
        assert _native.lib.clientcache_cause_name(code).decode("ascii").lower() == name


@pytest.mark.parametrize("policy", POLICIES)
def test_cache_ttl(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, max_size=4, ttl=10, on_evict=rec, _clock=clock)
    assert cache.ttl == 10
    cache[key("us-east-1")] = s3_clients[0]
    clock.advance(5)
    cache[key("us-west-2")] = s3_clients[1]
    clock.advance(4.999)
    assert cache[key("us-east-1")] is s3_clients[0]  # 9.999 s old: alive
    clock.advance(0.001)
    assert cache.get(key("us-east-1")) is None  # 10 s old: expired, a miss
    assert key("us-west-2") in cache and len(cache) == 1
    assert rec.causes() == [(label("us-east-1"), "expired")]
    clock.advance(5)
    assert cache.keys() == ()  # a snapshot never shows an expired entry
    with pytest.raises(clientcache.ClientCacheNotFoundError):
        cache[key("us-west-2")]
    s = cache.stats()
    assert (s.hits, s.misses, s.insertions, s.evictions, s.removals, s.expirations, s.len) == \
        (1, 2, 2, 0, 0, 2, 0)
    assert sorted(rec.causes()) == sorted([(label("us-east-1"), "expired"),
                                           (label("us-west-2"), "expired")])
    # An expired key can be inserted again.
    cache[key("us-east-1")] = s3_clients[2]
    assert cache[key("us-east-1")] is s3_clients[2]


@pytest.mark.parametrize("policy", POLICIES)
def test_per_entry_ttl(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, max_size=5, ttl=10, on_evict=rec, _clock=clock)
    cache.set(key("us-east-1"), s3_clients[0], ttl=2)
    cache.set(key("us-west-2"), s3_clients[1], ttl=math.inf)
    cache[key("eu-west-1")] = s3_clients[2]            # the cache's 10 s
    cache.set(key("us-west-1"), s3_clients[2])         # ttl=None: the cache's 10 s
    cache.set(key("eu-west-2"), s3_clients[2], ttl=30)  # longer than the cache's
    clock.advance(2)
    assert key("us-east-1") not in cache
    assert len(cache) == 4
    clock.advance(8)
    assert set(cache.keys()) == {key("us-west-2"), key("eu-west-2")}
    clock.advance(10**6)
    assert cache.keys() == (key("us-west-2"),)
    assert cache.stats().expirations == 4
    assert Counter(c for _, c in rec.causes()) == {"expired": 4}
    with pytest.raises(clientcache.ClientCacheExistsError):
        cache.set(key("us-west-2"), s3_clients[0], ttl=1)


@pytest.mark.parametrize("policy", POLICIES)
def test_per_entry_ttl_without_a_cache_ttl(policy, clock, s3_clients, clean_handles):
    cache = ClientCache(policy, _clock=clock)
    assert cache.ttl is None
    cache.set(key("us-east-1"), s3_clients[0], ttl=1.5)
    cache[key("us-west-2")] = s3_clients[1]  # no lifetime
    clock.advance(1.5)
    assert cache.keys() == (key("us-west-2"),)
    clock.advance(10**9)
    assert cache.keys() == (key("us-west-2"),)


@pytest.mark.parametrize("policy", POLICIES)
def test_expired_entries_are_the_first_victims(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, max_size=2, on_evict=rec, _clock=clock)
    cache[key("us-east-1")] = s3_clients[0]
    cache.set(key("us-west-2"), s3_clients[1], ttl=1)
    for _ in range(3):
        cache[key("us-west-2")]  # most recent and most used: us-east-1 is the victim
    assert cache.keys()[0] == key("us-east-1")
    clock.advance(1)
    cache[key("eu-west-1")] = s3_clients[2]  # room: the expired entry goes, not the victim
    assert set(cache.keys()) == {key("us-east-1"), key("eu-west-1")}
    assert rec.causes() == [(label("us-west-2"), "expired")]
    s = cache.stats()
    assert (s.evictions, s.expirations) == (0, 1)
    cache[key("us-west-1")] = s3_clients[2]  # now a live entry is evicted
    assert rec.causes()[1][1] == "evicted"
    assert cache.stats().evictions == 1


@pytest.mark.parametrize("policy", POLICIES)
def test_popitem_never_returns_an_expired_entry(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, on_evict=rec, _clock=clock)
    cache.set(key("us-east-1"), s3_clients[0], ttl=1)  # the next victim
    cache[key("us-west-2")] = s3_clients[1]
    clock.advance(1)
    assert cache.popitem() == (key("us-west-2"), s3_clients[1])
    assert rec.causes() == [(label("us-east-1"), "expired"), (label("us-west-2"), "removed")]
    cache.set(key("eu-west-1"), s3_clients[2], ttl=1)
    clock.advance(1)
    with pytest.raises(clientcache.ClientCacheNotFoundError):
        cache.popitem()  # only an expired entry: the cache is empty
    assert rec.causes()[-1] == (label("eu-west-1"), "expired")
    s = cache.stats()
    assert (s.removals, s.expirations, s.len) == (1, 2, 0)


@pytest.mark.parametrize("policy", POLICIES)
def test_purge_expired(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, max_size=10, ttl=5, on_evict=rec, _clock=clock)
    for i, region in enumerate(REGIONS):
        cache.set(key(region), s3_clients[i % 3], ttl=math.inf if i % 2 else None)
    assert cache.purge_expired() == 0
    clock.advance(5)
    assert cache.purge_expired() == 3
    assert cache.purge_expired() == 0
    assert len(cache) == 3
    assert sorted(rec.causes()) == sorted((label(r), "expired") for r in REGIONS[::2])
    assert cache.stats().expirations == 3


@pytest.mark.parametrize("policy", POLICIES)
def test_get_or_create_ttl(policy, clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(policy, ttl=100, on_evict=rec, _clock=clock)
    built = []

    def build():
        built.append(1)
        return s3_clients[len(built) % 3]

    first = cache.get_or_create(key("us-east-1"), build, ttl=2)
    assert cache.get_or_create(key("us-east-1"), build, ttl=2) is first and len(built) == 1
    clock.advance(2)
    second = cache.get_or_create(key("us-east-1"), build, ttl=2)
    assert len(built) == 2 and second is not first
    cache.get_or_create(key("us-west-2"), build)  # the cache's 100 s
    clock.advance(50)
    assert set(cache.keys()) == {key("us-west-2")}
    assert rec.causes() == [(label("us-east-1"), "expired")] * 2
    assert cache.stats().expirations == 2


def test_every_cause_exactly_once_per_value(clock, s3_clients, clean_handles):
    counts = Counter()
    values = {}
    client_counter = iter(range(10**6))

    def on_evict(k, value, cause):
        counts[(k.label, cause)] += 1
        assert values[k.label] is value  # the value that was stored under k

    def put(cache, region, ttl=None):
        value = s3_clients[next(client_counter) % 3]
        values[key(region).label] = value
        cache.set(key(region), value, ttl=ttl)

    cache = ClientCache(max_size=3, on_evict=on_evict, _clock=clock)
    put(cache, "us-east-1")
    put(cache, "us-east-2")
    put(cache, "us-west-1")
    put(cache, "us-west-2")                     # evicts us-east-1
    cache.max_size = 2                          # evicts us-east-2
    assert counts == {(label("us-east-1"), "evicted"): 1, (label("us-east-2"), "evicted"): 1}
    cache.max_size = 6
    put(cache, "eu-west-1", ttl=1)
    clock.advance(1)
    assert cache.purge_expired() == 1           # expired
    del cache[key("us-west-1")]                 # removed
    assert cache.pop(key("us-west-2")) is values[label("us-west-2")]  # removed
    put(cache, "eu-west-2")
    assert cache.popitem()[0] == key("eu-west-2")  # removed
    put(cache, "us-east-1")
    put(cache, "us-east-2")
    cache.clear()                               # cleared, both
    put(cache, "us-west-1")
    put(cache, "us-west-2")
    dup = cache.copy()
    del cache                                   # cleared (in this cache), dup still holds them
    gc.collect()
    assert counts[(label("us-west-1"), "cleared")] == 1
    del dup                                     # cleared again: it left the copy as well
    gc.collect()
    assert counts == {
        (label("us-east-1"), "evicted"): 1, (label("us-east-2"), "evicted"): 1,
        (label("eu-west-1"), "expired"): 1,
        (label("us-west-1"), "removed"): 1, (label("us-west-2"), "removed"): 1,
        (label("eu-west-2"), "removed"): 1,
        (label("us-east-1"), "cleared"): 1, (label("us-east-2"), "cleared"): 1,
        (label("us-west-1"), "cleared"): 2, (label("us-west-2"), "cleared"): 2,
    }


def test_replaced_when_a_plain_insert_lands_while_a_factory_runs(s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(on_evict=rec)
    built, inserted = s3_clients[0], s3_clients[1]

    def factory():
        cache[key("us-east-1")] = inserted  # lands first: the built value never becomes resident
        return built

    assert cache.get_or_create(key("us-east-1"), factory) is inserted
    assert cache[key("us-east-1")] is inserted
    assert len(rec.events) == 1
    assert rec.events[0][1] is built and rec.events[0][2] == "replaced"
    del cache
    gc.collect()


def test_replaced_across_threads(s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(on_evict=rec)
    started, go = threading.Event(), threading.Event()

    def factory():
        started.set()
        go.wait(10)
        return s3_clients[0]

    result = []
    t = threading.Thread(target=lambda: result.append(cache.get_or_create(key("us-east-1"), factory)))
    t.start()
    assert started.wait(10)
    cache[key("us-east-1")] = s3_clients[1]
    go.set()
    t.join(10)
    assert result == [s3_clients[1]]
    assert [(v is s3_clients[0], c) for _, v, c in rec.events] == [(True, "replaced")]


def test_on_evict_may_call_back_into_the_cache(clock, s3_clients, clean_handles):
    seen = []

    def make():
        cache = ClientCache(max_size=2, on_evict=lambda k, v, cause: on_evict(cache, k, v, cause),
                            _clock=clock)
        return cache

    def on_evict(cache, k, value, cause):
        # Outside the cache's lock: any operation works, including one that
        # makes another value leave (told in its turn). Not while the cache
        # is being garbage-collected ("cleared" from its __del__).
        if cause == "cleared":
            seen.append((k.label, cause))
            return
        seen.append((k.label, cause, len(cache), k in cache, cache.stats().len))
        if cause == "evicted" and key("eu-west-1") not in cache:
            cache[key("eu-west-1")] = s3_clients[2]

    cache = make()
    cache[key("us-east-1")] = s3_clients[0]
    cache[key("us-west-2")] = s3_clients[1]
    cache[key("us-west-1")] = s3_clients[1]  # evicts us-east-1; on_evict inserts eu-west-1
    assert seen[0] == (label("us-east-1"), "evicted", 2, False, 2)
    assert key("eu-west-1") in cache and len(cache) == 2
    assert [c for _, c, *_ in seen] == ["evicted", "evicted"]
    del seen[:]
    cache.clear()
    assert sorted(seen) == sorted([(label("us-west-1"), "cleared"), (label("eu-west-1"), "cleared")])
    # The cache refers to itself through on_evict: a cycle, still collected,
    # and "cleared" still told.
    cache[key("us-east-1")] = s3_clients[0]
    seen.clear()
    ref_count_before = len(_cache._hooks)
    del cache
    gc.collect()
    assert [c for _, c, *_ in seen] == ["cleared"]
    assert len(_cache._hooks) == ref_count_before - 1


def test_a_raising_on_evict_does_not_break_the_cache(clock, s3_clients, clean_handles, monkeypatch):
    reported = []
    # Keeps no traceback: a stored one would keep the frames, and the cache
    # with them, alive (see sys.unraisablehook's documentation).
    monkeypatch.setattr("sys.unraisablehook", lambda u: reported.append(u.exc_value.args))
    calls = []

    def on_evict(k, value, cause):
        calls.append(cause)
        raise RuntimeError(f"on_evict failed for {cause}")

    cache = ClientCache(max_size=1, ttl=1, on_evict=on_evict, _clock=clock)
    cache[key("us-east-1")] = s3_clients[0]
    cache[key("us-west-2")] = s3_clients[1]  # evicted
    assert cache[key("us-west-2")] is s3_clients[1]
    clock.advance(1)
    assert cache.get(key("us-west-2")) is None  # expired
    cache[key("us-east-1")] = s3_clients[0]
    assert cache.pop(key("us-east-1")) is s3_clients[0]  # removed
    cache[key("us-east-1")] = s3_clients[0]
    cache.clear()
    assert calls == ["evicted", "expired", "removed", "cleared"]
    assert reported == [(f"on_evict failed for {c}",) for c in calls]
    cache[key("us-east-1")] = s3_clients[0]
    assert cache.stats().insertions == 5 and len(cache) == 1
    del cache
    gc.collect()
    assert calls[-1] == "cleared" and len(reported) == 5


def test_a_raising_clock_repeats_its_last_reading(s3_clients, clean_handles, monkeypatch):
    reported = []
    # Keeps no traceback: a stored one would keep the frames, and the cache
    # with them, alive (see sys.unraisablehook's documentation).
    monkeypatch.setattr("sys.unraisablehook", lambda u: reported.append(u.exc_value.args))
    clock = Clock()
    broken = [False]

    def read():
        if broken[0]:
            raise OSError("no time")
        return clock()

    cache = ClientCache(ttl=1, _clock=read)
    cache[key("us-east-1")] = s3_clients[0]
    clock.advance(0.5)
    assert key("us-east-1") in cache
    broken[0] = True
    clock.advance(10)
    assert cache[key("us-east-1")] is s3_clients[0]  # still 0.5 s on the cache's clock
    assert reported and reported[0] == ("no time",)
    broken[0] = False
    assert key("us-east-1") not in cache


@pytest.mark.parametrize("bad", [0, -1, -math.inf, float("nan"), True, "5", []])
def test_bad_ttls_are_refused(bad, s3_clients, clean_handles):
    with pytest.raises(ClientCacheError) as err:
        ClientCache(ttl=bad)
    assert err.value.code == "INVALID_ARGUMENT"
    cache = ClientCache()
    with pytest.raises(ClientCacheError):
        cache.set(key("us-east-1"), s3_clients[0], ttl=bad)
    with pytest.raises(ClientCacheError):
        cache.get_or_create(key("us-east-1"), lambda: s3_clients[0], ttl=bad)
    assert len(cache) == 0


def test_other_options_are_checked(clean_handles):
    with pytest.raises(ClientCacheError):
        ClientCache(on_evict=5)
    with pytest.raises(ClientCacheError):
        ClientCache(_clock="now")
    assert ClientCache(ttl=math.inf).ttl is None  # inf: no lifetime


def test_policy_fixed_subclasses_take_the_options(clock, s3_clients, clean_handles):
    rec = Recorder()
    for cls in (LRUClientCache, LFUClientCache):
        cache = cls(2, ttl=1, on_evict=rec, _clock=clock)
        cache[key("us-east-1")] = s3_clients[0]
        clock.advance(1)
        assert key("us-east-1") not in cache
    assert [c for _, _, c in rec.events] == ["expired", "expired"]


def test_resource_cache_ttl_and_causes(clock, clean_handles):
    rec = []
    cache = ResourceCache("LFU", max_size=1, ttl=3, _clock=clock,
                          on_evict=lambda k, v, cause: rec.append((k.kind, cause)))
    s3 = boto3.resource("s3", region_name="us-east-1")
    cache[ResourceCacheKey("s3", region_name="us-east-1")] = s3
    cache.set(ResourceCacheKey("s3", region_name="us-west-2"), s3, ttl=1)  # evicts the first
    clock.advance(1)
    assert cache.purge_expired() == 1
    assert rec == [("resource", "evicted"), ("resource", "expired")]
    assert cache.stats().expirations == 1


def test_copies_share_the_hooks_and_the_ttl(clock, s3_clients, clean_handles):
    rec = Recorder()
    cache = ClientCache(ttl=2, on_evict=rec, _clock=clock)
    cache[key("us-east-1")] = s3_clients[0]
    dup = cache.copy()
    assert dup.ttl == 2
    del cache
    gc.collect()
    assert rec.causes() == [(label("us-east-1"), "cleared")]
    clock.advance(2)
    assert dup.purge_expired() == 1
    assert rec.causes()[1] == (label("us-east-1"), "expired")
    dup[key("us-west-2")] = s3_clients[1]  # the copy's inserts get the TTL too
    clock.advance(2)
    assert len(dup.keys()) == 0


def test_session_cache_ttl(s3_clients, clean_handles):
    session = Session(region_name="us-east-1", cache_ttl=30)
    for kind in ("client", "resource"):
        for policy in POLICIES:
            assert session.cache[kind][policy].ttl == 30
    assert Session(region_name="us-east-1").cache["client"]["LRU"].ttl is None
    s3 = session.client("s3")
    assert session.client("s3") is s3
    # A lifetime short enough to end on the core's coarse clock: rebuilt.
    short = Session(region_name="us-east-1", cache_ttl=1e-9)
    first = short.client("s3")
    import time
    deadline = time.monotonic() + 5
    while short.client("s3") is first and time.monotonic() < deadline:
        time.sleep(0.005)
    assert short.client("s3") is not first
    assert short.cache["client"]["LRU"].stats().expirations >= 1
    assert clientcache.setup_default_session(cache_ttl=7).cache["client"]["LFU"].ttl == 7


def test_readme_expiry_example(capsys, clean_handles):
    """The example of the README's "Expiry and eviction causes" runs and
    prints what its comments say."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Expiry and eviction causes"):]
    code = section[section.index("```python\n") + 10:section.index("```\n", section.index("```python"))]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert capsys.readouterr().out.splitlines() == [
        "0 0", 's3(region_name="eu-west-1") left the cache: removed']
    namespace.clear()
    gc.collect()
    assert sorted(capsys.readouterr().out.splitlines()) == [
        's3(region_name="ap-south-1") left the cache: cleared',
        's3(region_name="us-west-2") left the cache: cleared']


def test_the_handle_table_ends_empty():
    """After all of the above (and the collector), no handle is left that no
    cache holds, and no hook registration either."""
    gc.collect()
    assert value_stats()["unknown_releases"] == 0
    assert not _cache._freeing
    cache = ClientCache(on_evict=lambda *a: None, ttl=1)
    before = len(_cache._hooks)
    del cache
    gc.collect()
    assert len(_cache._hooks) == before - 1
