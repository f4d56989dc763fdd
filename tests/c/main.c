/* main.c — runs the C suite; the last line is exactly `N passed, N failed`.
 * Optional argument: a substring; only tests whose name contains it run. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "suite.h"
#include "tf.h"

struct entry {
    const char *name;
    void (*fn)(void);
    int table;
};

#define PLAIN_ENTRY(fn) {#fn, fn, 0},
#define TABLE_ENTRY(fn) {#fn, fn, 1},
static const struct entry entries[] = {SUITE_TESTS(PLAIN_ENTRY, TABLE_ENTRY)};

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    printf("clientcache C suite, library %s\n", clientcache_version());
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        const struct entry *e = &entries[i];
        if (filter && !strstr(e->name, filter))
            continue;
        int before_p = tf_passed(), before_f = tf_failed();
        if (e->table) {
            e->fn();
        } else {
            tf_begin(e->name);
            e->fn();
            tf_end();
        }
        printf("%-4s %s (%d cases)\n", tf_failed() == before_f ? "ok" : "FAIL", e->name,
               tf_passed() - before_p + tf_failed() - before_f);
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", tf_passed(), tf_failed());
    return tf_failed() == 0 ? 0 : 1;
}
