'use strict';
// Prints the libclientcache folder or the header folder for binding.gyp:
// CLIENTCACHE_LIB_DIR / CLIENTCACHE_INCLUDE_DIR (exported by the root
// Makefile) or the repository's own build output.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const which = process.argv[2];
if (which === 'lib') {
  process.stdout.write(process.env.CLIENTCACHE_LIB_DIR || path.join(root, 'rust', 'target', 'release'));
} else if (which === 'include') {
  process.stdout.write(process.env.CLIENTCACHE_INCLUDE_DIR || path.join(root, 'include'));
} else {
  process.stderr.write('usage: paths.js lib|include\n');
  process.exit(2);
}
