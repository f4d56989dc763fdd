'use strict';
// How the package finds libclientcache (scripts/paths.js, run by
// scripts/build.js and binding.gyp) and what it publishes (package.json).
// The resolver is given its environment, pkg-config and file system here;
// consumer-test.sh (make test-node-consumer) builds the packed package
// against a real `make install` prefix.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { resolve, isSystemLibDir, LibraryNotFound } = require('../scripts/paths');

const PKG = require('../package.json');

/** A pkg-config that knows one clientcache.pc (prefix) or none (null). */
function fakePkgConfig(prefix) {
  const calls = [];
  const fn = (args, env) => {
    calls.push({ args, env });
    if (prefix === null) return { ok: false, missing: false, out: '', err: 'Package clientcache was not found' };
    const answers = {
      '--exists clientcache': '',
      '--variable=libdir clientcache': `${prefix}/lib`,
      '--variable=includedir clientcache': `${prefix}/include`,
      '--modversion clientcache': '0.2.0',
      '--cflags clientcache': `-I${prefix}/include`,
      '--libs clientcache': `-L${prefix}/lib -lclientcache`,
      '--static --libs-only-l clientcache': '-lclientcache -lpthread -ldl -lm',
    };
    const out = answers[args.join(' ')];
    return out === undefined ? { ok: false, missing: false, out: '', err: `unexpected ${args}` } : { ok: true, missing: false, out, err: '' };
  };
  fn.calls = calls;
  return fn;
}

/** exists() for a prefix laid out as `make install` does. */
function installedAt(...prefixes) {
  const files = new Set();
  for (const p of prefixes) {
    for (const f of ['include/clientcache.h', 'lib/libclientcache.so', 'lib/libclientcache.a']) files.add(path.join(p, f));
  }
  return (file) => files.has(file);
}

test('pkg-config: shared link with a RUNPATH to a non-system libdir; flags as pkg-config prints them', () => {
  const pkgConfig = fakePkgConfig('/opt/cc');
  const r = resolve({ env: { PKG_CONFIG_PATH: '/opt/cc/lib/pkgconfig' }, pkgConfig, checkoutRoot: null, exists: installedAt('/opt/cc') });
  assert.equal(r.source, 'pkg-config');
  assert.equal(r.linkMode, 'shared');
  assert.equal(r.version, '0.2.0');
  assert.equal(r.includeDir, '/opt/cc/include');
  assert.deepEqual(r.libraries, ['-L/opt/cc/lib', '-lclientcache']);
  assert.deepEqual(r.ldflags, ['-Wl,--enable-new-dtags', '-Wl,-rpath,/opt/cc/lib']);
  // pkg-config gets the caller's environment, PKG_CONFIG_PATH included.
  assert.equal(pkgConfig.calls[0].env.PKG_CONFIG_PATH, '/opt/cc/lib/pkgconfig');
});

test('no RUNPATH for the folders the dynamic linker always searches', () => {
  for (const dir of ['/usr/lib', '/usr/lib64', '/lib', '/lib64', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/']) {
    assert.equal(isSystemLibDir(dir), true, dir);
  }
  for (const dir of ['/usr/local/lib', '/opt/cc/lib', '/home/me/.local/lib', '/usr/lib/clientcache', '/nix/store/x-libclientcache/lib']) {
    assert.equal(isSystemLibDir(dir), false, dir);
  }
  const r = resolve({ env: {}, pkgConfig: fakePkgConfig('/usr'), checkoutRoot: null, exists: installedAt('/usr') });
  assert.deepEqual(r.ldflags, []);
  assert.deepEqual(r.libraries, ['-L/usr/lib', '-lclientcache']);
});

test('CLIENTCACHE_LINK=static links the archive and its Libs.private, with private Rust symbols and no RUNPATH', () => {
  const r = resolve({ env: { CLIENTCACHE_LINK: 'static' }, pkgConfig: fakePkgConfig('/opt/cc'), checkoutRoot: null, exists: installedAt('/opt/cc') });
  assert.equal(r.linkMode, 'static');
  assert.deepEqual(r.libraries, ['/opt/cc/lib/libclientcache.a', '-lpthread', '-ldl', '-lm']);
  assert.deepEqual(r.ldflags, ['-Wl,--exclude-libs,ALL', '-Wl,--gc-sections']);
  assert.throws(() => resolve({ env: { CLIENTCACHE_LINK: 'dynamic' }, pkgConfig: fakePkgConfig('/opt/cc'), checkoutRoot: null }),
    /CLIENTCACHE_LINK must be "shared" or "static"/);
});

test('CLIENTCACHE_PREFIX, then CLIENTCACHE_LIB_DIR + CLIENTCACHE_INCLUDE_DIR, win over pkg-config', () => {
  const pkgConfig = fakePkgConfig('/opt/other');
  const exists = installedAt('/opt/cc', '/opt/other');
  const byPrefix = resolve({ env: { CLIENTCACHE_PREFIX: '/opt/cc' }, pkgConfig, checkoutRoot: null, exists });
  assert.equal(byPrefix.source, 'CLIENTCACHE_PREFIX');
  assert.deepEqual([byPrefix.includeDir, byPrefix.linkMode], ['/opt/cc/include', 'shared']);
  assert.deepEqual(byPrefix.libraries, ['-L/opt/cc/lib', '-lclientcache']);
  const byDirs = resolve({
    env: { CLIENTCACHE_PREFIX: '/opt/other', CLIENTCACHE_LIB_DIR: '/opt/cc/lib', CLIENTCACHE_INCLUDE_DIR: '/opt/cc/include' },
    pkgConfig, checkoutRoot: null, exists,
  });
  assert.equal(byDirs.source, 'CLIENTCACHE_LIB_DIR + CLIENTCACHE_INCLUDE_DIR');
  assert.equal(byDirs.libDir, '/opt/cc/lib');
  assert.equal(pkgConfig.calls.length, 0, 'pkg-config is not asked when a variable names the library');
  assert.throws(() => resolve({ env: { CLIENTCACHE_LIB_DIR: '/opt/cc/lib' }, pkgConfig, checkoutRoot: null, exists }),
    (err) => err instanceof LibraryNotFound && /go together/.test(err.message));
});

test('a repository checkout links its own build statically; a packed copy never looks there', () => {
  const exists = (file) => file === '/repo/include/clientcache.h' || file === '/repo/rust/target/release/libclientcache.a';
  const r = resolve({ env: {}, pkgConfig: fakePkgConfig('/opt/cc'), checkoutRoot: '/repo', exists });
  assert.deepEqual([r.source, r.linkMode, r.libraries[0]], ['repository checkout', 'static', '/repo/rust/target/release/libclientcache.a']);
  // This folder is bindings/node of a checkout: the default finds it once `make lib` has run
  // (a source tree without rust/target, as in a Nix build, has nothing to find there).
  const root = path.join(__dirname, '..', '..', '..');
  if (fs.existsSync(path.join(root, 'rust', 'target', 'release', 'libclientcache.a'))) {
    assert.equal(resolve({ env: {} }).source, 'repository checkout');
  }
});

test('nothing found: one message naming pkg-config (PKG_CONFIG_PATH) and CLIENTCACHE_PREFIX / CLIENTCACHE_LIB_DIR', () => {
  for (const pkgConfig of [fakePkgConfig(null), () => ({ ok: false, missing: true, out: '', err: 'spawn pkg-config ENOENT' })]) {
    assert.throws(() => resolve({ env: {}, pkgConfig, checkoutRoot: null, exists: () => false }), (err) => {
      assert.ok(err instanceof LibraryNotFound);
      assert.equal(err.code, 'ERR_CLIENTCACHE_LIBRARY_NOT_FOUND');
      for (const want of ['libclientcache was not found', 'make install PREFIX=', 'PKG_CONFIG_PATH=', 'pkg-config --cflags --libs clientcache',
        'CLIENTCACHE_PREFIX=', 'CLIENTCACHE_LIB_DIR=', 'CLIENTCACHE_INCLUDE_DIR=', 'CLIENTCACHE_LINK=static']) {
        assert.ok(err.message.includes(want), `message lacks ${want}:\n${err.message}`);
      }
      return true;
    });
  }
  // A variable that points nowhere says which file is missing.
  assert.throws(() => resolve({ env: { CLIENTCACHE_PREFIX: '/nowhere' }, checkoutRoot: null, exists: () => false }),
    /CLIENTCACHE_PREFIX: \/nowhere\/include\/clientcache\.h is missing/);
});

test('package.json: publishable, the library version, entry points for import and require with types, optional SDK peers', () => {
  assert.equal(PKG.private, undefined);
  const cargo = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'rust', 'Cargo.toml'), 'utf8');
  assert.equal(PKG.version, /^version = "(.*)"/m.exec(cargo)[1], 'the package version is the library version (rust/Cargo.toml)');
  assert.deepEqual(PKG.exports['.'], {
    import: { types: './index.d.mts', default: './index.mjs' },
    require: { types: './index.d.ts', default: './index.js' },
  });
  for (const file of ['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts', 'binding.gyp', 'scripts/build.js', 'scripts/paths.js']) {
    assert.ok(PKG.files.includes(file), `files lacks ${file}`);
    assert.ok(fs.existsSync(path.join(__dirname, '..', file)), file);
  }
  assert.ok(PKG.engines.node);
  assert.deepEqual(Object.keys(PKG.dependencies || {}), [], 'no run-time dependencies');
  // Every service of index.d.ts's ServiceClients is an optional peer, and nothing else.
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const typed = [...dts.matchAll(/import\('(@aws-sdk\/client-[a-z0-9-]+)'\)/g)].map((m) => m[1]).sort();
  assert.ok(typed.length >= 20, 'ServiceClients lists the common services');
  assert.deepEqual(Object.keys(PKG.peerDependencies).sort(), typed);
  for (const name of typed) assert.deepEqual(PKG.peerDependenciesMeta[name], { optional: true }, name);
  assert.ok(PKG.devDependencies['@aws-sdk/client-s3'], 'the tests get the SDK as a devDependency');
});

test('package-lock.json records no registry URLs', () => {
  const lock = fs.readFileSync(path.join(__dirname, '..', 'package-lock.json'), 'utf8');
  assert.doesNotMatch(lock, /"resolved":/);
  assert.equal(JSON.parse(lock).packages[''].version, PKG.version);
});

test("LICENSE (packed with the package) is the repository's", () => {
  const read = (...p) => fs.readFileSync(path.join(__dirname, '..', ...p), 'utf8');
  assert.equal(read('LICENSE'), read('..', '..', 'LICENSE'));
});
