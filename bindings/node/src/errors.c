/* Status checks and throwing: napi failures and clientcache statuses become
 * JS exceptions; the error classes themselves live in lib/errors.js and are
 * built through the makeError function registered by setup(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"

napi_value cc_throw_napi(napi_env env, napi_status status, const char *what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return NULL;
  const napi_extended_error_info *info = NULL;
  const char *detail = NULL;
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL) detail = info->error_message;
  char msg[256];
  snprintf(msg, sizeof msg, "clientcache addon: %s failed (napi status %d%s%s)", what, (int)status,
           detail ? ": " : "", detail ? detail : "");
  napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", msg);
  return NULL;
}

static napi_value throw_made(napi_env env, cc_addon *addon, const char *status_name,
                             const char *message, size_t message_len, clientcache_kind kind) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return NULL;
  napi_value make_error = NULL;
  if (addon->make_error == NULL ||
      napi_get_reference_value(env, addon->make_error, &make_error) != napi_ok ||
      make_error == NULL) {
    /* setup() not called yet: still report the core's words */
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %.*s", status_name, (int)(message_len > 400 ? 400 : message_len),
             message);
    napi_throw_error(env, "ERR_CLIENTCACHE_INTERNAL", buf);
    return NULL;
  }
  napi_value args[3], undefined, err;
  if (napi_create_string_utf8(env, status_name, NAPI_AUTO_LENGTH, &args[0]) != napi_ok ||
      napi_create_string_utf8(env, message, message_len, &args[1]) != napi_ok ||
      napi_create_uint32(env, kind, &args[2]) != napi_ok ||
      napi_get_undefined(env, &undefined) != napi_ok) {
    return cc_throw_napi(env, napi_generic_failure, "building error arguments");
  }
  if (napi_call_function(env, undefined, make_error, 3, args, &err) != napi_ok) {
    return cc_throw_napi(env, napi_generic_failure, "makeError");  /* keeps its exception */
  }
  napi_throw(env, err);
  return NULL;
}

napi_value cc_throw_message(napi_env env, cc_addon *addon, const char *status_name,
                            const char *message, clientcache_kind kind) {
  return throw_made(env, addon, status_name, message, strlen(message), kind);
}

napi_value cc_throw_status(napi_env env, cc_addon *addon, clientcache_status status,
                           clientcache_kind kind) {
  /* Read the thread-local message first: nothing below may call the core. */
  char stack[512];
  char *heap = NULL;
  const char *msg = stack;
  size_t len = 0;
  clientcache_status s = clientcache_last_error(stack, sizeof stack, &len);
  if (s == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) {
    size_t need = len;
    heap = malloc(need + 1);
    if (heap != NULL && clientcache_last_error(heap, need + 1, &len) == CLIENTCACHE_STATUS_OK) {
      msg = heap;
    } else {
      len = 0;
    }
  } else if (s != CLIENTCACHE_STATUS_OK) {
    len = 0;
  }
  const char *name = clientcache_status_name(status);
  throw_made(env, addon, name ? name : "UNKNOWN", msg, len, kind);
  free(heap);
  return NULL;
}
