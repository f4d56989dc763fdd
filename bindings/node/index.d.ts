// Type definitions for clientcache (Node binding of libclientcache).
//
// Identity (DESIGN §2): a key is (kind, service name, params); two keys are
// equal when their canonical forms (RFC 8785 JSON, secrets replaced by their
// SHA-256) are equal, and their fingerprints agree across Rust, C, Go and Node.

/** Kind of a key or cache. */
export type Kind = 'client' | 'resource';

/** Eviction policy: least recently used, or least frequently used (ties: least recently used). */
export type EvictionPolicy = 'LRU' | 'LFU';

/** A JSON value that can be canonicalized. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [name: string]: JsonValue | undefined };

/**
 * Key params: names from the DESIGN §2 vocabulary (boto3's Session.client
 * signature plus the profile). Unknown top-level names are refused, naming
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

/**
 * An immutable cache key. Construct a {@link ClientCacheKey} or
 * {@link ResourceCacheKey}; this base class exists for `instanceof`.
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
  /** The label. `util.inspect(key)` shows the label too. */
  toString(): string;
}

/**
 * A key for a {@link ClientCache}.
 * @example
 * const key = new ClientCacheKey('s3', { region_name: 'us-west-2' });
 * key.label; // 's3(region_name="us-west-2")'
 * @throws {ClientCacheError} `code` ERR_CLIENTCACHE_INVALID_ARGUMENT for a bad
 *   service name, an unknown parameter, or a value JSON cannot represent
 *   (function, class instance, NaN, ±Infinity, BigInt, …); the message names it.
 */
export class ClientCacheKey extends CacheKey {
  /**
   * @param serviceName 1–64 characters of `[a-z0-9-]`, starting with a letter (`s3`, `sso-oidc`).
   * @param params §2 params; omitted, `{}` and all-null params are the same key.
   */
  constructor(serviceName: string, params?: KeyParams | null);
  /**
   * A key from raw params JSON text (or UTF-8 bytes), handed to the core
   * verbatim: duplicate member names, `5.0`, out-of-range integers… are judged
   * by the core exactly as in every other language. `null` = no params.
   */
  static fromJSON(serviceName: string, paramsJson: string | Uint8Array | null): ClientCacheKey;
}

/** A key for a {@link ResourceCache}. Same rules as {@link ClientCacheKey}. */
export class ResourceCacheKey extends CacheKey {
  constructor(serviceName: string, params?: KeyParams | null);
  /** A key from raw params JSON text (or UTF-8 bytes), handed to the core verbatim. */
  static fromJSON(serviceName: string, paramsJson: string | Uint8Array | null): ResourceCacheKey;
}

/** Options of a cache. */
export interface CacheOptions {
  /** `'LRU'` (default) or `'LFU'` (case-insensitive). */
  evictionPolicy?: EvictionPolicy | 'lru' | 'lfu';
  /** Capacity, an integer ≥ 1 (default 10). */
  maxSize?: number;
}

/** Counters of a cache (DESIGN §3). */
export interface CacheStats {
  /** Lookups by get / getOrThrow / getOrCreate that found the key. */
  hits: number;
  /** Lookups by get / getOrThrow / getOrCreate that did not (peek and has are not lookups). */
  misses: number;
  /** Successful inserts (set, and getOrCreate's factory results). */
  insertions: number;
  /** Capacity-driven evictions (by inserts and by shrinking maxSize). */
  evictions: number;
  /** Entries removed by delete and popVictim. */
  removals: number;
  /** Current number of entries. */
  size: number;
  /** Current capacity. */
  maxSize: number;
}

/**
 * A bounded cache over the Rust core. Values are held by reference and
 * released (exactly once) when evicted, deleted, popped, cleared, or when the
 * cache object itself is garbage-collected. All methods are synchronous.
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
  set(key: K, value: V): this;
  /** The value for `key`, promoting it (LRU: most recent; LFU: frequency + 1), or `undefined`. */
  get(key: K): V | undefined;
  /**
   * The value for `key`, promoting it.
   * @throws {ClientCacheNotFoundError | ResourceCacheNotFoundError} on a miss.
   */
  getOrThrow(key: K): V;
  /** The value for `key` without promoting it or counting a lookup, or `undefined`. */
  peek(key: K): V | undefined;
  /** Whether `key` is present (no promotion, not counted as a lookup). */
  has(key: K): boolean;
  /**
   * Removes `key` and returns its value.
   * @throws {ClientCacheNotFoundError | ResourceCacheNotFoundError} on a miss.
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
   * ERR_CLIENTCACHE_INVALID_ARGUMENT (and its eventual rejection is swallowed).
   */
  getOrCreate(key: K, factory: (key: K) => V): V;
  /** Number of entries. */
  readonly size: number;
  /** Capacity (integer ≥ 1). Assigning a smaller value evicts victims until it fits. */
  maxSize: number;
  /** The policy this cache was created with. */
  readonly evictionPolicy: EvictionPolicy;
  /** Removes every entry, releasing the values. */
  clear(): void;
  /** A shallow copy (same entries, order, policy and capacity), sharing the values. */
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
}

/** Anything with a `send` method: every AWS SDK v3 client. */
export interface SdkClientLike {
  send(command: any, ...rest: any[]): any;
}

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
  constructor(options?: CacheOptions);
}

/** A cache of resource objects keyed by {@link ResourceCacheKey}; values must be objects or functions. */
export class ResourceCache<V extends object = object> extends Cache<ResourceCacheKey, V> {
  constructor(options?: CacheOptions);
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
  | 'ERR_CLIENTCACHE_PANIC';

/** Base of every error clientcache throws on purpose. Messages never contain a secret. */
export class CacheError extends Error {
  /** `'ERR_CLIENTCACHE_' + status`. */
  readonly code: ErrorCode;
  /** The core's status name: `'NOT_FOUND'`, `'INVALID_ARGUMENT'`, … */
  readonly status: string;
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
 * SDK default options plus one {@link ClientCache} per eviction policy.
 * @example
 * const session = new Session({ region: 'us-west-2' });
 * const s3 = session.client('s3', { forcePathStyle: true });
 */
export class Session {
  /**
   * @param defaults SDK options merged under every call's own options
   *   (`region`, `profile`, `credentials`, …), validated at once.
   */
  constructor(defaults?: Record<string, unknown>);
  /** This session's cache for `options.evictionPolicy` (created on first use). */
  cache(options?: ClientOptions): ClientCache;
  /**
   * The cached client for (`serviceName`, defaults + `sdkConfig`). On a miss
   * it loads `@aws-sdk/client-<serviceName>` and caches
   * `new <Service>Client(config)` (single-flight). Option names map onto the
   * §2 vocabulary as {@link sdkConfigToParams} describes.
   * @throws {ClientCacheError} naming an option that cannot be canonicalized
   *   (a function, e.g. a credential provider, or a class instance such as a
   *   custom requestHandler), or when the SDK package cannot be loaded.
   */
  client<C extends SdkClientLike = any>(serviceName: string, sdkConfig?: Record<string, unknown>, options?: ClientOptions): C;
}

/**
 * The cached AWS SDK v3 client from the default session:
 * a second call with an equal configuration returns the identical object.
 * @example
 * const s3 = client('s3', { region: 'us-west-2' });
 * s3 === client('s3', { region: 'us-west-2' }); // true
 */
export function client<C extends SdkClientLike = any>(serviceName: string, sdkConfig?: Record<string, unknown>, options?: ClientOptions): C;

/** The session behind {@link client}. */
export function getDefaultSession(): Session;

/**
 * SDK v3 option names → §2 params: `region` → `region_name`, `endpoint` →
 * `endpoint_url`, `profile` → `profile_name`, `credentials.accessKeyId` /
 * `secretAccessKey` / `sessionToken` → `aws_access_key_id` /
 * `aws_secret_access_key` / `aws_session_token`; every other option, under
 * its own name, into `config`.
 * @throws {ClientCacheError} naming the option when a value cannot be canonicalized.
 */
export function sdkConfigToParams(sdkConfig?: Record<string, unknown> | null): KeyParams;

/** The key {@link client} uses for (`serviceName`, `sdkConfig`). */
export function clientKey(serviceName: string, sdkConfig?: Record<string, unknown> | null): ClientCacheKey;

/** Version string of the linked libclientcache. */
export function libraryVersion(): string;
