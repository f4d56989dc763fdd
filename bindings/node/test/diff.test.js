'use strict';
// key.diff(other): the core's list of differing paths (clientcache_key_diff),
// parsed, with secrets as '***'.
const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { ClientCacheKey, ResourceCacheKey, ClientCacheError, ResourceCacheError } = require('..');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('diff: equal keys give []', () => {
  const a = new ClientCacheKey('s3', { region_name: 'us-west-2', config: { b: 1, a: [1, 2] } });
  const b = new ClientCacheKey('s3', { config: { a: [1, 2], b: 1 }, region_name: 'us-west-2' });
  assert.deepEqual(a.diff(b), []);
  assert.deepEqual(a.diff(a), []);
  assert.deepEqual(new ClientCacheKey('s3').diff(ClientCacheKey.fromJSON('s3', '{"region_name":null}')), []);
});

test('diff: one entry per differing path, left = this key, right = the other', () => {
  const west = new ClientCacheKey('s3', { region_name: 'us-west-2' });
  const eu = new ClientCacheKey('s3', { region_name: 'eu-west-1' });
  assert.deepEqual(west.diff(eu), [{ path: 'region_name', left: 'us-west-2', right: 'eu-west-1' }]);
  assert.deepEqual(eu.diff(west), [{ path: 'region_name', left: 'eu-west-1', right: 'us-west-2' }]);

  // a path absent on one side: that side is undefined
  const withProfile = new ClientCacheKey('s3', { region_name: 'us-west-2', profile_name: 'dev' });
  const [entry] = west.diff(withProfile);
  assert.deepEqual(entry, { path: 'profile_name', left: undefined, right: 'dev' });
  assert.ok('left' in entry && entry.left === undefined);
  assert.deepEqual(withProfile.diff(west), [{ path: 'profile_name', left: 'dev', right: undefined }]);

  // nested: .member and [i] paths, parsed values (numbers, booleans, null, objects)
  const a = new ClientCacheKey('s3', { config: { retries: { mode: 'standard', total_max_attempts: 3 }, order: [1, 2, 3], flag: null } });
  const b = new ClientCacheKey('s3', { config: { retries: { mode: 'adaptive', total_max_attempts: 3 }, order: [1, 5, 3], flag: true } });
  const d = a.diff(b);
  const byPath = Object.fromEntries(d.map((e) => [e.path, e]));
  assert.deepEqual(byPath['config.retries.mode'], { path: 'config.retries.mode', left: 'standard', right: 'adaptive' });
  assert.deepEqual(byPath['config.order[1]'], { path: 'config.order[1]', left: 2, right: 5 });
  assert.deepEqual(byPath['config.flag'], { path: 'config.flag', left: null, right: true });
  assert.equal(d.length, 3, util.inspect(d));
  for (const e of d) assert.deepEqual(Object.keys(e), ['path', 'left', 'right']);

  // service name and kind come first
  const sqs = new ClientCacheKey('sqs', { region_name: 'eu-west-1' });
  assert.deepEqual(west.diff(sqs).map((e) => e.path), ['service_name', 'region_name']);
  assert.deepEqual(west.diff(sqs)[0], { path: 'service_name', left: 's3', right: 'sqs' });
  const r = new ResourceCacheKey('s3', { region_name: 'us-west-2' });
  assert.deepEqual(west.diff(r), [{ path: 'kind', left: 'client', right: 'resource' }]);
  assert.deepEqual(r.diff(west), [{ path: 'kind', left: 'resource', right: 'client' }]);
});

test('diff: secrets are "***", never their text or digest', () => {
  const a = new ClientCacheKey('s3', { aws_access_key_id: 'AKIA1', aws_secret_access_key: SECRET });
  const b = new ClientCacheKey('s3', { aws_access_key_id: 'AKIA1', aws_secret_access_key: `${SECRET}2`, aws_session_token: 'planted-token-xyz' });
  const d = a.diff(b);
  assert.deepEqual(d, [
    { path: 'aws_secret_access_key', left: '***', right: '***' },
    { path: 'aws_session_token', left: undefined, right: '***' },
  ]);
  const text = JSON.stringify(d) + util.inspect(d, { depth: Infinity });
  assert.ok(!text.includes(SECRET) && !text.includes('sha256:') && !text.includes('planted-token-xyz'), text);
});

test('diff: long keys (the core reports the needed length; the addon retries)', () => {
  const long = 'é'.repeat(3000);
  const a = new ClientCacheKey('s3', { config: { long, n: 1 } });
  const b = new ClientCacheKey('s3', { config: { long: `${long}!`, n: 1 } });
  assert.deepEqual(a.diff(b), [{ path: 'config.long', left: long, right: `${long}!` }]);
});

test('diff: the other side must be a key', () => {
  const key = new ClientCacheKey('s3');
  for (const bad of [undefined, null, 's3', {}, Object.create(ClientCacheKey.prototype)]) {
    assert.throws(() => key.diff(bad), (err) => err instanceof ClientCacheError &&
      err.code === 'ERR_CLIENTCACHE_INVALID_ARGUMENT' && /diff\(\)/.test(err.message));
  }
  assert.throws(() => new ResourceCacheKey('s3').diff(42), ResourceCacheError);
});
