'use strict';
// Builds the addon with node-gyp against the headers installed with this very
// Node (its install prefix, derived from process.execPath), so nothing is
// downloaded. Run by `npm install` (install script), `npm run build` and
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

const lib = path.join(require('node:child_process')
  .execFileSync(process.execPath, [path.join(__dirname, 'paths.js'), 'lib']).toString(), 'libclientcache.a');
if (!fs.existsSync(lib)) {
  console.error(`clientcache: ${lib} is missing; build the library first (make lib at the repository root)`);
  process.exit(1);
}

const args = [nodeGyp(), 'rebuild', `--nodedir=${nodeDir()}`, '--loglevel=warn', ...process.argv.slice(2)];
// node-gyp's progress goes to stderr: stdout stays clean for reports (make demo).
const result = spawnSync(process.execPath, args, { cwd: pkgDir, stdio: ['inherit', 2, 'inherit'] });
process.exit(result.status === null ? 1 : result.status);
