/* test_vectors.c — the shared identity vectors (tests/vectors/keys.json):
 * canonical form, fingerprint and label of every vector, and the status and
 * message of every error case, through the raw-JSON constructor. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_mini.h"
#include "suite.h"
#include "tf.h"
#include "util.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool parse_kind(const char *s, clientcache_kind *out) {
    if (s && strcmp(s, "client") == 0)
        *out = CLIENTCACHE_KIND_CLIENT;
    else if (s && strcmp(s, "resource") == 0)
        *out = CLIENTCACHE_KIND_RESOURCE;
    else
        return false;
    return true;
}

static bool parse_status(const char *s, clientcache_status *out) {
    for (clientcache_status st = 0; st <= CLIENTCACHE_STATUS_PANIC; st++)
        if (s && strcmp(s, tf_status_str(st)) == 0) {
            *out = st;
            return true;
        }
    return false;
}

/* Builds the key of a vector or error entry; returns the status. */
static clientcache_status build(const jv *e, clientcache_key **out, bool *input_ok) {
    size_t slen = 0;
    const char *kind_s = json_get_str(e, "kind", NULL);
    const char *svc = json_get_str(e, "service_name", &slen);
    const jv *params = json_get(e, "params_json");
    clientcache_kind kind;
    *input_ok = parse_kind(kind_s, &kind) && svc != NULL &&
                (params == NULL || params->t == JN_NULL || params->t == JN_STR);
    if (!*input_ok)
        return CLIENTCACHE_STATUS_PANIC;
    const char *pj = params && params->t == JN_STR ? params->s : NULL;
    size_t pl = params && params->t == JN_STR ? params->slen : 0;
    return clientcache_key_new(kind, svc, slen, pj, pl, out);
}

void test_vectors(void) {
    const char *path = getenv("CLIENTCACHE_VECTORS");
    if (!path)
        path = "tests/vectors/keys.json";
    size_t len = 0;
    char err[256] = "";
    char *text = read_file(path, &len);
    jv *root = NULL;
    tf_begin("vectors: read keys.json");
    if (!EXPECTF(text != NULL, "cannot read %s (set CLIENTCACHE_VECTORS)", path)) {
        tf_end();
        return;
    }
    root = json_parse(text, len, err, sizeof err);
    EXPECTF(root != NULL, "parse %s: %s", path, err);
    const jv *version = json_get(root, "canonical_version");
    const jv *vectors = json_get(root, "vectors");
    const jv *errors = json_get(root, "errors");
    EXPECT(version && version->t == JN_NUM && version->num == 1);
    EXPECT(vectors && vectors->t == JN_ARR && vectors->n > 0);
    EXPECT(errors && errors->t == JN_ARR && errors->n > 0);
    bool usable = tf_end() && vectors && vectors->t == JN_ARR && errors && errors->t == JN_ARR;
    if (!usable)
        goto cleanup;

    for (size_t i = 0; i < vectors->n; i++) {
        const jv *e = &vectors->items[i];
        const char *name = json_get_str(e, "name", NULL);
        char cname[256];
        snprintf(cname, sizeof cname, "vector %s", name ? name : "(unnamed)");
        tf_begin(cname);
        clientcache_key *k = NULL;
        bool input_ok;
        clientcache_status st = build(e, &k, &input_ok);
        if (EXPECTF(input_ok, "vector entry has kind, service_name, params_json") &&
            EXPECT_OK(st)) {
            const char *canon = canonical_of(k);
            EXPECT_STR(canon, json_get_str(e, "canonical", NULL));
            EXPECT_STR(fingerprint_of(k), json_get_str(e, "fingerprint", NULL));
            EXPECT_STR(label_of(k), json_get_str(e, "label", NULL));
            /* the file itself is consistent: fingerprint = SHA-256(canonical)[0..16] */
            const char *want_canon = json_get_str(e, "canonical", NULL);
            if (want_canon) {
                uint8_t d[32];
                char hex[65];
                sha256(want_canon, strlen(want_canon), d);
                hex_lower(d, 16, hex);
                EXPECT_STR(hex, json_get_str(e, "fingerprint", NULL));
            }
            const char *kind_s = json_get_str(e, "kind", NULL);
            EXPECT_EQ(clientcache_key_kind(k), strcmp(kind_s, "client") == 0
                                                   ? CLIENTCACHE_KIND_CLIENT
                                                   : CLIENTCACHE_KIND_RESOURCE);
        }
        clientcache_key_free(k);
        tf_end();
    }

    for (size_t i = 0; i < errors->n; i++) {
        const jv *e = &errors->items[i];
        const char *name = json_get_str(e, "name", NULL);
        char cname[256];
        snprintf(cname, sizeof cname, "vector error %s", name ? name : "(unnamed)");
        tf_begin(cname);
        clientcache_key *k = SENTINEL_KEY;
        bool input_ok;
        clientcache_status want = CLIENTCACHE_STATUS_OK;
        const char *want_s = json_get_str(e, "status", NULL);
        if (EXPECTF(parse_status(want_s, &want), "status \"%s\" is a status name",
                    want_s ? want_s : "(missing)")) {
            clientcache_status st = build(e, &k, &input_ok);
            if (EXPECT(input_ok) && EXPECT_ST(st, want)) {
                const char *msg = last_err();
                const char *contains = json_get_str(e, "message_contains", NULL);
                EXPECT(k == NULL);
                EXPECT(msg[0] != '\0');
                if (contains)
                    EXPECTF(strstr(msg, contains) != NULL, "last_error \"%s\" contains \"%s\"",
                            msg, contains);
            }
        }
        if (k != SENTINEL_KEY)
            clientcache_key_free(k);
        tf_end();
    }
    tf_note("%zu vectors, %zu error cases from %s", vectors->n, errors->n, path);
cleanup:
    json_free(root);
    free(text);
}
