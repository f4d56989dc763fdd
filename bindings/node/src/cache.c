/* Cache handles and value lifetime.
 *
 * A cache handle is a napi_external pointing at a cc_cache_box that owns a
 * clientcache_cache (see keys.c for why externals); close() frees the core
 * cache (releasing every value at once) and the finalizer frees whatever is
 * left. A closed handle stays valid and throws ERR_CLIENTCACHE_CLOSED.
 * Values are JS objects held through napi_ref (refcount 1): set() and a
 * successful getOrCreate() factory create the ref and hand it to the core;
 * the core calls cc_release exactly once per value, when it is in no cache
 * and held by no lease (eviction, delete, pop, clear, shrinking, cache free),
 * and cc_release deletes the ref.
 *
 * Threads: in Node every cache operation runs on the JS thread of the env
 * that created the cache (handles cannot cross to workers; each worker loads
 * its own addon instance), and leases never outlive the native call that
 * took them, so the core always calls cc_release on the JS thread, where
 * napi_delete_reference is legal. cc_release still checks: a release on any
 * other thread queues the ref on addon->orphans (mutex-guarded) and the JS
 * thread deletes it at its next release or at teardown. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "addon.h"

/* ---- release and teardown ---- */

static bool on_js_thread(cc_addon *addon) {
  uv_thread_t self = uv_thread_self();
  return uv_thread_equal(&self, &addon->js_thread) != 0;
}

void cc_drain_orphans(cc_addon *addon) {
  uv_mutex_lock(&addon->orphan_lock);
  cc_orphan *list = addon->orphans;
  addon->orphans = NULL;
  uv_mutex_unlock(&addon->orphan_lock);
  while (list != NULL) {
    cc_orphan *next = list->next;
    napi_delete_reference(addon->env, list->ref);
    addon->refs_released++;
    free(list);
    list = next;
  }
}

/* The core's release callback; release_ctx is the cc_addon. */
static void cc_release(void *value, void *ctx) {
  cc_addon *addon = (cc_addon *)ctx;
  napi_ref ref = (napi_ref)value;
  if (on_js_thread(addon)) {
    napi_delete_reference(addon->env, ref);
    addon->refs_released++;
    if (addon->orphans != NULL) cc_drain_orphans(addon); /* racy peek is fine: it re-checks under the lock */
    return;
  }
  cc_orphan *o = malloc(sizeof *o);
  if (o == NULL) return; /* cannot happen in Node; leaking one ref beats touching napi here */
  o->ref = ref;
  uv_mutex_lock(&addon->orphan_lock);
  o->next = addon->orphans;
  addon->orphans = o;
  uv_mutex_unlock(&addon->orphan_lock);
}

/* ---- expiry hooks: dispose and the test clock ---- */

static void hooks_unref(cc_hooks *h) {
  if (h == NULL || --h->refs > 0) return;
  napi_env env = h->addon->env;
  if (h->deliver != NULL) napi_delete_reference(env, h->deliver);
  if (h->clock != NULL) napi_delete_reference(env, h->clock);
  free(h);
}

/* The core's eviction listener (listener_ctx is the cc_hooks): runs on the
 * thread that made the value leave, outside the cache lock, before the value
 * is released. It only records the departure; cc_done hands it to JS when
 * the native call returns. Nothing is recorded while a GC finalizer or the
 * env teardown frees a cache (no JS may run there), nor off the JS thread
 * (which Node never does: every cache call runs on its env's thread). */
static void cc_listener(const clientcache_key *key, void *value, clientcache_cause cause, void *ctx) {
  cc_hooks *h = (cc_hooks *)ctx;
  cc_addon *addon = h->addon;
  if (addon->epoch != NULL) *addon->epoch += 1;
  if (h->deliver == NULL || addon->silent > 0 || !on_js_thread(addon)) return;
  napi_env env = addon->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value v = NULL;
  cc_departure *d = NULL;
  if (napi_get_reference_value(env, (napi_ref)value, &v) == napi_ok && v != NULL &&
      (d = calloc(1, sizeof *d)) != NULL) {
    if (napi_create_reference(env, v, 1, &d->value) == napi_ok) {
      d->key = clientcache_key_clone(key);
      d->cause = cause;
      d->hooks = h;
      h->refs++;
      if (addon->dep_tail != NULL) addon->dep_tail->next = d;
      else addon->dep_head = d;
      addon->dep_tail = d;
      d = NULL;
    }
  }
  free(d);
  napi_close_handle_scope(env, scope);
}

static void clock_failed(cc_addon *addon, napi_env env, const char *message) {
  napi_value err = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_get_and_clear_last_exception(env, &err);
  } else {
    napi_value msg;
    napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
    napi_create_type_error(env, NULL, msg, &err);
  }
  if (err != NULL && addon->clock_error == NULL) napi_create_reference(env, err, 1, &addon->clock_error);
}

/* The core's clock for a cache made with a test clock (clock_ctx is the
 * cc_hooks): calls the JS function, which returns bigint nanoseconds. It
 * runs under the cache lock: the JS clock must not use the cache. A throw or
 * a bad value keeps the last reading and is rethrown by cc_done. */
static uint64_t cc_clock(void *ctx) {
  cc_hooks *h = (cc_hooks *)ctx;
  cc_addon *addon = h->addon;
  if (h->clock == NULL || addon->silent > 0 || !on_js_thread(addon)) return h->last_ns;
  napi_env env = addon->env;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return h->last_ns;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return h->last_ns;
  napi_value fn = NULL, undefined, result;
  napi_get_undefined(env, &undefined);
  if (napi_get_reference_value(env, h->clock, &fn) == napi_ok && fn != NULL) {
    if (napi_call_function(env, undefined, fn, 0, NULL, &result) != napi_ok) {
      clock_failed(addon, env, "the test clock threw");
    } else {
      uint64_t ns = 0;
      bool lossless = false;
      if (napi_get_value_bigint_uint64(env, result, &ns, &lossless) != napi_ok || !lossless) {
        clock_failed(addon, env, "the test clock must return a non-negative bigint of nanoseconds");
      } else if (ns > h->last_ns) {
        h->last_ns = ns;
      }
    }
  }
  napi_close_handle_scope(env, scope);
  return h->last_ns;
}

napi_value cc_done_slow(napi_env env, cc_addon *addon, napi_value result) {
  napi_value exception = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) napi_get_and_clear_last_exception(env, &exception);
  /* One at a time from the head: a dispose that calls back into a cache
   * ends in a nested cc_done, which delivers the rest in order. */
  while (addon->dep_head != NULL) {
    cc_departure *d = addon->dep_head;
    addon->dep_head = d->next;
    if (addon->dep_head == NULL) addon->dep_tail = NULL;
    napi_handle_scope scope;
    bool scoped = napi_open_handle_scope(env, &scope) == napi_ok;
    napi_value fn = NULL, value = NULL, args[3], undefined, ignored;
    napi_get_undefined(env, &undefined);
    napi_get_reference_value(env, d->value, &value);
    if (d->hooks->deliver != NULL) napi_get_reference_value(env, d->hooks->deliver, &fn);
    clientcache_key *key = d->key;
    d->key = NULL;
    if (fn != NULL && value != NULL && key != NULL && cc_wrap_key(env, addon, key, &args[0]) == napi_ok) {
      args[1] = value;
      napi_create_uint32(env, d->cause, &args[2]);
      if (napi_call_function(env, undefined, fn, 3, args, &ignored) != napi_ok) {
        /* lib/cache.js catches what dispose throws; this is a failure of
         * the call itself (e.g. the env is stopping) */
        napi_value e = NULL;
        napi_is_exception_pending(env, &pending);
        if (pending) napi_get_and_clear_last_exception(env, &e);
        if (exception == NULL) exception = e;
      }
    } else {
      clientcache_key_free(key);
    }
    napi_delete_reference(env, d->value);
    hooks_unref(d->hooks);
    free(d);
    if (scoped) napi_close_handle_scope(env, scope);
  }
  if (addon->clock_error != NULL) {
    napi_value e = NULL;
    napi_get_reference_value(env, addon->clock_error, &e);
    napi_delete_reference(env, addon->clock_error);
    addon->clock_error = NULL;
    if (exception == NULL) exception = e;
  }
  if (exception != NULL) {
    napi_throw(env, exception);
    return NULL;
  }
  return result;
}

/* Frees departures never delivered (env teardown). */
static void drop_departures(cc_addon *addon) {
  while (addon->dep_head != NULL) {
    cc_departure *d = addon->dep_head;
    addon->dep_head = d->next;
    napi_delete_reference(addon->env, d->value);
    clientcache_key_free(d->key);
    hooks_unref(d->hooks);
    free(d);
  }
  addon->dep_tail = NULL;
  if (addon->clock_error != NULL) {
    napi_delete_reference(addon->env, addon->clock_error);
    addon->clock_error = NULL;
  }
}

/* Frees a box's core cache with no dispose calls (GC finalizer, env
 * teardown), then lets go of its hooks. */
static void free_silently(cc_addon *addon, cc_cache_box *box) {
  clientcache_cache *cache = box->cache;
  box->cache = NULL;
  addon->silent++;
  clientcache_cache_free(cache);
  addon->silent--;
  cc_hooks *h = box->hooks;
  box->hooks = NULL;
  hooks_unref(h);
}

static void box_link(cc_addon *addon, cc_cache_box *box) {
  box->prev = NULL;
  box->next = addon->caches;
  if (addon->caches != NULL) addon->caches->prev = box;
  addon->caches = box;
}

static void box_unlink(cc_addon *addon, cc_cache_box *box) {
  if (box->prev != NULL) box->prev->next = box->next;
  else addon->caches = box->next;
  if (box->next != NULL) box->next->prev = box->prev;
  box->prev = box->next = NULL;
}

/* External finalizer: the JS cache object was collected (or the env is
 * going away). Freeing the core cache releases every value it still holds. */
static void box_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  cc_cache_box *box = (cc_cache_box *)data;
  if (box->addon != NULL) {
    box_unlink(box->addon, box);
    free_silently(box->addon, box);
  }
  free(box);
}

/* close(), or the end of the outermost getOrCreate after a close() from
 * inside its factory: unlinks the box and frees the core cache, which
 * releases every value it holds (cc_release, on this thread) after telling
 * the listener (CLEARED: delivered to dispose by the caller's cc_done). The
 * handle stays valid; its finalizer then only frees the box. */
static void box_close_now(cc_cache_box *box) {
  if (box->addon != NULL) {
    box_unlink(box->addon, box);
    box->addon = NULL;
  }
  clientcache_cache *cache = box->cache;
  box->cache = NULL;
  clientcache_cache_free(cache);
  cc_hooks *h = box->hooks; /* queued departures hold their own reference */
  box->hooks = NULL;
  hooks_unref(h);
}

void cc_caches_teardown(cc_addon *addon) {
  while (addon->caches != NULL) {
    cc_cache_box *box = addon->caches;
    box_unlink(addon, box);
    box->addon = NULL; /* its finalizer, if it still runs, only frees the box */
    free_silently(addon, box);
  }
  drop_departures(addon);
  cc_drain_orphans(addon);
}

/* ---- handles ---- */

/* Wraps a new core cache in a handle; the box takes one reference on
 * `hooks` (if any), also on failure. */
static napi_status wrap_cache(napi_env env, cc_addon *addon, clientcache_cache *cache,
                              clientcache_kind kind, cc_hooks *hooks, napi_value *out) {
  if (hooks != NULL) hooks->refs++;
  cc_cache_box *box = calloc(1, sizeof *box);
  if (box == NULL) {
    addon->silent++;
    clientcache_cache_free(cache);
    addon->silent--;
    hooks_unref(hooks);
    return napi_generic_failure;
  }
  box->hooks = hooks;
  box->magic = addon->cache_magic;
  box->addon = addon;
  box->cache = cache;
  box->kind = kind;
  box_link(addon, box);
  napi_status s = napi_create_external(env, box, box_finalize, NULL, out);
  if (s != napi_ok) {
    box_unlink(addon, box);
    free_silently(addon, box);
    free(box);
  }
  return s;
}

static bool unwrap_cache(napi_env env, cc_addon *addon, napi_value value, cc_cache_box **out) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) == napi_ok && data != NULL &&
      ((cc_cache_box *)data)->magic == addon->cache_magic) {
    cc_cache_box *box = (cc_cache_box *)data;
    if (box->closed || box->cache == NULL) {
      cc_throw_message(env, addon, "CLOSED",
                       box->closed ? "the cache is closed (close() was called)"
                                   : "the cache was torn down with its environment",
                       box->kind);
      return false;
    }
    *out = box;
    return true;
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a clientcache cache handle");
  return false;
}

/* The box behind a handle, closed or not (for close()); throws otherwise. */
static bool unwrap_box(napi_env env, cc_addon *addon, napi_value value, cc_cache_box **out) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) == napi_ok && data != NULL &&
      ((cc_cache_box *)data)->magic == addon->cache_magic) {
    *out = (cc_cache_box *)data;
    return true;
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a clientcache cache handle");
  return false;
}

/* Reads the value a lease holds and frees the lease. */
static napi_value lease_take(napi_env env, clientcache_lease *lease) {
  napi_ref ref = (napi_ref)clientcache_lease_value(lease);
  napi_value value = NULL;
  napi_status s = napi_get_reference_value(env, ref, &value);
  clientcache_lease_free(lease); /* after reading: our local handle keeps the object alive */
  if (s != napi_ok || value == NULL) return cc_throw_napi(env, s, "reading a cached value");
  return value;
}

static bool get_size(napi_env env, cc_addon *addon, napi_value v, clientcache_kind kind,
                     size_t *out) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok || !isfinite(d) || d < 0 || floor(d) != d ||
      d > 9007199254740991.0) {
    cc_throw_message(env, addon, "INVALID_ARGUMENT", "maxSize must be a positive integer", kind);
    return false;
  }
  *out = (size_t)d;
  return true;
}

/* ---- exported functions ---- */

/* A lifetime in milliseconds (a JS number) as the core's nanoseconds:
 * undefined → CLIENTCACHE_TTL_DEFAULT (the cache's own), 0 or +Infinity →
 * CLIENTCACHE_TTL_NEVER, a positive number → at least 1 ns. lib/cache.js
 * checks the values first; this refuses anything else too. */
static bool get_ttl(napi_env env, cc_addon *addon, napi_value v, clientcache_kind kind, uint64_t *out) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok) return false;
  if (type == napi_undefined) {
    *out = CLIENTCACHE_TTL_DEFAULT;
    return true;
  }
  double ms = 0;
  if (type != napi_number || napi_get_value_double(env, v, &ms) != napi_ok || isnan(ms) || ms < 0) {
    cc_throw_message(env, addon, "INVALID_ARGUMENT", "ttl must be a number of milliseconds ≥ 0", kind);
    return false;
  }
  if (ms == 0 || isinf(ms)) {
    *out = CLIENTCACHE_TTL_NEVER;
    return true;
  }
  double ns = ceil(ms * 1e6);
  *out = ns >= 1.8e19 ? CLIENTCACHE_TTL_NEVER - 1 : (ns < 1 ? 1 : (uint64_t)ns);
  return true;
}

static bool is_function(napi_env env, napi_value v) {
  napi_valuetype type;
  return napi_typeof(env, v, &type) == napi_ok && type == napi_function;
}

/* cacheNew(kind, policy, maxSize, ttlMs?, deliver?, clock?): ttlMs is the
 * cache's default lifetime (undefined or 0: none); deliver(keyHandle, value,
 * cause) is lib/cache.js's dispose dispatcher; clock() returns bigint
 * nanoseconds (tests). Both functions are held weakly (see cc_hooks). */
static napi_value cache_new(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 6);
  uint32_t kind = 0, policy = 0;
  size_t max_size = 0;
  uint64_t ttl_ns = 0;
  CC_NAPI(env, napi_get_value_uint32(env, argv[0], &kind));
  CC_NAPI(env, napi_get_value_uint32(env, argv[1], &policy));
  if (!get_size(env, addon, argv[2], kind, &max_size)) return NULL;
  if (!get_ttl(env, addon, argv[3], kind, &ttl_ns)) return NULL;
  if (ttl_ns == CLIENTCACHE_TTL_NEVER) ttl_ns = 0; /* a cache's ttl 0 / Infinity: none */
  bool deliver = is_function(env, argv[4]), clock = is_function(env, argv[5]);
  /* Every cache has hooks and a listener: the listener counts departures
   * for lib/cache.js (addon->epoch) even without a dispose function. */
  cc_hooks *hooks = NULL;
  {
    hooks = calloc(1, sizeof *hooks);
    if (hooks == NULL) return cc_throw_napi(env, napi_generic_failure, "allocating cache hooks");
    hooks->addon = addon;
    hooks->refs = 1; /* ours until wrap_cache takes its own */
    if ((deliver && napi_create_reference(env, argv[4], 0, &hooks->deliver) != napi_ok) ||
        (clock && napi_create_reference(env, argv[5], 0, &hooks->clock) != napi_ok)) {
      hooks_unref(hooks);
      return cc_throw_napi(env, napi_generic_failure, "referencing dispose / clock");
    }
  }
  clientcache_cache_options o = {0};
  o.size = sizeof o;
  o.kind = kind;
  o.policy = policy;
  o.max_size = max_size;
  o.ttl_ns = ttl_ns;
  o.release = cc_release;
  o.release_ctx = addon;
  o.listener = cc_listener;
  o.listener_ctx = hooks;
  if (clock) {
    o.clock = cc_clock;
    o.clock_ctx = hooks;
  }
  clientcache_cache *cache = NULL;
  clientcache_status st = clientcache_cache_new_with_options(&o, &cache);
  if (st != CLIENTCACHE_STATUS_OK) {
    hooks_unref(hooks);
    return cc_throw_status(env, addon, st, kind);
  }
  napi_value result;
  napi_status s = wrap_cache(env, addon, cache, kind, hooks, &result);
  hooks_unref(hooks);
  if (s != napi_ok) return cc_throw_napi(env, s, "wrapping a cache");
  return cc_done(env, addon, result);
}

#define CC_CACHE_KEY_ARGS(n)                                                   \
  CC_ARGS(env, info, n);                                                       \
  cc_cache_box *box;                                                           \
  clientcache_key *key;                                                        \
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;                   \
  if (!cc_unwrap_key(env, addon, argv[1], &key)) return NULL;

/* cacheSet(cache, key, value, ttlMs?) */
static napi_value cache_set_impl(napi_env env, napi_callback_info info) {
  CC_CACHE_KEY_ARGS(4);
  uint64_t ttl_ns;
  if (!get_ttl(env, addon, argv[3], box->kind, &ttl_ns)) return NULL;
  napi_ref ref;
  CC_NAPI(env, napi_create_reference(env, argv[2], 1, &ref));
  clientcache_status st = ttl_ns == CLIENTCACHE_TTL_DEFAULT
                              ? clientcache_cache_insert(box->cache, key, ref)
                              : clientcache_cache_insert_with_ttl(box->cache, key, ref, ttl_ns);
  if (st != CLIENTCACHE_STATUS_OK) {
    cc_throw_status(env, addon, st, box->kind);
    napi_delete_reference(env, ref); /* a failed insert leaves the value ours */
    return NULL;
  }
  addon->refs_retained++;
  return NULL;
}

static napi_value lookup(napi_env env, napi_callback_info info, bool promote, bool throw_on_miss) {
  CC_CACHE_KEY_ARGS(2);
  clientcache_lease *lease = NULL;
  clientcache_status st = promote ? clientcache_cache_get(box->cache, key, &lease)
                                  : clientcache_cache_peek(box->cache, key, &lease);
  if (st == CLIENTCACHE_STATUS_OK) return cc_done(env, addon, lease_take(env, lease));
  if (st == CLIENTCACHE_STATUS_NOT_FOUND && !throw_on_miss) return cc_done(env, addon, NULL); /* undefined */
  return cc_done(env, addon, cc_throw_status(env, addon, st, box->kind));
}

static napi_value cache_get(napi_env env, napi_callback_info info) {
  return lookup(env, info, true, false);
}
static napi_value cache_get_or_throw(napi_env env, napi_callback_info info) {
  return lookup(env, info, true, true);
}
static napi_value cache_peek(napi_env env, napi_callback_info info) {
  return lookup(env, info, false, false);
}

/* cacheTouch(cache, keyHandles) -> how many were not found (0 unless the
 * JS side is wrong). Looks each key up in order, as get() does — promoting
 * it and counting a hit — without reading the values: lib/cache.js serves
 * repeated hits on an LRU cache from values it already holds and replays
 * them here, in the order of each key's last hit, before any other
 * operation on the cache can observe the order or the counters
 * (README.md, "Design notes", "Hits served from JS"). */
static napi_value cache_touch_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  uint32_t n = 0, missed = 0;
  CC_NAPI(env, napi_get_array_length(env, argv[1], &n));
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    clientcache_key *key;
    CC_NAPI(env, napi_get_element(env, argv[1], i, &item));
    if (!cc_unwrap_key(env, addon, item, &key)) return NULL;
    clientcache_lease *lease = NULL;
    if (clientcache_cache_get(box->cache, key, &lease) == CLIENTCACHE_STATUS_OK) {
      clientcache_lease_free(lease);
    } else {
      missed++;
    }
  }
  napi_value result;
  CC_NAPI(env, napi_create_uint32(env, missed, &result));
  return result;
}

static napi_value cache_has_impl(napi_env env, napi_callback_info info) {
  CC_CACHE_KEY_ARGS(2);
  napi_value result;
  CC_NAPI(env, napi_get_boolean(env, clientcache_cache_contains(box->cache, key), &result));
  return result;
}

/* cacheDelete(cache, key) -> the removed value; throws not-found */
static napi_value cache_delete_impl(napi_env env, napi_callback_info info) {
  CC_CACHE_KEY_ARGS(2);
  clientcache_lease *lease = NULL;
  clientcache_status st = clientcache_cache_remove(box->cache, key, &lease);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  return lease_take(env, lease); /* freeing the lease releases the value */
}

/* cachePopVictim(cache) -> [keyHandle, value]; throws not-found when empty */
static napi_value cache_pop_victim_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  clientcache_key *key = NULL;
  clientcache_lease *lease = NULL;
  clientcache_status st = clientcache_cache_pop_victim(box->cache, &key, &lease);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  napi_value pair, key_obj, value;
  napi_status s = cc_wrap_key(env, addon, key, &key_obj); /* owns key from here on */
  value = lease_take(env, lease);
  if (s != napi_ok) return cc_throw_napi(env, s, "wrapping a key");
  if (value == NULL) return NULL;
  CC_NAPI(env, napi_create_array_with_length(env, 2, &pair));
  CC_NAPI(env, napi_set_element(env, pair, 0, key_obj));
  CC_NAPI(env, napi_set_element(env, pair, 1, value));
  return pair;
}

/* State of one getOrCreate call, seen by the factory trampoline. All of it
 * lives in the native frame of cache_get_or_create, on the JS thread. */
typedef struct {
  napi_env env;
  napi_value factory;
  napi_value exception; /* what the JS factory threw, rethrown to the caller */
  bool threw;
  bool created; /* the factory handed a new ref to the core */
  napi_value ttl_box; /* Float64Array(1) the JS wrapper writes the lifetime into (NaN: default) */
} factory_call;

static int32_t factory_trampoline(const clientcache_key *key, void *ctx, void **out_value,
                                  uint64_t *out_ttl_ns) {
  (void)key;
  factory_call *fc = (factory_call *)ctx;
  napi_value undefined, result;
  napi_get_undefined(fc->env, &undefined);
  napi_status s = napi_call_function(fc->env, undefined, fc->factory, 0, NULL, &result);
  napi_ref ref = NULL;
  if (s == napi_ok && fc->ttl_box != NULL) {
    void *data = NULL;
    size_t length = 0;
    napi_typedarray_type type;
    if (napi_get_typedarray_info(fc->env, fc->ttl_box, &type, &length, &data, NULL, NULL) == napi_ok &&
        type == napi_float64_array && length >= 1) {
      double ms = ((double *)data)[0];
      if (ms == 0 || isinf(ms)) {
        *out_ttl_ns = CLIENTCACHE_TTL_NEVER;
      } else if (ms > 0) {
        double ns = ceil(ms * 1e6);
        *out_ttl_ns = ns >= 1.8e19 ? CLIENTCACHE_TTL_NEVER - 1 : (uint64_t)ns;
      } /* NaN: the cache's own */
    }
  }
  if (s == napi_ok) s = napi_create_reference(fc->env, result, 1, &ref);
  if (s != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(fc->env, &pending);
    if (pending && napi_get_and_clear_last_exception(fc->env, &fc->exception) == napi_ok)
      fc->threw = true;
    return 1;
  }
  fc->created = true;
  *out_value = ref;
  return 0;
}

/* cacheGetOrCreate(cache, key, factory, ttlBox?) -> value. The factory is
 * a synchronous JS function of no arguments (lib/cache.js wraps the
 * user's); it may write the new entry's lifetime in ms into ttlBox[0] (a
 * Float64Array; NaN for the cache's own). */
static napi_value cache_get_or_create_impl(napi_env env, napi_callback_info info) {
  CC_CACHE_KEY_ARGS(4);
  bool typed = false;
  napi_is_typedarray(env, argv[3], &typed);
  factory_call fc = {env, argv[2], NULL, false, false, typed ? argv[3] : NULL};
  clientcache_lease *lease = NULL;
  box->busy++;
  clientcache_status st =
      clientcache_cache_get_or_insert_with_ttl(box->cache, key, factory_trampoline, &fc, &lease);
  box->busy--;
  if (fc.created) addon->refs_retained++; /* the core owns that ref now and will release it */
  if (box->closed) {
    /* The factory (or one nested in it) closed this cache: nothing comes
     * out of a closed cache. The factory's own exception, if it threw, is
     * the more useful one. */
    if (lease != NULL) clientcache_lease_free(lease);
    if (box->busy == 0 && box->cache != NULL) box_close_now(box);
    if (st == CLIENTCACHE_STATUS_FACTORY_FAILED && fc.threw) {
      napi_throw(env, fc.exception);
      return NULL;
    }
    return cc_throw_message(env, addon, "CLOSED", "the cache was closed while getOrCreate ran", box->kind);
  }
  if (st == CLIENTCACHE_STATUS_OK) {
    /* The lease holds either the hit or the new value; when the factory ran,
     * the cache took our ref. */
    if (lease == NULL) return cc_throw_napi(env, napi_generic_failure, "get_or_insert_with");
    napi_value value = lease_take(env, lease);
    return value;
  }
  if (st == CLIENTCACHE_STATUS_FACTORY_FAILED && fc.threw) {
    napi_throw(env, fc.exception);
    return NULL;
  }
  return cc_throw_status(env, addon, st, box->kind);
}

static napi_value cache_size_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  napi_value result;
  CC_NAPI(env, napi_create_double(env, (double)clientcache_cache_len(box->cache), &result));
  return result;
}

static napi_value cache_max_size(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  napi_value result;
  CC_NAPI(env, napi_create_double(env, (double)clientcache_cache_max_size(box->cache), &result));
  return result;
}

static napi_value cache_set_max_size_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  cc_cache_box *box;
  size_t max_size;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  if (!get_size(env, addon, argv[1], box->kind, &max_size)) return NULL;
  clientcache_status st = clientcache_cache_set_max_size(box->cache, max_size);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  return NULL;
}

static napi_value cache_clear_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  clientcache_status st = clientcache_cache_clear(box->cache);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  return NULL;
}

/* cacheClose(cache): idempotent. Frees the core cache, releasing every
 * value it holds; later use of the handle throws ERR_CLIENTCACHE_CLOSED.
 * From inside a getOrCreate factory on this cache, the entries are cleared
 * (released) at once and the cache is freed when that call returns. */
static napi_value cache_close_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_box(env, addon, argv[0], &box)) return NULL;
  if (box->closed || box->cache == NULL) return NULL;
  box->closed = true;
  if (box->busy > 0) {
    clientcache_status st = clientcache_cache_clear(box->cache);
    if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
    return NULL;
  }
  box_close_now(box);
  return NULL;
}

/* cacheCopy(cache) -> a new cache handle sharing the values */
static napi_value cache_copy_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  clientcache_cache *copy = NULL;
  clientcache_status st = clientcache_cache_copy(box->cache, &copy);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  napi_value result;
  CC_NAPI(env, wrap_cache(env, addon, copy, box->kind, box->hooks, &result));
  return result;
}

static napi_status set_u64(napi_env env, napi_value obj, const char *name, uint64_t v) {
  napi_value n;
  napi_status s = napi_create_double(env, (double)v, &n);
  return s == napi_ok ? napi_set_named_property(env, obj, name, n) : s;
}

static napi_value cache_stats_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  clientcache_stats_ex stats = {0};
  stats.size = sizeof stats;
  clientcache_status st = clientcache_cache_stats_ex(box->cache, &stats);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  napi_value obj;
  CC_NAPI(env, napi_create_object(env, &obj));
  CC_NAPI(env, set_u64(env, obj, "hits", stats.hits));
  CC_NAPI(env, set_u64(env, obj, "misses", stats.misses));
  CC_NAPI(env, set_u64(env, obj, "insertions", stats.insertions));
  CC_NAPI(env, set_u64(env, obj, "evictions", stats.evictions));
  CC_NAPI(env, set_u64(env, obj, "removals", stats.removals));
  CC_NAPI(env, set_u64(env, obj, "expirations", stats.expirations));
  CC_NAPI(env, set_u64(env, obj, "size", stats.len));
  CC_NAPI(env, set_u64(env, obj, "maxSize", stats.max_size));
  return obj;
}

/* cacheSnapshot(cache, withValues) -> [k0, k1, ...] or [k0, v0, k1, v1, ...]
 * in victim order (first = next victim). Values are read with peek, so the
 * snapshot promotes nothing. */
static napi_value cache_snapshot_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  cc_cache_box *box;
  bool with_values = false;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  CC_NAPI(env, napi_get_value_bool(env, argv[1], &with_values));
  clientcache_snapshot *snap = NULL;
  clientcache_status st = clientcache_cache_snapshot(box->cache, &snap);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  size_t n = clientcache_snapshot_len(snap);
  napi_value arr = NULL;
  napi_status s = napi_create_array_with_length(env, with_values ? 2 * n : n, &arr);
  uint32_t at = 0;
  for (size_t i = 0; s == napi_ok && i < n; i++) {
    const clientcache_key *borrowed = clientcache_snapshot_key(snap, i);
    napi_value key_obj, value;
    s = cc_wrap_key(env, addon, clientcache_key_clone(borrowed), &key_obj);
    if (s != napi_ok) break;
    s = napi_set_element(env, arr, at++, key_obj);
    if (s != napi_ok || !with_values) continue;
    clientcache_lease *lease = NULL;
    if (clientcache_cache_peek(box->cache, borrowed, &lease) == CLIENTCACHE_STATUS_OK) {
      value = lease_take(env, lease);
      if (value == NULL) {
        s = napi_pending_exception;
        break;
      }
    } else {
      napi_get_undefined(env, &value);
    }
    s = napi_set_element(env, arr, at++, value);
  }
  clientcache_snapshot_free(snap);
  if (s != napi_ok) return cc_throw_napi(env, s, "building a snapshot");
  return arr;
}

/* cachePurgeExpired(cache) -> how many expired entries left */
static napi_value cache_purge_expired_impl(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  cc_cache_box *box;
  if (!unwrap_cache(env, addon, argv[0], &box)) return NULL;
  size_t count = 0;
  clientcache_status st = clientcache_cache_purge_expired(box->cache, &count);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, box->kind);
  napi_value result;
  CC_NAPI(env, napi_create_double(env, (double)count, &result));
  return result;
}

/* Every cache call ends in cc_done: values that left during it reach their
 * dispose function before it returns (or throws). */
#define CC_WITH_DONE(name)                                                     \
  static napi_value name(napi_env env, napi_callback_info info) {              \
    napi_value result = name##_impl(env, info);                                \
    cc_addon *addon = NULL;                                                    \
    napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&addon);            \
    return addon == NULL ? result : cc_done(env, addon, result);               \
  }
CC_WITH_DONE(cache_set)
CC_WITH_DONE(cache_has)
CC_WITH_DONE(cache_touch)
CC_WITH_DONE(cache_delete)
CC_WITH_DONE(cache_pop_victim)
CC_WITH_DONE(cache_get_or_create)
CC_WITH_DONE(cache_size)
CC_WITH_DONE(cache_set_max_size)
CC_WITH_DONE(cache_clear)
CC_WITH_DONE(cache_close)
CC_WITH_DONE(cache_copy)
CC_WITH_DONE(cache_stats)
CC_WITH_DONE(cache_snapshot)
CC_WITH_DONE(cache_purge_expired)
#undef CC_WITH_DONE

/* accounting() -> { retained, released, caches }: test-only view of value
 * lifetime (refs handed to caches, refs released by the core, live caches). */
static napi_value accounting(napi_env env, napi_callback_info info) {
  cc_addon *addon = NULL;
  CC_NAPI(env, napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&addon));
  cc_drain_orphans(addon);
  uint64_t caches = 0;
  for (cc_cache_box *b = addon->caches; b != NULL; b = b->next) caches++;
  napi_value obj;
  CC_NAPI(env, napi_create_object(env, &obj));
  CC_NAPI(env, set_u64(env, obj, "retained", addon->refs_retained));
  CC_NAPI(env, set_u64(env, obj, "released", addon->refs_released));
  CC_NAPI(env, set_u64(env, obj, "caches", caches));
  return obj;
}

napi_status cc_cache_init(napi_env env, cc_addon *addon, napi_value exports) {
#define CC_FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, addon}
  napi_property_descriptor props[] = {
      CC_FN("cacheNew", cache_new),
      CC_FN("cacheSet", cache_set),
      CC_FN("cacheGet", cache_get),
      CC_FN("cacheGetOrThrow", cache_get_or_throw),
      CC_FN("cachePeek", cache_peek),
      CC_FN("cacheHas", cache_has),
      CC_FN("cacheTouch", cache_touch),
      CC_FN("cacheDelete", cache_delete),
      CC_FN("cachePopVictim", cache_pop_victim),
      CC_FN("cacheGetOrCreate", cache_get_or_create),
      CC_FN("cacheSize", cache_size),
      CC_FN("cacheMaxSize", cache_max_size),
      CC_FN("cacheSetMaxSize", cache_set_max_size),
      CC_FN("cacheClear", cache_clear),
      CC_FN("cacheClose", cache_close),
      CC_FN("cacheCopy", cache_copy),
      CC_FN("cacheStats", cache_stats),
      CC_FN("cacheSnapshot", cache_snapshot),
      CC_FN("cachePurgeExpired", cache_purge_expired),
      CC_FN("accounting", accounting),
  };
#undef CC_FN
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
