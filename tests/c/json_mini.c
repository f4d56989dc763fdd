/* json_mini.c — see json_mini.h. */
#define _POSIX_C_SOURCE 200809L
#include "json_mini.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *p, *end;
    char *err;
    size_t errcap;
    bool failed;
};

static void fail(struct parser *ps, const char *what) {
    if (!ps->failed)
        snprintf(ps->err, ps->errcap, "%s at offset %ld", what, (long)(ps->end - ps->p));
    ps->failed = true;
}

static void skip_ws(struct parser *ps) {
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool lit(struct parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return true;
    }
    return false;
}

static void clear_value(jv *v) {
    if (v->t == JN_STR)
        free(v->s);
    if (v->t == JN_ARR || v->t == JN_OBJ) {
        for (size_t i = 0; i < v->n; i++) {
            clear_value(&v->items[i]);
            if (v->keys)
                free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
}

static int hex4(struct parser *ps, uint32_t *out) {
    if (ps->end - ps->p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* at the opening quote; the decoded text is never longer than the source */
static char *parse_string(struct parser *ps, size_t *len) {
    ps->p++;
    const char *start = ps->p;
    char *out = malloc((size_t)(ps->end - start) + 1);
    size_t n = 0;
    if (!out) {
        fail(ps, "out of memory");
        return NULL;
    }
    while (ps->p < ps->end && *ps->p != '"') {
        char c = *ps->p++;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        if (ps->p >= ps->end)
            break;
        c = *ps->p++;
        switch (c) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (hex4(ps, &cp) != 0)
                goto bad;
            if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u') {
                ps->p += 2;
                if (hex4(ps, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            goto bad;
        }
    }
    if (ps->p >= ps->end)
        goto bad;
    ps->p++;
    out[n] = '\0';
    *len = n;
    return out;
bad:
    free(out);
    fail(ps, "bad string");
    return NULL;
}

static bool parse_value(struct parser *ps, jv *v, int depth);

static bool push(jv *v, size_t *cap, bool with_keys) {
    if (v->n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 4;
    jv *items = realloc(v->items, nc * sizeof *items);
    if (!items)
        return false;
    v->items = items;
    if (with_keys) {
        char **keys = realloc(v->keys, nc * sizeof *keys);
        if (!keys)
            return false;
        v->keys = keys;
    }
    *cap = nc;
    return true;
}

static bool parse_value(struct parser *ps, jv *v, int depth) {
    memset(v, 0, sizeof *v);
    if (depth > 64) {
        fail(ps, "too deep");
        return false;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end");
        return false;
    }
    char c = *ps->p;
    if (c == '"') {
        v->t = JN_STR;
        v->s = parse_string(ps, &v->slen);
        return v->s != NULL;
    }
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        size_t cap = 0;
        v->t = obj ? JN_OBJ : JN_ARR;
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
            ps->p++;
            return true;
        }
        for (;;) {
            if (!push(v, &cap, obj)) {
                fail(ps, "out of memory");
                return false;
            }
            if (obj) {
                size_t kl;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != '"') {
                    fail(ps, "expected member name");
                    return false;
                }
                v->keys[v->n] = parse_string(ps, &kl);
                if (!v->keys[v->n])
                    return false;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':') {
                    free(v->keys[v->n]);
                    fail(ps, "expected ':'");
                    return false;
                }
                ps->p++;
            }
            if (!parse_value(ps, &v->items[v->n], depth + 1)) {
                clear_value(&v->items[v->n]);
                if (obj)
                    free(v->keys[v->n]);
                return false;
            }
            v->n++;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
                ps->p++;
                return true;
            }
            fail(ps, "expected ',' or end of container");
            return false;
        }
    }
    if (lit(ps, "null")) {
        v->t = JN_NULL;
        return true;
    }
    if (lit(ps, "true") || lit(ps, "false")) {
        v->t = JN_BOOL;
        v->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
        return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t n = 0;
        while (ps->p < ps->end && n + 1 < sizeof buf && strchr("+-.eE0123456789", *ps->p))
            buf[n++] = *ps->p++;
        buf[n] = '\0';
        char *endp;
        v->t = JN_NUM;
        v->num = strtod(buf, &endp);
        if (*endp != '\0') {
            fail(ps, "bad number");
            return false;
        }
        return true;
    }
    fail(ps, "unexpected character");
    return false;
}

jv *json_parse(const char *text, size_t len, char *err, size_t errcap) {
    struct parser ps = {text, text + len, err, errcap, false};
    jv *v = malloc(sizeof *v);
    if (!v)
        return NULL;
    if (!parse_value(&ps, v, 0)) {
        clear_value(v);
        free(v);
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing text");
        clear_value(v);
        free(v);
        return NULL;
    }
    return v;
}

void json_free(jv *v) {
    if (!v)
        return;
    clear_value(v);
    free(v);
}

const jv *json_get(const jv *obj, const char *key) {
    if (!obj || obj->t != JN_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

const char *json_get_str(const jv *obj, const char *key, size_t *len) {
    const jv *v = json_get(obj, key);
    if (!v || v->t != JN_STR)
        return NULL;
    if (len)
        *len = v->slen;
    return v->s;
}
