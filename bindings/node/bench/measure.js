'use strict';
// Small timing and heap helpers shared by bench.js and demo.js.

const v8 = require('node:v8');
const vm = require('node:vm');

let gcFn = globalThis.gc;
if (typeof gcFn !== 'function') {
  v8.setFlagsFromString('--expose-gc');
  gcFn = vm.runInNewContext('gc');
}
const gc = () => { gcFn(); gcFn(); };

/**
 * Nanoseconds per call of fn (run `n` times per round), median of `rounds`
 * rounds after one warm-up round. fn(i) should return something so the work
 * is not optimized away.
 */
function timePerCall(fn, n, rounds = 7) {
  let sink;
  const once = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = fn(i);
    return Number(process.hrtime.bigint() - t0) / n;
  };
  once();
  const times = [];
  for (let r = 0; r < rounds; r++) times.push(once());
  times.sort((a, b) => a - b);
  if (sink === Symbol.for('never')) console.log(sink);
  return times[Math.floor(times.length / 2)];
}

/**
 * Heap bytes retained per call: runs fn `n` times keeping every result alive
 * (retain = true, what holding one client per call costs) or dropping them
 * (retain = false, what a call leaves behind), with full GCs around.
 */
function heapPerCall(fn, n, retain) {
  const kept = retain ? new Array(n) : null;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) {
    const v = fn(i);
    if (kept) kept[i] = v;
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept && kept.length !== n) throw new Error('unreachable');
  return Math.max(0, (after - before) / n);
}

/** The median of a list of numbers. */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmtTime(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

function fmtBytes(b) {
  if (b >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${Math.round(b)} B`;
}

/** Left-aligned first column, right-aligned others. */
function table(rows, indent = '  ') {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c])
    : String(cell).padStart(widths[c]))).join('   ')).join('\n');
}

module.exports = { gc, timePerCall, heapPerCall, fmtTime, fmtBytes, table, median };
