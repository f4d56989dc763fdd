#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include "shims.h"
#include "_cgo_export.h"

/* The last error of this thread, copied into a malloc'd buffer. */
static void take_error(char **text, size_t *text_len) {
	char buf[512];
	size_t len = 0;
	*text = NULL;
	*text_len = 0;
	clientcache_status st = clientcache_last_error(buf, sizeof buf, &len);
	if (st == CLIENTCACHE_STATUS_OK) {
		char *out = malloc(len + 1);
		if (out == NULL) return;
		memcpy(out, buf, len);
		out[len] = 0;
		*text = out;
		*text_len = len;
	} else if (st == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) {
		char *out = malloc(len + 1);
		size_t len2 = 0;
		if (out == NULL) return;
		if (clientcache_last_error(out, len + 1, &len2) != CLIENTCACHE_STATUS_OK) {
			free(out);
			return;
		}
		*text = out;
		*text_len = len2;
	}
}

static cc_ret fail(clientcache_status st) {
	cc_ret r = {0};
	r.status = st;
	take_error(&r.text, &r.text_len);
	return r;
}

static void release_trampoline(void *value, void *ctx) {
	(void)ctx;
	goClientcacheRelease((uintptr_t)value);
}

cc_ret cc_key_new(uint32_t kind, const char *svc, size_t svc_len, const char *json, size_t json_len) {
	clientcache_key *k = NULL;
	if (svc == NULL) svc = "";
	clientcache_status st = clientcache_key_new(kind, svc, svc_len, json_len ? json : NULL, json_len, &k);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.ptr = k;
	return r;
}

cc_fp cc_key_fingerprint(const clientcache_key *k) {
	cc_fp r;
	memset(&r, 0, sizeof r);
	r.status = clientcache_key_fingerprint(k, r.hex);
	return r;
}

cc_ret cc_key_text(const clientcache_key *k, int which) {
	char buf[512];
	size_t len = 0;
	clientcache_status (*get)(const clientcache_key *, char *, size_t, size_t *) =
		which == CC_TEXT_LABEL ? clientcache_key_label : clientcache_key_canonical;
	clientcache_status st = get(k, buf, sizeof buf, &len);
	cc_ret r = {0};
	if (st == CLIENTCACHE_STATUS_OK) {
		r.text = malloc(len + 1);
		if (r.text == NULL) abort();
		memcpy(r.text, buf, len + 1);
		r.text_len = len;
		return r;
	}
	if (st != CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) return fail(st);
	char *big = malloc(len + 1);
	if (big == NULL) abort();
	size_t len2 = 0;
	st = get(k, big, len + 1, &len2);
	if (st != CLIENTCACHE_STATUS_OK) {
		free(big);
		return fail(st);
	}
	r.text = big;
	r.text_len = len2;
	return r;
}

/* Declared weak so that the binding still links against a library built
 * before clientcache_key_diff existed; the function is then NULL. The
 * prototype is the contract of include/clientcache.h. */
extern clientcache_status clientcache_key_diff(const clientcache_key *a, const clientcache_key *b,
	char *buf, size_t cap, size_t *out_len) __attribute__((weak));

cc_ret cc_key_diff(const clientcache_key *a, const clientcache_key *b) {
	cc_ret r = {0};
	if (clientcache_key_diff == NULL) {
		r.status = CC_STATUS_NO_DIFF;
		return r;
	}
	char buf[512];
	size_t len = 0;
	clientcache_status st = clientcache_key_diff(a, b, buf, sizeof buf, &len);
	if (st == CLIENTCACHE_STATUS_OK) {
		r.text = malloc(len + 1);
		if (r.text == NULL) abort();
		memcpy(r.text, buf, len);
		r.text[len] = 0;
		r.text_len = len;
		return r;
	}
	if (st != CLIENTCACHE_STATUS_BUFFER_TOO_SMALL) return fail(st);
	char *big = malloc(len + 1);
	if (big == NULL) abort();
	size_t len2 = 0;
	st = clientcache_key_diff(a, b, big, len + 1, &len2);
	if (st != CLIENTCACHE_STATUS_OK) {
		free(big);
		return fail(st);
	}
	r.text = big;
	r.text_len = len2;
	return r;
}

static void listener_trampoline(const clientcache_key *key, void *value, clientcache_cause cause, void *ctx) {
	(void)ctx;
	goClientcacheEvict((clientcache_key *)key, (uintptr_t)value, cause);
}

static uint64_t manual_clock(void *ctx) {
	return __atomic_load_n((uint64_t *)ctx, __ATOMIC_SEQ_CST);
}

cc_ret cc_cache_new(uint32_t kind, uint32_t policy, size_t max_size, uint64_t ttl_ns, int listen, uintptr_t clock) {
	clientcache_cache_options o;
	memset(&o, 0, sizeof o);
	o.size = sizeof o;
	o.kind = kind;
	o.policy = policy;
	o.max_size = max_size;
	o.ttl_ns = ttl_ns;
	o.release = release_trampoline;
	if (listen) o.listener = listener_trampoline;
	if (clock != 0) {
		o.clock = manual_clock;
		o.clock_ctx = (void *)clock;
	}
	clientcache_cache *c = NULL;
	clientcache_status st = clientcache_cache_new_with_options(&o, &c);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.ptr = c;
	return r;
}

uintptr_t cc_clock_new(void) {
	uint64_t *p = calloc(1, sizeof *p);
	if (p == NULL) abort();
	return (uintptr_t)p;
}

void cc_clock_set(uintptr_t clock, uint64_t ns) {
	__atomic_store_n((uint64_t *)clock, ns, __ATOMIC_SEQ_CST);
}

cc_ret cc_cache_purge_expired(clientcache_cache *c) {
	size_t n = 0;
	clientcache_status st = clientcache_cache_purge_expired(c, &n);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.value = (uintptr_t)n;
	return r;
}

cc_ret cc_cache_copy(clientcache_cache *c) {
	clientcache_cache *out = NULL;
	clientcache_status st = clientcache_cache_copy(c, &out);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.ptr = out;
	return r;
}

cc_ret cc_cache_insert(clientcache_cache *c, const clientcache_key *k, uintptr_t value, uint64_t ttl_ns) {
	clientcache_status st = clientcache_cache_insert_with_ttl(c, k, (void *)value, ttl_ns);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	return r;
}

cc_ret cc_cache_lookup(clientcache_cache *c, const clientcache_key *k, int op, int want_err) {
	clientcache_lease *lease = NULL;
	clientcache_status st;
	switch (op) {
	case CC_OP_GET: st = clientcache_cache_get(c, k, &lease); break;
	case CC_OP_PEEK: st = clientcache_cache_peek(c, k, &lease); break;
	default: st = clientcache_cache_remove(c, k, &lease); break;
	}
	if (st != CLIENTCACHE_STATUS_OK) {
		if (want_err) return fail(st);
		cc_ret r = {0};
		r.status = st;
		return r;
	}
	cc_ret r = {0};
	r.value = (uintptr_t)clientcache_lease_value(lease);
	clientcache_lease_free(lease);
	return r;
}

typedef struct cc_err_rec {
	uint32_t status;
	char *text;
	size_t text_len;
} cc_err_rec;

uintptr_t cc_cache_lookup_fast(uintptr_t c, uintptr_t k, int op, int want_err) {
	clientcache_lease *lease = NULL;
	clientcache_cache *cache = (clientcache_cache *)c;
	const clientcache_key *key = (const clientcache_key *)k;
	clientcache_status st;
	switch (op) {
	case CC_OP_GET: st = clientcache_cache_get(cache, key, &lease); break;
	case CC_OP_PEEK: st = clientcache_cache_peek(cache, key, &lease); break;
	default: st = clientcache_cache_remove(cache, key, &lease); break;
	}
	if (st == CLIENTCACHE_STATUS_OK) {
		uintptr_t id = (uintptr_t)clientcache_lease_value(lease);
		clientcache_lease_free(lease);
		return id;
	}
	if (!want_err) return 0;
	cc_err_rec *rec = malloc(sizeof *rec);
	if (rec == NULL) abort();
	rec->status = st;
	take_error(&rec->text, &rec->text_len);
	return CC_ERR_TAG | (uintptr_t)rec;
}

int cc_cache_remove_if(uintptr_t c, uintptr_t k, uintptr_t expected) {
	bool removed = false;
	clientcache_status st = clientcache_cache_remove_if((clientcache_cache *)c, (const clientcache_key *)k,
	                                                    (void *)expected, &removed);
	return st == CLIENTCACHE_STATUS_OK && removed;
}

cc_ret cc_err_take(uintptr_t tagged) {
	cc_err_rec *rec = (cc_err_rec *)(tagged & ~CC_ERR_TAG);
	cc_ret r = {0};
	r.status = rec->status;
	r.text = rec->text;
	r.text_len = rec->text_len;
	free(rec);
	return r;
}

int cc_cache_contains_fast(uintptr_t c, uintptr_t k) {
	return clientcache_cache_contains((clientcache_cache *)c, (const clientcache_key *)k) ? 1 : 0;
}

cc_ret cc_cache_pop_victim(clientcache_cache *c, clientcache_key **out_key) {
	clientcache_lease *lease = NULL;
	clientcache_status st = clientcache_cache_pop_victim(c, out_key, &lease);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.value = (uintptr_t)clientcache_lease_value(lease);
	clientcache_lease_free(lease);
	return r;
}

cc_ret cc_cache_set_max_size(clientcache_cache *c, size_t n) {
	clientcache_status st = clientcache_cache_set_max_size(c, n);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	return r;
}

cc_ret cc_cache_clear(clientcache_cache *c) {
	clientcache_status st = clientcache_cache_clear(c);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	return r;
}

cc_stats_ret cc_cache_stats(clientcache_cache *c) {
	cc_stats_ret r;
	memset(&r, 0, sizeof r);
	r.stats.size = sizeof r.stats;
	r.status = clientcache_cache_stats_ex(c, &r.stats);
	if (r.status != CLIENTCACHE_STATUS_OK) take_error(&r.text, &r.text_len);
	return r;
}

cc_ret cc_cache_snapshot(clientcache_cache *c) {
	clientcache_snapshot *s = NULL;
	clientcache_status st = clientcache_cache_snapshot(c, &s);
	if (st != CLIENTCACHE_STATUS_OK) return fail(st);
	cc_ret r = {0};
	r.ptr = s;
	return r;
}

/* Hazard slots (reclaim.go): a block of slots per thread, linked into a
 * list that is only ever pushed to (a thread's block outlives it, with
 * every slot 0). Only the owning thread stores an id into a free slot of
 * its block; whoever holds the slot stores 0 back, from any thread. */
typedef struct cc_hazards {
	_Atomic uintptr_t slot[CC_HAZARD_SLOTS];
	struct cc_hazards *next;
} __attribute__((aligned(64))) cc_hazards;

static _Atomic(cc_hazards *) hazards_all;
static __thread cc_hazards *hazards_mine;

static cc_hazards *my_hazards(void) {
	cc_hazards *h = hazards_mine;
	if (h != NULL) return h;
	h = aligned_alloc(64, sizeof *h);
	if (h == NULL) abort();
	memset(h, 0, sizeof *h);
	cc_hazards *head = atomic_load(&hazards_all);
	do {
		h->next = head;
	} while (!atomic_compare_exchange_weak(&hazards_all, &head, h));
	hazards_mine = h;
	return h;
}

/* Weak, as clientcache_key_diff above: a library built before it has none,
 * and the hit path then takes the lease. */
extern clientcache_status clientcache_cache_get_into(clientcache_cache *c, const clientcache_key *k,
	bool promote, void **slot) __attribute__((weak));

uintptr_t cc_cache_lookup_hazard(uintptr_t c, uintptr_t k, int op, int want_err) {
	clientcache_lease *lease = NULL;
	clientcache_cache *cache = (clientcache_cache *)c;
	const clientcache_key *key = (const clientcache_key *)k;
	clientcache_status st;
	if (op != CC_OP_REMOVE && clientcache_cache_get_into != NULL) {
		/* One call: the core stores the id into a free slot of this
		 * thread while its reference still holds the value. */
		cc_hazards *h = my_hazards();
		for (int i = 0; i < CC_HAZARD_SLOTS; i++) {
			if (atomic_load_explicit(&h->slot[i], memory_order_relaxed) == 0) {
				st = clientcache_cache_get_into(cache, key, op == CC_OP_GET, (void **)&h->slot[i]);
				if (st == CLIENTCACHE_STATUS_OK) return (uintptr_t)&h->slot[i];
				goto failed;
			}
		}
	}
	switch (op) {
	case CC_OP_GET: st = clientcache_cache_get(cache, key, &lease); break;
	case CC_OP_PEEK: st = clientcache_cache_peek(cache, key, &lease); break;
	default: st = clientcache_cache_remove(cache, key, &lease); break;
	}
	if (st == CLIENTCACHE_STATUS_OK) {
		uintptr_t id = (uintptr_t)clientcache_lease_value(lease);
		cc_hazards *h = my_hazards();
		for (int i = 0; i < CC_HAZARD_SLOTS; i++) {
			if (atomic_load_explicit(&h->slot[i], memory_order_relaxed) == 0) {
				/* Published before the lease lets go of the value: the
				 * value's release, and so the id's retirement, comes after
				 * the last lease is freed (the core's reference count
				 * orders them), so whoever retires it sees the slot. */
				atomic_store_explicit(&h->slot[i], id, memory_order_release);
				clientcache_lease_free(lease);
				return (uintptr_t)&h->slot[i];
			}
		}
		cc_kept *kept = malloc(sizeof *kept);
		if (kept == NULL) abort();
		kept->id = id;
		kept->lease = lease;
		return CC_LEASE_TAG | (uintptr_t)kept;
	}
failed:
	if (!want_err) return 0;
	cc_err_rec *rec = malloc(sizeof *rec);
	if (rec == NULL) abort();
	rec->status = st;
	take_error(&rec->text, &rec->text_len);
	return CC_ERR_TAG | (uintptr_t)rec;
}

void cc_kept_free(cc_kept *kept) {
	clientcache_lease_free(kept->lease);
	free(kept);
}

int cc_hazard_holds(uintptr_t id) {
	atomic_thread_fence(memory_order_seq_cst);
	for (cc_hazards *h = atomic_load(&hazards_all); h != NULL; h = h->next)
		for (int i = 0; i < CC_HAZARD_SLOTS; i++)
			if (atomic_load_explicit(&h->slot[i], memory_order_acquire) == id) return 1;
	return 0;
}
