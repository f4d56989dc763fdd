// A CommonJS application of the packed package (consumer-test.sh copies it
// into a fresh project): client() returns the application's own S3Client,
// ClientCache holds it, and an object goes to the S3 test server and back.
const assert = require('node:assert/strict');
const { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } = require('@aws-sdk/client-s3');
const { client, ClientCache, ClientCacheKey, libraryVersion } = require('clientcache');

async function main() {
  const endpoint = process.env.CLIENTCACHE_TEST_S3_ENDPOINT;
  const config = {
    region: 'us-east-1', endpoint, forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const s3 = client('s3', config);
  assert.ok(s3 instanceof S3Client, "client('s3') is not the application's S3Client");
  assert.equal(client('s3', { ...config }), s3, 'an equal configuration returns the cached client');

  const cache = new ClientCache({ maxSize: 2 });
  const key = new ClientCacheKey('s3', { region_name: 'us-east-1', endpoint_url: endpoint });
  assert.equal(cache.getOrCreate(key, () => s3), s3);
  assert.equal(cache.get(key), s3);

  const Bucket = `consumer-cjs-${process.pid}`;
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello from CommonJS' }));
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
  assert.equal(await got.Body.transformToString(), 'hello from CommonJS');
  console.log(`CommonJS: libclientcache ${libraryVersion()}, client('s3') instanceof S3Client, ` +
    `ClientCache hit, S3 round trip of s3://${Bucket}/hello.txt ok`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
