'use strict';
// Prints the libclientcache folder or the header folder for binding.gyp:
// CLIENTCACHE_LIB_DIR / CLIENTCACHE_INCLUDE_DIR (exported by the root
// Makefile) or the repository's own build output; `defines` prints the
// CC_HAVE_* macros for the optional functions the header declares.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const which = process.argv[2];
if (which === 'lib') {
  process.stdout.write(process.env.CLIENTCACHE_LIB_DIR || path.join(root, 'rust', 'target', 'release'));
} else if (which === 'include') {
  process.stdout.write(includeDir());
} else if (which === 'defines') {
  // Functions added to the C ABI after the addon's first release: compiled
  // in only when the header in use declares them.
  const header = fs.readFileSync(path.join(includeDir(), 'clientcache.h'), 'utf8');
  const optional = { clientcache_key_diff: 'CC_HAVE_KEY_DIFF' };
  const defines = Object.keys(optional)
    .filter((fn) => new RegExp(`\\b${fn}\\s*\\(`).test(header))
    .map((fn) => optional[fn]);
  process.stdout.write(defines.join(' '));
} else {
  process.stderr.write('usage: paths.js lib|include|defines\n');
  process.exit(2);
}

function includeDir() {
  return process.env.CLIENTCACHE_INCLUDE_DIR || path.join(root, 'include');
}
