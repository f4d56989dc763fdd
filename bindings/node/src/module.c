/* Module init: per-load state (no globals), setup(), version, teardown.
 *
 * Lifetime: the cc_addon is created here, registered with
 * napi_set_instance_data (its finalizer frees it) and passed as callback
 * data to every exported function. An env cleanup hook, registered after
 * the env itself, runs before Node-API tears the env down: it frees every
 * cache still alive, so each cached value's napi_ref is released exactly
 * once while the env can still delete references. */
#include <stdlib.h>

#include "addon.h"

static void addon_cleanup_hook(void *arg) {
  cc_addon *addon = (cc_addon *)arg;
  addon->cleanup_hook_ran = true;
  cc_caches_teardown(addon);
  if (addon->make_error != NULL) {
    napi_delete_reference(addon->env, addon->make_error);
    addon->make_error = NULL;
  }
  addon->epoch = NULL;
  if (addon->epoch_ref != NULL) {
    napi_delete_reference(addon->env, addon->epoch_ref);
    addon->epoch_ref = NULL;
  }
}

static void addon_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  cc_addon *addon = (cc_addon *)data;
  /* The cleanup hook normally ran already; this covers an env that is
   * finalized without it. */
  if (!addon->cleanup_hook_ran) {
    addon->epoch = NULL; /* the buffer may be gone already */
    cc_caches_teardown(addon);
    napi_remove_env_cleanup_hook(env, addon_cleanup_hook, addon);
  }
  uv_mutex_destroy(&addon->orphan_lock);
  free(addon);
}

/* setup(makeError, epoch): registers lib/errors.js's error factory and
 * lib/cache.js's departure counter (a Float64Array of length 1, which every
 * cache listener increments; see addon.h). */
static napi_value setup(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  napi_valuetype type;
  CC_NAPI(env, napi_typeof(env, argv[0], &type));
  if (type != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "setup(makeError, epoch) needs a function");
    return NULL;
  }
  bool typed = false;
  napi_typedarray_type ta_type;
  size_t length = 0;
  void *data = NULL;
  if (napi_is_typedarray(env, argv[1], &typed) != napi_ok || !typed ||
      napi_get_typedarray_info(env, argv[1], &ta_type, &length, &data, NULL, NULL) != napi_ok ||
      ta_type != napi_float64_array || length < 1 || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "setup(makeError, epoch) needs a Float64Array(1)");
    return NULL;
  }
  if (addon->make_error != NULL) napi_delete_reference(env, addon->make_error);
  CC_NAPI(env, napi_create_reference(env, argv[0], 1, &addon->make_error));
  /* The reference keeps the buffer (and so `data`) alive until teardown. */
  if (addon->epoch_ref != NULL) napi_delete_reference(env, addon->epoch_ref);
  addon->epoch = NULL;
  CC_NAPI(env, napi_create_reference(env, argv[1], 1, &addon->epoch_ref));
  addon->epoch = (double *)data;
  return NULL;
}

/* noop(a, b): does nothing. The benchmark's floor: what any call into the
 * addon with two arguments costs before it does any work. */
static napi_value noop(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, &data);
  return NULL;
}

static napi_value version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CC_NAPI(env, napi_create_string_utf8(env, clientcache_version(), NAPI_AUTO_LENGTH, &result));
  return result;
}

/* A per-load random magic number (splitmix64 of time, address and salt): a
 * handle made by another load of the addon never passes for one of ours. */
static uint64_t make_magic(cc_addon *addon, uint64_t salt) {
  uint64_t z = uv_hrtime() ^ (uint64_t)(uintptr_t)addon ^ (salt * 0x9E3779B97F4A7C15ULL);
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  cc_addon *addon = calloc(1, sizeof *addon);
  if (addon == NULL) {
    napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "out of memory");
    return NULL;
  }
  addon->env = env;
  addon->js_thread = uv_thread_self();
  addon->key_magic = make_magic(addon, 1);
  addon->cache_magic = make_magic(addon, 2);
  if (uv_mutex_init(&addon->orphan_lock) != 0) {
    free(addon);
    napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "uv_mutex_init failed");
    return NULL;
  }
  napi_status s = napi_set_instance_data(env, addon, addon_finalize, NULL);
  if (s != napi_ok) {
    uv_mutex_destroy(&addon->orphan_lock);
    free(addon);
    return cc_throw_napi(env, s, "napi_set_instance_data");
  }
  CC_NAPI(env, napi_add_env_cleanup_hook(env, addon_cleanup_hook, addon));

  napi_property_descriptor props[] = {
      {"setup", NULL, setup, NULL, NULL, NULL, napi_enumerable, addon},
      {"version", NULL, version, NULL, NULL, NULL, napi_enumerable, addon},
      {"noop", NULL, noop, NULL, NULL, NULL, napi_enumerable, addon},
  };
  CC_NAPI(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  CC_NAPI(env, cc_keys_init(env, addon, exports));
  CC_NAPI(env, cc_cache_init(env, addon, exports));
  return exports;
}
