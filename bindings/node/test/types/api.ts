// Compiled (never run) by test/types.test.js with strict TypeScript: the
// declarations in index.d.ts accept what the README shows and refuse
// obvious misuse (the @ts-expect-error lines).
import {
  CacheError, ClientCache, ClientCacheError, ClientCacheKey, ErrorCode, ResourceCache, ResourceCacheKey, Session,
  SdkClientLike, DisposeReason, withTtl, credentialErrorNames, client, KnownService, ServiceClient,
} from 'clientcache';
import { S3Client } from '@aws-sdk/client-s3';

interface Table { name: string }
interface FakeClient extends SdkClientLike { region: string }

export async function asyncApi(): Promise<void> {
  const clients = new ClientCache<FakeClient>({ maxSize: 4 });
  const key = new ClientCacheKey('s3', { region_name: 'us-west-2' });
  const made = (region: string): FakeClient => ({ region, send: () => undefined });

  const a: FakeClient = await clients.getOrCreateAsync(key, async () => made('us-west-2'));
  const b: FakeClient = await clients.getOrCreateAsync(key, () => made('us-west-2')); // a plain value is fine
  const c: Promise<FakeClient> = clients.getOrCreateAsync(key, (k) => Promise.resolve(made(k.label)));
  console.log(a === b, await c);
  // @ts-expect-error: the factory must produce the cache's value type
  await clients.getOrCreateAsync(key, async () => 42);

  const tables = new ResourceCache<Table>();
  const table: Table = await tables.getOrCreateAsync(new ResourceCacheKey('dynamodb'), async () => ({ name: 'users' }));
  console.log(table.name);

  try {
    await clients.getOrCreateAsync(key, async () => { throw new Error('later'); });
  } catch (err) {
    if (err instanceof ClientCacheError) {
      const code: ErrorCode = err.code;
      console.log(code === 'ERR_CLIENTCACHE_CLOSED', code === 'ERR_CLIENTCACHE_INVALID_ARGUMENT');
    }
  }

  clients.close();
  const closed: boolean = clients.closed;
  const json = clients.toJSON();
  console.log(closed, json.closed === true, json.size);
  clients[Symbol.dispose]();

  {
    using scoped = new ClientCache();
    using session = new Session({ region: 'us-west-2' });
    console.log(scoped.size, session.closed);
  }

  const session = new Session();
  session.close();
  const sessionClosed: boolean = session.closed;
  console.log(sessionClosed, session.key('s3').label, new CacheError('x').code);
}

export async function expiryApi(): Promise<void> {
  const made = (region: string): FakeClient => ({ region, send: () => undefined });
  const reasons: DisposeReason[] = [];
  let now = 0n;
  const clients = new ClientCache<FakeClient>({
    maxSize: 4,
    ttl: 60_000,
    clock: () => now,
    dispose: (value, key, reason) => { reasons.push(reason); console.log(value.region, key.label); },
  });
  const key = new ClientCacheKey('s3', { region_name: 'us-west-2' });
  clients.set(key, made('a'), { ttl: 1000 });
  const b: FakeClient = clients.getOrCreate(key, () => withTtl(made('b'), 5000), { ttl: 10 });
  const c: FakeClient = await clients.getOrCreateAsync(key, async () => withTtl(made('c'), 0));
  const d: FakeClient = await clients.getOrCreateAsync(key, () => made('d'), { ttl: Infinity });
  const purged: number = clients.purgeExpired();
  const expirations: number = clients.stats().expirations;
  const ttl: number = clients.ttl;
  now += 1n;
  console.log(b, c, d, purged, expirations, ttl);
  // @ts-expect-error: a reason is one of five names
  const wrong: DisposeReason = 'set';
  // @ts-expect-error: the clock returns bigint nanoseconds
  new ClientCache({ clock: () => 5 });
  // @ts-expect-error: withTtl's value must be the cache's value type
  clients.getOrCreate(key, () => withTtl(42, 5));

  const session = new Session({ region: 'us-east-1' }, {
    ttl: 3_600_000,
    credentialRefreshMarginMs: 60_000,
    invalidateOnAuthError: true,
    dispose: (client, k, reason) => console.log(client.send, k.fingerprint, reason),
  });
  const names: readonly string[] = credentialErrorNames;
  console.log(names.includes('ExpiredToken'), wrong, session.closed);
  // @ts-expect-error: unknown session options are refused
  new Session({}, { refreshMargin: 5 });
}

// client() and Session.client() are typed by service name (index.d.ts's
// ServiceClients): the SDK's own class, with no cast; other names take the
// generic overload.
export function typedClients(): void {
  const s3: S3Client = client('s3', { region: 'us-west-2' });
  // @ts-expect-error: an S3Client, not any: it has no such method
  s3.noSuchMethod();
  const same: S3Client = new Session({ region: 'us-west-2' }).client('s3', { forcePathStyle: true }, { evictionPolicy: 'LFU' });
  // The class is the application's: what `new S3Client()` makes is assignable both ways.
  const built: ServiceClient<'s3'> = new S3Client({});
  const named = client<S3Client>('s3');
  interface Custom extends SdkClientLike { custom: true }
  const custom: Custom = client<Custom>('my-service');
  const anyName: string = 'sqs';
  const loose = client(anyName); // any, as before
  const service: KnownService = 'dynamodb';
  // @ts-expect-error: not a service name of the map
  const unknown: KnownService = 'no-such-service';
  console.log(same, built, named, custom.custom, loose.anything, service, unknown);
}
