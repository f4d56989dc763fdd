'use strict';
// Host values → the params JSON text the core canonicalizes (docs/identity.md).
// This layer only refuses what JSON cannot carry exactly — it never rewrites
// a value. Identity rules (vocabulary, null = absent, number ranges,
// duplicate names, secrets, JCS) are the core's.
const { invalid } = require('./errors');

// Only a guard against runaway recursion: the core enforces the real nesting
// limit (and names the path), far below this.
const MAX_DEPTH = 1000;

function typeName(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const proto = Object.getPrototypeOf(value);
  const ctor = proto && proto.constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name ? `${ctor.name} instance` : 'object';
}

const LONE_SURROGATE = /\p{Surrogate}/u; // with the u flag only unpaired halves match
const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

/** The first unpaired surrogate of `s` as `U+D83D at index 4`. */
function loneSurrogate(s) {
  const m = LONE_SURROGATE.exec(s);
  if (m === null) return 'an unpaired surrogate';
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase()} at index ${m.index}`;
}

// Strings that JSON writes between quotes as they are.
const PLAIN_TEXT = /^[^"\\\u0000-\u001f]*$/;

/**
 * `s` as a JSON string literal. Only for strings already checked to be valid
 * Unicode (a lone surrogate would pass the fast path unescaped).
 */
function quote(s) {
  return PLAIN_TEXT.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** A path for messages: unpaired surrogates shown as \uXXXX escapes. */
function showPath(path) {
  return isWellFormed(path)
    ? path
    : path.replace(/\p{Surrogate}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Path of member `name` inside `path`, in the core's format (`config.retries.mode`). */
function memberPath(path, name) {
  return path === '' ? name : `${path}.${name}`;
}

/** Whether `value` is an object literal / Object.create(null) of this realm. */
function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `value` is a genuine array (of any realm; not a subclass instance). */
function isPlainArray(value) {
  return Array.isArray(value) && Array.isArray(Object.getPrototypeOf(value));
}

function refuse(kind, path, what) {
  return invalid(kind, `parameter "${showPath(path)}": ${what}`);
}

/** Throws when a string (a value or a member name) is not valid Unicode. */
function checkString(s, path, kind, role) {
  if (!isWellFormed(s)) {
    throw refuse(kind, path, `${role} holds a lone surrogate (${loneSurrogate(s)}); ` +
      'only valid Unicode can be carried exactly (it is never replaced)');
  }
}

/**
 * The own members of a plain object, in order, refusing what JSON cannot
 * carry: symbol-keyed and non-enumerable members (JSON.stringify would drop
 * them silently) and member names that are not valid Unicode.
 */
function ownNames(obj, path, kind) {
  const names = Object.keys(obj);
  const symbols = Object.getOwnPropertySymbols(obj);
  if (symbols.length !== 0) {
    const d = symbols[0].description;
    throw refuse(kind, path, `a Symbol-keyed member (Symbol(${d === undefined ? '' : showPath(d)})) cannot be carried by JSON`);
  }
  const all = Object.getOwnPropertyNames(obj);
  if (all.length !== names.length) {
    const visible = new Set(names);
    const hidden = all.find((k) => !visible.has(k));
    throw refuse(kind, path, `the non-enumerable member "${showPath(hidden)}" cannot be carried by JSON`);
  }
  for (const name of names) {
    if (!isWellFormed(name)) checkString(name, memberPath(path, name), kind, 'the member name');
  }
  return names;
}

/**
 * `value` as JSON text, exactly, or throws INVALID_ARGUMENT (of the family of
 * `kind`) naming `path`. Refused: functions, symbols, NaN / ±Infinity,
 * strings or member names with a lone surrogate, Symbol-keyed or
 * non-enumerable members, undefined (or holes) in arrays, class instances
 * (Date, Map, URL, Buffer, credential providers, …), cycles, and BigInts no
 * double holds exactly. Other BigInts are written as their exact integer
 * (the core judges the range); `undefined`
 * object members count as absent, as in JSON.stringify. Every member is read
 * once. Messages name the path and the type, never the value (it may be a
 * secret).
 * @param {(value: unknown, path: string) => string | undefined} [special]
 *   called first for every value; a string result is used as its JSON text
 *   (the high-level layer records objects by instance through it)
 */
function toJson(value, path, kind, special, ancestors = [], depth = 0) {
  if (special !== undefined) {
    const text = special(value, path);
    if (text !== undefined) return text;
  }
  switch (typeof value) {
    case 'string':
      checkString(value, path, kind, 'the string');
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw refuse(kind, path, `${value} has no JSON form (only finite numbers are JSON)`);
      }
      return JSON.stringify(value);
    case 'bigint':
      // Exactly as a JSON number only when a double holds it exactly; the
      // core then judges the range (integers beyond ±(2^53−1) are refused).
      if (!Number.isFinite(Number(value)) || BigInt(Number(value)) !== value) {
        throw refuse(kind, path, 'a BigInt that no JSON number (a double) holds exactly cannot be carried');
      }
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw refuse(kind, path, `nested deeper than ${MAX_DEPTH} levels`);
      if (ancestors.includes(value)) throw refuse(kind, path, 'a cycle (the object contains itself) has no JSON form');
      if (isPlainArray(value)) {
        ancestors.push(value);
        const parts = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          const itemPath = `${path}[${i}]`;
          if (item === undefined) throw refuse(kind, itemPath, 'undefined (or a hole) has no JSON form');
          parts[i] = toJson(item, itemPath, kind, special, ancestors, depth + 1);
        }
        if (Object.getOwnPropertyNames(value).length !== value.length + 1 || // + 'length'
            Object.getOwnPropertySymbols(value).length !== 0) {
          throw refuse(kind, path, 'an array with extra (named or Symbol-keyed) members has no JSON form');
        }
        ancestors.pop();
        return `[${parts.join(',')}]`;
      }
      if (!isPlainObject(value)) {
        throw refuse(kind, path, `a ${typeName(value)} has no exact JSON form; pass plain JSON data`);
      }
      ancestors.push(value);
      let out = '';
      for (const name of ownNames(value, path, kind)) {
        const member = value[name];
        if (member === undefined) continue;
        out += `${out === '' ? '' : ','}${quote(name)}:` +
          toJson(member, memberPath(path, name), kind, special, ancestors, depth + 1);
      }
      ancestors.pop();
      return `{${out}}`;
    }
    default: // function, symbol, undefined
      throw refuse(kind, path, `a ${typeof value} has no JSON form`);
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
  if (!isPlainObject(params)) {
    throw invalid(kind, `params must be a plain object, not a ${Array.isArray(params) ? 'array' : typeName(params)}`);
  }
  return toJson(params, '', kind);
}

/**
 * Raw params JSON text must be valid Unicode: a lone surrogate would
 * otherwise become U+FFFD on its way to UTF-8. Throws naming the path when
 * the text parses (JS keeps lone surrogates in parsed strings), else the
 * index.
 */
function checkJsonText(text, kind) {
  if (isWellFormed(text)) return;
  let found;
  try {
    found = findIllFormed(JSON.parse(text), '');
  } catch {
    found = undefined;
  }
  if (found !== undefined) {
    throw refuse(kind, found.path, `${found.role} holds a lone surrogate (${loneSurrogate(found.text)}); ` +
      'only valid Unicode can be carried exactly (it is never replaced)');
  }
  throw invalid(kind, `paramsJson holds a lone surrogate (${loneSurrogate(text)}); ` +
    'only valid Unicode can be carried exactly (it is never replaced)');
}

function findIllFormed(value, path) {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : { path, role: 'the string', text: value };
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormed(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const name of Object.keys(value)) {
    const p = memberPath(path, name);
    if (!isWellFormed(name)) return { path: p, role: 'the member name', text: name };
    const found = findIllFormed(value[name], p);
    if (found !== undefined) return found;
  }
  return undefined;
}

module.exports = {
  paramsJson, toJson, quote, checkString, checkJsonText, typeName, isPlainObject, isPlainArray, isWellFormed,
  memberPath, ownNames, refuse,
};
