'use strict';
// High-level API: cached AWS SDK v3 clients. `client('s3', sdkConfig)` maps
// the SDK's option names onto the key vocabulary exactly as the table in
// docs/identity.md ("SDK options: one mapping for every language") says,
// builds the key in the core, and returns the cached `new S3Client(config)`
// (creating it on a miss).
const path = require('node:path');
const util = require('node:util');
const { createRequire } = require('node:module');
const { KIND_CLIENT, invalid, closedError } = require('./errors');
const {
  toJson, checkString, typeName, isPlainObject, isPlainArray, isWellFormed, ownNames, memberPath, refuse,
} = require('./params');
const { ClientCacheKey } = require('./keys');
const { ClientCache, withTtl } = require('./cache');
const { ConfigMemo } = require('./memo');

// Test-only: how many configurations a session's memo holds.
const kMemoSize = Symbol('clientcache.memoSize');

// Bookkeeping fields of an SDK credentials object: not identity. (`$`-fields
// such as `$source`, which the SDK writes in after resolving, too.)
const CREDENTIAL_METADATA = new Set(['expiration', 'credentialScope', 'accountId']);

// ---- instance identity -------------------------------------------------

// Object → number, given the first time this process sees the object and
// never reused for another one (the counter only grows; entries die with
// their objects). Module-level: every session agrees on an object's number.
const instanceIds = new WeakMap();
const INSTANCE_MARKER = /^instance:[0-9]+$/;
let lastInstanceId = 0;

/** `"instance:<n>"` for an object or function (docs/identity.md, "Objects are identified by instance"). */
function instanceMarker(obj) {
  let id = instanceIds.get(obj);
  if (id === undefined) {
    id = ++lastInstanceId;
    instanceIds.set(obj, id);
  }
  return `instance:${id}`;
}

// ---- the params tree ------------------------------------------------------

// An option value that is plain data: its exact JSON text (checked) and the
// value itself (for sdkConfigToParams).
class Data {
  constructor(raw, value) {
    this.raw = raw;
    this.value = value;
  }

  /**
   * A copy that JSON.stringify writes as exactly `raw`: the value itself
   * for a string, boolean or number, else the parsed text — fresh plain
   * data, read once, with no getters left. (A BigInt parses to the nearest
   * double, which is the same integer for every value the core accepts:
   * it refuses the others either way.)
   */
  forKey() {
    const v = this.value;
    return typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? v : JSON.parse(this.raw);
  }
}

const kBehavior = Symbol('clientcache.behavior');
function stopAtBehavior(value) {
  if (typeof value === 'function' ||
      (typeof value === 'object' && value !== null && !isPlainObject(value) && !isPlainArray(value))) {
    throw kBehavior;
  }
  return undefined;
}

/**
 * An option value as key material: plain data is kept as Data (refusing what
 * has no exact JSON form, naming `where`); an object rather than data — a
 * function, a class instance, or a plain object/array holding either (a
 * logger or strategy written as an object literal) — is its instance marker.
 */
function optionValue(value, where) {
  if (typeof value === 'function' ||
      (typeof value === 'object' && value !== null && !isPlainObject(value) && !isPlainArray(value))) {
    return instanceMarker(value);
  }
  if (typeof value === 'symbol') throw refuse(KIND_CLIENT, where, 'a symbol has no JSON form');
  if (typeof value === 'string' && INSTANCE_MARKER.test(value)) {
    // As data it would give the key of the object with that number.
    throw refuse(KIND_CLIENT, where, 'strings of the form "instance:<n>" are how objects are recorded in keys; ' +
      'as data this one would stand for another object');
  }
  try {
    return new Data(toJson(value, where, KIND_CLIENT, stopAtBehavior), value);
  } catch (err) {
    if (err !== kBehavior) throw err;
    return instanceMarker(value);
  }
}

// One object of the params tree; its own properties are its members, so
// JSON.stringify writes the tree in one call.
class Node {}

function setMember(node, name, value) {
  if (name === '__proto__') {
    Object.defineProperty(node, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    node[name] = value;
  }
}

// Builds the params of one SDK configuration, refusing two options that
// would give the same key path. For a key (`forKey`), data leaves are plain
// copies JSON.stringify writes exactly as checked; for sdkConfigToParams,
// the caller's values.
class ParamsBuilder {
  params = new Node();
  #forKey;
  // [node, name, option] for every member created: who set what, for the
  // message when two options collide (searched only then).
  #log = [];

  constructor(forKey) {
    this.#forKey = forKey;
  }

  /** Sets params[path[0]][path[1]]… = value on behalf of `option`. */
  set(path, value, option) {
    let node = this.params;
    const last = path.length - 1;
    for (let i = 0; i <= last; i++) {
      const name = path[i];
      let member = Object.hasOwn(node, name) ? node[name] : undefined;
      if (member === undefined) {
        member = i < last ? new Node() : value instanceof Data ? (this.#forKey ? value.forKey() : value.value) : value;
        setMember(node, name, member);
        this.#log.push(node, name, option);
      } else if (i === last || !(member instanceof Node)) {
        throw invalid(KIND_CLIENT, `options "${this.#ownerOf(node, name)}" and "${option}" both set ` +
          `parameter "${path.slice(0, i + 1).join('.')}"; give only one of them`);
      }
      node = member;
    }
  }

  #ownerOf(node, name) {
    for (let i = 0; i < this.#log.length; i += 3) {
      if (this.#log[i] === node && this.#log[i + 1] === name) return this.#log[i + 2];
    }
    return '?';
  }
}

function expectType(value, type, option, what) {
  if (typeof value !== type) {
    throw invalid(KIND_CLIENT, `option "${option}" must be ${what}, not a ${typeName(value)}`);
  }
}

// Options whose value of the expected type maps onto a key path (the table
// in docs/identity.md); anything else that is not a primitive (a provider
// function, an object) goes under config.<option name> by the general rule,
// and null means "not given".
const MAPPED = new Map([
  ['region', { type: 'string', what: 'a string or a provider function', path: ['region_name'] }],
  ['endpoint', { type: 'string', what: 'a string, an endpoint object or a provider function', path: ['endpoint_url'] }],
  ['profile', { type: 'string', what: 'a string', path: ['profile_name'] }],
  ['tls', { type: 'boolean', what: 'a boolean', path: ['use_ssl'] }],
  ['maxAttempts', { type: 'number', what: 'a number or a provider function', path: ['config', 'retries', 'total_max_attempts'] }],
  ['retryMode', { type: 'string', what: 'a string or a provider function', path: ['config', 'retries', 'mode'] }],
  // true only: false is every SDK's default and nothing in the environment
  // changes it, so it adds nothing
  ['forcePathStyle', { type: 'boolean', what: 'a boolean', path: ['config', 's3', 'addressing_style'], value: (v) => (v ? 'path' : undefined) }],
  // Unset means "ask the environment", so an explicit false is kept.
  ['useFipsEndpoint', { type: 'boolean', what: 'a boolean or a provider function', path: ['config', 'use_fips_endpoint'] }],
  ['useDualstackEndpoint', { type: 'boolean', what: 'a boolean or a provider function', path: ['config', 'use_dualstack_endpoint'] }],
  ['userAgentAppId', { type: 'string', what: 'a string or a provider function', path: ['config', 'user_agent_appid'] }],
  ['customUserAgent', { type: 'string', what: 'a string or an array of [name, version] pairs', path: ['config', 'user_agent_extra'] }],
]);
const CREDENTIALS = new Map([
  ['accessKeyId', ['aws_access_key_id']],
  ['secretAccessKey', ['aws_secret_access_key']],
  ['sessionToken', ['aws_session_token']],
]);
const CREDENTIAL_PROVIDER = ['config', 'credential_provider'];
const HANDLER = ['config', 'requestHandler'];
const CONNECT_TIMEOUT = ['config', 'connect_timeout'];
const READ_TIMEOUT = ['config', 'read_timeout'];

function number(v, where) {
  if (!Number.isFinite(v)) throw refuse(KIND_CLIENT, where, `${v} has no JSON form (only finite numbers are JSON)`);
  return v;
}

function mapCredentials(b, value) {
  if (!isPlainObject(value)) {
    // A provider (fromIni(), fromEnv(), an async function, …): by instance.
    b.set(CREDENTIAL_PROVIDER, instanceMarker(value), 'credentials');
    return;
  }
  for (const field of ownNames(value, 'credentials', KIND_CLIENT)) {
    const v = value[field];
    if (v === undefined || v === null || field.startsWith('$') || CREDENTIAL_METADATA.has(field)) continue;
    const path = CREDENTIALS.get(field);
    if (path === undefined) {
      throw invalid(KIND_CLIENT, `option "${memberPath('credentials', field)}" is not part of a credentials identity ` +
        '(accessKeyId, secretAccessKey and sessionToken are; expiration, credentialScope, accountId ' +
        'and $-fields are ignored)');
    }
    if (typeof v !== 'string') expectType(v, 'string', memberPath('credentials', field), 'a string');
    if (!isWellFormed(v)) checkString(v, memberPath('credentials', field), KIND_CLIENT, 'the string');
    b.set(path, v, 'credentials');
  }
}

function mapRequestHandler(b, value) {
  if (!isPlainObject(value)) {
    // A handler instance (NodeHttpHandler, FetchHttpHandler, …) or a function.
    b.set(HANDLER, instanceMarker(value), 'requestHandler');
    return;
  }
  for (const field of ownNames(value, 'requestHandler', KIND_CLIENT)) {
    const v = value[field];
    if (v === undefined) continue;
    const where = memberPath('requestHandler', field);
    if (field === 'connectionTimeout' || field === 'requestTimeout') {
      if (v === null) continue;
      expectType(v, 'number', where, 'a number of milliseconds');
      // Seconds: one correctly rounded division, so 1234 ms is 1.234.
      b.set(field === 'connectionTimeout' ? CONNECT_TIMEOUT : READ_TIMEOUT, number(v, where) / 1000, where);
    } else {
      // httpAgent, httpsAgent (by instance), socket options, … (data)
      b.set(['config', 'requestHandler', field], optionValue(v, where), where);
    }
  }
}

/**
 * The params tree of one SDK configuration (a plain object, already checked
 * by the caller): for a key (`forKey`), or with the caller's own values.
 */
function buildParams(sdkConfig, names, forKey) {
  const b = new ParamsBuilder(forKey);
  for (const name of names) {
    const value = sdkConfig[name];
    if (value === undefined || value === null && MAPPED.has(name)) continue; // null: not given
    const mapped = MAPPED.get(name);
    if (mapped !== undefined) {
      if (typeof value === mapped.type) {
        if (mapped.type === 'string' && !isWellFormed(value)) checkString(value, name, KIND_CLIENT, 'the string');
        const v = mapped.value === undefined ? (mapped.type === 'number' ? number(value, name) : value) : mapped.value(value);
        if (v !== undefined) b.set(mapped.path, v, name);
        continue;
      }
      if (typeof value !== 'object' && typeof value !== 'function') expectType(value, mapped.type, name, mapped.what);
      // a provider function or an object: the general rule below
    } else if (name === 'credentials') {
      if (value !== null) mapCredentials(b, value);
      continue;
    } else if (name === 'requestHandler') {
      if (value !== null) mapRequestHandler(b, value);
      continue;
    }
    b.set(['config', name], optionValue(value, name), name);
  }
  return b.params;
}

function checkSdkConfig(sdkConfig) {
  if (!isPlainObject(sdkConfig)) {
    throw invalid(KIND_CLIENT, `the SDK configuration must be a plain object, not a ${typeName(sdkConfig)}`);
  }
  return ownNames(sdkConfig, '', KIND_CLIENT);
}

/** A params tree (the caller's values) as plain objects. */
function treeValue(node) {
  if (!(node instanceof Node)) return node;
  const out = {};
  for (const name of Object.keys(node)) setMember(out, name, treeValue(node[name]));
  return out;
}

/** The params JSON text of an SDK configuration (checked and mapped). */
function sdkConfigJson(sdkConfig) {
  if (sdkConfig === undefined || sdkConfig === null) return '{}';
  return JSON.stringify(buildParams(sdkConfig, checkSdkConfig(sdkConfig), true));
}

/**
 * Maps an SDK v3 client configuration onto key params, as the table in
 * docs/identity.md ("SDK options") says: region → region_name, endpoint
 * (string) → endpoint_url, profile → profile_name, tls → use_ssl,
 * credentials.{accessKeyId, secretAccessKey, sessionToken} → aws_…,
 * maxAttempts → config.retries.total_max_attempts, retryMode →
 * config.retries.mode, requestHandler.{connectionTimeout, requestTimeout}
 * (ms) → config.connect_timeout / config.read_timeout (seconds),
 * forcePathStyle: true → config.s3.addressing_style "path",
 * useFipsEndpoint / useDualstackEndpoint → config.use_fips_endpoint /
 * config.use_dualstack_endpoint, userAgentAppId → config.user_agent_appid,
 * customUserAgent (string) → config.user_agent_extra; every other data
 * option → config.<name>. An object rather than data (a provider function,
 * a handler or logger instance) is recorded as "instance:<n>" under
 * config.<name> (credentials: config.credential_provider). Values with no
 * exact JSON form throw a ClientCacheError naming the option.
 * @param {object} [sdkConfig]
 * @returns {object} params for new ClientCacheKey(service, params)
 */
function sdkConfigToParams(sdkConfig) {
  if (sdkConfig === undefined || sdkConfig === null) return {};
  return treeValue(buildParams(sdkConfig, checkSdkConfig(sdkConfig), false));
}

/**
 * The ClientCacheKey that client(serviceName, sdkConfig) uses (the default
 * session has no defaults).
 * @param {string} serviceName
 * @param {object} [sdkConfig]
 * @returns {ClientCacheKey}
 */
function clientKey(serviceName, sdkConfig) {
  checkServiceName(serviceName);
  return ClientCacheKey.fromJSON(serviceName, sdkConfigJson(sdkConfig));
}

function checkServiceName(serviceName) {
  if (typeof serviceName !== 'string') {
    throw invalid(KIND_CLIENT, `serviceName must be a string, not a ${typeName(serviceName)}`);
  }
}

const classes = new Map();

// ---- lifetimes and invalidation -------------------------------------------

/** Default refresh margin: a client leaves the cache this long before its credentials expire. */
const DEFAULT_CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Error names (an SDK v3 service exception's `name`, or its `Code`) that mean
 * the client's credentials are expired or not accepted: a call failing with
 * one of them removes the client from its session cache.
 */
const CREDENTIAL_ERROR_NAMES = Object.freeze([
  'ExpiredToken', // S3, STS and other XML services: the session token has expired
  'ExpiredTokenException', // JSON services (DynamoDB, Kinesis, …): the same
  'RequestExpired', // EC2 and query services: the signed request is too old
  'InvalidClientTokenId', // STS, IAM and query services: unknown access key id or token
  'UnrecognizedClientException', // JSON services: unknown access key id or token
  'InvalidAccessKeyId', // S3: unknown access key id
  'SignatureDoesNotMatch', // most services: the secret does not match the key id
  'InvalidToken', // S3: a malformed or otherwise invalid session token
  'TokenRefreshRequired', // S3: the session token must be refreshed
]);
// The same codes as clientcache-aws (rust/aws/src/auth.rs), on the same
// HTTP statuses; an error without an HTTP status is judged by name alone.
const CREDENTIAL_ERROR_STATUSES = new Set([400, 401, 403]);
const CREDENTIAL_ERRORS = new Set(CREDENTIAL_ERROR_NAMES);
const INVALIDATE_MIDDLEWARE = 'clientcacheInvalidateOnAuthError';

function isCredentialError(err) {
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return false;
  try {
    if (!(CREDENTIAL_ERRORS.has(err.name) || CREDENTIAL_ERRORS.has(err.Code) || CREDENTIAL_ERRORS.has(err.code))) return false;
    const status = err.$metadata && err.$metadata.httpStatusCode;
    return typeof status !== 'number' || CREDENTIAL_ERROR_STATUSES.has(status);
  } catch {
    return false; // a hostile getter: not ours to judge
  }
}

/**
 * Adds a middleware to `sdkClient` (outermost in the initialize step, so it
 * sees each call's final error, after the SDK's retries) that removes the
 * client from `cache` when a call fails with a credential error — only if
 * the cache still holds this very client under `key` — and rethrows the
 * error unchanged. The cache is held weakly: a cached client must not keep
 * its own cache alive.
 */
function addInvalidation(sdkClient, cache, key) {
  const stack = sdkClient && sdkClient.middlewareStack;
  if (stack === undefined || stack === null || typeof stack.add !== 'function') return;
  const cacheRef = new WeakRef(cache);
  stack.add((next) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (isCredentialError(err)) {
        const owner = cacheRef.deref();
        try {
          if (owner !== undefined && !owner.closed && owner.peek(key) === sdkClient) owner.delete(key);
        } catch {
          // the caller gets its own error, never one of ours
        }
      }
      throw err;
    }
  }, { step: 'initialize', priority: 'high', name: INVALIDATE_MIDDLEWARE, tags: ['CLIENTCACHE'], override: true });
}

/**
 * How long a client built from `credentials` may stay cached, in ms
 * (undefined: the cache's own ttl): static credentials with an
 * `expiration` Date leave `margin` ms before it, and never later than the
 * session's ttl. Providers (functions, objects) refresh themselves: no
 * lifetime of their own.
 */
function credentialsTtl(credentials, margin, sessionTtl, nowMs) {
  if (!isPlainObject(credentials)) return undefined;
  const expiration = credentials.expiration;
  if (expiration === undefined || expiration === null) return undefined;
  if (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
    throw invalid(KIND_CLIENT, `option "credentials.expiration" must be a valid Date, not ${
      expiration instanceof Date ? 'an invalid Date' : `a ${typeName(expiration)}`}`);
  }
  // Already inside the margin: the client expires at once (1 µs), so every
  // call builds a fresh one until the credentials are replaced.
  let ttl = Math.max(expiration.getTime() - margin - nowMs, 0.001);
  if (sessionTtl > 0 && sessionTtl < ttl) ttl = sessionTtl;
  return ttl;
}

/**
 * Where the application's own packages are looked up from, first to last:
 * the entry script (`require.main`, or `process.argv[1]` for an ES module
 * entry) and the working folder. The SDK class must be the application's, or
 * `client('s3') instanceof S3Client` would be false there: when this package
 * is a folder install or a link (a symlink to a checkout with its own
 * devDependencies), a plain require() from here would find this folder's
 * node_modules first.
 */
function applicationBases() {
  const bases = [];
  if (require.main && typeof require.main.filename === 'string') bases.push(require.main.filename);
  if (typeof process.argv[1] === 'string' && process.argv[1] !== '') bases.push(path.resolve(process.argv[1]));
  // createRequire wants a file name; the file need not exist.
  bases.push(path.join(process.cwd(), '[clientcache-application]'));
  return [...new Set(bases)];
}

/**
 * Loads `name` as the application would: from each base of
 * applicationBases() in turn, and only then from this package's own place
 * (its parents' node_modules: the application's again for an ordinary
 * install, as when clientcache is a dependency of another package).
 */
function requirePackage(name) {
  for (const base of applicationBases()) {
    let file;
    try {
      file = createRequire(base).resolve(name);
    } catch (err) {
      if (err && err.code === 'MODULE_NOT_FOUND') continue;
      throw err;
    }
    return require(file);
  }
  return require(name);
}

/**
 * The SDK client class for a service: `@aws-sdk/client-<service>`'s
 * `<Service>Client` (s3 → S3Client, dynamodb → DynamoDBClient,
 * sso-oidc → SSOOIDCClient).
 */
function clientClass(serviceName) {
  let cls = classes.get(serviceName);
  if (cls !== undefined) return cls;
  const pkg = `@aws-sdk/client-${serviceName}`;
  let mod;
  try {
    mod = requirePackage(pkg);
  } catch (err) {
    throw invalid(KIND_CLIENT, `client('${serviceName}'): cannot load ${pkg} (${err.code || err.message}); ` +
      `install it next to your application (npm install ${pkg})`);
  }
  const want = `${serviceName.replace(/-/g, '')}client`;
  let name = Object.keys(mod).find((n) => n.toLowerCase() === want && typeof mod[n] === 'function');
  if (name === undefined) {
    const candidates = Object.keys(mod).filter((n) => /^[A-Z][A-Za-z0-9]*Client$/.test(n) && typeof mod[n] === 'function');
    if (candidates.length === 1) name = candidates[0];
  }
  if (name === undefined) throw invalid(KIND_CLIENT, `${pkg} exports no <Service>Client class`);
  cls = mod[name];
  classes.set(serviceName, cls);
  return cls;
}

const SESSION_OPTIONS = ['ttl', 'credentialRefreshMarginMs', 'invalidateOnAuthError', 'dispose', 'clock'];

function sessionOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') {
    throw invalid(KIND_CLIENT, `session options must be an object, not a ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!SESSION_OPTIONS.includes(name)) {
      throw invalid(KIND_CLIENT, `unknown session option ${JSON.stringify(name)} (expected ${SESSION_OPTIONS.join(', ')})`);
    }
  }
  const {
    ttl = 0, credentialRefreshMarginMs = DEFAULT_CREDENTIAL_REFRESH_MARGIN_MS, invalidateOnAuthError = true, dispose, clock,
  } = options;
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl < 0) {
    throw invalid(KIND_CLIENT, `ttl must be a number of milliseconds ≥ 0 (0 or Infinity: none), not ${typeof ttl === 'number' ? ttl : `a ${typeName(ttl)}`}`);
  }
  if (typeof credentialRefreshMarginMs !== 'number' || !Number.isFinite(credentialRefreshMarginMs) || credentialRefreshMarginMs < 0) {
    throw invalid(KIND_CLIENT, 'credentialRefreshMarginMs must be a finite number of milliseconds ≥ 0, not ' +
      `${typeof credentialRefreshMarginMs === 'number' ? credentialRefreshMarginMs : `a ${typeName(credentialRefreshMarginMs)}`}`);
  }
  if (typeof invalidateOnAuthError !== 'boolean') {
    throw invalid(KIND_CLIENT, `invalidateOnAuthError must be a boolean, not a ${typeName(invalidateOnAuthError)}`);
  }
  if (dispose !== undefined && typeof dispose !== 'function') {
    throw invalid(KIND_CLIENT, `dispose must be a function, not a ${typeName(dispose)}`);
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw invalid(KIND_CLIENT, `clock must be a function returning bigint nanoseconds, not a ${typeName(clock)}`);
  }
  return { ttl: ttl === Infinity ? 0 : ttl, margin: credentialRefreshMarginMs, invalidate: invalidateOnAuthError, dispose, clock };
}

function cacheOptions(options) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw invalid(KIND_CLIENT, `options must be an object, not a ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (name !== 'evictionPolicy' && name !== 'maxSize') {
      throw invalid(KIND_CLIENT, `unknown option ${JSON.stringify(name)} (expected evictionPolicy, maxSize)`);
    }
  }
  return options;
}

/**
 * A set of default SDK options plus one ClientCache per eviction policy.
 * `session.client('s3', cfg)` merges the defaults under `cfg` (the call wins,
 * option by option; an `undefined` option counts as not given) and returns
 * the cached client for the result. Printed forms (util.inspect, String(),
 * toJSON) show the defaults as key params with secrets as `***`.
 */
class Session {
  #defaults;
  #caches = new Map();
  // SDK configuration → key for the clients this session's caches hold
  // (lib/memo.js): a hit reads the configuration but builds no params text
  // and asks nothing of the core. It holds credentials in clear text, so
  // each entry leaves with its client (#departed) and all of it on close().
  #memo = new ConfigMemo();
  // this.#caches.get('LRU'): what cache() with no options returns
  #lru;
  #closed = false;
  // ttl, margin, invalidate, dispose, clock (sessionOptions)
  #options;

  /**
   * @param {object} [defaults] SDK options applied to every client of this
   *   session (region, profile, credentials, …); each call's own options win.
   * @param {{ ttl?: number, credentialRefreshMarginMs?: number, invalidateOnAuthError?: boolean,
   *   dispose?: Function, clock?: () => bigint }} [options] expiry and invalidation
   */
  constructor(defaults, options) {
    this.#options = sessionOptions(options);
    if (defaults === undefined || defaults === null) {
      this.#defaults = undefined;
      return;
    }
    const names = checkSdkConfig(defaults);
    const own = {};
    for (const name of names) {
      const value = defaults[name]; // read once
      if (value !== undefined) Object.defineProperty(own, name, { value, enumerable: true, writable: true, configurable: true });
    }
    buildParams(own, Object.keys(own), true); // validate early
    this.#defaults = own;
  }

  /**
   * This session's cache for a policy, created on first use.
   * @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options]
   *   maxSize resizes an existing cache (shrinking evicts).
   * @returns {ClientCache}
   */
  cache(options) {
    if (options === undefined && this.#lru !== undefined) return this.#lru; // unset by close()
    if (this.#closed) throw closedError(KIND_CLIENT, 'the session is closed (close() was called)');
    const { evictionPolicy = 'LRU', maxSize } = cacheOptions(options);
    const policy = typeof evictionPolicy === 'string' ? evictionPolicy.toUpperCase() : evictionPolicy;
    let cache = this.#caches.get(policy);
    if (cache === undefined) {
      const { ttl, dispose, clock } = this.#options;
      const opts = { evictionPolicy, ttl };
      if (maxSize !== undefined) opts.maxSize = maxSize;
      // Every client that leaves takes its memo entries with it.
      opts.dispose = dispose === undefined
        ? (value, key) => this.#departed(key)
        : (value, key, reason) => {
          this.#departed(key);
          dispose(value, key, reason);
        };
      if (clock !== undefined) opts.clock = clock;
      cache = new ClientCache(opts);
      this.#caches.set(policy, cache);
      if (policy === 'LRU') this.#lru = cache;
    } else if (maxSize !== undefined && cache.maxSize !== maxSize) {
      cache.maxSize = maxSize;
    }
    return cache;
  }

  /** The session's defaults merged under `sdkConfig` (a new object). */
  #merge(sdkConfig) {
    if (sdkConfig !== undefined && sdkConfig !== null) {
      const names = checkSdkConfig(sdkConfig);
      if (this.#defaults === undefined) return sdkConfig;
      const merged = { ...this.#defaults };
      for (const name of names) {
        const value = sdkConfig[name];
        if (value !== undefined) Object.defineProperty(merged, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return merged;
    }
    return this.#defaults === undefined ? {} : { ...this.#defaults };
  }

  /** The key for a configuration #merge returned (already checked); built in the core. */
  #keyFor(serviceName, config) {
    checkServiceName(serviceName);
    // Every value was checked on its way into the tree, and the tree holds
    // only plain data: JSON.stringify writes exactly what was checked.
    return ClientCacheKey.fromJSON(serviceName, JSON.stringify(buildParams(config, Object.keys(config), true)));
  }

  /** A client left one of this session's caches: so do its memo entries. */
  #departed(key) {
    if (this.#memo.size !== 0) this.#memo.forget(key.canonical);
  }

  [kMemoSize]() {
    return this.#memo.size;
  }

  /**
   * The ClientCacheKey that `this.client(serviceName, sdkConfig)` uses: the
   * defaults merged under `sdkConfig`, mapped as docs/identity.md says. No
   * SDK client is built.
   * @param {string} serviceName e.g. 's3'
   * @param {object} [sdkConfig]
   * @returns {ClientCacheKey}
   */
  key(serviceName, sdkConfig) {
    return this.#memo.find(serviceName, sdkConfig, this.#defaults) ?? this.#keyFor(serviceName, this.#merge(sdkConfig));
  }

  /**
   * The cached SDK client for (serviceName, defaults + sdkConfig); on a miss
   * `new <Service>Client(config)` is built (once, even if re-entered) and cached.
   * @param {string} serviceName e.g. 's3'
   * @param {object} [sdkConfig] the options you would pass to new S3Client(...)
   * @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options]
   */
  client(serviceName, sdkConfig, options) {
    const key = this.#memo.find(serviceName, sdkConfig, this.#defaults);
    if (key === undefined) return this.#clientFirst(serviceName, sdkConfig, options);
    const cache = this.cache(options);
    // A cache miss builds from the configuration as given (the SDK reads it
    // again anyway); the memo only stood in for the key.
    return cache.getOrCreate(key, () => this.#build(serviceName, this.#merge(sdkConfig), cache, key));
  }

  /**
   * client() without a memo hit: the configuration is read once, the key is
   * built in the core from that reading, and the reading is remembered while
   * the cache holds the client.
   */
  #clientFirst(serviceName, sdkConfig, options) {
    const reading = typeof serviceName === 'string' ? this.#memo.read(serviceName, sdkConfig, this.#defaults) : undefined;
    let key;
    if (reading === undefined) {
      key = this.#keyFor(serviceName, this.#merge(sdkConfig)); // not memoized (or an error to report)
    } else {
      const merged = this.#mergeRead(reading.config, reading.defaults);
      key = this.#keyFor(serviceName, merged);
    }
    const cache = this.cache(options);
    const sdkClient = cache.getOrCreate(key, () => this.#build(serviceName, this.#merge(sdkConfig), cache, key));
    if (reading !== undefined && !this.#closed && cache.has(key)) this.#memo.add(reading, key, key.canonical);
    return sdkClient;
  }

  /** #merge for copies read by the memo (already plain; defaults as the session holds them). */
  #mergeRead(config, defaults) {
    if (config !== undefined && config !== null) {
      const names = checkSdkConfig(config);
      if (defaults === undefined) return config;
      const merged = { ...defaults };
      for (const name of names) {
        const value = config[name];
        if (value !== undefined) Object.defineProperty(merged, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return merged;
    }
    return defaults === undefined ? {} : { ...defaults };
  }

  /** Builds the SDK client for a miss of `cache` (a getOrCreate factory). */
  #build(serviceName, config, cache, key) {
    const { ttl: sessionTtl, margin, invalidate } = this.#options;
    const ttl = credentialsTtl(config.credentials, margin, sessionTtl, Date.now());
    const Client = clientClass(serviceName);
    // The SDK writes into the credentials object it is given; give it its
    // own copy so the caller's configuration stays as it was.
    const own = { ...config };
    if (isPlainObject(own.credentials)) own.credentials = { ...own.credentials };
    const sdkClient = new Client(own);
    if (invalidate) addInvalidation(sdkClient, cache, key);
    return ttl === undefined ? sdkClient : withTtl(sdkClient, ttl);
  }

  /**
   * Closes every cache of this session (releasing the clients they hold);
   * later client() and cache() calls throw a ClientCacheError with code
   * ERR_CLIENTCACHE_CLOSED (key() still works: it needs no cache).
   * Idempotent.
   */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#lru = undefined;
    for (const cache of this.#caches.values()) cache.close();
    this.#memo.clear();
  }

  /** True once close() was called. */
  get closed() {
    return this.#closed;
  }

  /** `Session(region_name="us-east-1", aws_secret_access_key=***, …)`: the defaults as key params. */
  toString() {
    let label;
    try {
      // The core's label of the defaults' params: secrets come out as ***.
      label = ClientCacheKey.fromJSON('session', sdkConfigJson(this.#defaults)).label.slice('session'.length);
    } catch {
      label = '(…)'; // defaults mutated into something invalid since construction
    }
    return `Session${label}`;
  }

  /** For JSON.stringify: the defaults as a label (secrets as ***) and the caches' sizes. */
  toJSON() {
    return {
      defaults: this.toString().slice('Session'.length),
      caches: [...this.#caches.values()].map((c) => c.toJSON()),
    };
  }

  [util.inspect.custom]() {
    const caches = [...this.#caches.values()].map((c) => c.toString());
    if (this.#closed) caches.unshift('closed');
    return caches.length === 0 ? this.toString() : `${this} { ${caches.join(', ')} }`;
  }
}

// `using session = new Session()` closes it at the end of the block (see
// lib/cache.js).
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Session.prototype, Symbol.dispose, {
    value: function dispose() { this.close(); },
    writable: true,
    configurable: true,
  });
}

let defaultSession;

/** The session behind the module-level client(). */
function getDefaultSession() {
  if (defaultSession === undefined) defaultSession = new Session();
  return defaultSession;
}

/**
 * The cached AWS SDK v3 client for serviceName and sdkConfig, from the
 * default session: `client('s3', { region: 'us-west-2' })`.
 */
function client(serviceName, sdkConfig, options) {
  return getDefaultSession().client(serviceName, sdkConfig, options);
}

module.exports = {
  kMemoSize, client, Session, getDefaultSession, sdkConfigToParams, clientKey, clientClass, instanceMarker,
  CREDENTIAL_ERROR_NAMES, DEFAULT_CREDENTIAL_REFRESH_MARGIN_MS, isCredentialError,
};
