'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');
const {
  client, Session, sdkConfigToParams, clientKey, ClientCacheError, ClientCacheKey, getDefaultSession,
} = require('..');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function throwsNaming(fn, fragment) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof ClientCacheError, `${err && err.name}: ${err && err.message}`);
    assert.equal(err.code, 'ERR_CLIENTCACHE_INVALID_ARGUMENT');
    assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
    assert.ok(!err.message.includes(SECRET));
    return true;
  });
}

test('SDK option names map onto the key vocabulary (docs/identity.md, "SDK options")', () => {
  assert.deepEqual(sdkConfigToParams({
    region: 'us-west-2',
    endpoint: 'http://127.0.0.1:9000',
    profile: 'dev',
    credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 'tok' },
    forcePathStyle: true,
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 1234, requestTimeout: 30000, keepAlive: true },
    useFipsEndpoint: false,
    useDualstackEndpoint: true,
    userAgentAppId: 'billing/2',
    customUserAgent: 'my-app/1.0',
    tls: false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    disableHostPrefix: undefined,
  }), {
    region_name: 'us-west-2',
    endpoint_url: 'http://127.0.0.1:9000',
    profile_name: 'dev',
    aws_access_key_id: 'AKID',
    aws_secret_access_key: SECRET,
    aws_session_token: 'tok',
    use_ssl: false,
    config: {
      s3: { addressing_style: 'path' },
      retries: { total_max_attempts: 3, mode: 'standard' },
      connect_timeout: 1.234,
      read_timeout: 30,
      requestHandler: { keepAlive: true },
      use_fips_endpoint: false,
      use_dualstack_endpoint: true,
      user_agent_appid: 'billing/2',
      user_agent_extra: 'my-app/1.0',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    },
  });
  assert.deepEqual(sdkConfigToParams(), {});
  assert.deepEqual(sdkConfigToParams({ forcePathStyle: false }), {}, 'forcePathStyle: false adds nothing');
  assert.deepEqual(sdkConfigToParams({ region: null, maxAttempts: null }), {}, 'null is "not given"');
  assert.deepEqual(sdkConfigToParams({ customUserAgent: [['app', '1.0']] }), { config: { customUserAgent: [['app', '1.0']] } });
  // credential metadata is not identity
  assert.deepEqual(sdkConfigToParams({
    credentials: {
      accessKeyId: 'a', secretAccessKey: 'b', expiration: new Date(0), credentialScope: 'us-east-1',
      accountId: '123456789012', $source: { CREDENTIALS_CODE: 'e' },
    },
  }), { aws_access_key_id: 'a', aws_secret_access_key: 'b' });
  const key = clientKey('s3', { region: 'us-west-2', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  assert.equal(key.label, 's3(aws_access_key_id=***, aws_secret_access_key=***, region_name="us-west-2")');
  assert.ok(key.equals(new ClientCacheKey('s3', { region_name: 'us-west-2', aws_access_key_id: 'AKID', aws_secret_access_key: SECRET })));
});

test('objects rather than data are identified by instance', () => {
  const provider = async () => ({ accessKeyId: 'a', secretAccessKey: SECRET });
  const marker = (params, ...path) => path.reduce((v, name) => v[name], params);
  const p1 = sdkConfigToParams({ credentials: provider });
  assert.match(marker(p1, 'config', 'credential_provider'), /^instance:\d+$/);
  assert.deepEqual(sdkConfigToParams({ credentials: provider }), p1, 'the same object, the same number');
  assert.notEqual(marker(sdkConfigToParams({ credentials: async () => ({}) }), 'config', 'credential_provider'),
    marker(p1, 'config', 'credential_provider'), 'an equal-looking provider is another instance');
  class NodeHttpHandler { handle() {} }
  const handler = new NodeHttpHandler();
  assert.match(marker(sdkConfigToParams({ requestHandler: handler }), 'config', 'requestHandler'), /^instance:\d+$/);
  const agent = new (require('node:https').Agent)();
  const withAgent = sdkConfigToParams({ requestHandler: { requestTimeout: 500, httpsAgent: agent } });
  assert.equal(withAgent.config.read_timeout, 0.5);
  assert.match(withAgent.config.requestHandler.httpsAgent, /^instance:\d+$/);
  for (const [name, value] of [
    ['logger', console],
    ['logger', { debug() {}, info() {}, warn() {}, error() {} }],
    ['retryStrategy', { acquireInitialRetryToken() {} }],
    ['region', async () => 'us-east-1'],
    ['maxAttempts', async () => 3],
    ['endpoint', new URL('http://127.0.0.1:9000')],
    ['endpoint', async () => ({ url: new URL('http://127.0.0.1') })],
    ['useFipsEndpoint', async () => true],
  ]) {
    const params = sdkConfigToParams({ [name]: value });
    assert.deepEqual(Object.keys(params), ['config'], name);
    assert.match(params.config[name], /^instance:\d+$/, name);
    assert.equal(sdkConfigToParams({ [name]: value }).config[name], params.config[name], `${name}: stable`);
  }
  // keys: same instance → same key; another instance → another key
  assert.ok(clientKey('s3', { credentials: provider }).equals(clientKey('s3', { credentials: provider })));
  assert.ok(!clientKey('s3', { credentials: provider }).equals(clientKey('s3', { credentials: async () => ({}) })));
  assert.ok(!clientKey('s3', { requestHandler: handler }).equals(clientKey('s3', { requestHandler: new NodeHttpHandler() })));
});

test('what cannot be carried exactly is a ClientCacheError naming the option', () => {
  throwsNaming(() => clientKey('s3', { region: 5 }), 'region');
  throwsNaming(() => clientKey('s3', { region: '\ud800' }), 'region');
  throwsNaming(() => clientKey('s3', { credentials: { accessKeyId: 42 } }), 'credentials.accessKeyId');
  throwsNaming(() => clientKey('s3', { credentials: { accessKeyId: 'a', secretAccessKey: `${SECRET}\udc00` } }), 'credentials.secretAccessKey');
  throwsNaming(() => clientKey('s3', { credentials: { accessKeyId: 'a', secretKey: SECRET } }), 'credentials.secretKey');
  throwsNaming(() => clientKey('s3', { requestHandler: { connectionTimeout: '1000' } }), 'requestHandler.connectionTimeout');
  throwsNaming(() => clientKey('s3', { requestHandler: { requestTimeout: NaN } }), 'requestHandler.requestTimeout');
  throwsNaming(() => clientKey('s3', { requestHandler: { [Symbol('x')]: 1 } }), 'requestHandler');
  throwsNaming(() => clientKey('s3', { maxAttempts: NaN }), 'maxAttempts');
  throwsNaming(() => clientKey('s3', { maxAttempts: Infinity }), 'maxAttempts');
  throwsNaming(() => clientKey('s3', { maxAttempts: '3' }), 'maxAttempts');
  throwsNaming(() => clientKey('s3', { forcePathStyle: 'yes' }), 'forcePathStyle');
  throwsNaming(() => clientKey('s3', { tls: 1 }), 'tls');
  throwsNaming(() => clientKey('s3', { retryStrategy: Symbol('s') }), 'retryStrategy');
  throwsNaming(() => clientKey('s3', { extra: { list: [1, NaN] } }), 'extra.list[1]');
  throwsNaming(() => clientKey('s3', { extra: { '\udfff': 1 } }), 'member name');
  throwsNaming(() => clientKey('s3', { [Symbol('region')]: 'us-east-1' }), 'Symbol(region)');
  const hidden = { region: 'us-east-1' };
  Object.defineProperty(hidden, 'profile', { value: 'dev', enumerable: false });
  throwsNaming(() => clientKey('s3', hidden), 'profile');
  // two options that would set the same key path
  throwsNaming(() => clientKey('s3', { maxAttempts: 3, retries: { mode: 'x' } }), 'config.retries');
  throwsNaming(() => clientKey('s3', { connect_timeout: 2, requestHandler: { connectionTimeout: 1000 } }), 'config.connect_timeout');
  throwsNaming(() => clientKey('s3', 'us-east-1'), 'plain object');
  throwsNaming(() => clientKey(undefined), 'serviceName');
  throwsNaming(() => clientKey('S3'), 'service_name');
  throwsNaming(() => clientKey('s3\ud800'), 'serviceName');
  throwsNaming(() => client('s3', { region: 7 }), 'region');
  throwsNaming(() => new Session({ credentials: { accessKeyId: 'a', secretAccessKey: NaN } }), 'credentials.secretAccessKey');
  throwsNaming(() => client('s3', {}, { evictionPolicy: 'FIFO' }), 'evictionPolicy');
  throwsNaming(() => client('s3', {}, 5), 'options');
  throwsNaming(() => client('s3', {}, { policy: 'LFU' }), 'policy');
  throwsNaming(() => client('no-such-service-zz', {}), '@aws-sdk/client-no-such-service-zz');
});

test('client(): an equal configuration returns the identical SDK client', () => {
  const cfg = { region: 'eu-central-1', forcePathStyle: true, credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } };
  const a = client('s3', cfg);
  assert.ok(a instanceof S3Client);
  assert.equal(client('s3', cfg), a);
  assert.equal(client('s3', { credentials: { secretAccessKey: SECRET, accessKeyId: 'AKID' }, forcePathStyle: true, region: 'eu-central-1' }), a, 'option order does not matter');
  assert.notEqual(client('s3', { ...cfg, region: 'eu-west-1' }), a);
  assert.notEqual(client('s3', { ...cfg, credentials: { accessKeyId: 'AKID', secretAccessKey: 'other' } }), a);
  const lfu = client('s3', cfg, { evictionPolicy: 'LFU' });
  assert.notEqual(lfu, a, 'each policy has its own cache');
  assert.equal(client('s3', cfg, { evictionPolicy: 'lfu' }), lfu);
  const stats = getDefaultSession().cache().stats();
  assert.ok(stats.hits >= 2 && stats.insertions >= 3, JSON.stringify(stats));
});

test('Session: defaults merge under each call, caches are per session and resizable', async () => {
  const session = new Session({ region: 'ap-south-1', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  const a = session.client('s3');
  assert.equal(await a.config.region(), 'ap-south-1');
  assert.equal(session.client('s3', { region: 'ap-south-1' }), a, 'explicitly repeating a default is the same client');
  const b = session.client('s3', { region: 'us-east-2' });
  assert.notEqual(b, a);
  assert.equal(await b.config.region(), 'us-east-2');
  assert.notEqual(new Session({ region: 'ap-south-1', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } }).client('s3'), a);
  const cache = session.cache();
  assert.equal(cache.size, 2);
  assert.equal(session.client('s3', { region: 'sa-east-1' }, { maxSize: 1 }), cache.get(clientKey('s3', {
    region: 'sa-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET },
  })));
  assert.equal(cache.maxSize, 1);
  assert.equal(cache.size, 1);
  assert.equal(cache.stats().evictions, 2);
});

test('round trip: a cached S3Client against a real S3-compatible server', async (t) => {
  const endpoint = process.env.CLIENTCACHE_TEST_S3_ENDPOINT;
  if (!endpoint) {
    if (process.env.CLIENTCACHE_REQUIRE_S3 === '1') {
      assert.fail('CLIENTCACHE_TEST_S3_ENDPOINT is not set but CLIENTCACHE_REQUIRE_S3=1 (run under scripts/with-s3-server.sh)');
    }
    t.skip('CLIENTCACHE_TEST_S3_ENDPOINT not set (run under scripts/with-s3-server.sh)');
    return;
  }
  const config = {
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const session = new Session();
  const s3 = session.client('s3', config);
  assert.ok(s3 instanceof S3Client);
  const bucket = `clientcache-node-${process.pid}-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const body = `hello from node ${process.version}`;
  await session.client('s3', { ...config }).send(new PutObjectCommand({ Bucket: bucket, Key: 'greeting.txt', Body: body }));
  const again = session.client('s3', JSON.parse(JSON.stringify(config)));
  assert.equal(again, s3, 'a second client("s3", sameConfig) is the identical object');
  const got = await again.send(new GetObjectCommand({ Bucket: bucket, Key: 'greeting.txt' }));
  assert.equal(await got.Body.transformToString(), body);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual(listed.Contents.map((o) => o.Key), ['greeting.txt']);
  assert.deepEqual(Object.keys(config.credentials), ['accessKeyId', 'secretAccessKey'], 'the caller\'s config is not written to');
  const stats = session.cache().stats();
  assert.deepEqual({ hits: stats.hits, misses: stats.misses, insertions: stats.insertions, size: stats.size },
    { hits: 2, misses: 1, insertions: 1, size: 1 });
});
