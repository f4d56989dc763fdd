/* Small C helpers for the Go binding (package clientcache).
 *
 * Each helper does one clientcache call (or a short fixed sequence) in a
 * single cgo call and, on failure, copies clientcache_last_error() on the
 * same OS thread, because the core keeps the last error thread-locally and a
 * goroutine may move to another thread between two cgo calls.
 *
 * Values cross as uintptr_t ids (values.go); the helpers cast them to and
 * from void*. Go pointers never enter C. GetOrCreate does not use the
 * core's get_or_insert_with (its waiters would block OS threads): it runs
 * its single-flight in Go and lands the value with an insert (flight.go).
 */
#ifndef CLIENTCACHE_GO_SHIMS_H
#define CLIENTCACHE_GO_SHIMS_H
#include <stdint.h>
#include <stddef.h>
#include "clientcache.h"

/* Result of a helper. text is malloc'd (free with free()) or NULL: the
 * error message on failure when asked for, or the text a getter produced. */
typedef struct cc_ret {
	uint32_t status;
	void *ptr;          /* key, cache or snapshot, by helper */
	uintptr_t value;    /* the value id read from a lease */
	char *text;
	size_t text_len;
} cc_ret;

typedef struct cc_fp {
	uint32_t status;
	char hex[33];
} cc_fp;

typedef struct cc_stats_ret {
	uint32_t status;
	clientcache_stats_ex stats;
	char *text;
	size_t text_len;
} cc_stats_ret;

enum { CC_OP_GET = 0, CC_OP_PEEK = 1, CC_OP_REMOVE = 2 };
enum { CC_TEXT_LABEL = 0, CC_TEXT_CANONICAL = 1 };

cc_ret cc_key_new(uint32_t kind, const char *svc, size_t svc_len, const char *json, size_t json_len);
cc_fp cc_key_fingerprint(const clientcache_key *k);
cc_ret cc_key_text(const clientcache_key *k, int which);
/* clientcache_key_diff's JSON array, malloc'd in text. When the linked
 * library predates clientcache_key_diff, status is CC_STATUS_NO_DIFF. */
#define CC_STATUS_NO_DIFF 0xffffffffu
cc_ret cc_key_diff(const clientcache_key *a, const clientcache_key *b);

/* A cache from clientcache_cache_new_with_options with the Go release
 * callback; listen != 0 adds the Go eviction listener; clock != 0 is a
 * manual clock from cc_clock_new (tests). */
cc_ret cc_cache_new(uint32_t kind, uint32_t policy, size_t max_size, uint64_t ttl_ns, int listen, uintptr_t clock);
/* A manual clock for tests: a zeroed, never freed counter of nanoseconds
 * that cc_clock_set moves. */
uintptr_t cc_clock_new(void);
void cc_clock_set(uintptr_t clock, uint64_t ns);
/* On success value = how many expired entries left. */
cc_ret cc_cache_purge_expired(clientcache_cache *c);
cc_ret cc_cache_copy(clientcache_cache *c);
/* clientcache_cache_insert_with_ttl. */
cc_ret cc_cache_insert(clientcache_cache *c, const clientcache_key *k, uintptr_t value, uint64_t ttl_ns);
/* The hot path of Get / Lookup / Peek / Remove. Handles cross as uintptr_t
 * so that cgo has no pointer argument to check (that check costs about as
 * much as the call itself), and the result is one word: the value's id on
 * success (ids are small, top bit clear); on failure 0 when want_err is 0,
 * else CC_ERR_TAG | the address of a malloc'd cc_err_rec holding the status
 * and the message (read and free it with cc_err_take). The lease is freed
 * before returning, as in cc_cache_lookup. */
#define CC_ERR_TAG ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1))
uintptr_t cc_cache_lookup_fast(uintptr_t c, uintptr_t k, int op, int want_err);
/* The hit path of Get / Lookup / Peek / Remove and of GetOrCreate's hit,
 * without the cache's call gate (reclaim.go, "hazard slots"). On success
 * the result is the address of a hazard slot of the calling thread that
 * holds the value's id: the core stored it there (clientcache_cache_get_into;
 * Remove, or a library without it, from the lease) while it still held the
 * value, and the caller reads the id from it, resolves it, then stores 0
 * into the slot. When every slot of the thread is busy the lease is kept
 * and the result is CC_LEASE_TAG | a cc_kept: read the id from it, resolve
 * it, then cc_kept_free (which frees the lease). Failure is
 * as for cc_cache_lookup_fast (0, or CC_ERR_TAG | a cc_err_rec). */
#define CC_LEASE_TAG ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 2))
#define CC_HAZARD_SLOTS 6
uintptr_t cc_cache_lookup_hazard(uintptr_t c, uintptr_t k, int op, int want_err);
typedef struct cc_kept {
	uintptr_t id;
	clientcache_lease *lease;
} cc_kept;
void cc_kept_free(cc_kept *kept);
/* 1 when some thread's hazard slot holds id. */
int cc_hazard_holds(uintptr_t id);

/* clientcache_cache_remove_if with the expected value id: 1 when it removed
 * the entry, 0 otherwise (absent, another value, or an error). */
int cc_cache_remove_if(uintptr_t c, uintptr_t k, uintptr_t expected);
cc_ret cc_err_take(uintptr_t tagged);
int cc_cache_contains_fast(uintptr_t c, uintptr_t k);

/* op: CC_OP_*. On success value = the value's id; the lease is freed
 * before returning (the Go side keeps released ids valid for a grace
 * period, see reclaim.go). */
cc_ret cc_cache_lookup(clientcache_cache *c, const clientcache_key *k, int op, int want_err);
/* On success value = the id and *out_key the victim's key. */
cc_ret cc_cache_pop_victim(clientcache_cache *c, clientcache_key **out_key);
cc_ret cc_cache_set_max_size(clientcache_cache *c, size_t n);
cc_ret cc_cache_clear(clientcache_cache *c);
cc_stats_ret cc_cache_stats(clientcache_cache *c);
cc_ret cc_cache_snapshot(clientcache_cache *c);

#endif
