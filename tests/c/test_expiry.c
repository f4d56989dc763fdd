/* test_expiry.c — lifetimes (a cache TTL and per-entry ones) on an injected
 * clock, expired entries first among victims under both policies, the
 * expirations counter, purge, and the eviction listener: one cause per value,
 * never under a cache lock. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

#define SEC 1000000000ull

/* A clock the test moves by hand. */
typedef struct manual_clock {
    _Atomic uint64_t now;
} manual_clock;

static uint64_t read_clock(void *ctx) { return atomic_load(&((manual_clock *)ctx)->now); }
static void advance(manual_clock *c, uint64_t ns) { atomic_fetch_add(&c->now, ns); }

/* What the listener heard: per value, how often and with which cause. */
#define MAXV 8
typedef struct heard {
    atomic_int count[MAXV];
    atomic_int cause[MAXV];
    atomic_int total;
    clientcache_cache *_Atomic probe; /* calls back into the cache when set */
    atomic_int probe_calls;
} heard;

static void listen(const clientcache_key *key, void *value, clientcache_cause cause, void *ctx) {
    heard *h = ctx;
    tval *v = value;
    EXPECT(key != NULL && clientcache_key_kind(key) == CLIENTCACHE_KIND_CLIENT);
    /* the value is still alive while the listener runs */
    EXPECT(atomic_load(&v->released) == 0);
    if (v->id >= 0 && v->id < MAXV) {
        atomic_fetch_add(&h->count[v->id], 1);
        atomic_store(&h->cause[v->id], (int)cause);
    }
    atomic_fetch_add(&h->total, 1);
    clientcache_cache *probe = atomic_load(&h->probe);
    if (probe) {
        (void)clientcache_cache_len(probe); /* would deadlock under the lock */
        atomic_fetch_add(&h->probe_calls, 1);
    }
}

static clientcache_cache *new_timed(clientcache_policy policy, size_t max, uint64_t ttl_ns,
                                    manual_clock *clock, heard *h, rel_ctx *rc) {
    clientcache_cache_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.kind = CLIENTCACHE_KIND_CLIENT;
    o.policy = policy;
    o.max_size = max;
    o.ttl_ns = ttl_ns;
    o.release = count_release;
    o.release_ctx = rc;
    o.listener = listen;
    o.listener_ctx = h;
    o.clock = read_clock;
    o.clock_ctx = clock;
    clientcache_cache *c = NULL;
    if (!EXPECT_OK(clientcache_cache_new_with_options(&o, &c)))
        return NULL;
    return c;
}

static clientcache_stats_ex stats_of(clientcache_cache *c) {
    clientcache_stats_ex s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    EXPECT_OK(clientcache_cache_stats_ex(c, &s));
    return s;
}

/* A cache TTL: live until the deadline, then a miss, counted, released and
 * heard as EXPIRED — exactly once. */
void test_expiry_cache_ttl(void) {
    manual_clock clock = {0};
    heard h;
    memset(&h, 0, sizeof h);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    tval v[2];
    tvals_init(v, 2);
    clientcache_key *k = region_key("ttl");
    clientcache_lease *l = NULL;
    clientcache_cache *c = new_timed(CLIENTCACHE_POLICY_LRU, 4, 10 * SEC, &clock, &h, &rc);
    REQUIRE(c && k);
    REQUIRE_OK(clientcache_cache_insert(c, k, &v[0]));
    advance(&clock, 9 * SEC);
    REQUIRE_OK(clientcache_cache_get(c, k, &l));
    EXPECT(clientcache_lease_value(l) == &v[0]);
    clientcache_lease_free(l);
    l = NULL;
    advance(&clock, SEC); /* the deadline itself: expired */
    EXPECT_ST(clientcache_cache_get(c, k, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(l == NULL);
    EXPECT(!clientcache_cache_contains(c, k));
    EXPECT_EQ(atomic_load(&v[0].released), 1);
    EXPECT_EQ(atomic_load(&h.count[0]), 1);
    EXPECT_EQ(atomic_load(&h.cause[0]), (int)CLIENTCACHE_CAUSE_EXPIRED);
    clientcache_stats_ex s = stats_of(c);
    EXPECT_EQ(s.expirations, 1);
    EXPECT_EQ(s.hits, 1);
    EXPECT_EQ(s.misses, 1);
    EXPECT_EQ(s.len, 0);
    /* the key can be inserted again */
    EXPECT_OK(clientcache_cache_insert(c, k, &v[1]));
    clientcache_cache_free(c);
    c = NULL;
    EXPECT_EQ(atomic_load(&h.cause[1]), (int)CLIENTCACHE_CAUSE_CLEARED);
    EXPECT_EQ(atomic_load(&v[1].released), 1);
    EXPECT_EQ(atomic_load(&h.total), 2);
cleanup:
    clientcache_cache_free(c);
    clientcache_key_free(k);
}

/* Per-entry lifetimes override the cache's, NEVER keeps an entry, and a
 * factory can set the lifetime of what it builds. */
static int32_t ttl_factory(const clientcache_key *key, void *ctx, void **out, uint64_t *ttl) {
    (void)key;
    *out = ctx;
    *ttl = 3 * SEC;
    return 0;
}

void test_expiry_entry_ttl(void) {
    manual_clock clock = {0};
    heard h;
    memset(&h, 0, sizeof h);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    tval v[4];
    tvals_init(v, 4);
    clientcache_key *k[4] = {region_key("e0"), region_key("e1"), region_key("e2"),
                             region_key("e3")};
    clientcache_lease *l = NULL;
    clientcache_cache *c = new_timed(CLIENTCACHE_POLICY_LFU, 8, 10 * SEC, &clock, &h, &rc);
    REQUIRE(c && k[0] && k[1] && k[2] && k[3]);
    REQUIRE_OK(clientcache_cache_insert_with_ttl(c, k[0], &v[0], 1 * SEC));
    REQUIRE_OK(clientcache_cache_insert_with_ttl(c, k[1], &v[1], CLIENTCACHE_TTL_NEVER));
    REQUIRE_OK(clientcache_cache_insert_with_ttl(c, k[2], &v[2], CLIENTCACHE_TTL_DEFAULT));
    REQUIRE_OK(clientcache_cache_get_or_insert_with_ttl(c, k[3], ttl_factory, &v[3], &l));
    EXPECT(clientcache_lease_value(l) == &v[3]);
    clientcache_lease_free(l);
    l = NULL;
    advance(&clock, SEC);
    EXPECT(!clientcache_cache_contains(c, k[0]));
    EXPECT(clientcache_cache_contains(c, k[3]));
    advance(&clock, 2 * SEC);
    EXPECT(!clientcache_cache_contains(c, k[3]));
    EXPECT(clientcache_cache_contains(c, k[2]));
    advance(&clock, 7 * SEC);
    EXPECT(!clientcache_cache_contains(c, k[2]));
    advance(&clock, 1000000 * SEC);
    EXPECT(clientcache_cache_contains(c, k[1]));
    EXPECT_EQ(clientcache_cache_len(c), 1);
    EXPECT_EQ(stats_of(c).expirations, 3);
    for (int i = 0; i < 4; i++)
        if (i != 1)
            EXPECT_EQ(atomic_load(&v[i].released), 1);
cleanup:
    clientcache_lease_free(l);
    clientcache_cache_free(c);
    for (int i = 0; i < 4; i++)
        clientcache_key_free(k[i]);
}

/* A full cache evicts an expired entry before any live one, whatever the
 * policy and however recently or often the expired one was used. */
void test_expiry_expired_first(void) {
    for (int p = 0; p < 2; p++) {
        clientcache_policy policy = p ? CLIENTCACHE_POLICY_LFU : CLIENTCACHE_POLICY_LRU;
        manual_clock clock = {0};
        heard h;
        memset(&h, 0, sizeof h);
        rel_ctx rc;
        memset(&rc, 0, sizeof rc);
        tval v[4];
        tvals_init(v, 4);
        clientcache_key *k[4] = {region_key("x0"), region_key("x1"), region_key("x2"),
                                 region_key("x3")};
        clientcache_lease *l = NULL;
        char order[128];
        clientcache_cache *c = new_timed(policy, 3, 0, &clock, &h, &rc);
        REQUIRE(c && k[0] && k[1] && k[2] && k[3]);
        REQUIRE_OK(clientcache_cache_insert(c, k[1], &v[1]));
        REQUIRE_OK(clientcache_cache_insert(c, k[2], &v[2]));
        REQUIRE_OK(clientcache_cache_insert_with_ttl(c, k[0], &v[0], 5 * SEC));
        for (int i = 0; i < 5; i++) { /* x0: most recent, most used */
            REQUIRE_OK(clientcache_cache_get(c, k[0], &l));
            clientcache_lease_free(l);
            l = NULL;
        }
        advance(&clock, 5 * SEC);
        REQUIRE_OK(clientcache_cache_insert(c, k[3], &v[3]));
        victim_order(c, order, sizeof order);
        EXPECTF(strcmp(order, "x1,x2,x3") == 0, "policy %d: victim order %s", p, order);
        EXPECT_EQ(atomic_load(&h.cause[0]), (int)CLIENTCACHE_CAUSE_EXPIRED);
        EXPECT_EQ(atomic_load(&h.total), 1);
        clientcache_stats_ex s = stats_of(c);
        EXPECT_EQ(s.evictions, 0);
        EXPECT_EQ(s.expirations, 1);
    cleanup:
        clientcache_lease_free(l);
        clientcache_cache_free(c);
        for (int i = 0; i < 4; i++)
            clientcache_key_free(k[i]);
    }
}

void test_expiry_purge(void) {
    manual_clock clock = {0};
    heard h;
    memset(&h, 0, sizeof h);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    tval v[3];
    tvals_init(v, 3);
    clientcache_key *k[3] = {region_key("p0"), region_key("p1"), region_key("p2")};
    size_t n = 99;
    clientcache_cache *c = new_timed(CLIENTCACHE_POLICY_LRU, 3, 2 * SEC, &clock, &h, &rc);
    REQUIRE(c && k[0] && k[1] && k[2]);
    REQUIRE_OK(clientcache_cache_insert(c, k[0], &v[0]));
    REQUIRE_OK(clientcache_cache_insert(c, k[1], &v[1]));
    advance(&clock, SEC);
    REQUIRE_OK(clientcache_cache_insert(c, k[2], &v[2]));
    EXPECT_OK(clientcache_cache_purge_expired(c, &n));
    EXPECT_EQ(n, 0);
    advance(&clock, SEC);
    EXPECT_OK(clientcache_cache_purge_expired(c, &n));
    EXPECT_EQ(n, 2);
    EXPECT_EQ(atomic_load(&rc.total), 2);
    EXPECT_OK(clientcache_cache_purge_expired(c, NULL));
    EXPECT_EQ(clientcache_cache_len(c), 1);
    EXPECT_ST(clientcache_cache_purge_expired(NULL, &n), CLIENTCACHE_STATUS_NULL_POINTER);
    EXPECT_EQ(n, 0);
cleanup:
    clientcache_cache_free(c);
    for (int i = 0; i < 3; i++)
        clientcache_key_free(k[i]);
}

/* Every way out, each value heard once with its cause, before its release;
 * the listener calls back into the cache without deadlock. */
static int32_t racing_factory(const clientcache_key *key, void *ctx, void **out) {
    void **args = ctx; /* {cache, inserted value, built value} */
    /* a plain insert of the same key lands while this factory runs: it wins */
    EXPECT_OK(clientcache_cache_insert(args[0], key, args[1]));
    *out = args[2];
    return 0;
}

void test_expiry_causes(void) {
    manual_clock clock = {0};
    heard h;
    memset(&h, 0, sizeof h);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    tval v[7];
    tvals_init(v, 7);
    clientcache_key *k[7];
    for (int i = 0; i < 7; i++) {
        char name[8];
        snprintf(name, sizeof name, "c%d", i);
        k[i] = region_key(name);
    }
    clientcache_lease *l = NULL;
    clientcache_key *pk = NULL;
    clientcache_cache *c = new_timed(CLIENTCACHE_POLICY_LRU, 2, 0, &clock, &h, &rc);
    REQUIRE(c);
    atomic_store(&h.probe, c);
    REQUIRE_OK(clientcache_cache_insert(c, k[0], &v[0]));
    REQUIRE_OK(clientcache_cache_insert(c, k[1], &v[1]));
    REQUIRE_OK(clientcache_cache_insert(c, k[2], &v[2])); /* evicts c0 */
    EXPECT_EQ(atomic_load(&h.cause[0]), (int)CLIENTCACHE_CAUSE_EVICTED);
    REQUIRE_OK(clientcache_cache_remove(c, k[1], NULL));
    EXPECT_EQ(atomic_load(&h.cause[1]), (int)CLIENTCACHE_CAUSE_REMOVED);
    REQUIRE_OK(clientcache_cache_pop_victim(c, &pk, NULL));
    EXPECT_EQ(atomic_load(&h.cause[2]), (int)CLIENTCACHE_CAUSE_REMOVED);
    {
        void *args[3] = {c, &v[3], &v[4]};
        REQUIRE_OK(clientcache_cache_get_or_insert_with(c, k[3], racing_factory, args, &l));
        EXPECT(clientcache_lease_value(l) == &v[3]); /* the inserted value won */
        clientcache_lease_free(l);
        l = NULL;
    }
    EXPECT_EQ(atomic_load(&h.cause[4]), (int)CLIENTCACHE_CAUSE_REPLACED);
    EXPECT_EQ(atomic_load(&v[4].released), 1);
    REQUIRE_OK(clientcache_cache_insert(c, k[5], &v[5]));
    REQUIRE_OK(clientcache_cache_clear(c));
    EXPECT_EQ(atomic_load(&h.cause[3]), (int)CLIENTCACHE_CAUSE_CLEARED);
    EXPECT_EQ(atomic_load(&h.cause[5]), (int)CLIENTCACHE_CAUSE_CLEARED);
    REQUIRE_OK(clientcache_cache_insert(c, k[6], &v[6]));
    clientcache_cache_free(c);
    c = NULL;
    EXPECT_EQ(atomic_load(&h.cause[6]), (int)CLIENTCACHE_CAUSE_CLEARED);
    for (int i = 0; i < 7; i++) {
        EXPECTF(atomic_load(&h.count[i]) == 1, "value %d heard %d times", i,
                atomic_load(&h.count[i]));
        EXPECTF(atomic_load(&v[i].released) == 1, "value %d released %d times", i,
                atomic_load(&v[i].released));
    }
    EXPECTF(atomic_load(&h.probe_calls) >= 6, "listener called back into the cache %d times",
            atomic_load(&h.probe_calls));
cleanup:
    clientcache_lease_free(l);
    clientcache_cache_free(c);
    clientcache_key_free(pk);
    for (int i = 0; i < 7; i++)
        clientcache_key_free(k[i]);
}

/* Bad options and names: typed statuses, never a crash. */
void test_expiry_bad_input(void) {
    clientcache_cache_options o;
    clientcache_cache *c = (clientcache_cache *)(uintptr_t)0x1;
    memset(&o, 0, sizeof o);
    EXPECT_ST(clientcache_cache_new_with_options(NULL, &c), CLIENTCACHE_STATUS_NULL_POINTER);
    EXPECT(c == NULL);
    o.size = sizeof o - 1;
    o.max_size = 2;
    EXPECT_ST(clientcache_cache_new_with_options(&o, &c), CLIENTCACHE_STATUS_INVALID_ARGUMENT);
    EXPECT(strstr(last_err(), "size") != NULL);
    o.size = sizeof o;
    o.max_size = 0;
    EXPECT_ST(clientcache_cache_new_with_options(&o, &c), CLIENTCACHE_STATUS_INVALID_ARGUMENT);
    o.max_size = 2;
    o.policy = 7;
    EXPECT_ST(clientcache_cache_new_with_options(&o, &c), CLIENTCACHE_STATUS_INVALID_ARGUMENT);
    o.policy = CLIENTCACHE_POLICY_LRU;
    EXPECT_ST(clientcache_cache_new_with_options(&o, NULL), CLIENTCACHE_STATUS_NULL_POINTER);
    REQUIRE_OK(clientcache_cache_new_with_options(&o, &c));
    {
        clientcache_stats_ex s;
        memset(&s, 0, sizeof s);
        s.size = 8;
        EXPECT_ST(clientcache_cache_stats_ex(c, &s), CLIENTCACHE_STATUS_INVALID_ARGUMENT);
        EXPECT_ST(clientcache_cache_stats_ex(c, NULL), CLIENTCACHE_STATUS_NULL_POINTER);
        s.size = sizeof s;
        EXPECT_ST(clientcache_cache_stats_ex(NULL, &s), CLIENTCACHE_STATUS_NULL_POINTER);
        EXPECT_OK(clientcache_cache_stats_ex(c, &s));
        EXPECT_EQ(s.max_size, 2);
    }
    EXPECT_ST(clientcache_cache_insert_with_ttl(c, NULL, &o, SEC), CLIENTCACHE_STATUS_NULL_POINTER);
    EXPECT_STR(clientcache_cause_name(CLIENTCACHE_CAUSE_EXPIRED), "EXPIRED");
    EXPECT_STR(clientcache_cause_name(CLIENTCACHE_CAUSE_REPLACED), "REPLACED");
    EXPECT_STR(clientcache_cause_name(99), "UNKNOWN");
cleanup:
    clientcache_cache_free(c);
}
