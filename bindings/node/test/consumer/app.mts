// Type-checked (never run) by consumer-test.sh: `tsc --noEmit` with strict
// and module nodenext in the fresh project. Named imports through the
// package's "import" types, client('s3', …) is an S3Client with no cast.
import { client, ClientCache, ClientCacheKey, Session, type KnownService } from 'clientcache';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';

export async function esm(): Promise<number> {
  const s3: S3Client = client('s3', { region: 'us-east-1', forcePathStyle: true });
  const again: S3Client = new Session({ region: 'us-east-1' }).client('s3');
  const cache = new ClientCache<S3Client>({ maxSize: 2 });
  cache.set(new ClientCacheKey('s3', { region_name: 'us-east-1' }), s3);
  const service: KnownService = 's3';
  // @ts-expect-error: client('s3') is an S3Client, not any
  s3.noSuchMethod();
  const out = await again.send(new ListBucketsCommand({}));
  return (out.Buckets ?? []).length + service.length;
}
