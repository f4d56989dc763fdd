'use strict';
// Session defaults, Session.key(), instance identity and the key memo: the
// memo may only ever return the key of exactly the configuration it is given.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Session, ClientCacheKey, clientKey, sdkConfigToParams } = require('..');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The key the memo returns must equal a key built from scratch, every time. */
function fresh(serviceName, config) {
  return clientKey(serviceName, config);
}

test('Session.key: defaults merged under the call, option by option; undefined is not given', () => {
  const session = new Session({ region: 'us-east-1', maxAttempts: 5, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  const both = { region: 'us-east-1', maxAttempts: 5, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } };
  assert.ok(session.key('s3').equals(fresh('s3', both)));
  assert.ok(session.key('s3', {}).equals(fresh('s3', both)));
  assert.ok(session.key('s3', { region: 'eu-west-1' }).equals(fresh('s3', { ...both, region: 'eu-west-1' })), 'the call wins');
  assert.ok(session.key('s3', { region: undefined }).equals(fresh('s3', both)), 'undefined does not erase a default');
  assert.ok(session.key('s3', { retryMode: 'standard' }).equals(fresh('s3', { ...both, retryMode: 'standard' })));
  assert.ok(session.key('s3', { credentials: { accessKeyId: 'X', secretAccessKey: 'Y' } })
    .equals(fresh('s3', { ...both, credentials: { accessKeyId: 'X', secretAccessKey: 'Y' } })), 'whole options, not merged inside');
  assert.ok(new Session().key('s3', { region: 'x' }).equals(clientKey('s3', { region: 'x' })));
  assert.ok(session.key('dynamodb').equals(fresh('dynamodb', both)));
  // the defaults are copied at construction: adding an option later changes nothing
  const defaults = { region: 'ap-south-1' };
  const s2 = new Session(defaults);
  defaults.profile = 'dev';
  assert.ok(s2.key('s3').equals(clientKey('s3', { region: 'ap-south-1' })));
});

test('the memo never returns a key for a differing configuration', () => {
  const session = new Session({ region: 'us-west-2' });
  // the same object, mutated between calls (a memo keyed by object would go stale)
  const cfg = { maxAttempts: 2, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } };
  const k1 = session.key('s3', cfg);
  cfg.maxAttempts = 3;
  const k2 = session.key('s3', cfg);
  assert.ok(!k1.equals(k2));
  assert.ok(k2.equals(fresh('s3', { region: 'us-west-2', ...cfg })));
  cfg.credentials.secretAccessKey = 'rotated';
  const k3 = session.key('s3', cfg);
  assert.ok(!k3.equals(k2), 'a nested change (a rotated secret) is seen');
  // services do not share memo entries
  assert.equal(session.key('sqs', cfg).fingerprint, fresh('sqs', { region: 'us-west-2', ...cfg }).fingerprint);
  assert.notEqual(session.key('sqs', cfg).fingerprint, session.key('s3', cfg).fingerprint);
  // values that look alike in a lossy text form stay apart
  const pairs = [
    [{ extra: 1 }, { extra: '1' }],
    [{ extra: [1, 2] }, { extra: '[1,2]' }],
    [{ extra: null }, {}],
    [{ useFipsEndpoint: false }, {}],
    [{ extra: { a: 1 } }, { extra: { a: 1, b: null } }],
  ];
  // a string that looks like an instance marker cannot stand in for an object
  const fn = () => {};
  const marker = sdkConfigToParams({ extra: fn }).config.extra;
  for (const where of [{ extra: marker }, { credential_provider: marker }, { requestHandler: { httpsAgent: marker } }]) {
    assert.throws(() => session.key('s3', where), /instance:<n>/);
  }
  for (const [a, b] of pairs) {
    const ka = session.key('s3', a);
    const kb = session.key('s3', b);
    assert.ok(!ka.equals(kb), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    assert.ok(session.key('s3', a).equals(ka) && session.key('s3', b).equals(kb));
  }
  // beyond the memo's bound (256 entries) everything still agrees with a fresh key
  for (let i = 0; i < 600; i++) {
    const c = { maxAttempts: i % 300 };
    assert.equal(session.key('s3', c).fingerprint, fresh('s3', { region: 'us-west-2', ...c }).fingerprint, `round ${i}`);
  }
});

test('instance options: the same object shares a key, another object never does', () => {
  const session = new Session({ region: 'us-east-1' });
  const provider = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const twin = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const kp = session.key('s3', { credentials: provider });
  assert.ok(session.key('s3', { credentials: provider }).equals(kp));
  assert.ok(!session.key('s3', { credentials: twin }).equals(kp), 'an identical-looking provider is another instance');
  assert.ok(session.key('s3', { credentials: provider }).equals(kp), 'and the first is still itself');
  // fresh objects per call: never a memo hit, never a shared key
  const seen = new Set();
  for (let i = 0; i < 300; i++) {
    const fp = session.key('s3', { logger: { info() {} } }).fingerprint;
    assert.ok(!seen.has(fp), `a fresh logger object reused a key (round ${i})`);
    seen.add(fp);
  }
  // instance numbers are never reused, even after the objects are gone
  const markers = new Set();
  for (let i = 0; i < 1000; i++) markers.add(sdkConfigToParams({ requestHandler: new (class H {})() }).config.requestHandler);
  assert.equal(markers.size, 1000);
  // a session default that is an instance is the same instance on every call
  const handler = new (class NodeHttpHandler {})();
  const s2 = new Session({ requestHandler: handler });
  assert.ok(s2.key('s3').equals(s2.key('s3', {})));
  assert.ok(s2.key('s3').equals(clientKey('s3', { requestHandler: handler })));
  assert.ok(!s2.key('s3').equals(clientKey('s3', { requestHandler: new (class NodeHttpHandler {})() })));
});

test('Session.client: the memo and the cache agree with Session.key', () => {
  const session = new Session({ region: 'eu-central-1' });
  const provider = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const a = session.client('s3', { credentials: provider });
  assert.equal(session.client('s3', { credentials: provider }), a);
  const b = session.client('s3', { credentials: async () => ({ accessKeyId: 'a', secretAccessKey: SECRET }) });
  assert.notEqual(b, a);
  assert.equal(session.cache().get(session.key('s3', { credentials: provider })), a);
  assert.equal(session.cache().size, 2);
});
