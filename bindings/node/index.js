'use strict';
/**
 * clientcache: a bounded LRU / LFU cache for AWS SDK v3 clients with
 * deterministic, cross-language identity (the same key, to the byte, as the
 * Rust, C and Go libraries). See index.d.ts for the documented API.
 */
const errors = require('./lib/errors');
const keys = require('./lib/keys');
const cache = require('./lib/cache');
const aws = require('./lib/aws');
const native = require('./lib/native');

module.exports = {
  ClientCacheKey: keys.ClientCacheKey,
  ResourceCacheKey: keys.ResourceCacheKey,
  CacheKey: keys.CacheKey,
  ClientCache: cache.ClientCache,
  ResourceCache: cache.ResourceCache,
  Cache: cache.Cache,
  withTtl: cache.withTtl,
  CacheError: errors.CacheError,
  ClientCacheError: errors.ClientCacheError,
  ClientCacheExistsError: errors.ClientCacheExistsError,
  ClientCacheNotFoundError: errors.ClientCacheNotFoundError,
  ResourceCacheError: errors.ResourceCacheError,
  ResourceCacheExistsError: errors.ResourceCacheExistsError,
  ResourceCacheNotFoundError: errors.ResourceCacheNotFoundError,
  client: aws.client,
  Session: aws.Session,
  getDefaultSession: aws.getDefaultSession,
  sdkConfigToParams: aws.sdkConfigToParams,
  clientKey: aws.clientKey,
  credentialErrorNames: aws.CREDENTIAL_ERROR_NAMES,
  /** Version of the linked libclientcache. */
  libraryVersion: () => native.version(),
};

// Test-only: value accounting of this addon instance ({ retained, released, caches }).
Object.defineProperty(module.exports, '_accounting', { value: () => native.accounting(), enumerable: false });
