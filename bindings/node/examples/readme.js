// The Node example of the README; test/example.test.js runs it and checks
// its output, so it stays true.
const { S3Client } = require('@aws-sdk/client-s3');
const {
  client, ClientCache, ClientCacheKey, ClientCacheExistsError, ClientCacheNotFoundError,
} = require('clientcache');

// One call: the cached S3Client for this configuration (built on the first call).
const s3 = client('s3', { region: 'us-west-2', maxAttempts: 3 });
console.log(s3 === client('s3', { maxAttempts: 3, region: 'us-west-2' })); // true

// Explicit keys (parameter names of docs/identity.md) and a cache of your own.
const key = new ClientCacheKey('s3', {
  region_name: 'us-west-2',
  aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
});
console.log(key.label); // secrets are never shown
console.log(key.fingerprint); // bf992e455d517b9cfd3b0e77a8774514 in Rust, C, Go and Node too

const cache = new ClientCache({ evictionPolicy: 'LFU', maxSize: 2 });
cache.set(key, new S3Client({ region: 'us-west-2' }));
console.log(cache.get(key) instanceof S3Client); // true

try {
  cache.set(key, new S3Client({ region: 'us-west-2' }));
} catch (err) {
  console.log(err instanceof ClientCacheExistsError, err.code);
}
try {
  cache.getOrThrow(new ClientCacheKey('s3', { region_name: 'eu-west-1' }));
} catch (err) {
  console.log(err instanceof ClientCacheNotFoundError, err.code);
}

// getOrCreate: the factory runs only on a miss.
const eu = cache.getOrCreate(new ClientCacheKey('s3', { region_name: 'eu-west-1' }),
  () => new S3Client({ region: 'eu-west-1' }));
console.log(cache.size, cache.stats().hits, eu === cache.peek(new ClientCacheKey('s3', { region_name: 'eu-west-1' })));
