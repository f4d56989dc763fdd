# The clientcache Node-API addon: C sources over include/clientcache.h, linked
# against the static libclientcache.a, so the .node file is self-contained
# (no rpath, no LD_LIBRARY_PATH). Built against the headers installed with
# Node (scripts/build.js passes --nodedir), so nothing is downloaded.
{
  'variables': {
    'cc_lib_dir%': '<!(node scripts/paths.js lib)',
    'cc_include_dir%': '<!(node scripts/paths.js include)',
  },
  'targets': [
    {
      'target_name': 'clientcache',
      'sources': ['src/module.c', 'src/keys.c', 'src/cache.c', 'src/errors.c'],
      'include_dirs': ['<(cc_include_dir)'],
      'defines': ['NAPI_VERSION=8'],
      'cflags_c': ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-fvisibility=hidden'],
      'libraries': ['<(cc_lib_dir)/libclientcache.a', '-lpthread', '-ldl', '-lm'],
      # Keep the Rust runtime's symbols private to this .node and drop unused code.
      'ldflags': ['-Wl,--exclude-libs,ALL', '-Wl,--gc-sections'],
    },
  ],
}
