'use strict';
// No printed form of a public object shows a secret: sessions (with their
// defaults), keys, caches and errors, through util.inspect (every option
// that matters), JSON.stringify, String(), template literals and console.log.
const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const { Writable } = require('node:stream');
const { Console } = require('node:console');
const {
  Session, ClientCacheKey, ResourceCacheKey, ClientCache, ResourceCache, clientKey,
  ClientCacheError, ClientCacheNotFoundError, ClientCacheExistsError,
} = require('..');
const { fakeClient } = require('./helpers');

// Planted secrets: none may appear anywhere.
const AKID = 'AKIAPLANTEDKEYID0001';
const SECRET = 'planted/secret+key=0123456789abcdefXYZ';
const TOKEN = 'planted-session-token-FwoGZXIvYXdz';
const PLANTED = [AKID, SECRET, TOKEN];

function printedForms(value) {
  const out = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  const console = new Console({ stdout: stream, stderr: stream });
  console.log(value);
  console.log('%s %o %O %j', value, value, value, value);
  console.dir(value, { depth: Infinity, showHidden: true });
  console.error(value);
  console.log({ nested: [value] });
  return [
    ...out,
    util.inspect(value),
    util.inspect(value, { depth: Infinity, showHidden: true }),
    util.inspect(value, { depth: Infinity, showHidden: true, getters: true, showProxy: true }),
    util.inspect({ wrapped: { deeper: value } }, { depth: Infinity, showHidden: true }),
    util.format('%s|%o|%O|%j|%d', value, value, value, value, value),
    JSON.stringify(value),
    JSON.stringify({ value }),
    String(value),
    `${value}`,
    value.toString(),
  ];
}

function assertClean(name, value) {
  for (const text of printedForms(value)) {
    assert.equal(typeof text, 'string');
    for (const secret of PLANTED) {
      assert.ok(!text.includes(secret), `${name} leaks a planted secret in: ${text.slice(0, 400)}`);
    }
  }
}

const CREDS = { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: TOKEN };

test('sessions, keys, caches and errors never print a secret', () => {
  const session = new Session({ region: 'us-west-2', credentials: CREDS });
  assertClean('Session (no caches yet)', session);
  session.key('s3', { maxAttempts: 2 });
  session.client('s3'); // builds an S3Client (no network) and caches it
  session.client('s3', {}, { evictionPolicy: 'LFU' });
  assertClean('Session (with caches)', session);
  assert.match(String(session), /^Session\(aws_access_key_id=\*\*\*, aws_secret_access_key=\*\*\*, aws_session_token=\*\*\*, region_name="us-west-2"\)$/);
  assert.match(util.inspect(session), /ClientCache \{ size: 1/);

  const key = session.key('s3');
  assertClean('ClientCacheKey', key);
  assert.deepEqual(JSON.parse(JSON.stringify(key)), { kind: 'client', fingerprint: key.fingerprint, label: key.label });
  const low = new ClientCacheKey('s3', { aws_access_key_id: AKID, aws_secret_access_key: SECRET, aws_session_token: TOKEN });
  assertClean('ClientCacheKey (explicit)', low);
  assertClean('ResourceCacheKey', new ResourceCacheKey('dynamodb', { aws_secret_access_key: SECRET }));
  assertClean('ClientCacheKey.fromJSON', ClientCacheKey.fromJSON('s3', JSON.stringify({ aws_session_token: TOKEN })));

  const cache = session.cache();
  assertClean('ClientCache (holding an S3Client built with the secrets)', cache);
  assert.deepEqual(JSON.parse(JSON.stringify(cache)), { type: 'ClientCache', size: 1, maxSize: 10, evictionPolicy: 'LRU' });
  const own = new ClientCache({ maxSize: 2 });
  own.set(low, fakeClient(SECRET));
  assertClean('ClientCache (explicit)', own);
  const resources = new ResourceCache();
  resources.set(new ResourceCacheKey('dynamodb', { aws_secret_access_key: SECRET }), { secret: SECRET });
  assertClean('ResourceCache', resources);
  assertClean('a cache copy', own.copy());
  assertClean('keys of a snapshot', [...own.keys()]);
});

test('errors about keys with secrets never print them', () => {
  const cache = new ClientCache();
  const key = new ClientCacheKey('s3', { aws_secret_access_key: SECRET, aws_session_token: TOKEN });
  const errors = [];
  const collect = (fn) => {
    try {
      fn();
    } catch (err) {
      errors.push(err);
      return;
    }
    assert.fail('no error');
  };
  collect(() => cache.getOrThrow(key));
  collect(() => cache.delete(key));
  cache.set(key, fakeClient(1));
  collect(() => cache.set(key, fakeClient(2)));
  collect(() => new ClientCacheKey('s3', { aws_secret_access_key: SECRET, bogus: 1 }));
  collect(() => new ClientCacheKey('s3', { aws_secret_access_key: `${SECRET}\ud800` }));
  collect(() => new ClientCacheKey('s3', { aws_secret_access_key: SECRET, config: { n: NaN } }));
  collect(() => ClientCacheKey.fromJSON('s3', `{"aws_secret_access_key":"${SECRET}",}`)); // malformed
  collect(() => ClientCacheKey.fromJSON('s3', `{"aws_secret_access_key":"${SECRET}","aws_secret_access_key":"${TOKEN}"}`));
  collect(() => ClientCacheKey.fromJSON('s3', `{"aws_session_token":"${TOKEN}\ud800"}`));
  collect(() => ClientCacheKey.fromJSON('s3', `{"aws_session_token":"${TOKEN}\ud800"`));
  collect(() => clientKey('s3', { credentials: { accessKeyId: AKID, secretAccessKey: 42 } }));
  collect(() => clientKey('s3', { credentials: { ...CREDS, secret: SECRET } }));
  collect(() => new Session({ credentials: { ...CREDS, sessionToken: `${TOKEN}\udfff` } }));
  collect(() => new Session({ credentials: CREDS }).key('S3'));
  assert.ok(errors[0] instanceof ClientCacheNotFoundError && errors[2] instanceof ClientCacheExistsError);
  for (const err of errors) {
    assert.ok(err instanceof ClientCacheError, `${err.name}: ${err.message}`);
    assertClean(`${err.name} (${err.message.slice(0, 60)})`, err);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(err))), ['name', 'code', 'status', 'message']);
    assert.match(util.inspect(err), new RegExp(`code: '${err.code}'`));
  }
});
