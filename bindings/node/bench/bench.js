'use strict';
// make bench-node: the Node binding against its peers, measured in the same
// run. Every section runs its contenders in interleaved rounds (each round
// times every contender once, in turn, so drift on a shared machine hits
// them alike) and reports medians; ratios are taken per round and printed
// with their spread (min–max over the rounds). Each target row says met or
// not met, and a summary repeats them at the end.
//
//   1. get-hit: ClientCache.get (an LRU cache: repeated hits are served from
//      values the core already returned and replayed into the core before
//      anything can observe order or counters) vs lru-cache's LRUCache.get,
//      same 10 entries, same access pattern. Beside them, for scale: an
//      empty Node-API call with two arguments (the floor of any call into
//      the addon) and a get on an LFU cache (every hit through the core).
//      Target: get ≤ 2.0× lru-cache.
//   2. the high-level cached client('s3', cfg): with the same cfg object on
//      every call, and with a fresh object literal built at the call site
//      (`client('s3', { region, ... })`, the natural call site); beside them
//      clientKey() (the key built in the core, no memo) and, once, new
//      S3Client(cfg) on every call with its heap. Target: both ≤ 500 ns.
//   3. a cached hit through `await cache.getOrCreateAsync(key, factory)`
//      beside the synchronous get and getOrCreate hits and a bare await.
//      Target: ≤ 1.2× the synchronous get hit.
//   4. get-hit on a cache with a ttl (and a dispose function) vs the same
//      cache without, both through the core. Target: ≤ 1.15×. Beside it,
//      the ttl hit against a hit served from JS (no target).
const os = require('node:os');
const { LRUCache } = require('lru-cache');
const { S3Client } = require('@aws-sdk/client-s3');
const cc = require('..');
const native = require('../lib/native');
const { kCoreOnly } = require('../lib/cache');
const { gc, timePerCall, heapPerCall, fmtTime, fmtBytes, table, median } = require('./measure');

const ENTRIES = 10;
const verdicts = [];

/**
 * Runs `contenders` ([name, fn] where fn() runs the measured call `n` times)
 * in `rounds` interleaved rounds after one warm-up round; returns each
 * contender's per-round ns per call.
 */
async function interleaved(contenders, n, rounds) {
  const times = contenders.map(() => []);
  for (let r = -1; r < rounds; r++) {
    for (let c = 0; c < contenders.length; c++) {
      const t0 = process.hrtime.bigint();
      await contenders[c][1]();
      const ns = Number(process.hrtime.bigint() - t0) / n;
      if (r >= 0) times[c].push(ns);
    }
  }
  return times;
}

/** Per-round ratios a[r] / b[r]: { median, min, max }. */
function ratios(a, b) {
  const rs = a.map((t, r) => t / b[r]);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

function spread(xs, fmt) {
  return `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
}

const fmtRatio = (x) => `${x.toFixed(2)}×`;

/** Prints and records one target row. */
function verdict(what, value, target, met, detail) {
  const line = `${what}: ${value}${detail ? ` (${detail})` : ''}; target ${target}: ${met ? 'met' : 'NOT MET'}`;
  console.log(`  ${line}`);
  verdicts.push([what, value, target, met ? 'met' : 'NOT MET']);
}

async function main() {
  const cpu = os.cpus()[0];
  console.log('clientcache Node binding benchmark');
  console.log(`  node ${process.version}, libclientcache ${cc.libraryVersion()}, ${cpu ? cpu.model.trim() : 'unknown CPU'} ` +
    `(${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), ${new Date().toISOString().slice(0, 10)}`);
  console.log('  every section: interleaved rounds after a warm-up round; medians, and the spread (min–max) over the rounds\n');

  const keys = [];
  const names = [];
  for (let i = 0; i < ENTRIES; i++) {
    const params = { region_name: `region-${i}`, config: { retries: { max_attempts: 3 } } };
    keys.push(new cc.ClientCacheKey('s3', params));
    names.push(JSON.stringify(params));
  }
  const cache = await getHit(keys, names);
  await clientCached();
  gc();
  await asyncHit(cache, keys);
  await ttlHit(keys);

  console.log('\nsummary');
  console.log(table([['row', 'measured', 'target', ''], ...verdicts]));
}

/** 1. get-hit against lru-cache, with the Node-API floor and the core path beside. */
async function getHit(keys, names) {
  const N = 1_000_000;
  const ROUNDS = 15;
  const cache = new cc.ClientCache({ maxSize: ENTRIES });
  const lfu = new cc.ClientCache({ maxSize: ENTRIES, evictionPolicy: 'LFU' });
  const lru = new LRUCache({ max: ENTRIES });
  for (let i = 0; i < ENTRIES; i++) {
    const value = { send() {}, i };
    cache.set(keys[i], value);
    lfu.set(keys[i], value);
    lru.set(names[i], value);
  }
  const handle = {};
  let sink;
  const contenders = [
    ['ClientCache.get(key)', 'clientcache', () => { for (let i = 0; i < N; i++) sink = cache.get(keys[i % ENTRIES]); }],
    ['LRUCache.get(string)', 'lru-cache', () => { for (let i = 0; i < N; i++) sink = lru.get(names[i % ENTRIES]); }],
    ['ClientCache.peek(key)', 'clientcache', () => { for (let i = 0; i < N; i++) sink = cache.peek(keys[i % ENTRIES]); }],
    ['LRUCache.peek(string)', 'lru-cache', () => { for (let i = 0; i < N; i++) sink = lru.peek(names[i % ENTRIES]); }],
    ['empty Node-API call, 2 arguments (floor)', 'addon', () => { for (let i = 0; i < N; i++) sink = native.noop(handle, keys[i % ENTRIES]); }],
    ['ClientCache.get(key), LFU (through the core)', 'clientcache', () => { for (let i = 0; i < N; i++) sink = lfu.get(keys[i % ENTRIES]); }],
  ];
  const times = await interleaved(contenders.map(([name, , fn]) => [name, fn]), N, ROUNDS);
  if (cache.get(keys[0]) === undefined || sink === Symbol.for('never')) throw new Error('a miss in the hit bench');
  console.log(`1. cache hit (10 entries, keys built once; ${ROUNDS} rounds of ${N} calls)`);
  console.log(table([
    ['operation', 'library', 'median', 'rounds'],
    ...contenders.map(([name, lib], c) => [name, lib, fmtTime(median(times[c])), spread(times[c], fmtTime)]),
  ]));
  const get = ratios(times[0], times[1]);
  verdict('get / lru-cache get', fmtRatio(get.median), '≤ 2.0×', get.median <= 2.0,
    `rounds ${fmtRatio(get.min)}–${fmtRatio(get.max)}`);
  const floor = ratios(times[4], times[1]);
  console.log(`  (the empty Node-API call alone is ${fmtRatio(floor.median)} lru-cache's get; an LFU hit, which goes through the`);
  console.log(`   core every time, ${fmtRatio(ratios(times[5], times[1]).median)}. stats: ${JSON.stringify(cache.stats())})\n`);
  lfu.close();
  return cache;
}

/** 2. The cached high-level client(): same cfg object, and a fresh literal per call. */
async function clientCached() {
  const N = 200_000;
  const ROUNDS = 11;
  const cfg = {
    region: 'us-west-2',
    maxAttempts: 3,
    retryMode: 'standard',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  };
  const region = 'us-west-2';
  const first = cc.client('s3', cfg);
  let sink;
  const contenders = [
    ["client('s3', cfg), same cfg object", () => { for (let i = 0; i < N; i++) sink = cc.client('s3', cfg); }],
    ["client('s3', { region, … }), fresh object", () => {
      for (let i = 0; i < N; i++) {
        sink = cc.client('s3', {
          region,
          maxAttempts: 3,
          retryMode: 'standard',
          credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        });
      }
    }],
    ["client('s3', { region }), fresh object", () => { for (let i = 0; i < N; i++) sink = cc.client('s3', { region }); }],
  ];
  const times = await interleaved(contenders, N, ROUNDS);
  if (sink === undefined || cc.client('s3', cfg) !== first) throw new Error('cached client changed');
  const tKey = timePerCall(() => cc.clientKey('s3', cfg), 20_000);
  const tNew = timePerCall(() => new S3Client(cfg), 500, 5);
  const hCached = heapPerCall(() => cc.client('s3', cfg), 100_000, false);
  const hNew = heapPerCall(() => new S3Client(cfg), 300, true);
  console.log(`2. client('s3', cfg) cached, vs new S3Client(cfg) on every call (${ROUNDS} rounds of ${N} calls)`);
  console.log(table([
    ['how', 'median', 'rounds', 'heap/call'],
    [contenders[0][0], fmtTime(median(times[0])), spread(times[0], fmtTime), fmtBytes(hCached)],
    [contenders[1][0], fmtTime(median(times[1])), spread(times[1], fmtTime), ''],
    [contenders[2][0], fmtTime(median(times[2])), spread(times[2], fmtTime), ''],
    ['clientKey(s3, cfg) (key built in the core, no memo)', fmtTime(tKey), '', ''],
    ['new S3Client(cfg)', fmtTime(tNew), '', fmtBytes(hNew)],
  ]));
  for (const c of [0, 1]) {
    const t = median(times[c]);
    verdict(contenders[c][0], fmtTime(t), '≤ 500 ns', t <= 500, `rounds ${spread(times[c], fmtTime)}`);
  }
  console.log(`  (speed-up over new S3Client: ${(tNew / median(times[0])).toFixed(0)}×; ` +
    `stats: ${JSON.stringify(cc.getDefaultSession().cache().stats())})`);
}

/**
 * 3. The hit path of getOrCreateAsync, awaited, against the synchronous hits
 * of the same cache, in the same rounds.
 */
async function asyncHit(cache, keys) {
  const N = 200_000;
  const ROUNDS = 11;
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
  const times = await interleaved(contenders.map(([name, , fn]) => [name, fn]), N, ROUNDS);
  if (sink === undefined) throw new Error('a miss in the hit bench');
  const med = times.map(median);
  console.log(`\n3. cached hit: await getOrCreateAsync vs the synchronous hits (same cache; ${ROUNDS} rounds of ${N} calls)`);
  console.log(table([
    ['operation', 'kind', 'median', 'rounds'],
    ...contenders.map(([name, kind], c) => [name, kind, fmtTime(med[c]), spread(times[c], fmtTime)]),
  ]));
  const r = ratios(times[2], times[0]);
  verdict('await getOrCreateAsync / get', fmtRatio(r.median), '≤ 1.2×', r.median <= 1.2,
    `rounds ${fmtRatio(r.min)}–${fmtRatio(r.max)}`);
  console.log(`  ratio await getOrCreateAsync / await get: ${fmtRatio(ratios(times[2], times[3]).median)} (what the method adds beyond the await)`);
  console.log('  (a hit returns an already-resolved Promise; the gap is the await itself — suspending and resuming');
  console.log(`   the async function through a microtask, ${fmtTime(med[3] - med[0])} here — which no Promise-returning`);
  console.log('   method avoids. `get(key) ?? await getOrCreateAsync(key, f)` skips it on a hit, and counts a miss twice)');
}

/**
 * 4. A get hit on a cache whose entries expire (a one-hour ttl, the core's
 * default clock, a dispose function) against the same get on a cache
 * without expiry: same keys, same values.
 */
async function ttlHit(keys) {
  const N = 500_000;
  const ROUNDS = 11;
  const plain = new cc.ClientCache({ maxSize: ENTRIES });
  const expiring = new cc.ClientCache({ maxSize: ENTRIES, ttl: 3_600_000, dispose: () => {} });
  // Internal option: every call goes to the core, as every hit of `expiring` does.
  const plainCore = new cc.ClientCache({ maxSize: ENTRIES, [kCoreOnly]: true });
  for (let i = 0; i < ENTRIES; i++) {
    const value = { send() {}, i };
    plain.set(keys[i], value);
    expiring.set(keys[i], value);
    plainCore.set(keys[i], value);
  }
  let sink;
  const contenders = [
    ['ClientCache.get(key), no ttl', () => { for (let i = 0; i < N; i++) sink = plain.get(keys[i % ENTRIES]); }],
    ['ClientCache.get(key), ttl 1 h + dispose', () => { for (let i = 0; i < N; i++) sink = expiring.get(keys[i % ENTRIES]); }],
    ['ClientCache.get(key), no ttl, every hit through the core', () => { for (let i = 0; i < N; i++) sink = plainCore.get(keys[i % ENTRIES]); }],
  ];
  const times = await interleaved(contenders, N, ROUNDS);
  if (sink === undefined) throw new Error('a miss in the ttl hit bench');
  console.log(`\n4. cached hit with expiry: get on a cache with a ttl vs without (${ROUNDS} rounds of ${N} calls)`);
  console.log(table([
    ['operation', 'median', 'rounds'],
    ...contenders.map(([name], c) => [name, fmtTime(median(times[c])), spread(times[c], fmtTime)]),
  ]));
  // Like for like, as the Rust and C ABI rows measure it: what expiry adds
  // to a hit in the core. The second ratio is what a user of a ttl cache
  // gives up here: the hit served from JS (an LRU cache without lifetimes).
  const core = ratios(times[1], times[2]);
  verdict('get with ttl / without, both through the core', fmtRatio(core.median), '≤ 1.15×', core.median <= 1.15,
    `rounds ${fmtRatio(core.min)}–${fmtRatio(core.max)}`);
  const r = ratios(times[1], times[0]);
  console.log(`  get with ttl / get without, served from JS: ${fmtRatio(r.median)} (rounds ${fmtRatio(r.min)}–${fmtRatio(r.max)}; no target)`);
  console.log('  (an entry with a lifetime is decided by the core on every hit: JS cannot read the core\'s');
  console.log('   coarse monotonic clock, and a hit replayed later could find the entry expired. A cache without');
  console.log('   lifetimes serves repeated LRU hits from JS, so it is that much faster than a ttl cache.');
  console.log(`   stats: ${JSON.stringify(expiring.stats())})`);
  plain.close();
  expiring.close();
  plainCore.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
