/* test_api.c — every exported function on its ordinary path: version,
 * status names, last_error, keys (identity, text getters, buffer reporting)
 * and each cache operation. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

void test_version(void) {
    const char *v = clientcache_version();
    REQUIRE(v != NULL);
    EXPECT(v[0] != '\0');
    EXPECTF(isdigit((unsigned char)v[0]), "version %s starts with a digit", v);
    EXPECT(clientcache_version() == v || strcmp(clientcache_version(), v) == 0);
    {
        /* the header's version macros describe the library it is used with */
        char want[32];
        snprintf(want, sizeof want, "%d.%d.%d", CLIENTCACHE_VERSION_MAJOR,
                 CLIENTCACHE_VERSION_MINOR, CLIENTCACHE_VERSION_PATCH);
        EXPECT_STR(v, want);
        EXPECT_EQ(CLIENTCACHE_VERSION_NUMBER, CLIENTCACHE_VERSION_MAJOR * 10000 +
                                                  CLIENTCACHE_VERSION_MINOR * 100 +
                                                  CLIENTCACHE_VERSION_PATCH);
    }
cleanup:;
}

/* Compares ignoring case and underscores: "INVALID_ARGUMENT" ~ "InvalidArgument". */
static bool loose_contains(const char *hay, const char *needle) {
    char a[128], b[128];
    size_t i = 0, j = 0;
    for (; *hay && i + 1 < sizeof a; hay++)
        if (*hay != '_')
            a[i++] = (char)tolower((unsigned char)*hay);
    a[i] = '\0';
    for (; *needle && j + 1 < sizeof b; needle++)
        if (*needle != '_')
            b[j++] = (char)tolower((unsigned char)*needle);
    b[j] = '\0';
    return strstr(a, b) != NULL;
}

void test_status_names(void) {
    const char *seen[9] = {0};
    for (clientcache_status s = 0; s <= CLIENTCACHE_STATUS_PANIC; s++) {
        const char *n = clientcache_status_name(s);
        if (!EXPECTF(n != NULL && n[0] != '\0', "status_name(%u) non-empty", (unsigned)s))
            continue;
        EXPECTF(loose_contains(n, tf_status_str(s)), "status_name(%u) = %s names %s",
                (unsigned)s, n, tf_status_str(s));
        for (clientcache_status t = 0; t < s; t++)
            EXPECTF(seen[t] == NULL || strcmp(seen[t], n) != 0, "names of %u and %u differ",
                    (unsigned)s, (unsigned)t);
        seen[s] = n;
    }
    /* out of range: documented as "UNKNOWN" */
    EXPECT_STR(clientcache_status_name(9), "UNKNOWN");
    EXPECT_STR(clientcache_status_name(0xFFFFFFFFu), "UNKNOWN");
}

struct other_thread_err {
    clientcache_status st;
    char msg[512];
    size_t len;
};

static void *read_err_thread(void *p) {
    struct other_thread_err *o = p;
    o->st = clientcache_last_error(o->msg, sizeof o->msg, &o->len);
    return NULL;
}

void test_last_error(void) {
    clientcache_key *k = (clientcache_key *)(uintptr_t)1; /* sentinel: must become NULL */
    char *buf = NULL;
    const char *json = "{\"bogus_param\":1}";
    REQUIRE_ST(clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, json, strlen(json), &k),
               CLIENTCACHE_STATUS_INVALID_ARGUMENT);
    EXPECT(k == NULL);

    /* size query: cap 0 (with and without a buffer) reports the needed length */
    char small[4] = {'x', 'x', 'x', 'x'};
    size_t need = 0, len = 0;
    EXPECT_ST(clientcache_last_error(small, 0, &need), CLIENTCACHE_STATUS_BUFFER_TOO_SMALL);
    EXPECT(need > 0);
    EXPECT(small[0] == 'x');
    EXPECT_ST(clientcache_last_error(NULL, 0, &len), CLIENTCACHE_STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(len, need);
    /* exactly the length (no room for the NUL) is still too small */
    buf = malloc(need + 8);
    REQUIRE(buf != NULL);
    memset(buf, '#', need + 8);
    EXPECT_ST(clientcache_last_error(buf, need, &len), CLIENTCACHE_STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(len, need);
    EXPECT(buf[need] == '#' && buf[need + 1] == '#');
    /* the BUFFER_TOO_SMALL of last_error itself does not replace the message */
    EXPECT_OK(clientcache_last_error(buf, need + 1, &len));
    EXPECT_EQ(len, need);
    EXPECT_EQ(strlen(buf), need);
    EXPECT(buf[need + 1] == '#');
    EXPECTF(strstr(buf, "bogus_param") != NULL, "message names the parameter: %s", buf);
    /* reading twice gives the same message */
    EXPECT_STR(last_err(), buf);

    /* thread-local: a fresh thread does not see this thread's message */
    struct other_thread_err o = {0};
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, read_err_thread, &o) == 0);
    pthread_join(th, NULL);
    EXPECT_OK(o.st);
    EXPECT(strstr(o.msg, "bogus_param") == NULL);
    EXPECT_STR(last_err(), buf);

    /* NULL out_len, NULL buffer with a capacity */
    EXPECT_ST(clientcache_last_error(buf, need + 1, NULL), CLIENTCACHE_STATUS_NULL_POINTER);
    EXPECT_ST(clientcache_last_error(NULL, 16, &len), CLIENTCACHE_STATUS_NULL_POINTER);
cleanup:
    free(buf);
}

void test_key_identity(void) {
    clientcache_key *a = NULL, *b = NULL, *c = NULL, *none = NULL, *empty = NULL, *nulls = NULL,
                    *res = NULL, *clone = NULL, *i5 = NULL, *f5 = NULL, *sec = NULL;
    a = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{\"region_name\":\"us-west-2\",\"use_ssl\":true}");
    b = mk_key(CLIENTCACHE_KIND_CLIENT, "s3",
               " { \"use_ssl\" : true ,\n\"region_name\":\"us-west-2\", \"profile_name\":null } ");
    c = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{\"region_name\":\"us-east-1\",\"use_ssl\":true}");
    REQUIRE(a && b && c);
    EXPECT(clientcache_key_equal(a, b));
    EXPECT(clientcache_key_equal(b, a));
    EXPECT(clientcache_key_equal(a, a));
    EXPECT(!clientcache_key_equal(a, c));
    EXPECT_STR(fingerprint_of(a), fingerprint_of(b));
    EXPECT_STR(canonical_of(a),
               "{\"kind\":\"client\",\"params\":{\"region_name\":\"us-west-2\",\"use_ssl\":true},"
               "\"service_name\":\"s3\",\"version\":1}");
    EXPECT_STR(label_of(a), "s3(region_name=\"us-west-2\", use_ssl=true)");
    EXPECT_EQ(clientcache_key_kind(a), CLIENTCACHE_KIND_CLIENT);

    /* fingerprint = first 16 bytes of SHA-256(canonical), lowercase hex */
    {
        uint8_t d[32];
        char hex[65];
        const char *canon = canonical_of(a);
        sha256(canon, strlen(canon), d);
        hex_lower(d, 16, hex);
        EXPECT_STR(fingerprint_of(a), hex);
    }

    /* no params, "{}" and all-null params are one key */
    none = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", NULL);
    empty = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{}");
    nulls = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{\"region_name\":null,\"config\":null}");
    REQUIRE(none && empty && nulls);
    EXPECT(clientcache_key_equal(none, empty));
    EXPECT(clientcache_key_equal(none, nulls));
    EXPECT_STR(label_of(none), "s3()");
    EXPECT_STR(canonical_of(none),
               "{\"kind\":\"client\",\"params\":{},\"service_name\":\"s3\",\"version\":1}");
    {
        /* a non-NULL pointer with length 0 is no params as well */
        clientcache_key *z = NULL;
        EXPECT_OK(clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, "{}", 0, &z));
        EXPECT(z != NULL && clientcache_key_equal(z, none));
        clientcache_key_free(z);
    }

    /* kind is part of identity */
    res = mk_key(CLIENTCACHE_KIND_RESOURCE, "s3", NULL);
    REQUIRE(res != NULL);
    EXPECT_EQ(clientcache_key_kind(res), CLIENTCACHE_KIND_RESOURCE);
    EXPECT(!clientcache_key_equal(res, none));
    EXPECT_STR(canonical_of(res),
               "{\"kind\":\"resource\",\"params\":{},\"service_name\":\"s3\",\"version\":1}");

    /* 5.0 is 5 (nested in config) */
    i5 = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{\"config\":{\"retries\":{\"max_attempts\":5}}}");
    f5 = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", "{\"config\":{\"retries\":{\"max_attempts\":5.0}}}");
    REQUIRE(i5 && f5);
    EXPECT(clientcache_key_equal(i5, f5));
    EXPECT_STR(label_of(f5), "s3(config={\"retries\":{\"max_attempts\":5}})");

    /* secrets: digested in the canonical form, *** in the label */
    sec = mk_key(CLIENTCACHE_KIND_CLIENT, "s3",
                 "{\"aws_secret_access_key\":\"abc\",\"aws_access_key_id\":\"AKIDCLEAR\"}");
    REQUIRE(sec != NULL);
    {
        uint8_t d[32];
        char hex[65];
        sha256("abc", 3, d);
        hex_lower(d, 32, hex);
        /* known answer for the suite's own SHA-256 */
        EXPECT_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        char want[512];
        uint8_t d2[32];
        char hex2[65];
        sha256("AKIDCLEAR", 9, d2);
        hex_lower(d2, 32, hex2);
        snprintf(want, sizeof want,
                 "{\"kind\":\"client\",\"params\":{\"aws_access_key_id\":\"sha256:%s\","
                 "\"aws_secret_access_key\":\"sha256:%s\"},\"service_name\":\"s3\",\"version\":1}",
                 hex2, hex);
        EXPECT_STR(canonical_of(sec), want);
    }
    EXPECT_STR(label_of(sec), "s3(aws_access_key_id=***, aws_secret_access_key=***)");
    EXPECT(strstr(canonical_of(sec), "AKIDCLEAR") == NULL);

    /* clone: an independent reference that outlives the original */
    clone = clientcache_key_clone(a);
    REQUIRE(clone != NULL);
    clientcache_key_free(a);
    a = NULL;
    EXPECT(clientcache_key_equal(clone, b));
    EXPECT_STR(label_of(clone), "s3(region_name=\"us-west-2\", use_ssl=true)");
cleanup:
    clientcache_key_free(a);
    clientcache_key_free(b);
    clientcache_key_free(c);
    clientcache_key_free(none);
    clientcache_key_free(empty);
    clientcache_key_free(nulls);
    clientcache_key_free(res);
    clientcache_key_free(clone);
    clientcache_key_free(i5);
    clientcache_key_free(f5);
    clientcache_key_free(sec);
}

/* label / canonical: BUFFER_TOO_SMALL reports the needed length and never
 * writes past cap; fingerprint writes exactly 33 bytes. */
void test_key_text_buffers(void) {
    clientcache_key *k = mk_key(CLIENTCACHE_KIND_CLIENT, "dynamodb",
                                "{\"region_name\":\"eu-central-1\",\"endpoint_url\":\"http://x\"}");
    char *buf = NULL;
    REQUIRE(k != NULL);
    clientcache_status (*getters[2])(const clientcache_key *, char *, size_t, size_t *) = {
        clientcache_key_label, clientcache_key_canonical};
    const char *names[2] = {"label", "canonical"};
    for (int g = 0; g < 2; g++) {
        size_t need = 0, len = 0;
        char one[1] = {'#'};
        EXPECTF(getters[g](k, one, 0, &need) == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL,
                "%s cap 0 -> BUFFER_TOO_SMALL", names[g]);
        EXPECTF(strlen(last_err()) > 0, "%s BUFFER_TOO_SMALL sets last_error", names[g]);
        EXPECT(one[0] == '#');
        EXPECTF(need > 10, "%s needed length %zu", names[g], need);
        EXPECTF(getters[g](k, NULL, 0, &len) == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL,
                "%s (NULL, 0) -> BUFFER_TOO_SMALL", names[g]);
        EXPECT_EQ(len, need);
        free(buf);
        buf = malloc(need + 4);
        REQUIRE(buf != NULL);
        memset(buf, '#', need + 4);
        len = 0;
        EXPECTF(getters[g](k, buf, need, &len) == CLIENTCACHE_STATUS_BUFFER_TOO_SMALL,
                "%s cap = len -> BUFFER_TOO_SMALL", names[g]);
        EXPECT_EQ(len, need);
        EXPECTF(buf[need] == '#', "%s: nothing written past cap", names[g]);
        len = 0;
        EXPECTF(getters[g](k, buf, need + 1, &len) == CLIENTCACHE_STATUS_OK, "%s cap = len+1",
                names[g]);
        EXPECT_EQ(len, need);
        EXPECT_EQ(strlen(buf), need);
        EXPECT(buf[need + 1] == '#');
    }
    EXPECT_STR(label_of(k), "dynamodb(endpoint_url=\"http://x\", region_name=\"eu-central-1\")");
    {
        char fp[40];
        memset(fp, '#', sizeof fp);
        REQUIRE_OK(clientcache_key_fingerprint(k, fp));
        EXPECT(fp[32] == '\0' && fp[33] == '#');
        EXPECT_EQ(strspn(fp, "0123456789abcdef"), 32);
    }
cleanup:
    free(buf);
    clientcache_key_free(k);
}

/* clientcache_key_diff: the paths where two keys differ, as JSON, secrets
 * hidden; "[]" for equal keys; the label buffer rules. */
void test_key_diff(void) {
    clientcache_key *a = mk_key(CLIENTCACHE_KIND_CLIENT, "s3",
                                "{\"region_name\":\"us-west-2\",\"aws_secret_access_key\":\"hunter2\","
                                "\"config\":{\"retries\":{\"mode\":\"standard\"}}}");
    clientcache_key *b = mk_key(CLIENTCACHE_KIND_CLIENT, "s3",
                                "{\"region_name\":\"eu-west-1\",\"aws_secret_access_key\":\"hunter3\","
                                "\"config\":{\"retries\":{\"mode\":\"adaptive\"}}}");
    clientcache_key *a2 = mk_key(CLIENTCACHE_KIND_CLIENT, "s3",
                                 "{\"config\":{\"retries\":{\"mode\":\"standard\"}},"
                                 "\"aws_secret_access_key\":\"hunter2\",\"region_name\":\"us-west-2\"}");
    char buf[512];
    size_t len = 0, need = 0;
    REQUIRE(a && b && a2);
    REQUIRE_OK(clientcache_key_diff(a, b, buf, sizeof buf, &len));
    EXPECT_STR(buf, "[{\"path\":\"aws_secret_access_key\",\"left\":\"***\",\"right\":\"***\"},"
                    "{\"path\":\"config.retries.mode\",\"left\":\"standard\",\"right\":\"adaptive\"},"
                    "{\"path\":\"region_name\",\"left\":\"us-west-2\",\"right\":\"eu-west-1\"}]");
    EXPECT_EQ(len, strlen(buf));
    EXPECT(strstr(buf, "hunter") == NULL);
    REQUIRE_OK(clientcache_key_diff(a, a2, buf, sizeof buf, &len));
    EXPECT_STR(buf, "[]");
    EXPECT_ST(clientcache_key_diff(a, b, NULL, 0, &need), CLIENTCACHE_STATUS_BUFFER_TOO_SMALL);
    EXPECT(need > 100);
    EXPECT_ST(clientcache_key_diff(a, b, buf, need, &len), CLIENTCACHE_STATUS_BUFFER_TOO_SMALL);
    EXPECT_OK(clientcache_key_diff(a, b, buf, need + 1, &len));
    EXPECT_EQ(len, need);
cleanup:
    clientcache_key_free(a);
    clientcache_key_free(b);
    clientcache_key_free(a2);
}

/* Each cache operation once, with values and statuses. */
void test_cache_ops(void) {
    tval v[4];
    tvals_init(v, 4);
    rel_ctx rc = {0};
    clientcache_cache *c = NULL, *c2 = NULL;
    clientcache_key *ka = region_key("a"), *kb = region_key("b"), *kc = region_key("c"),
                    *kmiss = region_key("zzz"), *popped = NULL;
    clientcache_lease *l = NULL;
    clientcache_snapshot *s = NULL;
    REQUIRE(ka && kb && kc && kmiss);

    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 3,
                                     count_release, &rc, &c));
    REQUIRE(c != NULL);
    EXPECT_EQ(clientcache_cache_len(c), 0);
    EXPECT_EQ(clientcache_cache_max_size(c), 3);
    EXPECT(!clientcache_cache_contains(c, ka));

    EXPECT_OK(clientcache_cache_insert(c, ka, &v[0]));
    EXPECT_OK(clientcache_cache_insert(c, kb, &v[1]));
    EXPECT_ST(clientcache_cache_insert(c, ka, &v[2]), CLIENTCACHE_STATUS_EXISTS);
    EXPECT(strlen(last_err()) > 0);
    EXPECT_EQ(clientcache_cache_len(c), 2);
    EXPECT(clientcache_cache_contains(c, ka));

    /* get: a lease on the value */
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_OK(clientcache_cache_get(c, ka, &l));
    REQUIRE(l != NULL);
    EXPECT(clientcache_lease_value(l) == &v[0]);
    clientcache_lease_free(l);
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_get(c, kmiss, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(l == NULL);
    EXPECT(strlen(last_err()) > 0);

    /* peek */
    EXPECT_OK(clientcache_cache_peek(c, kb, &l));
    REQUIRE(l != NULL);
    EXPECT(clientcache_lease_value(l) == &v[1]);
    clientcache_lease_free(l);
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_peek(c, kmiss, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(l == NULL);

    /* snapshot: keys in victim order (b was peeked, a was got: b first) */
    EXPECT_OK(clientcache_cache_snapshot(c, &s));
    REQUIRE(s != NULL);
    EXPECT_EQ(clientcache_snapshot_len(s), 2);
    EXPECT(clientcache_key_equal(clientcache_snapshot_key(s, 0), kb));
    EXPECT(clientcache_key_equal(clientcache_snapshot_key(s, 1), ka));
    EXPECT(clientcache_snapshot_key(s, 2) == NULL);
    EXPECT(clientcache_snapshot_key(s, (size_t)-1) == NULL);
    clientcache_snapshot_free(s);
    s = NULL;

    /* copy shares values; the copy is independent */
    EXPECT_OK(clientcache_cache_copy(c, &c2));
    REQUIRE(c2 != NULL);
    EXPECT_EQ(clientcache_cache_len(c2), 2);
    EXPECT_EQ(clientcache_cache_max_size(c2), 3);
    EXPECT_OK(clientcache_cache_insert(c2, kc, &v[3]));
    EXPECT(!clientcache_cache_contains(c, kc));
    EXPECT_EQ(clientcache_cache_len(c), 2);

    /* remove returns the value */
    EXPECT_OK(clientcache_cache_remove(c, kb, &l));
    REQUIRE(l != NULL);
    EXPECT(clientcache_lease_value(l) == &v[1]);
    clientcache_lease_free(l);
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_remove(c, kb, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(l == NULL);
    EXPECT_ST(clientcache_cache_remove(c, kb, NULL), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT_EQ(atomic_load(&v[1].released), 0); /* still in c2 */

    /* pop_victim: owned key + lease */
    EXPECT_OK(clientcache_cache_pop_victim(c, &popped, &l));
    REQUIRE(popped != NULL && l != NULL);
    EXPECT(clientcache_key_equal(popped, ka));
    EXPECT(clientcache_lease_value(l) == &v[0]);
    clientcache_lease_free(l);
    l = NULL;
    clientcache_key_free(popped);
    popped = (clientcache_key *)(uintptr_t)1;
    l = (clientcache_lease *)(uintptr_t)1;
    EXPECT_ST(clientcache_cache_pop_victim(c, &popped, &l), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(popped == NULL && l == NULL);
    EXPECT(strlen(last_err()) > 0);
    l = NULL;
    popped = NULL;

    /* set_max_size, clear */
    EXPECT_OK(clientcache_cache_set_max_size(c2, 5));
    EXPECT_EQ(clientcache_cache_max_size(c2), 5);
    EXPECT_EQ(clientcache_cache_len(c2), 3);
    EXPECT_OK(clientcache_cache_clear(c2));
    EXPECT_EQ(clientcache_cache_len(c2), 0);
    EXPECT_EQ(clientcache_cache_max_size(c2), 5);
    EXPECT_OK(clientcache_cache_clear(c2)); /* clearing an empty cache is fine */

    {
        clientcache_stats st;
        memset(&st, 0xAB, sizeof st);
        EXPECT_OK(clientcache_cache_stats(c, &st));
        EXPECT_EQ(st.hits, 1);
        EXPECT_EQ(st.misses, 1);
        EXPECT_EQ(st.insertions, 2);
        EXPECT_EQ(st.evictions, 0);
        EXPECT_EQ(st.removals, 2);
        EXPECT_EQ(st.len, 0);
        EXPECT_EQ(st.max_size, 3);
    }
    /* every value left both caches and no lease holds them */
    for (int i = 0; i < 4; i++)
        EXPECTF(atomic_load(&v[i].released) == (i == 2 ? 0 : 1), "v[%d] released %d", i,
                atomic_load(&v[i].released));
cleanup:
    if (l != (clientcache_lease *)(uintptr_t)1)
        clientcache_lease_free(l);
    clientcache_snapshot_free(s);
    clientcache_cache_free(c);
    clientcache_cache_free(c2);
    clientcache_key_free(ka);
    clientcache_key_free(kb);
    clientcache_key_free(kc);
    clientcache_key_free(kmiss);
}

/* A snapshot's borrowed keys stay valid until snapshot_free, even after the
 * cache is cleared and freed; release NULL means the cache owns nothing. */
void test_snapshot_outlives_cache(void) {
    clientcache_cache *c = NULL;
    clientcache_snapshot *s = NULL;
    clientcache_key *k1 = region_key("one"), *k2 = region_key("two");
    int dummy1 = 1, dummy2 = 2;
    REQUIRE(k1 && k2);
    REQUIRE_OK(
        clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LFU, 4, NULL, NULL, &c));
    REQUIRE_OK(clientcache_cache_insert(c, k1, &dummy1));
    REQUIRE_OK(clientcache_cache_insert(c, k2, &dummy2));
    REQUIRE_OK(clientcache_cache_snapshot(c, &s));
    clientcache_key_free(k1);
    k1 = NULL;
    EXPECT_OK(clientcache_cache_clear(c));
    clientcache_cache_free(c);
    c = NULL;
    REQUIRE_EQ(clientcache_snapshot_len(s), 2);
    EXPECT_STR(label_of(clientcache_snapshot_key(s, 0)), "s3(region_name=\"one\")");
    EXPECT_STR(label_of(clientcache_snapshot_key(s, 1)), "s3(region_name=\"two\")");
    EXPECT(clientcache_key_equal(clientcache_snapshot_key(s, 1), k2));
    {
        /* a borrowed key can be cloned into an owned one */
        clientcache_key *own = clientcache_key_clone(clientcache_snapshot_key(s, 0));
        clientcache_snapshot_free(s);
        s = NULL;
        EXPECT(own != NULL);
        EXPECT_STR(label_of(own), "s3(region_name=\"one\")");
        clientcache_key_free(own);
    }
cleanup:
    clientcache_snapshot_free(s);
    clientcache_cache_free(c);
    clientcache_key_free(k1);
    clientcache_key_free(k2);
}

#define SENTINEL_LEASE ((clientcache_lease *)(uintptr_t)0x1)

/* clientcache_cache_remove_if: removes only while the value is the expected
 * one; NOT_FOUND when absent; the removed value is released. */
void test_remove_if(void) {
    tval v[2];
    tvals_init(v, 2);
    rel_ctx rc;
    memset(&rc, 0, sizeof rc);
    clientcache_cache *c = NULL;
    clientcache_key *k = region_key("cas");
    bool removed = true;
    REQUIRE(k != NULL);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                     count_release, &rc, &c));
    EXPECT_ST(clientcache_cache_remove_if(c, k, &v[0], &removed), CLIENTCACHE_STATUS_NOT_FOUND);
    EXPECT(!removed);
    REQUIRE_OK(clientcache_cache_insert(c, k, &v[0]));
    removed = true;
    EXPECT_OK(clientcache_cache_remove_if(c, k, &v[1], &removed));
    EXPECT(!removed);
    EXPECT_EQ(clientcache_cache_len(c), 1);
    EXPECT_OK(clientcache_cache_remove_if(c, k, &v[0], &removed));
    EXPECT(removed);
    EXPECT_EQ(clientcache_cache_len(c), 0);
    EXPECT_EQ(atomic_load(&v[0].released), 1);
    EXPECT_ST(clientcache_cache_remove_if(NULL, k, &v[0], NULL), CLIENTCACHE_STATUS_NULL_POINTER);
    {
        clientcache_stats s;
        REQUIRE_OK(clientcache_cache_stats(c, &s));
        EXPECT_EQ(s.removals, 1);
    }
cleanup:
    clientcache_cache_free(c);
    clientcache_key_free(k);
}

/* Resource caches take resource keys; a client key is KIND_MISMATCH and the
 * value stays the caller's. */
void test_kind_mismatch(void) {
    tval v[3];
    tvals_init(v, 3);
    clientcache_cache *cc = NULL, *rc = NULL;
    clientcache_key *kcl = mk_key(CLIENTCACHE_KIND_CLIENT, "s3", NULL);
    clientcache_key *kres = mk_key(CLIENTCACHE_KIND_RESOURCE, "s3", NULL);
    clientcache_lease *l = NULL;
    REQUIRE(kcl && kres);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                     count_release, NULL, &cc));
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_RESOURCE, CLIENTCACHE_POLICY_LFU, 2,
                                     count_release, NULL, &rc));
    EXPECT_ST(clientcache_cache_insert(cc, kres, &v[0]), CLIENTCACHE_STATUS_KIND_MISMATCH);
    EXPECT(strlen(last_err()) > 0);
    EXPECT_ST(clientcache_cache_insert(rc, kcl, &v[1]), CLIENTCACHE_STATUS_KIND_MISMATCH);
    EXPECT(strlen(last_err()) > 0);
    EXPECT_OK(clientcache_cache_insert(rc, kres, &v[2]));
    EXPECT_EQ(clientcache_cache_len(cc), 0);
    EXPECT_EQ(clientcache_cache_len(rc), 1);
    EXPECT_OK(clientcache_cache_get(rc, kres, &l));
    EXPECT(l != NULL && clientcache_lease_value(l) == &v[2]);
    clientcache_lease_free(l);
    l = NULL;
    /* reads with the wrong kind of key are refused (the caller's mistake, not a
     * miss): KIND_MISMATCH, *out NULL, a message, nothing counted or removed */
    {
        clientcache_stats before, after;
        REQUIRE_OK(clientcache_cache_stats(rc, &before));
        l = SENTINEL_LEASE;
        EXPECT_ST(clientcache_cache_get(rc, kcl, &l), CLIENTCACHE_STATUS_KIND_MISMATCH);
        EXPECT(l == NULL);
        EXPECT(strstr(last_err(), "kind") != NULL);
        l = SENTINEL_LEASE;
        EXPECT_ST(clientcache_cache_peek(rc, kcl, &l), CLIENTCACHE_STATUS_KIND_MISMATCH);
        EXPECT(l == NULL);
        l = SENTINEL_LEASE;
        EXPECT_ST(clientcache_cache_remove(rc, kcl, &l), CLIENTCACHE_STATUS_KIND_MISMATCH);
        EXPECT(l == NULL);
        EXPECT_ST(clientcache_cache_remove(rc, kcl, NULL), CLIENTCACHE_STATUS_KIND_MISMATCH);
        EXPECT(!clientcache_cache_contains(rc, kcl));
        REQUIRE_OK(clientcache_cache_stats(rc, &after));
        EXPECT_EQ(after.hits, before.hits);
        EXPECT_EQ(after.misses, before.misses);
        EXPECT_EQ(after.removals, before.removals);
        EXPECT_EQ(clientcache_cache_len(rc), 1);
    }
    clientcache_cache_free(cc);
    cc = NULL;
    clientcache_cache_free(rc);
    rc = NULL;
    EXPECT_EQ(atomic_load(&v[0].released), 0);
    EXPECT_EQ(atomic_load(&v[1].released), 0);
    EXPECT_EQ(atomic_load(&v[2].released), 1);
cleanup:
    clientcache_lease_free(l);
    clientcache_cache_free(cc);
    clientcache_cache_free(rc);
    clientcache_key_free(kcl);
    clientcache_key_free(kres);
}

/* pop_victim's out-pointers are each optional (header): the part not taken
 * is released. */
void test_pop_victim_optional_outs(void) {
    tval v[3];
    tvals_init(v, 3);
    clientcache_cache *c = NULL;
    clientcache_key *k[3] = {region_key("p0"), region_key("p1"), region_key("p2")};
    clientcache_key *pk = NULL;
    clientcache_lease *l = NULL;
    REQUIRE(k[0] && k[1] && k[2]);
    REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 3,
                                     count_release, NULL, &c));
    for (int i = 0; i < 3; i++)
        REQUIRE_OK(clientcache_cache_insert(c, k[i], &v[i]));
    /* key only: the value is released at once */
    EXPECT_OK(clientcache_cache_pop_victim(c, &pk, NULL));
    EXPECT(pk != NULL && clientcache_key_equal(pk, k[0]));
    EXPECT_EQ(atomic_load(&v[0].released), 1);
    /* lease only */
    EXPECT_OK(clientcache_cache_pop_victim(c, NULL, &l));
    EXPECT(l != NULL && clientcache_lease_value(l) == &v[1]);
    EXPECT_EQ(atomic_load(&v[1].released), 0);
    clientcache_lease_free(l);
    l = NULL;
    EXPECT_EQ(atomic_load(&v[1].released), 1);
    /* neither: the victim is dropped */
    EXPECT_OK(clientcache_cache_pop_victim(c, NULL, NULL));
    EXPECT_EQ(atomic_load(&v[2].released), 1);
    EXPECT_EQ(clientcache_cache_len(c), 0);
    EXPECT_ST(clientcache_cache_pop_victim(c, NULL, NULL), CLIENTCACHE_STATUS_NOT_FOUND);
cleanup:
    clientcache_lease_free(l);
    clientcache_key_free(pk);
    clientcache_cache_free(c);
    for (int i = 0; i < 3; i++)
        clientcache_key_free(k[i]);
}
