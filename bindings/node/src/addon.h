/* Shared declarations of the clientcache Node-API addon.
 *
 * The addon is a thin layer over include/clientcache.h: it translates JS
 * values to the C ABI and back, holds JS values through napi_ref, and turns
 * failing statuses into the JS error classes of lib/errors.js. Identity,
 * locking and eviction all live in the Rust core.
 *
 * There is no mutable global state: everything per load lives in one
 * cc_addon, registered with napi_set_instance_data and passed to every
 * exported function as its callback data. Worker threads each load their own
 * instance. */
#ifndef CLIENTCACHE_NODE_ADDON_H
#define CLIENTCACHE_NODE_ADDON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>
#include <uv.h>

#include "clientcache.h"

typedef struct cc_cache_box cc_cache_box;
typedef struct cc_hooks cc_hooks;

/* A value that left a cache with a dispose function, waiting to be handed
 * to it (see cc_done). Holds its own strong reference to the JS value, a
 * clone of the key and a reference on the hooks. */
typedef struct cc_departure {
  cc_hooks *hooks;
  napi_ref value;
  clientcache_key *key;
  uint32_t cause;
  struct cc_departure *next;
} cc_departure;

/* A value released by the core on a thread other than the JS thread: its
 * napi_ref cannot be deleted there, so it waits here until the JS thread
 * drains the list (see cc_release in cache.c). */
typedef struct cc_orphan {
  napi_ref ref;
  struct cc_orphan *next;
} cc_orphan;

/* Per-load state. Every field except the orphan list is touched only on the
 * JS thread of `env`. */
typedef struct cc_addon {
  napi_env env;
  uv_thread_t js_thread;
  /* lib/errors.js makeError(statusName, message, kind) -> Error, set by setup() */
  napi_ref make_error;
  /* random per load: the first field of every key / cache handle, so a
   * handle from another copy of the addon (or another addon) is rejected */
  uint64_t key_magic;
  uint64_t cache_magic;
  /* value accounting (exported to tests): refs handed to a cache / released */
  uint64_t refs_retained;
  uint64_t refs_released;
  /* live caches, so the env cleanup hook can free them before teardown */
  cc_cache_box *caches;
  bool cleanup_hook_ran;
  /* departures waiting for their dispose call, oldest first (JS thread) */
  cc_departure *dep_head, *dep_tail;
  /* > 0 while a cache is freed by a GC finalizer or the env teardown: the
   * listener then records nothing (no JS may run there) */
  unsigned silent;
  /* what a test clock threw (or a type error for a bad return), rethrown
   * when the native call that read the clock returns */
  napi_ref clock_error;
  /* lib/cache.js's departure counter (a Float64Array(1) registered by
   * setup()): +1 whenever any value leaves any cache of this load, so a
   * value the JS side remembered from a lookup is served again only while
   * nothing has left since (README.md, "Hits served from JS"). NULL before setup
   * and after teardown. */
  double *epoch;
  napi_ref epoch_ref;
  /* guards `orphans` only */
  uv_mutex_t orphan_lock;
  cc_orphan *orphans;
} cc_addon;

/* What a key handle (a napi_external) points to. */
typedef struct cc_key_handle {
  uint64_t magic; /* addon->key_magic */
  clientcache_key *key;
} cc_key_handle;

/* The native side of one ClientCache / ResourceCache: what a cache handle
 * (a napi_external) points to. */
/* The JS side of a cache's expiry: its dispose dispatcher and test clock.
 * Shared by a cache and its copies (the core copies listener and clock with
 * their contexts), freed when no box and no departure refers to it. Both
 * functions are held weakly: the JS cache objects hold them strongly, so a
 * dispose closure that refers to its own cache does not keep it alive. */
struct cc_hooks {
  cc_addon *addon;
  unsigned refs;
  napi_ref deliver; /* (keyHandle, value, cause) => void, or NULL */
  napi_ref clock;   /* () => bigint nanoseconds, or NULL */
  uint64_t last_ns; /* the clock never goes back */
};

struct cc_cache_box {
  uint64_t magic;           /* addon->cache_magic */
  cc_addon *addon;          /* NULL once unlinked (closed, or the env cleanup hook ran) */
  clientcache_cache *cache; /* NULL once freed */
  clientcache_kind kind;
  /* close() was called: every later use throws ERR_CLIENTCACHE_CLOSED */
  bool closed;
  /* getOrCreate calls on this cache whose JS factory may be running: a
   * close() from inside a factory clears the cache at once and frees it when
   * the outermost of them returns (the core is still inside it) */
  unsigned busy;
  cc_hooks *hooks; /* NULL without dispose and test clock */
  cc_cache_box *prev, *next;
};

/* ---- errors.c: status checks and throwing ---- */

/* Throws for a failed napi call unless an exception is already pending (a
 * pending JS exception is never clobbered). Always returns NULL. */
napi_value cc_throw_napi(napi_env env, napi_status status, const char *what);

/* Throws the JS error for a failing clientcache status: makeError(statusName,
 * clientcache_last_error(), kind). Must run on the thread of the failing call
 * (the message is thread-local). Always returns NULL. */
napi_value cc_throw_status(napi_env env, cc_addon *addon, clientcache_status status,
                           clientcache_kind kind);

/* Throws makeError(statusName, message, kind) with a message of our own. */
napi_value cc_throw_message(napi_env env, cc_addon *addon, const char *status_name,
                            const char *message, clientcache_kind kind);

/* Evaluates a napi call; on failure throws (without clobbering) and returns NULL
 * from the enclosing napi_callback. */
#define CC_NAPI(env, call)                                                     \
  do {                                                                         \
    napi_status cc_s_ = (call);                                                \
    if (cc_s_ != napi_ok) return cc_throw_napi((env), cc_s_, #call);           \
  } while (0)

/* Fetches up to N arguments and the addon (callback data). */
#define CC_ARGS(env, info, n)                                                  \
  size_t argc = (n);                                                           \
  napi_value argv[(n) > 0 ? (n) : 1];                                          \
  cc_addon *addon = NULL;                                                      \
  CC_NAPI((env), napi_get_cb_info((env), (info), &argc, argv, NULL,            \
                                  (void **)&addon));                           \
  for (size_t cc_i_ = argc; cc_i_ < (size_t)(n); cc_i_++)                      \
    napi_get_undefined((env), &argv[cc_i_]);

/* ---- keys.c ---- */

/* Reads a key handle created by keyNew (magic checked); throws and returns
 * false otherwise. */
bool cc_unwrap_key(napi_env env, cc_addon *addon, napi_value value, clientcache_key **out);
/* Wraps an owned key in a new handle object (takes ownership, also on failure). */
napi_status cc_wrap_key(napi_env env, cc_addon *addon, clientcache_key *key, napi_value *out);
napi_status cc_keys_init(napi_env env, cc_addon *addon, napi_value exports);

/* ---- cache.c ---- */
napi_status cc_cache_init(napi_env env, cc_addon *addon, napi_value exports);
/* Frees every live cache of this load (env teardown). */
void cc_caches_teardown(cc_addon *addon);
/* Deletes refs released off the JS thread (JS thread only). */
void cc_drain_orphans(cc_addon *addon);
/* The end of every cache call: hands queued departures to their dispose
 * functions and rethrows a test clock's error, keeping a pending exception
 * (the call's own failure) as it was. Returns `result`, or NULL if it threw. */
napi_value cc_done_slow(napi_env env, cc_addon *addon, napi_value result);
static inline napi_value cc_done(napi_env env, cc_addon *addon, napi_value result) {
  if (addon->dep_head == NULL && addon->clock_error == NULL) return result;
  return cc_done_slow(env, addon, result);
}

/* ---- helpers shared by keys.c and cache.c ---- */

/* Reads a JS string of any length (or the bytes of a Buffer / TypedArray,
 * passed verbatim): its UTF-8 length is queried first, then it is copied
 * into `stack` when it fits, else into a malloc'ed buffer returned in *heap
 * (free it, also on failure). Lone surrogates would become U+FFFD here:
 * lib/params.js refuses them before any string reaches the addon. Throws a TypeError naming `what` for any other type. */
bool cc_get_text(napi_env env, napi_value value, const char *what, char *stack, size_t cap,
                 const char **out, size_t *out_len, char **heap);

#endif
