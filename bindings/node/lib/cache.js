'use strict';
const util = require('node:util');
const { AsyncLocalStorage } = require('node:async_hooks');
const native = require('./native');
const { KIND_CLIENT, KIND_RESOURCE, CacheError, invalid, closedError } = require('./errors');
const { handleOf, keyFromHandle } = require('./keys');
const { typeName } = require('./params');

const POLICIES = { LRU: 0, LFU: 1 };
// The core's removal causes (clientcache_cause, by value) as dispose reasons.
const REASONS = ['evict', 'expire', 'delete', 'replace', 'clear'];
const OPTIONS = ['evictionPolicy', 'maxSize', 'ttl', 'dispose', 'clock'];
const kFromHandle = Symbol('clientcache.cacheFromHandle');
const KEY_CLASS = ['ClientCacheKey', 'ResourceCacheKey'];
// Test-only option (a Symbol key, so no options check sees it): every call
// goes to the core, for the differential test of the JS hit path.
const kCoreOnly = Symbol('clientcache.coreOnly');

// ---- values served from JS ---------------------------------------------
//
// A hit through the core costs a Node-API call plus the core's lock and a
// reference count on the value, about three times lru-cache's whole get.
// An LRU cache with no expiring entries therefore serves repeated hits from
// values it already holds, without changing any outcome (README.md,
// "Design notes", "Hits served from JS"):
//  - membership stays the core's: a value is remembered (per cache, per key
//    object) only from a lookup, insert or getOrCreate the core answered,
//    and served only while `epoch[0]` is unchanged — the addon adds one to
//    it whenever any value leaves any cache (eviction, delete, clear,
//    expiry, close), before any JS can run;
//  - recency and counters stay the core's: each served hit is recorded, and
//    before any other operation on the cache the core replays them
//    (native.cacheTouch: one get per remembered key, in the order of each
//    key's last hit — the LRU order those hits give), and the counters add
//    the hits the replay folded together;
//  - a hit inside a call into the core for the same cache (from a
//    getOrCreate factory or a dispose function) goes to the core at once:
//    the outer call's own effects come after it;
//  - no expiry to decide: entries with a lifetime (a cache ttl, a per-entry
//    ttl or withTtl) turn this off for the cache for good, as does LFU,
//    whose order depends on every hit.
// test/fastpath.test.js runs random operation sequences against a cache
// that sends every call to the core and compares every result, the
// counters, the victim order and the dispose calls.
const epoch = native.epoch;

/** A value remembered from the core for one key object (see above). */
class Remembered {
  constructor(value, h, gen) {
    this.value = value;
    this.h = h; // the key handle the replay looks up
    this.gen = gen; // epoch[0] when the core answered
    this.seq = 0; // order of the last served hit
    this.dirty = false; // in #touched
    // getOrCreateAsync's already-resolved Promise of `value`, made once
    // (null: the value has a then() method and cannot be resolved to)
    this.settled = undefined;
  }
}

function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function';
}

// ---- getOrCreateAsync: builds in flight --------------------------------
//
// The pending builds of a cache live in JS, keyed by the key's canonical
// form (the core's identity, exactly): a Promise cannot wait inside the
// core. Everything else stays the core's — a hit is the core's get (which
// counts the hit or the miss, one per caller, as get_or_insert_with does),
// and a build lands through the core's insert, where EXISTS means a plain
// insert won the race, as in the core's own rule.

/** One build: the Promise every caller of the key shares. */
class Flight {
  settled = false;

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A caller may stop waiting and drop the promise: a rejection nobody
    // awaits is not an unhandled rejection. Every caller that awaits still
    // receives it.
    this.promise.catch(() => {});
  }
}

// Re-entrancy: the flights whose factories the current async context runs
// inside, as a list { flight, outer } carried by an AsyncLocalStorage. A
// caller that would wait for a flight on that list is waiting for itself
// and gets an error instead of a Promise that never settles — the core's
// rule for a factory that asks for its own key, whether directly or
// through a factory of another key. In Node 20 an enabled
// AsyncLocalStorage slows every await in the process (it installs promise
// hooks), so it is enabled only while some build is in flight.
let building;
let flightsInFlight = 0;

function buildingChain() {
  return building === undefined ? undefined : building.getStore();
}

function inChain(chain, flight) {
  for (let c = chain; c !== undefined; c = c.outer) if (c.flight === flight) return true;
  return false;
}

function runFactory(chain, factory, key) {
  if (building === undefined) building = new AsyncLocalStorage();
  return building.run(chain, factory, key);
}

function flightEnded() {
  if (--flightsInFlight === 0 && building !== undefined) building.disable();
}

// ---- lifetimes and dispose -----------------------------------------------

// Where a getOrCreate factory leaves its entry's lifetime for the addon.
const ttlBox = new Float64Array(1);

/** What a factory returns to give the new entry its own lifetime: see withTtl(). */
class WithTtl {
  constructor(value, ttl) {
    this.value = value;
    this.ttl = ttl;
    Object.freeze(this);
  }
}

/**
 * Wraps a factory's value with the new entry's lifetime in milliseconds
 * (0 or Infinity: never expires): `cache.getOrCreate(key, () =>
 * withTtl(client, ms))`. The cache holds `value`, not the wrapper.
 */
function withTtl(value, ttl) {
  checkTtl(KIND_CLIENT, ttl, 'withTtl: ttl');
  return new WithTtl(value, ttl);
}

function checkTtl(kind, ttl, what = 'ttl') {
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl < 0) {
    throw invalid(kind, `${what} must be a number of milliseconds ≥ 0 (0 or Infinity: never expires), not ${
      typeof ttl === 'number' ? ttl : `a ${typeName(ttl)}`}`);
  }
}

/** The `ttl` of a per-call options object (undefined: the cache's own). */
function entryTtl(kind, options, method) {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw invalid(kind, `${method}: options must be an object, not a ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (name !== 'ttl') throw invalid(kind, `${method}: unknown option ${JSON.stringify(name)} (expected ttl)`);
  }
  const { ttl } = options;
  if (ttl !== undefined) checkTtl(kind, ttl, `${method}: ttl`);
  return ttl;
}

/**
 * Calls the user's dispose. What it throws cannot be the error of the
 * operation that happened to make the value leave (a get() of another key
 * can expire this one): it is rethrown on a later tick, as an uncaught
 * exception, like an error thrown by a timer callback.
 */
function callDispose(dispose, value, key, reason) {
  try {
    dispose(value, key, reason);
  } catch (err) {
    process.nextTick(() => { throw err; });
  }
}

/** The dispatcher the addon calls with (keyHandle, value, cause) when a value has left. */
function makeDeliver(kind, dispose) {
  return (keyHandle, value, cause) => callDispose(dispose, value, keyFromHandle(kind, keyHandle), REASONS[cause] ?? 'clear');
}

/** A Promise for a value that may itself have a `then` method (a ResourceCache holds any object). */
function promiseOf(kind, value) {
  if (isThenable(value)) {
    return Promise.reject(invalid(kind, 'getOrCreateAsync: the cached value has a then() method, so no Promise ' +
      'can resolve to it (it would be adopted as a thenable); use get()'));
  }
  return Promise.resolve(value);
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
  // canonical form → Flight: getOrCreateAsync builds in progress
  #flights = new Map();
  #closed = false;
  #closedMaxSize = 0;
  // Expiry settings, shared with copies. The addon holds #deliver and
  // #clock weakly; these fields keep them alive as long as a cache object
  // using them is.
  #ttl = 0;
  #dispose;
  #deliver;
  #clock;
  // Values served from JS (see "values served from JS" above): whether this
  // cache may, key object → Remembered, hits served since the last replay
  // (each Remembered once), their count, the last hit's number, and the
  // hits the replays folded together (added to stats().hits).
  #fast = false;
  #mirror = new WeakMap();
  #touched = [];
  #served = 0;
  #seq = 0;
  #folded = 0;
  // calls into the core for this cache in progress (nested ones included)
  #depth = 0;

  constructor(kind, checkValue, options, handle) {
    if (new.target === Cache) throw new TypeError('Cache is abstract: use ClientCache or ResourceCache');
    this.#kind = kind;
    this.#checkValue = checkValue;
    if (options === kFromHandle) {
      this.#policy = handle.policy;
      this.#h = handle.h;
      this.#ttl = handle.ttl;
      this.#dispose = handle.dispose;
      this.#deliver = handle.deliver;
      this.#clock = handle.clock;
      this.#fast = handle.fast;
      return;
    }
    if (options === undefined) options = {};
    if (options === null || typeof options !== 'object') {
      throw invalid(kind, `options must be an object, not a ${typeName(options)}`);
    }
    for (const name of Object.keys(options)) {
      if (!OPTIONS.includes(name)) {
        throw invalid(kind, `unknown option ${JSON.stringify(name)} (expected ${OPTIONS.join(', ')})`);
      }
    }
    const { evictionPolicy = 'LRU', maxSize = 10, ttl = 0, dispose, clock } = options;
    checkTtl(kind, ttl);
    if (dispose !== undefined && typeof dispose !== 'function') {
      throw invalid(kind, `dispose must be a function, not a ${typeName(dispose)}`);
    }
    if (clock !== undefined && typeof clock !== 'function') {
      throw invalid(kind, `clock must be a function returning bigint nanoseconds, not a ${typeName(clock)}`);
    }
    const policy = typeof evictionPolicy === 'string' ? evictionPolicy.toUpperCase() : evictionPolicy;
    if (!Object.hasOwn(POLICIES, policy)) {
      throw invalid(kind, `evictionPolicy must be 'LRU' or 'LFU', not ${typeof evictionPolicy === 'string'
        ? JSON.stringify(evictionPolicy) : `a ${typeName(evictionPolicy)}`}`);
    }
    checkMaxSize(kind, maxSize);
    this.#policy = policy;
    this.#ttl = ttl === Infinity ? 0 : ttl;
    this.#dispose = dispose;
    this.#deliver = dispose === undefined ? undefined : makeDeliver(kind, dispose);
    this.#clock = clock;
    this.#h = native.cacheNew(kind, POLICIES[policy], maxSize, this.#ttl, this.#deliver, clock);
    this.#fast = policy === 'LRU' && this.#ttl === 0 && options[kCoreOnly] !== true;
  }

  // ---- the JS hit path -----------------------------------------------------

  /** The Remembered value for `key` if it may be served now, else undefined. */
  #servable(key) {
    const r = this.#mirror.get(key);
    return r !== undefined && r.gen === epoch[0] && this.#depth === 0 ? r : undefined;
  }

  /** Records a served hit for the next replay. */
  #hit(r) {
    r.seq = ++this.#seq;
    if (!r.dirty) {
      r.dirty = true;
      this.#touched.push(r);
    }
    this.#served++;
  }

  /**
   * Before every call into the core for this cache: replays the hits served
   * since the last one, so the core's order and counters are what they
   * would have been. Returns epoch[0] for #after.
   */
  #before() {
    if (this.#touched.length !== 0) this.#replay();
    this.#depth++;
    return epoch[0];
  }

  #replay() {
    const touched = this.#touched;
    this.#touched = [];
    touched.sort((a, b) => a.seq - b.seq);
    const handles = new Array(touched.length);
    for (let i = 0; i < touched.length; i++) {
      handles[i] = touched[i].h;
      touched[i].dirty = false;
    }
    this.#folded += this.#served - touched.length;
    this.#served = 0;
    const missed = native.cacheTouch(this.#h, handles);
    if (missed !== 0) throw new Error(`clientcache: internal error: ${missed} replayed hit(s) missed`);
  }

  /** After a call into the core: forget every value if anything left meanwhile. */
  #after(gen) {
    this.#depth--;
    if (epoch[0] !== gen && this.#fast) this.#mirror = new WeakMap();
  }

  /** Remembers a value the core just returned or took for `key` (gen: epoch[0] before the call). */
  #remember(key, h, value, gen) {
    if (this.#fast && epoch[0] === gen) this.#mirror.set(key, new Remembered(value, h, gen));
  }

  /** An entry with a lifetime: the core decides every hit from now on. */
  #noFast() {
    if (!this.#fast) return;
    // From here on lookups go straight to the core (no replay before them):
    // nothing may stay pending.
    if (this.#touched.length !== 0) this.#replay();
    this.#fast = false;
    this.#mirror = new WeakMap();
  }

  /** Whether a per-call ttl gives the entry a lifetime. */
  static #expires(ttl) {
    return ttl !== undefined && ttl !== 0 && ttl !== Infinity;
  }

  #key(key) {
    const h = handleOf(key);
    if (h === undefined) {
      throw invalid(this.#kind, `key must be a ${KEY_CLASS[this.#kind]}, not a ${typeName(key)}`);
    }
    return h;
  }

  /**
   * Inserts `value` under `key`; may evict victims (expired entries first).
   * Throws …ExistsError when the key is present (the cache is unchanged).
   * `options.ttl`: this entry's lifetime in ms from now (0 or Infinity:
   * never expires), instead of the cache's. Returns this.
   */
  set(key, value, options) {
    const h = this.#key(key);
    const ttl = options === undefined ? undefined : entryTtl(this.#kind, options, 'set');
    this.#checkValue(value);
    this.#setIn(key, h, value, ttl);
    return this;
  }

  #setIn(key, h, value, ttl) {
    if (Cache.#expires(ttl)) this.#noFast();
    const gen = this.#before();
    try {
      native.cacheSet(this.#h, h, value, ttl);
    } finally {
      this.#after(gen);
    }
    this.#remember(key, h, value, gen);
  }

  /** The value for `key` (promoting it), or undefined on a miss. */
  get(key) {
    if (this.#fast) {
      const r = this.#mirror.get(key);
      if (r !== undefined && r.gen === epoch[0] && this.#depth === 0) {
        this.#hit(r);
        return r.value;
      }
      return this.#lookup(key, native.cacheGet);
    }
    return native.cacheGet(this.#h, this.#key(key));
  }

  /** The value for `key` (promoting it); throws …NotFoundError on a miss. */
  getOrThrow(key) {
    if (!this.#fast) return native.cacheGetOrThrow(this.#h, this.#key(key));
    const r = this.#servable(key);
    if (r !== undefined) {
      this.#hit(r);
      return r.value;
    }
    return this.#lookup(key, native.cacheGetOrThrow);
  }

  /** get / getOrThrow through the core. */
  #lookup(key, fn) {
    const h = this.#key(key);
    const gen = this.#before();
    let value;
    try {
      value = fn(this.#h, h);
    } finally {
      this.#after(gen);
    }
    if (value !== undefined) this.#remember(key, h, value, gen);
    return value;
  }

  /** The value for `key` without promoting it (not counted in stats), or undefined. */
  peek(key) {
    if (!this.#fast) return native.cachePeek(this.#h, this.#key(key));
    const r = this.#servable(key);
    if (r !== undefined) return r.value;
    return this.#call(native.cachePeek, this.#key(key));
  }

  /** Whether `key` is present; promotes nothing and is not counted in stats. */
  has(key) {
    if (!this.#fast) return native.cacheHas(this.#h, this.#key(key));
    if (this.#servable(key) !== undefined) return true;
    return this.#call(native.cacheHas, this.#key(key));
  }

  /** A call into the core for this cache (after the replay of served hits). */
  #call(fn, a, b) {
    const gen = this.#before();
    try {
      return fn(this.#h, a, b);
    } finally {
      this.#after(gen);
    }
  }

  /** Removes `key` and returns its value; throws …NotFoundError on a miss. */
  delete(key) {
    return this.#call(native.cacheDelete, this.#key(key));
  }

  /** Removes and returns the next victim as [key, value]; throws …NotFoundError when empty. */
  popVictim() {
    const pair = this.#call(native.cachePopVictim);
    pair[0] = keyFromHandle(this.#kind, pair[0]);
    return pair;
  }

  /**
   * The value for `key`; on a miss calls `factory(key)` once, caches and
   * returns its result (single-flight in the core). A factory that throws
   * leaves the cache unchanged and its error propagates unchanged. The
   * factory must be synchronous: a returned Promise is refused (see
   * getOrCreateAsync). A build of getOrCreateAsync in flight for the key is
   * not waited for: this call builds its own value, which is then resident
   * and wins when that build lands.
   */
  getOrCreate(key, factory, options) {
    if (options === undefined && typeof factory === 'function' && this.#fast) {
      const r = this.#mirror.get(key);
      if (r !== undefined && r.gen === epoch[0] && this.#depth === 0) {
        this.#hit(r);
        return r.value;
      }
    }
    const h = this.#key(key);
    if (typeof factory !== 'function') {
      throw invalid(this.#kind, `factory must be a function, not a ${typeName(factory)}`);
    }
    const kind = this.#kind;
    const checkValue = this.#checkValue;
    const ttl = options === undefined ? undefined : entryTtl(kind, options, 'getOrCreate');
    const gen = this.#before();
    let value;
    try {
      value = this.#getOrCreateIn(key, h, factory, kind, checkValue, ttl);
    } finally {
      this.#after(gen);
    }
    this.#remember(key, h, value, gen);
    return value;
  }

  #getOrCreateIn(key, h, factory, kind, checkValue, ttl) {
    return native.cacheGetOrCreate(this.#h, h, () => {
      let value = factory(key);
      if (isThenable(value)) {
        // Not cached; keep a later rejection from becoming an unhandled one.
        Promise.resolve(value).catch(() => {});
        throw invalid(kind, 'getOrCreate: the factory returned a Promise; factories must be synchronous ' +
          '(await the value first, then set() it)');
      }
      let entry = ttl;
      if (value instanceof WithTtl) {
        entry = value.ttl;
        value = value.value;
      }
      checkValue(value);
      if (Cache.#expires(entry)) this.#noFast();
      // Read by the addon as soon as this returns (nested calls have
      // finished by then): the new entry's lifetime, NaN for the cache's own.
      ttlBox[0] = entry === undefined ? NaN : entry;
      return value;
    }, ttlBox);
  }

  /**
   * A Promise for the value of `key`. On a hit it is already resolved (and
   * may be the same Promise object an earlier hit returned). On a
   * miss `factory(key)` runs once for all concurrent callers of the key, who
   * share one Promise; its value is inserted through the core and every
   * caller gets it. If a plain set() of the key lands while the factory
   * runs, the set value wins: every caller gets it and the factory's value
   * is dropped. A rejection (or a synchronous throw) reaches every caller,
   * unchanged, and is not cached: the next call runs the factory again.
   * The factory may be async or return a value. A factory that waits for
   * its own key gets a CacheError (INVALID_ARGUMENT), not a Promise that
   * never settles. Never throws: errors arrive as rejections.
   */
  getOrCreateAsync(key, factory, options) {
    if (this.#fast && options === undefined && typeof factory === 'function') {
      // A hit served from JS: one resolved Promise per remembered value, so
      // a hit neither allocates nor looks up the value's then() twice.
      const r = this.#servable(key);
      if (r !== undefined) {
        let settled = r.settled;
        if (settled === undefined) settled = r.settled = isThenable(r.value) ? null : Promise.resolve(r.value);
        if (settled !== null) {
          this.#hit(r);
          return settled;
        }
      }
    }
    try {
      const h = this.#key(key);
      if (typeof factory !== 'function') {
        throw invalid(this.#kind, `factory must be a function, not a ${typeName(factory)}`);
      }
      const ttl = options === undefined ? undefined : entryTtl(this.#kind, options, 'getOrCreateAsync');
      const value = this.get(key);
      if (value !== undefined) return promiseOf(this.#kind, value);
      return this.#join(key, h, factory, ttl);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The miss path: join the key's flight, or start one. */
  #join(key, h, factory, ttl) {
    const id = native.keyCanonical(h);
    const chain = buildingChain();
    let flight = this.#flights.get(id);
    if (flight !== undefined) {
      if (chain !== undefined && inChain(chain, flight)) {
        throw invalid(this.#kind, `getOrCreateAsync: the factory for ${key.label} waits for its own key ` +
          '(directly or through the factory of another key); it would never finish');
      }
      return flight.promise;
    }
    flight = new Flight();
    this.#flights.set(id, flight);
    flightsInFlight++;
    try {
      const result = runFactory({ flight, outer: chain }, factory, key);
      if (isThenable(result)) {
        Promise.resolve(result).then((value) => this.#land(id, flight, key, h, value, ttl), (err) => this.#fail(id, flight, err));
      } else {
        this.#land(id, flight, key, h, result, ttl);
      }
    } catch (err) {
      this.#fail(id, flight, err);
    }
    return flight.promise;
  }

  #retire(id, flight) {
    flight.settled = true;
    if (this.#flights.get(id) === flight) this.#flights.delete(id);
    flightEnded();
  }

  /**
   * A factory's value: inserted through the core (EXISTS: the resident value
   * wins). A value the cache never took is told to dispose as the core tells
   * a synchronous factory's: 'replace' when a set() won, 'clear' when the
   * cache was closed meanwhile.
   */
  #land(id, flight, key, h, value, ttl) {
    if (value instanceof WithTtl) {
      ttl = value.ttl;
      value = value.value;
    }
    if (flight.settled) { // closed meanwhile: the value is dropped
      if (this.#dispose !== undefined && this.#closed) this.#disposeDropped(value, key, 'clear');
      return;
    }
    this.#retire(id, flight);
    try {
      this.#checkValue(value);
      this.#setIn(key, h, value, ttl);
      flight.resolve(value);
    } catch (err) {
      if (!(err instanceof CacheError && err.status === 'EXISTS')) {
        flight.reject(err);
        return;
      }
      this.#disposeDropped(value, key, 'replace');
      try {
        flight.resolve(promiseOf(this.#kind, this.#call(native.cachePeek, h)));
      } catch (err2) {
        flight.reject(err2);
      }
    }
  }

  #disposeDropped(value, key, reason) {
    if (this.#dispose === undefined) return;
    try {
      this.#checkValue(value);
    } catch {
      return; // not a value this cache could hold
    }
    callDispose(this.#dispose, value, key, reason);
  }

  #fail(id, flight, err) {
    if (flight.settled) return;
    this.#retire(id, flight);
    flight.reject(err);
  }

  /**
   * Closes the cache: every value is released at once (the core frees the
   * cache), and every later use throws (or, for getOrCreateAsync, rejects
   * with) a CacheError with code ERR_CLIENTCACHE_CLOSED. Builds still in
   * flight reject with that error now; their factories run on, and what
   * they return is dropped. Idempotent. Copies are not closed.
   */
  close() {
    if (this.#closed) return;
    let maxSize = 0;
    try {
      maxSize = native.cacheMaxSize(this.#h);
    } catch {
      // torn down with its environment already
    }
    this.#closed = true;
    this.#closedMaxSize = maxSize;
    // Served hits of a closed cache are no longer observable: nothing to replay.
    this.#fast = false;
    this.#mirror = new WeakMap();
    this.#touched = [];
    this.#served = 0;
    native.cacheClose(this.#h);
    if (this.#flights.size > 0) {
      const flights = [...this.#flights.values()];
      this.#flights.clear();
      for (const flight of flights) {
        flight.settled = true;
        flightEnded();
        flight.reject(closedError(this.#kind, 'the cache was closed while getOrCreateAsync waited for its factory'));
      }
    }
  }

  /**
   * Drops every expired entry now (each goes to dispose with 'expire' and
   * counts in stats().expirations) and returns how many left. Expired
   * entries also leave whenever an operation meets them, and are never
   * returned.
   */
  purgeExpired() {
    return this.#call(native.cachePurgeExpired);
  }

  /** The cache's default entry lifetime in ms (0: none). */
  get ttl() {
    return this.#ttl;
  }

  /** True once close() was called. */
  get closed() {
    return this.#closed;
  }

  /** Number of entries. */
  get size() {
    return this.#call(native.cacheSize);
  }

  /** Capacity (≥ 1). Setting a smaller value evicts victims until it fits. */
  get maxSize() {
    return this.#call(native.cacheMaxSize);
  }

  set maxSize(n) {
    checkMaxSize(this.#kind, n);
    this.#call(native.cacheSetMaxSize, n);
  }

  /** 'LRU' or 'LFU'. */
  get evictionPolicy() {
    return this.#policy;
  }

  /** Removes every entry, releasing the values. */
  clear() {
    this.#call(native.cacheClear);
  }

  /** A shallow copy: same entries, order and capacity, sharing the values. */
  copy() {
    return Reflect.construct(Cache, [this.#kind, this.#checkValue, kFromHandle, {
      h: this.#call(native.cacheCopy),
      policy: this.#policy,
      ttl: this.#ttl,
      dispose: this.#dispose,
      deliver: this.#deliver,
      clock: this.#clock,
      fast: this.#fast,
    }], this.constructor);
  }

  /** Counters: hits, misses, insertions, evictions, removals, expirations, size, maxSize. */
  stats() {
    const stats = this.#call(native.cacheStats);
    stats.hits += this.#folded;
    return stats;
  }

  /** Keys in victim order (first = next victim). A snapshot: promotes nothing. */
  keys() {
    const kind = this.#kind;
    return this.#call(native.cacheSnapshot, false).map((h) => keyFromHandle(kind, h))[Symbol.iterator]();
  }

  /** Values in victim order. A snapshot: promotes nothing. */
  values() {
    const flat = this.#call(native.cacheSnapshot, true);
    const out = new Array(flat.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = flat[2 * i + 1];
    return out[Symbol.iterator]();
  }

  /** [key, value] pairs in victim order. A snapshot: promotes nothing. */
  entries() {
    const kind = this.#kind;
    const flat = this.#call(native.cacheSnapshot, true);
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
    if (this.#closed) {
      return `${this.constructor.name} { closed, maxSize: ${this.#closedMaxSize}, evictionPolicy: '${this.#policy}' }`;
    }
    return `${this.constructor.name} { size: ${this.size}, maxSize: ${this.maxSize}, evictionPolicy: '${this.#policy}' }`;
  }

  /** For JSON.stringify: the class, size, maxSize and policy (and `closed: true` once closed). */
  toJSON() {
    if (this.#closed) {
      return { type: this.constructor.name, size: 0, maxSize: this.#closedMaxSize, evictionPolicy: this.#policy, closed: true };
    }
    return { type: this.constructor.name, size: this.size, maxSize: this.maxSize, evictionPolicy: this.#policy };
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

// `using cache = new ClientCache()` (TypeScript ≥ 5.2, or JavaScript on
// Node 24) closes the cache at the end of the block. Defined only where the
// runtime has Symbol.dispose.
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Cache.prototype, Symbol.dispose, {
    value: function dispose() { this.close(); },
    writable: true,
    configurable: true,
  });
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
  /** @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number, ttl?: number, dispose?: Function, clock?: () => bigint }} [options] */
  constructor(options) {
    super(KIND_CLIENT, checkClient, options);
  }
}

/** A cache of resource objects, keyed by ResourceCacheKey. */
class ResourceCache extends Cache {
  /** @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number, ttl?: number, dispose?: Function, clock?: () => bigint }} [options] */
  constructor(options) {
    super(KIND_RESOURCE, checkResource, options);
  }
}

module.exports = { Cache, ClientCache, ResourceCache, KIND_CLIENT, KIND_RESOURCE, withTtl, REASONS, kCoreOnly };
