// An ES module application of the packed package (consumer-test.sh copies it
// into a fresh project): named imports, the same objects as require() gives,
// client() returns the application's own S3Client, and an object goes to the
// S3 test server and back.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { client, ClientCache, ClientCacheKey, Session, libraryVersion } from 'clientcache';
import clientcache from 'clientcache';

const require = createRequire(import.meta.url);
assert.equal(require('clientcache').client, client, 'import and require give the same module');
assert.equal(clientcache.ClientCache, ClientCache, 'the default export is the CommonJS exports object');

const endpoint = process.env.CLIENTCACHE_TEST_S3_ENDPOINT;
const config = {
  region: 'us-east-1', endpoint, forcePathStyle: true,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const s3 = client('s3', config);
assert.ok(s3 instanceof S3Client, "client('s3') is not the application's S3Client");
assert.ok(new Session(config).client('s3') instanceof S3Client);

const cache = new ClientCache({ evictionPolicy: 'LFU', maxSize: 2 });
const key = new ClientCacheKey('s3', { region_name: 'us-east-1', endpoint_url: endpoint });
cache.set(key, s3);
assert.equal(cache.get(key), s3);

const Bucket = `consumer-esm-${process.pid}`;
await s3.send(new CreateBucketCommand({ Bucket }));
await s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello from ESM' }));
const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
assert.equal(await got.Body.transformToString(), 'hello from ESM');
console.log(`ESM: libclientcache ${libraryVersion()}, named imports, client('s3') instanceof S3Client, ` +
  `ClientCache hit, S3 round trip of s3://${Bucket}/hello.txt ok`);
