'use strict';
// Where libclientcache and clientcache.h are, and how the addon links them.
// scripts/build.js calls resolve() before node-gyp runs (and stops with the
// message below when nothing is found); binding.gyp runs this file as
// `node scripts/paths.js include|libraries|ldflags` for each piece.
//
// The library is looked for, in this order:
//   1. CLIENTCACHE_LIB_DIR and CLIENTCACHE_INCLUDE_DIR (both; the root
//      Makefile exports them for the repository's own build);
//   2. CLIENTCACHE_PREFIX: <prefix>/lib and <prefix>/include, as
//      `make install PREFIX=<prefix>` lays them out;
//   3. the repository checkout around this package (include/ and
//      rust/target/release), when the package is its bindings/node folder
//      and the library is built (`make lib`): a packed or installed copy
//      never looks there;
//   4. pkg-config (`pkg-config --cflags --libs clientcache`; PKG_CONFIG_PATH
//      and PKG_CONFIG_LIBDIR are honoured as pkg-config itself reads them).
//
// CLIENTCACHE_LINK=shared (the default, except for 3) links libclientcache.so, with
// a RUNPATH to its folder unless that folder is one the dynamic linker always
// searches (/lib, /usr/lib, their lib64 and multiarch forms);
// CLIENTCACHE_LINK=static (the default for 3) links libclientcache.a into the
// .node file, with the Rust runtime's symbols kept private.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PKG_DIR = path.resolve(__dirname, '..');
// The repository around this package, when it is bindings/node of a checkout.
const CHECKOUT_ROOT = path.basename(PKG_DIR) === 'node' && path.basename(path.dirname(PKG_DIR)) === 'bindings'
  ? path.resolve(PKG_DIR, '..', '..') : null;

// The libraries libclientcache itself needs (clientcache.pc's Libs.private),
// for a static link when pkg-config is not what found the library.
const STATIC_DEPS = ['-lpthread', '-ldl', '-lm'];

const HOW_TO = [
  'clientcache: libclientcache was not found. Install it (from the clientcache repository:',
  '`make install PREFIX=/some/prefix`), then either',
  '  - let pkg-config find it: export PKG_CONFIG_PATH=/some/prefix/lib/pkgconfig',
  '    (`pkg-config --cflags --libs clientcache` must work), or',
  '  - name it: export CLIENTCACHE_PREFIX=/some/prefix',
  '    (or CLIENTCACHE_LIB_DIR=<folder of libclientcache> and CLIENTCACHE_INCLUDE_DIR=<folder of clientcache.h>),',
  'and install this package again. CLIENTCACHE_LINK=static links the static library instead of the shared one.',
].join('\n');

class LibraryNotFound extends Error {
  constructor(detail) {
    super(detail ? `${HOW_TO}\n(${detail})` : HOW_TO);
    this.code = 'ERR_CLIENTCACHE_LIBRARY_NOT_FOUND';
  }
}

/** True for the folders the dynamic linker searches without being told (no RUNPATH needed). */
function isSystemLibDir(dir) {
  const normal = path.resolve(dir).replace(/\/+$/, '');
  return /^(\/usr)?\/lib(32|64)?(\/[a-z0-9_]+-linux-[a-z0-9_]+)?$/.test(normal);
}

function defaultPkgConfig(args, env) {
  const run = spawnSync('pkg-config', args, { env, encoding: 'utf8' });
  if (run.error) return { ok: false, missing: run.error.code === 'ENOENT', out: '', err: String(run.error.message) };
  return { ok: run.status === 0, missing: false, out: run.stdout.trim(), err: run.stderr.trim() };
}

function splitFlags(text) {
  return text.split(/\s+/).filter(Boolean);
}

/**
 * Where the library is and the flags to link it:
 * { source, linkMode, includeDir, libDir, version, libraries, ldflags }.
 * Throws a LibraryNotFound naming both ways to point at an installed library.
 * `options` exists for the tests: env, pkgConfig(args, env), checkoutRoot, exists(file).
 */
function resolve(options = {}) {
  const env = options.env || process.env;
  const pkgConfig = options.pkgConfig || defaultPkgConfig;
  const checkoutRoot = options.checkoutRoot === undefined ? CHECKOUT_ROOT : options.checkoutRoot;
  const exists = options.exists || fs.existsSync;

  const link = env.CLIENTCACHE_LINK || '';
  if (link !== '' && link !== 'shared' && link !== 'static') {
    throw new Error(`clientcache: CLIENTCACHE_LINK must be "shared" or "static", not ${JSON.stringify(link)}`);
  }

  let found;
  if (env.CLIENTCACHE_LIB_DIR || env.CLIENTCACHE_INCLUDE_DIR) {
    if (!env.CLIENTCACHE_LIB_DIR || !env.CLIENTCACHE_INCLUDE_DIR) {
      throw new LibraryNotFound('CLIENTCACHE_LIB_DIR and CLIENTCACHE_INCLUDE_DIR go together: only one is set');
    }
    found = { source: 'CLIENTCACHE_LIB_DIR + CLIENTCACHE_INCLUDE_DIR', libDir: env.CLIENTCACHE_LIB_DIR, includeDir: env.CLIENTCACHE_INCLUDE_DIR };
  } else if (env.CLIENTCACHE_PREFIX) {
    found = {
      source: 'CLIENTCACHE_PREFIX',
      libDir: path.join(env.CLIENTCACHE_PREFIX, 'lib'),
      includeDir: path.join(env.CLIENTCACHE_PREFIX, 'include'),
    };
  } else if (checkoutRoot && exists(path.join(checkoutRoot, 'include', 'clientcache.h')) &&
             exists(path.join(checkoutRoot, 'rust', 'target', 'release', 'libclientcache.a'))) {
    found = {
      source: 'repository checkout',
      libDir: path.join(checkoutRoot, 'rust', 'target', 'release'),
      includeDir: path.join(checkoutRoot, 'include'),
    };
  } else {
    const probe = pkgConfig(['--exists', 'clientcache'], env);
    if (!probe.ok) {
      const why = probe.missing ? 'pkg-config is not installed' :
        `pkg-config found no clientcache.pc${env.PKG_CONFIG_PATH ? ` (PKG_CONFIG_PATH=${env.PKG_CONFIG_PATH})` : ' (PKG_CONFIG_PATH is not set)'}`;
      throw new LibraryNotFound(why);
    }
    const value = (args) => {
      const r = pkgConfig(args, env);
      if (!r.ok) throw new LibraryNotFound(`pkg-config ${args.join(' ')} failed: ${r.err}`);
      return r.out;
    };
    found = {
      source: 'pkg-config',
      libDir: value(['--variable=libdir', 'clientcache']),
      includeDir: value(['--variable=includedir', 'clientcache']),
      version: value(['--modversion', 'clientcache']),
      libs: splitFlags(value(['--libs', 'clientcache'])),
      staticLibs: splitFlags(value(['--static', '--libs-only-l', 'clientcache'])).filter((f) => f !== '-lclientcache'),
    };
  }

  const linkMode = link || (found.source === 'repository checkout' ? 'static' : 'shared');
  const header = path.join(found.includeDir, 'clientcache.h');
  if (!exists(header)) throw new LibraryNotFound(`${found.source}: ${header} is missing`);

  let libraries;
  let ldflags;
  if (linkMode === 'static') {
    const archive = path.join(found.libDir, 'libclientcache.a');
    if (!exists(archive)) throw new LibraryNotFound(`${found.source}: ${archive} is missing (CLIENTCACHE_LINK=static)`);
    libraries = [archive, ...(found.staticLibs && found.staticLibs.length ? found.staticLibs : STATIC_DEPS)];
    // Keep the Rust runtime's symbols private to this .node; drop unused code.
    ldflags = ['-Wl,--exclude-libs,ALL', '-Wl,--gc-sections'];
  } else {
    if (!exists(path.join(found.libDir, 'libclientcache.so'))) {
      throw new LibraryNotFound(`${found.source}: ${path.join(found.libDir, 'libclientcache.so')} is missing`);
    }
    libraries = found.libs ? found.libs.filter((f) => !f.startsWith('-I')) : [`-L${found.libDir}`, '-lclientcache'];
    ldflags = isSystemLibDir(found.libDir) ? [] : ['-Wl,--enable-new-dtags', `-Wl,-rpath,${path.resolve(found.libDir)}`];
  }
  return {
    source: found.source,
    linkMode,
    includeDir: found.includeDir,
    libDir: found.libDir,
    version: found.version,
    libraries,
    ldflags,
  };
}

module.exports = { resolve, isSystemLibDir, LibraryNotFound, HOW_TO };

if (require.main === module) {
  const which = process.argv[2];
  let r;
  try {
    r = resolve();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  // gyp splits the output of `<!@(...)` on white space: one flag per word.
  if (which === 'include') process.stdout.write(r.includeDir);
  else if (which === 'libraries') process.stdout.write(r.libraries.join(' '));
  else if (which === 'ldflags') process.stdout.write(r.ldflags.join(' '));
  else if (which === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    process.stderr.write('usage: paths.js include|libraries|ldflags|json\n');
    process.exit(2);
  }
}
