'use strict';
// Every code block of bindings/node/README.md marked `<!-- example: PATH -->`
// is an excerpt of PATH (relative to the repository root): its lines, trimmed,
// appear in the file in the same order, and a `// ...` line marks a gap. The
// same rule as scripts/check-readme.py applies to the root README; the files
// themselves run in test/example.test.js.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./helpers');

test('README examples are excerpts of files the suite runs', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
  assert.ok(blocks.length >= 1, 'no marked examples found');
  for (const [, file, block] of blocks) {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').map((l) => l.trim());
    let pos = 0;
    for (const want of block.split('\n').map((l) => l.trim())) {
      if (want === '' || want === '// ...') continue;
      const at = lines.indexOf(want, pos);
      assert.notEqual(at, -1, `README.md example from ${file}: line not found (in order): ${want}`);
      pos = at + 1;
    }
  }
});
