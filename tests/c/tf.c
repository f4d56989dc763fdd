/* tf.c — implementation of the test framework declared in tf.h. */
#define _POSIX_C_SOURCE 200809L
#include "tf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int case_failures;
static const char *case_name = "(none)";
static int passed, failed;

int tf_passed(void) { return passed; }
int tf_failed(void) { return failed; }

void tf_begin(const char *name) {
    case_name = name;
    atomic_store(&case_failures, 0);
}

bool tf_end(void) {
    bool ok = atomic_load(&case_failures) == 0;
    if (ok)
        passed++;
    else {
        failed++;
        printf("FAIL %s\n", case_name);
    }
    fflush(stdout);
    case_name = "(none)";
    return ok;
}

static void vreport(const char *file, int line, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* one fprintf per failure so lines from threads do not interleave */
    fprintf(stdout, "  %s:%d: [%s] %s\n", file, line, case_name, msg);
    fflush(stdout);
}

bool tf_check(bool ok, const char *file, int line, const char *fmt, ...) {
    if (ok)
        return true;
    atomic_fetch_add(&case_failures, 1);
    va_list ap;
    va_start(ap, fmt);
    vreport(file, line, fmt, ap);
    va_end(ap);
    return false;
}

void tf_note(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strcmp(case_name, "(none)") == 0)
        printf("  note: %s\n", msg);
    else
        printf("  note [%s]: %s\n", case_name, msg);
    fflush(stdout);
}

const char *tf_status_str(clientcache_status s) {
    static const char *const names[] = {"OK",           "NOT_FOUND",        "EXISTS",
                                        "INVALID_ARGUMENT", "KIND_MISMATCH", "NULL_POINTER",
                                        "BUFFER_TOO_SMALL", "FACTORY_FAILED", "PANIC"};
    return s < sizeof names / sizeof names[0] ? names[s] : "(out of range)";
}

bool tf_check_status(clientcache_status got, clientcache_status want, const char *expr,
                     const char *file, int line) {
    if (got == want)
        return true;
    char err[512] = "";
    size_t len = 0;
    if (got != CLIENTCACHE_STATUS_OK) {
        if (clientcache_last_error(err, sizeof err, &len) != CLIENTCACHE_STATUS_OK)
            snprintf(err, sizeof err, "(last_error unavailable)");
    }
    return tf_check(false, file, line, "%s: got %s (%u), want %s (%u)%s%s", expr,
                    tf_status_str(got), (unsigned)got, tf_status_str(want), (unsigned)want,
                    err[0] ? "; last_error: " : "", err);
}

bool tf_check_str(const char *got, const char *want, const char *expr, const char *file,
                  int line) {
    if (got && want && strcmp(got, want) == 0)
        return true;
    return tf_check(false, file, line, "%s:\n      got  %s\n      want %s", expr,
                    got ? got : "(null)", want ? want : "(null)");
}

bool tf_slow(void) {
    const char *s = getenv("CLIENTCACHE_C_SLOW");
    return s && s[0] && strcmp(s, "0") != 0;
}

void tf_sleep_ms(long ms) {
    if (tf_slow())
        ms *= 4;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

struct timeout_run {
    void (*fn)(void *);
    void *arg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
};

static void *timeout_trampoline(void *p) {
    struct timeout_run *r = p;
    r->fn(r->arg);
    pthread_mutex_lock(&r->mu);
    r->done = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

void tf_run_with_timeout(const char *what, void (*fn)(void *), void *arg, int seconds) {
    struct timeout_run r = {.fn = fn, .arg = arg, .done = false};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, timeout_trampoline, &r) != 0) {
        tf_check(false, __FILE__, __LINE__, "pthread_create failed for %s", what);
        return;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += tf_slow() ? seconds * 10 : seconds;
    pthread_mutex_lock(&r.mu);
    int rc = 0;
    while (!r.done && rc == 0)
        rc = pthread_cond_timedwait(&r.cv, &r.mu, &deadline);
    bool done = r.done;
    pthread_mutex_unlock(&r.mu);
    if (!done) {
        tf_check(false, __FILE__, __LINE__, "%s did not finish within %d s: deadlock", what,
                 seconds);
        tf_end();
        printf("%d passed, %d failed\n", passed, failed);
        fflush(stdout);
        _exit(1);
    }
    pthread_join(th, NULL);
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
}
