'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const util = require('node:util');
const {
  ClientCacheKey, ResourceCacheKey, CacheKey, CacheError, ClientCacheError, ResourceCacheError,
  ClientCacheExistsError, ClientCacheNotFoundError,
} = require('..');
const { VECTORS } = require('./helpers');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const DEMO = {
  region_name: 'us-west-2',
  config: { retries: { max_attempts: 3, mode: 'standard' } },
  aws_access_key_id: ACCESS,
  aws_secret_access_key: SECRET,
};

function keyClass(kind) {
  return kind === 'resource' ? ResourceCacheKey : ClientCacheKey;
}

test('shared vectors (tests/vectors/keys.json)', async (t) => {
  if (!fs.existsSync(VECTORS)) {
    t.skip(`${VECTORS} does not exist yet`);
    return;
  }
  const doc = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  assert.equal(doc.canonical_version, 1);
  assert.ok(doc.vectors.length > 0, 'no vectors');
  let idiomatic = 0;
  for (const v of doc.vectors) {
    await t.test(`vector ${v.name}`, () => {
      const Key = keyClass(v.kind);
      const raw = Key.fromJSON(v.service_name, v.params_json);
      assert.equal(raw.kind, v.kind);
      assert.equal(raw.canonical, v.canonical);
      assert.equal(raw.fingerprint, v.fingerprint);
      assert.equal(raw.label, v.label);
      if (v.host_roundtrip) {
        idiomatic++;
        const params = v.params_json === null ? undefined : JSON.parse(v.params_json);
        const key = new Key(v.service_name, params);
        assert.equal(key.canonical, v.canonical);
        assert.equal(key.fingerprint, v.fingerprint);
        assert.equal(key.label, v.label);
        assert.ok(key.equals(raw));
      }
    });
  }
  assert.ok(idiomatic > 0, 'no host_roundtrip vector went through the idiomatic constructor');
  for (const e of doc.errors || []) {
    await t.test(`error vector ${e.name}`, () => {
      const Key = keyClass(e.kind);
      const family = e.kind === 'resource' ? ResourceCacheError : ClientCacheError;
      assert.throws(() => Key.fromJSON(e.service_name, e.params_json), (err) => {
        assert.ok(err instanceof family, `${err.name} is not a ${family.name}`);
        assert.equal(err.status, e.status);
        assert.equal(err.code, `ERR_CLIENTCACHE_${e.status}`);
        assert.ok(err.message.includes(e.message_contains), `"${err.message}" lacks "${e.message_contains}"`);
        return true;
      });
    });
  }
});

test('the demo key: fingerprint, label, canonical, kind; secrets never shown', () => {
  const key = new ClientCacheKey('s3', DEMO);
  assert.match(key.fingerprint, /^[0-9a-f]{32}$/);
  assert.equal(key.label,
    's3(aws_access_key_id=***, aws_secret_access_key=***, config={"retries":{"max_attempts":3,"mode":"standard"}}, region_name="us-west-2")');
  assert.equal(key.kind, 'client');
  assert.equal(String(key), key.label);
  assert.equal(`${key}`, key.label);
  assert.equal(util.inspect(key), key.label);
  assert.equal(util.inspect({ nested: key }, { breakLength: Infinity }), `{ nested: ${key.label} }`);
  const canonical = JSON.parse(key.canonical);
  assert.deepEqual(Object.keys(canonical), ['kind', 'params', 'service_name', 'version']);
  assert.match(canonical.params.aws_secret_access_key, /^sha256:[0-9a-f]{64}$/);
  for (const text of [key.label, key.canonical, util.inspect(key), String(key), JSON.stringify(key)]) {
    assert.ok(!text.includes(SECRET) && !text.includes(ACCESS), `secret leaked in ${text}`);
  }
  assert.ok(key instanceof CacheKey);
  assert.equal(Object.keys(key).length, 0, 'no enumerable state on a key');
});

test('identity: spelling does not matter, values do', () => {
  const a = new ClientCacheKey('s3', { region_name: 'us-west-2', config: { b: 1, a: [1, 2] } });
  const b = new ClientCacheKey('s3', { config: { a: [1, 2], b: 1 }, region_name: 'us-west-2' });
  assert.ok(a.equals(b));
  assert.equal(a.fingerprint, b.fingerprint);
  // undefined members are absent; a top-level null is absent; {} and no params are the same key
  assert.ok(new ClientCacheKey('s3', { region_name: 'x', profile_name: undefined })
    .equals(new ClientCacheKey('s3', { region_name: 'x', profile_name: null })));
  assert.ok(new ClientCacheKey('s3').equals(new ClientCacheKey('s3', {})));
  assert.ok(new ClientCacheKey('s3', null).equals(new ClientCacheKey('s3', { region_name: null })));
  assert.equal(new ClientCacheKey('s3').label, 's3()');
  // 5.0 ≡ 5 (JS cannot even spell the difference; the raw JSON path can)
  assert.ok(ClientCacheKey.fromJSON('s3', '{"config":{"n":5.0}}').equals(new ClientCacheKey('s3', { config: { n: 5 } })));
  // array order matters, nested nulls are kept, kind matters
  assert.ok(!new ClientCacheKey('s3', { config: { a: [1, 2] } }).equals(new ClientCacheKey('s3', { config: { a: [2, 1] } })));
  assert.ok(!new ClientCacheKey('s3', { config: { a: null } }).equals(new ClientCacheKey('s3', { config: {} })));
  assert.ok(!new ClientCacheKey('s3').equals(new ResourceCacheKey('s3')));
  assert.ok(!new ClientCacheKey('s3').equals(new ClientCacheKey('sqs')));
  assert.ok(!new ClientCacheKey('s3').equals({}));
  assert.ok(!new ClientCacheKey('s3').equals(null));
  // a secret compares by value without being stored
  assert.ok(new ClientCacheKey('s3', { aws_session_token: 't1' }).equals(new ClientCacheKey('s3', { aws_session_token: 't1' })));
  assert.ok(!new ClientCacheKey('s3', { aws_session_token: 't1' }).equals(new ClientCacheKey('s3', { aws_session_token: 't2' })));
});

test('fromJSON takes text or bytes verbatim; null means no params', () => {
  const text = '{"region_name":"eu-west-1"}';
  const a = ClientCacheKey.fromJSON('s3', text);
  const b = ClientCacheKey.fromJSON('s3', Buffer.from(text));
  const c = ClientCacheKey.fromJSON('s3', new TextEncoder().encode(text));
  assert.ok(a.equals(b) && b.equals(c));
  assert.ok(a instanceof ClientCacheKey);
  assert.ok(ClientCacheKey.fromJSON('s3', null).equals(new ClientCacheKey('s3')));
  const r = ResourceCacheKey.fromJSON('dynamodb', '{}');
  assert.ok(r instanceof ResourceCacheKey);
  assert.equal(r.kind, 'resource');
  assert.equal(r.label, 'dynamodb()');
});

function throwsTyped(fn, family, status, fragment) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof family, `expected ${family.name}, got ${err && err.name}: ${err && err.message}`);
    assert.ok(err instanceof CacheError);
    assert.equal(err.status, status);
    assert.equal(err.code, `ERR_CLIENTCACHE_${status}`);
    if (fragment) assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
    assert.ok(!err.message.includes(SECRET), 'secret in an error message');
    return true;
  });
}

test('bad keys are typed errors that name the problem', () => {
  const INVALID = 'INVALID_ARGUMENT';
  throwsTyped(() => new ClientCacheKey(), ClientCacheError, INVALID, 'serviceName');
  throwsTyped(() => new ClientCacheKey(42), ClientCacheError, INVALID, 'serviceName');
  throwsTyped(() => new ResourceCacheKey({}), ResourceCacheError, INVALID, 'serviceName');
  for (const bad of ['', 'S3', '3s', 's3!', 'a'.repeat(65), 's 3', 'ünï']) {
    throwsTyped(() => new ClientCacheKey(bad), ClientCacheError, INVALID);
  }
  throwsTyped(() => new ClientCacheKey('s3', { regionName: 'x' }), ClientCacheError, INVALID, 'regionName');
  throwsTyped(() => new ClientCacheKey('s3', { region_name: 'x', aws_secret_access_key: SECRET, bogus: 1 }), ClientCacheError, INVALID, 'bogus');
  throwsTyped(() => new ClientCacheKey('s3', { config: { n: NaN } }), ClientCacheError, INVALID, 'config.n');
  throwsTyped(() => new ClientCacheKey('s3', { config: { n: Infinity } }), ClientCacheError, INVALID, 'config.n');
  throwsTyped(() => new ClientCacheKey('s3', { config: { retryStrategy() {} } }), ClientCacheError, INVALID, 'config.retryStrategy');
  throwsTyped(() => new ClientCacheKey('s3', { config: { a: [1, undefined] } }), ClientCacheError, INVALID, 'config.a[1]');
  throwsTyped(() => new ClientCacheKey('s3', { config: { when: new Date(0) } }), ClientCacheError, INVALID, 'Date');
  throwsTyped(() => new ClientCacheKey('s3', { config: { m: new Map() } }), ClientCacheError, INVALID, 'config.m');
  // a BigInt is written exactly; the core judges its range
  assert.ok(new ClientCacheKey('s3', { config: { big: 10n } }).equals(new ClientCacheKey('s3', { config: { big: 10 } })));
  throwsTyped(() => new ClientCacheKey('s3', { config: { big: 2n ** 60n } }), ClientCacheError, INVALID, 'config.big');
  throwsTyped(() => new ClientCacheKey('s3', { config: { s: Symbol('x') } }), ClientCacheError, INVALID, 'symbol');
  throwsTyped(() => new ClientCacheKey('s3', { config: { n: 2 ** 53 } }), ClientCacheError, INVALID);
  throwsTyped(() => new ClientCacheKey('s3', { use_ssl: 'yes' }), ClientCacheError, INVALID, 'use_ssl');
  throwsTyped(() => new ClientCacheKey('s3', { region_name: 5 }), ClientCacheError, INVALID, 'region_name');
  const cyclic = {};
  cyclic.self = cyclic;
  throwsTyped(() => new ClientCacheKey('s3', { config: cyclic }), ClientCacheError, INVALID, 'config.self');
  throwsTyped(() => new ClientCacheKey('s3', [1]), ClientCacheError, INVALID, 'params');
  throwsTyped(() => new ClientCacheKey('s3', 'region'), ClientCacheError, INVALID, 'params');
  throwsTyped(() => new ResourceCacheKey('s3', { x: 1 }), ResourceCacheError, INVALID, 'x');
  // raw JSON: malformed, not an object, duplicate names, invalid UTF-8
  throwsTyped(() => ClientCacheKey.fromJSON('s3', '{'), ClientCacheError, INVALID);
  throwsTyped(() => ClientCacheKey.fromJSON('s3', '[]'), ClientCacheError, INVALID);
  throwsTyped(() => ClientCacheKey.fromJSON('s3', '{"region_name":"a","region_name":"b"}'), ClientCacheError, INVALID);
  throwsTyped(() => ClientCacheKey.fromJSON('s3', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), ClientCacheError, INVALID);
  throwsTyped(() => ClientCacheKey.fromJSON('s3', 42), ClientCacheError, INVALID, 'paramsJson');
  throwsTyped(() => ClientCacheKey.fromJSON(undefined, '{}'), ClientCacheError, INVALID, 'serviceName');
  assert.throws(() => new CacheKey(0, 's3'), TypeError);
  // the error classes are not interchangeable
  assert.ok(!(new ClientCacheError('x') instanceof ResourceCacheError));
  assert.ok(new ClientCacheExistsError('x') instanceof ClientCacheError);
  assert.equal(new ClientCacheNotFoundError('x').code, 'ERR_CLIENTCACHE_NOT_FOUND');
  assert.equal(new ClientCacheExistsError('x').name, 'ClientCacheExistsError');
});

test('keys are immutable values', () => {
  const key = new ClientCacheKey('s3', { region_name: 'us-east-1' });
  const before = key.fingerprint;
  assert.throws(() => { 'use strict'; key.fingerprint = 'x'; }, TypeError);
  assert.equal(key.fingerprint, before);
  const params = { region_name: 'us-east-1', config: { a: 1 } };
  const k2 = new ClientCacheKey('s3', params);
  params.config.a = 2;
  assert.equal(JSON.parse(k2.canonical).params.config.a, 1);
});
