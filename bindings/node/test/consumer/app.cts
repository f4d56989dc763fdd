// Type-checked (never run) by consumer-test.sh: the same through the
// package's "require" types (a CommonJS TypeScript file).
import { client, ClientCache, ClientCacheKey } from 'clientcache';
import { S3Client } from '@aws-sdk/client-s3';

export function cjs(): S3Client {
  const s3: S3Client = client('s3', { region: 'us-east-1' });
  const cache = new ClientCache<S3Client>({ maxSize: 2 });
  // @ts-expect-error: client('s3') is an S3Client, not any
  s3.noSuchMethod();
  return cache.getOrCreate(new ClientCacheKey('s3', { region_name: 'us-east-1' }), () => s3);
}
