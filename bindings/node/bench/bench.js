'use strict';
// make bench-node: the Node binding against its peers, measured in the same run.
//
//   1. get-hit: ClientCache.get (JS → Node-API → Rust core) vs lru-cache's
//      LRUCache.get (pure JS), same 10-entry cache, same access pattern.
//      Target: ≤ 5× lru-cache.
//   2. the high-level cached client('s3', cfg) vs new S3Client(cfg) on every
//      call: time per call and heap per call. Target: cached ≤ 2 µs.
const os = require('node:os');
const { LRUCache } = require('lru-cache');
const { S3Client } = require('@aws-sdk/client-s3');
const cc = require('..');
const { gc, timePerCall, heapPerCall, fmtTime, fmtBytes, table } = require('./measure');

const ENTRIES = 10;

function main() {
  const cpu = os.cpus()[0];
  console.log('clientcache Node binding benchmark');
  console.log(`  node ${process.version}, libclientcache ${cc.libraryVersion()}, ${cpu ? cpu.model.trim() : 'unknown CPU'} ` +
    `(${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), ${new Date().toISOString().slice(0, 10)}`);
  console.log('  each figure: median of 7 rounds after a warm-up\n');

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
}

main();
