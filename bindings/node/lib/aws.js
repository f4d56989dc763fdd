'use strict';
// High-level API: cached AWS SDK v3 clients. `client('s3', sdkConfig)` maps
// the SDK's option names onto the key vocabulary exactly as the table in
// docs/identity.md ("SDK options: one mapping for every language") says,
// builds the key in the core, and returns the cached `new S3Client(config)`
// (creating it on a miss).
const path = require('node:path');
const util = require('node:util');
const { createRequire } = require('node:module');
const { KIND_CLIENT, invalid } = require('./errors');
const {
  toJson, checkString, typeName, isPlainObject, isPlainArray, ownNames, memberPath, refuse,
} = require('./params');
const { ClientCacheKey } = require('./keys');
const { ClientCache } = require('./cache');

const CREDENTIALS = {
  accessKeyId: 'aws_access_key_id',
  secretAccessKey: 'aws_secret_access_key',
  sessionToken: 'aws_session_token',
};
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

// An option value that is plain data: its exact JSON text (for the key) and
// the value itself (for sdkConfigToParams).
class Data {
  constructor(raw, value) {
    this.raw = raw;
    this.value = value;
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

// Builds the params of one SDK configuration, refusing two options that
// would give the same key path. Nodes have no prototype, so an option named
// `__proto__` is just a name.
class ParamsBuilder {
  params = Object.create(null);
  #owners = new Map(); // key path (names joined by NUL) → the option that set it

  /** Sets params[names[0]][names[1]]… = value on behalf of `option`. */
  set(names, value, option) {
    let node = this.params;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const at = names.slice(0, i + 1).join('\0');
      const existing = node[name];
      const last = i === names.length - 1;
      if (existing !== undefined && (last || !isTreeNode(existing))) {
        throw invalid(KIND_CLIENT, `options "${this.#owners.get(at)}" and "${option}" both set ` +
          `parameter "${names.slice(0, i + 1).join('.')}"; give only one of them`);
      }
      if (last) {
        node[name] = value;
      } else if (existing === undefined) {
        node[name] = Object.create(null);
      }
      if (existing === undefined) this.#owners.set(at, option);
      node = node[name];
    }
  }
}

function isTreeNode(node) {
  return node !== null && typeof node === 'object' && !(node instanceof Data);
}

function expectType(value, type, option, what) {
  if (typeof value !== type) {
    throw invalid(KIND_CLIENT, `option "${option}" must be ${what}, not a ${typeName(value)}`);
  }
}

// Options whose value of the expected type maps onto a key path; anything
// else that is not a primitive (a provider function, an object) goes under
// config.<option name> by the general rule, and null means "not given".
const MAPPED = {
  region: { type: 'string', what: 'a string or a provider function', to: (b, v) => b.set(['region_name'], v, 'region') },
  endpoint: { type: 'string', what: 'a string, an endpoint object or a provider function', to: (b, v) => b.set(['endpoint_url'], v, 'endpoint') },
  profile: { type: 'string', what: 'a string', to: (b, v) => b.set(['profile_name'], v, 'profile') },
  tls: { type: 'boolean', what: 'a boolean', to: (b, v) => b.set(['use_ssl'], v, 'tls') },
  maxAttempts: {
    type: 'number', what: 'a number or a provider function',
    to: (b, v) => b.set(['config', 'retries', 'total_max_attempts'], number(v, 'maxAttempts'), 'maxAttempts'),
  },
  retryMode: { type: 'string', what: 'a string or a provider function', to: (b, v) => b.set(['config', 'retries', 'mode'], v, 'retryMode') },
  forcePathStyle: {
    type: 'boolean', what: 'a boolean',
    // false is every SDK's default and nothing in the environment changes it
    to: (b, v) => { if (v) b.set(['config', 's3', 'addressing_style'], 'path', 'forcePathStyle'); },
  },
  // Unset means "ask the environment", so an explicit false is kept.
  useFipsEndpoint: { type: 'boolean', what: 'a boolean or a provider function', to: (b, v) => b.set(['config', 'use_fips_endpoint'], v, 'useFipsEndpoint') },
  useDualstackEndpoint: { type: 'boolean', what: 'a boolean or a provider function', to: (b, v) => b.set(['config', 'use_dualstack_endpoint'], v, 'useDualstackEndpoint') },
  userAgentAppId: { type: 'string', what: 'a string or a provider function', to: (b, v) => b.set(['config', 'user_agent_appid'], v, 'userAgentAppId') },
  customUserAgent: { type: 'string', what: 'a string or an array of [name, version] pairs', to: (b, v) => b.set(['config', 'user_agent_extra'], v, 'customUserAgent') },
};

function number(v, where) {
  if (!Number.isFinite(v)) throw refuse(KIND_CLIENT, where, `${v} has no JSON form (only finite numbers are JSON)`);
  return v;
}

function mapCredentials(b, value) {
  if (!isPlainObject(value)) {
    // A provider (fromIni(), fromEnv(), an async function, …): by instance.
    b.set(['config', 'credential_provider'], instanceMarker(value), 'credentials');
    return;
  }
  for (const field of ownNames(value, 'credentials', KIND_CLIENT)) {
    const v = value[field];
    if (v === undefined || v === null || field.startsWith('$') || CREDENTIAL_METADATA.has(field)) continue;
    const mapped = CREDENTIALS[field];
    const where = memberPath('credentials', field);
    if (mapped === undefined) {
      throw invalid(KIND_CLIENT, `option "${where}" is not part of a credentials identity ` +
        '(accessKeyId, secretAccessKey and sessionToken are; expiration, credentialScope, accountId ' +
        'and $-fields are ignored)');
    }
    expectType(v, 'string', where, 'a string');
    checkString(v, where, KIND_CLIENT, 'the string');
    b.set([mapped], v, where);
  }
}

function mapRequestHandler(b, value) {
  if (!isPlainObject(value)) {
    // A handler instance (NodeHttpHandler, FetchHttpHandler, …) or a function.
    b.set(['config', 'requestHandler'], instanceMarker(value), 'requestHandler');
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
      b.set(['config', field === 'connectionTimeout' ? 'connect_timeout' : 'read_timeout'],
        number(v, where) / 1000, where);
    } else {
      // httpAgent, httpsAgent (by instance), socket options, … (data)
      b.set(['config', 'requestHandler', field], optionValue(v, where), where);
    }
  }
}

/** The params tree of one SDK configuration (a plain object, already checked by the caller). */
function buildParams(sdkConfig, names) {
  const b = new ParamsBuilder();
  for (const name of names) {
    const value = sdkConfig[name];
    if (value === undefined) continue;
    const mapped = MAPPED[name];
    if (mapped !== undefined) {
      if (value === null) continue; // not given
      if (typeof value === mapped.type) {
        if (mapped.type === 'string') checkString(value, name, KIND_CLIENT, 'the string');
        mapped.to(b, value);
        continue;
      }
      if (value === null || typeof value !== 'object' && typeof value !== 'function') {
        expectType(value, mapped.type, name, mapped.what);
      }
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

/** The key's params JSON text for a params tree. */
function treeJson(node) {
  if (node instanceof Data) return node.raw;
  if (node === null || typeof node !== 'object') return JSON.stringify(node);
  let out = '';
  for (const name of Object.keys(node)) {
    out += `${out === '' ? '' : ','}${JSON.stringify(name)}:${treeJson(node[name])}`;
  }
  return `{${out}}`;
}

function treeValue(node) {
  if (node instanceof Data) return node.value;
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const name of Object.keys(node)) {
    Object.defineProperty(out, name, { value: treeValue(node[name]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The params JSON text of an SDK configuration (checked and mapped). */
function sdkConfigJson(sdkConfig) {
  if (sdkConfig === undefined || sdkConfig === null) return '{}';
  return treeJson(buildParams(sdkConfig, checkSdkConfig(sdkConfig)));
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
  return treeValue(buildParams(sdkConfig, checkSdkConfig(sdkConfig)));
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
const KEY_MEMO_SIZE = 256;

function requirePackage(name) {
  try {
    return require(name);
  } catch (err) {
    if (!err || err.code !== 'MODULE_NOT_FOUND') throw err;
    // Not beside this package: try the application's own node_modules.
    return createRequire(path.join(process.cwd(), 'noop.js'))(name);
  }
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
  // Memo of the keys of recent calls: service → (params JSON text → key).
  // Building a key in the core (parse, canonicalize, SHA-256 of every secret
  // and of the canonical form) costs microseconds; the params text is cheap
  // to build and says everything the key depends on (objects by their
  // never-reused instance numbers), and equal text always yields an equal
  // key, so identity stays entirely the core's. Bounded (oldest dropped
  // first) and per session: the texts hold the same credentials the
  // session's cached clients hold.
  #keys = new Map();
  #memoSize = 0;

  /**
   * @param {object} [defaults] SDK options applied to every client of this
   *   session (region, profile, credentials, …); each call's own options win.
   */
  constructor(defaults) {
    if (defaults === undefined || defaults === null) {
      this.#defaults = undefined;
      return;
    }
    const names = checkSdkConfig(defaults);
    const own = {};
    for (const name of names) {
      if (defaults[name] !== undefined) Object.defineProperty(own, name, { value: defaults[name], enumerable: true, writable: true, configurable: true });
    }
    buildParams(own, Object.keys(own)); // validate early
    this.#defaults = own;
  }

  /**
   * This session's cache for a policy, created on first use.
   * @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options]
   *   maxSize resizes an existing cache (shrinking evicts).
   * @returns {ClientCache}
   */
  cache(options) {
    const { evictionPolicy = 'LRU', maxSize } = cacheOptions(options);
    const policy = typeof evictionPolicy === 'string' ? evictionPolicy.toUpperCase() : evictionPolicy;
    let cache = this.#caches.get(policy);
    if (cache === undefined) {
      cache = new ClientCache(maxSize === undefined ? { evictionPolicy } : { evictionPolicy, maxSize });
      this.#caches.set(policy, cache);
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

  #keyFor(serviceName, config) {
    checkServiceName(serviceName);
    const text = sdkConfigJson(config);
    let byText = this.#keys.get(serviceName);
    let key = byText === undefined ? undefined : byText.get(text);
    if (key === undefined) {
      key = ClientCacheKey.fromJSON(serviceName, text); // throws for an invalid service name
      if (this.#memoSize >= KEY_MEMO_SIZE) this.#forgetOldest();
      if (byText === undefined) this.#keys.set(serviceName, byText = new Map());
      byText.set(text, key);
      this.#memoSize++;
    }
    return key;
  }

  #forgetOldest() {
    // Oldest service first, then its oldest text: roughly least recently added.
    const [service, byText] = this.#keys.entries().next().value;
    byText.delete(byText.keys().next().value);
    if (byText.size === 0) this.#keys.delete(service);
    this.#memoSize--;
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
    return this.#keyFor(serviceName, this.#merge(sdkConfig));
  }

  /**
   * The cached SDK client for (serviceName, defaults + sdkConfig); on a miss
   * `new <Service>Client(config)` is built (once, even if re-entered) and cached.
   * @param {string} serviceName e.g. 's3'
   * @param {object} [sdkConfig] the options you would pass to new S3Client(...)
   * @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options]
   */
  client(serviceName, sdkConfig, options) {
    const config = this.#merge(sdkConfig);
    const key = this.#keyFor(serviceName, config);
    return this.cache(options).getOrCreate(key, () => {
      const Client = clientClass(serviceName);
      // The SDK writes into the credentials object it is given; give it its
      // own copy so the caller's configuration stays as it was.
      const own = { ...config };
      if (isPlainObject(own.credentials)) own.credentials = { ...own.credentials };
      return new Client(own);
    });
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
    return caches.length === 0 ? this.toString() : `${this} { ${caches.join(', ')} }`;
  }
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

module.exports = { client, Session, getDefaultSession, sdkConfigToParams, clientKey, clientClass, instanceMarker };
