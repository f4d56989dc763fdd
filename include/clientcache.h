/* PROVISIONAL hand-written copy of DESIGN §4; replaced by the cbindgen output
 * of rust/ffi (same names, same types). */
#ifndef CLIENTCACHE_H
#define CLIENTCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t clientcache_status;
#define CLIENTCACHE_STATUS_OK 0
#define CLIENTCACHE_STATUS_NOT_FOUND 1
#define CLIENTCACHE_STATUS_EXISTS 2
#define CLIENTCACHE_STATUS_INVALID_ARGUMENT 3
#define CLIENTCACHE_STATUS_KIND_MISMATCH 4
#define CLIENTCACHE_STATUS_NULL_POINTER 5
#define CLIENTCACHE_STATUS_BUFFER_TOO_SMALL 6
#define CLIENTCACHE_STATUS_FACTORY_FAILED 7
#define CLIENTCACHE_STATUS_PANIC 8
typedef uint32_t clientcache_policy;
#define CLIENTCACHE_POLICY_LRU 0
#define CLIENTCACHE_POLICY_LFU 1
typedef uint32_t clientcache_kind;
#define CLIENTCACHE_KIND_CLIENT 0
#define CLIENTCACHE_KIND_RESOURCE 1

typedef struct clientcache_key clientcache_key;
typedef struct clientcache_cache clientcache_cache;
typedef struct clientcache_lease clientcache_lease;
typedef struct clientcache_snapshot clientcache_snapshot;
typedef struct clientcache_stats { uint64_t hits, misses, insertions, evictions, removals, len, max_size; } clientcache_stats;

typedef void (*clientcache_release_fn)(void *value, void *ctx);
typedef int32_t (*clientcache_factory_fn)(const clientcache_key *key, void *ctx, void **out_value);

const char *clientcache_version(void);
const char *clientcache_status_name(clientcache_status status);
clientcache_status clientcache_last_error(char *buf, size_t cap, size_t *out_len);

clientcache_status clientcache_key_new(clientcache_kind kind,
    const char *service_name, size_t service_name_len,
    const char *params_json, size_t params_json_len, clientcache_key **out);
clientcache_key *clientcache_key_clone(const clientcache_key *key);
void clientcache_key_free(clientcache_key *key);
bool clientcache_key_equal(const clientcache_key *a, const clientcache_key *b);
clientcache_kind clientcache_key_kind(const clientcache_key *key);
clientcache_status clientcache_key_fingerprint(const clientcache_key *key, char *out);
clientcache_status clientcache_key_label(const clientcache_key *key, char *buf, size_t cap, size_t *out_len);
clientcache_status clientcache_key_canonical(const clientcache_key *key, char *buf, size_t cap, size_t *out_len);

clientcache_status clientcache_cache_new(clientcache_kind kind, clientcache_policy policy,
    size_t max_size, clientcache_release_fn release, void *release_ctx, clientcache_cache **out);
void clientcache_cache_free(clientcache_cache *cache);
clientcache_status clientcache_cache_insert(clientcache_cache *c, const clientcache_key *k, void *value);
clientcache_status clientcache_cache_get(clientcache_cache *c, const clientcache_key *k, clientcache_lease **out);
clientcache_status clientcache_cache_peek(clientcache_cache *c, const clientcache_key *k, clientcache_lease **out);
bool clientcache_cache_contains(clientcache_cache *c, const clientcache_key *k);
clientcache_status clientcache_cache_remove(clientcache_cache *c, const clientcache_key *k, clientcache_lease **out);
clientcache_status clientcache_cache_pop_victim(clientcache_cache *c, clientcache_key **out_key, clientcache_lease **out_value);
clientcache_status clientcache_cache_get_or_insert_with(clientcache_cache *c, const clientcache_key *k,
    clientcache_factory_fn factory, void *ctx, clientcache_lease **out);
size_t clientcache_cache_len(clientcache_cache *c);
size_t clientcache_cache_max_size(clientcache_cache *c);
clientcache_status clientcache_cache_set_max_size(clientcache_cache *c, size_t max_size);
clientcache_status clientcache_cache_clear(clientcache_cache *c);
clientcache_status clientcache_cache_copy(clientcache_cache *c, clientcache_cache **out);
clientcache_status clientcache_cache_stats(clientcache_cache *c, clientcache_stats *out);
clientcache_status clientcache_cache_snapshot(clientcache_cache *c, clientcache_snapshot **out);

size_t clientcache_snapshot_len(const clientcache_snapshot *s);
const clientcache_key *clientcache_snapshot_key(const clientcache_snapshot *s, size_t i);
void clientcache_snapshot_free(clientcache_snapshot *s);

void *clientcache_lease_value(const clientcache_lease *lease);
void clientcache_lease_free(clientcache_lease *lease);
#endif
