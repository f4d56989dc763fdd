/* test_policy.c — victim order for LRU and LFU exactly as docs/design.md ("Cache semantics") says,
 * and the stats counters. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

#define NK 8
struct fixture {
    clientcache_cache *c;
    clientcache_key *k[NK]; /* regions "a".."h" */
    tval v[NK * 4];
    int next_value;
    rel_ctx rc;
};

static bool fixture_init(struct fixture *f, clientcache_policy policy, size_t max) {
    memset(f, 0, sizeof *f);
    tvals_init(f->v, NK * 4);
    for (int i = 0; i < NK; i++) {
        char name[2] = {(char)('a' + i), '\0'};
        f->k[i] = region_key(name);
        if (!f->k[i])
            return false;
    }
    return EXPECT_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, policy, max, count_release,
                                           &f->rc, &f->c));
}

static void fixture_free(struct fixture *f) {
    clientcache_cache_free(f->c);
    for (int i = 0; i < NK; i++)
        clientcache_key_free(f->k[i]);
}

static clientcache_key *K(struct fixture *f, char name) { return f->k[name - 'a']; }

static bool ins(struct fixture *f, char name) {
    return EXPECT_OK(clientcache_cache_insert(f->c, K(f, name), &f->v[f->next_value++]));
}

static bool get(struct fixture *f, char name) {
    clientcache_lease *l = NULL;
    bool ok = EXPECT_OK(clientcache_cache_get(f->c, K(f, name), &l));
    clientcache_lease_free(l);
    return ok;
}

static bool peek(struct fixture *f, char name) {
    clientcache_lease *l = NULL;
    bool ok = EXPECT_OK(clientcache_cache_peek(f->c, K(f, name), &l));
    clientcache_lease_free(l);
    return ok;
}

/* pops the next victim and checks it is `name` */
static bool pop(struct fixture *f, char name) {
    clientcache_key *k = NULL;
    clientcache_lease *l = NULL;
    bool ok = EXPECT_OK(clientcache_cache_pop_victim(f->c, &k, &l));
    if (ok)
        ok = EXPECTF(clientcache_key_equal(k, K(f, name)), "popped %s, want region %c",
                     label_of(k), name);
    clientcache_key_free(k);
    clientcache_lease_free(l);
    return ok;
}

#define ORDER(f, want)                                                                             \
    do {                                                                                           \
        char got_[256];                                                                            \
        victim_order((f)->c, got_, sizeof got_);                                                   \
        tf_check_str(got_, want, "victim order", __FILE__, __LINE__);                              \
    } while (0)

void test_lru_order(void) {
    struct fixture f;
    REQUIRE(fixture_init(&f, CLIENTCACHE_POLICY_LRU, 3));
    ins(&f, 'a');
    ins(&f, 'b');
    ins(&f, 'c');
    ORDER(&f, "a,b,c");
    get(&f, 'a');
    ORDER(&f, "b,c,a");
    ins(&f, 'd'); /* evicts b */
    ORDER(&f, "c,a,d");
    EXPECT(!clientcache_cache_contains(f.c, K(&f, 'b')));
    /* peek, contains and a refused insert do not promote */
    peek(&f, 'c');
    EXPECT(clientcache_cache_contains(f.c, K(&f, 'c')));
    EXPECT_ST(clientcache_cache_insert(f.c, K(&f, 'c'), &f.v[30]), CLIENTCACHE_STATUS_EXISTS);
    ORDER(&f, "c,a,d");
    ins(&f, 'e'); /* evicts c */
    ORDER(&f, "a,d,e");
    pop(&f, 'a');
    ORDER(&f, "d,e");
    EXPECT_OK(clientcache_cache_set_max_size(f.c, 1)); /* evicts d */
    ORDER(&f, "e");
    ins(&f, 'f'); /* the new entry is never its own victim */
    ORDER(&f, "f");
    EXPECT_OK(clientcache_cache_set_max_size(f.c, 3));
    ins(&f, 'a');
    ins(&f, 'b');
    get(&f, 'f');
    ORDER(&f, "a,b,f");
    EXPECT_OK(clientcache_cache_remove(f.c, K(&f, 'b'), NULL));
    ins(&f, 'b');
    ORDER(&f, "a,f,b");
    pop(&f, 'a');
    pop(&f, 'f');
    pop(&f, 'b');
    EXPECT_EQ(clientcache_cache_len(f.c), 0);
    EXPECT_EQ(atomic_load(&f.v[30].released), 0);
cleanup:
    fixture_free(&f);
}

void test_lfu_order(void) {
    struct fixture f;
    REQUIRE(fixture_init(&f, CLIENTCACHE_POLICY_LFU, 3));
    ins(&f, 'a');
    ins(&f, 'b');
    ins(&f, 'c');
    ORDER(&f, "a,b,c"); /* all frequency 1: least recent first */
    get(&f, 'a');       /* a:2 */
    ORDER(&f, "b,c,a");
    get(&f, 'b'); /* b:2, more recent than a within frequency 2 */
    ORDER(&f, "c,a,b");
    get(&f, 'a'); /* a:3 */
    ORDER(&f, "c,b,a");
    ins(&f, 'd'); /* evicts c (frequency 1) */
    ORDER(&f, "d,b,a");
    ins(&f, 'e'); /* evicts d, never the new e */
    ORDER(&f, "e,b,a");
    EXPECT(!clientcache_cache_contains(f.c, K(&f, 'd')));
    get(&f, 'e'); /* e:2, most recent within 2 */
    ORDER(&f, "b,e,a");
    peek(&f, 'b'); /* no promotion */
    EXPECT(clientcache_cache_contains(f.c, K(&f, 'b')));
    EXPECT_ST(clientcache_cache_insert(f.c, K(&f, 'b'), &f.v[30]), CLIENTCACHE_STATUS_EXISTS);
    ORDER(&f, "b,e,a");
    ins(&f, 'f'); /* evicts b: frequency 2, less recent than e */
    ORDER(&f, "f,e,a");
    pop(&f, 'f');
    ORDER(&f, "e,a");
    EXPECT_OK(clientcache_cache_set_max_size(f.c, 1)); /* evicts e */
    ORDER(&f, "a");
    ins(&f, 'g'); /* max 1: a (frequency 3) goes, the new g stays */
    ORDER(&f, "g");
    EXPECT_OK(clientcache_cache_set_max_size(f.c, 3));
    /* a removed-and-reinserted key starts again at frequency 1 */
    get(&f, 'g');
    get(&f, 'g');
    EXPECT_OK(clientcache_cache_remove(f.c, K(&f, 'g'), NULL));
    ins(&f, 'g');
    ins(&f, 'h');
    ORDER(&f, "g,h");
    get(&f, 'h');
    ins(&f, 'a');
    ORDER(&f, "g,a,h");
    EXPECT_EQ(atomic_load(&f.v[30].released), 0);
cleanup:
    fixture_free(&f);
}

/* A copy keeps the victim order (and, for LFU, the frequencies). */
void test_copy_keeps_order(void) {
    struct fixture f;
    clientcache_cache *orig = NULL;
    REQUIRE(fixture_init(&f, CLIENTCACHE_POLICY_LFU, 4));
    ins(&f, 'a');
    ins(&f, 'b');
    ins(&f, 'c');
    get(&f, 'a');
    get(&f, 'a');
    get(&f, 'b');
    ORDER(&f, "c,b,a");
    orig = f.c;
    f.c = NULL;
    REQUIRE_OK(clientcache_cache_copy(orig, &f.c));
    ORDER(&f, "c,b,a");
    EXPECT_EQ(clientcache_cache_max_size(f.c), 4);
    get(&f, 'c');
    get(&f, 'c');
    get(&f, 'c'); /* c:4 in the copy only */
    ORDER(&f, "b,a,c");
    {
        clientcache_cache *tmp = f.c;
        f.c = orig;
        ORDER(&f, "c,b,a");
        f.c = tmp;
    }
cleanup:
    clientcache_cache_free(orig);
    fixture_free(&f);
}

static int32_t stats_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    int *calls = ctx;
    static tval value;
    (*calls)++;
    *out_value = &value;
    return 0;
}

void test_stats(void) {
    struct fixture f;
    clientcache_stats st;
    clientcache_lease *l = NULL;
    int calls = 0;
    REQUIRE(fixture_init(&f, CLIENTCACHE_POLICY_LRU, 2));
    ins(&f, 'a');
    ins(&f, 'b');
    get(&f, 'a');
    EXPECT_ST(clientcache_cache_get(f.c, K(&f, 'c'), &l), CLIENTCACHE_STATUS_NOT_FOUND);
    peek(&f, 'b');
    EXPECT(!clientcache_cache_contains(f.c, K(&f, 'h')));
    EXPECT_ST(clientcache_cache_peek(f.c, K(&f, 'h'), &l), CLIENTCACHE_STATUS_NOT_FOUND);
    ins(&f, 'c'); /* evicts b */
    EXPECT_ST(clientcache_cache_insert(f.c, K(&f, 'a'), &f.v[30]), CLIENTCACHE_STATUS_EXISTS);
    EXPECT_OK(clientcache_cache_remove(f.c, K(&f, 'a'), NULL));
    EXPECT_ST(clientcache_cache_remove(f.c, K(&f, 'a'), NULL), CLIENTCACHE_STATUS_NOT_FOUND);
    pop(&f, 'c');
    REQUIRE_OK(clientcache_cache_stats(f.c, &st));
    EXPECT_EQ(st.hits, 1);
    EXPECT_EQ(st.misses, 1);
    EXPECT_EQ(st.insertions, 3);
    EXPECT_EQ(st.evictions, 1);
    EXPECT_EQ(st.removals, 2);
    EXPECT_EQ(st.len, 0);
    EXPECT_EQ(st.max_size, 2);

    /* get_or_insert_with: a miss (factory runs, entry stored), then a hit */
    EXPECT_OK(clientcache_cache_get_or_insert_with(f.c, K(&f, 'd'), stats_factory, &calls, &l));
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_OK(clientcache_cache_get_or_insert_with(f.c, K(&f, 'd'), stats_factory, &calls, &l));
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_EQ(calls, 1);
    ins(&f, 'e');
    EXPECT_OK(clientcache_cache_set_max_size(f.c, 1)); /* evicts d */
    REQUIRE_OK(clientcache_cache_stats(f.c, &st));
    EXPECT_EQ(st.hits, 2);
    EXPECT_EQ(st.misses, 2);
    EXPECTF(st.insertions == 5, "insertions %llu: the factory's entry counts as an insertion",
            (unsigned long long)st.insertions);
    EXPECT_EQ(st.evictions, 2);
    EXPECT_EQ(st.removals, 2);
    EXPECT_EQ(st.len, 1);
    EXPECT_EQ(st.max_size, 1);
    /* clear is neither an eviction nor a removal */
    EXPECT_OK(clientcache_cache_clear(f.c));
    REQUIRE_OK(clientcache_cache_stats(f.c, &st));
    EXPECT_EQ(st.evictions, 2);
    EXPECT_EQ(st.removals, 2);
    EXPECT_EQ(st.len, 0);
cleanup:
    clientcache_lease_free(l);
    fixture_free(&f);
}
