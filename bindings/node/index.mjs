// The package's ESM entry (package.json "exports" → "import"): the named
// exports of index.js, the very same objects (one addon instance, one
// default session, whichever way the package is loaded). The default export
// is index.js's exports object. test/esm.test.js checks that this list and
// index.js's agree.
import cjs from './index.js';

export const {
  ClientCacheKey,
  ResourceCacheKey,
  CacheKey,
  ClientCache,
  ResourceCache,
  Cache,
  withTtl,
  CacheError,
  ClientCacheError,
  ClientCacheExistsError,
  ClientCacheNotFoundError,
  ResourceCacheError,
  ResourceCacheExistsError,
  ResourceCacheNotFoundError,
  client,
  Session,
  getDefaultSession,
  sdkConfigToParams,
  clientKey,
  credentialErrorNames,
  libraryVersion,
} = cjs;

export default cjs;
