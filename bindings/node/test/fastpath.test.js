'use strict';
// The JS hit path of an LRU cache (lib/cache.js, "values served from JS")
// against a cache that sends every call to the core: random operation
// sequences, every result, the counters, the victim order and every dispose
// call compared, with equal-but-distinct key objects, nested calls from
// factories and dispose functions, copies, shrinking, closing, and caches
// that turn the path off (LFU, entries with a lifetime).
const test = require('node:test');
const assert = require('node:assert/strict');
const { ClientCache, ClientCacheKey, withTtl } = require('..');
const { kCoreOnly } = require('../lib/cache');
const { collectUntil, fakeClient } = require('./helpers');

/** mulberry32: a small seeded PRNG, so a failure names a reproducible seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = 7;
// Two distinct key objects per region: equal keys, different objects.
const KEYS = [];
for (let i = 0; i < REGIONS; i++) {
  KEYS.push([new ClientCacheKey('s3', { region_name: `r${i}` }), new ClientCacheKey('s3', { region_name: `r${i}` })]);
}
const VALUES = Array.from({ length: 12 }, (_, i) => fakeClient(`v${i}`));

const region = (k) => JSON.parse(k.canonical).params.region_name;

/** What an operation gave: a value's name, a primitive, or an error code. */
function outcome(fn) {
  try {
    const v = fn();
    if (v === undefined || typeof v === 'boolean' || typeof v === 'number') return v;
    if (Array.isArray(v)) return [region(v[0]), v[1].name];
    if (v instanceof ClientCache) return 'this';
    return v.name;
  } catch (err) {
    return `throws ${err.code || err.message}`;
  }
}

/**
 * One random run: the same operations on a cache with the JS hit path
 * (`fast`) and on one without (`core`), comparing as it goes.
 */
function run(seed, { policy = 'LRU', steps = 600 } = {}) {
  const rand = rng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const logs = { fast: [], core: [] };
  // What a dispose function does, decided once per departure and replayed
  // on both sides: nothing, or get or delete a key (a nested call in the
  // middle of the native call that made the value leave).
  const plans = { fast: [], core: [] };
  const make = (side, opts) => {
    const cache = new ClientCache({
      evictionPolicy: policy,
      maxSize: 4,
      ...opts,
      [kCoreOnly]: side === 'core',
      dispose: (value, key, reason) => {
        const plan = plans[side].shift();
        let nested = '';
        if (plan !== undefined) {
          const [op, k] = plan;
          nested = ` ${op}(${region(k)})=${outcome(() => caches[side][op](k))}`;
        }
        logs[side].push(`${reason} ${region(key)} ${value.name}${nested}`);
      },
    });
    return cache;
  };
  const caches = { fast: make('fast'), core: make('core') };
  const both = (what, fn) => {
    // A departure plan for each side, the same on both (a few per op at most).
    const plan = Array.from({ length: 4 }, () => (rand() < 0.3
      ? [rand() < 0.8 ? 'get' : 'delete', pick(KEYS)[rand() < 0.5 ? 0 : 1]] : undefined));
    plans.fast = [...plan];
    plans.core = [...plan];
    const a = outcome(() => fn(caches.fast, 'fast'));
    const b = outcome(() => fn(caches.core, 'core'));
    assert.deepEqual(a, b, `seed ${seed}: ${what}: JS path gave ${JSON.stringify(a)}, core ${JSON.stringify(b)}`);
    assert.deepEqual(logs.fast, logs.core, `seed ${seed}: ${what}: dispose calls differ`);
  };
  const observe = (what) => {
    assert.deepEqual(caches.fast.stats(), caches.core.stats(), `seed ${seed}: ${what}: stats differ`);
    assert.deepEqual([...caches.fast.keys()].map(region), [...caches.core.keys()].map(region),
      `seed ${seed}: ${what}: victim order differs`);
  };

  for (let step = 0; step < steps; step++) {
    const k = pick(KEYS)[rand() < 0.5 ? 0 : 1];
    const v = pick(VALUES);
    const r = rand();
    const what = `step ${step}`;
    if (r < 0.35) {
      both(`${what} get`, (c) => c.get(k));
    } else if (r < 0.42) {
      both(`${what} getOrThrow`, (c) => c.getOrThrow(k));
    } else if (r < 0.47) {
      both(`${what} peek`, (c) => c.peek(k));
    } else if (r < 0.52) {
      both(`${what} has`, (c) => c.has(k));
    } else if (r < 0.64) {
      both(`${what} set`, (c) => c.set(k, v));
    } else if (r < 0.74) {
      // A factory that sometimes looks up another key first (a nested call
      // inside the native getOrCreate) and sometimes throws.
      const other = pick(KEYS)[0];
      const mode = rand();
      both(`${what} getOrCreate`, (c) => c.getOrCreate(k, () => {
        if (mode < 0.3) c.get(other);
        if (mode > 0.9) throw new Error('factory failed');
        return v;
      }));
    } else if (r < 0.79) {
      both(`${what} delete`, (c) => c.delete(k));
    } else if (r < 0.82) {
      both(`${what} popVictim`, (c) => c.popVictim());
    } else if (r < 0.85) {
      const n = 1 + Math.floor(rand() * 5);
      both(`${what} maxSize = ${n}`, (c) => { c.maxSize = n; return c.maxSize; });
    } else if (r < 0.86) {
      both(`${what} clear`, (c) => { c.clear(); return c.size; });
    } else if (r < 0.88) {
      // Continue on copies (counters start at zero in the core).
      const copies = { fast: caches.fast.copy(), core: caches.core.copy() };
      observe(`${what} before copy`);
      caches.fast = copies.fast;
      caches.core = copies.core;
      observe(`${what} copy`);
    } else if (r < 0.89 && policy === 'LRU' && rand() < 0.3) {
      // An entry with a lifetime turns the JS path off for good.
      both(`${what} set with ttl`, (c) => c.set(k, v, { ttl: 3_600_000 }));
    } else if (r < 0.9) {
      // withTtl(0) never expires (the JS path stays); a real lifetime turns it off
      const ttl = rand() < 0.9 ? 0 : 3_600_000;
      both(`${what} getOrCreate withTtl(${ttl})`, (c) => c.getOrCreate(k, () => withTtl(v, ttl)));
    } else if (r < 0.96) {
      observe(what);
    } else {
      both(`${what} size`, (c) => c.size);
    }
  }
  observe('end');
  caches.fast.close();
  caches.core.close();
  assert.deepEqual(logs.fast, logs.core, `seed ${seed}: close: dispose calls differ`);
}

test('random operations: the JS hit path gives what the core alone gives (LRU)', () => {
  for (let seed = 1; seed <= 150; seed++) run(seed);
});

test('random operations: LFU (the JS path is off) agrees too', () => {
  for (let seed = 1000; seed <= 1040; seed++) run(seed, { policy: 'LFU' });
});

test('repeated hits are replayed in the order of each key\'s last hit, counted once each', () => {
  const keys = [0, 1, 2, 3].map((i) => new ClientCacheKey('s3', { region_name: `r${i}` }));
  const cache = new ClientCache({ maxSize: 4 });
  keys.forEach((k, i) => cache.set(k, fakeClient(`v${i}`)));
  for (const i of [0, 2, 0, 1, 0, 2]) cache.get(keys[i]); // last hits: 1, 0, 2
  assert.deepEqual([...cache.keys()].map(region), ['r3', 'r1', 'r0', 'r2']);
  assert.equal(cache.stats().hits, 6);
  cache.set(new ClientCacheKey('s3', { region_name: 'r4' }), fakeClient('v4'));
  assert.equal(cache.has(keys[3]), false, 'the least recently used entry is the victim');
});

test('a value that left is not kept alive by the key object that found it', async () => {
  const cache = new ClientCache({ maxSize: 1 });
  const k = new ClientCacheKey('s3', { region_name: 'a' });
  let collected = false;
  const registry = new FinalizationRegistry(() => { collected = true; });
  (() => {
    const v = fakeClient('a');
    registry.register(v, 'a');
    cache.set(k, v);
    assert.equal(cache.get(k), v);
    assert.equal(cache.get(k), v); // served from JS
  })();
  cache.set(new ClientCacheKey('s3', { region_name: 'b' }), fakeClient('b')); // evicts a
  assert.equal(cache.get(k), undefined);
  assert.ok(await collectUntil(() => collected), 'the evicted value is still reachable');
  assert.equal(cache.peek(k), undefined); // the key object stayed alive throughout
});

test('a value deleted inside a dispose function is not served afterwards', () => {
  const a = new ClientCacheKey('s3', { region_name: 'a' });
  const b = new ClientCacheKey('s3', { region_name: 'b' });
  const c = new ClientCacheKey('s3', { region_name: 'c' });
  const seen = [];
  const cache = new ClientCache({
    maxSize: 2,
    dispose: (value, key) => {
      if (value.name === 'a') {
        seen.push(cache.get(b)?.name); // served, b is resident
        cache.delete(b);
        seen.push(cache.get(b)); // gone
      }
    },
  });
  cache.set(a, fakeClient('a'));
  cache.set(b, fakeClient('b'));
  cache.get(b);
  cache.get(b);
  cache.get(a); // a is now the most recent: b is the victim
  cache.set(c, fakeClient('c')); // evicts b, not a
  assert.deepEqual(seen, []);
  assert.equal(cache.get(b), undefined);
  cache.get(c);
  cache.set(b, fakeClient('b'));
  cache.get(b);
  cache.set(new ClientCacheKey('s3', { region_name: 'd' }), fakeClient('d')); // evicts a → dispose
  assert.deepEqual(seen, ['b', undefined]);
  assert.equal(cache.get(b), undefined);
  assert.equal(cache.stats().size, 2);
});

test('a closed cache throws on a key whose value was served from JS', () => {
  const cache = new ClientCache();
  const k = new ClientCacheKey('s3', { region_name: 'a' });
  cache.set(k, fakeClient('a'));
  cache.get(k);
  cache.get(k);
  cache.close();
  assert.throws(() => cache.get(k), { code: 'ERR_CLIENTCACHE_CLOSED' });
  assert.throws(() => cache.peek(k), { code: 'ERR_CLIENTCACHE_CLOSED' });
  assert.throws(() => cache.has(k), { code: 'ERR_CLIENTCACHE_CLOSED' });
});

test('getOrCreateAsync hits served from JS: resolved with the value, counted, replayed; thenables still refused', async () => {
  const { ResourceCache, ResourceCacheKey } = require('..');
  const cache = new ClientCache({ maxSize: 2 });
  const core = new ClientCache({ maxSize: 2, [kCoreOnly]: true });
  const a = new ClientCacheKey('s3', { region_name: 'a' });
  const b = new ClientCacheKey('s3', { region_name: 'b' });
  const never = () => { throw new Error('expected a hit'); };
  for (const c of [cache, core]) {
    c.set(a, fakeClient('a'));
    c.set(b, fakeClient('b'));
    c.get(a);
    c.get(a);
    assert.equal((await c.getOrCreateAsync(b, never)).name, 'b');
    assert.equal((await c.getOrCreateAsync(b, never)).name, 'b');
  }
  assert.deepEqual(cache.stats(), core.stats());
  assert.deepEqual([...cache.keys()].map(region), [...core.keys()].map(region));
  const resources = new ResourceCache();
  const rk = new ResourceCacheKey('x', { region_name: 'a' });
  resources.set(rk, { then() {} });
  resources.get(rk);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(resources.getOrCreateAsync(rk, never), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  }
});
