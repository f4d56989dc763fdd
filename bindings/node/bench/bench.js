'use strict';
// make bench-node: the Node binding against its peers, measured in the same run.
//
//   1. get-hit: ClientCache.get (JS → Node-API → Rust core) vs lru-cache's
//      LRUCache.get (pure JS), same 10-entry cache, same access pattern.
//      Target: ≤ 5× lru-cache.
//   2. the high-level cached client('s3', cfg) vs new S3Client(cfg) on every
//      call: time per call and heap per call. Target: cached ≤ 2 µs.
//   3. a cached hit through `await cache.getOrCreateAsync(key, factory)`
//      beside the synchronous get and getOrCreate hits, interleaved rounds,
//      medians. Target: ≤ 1.2× the synchronous get hit.
//   4. get-hit on a cache with a ttl (and a dispose function) vs the same
//      cache without, interleaved rounds, medians. Target: ≤ 1.15×.
const os = require('node:os');
const { LRUCache } = require('lru-cache');
const { S3Client } = require('@aws-sdk/client-s3');
const cc = require('..');
const { gc, timePerCall, heapPerCall, fmtTime, fmtBytes, table, median } = require('./measure');

const ENTRIES = 10;

async function main() {
  const cpu = os.cpus()[0];
  console.log('clientcache Node binding benchmark');
  console.log(`  node ${process.version}, libclientcache ${cc.libraryVersion()}, ${cpu ? cpu.model.trim() : 'unknown CPU'} ` +
    `(${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), ${new Date().toISOString().slice(0, 10)}`);
  console.log('  each figure: median of 7 rounds after a warm-up (section 3: 9 interleaved rounds)\n');

  // 1. get-hit
  const cache = new cc.ClientCache({ maxSize: ENTRIES });
  const lru = new LRUCache({ max: ENTRIES });
  const keys = [];
  const names = [];
  for (let i = 0; i < ENTRIES; i++) {
    const params = { region_name: `region-${i}`, config: { retries: { max_attempts: 3 } } };
    keys.push(new cc.ClientCacheKey('s3', params));
    names.push(JSON.stringify(params));
    const value = { send() {}, i };
    cache.set(keys[i], value);
    lru.set(names[i], value);
  }
  const N = 1_000_000;
  const tBinding = timePerCall((i) => cache.get(keys[i % ENTRIES]), N);
  const tLru = timePerCall((i) => lru.get(names[i % ENTRIES]), N);
  const tPeek = timePerCall((i) => cache.peek(keys[i % ENTRIES]), N);
  const tMap = timePerCall((i) => lru.peek(names[i % ENTRIES]), N);
  const getRatio = tBinding / tLru;
  console.log('1. cache hit (10 entries, keys built once)');
  console.log(table([
    ['operation', 'library', 'time/call'],
    ['ClientCache.get(key)', 'clientcache', fmtTime(tBinding)],
    ['LRUCache.get(string)', 'lru-cache', fmtTime(tLru)],
    ['ClientCache.peek(key)', 'clientcache', fmtTime(tPeek)],
    ['LRUCache.peek(string)', 'lru-cache', fmtTime(tMap)],
  ]));
  console.log(`  ratio get: ${getRatio.toFixed(2)}× lru-cache (target ≤ 5×): ${getRatio <= 5 ? 'met' : 'MISSED'}\n`);

  // 2. cached client vs a new SDK client per call
  const cfg = {
    region: 'us-west-2',
    maxAttempts: 3,
    retryMode: 'standard',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  };
  const session = new cc.Session();
  const first = session.client('s3', cfg);
  const tCached = timePerCall(() => session.client('s3', cfg), 200_000);
  const tFresh = timePerCall(() => session.client('s3', { ...cfg, credentials: { ...cfg.credentials } }), 200_000);
  const tNew = timePerCall(() => new S3Client(cfg), 500, 5);
  const tKey = timePerCall(() => cc.clientKey('s3', cfg), 20_000);
  const hCached = heapPerCall(() => session.client('s3', cfg), 100_000, false);
  const hNew = heapPerCall(() => new S3Client(cfg), 300, true);
  if (session.client('s3', cfg) !== first) throw new Error('cached client changed');
  const speedup = tNew / tCached;
  console.log("2. client('s3', cfg): cached lookup vs new S3Client(cfg) on every call");
  console.log(table([
    ['how', 'time/call', 'heap/call'],
    ["client('s3', cfg) cached", fmtTime(tCached), fmtBytes(hCached)],
    ["client('s3', {...cfg}) cached, new config object", fmtTime(tFresh), ''],
    ['clientKey(s3, cfg) (key built in the core, no memo)', fmtTime(tKey), ''],
    ['new S3Client(cfg)', fmtTime(tNew), fmtBytes(hNew)],
  ]));
  console.log(`  speed-up: ${speedup.toFixed(0)}× ; cached lookup ${fmtTime(tCached)} (target ≤ 2 µs): ${tCached <= 2000 ? 'met' : 'MISSED'}`);
  console.log(`  stats: ${JSON.stringify(session.cache().stats())}`);
  gc();

  await asyncHit(cache, keys);
  ttlHit(keys);
}

/**
 * 4. A get hit on a cache whose entries expire (a one-hour ttl, the core's
 * default clock, a dispose function) against the same get on a cache
 * without expiry: same keys, same values, interleaved rounds, medians.
 */
function ttlHit(keys) {
  const N = 500_000;
  const ROUNDS = 11;
  const plain = new cc.ClientCache({ maxSize: ENTRIES });
  const expiring = new cc.ClientCache({ maxSize: ENTRIES, ttl: 3_600_000, dispose: () => {} });
  for (let i = 0; i < ENTRIES; i++) {
    const value = { send() {}, i };
    plain.set(keys[i], value);
    expiring.set(keys[i], value);
  }
  let sink;
  const contenders = [
    ['ClientCache.get(key), no ttl', () => { for (let i = 0; i < N; i++) sink = plain.get(keys[i % ENTRIES]); }],
    ['ClientCache.get(key), ttl 1 h + dispose', () => { for (let i = 0; i < N; i++) sink = expiring.get(keys[i % ENTRIES]); }],
  ];
  const times = contenders.map(() => []);
  for (let r = -1; r < ROUNDS; r++) { // round -1 warms up
    for (let c = 0; c < contenders.length; c++) {
      const t0 = process.hrtime.bigint();
      contenders[c][1]();
      const ns = Number(process.hrtime.bigint() - t0) / N;
      if (r >= 0) times[c].push(ns);
    }
  }
  if (sink === undefined) throw new Error('a miss in the ttl hit bench');
  const [tPlain, tTtl] = times.map(median);
  const ratio = tTtl / tPlain;
  console.log('\n4. cached hit with expiry: get on a cache with a ttl vs without (interleaved rounds)');
  console.log(table([
    ['operation', 'time/call'],
    [contenders[0][0], fmtTime(tPlain)],
    [contenders[1][0], fmtTime(tTtl)],
  ]));
  console.log(`  ratio ttl / no ttl: ${ratio.toFixed(2)}× (target ≤ 1.15×): ${ratio <= 1.15 ? 'met' : 'not met'}`);
  console.log(`  (median of ${ROUNDS} rounds of ${N} calls each; a hit on an expiring entry reads the coarse`);
  console.log('   monotonic clock once, in the core; stats: ' + JSON.stringify(expiring.stats()) + ')');
  plain.close();
  expiring.close();
}

/**
 * 3. The hit path of getOrCreateAsync, awaited, against the synchronous hits
 * of the same cache, in the same rounds: each round times every contender
 * once, in turn, so drift on a shared machine hits them alike.
 */
async function asyncHit(cache, keys) {
  const N = 200_000;
  const ROUNDS = 9;
  const never = () => { throw new Error('the bench expected a hit'); };
  let sink;
  const contenders = [
    ['ClientCache.get(key)', 'sync', () => {
      for (let i = 0; i < N; i++) sink = cache.get(keys[i % ENTRIES]);
    }],
    ['ClientCache.getOrCreate(key, f)', 'sync', () => {
      for (let i = 0; i < N; i++) sink = cache.getOrCreate(keys[i % ENTRIES], never);
    }],
    ['await ClientCache.getOrCreateAsync(key, f)', 'async', async () => {
      for (let i = 0; i < N; i++) sink = await cache.getOrCreateAsync(keys[i % ENTRIES], never);
    }],
    ['await ClientCache.get(key) (the await alone)', 'async', async () => {
      for (let i = 0; i < N; i++) sink = await cache.get(keys[i % ENTRIES]);
    }],
    ['get(key) ?? await getOrCreateAsync(key, f)', 'async', async () => {
      for (let i = 0; i < N; i++) sink = cache.get(keys[i % ENTRIES]) ?? await cache.getOrCreateAsync(keys[i % ENTRIES], never);
    }],
  ];
  const times = contenders.map(() => []);
  for (let r = -1; r < ROUNDS; r++) { // round -1 warms up
    for (let c = 0; c < contenders.length; c++) {
      const t0 = process.hrtime.bigint();
      await contenders[c][2]();
      const ns = Number(process.hrtime.bigint() - t0) / N;
      if (r >= 0) times[c].push(ns);
    }
  }
  if (sink === undefined) throw new Error('a miss in the hit bench');
  const med = times.map(median);
  const [tGet, tGetOrCreate, tAsync] = med;
  const ratio = tAsync / tGet;
  console.log('\n3. cached hit: await getOrCreateAsync vs the synchronous hits (same cache, interleaved rounds)');
  console.log(table([
    ['operation', 'kind', 'time/call'],
    ...contenders.map(([name, kind], c) => [name, kind, fmtTime(med[c])]),
  ]));
  console.log(`  ratio getOrCreateAsync / get: ${ratio.toFixed(2)}× (target ≤ 1.2× the synchronous hit): ${ratio <= 1.2 ? 'met' : 'not met'}`);
  console.log(`  ratio getOrCreateAsync / getOrCreate: ${(tAsync / tGetOrCreate).toFixed(2)}×`);
  console.log(`  ratio await getOrCreateAsync / await get: ${(tAsync / med[3]).toFixed(2)}× (what the method adds beyond the await)`);
  console.log(`  (median of ${ROUNDS} rounds of ${N} calls each. A hit returns an already-resolved Promise; the rest`);
  console.log('   of the gap is one await of it, a microtask turn, which no Promise-returning method avoids.');
  console.log('   `get(key) ?? await getOrCreateAsync(key, f)` skips the await on a hit, and counts a miss twice)');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
