// Compiled (never run) by test/types.test.js with strict TypeScript: the
// declarations in index.d.ts accept what the README shows and refuse
// obvious misuse (the @ts-expect-error lines).
import {
  CacheError, ClientCache, ClientCacheError, ClientCacheKey, ErrorCode, ResourceCache, ResourceCacheKey, Session,
  SdkClientLike,
} from 'clientcache';

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
