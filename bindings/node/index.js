'use strict';
/**
 * clientcache: a bounded LRU / LFU cache for AWS SDK v3 clients with
 * deterministic, cross-language identity (the same key, to the byte, as the
 * Rust, C and Go libraries). See index.d.ts for the documented API.
 *
 * The exports are written as `exports.name = ...`, one per line, a shape
 * Node's ESM loader sees (its CommonJS lexer), so `import { client } from
 * 'clientcache'` works from index.js too; index.mjs (the package's `import`
 * entry) re-exports the very same objects. test/esm.test.js checks that the
 * two lists agree.
 */
const errors = require('./lib/errors');
const keys = require('./lib/keys');
const cache = require('./lib/cache');
const aws = require('./lib/aws');
const native = require('./lib/native');

exports.ClientCacheKey = keys.ClientCacheKey;
exports.ResourceCacheKey = keys.ResourceCacheKey;
exports.CacheKey = keys.CacheKey;
exports.ClientCache = cache.ClientCache;
exports.ResourceCache = cache.ResourceCache;
exports.Cache = cache.Cache;
exports.withTtl = cache.withTtl;
exports.CacheError = errors.CacheError;
exports.ClientCacheError = errors.ClientCacheError;
exports.ClientCacheExistsError = errors.ClientCacheExistsError;
exports.ClientCacheNotFoundError = errors.ClientCacheNotFoundError;
exports.ResourceCacheError = errors.ResourceCacheError;
exports.ResourceCacheExistsError = errors.ResourceCacheExistsError;
exports.ResourceCacheNotFoundError = errors.ResourceCacheNotFoundError;
exports.client = aws.client;
exports.Session = aws.Session;
exports.getDefaultSession = aws.getDefaultSession;
exports.sdkConfigToParams = aws.sdkConfigToParams;
exports.clientKey = aws.clientKey;
exports.credentialErrorNames = aws.CREDENTIAL_ERROR_NAMES;
/** Version of the linked libclientcache. */
exports.libraryVersion = () => native.version();

// Test-only: value accounting of this addon instance ({ retained, released, caches }).
Object.defineProperty(exports, '_accounting', { value: () => native.accounting(), enumerable: false });
