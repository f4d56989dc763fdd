'use strict';
// tests/vectors/high-level.json: every case with a "node" entry, written as
// `new Session(node.session)` + the SDK configuration node.config, must give
// the file's fingerprint, label and canonical form (the same as Go's and
// Rust's spellings of the case), and every "must_differ" pair must differ.
// Keys only: no SDK client is built.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Session } = require('..');

/** The repository root: the nearest ancestor of this file holding tests/vectors/high-level.json. */
function vectorsFile() {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'tests', 'vectors', 'high-level.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new Error(`tests/vectors/high-level.json not found above ${__dirname}`);
  }
}

const doc = JSON.parse(fs.readFileSync(vectorsFile(), 'utf8'));
const nodeCases = doc.cases.filter((c) => c.node);

function keyOf(c) {
  return new Session(c.node.session).key(c.service_name, c.node.config);
}

test('high-level vectors: the file is what this suite expects', () => {
  assert.equal(doc.canonical_version, 1);
  assert.ok(nodeCases.length >= 20, `only ${nodeCases.length} cases with a node entry`);
  const names = new Set(doc.cases.map((c) => c.name));
  assert.equal(names.size, doc.cases.length, 'case names are unique');
  assert.ok(Array.isArray(doc.must_differ) && doc.must_differ.length > 0, 'must_differ pairs are present');
});

for (const c of nodeCases) {
  test(`high-level vector: ${c.name}`, () => {
    const key = keyOf(c);
    assert.equal(key.canonical, c.canonical);
    assert.equal(key.fingerprint, c.fingerprint);
    assert.equal(key.label, c.label);
    assert.equal(key.kind, 'client');
    // the session's own cache would use this very key
    assert.ok(keyOf(c).equals(key));
  });
}

test('high-level vectors: every must_differ pair with node entries differs', () => {
  const byName = new Map(doc.cases.map((c) => [c.name, c]));
  let checked = 0;
  for (const pair of doc.must_differ) {
    const [a, b] = pair;
    const ca = byName.get(a);
    const cb = byName.get(b);
    assert.ok(ca && cb, `must_differ names an unknown case: ${a} / ${b}`);
    if (!ca.node || !cb.node) continue;
    const ka = keyOf(ca);
    const kb = keyOf(cb);
    assert.ok(!ka.equals(kb), `${a} and ${b} give the same key`);
    assert.notEqual(ka.fingerprint, kb.fingerprint);
    checked++;
  }
  assert.ok(checked > 0, 'no must_differ pair had node entries on both sides');
});
