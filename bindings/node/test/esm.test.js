'use strict';
// ESM and CommonJS give the same objects: index.mjs (the "import" entry)
// re-exports every name of index.js, and Node's loader also sees index.js's
// names directly (its exports are written in a shape the CommonJS lexer
// detects). index.d.mts exports what index.d.ts does (test/types.test.js
// compiles test/types/esm.mts against it).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { spawnSync } = require('node:child_process');

const cjs = require('..');
const names = Object.keys(cjs).sort();

test('index.mjs exports every name of index.js, the same objects, and a default export', async () => {
  const esm = await import(pathToFileURL(path.join(__dirname, '..', 'index.mjs')).href);
  assert.deepEqual(Object.keys(esm).filter((n) => n !== 'default').sort(), names);
  for (const name of names) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs);
});

test("import of index.js itself finds the named exports (cjs-module-lexer)", async () => {
  const viaLexer = await import(pathToFileURL(path.join(__dirname, '..', 'index.js')).href);
  const found = Object.keys(viaLexer).filter((n) => n !== 'default' && !n.startsWith('_')).sort();
  assert.deepEqual(found, names);
});

test("import { ClientCache } from 'clientcache' in an ES module (the exports map's import condition)", () => {
  const code = [
    "import { ClientCache, ClientCacheKey, client } from 'clientcache';",
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    "const cache = new ClientCache({ maxSize: 1 });",
    "cache.set(new ClientCacheKey('s3'), { send() {} });",
    "console.log(cache.size, client === require('clientcache').client);",
  ].join('\n');
  // Run from inside the package: 'clientcache' resolves to itself by name.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '1 true\n');
});
