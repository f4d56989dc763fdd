/* tf.h — the C suite's small test framework.
 *
 * A test case is a function `void name(void)` that uses EXPECT* (record a
 * failure and carry on) and REQUIRE* (record a failure and `goto cleanup`).
 * Every test function therefore ends in a `cleanup:` label that releases what
 * it acquired (goto-cleanup style). Checks may be made from any thread: the
 * failure counter is atomic. Table-driven tests open one case per row with
 * tf_begin()/tf_end(). The runner prints one line per failure with its
 * location and ends with exactly `N passed, N failed`.
 */
#ifndef CLIENTCACHE_TF_H
#define CLIENTCACHE_TF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clientcache.h"

/* Case bookkeeping (tf.c). */
void tf_begin(const char *name);
bool tf_end(void); /* true when the case passed */
int tf_passed(void);
int tf_failed(void);
bool tf_check(bool ok, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
bool tf_check_status(clientcache_status got, clientcache_status want, const char *expr,
                     const char *file, int line);
bool tf_check_str(const char *got, const char *want, const char *expr, const char *file,
                  int line);
void tf_note(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Scale factors for slow runs (valgrind): CLIENTCACHE_C_SLOW=1. */
bool tf_slow(void);
/* Sleep for ms milliseconds (multiplied by 4 in slow mode). */
void tf_sleep_ms(long ms);
/* Runs fn(arg) on a new thread; if it has not finished after `seconds`
 * (x10 in slow mode) the case fails as a deadlock and the process exits
 * with the summary line (a hung thread cannot be recovered). */
void tf_run_with_timeout(const char *what, void (*fn)(void *), void *arg, int seconds);

/* Name of a status for messages, independent of the library. */
const char *tf_status_str(clientcache_status s);

#define EXPECT(cond) tf_check((cond) != 0, __FILE__, __LINE__, "%s", #cond)
#define EXPECTF(cond, ...) tf_check((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!EXPECT(cond))                                                                         \
            goto cleanup;                                                                          \
    } while (0)
#define EXPECT_ST(expr, want) tf_check_status((expr), (want), #expr, __FILE__, __LINE__)
#define REQUIRE_ST(expr, want)                                                                     \
    do {                                                                                           \
        if (!EXPECT_ST(expr, want))                                                            \
            goto cleanup;                                                                          \
    } while (0)
#define EXPECT_OK(expr) EXPECT_ST(expr, CLIENTCACHE_STATUS_OK)
#define REQUIRE_OK(expr) REQUIRE_ST(expr, CLIENTCACHE_STATUS_OK)
#define EXPECT_EQ(a, b)                                                                            \
    tf_check((unsigned long long)(a) == (unsigned long long)(b), __FILE__, __LINE__,               \
             "%s == %s (got %llu, want %llu)", #a, #b, (unsigned long long)(a),                    \
             (unsigned long long)(b))
#define REQUIRE_EQ(a, b)                                                                           \
    do {                                                                                           \
        if (!EXPECT_EQ(a, b))                                                                      \
            goto cleanup;                                                                          \
    } while (0)
#define EXPECT_STR(got, want) tf_check_str((got), (want), #got, __FILE__, __LINE__)

#endif
