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

test('SDK option names map onto the §2 vocabulary', () => {
  assert.deepEqual(sdkConfigToParams({
    region: 'us-west-2',
    endpoint: 'http://127.0.0.1:9000',
    profile: 'dev',
    credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 'tok' },
    forcePathStyle: true,
    maxAttempts: 3,
    retryMode: 'standard',
    requestChecksumCalculation: undefined,
  }), {
    region_name: 'us-west-2',
    endpoint_url: 'http://127.0.0.1:9000',
    profile_name: 'dev',
    aws_access_key_id: 'AKID',
    aws_secret_access_key: SECRET,
    aws_session_token: 'tok',
    config: { forcePathStyle: true, maxAttempts: 3, retryMode: 'standard' },
  });
  assert.deepEqual(sdkConfigToParams(), {});
  // the SDK writes `$source` into credentials objects it resolved: not identity
  assert.deepEqual(sdkConfigToParams({ credentials: { accessKeyId: 'a', secretAccessKey: 'b', $source: { CREDENTIALS_CODE: 'e' } } }),
    { aws_access_key_id: 'a', aws_secret_access_key: 'b' });
  assert.deepEqual(sdkConfigToParams({ region: null }), { region_name: null });
  const key = clientKey('s3', { region: 'us-west-2', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } });
  assert.equal(key.label, 's3(aws_access_key_id=***, aws_secret_access_key=***, region_name="us-west-2")');
  assert.ok(key.equals(new ClientCacheKey('s3', { region_name: 'us-west-2', aws_access_key_id: 'AKID', aws_secret_access_key: SECRET })));
});

test('options that cannot be canonicalized are ClientCacheErrors naming the option', () => {
  throwsNaming(() => clientKey('s3', { region: async () => 'us-east-1' }), 'region');
  throwsNaming(() => clientKey('s3', { credentials: async () => ({ accessKeyId: 'a', secretAccessKey: SECRET }) }), 'credentials');
  throwsNaming(() => clientKey('s3', { credentials: { accessKeyId: 'a', secretAccessKey: SECRET, expiration: new Date() } }), 'credentials.expiration');
  throwsNaming(() => clientKey('s3', { credentials: { accessKeyId: 42 } }), 'credentials.accessKeyId');
  throwsNaming(() => clientKey('s3', { requestHandler: new (class NodeHttpHandler {})() }), 'requestHandler');
  throwsNaming(() => clientKey('s3', { logger: console }), 'logger');
  throwsNaming(() => clientKey('s3', { retryStrategy: { acquireInitialRetryToken() {} } }), 'retryStrategy.acquireInitialRetryToken');
  throwsNaming(() => clientKey('s3', { maxAttempts: NaN }), 'maxAttempts');
  throwsNaming(() => clientKey('s3', { endpoint: new URL('http://127.0.0.1') }), 'endpoint');
  throwsNaming(() => clientKey('s3', 'us-east-1'), 'plain object');
  throwsNaming(() => clientKey(undefined), 'serviceName');
  throwsNaming(() => clientKey('S3'), 'service_name');
  throwsNaming(() => client('s3', { region: () => 'x' }), 'region');
  throwsNaming(() => new Session({ credentials: () => ({}) }), 'credentials');
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
