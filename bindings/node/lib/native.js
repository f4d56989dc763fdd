'use strict';
// Loads the compiled addon (build/Release, or build/Debug for a debug build)
// and registers the JS error factory with it.
const path = require('node:path');
const { makeError } = require('./errors');

function load() {
  const root = path.resolve(__dirname, '..');
  const tried = [];
  for (const dir of ['Release', 'Debug']) {
    const file = path.join(root, 'build', dir, 'clientcache.node');
    try {
      return require(file);
    } catch (err) {
      if (err && err.code !== 'MODULE_NOT_FOUND') throw err;
      tried.push(file);
    }
  }
  const err = new Error(`clientcache: the native addon is not built (looked for ${tried.join(', ')}); ` +
    'run `npm run build` in bindings/node (needs libclientcache: `make lib` at the repository root)');
  err.code = 'ERR_CLIENTCACHE_NOT_BUILT';
  throw err;
}

const native = load();
native.setup(makeError);

module.exports = native;
