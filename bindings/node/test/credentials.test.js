'use strict';
// Sessions and credentials: a client built from static temporary credentials
// leaves its cache a refresh margin before they expire (injected clock, no
// sleeps); providers do not expire; a session-wide ttl; and real SDK traffic
// against a stub S3 on 127.0.0.1 that answers 403 ExpiredToken: the cached
// client is removed (only if still cached), the caller gets the original
// error, and invalidateOnAuthError: false opts out.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { ListObjectsV2Command } = require('@aws-sdk/client-s3');
const { Session, ClientCacheError, credentialErrorNames } = require('..');

const MIN = 60_000;

function manualClock() {
  let now = 1n;
  const clock = () => now;
  clock.advance = (ms) => { now += BigInt(Math.round(ms * 1e6)); };
  return clock;
}

function temporary(expiresInMs, token = 'token-1') {
  return {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'example-secret',
    sessionToken: token,
    expiration: new Date(Date.now() + expiresInMs),
  };
}

test('static temporary credentials: the client expires a refresh margin (default 5 min) before they do', () => {
  const clock = manualClock();
  const reasons = [];
  const session = new Session({ region: 'us-east-1' }, { clock, dispose: (c, k, reason) => reasons.push(reason) });
  const cfg = { credentials: temporary(10 * MIN) };
  const first = session.client('s3', cfg);
  clock.advance(4 * MIN);
  assert.equal(session.client('s3', cfg), first, 'cached while more than the margin is left');
  clock.advance(1 * MIN + 1000);
  const second = session.client('s3', cfg);
  assert.notEqual(second, first, 'rebuilt once inside the margin');
  assert.deepEqual(reasons, ['expire']);
  assert.equal(session.cache().stats().expirations, 1);
  session.close();
});

test('credentialRefreshMarginMs is configurable; credentials already inside it give a client that expires at once', () => {
  const clock = manualClock();
  const session = new Session({ region: 'us-east-1' }, { clock, credentialRefreshMarginMs: 30_000 });
  const cfg = { credentials: temporary(60_000) };
  const first = session.client('s3', cfg);
  clock.advance(29_000);
  assert.equal(session.client('s3', cfg), first);
  clock.advance(1_100);
  assert.notEqual(session.client('s3', cfg), first);

  const late = { credentials: temporary(10_000, 'token-2') }; // 10 s left, margin 30 s
  const a = session.client('s3', late);
  clock.advance(1);
  assert.notEqual(session.client('s3', late), a, 'no lifetime left: every call builds');
  session.close();
});

test('expiration is not identity; providers do not expire; a session ttl bounds every client', () => {
  const clock = manualClock();
  const session = new Session({ region: 'us-east-1' }, { clock });
  const a = temporary(10 * MIN);
  const b = { ...a, expiration: new Date(Date.now() + 60 * MIN) };
  assert.ok(session.key('s3', { credentials: a }).equals(session.key('s3', { credentials: b })));
  const provider = async () => temporary(10 * MIN);
  const fromProvider = session.client('s3', { credentials: provider });
  clock.advance(365 * 24 * 60 * MIN);
  assert.equal(session.client('s3', { credentials: provider }), fromProvider, 'a refreshing provider: no expiry');
  session.close();

  const bounded = new Session({ region: 'us-east-1' }, { clock, ttl: MIN });
  const p = bounded.client('s3', { credentials: provider });
  const s = bounded.client('s3', { credentials: temporary(60 * MIN) });
  clock.advance(MIN - 1);
  assert.equal(bounded.client('s3', { credentials: provider }), p);
  clock.advance(1);
  assert.notEqual(bounded.client('s3', { credentials: provider }), p, 'the session ttl');
  assert.equal(bounded.cache().peek(bounded.key('s3', { credentials: temporary(60 * MIN) })), undefined,
    'the session ttl is shorter than expiration − margin');
  assert.notEqual(s, undefined);
  bounded.close();
});

test('session options are checked; a malformed expiration is an error', () => {
  const bad = (options, fragment) => assert.throws(() => new Session({}, options), (err) => {
    assert.ok(err instanceof ClientCacheError);
    assert.ok(err.message.includes(fragment), err.message);
    return true;
  });
  bad({ ttl: -1 }, 'ttl');
  bad({ credentialRefreshMarginMs: Infinity }, 'credentialRefreshMarginMs');
  bad({ invalidateOnAuthError: 'no' }, 'invalidateOnAuthError');
  bad({ dispose: 1 }, 'dispose');
  bad({ refreshMargin: 1 }, 'unknown session option');
  const session = new Session({ region: 'us-east-1' });
  assert.throws(() => session.client('s3', { credentials: { ...temporary(MIN), expiration: '2030-01-01' } }),
    /credentials\.expiration.*valid Date/);
  assert.throws(() => session.client('s3', { credentials: { ...temporary(MIN), expiration: new Date(NaN) } }),
    /invalid Date/);
  session.close();
});

// ---- real SDK traffic against a stub S3 ------------------------------------

/** An S3 stand-in on 127.0.0.1 that refuses every request with `code`. */
async function stubS3(code = 'ExpiredToken', status = 403) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'stub' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
        `<Message>refused by the stub</Message><RequestId>stub</RequestId></Error>`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    get requests() { return requests; },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function stubConfig(endpoint) {
  return {
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: temporary(60 * MIN),
  };
}

test('a call refused with ExpiredToken removes the cached client; the caller gets the original error', async () => {
  const stub = await stubS3('ExpiredToken');
  const reasons = [];
  const session = new Session({}, { dispose: (c, k, reason) => reasons.push(reason) });
  try {
    const cfg = stubConfig(stub.endpoint);
    const first = session.client('s3', cfg);
    assert.equal(session.client('s3', cfg), first);
    let caught;
    await first.send(new ListObjectsV2Command({ Bucket: 'b' })).catch((err) => { caught = err; });
    assert.ok(caught, 'the call failed');
    assert.equal(caught.name, 'ExpiredToken');
    assert.equal(caught.$metadata.httpStatusCode, 403);
    assert.equal(caught.message, 'refused by the stub');
    assert.ok(!(caught instanceof ClientCacheError), 'the SDK error itself, not a wrapper');
    assert.equal(stub.requests, 1);
    assert.deepEqual(reasons, ['delete']);
    const second = session.client('s3', cfg);
    assert.notEqual(second, first, 'the next client() builds a new client');
    // the old client failing again must not remove the new one
    await first.send(new ListObjectsV2Command({ Bucket: 'b' })).catch(() => {});
    assert.equal(session.client('s3', cfg), second, 'only the very client that failed is removed');
    assert.deepEqual(reasons, ['delete']);
  } finally {
    session.close();
    await stub.close();
  }
});

test('every documented credential error invalidates (HTTP 400, 401, 403); other errors and statuses do not', async () => {
  assert.ok(credentialErrorNames.includes('ExpiredToken'));
  assert.ok(Object.isFrozen(credentialErrorNames));
  assert.equal(credentialErrorNames.length, 9);
  const cases = [...credentialErrorNames.map((code) => [code, 403, true]),
    ['ExpiredToken', 400, true], ['InvalidClientTokenId', 401, true],
    ['ExpiredToken', 500, false], ['AccessDenied', 403, false], ['NoSuchBucket', 404, false]];
  for (const [code, status, expected] of cases) {
    const stub = await stubS3(code, status);
    const session = new Session();
    try {
      const cfg = stubConfig(stub.endpoint);
      const first = session.client('s3', cfg);
      const err = await first.send(new ListObjectsV2Command({ Bucket: 'b' })).then(() => undefined, (e) => e);
      assert.equal(err.name, code);
      assert.equal(session.client('s3', cfg) !== first, expected, `${code} (HTTP ${status}): invalidated = ${expected}`);
    } finally {
      session.close();
      await stub.close();
    }
  }
});

test('invalidateOnAuthError: false keeps the client; a closed session ignores the failure', async () => {
  const stub = await stubS3('ExpiredToken');
  const session = new Session({}, { invalidateOnAuthError: false });
  const closing = new Session();
  try {
    const cfg = stubConfig(stub.endpoint);
    const first = session.client('s3', cfg);
    const err = await first.send(new ListObjectsV2Command({ Bucket: 'b' })).then(() => undefined, (e) => e);
    assert.equal(err.name, 'ExpiredToken');
    assert.equal(session.client('s3', cfg), first, 'opted out: nothing is evicted');
    assert.equal(session.cache().stats().removals, 0);

    const c = closing.client('s3', cfg);
    closing.close();
    const err2 = await c.send(new ListObjectsV2Command({ Bucket: 'b' })).then(() => undefined, (e) => e);
    assert.equal(err2.name, 'ExpiredToken', 'the original error, even from a closed session');
  } finally {
    session.close();
    await stub.close();
  }
});
