/* util.h — helpers shared by the C suite's test files. */
#ifndef CLIENTCACHE_TEST_UTIL_H
#define CLIENTCACHE_TEST_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clientcache.h"

/* Builds a key from NUL-terminated service name and params JSON (json may be
 * NULL = no params); records a test failure and returns NULL on error. */
clientcache_key *mk_key(clientcache_kind kind, const char *service, const char *json);
/* A client key for service s3 with {"region_name": region}. */
clientcache_key *region_key(const char *region);

/* The calling thread's last error message (thread-local buffer). */
const char *last_err(void);
/* Label / canonical / fingerprint of a key in a rotating thread-local buffer
 * (4 slots, so up to 4 may be used in one expression); "" on error. */
const char *label_of(const clientcache_key *k);
const char *canonical_of(const clientcache_key *k);
const char *fingerprint_of(const clientcache_key *k);

/* A tracked value: the release callback counts how often it was released and
 * on which thread. */
typedef struct tval {
    atomic_int released;
    int id;
    pthread_t release_thread;
} tval;

/* Release context: total releases; when `probe` is set, the callback calls
 * clientcache_cache_len(probe) (proving no cache lock is held) and counts it. */
typedef struct rel_ctx {
    atomic_int total;
    clientcache_cache *_Atomic probe;
    atomic_int probe_calls;
} rel_ctx;

void count_release(void *value, void *ctx);
void tvals_init(tval *v, size_t n);

/* Builds a snapshot of the cache and writes the labels' region names in
 * victim order as "a,b,c" into out (keys must be region_key()s). */
void victim_order(clientcache_cache *c, char *out, size_t cap);

/* SHA-256 (FIPS 180-4), written for this suite to check fingerprints and
 * secret digests independently of the library. */
void sha256(const void *data, size_t len, uint8_t out[32]);
void hex_lower(const uint8_t *bytes, size_t n, char *out /* 2n+1 */);

#endif
