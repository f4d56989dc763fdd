'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const {
  ClientCache, ResourceCache, ClientCacheKey, ResourceCacheKey, CacheError,
  ClientCacheError, ClientCacheExistsError, ClientCacheNotFoundError,
  ResourceCacheError, ResourceCacheExistsError, ResourceCacheNotFoundError,
} = require('..');
const { fakeClient } = require('./helpers');

const key = (i) => new ClientCacheKey('s3', { region_name: `r${i}` });
const rkey = (i) => new ResourceCacheKey('dynamodb', { region_name: `r${i}` });
const regions = (cache) => [...cache.keys()].map((k) => JSON.parse(k.canonical).params.region_name);

function throwsTyped(fn, family, status, fragment) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof family, `expected ${family.name}, got ${err && err.name}: ${err && err.message}`);
    assert.equal(err.status, status);
    assert.equal(err.code, `ERR_CLIENTCACHE_${status}`);
    if (fragment) assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
    return true;
  });
}

test('defaults: LRU, maxSize 10, empty', () => {
  const cache = new ClientCache();
  assert.equal(cache.evictionPolicy, 'LRU');
  assert.equal(cache.maxSize, 10);
  assert.equal(cache.size, 0);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 0, insertions: 0, evictions: 0, removals: 0, expirations: 0, size: 0, maxSize: 10 });
  assert.equal(new ClientCache({ evictionPolicy: 'lfu' }).evictionPolicy, 'LFU');
  assert.match(util.inspect(cache), /ClientCache \{ size: 0, maxSize: 10, evictionPolicy: 'LRU' \}/);
});

for (const policy of ['LRU', 'LFU']) {
  test(`${policy}: set / get / getOrThrow / peek / has / delete`, () => {
    const cache = new ClientCache({ evictionPolicy: policy, maxSize: 3 });
    const a = fakeClient('a');
    assert.equal(cache.set(key(1), a), cache);
    assert.equal(cache.size, 1);
    assert.equal(cache.get(key(1)), a, 'equal keys find the value');
    assert.equal(cache.getOrThrow(key(1)), a);
    assert.equal(cache.peek(key(1)), a);
    assert.equal(cache.has(key(1)), true);
    assert.equal(cache.get(key(2)), undefined);
    assert.equal(cache.peek(key(2)), undefined);
    assert.equal(cache.has(key(2)), false);
    throwsTyped(() => cache.getOrThrow(key(2)), ClientCacheNotFoundError, 'NOT_FOUND', 'region_name="r2"');
    throwsTyped(() => cache.set(key(1), fakeClient('other')), ClientCacheExistsError, 'EXISTS', 'region_name="r1"');
    assert.equal(cache.get(key(1)), a, 'a failed set leaves the cache unchanged');
    assert.equal(cache.delete(key(1)), a);
    assert.equal(cache.size, 0);
    throwsTyped(() => cache.delete(key(1)), ClientCacheNotFoundError, 'NOT_FOUND');
    throwsTyped(() => cache.popVictim(), ClientCacheNotFoundError, 'NOT_FOUND');
    assert.deepEqual(cache.stats(), { hits: 3, misses: 2, insertions: 1, evictions: 0, removals: 1, expirations: 0, size: 0, maxSize: 3 });
  });

  test(`${policy}: getOrCreate runs the factory once per miss, errors pass through unchanged`, () => {
    const cache = new ClientCache({ evictionPolicy: policy, maxSize: 2 });
    let calls = 0;
    const made = cache.getOrCreate(key(1), (k) => {
      calls++;
      assert.ok(k.equals(key(1)), 'the factory receives the key');
      return fakeClient('made');
    });
    assert.equal(made.name, 'made');
    assert.equal(cache.getOrCreate(key(1), () => { throw new Error('must not run'); }), made);
    assert.equal(calls, 1);
    const boom = new RangeError('boom');
    assert.throws(() => cache.getOrCreate(key(2), () => { throw boom; }), (err) => err === boom);
    assert.throws(() => cache.getOrCreate(key(2), () => { throw 'a string'; }), (err) => err === 'a string');
    assert.equal(cache.has(key(2)), false, 'a failed factory caches nothing');
    throwsTyped(() => cache.getOrCreate(key(2), () => ({ not: 'a client' })), ClientCacheError, 'INVALID_ARGUMENT', 'send()');
    throwsTyped(() => cache.getOrCreate(key(2), async () => fakeClient('x')), ClientCacheError, 'INVALID_ARGUMENT', 'Promise');
    throwsTyped(() => cache.getOrCreate(key(2), () => Promise.reject(new Error('later'))), ClientCacheError, 'INVALID_ARGUMENT', 'Promise');
    throwsTyped(() => cache.getOrCreate(key(2)), ClientCacheError, 'INVALID_ARGUMENT', 'factory');
    assert.equal(cache.size, 1);
    // re-entering the same key errors instead of deadlocking; other keys are fine
    throwsTyped(() => cache.getOrCreate(key(3), () => cache.getOrCreate(key(3), () => fakeClient('inner'))),
      ClientCacheError, 'INVALID_ARGUMENT');
    const outer = cache.getOrCreate(key(4), () => {
      cache.getOrCreate(key(5), () => fakeClient('inner'));
      return fakeClient('outer');
    });
    assert.equal(outer.name, 'outer');
    assert.equal(cache.get(key(4)), outer);
    const s = cache.stats();
    assert.equal(s.hits >= 1, true);
    assert.ok(s.size <= 2);
  });

  test(`${policy}: maxSize shrink evicts victims, grow keeps entries`, () => {
    const cache = new ClientCache({ evictionPolicy: policy, maxSize: 4 });
    for (let i = 0; i < 4; i++) cache.set(key(i), fakeClient(i));
    cache.maxSize = 2;
    assert.equal(cache.maxSize, 2);
    assert.equal(cache.size, 2);
    assert.deepEqual(regions(cache), ['r2', 'r3']);
    cache.maxSize = 5;
    assert.equal(cache.size, 2);
    assert.equal(cache.stats().evictions, 2);
    for (const bad of [0, -1, 1.5, NaN, '3', null, 2 ** 60]) {
      throwsTyped(() => { cache.maxSize = bad; }, ClientCacheError, 'INVALID_ARGUMENT', 'maxSize');
    }
    assert.equal(cache.maxSize, 5);
  });

  test(`${policy}: iteration, popVictim, clear and copy follow victim order`, () => {
    const cache = new ClientCache({ evictionPolicy: policy, maxSize: 5 });
    const values = [0, 1, 2].map((i) => fakeClient(i));
    values.forEach((v, i) => cache.set(key(i), v));
    cache.get(key(0)); // promotes r0 (LRU: most recent; LFU: frequency 2)
    const order = ['r1', 'r2', 'r0'];
    assert.deepEqual(regions(cache), order);
    assert.deepEqual([...cache.values()].map((v) => v.name), [1, 2, 0]);
    const entries = [...cache.entries()];
    assert.deepEqual(entries.map(([k, v]) => [JSON.parse(k.canonical).params.region_name, v.name]), [['r1', 1], ['r2', 2], ['r0', 0]]);
    assert.ok(entries[0][0] instanceof ClientCacheKey);
    assert.deepEqual([...cache].map(([, v]) => v.name), [1, 2, 0]);
    assert.equal(cache.stats().hits, 1, 'snapshots promote nothing');
    const copy = cache.copy();
    assert.ok(copy instanceof ClientCache);
    assert.equal(copy.evictionPolicy, policy);
    assert.deepEqual(regions(copy), order);
    assert.equal(copy.get(key(2)), values[2], 'a copy shares the values');
    const [k, v] = cache.popVictim();
    assert.ok(k.equals(key(1)));
    assert.equal(v, values[1]);
    assert.equal(cache.size, 2);
    assert.equal(copy.size, 3, 'the copy is independent');
    cache.clear();
    assert.equal(cache.size, 0);
    assert.deepEqual([...cache], []);
    assert.equal(copy.peek(key(0)), values[0]);
  });
}

test('LRU evicts the least recently used; LFU the least frequently used', () => {
  const lru = new ClientCache({ evictionPolicy: 'LRU', maxSize: 2 });
  lru.set(key(1), fakeClient(1)).set(key(2), fakeClient(2));
  lru.get(key(1));
  lru.set(key(3), fakeClient(3));
  assert.deepEqual(regions(lru), ['r1', 'r3']);

  const lfu = new ClientCache({ evictionPolicy: 'LFU', maxSize: 2 });
  lfu.set(key(1), fakeClient(1)).set(key(2), fakeClient(2));
  lfu.get(key(2));
  lfu.get(key(1));
  lfu.get(key(1));
  lfu.set(key(3), fakeClient(3)); // r2 (freq 2) goes, not r1 (freq 3); r3 is never its own victim
  assert.deepEqual(regions(lfu), ['r3', 'r1']);
  lfu.set(key(4), fakeClient(4));
  assert.deepEqual(regions(lfu), ['r4', 'r1']);
  assert.equal(lfu.stats().evictions, 2);
});

test('bad inputs are typed errors', () => {
  const INVALID = 'INVALID_ARGUMENT';
  for (const opts of [null, 5, 'LRU']) throwsTyped(() => new ClientCache(opts), ClientCacheError, INVALID, 'options');
  for (const p of ['MRU', '', 0, null, {}]) throwsTyped(() => new ClientCache({ evictionPolicy: p }), ClientCacheError, INVALID, 'evictionPolicy');
  throwsTyped(() => new ClientCache({ maxsize: 3 }), ClientCacheError, INVALID, 'maxsize');
  for (const m of [0, -3, 2.5, '10', NaN, Infinity, null]) throwsTyped(() => new ClientCache({ maxSize: m }), ClientCacheError, INVALID, 'maxSize');
  throwsTyped(() => new ResourceCache({ maxSize: 0 }), ResourceCacheError, INVALID, 'maxSize');

  const cache = new ClientCache();
  for (const v of [undefined, null, 42, 'client', {}, { send: 'no' }, [], () => {}]) {
    throwsTyped(() => cache.set(key(1), v), ClientCacheError, INVALID, 'send()');
  }
  for (const k of [undefined, null, 's3', {}, { fingerprint: key(1).fingerprint }, Object.create(ClientCacheKey.prototype)]) {
    throwsTyped(() => cache.get(k), ClientCacheError, INVALID, 'ClientCacheKey');
    throwsTyped(() => cache.set(k, fakeClient(1)), ClientCacheError, INVALID, 'ClientCacheKey');
  }
  throwsTyped(() => cache.set(rkey(1), fakeClient(1)), ClientCacheError, 'KIND_MISMATCH');
  throwsTyped(() => cache.getOrCreate(rkey(1), () => fakeClient(1)), ClientCacheError, 'KIND_MISMATCH');
  assert.equal(cache.has(rkey(1)), false, 'has() answers the question: no');
  assert.equal(cache.size, 0);

  const resources = new ResourceCache({ maxSize: 2 });
  for (const v of [undefined, null, 1, 'table', true]) {
    throwsTyped(() => resources.set(rkey(1), v), ResourceCacheError, INVALID, 'objects');
  }
  throwsTyped(() => resources.set(key(1), {}), ResourceCacheError, 'KIND_MISMATCH');
  throwsTyped(() => resources.get('x'), ResourceCacheError, INVALID, 'ResourceCacheKey');
});

test('a key of the other kind is KIND_MISMATCH for get, getOrThrow, peek and delete', () => {
  // The core's rule: a lookup with a key of the other kind is a mistake, not
  // a miss (it could never be found). has() stays a plain false.
  const cache = new ClientCache();
  cache.set(key(1), fakeClient(1));
  const resources = new ResourceCache();
  resources.set(rkey(1), {});
  for (const [c, wrong, family] of [[cache, rkey(1), ClientCacheError], [resources, key(1), ResourceCacheError]]) {
    for (const op of ['get', 'getOrThrow', 'peek', 'delete']) {
      throwsTyped(() => c[op](wrong), family, 'KIND_MISMATCH');
      assert.throws(() => c[op](wrong), (err) => err.code === 'ERR_CLIENTCACHE_KIND_MISMATCH' &&
        !(err instanceof ClientCacheNotFoundError) && !(err instanceof ResourceCacheNotFoundError), op);
    }
    assert.equal(c.has(wrong), false);
    assert.equal(c.size, 1, 'nothing was removed');
  }
});

test('ResourceCache: same semantics, Resource… errors', () => {
  const cache = new ResourceCache({ evictionPolicy: 'LFU', maxSize: 2 });
  const table = { table: 'users' };
  const fn = () => 'a function is an object too';
  cache.set(rkey(1), table).set(rkey(2), fn);
  assert.equal(cache.get(rkey(1)), table);
  assert.equal(cache.get(rkey(2)), fn);
  throwsTyped(() => cache.set(rkey(1), {}), ResourceCacheExistsError, 'EXISTS');
  throwsTyped(() => cache.getOrThrow(rkey(3)), ResourceCacheNotFoundError, 'NOT_FOUND');
  assert.ok(!(new ResourceCacheNotFoundError('x') instanceof ClientCacheError));
  assert.ok(new ResourceCacheNotFoundError('x') instanceof CacheError);
  const [k] = cache.popVictim();
  assert.ok(k instanceof ResourceCacheKey);
});

// ---- model-based: random operations against a plain model of the cache semantics ----

function makeModel(policy, maxSize) {
  let tick = 0;
  const entries = new Map(); // name -> { value, freq, used }
  const victimOrder = () => [...entries.entries()]
    .sort(([, a], [, b]) => (policy === 'LFU' ? a.freq - b.freq || a.used - b.used : a.used - b.used))
    .map(([name]) => name);
  const evict = (keep) => {
    let evicted = 0;
    while (entries.size > maxSize) {
      const victim = victimOrder().find((n) => n !== keep);
      entries.delete(victim);
      evicted++;
    }
    return evicted;
  };
  const stats = { hits: 0, misses: 0, insertions: 0, evictions: 0, removals: 0 };
  return {
    stats,
    victimOrder,
    get size() { return entries.size; },
    set(name, value) {
      if (entries.has(name)) return 'EXISTS';
      entries.set(name, { value, freq: 1, used: ++tick });
      stats.insertions++;
      stats.evictions += evict(name);
      return value;
    },
    get(name) {
      const e = entries.get(name);
      if (!e) { stats.misses++; return undefined; }
      stats.hits++;
      e.freq++;
      e.used = ++tick;
      return e.value;
    },
    peek(name) { return entries.get(name)?.value; },
    delete(name) {
      const e = entries.get(name);
      if (!e) return 'NOT_FOUND';
      entries.delete(name);
      stats.removals++;
      return e.value;
    },
    pop() {
      if (entries.size === 0) return 'NOT_FOUND';
      const name = victimOrder()[0];
      const { value } = entries.get(name);
      entries.delete(name);
      stats.removals++;
      return value;
    },
    resize(n) { maxSize = n; stats.evictions += evict(undefined); },
  };
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const policy of ['LRU', 'LFU']) {
  test(`${policy}: 3000 random operations agree with a reference model`, () => {
    const random = rng(policy === 'LRU' ? 7 : 11);
    const names = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const keys = new Map(names.map((n) => [n, new ClientCacheKey('s3', { region_name: n })]));
    const clients = new Map(names.map((n) => [n, fakeClient(n)]));
    const cache = new ClientCache({ evictionPolicy: policy, maxSize: 4 });
    const model = makeModel(policy, 4);
    const outcome = (fn) => {
      try { return fn(); } catch (err) { assert.ok(err instanceof ClientCacheError, String(err)); return err.status; }
    };
    for (let step = 0; step < 3000; step++) {
      const name = names[Math.floor(random() * names.length)];
      const k = keys.get(name);
      const r = random();
      let got, want;
      if (r < 0.35) { got = outcome(() => (cache.set(k, clients.get(name)), clients.get(name))); want = model.set(name, clients.get(name)); }
      else if (r < 0.7) { got = cache.get(k); want = model.get(name); }
      else if (r < 0.78) { got = cache.peek(k); want = model.peek(name); }
      else if (r < 0.86) { got = outcome(() => cache.delete(k)); want = model.delete(name); }
      else if (r < 0.9) { got = outcome(() => cache.popVictim()[1]); want = model.pop(); }
      else if (r < 0.95) {
        got = cache.getOrCreate(k, () => clients.get(name));
        want = model.get(name);
        if (want === undefined) want = model.set(name, clients.get(name)); // the miss was counted by get()
      } else { const n = 1 + Math.floor(random() * 6); cache.maxSize = n; model.resize(n); got = want = n; }
      assert.equal(got, want, `step ${step}: ${name}`);
      assert.deepEqual([...cache.keys()].map((x) => JSON.parse(x.canonical).params.region_name), model.victimOrder(), `order at step ${step}`);
      assert.ok(cache.size <= cache.maxSize);
    }
    const s = cache.stats();
    assert.deepEqual({ hits: s.hits, misses: s.misses, insertions: s.insertions, evictions: s.evictions, removals: s.removals }, model.stats);
  });
}
