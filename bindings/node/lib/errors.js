'use strict';
// Error classes, mirroring boto3-client-cache: CacheError ⊃ ClientCacheError ⊃
// {ClientCacheExistsError, ClientCacheNotFoundError}, and the same for
// Resource…. Every error carries a stable `code` (ERR_CLIENTCACHE_<STATUS>)
// and `status` (the core's status name, e.g. 'INVALID_ARGUMENT'; 'CLOSED' is
// the binding's own, for a cache used after close()).

const util = require('node:util');

const KIND_CLIENT = 0;
const KIND_RESOURCE = 1;

/** Base class of every error clientcache throws on purpose. */
class CacheError extends Error {
  /**
   * @param {string} message
   * @param {{ status?: string, cause?: unknown }} [options]
   */
  constructor(message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const status = options.status || 'INVALID_ARGUMENT';
    Object.defineProperty(this, 'name', { value: new.target.name, configurable: true, writable: true });
    /** The core's status name, e.g. 'NOT_FOUND', 'INVALID_ARGUMENT'. */
    this.status = status;
    /** Stable machine-readable code: 'ERR_CLIENTCACHE_' + status. */
    this.code = `ERR_CLIENTCACHE_${status}`;
  }

  /**
   * For JSON.stringify: name, code, status and message. Messages name
   * parameters and types, never values, and labels show secrets as ***.
   */
  toJSON() {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }

  // The stack (which starts with `name: message`) and code / status; nothing
  // else hangs off the error, so nothing else is printed.
  [util.inspect.custom]() {
    return `${this.stack} { code: '${this.code}', status: '${this.status}' }`;
  }
}

class ClientCacheError extends CacheError {}
class ClientCacheExistsError extends ClientCacheError {
  constructor(message, options = {}) { super(message, { ...options, status: 'EXISTS' }); }
}
class ClientCacheNotFoundError extends ClientCacheError {
  constructor(message, options = {}) { super(message, { ...options, status: 'NOT_FOUND' }); }
}
class ResourceCacheError extends CacheError {}
class ResourceCacheExistsError extends ResourceCacheError {
  constructor(message, options = {}) { super(message, { ...options, status: 'EXISTS' }); }
}
class ResourceCacheNotFoundError extends ResourceCacheError {
  constructor(message, options = {}) { super(message, { ...options, status: 'NOT_FOUND' }); }
}

const FAMILIES = [
  { base: ClientCacheError, exists: ClientCacheExistsError, notFound: ClientCacheNotFoundError, what: 'client' },
  { base: ResourceCacheError, exists: ResourceCacheExistsError, notFound: ResourceCacheNotFoundError, what: 'resource' },
];

const DEFAULT_MESSAGES = {
  NOT_FOUND: 'not found',
  EXISTS: 'already exists',
  INVALID_ARGUMENT: 'invalid argument',
  KIND_MISMATCH: 'key kind does not match the cache kind',
  NULL_POINTER: 'null pointer',
  BUFFER_TOO_SMALL: 'buffer too small',
  FACTORY_FAILED: 'the factory failed',
  PANIC: 'internal error (panic in libclientcache)',
  CLOSED: 'the cache is closed',
};

/** Normalizes 'CLIENTCACHE_STATUS_NOT_FOUND' / 'NotFound' / 'not_found' to 'NOT_FOUND'. */
function normalizeStatus(name) {
  let s = String(name).replace(/^CLIENTCACHE_STATUS_/i, '');
  if (/[a-z][A-Z]/.test(s)) s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toUpperCase();
}

/**
 * Builds the error for a failing status. Called by the addon (registered via
 * setup()) and by the JS validation code.
 * @param {string} statusName core status name
 * @param {string} message the core's message (clientcache_last_error) or ours
 * @param {number} kind 0 = client, 1 = resource: picks the class family
 */
function makeError(statusName, message, kind) {
  const status = normalizeStatus(statusName);
  const family = FAMILIES[kind === KIND_RESOURCE ? 1 : 0];
  const text = message || DEFAULT_MESSAGES[status] || status.toLowerCase();
  if (status === 'EXISTS') return new family.exists(text);
  if (status === 'NOT_FOUND') return new family.notFound(text);
  return new family.base(text, { status });
}

/** An INVALID_ARGUMENT error of the given family. */
function invalid(kind, message) {
  return makeError('INVALID_ARGUMENT', message, kind);
}

/** A CLOSED error of the given family (code ERR_CLIENTCACHE_CLOSED). */
function closedError(kind, message) {
  return makeError('CLOSED', message, kind);
}

module.exports = {
  KIND_CLIENT,
  KIND_RESOURCE,
  CacheError,
  ClientCacheError,
  ClientCacheExistsError,
  ClientCacheNotFoundError,
  ResourceCacheError,
  ResourceCacheExistsError,
  ResourceCacheNotFoundError,
  makeError,
  invalid,
  closedError,
};
