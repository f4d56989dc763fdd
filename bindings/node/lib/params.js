'use strict';
// Host values → the params JSON text the core canonicalizes (DESIGN §2).
// This layer only refuses what JSON cannot say faithfully; identity rules
// (vocabulary, null = absent, number equality, secrets, JCS) are the core's.
const { invalid } = require('./errors');

// Only a guard against cycles: the core enforces the real nesting limit.
const MAX_DEPTH = 256;

function typeName(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const proto = Object.getPrototypeOf(value);
  const ctor = proto && proto.constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name ? `${ctor.name} instance` : 'object';
}

/**
 * Throws INVALID_ARGUMENT (of the family of `kind`) naming `path` when
 * `value` cannot be canonicalized: functions, symbols, bigints, undefined in
 * arrays, NaN / ±Infinity, class instances (Date, Map, URL, credential
 * providers, …), cycles. `undefined` object members count as absent, as in
 * JSON.stringify. Messages name the path and the type, never the value (it
 * may be a secret).
 */
function checkValue(value, path, kind, depth = 0) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw invalid(kind, `${path}: ${value} cannot be canonicalized (only finite numbers are JSON)`);
      }
      return;
    case 'object': {
      if (value === null) return;
      if (depth >= MAX_DEPTH) throw invalid(kind, `${path}: nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (item === undefined) throw invalid(kind, `${path}[${i}]: undefined (or a hole) cannot be canonicalized`);
          checkValue(item, `${path}[${i}]`, kind, depth + 1);
        }
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw invalid(kind, `${path}: a ${typeName(value)} cannot be canonicalized; pass plain JSON data`);
      }
      for (const name of Object.keys(value)) {
        const member = value[name];
        if (member !== undefined) checkValue(member, `${path}.${name}`, kind, depth + 1);
      }
      return;
    }
    default: // function, symbol, bigint, undefined
      throw invalid(kind, `${path}: a ${typeof value} cannot be canonicalized`);
  }
}

/**
 * The params object of a key as JSON text, or null for "no params".
 * @param {object|null|undefined} params
 * @param {number} kind
 * @returns {string|null}
 */
function paramsJson(params, kind) {
  if (params === undefined || params === null) return null;
  if (typeof params !== 'object' || Array.isArray(params) ||
      (Object.getPrototypeOf(params) !== Object.prototype && Object.getPrototypeOf(params) !== null)) {
    throw invalid(kind, `params must be a plain object, not a ${typeName(params)}`);
  }
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (value !== undefined) checkValue(value, name, kind, 1);
  }
  return JSON.stringify(params);
}

module.exports = { paramsJson, checkValue, typeName };
