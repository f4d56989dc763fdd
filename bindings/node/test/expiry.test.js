'use strict';
// Expiry and dispose on the core's options (docs/design.md, "Cache
// semantics"): a cache ttl and per-entry lifetimes measured on an injected
// clock (no sleeps), expired entries never returned and first among
// victims, stats().expirations, and dispose(value, key, reason) told exactly
// once per value through every way out, after the native call, re-entrantly.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  ClientCache, ResourceCache, ClientCacheKey, ResourceCacheKey, ClientCacheError, withTtl, _accounting,
} = require('..');
const { fakeClient, collectUntil } = require('./helpers');

const MS = 1_000_000n; // nanoseconds per millisecond

/** A manual clock in bigint nanoseconds, advanced by hand. */
function manualClock() {
  let now = 1n;
  const clock = () => now;
  clock.advance = (ms) => { now += BigInt(ms) * MS; };
  return clock;
}

/** A dispose that records [name, key label, reason] and counts calls per value. */
function recorder() {
  const seen = [];
  const counts = new Map();
  const dispose = (value, key, reason) => {
    assert.ok(key instanceof ClientCacheKey || key instanceof ResourceCacheKey, 'dispose gets a key object');
    seen.push([value.name, key.label, reason]);
    counts.set(value, (counts.get(value) || 0) + 1);
  };
  return { seen, counts, dispose };
}

const key = (i) => new ClientCacheKey('s3', { region_name: `r${i}` });
const label = (i) => `s3(region_name="r${i}")`;

for (const evictionPolicy of ['LRU', 'LFU']) {
  test(`${evictionPolicy}: a cache ttl expires entries on the injected clock; expired entries are never returned`, () => {
    const clock = manualClock();
    const { seen, dispose } = recorder();
    const cache = new ClientCache({ evictionPolicy, maxSize: 4, ttl: 1000, clock, dispose });
    assert.equal(cache.ttl, 1000);
    cache.set(key(1), fakeClient('a'));
    clock.advance(500);
    cache.set(key(2), fakeClient('b'));
    clock.advance(499);
    assert.equal(cache.get(key(1)).name, 'a', 'alive 1 ms before its deadline');
    clock.advance(1);
    assert.equal(cache.get(key(1)), undefined, 'expired at its deadline: a miss');
    assert.equal(cache.peek(key(1)), undefined);
    assert.equal(cache.has(key(1)), false);
    assert.deepEqual(seen, [['a', label(1), 'expire']]);
    assert.equal(cache.get(key(2)).name, 'b', 'a get does not extend a lifetime, but b is younger');
    clock.advance(500);
    assert.equal(cache.size, 0, 'size counts live entries only');
    assert.deepEqual(seen.map((s) => s[2]), ['expire', 'expire']);
    const stats = cache.stats();
    assert.equal(stats.expirations, 2);
    assert.equal(stats.misses, 1);
    assert.equal(stats.hits, 2);
    assert.throws(() => cache.getOrThrow(key(2)), (err) => err.code === 'ERR_CLIENTCACHE_NOT_FOUND');
    // an expired key is absent: set() and getOrCreate() put a new value there
    cache.set(key(3), fakeClient('c'));
    clock.advance(1000);
    cache.set(key(3), fakeClient('c2'));
    assert.equal(cache.get(key(3)).name, 'c2');
    clock.advance(1000);
    assert.equal(cache.getOrCreate(key(3), () => fakeClient('c3')).name, 'c3');
    assert.deepEqual(seen.slice(2).map((x) => `${x[0]}:${x[2]}`), ['c:expire', 'c2:expire']);
  });

  test(`${evictionPolicy}: per-entry lifetimes override the cache's (set, getOrCreate, getOrCreateAsync, withTtl)`, async () => {
    const clock = manualClock();
    const cache = new ClientCache({ evictionPolicy, maxSize: 10, ttl: 1000, clock });
    cache.set(key(1), fakeClient('short'), { ttl: 10 });
    cache.set(key(2), fakeClient('never'), { ttl: 0 });
    cache.set(key(3), fakeClient('infinite'), { ttl: Infinity });
    cache.set(key(4), fakeClient('default'));
    cache.getOrCreate(key(5), () => fakeClient('opt'), { ttl: 20 });
    cache.getOrCreate(key(6), () => withTtl(fakeClient('wrapped'), 30), { ttl: 5000 });
    assert.equal(cache.get(key(6)).name, 'wrapped', 'the cache holds the value, not the wrapper');
    await cache.getOrCreateAsync(key(7), async () => fakeClient('async'), { ttl: 40 });
    const v8 = await cache.getOrCreateAsync(key(8), async () => withTtl(fakeClient('async-wrapped'), 50));
    assert.equal(v8.name, 'async-wrapped');
    const alive = () => [1, 2, 3, 4, 5, 6, 7, 8].filter((i) => cache.peek(key(i)) !== undefined);
    assert.deepEqual(alive(), [1, 2, 3, 4, 5, 6, 7, 8]);
    clock.advance(10);
    assert.deepEqual(alive(), [2, 3, 4, 5, 6, 7, 8]);
    clock.advance(10);
    assert.deepEqual(alive(), [2, 3, 4, 6, 7, 8]);
    clock.advance(10);
    assert.deepEqual(alive(), [2, 3, 4, 7, 8]);
    clock.advance(20);
    assert.deepEqual(alive(), [2, 3, 4]);
    clock.advance(950);
    assert.deepEqual(alive(), [2, 3], 'the cache ttl took the default entry');
    clock.advance(1e9);
    assert.deepEqual(alive(), [2, 3]);
    assert.equal(cache.stats().expirations, 6);
  });

  test(`${evictionPolicy}: expired entries are the first victims, before any live entry`, () => {
    const clock = manualClock();
    const { seen, dispose } = recorder();
    const cache = new ClientCache({ evictionPolicy, maxSize: 3, clock, dispose });
    cache.set(key(1), fakeClient('old'));
    cache.set(key(2), fakeClient('mid'));
    cache.set(key(3), fakeClient('fresh'), { ttl: 100 });
    for (let i = 0; i < 5; i++) cache.get(key(3)); // the most recent and most used
    assert.equal(cache.keys().next().value.label, label(1), 'the live order is as usual');
    clock.advance(100);
    cache.set(key(4), fakeClient('new'));
    assert.deepEqual(seen, [['fresh', label(3), 'expire']], 'the expired entry made room, not the victim');
    assert.deepEqual([...cache.keys()].map((k) => k.label).sort(), [label(1), label(2), label(4)]);
    cache.set(key(5), fakeClient('newer'));
    assert.equal(seen.at(-1)[2], 'evict');
    // popVictim takes expired entries first too (they leave as 'expire')
    cache.set(key(6), fakeClient('x'), { ttl: 1 });
    clock.advance(1);
    const [k, v] = cache.popVictim();
    assert.notEqual(v.name, 'x', 'an expired entry is never returned');
    assert.ok(seen.some(([name, , reason]) => name === 'x' && reason === 'expire'));
    assert.ok(seen.some(([name, l, reason]) => name === v.name && l === k.label && reason === 'delete'));
  });
}

test('dispose is told exactly once per value, through every way out, with the reason', async () => {
  const clock = manualClock();
  const { seen, counts, dispose } = recorder();
  const cache = new ClientCache({ maxSize: 2, clock, dispose });
  const values = [];
  const v = (name) => { const c = fakeClient(name); values.push(c); return c; };

  cache.set(key(1), v('evicted'));
  cache.set(key(2), v('expired'), { ttl: 5 });
  cache.set(key(3), v('three')); // evicts 1 (2 is alive yet)
  clock.advance(5);
  cache.purgeExpired(); // 2
  assert.equal(cache.delete(key(3)).name, 'three'); // 'delete', the caller gets it too
  cache.set(key(4), v('popped'));
  cache.popVictim(); // 'delete'
  // a synchronous factory's value that loses to a set() made while it ran
  cache.getOrCreate(key(5), () => {
    cache.set(key(5), v('set-wins'));
    return v('factory-loses');
  });
  // the same race through getOrCreateAsync
  let release;
  const gate = new Promise((r) => { release = r; });
  const pending = cache.getOrCreateAsync(key(6), async () => { await gate; return v('async-loses'); });
  cache.set(key(6), v('async-set-wins'));
  release();
  assert.equal((await pending).name, 'async-set-wins');
  cache.clear(); // 'clear' for 5 and 6
  cache.set(key(7), v('closed'));
  // a build in flight when the cache closes: its value is told 'clear' too
  let release2;
  const gate2 = new Promise((r) => { release2 = r; });
  const late = cache.getOrCreateAsync(key(8), async () => { await gate2; return v('built-after-close'); });
  cache.close();
  release2();
  await assert.rejects(late, (err) => err.code === 'ERR_CLIENTCACHE_CLOSED');
  await new Promise((r) => setImmediate(r));

  assert.deepEqual(seen, [
    ['evicted', label(1), 'evict'],
    ['expired', label(2), 'expire'],
    ['three', label(3), 'delete'],
    ['popped', label(4), 'delete'],
    ['factory-loses', label(5), 'replace'],
    ['async-loses', label(6), 'replace'],
    ...[['set-wins', label(5)], ['async-set-wins', label(6)]]
      .sort((a, b) => seen.findIndex((s) => s[0] === a[0]) - seen.findIndex((s) => s[0] === b[0]))
      .map(([n, l]) => [n, l, 'clear']),
    ['closed', label(7), 'clear'],
    ['built-after-close', label(8), 'clear'],
  ]);
  for (const value of values) assert.equal(counts.get(value), 1, `${value.name} told once`);
});

test('dispose runs after the native call returns and may call back into the cache (re-entrant)', () => {
  const clock = manualClock();
  const log = [];
  let cache;
  const dispose = (value, k, reason) => {
    log.push(`${value.name}:${reason}`);
    // everything a disposer might do: read, write, delete, even evict more
    assert.equal(cache.get(k), undefined, 'the value has left when dispose runs');
    if (value.name === 'a') cache.set(key(9), fakeClient('from-dispose'));
    if (value.name === 'b') cache.delete(key(3));
    cache.stats();
  };
  cache = new ClientCache({ maxSize: 3, clock, dispose });
  cache.set(key(1), fakeClient('a'), { ttl: 1 });
  cache.set(key(2), fakeClient('b'), { ttl: 2 });
  cache.set(key(3), fakeClient('c'));
  clock.advance(2);
  assert.equal(cache.get(key(1)), undefined);
  assert.deepEqual(log, ['a:expire', 'b:expire', 'c:delete']);
  assert.equal(cache.get(key(9)).name, 'from-dispose');
  // close() from inside dispose: the rest of the values still get theirs
  const other = new ClientCache({
    maxSize: 3,
    dispose: (value, k, reason) => { log.push(`${value.name}:${reason}`); other.close(); },
  });
  other.set(key(1), fakeClient('x'));
  other.set(key(2), fakeClient('y'));
  other.delete(key(1));
  assert.equal(other.closed, true);
  assert.deepEqual(log.slice(-2), ['x:delete', 'y:clear']);
});

test('a copy shares ttl, clock and dispose; a GC-collected cache tells dispose nothing', async () => {
  const clock = manualClock();
  const { seen, dispose } = recorder();
  const cache = new ClientCache({ maxSize: 3, ttl: 10, clock, dispose });
  cache.set(key(1), fakeClient('shared'));
  const copy = cache.copy();
  assert.equal(copy.ttl, 10);
  clock.advance(10);
  assert.equal(copy.get(key(1)), undefined);
  assert.deepEqual(seen, [['shared', label(1), 'expire']]);
  cache.close();
  assert.deepEqual(seen.length, 2, 'the original still held it');
  copy.close();

  const before = _accounting();
  let collected = 0;
  (() => {
    const lost = new ClientCache({ maxSize: 4, dispose: () => { collected++; } });
    for (let i = 0; i < 4; i++) lost.set(key(i), fakeClient(`gc${i}`));
  })();
  assert.ok(await collectUntil(() => _accounting().released >= before.released + 4), 'values released by the finalizer');
  assert.equal(collected, 0, 'no JS from a finalizer: nothing is told');
});

test('a dispose that throws: the operation completes, the error is rethrown on a later tick', () => {
  const script = `
    const { ClientCache, ClientCacheKey } = require(${JSON.stringify(path.join(__dirname, '..'))});
    process.on('uncaughtException', (err) => { console.log('uncaught', err.message); });
    const cache = new ClientCache({ maxSize: 1, dispose: (v) => { throw new Error('boom ' + v.name); } });
    const k = (i) => new ClientCacheKey('s3', { region_name: 'r' + i });
    cache.set(k(1), { name: 'a', send() {} });
    cache.set(k(2), { name: 'b', send() {} });
    console.log('set returned', cache.size, cache.get(k(2)).name);
  `;
  // No colours: console.log's output is compared exactly, and a terminal
  // (or Nix's builder) would otherwise get them.
  const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  assert.equal(out, 'set returned 1 b\nuncaught boom a\n');
});

test('purgeExpired() returns how many left; stats().expirations counts them', () => {
  const clock = manualClock();
  const cache = new ResourceCache({ maxSize: 10, ttl: 100, clock });
  for (let i = 0; i < 5; i++) cache.set(new ResourceCacheKey('s3', { region_name: `t${i}` }), { i }, i < 2 ? { ttl: 0 } : undefined);
  assert.equal(cache.purgeExpired(), 0);
  clock.advance(100);
  assert.equal(cache.purgeExpired(), 3);
  assert.equal(cache.purgeExpired(), 0);
  assert.equal(cache.stats().expirations, 3);
  assert.equal(cache.size, 2);
});

test('a test clock that throws or returns a non-bigint: the call throws that error', () => {
  let mode = 'ok';
  const clock = () => {
    if (mode === 'throw') throw new Error('clock broke');
    if (mode === 'number') return 5;
    return 10n;
  };
  const cache = new ClientCache({ maxSize: 2, ttl: 1, clock });
  cache.set(key(1), fakeClient('a'));
  mode = 'throw';
  assert.throws(() => cache.get(key(1)), /clock broke/);
  mode = 'number';
  assert.throws(() => cache.get(key(1)), (err) => err instanceof TypeError && /bigint/.test(err.message));
  mode = 'ok';
  assert.equal(cache.get(key(1)).name, 'a', 'the clock never went back');
});

test('expiry options are checked', () => {
  const bad = (options, fragment) => assert.throws(() => new ClientCache(options), (err) => {
    assert.ok(err instanceof ClientCacheError);
    assert.equal(err.code, 'ERR_CLIENTCACHE_INVALID_ARGUMENT');
    assert.ok(err.message.includes(fragment), err.message);
    return true;
  });
  bad({ ttl: -1 }, 'ttl');
  bad({ ttl: NaN }, 'ttl');
  bad({ ttl: '5' }, 'ttl');
  bad({ dispose: 'x' }, 'dispose');
  bad({ clock: 5 }, 'clock');
  bad({ ttlMs: 5 }, 'unknown option');
  assert.equal(new ClientCache({ ttl: Infinity }).ttl, 0, 'Infinity: no cache ttl');
  const cache = new ClientCache();
  assert.throws(() => cache.set(key(1), fakeClient('a'), { ttl: -5 }), /ttl/);
  assert.throws(() => cache.set(key(1), fakeClient('a'), { lifetime: 5 }), /unknown option/);
  assert.throws(() => cache.getOrCreate(key(1), () => fakeClient('a'), { ttl: 'x' }), /ttl/);
  assert.throws(() => withTtl(fakeClient('a'), -1), /ttl/);
  assert.equal(cache.size, 0);
});

test('shrinking maxSize tells dispose "evict", expired entries first', () => {
  const clock = manualClock();
  const { seen, dispose } = recorder();
  const cache = new ClientCache({ maxSize: 4, clock, dispose });
  cache.set(key(1), fakeClient('lru'));
  cache.set(key(2), fakeClient('mid'));
  cache.set(key(3), fakeClient('short'), { ttl: 5 });
  cache.set(key(4), fakeClient('mru'));
  clock.advance(5);
  cache.maxSize = 2;
  assert.deepEqual(seen.map((x) => `${x[0]}:${x[2]}`), ['short:expire', 'lru:evict']);
  assert.deepEqual(cache.stats().evictions, 1);
  cache.close();
});
