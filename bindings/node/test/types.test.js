'use strict';
// Strict TypeScript accepts index.d.ts, examples/async.js (checked as
// JavaScript: the README's async example), types/api.ts, which uses the
// async and close() API, client() typed by service name, and expects errors
// where misuse must not compile, and types/esm.mts (index.d.mts, the types
// of the ESM entry).
// typescript and @types/node are devDependencies (make test-node installs
// them); without them the test is skipped.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}

test('strict TypeScript accepts index.d.ts, index.d.mts, examples/async.js, test/types/api.ts and esm.mts', { skip: tsc === undefined && 'typescript is not installed (npm ci installs it)' }, () => {
  const project = path.join(__dirname, 'types', 'tsconfig.json');
  const run = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.equal(run.status, 0, `tsc -p test/types/tsconfig.json:\n${run.stdout}${run.stderr}`);
});
