'use strict';
// make demo-node: the Node part of `make demo`. A report, not a log:
// the demo key's identity, a real S3Client cached and hit, an LRU and an LFU
// eviction, the exists / not-found errors, the stats, and the live cost of
// building an SDK client on every call vs the cached lookup. No network and
// no AWS account: constructing an S3Client does no I/O.
const { S3Client } = require('@aws-sdk/client-s3');
const cc = require('.');
const { ClientCache, ClientCacheKey, Session } = cc;
const { timePerCall, heapPerCall, fmtTime, fmtBytes, table } = require('./bench/measure');

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function s3Client(region) {
  return new S3Client({
    region,
    maxAttempts: 3,
    retryMode: 'standard',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  });
}

const regionOf = (key) => JSON.parse(key.canonical).params.region_name;
const order = (cache) => [...cache.keys()].map(regionOf).join('  <  ');
const short = (err) => `${err.name} (${err.code}): ${err.message}`;

function main() {
  console.log(`Node — clientcache binding, libclientcache ${cc.libraryVersion()}, node ${process.version}`);
  console.log('==========================================================================');
  console.log();

  // 1. The demo key, built through the idiomatic constructor.
  const key = new ClientCacheKey('s3', {
    region_name: 'us-west-2',
    config: { retries: { max_attempts: 3, mode: 'standard' } },
    aws_access_key_id: ACCESS_KEY,
    aws_secret_access_key: SECRET_KEY,
  });
  const raw = ClientCacheKey.fromJSON('s3', '{"region_name":"us-west-2","config":{"retries":{"max_attempts":3,"mode":"standard"}},' +
    `"aws_access_key_id":"${ACCESS_KEY}","aws_secret_access_key":"${SECRET_KEY}"}`);
  console.log('Demo key (client, s3, us-west-2, retries, static credentials)');
  console.log(`  fingerprint:  ${key.fingerprint}`);
  console.log(`  label:        ${key.label}`);
  console.log(`  same key from the raw JSON text: ${key.equals(raw) ? 'yes' : 'NO'}`);
  console.log(`  secret in label / canonical / util.inspect: ${[key.label, key.canonical, require('node:util').inspect(key)]
    .some((t) => t.includes(SECRET_KEY)) ? 'YES (bug)' : 'no'}`);
  console.log();

  // 2. A real SDK client, cached and hit.
  const cache = new ClientCache({ evictionPolicy: 'LRU', maxSize: 2 });
  const client = s3Client('us-west-2');
  cache.set(key, client);
  const hit = cache.get(key);
  console.log('Cached client: S3Client under the demo key (ClientCache, LRU, maxSize 2)');
  console.log(`  set            stored:  ${hit.constructor.name}, ${cache.size} entry`);
  console.log(`  get            hit:     same object: ${hit === client ? 'yes' : 'NO'}`);
  console.log(`  getOrCreate    hit:     factory ran: ${cache.getOrCreate(key, () => { throw new Error('no'); }) === client ? 'no' : 'YES'}`);
  console.log();

  // 3. LRU eviction.
  const keyFor = (region) => new ClientCacheKey('s3', { region_name: region });
  const lru = new ClientCache({ evictionPolicy: 'LRU', maxSize: 2 });
  lru.set(keyFor('us-east-1'), s3Client('us-east-1'));
  lru.set(keyFor('us-west-2'), s3Client('us-west-2'));
  lru.get(keyFor('us-east-1'));
  const lruBefore = order(lru);
  lru.set(keyFor('eu-west-1'), s3Client('eu-west-1'));
  console.log('LRU eviction (maxSize 2): us-east-1, us-west-2, get us-east-1, then set eu-west-1');
  console.log(`  victim order before   ${lruBefore}`);
  console.log(`  victim order after    ${order(lru)}`);
  console.log(`  evicted               us-west-2 (least recently used): ${lru.has(keyFor('us-west-2')) ? 'NO' : 'yes'}`);
  console.log();

  // 4. LFU eviction.
  const lfu = new ClientCache({ evictionPolicy: 'LFU', maxSize: 2 });
  lfu.set(keyFor('us-east-1'), s3Client('us-east-1'));
  lfu.set(keyFor('us-west-2'), s3Client('us-west-2'));
  for (let i = 0; i < 3; i++) lfu.get(keyFor('us-east-1'));
  lfu.get(keyFor('us-west-2'));
  const lfuBefore = order(lfu);
  lfu.set(keyFor('eu-west-1'), s3Client('eu-west-1'));
  console.log('LFU eviction (maxSize 2): get us-east-1 ×3, us-west-2 ×1, then set eu-west-1');
  console.log(`  victim order before   ${lfuBefore}`);
  console.log(`  victim order after    ${order(lfu)}`);
  console.log(`  evicted               us-west-2 (least frequently used): ${lfu.has(keyFor('us-west-2')) ? 'NO' : 'yes'}`);
  console.log();

  // 5. Errors.
  let exists = 'no error (bug)';
  let notFound = 'no error (bug)';
  try { cache.set(key, s3Client('us-west-2')); } catch (err) { exists = short(err); }
  try { cache.getOrThrow(keyFor('ap-south-1')); } catch (err) { notFound = short(err); }
  console.log('Errors');
  console.log(`  set twice      ${exists}`);
  console.log(`  get missing    ${notFound}`);
  console.log();

  // 6. Stats.
  const statRow = (name, s) => [name, s.hits, s.misses, s.insertions, s.evictions, s.removals, s.size, s.maxSize];
  console.log(table([
    ['Stats', 'hits', 'misses', 'insertions', 'evictions', 'removals', 'size', 'maxSize'],
    statRow('demo key cache', cache.stats()),
    statRow('LRU demo', lru.stats()),
    statRow('LFU demo', lfu.stats()),
  ], ''));
  console.log();

  // 7. Live cost: a new SDK client on every call vs the cached lookup.
  const cfg = {
    region: 'us-west-2',
    maxAttempts: 3,
    retryMode: 'standard',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  };
  const session = new Session();
  const cached = session.client('s3', cfg);
  const tNew = timePerCall(() => new S3Client(cfg), 300, 5);
  const tCached = timePerCall(() => session.client('s3', cfg), 100_000, 5);
  const tGet = timePerCall(() => cache.get(key), 1_000_000, 5);
  const hNew = heapPerCall(() => new S3Client(cfg), 300, true);
  const hCached = heapPerCall(() => session.client('s3', cfg), 100_000, false);
  const same = session.client('s3', { ...cfg }) === cached;
  console.log('Cost per call, measured now (each result kept alive for the heap figure of new S3Client)');
  console.log(table([
    ['method', 'time/call', 'heap/call'],
    ['new S3Client(cfg) every call', fmtTime(tNew), fmtBytes(hNew)],
    ["session.client('s3', cfg) cached hit", fmtTime(tCached), fmtBytes(hCached)],
    ['ClientCache.get(key) (key built once)', fmtTime(tGet), ''],
  ]));
  console.log(`  speed-up (new / cached hit): ${(tNew / tCached).toFixed(0)}×; second client('s3', cfg) is the same object: ${same ? 'yes' : 'NO'}`);
}

main();
