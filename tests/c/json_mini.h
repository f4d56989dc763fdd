/* json_mini.h — a tiny JSON reader for tests/vectors/keys.json. Strings are
 * decoded to UTF-8 with their length (they may hold \u0000). Not a general
 * purpose parser: no depth limit beyond the test file's needs. */
#ifndef CLIENTCACHE_JSON_MINI_H
#define CLIENTCACHE_JSON_MINI_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { JN_NULL, JN_BOOL, JN_NUM, JN_STR, JN_ARR, JN_OBJ } jtype;

typedef struct jv {
    jtype t;
    bool b;
    double num;
    char *s; /* JN_STR: NUL-terminated, slen bytes */
    size_t slen;
    struct jv *items; /* JN_ARR / JN_OBJ values */
    char **keys;      /* JN_OBJ member names */
    size_t n;
} jv;

/* Returns NULL and writes a message into err on a syntax error. */
jv *json_parse(const char *text, size_t len, char *err, size_t errcap);
void json_free(jv *v);
/* Member of an object, or NULL. */
const jv *json_get(const jv *obj, const char *key);
/* Member that is a string, or NULL. */
const char *json_get_str(const jv *obj, const char *key, size_t *len);

#endif
