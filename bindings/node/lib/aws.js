'use strict';
// High-level API: cached AWS SDK v3 clients. `client('s3', sdkConfig)` maps
// the SDK's option names onto the DESIGN §2 vocabulary, builds the key in the
// core, and returns the cached `new S3Client(sdkConfig)` (creating it on a
// miss).
const path = require('node:path');
const { createRequire } = require('node:module');
const { KIND_CLIENT, invalid } = require('./errors');
const { checkValue, typeName } = require('./params');
const { ClientCacheKey } = require('./keys');
const { ClientCache } = require('./cache');

const TOP_LEVEL = { region: 'region_name', endpoint: 'endpoint_url', profile: 'profile_name' };
const CREDENTIALS = {
  accessKeyId: 'aws_access_key_id',
  secretAccessKey: 'aws_secret_access_key',
  sessionToken: 'aws_session_token',
};

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Maps an SDK v3 client configuration onto key params (DESIGN §2):
 * region → region_name, endpoint → endpoint_url, profile → profile_name,
 * credentials.{accessKeyId, secretAccessKey, sessionToken} → aws_… (the
 * SDK's own `$`-prefixed metadata fields in credentials are ignored); every
 * other option goes, under its own name, into `config`. Values that cannot be
 * canonicalized (functions such as region or credential providers, class
 * instances such as a custom requestHandler, NaN, …) throw a
 * ClientCacheError naming the option.
 * @param {object} [sdkConfig]
 * @returns {object} params for new ClientCacheKey(service, params)
 */
function sdkConfigToParams(sdkConfig) {
  if (sdkConfig === undefined || sdkConfig === null) return {};
  if (!isPlainObject(sdkConfig)) {
    throw invalid(KIND_CLIENT, `the SDK configuration must be a plain object, not a ${typeName(sdkConfig)}`);
  }
  const params = {};
  let config;
  for (const name of Object.keys(sdkConfig)) {
    const value = sdkConfig[name];
    if (value === undefined) continue;
    const mapped = TOP_LEVEL[name];
    if (mapped !== undefined) {
      if (value !== null && typeof value !== 'string') {
        throw invalid(KIND_CLIENT, `${name}: a ${typeName(value)} cannot be canonicalized; ` +
          'a cached client needs a plain string here (resolve providers first)');
      }
      params[mapped] = value;
    } else if (name === 'credentials') {
      mapCredentials(value, params);
    } else {
      checkValue(value, name, KIND_CLIENT, 1);
      (config ??= {})[name] = value;
    }
  }
  if (config !== undefined) params.config = config;
  return params;
}

function mapCredentials(value, params) {
  if (value === null) return;
  if (!isPlainObject(value)) {
    throw invalid(KIND_CLIENT, `credentials: a ${typeName(value)} cannot be canonicalized; a cached client ` +
      'needs static credentials ({ accessKeyId, secretAccessKey, sessionToken? }) or none ' +
      '(then the SDK resolves them itself)');
  }
  for (const field of Object.keys(value)) {
    const v = value[field];
    // `$source` and other `$` fields are the SDK's own feature-tracking
    // metadata, which it writes into the credentials object after resolving
    // it: not identity.
    if (v === undefined || field.startsWith('$')) continue;
    const mapped = CREDENTIALS[field];
    if (mapped === undefined) {
      throw invalid(KIND_CLIENT, `credentials.${field}: not part of a cacheable identity ` +
        '(only accessKeyId, secretAccessKey and sessionToken are)');
    }
    if (v !== null && typeof v !== 'string') {
      throw invalid(KIND_CLIENT, `credentials.${field}: a ${typeName(v)} cannot be canonicalized; it must be a string`);
    }
    params[mapped] = v;
  }
}

/**
 * The ClientCacheKey that client(serviceName, sdkConfig) uses.
 * @param {string} serviceName
 * @param {object} [sdkConfig]
 * @returns {ClientCacheKey}
 */
function clientKey(serviceName, sdkConfig) {
  if (typeof serviceName !== 'string') {
    throw invalid(KIND_CLIENT, `serviceName must be a string, not a ${typeName(serviceName)}`);
  }
  // sdkConfigToParams has already refused everything JSON cannot say.
  return ClientCacheKey.fromJSON(serviceName, JSON.stringify(sdkConfigToParams(sdkConfig)));
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
 * `session.client('s3', cfg)` merges the defaults under `cfg` and returns the
 * cached client for the result.
 */
class Session {
  #defaults;
  #caches = new Map();
  // Memo of the keys of recent calls: `service\nparamsJSON` → ClientCacheKey.
  // Building a key in the core (parse, canonicalize, SHA-256 of every secret
  // and of the canonical form) costs microseconds; the params text is cheap
  // to build, and equal text always yields an equal key, so identity stays
  // entirely the core's. Bounded (oldest dropped first) and per session: the
  // texts hold the same credentials the session's cached clients hold.
  #keys = new Map();

  /**
   * @param {object} [defaults] SDK options applied to every client of this
   *   session (region, profile, credentials, …); each call's own options win.
   */
  constructor(defaults) {
    if (defaults !== undefined && defaults !== null) sdkConfigToParams(defaults); // validate early
    this.#defaults = defaults ? { ...defaults } : undefined;
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

  /**
   * The cached SDK client for (serviceName, defaults + sdkConfig); on a miss
   * `new <Service>Client(config)` is built (once, even if re-entered) and cached.
   * @param {string} serviceName e.g. 's3'
   * @param {object} [sdkConfig] the options you would pass to new S3Client(...)
   * @param {{ evictionPolicy?: 'LRU' | 'LFU', maxSize?: number }} [options]
   */
  client(serviceName, sdkConfig, options) {
    const config = this.#defaults === undefined ? sdkConfig : { ...this.#defaults, ...sdkConfig };
    if (typeof serviceName !== 'string') {
      throw invalid(KIND_CLIENT, `serviceName must be a string, not a ${typeName(serviceName)}`);
    }
    const text = JSON.stringify(sdkConfigToParams(config));
    const memoId = `${serviceName}\n${text}`; // unambiguous: a valid service name has no newline
    let key = this.#keys.get(memoId);
    if (key === undefined) {
      key = ClientCacheKey.fromJSON(serviceName, text); // throws for an invalid service name
      if (this.#keys.size >= KEY_MEMO_SIZE) this.#keys.delete(this.#keys.keys().next().value);
      this.#keys.set(memoId, key);
    }
    return this.cache(options).getOrCreate(key, () => {
      const Client = clientClass(serviceName);
      // The SDK writes into the credentials object it is given; give it its
      // own copy so the caller's configuration stays as it was.
      const own = { ...config };
      if (isPlainObject(own.credentials)) own.credentials = { ...own.credentials };
      return new Client(own);
    });
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

module.exports = { client, Session, getDefaultSession, sdkConfigToParams, clientKey, clientClass };
