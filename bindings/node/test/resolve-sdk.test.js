'use strict';
// client() loads @aws-sdk/client-<service> the way the application would:
// from the application's entry script (or working folder) first, so that a
// folder install or a link of this package, whose own node_modules holds the
// devDependencies, still returns the application's class (instanceof holds
// there). The stand-in applications below have their own tiny
// "@aws-sdk/client-…" packages and load this package by its real path, as a
// symlinked install does.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PKG_DIR = path.resolve(__dirname, '..');

function makeApp(t, { sdk = true, esm = false } = {}) {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'clientcache-app-'));
  t.after(() => fs.rmSync(app, { recursive: true, force: true }));
  if (sdk) {
    const dir = path.join(app, 'node_modules', '@aws-sdk', 'client-s3');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@aws-sdk/client-s3', version: '3.0.0-app', main: 'index.js' }));
    fs.writeFileSync(path.join(dir, 'index.js'),
      "class S3Client { constructor(config) { this.config = config; this.fromApplication = true; } send() {} }\n" +
      'module.exports = { S3Client };\n');
  }
  const main = path.join(app, esm ? 'main.mjs' : 'main.js');
  const lib = JSON.stringify(PKG_DIR);
  const body = [
    "const s3 = client('s3', { region: 'us-east-1' });",
    'console.log(JSON.stringify({ instance: s3 instanceof S3Client, fromApplication: s3.fromApplication === true }));',
  ];
  fs.writeFileSync(main, esm
    ? [`import { createRequire } from 'node:module';`, `const require = createRequire(import.meta.url);`,
      `const { client } = require(${lib});`, "const { S3Client } = require('@aws-sdk/client-s3');", ...body].join('\n')
    : [`const { client } = require(${lib});`, "const { S3Client } = require('@aws-sdk/client-s3');", ...body].join('\n'));
  return { app, main };
}

function run(main, cwd) {
  return spawnSync(process.execPath, [main], { cwd, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
}

test("client('s3') is the application's S3Client, not the one in this package's node_modules (CommonJS entry)", (t) => {
  const { main } = makeApp(t);
  const r = run(main, os.tmpdir()); // the working folder is elsewhere: the entry script decides
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { instance: true, fromApplication: true });
});

test("client('s3') is the application's S3Client from an ES module entry (process.argv[1])", (t) => {
  const { main } = makeApp(t, { esm: true });
  const r = run(main, os.tmpdir());
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { instance: true, fromApplication: true });
});

test('the working folder is the next place (node -e, a REPL)', (t) => {
  const { app } = makeApp(t);
  const code = `const { client } = require(${JSON.stringify(PKG_DIR)}); console.log(client('s3', { region: 'us-east-1' }).fromApplication === true);`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: app, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'true\n');
});

test('a service the application lacks: the error says to install it next to the application', (t) => {
  const { main } = makeApp(t, { sdk: false });
  fs.writeFileSync(main, [
    `const { client } = require(${JSON.stringify(PKG_DIR)});`,
    "try { client('no-such-service-xyz', { region: 'us-east-1' }); } catch (err) { console.log(err.code + ' ' + err.message); }",
  ].join('\n'));
  const r = run(main, os.tmpdir());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ERR_CLIENTCACHE_INVALID_ARGUMENT .*cannot load @aws-sdk\/client-no-such-service-xyz \(MODULE_NOT_FOUND\); install it next to your application \(npm install @aws-sdk\/client-no-such-service-xyz\)/);
});
