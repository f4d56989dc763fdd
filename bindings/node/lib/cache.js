'use strict';
const util = require('node:util');
const native = require('./native');
const { KIND_CLIENT, KIND_RESOURCE, invalid } = require('./errors');
const { handleOf, keyFromHandle } = require('./keys');
const { typeName } = require('./params');

const POLICIES = { LRU: 0, LFU: 1 };
const kFromHandle = Symbol('clientcache.cacheFromHandle');
const KEY_CLASS = ['ClientCacheKey', 'ResourceCacheKey'];

function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function';
}

/**
 * A bounded LRU / LFU cache over the Rust core. Use ClientCache
 * or ResourceCache. Values are held by reference (never copied) and released
 * when evicted, deleted, cleared, or when the cache itself is collected.
 */
class Cache {
  #h;
  #kind;
  #policy;
  #checkValue;

  constructor(kind, checkValue, options, handle) {
    if (new.target === Cache) throw new TypeError('Cache is abstract: use ClientCache or ResourceCache');
    this.#kind = kind;
    this.#checkValue = checkValue;
    if (options === kFromHandle) {
      this.#policy = handle.policy;
      this.#h = handle.h;
      return;
    }
    if (options === undefined) options = {};
    if (options === null || typeof options !== 'object') {
      throw invalid(kind, `options must be an object, not a ${typeName(options)}`);
    }
    for (const name of Object.keys(options)) {
      if (name !== 'evictionPolicy' && name !== 'maxSize') {
        throw invalid(kind, `unknown option ${JSON.stringify(name)} (expected evictionPolicy, maxSize)`);
      }
    }
    const { evictionPolicy = 'LRU', maxSize = 10 } = options;
    const policy = typeof evictionPolicy === 'string' ? evictionPolicy.toUpperCase() : evictionPolicy;
    if (!Object.hasOwn(POLICIES, policy)) {
      throw invalid(kind, `evictionPolicy must be 'LRU' or 'LFU', not ${typeof evictionPolicy === 'string'
        ? JSON.stringify(evictionPolicy) : `a ${typeName(evictionPolicy)}`}`);
    }
    checkMaxSize(kind, maxSize);
    this.#policy = policy;
    this.#h = native.cacheNew(kind, POLICIES[policy], maxSize);
  }

  #key(key) {
    const h = handleOf(key);
    if (h === undefined) {
      throw invalid(this.#kind, `key must be a ${KEY_CLASS[this.#kind]}, not a ${typeName(key)}`);
    }
    return h;
  }

  /**
   * Inserts `value` under `key`; may evict victims. Throws …ExistsError when
   * the key is present (the cache is unchanged). Returns this.
   */
  set(key, value) {
    const h = this.#key(key);
    this.#checkValue(value);
    native.cacheSet(this.#h, h, value);
    return this;
  }

  /** The value for `key` (promoting it), or undefined on a miss. */
  get(key) {
    return native.cacheGet(this.#h, this.#key(key));
  }

  /** The value for `key` (promoting it); throws …NotFoundError on a miss. */
  getOrThrow(key) {
    return native.cacheGetOrThrow(this.#h, this.#key(key));
  }

  /** The value for `key` without promoting it (not counted in stats), or undefined. */
  peek(key) {
    return native.cachePeek(this.#h, this.#key(key));
  }

  /** Whether `key` is present; promotes nothing and is not counted in stats. */
  has(key) {
    return native.cacheHas(this.#h, this.#key(key));
  }

  /** Removes `key` and returns its value; throws …NotFoundError on a miss. */
  delete(key) {
    return native.cacheDelete(this.#h, this.#key(key));
  }

  /** Removes and returns the next victim as [key, value]; throws …NotFoundError when empty. */
  popVictim() {
    const pair = native.cachePopVictim(this.#h);
    pair[0] = keyFromHandle(this.#kind, pair[0]);
    return pair;
  }

  /**
   * The value for `key`; on a miss calls `factory(key)` once, caches and
   * returns its result (single-flight in the core). A factory that throws
   * leaves the cache unchanged and its error propagates unchanged. The
   * factory must be synchronous: a returned Promise is refused.
   */
  getOrCreate(key, factory) {
    const h = this.#key(key);
    if (typeof factory !== 'function') {
      throw invalid(this.#kind, `factory must be a function, not a ${typeName(factory)}`);
    }
    const kind = this.#kind;
    const checkValue = this.#checkValue;
    return native.cacheGetOrCreate(this.#h, h, () => {
      const value = factory(key);
      if (isThenable(value)) {
        // Not cached; keep a later rejection from becoming an unhandled one.
        Promise.resolve(value).catch(() => {});
        throw invalid(kind, 'getOrCreate: the factory returned a Promise; factories must be synchronous ' +
          '(await the value first, then set() it)');
      }
      checkValue(value);
      return value;
    });
  }

  /** Number of entries. */
  get size() {
    return native.cacheSize(this.#h);
  }

  /** Capacity (≥ 1). Setting a smaller value evicts victims until it fits. */
  get maxSize() {
    return native.cacheMaxSize(this.#h);
  }

  set maxSize(n) {
    checkMaxSize(this.#kind, n);
    native.cacheSetMaxSize(this.#h, n);
  }

  /** 'LRU' or 'LFU'. */
  get evictionPolicy() {
    return this.#policy;
  }

  /** Removes every entry, releasing the values. */
  clear() {
    native.cacheClear(this.#h);
  }

  /** A shallow copy: same entries, order and capacity, sharing the values. */
  copy() {
    return Reflect.construct(Cache, [this.#kind, this.#checkValue, kFromHandle,
      { h: native.cacheCopy(this.#h), policy: this.#policy }], this.constructor);
  }

  /** Counters: hits, misses, insertions, evictions, removals, size, maxSize. */
  stats() {
    return native.cacheStats(this.#h);
  }

  /** Keys in victim order (first = next victim). A snapshot: promotes nothing. */
  keys() {
    const kind = this.#kind;
    return native.cacheSnapshot(this.#h, false).map((h) => keyFromHandle(kind, h))[Symbol.iterator]();
  }

  /** Values in victim order. A snapshot: promotes nothing. */
  values() {
    const flat = native.cacheSnapshot(this.#h, true);
    const out = new Array(flat.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = flat[2 * i + 1];
    return out[Symbol.iterator]();
  }

  /** [key, value] pairs in victim order. A snapshot: promotes nothing. */
  entries() {
    const kind = this.#kind;
    const flat = native.cacheSnapshot(this.#h, true);
    const out = new Array(flat.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = [keyFromHandle(kind, flat[2 * i]), flat[2 * i + 1]];
    return out[Symbol.iterator]();
  }

  /** Same as entries(). */
  [Symbol.iterator]() {
    return this.entries();
  }

  /**
   * `ClientCache { size: 1, maxSize: 10, evictionPolicy: 'LRU' }`. No printed
   * form (this, util.inspect, toJSON) shows keys or values: values such as
   * SDK clients hold credentials.
   */
  toString() {
    return `${this.constructor.name} { size: ${this.size}, maxSize: ${this.maxSize}, evictionPolicy: '${this.#policy}' }`;
  }

  /** For JSON.stringify: the class, size, maxSize and policy. */
  toJSON() {
    return { type: this.constructor.name, size: this.size, maxSize: this.maxSize, evictionPolicy: this.#policy };
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

function checkMaxSize(kind, n) {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw invalid(kind, `maxSize must be an integer ≥ 1, not ${typeof n === 'number' ? n : `a ${typeName(n)}`}`);
  }
}

function checkClient(value) {
  if (value === null || typeof value !== 'object' || typeof value.send !== 'function') {
    throw invalid(KIND_CLIENT, `a ClientCache holds AWS SDK v3 clients (objects with a send() method), not a ${typeName(value)}`);
  }
}

function checkResource(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw invalid(KIND_RESOURCE, `a ResourceCache holds objects, not a ${typeName(value)}`);
  }
}

/** A cache of AWS SDK v3 clients, keyed by ClientCacheKey. */
class ClientCache extends Cache {
  /** @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options] */
  constructor(options) {
    super(KIND_CLIENT, checkClient, options);
  }
}

/** A cache of resource objects, keyed by ResourceCacheKey. */
class ResourceCache extends Cache {
  /** @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options] */
  constructor(options) {
    super(KIND_RESOURCE, checkResource, options);
  }
}

module.exports = { Cache, ClientCache, ResourceCache, KIND_CLIENT, KIND_RESOURCE };
