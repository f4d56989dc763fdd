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
    'its install script builds it: `npm rebuild clientcache` (npm 11 runs it once the project approves it: ' +
    '`npm install-scripts approve clientcache`; it needs an installed libclientcache, see the README\'s Install ' +
    'section), or `npm run build` in a repository checkout after `make lib`');
  err.code = 'ERR_CLIENTCACHE_NOT_BUILT';
  throw err;
}

const native = load();
// Departures from any cache of this addon instance, counted by the addon
// (see lib/cache.js, "values served from JS").
const epoch = new Float64Array(1);
native.setup(makeError, epoch);
Object.defineProperty(native, 'epoch', { value: epoch });

module.exports = native;
