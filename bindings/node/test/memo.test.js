'use strict';
// The Session memo (lib/memo.js): SDK configuration → key without the core.
// It must never give a client for a configuration the key would tell apart,
// must give the same client for configurations that differ only where the
// key does not look (key order, credential metadata), must not hold a
// secret after the client that holds it has left, and must not let through
// a configuration the full path refuses.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Session, clientKey } = require('..');
const { kMemoSize } = require('../lib/aws');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const MIN = 60_000;

function manualClock() {
  let now = 1_000_000_000n;
  const clock = () => now;
  clock.advance = (ms) => { now += BigInt(Math.round(ms * 1e6)); };
  return clock;
}

/** The client for `cfg` must be the one cached under the key built from scratch. */
function agrees(session, cfg, what) {
  const c = session.client('s3', cfg);
  const fresh = clientKey('s3', cfg);
  assert.equal(session.cache().peek(fresh), c, `${what}: the client is not the one cached under the configuration's own key`);
  assert.ok(session.key('s3', cfg).equals(fresh), `${what}: session.key disagrees with a key built from scratch`);
  return c;
}

test('configurations that differ only in a secret, or in a nested value, never share a client', () => {
  const session = new Session();
  const base = () => ({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  const a = agrees(session, base(), 'base');
  const rotated = base();
  rotated.credentials.secretAccessKey = `${SECRET}x`;
  const b = agrees(session, rotated, 'rotated secret');
  assert.notEqual(a, b);
  const token = base();
  token.credentials.sessionToken = 'T1';
  const c = agrees(session, token, 'session token');
  assert.notEqual(c, a);
  // the same object, mutated between calls, in place and deep down
  const cfg = { region: 'us-east-1', requestHandler: { requestTimeout: 1000 }, extra: { a: { b: [1, { c: 2 }] } } };
  const d = agrees(session, cfg, 'nested');
  cfg.requestHandler.requestTimeout = 2000;
  const e = agrees(session, cfg, 'handler timeout changed in place');
  assert.notEqual(e, d);
  cfg.extra.a.b[1].c = 3;
  const f = agrees(session, cfg, 'deep data changed in place');
  assert.notEqual(f, e);
  cfg.credentials = { accessKeyId: 'AKID', secretAccessKey: SECRET };
  cfg.credentials.secretAccessKey = 'other';
  assert.notEqual(agrees(session, cfg, 'credentials added'), f);
  // and every earlier configuration still finds its own client
  assert.equal(session.client('s3', base()), a);
  assert.equal(session.client('s3', rotated), b);
});

test('values that look alike stay apart; key order and credential metadata do not matter', () => {
  const session = new Session();
  const pairs = [
    [{ extra: 1 }, { extra: '1' }],
    [{ extra: [1, 2] }, { extra: '[1,2]' }],
    [{ extra: null }, {}],
    [{ useFipsEndpoint: false }, {}],
    [{ extra: { a: 1 } }, { extra: { a: 1, b: null } }],
    [{ extra: { a: { b: 1 } } }, { extra: { a: 1, b: 1 } }],
    [{ extra: [[1], 2] }, { extra: [1, [2]] }],
    [{ extra: { a: 'b' } }, { extra: { b: 'a' } }],
    [{ credentials: { accessKeyId: 'A', secretAccessKey: 'B' } }, { credentials: { accessKeyId: 'B', secretAccessKey: 'A' } }],
    [{ region: 'a', profile: 'b' }, { region: 'b', profile: 'a' }],
    // credential metadata names are identity anywhere else
    [{ requestHandler: { expiration: 1 } }, { requestHandler: { expiration: 2 } }],
    [{ accountId: 'a' }, { accountId: 'b' }],
    [{ extra: { credentialScope: 'a' } }, { extra: { credentialScope: 'b' } }],
  ];
  for (const [x, y] of pairs) {
    const cx = agrees(session, x, JSON.stringify(x));
    const cy = agrees(session, y, JSON.stringify(y));
    assert.notEqual(cx, cy, `${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    assert.equal(session.client('s3', x), cx);
  }
  // the same key, written differently: one client
  const one = session.client('s3', { region: 'eu-west-1', maxAttempts: 4, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  assert.equal(session.client('s3', { credentials: { secretAccessKey: SECRET, accessKeyId: 'AKID' }, maxAttempts: 4, region: 'eu-west-1' }), one);
  assert.equal(session.client('s3', {
    region: 'eu-west-1', maxAttempts: 4, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET, expiration: new Date(Date.now() + 3_600_000) },
  }), one, 'credential metadata is not identity');
  assert.equal(session.client('s3', { region: 'eu-west-1', maxAttempts: 4, profile: undefined, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } }), one);
});

test('providers and handlers are told apart by identity, not by how they look', () => {
  const session = new Session();
  const provider = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const twin = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const p1 = agrees(session, { credentials: provider }, 'provider');
  const p2 = agrees(session, { credentials: twin }, 'twin provider');
  assert.notEqual(p1, p2);
  assert.equal(session.client('s3', { credentials: provider }), p1);
  class Handler { handle() {} }
  const h1 = new Handler();
  const c1 = agrees(session, { requestHandler: h1 }, 'handler');
  assert.notEqual(agrees(session, { requestHandler: new Handler() }, 'another handler'), c1);
  assert.equal(session.client('s3', { requestHandler: h1 }), c1);
  // an agent inside a plain handler object: the agent's identity, the object's content
  const agent = new (class Agent {})();
  const a1 = agrees(session, { requestHandler: { httpsAgent: agent, connectionTimeout: 10 } }, 'agent');
  assert.equal(session.client('s3', { requestHandler: { httpsAgent: agent, connectionTimeout: 10 } }), a1, 'a fresh handler object with the same agent');
  assert.notEqual(agrees(session, { requestHandler: { httpsAgent: agent, connectionTimeout: 11 } }, 'agent, other timeout'), a1);
  // a logger written as an object literal is an instance: a fresh one is another client
  const logger = { info() {}, debug() {} };
  const l1 = agrees(session, { logger }, 'logger');
  assert.equal(session.client('s3', { logger }), l1);
  assert.notEqual(agrees(session, { logger: { info() {}, debug() {} } }, 'fresh logger'), l1);
});

test('session defaults: merged under every call, re-read when a nested default changes', () => {
  const creds = { accessKeyId: 'AKID', secretAccessKey: SECRET };
  const session = new Session({ region: 'us-west-2', credentials: creds });
  const a = session.client('s3', {});
  assert.equal(session.client('s3'), a);
  assert.equal(session.client('s3', { region: undefined }), a);
  assert.equal(session.cache().peek(clientKey('s3', { region: 'us-west-2', credentials: creds })), a);
  const b = session.client('s3', { region: 'eu-west-1' });
  assert.notEqual(b, a);
  creds.secretAccessKey = 'rotated'; // the default credentials object, changed in place
  const c = session.client('s3', {});
  assert.notEqual(c, a, 'a rotated default secret is seen');
  assert.equal(session.cache().peek(clientKey('s3', { region: 'us-west-2', credentials: { accessKeyId: 'AKID', secretAccessKey: 'rotated' } })), c);
  // another session with other defaults never shares the memo
  const other = new Session({ region: 'ap-south-1' });
  assert.ok(other.key('s3', {}).equals(clientKey('s3', { region: 'ap-south-1' })));
});

test('memo entries leave with their client: eviction, removal, expiry, invalidation, close', () => {
  const clock = manualClock();
  const session = new Session({}, { clock });
  const cfg = (i) => ({ region: `r${i}`, credentials: { accessKeyId: 'AKID', secretAccessKey: `${SECRET}${i}` } });
  session.cache({ maxSize: 2 });
  const c0 = session.client('s3', cfg(0));
  session.client('s3', { ...cfg(0) }); // the same key from another object: a second entry? same path, same entry
  session.client('s3', { credentials: cfg(0).credentials, region: 'r0' }); // another key order: a second entry
  assert.equal(session[kMemoSize](), 2);
  session.client('s3', cfg(1));
  assert.equal(session[kMemoSize](), 3);
  session.client('s3', cfg(2)); // evicts r0's client: both of its entries go
  assert.equal(session[kMemoSize](), 2);
  assert.notEqual(session.client('s3', cfg(0)), c0, 'an evicted client is built again');
  // removal
  session.cache().delete(clientKey('s3', cfg(0)));
  assert.equal(session[kMemoSize](), 1);
  // expiry (credentials that expire: the client leaves 5 minutes before them)
  const expiring = { region: 'x', credentials: { accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date(Date.now() + 10 * MIN) } };
  const e1 = session.client('s3', expiring);
  assert.equal(session.client('s3', expiring), e1);
  assert.equal(session[kMemoSize](), 2);
  clock.advance(6 * MIN);
  session.cache().purgeExpired();
  assert.equal(session[kMemoSize](), 1);
  // a lookup of a configuration whose client is in no cache remembers nothing
  session.key('s3', { region: 'nowhere', credentials: { accessKeyId: 'A', secretAccessKey: 'S' } });
  assert.equal(session[kMemoSize](), 1);
  // a client of the LFU cache: leaving either cache drops the entry
  session.client('s3', cfg(7), { evictionPolicy: 'LFU' });
  assert.equal(session[kMemoSize](), 2);
  session.cache({ evictionPolicy: 'LFU' }).clear();
  assert.equal(session[kMemoSize](), 1);
  session.close();
  assert.equal(session[kMemoSize](), 0);
  assert.throws(() => session.client('s3', cfg(2)), { code: 'ERR_CLIENTCACHE_CLOSED' });
});

test('the memo stays bounded', () => {
  const session = new Session();
  session.cache({ maxSize: 1000 });
  for (let i = 0; i < 400; i++) session.client('s3', { region: `r${i}` });
  assert.equal(session[kMemoSize](), 256);
  for (let i = 0; i < 400; i++) agrees(session, { region: `r${i}` }, `r${i}`);
  session.close();
});

test('a configuration the full path refuses is refused after a hit on its twin too', () => {
  const session = new Session();
  const cfg = { region: 'us-east-1' };
  session.client('s3', cfg);
  session.client('s3', cfg);
  const withSymbol = { region: 'us-east-1', [Symbol('x')]: 1 };
  assert.throws(() => session.client('s3', withSymbol), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  const hidden = { region: 'us-east-1' };
  Object.defineProperty(hidden, 'profile', { value: 'p', enumerable: false });
  assert.throws(() => session.client('s3', hidden), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  const nested = { region: 'us-east-1', credentials: { accessKeyId: 'A', secretAccessKey: 'B' } };
  session.client('s3', nested);
  Object.defineProperty(nested.credentials, 'sessionToken', { value: 'T', enumerable: false });
  assert.throws(() => session.client('s3', nested), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  assert.throws(() => session.client('s3', { region: 'us-east-1\uD800' }), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  assert.throws(() => session.client('s3', { region: 'us-east-1\uD800' }), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  assert.throws(() => session.client('s3', { maxAttempts: NaN }), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' });
  assert.throws(() => session.client('s3', { extra: [1, , 2] }), { code: 'ERR_CLIENTCACHE_INVALID_ARGUMENT' }); // eslint-disable-line no-sparse-arrays
  session.close();
});

test('random configurations, mutated between calls: every client is the one for its own key', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const provider = async () => ({ accessKeyId: 'p', secretAccessKey: 'q' });
  const agent = new (class Agent {})();
  const leaves = ['a', 'b', 1, 2, true, false, null, 0];
  const session = new Session({ maxAttempts: 3 });
  session.cache({ maxSize: 50 });
  const configs = [];
  for (let i = 0; i < 1500; i++) {
    let cfg;
    if (configs.length > 0 && rand() < 0.5) {
      cfg = pick(configs);
      // mutate it in place, somewhere
      const r = rand();
      if (r < 0.2) cfg.region = pick(['us-east-1', 'eu-west-1', 'ap-south-1']);
      else if (r < 0.4) cfg.credentials = rand() < 0.3 ? provider : { accessKeyId: pick(['A', 'B']), secretAccessKey: pick(['S1', 'S2']) };
      else if (r < 0.55 && cfg.credentials && typeof cfg.credentials === 'object') cfg.credentials.secretAccessKey = pick(['S1', 'S2', 'S3']);
      else if (r < 0.7) cfg.extra = rand() < 0.5 ? { x: pick(leaves), y: [pick(leaves), pick(leaves)] } : pick(leaves);
      else if (r < 0.8 && cfg.extra && typeof cfg.extra === 'object') cfg.extra.x = pick(leaves);
      else if (r < 0.9) cfg.requestHandler = { requestTimeout: pick([1000, 2000]), httpsAgent: agent };
      else delete cfg.region;
    } else {
      cfg = { region: pick(['us-east-1', 'eu-west-1']) };
      if (rand() < 0.5) cfg.credentials = { accessKeyId: 'A', secretAccessKey: pick(['S1', 'S2']) };
      configs.push(cfg);
    }
    const merged = { maxAttempts: 3, ...cfg };
    const c = session.client('s3', cfg);
    assert.equal(session.cache().peek(clientKey('s3', merged)), c, `round ${i}: ${JSON.stringify(cfg)}`);
  }
  session.close();
});
