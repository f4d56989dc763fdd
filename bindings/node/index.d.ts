// Type definitions for clientcache (Node binding of libclientcache).
//
// Identity (docs/identity.md): a key is (kind, service name, params); two keys
// are equal when their canonical forms (RFC 8785 JSON, secrets replaced by
// their SHA-256) are equal, and their fingerprints agree across Rust, C, Go,
// Python and Node.
//
// Strict input: nothing is rewritten on its way to the core. A string (value
// or member name) with a lone surrogate, a Symbol-keyed or non-enumerable
// member, a function, a symbol, NaN / ±Infinity, a class instance, a cycle or
// an undefined array item is refused with an INVALID_ARGUMENT error naming
// the path in the core's format (`config.retries.mode`, `config.order[2]`).
// A BigInt is written as its exact integer when a double holds it exactly
// (the core refuses it beyond ±(2^53−1)), and refused otherwise.

// `Symbol.dispose` (caches and sessions have a `[Symbol.dispose]()`): declared
// here as in TypeScript's esnext.disposable lib and @types/node (the same
// declaration merges with either), so strict projects compile without them.
// At run time the method exists where Node has Symbol.dispose (18.18, 20.4
// and later).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Kind of a key or cache. */
export type Kind = 'client' | 'resource';

/** Eviction policy: least recently used, or least frequently used (ties: least recently used). */
export type EvictionPolicy = 'LRU' | 'LFU';

/** A JSON value that can be canonicalized (strings must be valid Unicode). */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [name: string]: JsonValue | undefined };

/**
 * Key params: names from the parameter vocabulary of docs/identity.md
 * (boto3's Session.client signature plus the profile). Unknown top-level names are refused, naming
 * the parameter. A top-level `null` (or `undefined`) is the same as absent.
 * Secrets (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`)
 * are hashed at construction and never appear in any label or message.
 */
export interface KeyParams {
  region_name?: string | null;
  api_version?: string | null;
  use_ssl?: boolean | null;
  /** `true`/`false`, or a CA bundle path. */
  verify?: boolean | string | null;
  endpoint_url?: string | null;
  aws_access_key_id?: string | null;
  aws_secret_access_key?: string | null;
  aws_session_token?: string | null;
  profile_name?: string | null;
  /** Free-form nested SDK options (retries, timeouts, addressing style, …). */
  config?: { [name: string]: JsonValue | undefined } | null;
}

/** One path where two keys differ, from {@link CacheKey.diff}. */
export interface KeyDifference {
  /**
   * `'kind'`, `'service_name'`, a parameter name (`'region_name'`), or a path
   * into a nested value in the core's format (`'config.retries.mode'`,
   * `'config.order[2]'`).
   */
  path: string;
  /** This key's value at `path` (parsed JSON), `undefined` where it has none; secrets are `'***'`. */
  left: JsonValue | undefined;
  /** The other key's value at `path`, `undefined` where it has none; secrets are `'***'`. */
  right: JsonValue | undefined;
}

/**
 * An immutable cache key. Construct a {@link ClientCacheKey} or
 * {@link ResourceCacheKey}; this base class exists for `instanceof`.
 * Every printed form (`String(key)`, `util.inspect`, `toJSON`) shows the
 * label, where secrets are `***`.
 */
export abstract class CacheKey {
  protected constructor();
  /** 32 lowercase hex characters: the first 16 bytes of SHA-256(canonical form). */
  readonly fingerprint: string;
  /** `service(name=value, ...)`, params sorted, secrets rendered as `***`. */
  readonly label: string;
  /** The canonical form (RFC 8785 JSON); secrets only as `sha256:<hex>`. */
  readonly canonical: string;
  /** `'client'` or `'resource'`. */
  readonly kind: Kind;
  /** True when `other` is a key with the same canonical form (kind included). */
  equals(other: unknown): boolean;
  /**
   * Where this key and `other` differ, computed by the core: one entry per
   * differing path — `kind`, then `service_name`, then the params, down to
   * the nested member or array item — with this key's value as `left` and
   * the other's as `right`. Equal keys give `[]`. Secrets are `'***'`, so
   * the result is safe to log ("why did these two calls not share a client?").
   * @example
   * new ClientCacheKey('s3', { region_name: 'us-west-2' })
   *   .diff(new ClientCacheKey('s3', { region_name: 'eu-west-1' }));
   * // [{ path: 'region_name', left: 'us-west-2', right: 'eu-west-1' }]
   * @throws {CacheError} ERR_CLIENTCACHE_INVALID_ARGUMENT when `other` is not a key.
   */
  diff(other: CacheKey): KeyDifference[];
  /** The label. `util.inspect(key)` shows the label too. */
  toString(): string;
  /** For `JSON.stringify`: `{ kind, fingerprint, label }` (secrets as `***`). */
  toJSON(): { kind: Kind; fingerprint: string; label: string };
}

/**
 * A key for a {@link ClientCache}.
 * @example
 * const key = new ClientCacheKey('s3', { region_name: 'us-west-2' });
 * key.label; // 's3(region_name="us-west-2")'
 * @throws {ClientCacheError} `code` ERR_CLIENTCACHE_INVALID_ARGUMENT for a bad
 *   service name, an unknown parameter, or a value JSON cannot represent
 *   (function, class instance, NaN, ±Infinity, a lone surrogate, …); the message names it.
 */
export class ClientCacheKey extends CacheKey {
  /**
   * @param serviceName 1–64 characters of `[a-z0-9-]`, starting with a letter (`s3`, `sso-oidc`).
   * @param params key params; omitted, `{}` and all-null params are the same key.
   */
  constructor(serviceName: string, params?: KeyParams | null);
  /**
   * A key from raw params JSON text (or UTF-8 bytes), handed to the core
   * verbatim: duplicate member names, `5.0`, out-of-range integers… are judged
   * by the core exactly as in every other language. `null` = no params.
   * Text with a lone surrogate is refused (naming the path when the text
   * parses), never turned into U+FFFD; bytes are the core's to validate.
   */
  static fromJSON(serviceName: string, paramsJson: string | Uint8Array | null): ClientCacheKey;
}

/** A key for a {@link ResourceCache}. Same rules as {@link ClientCacheKey}. */
export class ResourceCacheKey extends CacheKey {
  constructor(serviceName: string, params?: KeyParams | null);
  /** A key from raw params JSON text (or UTF-8 bytes), handed to the core verbatim. */
  static fromJSON(serviceName: string, paramsJson: string | Uint8Array | null): ResourceCacheKey;
}

/**
 * Why a value left a cache, as {@link CacheOptions.dispose} is told (the
 * core's removal causes, `clientcache_cause`):
 * - `'evict'`: capacity (an insert or a smaller maxSize needed room) — EVICTED;
 * - `'expire'`: its lifetime ended (the cache's ttl or its own) — EXPIRED;
 * - `'delete'`: {@link Cache.delete} or {@link Cache.popVictim} — REMOVED;
 * - `'replace'`: a getOrCreate / getOrCreateAsync factory's value that lost
 *   to a {@link Cache.set} of the same key made while the factory ran (it
 *   was never cached) — REPLACED;
 * - `'clear'`: {@link Cache.clear}, or {@link Cache.close} — CLEARED.
 */
export type DisposeReason = 'evict' | 'expire' | 'delete' | 'replace' | 'clear';

/** Options of a cache. */
export interface CacheOptions<K extends CacheKey = CacheKey, V = unknown> {
  /** `'LRU'` (default) or `'LFU'` (case-insensitive). */
  evictionPolicy?: EvictionPolicy | 'lru' | 'lfu';
  /** Capacity, an integer ≥ 1 (default 10). */
  maxSize?: number;
  /**
   * Default lifetime of an entry from its insertion, in milliseconds (`0`,
   * the default, or `Infinity`: none). Lookups do not extend it. An expired
   * entry is never returned (a lookup of it is a miss), and expired entries
   * are the first victims when room is needed.
   */
  ttl?: number;
  /**
   * Told once about every value that leaves the cache, with the reason,
   * after the call that made it leave has done its work and before it
   * returns (never under the cache's lock): it may use the cache. What it
   * throws is rethrown on a later tick as an uncaught exception, never by
   * the cache call. A cache collected by the garbage collector without
   * {@link Cache.close} tells nothing (no JavaScript may run there). Copies
   * share it.
   */
  dispose?: (value: V, key: K, reason: DisposeReason) => void;
  /**
   * **For tests.** The clock lifetimes are measured on: a function that
   * returns nanoseconds as a `bigint` from any fixed origin (readings that
   * go back are ignored). It runs under the cache's lock: it must not use
   * the cache. A throw (or a non-bigint) is rethrown by the call that read
   * it. Default: the system's coarse monotonic clock.
   */
  clock?: () => bigint;
}

/** Per-entry options of {@link Cache.set}, {@link Cache.getOrCreate} and {@link Cache.getOrCreateAsync}. */
export interface EntryOptions {
  /**
   * This entry's lifetime in milliseconds from its insertion, instead of
   * the cache's ttl: `0` or `Infinity` never expires (as in lru-cache).
   */
  ttl?: number;
}

/** A factory's value with its entry's lifetime: see {@link withTtl}. */
export interface WithTtl<V> {
  readonly value: V;
  readonly ttl: number;
}

/**
 * For a getOrCreate / getOrCreateAsync factory that learns its value's
 * lifetime while building it (credentials that expire): returning
 * `withTtl(client, ms)` caches `client` with that lifetime (`0` or
 * `Infinity`: never expires), over the call's `{ ttl }` and the cache's.
 * @example
 * cache.getOrCreate(key, () => withTtl(new S3Client({ credentials }), credentials.expiration.getTime() - Date.now() - 300_000));
 */
export function withTtl<V>(value: V, ttl: number): WithTtl<V>;

/** Counters of a cache. */
export interface CacheStats {
  /** Lookups by get / getOrThrow / getOrCreate / getOrCreateAsync that found the key. */
  hits: number;
  /**
   * Lookups by get / getOrThrow / getOrCreate / getOrCreateAsync that did not
   * (peek and has are not lookups); every caller waiting for a build counts one.
   */
  misses: number;
  /** Successful inserts (set, and the factory results of getOrCreate and getOrCreateAsync). */
  insertions: number;
  /** Capacity-driven evictions (by inserts and by shrinking maxSize). */
  evictions: number;
  /** Entries removed by delete and popVictim. */
  removals: number;
  /** Entries whose lifetime ended (found expired by any call, or by purgeExpired). */
  expirations: number;
  /** Current number of entries. */
  size: number;
  /** Current capacity. */
  maxSize: number;
}

/**
 * A bounded cache over the Rust core. Values are held by reference and
 * released (exactly once) when evicted, deleted, popped, cleared, when the
 * cache is closed, or when the cache object itself is garbage-collected.
 * All methods are synchronous except {@link getOrCreateAsync}.
 */
export abstract class Cache<K extends CacheKey, V extends object> implements Iterable<[K, V]> {
  protected constructor();
  /**
   * Inserts `value` under `key`, then evicts victims until `size ≤ maxSize`
   * (the new entry is never its own victim). Returns this cache.
   * @throws {ClientCacheExistsError | ResourceCacheExistsError} when `key` is
   *   present; the cache is unchanged and the value is not retained.
   * @throws {CacheError} ERR_CLIENTCACHE_KIND_MISMATCH for a key of the other kind;
   *   ERR_CLIENTCACHE_INVALID_ARGUMENT for a value this cache does not hold.
   */
  set(key: K, value: V, options?: EntryOptions): this;
  /**
   * The value for `key`, promoting it (LRU: most recent; LFU: frequency + 1), or `undefined`.
   * @throws {ClientCacheError | ResourceCacheError} ERR_CLIENTCACHE_KIND_MISMATCH
   *   for a key of the other kind (a mistake, not a miss).
   */
  get(key: K): V | undefined;
  /**
   * The value for `key`, promoting it.
   * @throws {ClientCacheNotFoundError | ResourceCacheNotFoundError} on a miss.
   * @throws {ClientCacheError | ResourceCacheError} ERR_CLIENTCACHE_KIND_MISMATCH for a key of the other kind.
   */
  getOrThrow(key: K): V;
  /**
   * The value for `key` without promoting it or counting a lookup, or `undefined`.
   * @throws {ClientCacheError | ResourceCacheError} ERR_CLIENTCACHE_KIND_MISMATCH for a key of the other kind.
   */
  peek(key: K): V | undefined;
  /** Whether `key` is present (no promotion, not counted as a lookup); `false` for a key of the other kind. */
  has(key: K): boolean;
  /**
   * Removes `key` and returns its value.
   * @throws {ClientCacheNotFoundError | ResourceCacheNotFoundError} on a miss.
   * @throws {ClientCacheError | ResourceCacheError} ERR_CLIENTCACHE_KIND_MISMATCH for a key of the other kind.
   */
  delete(key: K): V;
  /**
   * Removes and returns the next victim as `[key, value]`.
   * @throws {ClientCacheNotFoundError | ResourceCacheNotFoundError} when empty.
   */
  popVictim(): [K, V];
  /**
   * The value for `key`; on a miss calls `factory(key)` exactly once, caches
   * its result and returns it. The factory runs without the cache lock; if it
   * throws, nothing is cached and its error propagates unchanged; a factory
   * that asks the same cache for the same key gets a CacheError
   * (ERR_CLIENTCACHE_INVALID_ARGUMENT), never a deadlock. The factory must be
   * synchronous: a returned Promise (thenable) is refused with
   * ERR_CLIENTCACHE_INVALID_ARGUMENT (and its eventual rejection is swallowed);
   * use {@link getOrCreateAsync} for a factory that waits. A factory that
   * closes this cache makes the call throw ERR_CLIENTCACHE_CLOSED.
   */
  getOrCreate(key: K, factory: (key: K) => V | WithTtl<V>, options?: EntryOptions): V;
  /**
   * A Promise for the value of `key`, already resolved on a hit. On a miss
   * `factory(key)` runs once for every concurrent caller of the key: they
   * all get the same Promise, and its value is inserted through the core.
   *
   * - A rejection (or a synchronous throw) reaches every caller unchanged
   *   and is not cached: the next call runs the factory again.
   * - A plain {@link set} of the key that lands while the factory runs wins
   *   (the core's rule for an insert racing a build): every caller gets the
   *   set value and the factory's value is dropped.
   * - The factory may be `async` or return a value (cached before this
   *   method returns).
   * - A factory that waits for its own key, directly or through the factory
   *   of another key, gets a CacheError with code
   *   ERR_CLIENTCACHE_INVALID_ARGUMENT instead of a Promise that never settles.
   * - A synchronous {@link getOrCreate} does not wait for a build in flight:
   *   it builds its own value, which is resident when the build lands, so
   *   it wins.
   * - Stats count one hit or one miss per caller, as the core does for its
   *   own get-or-create.
   * - A hit returns an already-resolved Promise; repeated hits of the same
   *   entry may return the very same Promise object.
   * - Promises cannot be cancelled: a caller that stops waiting just drops
   *   the Promise (a rejection nobody awaits is not reported as unhandled);
   *   the build goes on and its value is cached.
   * - {@link close} rejects the builds in flight with ERR_CLIENTCACHE_CLOSED;
   *   whatever their factories return afterwards is dropped.
   *
   * Never throws: bad arguments, a key of the other kind and a closed cache
   * arrive as rejections.
   * @example
   * const s3 = await cache.getOrCreateAsync(key, async () => new S3Client(await loadConfig()));
   */
  getOrCreateAsync(key: K, factory: (key: K) => V | WithTtl<V> | PromiseLike<V | WithTtl<V>>, options?: EntryOptions): Promise<V>;
  /**
   * Drops every expired entry now (each told to dispose as `'expire'` and
   * counted in `stats().expirations`); returns how many. Expired entries
   * also leave whenever a call meets them, and are never returned.
   */
  purgeExpired(): number;
  /** The cache's default entry lifetime in ms (`0`: none). */
  readonly ttl: number;
  /**
   * Releases every value at once (the core frees the cache) and rejects the
   * {@link getOrCreateAsync} builds in flight. Every later use throws (or,
   * for getOrCreateAsync, rejects with) a CacheError with code
   * ERR_CLIENTCACHE_CLOSED; printed forms still work. Idempotent. Copies
   * made earlier stay open. Also `[Symbol.dispose]`, so
   * `using cache = new ClientCache()` (TypeScript ≥ 5.2; Node 24 for
   * JavaScript) closes it at the end of the block.
   */
  close(): void;
  /** True once {@link close} was called. */
  readonly closed: boolean;
  /** Same as {@link close}. */
  [Symbol.dispose](): void;
  /** Number of entries. */
  readonly size: number;
  /** Capacity (integer ≥ 1). Assigning a smaller value evicts victims until it fits. */
  maxSize: number;
  /** The policy this cache was created with. */
  readonly evictionPolicy: EvictionPolicy;
  /** Removes every entry, releasing the values (dispose: `'clear'`). */
  clear(): void;
  /**
   * A shallow copy (same entries, order, policy, capacity and lifetimes),
   * sharing the values, the ttl, the clock and the dispose function.
   */
  copy(): this;
  /** A snapshot of the counters. */
  stats(): CacheStats;
  /** Keys in victim order (first = next victim); a snapshot that promotes nothing. */
  keys(): IterableIterator<K>;
  /** Values in victim order; a snapshot that promotes nothing. */
  values(): IterableIterator<V>;
  /** `[key, value]` pairs in victim order; a snapshot that promotes nothing. */
  entries(): IterableIterator<[K, V]>;
  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[K, V]>;
  /**
   * `ClientCache { size: 1, maxSize: 10, evictionPolicy: 'LRU' }` (also what
   * `util.inspect` shows): never keys or values, which may hold credentials.
   */
  toString(): string;
  /**
   * For `JSON.stringify`: `{ type, size, maxSize, evictionPolicy }`, plus
   * `closed: true` (and size 0) once closed.
   */
  toJSON(): { type: string; size: number; maxSize: number; evictionPolicy: EvictionPolicy; closed?: true };
}

/** Anything with a `send` method: every AWS SDK v3 client. */
export interface SdkClientLike {
  send(command: any, ...rest: any[]): any;
}

/**
 * Service name → the SDK v3 client class `client()` builds for it
 * (`@aws-sdk/client-<name>`'s `<Service>Client`), so that
 * `client('s3', cfg)` is typed `S3Client` with no cast. Each entry refers to
 * an optional peer dependency: when its package is not installed the entry
 * is `any` (as the call itself would fail to load the package at run time).
 * Other service names take the generic overload of {@link client}
 * (`client<MyClient>('name', cfg)`).
 */
export interface ServiceClients {
  // @ts-ignore: an optional peer dependency (absent: any)
  s3: import('@aws-sdk/client-s3').S3Client;
  // @ts-ignore: an optional peer dependency (absent: any)
  dynamodb: import('@aws-sdk/client-dynamodb').DynamoDBClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  'dynamodb-streams': import('@aws-sdk/client-dynamodb-streams').DynamoDBStreamsClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  sqs: import('@aws-sdk/client-sqs').SQSClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  sns: import('@aws-sdk/client-sns').SNSClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  sts: import('@aws-sdk/client-sts').STSClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  lambda: import('@aws-sdk/client-lambda').LambdaClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  kms: import('@aws-sdk/client-kms').KMSClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  'secrets-manager': import('@aws-sdk/client-secrets-manager').SecretsManagerClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  ssm: import('@aws-sdk/client-ssm').SSMClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  ec2: import('@aws-sdk/client-ec2').EC2Client;
  // @ts-ignore: an optional peer dependency (absent: any)
  iam: import('@aws-sdk/client-iam').IAMClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  cloudwatch: import('@aws-sdk/client-cloudwatch').CloudWatchClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  'cloudwatch-logs': import('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  eventbridge: import('@aws-sdk/client-eventbridge').EventBridgeClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  kinesis: import('@aws-sdk/client-kinesis').KinesisClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  firehose: import('@aws-sdk/client-firehose').FirehoseClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  sfn: import('@aws-sdk/client-sfn').SFNClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  ecs: import('@aws-sdk/client-ecs').ECSClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  ecr: import('@aws-sdk/client-ecr').ECRClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  athena: import('@aws-sdk/client-athena').AthenaClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  glue: import('@aws-sdk/client-glue').GlueClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  ses: import('@aws-sdk/client-ses').SESClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  sesv2: import('@aws-sdk/client-sesv2').SESv2Client;
  // @ts-ignore: an optional peer dependency (absent: any)
  'cognito-identity-provider': import('@aws-sdk/client-cognito-identity-provider').CognitoIdentityProviderClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  cloudformation: import('@aws-sdk/client-cloudformation').CloudFormationClient;
  // @ts-ignore: an optional peer dependency (absent: any)
  'route-53': import('@aws-sdk/client-route-53').Route53Client;
  // @ts-ignore: an optional peer dependency (absent: any)
  'bedrock-runtime': import('@aws-sdk/client-bedrock-runtime').BedrockRuntimeClient;
}

/** A service name of {@link ServiceClients}. */
export type KnownService = keyof ServiceClients;

/** The client type of `client(S, …)`: the SDK's class (`any` when its package is absent). */
export type ServiceClient<S extends KnownService> = ServiceClients[S];

/**
 * A cache of AWS SDK v3 clients keyed by {@link ClientCacheKey}. Values that
 * are not SDK clients (no `send` function) are refused with ClientCacheError.
 * @example
 * const cache = new ClientCache({ evictionPolicy: 'LFU', maxSize: 4 });
 * cache.set(new ClientCacheKey('s3', { region_name: 'us-west-2' }), new S3Client({ region: 'us-west-2' }));
 */
export class ClientCache<V extends SdkClientLike = SdkClientLike> extends Cache<ClientCacheKey, V> {
  /**
   * @throws {ClientCacheError} ERR_CLIENTCACHE_INVALID_ARGUMENT for an unknown
   *   policy or a maxSize that is not an integer ≥ 1.
   */
  constructor(options?: CacheOptions<ClientCacheKey, V>);
}

/** A cache of resource objects keyed by {@link ResourceCacheKey}; values must be objects or functions. */
export class ResourceCache<V extends object = object> extends Cache<ResourceCacheKey, V> {
  constructor(options?: CacheOptions<ResourceCacheKey, V>);
}

/** Stable error codes (`error.code`), one per core status. */
export type ErrorCode =
  | 'ERR_CLIENTCACHE_NOT_FOUND'
  | 'ERR_CLIENTCACHE_EXISTS'
  | 'ERR_CLIENTCACHE_INVALID_ARGUMENT'
  | 'ERR_CLIENTCACHE_KIND_MISMATCH'
  | 'ERR_CLIENTCACHE_NULL_POINTER'
  | 'ERR_CLIENTCACHE_BUFFER_TOO_SMALL'
  | 'ERR_CLIENTCACHE_FACTORY_FAILED'
  | 'ERR_CLIENTCACHE_PANIC'
  /** The cache (or session) was closed; the binding's own code, not a core status. */
  | 'ERR_CLIENTCACHE_CLOSED';

/**
 * Base of every error clientcache throws on purpose. Messages name
 * parameters and types, never values, and show keys by their label
 * (secrets as `***`); `util.inspect` shows the stack, code and status only.
 */
export class CacheError extends Error {
  /** `'ERR_CLIENTCACHE_' + status`. */
  readonly code: ErrorCode;
  /** The core's status name: `'NOT_FOUND'`, `'INVALID_ARGUMENT'`, … */
  readonly status: string;
  /** For `JSON.stringify`: `{ name, code, status, message }`. */
  toJSON(): { name: string; code: ErrorCode; status: string; message: string };
}
/** Errors about client keys and client caches (invalid arguments, kind mismatch, …). */
export class ClientCacheError extends CacheError {}
/** `set` on a key that is present (code ERR_CLIENTCACHE_EXISTS). */
export class ClientCacheExistsError extends ClientCacheError {}
/** `getOrThrow` / `delete` / `popVictim` miss (code ERR_CLIENTCACHE_NOT_FOUND). */
export class ClientCacheNotFoundError extends ClientCacheError {}
/** Errors about resource keys and resource caches. */
export class ResourceCacheError extends CacheError {}
/** `set` on a resource key that is present. */
export class ResourceCacheExistsError extends ResourceCacheError {}
/** Resource lookup miss. */
export class ResourceCacheNotFoundError extends ResourceCacheError {}

/** Options for {@link client} and {@link Session.client}: which of the session's caches. */
export interface ClientOptions {
  /** Which cache of the session (one per policy, created on first use). Default `'LRU'`. */
  evictionPolicy?: EvictionPolicy | 'lru' | 'lfu';
  /** Capacity of that cache; resizes it when it already exists (shrinking evicts). */
  maxSize?: number;
}

/**
 * SDK v3 client options: what you would pass to `new S3Client(...)`. The
 * options with a row in the table of docs/identity.md ("SDK options: one
 * mapping for every language") give the same key as the Go, Rust and Python
 * spellings of the same configuration; every other option goes under
 * `config.<name>`. See {@link sdkConfigToParams}.
 */
export interface SdkConfig {
  /** → `region_name` (a provider function: `config.region` by instance). */
  region?: string | (() => unknown) | null;
  /** A string → `endpoint_url`; an endpoint object is data under `config.endpoint`, a provider by instance. */
  endpoint?: string | object | (() => unknown) | null;
  /** → `profile_name`. */
  profile?: string | null;
  /**
   * Static credentials → `aws_access_key_id` / `aws_secret_access_key` /
   * `aws_session_token` (digested in the key; `expiration`,
   * `credentialScope`, `accountId` and `$`-fields are not identity). A
   * provider (`fromIni()`, an async function) → `config.credential_provider`
   * by instance.
   */
  credentials?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; [field: string]: unknown } | ((...args: any[]) => unknown) | object | null;
  /** → `config.retries.total_max_attempts` (attempts in all, the first one included). */
  maxAttempts?: number | (() => unknown) | null;
  /** → `config.retries.mode`. */
  retryMode?: string | (() => unknown) | null;
  /**
   * A plain object: `connectionTimeout` / `requestTimeout` (ms) →
   * `config.connect_timeout` / `config.read_timeout` (seconds, ms / 1000);
   * other fields → `config.requestHandler.<field>` (agents by instance). A
   * handler instance → `config.requestHandler` by instance.
   */
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; [field: string]: unknown } | object | null;
  /** `true` → `config.s3.addressing_style = "path"`; `false` (the default) adds nothing. */
  forcePathStyle?: boolean | null;
  /** → `config.use_fips_endpoint` (an explicit `false` is kept: unset means "ask the environment"). */
  useFipsEndpoint?: boolean | (() => unknown) | null;
  /** → `config.use_dualstack_endpoint` (an explicit `false` is kept). */
  useDualstackEndpoint?: boolean | (() => unknown) | null;
  /** → `config.user_agent_appid`. */
  userAgentAppId?: string | (() => unknown) | null;
  /** A string → `config.user_agent_extra`; `[name, version]` pairs → `config.customUserAgent`. */
  customUserAgent?: string | [string, string?][] | null;
  /** → `use_ssl`. */
  tls?: boolean | null;
  /** Anything else: data under `config.<name>`; a function or object with behaviour by instance. */
  [option: string]: unknown;
}

/** Expiry and invalidation of a {@link Session}'s cached clients. */
export interface SessionOptions {
  /** A lifetime in ms for every client of the session's caches (`0`, the default: none). */
  ttl?: number;
  /**
   * A client built from static credentials with an `expiration` (a Date)
   * leaves the cache this many ms before they expire (default 300000, five
   * minutes), or at once if less is left. Clients built from providers
   * (functions) do not expire unless `ttl` says so.
   */
  credentialRefreshMarginMs?: number;
  /**
   * Each client the session builds gets a middleware that removes it from
   * the cache when a call fails with one of {@link credentialErrorNames} (if
   * the cache still holds that very client), so the next `client()` builds
   * a new one; the error reaches the caller unchanged. Default `true`.
   */
  invalidateOnAuthError?: boolean;
  /** Told about every client that leaves the session's caches (see {@link CacheOptions.dispose}). */
  dispose?: (client: SdkClientLike, key: ClientCacheKey, reason: DisposeReason) => void;
  /** **For tests.** The session caches' clock (see {@link CacheOptions.clock}). */
  clock?: () => bigint;
}

/**
 * Names of SDK errors (`err.name`, or `Code` / `code`) that mean a client's
 * credentials are expired or not accepted: `ExpiredToken`,
 * `ExpiredTokenException`, `RequestExpired`, `InvalidClientTokenId`,
 * `UnrecognizedClientException`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
 * `InvalidToken`, `TokenRefreshRequired` (as clientcache-aws), on an HTTP
 * 400, 401 or 403 response. Frozen.
 */
export const credentialErrorNames: readonly string[];

/**
 * SDK default options plus one {@link ClientCache} per eviction policy.
 * `String(session)`, `util.inspect` and `toJSON` show the defaults as key
 * params with secrets as `***`.
 * @example
 * const session = new Session({ region: 'us-west-2' });
 * const s3 = session.client('s3', { forcePathStyle: true });
 */
export class Session {
  /**
   * @param defaults SDK options merged under every call's own options
   *   (`region`, `profile`, `credentials`, …), validated at once. The object
   *   is copied (one level): adding options to it later changes nothing.
   * @throws {ClientCacheError} as {@link sdkConfigToParams}.
   */
  constructor(defaults?: SdkConfig | null, options?: SessionOptions | null);
  /** This session's cache for `options.evictionPolicy` (created on first use). */
  cache(options?: ClientOptions): ClientCache;
  /**
   * The key {@link Session.client} uses for (`serviceName`, `sdkConfig`):
   * the defaults merged under `sdkConfig` — the call wins option by option,
   * an `undefined` option counts as not given — then mapped as
   * {@link sdkConfigToParams} says. Builds no SDK client.
   * @example
   * new Session({ region: 'us-east-1' }).key('s3', { maxAttempts: 3 }).label;
   * // 's3(config={"retries":{"total_max_attempts":3}}, region_name="us-east-1")'
   */
  key(serviceName: string, sdkConfig?: SdkConfig | null): ClientCacheKey;
  /**
   * The cached client for (`serviceName`, defaults + `sdkConfig`), keyed by
   * {@link Session.key}. On a miss it loads `@aws-sdk/client-<serviceName>`
   * and caches `new <Service>Client(config)` (single-flight), handing the SDK
   * its own copy of the merged configuration.
   *
   * Objects rather than data (a credential provider, a handler instance, a
   * logger) are identified by instance: pass the same object on every call,
   * or every call gets a new client.
   * @throws {ClientCacheError} naming an option whose value has no exact
   *   JSON form, or when the SDK package cannot be loaded.
   */
  client<S extends KnownService>(serviceName: S, sdkConfig?: SdkConfig | null, options?: ClientOptions): ServiceClient<S>;
  /** Any other service: name the client type (`session.client<MyClient>('name', cfg)`), or get `any`. */
  client<C extends SdkClientLike = any>(serviceName: string, sdkConfig?: SdkConfig | null, options?: ClientOptions): C;
  /**
   * Closes every cache of this session, releasing the clients they hold.
   * Later {@link Session.client} and {@link Session.cache} calls throw a
   * ClientCacheError with code ERR_CLIENTCACHE_CLOSED; {@link Session.key}
   * still works (it needs no cache). Idempotent. Closing the default
   * session ({@link getDefaultSession}) makes {@link client} throw too.
   */
  close(): void;
  /** True once {@link Session.close} was called. */
  readonly closed: boolean;
  /** Same as {@link Session.close}: `using session = new Session()`. */
  [Symbol.dispose](): void;
  /** `Session(aws_secret_access_key=***, region_name="us-west-2")`: the defaults as key params. */
  toString(): string;
  /** For `JSON.stringify`: the defaults as a label (secrets as `***`) and each cache's size. */
  toJSON(): { defaults: string; caches: ReturnType<ClientCache['toJSON']>[] };
}

/**
 * The cached AWS SDK v3 client from the default session (which has no
 * defaults): a second call with an equal configuration returns the identical
 * object. For the services of {@link ServiceClients} the result is typed as
 * the SDK's client class (`client('s3', cfg)` is an `S3Client`).
 * @example
 * const s3 = client('s3', { region: 'us-west-2' });
 * s3 === client('s3', { region: 'us-west-2' }); // true
 */
export function client<S extends KnownService>(serviceName: S, sdkConfig?: SdkConfig | null, options?: ClientOptions): ServiceClient<S>;
/**
 * Any other service (a name {@link ServiceClients} does not list): name the
 * client type, `client<MyClient>('name', cfg)`, or get `any`.
 */
export function client<C extends SdkClientLike = any>(serviceName: string, sdkConfig?: SdkConfig | null, options?: ClientOptions): C;

/** The session behind {@link client}. */
export function getDefaultSession(): Session;

/**
 * SDK v3 options → key params, exactly as the table in docs/identity.md
 * ("SDK options") says: `region` → `region_name`, `endpoint` (string) →
 * `endpoint_url`, `profile` → `profile_name`, `tls` → `use_ssl`,
 * `credentials.{accessKeyId, secretAccessKey, sessionToken}` → `aws_…`,
 * `maxAttempts` → `config.retries.total_max_attempts`, `retryMode` →
 * `config.retries.mode`, `requestHandler.{connectionTimeout, requestTimeout}`
 * (ms) → `config.connect_timeout` / `config.read_timeout` (seconds),
 * `forcePathStyle: true` → `config.s3.addressing_style: "path"`,
 * `useFipsEndpoint` / `useDualstackEndpoint` → `config.use_fips_endpoint` /
 * `config.use_dualstack_endpoint`, `userAgentAppId` →
 * `config.user_agent_appid`, `customUserAgent` (string) →
 * `config.user_agent_extra`; every other data option → `config.<name>`.
 *
 * An object rather than data — a function, a class instance, or an object
 * literal with methods — is recorded as the string `"instance:<n>"` under
 * `config.<name>` (`config.credential_provider` for credentials,
 * `config.requestHandler` for a handler), where `n` is given to the object
 * the first time this process sees it and never reused. `null` for a mapped
 * option means "not given".
 * @throws {ClientCacheError} ERR_CLIENTCACHE_INVALID_ARGUMENT naming the
 *   option: a value with no exact JSON form (NaN, a lone surrogate, a
 *   symbol, a Symbol-keyed member, …), a mapped option of the wrong type,
 *   two options that set the same key path (`retries` and `maxAttempts`), or
 *   a data string of the form `"instance:<n>"` where an object could be
 *   recorded.
 */
export function sdkConfigToParams(sdkConfig?: SdkConfig | null): KeyParams;

/** The key {@link client} uses for (`serviceName`, `sdkConfig`): `getDefaultSession().key(...)`. */
export function clientKey(serviceName: string, sdkConfig?: SdkConfig | null): ClientCacheKey;

/** Version string of the linked libclientcache. */
export function libraryVersion(): string;
