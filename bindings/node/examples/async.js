// @ts-check
// Waiting, cancellation and close() in the Node binding. test/example.test.js
// runs this file and checks its output; test/types.test.js type-checks it
// with strict TypeScript.
const { setTimeout: sleep } = require('node:timers/promises');
const { S3Client } = require('@aws-sdk/client-s3');
const { ClientCache, ClientCacheKey, ClientCacheError, Session } = require('clientcache');

async function main() {
  const cache = new ClientCache({ maxSize: 8 });
  const key = new ClientCacheKey('s3', { region_name: 'eu-west-1' });

  // Concurrent callers of one key share one Promise: the factory runs once.
  let builds = 0;
  const build = async () => {
    builds++;
    await sleep(5); // e.g. read settings, assume a role
    return new S3Client({ region: 'eu-west-1' });
  };
  const [a, b] = await Promise.all([cache.getOrCreateAsync(key, build), cache.getOrCreateAsync(key, build)]);
  console.log(a === b, builds); // true 1

  // A rejection reaches every caller and is not cached: the next call builds again.
  const east = new ClientCacheKey('s3', { region_name: 'us-east-2' });
  await cache.getOrCreateAsync(east, async () => {
    throw new Error('no credentials yet');
  }).catch((err) => console.log(err.message)); // no credentials yet
  await cache.getOrCreateAsync(east, async () => new S3Client({ region: 'us-east-2' }));
  console.log(cache.has(east)); // true

  // Promises cannot be cancelled: a caller that stops waiting ignores the
  // Promise, and the build goes on and is cached.
  const south = new ClientCacheKey('s3', { region_name: 'ap-south-1' });
  const slow = cache.getOrCreateAsync(south, async () => {
    await sleep(50);
    return new S3Client({ region: 'ap-south-1' });
  });
  console.log(await Promise.race([slow, sleep(1, 'stopped waiting')])); // stopped waiting
  const built = await slow;
  console.log(cache.peek(south) === built); // true

  // close() releases every client at once; later use is ERR_CLIENTCACHE_CLOSED.
  cache.close();
  try {
    cache.get(key);
  } catch (err) {
    console.log(err instanceof ClientCacheError && err.code); // ERR_CLIENTCACHE_CLOSED
  }
  await cache.getOrCreateAsync(key, build).catch((err) => console.log(err.code)); // ERR_CLIENTCACHE_CLOSED

  // A session closes its caches; `using session = new Session()` (TypeScript,
  // or JavaScript on Node 24) does it at the end of the block.
  const session = new Session({ region: 'us-west-2' });
  session.client('s3');
  session.close();
  try {
    session.client('s3');
  } catch (err) {
    console.log(session.closed, err instanceof ClientCacheError && err.code); // true ERR_CLIENTCACHE_CLOSED
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
