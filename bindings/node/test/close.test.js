'use strict';
// close(): idempotent, releases every value at once, typed errors on every
// later use, builds in flight, close from inside a factory, Symbol.dispose,
// and Session.close().
const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { setImmediate: tick } = require('node:timers/promises');
const {
  ClientCache, ClientCacheKey, ClientCacheError, ResourceCache, ResourceCacheKey, ResourceCacheError, Session,
  _accounting,
} = require('..');
const { fakeClient } = require('./helpers');

const key = (i) => new ClientCacheKey('s3', { region_name: `r${i}` });

function isClosed(cls) {
  return (err) => {
    assert.ok(err instanceof cls, `${err && err.name}: ${err && err.message}`);
    assert.equal(err.code, 'ERR_CLIENTCACHE_CLOSED');
    assert.equal(err.status, 'CLOSED');
    return true;
  };
}

test('close() releases every value at once; every later use throws ERR_CLIENTCACHE_CLOSED; idempotent', async () => {
  const cache = new ClientCache({ evictionPolicy: 'LFU', maxSize: 8 });
  for (let i = 0; i < 5; i++) cache.set(key(i), fakeClient(i));
  const before = _accounting();
  assert.equal(cache.closed, false);
  cache.close();
  assert.equal(cache.closed, true);
  const after = _accounting();
  assert.equal(after.released - before.released, 5, 'all five values released by close()');
  assert.equal(after.caches, before.caches - 1, 'the core cache was freed');
  cache.close(); // idempotent
  assert.deepEqual(_accounting(), after);

  const uses = {
    set: () => cache.set(key(9), fakeClient(9)),
    get: () => cache.get(key(1)),
    getOrThrow: () => cache.getOrThrow(key(1)),
    peek: () => cache.peek(key(1)),
    has: () => cache.has(key(1)),
    delete: () => cache.delete(key(1)),
    popVictim: () => cache.popVictim(),
    getOrCreate: () => cache.getOrCreate(key(1), () => fakeClient(1)),
    size: () => cache.size,
    maxSize: () => cache.maxSize,
    setMaxSize: () => { cache.maxSize = 3; },
    clear: () => cache.clear(),
    copy: () => cache.copy(),
    stats: () => cache.stats(),
    keys: () => cache.keys(),
    values: () => cache.values(),
    entries: () => cache.entries(),
    iterate: () => [...cache],
  };
  for (const [name, use] of Object.entries(uses)) assert.throws(use, isClosed(ClientCacheError), name);
  await assert.rejects(cache.getOrCreateAsync(key(1), async () => fakeClient(1)), isClosed(ClientCacheError));

  // Printed forms still work and say so.
  assert.equal(String(cache), "ClientCache { closed, maxSize: 8, evictionPolicy: 'LFU' }");
  assert.equal(util.inspect(cache), String(cache));
  assert.deepEqual(JSON.parse(JSON.stringify(cache)), { type: 'ClientCache', size: 0, maxSize: 8, evictionPolicy: 'LFU', closed: true });
  assert.equal(cache.evictionPolicy, 'LFU');

  const resources = new ResourceCache();
  resources.set(new ResourceCacheKey('s3'), {});
  resources.close();
  assert.throws(() => resources.get(new ResourceCacheKey('s3')), isClosed(ResourceCacheError));
});

test('a copy made before close() stays open and keeps the shared values', () => {
  const cache = new ClientCache();
  const value = fakeClient(1);
  cache.set(key(1), value);
  const copy = cache.copy();
  cache.close();
  assert.equal(copy.closed, false);
  assert.equal(copy.get(key(1)), value);
  const before = _accounting();
  copy.close();
  assert.equal(_accounting().released - before.released, 1, 'released once, when it left the last cache');
});

test('close() during getOrCreateAsync: the pending Promise rejects with ERR_CLIENTCACHE_CLOSED now; the late value is dropped', async () => {
  const cache = new ClientCache();
  let finish;
  let finished = false;
  const gate = new Promise((resolve) => { finish = resolve; });
  const callers = [1, 2, 3].map(() => cache.getOrCreateAsync(key(1), async () => {
    await gate;
    finished = true;
    return fakeClient('late');
  }));
  const before = _accounting();
  cache.close();
  for (const p of callers) await assert.rejects(p, isClosed(ClientCacheError));
  assert.equal(finished, false, 'the callers did not wait for the factory');
  finish();
  await tick();
  await tick();
  assert.equal(finished, true, 'the factory ran on');
  assert.equal(_accounting().retained, before.retained, 'its value never reached a cache');
  // A build that fails after close() changes nothing either.
  const other = new ClientCache();
  let fail;
  const failing = other.getOrCreateAsync(key(2), () => new Promise((_, reject) => { fail = reject; }));
  other.close();
  await assert.rejects(failing, isClosed(ClientCacheError));
  fail(new Error('after close'));
  await tick();
});

test('close() from inside a synchronous getOrCreate factory: the call throws ERR_CLIENTCACHE_CLOSED, nothing leaks', () => {
  const cache = new ClientCache();
  cache.set(key(1), fakeClient(1));
  const before = _accounting();
  assert.throws(() => cache.getOrCreate(key(2), () => {
    cache.close();
    assert.throws(() => cache.get(key(1)), isClosed(ClientCacheError));
    return fakeClient(2);
  }), isClosed(ClientCacheError));
  const after = _accounting();
  assert.equal(after.released - before.released, after.retained - before.retained + 1,
    'the resident value and the factory value are both released');
  assert.equal(after.caches, before.caches - 1);
  // nested: the inner call closes; the outer one frees the cache when it returns
  const nested = new ClientCache();
  const before2 = _accounting();
  assert.throws(() => nested.getOrCreate(key(3), () => nested.getOrCreate(key(4), () => {
    nested.close();
    return fakeClient(4);
  })), isClosed(ClientCacheError));
  assert.equal(nested.closed, true);
  const after2 = _accounting();
  assert.equal(after2.retained - before2.retained, 1, 'the inner factory value reached the cache');
  assert.equal(after2.released - before2.released, 1, 'and was released when the outer call freed it');
  assert.equal(after2.caches, before2.caches - 1);
});

test('Symbol.dispose closes a cache and a session (what `using` calls)', { skip: typeof Symbol.dispose !== 'symbol' && 'no Symbol.dispose in this Node' }, () => {
  const cache = new ClientCache();
  cache.set(key(1), fakeClient(1));
  cache[Symbol.dispose]();
  assert.equal(cache.closed, true);
  const session = new Session();
  session[Symbol.dispose]();
  assert.equal(session.closed, true);
});

test('Session.close() closes its caches; client() and cache() throw ERR_CLIENTCACHE_CLOSED; key() still works', () => {
  const session = new Session({ region: 'us-west-2' });
  const lru = session.cache();
  const lfu = session.cache({ evictionPolicy: 'LFU' });
  lru.set(session.key('s3'), fakeClient('s3'));
  assert.equal(session.closed, false);
  session.close();
  session.close();
  assert.equal(session.closed, true);
  assert.equal(lru.closed, true);
  assert.equal(lfu.closed, true);
  assert.throws(() => session.cache(), isClosed(ClientCacheError));
  assert.throws(() => session.client('s3'), isClosed(ClientCacheError));
  assert.equal(session.key('s3').label, 's3(region_name="us-west-2")');
  assert.match(util.inspect(session), /closed/);
  assert.doesNotThrow(() => JSON.stringify(session));
});

test('a worker that closes some caches and exits with others open (and a build in flight) tears down cleanly', async () => {
  const { Worker } = require('node:worker_threads');
  const path = require('node:path');
  const code = `
    const { parentPort } = require('node:worker_threads');
    const cc = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const open = new cc.ClientCache({ maxSize: 5 });
    const closed = new cc.ClientCache({ maxSize: 5 });
    for (let i = 0; i < 5; i++) {
      open.set(new cc.ClientCacheKey('s3', { region_name: 'r' + i }), { send() {} });
      closed.set(new cc.ClientCacheKey('s3', { region_name: 'r' + i }), { send() {} });
    }
    closed.close();
    open.getOrCreateAsync(new cc.ClientCacheKey('s3'), () => new Promise(() => {})); // never settles
    parentPort.postMessage(cc._accounting());
  `;
  for (let round = 0; round < 2; round++) {
    const worker = new Worker(code, { eval: true });
    const [message, exitCode] = await Promise.all([
      new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }),
      new Promise((resolve) => worker.once('exit', resolve)),
    ]);
    assert.deepEqual(message, { retained: 10, released: 5, caches: 1 });
    assert.equal(exitCode, 0);
  }
});
