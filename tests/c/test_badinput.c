/* test_badinput.c — every function with NULL pointers and every class of bad
 * input: each must give its exact status, set *out to NULL, leave state
 * unchanged and leave a non-empty clientcache_last_error; never a crash. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "tf.h"
#include "util.h"

#define SENTINEL ((void *)(uintptr_t)0x1)

/* ---- NULL for every pointer parameter ---------------------------------- */

struct nctx {
    clientcache_cache *c; /* holds one entry: k -> &value */
    clientcache_key *k;
    tval value;
    clientcache_lease *lease;
    clientcache_key *okey;
    clientcache_cache *ocache;
    clientcache_snapshot *osnap;
    clientcache_stats stats;
    char buf[256];
    size_t len;
    int factory_calls;
};

static int32_t null_test_factory(const clientcache_key *key, void *ctx, void **out_value) {
    (void)key;
    (void)out_value;
    ((struct nctx *)ctx)->factory_calls++;
    return 1;
}

#define NC(fname, expr)                                                                            \
    static clientcache_status fname(struct nctx *x) {                                              \
        (void)x;                                                                                   \
        return expr;                                                                               \
    }

static const char json_ok[] = "{\"region_name\":\"us-west-2\"}";

NC(n_last_error_len, clientcache_last_error(x->buf, sizeof x->buf, NULL))
NC(n_last_error_buf, clientcache_last_error(NULL, 8, &x->len))
NC(n_key_new_service, clientcache_key_new(CLIENTCACHE_KIND_CLIENT, NULL, 2, json_ok,
                                          sizeof json_ok - 1, &x->okey))
NC(n_key_new_service0,
   clientcache_key_new(CLIENTCACHE_KIND_CLIENT, NULL, 0, json_ok, sizeof json_ok - 1, &x->okey))
NC(n_key_new_params, clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, NULL, 5, &x->okey))
NC(n_key_new_out, clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, json_ok,
                                      sizeof json_ok - 1, NULL))
NC(n_fp_key, clientcache_key_fingerprint(NULL, x->buf))
NC(n_fp_out, clientcache_key_fingerprint(x->k, NULL))
NC(n_label_key, clientcache_key_label(NULL, x->buf, sizeof x->buf, &x->len))
NC(n_label_buf, clientcache_key_label(x->k, NULL, 64, &x->len))
NC(n_label_len, clientcache_key_label(x->k, x->buf, sizeof x->buf, NULL))
NC(n_canon_key, clientcache_key_canonical(NULL, x->buf, sizeof x->buf, &x->len))
NC(n_canon_buf, clientcache_key_canonical(x->k, NULL, 64, &x->len))
NC(n_canon_len, clientcache_key_canonical(x->k, x->buf, sizeof x->buf, NULL))
NC(n_diff_a, clientcache_key_diff(NULL, x->k, x->buf, sizeof x->buf, &x->len))
NC(n_diff_b, clientcache_key_diff(x->k, NULL, x->buf, sizeof x->buf, &x->len))
NC(n_diff_buf, clientcache_key_diff(x->k, x->k, NULL, 64, &x->len))
NC(n_diff_len, clientcache_key_diff(x->k, x->k, x->buf, sizeof x->buf, NULL))
NC(n_cache_new_out, clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 2,
                                          count_release, NULL, NULL))
NC(n_insert_cache, clientcache_cache_insert(NULL, x->k, &x->value))
NC(n_insert_key, clientcache_cache_insert(x->c, NULL, &x->value))
NC(n_get_cache, clientcache_cache_get(NULL, x->k, &x->lease))
NC(n_get_key, clientcache_cache_get(x->c, NULL, &x->lease))
NC(n_get_out, clientcache_cache_get(x->c, x->k, NULL))
NC(n_peek_cache, clientcache_cache_peek(NULL, x->k, &x->lease))
NC(n_peek_key, clientcache_cache_peek(x->c, NULL, &x->lease))
NC(n_peek_out, clientcache_cache_peek(x->c, x->k, NULL))
NC(n_remove_cache, clientcache_cache_remove(NULL, x->k, &x->lease))
NC(n_remove_key, clientcache_cache_remove(x->c, NULL, &x->lease))
NC(n_pop_cache, clientcache_cache_pop_victim(NULL, &x->okey, &x->lease))
NC(n_goiw_cache,
   clientcache_cache_get_or_insert_with(NULL, x->k, null_test_factory, x, &x->lease))
NC(n_goiw_key, clientcache_cache_get_or_insert_with(x->c, NULL, null_test_factory, x, &x->lease))
NC(n_goiw_factory, clientcache_cache_get_or_insert_with(x->c, x->k, NULL, x, &x->lease))
NC(n_goiw_out, clientcache_cache_get_or_insert_with(x->c, x->k, null_test_factory, x, NULL))
NC(n_set_max_cache, clientcache_cache_set_max_size(NULL, 3))
NC(n_clear_cache, clientcache_cache_clear(NULL))
NC(n_copy_cache, clientcache_cache_copy(NULL, &x->ocache))
NC(n_copy_out, clientcache_cache_copy(x->c, NULL))
NC(n_stats_cache, clientcache_cache_stats(NULL, &x->stats))
NC(n_stats_out, clientcache_cache_stats(x->c, NULL))
NC(n_snap_cache, clientcache_cache_snapshot(NULL, &x->osnap))
NC(n_snap_out, clientcache_cache_snapshot(x->c, NULL))

enum { OUT_LEASE = 1, OUT_KEY = 2, OUT_CACHE = 4, OUT_SNAP = 8 };

struct null_row {
    const char *name;
    clientcache_status (*fn)(struct nctx *);
    bool keeps_message; /* last_error itself never changes the stored message */
    int outs;           /* the handle out-pointers the call is given (non-NULL) */
};

static const struct null_row null_rows[] = {
    {"last_error(out_len=NULL)", n_last_error_len, true, 0},
    {"last_error(buf=NULL, cap=8)", n_last_error_buf, true, 0},
    {"key_new(service=NULL, len=2)", n_key_new_service, false, OUT_KEY},
    {"key_new(service=NULL, len=0)", n_key_new_service0, false, OUT_KEY},
    {"key_new(params=NULL, len=5)", n_key_new_params, false, OUT_KEY},
    {"key_new(out=NULL)", n_key_new_out, false, 0},
    {"key_fingerprint(key=NULL)", n_fp_key, false, 0},
    {"key_fingerprint(out=NULL)", n_fp_out, false, 0},
    {"key_label(key=NULL)", n_label_key, false, 0},
    {"key_label(buf=NULL, cap=64)", n_label_buf, false, 0},
    {"key_label(out_len=NULL)", n_label_len, false, 0},
    {"key_canonical(key=NULL)", n_canon_key, false, 0},
    {"key_canonical(buf=NULL, cap=64)", n_canon_buf, false, 0},
    {"key_canonical(out_len=NULL)", n_canon_len, false, 0},
    {"key_diff(a=NULL)", n_diff_a, false, 0},
    {"key_diff(b=NULL)", n_diff_b, false, 0},
    {"key_diff(buf=NULL, cap=64)", n_diff_buf, false, 0},
    {"key_diff(out_len=NULL)", n_diff_len, false, 0},
    {"cache_new(out=NULL)", n_cache_new_out, false, 0},
    {"cache_insert(cache=NULL)", n_insert_cache, false, 0},
    {"cache_insert(key=NULL)", n_insert_key, false, 0},
    {"cache_get(cache=NULL)", n_get_cache, false, OUT_LEASE},
    {"cache_get(key=NULL)", n_get_key, false, OUT_LEASE},
    {"cache_get(out=NULL)", n_get_out, false, 0},
    {"cache_peek(cache=NULL)", n_peek_cache, false, OUT_LEASE},
    {"cache_peek(key=NULL)", n_peek_key, false, OUT_LEASE},
    {"cache_peek(out=NULL)", n_peek_out, false, 0},
    {"cache_remove(cache=NULL)", n_remove_cache, false, OUT_LEASE},
    {"cache_remove(key=NULL)", n_remove_key, false, OUT_LEASE},
    {"cache_pop_victim(cache=NULL)", n_pop_cache, false, OUT_LEASE | OUT_KEY},
    {"cache_get_or_insert_with(cache=NULL)", n_goiw_cache, false, OUT_LEASE},
    {"cache_get_or_insert_with(key=NULL)", n_goiw_key, false, OUT_LEASE},
    {"cache_get_or_insert_with(factory=NULL)", n_goiw_factory, false, OUT_LEASE},
    {"cache_get_or_insert_with(out=NULL)", n_goiw_out, false, 0},
    {"cache_set_max_size(cache=NULL)", n_set_max_cache, false, 0},
    {"cache_clear(cache=NULL)", n_clear_cache, false, 0},
    {"cache_copy(cache=NULL)", n_copy_cache, false, OUT_CACHE},
    {"cache_copy(out=NULL)", n_copy_out, false, 0},
    {"cache_stats(cache=NULL)", n_stats_cache, false, 0},
    {"cache_stats(out=NULL)", n_stats_out, false, 0},
    {"cache_snapshot(cache=NULL)", n_snap_cache, false, OUT_SNAP},
    {"cache_snapshot(out=NULL)", n_snap_out, false, 0},
};

/* Sets the error message to a known text, so each row proves it set its own. */
static void plant_error(void) {
    clientcache_key *k = NULL;
    const char *j = "{\"planted_error_marker\":1}";
    (void)clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, j, strlen(j), &k);
    clientcache_key_free(k);
}

void test_null_pointers(void) {
    struct nctx x;
    memset(&x, 0, sizeof x);
    tvals_init(&x.value, 1);
    x.k = region_key("null-tests");
    if (!x.k || !EXPECT_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU,
                                                 4, count_release, NULL, &x.c)) ||
        !EXPECT_OK(clientcache_cache_insert(x.c, x.k, &x.value))) {
        clientcache_cache_free(x.c);
        clientcache_key_free(x.k);
        return;
    }
    for (size_t i = 0; i < sizeof null_rows / sizeof null_rows[0]; i++) {
        const struct null_row *r = &null_rows[i];
        tf_begin(r->name);
        plant_error();
        x.lease = SENTINEL;
        x.okey = SENTINEL;
        x.ocache = SENTINEL;
        x.osnap = SENTINEL;
        x.factory_calls = 0;
        clientcache_status st = r->fn(&x);
        EXPECT_ST(st, CLIENTCACHE_STATUS_NULL_POINTER);
        const char *e = last_err();
        if (r->keeps_message)
            EXPECTF(strstr(e, "planted_error_marker") != NULL,
                    "the stored message is unchanged, got \"%s\"", e);
        else
            EXPECTF(e[0] != '\0' && strstr(e, "planted_error_marker") == NULL,
                    "own non-empty last_error, got \"%s\"", e);
        /* every out-pointer a failed call was given is NULL afterwards, whichever
         * argument was NULL; the others are untouched */
        EXPECTF(x.lease == ((r->outs & OUT_LEASE) ? NULL : SENTINEL), "lease out");
        EXPECTF(x.okey == ((r->outs & OUT_KEY) ? NULL : SENTINEL), "key out");
        EXPECTF(x.ocache == ((r->outs & OUT_CACHE) ? NULL : SENTINEL), "cache out");
        EXPECTF(x.osnap == ((r->outs & OUT_SNAP) ? NULL : SENTINEL), "snapshot out");
        EXPECT_EQ(x.factory_calls, 0);
        /* state unchanged */
        EXPECT_EQ(clientcache_cache_len(x.c), 1);
        EXPECT_EQ(clientcache_cache_max_size(x.c), 4);
        EXPECT_EQ(atomic_load(&x.value.released), 0);
        tf_end();
    }
    clientcache_cache_free(x.c);
    EXPECT_EQ(atomic_load(&x.value.released), 1);
    clientcache_key_free(x.k);
}

/* Functions that return no status: NULL gives the documented default. */
void test_null_pointers_no_status(void) {
    clientcache_key *k = region_key("defaults");
    REQUIRE(k != NULL);
    EXPECT(clientcache_key_clone(NULL) == NULL);
    clientcache_key_free(NULL);
    EXPECT(!clientcache_key_equal(NULL, k));
    EXPECT(!clientcache_key_equal(k, NULL));
    EXPECT(!clientcache_key_equal(NULL, NULL));
    EXPECT_EQ(clientcache_key_kind(NULL), UINT32_MAX); /* documented: not a valid kind */
    clientcache_cache_free(NULL);
    EXPECT(!clientcache_cache_contains(NULL, k));
    EXPECT_EQ(clientcache_cache_len(NULL), 0);
    EXPECT_EQ(clientcache_cache_max_size(NULL), 0);
    EXPECT_EQ(clientcache_snapshot_len(NULL), 0);
    EXPECT(clientcache_snapshot_key(NULL, 0) == NULL);
    clientcache_snapshot_free(NULL);
    EXPECT(clientcache_lease_value(NULL) == NULL);
    clientcache_lease_free(NULL);
    {
        clientcache_cache *c = NULL;
        REQUIRE_OK(clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 1, NULL,
                                         NULL, &c));
        EXPECT(!clientcache_cache_contains(c, NULL));
        clientcache_cache_free(c);
    }
cleanup:
    clientcache_key_free(k);
}

/* ---- bad keys ---------------------------------------------------------- */

struct key_row {
    const char *name;
    clientcache_kind kind;
    const char *service;
    size_t service_len;
    const char *params; /* NULL = no params */
    size_t params_len;
    clientcache_status want;
    const char *contains;     /* in last_error, or NULL */
    const char *not_contains; /* never in last_error, or NULL */
};

#define LIT(s) s, sizeof(s) - 1
#define CL CLIENTCACHE_KIND_CLIENT
#define OK_ CLIENTCACHE_STATUS_OK
#define INV CLIENTCACHE_STATUS_INVALID_ARGUMENT
#define SVC_64 "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcd"
#define SVC_65 SVC_64 "e"
#define SECRET "TOPSECRET-wJalrXUtnFEMI"

static const struct key_row key_rows[] = {
    /* service names */
    {"service: empty", CL, LIT(""), NULL, 0, INV, NULL, NULL},
    {"service: uppercase", CL, LIT("S3"), NULL, 0, INV, NULL, NULL},
    {"service: leading digit", CL, LIT("3s"), NULL, 0, INV, NULL, NULL},
    {"service: leading dash", CL, LIT("-s3"), NULL, 0, INV, NULL, NULL},
    {"service: underscore", CL, LIT("s3_x"), NULL, 0, INV, NULL, NULL},
    {"service: space", CL, LIT("s3 "), NULL, 0, INV, NULL, NULL},
    {"service: dot", CL, LIT("s3.x"), NULL, 0, INV, NULL, NULL},
    {"service: 65 chars", CL, LIT(SVC_65), NULL, 0, INV, NULL, NULL},
    {"service: 64 chars ok", CL, LIT(SVC_64), NULL, 0, OK_, NULL, NULL},
    {"service: sso-oidc ok", CL, LIT("sso-oidc"), NULL, 0, OK_, NULL, NULL},
    {"service: one letter ok", CL, LIT("a"), NULL, 0, OK_, NULL, NULL},
    {"service: invalid UTF-8", CL, LIT("s\xff"), NULL, 0, INV, NULL, NULL},
    {"service: non-ASCII UTF-8", CL, LIT("s\xc3\xa9"), NULL, 0, INV, NULL, NULL},
    {"service: embedded NUL", CL, LIT("s3\0x"), NULL, 0, INV, NULL, NULL},
    {"service: trailing NUL", CL, LIT("s3\0"), NULL, 0, INV, NULL, NULL},
    /* kind */
    {"kind 2", 2, LIT("s3"), NULL, 0, INV, NULL, NULL},
    {"kind 7", 7, LIT("s3"), NULL, 0, INV, NULL, NULL},
    {"kind 0xFFFFFFFF", 0xFFFFFFFFu, LIT("s3"), NULL, 0, INV, NULL, NULL},
    /* malformed JSON */
    {"json: open brace", CL, LIT("s3"), LIT("{"), INV, NULL, NULL},
    {"json: missing value", CL, LIT("s3"), LIT("{\"region_name\":}"), INV, NULL, NULL},
    {"json: trailing comma", CL, LIT("s3"), LIT("{\"region_name\":\"x\",}"), INV, NULL, NULL},
    {"json: bare word", CL, LIT("s3"), LIT("nope"), INV, NULL, NULL},
    {"json: single quotes", CL, LIT("s3"), LIT("{'region_name':'x'}"), INV, NULL, NULL},
    {"json: whitespace only", CL, LIT("s3"), LIT("   "), INV, NULL, NULL},
    {"json: trailing value", CL, LIT("s3"), LIT("{\"region_name\":\"x\"} {}"), INV, NULL, NULL},
    {"json: trailing NUL", CL, LIT("s3"), LIT("{\"region_name\":\"x\"}\0"), INV, NULL, NULL},
    {"json: raw NUL in string", CL, LIT("s3"), LIT("{\"region_name\":\"us\0west\"}"), INV, NULL,
     NULL},
    {"json: raw newline in string", CL, LIT("s3"), LIT("{\"region_name\":\"us\nwest\"}"), INV,
     NULL, NULL},
    {"json: escaped NUL ok", CL, LIT("s3"), LIT("{\"region_name\":\"us\\u0000west\"}"), OK_, NULL,
     NULL},
    {"json: comment", CL, LIT("s3"), LIT("{/*c*/\"region_name\":\"x\"}"), INV, NULL, NULL},
    {"json: bad escape", CL, LIT("s3"), LIT("{\"region_name\":\"\\x41\"}"), INV, NULL, NULL},
    /* not an object */
    {"params: array", CL, LIT("s3"), LIT("[]"), INV, NULL, NULL},
    {"params: string", CL, LIT("s3"), LIT("\"s3\""), INV, NULL, NULL},
    {"params: number", CL, LIT("s3"), LIT("1"), INV, NULL, NULL},
    {"params: true", CL, LIT("s3"), LIT("true"), INV, NULL, NULL},
    {"params: null text", CL, LIT("s3"), LIT("null"), INV, NULL, NULL},
    /* unknown names */
    {"unknown: region", CL, LIT("s3"), LIT("{\"region\":\"x\"}"), INV, "region", NULL},
    {"unknown: case differs", CL, LIT("s3"), LIT("{\"Region_Name\":\"x\"}"), INV, "Region_Name",
     NULL},
    {"unknown: among known", CL, LIT("s3"),
     LIT("{\"region_name\":\"x\",\"retries_total\":3}"), INV, "retries_total", NULL},
    /* wrong types */
    {"type: region_name number", CL, LIT("s3"), LIT("{\"region_name\":5}"), INV, "region_name",
     NULL},
    {"type: region_name bool", CL, LIT("s3"), LIT("{\"region_name\":true}"), INV, "region_name",
     NULL},
    {"type: api_version object", CL, LIT("s3"), LIT("{\"api_version\":{}}"), INV, "api_version",
     NULL},
    {"type: use_ssl string", CL, LIT("s3"), LIT("{\"use_ssl\":\"yes\"}"), INV, "use_ssl", NULL},
    {"type: use_ssl number", CL, LIT("s3"), LIT("{\"use_ssl\":1}"), INV, "use_ssl", NULL},
    {"type: verify number", CL, LIT("s3"), LIT("{\"verify\":1}"), INV, "verify", NULL},
    {"type: verify object", CL, LIT("s3"), LIT("{\"verify\":{}}"), INV, "verify", NULL},
    {"type: verify path ok", CL, LIT("s3"), LIT("{\"verify\":\"/etc/ca.pem\"}"), OK_, NULL, NULL},
    {"type: verify false ok", CL, LIT("s3"), LIT("{\"verify\":false}"), OK_, NULL, NULL},
    {"type: endpoint_url array", CL, LIT("s3"), LIT("{\"endpoint_url\":[\"http://x\"]}"), INV,
     "endpoint_url", NULL},
    {"type: profile_name number", CL, LIT("s3"), LIT("{\"profile_name\":0}"), INV,
     "profile_name", NULL},
    {"type: config string", CL, LIT("s3"), LIT("{\"config\":\"x\"}"), INV, "config", NULL},
    {"type: config array", CL, LIT("s3"), LIT("{\"config\":[]}"), INV, "config", NULL},
    {"type: config number", CL, LIT("s3"), LIT("{\"config\":1}"), INV, "config", NULL},
    {"type: config empty ok", CL, LIT("s3"), LIT("{\"config\":{}}"), OK_, NULL, NULL},
    {"type: aws_access_key_id number", CL, LIT("s3"), LIT("{\"aws_access_key_id\":12}"), INV,
     "aws_access_key_id", NULL},
    {"type: use_ssl null ok", CL, LIT("s3"), LIT("{\"use_ssl\":null}"), OK_, NULL, NULL},
    /* numbers */
    {"int: 2^53", CL, LIT("s3"), LIT("{\"config\":{\"n\":9007199254740992}}"), INV, NULL, NULL},
    {"int: -2^53", CL, LIT("s3"), LIT("{\"config\":{\"n\":-9007199254740992}}"), INV, NULL, NULL},
    {"int: 2^53-1 ok", CL, LIT("s3"), LIT("{\"config\":{\"n\":9007199254740991}}"), OK_, NULL,
     NULL},
    {"int: -(2^53-1) ok", CL, LIT("s3"), LIT("{\"config\":{\"n\":-9007199254740991}}"), OK_, NULL,
     NULL},
    {"int: 2^64 in array", CL, LIT("s3"), LIT("{\"config\":{\"a\":[1,18446744073709551616]}}"),
     INV, NULL, NULL},
    {"float: 2^53 as 9007199254740992.0", CL, LIT("s3"),
     LIT("{\"config\":{\"n\":9007199254740992.0}}"), INV, NULL, NULL},
    {"float: 1.5 ok", CL, LIT("s3"), LIT("{\"config\":{\"n\":1.5}}"), OK_, NULL, NULL},
    {"float: 1e400 overflows", CL, LIT("s3"), LIT("{\"config\":{\"n\":1e400}}"), INV, NULL, NULL},
    {"float: NaN", CL, LIT("s3"), LIT("{\"config\":{\"n\":NaN}}"), INV, NULL, NULL},
    {"float: Infinity", CL, LIT("s3"), LIT("{\"config\":{\"n\":Infinity}}"), INV, NULL, NULL},
    {"float: -Infinity", CL, LIT("s3"), LIT("{\"config\":{\"n\":-Infinity}}"), INV, NULL, NULL},
    {"float: leading plus", CL, LIT("s3"), LIT("{\"config\":{\"n\":+1}}"), INV, NULL, NULL},
    /* duplicates */
    {"dup: top level", CL, LIT("s3"), LIT("{\"region_name\":\"a\",\"region_name\":\"b\"}"), INV,
     "region_name", NULL},
    {"dup: with null", CL, LIT("s3"), LIT("{\"region_name\":null,\"region_name\":\"b\"}"), INV,
     "region_name", NULL},
    {"dup: nested in config", CL, LIT("s3"),
     LIT("{\"config\":{\"retries\":{\"mode\":\"a\",\"mode\":\"a\"}}}"), INV, "mode", NULL},
    /* invalid UTF-8 and surrogates in params */
    {"utf8: bad continuation", CL, LIT("s3"), LIT("{\"region_name\":\"\xc3\x28\"}"), INV, NULL,
     NULL},
    {"utf8: overlong slash", CL, LIT("s3"), LIT("{\"region_name\":\"\xc0\xaf\"}"), INV, NULL,
     NULL},
    {"utf8: encoded surrogate", CL, LIT("s3"), LIT("{\"region_name\":\"\xed\xa0\x80\"}"), INV,
     NULL, NULL},
    {"utf8: truncated sequence", CL, LIT("s3"), LIT("{\"region_name\":\"\xe2\x82\"}"), INV, NULL,
     NULL},
    {"utf8: in a config member name", CL, LIT("s3"), LIT("{\"config\":{\"\xff\":1}}"), INV, NULL,
     NULL},
    {"utf8: lone surrogate escape", CL, LIT("s3"), LIT("{\"region_name\":\"\\ud800\"}"), INV,
     NULL, NULL},
    {"utf8: valid multibyte ok", CL, LIT("s3"), LIT("{\"region_name\":\"\xe2\x82\xac\"}"), OK_,
     NULL, NULL},
    {"utf8: surrogate pair escape ok", CL, LIT("s3"), LIT("{\"region_name\":\"\\ud83d\\ude00\"}"),
     OK_, NULL, NULL},
    /* errors never echo a secret */
    {"secret: unknown param beside", CL, LIT("s3"),
     LIT("{\"aws_secret_access_key\":\"" SECRET "\",\"bogus\":1}"), INV, "bogus", SECRET},
    {"secret: wrong type array", CL, LIT("s3"), LIT("{\"aws_secret_access_key\":[\"" SECRET "\"]}"),
     INV, "aws_secret_access_key", SECRET},
    {"secret: invalid UTF-8", CL, LIT("s3"), LIT("{\"aws_session_token\":\"" SECRET "\xff\"}"),
     INV, NULL, SECRET},
    {"secret: duplicate", CL, LIT("s3"),
     LIT("{\"aws_secret_access_key\":\"" SECRET "\",\"aws_secret_access_key\":\"" SECRET "\"}"),
     INV, NULL, SECRET},
    {"secret: malformed after", CL, LIT("s3"), LIT("{\"aws_access_key_id\":\"" SECRET "\",}"), INV,
     NULL, SECRET},
};

void test_bad_keys(void) {
    for (size_t i = 0; i < sizeof key_rows / sizeof key_rows[0]; i++) {
        const struct key_row *r = &key_rows[i];
        char name[160];
        snprintf(name, sizeof name, "key_new %s", r->name);
        tf_begin(name);
        plant_error();
        clientcache_key *k = SENTINEL;
        clientcache_status st = clientcache_key_new(r->kind, r->service, r->service_len,
                                                    r->params, r->params_len, &k);
        EXPECT_ST(st, r->want);
        if (r->want == CLIENTCACHE_STATUS_OK) {
            EXPECT(k != NULL && k != SENTINEL);
            if (k != SENTINEL)
                clientcache_key_free(k);
        } else {
            const char *e = last_err();
            EXPECT(k == NULL);
            if (k != NULL && k != SENTINEL)
                clientcache_key_free(k);
            EXPECTF(e[0] != '\0' && strstr(e, "planted_error_marker") == NULL,
                    "own non-empty last_error, got \"%s\"", e);
            if (r->contains)
                EXPECTF(strstr(e, r->contains) != NULL, "last_error \"%s\" names \"%s\"", e,
                        r->contains);
            if (r->not_contains)
                EXPECTF(strstr(e, r->not_contains) == NULL, "last_error leaks a secret: \"%s\"",
                        e);
        }
        tf_end();
    }
}

/* cache_new and set_max_size arguments */
struct cache_row {
    const char *name;
    clientcache_kind kind;
    clientcache_policy policy;
    size_t max_size;
    clientcache_status want;
};

static const struct cache_row cache_rows[] = {
    {"cache_new kind 2", 2, CLIENTCACHE_POLICY_LRU, 3, INV},
    {"cache_new kind 7", 7, CLIENTCACHE_POLICY_LRU, 3, INV},
    {"cache_new policy 2", CL, 2, 3, INV},
    {"cache_new policy 9", CL, 9, 3, INV},
    {"cache_new policy 0xFFFFFFFF", CL, 0xFFFFFFFFu, 3, INV},
    {"cache_new max_size 0", CL, CLIENTCACHE_POLICY_LFU, 0, INV},
    {"cache_new max_size 1 ok", CLIENTCACHE_KIND_RESOURCE, CLIENTCACHE_POLICY_LFU, 1, OK_},
    {"cache_new max_size SIZE_MAX ok", CL, CLIENTCACHE_POLICY_LRU, (size_t)-1, OK_},
};

void test_bad_cache_args(void) {
    for (size_t i = 0; i < sizeof cache_rows / sizeof cache_rows[0]; i++) {
        const struct cache_row *r = &cache_rows[i];
        tf_begin(r->name);
        plant_error();
        clientcache_cache *c = SENTINEL;
        EXPECT_ST(clientcache_cache_new(r->kind, r->policy, r->max_size, NULL, NULL, &c), r->want);
        if (r->want == CLIENTCACHE_STATUS_OK) {
            EXPECT(c != NULL && c != SENTINEL);
            if (c != NULL && c != SENTINEL) {
                EXPECT_EQ(clientcache_cache_max_size(c), r->max_size);
                clientcache_cache_free(c);
            }
        } else {
            const char *e = last_err();
            EXPECT(c == NULL);
            EXPECTF(e[0] != '\0' && strstr(e, "planted_error_marker") == NULL,
                    "own non-empty last_error, got \"%s\"", e);
        }
        tf_end();
    }

    tf_begin("cache_set_max_size 0");
    {
        clientcache_cache *c = NULL;
        clientcache_key *k = region_key("keep");
        int v = 1;
        if (k && EXPECT_OK(clientcache_cache_new(CL, CLIENTCACHE_POLICY_LRU, 3, NULL, NULL, &c))) {
            EXPECT_OK(clientcache_cache_insert(c, k, &v));
            plant_error();
            EXPECT_ST(clientcache_cache_set_max_size(c, 0), INV);
            EXPECT(strlen(last_err()) > 0 && strstr(last_err(), "planted_error_marker") == NULL);
            EXPECT_EQ(clientcache_cache_max_size(c), 3);
            EXPECT_EQ(clientcache_cache_len(c), 1);
        }
        clientcache_cache_free(c);
        clientcache_key_free(k);
    }
    tf_end();

    tf_begin("cache_insert NULL value");
    {
        /* a value is an opaque pointer; NULL cannot be told apart from "no
         * lease value", so it is refused as a NULL pointer */
        clientcache_cache *c = NULL;
        clientcache_key *k = region_key("nullvalue");
        if (k && EXPECT_OK(clientcache_cache_new(CL, CLIENTCACHE_POLICY_LRU, 3, NULL, NULL, &c))) {
            plant_error();
            EXPECT_ST(clientcache_cache_insert(c, k, NULL), CLIENTCACHE_STATUS_NULL_POINTER);
            EXPECT(strlen(last_err()) > 0 && strstr(last_err(), "planted_error_marker") == NULL);
            EXPECT_EQ(clientcache_cache_len(c), 0);
        }
        clientcache_cache_free(c);
        clientcache_key_free(k);
    }
    tf_end();
}
