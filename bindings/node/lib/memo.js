'use strict';
// The memo behind Session.client(): SDK configuration → ClientCacheKey
// without building the params text or calling the core (README.md,
// "Design notes", "Key memo in Session").
//
// A configuration is read as a sequence of tokens — option names, primitive
// values by value, objects that are not data (functions, class instances:
// providers, handlers, agents) by identity, and plain data objects and
// arrays by their content between markers — and the sequence is a path in a
// trie of Maps. The key depends on nothing but what the sequence records (a
// primitive's value, an object's instance number, which follows its
// identity, and data content), so one sequence always stands for one key and
// a hit never needs the params text. Two readings of the same sequence
// cannot differ in anything the key distinguishes: a changed secret, a
// nested value, another provider object, another key order (a second entry
// for the same key) all give another path.
//
// Every configuration is read afresh on every call (a mutated object is
// never served a stale key). A configuration the walk does not cover
// exactly (a plain object holding functions, Symbol-keyed or non-enumerable
// members, deep nesting) is no hit and is never memoized: it takes the full
// path, which also gives its errors.
//
// Secrets: the trie holds credentials in clear text (Map keys), so an entry
// is made only for a client its session cache holds, and Session drops it
// as soon as that client leaves (dispose) — or when the session closes.
const { isPlainObject, isPlainArray } = require('./params');

// Markers in a token sequence: private objects no configuration can hold.
const OBJ = Object.freeze({ marker: 'object' });
const ARR = Object.freeze({ marker: 'array' });
const END_OBJ = Object.freeze({ marker: 'end of object' });
const END_ARR = Object.freeze({ marker: 'end of array' });
const CRED = Object.freeze({ marker: 'credentials fields' });
const HANDLER = Object.freeze({ marker: 'requestHandler fields' });
const NO_CONFIG = Object.freeze({ marker: 'no configuration' });
const DEFAULTS = Object.freeze({ marker: 'session defaults' });
const END = Object.freeze({ marker: 'end' });
const UNSUPPORTED = Object.freeze({ marker: 'not memoized' });

// Deeper data is rare in an SDK configuration; it takes the full path.
const MAX_DEPTH = 16;
// Fields of a credentials object that are not identity (isMetadata; lib/aws.js
// skips the same ones).
// How many configurations a session remembers at most (oldest dropped first).
const MEMO_SIZE = 256;

/**
 * Whether `obj`'s own members are exactly Object.keys(obj): no Symbol-keyed
 * or non-enumerable member the walk would not see.
 */
function onlyKeys(obj, names) {
  return Object.getOwnPropertySymbols(obj).length === 0 && Object.getOwnPropertyNames(obj).length === names.length;
}

/** A plain array's own members are its items and `length`, nothing else. */
function onlyArrayItems(arr) {
  return Object.getOwnPropertySymbols(arr).length === 0 && Object.getOwnPropertyNames(arr).length === arr.length + 1;
}

function isMetadata(name) {
  return name === 'expiration' || name === 'credentialScope' || name === 'accountId';
}

// A trie node: one child in fields (most paths are chains, and `===` beats
// a Map lookup), more in a Map. `===` and the Map's SameValueZero agree on
// every token but NaN, which then just misses (it is refused anyway).
const VACANT = Object.freeze({ marker: 'vacant' });
class TrieNode {
  tok = VACANT;
  child = undefined;
  more = undefined;

  get(tok) {
    if (this.tok === tok) return this.child;
    return this.more === undefined ? undefined : this.more.get(tok);
  }

  set(tok, child) {
    if (this.tok === tok || (this.child === undefined && (this.more === undefined || !this.more.has(tok)))) {
      this.tok = tok;
      this.child = child;
    } else {
      if (this.more === undefined) this.more = new Map();
      this.more.set(tok, child);
    }
  }

  delete(tok) {
    if (this.tok === tok) {
      this.tok = VACANT;
      this.child = undefined;
    } else if (this.more !== undefined) {
      this.more.delete(tok);
    }
  }

  get size() {
    return (this.child === undefined ? 0 : 1) + (this.more === undefined ? 0 : this.more.size);
  }
}

// ---- lookup: follows the trie while reading, allocating nothing ------------

function findConfig(node, config) {
  if (config === undefined || config === null) return node.get(NO_CONFIG);
  if (!isPlainObject(config)) return undefined;
  const names = Object.keys(config);
  if (!onlyKeys(config, names)) return undefined;
  for (let i = 0; i < names.length && node !== undefined; i++) {
    const name = names[i];
    const value = config[name];
    node = node.get(name);
    if (node === undefined) return undefined;
    if (name === 'credentials' && isPlainObject(value)) {
      node = findFields(node.get(CRED), value, true);
    } else if (name === 'requestHandler' && isPlainObject(value)) {
      node = findFields(node.get(HANDLER), value, false);
    } else {
      node = findValue(node, value, 0, true);
    }
  }
  return node;
}

function findFields(node, obj, skipMetadata) {
  if (node === undefined) return undefined;
  const names = Object.keys(obj);
  if (!onlyKeys(obj, names)) return undefined;
  for (let i = 0; i < names.length && node !== undefined; i++) {
    const name = names[i];
    if (skipMetadata && isMetadata(name)) continue;
    node = node.get(name);
    if (node !== undefined) node = findValue(node, obj[name], 0, true);
  }
  return node === undefined ? undefined : node.get(END_OBJ);
}

function findValue(node, value, depth, top) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return node.get(value);
  if (isPlainArray(value)) {
    if (depth >= MAX_DEPTH || !onlyArrayItems(value)) return undefined;
    node = node.get(ARR);
    for (let i = 0; i < value.length && node !== undefined; i++) node = findValue(node, value[i], depth + 1, false);
    return node === undefined ? undefined : node.get(END_ARR);
  }
  if (isPlainObject(value)) {
    if (depth >= MAX_DEPTH) return undefined;
    const names = Object.keys(value);
    if (!onlyKeys(value, names)) return undefined;
    node = node.get(OBJ);
    for (let i = 0; i < names.length && node !== undefined; i++) {
      node = node.get(names[i]);
      if (node !== undefined) node = findValue(node, value[names[i]], depth + 1, false);
    }
    return node === undefined ? undefined : node.get(END_OBJ);
  }
  // A function or class instance: an option of its own is identified by
  // instance; inside data it makes the whole value an instance (not covered).
  return top ? node.get(value) : undefined;
}

// ---- reading for a new entry: the tokens and a copy of what was read --------

/**
 * Reads a configuration once into `tokens` and returns a copy of it holding
 * exactly what was read (plain data copied, objects by reference, credential
 * metadata left out), or UNSUPPORTED. The key is built from the copy, so the
 * entry's path and its key come from the same reading.
 */
function readConfig(tokens, config) {
  if (config === undefined || config === null) {
    tokens.push(NO_CONFIG);
    return config;
  }
  if (!isPlainObject(config)) return UNSUPPORTED;
  const names = Object.keys(config);
  if (!onlyKeys(config, names)) return UNSUPPORTED;
  const copy = {};
  for (const name of names) {
    const value = config[name];
    tokens.push(name);
    let read;
    if (name === 'credentials' && isPlainObject(value)) {
      tokens.push(CRED);
      read = readFields(tokens, value, true);
    } else if (name === 'requestHandler' && isPlainObject(value)) {
      tokens.push(HANDLER);
      read = readFields(tokens, value, false);
    } else {
      read = readValue(tokens, value, 0, true);
    }
    if (read === UNSUPPORTED) return UNSUPPORTED;
    setMember(copy, name, read);
  }
  return copy;
}

function readFields(tokens, obj, skipMetadata) {
  const names = Object.keys(obj);
  if (!onlyKeys(obj, names)) return UNSUPPORTED;
  const copy = {};
  for (const name of names) {
    if (skipMetadata && isMetadata(name)) continue;
    tokens.push(name);
    const read = readValue(tokens, obj[name], 0, true);
    if (read === UNSUPPORTED) return UNSUPPORTED;
    setMember(copy, name, read);
  }
  tokens.push(END_OBJ);
  return copy;
}

function readValue(tokens, value, depth, top) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    tokens.push(value);
    return value;
  }
  if (isPlainArray(value)) {
    if (depth >= MAX_DEPTH || !onlyArrayItems(value)) return UNSUPPORTED;
    tokens.push(ARR);
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const read = readValue(tokens, value[i], depth + 1, false);
      if (read === UNSUPPORTED) return UNSUPPORTED;
      copy[i] = read;
    }
    tokens.push(END_ARR);
    return copy;
  }
  if (isPlainObject(value)) {
    if (depth >= MAX_DEPTH) return UNSUPPORTED;
    const names = Object.keys(value);
    if (!onlyKeys(value, names)) return UNSUPPORTED;
    tokens.push(OBJ);
    const copy = {};
    for (const name of names) {
      tokens.push(name);
      const read = readValue(tokens, value[name], depth + 1, false);
      if (read === UNSUPPORTED) return UNSUPPORTED;
      setMember(copy, name, read);
    }
    tokens.push(END_OBJ);
    return copy;
  }
  if (!top) return UNSUPPORTED;
  tokens.push(value);
  return value;
}

function setMember(obj, name, value) {
  if (name === '__proto__') {
    Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[name] = value;
  }
}

// ---- the memo -----------------------------------------------------------------

/** One remembered configuration: its key, and the trie nodes of its path (to prune). */
class Entry {
  constructor(key, canonical, nodes, tokens) {
    this.key = key;
    this.canonical = canonical;
    this.nodes = nodes;
    this.tokens = tokens;
  }
}

class ConfigMemo {
  #root = new TrieNode();
  // canonical form → Set of entries with that key: dropped when its client leaves
  #byCanonical = new Map();
  // every entry, oldest first
  #entries = new Set();

  /** The key for (service, call configuration, session defaults), or undefined. */
  find(serviceName, config, defaults) {
    let node = this.#root.get(serviceName);
    if (node === undefined) return undefined;
    node = findConfig(node, config);
    if (node !== undefined && defaults !== undefined) {
      node = node.get(DEFAULTS);
      if (node !== undefined) node = findConfig(node, defaults);
    }
    if (node === undefined) return undefined;
    const entry = node.get(END);
    return entry === undefined ? undefined : entry.key;
  }

  /**
   * Reads (service, config, defaults) once: `{ tokens, config, defaults }`
   * with copies of what was read, or undefined when the walk does not cover
   * this configuration (it is then never memoized).
   */
  read(serviceName, config, defaults) {
    const tokens = [serviceName];
    const callCopy = readConfig(tokens, config);
    if (callCopy === UNSUPPORTED) return undefined;
    let defaultsCopy;
    if (defaults !== undefined) {
      tokens.push(DEFAULTS);
      defaultsCopy = readConfig(tokens, defaults);
      if (defaultsCopy === UNSUPPORTED) return undefined;
    }
    tokens.push(END);
    return { tokens, config: callCopy, defaults: defaultsCopy };
  }

  /** Remembers `key` for a reading of read(); `canonical` is the key's canonical form. */
  add(reading, key, canonical) {
    const { tokens } = reading;
    const nodes = new Array(tokens.length);
    let node = this.#root;
    for (let i = 0; i < tokens.length - 1; i++) {
      nodes[i] = node;
      let next = node.get(tokens[i]);
      if (next === undefined) node.set(tokens[i], next = new TrieNode());
      node = next;
    }
    nodes[tokens.length - 1] = node;
    const old = node.get(END);
    if (old !== undefined) this.#unlink(old); // same path: replaced in place
    const entry = new Entry(key, canonical, nodes, tokens);
    node.set(END, entry);
    this.#entries.add(entry);
    let same = this.#byCanonical.get(canonical);
    if (same === undefined) this.#byCanonical.set(canonical, same = new Set());
    same.add(entry);
    if (this.#entries.size > MEMO_SIZE) this.#drop(this.#entries.values().next().value);
  }

  /** Drops every entry whose key has this canonical form (its client left a cache). */
  forget(canonical) {
    const same = this.#byCanonical.get(canonical);
    if (same === undefined) return;
    for (const entry of same) this.#drop(entry);
  }

  /** Whether anything is remembered (so a departure needs looking at). */
  get size() {
    return this.#entries.size;
  }

  clear() {
    this.#root = new TrieNode();
    this.#byCanonical = new Map();
    this.#entries = new Set();
  }

  #unlink(entry) {
    if (!this.#entries.delete(entry)) return false;
    const same = this.#byCanonical.get(entry.canonical);
    same.delete(entry);
    if (same.size === 0) this.#byCanonical.delete(entry.canonical);
    return true;
  }

  #drop(entry) {
    if (!this.#unlink(entry)) return;
    // Prune the path from its end while nodes empty out: no secret stays
    // behind as a Map key.
    const { nodes, tokens } = entry;
    for (let i = tokens.length - 1; i >= 0; i--) {
      nodes[i].delete(tokens[i]);
      if (nodes[i].size !== 0) break;
    }
    entry.nodes = entry.tokens = null;
  }
}

module.exports = { ConfigMemo };
