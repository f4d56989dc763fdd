/* test_release.c — release(value, ctx) runs exactly once per inserted value,
 * when no cache and no lease holds it, on the thread that dropped the last
 * reference, and never under a cache lock. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

#define NV 16

static clientcache_cache *new_cache(clientcache_policy policy, size_t max, rel_ctx *rc) {
    clientcache_cache *c = NULL;
    if (!EXPECT_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, policy, max, count_release, rc,
                                         &c)))
        return NULL;
    return c;
}

static int rel(const tval *v) { return atomic_load(&((tval *)v)->released); }

/* A lease keeps a removed / evicted value alive; lease_free releases it. */
static void release_leases_body(void *unused) {
    (void)unused;
    tval v[NV];
    tvals_init(v, NV);
    rel_ctx rc = {0};
    clientcache_key *k[4] = {region_key("r0"), region_key("r1"), region_key("r2"),
                             region_key("r3")};
    clientcache_cache *c = new_cache(CLIENTCACHE_POLICY_LRU, 2, &rc);
    clientcache_lease *l0 = NULL, *l0b = NULL, *l1 = NULL;
    REQUIRE(c && k[0] && k[1] && k[2] && k[3]);
    atomic_store(&rc.probe, c);

    REQUIRE_OK(clientcache_cache_insert(c, k[0], &v[0]));
    REQUIRE_OK(clientcache_cache_get(c, k[0], &l0));
    REQUIRE_OK(clientcache_cache_peek(c, k[0], &l0b));
    /* remove without an out-lease: the value is released once no lease holds it */
    EXPECT_OK(clientcache_cache_remove(c, k[0], NULL));
    EXPECT_EQ(rel(&v[0]), 0);
    clientcache_lease_free(l0);
    l0 = NULL;
    EXPECT_EQ(rel(&v[0]), 0);
    clientcache_lease_free(l0b);
    l0b = NULL;
    EXPECT_EQ(rel(&v[0]), 1);
    EXPECT(pthread_equal(v[0].release_thread, pthread_self()));

    /* eviction while leased */
    REQUIRE_OK(clientcache_cache_insert(c, k[1], &v[1]));
    REQUIRE_OK(clientcache_cache_get(c, k[1], &l1));
    REQUIRE_OK(clientcache_cache_insert(c, k[2], &v[2]));
    REQUIRE_OK(clientcache_cache_insert(c, k[3], &v[3])); /* evicts r1 */
    EXPECT(!clientcache_cache_contains(c, k[1]));
    EXPECT_EQ(rel(&v[1]), 0);
    EXPECT(clientcache_lease_value(l1) == &v[1]);
    clientcache_lease_free(l1);
    l1 = NULL;
    EXPECT_EQ(rel(&v[1]), 1);

    /* eviction without a lease releases at once */
    REQUIRE_OK(clientcache_cache_insert(c, k[0], &v[4])); /* evicts r2 */
    EXPECT_EQ(rel(&v[2]), 1);

    /* failed inserts leave the value with the caller */
    EXPECT_ST(clientcache_cache_insert(c, k[0], &v[5]), CLIENTCACHE_STATUS_EXISTS);
    EXPECT_EQ(rel(&v[5]), 0);
    EXPECT_EQ(rel(&v[4]), 0);

    /* the release callbacks above could call into the cache: no lock held */
    EXPECTF(atomic_load(&rc.probe_calls) == 3, "probe calls %d", atomic_load(&rc.probe_calls));
    atomic_store(&rc.probe, NULL);
    clientcache_cache_free(c);
    c = NULL;
    EXPECT_EQ(rel(&v[3]), 1);
    EXPECT_EQ(rel(&v[4]), 1);
    EXPECT_EQ(atomic_load(&rc.total), 5);
cleanup:
    clientcache_lease_free(l0);
    clientcache_lease_free(l0b);
    clientcache_lease_free(l1);
    clientcache_cache_free(c);
    for (int i = 0; i < 4; i++)
        clientcache_key_free(k[i]);
}

void test_release_leases(void) {
    tf_run_with_timeout("release with leases", release_leases_body, NULL, 30);
}

/* Copies share values: a value is released when the last cache holding it
 * lets go; clear and pop_victim follow the same rule. */
static void release_copies_body(void *unused) {
    (void)unused;
    tval v[NV];
    tvals_init(v, NV);
    rel_ctx rc = {0};
    clientcache_key *k[3] = {region_key("c0"), region_key("c1"), region_key("c2")};
    clientcache_cache *a = new_cache(CLIENTCACHE_POLICY_LFU, 3, &rc), *b = NULL, *b2 = NULL;
    clientcache_lease *l = NULL;
    clientcache_key *pk = NULL;
    REQUIRE(a && k[0] && k[1] && k[2]);
    for (int i = 0; i < 3; i++)
        REQUIRE_OK(clientcache_cache_insert(a, k[i], &v[i]));
    REQUIRE_OK(clientcache_cache_copy(a, &b));
    REQUIRE_OK(clientcache_cache_copy(b, &b2));
    atomic_store(&rc.probe, a);

    EXPECT_OK(clientcache_cache_clear(a));
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(rel(&v[i]), 0);
    EXPECT_OK(clientcache_cache_remove(b, k[0], NULL));
    EXPECT_EQ(rel(&v[0]), 0);
    EXPECT_OK(clientcache_cache_remove(b2, k[0], NULL));
    EXPECT_EQ(rel(&v[0]), 1);

    /* pop_victim from b2 (c1: lowest frequency, least recent) while b still has it */
    REQUIRE_OK(clientcache_cache_pop_victim(b2, &pk, &l));
    EXPECT(clientcache_key_equal(pk, k[1]));
    EXPECT(clientcache_lease_value(l) == &v[1]);
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_EQ(rel(&v[1]), 0);
    atomic_store(&rc.probe, b2);
    clientcache_cache_free(b);
    b = NULL;
    EXPECT_EQ(rel(&v[1]), 1);
    EXPECT_EQ(rel(&v[2]), 0); /* still in b2 */
    atomic_store(&rc.probe, NULL);
    clientcache_cache_free(b2);
    b2 = NULL;
    EXPECT_EQ(rel(&v[2]), 1);
    EXPECT_EQ(atomic_load(&rc.total), 3);
    EXPECT_EQ(atomic_load(&rc.probe_calls), 2);
cleanup:
    clientcache_lease_free(l);
    clientcache_key_free(pk);
    clientcache_cache_free(a);
    clientcache_cache_free(b);
    clientcache_cache_free(b2);
    for (int i = 0; i < 3; i++)
        clientcache_key_free(k[i]);
}

void test_release_copies(void) {
    tf_run_with_timeout("release with copies", release_copies_body, NULL, 30);
}

/* set_max_size shrink, clear with a lease outstanding, cache free with a
 * lease outstanding (the lease outlives the cache). */
static void release_shrink_body(void *unused) {
    (void)unused;
    tval v[NV];
    tvals_init(v, NV);
    rel_ctx rc = {0};
    clientcache_key *k[6];
    char name[8];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "s%d", i);
        k[i] = region_key(name);
    }
    clientcache_cache *c = new_cache(CLIENTCACHE_POLICY_LRU, 6, &rc);
    clientcache_lease *l = NULL, *l5 = NULL;
    REQUIRE(c != NULL);
    for (int i = 0; i < 6; i++)
        REQUIRE(k[i] != NULL);
    for (int i = 0; i < 6; i++)
        REQUIRE_OK(clientcache_cache_insert(c, k[i], &v[i]));
    atomic_store(&rc.probe, c);
    REQUIRE_OK(clientcache_cache_get(c, k[1], &l)); /* order: 0 2 3 4 5 1 */
    EXPECT_OK(clientcache_cache_set_max_size(c, 2));
    EXPECT_EQ(clientcache_cache_len(c), 2);
    EXPECT(clientcache_cache_contains(c, k[5]) && clientcache_cache_contains(c, k[1]));
    for (int i = 0; i < 6; i++)
        EXPECTF(rel(&v[i]) == (i == 0 || i == 2 || i == 3 || i == 4), "v[%d] released %d", i,
                rel(&v[i]));
    /* clear with a lease on s1 */
    EXPECT_OK(clientcache_cache_clear(c));
    EXPECT_EQ(rel(&v[5]), 1);
    EXPECT_EQ(rel(&v[1]), 0);
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_EQ(rel(&v[1]), 1);
    /* free with a lease outstanding */
    REQUIRE_OK(clientcache_cache_insert(c, k[0], &v[6]));
    REQUIRE_OK(clientcache_cache_insert(c, k[1], &v[7]));
    REQUIRE_OK(clientcache_cache_get(c, k[0], &l5));
    atomic_store(&rc.probe, NULL);
    clientcache_cache_free(c);
    c = NULL;
    EXPECT_EQ(rel(&v[7]), 1);
    EXPECT_EQ(rel(&v[6]), 0);
    EXPECT(clientcache_lease_value(l5) == &v[6]);
    clientcache_lease_free(l5);
    l5 = NULL;
    EXPECT_EQ(rel(&v[6]), 1);
    EXPECT_EQ(atomic_load(&rc.total), 8);
    EXPECT_EQ(atomic_load(&rc.probe_calls), 6);
cleanup:
    clientcache_lease_free(l);
    clientcache_lease_free(l5);
    clientcache_cache_free(c);
    for (int i = 0; i < 6; i++)
        clientcache_key_free(k[i]);
}

void test_release_shrink_clear_free(void) {
    tf_run_with_timeout("release on shrink/clear/free", release_shrink_body, NULL, 30);
}

/* The release runs on the thread that drops the last reference. */
struct lease_handoff {
    clientcache_lease *lease;
};

static void *free_lease_thread(void *p) {
    struct lease_handoff *h = p;
    clientcache_lease_free(h->lease);
    return NULL;
}

void test_release_thread(void) {
    tval v[1];
    tvals_init(v, 1);
    clientcache_cache *c = NULL;
    clientcache_key *k = region_key("t");
    struct lease_handoff h = {NULL};
    pthread_t th;
    REQUIRE(k != NULL);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 1,
                                     count_release, NULL, &c));
    REQUIRE_OK(clientcache_cache_insert(c, k, &v[0]));
    REQUIRE_OK(clientcache_cache_get(c, k, &h.lease));
    clientcache_cache_free(c);
    c = NULL;
    EXPECT_EQ(rel(&v[0]), 0);
    REQUIRE(pthread_create(&th, NULL, free_lease_thread, &h) == 0);
    pthread_join(th, NULL);
    h.lease = NULL;
    EXPECT_EQ(rel(&v[0]), 1);
    EXPECT(pthread_equal(v[0].release_thread, th));
cleanup:
    clientcache_lease_free(h.lease);
    clientcache_cache_free(c);
    clientcache_key_free(k);
}
