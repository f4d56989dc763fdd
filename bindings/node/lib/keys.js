'use strict';
const util = require('node:util');
const native = require('./native');
const { KIND_CLIENT, KIND_RESOURCE, invalid } = require('./errors');
const { paramsJson, checkJsonText, checkString, typeName } = require('./params');

const kFromHandle = Symbol('clientcache.fromHandle');
const KIND_NAMES = ['client', 'resource'];

let handleOf;

function textArg(value, what, kind) {
  if (typeof value === 'string') {
    if (what === 'serviceName') checkString(value, 'serviceName', kind, 'the service name');
    else checkJsonText(value, kind);
    return value;
  }
  if (value instanceof Uint8Array) return value;
  throw invalid(kind, `${what} must be a string${what === 'serviceName' ? '' : ' or a Uint8Array'}, not a ${typeName(value)}`);
}

/**
 * An immutable cache key: (kind, service name, params), identified by its
 * canonical form (docs/identity.md). Use ClientCacheKey or ResourceCacheKey.
 * Every printed form (toString, String(), util.inspect, toJSON) is the
 * label or derived from it: secrets only ever appear as `***`.
 */
class CacheKey {
  #h;
  #kind;
  #fingerprint;
  #label;

  constructor(kind, serviceName, params) {
    if (new.target === CacheKey) throw new TypeError('CacheKey is abstract: use ClientCacheKey or ResourceCacheKey');
    this.#kind = kind;
    if (serviceName === kFromHandle) {
      this.#h = params;
      return;
    }
    if (typeof serviceName !== 'string') {
      throw invalid(kind, serviceName === undefined ? 'serviceName is required'
        : `serviceName must be a string, not a ${typeName(serviceName)}`);
    }
    checkString(serviceName, 'serviceName', kind, 'the service name');
    this.#h = native.keyNew(kind, serviceName, paramsJson(params, kind));
  }

  static {
    handleOf = (key) => (key !== null && typeof key === 'object' && #h in key ? key.#h : undefined);
  }

  /** 32 lowercase hex characters: the first 16 bytes of SHA-256(canonical). */
  get fingerprint() {
    if (this.#fingerprint === undefined) this.#fingerprint = native.keyFingerprint(this.#h);
    return this.#fingerprint;
  }

  /** Human-readable form, secrets shown as ***, e.g. `s3(region_name="us-west-2")`. */
  get label() {
    if (this.#label === undefined) this.#label = native.keyLabel(this.#h);
    return this.#label;
  }

  /** The canonical JSON form (RFC 8785); secrets appear only as sha256 digests. */
  get canonical() {
    return native.keyCanonical(this.#h);
  }

  /** 'client' or 'resource'. */
  get kind() {
    return KIND_NAMES[this.#kind];
  }

  /** True when `other` is a key with the same canonical form. */
  equals(other) {
    const h = handleOf(other);
    if (h === undefined) return false;
    return h === this.#h || native.keyEqual(this.#h, h);
  }

  /**
   * The differences from `other`, one entry per differing path, in the
   * core's order: `kind`, `service_name`, then the params (`region_name`,
   * `config.retries.mode`, `config.order[2]`, …). `left` is this key's value
   * and `right` the other's (parsed JSON; `undefined` where the path is
   * absent); secrets are the string `'***'`. Equal keys give `[]`.
   * @param {CacheKey} other
   * @returns {{ path: string, left: unknown, right: unknown }[]}
   */
  diff(other) {
    const h = handleOf(other);
    if (h === undefined) {
      throw invalid(this.#kind, `diff() needs a ClientCacheKey or ResourceCacheKey, not a ${typeName(other)}`);
    }
    return JSON.parse(native.keyDiff(this.#h, h)).map((entry) => ({
      path: entry.path,
      left: entry.left,
      right: entry.right,
    }));
  }

  /** The label. */
  toString() {
    return this.label;
  }

  /** For JSON.stringify: kind, fingerprint and label (secrets as `***`). */
  toJSON() {
    return { kind: this.kind, fingerprint: this.fingerprint, label: this.label };
  }

  [util.inspect.custom]() {
    return this.label;
  }
}

/** A key for a ClientCache: `new ClientCacheKey('s3', { region_name: 'us-west-2' })`. */
class ClientCacheKey extends CacheKey {
  /**
   * @param {string} serviceName e.g. 's3', 'dynamodb', 'sso-oidc'
   * @param {object} [params] names from the parameter vocabulary of docs/identity.md (region_name, config, …)
   */
  constructor(serviceName, params) {
    super(KIND_CLIENT, serviceName, params);
  }

  /** A key from raw params JSON text (or bytes), passed to the core verbatim. */
  static fromJSON(serviceName, paramsJson) {
    return fromJSON(KIND_CLIENT, serviceName, paramsJson);
  }
}

/** A key for a ResourceCache. */
class ResourceCacheKey extends CacheKey {
  constructor(serviceName, params) {
    super(KIND_RESOURCE, serviceName, params);
  }

  /** A key from raw params JSON text (or bytes), passed to the core verbatim. */
  static fromJSON(serviceName, paramsJson) {
    return fromJSON(KIND_RESOURCE, serviceName, paramsJson);
  }
}

function fromJSON(kind, serviceName, text) {
  textArg(serviceName, 'serviceName', kind);
  if (text !== null && text !== undefined) textArg(text, 'paramsJson', kind);
  return keyFromHandle(kind, native.keyNew(kind, serviceName, text ?? null));
}

/** Wraps a native key handle (from a snapshot or popVictim) in its class. */
function keyFromHandle(kind, handle) {
  return kind === KIND_RESOURCE
    ? Reflect.construct(CacheKey, [KIND_RESOURCE, kFromHandle, handle], ResourceCacheKey)
    : Reflect.construct(CacheKey, [KIND_CLIENT, kFromHandle, handle], ClientCacheKey);
}

module.exports = { CacheKey, ClientCacheKey, ResourceCacheKey, handleOf, keyFromHandle };
