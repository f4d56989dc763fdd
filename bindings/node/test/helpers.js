'use strict';
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { setImmediate: tick } = require('node:timers/promises');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VECTORS = path.join(ROOT, 'tests', 'vectors', 'keys.json');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Collects garbage until `done()` holds (finalizers run after GC, on later ticks). */
async function collectUntil(done, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    gc();
    await tick();
    if (done()) return true;
  }
  return done();
}

/** A stand-in SDK client: what ClientCache accepts is any object with send(). */
function fakeClient(name) {
  return { name, send() { return name; } };
}

module.exports = { ROOT, VECTORS, gc, collectUntil, fakeClient };
