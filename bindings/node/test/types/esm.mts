// Compiled (never run) by test/types.test.js: the package's ESM entry
// (package.json "exports" → "import" → index.d.mts) has the same named
// exports and types as the CommonJS one, and a default export.
import { client, ClientCache, ClientCacheKey, Session, type KnownService } from 'clientcache';
import clientcache from 'clientcache';
import { S3Client } from '@aws-sdk/client-s3';

export function esm(): void {
  const s3: S3Client = client('s3', { region: 'us-west-2' });
  const cache = new ClientCache<S3Client>({ maxSize: 2 });
  cache.set(new ClientCacheKey('s3', { region_name: 'us-west-2' }), s3);
  const viaDefault: S3Client = clientcache.client('s3');
  const session: Session = new clientcache.Session();
  const name: KnownService = 'sqs';
  // @ts-expect-error: an S3Client, not any
  s3.noSuchMethod();
  console.log(viaDefault, session, name);
}
