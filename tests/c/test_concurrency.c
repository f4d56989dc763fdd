/* test_concurrency.c — single-flight get_or_insert_with, thread-local
 * last_error, and a multi-threaded stress run with exact release counts. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

/* ---- single-flight ---------------------------------------------------- */

#define SF_CALLERS 8

struct sf {
    clientcache_cache *c;
    clientcache_key *k;
    atomic_int factory_calls;
    atomic_int started;
    bool fail;
    tval value;
    /* per caller */
    clientcache_status st[SF_CALLERS];
    void *got[SF_CALLERS];
    bool err_set[SF_CALLERS];
};

struct sf_arg {
    struct sf *sf;
    int i;
};

static int32_t sf_factory(const clientcache_key *key, void *ctx, void **out_value) {
    struct sf *sf = ctx;
    EXPECT(clientcache_key_equal(key, sf->k));
    atomic_fetch_add(&sf->factory_calls, 1);
    atomic_store(&sf->started, 1);
    tf_sleep_ms(500); /* long enough for every other caller to start waiting */
    if (sf->fail)
        return -1;
    *out_value = &sf->value;
    return 0;
}

static void *sf_caller(void *p) {
    struct sf_arg *a = p;
    struct sf *sf = a->sf;
    clientcache_lease *l = (clientcache_lease *)(uintptr_t)1;
    sf->st[a->i] = clientcache_cache_get_or_insert_with(sf->c, sf->k, sf_factory, sf, &l);
    if (sf->st[a->i] == CLIENTCACHE_STATUS_OK) {
        sf->got[a->i] = clientcache_lease_value(l);
        clientcache_lease_free(l);
    } else {
        sf->got[a->i] = l; /* must be NULL */
        sf->err_set[a->i] = strlen(last_err()) > 0;
    }
    return NULL;
}

static void run_callers(struct sf *sf) {
    pthread_t th[SF_CALLERS];
    struct sf_arg args[SF_CALLERS];
    for (int i = 0; i < SF_CALLERS; i++) {
        args[i] = (struct sf_arg){sf, i};
        if (pthread_create(&th[i], NULL, sf_caller, &args[i]) != 0) {
            EXPECT(!"pthread_create");
            for (int j = 0; j < i; j++)
                pthread_join(th[j], NULL);
            return;
        }
        if (i == 0) /* the leader's factory is running before the others arrive */
            while (!atomic_load(&sf->started))
                tf_sleep_ms(1);
    }
    for (int i = 0; i < SF_CALLERS; i++)
        pthread_join(th[i], NULL);
}

static void single_flight_body(void *p) {
    bool fail = *(bool *)p;
    struct sf sf;
    memset(&sf, 0, sizeof sf);
    tvals_init(&sf.value, 1);
    sf.fail = fail;
    sf.k = region_key("single-flight");
    REQUIRE(sf.k != NULL);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LFU, 4,
                                     count_release, NULL, &sf.c));
    run_callers(&sf);
    EXPECT_EQ(atomic_load(&sf.factory_calls), 1);
    for (int i = 0; i < SF_CALLERS; i++) {
        if (fail) {
            EXPECT_ST(sf.st[i], CLIENTCACHE_STATUS_FACTORY_FAILED);
            EXPECTF(sf.got[i] == NULL, "caller %d out-lease NULL on failure", i);
            EXPECTF(sf.err_set[i], "caller %d has a last_error on its own thread", i);
        } else {
            EXPECT_OK(sf.st[i]);
            EXPECTF(sf.got[i] == &sf.value, "caller %d got the factory's value", i);
        }
    }
    if (fail) {
        /* the failure is not cached: the next call runs the factory again */
        EXPECT(!clientcache_cache_contains(sf.c, sf.k));
        EXPECT_EQ(clientcache_cache_len(sf.c), 0);
        sf.fail = false;
        atomic_store(&sf.started, 0);
        struct sf_arg a = {&sf, 0};
        sf_caller(&a);
        EXPECT_OK(sf.st[0]);
        EXPECT_EQ(atomic_load(&sf.factory_calls), 2);
    } else {
        EXPECT(clientcache_cache_contains(sf.c, sf.k));
        EXPECT_EQ(atomic_load(&sf.value.released), 0);
    }
    clientcache_cache_free(sf.c);
    sf.c = NULL;
    EXPECT_EQ(atomic_load(&sf.value.released), 1);
cleanup:
    clientcache_cache_free(sf.c);
    clientcache_key_free(sf.k);
}

void test_single_flight_shared_value(void) {
    bool fail = false;
    tf_run_with_timeout("single-flight", single_flight_body, &fail, 60);
}

void test_single_flight_shared_failure(void) {
    bool fail = true;
    tf_run_with_timeout("single-flight failure", single_flight_body, &fail, 60);
}

/* factories: success with a value, 0 without a value, non-zero */
static int32_t null_value_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    (void)ctx;
    *out_value = NULL;
    return 0;
}

static int32_t nonzero_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    (void)out_value;
    atomic_fetch_add((atomic_int *)ctx, 1);
    return 3;
}

static int32_t counting_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    atomic_fetch_add((atomic_int *)ctx, 1);
    static tval v;
    *out_value = &v;
    return 0;
}

void test_factory_results(void) {
    clientcache_cache *c = NULL;
    clientcache_key *k = region_key("fac"), *kres = mk_key(CLIENTCACHE_KIND_RESOURCE, "s3", NULL);
    clientcache_lease *l = NULL;
    atomic_int calls = 0;
    tval v[1];
    tvals_init(v, 1);
    REQUIRE(k && kres);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                     count_release, NULL, &c));
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_get_or_insert_with(c, k, null_value_factory, NULL, &l),
              CLIENTCACHE_STATUS_FACTORY_FAILED);
    EXPECT(l == NULL);
    EXPECT(strlen(last_err()) > 0);
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_get_or_insert_with(c, k, nonzero_factory, &calls, &l),
              CLIENTCACHE_STATUS_FACTORY_FAILED);
    EXPECT(l == NULL);
    EXPECT_EQ(atomic_load(&calls), 1);
    EXPECT_EQ(clientcache_cache_len(c), 0);
    /* wrong kind: refused before the factory runs */
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_get_or_insert_with(c, kres, counting_factory, &calls, &l),
              CLIENTCACHE_STATUS_KIND_MISMATCH);
    EXPECT(l == NULL);
    EXPECT_EQ(atomic_load(&calls), 1);
    /* a present key: the factory is not called, the stored value comes back */
    l = NULL;
    REQUIRE_OK(clientcache_cache_insert(c, k, &v[0]));
    EXPECT_OK(clientcache_cache_get_or_insert_with(c, k, counting_factory, &calls, &l));
    EXPECT(l != NULL && clientcache_lease_value(l) == &v[0]);
    EXPECT_EQ(atomic_load(&calls), 1);
cleanup:
    if (l != (clientcache_lease *)(uintptr_t)1)
        clientcache_lease_free(l);
    clientcache_cache_free(c);
    clientcache_key_free(k);
    clientcache_key_free(kres);
}

/* ---- re-entry from inside the factory ---------------------------------- */

struct reentry {
    clientcache_cache *c;
    clientcache_key *k, *other, *side;
    clientcache_status inner_same, inner_other, inner_insert, inner_get;
    char inner_err[512];
    tval vals[3];
};

static int32_t other_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    struct reentry *r = ctx;
    *out_value = &r->vals[1];
    return 0;
}

static int32_t reentrant_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    struct reentry *r = ctx;
    clientcache_lease *l = (clientcache_lease *)(uintptr_t)1;
    r->inner_same = clientcache_cache_get_or_insert_with(r->c, r->k, reentrant_factory, r, &l);
    if (r->inner_same == CLIENTCACHE_STATUS_OK)
        clientcache_lease_free(l);
    else
        snprintf(r->inner_err, sizeof r->inner_err, "%s", last_err());
    EXPECT(r->inner_same == CLIENTCACHE_STATUS_OK || l == NULL);
    /* the cache lock is not held: other keys and other operations work */
    l = NULL;
    r->inner_other = clientcache_cache_get_or_insert_with(r->c, r->other, other_factory, r, &l);
    clientcache_lease_free(l);
    l = NULL;
    r->inner_insert = clientcache_cache_insert(r->c, r->side, &r->vals[2]);
    r->inner_get = clientcache_cache_get(r->c, r->side, &l);
    clientcache_lease_free(l);
    *out_value = &r->vals[0];
    return 0;
}

static void reentry_body(void *unused) {
    (void)unused;
    struct reentry r;
    memset(&r, 0, sizeof r);
    tvals_init(r.vals, 3);
    clientcache_lease *l = NULL;
    r.k = region_key("outer");
    r.other = region_key("other");
    r.side = region_key("side");
    REQUIRE(r.k && r.other && r.side);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 4,
                                     count_release, NULL, &r.c));
    EXPECT_OK(clientcache_cache_get_or_insert_with(r.c, r.k, reentrant_factory, &r, &l));
    EXPECT(l != NULL && clientcache_lease_value(l) == &r.vals[0]);
    EXPECT_ST(r.inner_same, CLIENTCACHE_STATUS_INVALID_ARGUMENT);
    EXPECTF(r.inner_err[0] != '\0', "re-entry sets last_error");
    EXPECT_OK(r.inner_other);
    EXPECT_OK(r.inner_insert);
    EXPECT_OK(r.inner_get);
    EXPECT_EQ(clientcache_cache_len(r.c), 3);
    EXPECT(clientcache_cache_contains(r.c, r.k));
    EXPECT(clientcache_cache_contains(r.c, r.other));
    clientcache_lease_free(l);
    l = NULL;
    clientcache_cache_free(r.c);
    r.c = NULL;
    for (int i = 0; i < 3; i++)
        EXPECTF(atomic_load(&r.vals[i].released) == 1, "value %d released %d", i,
                atomic_load(&r.vals[i].released));
cleanup:
    clientcache_lease_free(l);
    clientcache_cache_free(r.c);
    clientcache_key_free(r.k);
    clientcache_key_free(r.other);
    clientcache_key_free(r.side);
}

void test_single_flight_reentry(void) {
    tf_run_with_timeout("factory re-entry", reentry_body, NULL, 30);
}

/* ---- other keys are not blocked while a factory runs ------------------- */

struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool open, started;
    clientcache_cache *c;
    clientcache_key *k;
    tval value;
    clientcache_status st;
};

static int32_t gated_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    struct gate *g = ctx;
    pthread_mutex_lock(&g->mu);
    g->started = true;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    *out_value = &g->value;
    return 0;
}

static void *gated_caller(void *p) {
    struct gate *g = p;
    clientcache_lease *l = NULL;
    g->st = clientcache_cache_get_or_insert_with(g->c, g->k, gated_factory, g, &l);
    clientcache_lease_free(l);
    return NULL;
}

static void not_blocked_body(void *unused) {
    (void)unused;
    struct gate g;
    memset(&g, 0, sizeof g);
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    tval v[2];
    tvals_init(v, 2);
    tvals_init(&g.value, 1);
    clientcache_key *kb = region_key("free-b"), *kc = region_key("free-c");
    clientcache_lease *l = NULL;
    clientcache_snapshot *s = NULL;
    clientcache_stats st;
    atomic_int calls = 0;
    pthread_t th;
    bool started = false;
    g.k = region_key("slow-a");
    REQUIRE(g.k && kb && kc);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 4,
                                     count_release, NULL, &g.c));
    REQUIRE(pthread_create(&th, NULL, gated_caller, &g) == 0);
    started = true;
    pthread_mutex_lock(&g.mu);
    while (!g.started)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);

    /* while slow-a's factory is parked: */
    EXPECT_OK(clientcache_cache_get_or_insert_with(g.c, kb, counting_factory, &calls, &l));
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_OK(clientcache_cache_insert(g.c, kc, &v[0]));
    EXPECT_OK(clientcache_cache_get(g.c, kc, &l));
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_ST(clientcache_cache_peek(g.c, g.k, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(!clientcache_cache_contains(g.c, g.k));
    EXPECT_EQ(clientcache_cache_len(g.c), 2);
    EXPECT_OK(clientcache_cache_stats(g.c, &st));
    EXPECT_OK(clientcache_cache_snapshot(g.c, &s));
    clientcache_snapshot_free(s);
    s = NULL;
    EXPECT_OK(clientcache_cache_set_max_size(g.c, 5));

cleanup:
    if (started) {
        pthread_mutex_lock(&g.mu);
        g.open = true;
        pthread_cond_broadcast(&g.cv);
        pthread_mutex_unlock(&g.mu);
        pthread_join(th, NULL);
        EXPECT_OK(g.st);
        EXPECT(clientcache_cache_contains(g.c, g.k));
    }
    clientcache_cache_free(g.c);
    EXPECT_EQ(atomic_load(&v[0].released), 1);
    EXPECT_EQ(atomic_load(&g.value.released), 1);
    clientcache_key_free(g.k);
    clientcache_key_free(kb);
    clientcache_key_free(kc);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
}

void test_single_flight_other_keys_not_blocked(void) {
    tf_run_with_timeout("other keys while a factory runs", not_blocked_body, NULL, 30);
}

/* ---- a factory racing a plain insert of the same key -------------------- */

static void factory_race_body(void *unused) {
    (void)unused;
    struct gate g;
    memset(&g, 0, sizeof g);
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    tval inserted[1];
    tvals_init(inserted, 1);
    tvals_init(&g.value, 1);
    pthread_t th;
    bool started = false;
    clientcache_lease *l = NULL;
    g.k = region_key("race");
    REQUIRE(g.k != NULL);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                     count_release, NULL, &g.c));
    REQUIRE(pthread_create(&th, NULL, gated_caller, &g) == 0);
    started = true;
    pthread_mutex_lock(&g.mu);
    while (!g.started)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    /* the key is not in the cache while its factory runs: a plain insert is
     * accepted (or refused) — either way no value is lost or released twice */
    clientcache_status ins = clientcache_cache_insert(g.c, g.k, &inserted[0]);
    EXPECTF(ins == CLIENTCACHE_STATUS_OK || ins == CLIENTCACHE_STATUS_EXISTS,
            "insert during the factory -> %s", tf_status_str(ins));
cleanup:
    if (started) {
        pthread_mutex_lock(&g.mu);
        g.open = true;
        pthread_cond_broadcast(&g.cv);
        pthread_mutex_unlock(&g.mu);
        pthread_join(th, NULL);
        EXPECT_OK(g.st);
        EXPECT_EQ(clientcache_cache_len(g.c), 1);
        /* the entry holds one of the two values; the other one, if it was
         * handed over, is already released */
        if (EXPECT_OK(clientcache_cache_peek(g.c, g.k, &l))) {
            tval *in_cache = clientcache_lease_value(l);
            EXPECT(in_cache == &inserted[0] || in_cache == &g.value);
            EXPECT_EQ(atomic_load(&in_cache->released), 0);
            tval *other = in_cache == &g.value ? &inserted[0] : &g.value;
            bool other_owned = other == &g.value || ins == CLIENTCACHE_STATUS_OK;
            EXPECT_EQ(atomic_load(&other->released), other_owned ? 1 : 0);
            tf_note("insert during the factory: %s; the cache kept the %s value",
                    tf_status_str(ins), in_cache == &g.value ? "factory's" : "inserted");
        }
        clientcache_lease_free(l);
        clientcache_cache_free(g.c);
        g.c = NULL;
        EXPECT_EQ(atomic_load(&g.value.released), 1);
        EXPECT_EQ(atomic_load(&inserted[0].released), ins == CLIENTCACHE_STATUS_OK ? 1 : 0);
    }
    clientcache_cache_free(g.c);
    clientcache_key_free(g.k);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
}

void test_single_flight_races_insert(void) {
    tf_run_with_timeout("factory racing an insert", factory_race_body, NULL, 30);
}

/* ---- last_error is per thread ------------------------------------------ */

struct tl_err {
    pthread_barrier_t *bar;
    const char *param;
    bool ok;
};

static void *tl_err_thread(void *p) {
    struct tl_err *t = p;
    char json[128];
    clientcache_key *k = NULL;
    snprintf(json, sizeof json, "{\"%s\":1}", t->param);
    pthread_barrier_wait(t->bar);
    clientcache_status st =
        clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, json, strlen(json), &k);
    pthread_barrier_wait(t->bar); /* both failed before either reads */
    t->ok = st == CLIENTCACHE_STATUS_INVALID_ARGUMENT && strstr(last_err(), t->param) != NULL;
    return NULL;
}

void test_last_error_thread_local(void) {
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    struct tl_err a = {&bar, "first_unknown_param", false}, b = {&bar, "second_unknown_param",
                                                                 false};
    pthread_t ta, tb;
    if (EXPECT(pthread_create(&ta, NULL, tl_err_thread, &a) == 0)) {
        if (EXPECT(pthread_create(&tb, NULL, tl_err_thread, &b) == 0))
            pthread_join(tb, NULL);
        else
            pthread_barrier_wait(&bar), pthread_barrier_wait(&bar);
        pthread_join(ta, NULL);
    }
    EXPECT(a.ok);
    EXPECT(b.ok);
    pthread_barrier_destroy(&bar);
}

/* ---- stress ------------------------------------------------------------ */

#define ST_THREADS 4
#define ST_KEYS 12
#define ST_MAX 4

struct stress {
    clientcache_cache *c;
    clientcache_key *keys[ST_KEYS];
    tval *vals;         /* ST_THREADS * iters */
    int *key_of;        /* key index of each value */
    unsigned char *own; /* 1 = ownership passed to the cache */
    int iters;
    rel_ctx rc;
    atomic_int len_violations, bad_values, bad_status, stop;
    atomic_long ops;
};

struct stress_arg {
    struct stress *s;
    int t;
};

struct stress_fctx {
    struct stress *s;
    int slot, key;
};

static int32_t stress_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    struct stress_fctx *f = ctx;
    f->s->key_of[f->slot] = f->key;
    f->s->own[f->slot] = 1; /* returning 0 hands the value to the cache */
    *out_value = &f->s->vals[f->slot];
    return 0;
}

static uint32_t xorshift(uint32_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void check_value(struct stress *s, const clientcache_lease *l, int key) {
    tval *v = clientcache_lease_value(l);
    if (!v || atomic_load(&v->released) != 0 || (key >= 0 && s->key_of[v->id] != key))
        atomic_fetch_add(&s->bad_values, 1);
}

static void *stress_worker(void *p) {
    struct stress_arg *a = p;
    struct stress *s = a->s;
    uint32_t rng = 0x9e3779b9u * (uint32_t)(a->t + 1);
    for (int i = 0; i < s->iters; i++) {
        int slot = a->t * s->iters + i;
        int key = (int)(xorshift(&rng) % ST_KEYS);
        clientcache_key *k = s->keys[key];
        clientcache_lease *l = NULL;
        clientcache_status st;
        switch (xorshift(&rng) % 10) {
        case 0:
        case 1:
        case 2:
            s->key_of[slot] = key;
            st = clientcache_cache_insert(s->c, k, &s->vals[slot]);
            if (st == CLIENTCACHE_STATUS_OK)
                s->own[slot] = 1;
            else if (st != CLIENTCACHE_STATUS_EXISTS)
                atomic_fetch_add(&s->bad_status, 1);
            break;
        case 3:
        case 4:
            st = clientcache_cache_get(s->c, k, &l);
            if (st == CLIENTCACHE_STATUS_OK)
                check_value(s, l, key);
            else if (st != CLIENTCACHE_STATUS_NOT_FOUND || l != NULL)
                atomic_fetch_add(&s->bad_status, 1);
            break;
        case 5:
            st = clientcache_cache_peek(s->c, k, &l);
            if (st == CLIENTCACHE_STATUS_OK)
                check_value(s, l, key);
            else if (st != CLIENTCACHE_STATUS_NOT_FOUND)
                atomic_fetch_add(&s->bad_status, 1);
            break;
        case 6:
            st = clientcache_cache_remove(s->c, k, (i & 1) ? &l : NULL);
            if (st == CLIENTCACHE_STATUS_OK && l)
                check_value(s, l, key);
            else if (st != CLIENTCACHE_STATUS_OK && st != CLIENTCACHE_STATUS_NOT_FOUND)
                atomic_fetch_add(&s->bad_status, 1);
            break;
        case 7: {
            clientcache_key *pk = NULL;
            st = clientcache_cache_pop_victim(s->c, &pk, &l);
            if (st == CLIENTCACHE_STATUS_OK) {
                int pkey = -1;
                for (int j = 0; j < ST_KEYS; j++)
                    if (clientcache_key_equal(pk, s->keys[j]))
                        pkey = j;
                if (pkey < 0)
                    atomic_fetch_add(&s->bad_values, 1);
                check_value(s, l, pkey);
            } else if (st != CLIENTCACHE_STATUS_NOT_FOUND)
                atomic_fetch_add(&s->bad_status, 1);
            clientcache_key_free(pk);
            break;
        }
        case 8: {
            struct stress_fctx f = {s, slot, key};
            st = clientcache_cache_get_or_insert_with(s->c, k, stress_factory, &f, &l);
            if (st == CLIENTCACHE_STATUS_OK)
                check_value(s, l, key);
            else
                atomic_fetch_add(&s->bad_status, 1);
            break;
        }
        default: {
            (void)clientcache_cache_contains(s->c, k);
            if (i % 64 == 0) {
                clientcache_snapshot *snap = NULL;
                if (clientcache_cache_snapshot(s->c, &snap) == CLIENTCACHE_STATUS_OK) {
                    if (clientcache_snapshot_len(snap) > ST_MAX)
                        atomic_fetch_add(&s->len_violations, 1);
                    clientcache_snapshot_free(snap);
                } else
                    atomic_fetch_add(&s->bad_status, 1);
            } else {
                clientcache_stats stt;
                if (clientcache_cache_stats(s->c, &stt) != CLIENTCACHE_STATUS_OK ||
                    stt.len > ST_MAX)
                    atomic_fetch_add(&s->len_violations, 1);
            }
        }
        }
        clientcache_lease_free(l);
        if (clientcache_cache_len(s->c) > ST_MAX)
            atomic_fetch_add(&s->len_violations, 1);
        atomic_fetch_add(&s->ops, 1);
    }
    return NULL;
}

/* A fifth thread copies the cache (sharing values) and frees or clears the
 * copies, so values are released from whichever cache lets go last. */
static void *stress_copier(void *p) {
    struct stress *s = p;
    while (!atomic_load(&s->stop)) {
        clientcache_cache *cp = NULL;
        if (clientcache_cache_copy(s->c, &cp) != CLIENTCACHE_STATUS_OK) {
            atomic_fetch_add(&s->bad_status, 1);
            break;
        }
        if (clientcache_cache_len(cp) > ST_MAX)
            atomic_fetch_add(&s->len_violations, 1);
        if (atomic_load(&s->ops) % 3 == 0)
            (void)clientcache_cache_clear(cp);
        clientcache_cache_free(cp);
    }
    return NULL;
}

void test_stress(void) {
    struct stress s;
    memset(&s, 0, sizeof s);
    const char *env = getenv("CLIENTCACHE_C_STRESS_ITERS");
    s.iters = env ? atoi(env) : 0;
    if (s.iters <= 0)
        s.iters = tf_slow() ? 10000 : 50000;
    size_t n = (size_t)ST_THREADS * (size_t)s.iters;
    s.vals = calloc(n, sizeof *s.vals);
    s.key_of = calloc(n, sizeof *s.key_of);
    s.own = calloc(n, 1);
    pthread_t th[ST_THREADS], copier;
    struct stress_arg args[ST_THREADS];
    int started = 0;
    bool copier_started = false;
    REQUIRE(s.vals && s.key_of && s.own);
    tvals_init(s.vals, n);
    for (int i = 0; i < ST_KEYS; i++) {
        char name[16];
        snprintf(name, sizeof name, "stress-%d", i);
        s.keys[i] = region_key(name);
        REQUIRE(s.keys[i] != NULL);
    }
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LFU, ST_MAX,
                                     count_release, &s.rc, &s.c));
    atomic_store(&s.rc.probe, s.c); /* releases call back into the cache: no lock held */
    copier_started = pthread_create(&copier, NULL, stress_copier, &s) == 0;
    EXPECT(copier_started);
    for (; started < ST_THREADS; started++) {
        args[started] = (struct stress_arg){&s, started};
        if (!EXPECT(pthread_create(&th[started], NULL, stress_worker, &args[started]) == 0))
            break;
    }
cleanup:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    atomic_store(&s.stop, 1);
    if (copier_started)
        pthread_join(copier, NULL);
    if (s.c) {
        EXPECT(clientcache_cache_len(s.c) <= ST_MAX);
        atomic_store(&s.rc.probe, NULL);
        clientcache_cache_free(s.c);
        EXPECT_EQ(atomic_load(&s.len_violations), 0);
        EXPECT_EQ(atomic_load(&s.bad_values), 0);
        EXPECT_EQ(atomic_load(&s.bad_status), 0);
        EXPECT_EQ(atomic_load(&s.ops), (long)started * s.iters);
        long owned = 0, wrong = 0;
        for (size_t i = 0; i < n; i++) {
            owned += s.own[i];
            if (atomic_load(&s.vals[i].released) != (int)s.own[i]) {
                if (wrong++ < 5)
                    EXPECTF(false, "value %zu released %d times, want %d", i,
                            atomic_load(&s.vals[i].released), s.own[i]);
            }
        }
        EXPECTF(wrong == 0, "%ld values with a wrong release count", wrong);
        EXPECT_EQ(atomic_load(&s.rc.total), owned);
        tf_note("%d threads x %d ops (+ a copier), %ld values handed to the cache, all released "
                "exactly once: %s",
                started, s.iters, owned, wrong ? "no" : "yes");
    }
    for (int i = 0; i < ST_KEYS; i++)
        clientcache_key_free(s.keys[i]);
    free(s.vals);
    free(s.key_of);
    free(s.own);
}
