'use strict';
// Builds the addon with node-gyp against the headers installed with this very
// Node (its install prefix, derived from process.execPath), so nothing is
// downloaded, and against the libclientcache scripts/paths.js finds (an
// installed one through pkg-config or CLIENTCACHE_PREFIX, or the repository's
// build). Run by `npm install` (install script), `npm run build` and
// mk/node.mk.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.resolve(__dirname, '..');

function nodeDir() {
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), process.env.npm_config_nodedir].filter(Boolean);
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  console.error(`clientcache: Node's headers were not found under ${candidates.join(' or ')} ` +
    '(include/node/node_api.h); install the package that ships them with Node (Debian: nodejs / libnode-dev)');
  process.exit(1);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  for (const file of candidates) if (fs.existsSync(file)) return file;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    console.error('clientcache: node-gyp not found (it ships with npm)');
    process.exit(1);
  }
}

// Where libclientcache is (scripts/paths.js): stop here, before node-gyp,
// with the two ways to point at an installed library when it is not found.
let found;
try {
  found = require('./paths').resolve();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
console.error(`clientcache: building against libclientcache${found.version ? ` ${found.version}` : ''} ` +
  `from ${found.source} (${found.libDir}, ${found.linkMode} link${found.ldflags.some((f) => f.startsWith('-Wl,-rpath'))
    ? `, RUNPATH ${path.resolve(found.libDir)}` : ''})`);

const args = [nodeGyp(), 'rebuild', `--nodedir=${nodeDir()}`, '--loglevel=warn', ...process.argv.slice(2)];
// node-gyp's progress goes to stderr: stdout stays clean for reports (make demo).
// binding.gyp runs `node scripts/paths.js ...`: this very node comes first on PATH.
const env = { ...process.env, PATH: [path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter) };
const result = spawnSync(process.execPath, args, { cwd: pkgDir, env, stdio: ['inherit', 2, 'inherit'] });
process.exit(result.status === null ? 1 : result.status);
