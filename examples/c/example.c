/* example.c — using libclientcache from C.
 *
 * Build:  cc -std=c11 example.c $(pkg-config --cflags --libs clientcache)
 *
 * A key is built from a service name and the client's constructor parameters
 * as JSON; the cache owns one reference to each value and calls the release
 * callback exactly once, when no cache and no lease holds it any more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clientcache.h>

struct client { /* stands in for an SDK client */
    char region[32];
};

static void release_client(void *value, void *ctx) {
    (void)ctx;
    free(value);
}

/* Prints the calling thread's last error message. */
static void print_error(const char *what, clientcache_status st) {
    char msg[256];
    size_t len = 0;
    clientcache_last_error(msg, sizeof msg, &len);
    printf("%s -> %s: %s\n", what, clientcache_status_name(st), msg);
}

int main(void) {
    int rc = 1;
    clientcache_key *key = NULL;
    clientcache_cache *cache = NULL;
    clientcache_lease *lease = NULL;
    struct client *client = NULL;
    clientcache_status st;

    const char *params = "{\"region_name\":\"us-west-2\"}";
    st = clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", strlen("s3"), params,
                             strlen(params), &key);
    if (st != CLIENTCACHE_STATUS_OK) {
        print_error("key_new", st);
        goto cleanup;
    }
    char label[256], fingerprint[33];
    size_t label_len = 0;
    clientcache_key_label(key, label, sizeof label, &label_len);
    clientcache_key_fingerprint(key, fingerprint);
    printf("key %s  %s\n", label, fingerprint);

    st = clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, 10,
                               release_client, NULL, &cache);
    if (st != CLIENTCACHE_STATUS_OK) {
        print_error("cache_new", st);
        goto cleanup;
    }

    client = calloc(1, sizeof *client);
    if (!client)
        goto cleanup;
    snprintf(client->region, sizeof client->region, "us-west-2");
    st = clientcache_cache_insert(cache, key, client);
    if (st != CLIENTCACHE_STATUS_OK) { /* on failure the value is still ours */
        print_error("insert", st);
        free(client);
        goto cleanup;
    }
    client = NULL; /* the cache owns it now */

    /* A lease keeps the value alive while we use it, even if another thread
     * evicts it meanwhile. */
    st = clientcache_cache_get(cache, key, &lease);
    if (st != CLIENTCACHE_STATUS_OK) {
        print_error("get", st);
        goto cleanup;
    }
    struct client *cached = clientcache_lease_value(lease);
    printf("hit: client for %s\n", cached->region);
    clientcache_lease_free(lease);
    lease = NULL;

    /* Errors are statuses; the message is per thread. */
    st = clientcache_cache_insert(cache, key, cached);
    print_error("insert again", st); /* EXISTS: the cache is unchanged */
    if (st != CLIENTCACHE_STATUS_EXISTS)
        goto cleanup;

    clientcache_key *bad = NULL;
    const char *typo = "{\"region\":\"us-west-2\"}";
    st = clientcache_key_new(CLIENTCACHE_KIND_CLIENT, "s3", 2, typo, strlen(typo), &bad);
    print_error("key_new with a typo", st); /* INVALID_ARGUMENT naming "region" */
    if (st != CLIENTCACHE_STATUS_INVALID_ARGUMENT || bad != NULL)
        goto cleanup;

    printf("len %zu of %zu\n", clientcache_cache_len(cache), clientcache_cache_max_size(cache));
    rc = 0;
cleanup:
    clientcache_lease_free(lease);
    clientcache_cache_free(cache); /* releases the cached client */
    clientcache_key_free(key);
    return rc;
}
