'use strict';
// Value lifetime: every value handed to a cache is released exactly once —
// on eviction, delete, pop, clear, shrinking, and when the cache itself is
// garbage-collected — and then really becomes collectable.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const cc = require('..');
const { ClientCache, ResourceCache, ClientCacheKey, ResourceCacheKey } = cc;
const { collectUntil, fakeClient } = require('./helpers');

const key = (i) => new ClientCacheKey('s3', { region_name: `r${i}` });

/** Counts retained/released refs across `fn` (this addon instance only). */
function delta(fn) {
  const before = cc._accounting();
  fn();
  const after = cc._accounting();
  return { retained: after.retained - before.retained, released: after.released - before.released };
}

test('eviction, delete, popVictim, clear and shrinking each release exactly once', () => {
  const cache = new ClientCache({ maxSize: 2 });
  assert.deepEqual(delta(() => { for (let i = 0; i < 5; i++) cache.set(key(i), fakeClient(i)); }), { retained: 5, released: 3 });
  assert.deepEqual(delta(() => cache.delete(key(4))), { retained: 0, released: 1 });
  assert.deepEqual(delta(() => cache.popVictim()), { retained: 0, released: 1 });
  assert.deepEqual(delta(() => { cache.set(key(7), fakeClient(7)); cache.set(key(8), fakeClient(8)); cache.clear(); }), { retained: 2, released: 2 });
  assert.deepEqual(delta(() => {
    cache.maxSize = 3;
    for (let i = 0; i < 3; i++) cache.set(key(i), fakeClient(i));
    cache.maxSize = 1;
  }), { retained: 3, released: 2 });
  assert.equal(cache.size, 1);
  cache.clear(); // leave nothing for the collection test below to count
});

test('failed inserts and failed factories retain nothing', () => {
  const cache = new ClientCache({ maxSize: 2 });
  cache.set(key(1), fakeClient(1));
  assert.deepEqual(delta(() => assert.throws(() => cache.set(key(1), fakeClient('dup')), cc.ClientCacheExistsError)), { retained: 0, released: 0 });
  assert.deepEqual(delta(() => assert.throws(() => cache.set(new ResourceCacheKey('s3'), fakeClient(2)), cc.ClientCacheError)), { retained: 0, released: 0 });
  assert.deepEqual(delta(() => assert.throws(() => cache.getOrCreate(key(2), () => { throw new Error('no'); }))), { retained: 0, released: 0 });
  assert.deepEqual(delta(() => cache.getOrCreate(key(2), () => fakeClient(2))), { retained: 1, released: 0 });
  assert.deepEqual(delta(() => cache.getOrCreate(key(2), () => fakeClient('unused'))), { retained: 0, released: 0 });
  cache.clear();
});

test('a factory may reshape the cache it fills (no lock is held while it runs)', () => {
  const cache = new ClientCache({ maxSize: 2 });
  cache.set(key(1), fakeClient(1)).set(key(2), fakeClient(2));
  const d = delta(() => {
    const made = cache.getOrCreate(key(3), () => {
      cache.clear(); // releases 1 and 2 while the factory runs
      cache.set(key(4), fakeClient(4));
      return fakeClient(3);
    });
    assert.equal(made.name, 3);
  });
  assert.deepEqual(d, { retained: 2, released: 2 });
  assert.deepEqual([...cache.values()].map((v) => v.name), [4, 3]);
  assert.deepEqual(delta(() => cache.clear()), { retained: 0, released: 2 });
});

test('copies share values: released once, when the last cache lets go', () => {
  const a = new ClientCache({ maxSize: 4 });
  a.set(key(1), fakeClient(1)).set(key(2), fakeClient(2));
  const b = a.copy();
  assert.deepEqual(delta(() => a.clear()), { retained: 0, released: 0 });
  assert.deepEqual(delta(() => b.delete(key(1))), { retained: 0, released: 1 });
  assert.deepEqual(delta(() => b.clear()), { retained: 0, released: 1 });
});

test('a collected cache releases its values, which then become collectable', async () => {
  const start = cc._accounting();
  const collected = new Set();
  const registry = new FinalizationRegistry((name) => collected.add(name));
  (() => {
    const cache = new ResourceCache({ evictionPolicy: 'LFU', maxSize: 8 });
    for (let i = 0; i < 6; i++) {
      const value = { i };
      registry.register(value, `v${i}`);
      cache.set(new ResourceCacheKey('dynamodb', { region_name: `r${i}` }), value);
    }
  })();
  const released = await collectUntil(() => cc._accounting().released - start.released >= 6);
  assert.ok(released, `only ${cc._accounting().released - start.released} of 6 values released after GC`);
  assert.ok(await collectUntil(() => collected.size === 6), `only ${collected.size} of 6 values collected`);
  assert.equal(cc._accounting().released - start.released, 6, 'released exactly once each');
});

test('values stay alive while cached, even with no other reference', async () => {
  const cache = new ClientCache({ maxSize: 2 });
  const collected = new Set();
  const registry = new FinalizationRegistry((name) => collected.add(name));
  (() => {
    const value = fakeClient('kept');
    registry.register(value, 'kept');
    cache.set(key(1), value);
  })();
  await collectUntil(() => false, 5);
  assert.equal(collected.size, 0);
  assert.equal(cache.get(key(1)).name, 'kept');
  cache.delete(key(1));
  assert.ok(await collectUntil(() => collected.has('kept')), 'deleted value not collected');
});

test('a worker thread that exits with live caches tears down cleanly', async () => {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const cc = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const caches = [];
    for (let c = 0; c < 3; c++) {
      const cache = new cc.ClientCache({ maxSize: 5 });
      for (let i = 0; i < 5; i++) cache.set(new cc.ClientCacheKey('s3', { region_name: 'r' + i }), { send() {} });
      caches.push(cache, cache.copy());
    }
    parentPort.postMessage(cc._accounting());
  `;
  for (let round = 0; round < 3; round++) {
    const worker = new Worker(code, { eval: true });
    const [message, exitCode] = await Promise.all([
      new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }),
      new Promise((resolve) => worker.once('exit', resolve)),
    ]);
    assert.deepEqual(message, { retained: 15, released: 0, caches: 6 }, 'each worker has its own addon instance');
    assert.equal(exitCode, 0);
  }
});
