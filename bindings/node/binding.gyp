# The clientcache Node-API addon: C sources over clientcache.h, linked against
# the libclientcache that scripts/paths.js finds (an installed one through
# pkg-config or CLIENTCACHE_PREFIX / CLIENTCACHE_LIB_DIR + _INCLUDE_DIR, or the
# repository's own build): the shared library by default, with a RUNPATH to
# its folder unless the dynamic linker searches it anyway; CLIENTCACHE_LINK=static
# links libclientcache.a into the .node file instead. Built against the headers
# installed with Node (scripts/build.js passes --nodedir): nothing is downloaded.
# gyp splits `<!@(...)` output on white space: folders with spaces are not supported.
{
  'targets': [
    {
      'target_name': 'clientcache',
      'sources': ['src/module.c', 'src/keys.c', 'src/cache.c', 'src/errors.c'],
      'include_dirs': ['<!(node scripts/paths.js include)'],
      'defines': ['NAPI_VERSION=8'],
      'cflags_c': ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-fvisibility=hidden'],
      'libraries': ['<!@(node scripts/paths.js libraries)'],
      'ldflags': ['<!@(node scripts/paths.js ldflags)'],
    },
  ],
}
