'use strict';
// The README examples (examples/readme.js, examples/async.js, examples/tenants.js) run and print
// what the READMEs say they print.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

test('README example runs and prints the documented output', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'readme.js')], {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  assert.equal(out, [
    'true',
    's3(aws_access_key_id=***, aws_secret_access_key=***, region_name="us-west-2")',
    'bf992e455d517b9cfd3b0e77a8774514',
    'true',
    'true ERR_CLIENTCACHE_EXISTS',
    'true ERR_CLIENTCACHE_NOT_FOUND',
    '2 1 true',
    '',
  ].join('\n'));
});

test('the async example (examples/async.js) runs and prints the documented output', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'async.js')], {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  assert.equal(out, [
    'true 1',
    'no credentials yet',
    'true',
    'stopped waiting',
    'true',
    'ERR_CLIENTCACHE_CLOSED',
    'ERR_CLIENTCACHE_CLOSED',
    'true ERR_CLIENTCACHE_CLOSED',
    '',
  ].join('\n'));
});

test('the multi-tenant example (examples/tenants.js) runs and prints the documented output', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'tenants.js')], {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  assert.equal(out, [
    'acme-data globex-data',
    'true',
    'left the cache: delete',
    'ExpiredToken',
    'globex-data',
    'left the cache: expire',
    'left the cache: expire',
    '2',
    'true acme-data',
    '2',
    'left the cache: clear',
    '',
  ].join('\n'));
});
