/* test_get_into.c — clientcache_cache_get_into: a get (or peek) that stores
 * the value pointer into the caller's slot instead of handing out a lease. */
#include <stdatomic.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

void test_get_into(void) {
    tval v[3];
    tvals_init(v, 3);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    clientcache_cache *c = NULL;
    clientcache_key *a = region_key("a"), *b = region_key("b"), *d = region_key("d");
    clientcache_key *res = mk_key(CLIENTCACHE_KIND_RESOURCE, "s3", "{}");
    void *slot = NULL;
    REQUIRE(a != NULL && b != NULL && d != NULL && res != NULL);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                     count_release, &rc, &c));
    REQUIRE_OK(clientcache_cache_insert(c, a, &v[0]));
    REQUIRE_OK(clientcache_cache_insert(c, b, &v[1]));

    /* A get: the value lands in the slot, a is promoted and a hit counted. */
    EXPECT_OK(clientcache_cache_get_into(c, a, true, &slot));
    EXPECT(slot == &v[0]);
    /* A peek: no promotion, no count. */
    slot = NULL;
    EXPECT_OK(clientcache_cache_get_into(c, b, false, &slot));
    EXPECT(slot == &v[1]);
    REQUIRE_OK(clientcache_cache_insert(c, d, &v[2])); /* evicts b, the LRU */
    EXPECT(clientcache_cache_contains(c, a));
    EXPECT(!clientcache_cache_contains(c, b));
    EXPECT_EQ(atomic_load(&v[1].released), 1);
    {
        clientcache_stats s;
        REQUIRE_OK(clientcache_cache_stats(c, &s));
        EXPECT_EQ(s.hits, 1);
        EXPECT_EQ(s.misses, 0);
    }

    /* Failures leave the slot alone. */
    slot = &v[2];
    EXPECT_ST(clientcache_cache_get_into(c, b, true, &slot), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(slot == &v[2]);
    EXPECT_ST(clientcache_cache_get_into(c, res, true, &slot), CLIENTCACHE_STATUS_KIND_MISMATCH);
    EXPECT(slot == &v[2]);
    EXPECT_ST(clientcache_cache_get_into(c, a, true, NULL), CLIENTCACHE_STATUS_NULL_POINTER);
    EXPECT_ST(clientcache_cache_get_into(NULL, a, true, &slot), CLIENTCACHE_STATUS_NULL_POINTER);
    {
        clientcache_stats s;
        REQUIRE_OK(clientcache_cache_stats(c, &s));
        EXPECT_EQ(s.misses, 1);
    }

    /* No lease is left behind: a value removed after get_into is released
     * at once. */
    EXPECT_OK(clientcache_cache_get_into(c, a, true, &slot));
    REQUIRE_OK(clientcache_cache_remove(c, a, NULL));
    EXPECT_EQ(atomic_load(&v[0].released), 1);
cleanup:
    clientcache_cache_free(c);
    clientcache_key_free(a);
    clientcache_key_free(b);
    clientcache_key_free(d);
    clientcache_key_free(res);
}
