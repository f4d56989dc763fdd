/* Key handles: keyNew / keyFingerprint / keyLabel / keyCanonical / keyKind /
 * keyEqual / keyDiff. A handle is a napi_external pointing at a cc_key_handle that owns
 * one clientcache_key, freed by the external's finalizer. lib/keys.js puts
 * the public classes around it and keeps the handle in a private field.
 *
 * Why externals and not napi_wrap + napi_type_tag_object: reading an
 * external is one V8 call, while unwrap and the type-tag check are two
 * private-property lookups each (~200 ns per handle in Node 20), which
 * dominated a cache hit. The per-load magic number in the first field plays
 * the type tag's role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"

bool cc_get_text(napi_env env, napi_value value, const char *what, char *stack, size_t cap,
                 const char **out, size_t *out_len, char **heap) {
  *heap = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  if (type == napi_string) {
    /* Length first, then copy: a copy into a fixed buffer stops before a
     * multi-byte character that does not fit, so its length alone cannot
     * tell a complete string from a truncated one. */
    size_t len = 0, copied = 0;
    if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return false;
    char *buf = stack;
    if (len >= cap) {
      buf = malloc(len + 1);
      if (buf == NULL) {
        napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "out of memory");
        return false;
      }
      *heap = buf;
    }
    if (napi_get_value_string_utf8(env, value, buf, len + 1, &copied) != napi_ok) return false;
    if (copied != len) {
      napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "a string changed length while it was copied");
      return false;
    }
    *out = buf;
    *out_len = len;
    return true;
  }
  bool is_typed = false;
  if (type == napi_object && napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type ta_type;
    size_t length = 0, offset = 0;
    void *data = NULL;
    if (napi_get_typedarray_info(env, value, &ta_type, &length, &data, NULL, &offset) != napi_ok)
      return false;
    if (ta_type == napi_uint8_array || ta_type == napi_int8_array ||
        ta_type == napi_uint8_clamped_array) {
      *out = data != NULL ? (const char *)data : "";
      *out_len = length;
      return true;
    }
  }
  char msg[128];
  snprintf(msg, sizeof msg, "%s must be a string or a Uint8Array", what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return false;
}

static void key_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  cc_key_handle *h = (cc_key_handle *)data;
  clientcache_key_free(h->key);
  free(h);
}

napi_status cc_wrap_key(napi_env env, cc_addon *addon, clientcache_key *key, napi_value *out) {
  cc_key_handle *h = malloc(sizeof *h);
  if (h == NULL) {
    clientcache_key_free(key);
    return napi_generic_failure;
  }
  h->magic = addon->key_magic;
  h->key = key;
  napi_status s = napi_create_external(env, h, key_finalize, NULL, out);
  if (s != napi_ok) {
    clientcache_key_free(key);
    free(h);
  }
  return s;
}

bool cc_unwrap_key(napi_env env, cc_addon *addon, napi_value value, clientcache_key **out) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) == napi_ok && data != NULL &&
      ((cc_key_handle *)data)->magic == addon->key_magic) {
    *out = ((cc_key_handle *)data)->key;
    return true;
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a clientcache key handle");
  return false;
}

/* keyNew(kind: number, serviceName: string | Uint8Array, paramsJson: string | Uint8Array | null) */
static napi_value key_new(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 3);
  uint32_t kind = 0;
  CC_NAPI(env, napi_get_value_uint32(env, argv[0], &kind));

  char service_stack[128], params_stack[1024];
  const char *service = NULL, *params = NULL;
  size_t service_len = 0, params_len = 0;
  char *service_heap = NULL, *params_heap = NULL;
  napi_value result = NULL;

  if (!cc_get_text(env, argv[1], "serviceName", service_stack, sizeof service_stack, &service,
                   &service_len, &service_heap))
    goto cleanup;
  napi_valuetype params_type;
  if (napi_typeof(env, argv[2], &params_type) != napi_ok) goto cleanup;
  if (params_type != napi_null && params_type != napi_undefined &&
      !cc_get_text(env, argv[2], "params JSON", params_stack, sizeof params_stack, &params,
                   &params_len, &params_heap))
    goto cleanup;

  clientcache_key *key = NULL;
  clientcache_status st =
      clientcache_key_new(kind, service, service_len, params, params_len, &key);
  if (st != CLIENTCACHE_STATUS_OK) {
    cc_throw_status(env, addon, st, kind == CLIENTCACHE_KIND_RESOURCE ? kind : CLIENTCACHE_KIND_CLIENT);
    goto cleanup;
  }
  napi_status ns = cc_wrap_key(env, addon, key, &result);
  if (ns != napi_ok) {
    result = NULL;
    cc_throw_napi(env, ns, "wrapping a key");
  }

cleanup:
  free(service_heap);
  free(params_heap);
  return result;
}

static napi_value key_fingerprint(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  clientcache_key *key;
  if (!cc_unwrap_key(env, addon, argv[0], &key)) return NULL;
  char out[33];
  clientcache_status st = clientcache_key_fingerprint(key, out);
  if (st != CLIENTCACHE_STATUS_OK) return cc_throw_status(env, addon, st, clientcache_key_kind(key));
  napi_value result;
  CC_NAPI(env, napi_create_string_latin1(env, out, 32, &result));
  return result;
}

typedef clientcache_status (*text_getter)(const clientcache_key *, char *, size_t, size_t *);

static napi_value key_text(napi_env env, napi_callback_info info, text_getter get) {
  CC_ARGS(env, info, 1);
  clientcache_key *key;
  if (!cc_unwrap_key(env, addon, argv[0], &key)) return NULL;
  char stack[1024];
  char *heap = NULL;
  size_t len = 0;
  const char *text = stack;
  clientcache_status st = get(key, stack, sizeof stack, &len);
  if (st == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) {
    heap = malloc(len + 1);
    if (heap == NULL) {
      napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "out of memory");
      return NULL;
    }
    st = get(key, heap, len + 1, &len);
    text = heap;
  }
  napi_value result = NULL;
  if (st != CLIENTCACHE_STATUS_OK) {
    cc_throw_status(env, addon, st, clientcache_key_kind(key));
  } else {
    napi_status ns = napi_create_string_utf8(env, text, len, &result);
    if (ns != napi_ok) result = cc_throw_napi(env, ns, "creating a string");
  }
  free(heap);
  return result;
}

static napi_value key_label(napi_env env, napi_callback_info info) {
  return key_text(env, info, clientcache_key_label);
}

static napi_value key_canonical(napi_env env, napi_callback_info info) {
  return key_text(env, info, clientcache_key_canonical);
}

static napi_value key_kind(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 1);
  clientcache_key *key;
  if (!cc_unwrap_key(env, addon, argv[0], &key)) return NULL;
  napi_value result;
  CC_NAPI(env, napi_create_uint32(env, clientcache_key_kind(key), &result));
  return result;
}

static napi_value key_equal(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  clientcache_key *a, *b;
  if (!cc_unwrap_key(env, addon, argv[0], &a) || !cc_unwrap_key(env, addon, argv[1], &b))
    return NULL;
  napi_value result;
  CC_NAPI(env, napi_get_boolean(env, clientcache_key_equal(a, b), &result));
  return result;
}

/* keyDiff(a, b) -> JSON text of the core's diff: [{"path", "left"?, "right"?}, ...],
 * secrets as "***". Same buffer convention as the label. */
static napi_value key_diff(napi_env env, napi_callback_info info) {
  CC_ARGS(env, info, 2);
  clientcache_key *a, *b;
  if (!cc_unwrap_key(env, addon, argv[0], &a) || !cc_unwrap_key(env, addon, argv[1], &b))
    return NULL;
  char stack[1024];
  char *heap = NULL;
  size_t len = 0;
  const char *text = stack;
  clientcache_status st = clientcache_key_diff(a, b, stack, sizeof stack, &len);
  if (st == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) {
    heap = malloc(len + 1);
    if (heap == NULL) {
      napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", "out of memory");
      return NULL;
    }
    st = clientcache_key_diff(a, b, heap, len + 1, &len);
    text = heap;
  }
  napi_value result = NULL;
  if (st != CLIENTCACHE_STATUS_OK) {
    cc_throw_status(env, addon, st, clientcache_key_kind(a));
  } else {
    napi_status ns = napi_create_string_utf8(env, text, len, &result);
    if (ns != napi_ok) result = cc_throw_napi(env, ns, "creating a string");
  }
  free(heap);
  return result;
}

napi_status cc_keys_init(napi_env env, cc_addon *addon, napi_value exports) {
  napi_property_descriptor props[] = {
      {"keyNew", NULL, key_new, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyFingerprint", NULL, key_fingerprint, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyLabel", NULL, key_label, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyCanonical", NULL, key_canonical, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyKind", NULL, key_kind, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyEqual", NULL, key_equal, NULL, NULL, NULL, napi_enumerable, addon},
      {"keyDiff", NULL, key_diff, NULL, NULL, NULL, napi_enumerable, addon},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
