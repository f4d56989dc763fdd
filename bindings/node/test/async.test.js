'use strict';
// getOrCreateAsync: one shared Promise per key, concurrency across keys,
// rejections shared and not cached, a set() racing a build, re-entrancy,
// stats, and what a factory may return.
const test = require('node:test');
const assert = require('node:assert/strict');
const { setImmediate: tick } = require('node:timers/promises');
const {
  ClientCache, ClientCacheKey, ClientCacheError, ResourceCache, ResourceCacheKey, ResourceCacheError, _accounting,
} = require('..');
const { fakeClient } = require('./helpers');

const key = (i) => new ClientCacheKey('s3', { region_name: `r${i}` });

/** A promise and its resolve function. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Rejects when `promise` has not settled after `ms`: a hang becomes a failure. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function rejectsTyped(promise, cls, status, fragment) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof cls, `${err && err.name} is not ${cls.name}: ${err && err.message}`);
    assert.equal(err.status, status);
    assert.equal(err.code, `ERR_CLIENTCACHE_${status}`);
    if (fragment) assert.ok(err.message.includes(fragment), `${JSON.stringify(err.message)} lacks ${JSON.stringify(fragment)}`);
    return true;
  });
}

test('1000 concurrent callers of one key: one build, one Promise, one object; one miss per caller', async () => {
  const cache = new ClientCache({ maxSize: 4 });
  const k = key(1);
  const gate = deferred();
  let builds = 0;
  const factory = async (given) => {
    builds++;
    assert.equal(given, k, 'the factory gets the key it was called with');
    await gate.promise;
    return fakeClient('built');
  };
  const promises = [];
  for (let i = 0; i < 1000; i++) promises.push(cache.getOrCreateAsync(k, factory));
  assert.equal(builds, 1);
  assert.ok(promises.every((p) => p === promises[0]), 'every caller holds the same Promise');
  assert.ok(promises[0] instanceof Promise);
  gate.resolve();
  const values = await within(Promise.all(promises), 10_000, '1000 callers');
  assert.equal(builds, 1);
  assert.ok(values.every((v) => v === values[0]));
  assert.equal(values[0].name, 'built');
  assert.equal(cache.get(k), values[0], 'the build was cached');
  // Every caller that did not find the value resident is a miss, as in the
  // core's get-or-create; get() above is the one hit.
  let s = cache.stats();
  assert.deepEqual([s.hits, s.misses, s.insertions, s.size], [1, 1000, 1, 1]);
  // A hit: an already-resolved Promise for the cached object, no build.
  const hit = cache.getOrCreateAsync(k, factory);
  assert.notEqual(hit, promises[0]);
  assert.equal(await hit, values[0]);
  assert.equal(builds, 1);
  s = cache.stats();
  assert.deepEqual([s.hits, s.misses, s.insertions], [2, 1000, 1]);
});

test('1000 callers of 1000 keys build concurrently (every factory waits until all have started)', async () => {
  const cache = new ClientCache({ maxSize: 1000 });
  const keys = Array.from({ length: 1000 }, (_, i) => key(i));
  const allStarted = deferred();
  let started = 0;
  const pending = keys.map((k, i) => cache.getOrCreateAsync(k, async () => {
    if (++started === keys.length) allStarted.resolve();
    await allStarted.promise; // a serialized cache would never get past the first factory
    return fakeClient(i);
  }));
  assert.equal(started, 1000, 'every factory started before any finished');
  const values = await within(Promise.all(pending), 10_000, 'concurrent builds');
  assert.deepEqual(values.map((v) => v.name), keys.map((_, i) => i));
  assert.equal(cache.size, 1000);
  assert.equal(cache.get(keys[123]), values[123]);
});

test('a rejection reaches every caller unchanged and is not cached; the next call builds again', async () => {
  const cache = new ClientCache();
  const k = key(1);
  const failure = new Error('no credentials yet');
  let builds = 0;
  const gate = deferred();
  const failing = async () => {
    builds++;
    await gate.promise;
    throw failure;
  };
  const callers = Array.from({ length: 50 }, () => cache.getOrCreateAsync(k, failing));
  gate.resolve();
  const outcomes = await Promise.allSettled(callers);
  assert.equal(builds, 1);
  for (const o of outcomes) {
    assert.equal(o.status, 'rejected');
    assert.equal(o.reason, failure, 'the factory error itself, not a wrapper');
  }
  assert.equal(cache.has(k), false, 'a failure is not cached');
  assert.equal(cache.stats().insertions, 0);
  const built = await cache.getOrCreateAsync(k, async () => { builds++; return fakeClient('second'); });
  assert.equal(builds, 2, 'the next call ran the factory again');
  assert.equal(built.name, 'second');
  assert.equal(cache.get(k), built);
});

test('what a factory may return: a value, a thenable; a synchronous throw and a bad value reject', async () => {
  const cache = new ClientCache();
  // A plain value is cached before getOrCreateAsync returns.
  const direct = fakeClient('direct');
  const p = cache.getOrCreateAsync(key(1), () => direct);
  assert.equal(cache.peek(key(1)), direct);
  assert.equal(await p, direct);
  // A thenable that is not a Promise is awaited like one.
  const viaThen = fakeClient('then');
  assert.equal(await cache.getOrCreateAsync(key(2), () => ({ then(resolve) { resolve(viaThen); } })), viaThen);
  assert.equal(cache.peek(key(2)), viaThen);
  // A synchronous throw becomes the rejection: getOrCreateAsync never throws.
  const boom = new Error('sync');
  let result;
  assert.doesNotThrow(() => { result = cache.getOrCreateAsync(key(3), () => { throw boom; }); });
  await assert.rejects(result, (err) => err === boom);
  assert.equal(cache.has(key(3)), false);
  // A value the cache does not hold: INVALID_ARGUMENT, shared, not cached.
  for (const bad of [undefined, null, 42, { send: 'no' }]) {
    await rejectsTyped(cache.getOrCreateAsync(key(4), async () => bad), ClientCacheError, 'INVALID_ARGUMENT', 'send()');
  }
  assert.equal(cache.has(key(4)), false);
  // Bad arguments are rejections too.
  await rejectsTyped(cache.getOrCreateAsync(key(5)), ClientCacheError, 'INVALID_ARGUMENT', 'factory');
  await rejectsTyped(cache.getOrCreateAsync('s3', async () => fakeClient(1)), ClientCacheError, 'INVALID_ARGUMENT', 'ClientCacheKey');
  await rejectsTyped(cache.getOrCreateAsync(new ResourceCacheKey('s3'), async () => fakeClient(1)), ClientCacheError, 'KIND_MISMATCH');
  assert.equal(cache.size, 2);
});

test('a set() that lands while the factory runs wins; the factory value is dropped', async () => {
  const cache = new ClientCache();
  const k = key(1);
  const gate = deferred();
  const before = _accounting();
  const pending = [cache.getOrCreateAsync(k, async () => { await gate.promise; return fakeClient('factory'); }),
    cache.getOrCreateAsync(k, async () => fakeClient('never runs'))];
  const inserted = fakeClient('inserted');
  cache.set(k, inserted);
  gate.resolve();
  const values = await Promise.all(pending);
  assert.deepEqual(values.map((v) => v.name), ['inserted', 'inserted']);
  assert.equal(cache.get(k), inserted);
  assert.equal(cache.stats().insertions, 1, 'the dropped value is not counted');
  const after = _accounting();
  assert.equal(after.retained - before.retained, 1, 'the factory value was never handed to the cache');
});

test('a value set, then deleted, while the factory runs: the factory value lands', async () => {
  const cache = new ClientCache();
  const k = key(1);
  const gate = deferred();
  const pending = cache.getOrCreateAsync(k, async () => { await gate.promise; return fakeClient('factory'); });
  cache.set(k, fakeClient('inserted'));
  cache.delete(k);
  gate.resolve();
  assert.equal((await pending).name, 'factory');
  assert.equal(cache.get(k).name, 'factory');
});

test('the synchronous getOrCreate does not wait for a build in flight: its value is resident first and wins', async () => {
  const cache = new ClientCache();
  const k = key(1);
  const gate = deferred();
  const pending = cache.getOrCreateAsync(k, async () => { await gate.promise; return fakeClient('async'); });
  const sync = cache.getOrCreate(k, () => fakeClient('sync'));
  assert.equal(sync.name, 'sync');
  gate.resolve();
  assert.equal(await pending, sync);
});

test('a factory that waits for its own key gets INVALID_ARGUMENT instead of hanging', async () => {
  const cache = new ClientCache();
  // after an await
  const k1 = key(1);
  let inner;
  const outer = cache.getOrCreateAsync(k1, async () => {
    await tick();
    inner = cache.getOrCreateAsync(k1, async () => fakeClient('inner'));
    return await inner;
  });
  await within(rejectsTyped(outer, ClientCacheError, 'INVALID_ARGUMENT', 'waits for its own key'), 5000, 'self-wait');
  await rejectsTyped(inner, ClientCacheError, 'INVALID_ARGUMENT', 's3(region_name="r1")');
  assert.equal(cache.has(k1), false);

  // before any await (the factory's synchronous part), caught by the factory
  const k2 = key(2);
  const caught = await cache.getOrCreateAsync(k2, async () => {
    const err = await cache.getOrCreateAsync(k2, async () => fakeClient('x')).catch((e) => e);
    assert.ok(err instanceof ClientCacheError);
    return fakeClient('recovered');
  });
  assert.equal(caught.name, 'recovered');

  // through the factory of another key: k3 → k4 → k3
  const k3 = key(3);
  const k4 = key(4);
  const cycle = cache.getOrCreateAsync(k3, async () => {
    await tick();
    return cache.getOrCreateAsync(k4, async () => {
      await tick();
      return cache.getOrCreateAsync(k3, async () => fakeClient('x'));
    });
  });
  await within(rejectsTyped(cycle, ClientCacheError, 'INVALID_ARGUMENT', 'waits for its own key'), 5000, 'cycle');
  assert.equal(cache.has(k3) || cache.has(k4), false);

  // nesting without a cycle is fine, and the other key's callers are not held up
  const k5 = key(5);
  const k6 = key(6);
  const nested = await cache.getOrCreateAsync(k5, async () => {
    const dep = await cache.getOrCreateAsync(k6, async () => { await tick(); return fakeClient('k6'); });
    return fakeClient(`k5 after ${dep.name}`);
  });
  assert.equal(nested.name, 'k5 after k6');
  assert.equal(cache.get(k6).name, 'k6');

  // A concurrent caller from outside the build waits normally.
  const k7 = key(7);
  const gate = deferred();
  const first = cache.getOrCreateAsync(k7, async () => { await gate.promise; return fakeClient('k7'); });
  const second = cache.getOrCreateAsync(k7, async () => fakeClient('other'));
  gate.resolve();
  assert.equal(await second, await first);
});

test('a caller that stops waiting: the build goes on and is cached; an ignored rejection is not unhandled', async () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const cache = new ClientCache();
    const gate = deferred();
    // dropped on purpose: nobody awaits these
    cache.getOrCreateAsync(key(1), async () => { await gate.promise; return fakeClient('kept'); });
    cache.getOrCreateAsync(key(2), async () => { await gate.promise; throw new Error('ignored'); });
    gate.resolve();
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(cache.get(key(1)).name, 'kept');
    assert.equal(cache.has(key(2)), false);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('ResourceCache: same rules, Resource… errors; a resident value with then() is refused, not adopted', async () => {
  const cache = new ResourceCache();
  const k = new ResourceCacheKey('dynamodb', { region_name: 'r1' });
  const table = { table: 'users' };
  const [a, b] = await Promise.all([cache.getOrCreateAsync(k, async () => table), cache.getOrCreateAsync(k, async () => ({}))]);
  assert.equal(a, table);
  assert.equal(b, table);
  await rejectsTyped(cache.getOrCreateAsync(new ResourceCacheKey('s3'), async () => 7), ResourceCacheError, 'INVALID_ARGUMENT', 'objects');
  const k2 = new ResourceCacheKey('sqs');
  cache.set(k2, { then() { throw new Error('must not be called'); } });
  await rejectsTyped(cache.getOrCreateAsync(k2, async () => ({})), ResourceCacheError, 'INVALID_ARGUMENT', 'then()');
});

test("a session's cache and key: an awaited build that client() then shares", async () => {
  const { Session } = require('..');
  const session = new Session({ region: 'us-west-2' });
  const built = await session.cache().getOrCreateAsync(session.key('s3'), async () => {
    await tick();
    return fakeClient('assumed');
  });
  assert.equal(session.client('s3'), built, 'client() finds it: same key, same cache');
  session.close();
});
