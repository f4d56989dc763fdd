'use strict';
// No entry point rewrites input: what JSON cannot carry exactly is refused
// with an error naming the path (docs/identity.md, "Nothing is rewritten"),
// and params of any length and any script reach the core whole.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  ClientCacheKey, ResourceCacheKey, ClientCacheError, ResourceCacheError, Session, client, clientKey,
} = require('..');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function refused(fn, family, fragment) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof family, `expected ${family.name}, got ${err && err.name}: ${err && err.message}`);
    assert.equal(err.code, 'ERR_CLIENTCACHE_INVALID_ARGUMENT');
    assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
    assert.ok(!err.message.includes(SECRET), 'secret in an error message');
    assert.ok(!/\p{Surrogate}/u.test(err.message), 'the message itself is valid Unicode');
    return true;
  });
}

test('a lone surrogate anywhere is refused, naming the path (constructor)', () => {
  for (const [Key, family] of [[ClientCacheKey, ClientCacheError], [ResourceCacheKey, ResourceCacheError]]) {
    refused(() => new Key('s3', { region_name: 'us-\ud800east-1' }), family, '"region_name"');
    refused(() => new Key('s3', { aws_secret_access_key: `${SECRET}\udfff` }), family, '"aws_secret_access_key"');
    refused(() => new Key('s3', { config: { retries: { mode: '\udc00' } } }), family, '"config.retries.mode"');
    refused(() => new Key('s3', { config: { order: ['a', 'b', 'x\ud83d'] } }), family, '"config.order[2]"');
    refused(() => new Key('s3', { config: { deep: [{ list: [[{ s: '\ud83dx' }]] }] } }), family, '"config.deep[0].list[0][0].s"');
    // member names, at the top and nested (shown escaped in the message)
    refused(() => new Key('s3', { ['\ud800']: 1 }), family, 'member name');
    refused(() => new Key('s3', { config: { ['a\udc00']: 1 } }), family, 'config.a\\uDC00');
    refused(() => new Key('s3', { config: { x: { ['\ud800\ud800']: true } } }), family, 'config.x.');
    refused(() => new Key('s3\ud800'), family, 'serviceName');
  }
  // a well-formed pair is one character, not an error
  const emoji = new ClientCacheKey('s3', { config: { app: 'cache \ud83d\ude00' } });
  assert.ok(emoji.equals(ClientCacheKey.fromJSON('s3', '{"config":{"app":"cache 😀"}}')));
  assert.ok(emoji.label.includes('😀'));
});

test('fromJSON refuses a lone surrogate instead of turning it into U+FFFD', () => {
  refused(() => ClientCacheKey.fromJSON('s3', '{"region_name":"\ud800"}'), ClientCacheError, '"region_name"');
  refused(() => ClientCacheKey.fromJSON('s3', '{"config":{"a":[1,"\udfff"]}}'), ClientCacheError, '"config.a[1]"');
  refused(() => ClientCacheKey.fromJSON('s3', '{"config":{"\ud800":1}}'), ClientCacheError, 'member name');
  refused(() => ResourceCacheKey.fromJSON('s3', '{"config":{"a":"\ud800"}}'), ResourceCacheError, '"config.a"');
  // text that does not even parse: the index instead of the path
  refused(() => ClientCacheKey.fromJSON('s3', '{"config":{"a":"\ud800"'), ClientCacheError, 'index 16');
  refused(() => ClientCacheKey.fromJSON('s\udc003', '{}'), ClientCacheError, 'serviceName');
  // before the fix this was a valid key with "\ufffd" in it
  const replaced = ClientCacheKey.fromJSON('s3', '{"region_name":"\ufffd"}');
  assert.throws(() => ClientCacheKey.fromJSON('s3', '{"region_name":"\ud800"}'));
  assert.ok(replaced.label.includes('\ufffd'), 'U+FFFD itself is an ordinary character');
  // escapes are the core's business: a lone \u escape is its error
  assert.throws(() => ClientCacheKey.fromJSON('s3', '{"region_name":"\\ud800"}'), ClientCacheError);
});

test('members JSON would drop silently are refused', () => {
  refused(() => new ClientCacheKey('s3', { [Symbol('region_name')]: 'x' }), ClientCacheError, 'Symbol(region_name)');
  refused(() => new ClientCacheKey('s3', { config: { a: 1, [Symbol.iterator]: 2 } }), ClientCacheError, '"config"');
  const hidden = { a: 1 };
  Object.defineProperty(hidden, 'b', { value: 2, enumerable: false });
  refused(() => new ClientCacheKey('s3', { config: hidden }), ClientCacheError, '"b"');
  const arr = [1, 2];
  arr.extra = 3;
  refused(() => new ClientCacheKey('s3', { config: { arr } }), ClientCacheError, '"config.arr"');
  refused(() => new ClientCacheKey('s3', { config: { arr: [1, , 3] } }), ClientCacheError, '"config.arr[1]"'); // eslint-disable-line no-sparse-arrays
  refused(() => new ClientCacheKey('s3', { config: { toJSON() { return {}; } } }), ClientCacheError, '"config.toJSON"');
});

test('values with no exact JSON form are refused; BigInt is exact', () => {
  const cases = [
    [{ config: { f() {} } }, '"config.f"'],
    [{ config: { s: Symbol('s') } }, 'symbol'],
    [{ config: { n: NaN } }, '"config.n"'],
    [{ config: { n: -Infinity } }, '"config.n"'],
    [{ config: { d: new Date(0) } }, 'Date'],
    [{ config: { u: new URL('http://127.0.0.1') } }, 'URL'],
    [{ config: { b: Buffer.from('x') } }, 'Buffer'],
    [{ config: { s: new String('boxed') } }, 'String'], // eslint-disable-line no-new-wrappers
    [{ config: { m: new Map() } }, 'Map'],
    [{ config: { a: new (class Sub extends Array {})() } }, '"config.a"'],
    [{ config: { big: -(2n ** 53n) } }, '"config.big"'], // the core's range rule
    [{ config: { big: 2n ** 60n + 1n } }, 'BigInt'], // no double holds it
    [{ config: { big: 10n ** 400n } }, 'BigInt'], // would be Infinity
  ];
  for (const [params, fragment] of cases) refused(() => new ClientCacheKey('s3', params), ClientCacheError, fragment);
  const cyclic = { list: [] };
  cyclic.list.push(cyclic);
  refused(() => new ClientCacheKey('s3', { config: cyclic }), ClientCacheError, '"config.list[0]"');
  // shared (not cyclic) references are fine
  const shared = { a: 1 };
  assert.ok(new ClientCacheKey('s3', { config: { x: shared, y: shared } })
    .equals(new ClientCacheKey('s3', { config: { x: { a: 1 }, y: { a: 1 } } })));
  // BigInts within ±(2^53−1) are exact integers
  assert.ok(new ClientCacheKey('s3', { config: { n: 2n ** 53n - 1n } })
    .equals(ClientCacheKey.fromJSON('s3', '{"config":{"n":9007199254740991}}')));
  // Object.create(null) is plain data
  const bare = Object.create(null);
  bare.region_name = 'us-east-1';
  assert.ok(new ClientCacheKey('s3', bare).equals(new ClientCacheKey('s3', { region_name: 'us-east-1' })));
  // a getter is read once
  let reads = 0;
  const counted = { get mode() { reads++; return 'standard'; } };
  new ClientCacheKey('s3', { config: { retries: counted } }); // eslint-disable-line no-new
  assert.equal(reads, 1);
});

test('params of any length and any script reach the core whole', () => {
  const ua = 'a'.repeat(832) + ' ünïcode-app/1.0'.repeat(3);
  // the brief's reproduction: threw before (a 1023-byte copy taken for the whole text)
  const s3 = client('s3', { region: 'eu-west-1', customUserAgent: ua });
  assert.equal(client('s3', { region: 'eu-west-1', customUserAgent: ua }), s3);
  assert.equal(JSON.parse(clientKey('s3', { region: 'eu-west-1', customUserAgent: ua }).canonical)
    .params.config.user_agent_extra, ua);
  // the same shape at every length that puts a multi-byte character at the old buffer's edge
  for (let n = 800; n <= 1000; n++) {
    const text = 'a'.repeat(n) + ' ünïcode-app/1.0'.repeat(3);
    const key = clientKey('s3', { region: 'eu-west-1', customUserAgent: text });
    assert.equal(JSON.parse(key.canonical).params.config.user_agent_extra, text, `customUserAgent of ${n} + 48`);
  }
  // every length around the old 1024-byte buffer, with 1-, 2-, 3- and 4-byte characters at the edge
  for (const tail of ['x', 'é', '€', '😀']) {
    for (let n = 980; n <= 1040; n++) {
      const value = 'v'.repeat(n) + tail;
      const key = new ClientCacheKey('s3', { config: { v: value } });
      assert.equal(JSON.parse(key.canonical).params.config.v, value, `${n} + ${tail}`);
      const raw = ClientCacheKey.fromJSON('s3', JSON.stringify({ config: { v: value } }));
      assert.ok(raw.equals(key), `fromJSON ${n} + ${tail}`);
    }
  }
  // long: 1 MiB of multi-byte text, and a secret far past the old buffer
  const long = 'ü€😀'.repeat(150_000);
  const big = new ClientCacheKey('s3', { config: { long }, aws_secret_access_key: `${long}${SECRET}` });
  assert.equal(JSON.parse(big.canonical).params.config.long, long);
  assert.ok(!big.canonical.includes(SECRET) && !big.label.includes(SECRET));
  assert.ok(!big.equals(new ClientCacheKey('s3', { config: { long }, aws_secret_access_key: `${long}x` })));
  assert.ok(big.equals(ClientCacheKey.fromJSON('s3', Buffer.from(JSON.stringify({ config: { long }, aws_secret_access_key: `${long}${SECRET}` })))));
  // through a session too
  const session = new Session({ customUserAgent: ua });
  assert.equal(session.key('s3', { userAgentAppId: 'ü'.repeat(600) }).label.includes('ü'.repeat(600)), true);
});
